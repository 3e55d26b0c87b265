"""The new-project form: a bounded streaming multipart reader and inspiration-image checks.

The body is parsed as it arrives, so an oversized image is refused the moment it crosses
the limit instead of after the whole upload has been buffered. Then every image's header is
read (format and dimensions, no pixels) and the form refused if any is over the limits, so
nothing is decoded for a form that will be refused. Only then are the images decoded, off
the event loop and at most DECODE_CONCURRENCY at a time in the process, scaled down to
MAX_SIDE pixels on the longer side and re-encoded to PNG without any metadata. The decoding
budget bounds the gateway's memory whatever the number of uploads: one decode holds at most
a few bytes per pixel of a MAX_PIXELS image.
"""

from __future__ import annotations

import asyncio
import difflib
import io
import re
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MAX_BOUNDARY_LENGTH, MultipartParser, parse_options_header

from logokraft_domain.brief import MAX_INSPIRATION_IMAGES
from logokraft_gateway.errors import ApiError

IMAGE_FIELD = "inspiration_images"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 64
# The text a form may have before its first boundary (RFC 2046's preamble, which no client
# is expected to read): past it without a boundary, the form is refused.
MAX_PREAMBLE_BYTES = 64 * 1024
MAX_PIXELS = 16_000_000
# The longest side of a stored inspiration image: larger images are scaled down to it.
MAX_SIDE = 2048
# Images decoded at once in the process (each request's images wait their turn).
DECODE_CONCURRENCY = 2
MAX_BODY_BYTES = MAX_INSPIRATION_IMAGES * MAX_IMAGE_BYTES + 2 * 1024 * 1024
_MB = 1024 * 1024
# The images' description in the OpenAPI form (intake.py), stated from the limits above.
IMAGES_DESCRIPTION = (
    f"PNG, JPEG or WEBP; ≤{MAX_IMAGE_BYTES // _MB} MB and ≤{MAX_PIXELS // 1_000_000} "
    f"megapixels each. Stored as PNG without metadata, scaled down to at most {MAX_SIDE} px "
    "on the longer side."
)


@dataclass
class UploadedFile:
    """One file part as received."""

    data: bytearray = field(default_factory=bytearray)
    filename: str = ""


