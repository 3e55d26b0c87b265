"""Quality: layouts keep text inside and clear of the mark for any name length, requested
colours show, contrast holds, candidates differ, SVG and PNG agree, any Latin name renders,
script faces are used with care, and every typeface's licence is recorded."""

from __future__ import annotations

import colorsys
import io
import itertools
import random
import re
import statistics
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import imagehash
import numpy as np
import pytest
import resvg_py
from PIL import Image, ImageChops

from logokraft_engine import Brief, LogoSpec, design_spec, design_specs, render_logo
from logokraft_engine._fonts import (
    CJK_FACE,
    FACES,
    FALLBACKS,
    SCRIPT_FACES,
    _cmap,
    drawable,
    outline,
)
from logokraft_engine._icons import rank_icons
from logokraft_engine._layout import CANVAS, LAYOUT_FUNCTIONS, MARGIN, _column, lay_out, name_text
from logokraft_engine._palette import WHITE, Palette, contrast, on_white, parse_color, to_rgb
from logokraft_engine._shapes import box_inside
from logokraft_engine._text import Element

LICENSES = Path(__file__).resolve().parents[1] / "licenses"
NAMES = {
    1: "Q",
    2: "Jo",
    5: "Nimbu",
    12: "Nova Kitchen",
    22: "Bright Harbor Partners",
    23: "Brighton Harbor Partner",
    40: "Northern Lights Analytics Cloud Platform",
    -40: "W" * 40,  # no space: cannot wrap, must shrink
}
LONG_SLOGAN = "Handcrafted coffee roasted in small batches for people who care about every cup"
SLOGANS = ("", "Fresh every single day", LONG_SLOGAN)
INTERNATIONAL = (
    "Ærø Café",
    "Łódź Bistro",
    "Şişli Çay",
    "Nguyễn & Co",
    "Ångström",
    "Straße",
    "Dvořák",
)
TEXT = ("name", "slogan", "initials")


def _image(png: bytes, mode: str = "RGB") -> Image.Image:
    return Image.open(io.BytesIO(png)).convert(mode)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _roles(elements: list[Element], *roles: str) -> list[Element]:
    return [e for e in elements if e.role in roles]


def _base(layout: str) -> LogoSpec:
    brief = Brief(brand_name="Acme", slogan="Fresh", industry="coffee roastery")
    return replace(design_spec(brief, index=0, seed=3), layout=layout)


# --- layout: every name length, with and without slogans -------------------------------------

_FONTS = sorted(FACES)
_SHAPES = ("circle", "shield", "hexagon", "rounded-square", "none")
_ACCENTS = ("rule", "frame", "block", "none")


def _variants(layout: str, length: int):
    """Specs for `layout` and name length `length`: every slogan, rotating faces, weights,
    cases, shapes, accents and icon/no icon, so the whole catalogue passes through."""
    base = _base(layout)
    k = abs(length) + len(layout)
    for j, slogan in enumerate(SLOGANS):
        for turn in range(2):
            n = k + 3 * j + turn
            face = FACES[_FONTS[n % len(_FONTS)]]
            shape = _SHAPES[n % len(_SHAPES)]
            if layout in ("monogram", "emblem") and shape == "none":
                shape = "circle"
            yield replace(
                base,
                name=NAMES[length],
                slogan=slogan,
                initials=NAMES[length][:2].upper(),
                font=face.slug,
                weight=face.weights[n % len(face.weights)],
                letter_case=("upper", "title", "as-is", "lower")[n % 4],
                tracking=float((0.0, 0.12, -0.02, 0.3)[n % 4]),
                shape=shape,
                accent=_ACCENTS[n % len(_ACCENTS)],
                icon=base.icon if turn == 0 or layout in ("icon-left", "icon-top") else "",
            )


