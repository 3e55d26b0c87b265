"""The brand brief a client submits: field rules, normalisation, and its proto form."""

from __future__ import annotations

import re
from typing import Annotated, Any

import webcolors
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from logokraft.v1 import common_pb2
from logokraft_gateway.convert import LOGO_TYPES
from logokraft_gateway.errors import ApiError
from logokraft_gateway.schemas import LogoType

SINGLE_FIELDS = ("brand_name", "slogan", "industry", "description", "logo_type", "num_candidates")
LIST_FIELDS = ("style", "colors")
MAX_STYLES = 10
MAX_COLORS = 6
# Control characters other than tab and newlines have no place in a brief.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")

StyleKeyword = Annotated[str, Field(min_length=1, max_length=40)]


class BriefCreate(BaseModel):
    """What a client may ask for in a new project."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    brand_name: str = Field(min_length=1, max_length=100)
    slogan: str = Field("", max_length=200)
    industry: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)
    style: list[StyleKeyword] = Field(default_factory=list, max_length=MAX_STYLES)
    colors: list[str] = Field(default_factory=list, max_length=MAX_COLORS)
    logo_type: LogoType | None = None
    num_candidates: int = Field(4, ge=1, le=8, strict=False)

    @field_validator("colors", mode="after")
    @classmethod
    def _normalise_colors(cls, colors: list[str]) -> list[str]:
        return [normalise_color(color) for color in colors]

    def to_proto(self) -> common_pb2.BrandBrief:
        """The brief as the prompt service takes it."""
        return common_pb2.BrandBrief(
            brand_name=self.brand_name,
            slogan=self.slogan,
            industry=self.industry,
            description=self.description,
            style=self.style,
            colors=self.colors,
            logo_type=LOGO_TYPES[self.logo_type] if self.logo_type else 0,
            num_candidates=self.num_candidates,
        )


def normalise_color(value: str) -> str:
    """A hex (#rgb/#rrggbb) or CSS colour name as "#rrggbb"."""
    value = value.strip()
    try:
        if _HEX.match(value):
            return webcolors.normalize_hex(value)
        return webcolors.name_to_hex(value.lower())
    except ValueError:
        raise ValueError(
            f"{value!r} is not a colour; use #rgb, #rrggbb or a CSS colour name"
        ) from None


def parse_brief(fields: dict[str, list[str]]) -> BriefCreate:
    """Validate the form's text fields into a brief; 422 ApiError listing each problem."""
    _reject_control_characters(fields)
    values: dict[str, Any] = {}
    for name, items in fields.items():
        if name in LIST_FIELDS:
            values[name] = [item for item in items if item.strip()]
            continue
        if len(items) > 1:
            raise ApiError(422, "duplicate_field", f"The field {name} was sent more than once.")
        if items[0].strip() or name not in ("logo_type", "num_candidates"):
            values[name] = items[0]
    try:
        return BriefCreate.model_validate(values)
    except ValidationError as error:
        raise _brief_error(error) from None


def _reject_control_characters(fields: dict[str, list[str]]) -> None:
    for name, items in fields.items():
        if any(_CONTROL.search(item) for item in items):
            raise ApiError(
                422,
                "invalid_characters",
                f"The field {name} contains control characters (such as NUL); remove them.",
                details=[{"field": name, "message": "contains control characters"}],
            )


def _brief_error(error: ValidationError) -> ApiError:
    details = [
        {
            "field": ".".join(str(part) for part in item["loc"]) or "brief",
            "message": item["msg"].removeprefix("Value error, "),
        }
        for item in error.errors()
    ]
    first = details[0]
    return ApiError(422, "invalid_brief", f"{first['field']}: {first['message']}.", details=details)
