"""Typefaces: the font catalogue, font loading from fontpkg packages, and text → outlines.

Every face is an open-licence (SIL OFL 1.1) family installed from a PyPI package (`fontpkg-*`,
and `manimgx-fonts-cjk` for Chinese, Japanese and Korean); the licences are recorded in
`libs/engine/licenses/fonts.md`. Text is turned into glyph outlines, so a rendered SVG needs no
font to display.

Direction: a line is drawn in visual order (the Unicode bidirectional algorithm, python-bidi),
so a Hebrew or Arabic name reads right to left, with its brackets mirrored, beside any Latin
words and numbers in it. Arabic letters are joined first (arabic-reshaper gives each letter its
initial, medial, final or isolated form, and the lam-alef ligatures, as presentation forms that
Noto Sans Arabic draws), and are never letter-spaced apart.

Characters: a character the chosen face lacks is drawn with the first face of its fallback chain
that has it (the face's own `fallbacks`, stylistically close faces, then Noto Sans, which covers
Latin, Greek, Cyrillic and Devanagari, Heebo for Hebrew and Noto Sans Arabic).

Shaping: Latin, Greek, Cyrillic, Hebrew and Arabic are drawn glyph by glyph from the character
map (with the font's pair kerning), which is all they need and keeps them quick. Scripts that
need a shaping engine to be spelt right (Devanagari's conjuncts, reordered vowel signs and
reph: see `needs_shaping`) are shaped with HarfBuzz, run by run, in the first face of the chain
that has the script (Poppins' own Devanagari, else Noto Sans'); Thai, Tamil, Telugu, Bengali
and Khmer in a face of their own script (`SCRIPT_FACES`), opened only when a text has such
letters. Chinese, Japanese and Korean
runs are shaped with HarfBuzz in Noto Sans CJK (`CJK_FACE`: proportional kana and punctuation,
the region's glyph forms, see `cjk_language`), opened only when a text has such characters.
A character no bundled face can draw (emoji, scripts no face has, such as Malayalam) is
never drawn as a .notdef box; `draws_all` tells whether a text can be drawn whole, so that a
name that cannot is not drawn with words missing: the logo is then its mark alone. Emoji
(`pictograph`) are no words: "Rosie's 🌸 Florist" is drawn as "Rosie's Florist", its 🌸
a hint for the icon (see `_icons`), and a name of emoji alone is its mark.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import arabic_reshaper
import emoji
import fontpkg
import uharfbuzz as hb
from bidi.algorithm import get_display
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import DecomposingRecordingPen, RecordingPen
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
# Faces for a script no face above has, tried after FALLBACKS for that script's letters only:
# a face here is opened (and `warm_up` loads it) only when a text has its letters, so a Latin
# name costs no more for them. Bengali is set in Hind Siliguri (no Noto Sans Bengali package
# exists), the others in their Noto Sans.
SCRIPT_FACES: tuple[tuple[int, int, str], ...] = (
    (0x0980, 0x09FF, "hind-siliguri"),  # Bengali (and Assamese)
    (0x0B80, 0x0BFF, "noto-sans-tamil"),
    (0x11FC0, 0x11FFF, "noto-sans-tamil"),  # Tamil supplement
    (0x0C00, 0x0C7F, "noto-sans-telugu"),
    (0x0E00, 0x0E7F, "noto-sans-thai"),
    (0x1780, 0x17FF, "noto-sans-khmer"),
    (0x19E0, 0x19FF, "noto-sans-khmer"),  # Khmer symbols
)
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
    if slug == CJK_FACE:
        font = _hb_font(_cjk_path(), 0, 400)
        cap = font.get_metric_position(hb.OTMetricsTag.CAP_HEIGHT)
        return cap * EM / font.face.upem
    with _READING:
        font = _font(slug)
        value = getattr(font["OS/2"], "sCapHeight", 0) or 0.7 * font["head"].unitsPerEm
        return value * EM / font["head"].unitsPerEm


def chain(slug: str) -> tuple[str, ...]:
    """The faces tried for a character, in order: `slug`, its fallbacks, then FALLBACKS."""
    face = FACES.get(slug)
    order = (slug, *(face.fallbacks if face else ()), *FALLBACKS)
    return tuple(dict.fromkeys(order))


def script_face(char: str) -> str | None:
    """The face of SCRIPT_FACES for `char`'s script, if it has one."""
    code = ord(char)
    return next((face for low, high, face in SCRIPT_FACES if low <= code <= high), None)


