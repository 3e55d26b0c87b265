"""Layouts: arranging mark, name and slogan of a LogoSpec on a 1000×1000 canvas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from logokraft_engine._geometry import num
from logokraft_engine._icons import icon_svg
from logokraft_engine._shapes import inner_box, shape_path
from logokraft_engine._spec import LogoSpec
from logokraft_engine._text import Element, TextBlock, apply_case, text_block

CANVAS = 1000.0
MARGIN = 90.0
WIDTH = CANVAS - 2 * MARGIN
NAME_LINE = 22  # names longer than this are broken into two lines
SLOGAN_LINE = 44


def _name(spec: LogoSpec) -> TextBlock:
    text = apply_case(spec.name, spec.letter_case)
    return text_block(text, spec.font, spec.weight, spec.tracking, NAME_LINE)


def _slogan(spec: LogoSpec) -> TextBlock | None:
    if not spec.slogan:
        return None
    return text_block(spec.slogan.upper(), spec.slogan_font, 500, 0.12, SLOGAN_LINE)


def _mark(spec: LogoSpec, x: float, y: float, size: float) -> list[Element]:
    """The icon at (x, y), reversed out of a filled container shape when the spec has one."""
    box = (x, y, x + size, y + size)
    color = spec.palette.primary
    if spec.shape == "none" or not spec.icon:
        return [Element(icon_svg(spec.icon, x, y, size, color), box)] if spec.icon else []
    tile = shape_path(spec.shape, x + size / 2, y + size / 2, size)
    inner = inner_box(spec.shape, size)[0] * 0.9
    icon = icon_svg(
        spec.icon, x + (size - inner) / 2, y + (size - inner) / 2, inner, spec.palette.background
    )
    return [Element(f'<path d="{tile}" fill="{color}"/>{icon}', box)]


@dataclass(frozen=True)
class Column:
    """Name and optional slogan stacked, with their scales (canvas units per 1/1000 em)."""

    name: TextBlock
    scale: float
    slogan: TextBlock | None = None
    slogan_scale: float = 0.0
    gap: float = 0.0

    @property
    def width(self) -> float:
        """Ink width of the widest line."""
        slogan = self.slogan.width * self.slogan_scale if self.slogan else 0.0
        return max(self.name.width * self.scale, slogan)

    @property
    def height(self) -> float:
        """Height of the whole column."""
        slogan = self.slogan.height * self.slogan_scale + self.gap if self.slogan else 0.0
        return self.name.height * self.scale + slogan

    def scaled(self, factor: float) -> Column:
        """The column uniformly scaled by `factor`."""
        return replace(
            self,
            scale=self.scale * factor,
            slogan_scale=self.slogan_scale * factor,
            gap=self.gap * factor,
        )

    def place(
        self, spec: LogoSpec, x: float, top: float, align: str = "center", reversed_: bool = False
    ) -> list[Element]:
        """The column's elements with its top at `top`, centred on or starting at `x`."""
        p = spec.palette
        out = [self.name.place(self.scale, x, top, p.background if reversed_ else p.text, align)]
        if self.slogan is not None:
            s_top = top + self.height - self.slogan.height * self.slogan_scale
            color = p.background if reversed_ else p.secondary
            out.append(self.slogan.place(self.slogan_scale, x, s_top, color, align))
        return out


def _column(spec: LogoSpec, size: float, width: float = float("inf")) -> Column:
    """Name at font `size` (shrunk to `width`) with the slogan set smaller below."""
    name = _name(spec)
    scale = name.fit(size, width)
    slogan = _slogan(spec)
    if slogan is None:
        return Column(name, scale)
    slogan_scale = slogan.fit(max(28.0, min(52.0, scale * 1000 * 0.3)), width)
    return Column(name, scale, slogan, slogan_scale, max(24.0, scale * 1000 * 0.3))


def icon_left(spec: LogoSpec) -> list[Element]:
    """Icon to the left of the name, slogan under the name; the group fills the width."""
    column = _column(spec, 150)
    icon = min(320.0, max(230.0, column.height * 1.4))
    gap = icon * 0.24
    factor = min(1.4, WIDTH / (icon + gap + column.width), 440 / max(icon, column.height))
    column, icon, gap = column.scaled(factor), icon * factor, gap * factor
    left = (CANVAS - (icon + gap + column.width)) / 2
    texts = column.place(spec, left + icon + gap, (CANVAS - column.height) / 2, "left")
    return _mark(spec, left, (CANVAS - icon) / 2, icon) + texts


def icon_top(spec: LogoSpec) -> list[Element]:
    """Icon centred above the name, slogan below."""
    icon, gap = 280.0, 64.0
    column = _column(spec, 140, WIDTH)
    top = (CANVAS - (icon + gap + column.height)) / 2
    texts = column.place(spec, CANVAS / 2, top + icon + gap)
    return _mark(spec, (CANVAS - icon) / 2, top, icon) + texts


