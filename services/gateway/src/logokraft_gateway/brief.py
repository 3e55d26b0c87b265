"""The brand brief a client submits: its request model and its OpenAPI form, normalisation,
and its proto form.

The limits are the domain's (logokraft_domain.brief): the model's fields and the form's
schema are both derived from those rules, so neither states a limit of its own.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from logokraft.v1 import common_pb2
from logokraft_domain.brief import (
    BRAND_NAME,
    CONTROL_CHARACTERS,
    DEFAULT_CANDIDATES,
    DESCRIPTION,
    INDUSTRY,
    LOGO_TYPES,
    MAX_CANDIDATES,
    MAX_COLOR_FIELD_LENGTH,
    MAX_COLORS,
    MAX_STYLE_KEYWORD_LENGTH,
    MAX_STYLE_KEYWORDS,
    MIN_CANDIDATES,
    SLOGAN,
    TEXT_RULES,
    TextRule,
    understand_colours,
)
from logokraft_domain.records import LOGO_TYPE
from logokraft_gateway.errors import ApiError
from logokraft_gateway.schemas import LogoType, TextInt

SINGLE_FIELDS = (*(rule.name for rule in TEXT_RULES), "logo_type", "num_candidates")
LIST_FIELDS = ("style", "colors")
# What the brief understood from its colour fields: set from `colors`, never sent by a client.
UNDERSTOOD_COLOUR_FIELDS = ("color_words", "color_names", "color_notes")
_COLOR_FORMATS = (
    "Colours in plain words: #rgb or #rrggbb (also #rrggbbaa, rgb(10, 37, 64), "
    'hsl(210, 73%, 15%)), a CSS or common colour name ("cream", '
    '"forest green", "light blue"), several in one field ("navy and gold", '
    '"brown, cream") or a mood ("warm earth tones", "pastel"). Words with no colour '
    f"meaning are kept as notes; at most {MAX_COLORS} colours are used, the first ones."
)


def _text_field(rule: TextRule) -> Any:
    """The model field of a free-text rule: a required one must not be empty."""
    if rule.required:
        return Field(min_length=1, max_length=rule.max_length)
    return Field("", max_length=rule.max_length)


StyleKeyword = Annotated[str, Field(min_length=1, max_length=MAX_STYLE_KEYWORD_LENGTH)]
ColourField = Annotated[str, Field(max_length=MAX_COLOR_FIELD_LENGTH)]


class BriefCreate(BaseModel):
    """What a client may ask for in a new project."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    brand_name: str = _text_field(BRAND_NAME)
    slogan: str = _text_field(SLOGAN)
    industry: str = _text_field(INDUSTRY)
    description: str = _text_field(DESCRIPTION)
    style: list[StyleKeyword] = Field(default_factory=list, max_length=MAX_STYLE_KEYWORDS)
    # The colour fields as sent; once validated, the colours understood as "#rrggbb".
    colors: list[ColourField] = Field(default_factory=list, max_length=MAX_COLORS)
    logo_type: LogoType | None = None
    num_candidates: TextInt = Field(DEFAULT_CANDIDATES, ge=MIN_CANDIDATES, le=MAX_CANDIDATES)
    # Set from `colors` (UNDERSTOOD_COLOUR_FIELDS). The words are left out of model_dump,
    # the request's idempotency fingerprint: "navy" and "#000080" ask for the same thing.
    color_words: list[str] = Field(default_factory=list, exclude=True)
    color_names: list[str] = Field(default_factory=list)
    color_notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _understand_colours(self) -> BriefCreate:
        words = [color for color in self.colors if color]
        reading = understand_colours(words)
        self.color_words = words
        self.colors = list(reading.colors)
        self.color_names = list(reading.names)
        self.color_notes = list(reading.notes)
        return self

    def to_proto(self) -> common_pb2.BrandBrief:
        """The brief as the prompt service takes it."""
        return common_pb2.BrandBrief(
            brand_name=self.brand_name,
            slogan=self.slogan,
            industry=self.industry,
            description=self.description,
            style=self.style,
            colors=self.colors,
            logo_type=LOGO_TYPE[self.logo_type] if self.logo_type else 0,
            num_candidates=self.num_candidates,
            color_words=self.color_words,
            color_names=self.color_names,
            color_notes=self.color_notes,
        )


def form_schema() -> dict[str, Any]:
    """The brief's fields as the OpenAPI schema of a multipart/form-data object.

    Stated from the same rules as BriefCreate: the route reads its form itself (streaming,
    within limits), so FastAPI cannot infer this part of the document.
    """
    properties: dict[str, Any] = {}
    for rule in TEXT_RULES:
        minimum = {"minLength": 1} if rule.required else {}
        properties[rule.name] = {"type": "string", **minimum, "maxLength": rule.max_length}
    properties["style"] = {
        "type": "array",
        "maxItems": MAX_STYLE_KEYWORDS,
        "items": {"type": "string", "maxLength": MAX_STYLE_KEYWORD_LENGTH},
    }
    properties["colors"] = {
        "type": "array",
        "maxItems": MAX_COLORS,
        "items": {
            "type": "string",
            "maxLength": MAX_COLOR_FIELD_LENGTH,
            "description": _COLOR_FORMATS,
        },
    }
    properties["logo_type"] = {"type": "string", "enum": list(LOGO_TYPES)}
    properties["num_candidates"] = {
        "type": "integer",
        "minimum": MIN_CANDIDATES,
        "maximum": MAX_CANDIDATES,
        "default": DEFAULT_CANDIDATES,
        "description": "How many candidates to make, as decimal digits (`4`; `4.0`, `+4` and "
        "`4_0` are refused with a 422).",
    }
    return {
        "type": "object",
        "required": [rule.name for rule in TEXT_RULES if rule.required],
        "properties": properties,
    }


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
        if any(CONTROL_CHARACTERS.search(item) for item in items):
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