@pytest.mark.parametrize("layout", sorted(LAYOUT_FUNCTIONS))
@pytest.mark.parametrize("length", sorted(NAMES))
def test_text_stays_inside_and_clear_of_the_mark(layout: str, length: int) -> None:
    assert len(NAMES[length]) == abs(length)
    for spec in _variants(layout, length):
        elements = lay_out(spec)
        label = (spec.font, spec.slogan[:10], spec.shape, spec.accent)
        for e in elements:  # everything inside the margin
            x0, y0, x1, y1 = e.box
            assert x0 >= MARGIN - 0.5 and y0 >= MARGIN - 0.5, (label, e.role, e.box)
            assert x1 <= CANVAS - MARGIN + 0.5 and y1 <= CANVAS - MARGIN + 0.5, (label, e.box)
        marks = _roles(elements, "mark")
        names, slogans = _roles(elements, "name"), _roles(elements, "slogan")
        if layout == "mark":
            assert not names and not slogans and marks
            continue
        assert len(names) == 1 and names[0].box[2] - names[0].box[0] > 0, label
        for text in names + slogans:
            for m in marks:
                assert not _overlap(text.box, m.box), (label, text.role, text.box, m.box)
        if spec.slogan:  # the slogan sits under the name, set smaller
            (name,), (slogan,) = names, slogans
            assert slogan.box[1] >= name.box[3], label
            assert slogan.cap < name.cap, label
        else:
            assert not slogans
        if layout == "emblem":  # all content inside the badge's ring
            room = CANVAS - 2 * MARGIN - 2 * 24
            for e in names + slogans + marks:
                assert box_inside(spec.shape, CANVAS / 2, CANVAS / 2, room, e.box), (label, e)


@pytest.mark.parametrize("layout", sorted(set(LAYOUT_FUNCTIONS) - {"mark"}))
def test_short_and_long_names_stay_balanced(layout: str) -> None:
    for length in (1, 2, 40, -40):
        spec = replace(_base(layout), name=NAMES[length], slogan="Fresh every single day")
        elements = lay_out(spec)
        x0, y0, x1, y1 = (
            min(e.box[0] for e in elements),
            min(e.box[1] for e in elements),
            max(e.box[2] for e in elements),
            max(e.box[3] for e in elements),
        )
        assert abs((x0 + x1) / 2 - CANVAS / 2) <= 2, (layout, length)  # centred
        assert abs((y0 + y1) / 2 - CANVAS / 2) <= 40, (layout, length)
        if abs(length) == 1:  # a single letter is not lost in the canvas
            assert max(x1 - x0, y1 - y0) >= 300, (layout, (x0, y0, x1, y1))
            (name,) = _roles(elements, "name")
            assert name.cap >= 60, (layout, name.cap)
        if length == 40:  # a long name wraps (two lines, three when tight) and stays readable
            (name,) = _roles(elements, "name")
            assert name.svg.count("<g transform") in (2, 3) and name.cap >= 20, (layout, name.cap)


@pytest.mark.parametrize("accent", ["frame", "block"])
@pytest.mark.parametrize("name", ["ZEN", "Nova"])
def test_a_short_name_fills_a_wordmarks_seal(accent: str, name: str) -> None:
    # A wordmark drawn as a seal set its name at the size of an emblem's beside an icon:
    # "ZEN" spanned a quarter of its ring and read as a stamp with a caption.
    spec = replace(_base("wordmark"), name=name, slogan="", accent=accent, shape="circle")
    elements = lay_out(spec)
    (badge,) = _roles(elements, "badge")
    (drawn,) = _roles(elements, "name")
    share = (drawn.box[2] - drawn.box[0]) / (badge.box[2] - badge.box[0])
    assert share >= 0.35, share
    room = CANVAS - 2 * MARGIN - 2 * 24
    assert box_inside("circle", CANVAS / 2, CANVAS / 2, room, drawn.box)


def test_long_names_render_inside_the_png() -> None:
    for layout in sorted(LAYOUT_FUNCTIONS):
        for length in (1, 40, -40):
            spec = replace(_base(layout), name=NAMES[length], slogan=LONG_SLOGAN)
            png = render_logo(spec, size=200).png
            box = ImageChops.difference(
                _image(png), Image.new("RGB", (200, 200), spec.palette.background)
            ).getbbox()
            edge = MARGIN / CANVAS * 200 - 1
            assert box is not None and min(box[:2]) >= edge and max(box[2:]) <= 200 - edge


# --- colour -----------------------------------------------------------------------------------


def _pixels_near(png: bytes, color: str, tolerance: int = 10) -> int:
    pixels = np.asarray(_image(png), dtype=np.int16)
    near = np.abs(pixels - np.array(to_rgb(color), dtype=np.int16)) <= tolerance
    return int(near.all(axis=2).sum())


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("#e63946", "#e63946"), ("teal", "#008080"), ("Dark Slate Blue", "#483d8b")],
)
def test_requested_colours_appear_in_every_candidate(requested: str, expected: str) -> None:
    for logo_type in (None, "wordmark", "emblem", "lettermark"):
        brief = Brief("Acme", industry="bakery", colors=(requested,), logo_type=logo_type)
        for index in range(4):
            png = render_logo(design_spec(brief, index=index, seed=index), size=160).png
            assert _pixels_near(png, expected) >= 60, (logo_type, index)


