"""Colours of a kit: plain names, the palette list, and ink remapped for another background."""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass
from functools import lru_cache

import webcolors

from logokraft_engine._palette import (
    clean_hex,
    contrast,
    ensure_contrast,
    luminance,
    to_hex,
    to_rgb,
)
from logokraft_engine._recolor import _EXTRA_NAMES

WHITE = "#ffffff"
READABLE = 3.0  # WCAG contrast a logo colour needs against the background it sits on
KNOCKOUT = 1.35  # a colour this close to the design's paper is a reversed-out detail

# Common colour words beyond CSS, so a palette reads "navy", "charcoal", "teal", "cream".
_COMMON = {
    # The engine's own colour words (one-word keys; "navyblue" is CSS's navy spelled out).
    **{name: hex_ for name, hex_ in _EXTRA_NAMES.items() if name != "navyblue"},
    "espresso": "#4e312d",
    "forest green": "#228b22",
    "deep navy": "#0a2540",
    "midnight blue": "#191970",
    "off-white": "#f8f6f0",
    "near black": "#1a1a1a",
}


@lru_cache(maxsize=1)
def _name_table() -> tuple[tuple[str, tuple[float, float, float]], ...]:
    table: dict[str, str] = {}
    for name in webcolors.names("css3"):
        hex_ = webcolors.name_to_hex(name)
        if name.endswith("grey") or name in ("aqua", "fuchsia"):
            continue  # the "gray" spellings and cyan/magenta stand for these
        table.setdefault(hex_, _spaced(name))
    for name, hex_ in _COMMON.items():
        table[hex_] = name
    return tuple((name, _lab(hex_)) for hex_, name in table.items())


_WORDS = (
    "dark",
    "light",
    "medium",
    "pale",
    "slate",
    "sea",
    "sky",
    "steel",
    "royal",
    "navy",
    "forest",
    "lawn",
    "lime",
    "olive",
    "spring",
    "midnight",
    "cornflower",
    "dodger",
    "powder",
    "cadet",
    "rosy",
    "indian",
    "hot",
    "deep",
    "misty",
    "lemon",
    "blanched",
    "antique",
    "floral",
    "ghost",
    "old",
    "papaya",
    "alice",
    "lavender",
    "mint",
    "navajo",
    "peach",
    "dim",
    "white",
    "blue",
    "green",
    "red",
    "yellow",
    "orange",
    "violet",
    "pink",
    "purple",
    "gray",
    "brown",
    "cyan",
    "magenta",
    "golden",
    "goldenrod",
    "turquoise",
    "orchid",
    "salmon",
    "khaki",
    "aquamarine",
    "wood",
    "smoke",
    "saddle",
    "sandy",
    "chiffon",
    "blush",
    "cream",
    "puff",
    "whip",
    "lace",
    "almond",
    "sand",
)


def _spaced(css: str) -> str:
    """'darkslateblue' → 'dark slate blue' (greedy split on known words)."""
    out, rest = [], css
    while rest:
        for word in sorted(_WORDS, key=len, reverse=True):
            if rest.startswith(word):
                out.append(word)
                rest = rest[len(word) :]
                break
        else:
            out.append(rest)
            rest = ""
    return " ".join(out)


def _lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a '#rrggbb' colour."""

    def lin(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in to_rgb(color))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def color_name(color: str) -> str:
    """The nearest plain colour name (CSS names and common words like "charcoal"), by ΔE76."""
    target = _lab(color)
    return min(_name_table(), key=lambda item: math.dist(item[1], target))[0]


@dataclass(frozen=True)
class BrandColor:
    """One colour of the brief: '#rrggbb' (or any hex/CSS name the engine parses) and, when
    the customer named it, that name."""

    hex: str
    name: str = ""


@dataclass(frozen=True)
class KitColor:
    """One entry of palette.json."""

    hex: str
    name: str
    role: str  # "primary", "secondary", "text", "accent", "background" or "brief"
    share: float = 0.0  # share of the logo's ink (vectorised rasters), 0 when unknown

    def to_dict(self) -> dict:
        """The JSON entry: hex, rgb, name, role (and share when measured)."""
        out = {"hex": self.hex, "rgb": list(to_rgb(self.hex)), "name": self.name, "role": self.role}
        if self.share:
            out["share"] = round(self.share, 4)
        return out


def named_palette(
    logo: list[tuple[str, str, float]], brief: tuple[BrandColor, ...] = ()
) -> list[KitColor]:
    """palette.json's entries: the logo's own colours (hex, role, share), each named after a
    close brief colour when the customer named one (else its nearest plain name), then the
    brief's colours that the logo does not use, with role "brief"."""
    wanted = []
    for color in brief:
        hex_ = clean_hex(color.hex) or _css(color.hex)
        if hex_:
            wanted.append((hex_, color.name.strip() or color_name(hex_)))
    out: list[KitColor] = []
    seen: set[str] = set()
    for hex_, role, share in logo:
        if hex_ in seen:
            continue
        seen.add(hex_)
        near = [(math.dist(_lab(hex_), _lab(h)), n) for h, n in wanted if n]
        close = [n for d, n in sorted(near) if d < 6.0]
        out.append(KitColor(hex_, close[0] if close else color_name(hex_), role, share))
    for hex_, name in wanted:
        if hex_ not in seen and all(math.dist(_lab(hex_), _lab(h)) >= 6.0 for h in seen):
            seen.add(hex_)
            out.append(KitColor(hex_, name, "brief"))
    return out


def _css(value: str) -> str | None:
    try:
        return webcolors.name_to_hex(value.strip().lower().replace(" ", ""))
    except ValueError:
        return None


def dark_background(primary: str) -> str:
    """The kit's dark background: a deep shade of the primary's hue (near black for greys)."""
    h, _, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(primary)))
    return to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, 0.09, min(s, 0.45))))


def remap_for(colors: set[str], background: str, paper: str = WHITE) -> dict[str, str]:
    """How each colour of a logo designed on `paper` is repainted to sit on `background`.

    A colour that would vanish on `background` (contrast < 3:1) moves to the other side of it:
    near-neutral darks become white (or black on a light background), others keep their hue and
    change lightness until they read. When any ink moved, details reversed out of it (painted in
    the paper colour, or anything within 1.35:1 of it) take the background colour, so they stay
    cut out of the ink that now surrounds them in the new colour.
    """
    dark = luminance(background) < 0.18
    mapping: dict[str, str] = {}
    for color in colors:
        if contrast(color, background) >= READABLE:
            continue
        if contrast(color, paper) < KNOCKOUT and contrast(paper, background) >= READABLE:
            continue  # handled below, as a knockout
        _, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
        if saturation < 0.15 or lightness < 0.08 or lightness > 0.92:
            mapping[color] = WHITE if dark else "#111111"
        else:
            mapping[color] = ensure_contrast(color, background, 4.5)
    if mapping and contrast(paper, background) >= READABLE:
        for color in colors:
            if color not in mapping and contrast(color, paper) < KNOCKOUT:
                mapping[color] = background
    return mapping
