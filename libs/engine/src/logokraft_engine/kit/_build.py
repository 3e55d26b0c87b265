"""The brand kit: one finished logo → a zip of the files a brand needs."""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from logokraft_engine._palette import contrast, drawn_palette, luminance, on_white, to_rgb
from logokraft_engine._render import to_svg
from logokraft_engine._spec import LogoSpec
from logokraft_engine.kit._colors import (
    WHITE,
    BrandColor,
    KitColor,
    color_name,
    dark_background,
    named_palette,
    remap_for,
)
from logokraft_engine.kit._mark import isolate_mark, mark_vector, monogram_vector
from logokraft_engine.kit._svg import Vector, ink_box, padded, vector_from_svg
from logokraft_engine.kit._vectorize import Trace, TraceQualityError, load_raster, trace_raster

MEDIA_TYPE = "application/zip"
CLEAR_SPACE = 0.25  # margin around the logo in logo.svg/png, as a share of the logo's height
LOGO_WIDTH = 2048  # logo.png and logo-on-dark.png, px wide
MARK_SIZE = 1024
FAVICON_SIZES = (16, 32, 48)
OG_SIZE = (1200, 630)
# Latin letters NFKD does not take apart into an ASCII letter and accents.
_LATIN = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
    }
)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so the same logo gives the same zip bytes


@dataclass(frozen=True)
class KitSource:
    """One finished logo to build a kit from.

    Give the local engine's `spec` (a LogoSpec or its `to_dict()` JSON: the best source, every
    file is rendered from it and mark.svg is its icon), or its SVG master `svg`, or an AI-drawn
    raster `png` (PNG/JPEG/WEBP bytes, a logo on a plain background), tried in that order.
    `colors` are the brief's colours, used to name the palette.
    """

    brand_name: str
    spec: LogoSpec | dict | None = None
    svg: str | None = None
    png: bytes | None = None
    colors: tuple[BrandColor, ...] = ()


@dataclass(frozen=True)
class BrandKit:
    """A built kit: the zip's bytes, its file name and what it holds."""

    filename: str
    data: bytes
    files: tuple[str, ...]
    source: str  # "spec", "svg" or "raster"
    trace: dict | None = None  # the vectorisation's figures for a raster (see Trace.figures)
    warnings: tuple[str, ...] = field(default_factory=tuple)
    media_type: str = MEDIA_TYPE


@dataclass(frozen=True)
class _Logo:
    vector: Vector  # transparent, for light backgrounds, not yet cropped
    mark: Vector  # square
    colors: list[tuple[str, str, float]]  # (hex, role, share)
    paper: str  # the light background the logo is designed on
    mark_kind: str  # "icon", "monogram", "mark of the logo", "whole logo"


def kit_filename(brand_name: str) -> str:
    """'<brand>-brand-kit.zip' with the brand in lower-case ASCII letters, digits and hyphens
    (accents folded, other characters dropped; 'brand-kit.zip' when nothing is left).
    Separators, control and format characters part words, as in kit_display_filename."""
    spelled = "".join(
        " " if unicodedata.category(c)[0] in "ZC" else c for c in brand_name.translate(_LATIN)
    )
    folded = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    return f"{slug}-brand-kit.zip" if slug else "brand-kit.zip"


def kit_display_filename(brand_name: str) -> str:
    """'<brand>-brand-kit.zip' with the brand as written, in any script: its letters, marks
    and digits lower-cased, every run of anything else (spaces, punctuation, slashes, control
    and format characters) one hyphen ('東京カフェ-brand-kit.zip', 'café-brand-kit.zip').

    The name to offer where a header can carry UTF-8 (RFC 6266 `filename*`); kit_filename is
    its ASCII fallback, and the two are equal for a name in plain ASCII letters and digits.
    """
    text = unicodedata.normalize("NFKC", brand_name).lower()
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in text)
    slug = re.sub(r"-+", "-", kept).strip("-")[:60].strip("-")
    return f"{slug}-brand-kit.zip" if slug else "brand-kit.zip"


