"""Shared fixtures and helpers for the engine tests."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from logokraft_engine import Brief


def _image(png: bytes) -> Image.Image:
    """The PNG decoded to RGB."""
    return Image.open(io.BytesIO(png)).convert("RGB")


def _ink_box(png: bytes) -> tuple[int, int, int, int] | None:
    """Bounding box of the pixels that differ from white."""
    rgb = _image(png)
    return ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()


def _colors_in(png: bytes) -> set[str]:
    """Every colour in the PNG as '#rrggbb'."""
    found = _image(png).getcolors(maxcolors=1 << 24) or []
    return {"#{:02x}{:02x}{:02x}".format(*rgb) for _, rgb in found}


@pytest.fixture
def coffee() -> Brief:
    return Brief(
        brand_name="Acme Roasters",
        slogan="Small batch coffee",
        industry="coffee roastery",
        colors=("#0a2540", "#c0392b"),
    )


@pytest.fixture
def image():
    return _image


@pytest.fixture
def ink_box():
    return _ink_box


@pytest.fixture
def colors_in():
    return _colors_in
