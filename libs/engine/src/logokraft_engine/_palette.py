"""Colour: hex parsing, WCAG contrast, contrast repair and palette choice for a brief."""

from __future__ import annotations

import colorsys
import random
import re
from dataclasses import dataclass, replace

import webcolors

from logokraft_engine._brief import Brief, brief_words
from logokraft_engine._reading import negated_words, read_phrases

WHITE = "#ffffff"
MIN_CONTRAST = 3.0
_HEX = re.compile(r"^#[0-9a-f]{6}$")

# Palettes as (primary, secondary, text), picked by industry/style keywords.
_THEMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "coffee": (("#6f4e37", "#c8a27a", "#2b1d14"), ("#3e2723", "#d4a373", "#3e2723")),
    "food": (("#d1495b", "#edae49", "#2e2e2e"), ("#e76f51", "#2a9d8f", "#264653")),
    "nature": (("#2d6a4f", "#95d5b2", "#1b4332"), ("#588157", "#a3b18a", "#344e41")),
    "tech": (("#3a0ca3", "#4cc9f0", "#14213d"), ("#0a2540", "#00d4ff", "#0a2540")),
    "finance": (("#0b3d91", "#2ec4b6", "#0b132b"), ("#1d3557", "#e9c46a", "#1d3557")),
    "health": (("#0077b6", "#48cae4", "#023e8a"), ("#e63946", "#457b9d", "#1d3557")),
    "luxury": (("#1a1a1a", "#b08d57", "#1a1a1a"), ("#2c2c54", "#c9a227", "#2c2c54")),
    "playful": (("#ff006e", "#ffbe0b", "#3a0ca3"), ("#fb5607", "#8338ec", "#22223b")),
    "ocean": (("#005f73", "#0a9396", "#001219"), ("#023e8a", "#00b4d8", "#03045e")),
    # spas, yoga, meditation: sage and sand, quiet colours (not a clinic's red and blue)
    "calm": (("#5b7f6e", "#c8b08a", "#2f3e36"), ("#6b8f8e", "#d4b996", "#2e4445")),
    "neutral": (("#264653", "#e76f51", "#1f2933"), ("#22223b", "#9a8c98", "#22223b")),
}
_THEME_WORDS: dict[str, set[str]] = {
    "coffee": {"coffee", "cafe", "espresso", "roastery", "roaster", "tea", "bakery", "chocolate"},
    "food": {"food", "restaurant", "pizza", "kitchen", "catering", "burger", "bar", "grill"},
    "nature": {"organic", "eco", "garden", "plant", "farm", "green", "vegan", "botanical"},
    "tech": {"tech", "software", "saas", "ai", "app", "digital", "data", "cloud", "startup"},
    "finance": {"finance", "bank", "invest", "accounting", "insurance", "law", "legal"},
    "health": {"health", "medical", "clinic", "dental", "care", "pharmacy"},
    "luxury": {"luxury", "elegant", "premium", "fashion", "jewelry", "boutique", "classic"},
    "playful": {"playful", "fun", "kids", "toy", "game", "gaming", "party", "candy"},
    "ocean": {"ocean", "sea", "surf", "marine", "beach", "travel", "water", "boat"},
    "calm": {
        "spa",
        "massage",
        "wellness",
        "yoga",
        "meditation",
        "calm",
        "zen",
        "mindful",
        "mindfulness",
        "retreat",
        "serene",
        "relax",
        "relaxation",
        "holistic",
        "aromatherapy",
        "reiki",
        "pilates",
        "tranquil",
    },
}


@dataclass(frozen=True)
class Palette:
    """The four colours of a logo, all '#rrggbb'."""

    background: str
    primary: str
    secondary: str
    text: str


def is_hex(value: object) -> bool:
    """Whether `value` is a lower-case '#rrggbb' string."""
    return isinstance(value, str) and bool(_HEX.match(value))


def clean_hex(value: str) -> str | None:
    """`value` as lower-case '#rrggbb', or None if it is not a hex colour."""
    text = value.strip().lower()
    if re.fullmatch(r"#?[0-9a-f]{3}", text):
        text = "#" + "".join(c * 2 for c in text.lstrip("#"))
    text = text if text.startswith("#") else "#" + text
    return text if _HEX.match(text) else None


