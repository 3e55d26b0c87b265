"""Container shapes: the badges and tiles that hold a monogram, an icon or an emblem."""

from __future__ import annotations

import math

from logokraft_engine._geometry import ellipse, num, regular, rounded_rect

SHAPES = ("none", "circle", "rounded-square", "hexagon", "shield")


def shape_path(shape: str, cx: float, cy: float, size: float) -> str:
    """Path data of `shape` centred on (cx, cy) fitting a `size` square."""
    r = size / 2
    if shape == "circle":
        return ellipse(cx, cy, r)
    if shape == "rounded-square":
        return rounded_rect(cx - r, cy - r, size, size, size * 0.22)
    if shape == "hexagon":
        return regular(cx, cy, r, 6, rotation=-90)
    if shape == "shield":
        return _shield(cx, cy, size)
    raise ValueError(f"unknown shape {shape!r}")


def _shield(cx: float, cy: float, size: float) -> str:
    w, top = size * 0.84 / 2, cy - size / 2
    shoulder, mid, bottom = top + size * 0.1, top + size * 0.5, top + size
    return (
        f"M{num(cx)} {num(top)}L{num(cx + w)} {num(shoulder)}V{num(mid)}"
        f"C{num(cx + w)} {num(mid + size * 0.28)} {num(cx + w * 0.5)} {num(bottom - size * 0.08)}"
        f" {num(cx)} {num(bottom)}"
        f"C{num(cx - w * 0.5)} {num(bottom - size * 0.08)} {num(cx - w)} {num(mid + size * 0.28)}"
        f" {num(cx - w)} {num(mid)}V{num(shoulder)}Z"
    )


def inner_box(shape: str, size: float) -> tuple[float, float]:
    """Width and height of the box safely inside `shape` of `size`, for text or icons."""
    factors = {"circle": 0.7, "rounded-square": 0.78, "hexagon": 0.68, "shield": 0.62}
    return size * factors.get(shape, 1.0), size * factors.get(shape, 1.0)


def _cubic(p0, p1, p2, p3, steps: int = 12) -> list[tuple[float, float]]:
    """Points along a cubic Bézier curve, without its start point."""
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        out.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return out


def outline_points(shape: str, cx: float, cy: float, size: float) -> list[tuple[float, float]]:
    """A polygon inside `shape` centred on (cx, cy) fitting a `size` square, tracing its edge
    (curves as inscribed chords), for testing whether a point lies within the shape."""
    r = size / 2
    if shape == "circle":
        return [
            (cx + r * math.cos(2 * math.pi * i / 72), cy + r * math.sin(2 * math.pi * i / 72))
            for i in range(72)
        ]
    if shape == "hexagon":
        return [
            (
                cx + r * math.cos(math.radians(-90 + 60 * i)),
                cy + r * math.sin(math.radians(-90 + 60 * i)),
            )
            for i in range(6)
        ]
    if shape == "rounded-square":
        radius, points = size * 0.22, []
        corners = ((r, r, 0), (-r, r, 90), (-r, -r, 180), (r, -r, 270))
        for sx, sy, start in corners:
            ccx = cx + sx - math.copysign(radius, sx)
            ccy = cy + sy - math.copysign(radius, sy)
            for i in range(10):
                a = math.radians(start + 9 * i + 4.5)
                points.append((ccx + radius * math.cos(a), ccy + radius * math.sin(a)))
        return points
    if shape == "shield":
        w, top = size * 0.84 / 2, cy - size / 2
        shoulder, mid, bottom = top + size * 0.1, top + size * 0.5, top + size
        right = _cubic(
            (cx + w, mid),
            (cx + w, mid + size * 0.28),
            (cx + w * 0.5, bottom - size * 0.08),
            (cx, bottom),
        )
        left = _cubic(
            (cx, bottom),
            (cx - w * 0.5, bottom - size * 0.08),
            (cx - w, mid + size * 0.28),
            (cx - w, mid),
        )
        return [
            (cx, top),
            (cx + w, shoulder),
            (cx + w, mid),
            *right,
            *left[:-1],
            (cx - w, mid),
            (cx - w, shoulder),
        ]
    half = r  # "none": the square itself
    return [
        (cx - half, cy - half),
        (cx + half, cy - half),
        (cx + half, cy + half),
        (cx - half, cy + half),
    ]


def contains(shape: str, cx: float, cy: float, size: float, x: float, y: float) -> bool:
    """Whether the point (x, y) lies inside `shape` centred on (cx, cy) fitting `size`."""
    points = outline_points(shape, cx, cy, size)
    inside = False
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def box_inside(shape: str, cx: float, cy: float, size: float, box) -> bool:
    """Whether the box (x0, y0, x1, y1) lies inside `shape` (all shapes are convex)."""
    x0, y0, x1, y1 = box
    return all(contains(shape, cx, cy, size, x, y) for x in (x0, x1) for y in (y0, y1))
