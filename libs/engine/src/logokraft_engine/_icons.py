"""Icons: a curated catalogue of Tabler icons (MIT), geometric marks, and keyword-based choice.

Catalogue icons come from the `tablerpy` package (Tabler Icons, MIT, see
`libs/engine/licenses/tabler-icons.txt`); which icons, how a designer would describe them and the
words they suit are listed in `_icon_tags`. An icon's SVG file is read and parsed only the first
time it is drawn, then cached. Filled icons are drawn as solid shapes; outline icons (used where
no filled icon fits) as strokes heavier than Tabler's default, so they stay legible at 32 px.
A few trades Tabler has no icon for (a kebab, a chimney sweep, a zoo, …) are catalogue drawings
of the engine's own (`_drawn`), fitted to their box like the Tabler icons. The hand-drawn
geometric marks are the "abstract" logo type and the fallback when nothing fits.
"""

from __future__ import annotations

import importlib.util
import math
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import emoji

from logokraft_engine._brief import Brief, fold, words
from logokraft_engine._drawn import DRAWN
from logokraft_engine._geometry import ellipse, num, regular, rounded_rect, star
from logokraft_engine._icon_tags import (
    CATALOGUE,
    EXCLUDED_TAGS,
    GENERIC_WORDS,
    NOT_KEYWORDS,
    QUALIFIED_TAGS,
)
from logokraft_engine._reading import aside_words, negated_words, read_phrases, singulars

STROKE = 8.0  # stroke width of the hand-drawn marks, on their 100-unit grid
OUTLINE_STROKE = 2.4  # stroke width of outline icons, on Tabler's 24-unit grid (Tabler: 2)
# Where a word is. "emoji": the names of the emoji in the brief's name, slogan and
# description ("Rosie's 🌸 Florist": cherry blossom), a picture the client chose.
WEIGHTS = {"industry": 4.0, "description": 2.0, "emoji": 2.0, "style": 1.0, "name": 1.0}
NAME_MATCH = 1.5  # a brief word naming the icon ("camera") counts more than a tag ("photo")
GENERIC_MATCH = 0.25  # a generic word ("school", "studio", "shop") counts less than "sailing"
POOL_SIZE = 4  # at most this many icons are shared out among the candidates of a brief
POOL_SHARE = 0.4  # icons scoring under this share of the best one are not offered
ASIDE = 0.25  # the weight of an icon the description mentions aside from the trade


@dataclass(frozen=True)
class Icon:
    """One icon: a Tabler source icon ("filled/mug"), or hand-drawn paths in a 100×100 box."""

    name: str
    phrase: str  # how a designer would describe it: "steaming coffee cup"
    keywords: frozenset[str]  # its tags and the words of its names
    fills: tuple[str, ...] = ()  # hand-drawn: filled (even-odd) path data
    strokes: tuple[str, ...] = ()  # hand-drawn: stroked path data
    # Tabler icon as "filled/<name>" or "outline/<name>"; "drawn/<name>" for a catalogue
    # drawing of `_drawn`; "" for a geometric mark
    source: str = ""
    tags: frozenset[str] = frozenset()  # the curated words it suits
    name_words: frozenset[str] = frozenset()  # words of its catalogue name

    @property
    def filled(self) -> bool:
        """Whether the icon is drawn as solid shapes (not as outline strokes)."""
        return not self.source.startswith("outline/")


def _name_words(*names: str) -> frozenset[str]:
    """The words of icon names: "building-bank" → building, bank (no numbers)."""
    return frozenset(w for name in names for w in re.split(r"[-/\s]", name) if w.isalpha())


def _catalogue_icon(name: str, source: str, phrase: str, tags: str) -> Icon:
    named = _name_words(name) - NOT_KEYWORDS.get(name, frozenset())
    tagged = frozenset(tags.split())
    fills, strokes = DRAWN[source.removeprefix("drawn/")] if drawn(source) else ((), ())
    return Icon(
        name,
        phrase,
        tagged | named,
        fills=fills,
        strokes=strokes,
        source=source,
        tags=tagged,
        name_words=named,
    )


def drawn(source: str) -> bool:
    """Whether a catalogue source is one of the engine's own drawings ("drawn/kebab")."""
    return source.startswith("drawn/")


