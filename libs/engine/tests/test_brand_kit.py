"""The brand kit: every file of the zip parsed and measured, for an engine spec, an engine SVG
master and AI-drawn rasters (the fakes' Seedream PNG and engine logos rendered opaque)."""

from __future__ import annotations

import io
import json
import re
import time
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
from PIL import Image

from logokraft_engine import LogoSpec, render_logo
from logokraft_engine._palette import contrast, to_rgb
from logokraft_engine.kit import (
    FAVICON_SIZES,
    MAX_COLORS,
    MAX_MAE,
    MIN_IOU,
    BrandColor,
    BrandKit,
    KitSource,
    KitSvgError,
    TraceQualityError,
    build_brand_kit,
    check_outlines,
    color_name,
    kit_display_filename,
    kit_filename,
    mark_svg,
    trace_raster,
)
from logokraft_engine.kit._svg import render_png
from logokraft_fakes.images import draw_image

SVG = "{http://www.w3.org/2000/svg}"
REQUIRED = (
    "logo.svg",
    "logo.png",
    "logo-on-dark.svg",
    "logo-on-dark.png",
    "mark.svg",
    "mark.png",
    "favicon.ico",
    "apple-touch-icon.png",
    "icon-512.png",
    "og-image.png",
    "palette.json",
    "README.txt",
)


# Fixed specs (one per layout, taken from the sample briefs' candidates), so that changes to
# how the engine designs a brief do not change what these tests trace.
_SPECS = {
    "icon-left": {
        "version": 1,
        "layout": "icon-left",
        "icon": "cup",
        "font": "inter",
        "weight": 600,
        "letter_case": "upper",
        "tracking": 0.06,
        "slogan_font": "inter",
        "palette": {
            "background": "#ffffff",
            "primary": "#6f4e37",
            "secondary": "#b98956",
            "text": "#2b1d14",
        },
        "shape": "none",
        "name": "Northline Coffee",
        "slogan": "Roasted in small batches",
        "initials": "NC",
        "accent": "rule",
    },
    "icon-top": {
        "version": 1,
        "layout": "icon-top",
        "icon": "flame",
        "font": "montserrat",
        "weight": 800,
        "letter_case": "title",
        "tracking": -0.01,
        "slogan_font": "montserrat",
        "palette": {
            "background": "#ffffff",
            "primary": "#6f4e37",
            "secondary": "#b98956",
            "text": "#2b1d14",
        },
        "shape": "none",
        "name": "Northline Coffee",
        "slogan": "Roasted in small batches",
        "initials": "NC",
        "accent": "rule",
    },
    "emblem": {
        "version": 1,
        "layout": "emblem",
        "icon": "takeaway-cup",
        "font": "space-grotesk",
        "weight": 700,
        "letter_case": "upper",
        "tracking": 0.04,
        "slogan_font": "space-grotesk",
        "palette": {
            "background": "#ffffff",
            "primary": "#3e2723",
            "secondary": "#c68444",
            "text": "#3e2723",
        },
        "shape": "circle",
        "name": "Northline Coffee",
        "slogan": "Roasted in small batches",
        "initials": "NC",
        "accent": "rule",
    },
    "monogram": {
        "version": 1,
        "layout": "monogram",
        "icon": "",
        "font": "poppins",
        "weight": 700,
        "letter_case": "upper",
        "tracking": 0.08,
        "slogan_font": "poppins",
        "palette": {
            "background": "#ffffff",
            "primary": "#3e2723",
            "secondary": "#c68444",
            "text": "#3e2723",
        },
        "shape": "circle",
        "name": "Northline Coffee",
        "slogan": "Roasted in small batches",
        "initials": "NC",
        "accent": "frame",
    },
    "wordmark": {
        "version": 1,
        "layout": "wordmark",
        "icon": "",
        "font": "playfair-display",
        "weight": 600,
        "letter_case": "title",
        "tracking": 0.0,
        "slogan_font": "inter",
        "palette": {
            "background": "#c9a227",
            "primary": "#000000",
            "secondary": "#000000",
            "text": "#000000",
        },
        "shape": "none",
        "name": "Atelier Vionne",
        "slogan": "Quietly extraordinary",
        "initials": "AV",
        "accent": "rule",
    },
}


def _spec(layout: str = "icon-left") -> LogoSpec:
    return LogoSpec.from_dict(_SPECS[layout])


def _files(kit: BrandKit) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(kit.data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGBA"))


def _svg_root(data: bytes) -> ET.Element:
    root = ET.fromstring(data.decode())
    assert root.tag == f"{SVG}svg"
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"text", "tspan", "image", "foreignObject", "use", "script"}, tags
    box = [float(v) for v in root.get("viewBox", "").split()]
    assert len(box) == 4 and box[2] > 0 and box[3] > 0
    return root


