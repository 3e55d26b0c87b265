"""Design decisions: turning a Brief into candidate LogoSpecs, and describing a spec in words."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace

from logokraft_engine._brief import Brief, brief_words
from logokraft_engine._fonts import FACES, SLOGAN_FACES, Face, covers, drawable, face_for
from logokraft_engine._icons import GEOMETRIC_NAMES, ICONS, choose_icon
from logokraft_engine._palette import Palette, choose_palette
from logokraft_engine._spec import MAX_TEXT, LogoSpec

_AUTO_LAYOUTS = ("icon-left", "icon-top", "emblem", "monogram", "icon-left", "icon-top", "wordmark")
_TYPE_LAYOUTS = {
    "wordmark": ("wordmark",),
    "lettermark": ("monogram",),
    "emblem": ("emblem",),
    "combination": ("icon-left", "icon-top"),
    "abstract": ("icon-left", "icon-top"),
}
_TILE_SHAPES = ("none", "none", "circle", "hexagon", "rounded-square", "circle")
_MARK_SHAPES = ("circle", "rounded-square", "none", "hexagon")
_ACCENTS = ("rule", "frame", "none", "block")
_BADGE_SHAPES = ("circle", "shield", "hexagon", "rounded-square")
_WEIGHT_WORDS = {400: "regular", 500: "medium", 600: "semibold", 700: "bold", 800: "extra-bold"}
_SERIF_CATEGORIES = ("serif", "display")
# Among equally fitting faces, versatile ones come first, characterful ones later.
_CATEGORY_ORDER = {"sans": 0, "geometric": 1, "serif": 2, "rounded": 2, "display": 3, "script": 4}

# Brief words (styles, industries, descriptions) that call for a face mood word.
_MOOD_HINTS: dict[str, frozenset[str]] = {
    mood: frozenset(hints.split())
    for mood, hints in {
        "script": "script cursive calligraphy calligraphic handwriting handwritten signature "
        "lettering brush",
        "handwritten": "handwritten handwriting handlettered",
        "handmade": "handmade homemade artisan artisanal craft crafts crafted bakery bakehouse "
        "patisserie pastry cake cakes cupcake dessert desserts confectionery sweets candle soap "
        "pottery knitting florist flower floral",
        "feminine": "feminine girly beauty salon nail nails lash lashes brow makeup cosmetic "
        "bridal florist",
        "romantic": "romantic wedding weddings bridal love dating",
        "boutique": "boutique bespoke atelier",
        "elegant": "elegant luxury luxurious premium sophisticated upscale refined jewelry "
        "jewellery fashion perfume wine winery hotel spa wedding",
        "luxury": "luxury luxurious premium jewelry jewellery perfume",
        "fashion": "fashion clothing apparel couture",
        "classic": "classic timeless traditional heritage law legal attorney lawyer bank "
        "university academy bistro",
        "vintage": "vintage retro antique barber barbershop",
        "retro": "retro vintage diner",
        "surf": "surf surfing beach tiki",
        "casual": "casual relaxed diner",
        "editorial": "editorial magazine journal news publishing publisher press media",
        "literary": "book books bookstore bookshop library author writer poetry literary",
        "traditional": "traditional heritage family",
        "trustworthy": "law legal attorney accounting insurance finance financial consulting "
        "advisory",
        "warm": "warm cozy cosy",
        "tech": "tech technology software saas ai app digital data cloud cyber robotics crypto "
        "fintech developer",
        "futuristic": "futuristic future space robotics",
        "startup": "startup app saas platform",
        "modern": "modern contemporary",
        "minimal": "minimal minimalist simple",
        "clean": "clean clinic dental medical pharmacy health",
        "corporate": "corporate business consulting finance accounting insurance logistics "
        "enterprise agency professional",
        "neutral": "neutral",
        "playful": "playful fun kids toy toys game games gaming candy party",
        "fun": "fun party",
        "kids": "kids kid children child baby toy toys daycare school",
        "friendly": "friendly pet pets dog cat veterinary vet community family care",
        "bubbly": "bubbly bubble ice cream candy",
        "soft": "soft gentle baby",
        "bold": "bold loud",
        "strong": "strong gym fitness crossfit boxing construction security",
        "sport": "sport sports athletic team club fitness gym",
        "industrial": "industrial construction manufacturing factory steel auto automotive "
        "garage mechanic trucking",
        "urban": "urban street city streetwear",
        "geometric": "geometric",
    }.items()
}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(c for c in text if c.isprintable()).split())[:MAX_TEXT]


def _initials(name: str) -> str:
    """Up to two initials: the first letter or digit of each word that a bundled face can draw."""
    firsts = [
        next((c for c in w if c.isalnum() and face_for(c, "noto-sans")), "") for w in name.split()
    ]
    letters = "".join(c for c in firsts if c)[:2]
    return letters.upper()[:3]


def _moods(found: set[str]) -> set[str]:
    """The face mood words that brief words `found` call for (themselves included)."""
    return found | {mood for mood, hints in _MOOD_HINTS.items() if found & hints}


def _rank_faces(brief: Brief, rng: random.Random, name: str = "") -> list[Face]:
    """Faces best first for the brief: style words count three times industry and description
    words; among equals, versatile kinds (sans, geometric) come before characterful ones
    (display, script), so a brief that says little gets safe type first. Faces that cannot
    draw every letter of `name` themselves come last, and script faces are offered only when
    something in the brief calls for one. The first four (one per candidate) prefer kinds
    (categories) not yet taken, so candidates differ in type unless the brief clearly wants
    two of a kind."""
    found = brief_words(brief)
    wanted = _moods(found["style"])
    context = _moods(found["industry"] | found["description"])
    faces = list(FACES.values())
    rng.shuffle(faces)

    def score(face: Face) -> int:
        return 3 * len(wanted & set(face.mood)) + len(context & set(face.mood))

    eligible = [f for f in faces if not f.script or score(f) > 0]
    ranked = sorted(
        eligible,
        key=lambda f: (not covers(f.slug, name), -score(f), _CATEGORY_ORDER[f.category]),
    )
    # The candidates' four, all different: faces the style words match come first; after them
    # neutral kinds (sans, geometric) rather than characterful ones the style did not ask for
    # (no rounded face for a "bold, strong" brief). Among equals a kind already taken counts
    # 2 points less.
    styled = any(wanted & set(f.mood) for f in ranked)

    def misfit(face: Face) -> tuple[bool, bool]:
        off = styled and not wanted & set(face.mood)
        return off, off and face.category not in _NEUTRAL_KINDS

    first: list[Face] = []
    while len(first) < 4 and len(first) < len(ranked):
        rest = [f for f in ranked if f not in first]
        taken = [f.category for f in first]
        first.append(
            min(
                rest,
                key=lambda f: (
                    not covers(f.slug, name),
                    misfit(f),
                    2 * taken.count(f.category) - score(f),
                ),
            )
        )
    return first + [f for f in ranked if f not in first]


def _layout(brief: Brief, index: int) -> str:
    options = _TYPE_LAYOUTS.get(brief.logo_type or "", _AUTO_LAYOUTS)
    return options[index % len(options)]


def _shape(brief: Brief, layout: str, index: int) -> str:
    if layout in ("monogram", "emblem"):  # the layout's first candidate a circle, then others
        seen = sum(_layout(brief, i) == layout for i in range(index))
        return _BADGE_SHAPES[seen % len(_BADGE_SHAPES)]
    if layout == "mark":
        return _MARK_SHAPES[index % len(_MARK_SHAPES)]
    return "none" if layout == "wordmark" else _TILE_SHAPES[index % len(_TILE_SHAPES)]


def _palette(brief: Brief, layout: str, index: int, rng: random.Random) -> Palette:
    palette = choose_palette(brief, index, rng)
    if layout == "wordmark" and index % 2 == 1:
        return replace(palette, text=palette.primary)  # a coloured wordmark for variety
    return palette


def _case_and_tracking(face: Face, rng: random.Random) -> tuple[str, float]:
    """Letter case and tracking that suit `face`: a script face only in title case and never
    letter-spaced (spacing breaks its joins, capitals of a script are illegible)."""
    if face.script:
        return "title", 0.0
    if face.slug == "oswald":
        cases = ("upper",)
    elif face.category == "rounded":
        cases = ("lower", "title")
    else:
        cases = ("title", "upper")
    case = rng.choice(cases)
    if case == "upper":
        return case, round(rng.uniform(0.04, 0.12), 2)
    return case, -0.01 if face.category not in _SERIF_CATEGORIES else 0.0


def _slogan_face(face: Face) -> str:
    """A sans face for the slogan: the name's own when it is one, else a plain companion."""
    if face.slug in SLOGAN_FACES:
        return face.slug
    return {"script": "montserrat", "rounded": "nunito"}.get(face.category, "inter")


