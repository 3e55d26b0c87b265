"""LogoSpec: the JSON-serialisable description of one logo, and its validation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from logokraft_engine._fonts import FACES, graphemes, is_script
from logokraft_engine._icons import ICONS
from logokraft_engine._palette import Palette, clean_hex, is_hex
from logokraft_engine._shapes import SHAPES

SPEC_VERSION = 1
LAYOUTS = ("icon-left", "icon-top", "wordmark", "monogram", "emblem", "mark")
CASES = ("as-is", "upper", "lower", "title")
ACCENTS = ("rule", "frame", "none", "block")
MAX_TEXT = 200
MARK_SCALES = (0.6, 1.6)  # the least and the most `mark_scale`


@dataclass(frozen=True)
class LogoSpec:
    """Everything needed to render one logo."""

    layout: str
    icon: str  # icon name, "" for none
    font: str  # typeface slug for the name
    weight: int
    letter_case: str
    tracking: float  # extra letter spacing in em
    slogan_font: str
    palette: Palette
    shape: str  # container for the mark: monogram tile, emblem badge, icon tile or "none"
    name: str
    slogan: str = ""
    initials: str = ""
    # One of ACCENTS. A wordmark's decoration (a frame or block with a shape is a seal); for
    # the other layouts a treatment: "frame" outlines the container (tile, badge) with the
    # content in colour; "block" sets an icon lockup reversed out of a block, a monogram's tile
    # beside the name, an emblem's icon large; "none" gives an emblem a broad band round a
    # plain centre and sets a monogram's outlined tile beside the name. "rule" is the plain look.
    accent: str = "rule"
    # The mark's size against the text's, 1.0 as designed: above 1 the icon, initials tile or
    # badge icon is drawn larger (and the name smaller where they share the room), below 1 the
    # name larger and the mark smaller ("bigger icon", "make the text bigger"). A wordmark
    # has no mark and ignores it.
    mark_scale: float = 1.0

    def __post_init__(self) -> None:
        _validate(self)

    def to_dict(self) -> dict:
        """The spec as plain JSON-compatible data; `mark_scale` only when it is not 1, so specs
        stored before it existed and those that leave it alone read the same."""
        data = asdict(self)
        if data["mark_scale"] == 1.0:
            del data["mark_scale"]
        return {"version": SPEC_VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict) -> LogoSpec:
        """A spec from `to_dict` output; raises ValueError on unknown or invalid values."""
        if not isinstance(data, dict):
            raise ValueError("spec must be a dict")
        data = dict(data)
        if data.pop("version", SPEC_VERSION) != SPEC_VERSION:
            raise ValueError("unsupported spec version")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown spec fields: {sorted(unknown)}")
        try:
            return cls(**_coerce(data))
        except TypeError as err:
            raise ValueError(str(err)) from None


def _coerce(data: dict) -> dict:
    palette = data.get("palette")
    if not isinstance(palette, dict) or set(palette) != {f.name for f in fields(Palette)}:
        raise ValueError("palette must have background, primary, secondary and text")
    colors = {k: clean_hex(v) if isinstance(v, str) else None for k, v in palette.items()}
    if None in colors.values():
        raise ValueError("palette colours must be '#rrggbb'")
    data["palette"] = Palette(**colors)
    for key in ("name", "slogan", "initials"):
        if key in data and isinstance(data[key], str):
            data[key] = _clean_text(data[key])
    for key in ("tracking", "mark_scale"):
        if isinstance(data.get(key), int) and not isinstance(data[key], bool):
            data[key] = float(data[key])
    return data


def _clean_text(text: str) -> str:
    """`text` without control characters and outer whitespace; a line break or tab is a
    space ("Acme\nBakery" is not "AcmeBakery")."""
    return "".join(
        " " if c.isspace() else c for c in text if c.isprintable() or c.isspace()
    ).strip()


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _validate(spec: LogoSpec) -> None:
    _check(spec.layout in LAYOUTS, f"unknown layout {spec.layout!r}")
    _check(spec.icon == "" or spec.icon in ICONS, f"unknown icon {spec.icon!r}")
    _check(spec.font in FACES, f"unknown font {spec.font!r}")
    _check(spec.slogan_font in FACES, f"unknown slogan font {spec.slogan_font!r}")
    _check(not is_script(spec.slogan_font), "a script face cannot set the slogan")
    _check(type(spec.weight) is int and 100 <= spec.weight <= 1000, "weight must be 100..1000")
    _check(spec.letter_case in CASES, f"unknown letter case {spec.letter_case!r}")
    _check(
        type(spec.tracking) is float
        and math.isfinite(spec.tracking)
        and -0.1 <= spec.tracking <= 0.5,
        "tracking must be a float in -0.1..0.5",
    )
    _check(
        type(spec.mark_scale) is float
        and math.isfinite(spec.mark_scale)
        and MARK_SCALES[0] <= spec.mark_scale <= MARK_SCALES[1],
        f"mark_scale must be a float in {MARK_SCALES[0]}..{MARK_SCALES[1]}",
    )
    _check(spec.shape in SHAPES, f"unknown shape {spec.shape!r}")
    _check(spec.accent in ACCENTS, f"unknown accent {spec.accent!r}")
    _check(isinstance(spec.palette, Palette), "palette must be a Palette")
    _check(all(is_hex(c) for c in asdict(spec.palette).values()), "colours must be '#rrggbb'")
    for key in ("name", "slogan", "initials"):
        value = getattr(spec, key)
        _check(isinstance(value, str) and len(value) <= MAX_TEXT, f"{key} must be a short string")
    _check(bool(spec.name.strip()), "name must not be empty")
    _check(
        len(graphemes(spec.initials)) <= 3 and len(spec.initials) <= 12,
        "initials must be at most 3 letters",  # a letter: a grapheme, as "क्षे" or "é"
    )