def test_a_light_requested_colour_shows_as_a_background() -> None:
    brief = Brief("Acme", industry="bakery", colors=("#ffe66d", "navy"))
    specs = [design_spec(brief, index=i, seed=0) for i in range(4)]
    assert {s.palette.background for s in specs} == {"#ffe66d", WHITE}
    for spec in specs:
        png = render_logo(spec, size=128).png
        assert _pixels_near(png, "#000080") >= 20
        if spec.palette.background != WHITE:
            assert _pixels_near(png, "#ffe66d") >= 128 * 128 // 3


def _hls(color: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))


@pytest.mark.parametrize(
    ("colors", "hued"),
    [
        (("#ffff00", "#ffffff"), "#ffff00"),  # "yellow and white"
        (("#ffffff", "#ffffc2"), "#ffffc2"),  # "white and cream"
        (("#ffd1df",), "#ffd1df"),  # "pale pink"
    ],
)
def test_when_every_requested_colour_is_light_it_still_shows_in_legible_ink(colors, hued):
    """The QA brief "yellow and white" gave grey ink on white and no yellow in half the
    candidates: every requested colour was too light for ink, and darkening white gives grey.
    Now the light colour shows as itself (the canvas, or the ink on a dark candidate) or as
    the hue of the ink, never grey, and the name reads at 4.5:1 or better."""
    brief = Brief("Sunny Days", slogan="Fresh daily", industry="bakery", colors=colors)
    hue = _hls(hued)[0]
    shown_as_itself = 0
    for index in range(8):
        spec = design_spec(brief, index=index, seed=3)
        p = spec.palette
        assert contrast(p.text, p.background) >= 4.5, (index, p)
        assert (
            contrast(p.primary, p.background) >= 4.5 and contrast(p.secondary, p.background) >= 4.5
        )
        requested = {p.background, p.primary, p.secondary, p.text} & set(colors)
        for ink in {p.primary, p.secondary, p.text} - set(colors):
            h, _, s = _hls(ink)
            assert s >= 0.3, (index, ink, "grey ink")
            assert min(abs(h - hue), 1 - abs(h - hue)) <= 25 / 360, (index, ink, hued)
        if hued in requested:
            png = render_logo(spec, size=128).png
            assert _pixels_near(png, hued, tolerance=4) >= 100, (index, p)
            shown_as_itself += 1
    assert shown_as_itself >= 6


def test_parse_color() -> None:
    assert parse_color("#E63946") == "#e63946" and parse_color("fff") == "#ffffff"
    assert parse_color("Teal") == "#008080" and parse_color("dark_slate-blue") == "#483d8b"
    assert parse_color("not a colour") is None and parse_color(None) is None


_WORDS = ["coffee", "software", "law", "bakery", "kids", "gym", "jewelry", "florist", "dental"]
_NAMED = ["teal", "gold", "yellow", "ivory", "pink", "lightblue", "black", "white", "orange"]


def _random_brief(rng: random.Random) -> Brief:
    colors = tuple(
        rng.choice(_NAMED) if rng.random() < 0.4 else f"#{rng.randrange(1 << 24):06x}"
        for _ in range(rng.randrange(0, 4))
    )
    return Brief(
        brand_name=rng.choice(["Acme", "Ærø Café", "Q", "Northern Lights Studio"]),
        slogan=rng.choice(["", "Made with care"]),
        industry=rng.choice(_WORDS),
        style=tuple(rng.sample(["elegant", "playful", "modern", "handmade", "bold"], 1)),
        colors=colors,
        logo_type=rng.choice([None, "wordmark", "lettermark", "emblem", "combination"]),
        inspiration_palette=tuple(f"#{rng.randrange(1 << 24):06x}" for _ in range(2)),
    )


def test_contrast_holds_for_many_briefs_also_on_white() -> None:
    rng = random.Random(11)
    for _ in range(150):
        brief, seed = _random_brief(rng), rng.randrange(1000)
        for index in range(4):
            p = design_spec(brief, index=index, seed=seed).palette
            for palette, background in ((p, p.background), (on_white(p), WHITE)):
                for color in (palette.primary, palette.secondary, palette.text):
                    assert contrast(color, background) >= 3.0, (brief, index, color, background)


