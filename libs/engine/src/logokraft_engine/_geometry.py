"""Small SVG path builders shared by icons and container shapes."""

from __future__ import annotations

import math


def num(value: float) -> str:
    """A compact, deterministic number for SVG output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ellipse(cx: float, cy: float, rx: float, ry: float | None = None) -> str:
    """A closed ellipse (circle when `ry` is None) as path data."""
    ry = rx if ry is None else ry
    top, bottom = f"{num(cx)} {num(cy - ry)}", f"{num(cx)} {num(cy + ry)}"
    arc = f"A{num(rx)} {num(ry)} 0 1 0"
    return f"M{top} {arc} {bottom} {arc} {top}Z"


def polygon(points: list[tuple[float, float]]) -> str:
    """A closed polygon as path data."""
    head, *rest = points
    body = " ".join(f"L{num(x)} {num(y)}" for x, y in rest)
    return f"M{num(head[0])} {num(head[1])} {body}Z"


def regular(cx: float, cy: float, r: float, sides: int, rotation: float = -90) -> str:
    """A regular polygon with `sides` corners on a circle of radius `r`."""
    return polygon(
        [
            (
                cx + r * math.cos(math.radians(rotation + i * 360 / sides)),
                cy + r * math.sin(math.radians(rotation + i * 360 / sides)),
            )
            for i in range(sides)
        ]
    )


def star(cx: float, cy: float, outer: float, inner: float, points: int = 5) -> str:
    """A star polygon with `points` tips."""
    corners = []
    for i in range(points * 2):
        r = outer if i % 2 == 0 else inner
        a = math.radians(-90 + i * 180 / points)
        corners.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return polygon(corners)


def rounded_rect(x: float, y: float, w: float, h: float, r: float) -> str:
    """A rectangle with corner radius `r` as path data."""
    r = min(r, w / 2, h / 2)
    arc = f"A{num(r)} {num(r)} 0 0 1"
    return (
        f"M{num(x + r)} {num(y)}H{num(x + w - r)}{arc} {num(x + w)} {num(y + r)}"
        f"V{num(y + h - r)}{arc} {num(x + w - r)} {num(y + h)}H{num(x + r)}"
        f"{arc} {num(x)} {num(y + h - r)}V{num(y + r)}{arc} {num(x + r)} {num(y)}Z"
    )


def gear(cx: float, cy: float, outer: float, inner: float, teeth: int = 8) -> str:
    """A gear outline with `teeth` flat-topped teeth."""
    corners = []
    step = 360 / teeth
    for i in range(teeth):
        a = i * step
        for offset, r in ((-0.36, inner), (-0.2, outer), (0.2, outer), (0.36, inner)):
            angle = math.radians(a + offset * step)
            corners.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return polygon(corners)
