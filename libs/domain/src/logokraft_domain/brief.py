"""The brand brief: its fields and their rules, stated once, and its check at a service boundary.

Every limit of a brief lives here. The gateway derives its request model and the OpenAPI
form of `POST /api/v1/projects` from these rules; the prompt service checks every brief
that reaches it over gRPC with `validate_brief` (the gateway's check is never trusted:
other internal callers reach the service too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from logokraft.v1 import common_pb2
from logokraft_domain.colours import ColourReading, colour_name, read_colours
from logokraft_domain.records import LOGO_TYPE, LOGO_TYPE_NAME
from logokraft_kit.errors import InvalidArgument


@dataclass(frozen=True)
class TextRule:
    """A free-text field of the brief: at most `max_length` characters after trimming."""

    name: str
    max_length: int
    required: bool = False


BRAND_NAME = TextRule("brand_name", 100, required=True)
SLOGAN = TextRule("slogan", 200)
INDUSTRY = TextRule("industry", 100)
DESCRIPTION = TextRule("description", 2000)
TEXT_RULES = (BRAND_NAME, SLOGAN, INDUSTRY, DESCRIPTION)

MAX_STYLE_KEYWORDS = 10
MAX_STYLE_KEYWORD_LENGTH = 40
MAX_COLORS = 6
# Colour fields as written ("navy and gold", "warm earth tones"): at most MAX_COLORS fields
# of at most this many characters; they are understood as at most MAX_COLORS colours.
MAX_COLOR_FIELD_LENGTH = 100
MIN_CANDIDATES = 1
MAX_CANDIDATES = 8
DEFAULT_CANDIDATES = 4
MAX_INSPIRATION_IMAGES = 5
LOGO_TYPES: tuple[str, ...] = tuple(LOGO_TYPE)

_HEX = re.compile(r"^#[0-9a-f]{6}$")
# Control characters other than tab and newlines have no place in a brief or an instruction:
# C0, DEL and C1 (U+0080-U+009F: 8-bit terminal escapes such as CSI, and NEL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_RULES = {rule.name: rule for rule in TEXT_RULES}


@dataclass(frozen=True)
class ValidBrief:
    """A brief whose every field is within bounds."""

    brand_name: str
    slogan: str
    industry: str
    description: str
    style: list[str]
    colors: list[str]
    logo_type: str | None
    num_candidates: int
    color_words: list[str] = field(default_factory=list)
    color_names: list[str] = field(default_factory=list)
    color_notes: list[str] = field(default_factory=list)

    def columns(self) -> dict[str, Any]:
        """The brief as brand_projects columns."""
        return dict(self.__dict__)


def understand_colours(words: Sequence[str], colors: Sequence[str] = ()) -> ColourReading:
    """The colours of a brief: `colors` (already "#rrggbb") first, then what `words` say.

    At most MAX_COLORS colours are kept, the first ones; the words themselves are kept by
    the caller, so nothing the user wrote is lost. Never raises: words with no colour
    meaning come back as notes.
    """
    said = read_colours(words, limit=MAX_COLORS * (len(words) + 1))
    name_of = dict(zip(said.colors, said.names, strict=True))
    chosen: list[str] = []
    for value in (*colors, *said.colors):
        if value not in chosen and len(chosen) < MAX_COLORS:
            chosen.append(value)
    names = tuple(name_of.get(value) or colour_name(value) for value in chosen)
    return ColourReading(tuple(chosen), names, said.notes)


def color_field_problem(words: Sequence[str]) -> str | None:
    """Why these colour fields are out of bounds, or None: what the fields take, to follow
    "color_words takes " ("at most 6 colour fields")."""
    if len(words) > MAX_COLORS:
        return f"at most {MAX_COLORS} colour fields"
    if any(len(w.strip()) > MAX_COLOR_FIELD_LENGTH for w in words):
        return f"colour fields of at most {MAX_COLOR_FIELD_LENGTH} characters each"
    return None


# Letters and symbols that are drawn as nothing: the Hangul fillers (U+115F, U+1160, U+3164,
# U+FFA0, "blank" names in games and chats), the Braille blank, the Khmer inherent vowels.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")


def has_visible_characters(name: str) -> bool:
    """True when the name has something to draw.

    A name of only invisible or non-printing characters (a lone zero-width space or soft
    hyphen), of blank letters (a Hangul filler, the Braille blank) or of combining marks with
    nothing to sit on passes the length checks, but draws as nothing: the logo engine drops
    every non-printing character and would set an empty name.
    """
    return any(
        unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_GLYPHS
        for c in unicodedata.normalize("NFC", name)
    )


def _text(name: str, value: str) -> str:
    value = value.strip()
    if CONTROL_CHARACTERS.search(value):
        raise InvalidArgument(f"{name} must not contain control characters (such as NUL)")
    limit = _RULES[name].max_length
    if len(value) > limit:
        raise InvalidArgument(f"{name} must be at most {limit} characters")
    return value


def validate_brief(brief: common_pb2.BrandBrief) -> ValidBrief:
    """Check a brief from the wire; raise InvalidArgument naming the first bad field."""
    name = _text("brand_name", brief.brand_name)
    if not name:
        raise InvalidArgument("brand_name is required")
    if not has_visible_characters(name):
        raise InvalidArgument("brand_name has no visible characters; give the brand's name")
    if not MIN_CANDIDATES <= brief.num_candidates <= MAX_CANDIDATES:
        raise InvalidArgument(
            f"num_candidates must be between {MIN_CANDIDATES} and {MAX_CANDIDATES}"
        )
    if len(brief.style) > MAX_STYLE_KEYWORDS or any(
        not s.strip() or len(s) > MAX_STYLE_KEYWORD_LENGTH or CONTROL_CHARACTERS.search(s)
        for s in brief.style
    ):
        raise InvalidArgument(
            f"style takes at most {MAX_STYLE_KEYWORDS} keywords of "
            f"1-{MAX_STYLE_KEYWORD_LENGTH} chars"
        )
    if brief.logo_type and brief.logo_type not in LOGO_TYPE_NAME:
        # A value this service does not know (a newer caller's, or a typo): dropping it would
        # draw some other kind of logo than the one asked for.
        known = ", ".join(common_pb2.LogoType.Name(value) for value in LOGO_TYPE_NAME)
        raise InvalidArgument(
            f"logo_type {brief.logo_type} is not a logo type; leave it unset or send one of: "
            + known
        )
    colors = [c.lower() for c in brief.colors]
    if len(colors) > MAX_COLORS or not all(_HEX.match(c) for c in colors):
        raise InvalidArgument(f"colors takes at most {MAX_COLORS} colours as #rrggbb")
    words = [w.strip() for w in brief.color_words if w.strip()]
    problem = color_field_problem(words)
    if problem or any(CONTROL_CHARACTERS.search(w) for w in words):
        raise InvalidArgument(
            f"color_words takes {problem or 'no control characters (such as NUL)'}; "
            "write colours as words, CSS names or hex"
        )
    # Names and notes are worked out here again: a caller's are never taken on trust.
    reading = understand_colours(words, colors)
    return ValidBrief(
        brand_name=name,
        slogan=_text("slogan", brief.slogan),
        industry=_text("industry", brief.industry),
        description=_text("description", brief.description),
        style=[s.strip() for s in brief.style],
        colors=list(reading.colors),
        logo_type=LOGO_TYPE_NAME.get(brief.logo_type),
        num_candidates=brief.num_candidates,
        color_words=words,
        color_names=list(reading.names),
        color_notes=list(reading.notes),
    )