def _candidates(slug: str, char: str) -> tuple[str, ...]:
    """The faces tried for `char` in a text set in `slug`: `slug`'s chain, then the face of
    `char`'s script (see SCRIPT_FACES)."""
    extra = script_face(char)
    return chain(slug) if extra is None else (*chain(slug), extra)


# Scripts whose words need a shaping engine to be drawn right, with their OpenType script tags
# (new tag first): Indic scripts reorder vowel signs ("ि" is typed after its consonant, drawn
# before it) and join consonants into conjuncts and reph, and Thai, Lao, Tibetan, Myanmar and
# Khmer stack and position marks. Drawn glyph by glyph from the character map a Hindi name
# comes out misspelt (a visible virama), so a letter of these scripts is drawn only by a face
# whose layout tables know its script, shaped with HarfBuzz; a script no bundled face knows
# is treated like the scripts no face has.
_SHAPED_SCRIPTS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0x0900, 0x097F, ("dev2", "deva")),
    (0x0980, 0x09FF, ("bng2", "beng")),
    (0x0A00, 0x0A7F, ("gur2", "guru")),
    (0x0A80, 0x0AFF, ("gjr2", "gujr")),
    (0x0B00, 0x0B7F, ("ory2", "orya")),
    (0x0B80, 0x0BFF, ("tml2", "taml")),
    (0x0C00, 0x0C7F, ("tel2", "telu")),
    (0x0C80, 0x0CFF, ("knd2", "knda")),
    (0x0D00, 0x0D7F, ("mlm2", "mlym")),
    (0x0D80, 0x0DFF, ("sinh",)),
    (0x0E00, 0x0E7F, ("thai",)),
    (0x0E80, 0x0EFF, ("lao ",)),
    (0x0F00, 0x0FFF, ("tibt",)),
    (0x1000, 0x109F, ("mym2", "mymr")),
    (0x1780, 0x17FF, ("khmr",)),
    (0x1CD0, 0x1CFF, ("dev2", "deva")),  # Vedic extensions
    (0xA8E0, 0xA8FF, ("dev2", "deva")),  # Devanagari extended
)
# Chinese, Japanese and Korean: ideographs (with their extensions, radicals and compatibility
# forms), kana, Hangul and its jamo, bopomofo, CJK symbols and punctuation, enclosed and
# compatibility symbols, and the full- and half-width forms. Drawn in Noto Sans CJK.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x2FF0, 0x31FF),
    (0x3200, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
CJK_FACE = "noto-sans-cjk"
# Noto Sans CJK's collection: one font per region, sharing glyphs but mapping characters to
# the region's forms.
_CJK_INDEX = {"ja": 0, "ko": 1, "zh-Hans": 2, "zh-Hant": 3}
_JOINERS = frozenset("\u200c\u200d")  # they change how neighbours in a shaped run join


def _shaped_script(char: str) -> tuple[str, ...]:
    """The OpenType script tags of `char` when its script needs shaping, else ()."""
    code = ord(char)
    for low, high, tags in _SHAPED_SCRIPTS:
        if low <= code <= high:
            return tags
    return ()


def needs_shaping(char: str) -> bool:
    """Whether `char` belongs to a script that cannot be drawn glyph by glyph."""
    return bool(_shaped_script(char))


def is_cjk(char: str) -> bool:
    """Whether `char` is Chinese, Japanese or Korean (ideograph, kana, Hangul, CJK symbol or
    full-width form): drawn with CJK_FACE."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@lru_cache(maxsize=1)
def _cjk_path() -> str:
    return str(resources.files("manimgx_fonts_cjk") / "NotoSansCJK-VF.otf.ttc")


def _file(slug: str, weight: int) -> tuple[str, int]:
    """The font file of `slug` at `weight` and its index in it (CJK_FACE is a collection)."""
    return (_cjk_path(), 0) if slug == CJK_FACE else (_path(slug, weight), 0)


@lru_cache(maxsize=64)
def _hb_face(path: str, index: int) -> hb.Face:
    # The file is memory-mapped: a large face costs address space, not memory, until used.
    return hb.Face(hb.Blob.from_file_path(path), index)


@lru_cache(maxsize=128)
def _hb_font(path: str, index: int, weight: int) -> hb.Font:
    """A HarfBuzz font at `weight` (a variable font's instance, as `_glyph_set` makes them)."""
    face = _hb_face(path, index)
    font = hb.Font(face)
    location = {}
    for axis in face.axis_infos:
        if axis.tag == "wght":
            location["wght"] = min(axis.max_value, max(axis.min_value, weight))
        elif axis.tag == "opsz":
            location["opsz"] = axis.max_value
    if location:
        font.set_variations(location)
    return font


@lru_cache(maxsize=64)
def _knows_script(slug: str, tags: tuple[str, ...]) -> bool:
    """Whether `slug`'s layout tables have rules for a script tagged `tags`."""
    face = _hb_face(*_file(slug, 400))
    known = set(face.get_table_script_tags("GSUB")) | set(face.get_table_script_tags("GPOS"))
    return bool(known & set(tags))


@lru_cache(maxsize=4096)
def _cjk_has(char: str) -> bool:
    return _hb_font(_cjk_path(), 0, 400).get_nominal_glyph(ord(char)) is not None


def _has(slug: str, char: str) -> bool:
    """Whether `slug` itself draws `char`: its character map has it, for a script that needs
    shaping its layout tables know the script, and for a Greek letter it has the Greek
    alphabet (see `_greek`)."""
    if slug == CJK_FACE:
        return is_cjk(char) and _cjk_has(char)
    if ord(char) not in _cmap(slug):
        return False
    if _is_greek(char) and not _greek(slug):
        return False
    tags = _shaped_script(char)
    return not tags or _knows_script(slug, tags)


_GREEK_ALPHABET = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω"


def _is_greek(char: str) -> bool:
    code = ord(char)
    return 0x0370 <= code <= 0x03FF or 0x1F00 <= code <= 0x1FFF


@lru_cache(maxsize=32)
def _greek(slug: str) -> bool:
    """Whether `slug` has the whole Greek alphabet. Most Latin faces carry a few Greek letters
    for mathematics (Δ, Ω, μ, π): drawn from them, a Greek name would mix two typefaces in
    one word ("Κομμωτήριο" with its μμ from another face), so for Greek they count as
    having none and the name is set in one face that has them all."""
    cmap = _cmap(slug)
    return all(ord(c) in cmap for c in _GREEK_ALPHABET)


def face_for(char: str, slug: str) -> str | None:
    """The face that draws `char` for a text set in `slug`: CJK_FACE for Chinese, Japanese
    and Korean, else the first face of `slug`'s fallback chain that has it (for a script that
    needs shaping, that knows the script); None when no face can."""
    if is_cjk(char):
        return CJK_FACE if _cjk_has(char) else None
    for candidate in _candidates(slug, char):
        if _has(candidate, char):
            return candidate
    return None


def covers(slug: str, text: str) -> bool:
    """Whether `slug` itself draws every character of `text`."""
    return all(_has(slug, c) for c in unicodedata.normalize("NFC", text) if not c.isspace())


def _modifier(char: str) -> bool:
    """A joiner or variation selector: no letter of its own, it changes how its neighbour is
    drawn (a half form, a variant ideograph), so it counts as drawn."""
    return char in _JOINERS or _variation_selector(char)


def pictograph(char: str) -> bool:
    """An emoji, or a part of one (a skin tone, a flag's letter, a keycap's frame): a picture
    set beside the words of a name, not a letter of them. Those a face draws (©, ™, ↔) are
    drawn; the others are left out, as decoration, not as a word missing."""
    code = ord(char)
    return char in emoji.EMOJI_DATA or 0x1F1E6 <= code <= 0x1F1FF or code == 0x20E3


def draws_all(text: str, slug: str) -> bool:
    """Whether `slug`'s fallback chain draws every character of `text` but its emoji: no
    word of it would be left out (see `drawable`, which also leaves the emoji out)."""
    return all(
        c.isspace() or _modifier(c) or face_for(c, slug) or pictograph(c)
        for c in unicodedata.normalize("NFC", text)
    )


def draws_whole(text: str, slug: str) -> bool:
    """`draws_all`, and something is left to draw (a name of emoji alone is not)."""
    return draws_all(text, slug) and bool(drawable(text, slug))


def drawable(text: str, slug: str) -> str:
    """`text` (NFC) without the characters no face of `slug`'s chain can draw, spaces tidied.
    A joiner or variation selector goes with the character it follows ("❤️" where no face has
    the heart), else it was left alone between two spaces, drawn as a double gap."""
    kept: list[str] = []
    dropped = False  # whether the last character that is no modifier was left out
    for c in unicodedata.normalize("NFC", text):
        if _modifier(c):
            if not dropped:
                kept.append(c)
            continue
        dropped = not (c.isspace() or face_for(c, slug))
        if not dropped:
            kept.append(" " if c.isspace() else c)
    return " ".join("".join(kept).split())


def graphemes(text: str) -> list[str]:
    """`text` as the units a reader sees as one letter: a character with its combining marks
    (accents, Indic vowel signs), joiners and variation selectors, an Indic or Khmer conjunct
    (the consonants a virama or coeng joins) whole: "क्षेत्र" is ["क्षे", "त्र"], and a Thai
    or Lao consonant with the vowel written before it: "แฟ" is one letter."""
    out: list[str] = []
    for char in text:
        if out and _continues(out[-1], char):
            out[-1] += char
        else:
            out.append(char)
    return out


# Thai and Lao vowels written before their consonant ("แ" of "แฟ"), a letter with it, and the
# vowel sign SARA AM ("ำ"), which is typed as a letter but sits on its consonant.
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")
_SPACING_VOWELS = frozenset("\u0e33\u0eb3")


def _continues(cluster: str, char: str) -> bool:
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _JOINERS:
        return True
    if char in _SPACING_VOWELS or (cluster[-1] in _LEADING_VOWELS and not char.isspace()):
        return True
    if _variation_selector(char):
        return True
    last = cluster.rstrip("\u200d")[-1:] or cluster[-1]
    # A consonant after a virama (canonical combining class 9) joins it: a conjunct.
    return (
        unicodedata.combining(last) == 9
        and unicodedata.category(char) == "Lo"
        and _shaped_script(char) == _shaped_script(last)
    )


_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))


