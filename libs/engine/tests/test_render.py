"""Rendering: layouts fit the canvas, colours, contrast, PNG format and SVG hygiene."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from logokraft_engine import Brief, design_spec, render_logo
from logokraft_engine._icons import GEOMETRIC_NAMES, ICONS
from logokraft_engine._layout import CANVAS, LAYOUT_FUNCTIONS, lay_out
from logokraft_engine._palette import contrast
from logokraft_engine._shapes import SHAPES

NAMES = {
    1: "Q",
    12: "Nova Kitchen",
    40: "Northern Lights Analytics Cloud Platform",
    -40: "W" * 40,  # no spaces, so it cannot be broken into lines
}
LOGO_TYPES = ("wordmark", "lettermark", "emblem", "combination", None)


def _spec(layout: str, name: str, index: int = 0):
    brief = Brief(brand_name=name, slogan="Fresh every single day", industry="coffee")
    return replace(design_spec(brief, index=index, seed=3), layout=layout)


@pytest.mark.parametrize("layout", sorted(LAYOUT_FUNCTIONS))
@pytest.mark.parametrize("length", sorted(NAMES))
def test_layout_stays_inside_canvas(layout: str, length: int, ink_box) -> None:
    margin = 40
    for index in range(2):
        spec = _spec(layout, NAMES[length], index)
        for element in lay_out(spec):
            x0, y0, x1, y1 = element.box
            assert x0 >= margin and y0 >= margin, (element.svg[:80], element.box)
            assert x1 <= CANVAS - margin and y1 <= CANVAS - margin, (element.svg[:80], element.box)
        box = ink_box(render_logo(spec, size=256).png)
        assert box is not None
        assert min(box[:2]) >= 8 and max(box[2:]) <= 256 - 8, box


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "none"])
def test_every_shape_renders_inside(shape: str, ink_box) -> None:
    for layout in ("monogram", "emblem", "icon-left", "mark"):
        spec = replace(_spec(layout, "Harbor & Co"), shape=shape)
        box = ink_box(render_logo(spec, size=200).png)
        assert box is not None and min(box[:2]) >= 6 and max(box[2:]) <= 194


@pytest.mark.parametrize("shape", SHAPES)
def test_mark_layout_is_the_icon_alone_inside_the_canvas(shape: str, ink_box, image) -> None:
    # Every icon's fit in its box is checked in test_icons; here a sample of each kind.
    sample = [*GEOMETRIC_NAMES, *sorted(ICONS)[:: max(1, len(ICONS) // 12)], ""]
    for icon in sample:
        spec = replace(_spec("mark", "Nova Kitchen"), icon=icon, shape=shape)
        for element in lay_out(spec):
            x0, y0, x1, y1 = element.box
            assert min(x0, y0) >= 100 and max(x1, y1) <= CANVAS - 100, (icon, element.box)
        png = render_logo(spec, size=128).png
        box = ink_box(png)
        assert box is not None and min(box[:2]) >= 8 and max(box[2:]) <= 120, (icon, box)
        assert box[2] - box[0] >= 40 and box[3] - box[1] >= 40  # large, not a thumbnail
        renamed = replace(spec, name="Other Name", slogan="Other slogan")
        if icon:  # no text at all: the name and slogan do not change a pixel
            assert render_logo(renamed, size=128).png == png


def test_mark_without_icon_shows_the_initials(colors_in) -> None:
    spec = replace(_spec("mark", "Nova Kitchen"), icon="", shape="none", initials="NK")
    assert "NK" not in render_logo(spec, size=64).svg  # outlined, not text
    initials = replace(spec, initials="ZQ")
    assert render_logo(spec, size=128).png != render_logo(initials, size=128).png
    assert spec.palette.primary in colors_in(render_logo(spec, size=256).png)


@pytest.mark.parametrize("logo_type", LOGO_TYPES)
def test_requested_colours_appear_in_png(logo_type: str | None, colors_in) -> None:
    brief = Brief(
        brand_name="Acme", industry="coffee", colors=("#0a2540", "#c0392b"), logo_type=logo_type
    )
    spec = design_spec(brief, index=0, seed=1)
    found = colors_in(render_logo(spec, size=512).png)
    assert "#0a2540" in found


def test_light_colours_are_darkened_for_contrast() -> None:
    brief = Brief(brand_name="Sunny", colors=("#ffee88", "#f0f0f0"))
    for index in range(4):
        palette = design_spec(brief, index=index, seed=0).palette
        for color in (palette.primary, palette.secondary, palette.text):
            assert contrast(color, palette.background) >= 3.0


def test_inspiration_palette_used_when_no_colours() -> None:
    brief = Brief(brand_name="Vela", inspiration_palette=("#1b4332", "#ffffff"))
    assert design_spec(brief, index=0, seed=0).palette.primary == "#1b4332"


def test_png_is_exact_size_and_transparent_option(image) -> None:
    spec = _spec("icon-top", "Acme")
    for size in (64, 300, 1024):
        out = render_logo(spec, size=size)
        assert (out.width, out.height) == (size, size)
        assert Image.open(io.BytesIO(out.png)).size == (size, size)
        assert out.png.startswith(b"\x89PNG")
    clear = render_logo(spec, size=128, transparent=True)
    assert Image.open(io.BytesIO(clear.png)).convert("RGBA").getpixel((0, 0))[3] == 0
    assert "<rect width" not in clear.svg
    assert image(render_logo(spec, size=128).png).getpixel((0, 0)) == (255, 255, 255)


def test_svg_is_standalone(coffee: Brief) -> None:
    for index in range(5):
        svg = render_logo(design_spec(coffee, index=index, seed=2), size=128).svg
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        for banned in ("href", "url(", "<text", "<image", "@import", "font-family"):
            assert banned not in svg


def test_markup_in_name_is_escaped() -> None:
    spec = _spec("wordmark", "<b>&Co</b>")
    svg = render_logo(spec, size=64).svg
    assert "<b>" not in svg and "&amp;Co" in svg


def test_rejects_bad_size() -> None:
    with pytest.raises(ValueError):
        render_logo(_spec("wordmark", "Acme"), size=0)