def build_brand_kit(source: KitSource, *, strict: bool = True) -> BrandKit:
    """Build the brand kit of one logo (synchronous, CPU-bound: run it off the event loop).

    A raster is vectorised first; when its trace is poor (see `Trace.ok`) this raises
    TraceQualityError, or with `strict=False` builds the kit anyway and says so in
    `warnings` and README.txt. Raises ValueError for a source it cannot use (no logo, an SVG
    with live text or embedded images, an invalid spec, bytes that are not an image).
    """
    brand = " ".join(source.brand_name.split()) or "Logo"
    warnings: list[str] = []
    trace: Trace | None = None
    if source.spec is not None:
        kind, logo = "spec", _from_spec(source.spec)
    elif source.svg is not None:
        kind, logo = "svg", _from_svg(source.svg, brand)
    elif source.png is not None:
        trace = trace_raster(source.png, title=brand)
        if not trace.ok:
            if strict:
                raise TraceQualityError(trace)
            warnings.append(str(TraceQualityError(trace)))
        kind, logo = "raster", _from_trace(trace, brand)
    else:
        raise ValueError("a kit needs a spec, an SVG master or a raster logo")

    box = ink_box(logo.vector)
    if box is None:
        raise ValueError("the logo draws nothing")
    light = logo.vector.cropped(padded(box, CLEAR_SPACE * box[3]))
    light = Vector(light.body, light.view, brand)
    ink_colors = {c for c in light.colors()}
    primary = next((h for h, role, _ in logo.colors if role == "primary"), None)
    primary = primary or (logo.colors[0][0] if logo.colors else "#111111")
    dark_bg = dark_background(primary)
    dark = light.recolored(remap_for(ink_colors, dark_bg, logo.paper))
    mark = Vector(logo.mark.body, logo.mark.view, brand)

    files: dict[str, bytes] = {}
    files["logo.svg"] = light.svg(LOGO_WIDTH).encode()
    files["logo.png"] = light.png(LOGO_WIDTH)
    files["logo-on-dark.svg"] = dark.svg(LOGO_WIDTH).encode()
    files["logo-on-dark.png"] = dark.png(LOGO_WIDTH)
    files["mark.svg"] = mark.svg(MARK_SIZE, MARK_SIZE).encode()
    files["mark.png"] = mark.png(MARK_SIZE, MARK_SIZE)
    files["favicon.ico"] = _favicon(mark)
    files["apple-touch-icon.png"] = _tile(mark, 180, logo.paper)
    files["icon-512.png"] = _tile(mark, 512, logo.paper)
    og_bg = primary
    files["og-image.png"] = _og_image(logo.vector.cropped(box), og_bg, logo.paper)
    palette = named_palette(logo.colors, source.colors)
    palette.append(KitColor(dark_bg, color_name(dark_bg), "dark-background"))
    files["palette.json"] = (json.dumps([c.to_dict() for c in palette], indent=2) + "\n").encode()
    if trace is not None and source.png is not None:
        files["original.png"] = _as_png(source.png)
    files["README.txt"] = _readme(
        brand, kind, logo, palette, dark_bg, og_bg, trace, warnings, sorted([*files, "README.txt"])
    ).encode()
    return BrandKit(
        filename=kit_filename(brand),
        data=_zip(files),
        files=tuple(files),
        source=kind,
        trace=trace.figures() if trace is not None else None,
        warnings=tuple(warnings),
    )


def _from_spec(spec: LogoSpec | dict) -> _Logo:
    if isinstance(spec, dict):
        spec = LogoSpec.from_dict(spec)
    vector, _ = vector_from_svg(to_svg(spec, transparent=True))
    palette = drawn_palette(on_white(spec.palette))
    colors = [
        (palette.primary, "primary", 0.0),
        (palette.secondary, "secondary", 0.0),
        (palette.text, "text", 0.0),
    ]
    used = vector.colors() | mark_vector(spec).colors()
    if palette.background in used:  # details reversed out of the mark or the badge
        colors.append((palette.background, "background", 0.0))
    kind = "icon" if spec.icon else "monogram"
    return _Logo(vector, mark_vector(spec), colors, WHITE, kind)