def _in(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= ord(char) <= high for low, high in ranges)


def _encodes(char: str, codec: str) -> bool:
    try:
        code = char.encode(codec)
    except UnicodeEncodeError:
        return False
    # Japanese: the 2,965 kanji of JIS level 1 (Shift JIS 889F-9872), those in common use; the
    # rest of JIS are rarer kanji, many of them the traditional forms Chinese writes ("灣").
    return codec != "shift_jis" or len(code) != 2 or code <= b"\x98\x72"


@lru_cache(maxsize=1024)
def cjk_language(text: str) -> str:
    """The language a CJK text is most likely written in, as Noto Sans CJK's regions know
    them: "ja" with kana, "ko" with Hangul, else, for ideographs alone, the region whose
    character set has them: forms only Simplified Chinese uses (GB 2312 but not Big5 or JIS
    level 1, "馆"), only Traditional Chinese ("灣"), only Japanese ("駅"), characters two of
    them share counting half to each ("東", Traditional and Japanese). Ties go to Simplified
    Chinese, then Japanese; with no evidence, Japanese (the collection's default). The forms
    differ in details (strokes of some radicals, where punctuation sits), so either reads."""
    if any(_in(c, _KANA) for c in text):
        return "ja"
    if any(_in(c, _HANGUL) for c in text):
        return "ko"
    score = {"zh-Hans": 0.0, "ja": 0.0, "zh-Hant": 0.0}
    for char in text:
        if not (is_cjk(char) and unicodedata.category(char) == "Lo"):
            continue
        where = [
            lang
            for lang, codec in (("zh-Hans", "gb2312"), ("zh-Hant", "big5"), ("ja", "shift_jis"))
            if _encodes(char, codec)
        ]
        if 0 < len(where) < 3:
            for lang in where:
                score[lang] += 1 / len(where)
    best = max(score, key=lambda lang: score[lang])  # dict order breaks ties: SC, JP, TC
    return best if score[best] > 0 else "ja"


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


