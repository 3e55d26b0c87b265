"""Colours in plain words: what a brief's colour fields mean, stated once.

People write colours the way they say them: "#1d3557", "navy", "cream", "forest green",
"navy and gold", "brown, cream", "warm earth tones", "pastel". `read_colours` reads every
field and answers the colours it understood (as "#rrggbb", the first `limit` of them), a
plain name for each, and the words it found no colour in (notes, kept for the prompt
writer). It never raises: a field of gibberish is a note.

What a field may say, tried in this order:

- a hex colour, `#rgb` or `#rrggbb`, and any CSS colour name, giving exactly what they gave
  before plain words were understood (CSS's "green" stays #008000); also as design tools
  copy them: `#rgba` and `#rrggbbaa` (the alpha dropped: a logo's colours are opaque), six
  hex digits without the `#` when one of them is a digit ("0a2540", not "facade"), and CSS's
  `rgb()`/`rgba()` and `hsl()`/`hsla()` ("rgb(10, 37, 64)", "hsl(210 73% 15%)");
- a name from the XKCD colour survey (`xkcd_colours.txt`, CC0: "cream", "dusty rose",
  "forest green", "light blue", ...), tolerant of case, spacing, hyphens and plurals, or
  one of a few brand colour names it lacks ("rose gold", "champagne", "platinum");
- a compound of a named colour and a basic colour word it is a shade of ("crimson red",
  "sapphire blue", "stone grey"): one colour, the named one, never a list of two; or of a
  word or two the vocabulary has no colour for and a basic colour word ("honey yellow",
  "candy apple red"): the basic colour, under the name as written ("no red", "less blue"
  and the like stay notes);
- a mood phrase from a small curated table ("warm earth tones", "pastel", "monochrome",
  "jewel tones", "neon", "muted", ...), tolerant of word order, plurals and of "tones",
  "colours", "palette" and the like;
- a modifier ("light", "dark", "pale", "deep", "bright", "muted", ...) before any of these
  that the vocabulary has no name for: the colours are lightened, darkened, ... instead;
- several of these, separated by commas, "and", "&", "/", "+", "or", "with", or only by
  spaces ("red white blue"). A part that is not wholly colours is a note, as written.
"""

from __future__ import annotations

import colorsys
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import webcolors

# A field is read up to this many characters: the brief's own limits are far below it, so
# this only bounds the work for a caller that sends more.
MAX_SCAN = 1000
# The longest name or phrase looked up, in words ("very light grey blue").
_LONGEST = 5

