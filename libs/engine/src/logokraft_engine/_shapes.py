"""Container shapes: the badges and tiles that hold a monogram, an icon or an emblem."""

from __future__ import annotations

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
