"""A contact sheet of the engine's candidates for the sample briefs, and of their brand kits.

    python -m logokraft_engine.gallery [--out docs/gallery.png] [--candidates 4] [--size 256]
                                       [--kit-out docs/gallery-kit.png | --no-kit]

One row per sample brief: a caption (brand name, industry, style, logo type, requested colours),
then the first N candidates exactly as the local prompt writer designs them, each on its own tile
at `size` pixels. Under each tile sits the candidate's mark (its icon, or its initials when it has
none) rendered at 32 px and shown 1:1, to judge whether it is recognisable as a favicon, with the
spec's layout, icon and typeface. Only the engine's public API is used; the output is
deterministic (same engine, same bytes).

The kit sheet (`--kit-out`, by default beside `--out` as `<name>-kit.png`) shows what the brand
kit (logokraft_engine.kit) makes of each brief's first candidate: the transparent logo.png on a
checkerboard (where it is transparent shows) and on white, logo-on-dark.png on the kit's dark
background and on near-black, and mark.png on a checkerboard and on white. Its last row is an
engine logo rendered opaque, as an AI-drawn raster would arrive, and vectorised by the kit.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import fontpkg
from PIL import Image, ImageDraw, ImageFont

from logokraft_engine import Brief, LogoSpec, render_logo
from logokraft_engine.kit import BrandColor, KitSource, build_brand_kit
from logokraft_engine.samples import SAMPLES, candidates

GUTTER = 12
HEADER = 44
CAPTION_WIDTH = 240
CAPTION_MIN_HEIGHT = 132
FAVICON = 32
STRIP = FAVICON + 16  # the band under each tile holding the 32 px mark and the spec summary
BACKGROUND = (226, 228, 231)
TILE = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (222, 226, 230)


@dataclass(frozen=True)
class SheetLayout:
    """Where everything goes on a sheet of `rows` briefs × `columns` candidates."""

    rows: int
    columns: int
    size: int

    @property
    def row_height(self) -> int:
        """Height of one row: a tile and its favicon strip, or the caption if taller."""
        return max(self.size + 1 + STRIP, CAPTION_MIN_HEIGHT)

    @property
    def width(self) -> int:
        """Sheet width in pixels."""
        return GUTTER + CAPTION_WIDTH + self.columns * (GUTTER + self.size) + GUTTER

    @property
    def height(self) -> int:
        """Sheet height in pixels."""
        return HEADER + self.rows * (self.row_height + GUTTER)

    def row_top(self, row: int) -> int:
        """The y of row `row`'s top edge."""
        return HEADER + row * (self.row_height + GUTTER)

    def tile_box(self, row: int, column: int) -> tuple[int, int, int, int]:
        """The (left, top, right, bottom) box of a candidate's logo tile."""
        left = GUTTER + CAPTION_WIDTH + GUTTER + column * (self.size + GUTTER)
        top = self.row_top(row)
        return left, top, left + self.size, top + self.size

    def favicon_box(self, row: int, column: int) -> tuple[int, int, int, int]:
        """The (left, top, right, bottom) box of a candidate's 32 px mark."""
        left, _, _, bottom = self.tile_box(row, column)
        x, y = left + 8, bottom + 1 + (STRIP - FAVICON) // 2
        return x, y, x + FAVICON, y + FAVICON