def _mark(name: str, phrase: str, fills: Iterable[str]) -> Icon:
    return Icon(name, phrase, frozenset(), fills=tuple(fills), name_words=_name_words(name))


_TABLER: tuple[Icon, ...] = tuple(_catalogue_icon(*entry) for entry in CATALOGUE)
_GEOMETRIC: tuple[Icon, ...] = (
    _mark(
        "circle-mark",
        "geometric circle mark",
        [ellipse(50, 50, 46) + ellipse(50, 50, 32), ellipse(50, 50, 16)],
    ),
    _mark(
        "hexagon-mark",
        "geometric hexagon mark",
        [regular(50, 50, 47, 6) + regular(50, 50, 33, 6), regular(50, 50, 17, 6)],
    ),
    _mark(
        "diamond-mark",
        "geometric diamond mark",
        [regular(50, 50, 48, 4) + regular(50, 50, 32, 4), regular(50, 50, 15, 4)],
    ),
    _mark(
        "bars-mark",
        "geometric mark of three rising bars",
        [
            rounded_rect(6, 52, 24, 44, 12)
            + rounded_rect(38, 28, 24, 68, 12)
            + rounded_rect(70, 4, 24, 92, 12)
        ],
    ),
    _mark(
        "grid-mark",
        "geometric mark of four rounded squares",
        [
            rounded_rect(4, 4, 42, 42, 12)
            + rounded_rect(54, 4, 42, 42, 12)
            + rounded_rect(4, 54, 42, 42, 12),
            ellipse(75, 75, 21),
        ],
    ),
    _mark(
        "orbit-mark",
        "geometric orbit mark, a ring with a satellite dot",
        # the satellite sits on the ring: outside it, up and to the right, it read as ♂
        [ellipse(50, 50, 44) + ellipse(50, 50, 31), ellipse(78.3, 26.2, 14)],
    ),
    _mark(
        "burst-mark",
        "geometric eight-point burst mark",
        [star(50, 50, 48, 26, 8), ellipse(50, 50, 12)],
    ),
    _mark(
        "triangle-mark",
        "geometric triangle mark",
        [regular(50, 60, 52, 3) + regular(50, 60, 30, 3), regular(50, 60, 12, 3)],
    ),
)
ICONS: dict[str, Icon] = {icon.name: icon for icon in _TABLER + _GEOMETRIC}
GEOMETRIC_NAMES = tuple(icon.name for icon in _GEOMETRIC)
_ORDER = {icon.name: i for i, icon in enumerate(_TABLER)}


# --- choosing ---------------------------------------------------------------------------------


def _brief_fields(brief: Brief) -> dict[str, set[str]]:
    """The brief's folded, singularised words (as `_brief.words` finds them, plus singulars of
    "-ies" and "-es" plurals) by where they came from, brand name included; compounds and
    idioms are read whole first ("cream tea" is no ice cream, see `PHRASES`), and the words the
    description negates ("we are not a bank") do not count (see `negated_words`)."""
    fields = {
        "industry": words(read_phrases(brief.industry)),
        "description": words(read_phrases(brief.description))
        - negated_words(read_phrases(brief.description)),
        "style": words(read_phrases(" ".join(brief.style))),
        "name": words(read_phrases(brief.brand_name)),
        "emoji": _emoji_words(brief),
    }
    return {field: {f for w in found for f in singulars(w)} for field, found in fields.items()}


# Emoji whose CLDR name says less than the picture ("hot beverage" is a steaming cup,
# ("cherry blossom" is a flower, not the fruit).
_EMOJI_WORDS = {
    "☕": "coffee",
    "🍵": "tea",
    "🧋": "bubble tea",
    "💅": "nail salon",
    "🌸": "flower blossom",
    "💮": "flower",
}


def _emoji_words(brief: Brief) -> set[str]:
    """The words of the names of the emoji in the brief's texts (🌸: "cherry blossom")."""
    text = f"{brief.brand_name} {brief.slogan} {brief.description}"
    named = (
        _EMOJI_WORDS.get(c) or emoji.EMOJI_DATA[c]["en"].strip(":").replace("_", " ")
        for c in text
        if c in emoji.EMOJI_DATA
    )
    return words(read_phrases(" ".join(named)))  # 🌭, "hot dog", is no dog


