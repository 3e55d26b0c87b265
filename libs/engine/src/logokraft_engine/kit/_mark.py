"""The mark alone, square: the engine's icon (or monogram) for a spec, the icon part of a traced
logo when it stands clear of the name, else the brand's initial in the logo's main colour."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from logokraft_engine._palette import Palette, ensure_contrast
from logokraft_engine._render import to_svg
from logokraft_engine._spec import LogoSpec
from logokraft_engine.kit._svg import Box, Vector, ink_box, padded, vector_from_svg

MARK_PAD = 0.06  # space around the mark in mark.svg, as a share of its side
_PROBE = 400


def mark_vector(spec: LogoSpec) -> Vector:
    """The icon of `spec` alone (in its shape tile when it has one; its initials in the shape
    when it has no icon), transparent, cropped square around its ink."""
    svg = to_svg(replace(spec, layout="mark"), transparent=True)
    vector, _ = vector_from_svg(svg)
    box = ink_box(vector)
    if box is None:  # cannot happen for a valid spec: the mark layout always draws
        raise ValueError("the spec's mark draws nothing")
    return vector.cropped(padded(box, MARK_PAD * max(box[2], box[3]), square=True))


def mark_svg(spec: LogoSpec | dict, *, size: int = 1024) -> str:
    """The icon (or monogram) of an engine spec alone as a square, transparent SVG of
    `size` px whose text is outlined. Accepts a LogoSpec or its `to_dict()` JSON."""
    if isinstance(spec, dict):
        spec = LogoSpec.from_dict(spec)
    return mark_vector(spec).svg(size, size)


def monogram_vector(brand_name: str, color: str) -> Vector:
    """The brand's initial reversed out of a circle of `color` (the engine's monogram tile)."""
    name = brand_name.strip() or "Logo"
    ink = ensure_contrast(color, "#ffffff")
    spec = LogoSpec(
        layout="mark",
        icon="",
        font="inter",
        weight=700,
        letter_case="upper",
        tracking=0.0,
        slogan_font="inter",
        palette=Palette(background="#ffffff", primary=ink, secondary=ink, text=ink),
        shape="circle",
        name=name[:200],
        initials="",
    )
    return mark_vector(spec)


def isolate_mark(vector: Vector) -> Vector | None:
    """The mark of a traced logo, when it can be told apart reliably: a squarish part set
    clear of the rest (to the left of or above the name, by a gap of at least 4% of the
    logo), or the whole logo when it is itself squarish; None otherwise (a wordmark)."""
    x, y, w, h = vector.view
    scale = _PROBE / max(w, h)
    pw, ph = max(1, round(w * scale)), max(1, round(h * scale))
    alpha = vector.rgba(pw, ph)[:, :, 3] > 8
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return None
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    ink = alpha[r0:r1, c0:c1]
    found = _first_part(ink, axis=0) or _first_part(ink.T, axis=1)
    if found is None:
        height, width = ink.shape
        if 0.75 <= width / height <= 1.33:
            found = (0, 0, width, height)
        else:
            return None
    px, py, pw_, ph_ = found
    box: Box = (
        x + (c0 + px) / scale,
        y + (r0 + py) / scale,
        pw_ / scale,
        ph_ / scale,
    )
    box = (box[0] - 1 / scale, box[1] - 1 / scale, box[2] + 2 / scale, box[3] + 2 / scale)
    return vector.cropped(padded(box, MARK_PAD * max(box[2], box[3]), square=True))


def _first_part(ink: np.ndarray, axis: int) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the first part of `ink` along columns (axis 0: split left/right; axis 1
    is called with the transpose, splitting top/bottom) when it is squarish, at least 15% of
    the logo's extent, clear of the rest by a gap of ≥ 4%, and the rest is not itself the
    larger share of ink."""
    used = ink.any(axis=0)
    extent = used.size
    gap_min = max(2, round(extent * 0.04))
    end = None
    run = 0
    for index, value in enumerate(used):
        if value:
            if run >= gap_min and end is not None:
                break
            run = 0
            end = index + 1
        else:
            run += 1
    else:
        return None  # no gap: one part
    if end is None or end < extent * 0.15:
        return None
    part = ink[:, :end]
    rows = np.flatnonzero(part.any(axis=1))
    top, bottom = rows[0], rows[-1] + 1
    width, height = end, bottom - top
    if not 0.6 <= width / height <= 1.6:
        return None
    if axis == 0:
        return 0, int(top), int(width), int(height)
    return int(top), 0, int(height), int(width)