def _ground(elements: list[Element], text: Element, background: str) -> str:
    """The colour under `text`: the fill of a block or badge holding it, else the canvas."""
    cx, cy = (text.box[0] + text.box[2]) / 2, (text.box[1] + text.box[3]) / 2
    ground = background
    for e in _roles(elements, "badge", "accent"):
        fills = re.findall(r'fill="(#[0-9a-f]{6})"', e.svg)
        if fills and e.box[0] <= cx <= e.box[2] and e.box[1] <= cy <= e.box[3]:
            ground = fills[-1] if e.role == "badge" else fills[0]
    return ground


def test_the_slogan_the_smallest_text_reads_at_small_text_contrast() -> None:
    # Slogans were set in the accent colour at its 3:1: "STRONGER EVERY DAY" in coral on white.
    rng = random.Random(12)
    briefs = [_random_brief(rng) for _ in range(60)]
    briefs.append(Brief("FitForge", "Stronger every day", industry="personal training"))
    for brief in briefs:
        for index in range(4):
            spec = design_spec(
                replace(brief, slogan=brief.slogan or "Since 1990"), index=index, seed=3
            )
            elements = lay_out(spec)
            for e in _roles(elements, "slogan"):
                ground = _ground(elements, e, spec.palette.background)  # or a block, a badge
                for fill in set(re.findall(r'fill="(#[0-9a-f]{6})"', e.svg)):
                    assert contrast(fill, ground) >= 4.5, (brief, index, fill, ground)


@pytest.mark.parametrize(
    "colors",
    [("#ff6600",), ("#fb5607", "#8338ec"), ("#ff10f0", "#39ff14"), ("#ff5f1f", "#000000")],
)
def test_text_reversed_out_of_a_bright_fill_reads(colors: tuple[str, ...]) -> None:
    # A white slogan reversed out of a bright orange or neon pink block or badge read at
    # 3.3:1 (WCAG asks 4.5:1 of small text); name and slogan now share an ink that reads.
    brief = Brief("Volt Arcade", "Play all night long", industry="arcade", colors=colors)
    for index, layout, accent in itertools.product(
        range(8), ("icon-left", "icon-top", "wordmark", "emblem"), ("rule", "block")
    ):
        spec = replace(design_spec(brief, index=index, seed=index), layout=layout, accent=accent)
        elements = lay_out(spec)
        inks = set()
        for text in _roles(elements, "name", "slogan"):
            (ink,) = set(re.findall(r'fill="(#[0-9a-f]{6})"', text.svg))
            ground = _ground(elements, text, spec.palette.background)
            need = 4.5 if text.role == "slogan" else 3.0
            assert contrast(ink, ground) >= need, (index, layout, accent, text.role, ink, ground)
            inks.add((ink, ground))
        reversed_ = {ink for ink, ground in inks if ground != spec.palette.background}
        assert len(reversed_) <= 1, (index, layout, accent, inks)  # one ink on a fill
        if layout == "emblem" and reversed_:  # and the badge's icon in it too
            for mark in _roles(elements, "mark"):
                assert set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', mark.svg)) == reversed_


@pytest.mark.parametrize(
    ("primary", "reversed_white"),
    [("#e63946", True), ("#228b22", True), ("#808080", True), ("#ff6600", False)],
)
def test_text_on_a_fill_that_nearly_reads_stays_white(primary: str, reversed_white: bool) -> None:
    # White on red or forest green is 4:1, just short of 4.5:1: the badge deepens a touch and
    # keeps its white text (dark text on it looked wrong); on bright orange (2.9:1) a deep
    # tone of the orange is the ink.
    palette = Palette(WHITE, primary, "#333333", "#111111")
    spec = design_spec(Brief("Harbor Light", "Safe passage"), index=0, seed=0)
    spec = replace(spec, palette=palette, layout="emblem", accent="rule", shape="circle")
    elements = lay_out(spec)
    (badge,) = _roles(elements, "badge")
    fill = re.findall(r'fill="(#[0-9a-f]{6})"', badge.svg)[0]
    for text in _roles(elements, "name", "slogan"):
        (ink,) = set(re.findall(r'fill="(#[0-9a-f]{6})"', text.svg))
        assert (ink == WHITE) == reversed_white, (text.role, ink, fill)
        assert contrast(ink, fill) >= 4.5
    assert (fill != primary) == reversed_white  # deepened only to keep the white


def _dominant(png: bytes, share: float = 0.005) -> list[str]:
    """Colours covering at least `share` of the image (at 320 px, anti-aliased edges blend into
    many different colours, each far rarer)."""
    pixels = np.asarray(_image(png), dtype=np.uint32)
    packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    return [
        f"#{int(v):06x}" for v, n in zip(values, counts, strict=True) if n >= packed.size * share
    ]