@lru_cache(maxsize=8)
def _font(px: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """Inter from its fontpkg package at `px` pixels (never a system font)."""
    path = fontpkg.select_file(fontpkg.family("inter"), 400, "normal", nearest=True).path
    font = ImageFont.truetype(str(path), px)
    try:
        axes = font.get_variation_axes()
    except OSError:  # a static font, or FreeType without variation support
        return font
    values = []
    for axis in axes:
        name = axis.get("name", b"")
        name = name.decode() if isinstance(name, bytes) else str(name)
        if name.lower() == "weight":
            values.append(weight)
        elif name.lower().startswith("optical"):
            values.append(max(axis["minimum"], min(axis["maximum"], px)))
        else:
            values.append(axis["default"])
    font.set_variation_by_axes(values)
    return font


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int
) -> list[str]:
    """`text` broken into at most `lines` lines of `width` pixels, the last cut if need be."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words:
        out[-1] = f"{out[-1]} {' '.join(words)}"
    return [_fit(draw, line, font, width) for line in out]


def _draw_caption(draw: ImageDraw.ImageDraw, brief: Brief, left: int, top: int) -> None:
    width = CAPTION_WIDTH - 8
    y = top + 4
    for line in _wrap(draw, brief.brand_name, _font(16, 700), width, 2):
        draw.text((left, y), line, font=_font(16, 700), fill=INK)
        y += 21
    y += 3
    details = [
        brief.industry,
        ", ".join(brief.style),
        f"type: {brief.logo_type}" if brief.logo_type else "type: any",
    ]
    for line in filter(None, details):
        draw.text((left, y), _fit(draw, line, _font(13), width), font=_font(13), fill=MUTED)
        y += 18
    if brief.colors:
        x = left
        for color in brief.colors:
            draw.rectangle((x, y + 2, x + 15, y + 17), fill=color, outline=RULE)
            x += 20
        draw.text((x + 2, y + 2), "requested", font=_font(12), fill=MUTED)


def _summary(spec: LogoSpec) -> tuple[str, str]:
    """Two short lines describing `spec` for the strip under its tile."""
    return (
        f"{spec.layout} · {spec.icon or 'no icon'}",
        f"{spec.font} {spec.weight}",
    )


def _png(spec: LogoSpec, size: int) -> Image.Image:
    return Image.open(io.BytesIO(render_logo(spec, size=size).png)).convert("RGB")


def _card(spec: LogoSpec, size: int) -> Image.Image:
    """A candidate's tile at `size`, and under it its mark at 32 px and a one-line summary."""
    card = Image.new("RGB", (size, size + 1 + STRIP), TILE)
    card.paste(_png(spec, size), (0, 0))
    draw = ImageDraw.Draw(card)
    draw.line((0, size, size, size), fill=RULE)
    mark = _png(replace(spec, layout="mark"), FAVICON)
    y = size + 1 + (STRIP - FAVICON) // 2
    card.paste(mark, (8, y))
    draw.rectangle((7, y - 1, 8 + FAVICON, y + FAVICON), outline=RULE)
    text_left = 8 + FAVICON + 8
    for i, line in enumerate(_summary(spec)):
        draw.text(
            (text_left, y + i * 16),
            _fit(draw, line, _font(11), size - text_left - 4),
            font=_font(11),
            fill=MUTED,
        )
    return card


def render_sheet(
    briefs: Sequence[Brief] = SAMPLES, *, candidates_per_brief: int = 4, size: int = 256
) -> Image.Image:
    """The contact sheet of the first `candidates_per_brief` candidates of each brief."""
    if candidates_per_brief < 1 or not briefs:
        raise ValueError("need at least one brief and one candidate")
    layout = SheetLayout(rows=len(briefs), columns=candidates_per_brief, size=size)
    sheet = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text(
        (GUTTER, 14),
        f"LogoKraft local engine: the first {candidates_per_brief} candidates per brief, as the "
        f"local prompt writer designs them; under each, its mark at 32 px (1:1)",
        font=_font(14, 600),
        fill=INK,
    )
    for row, brief in enumerate(briefs):
        _draw_caption(draw, brief, GUTTER, layout.row_top(row))
        for column, spec in enumerate(candidates(brief, candidates_per_brief)):
            left, top, _, _ = layout.tile_box(row, column)
            sheet.paste(_card(spec, size), (left, top))
    return sheet


def write_sheet(
    out: Path, briefs: Sequence[Brief] = SAMPLES, *, candidates_per_brief: int = 4, size: int = 256
) -> Path:
    """Render the sheet and save it as an optimised PNG at `out` (folders made as needed)."""
    sheet = render_sheet(briefs, candidates_per_brief=candidates_per_brief, size=size)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG", optimize=True)
    return out


# ---- the brand kit sheet -------------------------------------------------------------------

NEAR_BLACK = (17, 17, 17)
CHECKER = ((255, 255, 255), (214, 218, 223))
KIT_COLUMNS = (
    "logo.png (transparent)",
    "logo.png on white",
    "logo-on-dark.png on kit dark",
    "logo-on-dark.png on #111",
    "mark.png (transparent, white)",
)
KIT_LABEL = 18  # the band above each row's tiles naming the columns