_HEX = re.compile(r"^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
# Six hex digits without "#", only with a digit among them: "facade" and "decade" are words.
_BARE_HEX = re.compile(r"^(?=[a-fA-F]*[0-9])([0-9a-fA-F]{6})$")
# CSS functional notations, read (and replaced by their hex) before a field is split at its
# commas: "rgb(10, 37, 64)", "rgba(10 37 64 / 50%)", "hsl(210deg, 73%, 15%)".
_FUNCTIONAL = re.compile(r"\b(rgba?|hsla?)\(([^()]{0,60})\)", re.IGNORECASE)
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(%|deg)?$", re.IGNORECASE)
_SEPARATORS = re.compile(
    r"\s*(?:[,;+&/|\n]|\b(?:and|or|with|plus|also|then|n)\b)\s*", re.IGNORECASE
)
_PUNCTUATION = re.compile(r"[,;+&/|\n]")
_WORD = re.compile(r"#[0-9a-z]+|[a-z0-9]+")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say "a palette" rather than "a colour": with one of them, a mood phrase is
# looked up first ("earth tones" is a palette, "earth" a colour).
_PALETTE_WORDS = _wordset(
    "tone tones toned color colors colour colours coloured colored palette palettes scheme "
    "schemes shade shades hue hues tint tints vibe vibes feel look"
)
# Words that carry no colour of their own and are dropped around colours.
_FILLER = _PALETTE_WORDS | _wordset(
    "a an the some of in touch touches hint hints splash splashes bit dash accent accents "
    "mostly mainly primarily predominantly maybe perhaps etc please like ish"
)
# Survey names that are only a modifier: no name to show for a colour.
_MODIFIER_WORDS = _wordset("dark pale light")
# Intensifiers: "very light" is "light" applied twice.
_INTENSIFIERS = _wordset("very really extra super")

# Names from the survey that are no name to show a client (they are still understood when
# a client writes them).
_IMPOLITE = _wordset(
    "shit poo poop puke vomit barf piss snot booger diarrhea sick sickly ugly nasty gross "
    "icky bruise burple"
)


# Colour names people use for brands that neither CSS nor the survey has, so that they are not
# read word by word ("rose gold" as rose and gold). No colour-name package on PyPI that is
# kept up covers them (webcolors is CSS only; the survey is the widest open list), so they
# are stated here, with the values commonly published for them.
_MORE_NAMES: dict[str, str] = {
    "rose gold": "#b76e79",
    "pink gold": "#b76e79",
    "champagne": "#f7e7ce",
    "platinum": "#e5e4e2",
    "brass": "#b5a642",
    "pearl": "#eae0c8",
    "pearl white": "#f8f6f0",
    "bone": "#e3dac9",
    "bone white": "#f9f6ee",
    "jet black": "#0a0a0a",
    "matte black": "#28282b",
    "oxblood": "#4a0000",
}

# Colour words a name is often made of in compounds ("crimson red", "lavender purple",
# "stone grey"): a named colour before one of them, of its hue (or, before a neutral, of
# none), is one colour, the named one, not a list of two.
_BASIC_HUES = _wordset("red orange yellow green blue purple violet pink brown beige gold")
_BASIC_NEUTRALS = _wordset("white grey gray black silver")
# Basic colour words themselves: before another they make a list ("red white blue"), or a
# compound the survey names ("blue green").
_BASIC_TERMS = _wordset("red orange yellow green blue purple pink brown white grey gray black")
# Words that, before a colour, ask for less of it or none: "no red" is not a red.
_NOT_A_SHADE = _wordset(
    "no not non without but except avoid less fewer never nothing anything none zero minus "
    "dont hate dislike nope too much more lots lot any every"
)
# The most words a shade name the vocabulary lacks may put before its basic colour word.
_SHADE_WORDS = 2
_COMPOUND_HUE = 50 / 360  # most a compound's two hues may differ (of the colour wheel)
_NEUTRAL_CHROMA = 0.25  # a colour this grey or greyer may qualify a neutral
_HUED_CHROMA = 0.15  # a colour this coloured or more may qualify a hue


@dataclass(frozen=True)
class Colour:
    """One colour understood: "#rrggbb" and a plain name for it."""

    hex: str
    name: str


@dataclass(frozen=True)
class ColourReading:
    """What a brief's colour fields were understood as."""

    colors: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


# ---- the vocabulary --------------------------------------------------------------------------


def _key(text: str) -> str:
    """The lookup form of a phrase: folded, accents and apostrophes gone, words spaced."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = re.sub(r"['\u2019`]", "", folded)
    return " ".join(_WORD.findall(folded))


@cache
def _survey() -> dict[str, tuple[str, str]]:
    """The XKCD survey's names: lookup form → (name as published, "#rrggbb").

    Names that are mixtures written with a slash ("blue/green") are left out: a slash
    separates colours in a field.
    """
    text = resources.files(__package__).joinpath("xkcd_colours.txt").read_text("utf-8")
    names: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        published, _, value = line.partition("\t")
        if "/" not in published:
            names.setdefault(_key(published), (published, value.strip().lower()))
    return names


@cache
def vocabulary() -> dict[str, str]:
    """The XKCD survey's names (as published) → "#rrggbb"."""
    return dict(_survey().values())


@cache
def _css() -> dict[str, str]:
    return {
        name: webcolors.name_to_hex(name)
        for name in webcolors.names(webcolors.CSS3)  # type: ignore[attr-defined]
    }


@cache
def _display_names() -> dict[str, str]:
    """The survey's names that are fit to show, with their colours."""
    return {
        label: value
        for label, value in vocabulary().items()
        if not _IMPOLITE & set(label.split()) and label not in _MODIFIER_WORDS
    }


# ---- mood phrases ----------------------------------------------------------------------------

# Each palette names its colours in the vocabulary; several phrases may share one.
_MOODS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("earth", "earthy", "earthen"), ("terracotta", "ochre", "olive green", "umber", "sand")),
    (("warm earth", "warm earthy"), ("terracotta", "burnt orange", "ochre", "brown", "sand")),
    (("cool earth", "cool earthy"), ("slate grey", "sage", "olive", "stone", "taupe")),
    (
        ("pastel", "pastels", "soft pastel"),
        (
            "pastel pink",
            "pastel blue",
            "pastel green",
            "pastel yellow",
            "pastel purple",
        ),
    ),
    (
        ("monochrome", "monochromatic", "greyscale", "grayscale", "grey scale", "gray scale"),
        (
            "black",
            "charcoal",
            "grey",
            "light grey",
            "white",
        ),
    ),
    (("jewel", "jewels", "gemstone", "gem"), ("emerald", "sapphire", "ruby", "amethyst")),
    (
        ("neon", "fluorescent", "fluoro", "day glo", "dayglo"),
        (
            "neon pink",
            "neon green",
            "neon blue",
            "neon yellow",
            "neon purple",
        ),
    ),
    (
        ("muted", "subdued", "dusty", "desaturated", "understated"),
        (
            "dusty rose",
            "sage",
            "slate",
            "dusty blue",
            "taupe",
        ),
    ),
    (("warm",), ("brick red", "burnt orange", "mustard", "gold", "terracotta")),
    (("cool",), ("navy", "teal", "slate blue", "lavender", "ice blue")),
    (
        ("vibrant", "bright", "bold", "vivid", "saturated", "colourful", "colorful"),
        (
            "bright red",
            "bright orange",
            "sunshine yellow",
            "bright green",
            "bright blue",
        ),
    ),
    (
        ("neutral", "neutrals", "nude", "natural neutral"),
        (
            "off white",
            "beige",
            "taupe",
            "warm grey",
            "charcoal",
        ),
    ),
    (("autumn", "autumnal", "fall"), ("rust", "burnt orange", "mustard", "burgundy", "olive")),
    (("spring", "springtime"), ("mint green", "light pink", "lavender", "pale yellow", "sky blue")),
    (("summer", "summery"), ("coral", "turquoise", "sunshine yellow", "sky blue")),
    (("winter", "wintry", "icy"), ("navy", "ice blue", "silver", "white")),
    (
        ("ocean", "sea", "nautical", "coastal", "marine", "beach"),
        (
            "navy",
            "ocean blue",
            "turquoise",
            "sand",
            "white",
        ),
    ),
    (("woodland", "forest", "woodsy"), ("forest green", "moss", "brown", "sage")),
    (
        ("natural", "nature", "organic", "botanical"),
        ("sage", "olive", "sand", "brown", "leaf green"),
    ),
    (
        ("luxury", "luxurious", "premium", "elegant", "upscale", "classy"),
        (
            "black",
            "gold",
            "ivory",
            "charcoal",
        ),
    ),
    (
        ("corporate", "professional", "business", "trustworthy"),
        (
            "navy",
            "slate grey",
            "light grey",
            "white",
        ),
    ),
    (
        ("retro", "vintage", "seventies", "70s"),
        ("mustard", "burnt orange", "teal", "cream", "brown"),
    ),
    (("tropical",), ("hot pink", "turquoise", "lime green", "mango", "coral")),
    (("sunset",), ("gold", "orange", "coral", "magenta", "purple")),
    (("rainbow",), ("red", "orange", "yellow", "green", "blue", "purple")),
    (("metallic", "metal", "metals"), ("gold", "silver", "bronze", "copper")),
    (("moody", "dark moody", "dramatic"), ("charcoal", "navy", "forest green", "burgundy")),
    (("airy", "light airy", "soft"), ("off white", "pale blue", "light pink", "light grey")),
    (("minimal", "minimalist", "clean"), ("black", "white", "light grey")),
    (
        ("playful", "fun", "cheerful", "happy"),
        (
            "sunshine yellow",
            "hot pink",
            "sky blue",
            "lime green",
            "orange",
        ),
    ),
)