@dataclass
class ParsedForm:
    """The text fields (by name, in order) and the image files of a form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    images: list[UploadedFile] = field(default_factory=list)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    is_image: bool = False


class FormReader:
    """Feeds body chunks to python-multipart and enforces the limits as the bytes arrive."""

    def __init__(self, boundary: bytes, *, allowed_fields: frozenset[str]) -> None:
        self._allowed = allowed_fields
        self._form = ParsedForm()
        self._parts = 0
        self._part = _Part()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._ended = False
        # Bytes before the first boundary (RFC 2046's preamble, which python-multipart
        # refuses): held until the first delimiter, then dropped; None once it was found.
        self._preamble: bytearray | None = bytearray()
        self._dash_boundary = b"--" + boundary
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
        )

    def feed(self, chunk: bytes) -> None:
        """Parse one chunk of the body."""
        if self._preamble is not None:
            chunk = self._past_preamble(chunk)
            if not chunk:
                return
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            raise ApiError(400, "malformed_form", "The multipart form is malformed.") from None

    def _past_preamble(self, chunk: bytes) -> bytes:
        """The body from its first delimiter on (b"" until it has come), the preamble dropped.

        The first part starts at `--boundary` at the very start of the body or right after
        a CRLF; python-multipart takes the CRLF, not the text before it.
        """
        assert self._preamble is not None
        self._preamble += chunk
        held = self._preamble
        start = (
            0 if held.startswith(self._dash_boundary) else held.find(b"\r\n" + self._dash_boundary)
        )
        if start < 0:
            if len(held) > MAX_PREAMBLE_BYTES:
                raise ApiError(
                    400,
                    "malformed_form",
                    f"The multipart form has more than {MAX_PREAMBLE_BYTES // 1024} KB before "
                    f"its first boundary {self._dash_boundary.decode('latin-1')!r}; start the "
                    "body with its first part.",
                )
            return b""
        self._preamble = None
        return bytes(held[start:])

    def finish(self) -> ParsedForm:
        """The parsed form, once the whole body was fed."""
        if self._preamble is not None and not self._preamble.strip():
            raise ApiError(
                400,
                "malformed_form",
                "The request body is empty; send the brief as a multipart form with at least "
                "brand_name (curl -F brand_name=Acme).",
            )
        if self._preamble is not None:
            raise _no_boundary(self._dash_boundary)
        self._parser.finalize()
        if not self._ended:
            raise ApiError(400, "malformed_form", "The multipart form ended before its last part.")
        return self._form

    def _on_part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise ApiError(413, "too_many_parts", f"The form has more than {MAX_PARTS} parts.")
        self._part = _Part()
        self._headers = {}

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = self._header_field.decode("latin-1").lower()
        if name in self._headers:  # which one wins differs between parsers: neither does
            raise ApiError(
                400, "malformed_form", f"A form part has two {name.title()} headers; send one."
            )
        self._headers[name] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        raw_disposition = self._headers.get("content-disposition") or b""
        disposition, options = parse_options_header(raw_disposition)
        if disposition != b"form-data" or b"name" not in options:
            raise ApiError(400, "malformed_form", "A form part has no Content-Disposition name.")
        for parameter in (b"name", b"filename"):
            if len(re.findall(rb";\s*" + parameter + rb"\s*=", raw_disposition, re.I)) > 1:
                raise ApiError(
                    400,
                    "malformed_form",
                    f"A form part's Content-Disposition gives its {parameter.decode()} twice; "
                    "give it once.",
                )
        name = options[b"name"].decode("utf-8", "replace")
        if name not in self._allowed:
            # `-F brand=Acme` for brand_name, `-F image=@a.png`, `-F color=navy`: name the field.
            meant = _MEANT.get(name.lower()) or next(
                iter(difflib.get_close_matches(name, sorted(self._allowed), n=1, cutoff=0.75)),
                None,
            )
            fix = f"did you mean {meant!r}?" if meant in self._allowed else "remove it."
            raise ApiError(
                422,
                "unknown_field",
                f"The form field {name!r} is not part of a brief; {fix}",
                details=[{"field": name, "message": "unknown field"}],
            )
        filename = options.get(b"filename")
        self._part.name = name
        self._part.filename = filename.decode("utf-8", "replace") if filename is not None else None
        self._part.is_image = name == IMAGE_FIELD

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        part.data += data[start:end]
        limit = MAX_IMAGE_BYTES if part.is_image else MAX_FIELD_BYTES
        if len(part.data) > limit:
            raise _too_large(part, limit)

    def _on_part_end(self) -> None:
        part = self._part
        if part.is_image:
            self._add_image(part)
            return
        try:
            value = part.data.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(
                422, "invalid_encoding", f"The field {part.name} is not valid UTF-8 text."
            ) from None
        self._form.fields.setdefault(part.name, []).append(value)

    def _add_image(self, part: _Part) -> None:
        # Browsers send an empty part with an empty file name when no file was chosen.
        if not part.data and not part.filename:
            return
        if len(self._form.images) >= MAX_INSPIRATION_IMAGES:
            raise ApiError(
                422,
                "too_many_images",
                f"Send at most {MAX_INSPIRATION_IMAGES} inspiration images.",
                details=[
                    {"field": IMAGE_FIELD, "message": f"at most {MAX_INSPIRATION_IMAGES} files"}
                ],
            )
        self._form.images.append(UploadedFile(data=part.data, filename=part.filename or ""))

    def _on_end(self) -> None:
        self._ended = True


def _no_boundary(dash_boundary: bytes) -> ApiError:
    shown = dash_boundary.decode("latin-1")
    return ApiError(
        400,
        "malformed_form",
        f"The multipart form has no part: no line starts with {shown!r}, the boundary its "
        "Content-Type names; send the parts with that boundary.",
    )


def _too_large(part: _Part, limit: int) -> ApiError:
    if part.is_image:
        return ApiError(
            413,
            "image_too_large",
            f"Each inspiration image must be at most {limit // _MB} MB.",
            details=[{"field": IMAGE_FIELD, "message": f"larger than {limit} bytes"}],
        )
    return ApiError(413, "field_too_large", f"The field {part.name} is far too long.")


def form_boundary(content_type: str | None) -> bytes:
    """The boundary of a multipart/form-data body; 415/400 ApiError otherwise."""
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send the brief as multipart/form-data.")
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "malformed_form", "The multipart/form-data body has no boundary.")
    if len(boundary) > MAX_BOUNDARY_LENGTH:  # python-multipart raises past it: it was a 500
        raise ApiError(
            400,
            "malformed_form",
            f"The multipart/form-data boundary is {len(boundary)} characters long; use at most "
            "70 (RFC 2046), as every HTTP library does.",
        )
    return boundary


def check_declared_length(content_length: str | None) -> None:
    """Refuse a body whose declared length is over the total limit before reading it."""
    if content_length is None:
        return
    try:
        declared = int(content_length)
    except ValueError:
        raise ApiError(400, "bad_request", "The Content-Length header is not a number.") from None
    if declared > MAX_BODY_BYTES:
        raise ApiError(
            413,
            "payload_too_large",
            f"The request body must be at most {MAX_BODY_BYTES // _MB} MB.",
        )


async def read_form(
    chunks: AsyncIterator[bytes], *, boundary: bytes, allowed_fields: frozenset[str]
) -> ParsedForm:
    """Read and parse a form from body chunks, stopping at the first limit crossed."""
    reader = FormReader(boundary, allowed_fields=allowed_fields)
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > MAX_BODY_BYTES:
            raise ApiError(
                413,
                "payload_too_large",
                f"The request body must be at most {MAX_BODY_BYTES // _MB} MB.",
            )
        reader.feed(chunk)
    return reader.finish()


# --- images -------------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("PNG", b"\x89PNG\r\n\x1a\n"),
    ("JPEG", b"\xff\xd8\xff"),
)


def sniff_image_format(data: bytes) -> str | None:
    """PNG, JPEG or WEBP by magic bytes; None for anything else."""
    for name, magic in _SIGNATURES:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _describe(data: bytes) -> str:
    if not data:
        return "an empty file (0 bytes)"
    head = data[:512].lstrip().lower()
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if b"<svg" in head or head.startswith(b"<?xml"):
        return "an SVG/XML document"
    return "not an image we can read"


def inspect_image(data: bytes, *, index: int) -> tuple[str, int, int]:
    """The image's format and dimensions from its header alone; 413/415/422 ApiError.

    Nothing is decoded: Pillow reads only the header until the pixels are asked for.
    """
    image_format = sniff_image_format(data)
    if image_format is None:
        raise ApiError(
            415,
            "unsupported_image_type",
            f"Inspiration image {index} is {_describe(data)}; send PNG, JPEG or WEBP images.",
            details=[{"field": IMAGE_FIELD, "index": index, "message": "not PNG, JPEG or WEBP"}],
        )
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            _check_pixels(image, index)
            return image_format, image.width, image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(index) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _corrupt(index) from None


def clean_image(data: bytes, *, index: int) -> tuple[bytes, int, int]:
    """Decode an upload and re-encode it as a metadata-free PNG; returns (png, w, h).

    At most MAX_SIDE pixels on the longer side, scaled down in place right after decoding,
    so the full-size pixels are gone before any re-encoding copy is made. JPEG's
    reduced-scale decoding (`draft`) would not help within MAX_PIXELS: it only halves
    images at least twice MAX_SIDE on both sides. Blocking CPU work: call it through
    asyncio.to_thread, under the decoding budget.
    """
    image_format, _, _ = inspect_image(data, index=index)
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as opened:
            _check_pixels(opened, index)
            image: Image.Image = opened
            if image.mode in ("1", "P", "PA"):
                # Palette and bilevel images only scale by nearest neighbour: colours first.
                image = image.convert("RGBA")
            # Loads, and replaces the pixels by the smaller ones in place.
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image.load()
            return _reencode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(index) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _corrupt(index) from None


def _corrupt(index: int) -> ApiError:
    return ApiError(
        422,
        "corrupt_image",
        f"Inspiration image {index} is damaged or incomplete; export it again and retry.",
        details=[{"field": IMAGE_FIELD, "index": index, "message": "cannot be decoded"}],
    )


def _check_pixels(image: Image.Image, index: int) -> None:
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(index)


def _too_many_pixels(index: int) -> ApiError:
    return ApiError(
        413,
        "image_too_large",
        f"Inspiration image {index} has more than {MAX_PIXELS // 1_000_000} megapixels; "
        "scale it down and retry.",
        details=[{"field": IMAGE_FIELD, "index": index, "message": "too many pixels"}],
    )


# Greys of more than 8 bits (a 16-bit greyscale PNG): convert() would clip every value over
# 255 to white, so they are scaled to 8 bits instead.
_DEEP_GREYS = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def _reencode(image: Image.Image) -> tuple[bytes, int, int]:
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in _DEEP_GREYS:
        upright = upright.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    pixels = upright.convert(mode) if upright.mode != mode else upright
    # A fresh image from raw pixels carries no EXIF, ICC, text chunks or anything else.
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=False)
    return out.getvalue(), clean.width, clean.height


_decoders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def decode_slots() -> asyncio.Semaphore:
    """The process's decoding budget (one per event loop: the gateway runs one)."""
    loop = asyncio.get_running_loop()
    slots = _decoders.get(loop)
    if slots is None:
        slots = _decoders[loop] = asyncio.Semaphore(DECODE_CONCURRENCY)
    return slots