def parse_color(value: object) -> str | None:
    """A requested colour — hex ('#e63946', 'e63946', '#fff') or a CSS colour name ('teal',
    'Dark Slate Blue') — as lower-case '#rrggbb'; None if it is neither."""
    if not isinstance(value, str):
        return None
    found = clean_hex(value)
    if found:
        return found
    key = re.sub(r"[\s_-]+", "", value.strip().lower())
    try:
        return webcolors.name_to_hex(key)
    except ValueError:
        return None


def to_rgb(color: str) -> tuple[int, int, int]:
    """'#rrggbb' → (r, g, b)."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    """(r, g, b) in 0..255 → '#rrggbb'."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(color: str) -> float:
    """WCAG relative luminance of a '#rrggbb' colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1..21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darkening(hue: float, lightness: float, saturation: float) -> tuple[float, float]:
    """The hue and saturation (0..1) a designer darkens a colour toward, so the shade still
    reads as the colour asked for: yellow and gold (43°-72°) toward amber, since dark yellow
    is olive, a light pink (hue 340°-5°, lightness ≥ 0.7) toward a raspberry (335°, at most
    0.8 saturated), since dark pink is crimson, a red, and a lavender (225°-255°, lightness
    ≥ 0.85) toward a muted purple (265°), since its own hue darkens to a royal blue."""
    if 0.12 <= hue <= 0.2:
        return 0.115, saturation
    if lightness >= 0.7 and (hue >= 340 / 360 or hue <= 5 / 360):
        return 335 / 360, min(saturation, 0.8)
    if lightness >= 0.85 and 225 / 360 <= hue <= 255 / 360:
        return 265 / 360, min(saturation, 0.6)  # lavender: a deep purple, not a royal blue
    return hue, saturation


def ensure_contrast(color: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """`color` with its lightness moved away from `background` until contrast ≥ `minimum`;
    darkened, a yellow or a pink keeps reading as one (see `darkening`)."""
    if contrast(color, background) >= minimum:
        return color
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
    step = -0.02 if luminance(background) > 0.18 else 0.02
    if step < 0:
        h, s = darkening(h, lightness, s)
    for _ in range(60):
        lightness = min(1.0, max(0.0, lightness + step))
        candidate = to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, lightness, s)))
        if contrast(candidate, background) >= minimum:
            return candidate
    return "#000000" if step < 0 else WHITE


def _theme(brief: Brief) -> str:
    # what the description refuses sets no colours: "nothing luxury or premium" is no gold
    fields = brief_words(brief)
    fields["description"] -= negated_words(read_phrases(brief.description))
    found = set().union(*fields.values())
    scores = {name: len(found & kws) for name, kws in _THEME_WORDS.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] else "neutral"


def _from_colors(colors: list[str], index: int) -> tuple[str, str, str]:
    primary = colors[index % len(colors)] if index % 4 == 3 else colors[0]
    others = [c for c in colors if c != primary] or [primary]
    secondary = others[0]
    darkest = min(colors, key=luminance)
    text = darkest if luminance(darkest) < 0.2 else primary
    return primary, secondary, text


def _requested(colors: list[str], index: int, dark: bool = False) -> Palette:
    """A palette from the customer's colours, each of which shows in the logo.

    A colour too light to read on white (contrast < 3:1) would only show darkened as ink, so
    every other candidate uses it as the background instead, with the readable requested colours
    (else a deep shade of the light colour's own hue) as the ink. When every colour is light,
    see `_all_light`. `dark` says the palette will be reversed (`reversed_palette`).
    """
    light = [c for c in colors if contrast(c, WHITE) < MIN_CONTRAST]
    readable = [c for c in colors if c not in light]
    if light and not readable:
        # A mid-tone ("#ff6600", a bright green) reads on white once a touch darker: every
        # other candidate shows it so, not all four on the same coloured ground.
        near = [c for c in light if contrast(c, WHITE) >= NEAR_READABLE]
        if near and index % 2 == 1 and not dark:
            ink = ensure_contrast(near[0], WHITE)
            return fix_contrast(Palette(WHITE, ink, ink, shade(near[0], WHITE, INK_CONTRAST)))
        return _all_light(light, index, dark)
    if light and index % 2 == 0:
        background = light[(index // 2) % len(light)]
        ink = [c for c in readable if contrast(c, background) >= MIN_CONTRAST]
        ink = ink or [ensure_contrast(background, background, 7.0)]
        primary, secondary, text = _from_colors(ink, index)
        return fix_contrast(Palette(background, primary, secondary, text))
    primary, secondary, text = _from_colors(readable or colors, index)
    return fix_contrast(Palette(WHITE, primary, secondary, text))


NEAR_READABLE = 2.2  # a colour this readable on white only needs a touch of darkening as ink
INK_CONTRAST = 7.0  # a name set in a shade made from a light colour reads at least this well
TEXT_CONTRAST = 4.5  # and so does a mark (text reversed out of it) and a slogan set in one
HUED = 0.07  # a light colour with at least this chroma (0..1, HSV's) has a hue worth keeping
# (lavender, 0.08, and beige, 0.1, do: asked for by name, their hue is the point; ivory and
# alice blue, 0.06, read as white)


def _chroma(color: str) -> float:
    """How coloured `color` is (HSV chroma, 0 for white or grey, 1 for pure yellow)."""
    r, g, b = (c / 255 for c in to_rgb(color))
    return max(r, g, b) - min(r, g, b)


def shade(color: str, against: str, minimum: float) -> str:
    """A deep shade of `color`'s hue reading at least `minimum`:1 against `against`.

    A designer's dark yellow is a golden brown, not the olive that darkening yellow gives, so
    yellow hues move toward amber as they darken, and pinks toward raspberry (`darkening`);
    saturation is held to 0.8 so that a shade
    of a pale colour is rich rather than garish. A colour with no hue gives a charcoal."""
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
    if _chroma(color) < HUED:
        h, s = 0.6, 0.08  # a cool charcoal
    else:  # yellow darkens to amber brown, not olive; pink to raspberry, not crimson
        h, s = darkening(h, lightness, s)
    s = min(s, 0.8)
    for step in range(100):
        candidate = to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, 0.5 - step * 0.005, s)))
        if contrast(candidate, against) >= minimum:
            return candidate
    return "#000000"


def _all_light(light: list[str], index: int, dark: bool) -> Palette:
    """A palette when every requested colour is too light to read on white ("yellow and
    white", "white and cream"), in which a requested colour always shows as itself.

    Light candidates: the light colours take turns as the background (the coloured ones
    first: a cream canvas says more than a white one), and the ink is made of
    the most coloured of them (the background excepted when another has a hue): the mark and
    slogan in a shade of its hue that text reads on or in (TEXT_CONTRAST), the name in a
    deeper one (INK_CONTRAST), never the grey that darkening white gives. Dark candidates
    (`dark`) are made here already reversed, as `reversed_palette` could not: the light
    colours themselves as the ink (the most coloured for the mark, another for the name) on a
    near-black of that hue."""
    hued = sorted((c for c in light if _chroma(c) >= HUED), key=_chroma, reverse=True)
    if dark:
        mark = hued[(index // 2) % len(hued)] if hued else light[0]
        name = next((c for c in light if c != mark), mark)
        background = shade(mark, min((mark, name), key=luminance), 10.0)
        return fix_contrast(Palette(background, mark, mark, name))
    turns = hued + [c for c in light if c not in hued]  # a coloured canvas first
    background = turns[(index // 2) % len(turns)]
    source = next((c for c in hued if c != background), hued[0] if hued else background)
    mark = TEXT_CONTRAST if hued else INK_CONTRAST  # no hue to show: a plain charcoal ink
    return fix_contrast(
        Palette(
            background,
            primary=shade(source, background, mark),
            secondary=shade(source, background, mark),
            text=shade(source, background, INK_CONTRAST),
        )
    )


def choose_palette(brief: Brief, index: int, rng: random.Random, *, dark: bool = False) -> Palette:
    """A palette for candidate `index`: requested colours, else inspiration, else the theme's.
    `dark`: the candidate will reverse it (`reversed_palette`)."""
    requested = [c for c in (parse_color(x) for x in brief.colors) if c]
    if requested:
        return _requested(list(dict.fromkeys(requested)), index, dark)
    inspired = [c for c in (parse_color(x) for x in brief.inspiration_palette) if c]
    source = [c for c in inspired if contrast(c, WHITE) > 1.3]
    if source:
        primary, secondary, text = _from_colors(source, index)
    else:
        options = _THEMES[_theme(brief)]
        primary, secondary, text = options[(index + rng.randrange(2)) % len(options)]
    return fix_contrast(Palette(WHITE, primary, secondary, text))


SECONDARY_CONTRAST = 4.5  # the secondary sets the slogan, the smallest text: WCAG's small text


def fix_contrast(palette: Palette) -> Palette:
    """`palette` with primary and text readable (≥ 3:1) on its background, and the secondary,
    which sets the slogan, at small text's 4.5:1."""
    bg = palette.background
    return Palette(
        background=bg,
        primary=ensure_contrast(palette.primary, bg),
        secondary=ensure_contrast(palette.secondary, bg, SECONDARY_CONTRAST),
        text=ensure_contrast(palette.text, bg),
    )


def drawn_palette(palette: Palette) -> Palette:
    """`palette` as a logo is drawn in it: its secondary, which sets the slogan, at small
    text's 4.5:1 also when the palette was made before that rule (a stored spec)."""
    secondary = ensure_contrast(palette.secondary, palette.background, SECONDARY_CONTRAST)
    return palette if secondary == palette.secondary else replace(palette, secondary=secondary)


NEAR_MISS = 3.5  # text on a fill this close to 4.5:1 keeps its colour; the fill deepens a touch


def on_fill(palette: Palette, minimum: float = SECONDARY_CONTRAST) -> tuple[str, str]:
    """The fill (from the primary) and the ink of what sits on it (a block's or badge's text
    and icon) when that includes small text, reading at `minimum`:1. The background colour,
    reversed out, when it reads; when it nearly does (white on red or forest green, 4:1), the
    fill a touch deeper; else, on a bright fill (orange, hot pink, cyan: white is 3:1), a deep
    tone of the fill's own hue, which looks chosen where black would not."""
    background, fill = palette.background, palette.primary
    if contrast(background, fill) >= minimum:
        return fill, background
    if contrast(background, fill) >= NEAR_MISS:
        return ensure_contrast(fill, background, minimum), background
    return fill, ensure_contrast(fill, fill, minimum)


def reversed_ink(palette: Palette, minimum: float = SECONDARY_CONTRAST) -> str:
    """The ink of `on_fill`."""
    return on_fill(palette, minimum)[1]


def on_white(palette: Palette) -> Palette:
    """`palette` for a transparent render, which is judged against white: unchanged when its
    ink already reads on white, else made readable on a white background (content reversed out
    of the mark then shows white)."""
    ink = (palette.primary, palette.secondary, palette.text)
    if all(contrast(c, WHITE) >= MIN_CONTRAST for c in ink):
        return palette
    return fix_contrast(replace(palette, background=WHITE))


DARK = 0.03  # a reversed palette's background, made from a light primary, has this luminance
DEEP = 4.5  # a primary this dark against white (contrast) is the reversed background itself


def _deep(color: str) -> str:
    """A near-black shade of `color`'s hue (luminance at most DARK)."""
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
    while luminance(color) > DARK and lightness > 0:
        lightness = max(0.0, lightness - 0.03)
        color = to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, lightness, s)))
    return color


def reversed_palette(palette: Palette) -> Palette:
    """`palette` reversed, its ink light on a dark background, keeping its colours in view: a
    deep primary (navy, teal) becomes the background with the secondary (or white) as the
    mark's colour; a brighter primary stays the mark's colour on a near-black of its own hue.
    The name is white, or the light background colour when the palette had one (a requested
    colour too light for ink), so that colour still shows."""
    name = palette.background if palette.background != WHITE else WHITE
    if contrast(palette.primary, WHITE) >= DEEP:
        background = palette.primary
        mark = (
            palette.secondary if contrast(palette.secondary, background) >= MIN_CONTRAST else name
        )
        return fix_contrast(Palette(background, mark, palette.secondary, name))
    background = _deep(palette.primary)
    return fix_contrast(Palette(background, palette.primary, palette.secondary, name))


def is_dark(palette: Palette) -> bool:
    """Whether the palette's background is dark (ink reversed out of it)."""
    return luminance(palette.background) < 0.18