@lru_cache(maxsize=16384)
def _shaped_glyph(path: str, index: int, weight: int, gid: int):
    """Glyph `gid` of a HarfBuzz font: its drawing and ink bounds (None when blank)."""
    recording = RecordingPen()
    _hb_font(path, index, weight).draw_glyph_with_pen(gid, recording)
    bounds = BoundsPen(None)
    recording.replay(bounds)
    return tuple(recording.value), bounds.bounds


@dataclass(frozen=True)
class Cluster:
    """What HarfBuzz shaped from some characters of a run: their text, their glyphs as
    (glyph id, x, y) from the cluster's origin, and its advance, in font units. A Devanagari
    syllable is one cluster, however many glyphs (conjunct, vowel signs, reph) draw it."""

    text: str
    glyphs: tuple[tuple[int, float, float], ...]
    advance: float


@lru_cache(maxsize=1024)
def shape(run: str, slug: str, weight: int, lang: str = "") -> tuple[Cluster, ...]:
    """`run` (one script, no spaces) shaped with HarfBuzz in `slug` at `weight`: its clusters
    in drawing order. A CJK run is set in the region of `lang` (see `cjk_language`) with
    proportional kana and punctuation ("palt"), as display type is; glyphs a face lacks are
    left out, never drawn as .notdef boxes."""
    with _READING:
        path, index = _file(slug, weight)
        features: dict[str, bool] = {}
        buf = hb.Buffer()
        buf.add_codepoints([ord(c) for c in run])
        buf.guess_segment_properties()
        buf.flags = hb.BufferFlags.DO_NOT_INSERT_DOTTED_CIRCLE
        if slug == CJK_FACE:
            lang = lang or cjk_language(run)
            index = _CJK_INDEX.get(lang, 0)
            buf.language = lang
            features["palt"] = True
        hb.shape(_hb_font(path, index, weight), buf, features)
        groups: list[tuple[int, list[tuple[int, float, float]], float]] = []
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            if not groups or groups[-1][0] != info.cluster:
                groups.append((info.cluster, [], 0.0))
            start, glyphs, pen = groups[-1]
            if info.codepoint:  # glyph 0 is .notdef: a character the face lacks
                glyphs.append((info.codepoint, pen + pos.x_offset, float(pos.y_offset)))
            groups[-1] = (start, glyphs, pen + pos.x_advance)
        ends = [start for start, _, _ in groups[1:]] + [len(run)]
        return tuple(
            Cluster(run[start:end], tuple(glyphs), advance)
            for (start, glyphs, advance), end in zip(groups, ends, strict=True)
        )


