"""Hand-drawn catalogue pictures: trades Tabler has no icon for, drawn on a 100-unit grid.

Tabler has no kebab, chimney, olive, sauna, elephant, museum, pawnbroker's sign, glassblower,
pagoda or falcon, and its sausage (read as a telephone) and candle (a sliver) fail at 32 px for
a hot dog stand and a memorial; so these are drawn here from the same primitives as the
geometric marks, as solid shapes (each a path filled on its own, so overlapping parts merge; a
path's inner rings are holes) and a few round-capped strokes. Their tags live in `_icon_tags`
with the Tabler icons; a catalogue entry whose source is "drawn/<name>" is drawn from
`DRAWN[name]`.
"""

from __future__ import annotations

import math

from logokraft_engine._geometry import ellipse, num, polygon, rounded_rect, star

Point = tuple[float, float]


def _turned(points: list[Point], degrees: float, centre: Point = (50, 50)) -> list[Point]:
    """`points` turned by `degrees` (clockwise on screen) about `centre`."""
    a = math.radians(degrees)
    cx, cy = centre
    return [
        (
            cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a),
            cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a),
        )
        for x, y in points
    ]


def _leaf(base: Point, tip: Point, width: float) -> str:
    """A pointed leaf (a lens of two curves) from `base` to `tip`, `width` across its middle."""
    (x0, y0), (x1, y1) = base, tip
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length * width, (x1 - x0) / length * width  # twice the half-width
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    start, end = f"{num(x0)} {num(y0)}", f"{num(x1)} {num(y1)}"
    return f"M{start}Q{num(mx + nx)} {num(my + ny)} {end}Q{num(mx - nx)} {num(my - ny)} {start}Z"


def _oval(centre: Point, rx: float, ry: float, degrees: float) -> str:
    """An ellipse turned by `degrees`, as two arcs between the ends of its long axis."""
    cx, cy = centre
    a = math.radians(degrees)
    dx, dy = rx * math.cos(a), rx * math.sin(a)
    p0, p1 = f"{num(cx - dx)} {num(cy - dy)}", f"{num(cx + dx)} {num(cy + dy)}"
    arc = f"A{num(rx)} {num(ry)} {num(degrees)} 1 0"
    return f"M{p0} {arc} {p1} {arc} {p0}Z"


def _kebab() -> tuple[list[str], list[str]]:
    """A shish kebab: chunks of meat and rounds of onion apart on a skewer, tilted."""
    skewer = polygon(_turned([(46, -6), (54, -6), (54, 100), (50, 110), (46, 100)], 45))
    fills = [skewer, ellipse(*_turned([(50, -8)], 45)[0], 7)]  # and its ring
    for y, meat in ((16, True), (38, False), (60, True), (82, False)):
        if meat:
            fills.append(polygon(_turned([(33, y - 8), (67, y - 8), (67, y + 8), (33, y + 8)], 45)))
        else:
            fills.append(ellipse(*_turned([(50, y)], 45)[0], 10))
    return fills, []


def _chimney() -> tuple[list[str], list[str]]:
    """A house roof with a chimney, a sweep's round brush rising out of it."""
    roof = polygon([(2, 62), (50, 24), (98, 62), (90, 70), (50, 38), (10, 70)])
    house = polygon([(18, 62), (50, 38), (82, 62), (82, 98), (18, 98)])
    door = rounded_rect(40, 72, 20, 26, 4)
    chimney = polygon([(64, 20), (78, 20), (78, 52), (64, 42)])
    brush = star(71, 12, 12, 6, 12)
    handle = rounded_rect(69.5, 10, 3, 12, 1.5)
    return [roof, house + door, chimney, brush, handle], []