# Modifiers: what each does to a colour the vocabulary has no name for.
_Transform = Callable[[float, float, float], tuple[float, float, float]]


def _lighter(amount: float, saturation: float = 1.0) -> _Transform:
    return lambda h, lum, s: (h, lum + (1 - lum) * amount, s * saturation)


def _darker(amount: float, saturation: float = 1.0) -> _Transform:
    return lambda h, lum, s: (h, lum * (1 - amount), min(1.0, s * saturation))


def _stronger(h: float, lum: float, s: float) -> tuple[float, float, float]:
    return h, lum + (0.5 - lum) * 0.3, s + (1 - s) * 0.5


def _toward(hue: float) -> _Transform:
    def shift(h: float, lum: float, s: float) -> tuple[float, float, float]:
        delta = (hue - h + 0.5) % 1.0 - 0.5
        return (h + delta * 0.15) % 1.0, lum, s

    return shift


_MODIFIERS: dict[str, _Transform] = {
    "light": _lighter(0.4),
    "lighter": _lighter(0.4),
    "pale": _lighter(0.55, 0.8),
    "pastel": _lighter(0.55, 0.7),
    "soft": _lighter(0.25, 0.8),
    "dark": _darker(0.4),
    "darker": _darker(0.4),
    "deep": _darker(0.3, 1.15),
    "rich": _darker(0.2, 1.2),
    "bright": _stronger,
    "brighter": _stronger,
    "vivid": _stronger,
    "vibrant": _stronger,
    "bold": _stronger,
    "electric": _stronger,
    "muted": _lighter(0.0, 0.5),
    "dusty": _lighter(0.1, 0.5),
    "dull": _lighter(0.0, 0.5),
    "faded": _lighter(0.3, 0.5),
    "washed": _lighter(0.35, 0.5),
    "warm": _toward(0.08),
    "warmer": _toward(0.08),
    "cool": _toward(0.6),
    "cooler": _toward(0.6),
}


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and word[-3] in "hsxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _mood_key(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_singular(w) for w in words if w not in _FILLER)


