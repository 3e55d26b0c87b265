"""Colour editing: colour words to hex, and palette changes that keep every colour readable."""

from __future__ import annotations

import colorsys
from dataclasses import replace

import webcolors

from logokraft_engine._palette import (
    SECONDARY_CONTRAST,
    WHITE,
    Palette,
    contrast,
    ensure_contrast,
    fix_contrast,
    luminance,
    to_hex,
    to_rgb,
)

# Common colour words that are not CSS names, keyed like CSS names (words joined).
_EXTRA_NAMES = {
    "navyblue": "#000080",
    "burgundy": "#800020",
    "charcoal": "#36454f",
    "mint": "#3eb489",
    "sage": "#87a96b",
    "mustard": "#e1ad01",
    "rust": "#b7410e",
    "terracotta": "#e2725b",
    "emerald": "#50c878",
    "cream": "#fffdd0",
    "ochre": "#cc7722",
    "ruby": "#9b111e",
    "sapphire": "#0f52ba",
    "cobalt": "#0047ab",
    "jade": "#00a86b",
    "bronze": "#cd7f32",
    "copper": "#b87333",
    "lilac": "#c8a2c8",
    "mauve": "#e0b0ff",
    "peach": "#ffcba4",
    "wine": "#722f37",
}
COLOR_NAMES: dict[str, str] = {
    **{name: webcolors.name_to_hex(name) for name in webcolors.names("css3")},
    **_EXTRA_NAMES,
}
# Words that shade a following colour word: "deep blue", "light navy".
SHADE_WORDS = {
    "dark": -0.12,
    "darker": -0.12,
    "deep": -0.12,
    "deeper": -0.12,
    "rich": -0.08,
    "light": 0.15,
    "lighter": 0.15,
    "pale": 0.2,
    "paler": 0.2,
    "soft": 0.1,
    "pastel": 0.22,
    "bright": 0.0,
    "brighter": 0.0,
    "vivid": 0.0,
    "neon": 0.0,
}
_REVERSE_ABOVE = 0.75  # a requested mark colour lighter than this goes on a dark background
WARM_HUE, COOL_HUE = 30.0, 215.0


def hls(color: str) -> tuple[float, float, float]:
    """Hue (degrees), lightness and saturation of a '#rrggbb' colour."""
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
    return h * 360, lightness, s


def from_hls(hue: float, lightness: float, saturation: float) -> str:
    """A '#rrggbb' colour from hue (degrees), lightness and saturation (clamped to 0..1)."""
    light, sat = (min(1.0, max(0.0, v)) for v in (lightness, saturation))
    return to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb((hue % 360) / 360, light, sat)))


def adjust(color: str, *, dh: float = 0.0, dl: float = 0.0, ds: float = 0.0) -> str:
    """`color` with hue, lightness and saturation moved by the given amounts."""
    h, lightness, s = hls(color)
    return from_hls(h + dh, lightness + dl, s + ds)


def shaded(color: str, word: str) -> str:
    """`color` changed by a shade word from SHADE_WORDS ('bright' words saturate)."""
    change = SHADE_WORDS.get(word, 0.0)
    if word == "neon":  # a glow: fully saturated, mid lightness ("neon green" is not web green)
        hue, lightness, _ = hls(color)
        pink = (hue >= 330 or hue < 10) and lightness > 0.7
        return from_hls(320.0 if pink else hue, 0.55, 1.0)  # neon pink is a magenta
    return adjust(color, dl=change) if change else adjust(color, ds=0.35)


def toward_hue(color: str, target: float, step: float = 28.0) -> str:
    """`color` with its hue moved up to `step` degrees toward `target`; greys get a tint."""
    h, lightness, s = hls(color)
    if s < 0.08:
        return from_hls(target, lightness, 0.25 if 0.05 < lightness < 0.95 else s)
    delta = (target - h + 180) % 360 - 180
    return from_hls(h + max(-step, min(step, delta)), lightness, s)


def distance(a: str, b: str) -> int:
    """Sum of absolute RGB channel differences: above ~30 the change is plainly visible."""
    return sum(abs(x - y) for x, y in zip(to_rgb(a), to_rgb(b), strict=True))


def _map_foreground(palette: Palette, change) -> Palette:
    """`palette` with `change` applied to primary, secondary and text, contrast repaired."""
    return fix_contrast(
        replace(
            palette,
            primary=change(palette.primary),
            secondary=change(palette.secondary),
            text=change(palette.text),
        )
    )


def warmer(palette: Palette) -> Palette:
    """Hues moved toward orange."""
    return _map_foreground(palette, lambda c: toward_hue(c, WARM_HUE))


def cooler(palette: Palette) -> Palette:
    """Hues moved toward blue."""
    return _map_foreground(palette, lambda c: toward_hue(c, COOL_HUE))