def _word_score(word: str, icon: Icon, everything: set[str]) -> float:
    context = QUALIFIED_TAGS.get((icon.name, word))
    if context is not None and not context & everything:
        return 0.0  # "training" with nothing saying whose: not this icon's sense
    if EXCLUDED_TAGS.get((icon.name, word), frozenset()) & everything:
        return 0.0  # "food bank": another sense of the word
    if word in icon.name_words:
        score = NAME_MATCH
    elif word in icon.tags:
        score = 1.0
    else:
        return 0.0
    return score * GENERIC_MATCH if word in GENERIC_WORDS else score


def icon_score(icon: Icon, found: dict[str, set[str]]) -> float:
    """How well `icon` suits the words `found` (as from `brief_words`, plus "name"): each word
    of the icon's name or tags counts by where it was found, more when it names the icon, less
    when it is generic, and not at all for a tag whose sense the brief does not show (see
    `QUALIFIED_TAGS`)."""
    everything = set().union(*found.values())
    return sum(
        weight
        * sum(
            _word_score(word, icon, everything) for word in found.get(field, set()) & icon.keywords
        )
        for field, weight in WEIGHTS.items()
    )


_KEYWORDS = frozenset().union(*(icon.keywords for icon in _TABLER))
# Words of an industry that name no trade ("funeral and cremation services").
_FILLER = frozenset("and or of for the a an to in with by our your".split())  # noqa: SIM905


def unknown_trade(industry: set[str]) -> bool:
    """Whether the industry's words name a trade the catalogue has no icon for: a word that
    is not generic ("home", "studio", "shop") matches no icon ("funeral", "tattoo")."""
    specific = industry - GENERIC_WORDS - _FILLER
    return any(
        len(word) > 2 and not any(form in _KEYWORDS for form in singulars(word))
        for word in specific
    )


def _specific(icon: Icon, found: dict[str, set[str]]) -> bool:
    """Whether a word of the brief that is not generic matches `icon`."""
    return any((words - GENERIC_WORDS) & icon.keywords for words in found.values())


def _ranked(brief: Brief) -> list[tuple[float, str]]:
    found = _brief_fields(brief)
    # an icon the description names as what the business is not ("no cats", "we are not a
    # bank") is never drawn, whatever else matches it
    refused = negated_words(read_phrases(brief.description)) - GENERIC_WORDS - _FILLER
    scored = [(icon_score(icon, found), icon) for icon in _TABLER if not icon.name_words & refused]
    if unknown_trade(found["industry"]):
        # "funeral home", "tattoo studio": the trade has no icon, so one matched only by the
        # generic word (a house, an artist's palette) would say the wrong thing; a geometric
        # mark or the initials say nothing wrong.
        scored = [(s, icon) for s, icon in scored if _specific(icon, found)]
    scored = _of_the_trade(scored, found, aside_words(read_phrases(brief.description)))
    head = _head(brief.industry)
    best = sorted(
        ((s, icon) for s, icon in scored if s > 0),
        key=lambda pair: (
            -pair[0],
            not head & pair[1].keywords,
            not pair[1].filled,
            _ORDER[pair[1].name],
        ),
    )
    return [(s, icon.name) for s, icon in best]


def _of_the_trade(
    scored: list[tuple[float, Icon]], found: dict[str, set[str]], aside: set[str]
) -> list[tuple[float, Icon]]:
    """`scored`, with the icons that only the description's asides match (`aside_words`) and
    that have nothing in common with the trade its industry draws counted for a quarter (ASIDE),
    so they are not offered beside the trade's own: "an accounting firm founded by two friends
    who met on a sailing trip" is drawn by its charts, not its friends or a sailboat, "a coffee
    shop in an old fire station" by its cups. What the description says the business makes or
    does still counts ("handmade oak tables": a tree for a furniture maker), and so does an aside
    kindred to the trade."""
    everything = set().union(*found.values())
    industry = found["industry"] - _FILLER

    def of(words: set[str], icon: Icon) -> bool:
        return any(_word_score(w, icon, everything) for w in words & icon.keywords)

    trade = [icon for s, icon in scored if s > 0 and of(industry, icon)]
    if not trade or not aside:
        return scored
    kin = set().union(*(icon.tags for icon in trade)) - GENERIC_WORDS
    told = found["industry"] | found["style"] | found["emoji"] | found["name"]
    plain = found["description"] - aside

    def set_aside(icon: Icon) -> bool:
        return not (of(told | plain, icon) or icon.tags & kin)

    return [(s * ASIDE if s > 0 and set_aside(icon) else s, icon) for s, icon in scored]


