"""`warm_up` loads, ahead of the first logo, every font instance later logos set text in.

A fresh process paid 285-677 ms on its first logo (fonts opened, variable instances made,
the icon folder found) and tens of ms on the first logo in each further face; a service
runs `warm_up` in a thread when it starts so its first user's logo is not the slow one.
"""

from __future__ import annotations

import subprocess
import sys

from logokraft_engine import Brief, _fonts, design_specs, render_logo, warm_up

BRIEFS = (
    Brief("Harbor Lane Bakery", slogan="Fresh every morning", industry="bakery"),
    Brief("Voltline", slogan="Power, simplified", industry="energy tech", style=("bold",)),
    Brief("Petal & Twine", industry="florist", style=("elegant", "script")),
    Brief("Tiny Tots", slogan="Play all day", industry="daycare", style=("playful",)),
)


def test_after_warm_up_no_logo_loads_a_font_instance():
    warm_up()
    loaded = _fonts._glyph_set.cache_info().misses
    opened = _fonts._load.cache_info().misses
    for brief in BRIEFS:
        for spec in design_specs(brief, count=8, seed=3):
            render_logo(spec, size=64)
    assert _fonts._glyph_set.cache_info().misses == loaded
    assert _fonts._load.cache_info().misses == opened


def test_warm_up_runs_in_a_fresh_process_and_again_for_free():
    code = (
        "import time, logokraft_engine as e\n"
        "e.warm_up()\n"
        "t = time.perf_counter(); e.warm_up(); print(time.perf_counter() - t)\n"
    )
    again = float(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert again < 1.0  # everything is cached: the second call only looks things up