def test_rendered_ink_reads_on_its_background_and_transparent_on_white() -> None:
    dark = Palette("#101820", "#f2aa4c", "#ffffff", "#ffffff")  # an editor-made dark logo
    rng = random.Random(5)
    specs = [design_spec(_random_brief(rng), index=i % 4, seed=i) for i in range(10)]
    specs += [replace(specs[0], palette=dark), replace(specs[1], palette=dark)]
    for spec in specs:
        for transparent in (False, True):
            png = render_logo(spec, size=320, transparent=transparent).png
            flat = Image.alpha_composite(
                Image.new("RGBA", (320, 320), "white"), _image(png, "RGBA")
            )
            out = io.BytesIO()
            flat.convert("RGB").save(out, "PNG")
            palette = on_white(spec.palette) if transparent else spec.palette
            background = WHITE if transparent else palette.background
            for color in _dominant(out.getvalue()):
                if min(contrast(color, background), contrast(color, palette.background)) < 1.1:
                    continue  # the background itself, or content reversed out of the mark
                assert contrast(color, background) >= 3.0, (spec.layout, transparent, color)


# --- distinct candidates and determinism ------------------------------------------------------

_BRIEFS = [
    Brief("Acme Roasters", "Small batch coffee", "coffee roastery"),
    Brief("Lumen Labs", industry="software", description="AI analytics"),
    Brief("Harbor & Co", "Since 1902", "law firm"),
    Brief("Sweet Crumbs", "Baked fresh daily", "bakery", style=("handmade",)),
    Brief("Tiny Tots", industry="daycare", style=("playful",)),
    Brief("Iron Peak", "Train hard", "fitness gym"),
    Brief("Maison Éclat", industry="jewelry", style=("elegant",), colors=("#b08d57",)),
    Brief("Petal & Stem", industry="florist", colors=("teal",)),
    Brief("BrightSmile", industry="dental clinic"),
    Brief("Q", industry="consulting"),
]
# phash (64 bits) of two renders of one composition restyled (another face or colour) differ
# by 0–8 bits, measured; different compositions by 14 or more. 10 separates the two.
MIN_PHASH_DISTANCE = 10


def test_candidates_of_a_brief_are_visibly_different() -> None:
    for brief in _BRIEFS:
        specs = [design_spec(brief, index=i, seed=7) for i in range(4)]
        hashes = [imagehash.phash(_image(render_logo(s, size=128).png)) for s in specs]
        for i, j in itertools.combinations(range(4), 2):
            distance = hashes[i] - hashes[j]
            assert distance >= MIN_PHASH_DISTANCE, (brief.brand_name, i, j, distance)
        assert len({s.layout for s in specs}) == 4
        assert len({s.font for s in specs}) == 4
        assert len({FACES[s.font].category for s in specs}) >= 3


def test_same_brief_and_seed_give_identical_bytes() -> None:
    for brief in _BRIEFS[:4]:
        for index in range(4):
            a = render_logo(design_spec(brief, index=index, seed=99), size=256)
            b = render_logo(design_spec(brief, index=index, seed=99), size=256)
            assert a.svg == b.svg and a.png == b.png


# --- the SVG master and the PNG agree ---------------------------------------------------------


def test_svg_master_is_standalone_and_renders_like_the_png(tmp_path: Path) -> None:
    specs = [design_spec(b, index=i, seed=1) for b in _BRIEFS[:3] for i in range(4)]
    specs += [replace(specs[0], layout=layout) for layout in ("wordmark", "mark")]
    for k, spec in enumerate(specs):
        for transparent in (False, True):
            out = render_logo(spec, size=192, transparent=transparent)
            root = ET.fromstring(out.svg)  # well-formed XML
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            for banned in ("<text", "font-family", "href", "url(", "<image", "@import", "<style"):
                assert banned not in out.svg, banned
            path = tmp_path / f"logo{k}{transparent}.svg"
            path.write_text(out.svg, encoding="utf-8")
            # another path: from the file, at its own size, with no fonts at all available
            again = bytes(resvg_py.svg_to_bytes(svg_path=str(path), skip_system_fonts=True))
            a, b = _image(out.png, "RGBA"), _image(again, "RGBA")
            assert a.size == b.size == (192, 192)
            diff = ImageChops.difference(a, b).convert("L")
            assert statistics.fmean(diff.tobytes()) < 0.5, (spec.layout, transparent)


# --- any Latin name, in every face; never a .notdef box ---------------------------------------


