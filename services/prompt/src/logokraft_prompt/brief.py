"""Validation of a brief at the service boundary (the gateway validates too; never trusted)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from logokraft.v1 import common_pb2
from logokraft_domain.records import LOGO_TYPE_NAME
from logokraft_kit.errors import InvalidArgument

_HEX = re.compile(r"^#[0-9a-f]{6}$")
_LIMITS = {"brand_name": 100, "slogan": 200, "industry": 100, "description": 2000}
MAX_STYLE_KEYWORDS = 10
MAX_COLORS = 6


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

    def columns(self) -> dict[str, Any]:
        """The brief as brand_projects columns."""
        return dict(self.__dict__)


def _text(name: str, value: str) -> str:
    value = value.strip()
    if "\x00" in value:
        raise InvalidArgument(f"{name} must not contain NUL bytes")
    if len(value) > _LIMITS[name]:
        raise InvalidArgument(f"{name} must be at most {_LIMITS[name]} characters")
    return value


def validate_brief(brief: common_pb2.BrandBrief) -> ValidBrief:
    """Check a brief from the wire; raise InvalidArgument naming the first bad field."""
    name = _text("brand_name", brief.brand_name)
    if not name:
        raise InvalidArgument("brand_name is required")
    if not any(c.isprintable() and not c.isspace() for c in unicodedata.normalize("NFC", name)):
        # the engine drops non-printing characters: nothing would be left to design
        raise InvalidArgument("brand_name has no visible characters; give the brand's name")
    if not 1 <= brief.num_candidates <= 8:
        raise InvalidArgument("num_candidates must be between 1 and 8")
    if len(brief.style) > MAX_STYLE_KEYWORDS or any(
        not s.strip() or len(s) > 40 or "\x00" in s for s in brief.style
    ):
        raise InvalidArgument(f"style takes at most {MAX_STYLE_KEYWORDS} keywords of 1-40 chars")
    colors = [c.lower() for c in brief.colors]
    if len(colors) > MAX_COLORS or not all(_HEX.match(c) for c in colors):
        raise InvalidArgument(f"colors takes at most {MAX_COLORS} colours as #rrggbb")
    return ValidBrief(
        brand_name=name,
        slogan=_text("slogan", brief.slogan),
        industry=_text("industry", brief.industry),
        description=_text("description", brief.description),
        style=[s.strip() for s in brief.style],
        colors=colors,
        logo_type=LOGO_TYPE_NAME.get(brief.logo_type),
        num_candidates=brief.num_candidates,
    )
