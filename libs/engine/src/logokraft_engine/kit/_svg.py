"""SVG plumbing for the kit: parsing, the outlines-only check, recolouring, cropping, rendering."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
from PIL import Image
from resvg import render as resvg_render
from resvg import usvg

from logokraft_engine._palette import clean_hex

SVG_NS = "http://www.w3.org/2000/svg"
_Q = f"{{{SVG_NS}}}"
ET.register_namespace("", SVG_NS)
_FORBIDDEN = ("text", "image", "foreignObject", "tspan", "textPath", "script", "use")
_PAINTS = ("fill", "stroke", "stop-color", "color")
_PAINT_VALUE = re.compile(r'(?:fill|stroke|stop-color|color)\s*[=:]\s*"?([^";\s>]+)')
_IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)

Box = tuple[float, float, float, float]


class KitSvgError(ValueError):
    """An SVG the kit cannot use (not parseable, live text, embedded rasters, references)."""


@dataclass(frozen=True)
class Vector:
    """A logo drawing: its SVG content (no root), the view box it is drawn in, a title."""

    body: str
    view: Box  # x, y, width, height
    title: str = ""

    def svg(self, width: float | None = None, height: float | None = None) -> str:
        """A standalone SVG at `width` × `height` px (default: the view box's own size)."""
        x, y, w, h = self.view
        if width is None and height is None:
            width, height = w, h
        elif height is None:
            height = width * h / w
        elif width is None:
            width = height * w / h
        title = f"<title>{_escape(self.title)}</title>" if self.title else ""
        return (
            f'<svg xmlns="{SVG_NS}" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="{_n(x)} {_n(y)} {_n(w)} {_n(h)}">{title}{self.body}</svg>'
        )

    def cropped(self, box: Box) -> Vector:
        """The same drawing seen through `box` (x, y, width, height)."""
        return Vector(self.body, box, self.title)

    def on(self, background: str) -> Vector:
        """The drawing over a rectangle of `background` filling its view box."""
        x, y, w, h = self.view
        size = f'width="{_n(w)}" height="{_n(h)}"'
        rect = f'<rect x="{_n(x)}" y="{_n(y)}" {size} fill="{background}"/>'
        return Vector(rect + self.body, self.view, self.title)

    def recolored(self, mapping: dict[str, str]) -> Vector:
        """The drawing with each paint colour in `mapping` replaced."""
        if not mapping:
            return self
        return Vector(_recolor(self.body, mapping), self.view, self.title)

    def colors(self) -> set[str]:
        """Every solid paint colour used, as '#rrggbb'."""
        found = set()
        for value in _PAINT_VALUE.findall(self.body):
            hex_ = clean_hex(value) if value.startswith("#") else None
            if hex_:
                found.add(hex_)
        return found

    def png(self, width: int, height: int | None = None) -> bytes:
        """PNG bytes at `width` × `height` px (transparent where nothing is drawn)."""
        return render_png(self.svg(width, height))

    def rgba(self, width: int, height: int | None = None) -> np.ndarray:
        """The rendered pixels, H × W × 4 uint8."""
        return png_array(self.png(width, height))


def _n(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_png(svg: str) -> bytes:
    """resvg render of a standalone SVG at its own width and height, as PNG bytes."""
    tree = usvg.Tree.from_str(svg, usvg.Options.default())
    return bytes(resvg_render(tree, _IDENTITY))


def png_array(data: bytes) -> np.ndarray:
    """RGBA pixels of PNG (or any Pillow-readable) bytes, H × W × 4 uint8."""
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA"))


def check_outlines(svg: str) -> ET.Element:
    """The parsed root of `svg`, after checking that it is a vector a print shop can use: no
    live text, no embedded or linked rasters, no scripts or references; raises KitSvgError."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as err:
        raise KitSvgError(f"not well-formed SVG: {err}") from None
    if root.tag != f"{_Q}svg":
        raise KitSvgError("the root element is not an SVG <svg>")
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in _FORBIDDEN:
            raise KitSvgError(f"the SVG has a <{local}> element: text and images must be outlines")
        for key, value in element.attrib.items():
            if key.endswith("href") and not value.startswith("#"):
                raise KitSvgError("the SVG links to an external resource")
    return root


def parse_view(root: ET.Element) -> Box:
    """The root's viewBox (or 0 0 width height)."""
    box = root.get("viewBox")
    if box:
        values = [float(v) for v in re.split(r"[\s,]+", box.strip())]
        if len(values) == 4 and values[2] > 0 and values[3] > 0:
            return values[0], values[1], values[2], values[3]
    width = float(re.sub(r"[a-z%]+$", "", root.get("width", "0")) or 0)
    height = float(re.sub(r"[a-z%]+$", "", root.get("height", "0")) or 0)
    if width <= 0 or height <= 0:
        raise KitSvgError("the SVG has no viewBox and no size")
    return 0.0, 0.0, width, height


def vector_from_svg(svg: str, *, drop_background: bool = True) -> tuple[Vector, str | None]:
    """A Vector from a standalone SVG (checked outlines-only) and the colour of the background
    rectangle it dropped (a first child filling the whole view box), or None."""
    root = check_outlines(svg)
    view = parse_view(root)
    title = ""
    background = None
    children = list(root)
    kept = []
    for child in children:
        local = child.tag.rsplit("}", 1)[-1]
        if local == "title":
            title = child.text or ""
            continue
        if drop_background and not kept and local == "rect" and _covers(child, view):
            background = clean_hex(child.get("fill", "")) or background
            if background:
                continue
        kept.append(child)
    body = "".join(_serialise(child) for child in kept)
    return Vector(body, view, title), background


def _covers(rect: ET.Element, view: Box) -> bool:
    try:
        x = float(rect.get("x", "0"))
        y = float(rect.get("y", "0"))
        w = float(rect.get("width", "0"))
        h = float(rect.get("height", "0"))
    except ValueError:
        return False
    vx, vy, vw, vh = view
    inside = x <= vx and y <= vy and x + w >= vx + vw and y + h >= vy + vh
    return inside and not rect.get("transform")


def _serialise(element: ET.Element) -> str:
    text = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return text.replace(f' xmlns="{SVG_NS}"', "")


def _recolor(body: str, mapping: dict[str, str]) -> str:
    wrapped = ET.fromstring(f'<g xmlns="{SVG_NS}">{body}</g>')
    for element in wrapped.iter():
        for key in _PAINTS:
            value = element.get(key)
            hex_ = clean_hex(value) if value and value.startswith("#") else None
            if hex_ in mapping:
                element.set(key, mapping[hex_])
        style = element.get("style")
        if style:
            element.set("style", _recolor_style(style, mapping))
    return "".join(_serialise(child) for child in wrapped)


def _recolor_style(style: str, mapping: dict[str, str]) -> str:
    def swap(match: re.Match) -> str:
        hex_ = clean_hex(match.group(2))
        return match.group(1) + mapping.get(hex_, match.group(2)) if hex_ else match.group(0)

    return re.sub(r"((?:fill|stroke|stop-color|color)\s*:\s*)(#[0-9a-fA-F]{3,6})", swap, style)


def ink_box(vector: Vector, probe: int = 400) -> Box | None:
    """The box (x, y, w, h, in view-box units) around everything drawn, measured on a render
    whose longer side is `probe` px, grown by a pixel each way; None if nothing is drawn."""
    x, y, w, h = vector.view
    scale = probe / max(w, h)
    pw, ph = max(1, round(w * scale)), max(1, round(h * scale))
    alpha = vector.rgba(pw, ph)[:, :, 3]
    rows = np.flatnonzero(alpha.max(axis=1) > 8)
    cols = np.flatnonzero(alpha.max(axis=0) > 8)
    if rows.size == 0:
        return None
    sx, sy = w / pw, h / ph
    x0 = x + max(0, cols[0] - 1) * sx
    y0 = y + max(0, rows[0] - 1) * sy
    x1 = x + min(pw, cols[-1] + 2) * sx
    y1 = y + min(ph, rows[-1] + 2) * sy
    return x0, y0, x1 - x0, y1 - y0


def padded(box: Box, margin: float, square: bool = False) -> Box:
    """`box` grown by `margin` on every side (first made square about its centre)."""
    x, y, w, h = (float(v) for v in box)
    if square:
        side = max(w, h)
        x, y, w, h = x - (side - w) / 2, y - (side - h) / 2, side, side
    return x - margin, y - margin, w + 2 * margin, h + 2 * margin
