"""Typefaces: the font catalogue, font loading from fontpkg packages, and text → outlines."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import fontpkg
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

EM = 1000.0  # outlines are returned in units of 1/1000 em
FALLBACKS = ("inter", "noto-sans")


@dataclass(frozen=True)
class Face:
    """A typeface the engine may choose, with how a designer would describe it."""

    slug: str
    phrase: str
    mood: tuple[str, ...]
    weights: tuple[int, ...]


FACES: dict[str, Face] = {
    face.slug: face
    for face in (
        Face(
            "inter",
            "clean neo-grotesque sans",
            ("modern", "minimal", "tech", "corporate"),
            (500, 600, 700, 800),
        ),
        Face(
            "montserrat",
            "geometric sans",
            ("modern", "bold", "corporate", "minimal"),
            (500, 600, 700, 800),
        ),
        Face(
            "space-grotesk",
            "techy grotesque sans",
            ("tech", "futuristic", "modern", "startup"),
            (500, 600, 700),
        ),
        Face(
            "nunito",
            "friendly rounded sans",
            ("playful", "friendly", "kids", "soft", "fun"),
            (600, 700, 800, 900),
        ),
        Face(
            "playfair-display",
            "high-contrast serif",
            ("elegant", "luxury", "classic", "vintage"),
            (500, 600, 700),
        ),
        Face(
            "dm-serif-display", "classic display serif", ("elegant", "classic", "editorial"), (400,)
        ),
        Face(
            "oswald",
            "condensed display sans",
            ("bold", "sport", "strong", "industrial"),
            (500, 600, 700),
        ),
    )
}
SLOGAN_FACES = ("inter", "montserrat", "space-grotesk", "nunito")  # sans faces for taglines


@dataclass(frozen=True)
class Outline:
    """A line of text as glyph paths in 1/1000 em units, baseline at y=0, y pointing down."""

    glyphs: tuple[tuple[str, str], ...]  # (character, path data) per visible glyph
    bounds: tuple[float, float, float, float]  # ink box x0, y0, x1, y1
    advance: float

    @property
    def width(self) -> float:
        """Ink width."""
        return self.bounds[2] - self.bounds[0]

    @property
    def height(self) -> float:
        """Ink height."""
        return self.bounds[3] - self.bounds[1]


@lru_cache(maxsize=16)
def _font(slug: str) -> TTFont:
    fam = fontpkg.family(slug)
    path = fontpkg.select_file(fam, 400, "normal", nearest=True).path
    return TTFont(path)


@lru_cache(maxsize=64)
def _glyph_set(slug: str, weight: int):
    font = _font(slug)
    if "fvar" not in font:
        return font.getGlyphSet()
    axis = next((a for a in font["fvar"].axes if a.axisTag == "wght"), None)
    if axis is None:
        return font.getGlyphSet()
    return font.getGlyphSet(location={"wght": min(axis.maxValue, max(axis.minValue, weight))})


@lru_cache(maxsize=16)
def _cmap(slug: str) -> dict[int, str]:
    return _font(slug).getBestCmap()


def cap_height(slug: str) -> float:
    """Cap height of `slug` in 1/1000 em."""
    font = _font(slug)
    value = getattr(font["OS/2"], "sCapHeight", 0) or 0.7 * font["head"].unitsPerEm
    return value * EM / font["head"].unitsPerEm


def face_for(char: str, slug: str) -> str | None:
    """The first font of `slug` and the fallbacks that has a glyph for `char`."""
    for candidate in (slug, *FALLBACKS):
        if ord(char) in _cmap(candidate):
            return candidate
    return None


@lru_cache(maxsize=4096)
def _kern(slug: str, left: str, right: str) -> float:
    """GPOS pair kerning between two glyph names, in font units (default master)."""
    font = _font(slug)
    if "GPOS" not in font:
        return 0.0
    table = font["GPOS"].table
    indices = {
        i
        for rec in table.FeatureList.FeatureRecord
        if rec.FeatureTag == "kern"
        for i in rec.Feature.LookupListIndex
    }
    for i in sorted(indices):
        for sub in table.LookupList.Lookup[i].SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            value = _pair_value(sub, left, right)
            if value is not None:
                return value
    return 0.0


def _pair_value(sub, left: str, right: str) -> float | None:
    if getattr(sub, "LookupType", 2) != 2 or left not in sub.Coverage.glyphs:
        return None
    if sub.Format == 1:
        pairs = sub.PairSet[sub.Coverage.glyphs.index(left)].PairValueRecord
        record = next((p for p in pairs if p.SecondGlyph == right), None)
        return getattr(record.Value1, "XAdvance", 0) or 0.0 if record else None
    if sub.Format == 2:
        c1 = sub.ClassDef1.classDefs.get(left, 0)
        c2 = sub.ClassDef2.classDefs.get(right, 0)
        value = sub.Class1Record[c1].Class2Record[c2].Value1
        return (getattr(value, "XAdvance", 0) or 0.0) if value else None
    return None


@lru_cache(maxsize=1024)
def outline(text: str, slug: str, weight: int, tracking: float = 0.0) -> Outline:
    """`text` set in `slug` at `weight` with `tracking` (em) as glyph outlines."""
    x = 0.0
    glyphs: list[tuple[str, str]] = []
    box = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    previous: tuple[str, str] | None = None
    for char in unicodedata.normalize("NFC", text):
        face = face_for(char, slug)
        if face is None:
            continue
        font = _font(face)
        scale = EM / font["head"].unitsPerEm
        name = _cmap(face)[ord(char)]
        if previous and previous[0] == face:
            x += _kern(face, previous[1], name) * scale
        glyph = _glyph_set(face, weight)[name]
        d = _draw(glyph, _glyph_set(face, weight), scale, x, box)
        if d:
            glyphs.append((char, d))
        x += glyph.width * scale + tracking * EM
        previous = (face, name)
    advance = max(0.0, x - tracking * EM)
    if not glyphs:
        box = [0.0, 0.0, 0.0, 0.0]
    return Outline(tuple(glyphs), (box[0], box[1], box[2], box[3]), advance)


def _draw(glyph, glyph_set, scale: float, x: float, box: list[float]) -> str:
    """Path data of `glyph` placed at `x`; grows `box` by its ink bounds."""
    transform = (scale, 0, 0, -scale, x, 0)
    svg_pen = SVGPathPen(glyph_set, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
    glyph.draw(TransformPen(svg_pen, transform))
    bounds_pen = BoundsPen(glyph_set)
    glyph.draw(TransformPen(bounds_pen, transform))
    if bounds_pen.bounds:
        x0, y0, x1, y1 = bounds_pen.bounds
        box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
    return svg_pen.getCommands()
