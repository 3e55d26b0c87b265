"""Typefaces: the font catalogue, font loading from fontpkg packages, and text → outlines.

Every face is an open-licence (SIL OFL 1.1) family installed from a `fontpkg-*` PyPI package; the
licences are recorded in `libs/engine/licenses/fonts.md`. Text is turned into glyph outlines, so a
rendered SVG needs no font to display.

Direction: a line is drawn in visual order (the Unicode bidirectional algorithm, python-bidi),
so a Hebrew or Arabic name reads right to left, with its brackets mirrored, beside any Latin
words and numbers in it. Arabic letters are joined first (arabic-reshaper gives each letter its
initial, medial, final or isolated form, and the lam-alef ligatures, as presentation forms that
Noto Sans Arabic draws), and are never letter-spaced apart.

Characters: a character the chosen face lacks is drawn with the first face of its fallback chain
that has it (the face's own `fallbacks`, stylistically close faces, then Noto Sans, which covers
Latin, Greek and Cyrillic widely, Heebo for Hebrew and Noto Sans Arabic). A character no
bundled face can draw (CJK, emoji, …, and the letters of scripts that need shaping, such as
Devanagari: see `needs_shaping`) is never drawn as a .notdef box; `draws_all` tells whether a
text can be drawn whole, so that a name that cannot is not drawn with words missing: the
logo is then its mark alone.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import arabic_reshaper
import fontpkg
from bidi.algorithm import get_display
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

EM = 1000.0  # outlines are returned in units of 1/1000 em
# Fonts read their tables from the file on first use, which is not thread-safe; the engine is
# called from worker threads, so every first read happens under this lock (cache hits do not).
_READING = threading.RLock()
# The last resorts of every face: Noto Sans (wide Latin, Greek and Cyrillic), then Heebo, a
# plain sans for Hebrew, so a Hebrew name is drawn in every candidate, not only in the one
# face of the catalogue that has Hebrew letters (Fredoka), and Noto Sans Arabic.
FALLBACKS = ("noto-sans", "heebo", "noto-sans-arabic")
CATEGORIES = ("sans", "geometric", "rounded", "serif", "display", "script")


@dataclass(frozen=True)
class Face:
    """A typeface the engine may choose, with how a designer would describe it.

    `weights` are the weights the engine uses, all really in the family (a static file or
    inside the variable font's weight axis). `fallbacks` are similar faces tried, before
    FALLBACKS, for characters this face lacks.
    """

    slug: str
    phrase: str
    mood: tuple[str, ...]
    weights: tuple[int, ...]
    category: str = "sans"
    fallbacks: tuple[str, ...] = ()

    @property
    def script(self) -> bool:
        """Connected script: never all caps, never letter-spaced, never for a slogan."""
        return self.category == "script"


FACES: dict[str, Face] = {
    face.slug: face
    for face in (
        Face(
            "inter",
            "clean neo-grotesque sans",
            ("modern", "minimal", "tech", "corporate", "clean", "neutral"),
            (500, 600, 700, 800),
            category="sans",
        ),
        Face(
            "montserrat",
            "geometric sans",
            ("modern", "bold", "corporate", "minimal", "urban"),
            (500, 600, 700, 800),
            category="geometric",
            fallbacks=("inter",),
        ),
        Face(
            "space-grotesk",
            "techy grotesque sans",
            ("tech", "futuristic", "modern", "startup"),
            (500, 600, 700),
            category="sans",
            fallbacks=("inter",),
        ),
        Face(
            "nunito",
            "friendly rounded sans",
            ("playful", "friendly", "kids", "soft", "fun"),
            (600, 700, 800, 900),
            category="rounded",
            fallbacks=("inter",),
        ),
        Face(
            "playfair-display",
            "high-contrast serif",
            ("elegant", "luxury", "classic", "vintage", "fashion"),
            (500, 600, 700),
            category="serif",
            fallbacks=("lora",),
        ),
        Face(
            "dm-serif-display",
            "classic display serif",
            ("elegant", "classic", "editorial"),
            (400,),
            category="display",
            fallbacks=("playfair-display", "lora"),
        ),
        Face(
            "oswald",
            "condensed display sans",
            ("bold", "sport", "strong", "industrial"),
            (500, 600, 700),
            category="display",
            fallbacks=("inter",),
        ),
        Face(
            "poppins",
            "round geometric sans",
            ("modern", "friendly", "startup", "clean", "geometric"),
            (400, 500, 600, 700, 800),
            category="geometric",
            fallbacks=("montserrat", "inter"),
        ),
        Face(
            "lora",
            "warm book serif",
            ("classic", "editorial", "literary", "warm", "traditional", "trustworthy"),
            (400, 500, 600, 700),
            category="serif",
            fallbacks=("playfair-display",),
        ),
        Face(
            "fredoka",
            "bubbly rounded display sans",
            ("playful", "fun", "kids", "friendly", "bubbly", "casual"),
            (400, 500, 600, 700),
            category="rounded",
            fallbacks=("nunito",),
        ),
        Face(
            "dancing-script",
            "lively connected script",
            ("script", "handwritten", "elegant", "feminine", "handmade", "romantic", "boutique"),
            (400, 500, 600, 700),
            category="script",
            fallbacks=("pacifico",),
        ),
        Face(
            "pacifico",
            "retro brush script",
            ("script", "handwritten", "retro", "handmade", "casual", "surf"),
            (400,),
            category="script",
            fallbacks=("dancing-script",),
        ),
    )
}
SLOGAN_FACES = ("inter", "montserrat", "space-grotesk", "nunito", "poppins")  # sans for taglines


def is_script(slug: str) -> bool:
    """Whether `slug` is a connected script face."""
    face = FACES.get(slug)
    return bool(face and face.script)


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


@lru_cache(maxsize=64)
def _path(slug: str, weight: int) -> str:
    """The family's upright file for `weight`: the variable font, or the nearest static file."""
    fam = fontpkg.family(slug)
    return str(fontpkg.select_file(fam, weight, "normal", nearest=True).path)


@lru_cache(maxsize=32)
def _load(path: str) -> TTFont:
    return TTFont(path, lazy=True)  # tables (notably GPOS) decoded only as far as used


def _font(slug: str, weight: int = 400) -> TTFont:
    return _load(_path(slug, weight))


@lru_cache(maxsize=128)
def _glyph_set(slug: str, weight: int):
    """Glyphs of `slug` at `weight`: a variable font's instance (weight clamped to its axis,
    optical size at its display end), or the nearest static weight's file."""
    font = _font(slug, weight)
    if "fvar" not in font:
        return font.getGlyphSet()
    location = {}
    for axis in font["fvar"].axes:
        if axis.axisTag == "wght":
            location["wght"] = min(axis.maxValue, max(axis.minValue, weight))
        elif axis.axisTag == "opsz":
            location["opsz"] = axis.maxValue  # logos are display sizes
    return font.getGlyphSet(location=location)


@lru_cache(maxsize=32)
def _cmap(slug: str) -> dict[int, str]:
    with _READING:
        return _font(slug).getBestCmap()


@lru_cache(maxsize=32)
def cap_height(slug: str) -> float:
    """Cap height of `slug` in 1/1000 em."""
    with _READING:
        font = _font(slug)
        value = getattr(font["OS/2"], "sCapHeight", 0) or 0.7 * font["head"].unitsPerEm
        return value * EM / font["head"].unitsPerEm


def chain(slug: str) -> tuple[str, ...]:
    """The faces tried for a character, in order: `slug`, its fallbacks, then FALLBACKS."""
    face = FACES.get(slug)
    order = (slug, *(face.fallbacks if face else ()), *FALLBACKS)
    return tuple(dict.fromkeys(order))


# Scripts whose words need a shaping engine to be drawn right: Indic scripts (Devanagari,
# Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala) reorder
# vowel signs and join consonants into conjuncts, and Thai, Lao, Tibetan, Myanmar and Khmer
# stack and position marks. Drawn glyph by glyph from the character map, as here, a Hindi
# name comes out misspelt (a visible virama, the "ि" after its consonant), so no face is
# taken to draw them, even one whose map has their letters (Noto Sans, Poppins): they are
# treated like the scripts no face has.
_SHAPED_SCRIPTS = (
    (0x0900, 0x0DFF),
    (0x0E00, 0x0EFF),
    (0x0F00, 0x109F),
    (0x1780, 0x17FF),
    (0x1CD0, 0x1CFF),
    (0xA8E0, 0xA8FF),
)


def needs_shaping(char: str) -> bool:
    """Whether `char` belongs to a script that cannot be drawn glyph by glyph."""
    code = ord(char)
    return any(low <= code <= high for low, high in _SHAPED_SCRIPTS)


def face_for(char: str, slug: str) -> str | None:
    """The first face of `slug`'s fallback chain that has a glyph for `char`, or None (also
    for a letter of a script that needs shaping, see `needs_shaping`)."""
    if needs_shaping(char):
        return None
    for candidate in chain(slug):
        if ord(char) in _cmap(candidate):
            return candidate
    return None


def covers(slug: str, text: str) -> bool:
    """Whether `slug` itself has a glyph for every character of `text`."""
    cmap = _cmap(slug)
    return all(
        ord(c) in cmap and not needs_shaping(c)
        for c in unicodedata.normalize("NFC", text)
        if not c.isspace()
    )


def draws_all(text: str, slug: str) -> bool:
    """Whether `slug`'s fallback chain draws every character of `text`: nothing of it would
    be left out (see `drawable`)."""
    return all(c.isspace() or face_for(c, slug) for c in unicodedata.normalize("NFC", text))


def drawable(text: str, slug: str) -> str:
    """`text` (NFC) without the characters no face of `slug`'s chain can draw, spaces tidied."""
    kept = (
        " " if c.isspace() else c
        for c in unicodedata.normalize("NFC", text)
        if c.isspace() or face_for(c, slug)
    )
    return " ".join("".join(kept).split())


@lru_cache(maxsize=4096)
def _kern(path: str, left: str, right: str) -> float:
    """GPOS pair kerning between two glyph names, in font units (default master)."""
    font = _load(path)
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


@lru_cache(maxsize=16384)
def _glyph(slug: str, weight: int, name: str):
    """Glyph `name` of `slug` at `weight`: its drawing (components decomposed), ink bounds
    (None when blank) and advance width, in font units. Recorded once, since instancing a
    variable font's glyph is the costly part."""
    glyph_set = _glyph_set(slug, weight)
    glyph = glyph_set[name]
    recording = DecomposingRecordingPen(glyph_set)
    glyph.draw(recording)
    bounds = BoundsPen(None)
    recording.replay(bounds)
    return tuple(recording.value), bounds.bounds, glyph.width


@lru_cache(maxsize=1024)
def outline(
    text: str, slug: str, weight: int, tracking: float = 0.0, base: str | None = None
) -> Outline:
    """`text` set in `slug` at `weight` with `tracking` (em) as glyph outlines.

    Characters `slug` lacks come from its fallback chain; characters no face has are dropped.
    `base` ('L' or 'R') is the reading direction of the whole text a line was broken from;
    by default the line's own first strong letter sets it.
    """
    with _READING:
        return _outline(text, slug, weight, tracking, base)


def _outline(text: str, slug: str, weight: int, tracking: float, base: str | None) -> Outline:
    x = 0.0
    glyphs: list[tuple[str, str]] = []
    box = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    previous: tuple[str, str, str] | None = None  # face, glyph name, bidi class
    for char in visual_order(unicodedata.normalize("NFC", text), base):
        if char.isspace() and ord(char) not in _cmap(slug):
            char = " "
        face = face_for(char, slug)
        if face is None:
            continue
        scale = EM / _font(face, weight)["head"].unitsPerEm
        name = _cmap(face)[ord(char)]
        kind = unicodedata.bidirectional(char)
        if previous:
            if not kind == previous[2] == "AL":  # joined Arabic letters are never spaced apart
                x += tracking * EM
            if previous[0] == face:
                # A font kerns pairs in reading order: right to left, (this, previous).
                rtl = kind in _RTL and previous[2] in _RTL
                pair = (name, previous[1]) if rtl else (previous[1], name)
                x += _kern(_path(face, weight), *pair) * scale
        drawing, bounds, width = _glyph(face, weight, name)
        d = _draw(drawing, scale, x)
        if d:
            glyphs.append((char, d))
        if bounds:
            x0, y0, x1, y1 = bounds  # font units, y up → canvas units, y down
            box[:] = [
                min(box[0], x + x0 * scale),
                min(box[1], -y1 * scale),
                max(box[2], x + x1 * scale),
                max(box[3], -y0 * scale),
            ]
        x += width * scale
        previous = (face, name, kind)
    advance = max(0.0, x)
    if not glyphs:
        box = [0.0, 0.0, 0.0, 0.0]
    return Outline(tuple(glyphs), (box[0], box[1], box[2], box[3]), advance)


_RTL = ("R", "AL")  # the bidi classes of Hebrew (R) and Arabic (AL) letters


def base_direction(text: str) -> str | None:
    """'L' or 'R': the reading direction set by the first strong letter of `text`; None if it
    has none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "L"
        if kind in _RTL:
            return "R"
    return None


def visual_order(text: str, base: str | None = None) -> str:
    """`text` as its characters are drawn from left to right: unchanged unless it has
    right-to-left letters, else Arabic joined (presentation forms) and the line laid out by the
    Unicode bidirectional algorithm (`base`, 'L' or 'R', sets its direction, else its first
    strong letter does; brackets in a right-to-left run are mirrored)."""
    classes = {unicodedata.bidirectional(char) for char in text}
    if not classes & set(_RTL):
        return text
    if "AL" in classes:
        text = arabic_reshaper.reshape(text)
    return get_display(text, base_dir=base or base_direction(text))


def _draw(drawing, scale: float, x: float) -> str:
    """Path data of a recorded glyph drawing, scaled, flipped to y-down and placed at `x`."""
    svg_pen = SVGPathPen(None, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
    for operator, operands in drawing:
        points = [(x + px * scale, 0.0 - py * scale) for px, py in operands]
        getattr(svg_pen, operator)(*points)
    return svg_pen.getCommands()