def _paints(data: bytes) -> set[str]:
    return {m.lower() for m in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', data.decode())}


def check_kit(kit: BrandKit) -> dict[str, bytes]:
    """Every file of `kit` parsed and measured; returns the files."""
    assert kit.media_type == "application/zip"
    assert re.fullmatch(r"[a-z0-9-]+\.zip", kit.filename)
    files = _files(kit)
    assert set(REQUIRED) <= set(files)
    assert set(kit.files) == set(files)

    for name in ("logo.svg", "logo-on-dark.svg", "mark.svg"):
        root = _svg_root(files[name])
        check_outlines(files[name].decode())
        assert _paints(files[name]), name
        if name == "mark.svg":
            _, _, w, h = (float(v) for v in root.get("viewBox").split())
            assert w == pytest.approx(h)
            assert root.get("width") == root.get("height")

    logo = _png(files["logo.png"])
    assert logo.shape[1] >= 1024
    for corner in (logo[0, 0], logo[0, -1], logo[-1, 0], logo[-1, -1]):
        assert corner[3] == 0
    assert logo[:, :, 3].max() == 255  # the logo itself is drawn
    dark = _png(files["logo-on-dark.png"])
    assert dark.shape == logo.shape
    assert dark[0, 0, 3] == 0 and dark[-1, -1, 3] == 0  # transparent too

    mark = _png(files["mark.png"])
    assert mark.shape[0] == mark.shape[1] >= 512
    assert mark[:, :, 3].max() == 255

    with Image.open(io.BytesIO(files["favicon.ico"])) as ico:
        assert ico.format == "ICO"
        assert {(s, s) for s in FAVICON_SIZES} <= set(ico.info["sizes"])
        assert {(s, s) for s in FAVICON_SIZES} <= set(ico.ico.sizes())
        for size in FAVICON_SIZES:
            ico.size = (size, size)
            ico.load()
            assert ico.size == (size, size)
            assert np.asarray(ico.convert("RGBA"))[:, :, 3].max() > 0

    for name, size in (("apple-touch-icon.png", (180, 180)), ("icon-512.png", (512, 512))):
        pixels = _png(files[name])
        assert pixels.shape[:2] == size[::-1]
        assert pixels[:, :, 3].min() == 255  # app icons are opaque
        assert len(np.unique(pixels.reshape(-1, 4), axis=0)) > 2  # and show the mark
    og = _png(files["og-image.png"])
    assert og.shape[:2] == (630, 1200)
    assert og[:, :, 3].min() == 255
    assert tuple(og[0, 0, :3]) == tuple(og[-1, -1, :3])  # a plain ground…
    assert (np.abs(og[:, :, :3].astype(int) - og[0, 0, :3]).sum(axis=2) > 30).mean() > 0.02

    palette = json.loads(files["palette.json"])
    assert isinstance(palette, list) and palette
    for entry in palette:
        assert re.fullmatch(r"#[0-9a-f]{6}", entry["hex"])
        assert entry["rgb"] == list(to_rgb(entry["hex"]))
        assert isinstance(entry["name"], str) and entry["name"]
    hexes = {entry["hex"] for entry in palette}
    assert _paints(files["logo.svg"]) <= hexes  # every colour of the logo is listed
    background = next(e["hex"] for e in palette if e["role"] == "dark-background")
    assert tuple(og[0, 0, :3]) == to_rgb(next(e["hex"] for e in palette if e["role"] == "primary"))

    # On dark, every colour reads on the dark background or is a cut-out in it.
    for color in _paints(files["logo-on-dark.svg"]):
        assert color == background or contrast(color, background) >= 3.0, color

    readme = files["README.txt"].decode()
    for name in files:
        assert name in readme, name
    for word in ("favicon", "print", "social", "clear space", "#"):
        assert word in readme.lower()
    return files


@pytest.fixture(scope="module")
def spec_kit() -> BrandKit:
    spec = _spec("icon-left")
    colors = (BrandColor(spec.palette.primary, "Harbour Blue"),)
    return build_brand_kit(KitSource("Northline Coffee", spec=spec.to_dict(), colors=colors))


@pytest.fixture(scope="module")
def fake_raster() -> bytes:
    return draw_image(1024, 1024)


def test_kit_from_engine_spec(spec_kit: BrandKit) -> None:
    files = check_kit(spec_kit)
    assert spec_kit.source == "spec" and spec_kit.trace is None
    assert spec_kit.filename == "northline-coffee-brand-kit.zip"
    palette = json.loads(files["palette.json"])
    assert palette[0]["role"] == "primary" and palette[0]["name"] == "Harbour Blue"


def test_dark_variant_swaps_dark_colours(spec_kit: BrandKit) -> None:
    files = _files(spec_kit)
    light, dark = _paints(files["logo.svg"]), _paints(files["logo-on-dark.svg"])
    darks = {c for c in light if contrast(c, "#111111") < 3.0}
    assert darks, "the sample logo has dark ink"
    assert not darks & dark  # every dark colour was swapped
    assert light != dark
    a, b = _png(files["logo.png"]), _png(files["logo-on-dark.png"])
    drawn = (a[:, :, 3] > 0) & (b[:, :, 3] > 0)
    assert (np.abs(a[:, :, :3].astype(int) - b[:, :, :3])[drawn].sum(axis=-1) > 60).mean() > 0.5


def test_kit_from_engine_svg_master() -> None:
    spec = _spec("icon-top")
    master = render_logo(spec).svg
    assert "<rect" in master  # the stored master has its background…
    kit = build_brand_kit(KitSource("Ledgerly", svg=master))
    files = check_kit(kit)  # …the kit's logo.png is transparent all the same
    assert kit.source == "svg"
    # the mark was found left of/above the name, or is a monogram: square either way
    assert _png(files["mark.png"]).shape[0] == 1024


def test_kit_from_wordmark_spec_has_monogram_mark() -> None:
    spec = _spec("wordmark")
    kit = build_brand_kit(KitSource(spec.name, spec=spec))
    files = check_kit(kit)
    assert len(_paints(files["mark.svg"])) >= 1


def test_mark_svg_is_the_icon_alone_and_square() -> None:
    spec = _spec("icon-left")
    svg = mark_svg(spec.to_dict(), size=256)
    root = _svg_root(svg.encode())
    assert root.get("width") == root.get("height") == "256"
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    assert w == pytest.approx(h)
    # the icon alone, filling its square: ink reaches near every edge
    mark = _png(render_png(svg))
    assert mark.shape == (256, 256, 4)
    rows = np.flatnonzero(mark[:, :, 3].max(axis=1) > 0)
    cols = np.flatnonzero(mark[:, :, 3].max(axis=0) > 0)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) > 0.8 * 256
    assert _paints(svg.encode()) <= {spec.palette.primary, spec.palette.background, "#ffffff"}


