"""A contact sheet of the engine's candidates for the sample briefs.

    python -m logokraft_engine.gallery [--out docs/gallery.png] [--candidates 4] [--size 256]

One row per sample brief: a caption (brand name, industry, style, logo type, requested colours),
then the first N candidates exactly as the local prompt writer designs them, each on its own tile
at `size` pixels. Under each tile sits the candidate's mark (its icon, or its initials when it has
none) rendered at 32 px and shown 1:1, to judge whether it is recognisable as a favicon, with the
spec's layout, icon and typeface. Only the engine's public API is used; the output is
deterministic (same engine, same bytes).
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