@lru_cache(maxsize=1024)
def outline(
    text: str,
    slug: str,
    weight: int,
    tracking: float = 0.0,
    base: str | None = None,
    lang: str = "",
) -> Outline:
    """`text` set in `slug` at `weight` with `tracking` (em) as glyph outlines.

    Characters `slug` lacks come from its fallback chain; characters no face has are dropped.
    `base` ('L' or 'R') is the reading direction of the whole text a line was broken from;
    by default the line's own first strong letter sets it. `lang` is the language of the
    whole text's CJK characters (see `cjk_language`); by default the line's own.
    """
    with _READING:
        return _outline(text, slug, weight, tracking, base, lang)


# A CJK run beside Latin letters is scaled so that the two look one size: Noto Sans CJK's own
# Latin capitals (and so its ideographs) matched to the chosen face's; likewise a script shaped
# in a fallback face. Within these limits: a face with unusual capitals does not make them odd.
_RELATIVE_SIZE = (0.85, 1.2)
# Letter-spacing in a CJK run: ideographs and kana are set on a square body that already has
# room round each sign, so the spacing of capitals (up to 0.12 em) is halved there, and never
# negative (signs would touch).
_CJK_TRACKING = 0.5


# Noto Sans CJK's ideographs are a square body taller than capitals: this much smaller, they
# stand about a tenth taller than the capitals beside them, as in mixed Japanese typesetting.
_CJK_SIZE = 0.92


