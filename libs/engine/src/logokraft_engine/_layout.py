"""Layouts: arranging mark, name and slogan of a LogoSpec on a 1000×1000 canvas.

Every layout keeps its elements inside the MARGIN and the text clear of the mark: long names
break into two lines at a space (earlier beside an icon) and shrink to the room they have,
slogans are set smaller under the name (at most three lines), and an emblem shrinks its content
until it sits inside the badge's ring. Each element carries a role and its ink box, so tests and
callers can check where the name, the slogan and the mark went.

Chinese, Japanese, Korean, Devanagari, Thai, Tamil, Telugu, Bengali and Khmer names are drawn
like any other (see `_fonts`: shaped with HarfBuzz, CJK in Noto Sans CJK beside the chosen
face's Latin). A name that no bundled face can draw whole (an emoji in it, or Malayalam, a
script no face has) is not drawn as boxes nor
with words missing: the logo becomes its mark alone (the icon, the initials if they can be
drawn, else a geometric symbol). A slogan that cannot be drawn whole is left out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from logokraft_engine._fonts import (
    EM,
    cjk_language,
    draws_all,
    draws_whole,
    graphemes,
    is_cjk,
    is_script,
)
from logokraft_engine._fonts import drawable as drawable_text
from logokraft_engine._geometry import num
from logokraft_engine._icons import GEOMETRIC_NAMES, icon_svg
from logokraft_engine._palette import drawn_palette, on_fill, reversed_ink
from logokraft_engine._shapes import box_inside, inner_box, shape_path
from logokraft_engine._spec import LogoSpec
from logokraft_engine._text import (
    Box,
    Element,
    TextBlock,
    apply_case,
    columns,
    is_turkish,
    text_block,
    upper,
)

CANVAS = 1000.0
MARGIN = 90.0
WIDTH = CANVAS - 2 * MARGIN
NAME_LINE = 22  # a wordmark's name longer than this is broken into two lines
STACK_NAME_LINE = 18  # under a mark, names break earlier so they can be set larger
SIDE_NAME_LINE = 14  # beside an icon or in a badge, earlier still: the lockup stays compact
SLOGAN_LINE = 44
SLOGAN_LINES = 3
SLOGAN_CAP = 0.55  # the slogan's cap height is at most this share of the name's
SLOGAN_CAP_MOST = 0.65  # or this share, when that keeps it at its minimum size
SIDE_ICON_MIN = 170.0  # an icon beside a long name keeps at least this size
RING_INSET = 24.0  # an emblem's inner ring, inside the badge's edge
RING_PAD = 14.0  # content keeps this far inside the ring
RING_BAND = 0.1  # a banded emblem's coloured band, as a share of the badge
TEXT_ROLES = ("name", "slogan", "initials")
# The smallest text a layout sets, as cap heights on the 1000-unit canvas: at a 256 px
# preview a name is then at least 6 px tall and a slogan 4 px (a 1024 px logo: 24 and 16).
# A slogan that would be smaller is broken into more lines and, past SLOGAN_LINES, cut at
# a word with an ellipsis; a name is never cut (`legible` tells a layout that sets it smaller,
# and the designer then picks a roomier one).
MIN_NAME_CAP = 24.0
MIN_SLOGAN_CAP = 16.0
ELLIPSIS = "\u2026"


def name_text(spec: LogoSpec) -> str:
    """The name as drawn: in its letter case (a script face never in all caps), without the
    characters no bundled face can draw."""
    case = spec.letter_case
    if case == "upper" and is_script(spec.font):
        case = "title"
    turkish = is_turkish(f"{spec.name} {spec.slogan}")
    return drawable_text(apply_case(spec.name, case, turkish=turkish), spec.font)


def _name(spec: LogoSpec, longest: int = NAME_LINE) -> TextBlock:
    """The name, broken into two balanced lines past `longest` characters, or three when it
    is longer than two such lines (so a 50-character name is still set large enough to read)."""
    tracking = 0.0 if is_script(spec.font) else spec.tracking  # spacing breaks script joins
    text = name_text(spec)
    most = 3 if columns(text) > 2 * longest + 6 else 2
    if spec.mark_scale < 1.0:  # a larger name asked for: shorter lines, up to three, set larger
        longest, most = max(6, int(longest * spec.mark_scale**2)), 3
    return text_block(text, spec.font, spec.weight, tracking, longest, most)


def _slogan(spec: LogoSpec, lines: int = 0, words: int = 0) -> TextBlock | None:
    """The slogan in spaced capitals (a brand's "eBay" kept as typed), broken past SLOGAN_LINE
    characters (or into `lines` balanced lines when given), at most SLOGAN_LINES lines; with
    `words`, only its first `words` words and an ellipsis. None when it has no letter or digit
    to draw."""
    if not draws_all(spec.slogan, spec.slogan_font):
        return None  # a slogan with words missing would misquote it: none is set
    turkish = is_turkish(f"{spec.name} {spec.slogan}")
    text = drawable_text(apply_case(spec.slogan, "upper", turkish=turkish), spec.slogan_font)
    if not any(c.isalnum() for c in text):
        return None  # "☕️ + ❤️ = ☀️" without its emoji, "+ ♥ = ☀", or "...": no words to set
    if 0 < words < len(text.split()):
        text = " ".join(text.split()[:words]).rstrip(",;:.-\u2013\u2014") + ELLIPSIS
    longest = -(-columns(text) // lines) if lines else SLOGAN_LINE
    return text_block(text, spec.slogan_font, 500, 0.12, longest, SLOGAN_LINES, within_words=False)


def _legible_slogan(spec: LogoSpec, size: float, width: float) -> TextBlock | None:
    """The slogan set at font `size` within `width`: in the fewest lines (SLOGAN_LINES at
    most) where it fits, else cut to the words that fit SLOGAN_LINES lines, with an ellipsis."""
    full = _slogan(spec)
    if full is None:
        return None
    count = len(upper(spec.slogan).split())
    for words in range(count, 0, -1):
        for lines in range(1, SLOGAN_LINES + 1):
            slogan = _slogan(spec, lines, words if words < count else 0)
            if (
                slogan is not None
                and len(slogan.lines) <= lines
                and slogan.width * size / EM <= width
            ):
                return slogan
    return _slogan(spec, 1, 1)


OUTLINE = 0.045  # an outlined container's stroke, as a share of its size


def outlined(spec: LogoSpec) -> bool:
    """Whether the spec's container (icon tile, monogram tile or emblem badge) is drawn as an
    outline with the content in colour, rather than filled with the content reversed out of it
    (accent "frame", and "none" for a monogram beside its name; for wordmarks the accent is
    their own decoration instead)."""
    if spec.layout == "monogram":
        return spec.accent in ("frame", "none")
    if spec.layout == "emblem":
        return spec.accent in ("frame", "none")
    return spec.accent == "frame" and spec.layout != "wordmark"


def beside(spec: LogoSpec) -> bool:
    """Whether a monogram's tile sits beside the name (accents "block" and "none") rather than
    above it."""
    return spec.layout == "monogram" and spec.accent in ("block", "none")


def _container(spec: LogoSpec, path: str, size: float) -> str:
    """A container shape: filled with the primary colour, or outlined in it."""
    color = spec.palette.primary
    if outlined(spec):
        width = num(size * OUTLINE)
        return f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{width}"/>'
    return f'<path d="{path}" fill="{color}"/>'


def _inside(spec: LogoSpec) -> str:
    """The colour of what sits in a container: the primary in an outline, else reversed."""
    return spec.palette.primary if outlined(spec) else spec.palette.background


def _mark(spec: LogoSpec, x: float, y: float, size: float) -> list[Element]:
    """The icon at (x, y), reversed out of a filled container shape when the spec has one (or
    in colour inside its outline)."""
    box = (x, y, x + size, y + size)
    color = spec.palette.primary
    if spec.shape == "none" or not spec.icon:
        return [Element(icon_svg(spec.icon, x, y, size, color), box, "mark")] if spec.icon else []
    stroke = size * OUTLINE if outlined(spec) else 0.0
    tile = shape_path(spec.shape, x + size / 2, y + size / 2, size - stroke)
    inner = inner_box(spec.shape, size)[0] * (0.8 if stroke else 0.9)
    icon = icon_svg(spec.icon, x + (size - inner) / 2, y + (size - inner) / 2, inner, _inside(spec))
    return [Element(f"{_container(spec, tile, size)}{icon}", box, "mark")]


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

    def within(self, width: float, height: float = float("inf")) -> Column:
        """The column shrunk (never grown) to fit `width` × `height`."""
        factor = 1.0
        if self.width > 0:
            factor = min(factor, width / self.width)
        if self.height > 0:
            factor = min(factor, height / self.height)
        return self.scaled(factor) if factor < 1.0 else self

    def place(
        self, spec: LogoSpec, x: float, top: float, align: str = "center", reversed_: bool = False
    ) -> list[Element]:
        """The column's elements with its top at `top`, centred on or starting at `x`."""
        p = spec.palette
        # Reversed out of the primary, name and slogan share one ink that the small slogan
        # reads in (a white name over a dark slogan looks like a mistake).
        ink = reversed_ink(p) if reversed_ and self.slogan is not None else p.background
        color = ink if reversed_ else p.text
        out = [self.name.place(self.scale, x, top, color, align, "name")]
        if self.slogan is not None:
            s_top = top + self.height - self.slogan.height * self.slogan_scale
            color = ink if reversed_ else p.secondary
            out.append(self.slogan.place(self.slogan_scale, x, s_top, color, align, "slogan"))
        return out


def _column(
    spec: LogoSpec,
    size: float,
    width: float = float("inf"),
    height: float = float("inf"),
    longest: int = NAME_LINE,
    compact: bool = False,
    slogan_size: float = 0.0,
) -> Column:
    """Name at font `size` with the slogan set smaller below, shrunk to `width` × `height`.

    A `compact` column (beside an icon) breaks its slogan into more lines rather than let it
    run much wider than the name. `slogan_size` is the least font size for the slogan.
    """
    name = _name(spec, longest)
    scale = name.fit(size, width)
    slogan = _slogan(spec)
    if slogan is None:
        return Column(name, scale).within(width, height)
    em = scale * EM
    cap_limit = SLOGAN_CAP * scale * name.cap / slogan.cap * EM  # slogan em for that cap share
    # A slogan kept at its minimum size may reach SLOGAN_CAP_MOST of the name's cap height.
    most = SLOGAN_CAP_MOST / SLOGAN_CAP * cap_limit
    target = max(min(max(28.0, em * 0.3), 52.0, cap_limit), min(slogan_size, most))
    if compact:
        room = min(width, max(name.width * scale * 1.25, em * 4))
        for lines in range(1, SLOGAN_LINES + 1):
            slogan = _slogan(spec, lines)
            if slogan is not None and slogan.width * target / EM <= room:
                break
    slogan_scale = slogan.fit(target, width)
    # The scale that sets the slogan at its minimum, though never larger than the name allows.
    floor = min(MIN_SLOGAN_CAP / slogan.cap, most / EM)
    if slogan_scale < floor:  # too long for the width: more lines, else cut, never tinier
        target = max(target, floor * EM)
        slogan = _legible_slogan(spec, target, width) or slogan
        slogan_scale = slogan.fit(target, width)
    gap = max(em * 0.3, slogan_scale * slogan.cap * 0.9)
    column = Column(name, scale, slogan, slogan_scale, gap)
    fitted = column.within(width, height)
    if fitted.slogan_scale * slogan.cap < MIN_SLOGAN_CAP and column.height > height:
        # Shrinking to the height would make the slogan tiny: give it fewer lines instead.
        spare = height - (name.height * scale + gap)
        lines = (
            int(spare / (slogan_scale * (slogan.height / len(slogan.lines)))) if spare > 0 else 0
        )
        lines = max(1, min(lines, len(slogan.lines) - 1))
        shorter = _cut_to_lines(spec, slogan_scale * EM, width, lines)
        if shorter is not None:
            column = replace(
                column, slogan=shorter, slogan_scale=shorter.fit(slogan_scale * EM, width)
            )
            fitted = column.within(width, height)
    return fitted


def _cut_to_lines(spec: LogoSpec, size: float, width: float, lines: int) -> TextBlock | None:
    """The slogan's first words that fit `lines` lines at font `size` within `width`."""
    count = len(upper(spec.slogan).split())
    for words in range(count - 1, 0, -1):
        slogan = _slogan(spec, lines, words)
        if slogan is not None and len(slogan.lines) <= lines and slogan.width * size / EM <= width:
            return slogan
    return None


def _blocked(
    build: Callable[[LogoSpec], list[Element]],
) -> Callable[[LogoSpec], list[Element]]:
    """A lockup that, with accent "block", sits reversed out of a filled rounded block."""

    def lay(spec: LogoSpec) -> list[Element]:
        if spec.accent != "block":
            return build(spec)
        p = spec.palette
        # one ink for the mark and text: the background only where a slogan reads in it at 4.5:1
        fill, ink = on_fill(p) if spec.slogan else (p.primary, p.background)
        inverse = replace(p, background=fill, primary=ink, secondary=ink)
        elements = build(replace(spec, palette=replace(inverse, text=ink)))
        x0, y0, x1, y1 = union([e.box for e in elements])
        pad = 56.0
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        svg = (
            f'<rect x="{num(x0)}" y="{num(y0)}" width="{num(x1 - x0)}" height="{num(y1 - y0)}" '
            f'rx="28" fill="{fill}"/>'
        )
        return [Element(svg, (x0, y0, x1, y1), "accent"), *elements]

    lay.__doc__ = build.__doc__
    return lay


def icon_left(spec: LogoSpec, mark_: Callable[..., list[Element]] | None = None) -> list[Element]:
    """Icon to the left of the name, slogan under the name; the group fills the width.

    A name too long to share the width with a full-size icon keeps a smaller icon (never
    below SIDE_ICON_MIN) and shrinks the text instead. `mark_(spec, x, y, size)` draws the
    mark (the icon by default).
    """
    slogan_size = 0.0
    for _ in range(4):  # the slogan set larger (in more lines) until the lockup keeps it legible
        built = _column(
            spec,
            150 / spec.mark_scale,
            longest=SIDE_NAME_LINE,
            compact=True,
            slogan_size=slogan_size,
        )
        icon = min(320.0, max(230.0, built.height * 1.4)) * spec.mark_scale
        gap = icon * 0.24
        factor = min(1.4, WIDTH / (icon + gap + built.width), 440 / max(icon, built.height))
        if icon * factor >= SIDE_ICON_MIN:
            column, icon, gap = built.scaled(factor), icon * factor, gap * factor
        else:
            icon, gap = SIDE_ICON_MIN, SIDE_ICON_MIN * 0.24
            column = built.within(WIDTH - icon - gap, 440)
        if column.slogan is None:
            break
        cap = column.slogan_scale * column.slogan.cap
        if cap >= MIN_SLOGAN_CAP - 0.01:
            break
        shrink = column.slogan_scale / built.slogan_scale
        slogan_size = max(slogan_size, built.slogan_scale * EM) * MIN_SLOGAN_CAP / cap * 1.02
        slogan_size = max(slogan_size, MIN_SLOGAN_CAP / column.slogan.cap * EM / shrink)
    left = (CANVAS - (icon + gap + column.width)) / 2
    texts = column.place(spec, left + icon + gap, (CANVAS - column.height) / 2, "left")
    return (mark_ or _mark)(spec, left, (CANVAS - icon) / 2, icon) + texts


def icon_top(spec: LogoSpec) -> list[Element]:
    """Icon centred above the name, slogan below."""
    icon, gap = 280.0 * spec.mark_scale, 64.0
    size = _short_name_size(spec, 140.0) / spec.mark_scale
    column = _column(spec, size, _text_room(spec, WIDTH), WIDTH - icon - gap, STACK_NAME_LINE)
    top = (CANVAS - (icon + gap + column.height)) / 2
    texts = column.place(spec, CANVAS / 2, top + icon + gap)
    return _mark(spec, (CANVAS - icon) / 2, top, icon) + texts


def _text_room(spec: LogoSpec, width: float) -> float:
    """The width the name and slogan may take: all of `width`, or less for a larger mark
    (`mark_scale` above 1), so that a name already as wide as the room is set smaller too."""
    return width / max(1.0, spec.mark_scale)


def _short_name_size(spec: LogoSpec, size: float) -> float:
    """Font `size` for the name, larger for names of one to three characters so that a
    single letter is not lost on the canvas."""
    return size * (1.0 + 0.16 * max(0, 4 - len(name_text(spec))))


def wordmark(spec: LogoSpec) -> list[Element]:
    """The name alone with its accent (rule, frame, filled block or none), and the slogan.

    A frame or block with a shape (not "none") is that shape, large: the name set in a seal
    (an outlined one, or reversed out of a filled one) instead of a band round the text.
    """
    if spec.accent in ("frame", "block") and spec.shape != "none":
        accent = "frame" if spec.accent == "frame" else "rule"
        return emblem(replace(spec, layout="emblem", icon="", accent=accent))
    framed = spec.accent in ("frame", "block")
    rule_h, gap = (10.0, 40.0) if spec.accent == "rule" else (0.0, 0.0)
    room = WIDTH - (110 if framed else 0) - (rule_h + 2 * gap)
    column = _column(spec, _short_name_size(spec, 190.0), WIDTH - (140 if framed else 0), room)
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
    return Element(svg, (x, y, x + width, y + height), "accent")


def _frame(spec: LogoSpec, width: float, height: float, y: float) -> Element:
    """A rounded frame (accent 'frame') or filled block (accent 'block') around the text."""
    x, stroke = (CANVAS - width) / 2, 8.0
    color = spec.palette.primary
    if spec.accent == "block" and spec.slogan:  # the fill its text reads on (see `on_fill`)
        color = on_fill(spec.palette)[0]
    paint = f'fill="{color}"' if spec.accent == "block" else f'fill="none" stroke="{color}"'
    svg = (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" rx="18" '
        f'{paint} stroke-width="{num(stroke)}"/>'
    )
    half = stroke / 2
    return Element(svg, (x - half, y - half, x + width + half, y + height + half), "accent")


def _initials(spec: LogoSpec) -> str:
    """The initials as drawn: the spec's, else the name's first drawable letter; "" if none."""
    text = drawable_text(spec.initials, spec.font).replace(" ", "")
    if not text:  # the name's first letter, whole (an Indic one with its vowel sign)
        first = next((g for g in graphemes(name_text(spec)) if g[0].isalnum()), "")
        text = upper(first, turkish=is_turkish(spec.name))
    if any(unicodedata.bidirectional(char) == "AL" for char in text):
        # Arabic initials are letters apart, not a word: a zero-width non-joiner keeps each in
        # its isolated form.
        text = "\u200c".join(text)
    return text


def _initials_tile(
    spec: LogoSpec, top: float, tile: float, cx: float = CANVAS / 2
) -> list[Element]:
    """The initials reversed out of the spec's shape (a circle for "none"), its top at `top`,
    centred on `cx`.

    With no initials that can be drawn, the tile holds a geometric symbol instead.
    """
    shape = spec.shape if spec.shape != "none" else "circle"
    stroke = tile * OUTLINE if outlined(spec) else 0.0
    path = shape_path(shape, cx, top + tile / 2, tile - stroke)
    box = (cx - tile / 2, top, cx + tile / 2, top + tile)
    inner_w, inner_h = inner_box(shape, tile)
    # CJK initials take the glyph forms of the name's language (see cjk_language).
    lang = cjk_language(spec.name) if any(is_cjk(c) for c in spec.name) else ""
    letters = text_block(_initials(spec), spec.font, spec.weight, lang=lang)
    if letters.empty:
        size = inner_w * 0.8
        symbol = icon_svg(
            GEOMETRIC_NAMES[0],
            cx - size / 2,
            top + (tile - size) / 2,
            size,
            _inside(spec),
        )
        return [Element(f"{_container(spec, path, tile)}{symbol}", box, "mark")]
    out = [Element(_container(spec, path, tile), box, "mark")]
    scale = letters.fit(tile * 0.5, inner_w * 0.9, inner_h * 0.8)
    letters_top = top + tile / 2 - letters.height * scale / 2
    out.append(letters.place(scale, cx, letters_top, _inside(spec), role="initials"))
    return out


def monogram(spec: LogoSpec) -> list[Element]:
    """Initials reversed out of a filled shape (or inside its outline), the name and slogan
    below, or beside it (see `beside`)."""
    if beside(spec):
        return icon_left(spec, lambda s, x, y, size: _initials_tile(s, y, size, x + size / 2))
    tile, gap = 360.0 * spec.mark_scale, 60.0
    room = _text_room(spec, WIDTH)
    column = _column(spec, 96 / spec.mark_scale, room, WIDTH - tile - gap, STACK_NAME_LINE)
    top = (CANVAS - (tile + gap + column.height)) / 2
    return _initials_tile(spec, top, tile) + column.place(spec, CANVAS / 2, top + tile + gap)


def mark(spec: LogoSpec) -> list[Element]:
    """The icon alone, large and centred, in its shape tile when it has one; no name or slogan.

    A spec without an icon shows its initials in the shape instead, so the mark is never empty.
    """
    size = min(WIDTH, 620.0 * spec.mark_scale)
    top = (CANVAS - size) / 2
    if not spec.icon:
        return _initials_tile(spec, top, size)
    return _mark(spec, top, top, size)


def emblem(spec: LogoSpec) -> list[Element]:
    """A filled badge holding a small icon, the name and the slogan, all inside its ring; or,
    with accent "frame", an outlined badge, and with accent "none" a badge whose broad coloured
    band surrounds a plain centre (both with the content in colour)."""
    badge = WIDTH
    shape = spec.shape if spec.shape != "none" else "circle"
    cy = CANVAS / 2
    ring = shape_path(shape, cy, cy, badge - 2 * RING_INSET)
    ink = _inside(spec)
    room, face = badge - 2 * (RING_INSET + RING_PAD), badge
    if spec.accent == "none":  # a broad coloured band round a plain centre, content in colour
        # A long name needs the room: the band narrows so the name stays legible small.
        band = badge * RING_BAND * (0.6 if len(spec.name) > 18 else 1.0)
        inner = shape_path(shape, cy, cy, badge - 2 * band)
        svg = (
            f'<path d="{shape_path(shape, cy, cy, badge)}" fill="{spec.palette.primary}"/>'
            f'<path d="{inner}" fill="{spec.palette.background}"/>'
        )
        room, face = badge - 2 * (band + RING_PAD), badge - 2 * band
    elif outlined(spec):  # a thick outer ring and a thin inner one, the content in colour
        edge = shape_path(shape, cy, cy, badge - 14)
        svg = (
            f'<path d="{edge}" fill="none" stroke="{spec.palette.primary}" stroke-width="14"/>'
            f'<path d="{ring}" fill="none" stroke="{spec.palette.primary}" stroke-width="4"/>'
        )
    else:
        svg = (
            f'<path d="{shape_path(shape, cy, cy, badge)}" fill="{spec.palette.primary}"/>'
            f'<path d="{ring}" fill="none" stroke="{spec.palette.background}" stroke-width="6"/>'
        )
    inner_w, inner_h = inner_box(shape, face)
    icon = badge * (0.3 if spec.accent == "block" else 0.16) * spec.mark_scale if spec.icon else 0.0
    gap = 36.0 if spec.icon else 0.0
    # With no icon (a wordmark's seal) the name is the whole content: a short one set at the
    # icon badge's size sat small in a wide ring ("ZEN" spanned a quarter of it).
    size = 120 / spec.mark_scale if spec.icon else _short_name_size(spec, 150.0)
    column = _column(
        spec,
        size,
        _text_room(spec, inner_w * 0.92),
        inner_h * 0.92 - icon - gap,
        SIDE_NAME_LINE,
    )
    if not outlined(spec) and column.slogan is not None:
        # text and icon in one ink that the slogan reads in (see `on_fill`, Column.place)
        fill, ink = on_fill(spec.palette)
        svg = svg.replace(f'fill="{spec.palette.primary}"', f'fill="{fill}"', 1)
    out = [Element(svg, (MARGIN, MARGIN, CANVAS - MARGIN, CANVAS - MARGIN), "badge")]
    lift = badge * 0.04 if shape == "shield" else 0.0
    for _ in range(24):
        top = cy - (icon + gap + column.height) / 2 - lift
        placed = column.place(spec, cy, top + icon + gap, reversed_=not outlined(spec))
        if spec.icon:
            svg = icon_svg(spec.icon, cy - icon / 2, top, icon, ink)
            placed.insert(0, Element(svg, (cy - icon / 2, top, cy + icon / 2, top + icon), "mark"))
        if all(box_inside(shape, cy, cy, room, e.box) for e in placed):
            break
        column, icon, gap = column.scaled(0.94), icon * 0.94, gap * 0.94
    return out + placed


LAYOUT_FUNCTIONS: dict[str, Callable[[LogoSpec], list[Element]]] = {
    "icon-left": _blocked(icon_left),
    "icon-top": _blocked(icon_top),
    "wordmark": wordmark,
    "monogram": monogram,
    "emblem": emblem,
    "mark": mark,
}


def union(boxes: list[Box]) -> Box:
    """The box around all `boxes`."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _contain(elements: list[Element]) -> list[Element]:
    """`elements`, scaled about the canvas centre into the margins if they reach beyond them
    (a safety net: the layouts are built to stay inside)."""
    if not elements:
        return elements
    x0, y0, x1, y1 = union([e.box for e in elements])
    low, high = MARGIN - 0.01, CANVAS - MARGIN + 0.01
    if x0 >= low and y0 >= low and x1 <= high and y1 <= high:
        return elements
    factor = min(1.0, WIDTH / max(x1 - x0, 1e-9), WIDTH / max(y1 - y0, 1e-9))
    dx = CANVAS / 2 - factor * (x0 + x1) / 2
    dy = CANVAS / 2 - factor * (y0 + y1) / 2
    transform = f"translate({num(dx)} {num(dy)}) scale({factor:.5f})"

    def moved(box: Box) -> Box:
        return (
            dx + factor * box[0],
            dy + factor * box[1],
            dx + factor * box[2],
            dy + factor * box[3],
        )

    return [
        Element(f'<g transform="{transform}">{e.svg}</g>', moved(e.box), e.role, e.cap * factor)
        for e in elements
    ]


def legible(elements: list[Element]) -> bool:
    """Whether every name line is at least MIN_NAME_CAP tall and every slogan MIN_SLOGAN_CAP
    (cap heights on the canvas)."""
    return all(
        e.cap >= {"name": MIN_NAME_CAP, "slogan": MIN_SLOGAN_CAP}[e.role] - 0.01
        for e in elements
        if e.role in ("name", "slogan")
    )


def lay_out(spec: LogoSpec) -> list[Element]:
    """The placed elements of `spec` on the 1000×1000 canvas, in its palette as drawn (see
    `drawn_palette`)."""
    spec = replace(spec, palette=drawn_palette(spec.palette))
    if spec.layout != "mark" and not draws_whole(spec.name, spec.font):
        return _contain(mark(spec))  # the name cannot be drawn whole: the mark alone
    return _contain(LAYOUT_FUNCTIONS[spec.layout](spec))
