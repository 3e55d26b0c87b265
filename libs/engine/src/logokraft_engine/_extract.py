"""Colour extraction: the dominant colours of an inspiration image."""

from __future__ import annotations

import io

from PIL import Image

from logokraft_engine._palette import to_hex

_SAMPLE = 128  # images are shrunk to this size before quantizing
_MIN_DISTANCE = 40  # colours closer than this (RGB distance) count as one


def dominant_colors(image_bytes: bytes, *, count: int = 3) -> list[str]:
    """The dominant colours of an image as '#rrggbb', most dominant first."""
    if count < 1:
        return []
    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
    except Exception as err:  # Pillow raises many types for bad input
        raise ValueError(f"not a readable image: {err}") from None
    image = _opaque_pixels(image)
    quantized = image.quantize(colors=max(8, count * 2), method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    ranked = sorted(quantized.getcolors() or [], key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[int, int, int]] = []
    for _, index in ranked:
        rgb = tuple(palette[index * 3 : index * 3 + 3])
        if all(
            sum((a - b) ** 2 for a, b in zip(rgb, c, strict=True)) ** 0.5 >= _MIN_DISTANCE
            for c in chosen
        ):
            chosen.append(rgb)
    return [to_hex(c) for c in chosen[:count]]


def _opaque_pixels(image: Image.Image) -> Image.Image:
    """A small RGB image of the (mostly) opaque pixels of `image`."""
    image = image.convert("RGBA")
    image.thumbnail((_SAMPLE, _SAMPLE))
    raw = image.tobytes()
    kept = b"".join(raw[i : i + 3] for i in range(0, len(raw), 4) if raw[i + 3] >= 128)
    kept = kept or b"\xff\xff\xff"
    return Image.frombytes("RGB", (len(kept) // 3, 1), kept)