def darker(palette: Palette) -> Palette:
    """Darker colours."""
    return _map_foreground(palette, lambda c: adjust(c, dl=-0.12))


def lighter(palette: Palette) -> Palette:
    """Lighter, slightly brighter colours (as far as contrast allows)."""
    return _map_foreground(palette, lambda c: adjust(c, dl=0.14, ds=0.1))


def vivid(palette: Palette) -> Palette:
    """More saturated colours."""
    return _map_foreground(palette, lambda c: adjust(c, ds=0.3))


def muted(palette: Palette) -> Palette:
    """Less saturated colours."""
    return _map_foreground(palette, lambda c: adjust(c, ds=-hls(c)[2] * 0.55))


def grayscale(palette: Palette) -> Palette:
    """Every colour as a grey of the same lightness."""
    return fix_contrast(
        Palette(*(from_hls(0, hls(c)[1], 0) for c in (palette.background, *_foreground(palette))))
    )


def black_and_white(palette: Palette) -> Palette:
    """Black on white, or white on black when the background is dark."""
    if luminance(palette.background) < 0.18:
        return Palette("#000000", WHITE, "#bdbdbd", WHITE)
    return Palette(WHITE, "#000000", "#595959", "#000000")


def monochrome(palette: Palette) -> Palette:
    """Shades of the primary colour only."""
    h, lightness, s = hls(palette.primary)
    dark = luminance(palette.background) >= 0.18
    secondary = from_hls(h, lightness + (0.18 if dark else -0.18), s * 0.8)
    text = from_hls(h, min(lightness, 0.22) if dark else max(lightness, 0.85), s)
    return fix_contrast(replace(palette, secondary=secondary, text=text))


def hue_shift(palette: Palette, degrees: float) -> Palette | None:
    """Primary and secondary hues rotated by `degrees`; None for a palette of greys."""
    if max(hls(palette.primary)[2], hls(palette.secondary)[2]) < 0.12:
        return None
    return fix_contrast(
        replace(
            palette,
            primary=adjust(palette.primary, dh=degrees),
            secondary=adjust(palette.secondary, dh=degrees),
        )
    )


def dark_background(palette: Palette) -> Palette:
    """The logo reversed onto a very dark shade of its primary colour."""
    h, _, s = hls(palette.primary)
    background = from_hls(h, 0.11, min(s, 0.55))
    return fix_contrast(replace(palette, background=background, text=WHITE))


def light_background(palette: Palette) -> Palette:
    """The logo on white again."""
    return fix_contrast(replace(palette, background=WHITE))


def _foreground(palette: Palette) -> tuple[str, str, str]:
    return palette.primary, palette.secondary, palette.text


def shade_of(color: str, step: int, background: str | None) -> str:
    """Shade number `step` (1, 2, …) of `color`, visibly different from it and readable on
    `background` (None: `color` is the background itself)."""

    def readable(c: str) -> str:
        return c if background is None else ensure_contrast(c, background)

    offsets = (0.09, -0.07, 0.16, -0.12, 0.22, -0.17)
    start = (step - 1) % len(offsets)
    for offset in offsets[start:] + offsets[:start]:
        candidate = readable(adjust(color, dl=offset))
        if distance(candidate, color) >= 30:
            return candidate
    return readable(adjust(color, ds=-0.4))


def recolor(palette: Palette, color: str, role: str) -> Palette:
    """`palette` with `color` in `role`, every foreground colour kept readable.

    Roles: "mark" (primary, with the text following as the colour or a readable shade of it),
    "primary" (the mark only), "text", "secondary" and "background". A near-white colour asked
    for the mark or the text on a light background reverses the logo onto a dark background.
    """
    if role == "background":
        return fix_contrast(replace(palette, background=color))
    if role in ("mark", "primary", "text") and _needs_dark_background(color, palette):
        palette = replace(palette, background=_dark_partner(palette, color))
    bg = palette.background
    if role == "mark":
        return replace(
            palette,
            primary=ensure_contrast(color, bg),
            text=ensure_contrast(color, bg, 4.5),
            secondary=ensure_contrast(palette.secondary, bg, SECONDARY_CONTRAST),
        )
    changed = replace(palette, **{role: color})
    return fix_contrast(changed)


def _needs_dark_background(color: str, palette: Palette) -> bool:
    return luminance(color) > _REVERSE_ABOVE and luminance(palette.background) > 0.5


def _dark_partner(palette: Palette, color: str) -> str:
    """A dark background for a light `color`: the darkest palette colour, darkened further."""
    darkest = min(_foreground(palette), key=luminance)
    h, lightness, s = hls(darkest)
    candidate = from_hls(h, min(lightness, 0.14), min(s, 0.6))
    return candidate if contrast(candidate, color) >= 4.5 else "#111111"