_NEUTRAL_KINDS = ("sans", "geometric")
_LONG_NAME = 26  # characters
_HEAVY_WORDS = {"bold", "strong", "heavy", "industrial", "sport", "sporty", "loud", "impact"}


def _weight(brief: Brief, face: Face, rng: random.Random) -> int:
    """The face's heaviest weight for a bold brief, else one of its weights above the lightest."""
    if brief_words(brief)["style"] & _HEAVY_WORDS:
        return max(face.weights)
    return rng.choice(face.weights[1:] or face.weights)


def design_spec(brief: Brief, *, index: int, seed: int) -> LogoSpec:
    """Candidate number `index` for `brief`; the same inputs always give the same spec.

    A name no bundled face can draw (only CJK or emoji, say) gets icon-only candidates, since
    drawing it would mean boxes.
    """
    name = _clean(brief.brand_name)
    if not name:
        raise ValueError("brand_name must not be empty")
    rng = random.Random(f"{seed}:{index}:{name}")
    seed_rng = random.Random(f"{seed}:{name}")  # shared by all candidates of one brief
    face = _rank_faces(brief, seed_rng, name)[index % 4]
    layout = _layout(brief, index) if drawable(name, face.slug) else "mark"
    if layout == "icon-left" and len(name) > _LONG_NAME:
        layout = "icon-top"  # beside an icon a long name would be set too small to read
    case, tracking = _case_and_tracking(face, rng)
    icon = ""
    if layout in ("icon-left", "icon-top", "emblem", "mark"):
        icon = choose_icon(brief, index, seed_rng)
        if brief.logo_type == "abstract":
            icon = GEOMETRIC_NAMES[(index + seed_rng.randrange(3)) % len(GEOMETRIC_NAMES)]
    return LogoSpec(
        layout=layout,
        icon=icon,
        font=face.slug,
        weight=_weight(brief, face, rng),
        letter_case=case,
        tracking=float(tracking),
        slogan_font=_slogan_face(face),
        palette=_palette(brief, layout, index, rng),
        shape=_shape(brief, layout, index),
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
    subject = f'"{spec.name}"' + (f" ({about})" if about else "")
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
    if FACES[spec.font].script and spec.letter_case != "lower":
        case = ""  # a script is set as written: never in caps (see _layout.name_text)
    color = spec.palette.background if spec.layout == "emblem" else spec.palette.text
    face = FACES[spec.font].phrase
    phrase = f"the name set in {_article(weight)} {weight} {face} {case} in {color}"
    return phrase.replace("  ", " ")


def _color_word(color: str) -> str:
    return "white" if color == "#ffffff" else color
