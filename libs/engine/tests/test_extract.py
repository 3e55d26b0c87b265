"""Dominant colour extraction."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from logokraft_engine import dominant_colors
from logokraft_engine._palette import to_rgb


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_finds_red_in_mostly_red_image() -> None:
    img = Image.new("RGB", (200, 200), (220, 20, 30))
    ImageDraw.Draw(img).rectangle((0, 0, 60, 60), fill=(20, 40, 200))
    colors = dominant_colors(_png(img), count=3)
    r, g, b = to_rgb(colors[0])
    assert r > 180 and g < 70 and b < 70
    assert any(to_rgb(c)[2] > 150 and to_rgb(c)[0] < 80 for c in colors[1:])
    assert len(colors) == len(set(colors)) <= 3


def test_ignores_transparent_pixels() -> None:
    img = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((40, 40, 70, 70), fill=(0, 160, 60, 255))
    r, g, _ = to_rgb(dominant_colors(_png(img), count=1)[0])
    assert g > 120 and r < 60


def test_rejects_non_images() -> None:
    with pytest.raises(ValueError):
        dominant_colors(b"not an image")