def _head(industry: str) -> set[str]:
    """The forms of the industry's last word, the trade that its other words qualify: in
    "wedding photography" a photographer (a camera), not a wine glass. It only breaks ties: as
    a weight it let a generic head ("coffee shop") outweigh the trade."""
    found = re.findall(r"[a-z0-9]+", fold(industry))
    forms = set(singulars(found[-1])) if found else set()
    # a kind of place or of company ("studio", "startup", "restaurant", "farm") says nothing
    # about the trade: "sushi restaurant" is drawn by its sushi, a "honey farm" by its honey
    # (a tie there goes to the word before it); a generic "cafe" or "studio" breaks no tie
    if not forms & (GENERIC_WORDS | _NOT_A_TRADE):
        return forms
    before = found[:-1]
    if forms & GENERIC_WORDS or not before:
        return set()
    return set(singulars(before[-1])) - GENERIC_WORDS - _NOT_A_TRADE


_NOT_A_TRADE_WORDS = """
    startup venture enterprise industry sector contractor consultancy consulting consultant
    supplier supply manufacturer manufacturing wholesaler wholesale dealer dealership retailer
    retail specialist expert provider distributor distribution
    restaurant eatery diner bistro joint takeaway farm utility network
"""
_NOT_A_TRADE = frozenset(_NOT_A_TRADE_WORDS.split())


def rank_icons(brief: Brief) -> list[str]:
    """Names of the catalogue icons that suit the brief, best first.

    Brief words (folded and singularised) are matched against each icon's tags and name words;
    a word counts by where it was found (industry most, then description, then style and brand
    name) and counts more when it names the icon. Equal scores prefer filled icons, then the
    catalogue's order, so the result is deterministic.
    """
    return [name for _, name in _ranked(brief)]


def choose_icon(brief: Brief, index: int, rng: random.Random) -> str:
    """The icon for candidate `index`: the best match first, then the other good matches (in an
    order `rng` picks), a geometric mark when nothing matches. `rng` must be in the same state
    for every candidate of a brief (seeded by brief and seed), so the choice is repeatable."""
    ranked = _ranked(brief)
    geometric = list(GEOMETRIC_NAMES)
    rng.shuffle(geometric)
    if not ranked:
        return geometric[index % len(geometric)]
    top = ranked[0][0]
    pool = [name for s, name in ranked[:POOL_SIZE] if s >= top * POOL_SHARE]
    rest = pool[1:]
    rng.shuffle(rest)
    pool = [pool[0], *rest]
    if len(pool) == 1:
        pool = [pool[0], pool[0], pool[0], geometric[0]]
    return pool[index % len(pool)]


def plan_icons(brief: Brief, rng: random.Random) -> tuple[list[str], list[str]]:
    """Distinct icons for the candidates of a brief: (relevant, geometric).

    The relevant icons are the `choose_icon` pool in its order, then every other catalogue icon
    that scores at least POOL_SHARE of the best (best first), so no icon has to be drawn twice
    while good matches remain; the geometric marks, in an order `rng` picks, are the fallback.
    `rng` must be in the same state for every call for one brief (seeded by brief and seed)."""
    ranked = _ranked(brief)
    geometric = list(GEOMETRIC_NAMES)
    rng.shuffle(geometric)
    if not ranked:
        return [], geometric
    top = ranked[0][0]
    good = [name for s, name in ranked if s >= top * POOL_SHARE]
    pool = good[:POOL_SIZE]
    rest = pool[1:]
    rng.shuffle(rest)
    first = [pool[0], *rest]
    return first + [name for name in good if name not in first], geometric