def _from_svg(svg: str, brand: str) -> _Logo:
    vector, background = vector_from_svg(svg)
    paper = background or WHITE
    if contrast(paper, WHITE) >= 1.5:  # designed on a dark or coloured ground: ink for white
        vector = vector.recolored(remap_for(vector.colors(), WHITE, paper))
        paper = WHITE
    colors = _roles(_shares(vector))
    mark, kind = _raster_mark(vector, brand, colors)
    return _Logo(vector, mark, colors, paper, kind)


def _from_trace(trace: Trace, brand: str) -> _Logo:
    vector, paper = trace.vector, trace.background or WHITE
    if luminance(paper) < 0.5:  # a logo on a dark ground: made to read on white
        vector = vector.recolored(remap_for(vector.colors(), WHITE, paper))
        shares = _shares(vector)
        paper = WHITE
    else:
        shares = list(trace.colors)
    colors = _roles(shares)
    mark, kind = _raster_mark(vector, brand, colors)
    return _Logo(vector, mark, colors, paper, kind)


def _raster_mark(vector: Vector, brand: str, colors: list) -> tuple[Vector, str]:
    """The icon of a logo without a spec when it stands apart, else a monogram."""
    box = ink_box(vector)
    if box is not None:
        cropped = vector.cropped(padded(box, 0))
        found = isolate_mark(cropped)
        if found is not None:
            return found, "mark of the logo"
    main = colors[0][0] if colors else "#111111"
    return monogram_vector(brand, main), "monogram"


def _shares(vector: Vector) -> list[tuple[str, float]]:
    """Each paint colour's share of the rendered ink (nearest colour per opaque pixel)."""
    palette = sorted(vector.colors())
    if not palette:
        return []
    _, _, w, h = vector.view
    scale = 200 / max(w, h)
    pixels = vector.rgba(max(1, round(w * scale)), max(1, round(h * scale)))
    opaque = pixels[pixels[:, :, 3] > 200][:, :3].astype(np.float32)
    targets = np.array([to_rgb(c) for c in palette], dtype=np.float32)
    if opaque.size == 0:
        return [(c, 0.0) for c in palette]
    nearest = ((opaque[:, None, :] - targets) ** 2).sum(axis=-1).argmin(axis=-1)
    counts = np.bincount(nearest, minlength=len(palette)) / nearest.size
    found = [(c, float(s)) for c, s in zip(palette, counts, strict=True) if s > 0.002]
    return sorted(found, key=lambda item: -item[1])


