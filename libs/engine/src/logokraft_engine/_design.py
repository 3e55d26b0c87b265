"""Design decisions: turning a Brief into candidate LogoSpecs, and describing a spec in words."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace

from logokraft_engine._brief import Brief, brief_words
from logokraft_engine._fonts import FACES, SLOGAN_FACES, Face
from logokraft_engine._icons import GEOMETRIC_NAMES, ICONS, choose_icon
from logokraft_engine._palette import Palette, choose_palette
from logokraft_engine._spec import MAX_TEXT, LogoSpec

_AUTO_LAYOUTS = ("icon-left", "icon-top", "emblem", "icon-left", "monogram", "icon-top", "wordmark")
_TYPE_LAYOUTS = {
    "wordmark": ("wordmark",),
    "lettermark": ("monogram",),
    "emblem": ("emblem",),
    "combination": ("icon-left", "icon-top"),
    "abstract": ("icon-left", "icon-top"),
}
_TILE_SHAPES = ("none", "rounded-square", "circle", "hexagon", "none", "circle")
_ACCENTS = ("rule", "frame", "none", "block")
_BADGE_SHAPES = ("circle", "shield", "hexagon", "rounded-square")
_WEIGHT_WORDS = {400: "regular", 500: "medium", 600: "semibold", 700: "bold", 800: "extra-bold"}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(c for c in text if c.isprintable()).split())[:MAX_TEXT]


def _initials(name: str) -> str:
    firsts = [next((c for c in w if c.isalnum()), "") for w in name.split()]
    letters = "".join(c for c in firsts if c)[:2] or name[:1]
    return letters.upper()[:3]


def _rank_faces(brief: Brief, rng: random.Random) -> list[Face]:
    found = brief_words(brief)
    wanted = found["style"]
    context = found["industry"] | found["description"]
    faces = list(FACES.values())
    rng.shuffle(faces)
    return sorted(
        faces, key=lambda f: -(2 * len(wanted & set(f.mood)) + len(context & set(f.mood)))
    )


def _layout(brief: Brief, index: int) -> str:
    options = _TYPE_LAYOUTS.get(brief.logo_type or "", _AUTO_LAYOUTS)
    return options[index % len(options)]


def _shape(layout: str, index: int) -> str:
    if layout in ("monogram", "emblem"):
        return _BADGE_SHAPES[index % len(_BADGE_SHAPES)]
    return "none" if layout == "wordmark" else _TILE_SHAPES[index % len(_TILE_SHAPES)]


def _palette(brief: Brief, layout: str, index: int, rng: random.Random) -> Palette:
    palette = choose_palette(brief, index, rng)
    if layout == "wordmark" and index % 2 == 1:
        return replace(palette, text=palette.primary)  # a coloured wordmark for variety
    return palette


def _case_and_tracking(face: Face, rng: random.Random) -> tuple[str, float]:
    if face.slug == "oswald":
        cases = ("upper",)
    elif face.slug == "nunito":
        cases = ("lower", "title")
    else:
        cases = ("title", "upper")
    case = rng.choice(cases)
    if case == "upper":
        return case, round(rng.uniform(0.04, 0.12), 2)
    return case, -0.01 if face.slug not in ("playfair-display", "dm-serif-display") else 0.0


def design_spec(brief: Brief, *, index: int, seed: int) -> LogoSpec:
    """Candidate number `index` for `brief`; the same inputs always give the same spec."""
    name = _clean(brief.brand_name)
    if not name:
        raise ValueError("brand_name must not be empty")
    rng = random.Random(f"{seed}:{index}:{name}")
    seed_rng = random.Random(f"{seed}:{name}")  # shared by all candidates of one brief
    layout = _layout(brief, index)
    face = _rank_faces(brief, seed_rng)[index % 4]
    case, tracking = _case_and_tracking(face, rng)
    icon = ""
    if layout in ("icon-left", "icon-top", "emblem"):
        icon = choose_icon(brief, index, seed_rng)
        if brief.logo_type == "abstract":
            icon = GEOMETRIC_NAMES[(index + seed_rng.randrange(3)) % len(GEOMETRIC_NAMES)]
    return LogoSpec(
        layout=layout,
        icon=icon,
        font=face.slug,
        weight=rng.choice(face.weights[1:] or face.weights),
        letter_case=case,
        tracking=float(tracking),
        slogan_font=face.slug if face.slug in SLOGAN_FACES else "inter",
        palette=_palette(brief, layout, index, rng),
        shape=_shape(layout, index),
        name=name,
        slogan=_clean(brief.slogan),
        initials=_initials(name),
        accent=_ACCENTS[index % len(_ACCENTS)] if layout == "wordmark" else "rule",
    )


def describe_spec(spec: LogoSpec, brief: Brief) -> str:
    """A prompt describing this logo for an image model."""
    kind = {
        "icon-left": "combination",
        "icon-top": "combination",
        "monogram": "lettermark",
        "mark": "icon-only",
    }
    about = brief.industry.strip() or brief.description.strip()[:80]
    subject = f'"{spec.name}"' + (f", {_article(about)} {about}" if about else "")
    parts = [
        f"Flat vector {kind.get(spec.layout, spec.layout)} logo for {subject}: "
        f"{_mark_phrase(spec)}, {_type_phrase(spec)}"
    ]
    if spec.slogan and spec.layout != "mark":
        parts.append(
            f', tagline "{spec.slogan}" in small spaced capitals in {spec.palette.secondary} below'
        )
    parts.append(
        f", {_color_word(spec.palette.background)} background, centered, "
        "clean professional brand identity, no mockup, no gradients, no shadows."
    )
    return "".join(parts)


def _article(text: str) -> str:
    return "an" if text[:1].lower() in "aeiou" else "a"


def _mark_phrase(spec: LogoSpec) -> str:
    p = spec.palette
    icon = ICONS[spec.icon].phrase if spec.icon else ""
    shape = spec.shape.replace("-", " ")
    if spec.layout == "wordmark":
        accent = {
            "rule": f" with a short {p.secondary} accent rule beneath",
            "frame": f" inside a thin {p.primary} rounded frame",
        }.get(spec.accent, "")
        return f"a custom wordmark{accent}"
    if spec.layout == "monogram":
        return f'the monogram "{spec.initials}" reversed out of a {p.primary} {shape}, name below'
    if spec.layout == "emblem":
        return f"a {p.primary} {shape} badge holding a small white {icon} and the name"
    if spec.layout == "mark":
        return _symbol_phrase(spec)
    tile = f" reversed out of a {p.primary} {shape}" if spec.shape != "none" else f" in {p.primary}"
    where = "beside" if spec.layout == "icon-left" else "above"
    return f"a minimal {icon} icon{tile} {where} the wordmark"


def _symbol_phrase(spec: LogoSpec) -> str:
    """The mark layout: the icon (or the initials) alone, large and centred."""
    p = spec.palette
    shape = (spec.shape if spec.shape != "none" else "circle").replace("-", " ")
    if not spec.icon:
        return f'the initials "{spec.initials}" reversed out of a large {p.primary} {shape}'
    if spec.shape == "none":
        return f"a single bold {ICONS[spec.icon].phrase} symbol in {p.primary}"
    return f"a single bold {ICONS[spec.icon].phrase} symbol reversed out of a {p.primary} {shape}"


def _type_phrase(spec: LogoSpec) -> str:
    if spec.layout == "mark":
        return "symbol only, no name, no text or lettering anywhere"
    weight = _WEIGHT_WORDS.get(spec.weight, "heavy" if spec.weight > 800 else "light")
    case = {
        "upper": "in all caps with generous letter-spacing",
        "lower": "in lower case",
        "title": "in title case",
    }.get(spec.letter_case, "")
    color = spec.palette.background if spec.layout == "emblem" else spec.palette.text
    return f"the name set in a {weight} {FACES[spec.font].phrase} {case} in {color}".replace(
        "  ", " "
    )


def _color_word(color: str) -> str:
    return "white" if color == "#ffffff" else color