# --- drawing ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(rf"[MmLlHhVvCcSsQqTtAaZz]|{_NUMBER.pattern}")
_SAFE_VALUE = re.compile(r"[MmLlHhVvCcSsQqTtAaZz0-9eE.,\s+-]*")
_GEOMETRY = {
    "path": ("d",),
    "circle": ("cx", "cy", "r"),
    "ellipse": ("cx", "cy", "rx", "ry"),
    "rect": ("x", "y", "width", "height", "rx", "ry"),
    "line": ("x1", "y1", "x2", "y2"),
    "polyline": ("points",),
    "polygon": ("points",),
}
_RESET = "M0 0h24v24H0z"  # Tabler's invisible sizing path
_COLOR = "\x00"  # stands for the colour in cached markup


@dataclass(frozen=True)
class Drawing:
    """A parsed Tabler icon: its shapes as markup (colour left open) and its ink box."""

    markup: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 on the 24-unit grid, strokes included


def _numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text)]


def _cubic_extremes(p0: float, p1: float, p2: float, p3: float) -> list[float]:
    """Parameters t in (0, 1) where one coordinate of a cubic Bézier turns."""
    a = -p0 + 3 * p1 - 3 * p2 + p3
    b = 2 * (p0 - 2 * p1 + p2)
    c = p1 - p0
    if abs(a) < 1e-12:
        roots = [-c / b] if abs(b) > 1e-12 else []
    else:
        disc = b * b - 4 * a * c
        if disc < 0:
            return []
        sq = math.sqrt(disc)
        roots = [(-b + sq) / (2 * a), (-b - sq) / (2 * a)]
    return [t for t in roots if 0 < t < 1]


def _cubic(p0, p1, p2, p3) -> Iterator[tuple[float, float]]:
    yield p3
    for axis in (0, 1):
        for t in _cubic_extremes(p0[axis], p1[axis], p2[axis], p3[axis]):
            u = 1 - t
            yield tuple(
                u**3 * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t**3 * p3[k]
                for k in (0, 1)
            )


def _arc(p0, rx, ry, phi, large, sweep, p1) -> Iterator[tuple[float, float]]:
    """Points on an SVG elliptical arc: its end and, sampled finely, the way there."""
    yield p1
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0 or p0 == p1:
        return
    cos, sin = math.cos(math.radians(phi)), math.sin(math.radians(phi))
    dx, dy = (p0[0] - p1[0]) / 2, (p0[1] - p1[1]) / 2
    x1, y1 = cos * dx + sin * dy, -sin * dx + cos * dy
    grow = x1 * x1 / (rx * rx) + y1 * y1 / (ry * ry)
    if grow > 1:
        rx, ry = rx * math.sqrt(grow), ry * math.sqrt(grow)
    num_ = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    den = rx * rx * y1 * y1 + ry * ry * x1 * x1
    k = math.sqrt(max(0.0, num_ / den)) * (-1 if large == sweep else 1)
    cx1, cy1 = k * rx * y1 / ry, -k * ry * x1 / rx
    cx = cos * cx1 - sin * cy1 + (p0[0] + p1[0]) / 2
    cy = sin * cx1 + cos * cy1 + (p0[1] + p1[1]) / 2
    start = math.atan2((y1 - cy1) / ry, (x1 - cx1) / rx)
    end = math.atan2((-y1 - cy1) / ry, (-x1 - cx1) / rx)
    delta = end - start
    if sweep and delta < 0:
        delta += math.tau
    elif not sweep and delta > 0:
        delta -= math.tau
    for i in range(1, 64):
        a = start + delta * i / 64
        ex, ey = rx * math.cos(a), ry * math.sin(a)
        yield cx + cos * ex - sin * ey, cy + sin * ex + cos * ey


def _quadratic(p0, ctrl, p2) -> Iterator[tuple[float, float]]:
    c1 = (p0[0] + 2 / 3 * (ctrl[0] - p0[0]), p0[1] + 2 / 3 * (ctrl[1] - p0[1]))
    c2 = (p2[0] + 2 / 3 * (ctrl[0] - p2[0]), p2[1] + 2 / 3 * (ctrl[1] - p2[1]))
    return _cubic(p0, c1, c2, p2)


_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