def wordmark(spec: LogoSpec) -> list[Element]:
    """The name alone with its accent (rule, frame, filled block or none), and the slogan."""
    framed = spec.accent in ("frame", "block")
    column = _column(spec, 190, WIDTH - (140 if framed else 0))
    rule_h, gap = (10.0, 40.0) if spec.accent == "rule" else (0.0, 0.0)
    if rule_h and column.slogan:
        column = replace(column, gap=2 * gap + rule_h)
    height = column.height + (rule_h + gap if rule_h and not column.slogan else 0.0)
    top = (CANVAS - height) / 2
    out = column.place(spec, CANVAS / 2, top, reversed_=spec.accent == "block")
    if rule_h:
        width = max(40.0, min(140.0, column.name.width * column.scale * 0.25))
        out.append(_rect(spec, width, rule_h, top + column.name.height * column.scale + gap))
    if framed:
        out.insert(0, _frame(spec, column.width + 120, height + 110, top - 55))
    return out


def _rect(spec: LogoSpec, width: float, height: float, y: float) -> Element:
    x = (CANVAS - width) / 2
    svg = (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" '
        f'rx="{num(height / 2)}" fill="{spec.palette.secondary}"/>'
    )
    return Element(svg, (x, y, x + width, y + height))


def _frame(spec: LogoSpec, width: float, height: float, y: float) -> Element:
    """A rounded frame (accent 'frame') or filled block (accent 'block') around the text."""
    x, stroke = (CANVAS - width) / 2, 8.0
    color = spec.palette.primary
    paint = f'fill="{color}"' if spec.accent == "block" else f'fill="none" stroke="{color}"'
    svg = (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" rx="18" '
        f'{paint} stroke-width="{num(stroke)}"/>'
    )
    half = stroke / 2
    return Element(svg, (x - half, y - half, x + width + half, y + height + half))


def _initials_tile(spec: LogoSpec, top: float, tile: float) -> list[Element]:
    """The initials reversed out of the spec's shape (a circle for "none"), centred at `top`."""
    shape = spec.shape if spec.shape != "none" else "circle"
    path = shape_path(shape, CANVAS / 2, top + tile / 2, tile)
    out = [
        Element(
            f'<path d="{path}" fill="{spec.palette.primary}"/>',
            ((CANVAS - tile) / 2, top, (CANVAS + tile) / 2, top + tile),
        )
    ]
    letters = text_block(spec.initials or spec.name[:1].upper(), spec.font, spec.weight)
    inner_w, inner_h = inner_box(shape, tile)
    scale = letters.fit(tile * 0.5, inner_w * 0.9, inner_h * 0.8)
    letters_top = top + tile / 2 - letters.height * scale / 2
    out.append(letters.place(scale, CANVAS / 2, letters_top, spec.palette.background))
    return out


def monogram(spec: LogoSpec) -> list[Element]:
    """Initials reversed out of a filled shape, the name and slogan below."""
    tile, gap = 360.0, 60.0
    column = _column(spec, 96, WIDTH)
    top = (CANVAS - (tile + gap + column.height)) / 2
    return _initials_tile(spec, top, tile) + column.place(spec, CANVAS / 2, top + tile + gap)


def mark(spec: LogoSpec) -> list[Element]:
    """The icon alone, large and centred, in its shape tile when it has one; no name or slogan.

    A spec without an icon shows its initials in the shape instead, so the mark is never empty.
    """
    size = 620.0
    top = (CANVAS - size) / 2
    if not spec.icon:
        return _initials_tile(spec, top, size)
    return _mark(spec, top, top, size)


def emblem(spec: LogoSpec) -> list[Element]:
    """A filled badge holding a small icon, the name and the slogan."""
    badge = WIDTH
    shape = spec.shape if spec.shape != "none" else "circle"
    cy = CANVAS / 2
    ring = shape_path(shape, cy, cy, badge - 48)
    svg = (
        f'<path d="{shape_path(shape, cy, cy, badge)}" fill="{spec.palette.primary}"/>'
        f'<path d="{ring}" fill="none" stroke="{spec.palette.background}" stroke-width="6"/>'
    )
    out = [Element(svg, (MARGIN, MARGIN, CANVAS - MARGIN, CANVAS - MARGIN))]
    inner_w = inner_box(shape, badge)[0]
    icon = badge * 0.16 if spec.icon else 0.0
    gap = 36.0 if spec.icon else 0.0
    column = _column(spec, 120, inner_w * 0.92)
    top = cy - (icon + gap + column.height) / 2 - (badge * 0.04 if shape == "shield" else 0.0)
    if spec.icon:
        svg = icon_svg(spec.icon, cy - icon / 2, top, icon, spec.palette.background)
        out.append(Element(svg, (cy - icon / 2, top, cy + icon / 2, top + icon)))
    return out + column.place(spec, cy, top + icon + gap, reversed_=True)


LAYOUT_FUNCTIONS: dict[str, Callable[[LogoSpec], list[Element]]] = {
    "icon-left": icon_left,
    "icon-top": icon_top,
    "wordmark": wordmark,
    "monogram": monogram,
    "emblem": emblem,
    "mark": mark,
}


def lay_out(spec: LogoSpec) -> list[Element]:
    """The placed elements of `spec` on the 1000×1000 canvas."""
    return LAYOUT_FUNCTIONS[spec.layout](spec)