def _relative_size(slug: str, face: str) -> float:
    """How much larger a run drawn in `face` is set than text in `slug`, so they match."""
    if face == slug or slug not in FACES:
        return 1.0
    low, high = _RELATIVE_SIZE
    size = min(high, max(low, cap_height(slug) / cap_height(face)))
    return size * _CJK_SIZE if face == CJK_FACE else size


_COLOUR_TEXT = "Hnoe"  # letters whose ink measures how dark a face is set
_COLOUR_REFERENCE = "inter"  # a sans whose weights mean what Noto's do
_COLOUR_WEIGHTS = tuple(range(100, 1000, 100))


def _colour(slug: str, weight: int) -> float:
    """How dark `slug` at `weight` sets text: the ink of _COLOUR_TEXT over its advance times
    its cap height."""
    area = advance = 0.0
    for char in _COLOUR_TEXT:
        drawing, _, width = _glyph(slug, weight, _cmap(slug)[ord(char)])
        pen = AreaPen()
        for operator, operands in drawing:
            getattr(pen, operator)(*operands)
        area += abs(pen.value)
        advance += width
    units = _font(slug, weight)["head"].unitsPerEm
    return area / (advance * cap_height(slug) * units / EM)


@lru_cache(maxsize=128)
def matching_weight(slug: str, weight: int) -> int:
    """The weight a plain sans (Noto Sans, Noto Sans CJK) is set in beside `slug` at `weight`
    so that both look equally dark: a display serif or a brush script is darker than its
    nominal weight says (DM Serif Display 400 matches a sans at about 600), a light script
    lighter. Measured by ink, in steps of 50; the weight itself when `slug` is no face of
    the catalogue or lacks the letters measured."""
    face = FACES.get(slug)
    if face is None or not all(ord(c) in _cmap(slug) for c in _COLOUR_TEXT):
        return weight
    with _READING:
        target = _colour(slug, weight)
        scale = [(_colour(_COLOUR_REFERENCE, w), w) for w in _COLOUR_WEIGHTS]
    if target <= scale[0][0]:
        return scale[0][1]
    for (c0, w0), (c1, w1) in itertools.pairwise(scale):
        if target <= c1:
            return round((w0 + (w1 - w0) * (target - c0) / (c1 - c0)) / 50) * 50
    return scale[-1][1]