def _segments(d: str) -> Iterator[tuple[str, list[float]]]:
    """(command, arguments) of path data `d`, implicit repeats made explicit."""
    tokens = _PATH_TOKEN.findall(d)
    i, cmd = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
        elif not cmd or cmd in "Zz":
            raise ValueError(f"bad path data: {d[:40]!r}")
        count = _ARITY[cmd.upper()]
        args = [float(t) for t in tokens[i : i + count]]
        if len(args) < count:
            raise ValueError(f"bad path data: {d[:40]!r}")
        i += count
        yield cmd, args
        if cmd in "Mm":
            cmd = "l" if cmd == "m" else "L"  # further pairs after a move are line-tos


def path_points(d: str) -> Iterator[tuple[float, float]]:
    """Points whose bounding box is that of path data `d`: ends, curve extremes, and arcs
    sampled finely."""
    x = y = sx = sy = 0.0
    cubic = quad = None  # the last control points, for S and T
    for cmd, args in _segments(d):
        op = cmd.upper()
        ox, oy = (x, y) if cmd.islower() else (0.0, 0.0)
        pts = [(args[k] + ox, args[k + 1] + oy) for k in range(0, len(args) - 1, 2)]
        last_cubic, last_quad, cubic, quad = cubic, quad, None, None
        if op == "Z":
            x, y = sx, sy
            continue
        if op == "M":
            (x, y), (sx, sy) = pts[0], pts[0]
            yield x, y
            continue
        if op == "H":
            end = (args[0] + ox, y)
        elif op == "V":
            end = (x, args[0] + oy)
        elif op == "L":
            end = pts[0]
        elif op in "CS":
            if op == "C":
                c1, c2, end = pts
            else:
                c1 = (2 * x - last_cubic[0], 2 * y - last_cubic[1]) if last_cubic else (x, y)
                c2, end = pts
            yield from _cubic((x, y), c1, c2, end)
            cubic = c2
        elif op in "QT":
            if op == "Q":
                quad, end = pts
            else:
                quad = (2 * x - last_quad[0], 2 * y - last_quad[1]) if last_quad else (x, y)
                end = pts[0]
            yield from _quadratic((x, y), quad, end)
        else:  # A: rx ry rotation large-arc sweep x y
            end = (args[5] + ox, args[6] + oy)
            yield from _arc((x, y), args[0], args[1], args[2], args[3] != 0, args[4] != 0, end)
        x, y = end
        yield x, y


def _shape_points(tag: str, attrs: dict[str, str]) -> Iterator[tuple[float, float]]:
    """Points whose bounding box is that of one SVG shape element."""
    value = {k: float(attrs.get(k, "0") or 0) for k in _GEOMETRY[tag] if k not in ("d", "points")}
    if tag == "path":
        yield from path_points(attrs["d"])
    elif tag in ("circle", "ellipse"):
        rx = value.get("r", value.get("rx", 0.0))
        ry = value.get("r", value.get("ry", 0.0))
        yield value["cx"] - rx, value["cy"] - ry
        yield value["cx"] + rx, value["cy"] + ry
    elif tag == "rect":
        yield value["x"], value["y"]
        yield value["x"] + value["width"], value["y"] + value["height"]
    elif tag == "line":
        yield value["x1"], value["y1"]
        yield value["x2"], value["y2"]
    else:
        flat = _numbers(attrs["points"])
        yield from zip(flat[::2], flat[1::2], strict=False)


