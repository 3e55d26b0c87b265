"""logokraft_engine: LogoKraft's local logo engine (brief → logo spec → SVG and PNG)."""

from logokraft_engine._brief import Brief
from logokraft_engine._design import (
    PLANNED,
    concept_of,
    describe_spec,
    design_spec,
    design_specs,
)
from logokraft_engine._edit import SpecEdit, edit_spec
from logokraft_engine._extract import dominant_colors
from logokraft_engine._render import RenderedLogo, render_logo
from logokraft_engine._spec import LogoSpec
from logokraft_engine._warm import warm_up

__all__ = [
    "PLANNED",
    "Brief",
    "LogoSpec",
    "RenderedLogo",
    "SpecEdit",
    "concept_of",
    "describe_spec",
    "design_spec",
    "design_specs",
    "dominant_colors",
    "edit_spec",
    "render_logo",
    "warm_up",
]