def _olive() -> tuple[list[str], list[str]]:
    """An olive sprig: a curved twig with narrow leaves and two olives."""
    leaves = [
        _leaf((36, 70), (4, 56), 7),
        _leaf((48, 50), (22, 24), 7),
        _leaf((64, 30), (58, 0), 7),
        _leaf((56, 50), (88, 42), 7),
        _leaf((70, 24), (100, 12), 7),
    ]
    olives = [_oval((34, 84), 15, 11, 40), _oval((68, 66), 15, 11, 60)]
    return [*leaves, *olives], ["M18 96Q40 64 72 20", "M44 70L36 76", "M58 48L66 58"]


def _sauna() -> tuple[list[str], list[str]]:
    """Hot stones with steam rising from them."""
    stones = [ellipse(30, 84, 24, 13), ellipse(70, 84, 24, 13), ellipse(50, 66, 20, 12)]
    steam = [
        f"M{x} 48C{x - 9} 40 {x + 9} 32 {x} 24C{x - 9} 16 {x + 9} 10 {x} 4" for x in (28, 50, 72)
    ]
    return stones, steam


def _elephant() -> tuple[list[str], list[str]]:
    """An elephant seen from the side, trunk down, with a big ear."""
    body = ellipse(60, 43, 34, 24)
    head = ellipse(26, 31, 18, 18) + ellipse(20, 25, 3)  # the eye a hole
    ear = _oval((40, 33), 13, 19, 0)
    legs = [rounded_rect(x, 51, 13, 36, 4) for x in (32, 50, 68, 82)]
    return [body, head, ear, *legs], ["M12 37C4 51 6 71 14 77", "M92 37L95 53"]


def _museum() -> tuple[list[str], list[str]]:
    """A museum front: a pediment on two columns, an amphora shown between them."""
    pediment = polygon([(4, 26), (50, 4), (96, 26)]) + polygon([(26, 21), (50, 11), (74, 21)])
    beam = rounded_rect(6, 28, 88, 8, 2)
    columns = [rounded_rect(x, 38, 12, 46, 2) for x in (10, 78)]
    vase = "M44 42H56L54 48C64 54 66 64 60 74L56 80H44L40 74C34 64 36 54 46 48Z"
    handles = ["M45 50C38 50 37 58 39 62", "M55 50C62 50 63 58 61 62"]
    steps = [rounded_rect(4, 86, 92, 6, 2), rounded_rect(0, 94, 100, 6, 2)]
    return [pediment, beam, *columns, vase, *steps], handles


def _hot_dog() -> tuple[list[str], list[str]]:
    """A hot dog seen from the side, tilted: the sausage longer than its bun and apart from
    both halves of it, a wave of mustard along it (Tabler's sausage reads as a telephone)."""
    top = polygon(_turned(_capsule(14, 22, 86, 36), -20))
    sausage = polygon(_turned(_capsule(2, 40, 98, 60), -20))
    mustard = polygon(_turned(_wave(16, 84, 50, 3.5, 2.2), -20))
    bottom = polygon(_turned(_capsule(10, 64, 90, 86), -20))
    return [top, sausage + mustard, bottom], []


