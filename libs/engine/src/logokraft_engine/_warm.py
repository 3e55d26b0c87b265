"""Warming up: loading, before the first logo is asked for, what the first logos would pay for.

A fresh process pays a few hundred milliseconds on its first logo, and tens more on the first
logo in each further typeface: fonts are opened, their tables read and their variable
instances made glyph by glyph on first use, and the renderer and the icon folder are found.
`warm_up` does that work up front (every face of the catalogue at every weight the engine
sets it in, the slogan faces at the slogan's weight, the fallback faces' character maps,
and one logo of each layout designed and rendered small), so a service can run it in a
thread when it starts and its first user's logo is as quick as its hundredth.
"""

from __future__ import annotations

import string

from logokraft_engine._brief import Brief
from logokraft_engine._design import PLANNED, design_spec
from logokraft_engine._fonts import FACES, FALLBACKS, SLOGAN_FACES, cap_height, chain, outline
from logokraft_engine._render import render_logo

# Every Latin letter and digit: the glyphs most names are set in.
_LETTERS = string.ascii_uppercase + string.ascii_lowercase + string.digits + "&'.-"
_SLOGAN_WEIGHT = 500  # as _layout._slogan sets it
_BRIEF = Brief(
    brand_name="Warm Up Studio",
    slogan="Ready when you are",
    industry="coffee roastery",
    style=("modern",),
)


def warm_up() -> None:
    """Load every face and weight the engine sets text in, and design and render one logo of
    each planned concept (small), so later logos find their fonts and code ready. Safe to
    call from any thread, any number of times (later calls find everything cached)."""
    for slug, face in FACES.items():
        for weight in face.weights:
            outline(_LETTERS, slug, weight)
        for fallback in chain(slug):
            cap_height(fallback)
    for slug in SLOGAN_FACES:
        outline(_LETTERS.upper(), slug, _SLOGAN_WEIGHT, 0.12)
    for slug in FALLBACKS:
        outline("Aa", slug, 400)
    for index in range(PLANNED):
        render_logo(design_spec(_BRIEF, index=index, seed=0), size=64)