@pytest.mark.parametrize("font", sorted(FACES))
def test_international_names_render_every_letter_in_every_face(font: str) -> None:
    for name in INTERNATIONAL:
        for text in (name, name.upper()):
            line = outline(text, font, FACES[font].weights[-1])
            letters = [c for c in text if not c.isspace()]
            assert [c for c, _ in line.glyphs] == letters, (font, text)
            assert all(len(re.findall(r"[LCQHV]", d)) >= 2 for _, d in line.glyphs), (font, text)
            # as wide as its letters set one by one (no glyph missing or empty)
            alone = sum(outline(c, font, FACES[font].weights[-1]).width for c in letters)
            assert line.width >= 0.6 * alone, (font, text)
        spec = replace(_base("wordmark"), name=name, font=font, letter_case="as-is", slogan="")
        (element,) = _roles(lay_out(spec), "name")
        assert element.svg.count("<path") == len(name.replace(" ", ""))


@pytest.mark.parametrize("font", sorted(FACES))
def test_characters_no_face_has_are_dropped_not_boxed(font: str) -> None:
    weight = FACES[font].weights[0]
    line = outline("ചായ Sushi 😀", font, weight)  # Malayalam: a script no bundled face has
    assert [c for c, _ in line.glyphs] == list("Sushi")
    assert line.width == pytest.approx(outline("Sushi", font, weight).width)
    assert drawable("ചായ Sushi 😀", font) == "Sushi"
    for slug in (font, *FALLBACKS):  # none of them claims to draw these
        assert not {ord(c) for c in "ചായ😀"} & set(_cmap(slug))


def test_a_dropped_emoji_takes_its_variation_selector_with_it() -> None:
    # "Love ❤️ Coffee" in a face without the heart kept U+FE0F alone between two spaces: the
    # name was drawn "LOVE  COFFEE" with a double gap
    assert drawable("Love \u2764\ufe0f Coffee", "lora") == "Love Coffee"
    assert drawable("\U0001f468\u200d\U0001f469\u200d\U0001f467 Family", "lora") == "Family"
    assert drawable("Love \u2764\ufe0f Coffee", "inter") == "Love \u2764\ufe0f Coffee"  # drawn
    assert drawable("\u0915\u094d\u200d\u0937", "inter") == "\u0915\u094d\u200d\u0937"


def test_a_name_nothing_can_draw_becomes_its_mark() -> None:
    brief = Brief("ചായ", industry="sushi restaurant")  # Malayalam: no bundled face has it
    specs = [design_spec(brief, index=i, seed=0) for i in range(4)]
    assert {s.layout for s in specs} == {"mark"} and all(s.icon for s in specs)
    assert len({(s.icon, s.shape, s.palette) for s in specs}) == 4
    for layout in ("wordmark", "monogram", "icon-left", "emblem"):
        for icon in ("", specs[0].icon):
            spec = replace(specs[0], layout=layout, icon=icon, initials="ച", slogan="Fresh")
            elements = lay_out(spec)
            assert not _roles(elements, *TEXT) and _roles(elements, "mark"), (layout, icon)
            png = render_logo(spec, size=96).png
            assert _image(png).convert("L").getextrema()[0] < 200  # something is drawn
    # A name drawable only in part is not drawn with a word missing: the mark alone again.
    mixed = replace(specs[0], layout="monogram", name="ചായ Sushi", icon="", initials="")
    elements = lay_out(mixed)
    assert not _roles(elements, "name", "slogan")
    (initials,) = _roles(elements, "initials")
    assert initials.svg.count("<path") == 1  # "S", the first letter that can be drawn


@pytest.mark.parametrize(
    "name",
    [
        "Kochi ചായ Coffee",  # Malayalam: no bundled face has it; "Kochi Coffee" is wrong
        "ਪੰਜਾਬ ਢਾਬਾ",  # Gurmukhi: no bundled face has it
        "Kem ગુજરાતી Spa",  # Gujarati: nor this
    ],
)
def test_a_name_that_cannot_be_drawn_whole_is_never_drawn_with_words_missing(name: str) -> None:
    brief = Brief(name, slogan="Fresh daily", industry="restaurant")
    for index in range(8):
        spec = design_spec(brief, index=index, seed=1)
        assert spec.layout == "mark" and spec.name == name, (index, spec.layout)
        for layout in ("wordmark", "icon-top", "emblem", "monogram"):
            elements = lay_out(replace(spec, layout=layout))
            assert not _roles(elements, "name", "slogan"), (index, layout)
            assert _roles(elements, "mark")


