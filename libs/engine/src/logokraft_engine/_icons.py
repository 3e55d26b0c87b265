"""Icons: the built-in icon set (drawn in a 100×100 box) and keyword-based icon choice."""

from __future__ import annotations

import random
from dataclasses import dataclass

from logokraft_engine._brief import Brief, brief_words
from logokraft_engine._geometry import ellipse, gear, num, polygon, regular, rounded_rect, star

STROKE = 8.0


@dataclass(frozen=True)
class Icon:
    """One icon: filled (even-odd) and stroked path parts in a 100×100 box."""

    name: str
    phrase: str
    keywords: frozenset[str]
    fills: tuple[str, ...] = ()
    strokes: tuple[str, ...] = ()


def _icon(name: str, phrase: str, keywords: str, fills=(), strokes=()) -> Icon:
    return Icon(name, phrase, frozenset(keywords.split()), tuple(fills), tuple(strokes))


_ICONS: tuple[Icon, ...] = (
    _icon(
        "cup",
        "coffee cup",
        "coffee cafe bakery patisserie espresso roastery roaster tea latte barista drink",
        fills=["M20 38H70V60Q70 82 45 82Q20 82 20 60Z", rounded_rect(12, 86, 68, 7, 3.5)],
        strokes=[
            "M70 46H75Q86 46 86 56Q86 66 75 66H70",
            "M36 12Q30 18 36 24Q42 30 36 32",
            "M54 12Q48 18 54 24Q60 30 54 32",
        ],
    ),
    _icon(
        "leaf",
        "leaf",
        "organic eco green garden plant nature vegan botanical farm herbal "
        "sustainable environment natural wellness tea",
        fills=["M20 76C20 42 42 20 78 18Z", "M26 82C60 82 84 60 84 24Z"],
        strokes=["M20 80L10 90"],
    ),
    _icon(
        "shield",
        "shield",
        "security secure insurance protect protection safe safety guard "
        "defense cyber law legal trust",
        fills=[
            "M50 6L86 18V46C86 70 70 86 50 95C30 86 14 70 14 46V18Z"
            "M28 52L36 44L45 53L65 33L73 41L45 69Z"
        ],
    ),
    _icon(
        "bolt",
        "lightning bolt",
        "energy electric electrical power fast battery charge solar fitness gym speed",
        fills=["M58 4L18 56H46L40 96L82 40H54Z"],
    ),
    _icon(
        "star",
        "star",
        "star award premium entertainment event rating celebrity kids quality review best",
        fills=[star(50, 53, 47, 20)],
    ),
    _icon(
        "heart",
        "heart",
        "love care charity dating wedding nonprofit health caring kind romance family",
        fills=[
            "M50 88C50 88 10 64 10 36C10 21 21 11 34 11C42 11 47 15 50 21"
            "C53 15 58 11 66 11C79 11 90 21 90 36C90 64 50 88 50 88Z"
        ],
    ),
    _icon(
        "house",
        "house",
        "real estate home property realty construction interior "
        "architecture mortgage housing rental builder",
        fills=["M50 8L92 46H80V90H20V46H8Z M42 90V64H58V90Z"],
    ),
    _icon(
        "camera",
        "camera",
        "photo photography photographer film studio video media camera cinema",
        fills=["M8 32H30L37 20H63L70 32H92V82H8Z" + ellipse(50, 56, 17), ellipse(50, 56, 9)],
    ),
    _icon(
        "chart",
        "rising bar chart",
        "finance financial analytics consulting data "
        "marketing accounting investment invest bank growth business capital",
        fills=[
            rounded_rect(12, 64, 18, 28, 2),
            rounded_rect(41, 50, 18, 42, 2),
            rounded_rect(70, 34, 18, 58, 2),
            polygon([(66, 6), (92, 6), (92, 30)]),
        ],
        strokes=["M14 46L38 26L54 36L82 14"],
    ),
    _icon(
        "paw",
        "paw print",
        "pet pets dog cat vet veterinary animal grooming puppy kitten",
        fills=[
            ellipse(50, 68, 21, 18),
            ellipse(22, 44, 9, 11),
            ellipse(39, 25, 9, 12),
            ellipse(61, 25, 9, 12),
            ellipse(78, 44, 9, 11),
        ],
    ),
    _icon(
        "gear",
        "gear",
        "engineering engineer manufacturing industrial automotive mechanic "
        "repair machine machinery tools service automation",
        fills=[gear(50, 50, 46, 35, 8) + ellipse(50, 50, 15)],
    ),
    _icon(
        "wave",
        "ocean wave",
        "ocean sea surf water beach marine swim pool travel boat sailing aqua",
        strokes=[
            "M8 34Q18 24 29 34T50 34T71 34T92 34",
            "M8 54Q18 44 29 54T50 54T71 54T92 54",
            "M8 74Q18 64 29 74T50 74T71 74T92 74",
        ],
    ),
    _icon(
        "mountain",
        "mountain peak",
        "outdoor outdoors adventure hiking climbing ski "
        "camping travel mountain trek expedition alpine",
        fills=["M2 86L36 30L52 56L64 40L98 86Z", ellipse(78, 20, 9)],
    ),
    _icon(
        "spark",
        "four-point spark",
        "creative design agency ai innovation beauty magic startup studio idea cosmetics clean",
        fills=[
            "M44 8C47 36 56 45 84 48C56 51 47 60 44 90C41 60 32 51 4 48C32 45 41 36 44 8Z",
            "M80 6C81 15 84 18 94 19C84 20 81 23 80 32C79 23 76 20 66 19C76 18 79 15 80 6Z",
        ],
    ),
    _icon(
        "book",
        "open book",
        "education school learning library books book publishing "
        "academy tutoring course university",
        fills=[
            "M46 24C36 16 22 14 6 16V80C22 78 36 80 46 88Z",
            "M54 24C64 16 78 14 94 16V80C78 78 64 80 54 88Z",
        ],
    ),
    _icon(
        "code",
        "code brackets",
        "software developer development code coding programming "
        "web app saas devops tech technology it",
        strokes=["M32 26L10 50L32 74", "M68 26L90 50L68 74", "M57 18L43 82"],
    ),
    _icon(
        "utensils",
        "fork and knife",
        "restaurant food kitchen catering dining bistro chef eatery diner grill",
        fills=["M64 92V8C80 16 82 42 74 56H70V92Z"],
        strokes=["M26 8V36Q26 44 34 44Q42 44 42 36V8", "M34 8V92"],
    ),
    _icon(
        "music",
        "pair of music notes",
        "music musician band audio sound record studio podcast dj song",
        fills=[
            ellipse(30, 76, 14, 11),
            ellipse(72, 66, 14, 11),
            "M40 24L86 12V66H80V24L46 34V76H40Z",
        ],
    ),
)
_GEOMETRIC: tuple[Icon, ...] = (
    _icon(
        "circle-mark",
        "geometric circle mark",
        "",
        fills=[ellipse(50, 50, 46) + ellipse(50, 50, 32), ellipse(50, 50, 16)],
    ),
    _icon(
        "hexagon-mark",
        "geometric hexagon mark",
        "",
        fills=[regular(50, 50, 47, 6) + regular(50, 50, 33, 6), regular(50, 50, 17, 6)],
    ),
    _icon(
        "diamond-mark",
        "geometric diamond mark",
        "",
        fills=[regular(50, 50, 48, 4) + regular(50, 50, 32, 4), regular(50, 50, 15, 4)],
    ),
)
ICONS: dict[str, Icon] = {icon.name: icon for icon in _ICONS + _GEOMETRIC}
GEOMETRIC_NAMES = tuple(icon.name for icon in _GEOMETRIC)