def _roles(shares: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    """Roles by share of the ink: the commonest colour that reads on white is the primary."""
    readable = [c for c, _ in shares if contrast(c, WHITE) >= 1.5]
    primary = readable[0] if readable else (shares[0][0] if shares else None)
    out, rank = [], 0
    for color, share in shares:
        if color == primary:
            role = "primary"
        elif contrast(color, WHITE) < 1.2:
            role = "background"
        else:
            role = ("secondary", "accent")[min(rank, 1)]
            rank += 1
        out.append((color, role, share))
    return sorted(out, key=lambda item: item[1] != "primary")


def _favicon(mark: Vector) -> bytes:
    images = [Image.open(io.BytesIO(mark.png(s, s))).convert("RGBA") for s in FAVICON_SIZES]
    buffer = io.BytesIO()
    largest = images[-1]
    largest.save(
        buffer,
        format="ICO",
        sizes=[(s, s) for s in FAVICON_SIZES],
        append_images=images[:-1],
    )
    return buffer.getvalue()


def _tile(mark: Vector, size: int, background: str) -> bytes:
    """The mark at 76% of an opaque square of `background` (app icons are shown opaque; a
    maskable icon's safe zone is the middle 80%)."""
    x, y, w, h = mark.view
    side = max(w, h) / 0.76
    view = (x + w / 2 - side / 2, y + h / 2 - side / 2, side, side)
    return Vector(mark.body, view).on(background).png(size, size)


def _og_image(tight: Vector, background: str, paper: str) -> bytes:
    """The logo centred on a 1200 × 630 ground of the brand's primary colour, its colours
    repainted to read on it (see remap_for)."""
    logo = tight.recolored(remap_for(tight.colors(), background, paper))
    width, height = OG_SIZE
    x, y, w, h = logo.view
    scale = min(width * 0.7 / w, height * 0.6 / h)
    side_w, side_h = width / scale, height / scale
    view = (x + w / 2 - side_w / 2, y + h / 2 - side_h / 2, side_w, side_h)
    return Vector(logo.body, view).on(background).png(width, height)


def _as_png(data: bytes) -> bytes:
    rgba = load_raster(data)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            packed = name.endswith((".svg", ".json", ".txt"))
            info.compress_type = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
            archive.writestr(info, data)
    return buffer.getvalue()


def _readme(
    brand: str,
    kind: str,
    logo: _Logo,
    palette: list[KitColor],
    dark_bg: str,
    og_bg: str,
    trace: Trace | None,
    warnings: list[str],
    names: list[str],
) -> str:
    made = {
        "spec": "drawn by LogoKraft's logo engine: every file is rendered from the same design",
        "svg": "rendered from the logo's SVG master",
        "raster": "vectorised from the AI-drawn image (original.png is that image, unchanged)",
    }[kind]
    lines = [
        f"{brand} - brand kit",
        "=" * len(f"{brand} - brand kit"),
        "",
        f"This kit was {made}.",
        "",
        "FILES",
        "  logo.svg               The logo as a vector (text converted to outlines, no fonts",
        "                         needed). Use it for print, signage and anything that scales.",
        f"  logo.png               The logo, {LOGO_WIDTH} px wide, transparent background:",
        "                         web pages, documents, slides - on white or light backgrounds.",
        "  logo-on-dark.svg/.png  The same logo for dark backgrounds, also transparent: colours",
        "                         that would vanish on dark (near-black, dark inks) are light,",
        f"                         cut-out details take the dark colour. Made for {dark_bg}.",
        "  mark.svg / mark.png    The "
        + {
            "icon": "icon",
            "monogram": "monogram (the brand's initial)",
            "mark of the logo": "icon of the logo",
            "whole logo": "logo",
        }.get(logo.mark_kind, "mark")
        + f" alone, square, transparent ({MARK_SIZE} px): avatars, app icons,",
        "                         stamps, wherever the full logo is too wide.",
        "  favicon.ico            Browser tab icon (16, 32 and 48 px inside):",
        '                         <link rel="icon" href="/favicon.ico" sizes="any">',
        "  apple-touch-icon.png   180 x 180, opaque, for iPhone/iPad home screens:",
        '                         <link rel="apple-touch-icon" href="/apple-touch-icon.png">',
        "  icon-512.png           512 x 512, opaque: web app manifest, app stores, profile",
        "                         pictures.",
        f"  og-image.png           1200 x 630 social preview (the logo on {og_bg}):",
        '                         <meta property="og:image" content="https://.../og-image.png">',
        "  palette.json           The brand colours: hex, RGB and a name for each.",
        "",
        "CLEAR SPACE AND SIZE",
        f"  Keep free space around the logo of at least {round(CLEAR_SPACE * 100)}% of its height",
        "  on every side, as logo.svg and logo.png have. Do not stretch, recolour, rotate or add",
        "  effects. Below about 120 px wide use the mark instead of the full logo.",
        "",
        "COLOURS",
    ]
    for color in palette:
        r, g, b = to_rgb(color.hex)
        lines.append(f"  {color.hex}  rgb({r}, {g}, {b})  {color.name} ({color.role})")
    if trace is not None:
        figures = trace.figures()
        lines += [
            "",
            "HOW CLOSE THE VECTOR IS",
            f"  The vector was traced from the image with {figures['colors']} colour(s) and"
            " compared",
            f"  with it: mean difference {figures['mae']}/255 per colour channel over the logo,",
            f"  {round(figures['iou'] * 100, 1)}% of the logo's shape in common "
            f"(good: at most {figures['max_mae']}/255 and at least "
            f"{round(figures['min_iou'] * 100)}%).",
        ]
    for warning in warnings:
        note = "The PNG files follow the vector; original.png is exact."
        lines += ["", f"WARNING: {warning}. {note}"]
    lines += ["", "In this kit: " + ", ".join(names), ""]
    return "\n".join(lines)