@pytest.mark.parametrize(
    ("name", "drawn"),
    [
        ("Café ☕ Nero", "Café Nero"),
        ("Rosie's 🌸 Florist", "Rosie's Florist"),
        ("🍕 Tony's", "Tony's"),
        ("Fresh 🇯🇵 Sushi", "Fresh Sushi"),  # a flag: two regional indicators
        ("Dev 👩🏽\u200d💻 Hub", "Dev Hub"),  # a ZWJ sequence with a skin tone
        ("Acme™ ©", "Acme™ ©"),  # symbols a face draws are drawn
    ],
)
def test_emoji_in_a_name_are_left_out_of_the_drawn_name(name: str, drawn: str) -> None:
    """An emoji is a picture beside the words, not a word: the rest of the name is drawn (it
    used to leave the logo without its name), and every layout sets the same words."""
    brief = Brief(name, slogan="Fresh daily 🌿", industry="restaurant")
    for index in range(4):
        spec = design_spec(brief, index=index, seed=1)
        assert spec.layout != "mark", (index, spec.layout)
        assert " ".join(name_text(replace(spec, letter_case="as-is")).split()) == drawn
        (slogan,) = _roles(lay_out(spec), "slogan") or [None]
        assert slogan is not None, index  # "FRESH DAILY", the 🌿 left out


def test_a_name_of_emoji_alone_is_its_mark() -> None:
    spec = design_spec(Brief("☕🍰", industry="cafe"), index=0, seed=1)
    assert spec.layout == "mark"
    assert not _roles(lay_out(replace(spec, layout="wordmark")), "name")


def test_the_emoji_of_a_name_suggest_its_icon() -> None:
    assert rank_icons(Brief("Rosie's 🌸", industry="shop"))[0] == "flower"
    assert rank_icons(Brief("☕ Corner", industry="kiosk"))[0] in ("coffee", "mug")
    assert rank_icons(Brief("Rosie's 🌹", industry="shop"))[0] == "flower"
    assert rank_icons(Brief("Snip ✂️", industry="salon"))[0] == "scissors"


def test_a_slogan_that_cannot_be_drawn_whole_is_left_out() -> None:
    spec = design_spec(Brief("Tokyo Sushi", slogan="Fresh ചായ fish"), index=1, seed=1)
    assert spec.layout != "mark" and spec.slogan == "Fresh ചായ fish"
    elements = lay_out(spec)
    assert _roles(elements, "name") and not _roles(elements, "slogan")


# --- script faces -----------------------------------------------------------------------------

_SCRIPT = sorted(slug for slug, face in FACES.items() if face.script)


@pytest.mark.parametrize(
    "brief",
    [
        Brief("Sweet Crumbs", industry="bakery"),
        Brief("Lila", industry="florist", style=("feminine",)),
        Brief("Atelier Rose", style=("elegant", "boutique")),
        Brief("Mara", style=("handmade",)),
        Brief("Signature", style=("script",)),
    ],
)
def test_script_faces_for_handmade_elegant_and_script_briefs(brief: Brief) -> None:
    specs = [design_spec(brief, index=i, seed=s) for s in range(3) for i in range(4)]
    scripts = [s for s in specs if FACES[s.font].script]
    assert scripts
    for spec in scripts:  # never all caps, never spaced, never the slogan's face
        assert spec.letter_case != "upper" and spec.tracking == 0.0
        assert not FACES[spec.slogan_font].script


def test_no_script_faces_for_sober_briefs() -> None:
    for brief in (Brief("Lex & Co", industry="law firm"), Brief("Acme"), Brief("Vela", "Data")):
        for seed in range(5):
            for index in range(4):
                assert not FACES[design_spec(brief, index=index, seed=seed).font].script


def test_faces_follow_the_brief() -> None:
    def first(brief: Brief) -> set[str]:
        return {design_spec(brief, index=0, seed=s).font for s in range(4)}

    assert first(Brief("Byte", industry="software startup")) <= {"space-grotesk", "inter"}
    assert first(Brief("Tiny Tots", industry="kids daycare")) <= {"nunito", "fredoka"}
    assert first(Brief("Lex", industry="law firm", style=("classic",))) <= {
        "lora",
        "playfair-display",
        "dm-serif-display",
    }


def test_script_never_renders_in_caps_or_spaced() -> None:
    spec = replace(_base("wordmark"), font=_SCRIPT[0], weight=FACES[_SCRIPT[0]].weights[0])
    title = replace(spec, letter_case="title", tracking=0.0)
    for case, tracking in (("upper", 0.0), ("title", 0.3), ("upper", 0.12)):
        shouted = replace(spec, letter_case=case, tracking=tracking)
        assert _roles(lay_out(shouted), "name") == _roles(lay_out(title), "name")
    with pytest.raises(ValueError):
        replace(spec, slogan_font=_SCRIPT[0])