@dataclass(frozen=True)
class KitSheetLayout:
    """Where everything goes on a kit sheet of `rows` logos, tiles `size` px tall."""

    rows: int
    size: int

    @property
    def tile_width(self) -> int:
        """Logo tiles are twice as wide as tall (logos are wide); the mark tile is square×2."""
        return 2 * self.size

    @property
    def row_height(self) -> int:
        return max(KIT_LABEL + self.size, CAPTION_MIN_HEIGHT // 2)

    @property
    def width(self) -> int:
        return GUTTER + CAPTION_WIDTH + len(KIT_COLUMNS) * (GUTTER + self.tile_width) + GUTTER

    @property
    def height(self) -> int:
        return HEADER + self.rows * (self.row_height + GUTTER)

    def row_top(self, row: int) -> int:
        return HEADER + row * (self.row_height + GUTTER)

    def tile_box(self, row: int, column: int) -> tuple[int, int, int, int]:
        """The (left, top, right, bottom) box of one tile."""
        left = GUTTER + CAPTION_WIDTH + GUTTER + column * (self.tile_width + GUTTER)
        top = self.row_top(row) + KIT_LABEL
        return left, top, left + self.tile_width, top + self.size


@dataclass(frozen=True)
class KitImages:
    """The kit files the sheet shows, as RGBA images, and the kit's dark background."""

    label: str
    logo: Image.Image
    dark: Image.Image
    mark: Image.Image
    dark_background: tuple[int, int, int]


def kit_images(source: KitSource, label: str) -> KitImages:
    """Build `source`'s brand kit and open the files the sheet shows."""
    import json
    import zipfile

    kit = build_brand_kit(source, strict=False)
    with zipfile.ZipFile(io.BytesIO(kit.data)) as archive:

        def image(name: str) -> Image.Image:
            return Image.open(io.BytesIO(archive.read(name))).convert("RGBA")

        palette = json.loads(archive.read("palette.json"))
        logo, dark, mark = image("logo.png"), image("logo-on-dark.png"), image("mark.png")
    rgb = next(tuple(c["rgb"]) for c in palette if c["role"] == "dark-background")
    return KitImages(label, logo, dark, mark, rgb)  # type: ignore[arg-type]


def kit_sources(briefs: Sequence[Brief]) -> list[tuple[KitSource, str]]:
    """Each brief's first candidate as a kit source, then one rendered opaque as a raster."""
    sources: list[tuple[KitSource, str]] = []
    for brief in briefs:
        colors = tuple(
            BrandColor(hex_, name)
            for hex_, name in zip(
                brief.colors,
                (*brief.color_names, *[""] * len(brief.colors)),
                strict=False,
            )
        )
        spec = candidates(brief, 1)[0]
        sources.append(
            (KitSource(brief.brand_name, spec=spec.to_dict(), colors=colors), "engine spec")
        )
    raster_brief = briefs[min(2, len(briefs) - 1)]
    raster = render_logo(candidates(raster_brief, 1)[0], size=1024).png  # opaque, like an AI's
    sources.append((KitSource(raster_brief.brand_name, png=raster), "opaque raster, vectorised"))
    return sources


def _fitted(image: Image.Image, width: int, height: int, margin: float = 0.08) -> Image.Image:
    """`image` scaled to fit inside (width, height) less a margin, keeping its alpha."""
    room_w, room_h = width * (1 - 2 * margin), height * (1 - 2 * margin)
    scale = min(room_w / image.width, room_h / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _on(ground: Image.Image, image: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Composite `image` (RGBA) centred in `box` of `ground` (RGB), over what is there."""
    left, top, right, bottom = box
    fitted = _fitted(image, right - left, bottom - top)
    x = left + (right - left - fitted.width) // 2
    y = top + (bottom - top - fitted.height) // 2
    ground.paste(fitted, (x, y), fitted)


def _checkerboard(width: int, height: int, cell: int = 8) -> Image.Image:
    board = Image.new("RGB", (width, height), CHECKER[0])
    draw = ImageDraw.Draw(board)
    for y in range(0, height, cell):
        for x in range((y // cell) % 2 * cell, width, 2 * cell):
            draw.rectangle((x, y, x + cell - 1, y + cell - 1), fill=CHECKER[1])
    return board


def _kit_row(sheet: Image.Image, layout: KitSheetLayout, row: int, kit: KitImages) -> None:
    draw = ImageDraw.Draw(sheet)
    top = layout.row_top(row)
    for line_no, line in enumerate(_wrap(draw, kit.label, _font(14, 700), CAPTION_WIDTH - 8, 3)):
        draw.text((GUTTER, top + KIT_LABEL + line_no * 19), line, font=_font(14, 700), fill=INK)
    size, width = layout.size, layout.tile_width
    grounds = (None, TILE, kit.dark_background, NEAR_BLACK)
    for column, ground in enumerate(grounds):
        box = layout.tile_box(row, column)
        left, tile_top, _, _ = box
        tile = (
            _checkerboard(width, size)
            if ground is None
            else Image.new("RGB", (width, size), ground)
        )
        sheet.paste(tile, (left, tile_top))
        _on(sheet, kit.logo if column < 2 else kit.dark, box)
    left, tile_top, right, bottom = layout.tile_box(row, len(grounds))
    middle = (left + right) // 2
    sheet.paste(_checkerboard(middle - left, size), (left, tile_top))
    sheet.paste(Image.new("RGB", (right - middle, size), TILE), (middle, tile_top))
    _on(sheet, kit.mark, (left, tile_top, middle, bottom))
    _on(sheet, kit.mark, (middle, tile_top, right, bottom))
    for column, name in enumerate(KIT_COLUMNS):
        x, _, _, _ = layout.tile_box(row, column)
        draw.text((x, top + 2), _fit(draw, name, _font(11), width), font=_font(11), fill=MUTED)


def render_kit_sheet(briefs: Sequence[Brief] = SAMPLES, *, size: int = 128) -> Image.Image:
    """The brand kit sheet: for each brief's first candidate (and one opaque raster) the kit's
    transparent logos on light and dark grounds."""
    if not briefs:
        raise ValueError("need at least one brief")
    kits = [
        kit_images(source, f"{source.brand_name} ({kind})") for source, kind in kit_sources(briefs)
    ]
    layout = KitSheetLayout(rows=len(kits), size=size)
    sheet = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text(
        (GUTTER, 14),
        "LogoKraft brand kits: each brief's first candidate's transparent logo.png and "
        "logo-on-dark.png on light and dark grounds, and its mark.png",
        font=_font(14, 600),
        fill=INK,
    )
    for row, kit in enumerate(kits):
        _kit_row(sheet, layout, row, kit)
    return sheet


def write_kit_sheet(out: Path, briefs: Sequence[Brief] = SAMPLES, *, size: int = 128) -> Path:
    """Render the kit sheet and save it as an optimised PNG at `out`."""
    sheet = render_kit_sheet(briefs, size=size)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG", optimize=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_engine.gallery", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("docs/gallery.png"))
    parser.add_argument("--candidates", type=int, default=4, help="candidates per brief (1-8)")
    parser.add_argument("--size", type=int, default=256, help="tile size in pixels (64-1024)")
    parser.add_argument(
        "--briefs", type=int, default=len(SAMPLES), help="use the first N sample briefs"
    )
    parser.add_argument(
        "--kit-out",
        type=Path,
        default=None,
        help="the brand kit sheet (default: beside --out, named <name>-kit.png)",
    )
    parser.add_argument("--no-kit", action="store_true", help="skip the brand kit sheet")
    args = parser.parse_args(argv)
    if not 1 <= args.candidates <= 8:
        parser.error("--candidates must be 1..8")
    if not 64 <= args.size <= 1024:
        parser.error("--size must be 64..1024")
    if not 1 <= args.briefs <= len(SAMPLES):
        parser.error(f"--briefs must be 1..{len(SAMPLES)}")
    start = time.perf_counter()
    briefs = SAMPLES[: args.briefs]
    out = write_sheet(args.out, briefs, candidates_per_brief=args.candidates, size=args.size)
    layout = SheetLayout(rows=len(briefs), columns=args.candidates, size=args.size)
    print(
        f"wrote {out} ({layout.width}×{layout.height}, {out.stat().st_size:,} bytes): "
        f"{len(briefs)} briefs × {args.candidates} candidates in "
        f"{time.perf_counter() - start:.1f} s"
    )
    if not args.no_kit:
        start = time.perf_counter()
        kit_out = args.kit_out or args.out.with_name(f"{args.out.stem}-kit{args.out.suffix}")
        kit_out = write_kit_sheet(kit_out, briefs, size=max(64, args.size // 2))
        print(
            f"wrote {kit_out} ({kit_out.stat().st_size:,} bytes): the brand kits of "
            f"{len(briefs)} briefs and one raster in {time.perf_counter() - start:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