def test_vectorised_fake_seedream_raster(fake_raster: bytes) -> None:
    trace = trace_raster(fake_raster)
    assert trace.ok and trace.mae <= MAX_MAE and trace.iou >= MIN_IOU
    assert trace.mae < 3.0 and trace.iou > 0.97  # two flat shapes trace almost exactly
    assert trace.background == "#f4f1ea"
    assert 1 <= len(trace.colors) <= MAX_COLORS
    assert {c for c, _ in trace.colors} == {"#1f4e79", "#e0a526"}
    kit = build_brand_kit(KitSource("Seedream Test", png=fake_raster))
    files = check_kit(kit)
    assert kit.source == "raster" and kit.trace["ok"] and not kit.warnings
    assert len(_paints(files["logo.svg"])) <= MAX_COLORS
    assert "original.png" in files and "how close" in files["README.txt"].decode().lower()
    # background gone: the re-rendered vector is transparent where the raster was background
    logo = _png(files["logo.png"])
    assert logo[0, 0, 3] == 0 and logo[logo.shape[0] // 2, 2, 3] == 0
    assert not any(contrast(c, "#f4f1ea") < 1.1 for c in _paints(files["logo.svg"]))


def test_vectorised_noisy_jpeg_like_raster(fake_raster: bytes) -> None:
    """An AI raster is never perfectly flat: noise and compression do not add colours."""
    rng = np.random.default_rng(7)
    pixels = np.asarray(Image.open(io.BytesIO(fake_raster)).convert("RGB")).astype(int)
    noisy = np.clip(pixels + rng.normal(0, 4, pixels.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy).save(buffer, format="JPEG", quality=85)
    trace = trace_raster(buffer.getvalue())
    assert trace.ok, trace.figures()
    assert len(trace.colors) <= 3


@pytest.mark.parametrize("layout", ["icon-left", "icon-top", "emblem", "monogram", "wordmark"])
def test_engine_logo_as_ai_raster_traces_close(layout: str) -> None:
    spec = _spec(layout)
    raster = render_logo(spec, size=1024).png  # opaque light background, like an AI logo
    trace = trace_raster(raster)
    assert trace.ok, trace.figures()
    assert len(trace.colors) <= MAX_COLORS


def test_kit_from_engine_raster_and_cpu_time() -> None:
    raster = render_logo(_spec("icon-top"), size=1024).png
    start = time.process_time()
    kit = build_brand_kit(KitSource("Happy Paws", png=raster))
    spent = time.process_time() - start
    check_kit(kit)
    assert spent < 3.0  # about 0.3 s of CPU on the development machine


def test_poor_trace_raises_or_is_flagged() -> None:
    rng = np.random.default_rng(1)
    pixels = np.full((512, 512, 3), 255, np.uint8)
    pixels[128:384, 128:384] = rng.integers(0, 256, (256, 256, 3))
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    with pytest.raises(TraceQualityError) as raised:
        build_brand_kit(KitSource("Noise", png=buffer.getvalue()))
    assert not raised.value.trace.ok and raised.value.trace.mae > MAX_MAE
    kit = build_brand_kit(KitSource("Noise", png=buffer.getvalue()), strict=False)
    assert kit.warnings and not kit.trace["ok"]
    assert "WARNING" in _files(kit)["README.txt"].decode()


def test_transparent_raster_keeps_its_transparency() -> None:
    raster = render_logo(_spec("icon-top"), size=1024, transparent=True).png
    trace = trace_raster(raster)
    assert trace.background is None and trace.ok, trace.figures()


def test_svg_with_live_text_or_images_is_refused() -> None:
    text = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>A</text></svg>'
    image = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<image href="data:image/png;base64,AAAA"/></svg>'
    )
    for svg in (text, image, "<svg"):
        with pytest.raises(KitSvgError):
            build_brand_kit(KitSource("Bad", svg=svg))


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        build_brand_kit(KitSource("Nothing"))
    with pytest.raises(ValueError):
        build_brand_kit(KitSource("Not an image", png=b"not a png"))
    blank = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(blank, format="PNG")
    with pytest.raises(ValueError):
        build_brand_kit(KitSource("Blank", png=blank.getvalue()))


@pytest.mark.parametrize(
    ("brand", "expected"),
    [
        ("Juniper Ash", "juniper-ash-brand-kit.zip"),
        ("Café Ærø & Co.!", "cafe-aero-co-brand-kit.zip"),
        ("  ../../etc/passwd  ", "etc-passwd-brand-kit.zip"),
        ("東京", "brand-kit.zip"),
        ("Ünïcödé — “Quotes” / Slashes\\", "unicode-quotes-slashes-brand-kit.zip"),
        # a line separator, a zero-width space, a bidi mark: they part words, as in the
        # display name (they used to vanish, gluing "acmeco" beside a display "acme-co")
        ("Acme\u2028Co", "acme-co-brand-kit.zip"),
        ("Acme\u200bCo", "acme-co-brand-kit.zip"),
        ("Acme\u200fCo\tLtd", "acme-co-ltd-brand-kit.zip"),
    ],
)
def test_safe_file_names(brand: str, expected: str) -> None:
    assert kit_filename(brand) == expected


@pytest.mark.parametrize(
    ("brand", "expected"),
    [
        ("Juniper Ash", "juniper-ash-brand-kit.zip"),
        ("東京カフェ", "東京カフェ-brand-kit.zip"),
        ("مقهى النخيل", "مقهى-النخيل-brand-kit.zip"),
        ("Café Ærø & Co.!", "café-ærø-co-brand-kit.zip"),
        ("  ../../etc/passwd  ", "etc-passwd-brand-kit.zip"),
        ('a\u202eb"c\x00d', "a-b-c-d-brand-kit.zip"),  # a bidi override, a quote, a NUL
        ("ＡＣＭＥ", "acme-brand-kit.zip"),  # full-width letters, as NFKC reads them
        ("!!!", "brand-kit.zip"),
    ],
)
def test_display_file_names_keep_the_brand_in_its_script(brand: str, expected: str) -> None:
    assert kit_display_filename(brand) == expected


@pytest.mark.parametrize("brand", ["Acme\u2028Co", "x\u200by", "A\u00a0B", "Q\u202eR"])
def test_separators_part_both_names_alike(brand: str) -> None:
    """Only ASCII letters apart from separators and format characters: the ASCII name a
    client without `filename*` saves is the display name, not a glued variant of it."""
    assert kit_filename(brand) == kit_display_filename(brand)


@pytest.mark.parametrize("brand", ["Juniper Ash", "ACME 2000", "a.b_c", "", "東京"])
def test_the_display_name_of_a_plain_name_is_its_ascii_name(brand: str) -> None:
    if brand.isascii():
        assert kit_display_filename(brand) == kit_filename(brand)
    else:
        assert kit_filename(brand) == "brand-kit.zip" != kit_display_filename(brand)


def test_non_ascii_brand_builds_a_safe_kit(fake_raster: bytes) -> None:
    kit = build_brand_kit(KitSource("Ærø Café — №1!", png=fake_raster))
    assert kit.filename == "aero-cafe-no1-brand-kit.zip"
    check_kit(kit)


def test_colour_names() -> None:
    assert color_name("#ff0000") == "red"
    assert color_name("#000080") == "navy"
    assert color_name("#daa520") == "goldenrod"
    assert color_name("#fefefe") == "white"