def rank_icons(brief: Brief) -> list[str]:
    """Names of keyword-matching icons, best first (industry counts most, then description)."""
    found = brief_words(brief)
    weights = {"industry": 3, "description": 2, "style": 1}
    scores = {
        icon.name: sum(w * len(found[k] & icon.keywords) for k, w in weights.items())
        for icon in _ICONS
    }
    ranked = sorted((name for name, s in scores.items() if s > 0), key=lambda n: -scores[n])
    return ranked[:3]


def choose_icon(brief: Brief, index: int, rng: random.Random) -> str:
    """The icon for candidate `index`: alternate the best matches, geometric marks as filler."""
    pool = rank_icons(brief)
    geometric = list(GEOMETRIC_NAMES)
    rng.shuffle(geometric)
    if len(pool) == 1:
        pool = [pool[0], pool[0], pool[0], geometric[0]]
    return (pool or geometric)[index % len(pool or geometric)]


def icon_svg(name: str, x: float, y: float, size: float, color: str) -> str:
    """SVG for icon `name` drawn in `color` in the square at (x, y) with side `size`."""
    icon = ICONS[name]
    parts = [f'<path d="{d}" fill="{color}" fill-rule="evenodd"/>' for d in icon.fills]
    parts += [
        f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{num(STROKE)}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        for d in icon.strokes
    ]
    transform = f"translate({num(x)} {num(y)}) scale({num(size / 100)})"
    return f'<g transform="{transform}">{"".join(parts)}</g>'
