"""Small, valid test images drawn with Pillow, as the fakes hand them out."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def draw_image(width: int = 64, height: int = 64, *, image_format: str = "PNG") -> bytes:
    """A simple two-shape 'logo' of the given size encoded as PNG, JPEG or WEBP."""
    image = Image.new("RGB", (width, height), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.2, height * 0.2, width * 0.8, height * 0.8), fill="#1f4e79")
    draw.rectangle((width * 0.42, height * 0.1, width * 0.58, height * 0.9), fill="#e0a526")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def mime_type_of(image_format: str) -> str:
    """The MIME type for a Pillow format name."""
    return {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[image_format.upper()]


NOT_AN_IMAGE = b"\x89PNG\r\n\x1a\n but the rest of this file is not an image"