@cache
def _moods() -> dict[frozenset[str], tuple[Colour, ...]]:
    table: dict[frozenset[str], tuple[Colour, ...]] = {}
    for phrases, names in _MOODS:
        palette = tuple(_named(name.split()) for name in names)
        if any(colour is None for colour in palette):
            raise LookupError(f"a colour of the palette {phrases[0]!r} has no name")
        for phrase in phrases:
            table[_mood_key(_key(phrase).split())] = palette  # type: ignore[assignment]
    return table


def mood_phrases() -> list[str]:
    """Every phrase of the mood table, as stated."""
    return [phrase for phrases, _ in _MOODS for phrase in phrases]


# ---- reading ---------------------------------------------------------------------------------


def _hex(text: str) -> Colour | None:
    match = _HEX.match(text) or _BARE_HEX.match(text)
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) in (4, 8):  # #rgba, #rrggbbaa: the alpha is dropped
        digits = digits[: len(digits) * 3 // 4]
    value = webcolors.normalize_hex(f"#{digits}")
    return Colour(value, colour_name(value))


def _functional_hex(match: re.Match[str]) -> str | None:
    """ "#rrggbb" of one `rgb(...)`/`hsl(...)` (commas, spaces, "/ alpha"), or None."""
    kind = match.group(1).lower()
    args = re.split(r"[\s,/]+", match.group(2).strip())
    numbers = [_NUMBER.match(arg) for arg in args[:3]]
    if len(args) not in (3, 4) or not all(numbers):
        return None
    values = [(float(n.group(1)), (n.group(2) or "").lower()) for n in numbers if n]
    if kind.startswith("rgb"):
        if any(unit == "deg" for _, unit in values):
            return None
        rgb = [v * 255 / 100 if unit == "%" else v for v, unit in values]
        channels = [min(255, max(0, round(c))) for c in rgb]
    else:
        (hue, hue_unit), (sat, _), (light, _) = values
        if hue_unit == "%":
            return None
        sat, light = (min(100.0, max(0.0, v)) / 100 for v in (sat, light))
        rgb_f = colorsys.hls_to_rgb((hue % 360) / 360, light, sat)
        channels = [round(c * 255) for c in rgb_f]
    return webcolors.rgb_to_hex(tuple(channels))  # type: ignore[arg-type]


def _functional(text: str) -> str:
    """The field with each CSS functional colour it holds written as its hex."""
    return _FUNCTIONAL.sub(lambda m: _functional_hex(m) or m.group(0), text)


def _named(words: Sequence[str]) -> Colour | None:
    """One colour with a name: CSS first (as before), then the survey, then spellings."""
    if not words:
        return None
    phrase = " ".join(words)
    singular = " ".join([*words[:-1], _singular(words[-1])])
    css = _css()
    for variant in (phrase, singular):
        if variant in css:
            return Colour(css[variant], variant)
    names = _survey()
    for variant in (phrase, singular):
        for spelling in (variant, variant.replace("gray", "grey")):
            if spelling in names:
                return Colour(names[spelling][1], names[spelling][0])
    for variant in (phrase, singular):
        joined = variant.replace(" ", "").replace("grey", "gray")
        if joined in css:
            return Colour(css[joined], joined)
        spaced = variant.replace("gray", "grey")
        if spaced in _MORE_NAMES:
            return Colour(_MORE_NAMES[spaced], spaced)
    if len(words) > 2:  # "sea foam green" as the survey writes it, "seafoam green"
        return _named([words[0] + words[1], *words[2:]])
    return None


def _hue_chroma(value: str) -> tuple[float, float]:
    """A colour's hue (0..1) and chroma (0 for grey, 1 for a pure hue)."""
    red, green, blue = (c / 255 for c in webcolors.hex_to_rgb(value))
    hue = colorsys.rgb_to_hls(red, green, blue)[0]
    return hue, max(red, green, blue) - min(red, green, blue)


def _compound(words: Sequence[str]) -> Colour | None:
    """A compound name the vocabulary lacks: a named colour before a basic colour word that
    it is a shade of ("crimson red", "sapphire blue", "ivory white", "stone grey"), as the
    named colour; None when the two differ ("navy gold" is two colours) or the first word is
    itself a basic colour word ("red white blue" is three)."""
    if len(words) < 2 or words[-1] not in _BASIC_HUES | _BASIC_NEUTRALS:
        return None
    if words[0] in _BASIC_TERMS or words[0] in _MODIFIER_WORDS:
        return None
    first, basic = _named(words[:-1]), _named(words[-1:])
    if basic is None:
        return None
    if first is None:
        return _shade(words, basic)
    hue, chroma = _hue_chroma(first.hex)
    if words[-1] in _BASIC_NEUTRALS:
        fits = chroma <= _NEUTRAL_CHROMA
    else:
        basic_hue = _hue_chroma(basic.hex)[0]
        apart = abs(hue - basic_hue)
        fits = chroma >= _HUED_CHROMA and min(apart, 1 - apart) <= _COMPOUND_HUE
    return Colour(first.hex, " ".join(words)) if fits else None


def _shade(words: Sequence[str], basic: Colour) -> Colour | None:
    """A shade name the vocabulary lacks ("honey yellow", "candy apple red"): the basic colour
    it ends in, named as written; None when a word before it is a colour, a mood or a modifier
    of its own ("retro red" is the retro palette and red, "muted red" a muted red), or asks for
    less of it ("no red")."""
    before = words[:-1]
    if len(before) > _SHADE_WORDS:
        return None
    for word in before:
        if not word.isalpha() or word in _NOT_A_SHADE | _IMPOLITE | _MODIFIER_WORDS:
            return None
        if word in _MODIFIERS or word in _INTENSIFIERS or _phrase([word]) is not None:
            return None
    return Colour(basic.hex, " ".join(words))


def _modified(words: Sequence[str], palette: bool) -> list[Colour] | None:
    """A modifier before colours the vocabulary has no name for: the colours, changed."""
    label, times = words[0], 1
    if len(words) > 2 and words[0] in _INTENSIFIERS and words[1] in _MODIFIERS:
        label, words, times = f"{words[0]} {words[1]}", words[1:], 2
    if len(words) < 2 or words[0] not in _MODIFIERS:
        return None
    base = _phrase(words[1:], palette=palette)
    if base is None:
        return None
    transform = _MODIFIERS[words[0]]
    changed = []
    for colour in base:
        red, green, blue = (c / 255 for c in webcolors.hex_to_rgb(colour.hex))
        hls = colorsys.rgb_to_hls(red, green, blue)
        h, lum, s = hls[0], hls[1], hls[2]
        for _ in range(times):
            h, lum, s = transform(h, min(1.0, lum), min(1.0, s))
        rgb = colorsys.hls_to_rgb(h, min(1.0, max(0.0, lum)), min(1.0, max(0.0, s)))
        value = webcolors.rgb_to_hex(tuple(round(c * 255) for c in rgb))  # type: ignore[arg-type]
        changed.append(Colour(value, f"{label} {colour.name}"))
    return changed


def _phrase(words: Sequence[str], *, palette: bool = False) -> list[Colour] | None:
    """The colours of one whole phrase (lookup form, split in words), or None.

    `palette` says the words around it asked for a palette ("muted earth tones").
    """
    if len(words) == 1 and words[0].startswith("#"):
        colour = _hex(words[0])
        return [colour] if colour else None
    core = [w for w in words if w not in _FILLER]
    if not core:
        return None
    if len(core) > _LONGEST + 1:
        return None
    palette_first = palette or any(w in _PALETTE_WORDS for w in words)
    mood = _moods().get(_mood_key(core))
    if mood and palette_first:
        return list(mood)
    named = _named(core) or _compound(core)
    if named:
        return [named]
    if mood:
        return list(mood)
    return _modified(core, palette_first)


def _covered(words: Sequence[str]) -> list[Colour] | None:
    """Colours written one after another ("red white blue"), or None unless all are colours."""
    found: list[Colour] = []
    position = 0
    while position < len(words):
        if words[position] in _FILLER:
            position += 1
            continue
        for length in range(min(_LONGEST, len(words) - position), 0, -1):
            colours = _phrase(words[position : position + length])
            if colours:
                found += colours
                position += length
                break
        else:
            return None
    return found


def _part(text: str) -> tuple[list[Colour], bool]:
    """The colours of one part of a field and whether it was understood (or only filler)."""
    stripped = text.strip()
    hex_colour = _hex(stripped)
    if hex_colour:
        return [hex_colour], True
    lowered = stripped.lower()
    css = _css()
    if lowered in css:  # as CSS names were always read
        return [Colour(css[lowered], lowered)], True
    words = _key(stripped).split()
    if not words:  # symbols, emoji: no colour, but the user's, so a note
        return [], False
    if all(w in _FILLER for w in words):
        return [], True
    colours = _phrase(words) or _covered(words)
    return (colours or []), colours is not None


def read_field(text: str) -> tuple[list[Colour], list[str]]:
    """One colour field: the colours understood and the notes (parts with no colour)."""
    text = _functional(unicodedata.normalize("NFC", text[:MAX_SCAN]).strip())
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if not parts:
        return [], []
    if len(parts) == 1:
        colours, understood = _part(parts[0])
        return colours, ([] if understood else [parts[0]])
    if not _PUNCTUATION.search(text):
        # A name with a word that also separates ("macaroni and cheese").
        whole = _phrase(_key(text).split())
        if whole:
            return whole, []
    found: list[Colour] = []
    notes: list[str] = []
    for part in parts:
        part_colours, understood = _part(part)
        found += part_colours
        if not understood:
            notes.append(part)
    if not found:
        return [], [text]
    return found, notes


def read_colours(fields: Iterable[str], *, limit: int) -> ColourReading:
    """Every colour field read: the first `limit` distinct colours, their names, the notes."""
    colors: list[str] = []
    names: list[str] = []
    notes: list[str] = []
    for field in fields:
        colours, field_notes = read_field(field)
        for colour in colours:
            if colour.hex not in colors and len(colors) < limit:
                colors.append(colour.hex)
                names.append(colour.name)
        notes += [note for note in field_notes if note not in notes]
    return ColourReading(tuple(colors), tuple(names), tuple(notes))


# ---- naming ----------------------------------------------------------------------------------


def _lab(value: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of "#rrggbb", for telling how near two colours look."""

    def linear(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in webcolors.hex_to_rgb(value))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


@cache
def _named_labs() -> tuple[tuple[str, tuple[float, float, float]], ...]:
    return tuple((name, _lab(value)) for name, value in _display_names().items())


@cache
def colour_name(value: str) -> str:
    """A plain name for "#rrggbb": its CSS or survey name, else the nearest survey name."""
    value = value.lower()
    for name, known in _css().items():
        if known == value:
            return name
    for name, known in _display_names().items():
        if known == value:
            return name
    target = _lab(value)
    return min(_named_labs(), key=lambda item: math.dist(item[1], target))[0]