class _Line:
    """A line being drawn: its glyphs, ink box and pen position, in 1/1000 em."""

    def __init__(self) -> None:
        self.x = 0.0
        self.glyphs: list[tuple[str, str]] = []
        self.box = [float("inf"), float("inf"), float("-inf"), float("-inf")]

    def ink(self, bounds, scale: float, x: float, y: float = 0.0) -> None:
        """Grow the ink box by a glyph's `bounds` (font units, y up) drawn at (x, y)."""
        x0, y0, x1, y1 = bounds
        self.box[:] = [
            min(self.box[0], x + x0 * scale),
            min(self.box[1], y - y1 * scale),
            max(self.box[2], x + x1 * scale),
            max(self.box[3], y - y0 * scale),
        ]

    def outline(self) -> Outline:
        box = self.box if self.glyphs else [0.0, 0.0, 0.0, 0.0]
        return Outline(tuple(self.glyphs), (box[0], box[1], box[2], box[3]), max(0.0, self.x))


def _outline(
    text: str, slug: str, weight: int, tracking: float, base: str | None, lang: str
) -> Outline:
    line = _Line()
    previous: tuple[str, str, str] | None = None  # face, glyph name, bidi class
    visual = visual_order(unicodedata.normalize("NFC", text), base)
    if not lang and any(is_cjk(c) for c in visual):
        lang = cjk_language(visual)
    for item in _runs(visual, slug):
        if isinstance(item, tuple):  # a run of a script that is shaped
            face, run = item
            cjk = face == CJK_FACE
            if previous and cjk and previous[2] != _UNSPACED:
                line.x += tracking * EM
            _draw_run(line, run, face, slug, weight, tracking, lang)
            # No kerning across a run's edge; no letter-spacing beside an Indic word either.
            previous = ("", "", "L" if cjk else _UNSPACED)
            continue
        char = item
        if char.isspace() and ord(char) not in _cmap(slug):
            char = " "
        face = face_for(char, slug)
        if face is None:
            continue
        scale = EM / _font(face, weight)["head"].unitsPerEm
        name = _cmap(face)[ord(char)]
        kind = unicodedata.bidirectional(char)
        if previous:
            # Joined Arabic letters are never spaced apart, nor an Indic word from its space.
            if not kind == previous[2] == "AL" and previous[2] != _UNSPACED:
                line.x += tracking * EM
            if previous[0] == face:
                # A font kerns pairs in reading order: right to left, (this, previous).
                rtl = kind in _RTL and previous[2] in _RTL
                pair = (name, previous[1]) if rtl else (previous[1], name)
                line.x += _kern(_path(face, weight), *pair) * scale
        drawing, bounds, width = _glyph(face, weight, name)
        d = _draw(drawing, scale, line.x)
        if d:
            line.glyphs.append((char, d))
        if bounds:
            line.ink(bounds, scale, line.x)
        line.x += width * scale
        previous = (face, name, kind)
    return line.outline()


_UNSPACED = "unspaced"  # the bidi class noted for an Indic run: no letter-spacing beside it


def _draw_run(
    line: _Line, run: str, face: str, slug: str, weight: int, tracking: float, lang: str
) -> None:
    """Draw a shaped `run` in `face` onto `line`: a cluster at a time, each one glyph entry.
    A Devanagari word is never letter-spaced (its letters hang from one headline); a CJK run
    is, a little (see _CJK_TRACKING)."""
    if face != slug:
        weight = matching_weight(slug, weight)
    path, index = _file(face, weight)
    if face == CJK_FACE:
        index = _CJK_INDEX.get(lang or cjk_language(run), 0)
        spacing = max(0.0, tracking) * _CJK_TRACKING * EM
    else:
        spacing = 0.0
    scale = EM / _hb_face(path, index).upem * _relative_size(slug, face)
    for number, cluster in enumerate(shape(run, face, weight, lang)):
        if number:
            line.x += spacing
        paths = []
        for gid, dx, dy in cluster.glyphs:
            drawing, bounds = _shaped_glyph(path, index, weight, gid)
            d = _draw(drawing, scale, line.x + dx * scale, -dy * scale)
            if d:
                paths.append(d)
            if bounds:
                line.ink(bounds, scale, line.x + dx * scale, -dy * scale)
        if paths:
            line.glyphs.append((cluster.text, "".join(paths)))
        line.x += cluster.advance * scale