# --- typefaces: real weights, recorded licences -----------------------------------------------


@pytest.mark.parametrize("font", sorted(FACES))
def test_weights_are_real_and_differ(font: str) -> None:
    import fontpkg

    family = fontpkg.family(font)
    for weight in FACES[font].weights:
        assert any(f.covers(weight) for f in family.files if f.style == "normal"), weight
    drawn = {outline("Hamburg", font, w).glyphs for w in FACES[font].weights}
    assert len(drawn) == len(FACES[font].weights)  # each weight draws differently


def test_every_face_has_its_licence_recorded() -> None:
    table = (LICENSES / "fonts.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): line
        for line in table.splitlines()
        if (m := re.match(r"\|\s*`([a-z0-9-]+)`\s*\|", line))
    }
    for slug in (*FACES, *FALLBACKS, *{f for _, _, f in SCRIPT_FACES}, CJK_FACE):
        assert slug in rows, f"{slug} is missing from licenses/fonts.md"
        assert "OFL-1.1" in rows[slug] and "Copyright" in rows[slug], slug
    ofl = (LICENSES / "OFL-1.1.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "PERMISSION & CONDITIONS" in ofl


def test_every_sample_candidate_has_a_name_legible_at_256_px() -> None:
    """At 256 px wide the name's capitals are at least 8 px tall (canvas 1000 units → 256 px)."""
    from logokraft_engine._layout import lay_out
    from logokraft_engine.samples import SAMPLES, candidates

    for brief in SAMPLES:
        for spec in candidates(brief, 4):
            names = [e for e in lay_out(spec) if e.role == "name"]
            if spec.layout == "mark":
                continue
            assert names, (brief.brand_name, spec.layout)
            cap_px = names[0].cap * 256 / 1000
            assert cap_px >= 8, (brief.brand_name, spec.layout, round(cap_px, 1))


# --- minimum text sizes -------------------------------------------------------------------------

_LONG_BRIEFS = (
    Brief(
        "The Extraordinarily Long Named International Consulting Partnership Group",
        slogan="We deliver comprehensive strategic solutions for every business challenge you "
        "might ever face in any market, anywhere, at any time of the day or night",
        industry="consulting",
    ),
    Brief("Northern Lights Photography and Film Studio", slogan="Moments that last forever"),
    Brief("Greenfield Organic Farm", slogan="Grown with care, harvested by hand", style=("eco",)),
)


@pytest.mark.parametrize("logo_type", [None, "emblem", "combination", "wordmark", "lettermark"])
def test_long_names_and_slogans_never_shrink_below_a_legible_size(logo_type) -> None:
    """The QA found a long name set 16 units tall in a badge and a long slogan 9 (about 2 px
    on a 256 px preview): text shrank to fit with no minimum. Now a name is set at least 24
    units tall (cap height on the 1000-unit canvas) and a slogan 16, in a roomier composition
    when the planned one cannot hold them; a slogan too long even then is cut at a word with
    an ellipsis, a name never."""
    for brief in _LONG_BRIEFS:
        brief = replace(brief, logo_type=logo_type)
        for spec in design_specs(brief, count=8, seed=4):
            if spec.layout == "mark":  # the symbol alone: no text by design
                continue
            elements = lay_out(spec)
            names = _roles(elements, "name")
            assert names and all(e.cap >= 24 - 0.01 for e in names), (brief.brand_name, spec)
            for slogan in _roles(elements, "slogan"):
                assert slogan.cap >= 16 - 0.01, (brief.brand_name, spec.layout, slogan.cap)


def test_a_slogan_too_long_to_set_legibly_is_cut_at_a_word_with_an_ellipsis() -> None:
    brief = _LONG_BRIEFS[0]
    spec = design_spec(brief, index=0, seed=4)
    column = _column(spec, 120, 560, 420, 14)  # a badge's room
    assert column.slogan is not None
    assert column.slogan.cap * column.slogan_scale >= 16 - 0.01
    drawn = "".join(c for line in column.slogan.lines for c, _ in line.glyphs)  # no spaces
    assert drawn.endswith("\u2026") and len(drawn) < len(brief.slogan.replace(" ", ""))
    words = brief.slogan.upper().split()
    cut = next(n for n in range(len(words)) if "".join(words[:n]).rstrip(",") == drawn[:-1])
    assert 0 < cut < len(words)  # whole words, in order, then the ellipsis