def _capsule(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    """A capsule (a bar with round ends) from (x0, y0) to (x1, y1), as a polygon to turn."""
    r = (y1 - y0) / 2
    cy = y0 + r
    right = [(x1 - r + r * math.sin(a), cy - r * math.cos(a)) for a in _steps(0, math.pi)]
    left = [(x0 + r - r * math.sin(a), cy + r * math.cos(a)) for a in _steps(0, math.pi)]
    return right + left


def _steps(start: float, end: float, count: int = 12) -> list[float]:
    return [start + (end - start) * i / count for i in range(count + 1)]


def _wave(x0: float, x1: float, y: float, height: float, half: float) -> list[Point]:
    """A zigzag band from x0 to x1 about `y`, `height` up and down, `half` its half-width."""
    xs = _steps(x0, x1, 8)
    line = [(x, y + (height if i % 2 else -height)) for i, x in enumerate(xs)]
    return [(x, yy - half) for x, yy in line] + [(x, yy + half) for x, yy in reversed(line)]


def _pawnbroker() -> tuple[list[str], list[str]]:
    """The pawnbroker's sign: three balls hanging from a bar, two above and one below."""
    bar = rounded_rect(6, 2, 88, 10, 5)
    balls = [ellipse(27, 46, 18), ellipse(73, 46, 18), ellipse(50, 80, 18)]
    return [bar, *balls], ["M27 10V28", "M73 10V28", "M50 10V62"]


def _glassblowing() -> tuple[list[str], list[str]]:
    """A blown glass vase, a highlight on its belly, on the end of a glassblower's pipe that
    comes in from the top left (a bulb alone on a stick read as a bomb or a lollipop)."""
    belly = ellipse(62, 68, 26) + _leaf((48, 58), (47, 80), 5)  # the highlight a hole
    neck = polygon([(55, 30), (69, 30), (71, 48), (53, 48)])
    lip = rounded_rect(48, 24, 28, 8, 4)
    foot = rounded_rect(48, 90, 28, 8, 3)
    pipe = _bar((12, -16), (60, 26), 4)
    mouthpiece = _bar((6, -8), (18, -24), 4)
    return [belly, neck, lip, foot, pipe, mouthpiece], []


def _bar(start: Point, end: Point, half: float) -> str:
    """A straight bar `2 * half` wide from `start` to `end`."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
    return polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])


def _pagoda() -> tuple[list[str], list[str]]:
    """A three-tiered pagoda with upturned eaves and a spire: a Buddhist temple."""
    fills = [rounded_rect(47, 0, 6, 14, 3), ellipse(50, 4, 5)]
    for y, w in ((26, 56), (52, 76), (78, 98)):
        fills.append(
            polygon(
                [
                    (50 - w / 2, y - 8),
                    (50 - w / 2 + 12, y),
                    (50 + w / 2 - 12, y),
                    (50 + w / 2, y - 8),
                    (50 + w * 0.22, y - 14),
                    (50 - w * 0.22, y - 14),
                ]
            )
        )
        fills.append(rounded_rect(50 - w * 0.3, y + 3, w * 0.6, 9, 1))
    return fills, []


def _candle() -> tuple[list[str], list[str]]:
    """A lit pillar candle on a dish, squat enough to hold its own beside a name (Tabler's is a
    sliver)."""
    flame = "M50 0C58 12 66 20 66 28C66 38 58 42 50 42C42 42 34 38 34 28C34 20 42 12 50 0Z"
    inner = "M50 20C53 25 56 28 56 32C56 36 53 37 50 37C47 37 44 36 44 32C44 28 47 25 50 20Z"
    body = rounded_rect(28, 48, 44, 40, 4)
    dish = rounded_rect(12, 90, 76, 8, 4)
    return [flame + inner, body, dish], []


def _falcon() -> tuple[list[str], list[str]]:
    """A falcon's head in profile, facing right: hooked beak, eye and the dark stripe under it."""
    head = (
        "M14 98C10 70 12 40 28 22C40 8 62 6 76 14C86 20 94 30 96 42C97 50 94 56 90 58"
        "C90 52 88 48 84 47L74 50C70 60 66 72 68 98Z"
        "M50 40C52 52 52 62 48 72C46 62 44 52 46 40Z"
    )
    return [head + ellipse(58, 28, 6)], []


_BUILDERS = {
    "kebab": _kebab,
    "chimney": _chimney,
    "olive": _olive,
    "sauna": _sauna,
    "elephant": _elephant,
    "museum": _museum,
    "hot-dog": _hot_dog,
    "pawnbroker": _pawnbroker,
    "glassblowing": _glassblowing,
    "pagoda": _pagoda,
    "falcon": _falcon,
    "candle": _candle,
}
# name → (filled path data, stroked path data), on a 100-unit grid
DRAWN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    name: (tuple(fills), tuple(strokes))
    for name, (fills, strokes) in ((name, build()) for name, build in _BUILDERS.items())
}