def _runs(visual: str, slug: str) -> list[str | tuple[str, str]]:
    """`visual` as the items a line draws: single characters drawn from the character map, and
    (face, run) pairs for runs of a script that is shaped (CJK, or one that needs shaping),
    each run one script without spaces, in the first face that draws all of it."""
    items: list[str | tuple[str, str]] = []
    i = 0
    while i < len(visual):
        char = visual[i]
        face = None if char.isspace() else face_for(char, slug)
        if face is None or not (face == CJK_FACE or needs_shaping(char)):
            items.append(char)
            i += 1
            continue
        script = _shaped_script(char)
        end = i + 1
        while end < len(visual):
            nxt = visual[end]
            same = is_cjk(nxt) if face == CJK_FACE else _shaped_script(nxt) == script
            if not (same or nxt in _JOINERS or _variation_selector(nxt)):
                break
            end += 1
        run = visual[i:end]
        items.extend(_in_faces(run, face, slug))
        i = end
    return items


def _in_faces(run: str, face: str, slug: str) -> list[tuple[str, str]]:
    """`run` as (face, text) pieces: whole in the first face of the chain that draws all its
    letters (a word is not set in two faces), else piece by piece; letters no face has are
    left out."""
    letters = [c for c in run if c not in _JOINERS and not _variation_selector(c)]
    if face == CJK_FACE:
        return [(face, run)]
    faces = _candidates(slug, letters[0]) if letters else chain(slug)
    whole = next((f for f in faces if all(_has(f, c) for c in letters)), None)
    if whole:
        return [(whole, run)]
    pieces: list[tuple[str, str]] = []
    for char in run:
        owner = face_for(char, slug) if char in letters else (pieces[-1][0] if pieces else None)
        if owner is None:
            continue
        if pieces and pieces[-1][0] == owner:
            pieces[-1] = (owner, pieces[-1][1] + char)
        else:
            pieces.append((owner, char))
    return pieces


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


# The bidirectional isolates (LRI, RLI, PDI; FSI below), which word processors and browsers
# put round text of the other direction when it is copied, as the embeddings (LRE, RLE, PDF)
# that python-bidi's algorithm knows: it fails on an isolate with an AssertionError. On one
# line of a logo the two read alike.
_ISOLATES = {"\u2066": "\u202a", "\u2067": "\u202b", "\u2069": "\u202c"}
_FSI = "\u2068"


def _as_embeddings(text: str) -> str:
    if not any(char in _ISOLATES or char == _FSI for char in text):
        return text
    chars = []
    for index, char in enumerate(text):
        if char == _FSI:  # isolates in the direction of the first strong letter after it
            char = "\u202b" if base_direction(text[index + 1 :]) == "R" else "\u202a"
        chars.append(_ISOLATES.get(char, char))
    return "".join(chars)


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
    return get_display(_as_embeddings(text), base_dir=base or base_direction(text))


def _draw(drawing, scale: float, x: float, y: float = 0.0) -> str:
    """Path data of a recorded glyph drawing, scaled, flipped to y-down and placed at (x, y)."""
    svg_pen = SVGPathPen(None, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
    for operator, operands in drawing:
        points = [(x + px * scale, y - py * scale) for px, py in operands]
        getattr(svg_pen, operator)(*points)
    return svg_pen.getCommands()