def check_images(files: list[UploadedFile]) -> None:
    """Refuse the form if any image's header is over the limits, before decoding any."""
    for index, upload in enumerate(files, start=1):
        inspect_image(bytes(upload.data), index=index)


async def clean_images(files: list[UploadedFile]) -> list[bytes]:
    """Check every header, then re-encode each upload off the event loop, in order.

    Each decode waits for a slot of the process's decoding budget.
    """
    check_images(files)
    slots = decode_slots()
    cleaned = []
    for index, upload in enumerate(files, start=1):
        async with slots:
            png, _, _ = await asyncio.to_thread(clean_image, bytes(upload.data), index=index)
        cleaned.append(png)
    return cleaned


# What people send for a brief's fields (curl -F brand=..., the Seedream and Gemini words).
_MEANT = {
    "brand": "brand_name",
    "name": "brand_name",
    "brandname": "brand_name",
    "tagline": "slogan",
    "color": "colors",
    "colour": "colors",
    "colours": "colors",
    "palette": "colors",
    "styles": "style",
    "type": "logo_type",
    "logo": "logo_type",
    "count": "num_candidates",
    "n": "num_candidates",
    "candidates": "num_candidates",
    "image": "inspiration_images",
    "images": "inspiration_images",
    "file": "inspiration_images",
    "inspiration": "inspiration_images",
}