def _elements(svg: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(tag, attributes) of the drawing elements of an SVG document, namespaces dropped."""
    for element in ET.fromstring(svg).iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in _GEOMETRY:
            yield tag, dict(element.attrib)


@cache
def _icon_folder() -> Traversable:
    """The folder of Tabler's SVG files in the installed `tablerpy` package, found without
    importing the package (its icon-name enums take tens of milliseconds to import)."""
    spec = importlib.util.find_spec("tablerpy")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "icons"
        if folder.is_dir():
            return folder
    return resources.files("tablerpy").joinpath("icons")  # e.g. installed as a zip


@cache
def tabler_svg(source: str) -> str:
    """The text of a Tabler icon's SVG file, `source` as "filled/<name>" or "outline/<name>"."""
    variant, _, name = source.partition("/")
    if variant not in ("filled", "outline") or not re.fullmatch(r"[a-z0-9-]+", name):
        raise KeyError(source)
    return _icon_folder().joinpath(variant).joinpath(f"{name}.svg").read_text(encoding="utf-8")


@cache
def drawing(source: str) -> Drawing:
    """The parsed icon `source`: its shapes re-emitted with only geometry and colour (no ids,
    classes or references) and its ink box. Filled icons fill, outline icons stroke with
    OUTLINE_STROKE; outline dots that Tabler fills are filled too."""
    outline = source.startswith("outline/")
    parts: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for tag, attrs in _elements(tabler_svg(source)):
        if tag == "path" and attrs.get("d", "").replace(" ", "") == _RESET.replace(" ", ""):
            continue
        geometry = {k: attrs[k].strip() for k in _GEOMETRY[tag] if k in attrs}
        if not all(_SAFE_VALUE.fullmatch(v) for v in geometry.values()):
            raise ValueError(f"unexpected geometry in {source}")
        fills = attrs.get("fill", "currentColor" if not outline else "none") != "none"
        strokes = outline and attrs.get("stroke") != "none"
        if not (fills or strokes):
            continue
        paint = ""
        if outline and fills:
            paint += f' fill="{_COLOR}"'
        if outline and not strokes:
            paint += ' stroke="none"'
        body = " ".join(f'{k}="{v}"' for k, v in geometry.items())
        parts.append(f"<{tag} {body}{paint}/>")
        pad = OUTLINE_STROKE / 2 if strokes else 0.0
        for px, py in _shape_points(tag, geometry):
            xs += (px - pad, px + pad)
            ys += (py - pad, py + pad)
    if not parts:
        raise ValueError(f"empty icon {source}")
    return Drawing("".join(parts), (min(xs), min(ys), max(xs), max(ys)))


def _hand_drawn(icon: Icon, color: str) -> str:
    parts = [f'<path d="{d}" fill="{color}" fill-rule="evenodd"/>' for d in icon.fills]
    parts += [
        f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{num(STROKE)}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        for d in icon.strokes
    ]
    return "".join(parts)


def _fixed(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@cache
def _drawn_box(name: str) -> tuple[float, float, float, float]:
    """The ink box of a catalogue drawing on its 100-unit grid, strokes included."""
    icon = ICONS[name]
    points = [(x, y, 0.0) for d in icon.fills for x, y in path_points(d)]
    points += [(x, y, STROKE / 2) for d in icon.strokes for x, y in path_points(d)]
    return (
        min(x - pad for x, _, pad in points),
        min(y - pad for _, y, pad in points),
        max(x + pad for x, _, pad in points),
        max(y + pad for _, y, pad in points),
    )


def _fitted(box: tuple[float, float, float, float], x: float, y: float, size: float) -> str:
    """The transform that draws `box` as large as fits the square at (x, y), centred in it."""
    x0, y0, x1, y1 = box
    scale = size / max(x1 - x0, y1 - y0)
    left = x + (size - (x1 - x0) * scale) / 2 - x0 * scale
    top = y + (size - (y1 - y0) * scale) / 2 - y0 * scale
    return f"translate({_fixed(left, 3)} {_fixed(top, 3)}) scale({_fixed(scale, 5)})"


def icon_svg(name: str, x: float, y: float, size: float, color: str) -> str:
    """SVG for icon `name` drawn in `color`, as large as fits the square at (x, y) with side
    `size` and centred in it (a geometric mark fills its square as drawn)."""
    icon = ICONS[name]
    if not icon.source:
        transform = f"translate({num(x)} {num(y)}) scale({num(size / 100)})"
        return f'<g transform="{transform}">{_hand_drawn(icon, color)}</g>'
    if drawn(icon.source):
        move = _fitted(_drawn_box(name), x, y, size)
        return f'<g transform="{move}">{_hand_drawn(icon, color)}</g>'
    art = drawing(icon.source)
    transform = f'transform="{_fitted(art.box, x, y, size)}"'
    if icon.filled:
        paint = f'fill="{color}"'
    else:
        paint = (
            f'fill="none" stroke="{color}" stroke-width="{num(OUTLINE_STROKE)}" '
            'stroke-linecap="round" stroke-linejoin="round"'
        )
    return f"<g {transform} {paint}>{art.markup.replace(_COLOR, color)}</g>"
