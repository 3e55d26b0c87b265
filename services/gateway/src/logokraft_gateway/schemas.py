"""The public JSON shapes of /api/v1: what clients send and receive.

Limits of what clients send are the domain's (logokraft_domain.brief, .refinement).
`LogoType` spells out the domain's LOGO_TYPES so the OpenAPI document shows the names
(a test keeps the two equal).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator

from logokraft_domain.brief import CONTROL_CHARACTERS, has_visible_characters
from logokraft_domain.refinement import (
    DEFAULT_VARIATIONS,
    MAX_INSTRUCTION,
    MAX_VARIATIONS,
    MIN_VARIATIONS,
)
from logokraft_gateway.renditions import THUMBNAIL_SIZE

# ---- integers, read strictly -------------------------------------------------------------
# Pydantic's lax mode reads `true` as 1, 3.0 as 3 and the text "3_0" as 30 (Python's int()).
# A client that sends any of those has made a mistake it should hear about.

_DIGITS = re.compile(r"[0-9]+")
# Digits enough for any count or event id (an int64 has 19). A longer number is read as
# TOO_LARGE, past every bound, so it is refused by the bounds of what it is for: int() would
# refuse text of over 4300 digits with an error no client should see.
_MAX_DIGITS = 20
TOO_LARGE = 10**_MAX_DIGITS


def _json_integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            "must be a whole number such as 2, written without quotes or a decimal point "
            '(not true, 2.0 or "2")'
        )
    return value


def whole_number(text: str) -> int | None:
    """`text`, surrounding spaces aside, as a whole number in the digits 0-9; None when it is
    anything else ("3.0", "+3", "3_0", "0x3", "٣", which int() would take or half-take).
    More than 20 significant digits read as TOO_LARGE."""
    stripped = text.strip()
    if not _DIGITS.fullmatch(stripped):
        return None
    significant = stripped.lstrip("0")
    return int(significant or "0") if len(significant) <= _MAX_DIGITS else TOO_LARGE


def _digits(value: Any) -> Any:
    if isinstance(value, str):
        number = whole_number(value)
        if number is None:
            raise ValueError(f"must be a whole number in the digits 0-9, such as 4 (not {value!r})")
        return number
    return value


# An integer sent as text (a form field, a query parameter): plain decimal digits (the
# surrounding spaces a form may add aside), never "3.0", "+3", "3_0", "0x3" or "٣". A query
# parameter puts it after its Query(ge=..., le=...), so the bounds reach the OpenAPI schema.
DIGITS_ONLY = BeforeValidator(_digits)
TextInt = Annotated[int, DIGITS_ONLY, Strict()]
# An integer in a JSON body: a JSON integer, never a boolean, a float or a string.
JsonInt = Annotated[int, BeforeValidator(_json_integer), Strict()]

ProjectStatus = Literal["pending", "generating", "completed", "failed", "cancelled"]
AssetStatus = Literal["queued", "generating", "completed", "failed", "cancelled"]
LogoType = Literal["wordmark", "lettermark", "combination", "emblem", "abstract"]


class ErrorBody(BaseModel):
    """What went wrong, for programs (code) and for people (message)."""

    code: str = Field(description="Stable snake_case reason, e.g. `invalid_brief`.")
    message: str = Field(description="A sentence a person can act on.")
    details: list[dict[str, Any]] | None = Field(None, description="Per-field or per-item detail.")
    request_id: str | None = Field(
        None,
        description="The request's id, as in its `X-Request-ID` header: quote it to support.",
    )


class ErrorResponse(BaseModel):
    """The one shape of every error answer."""

    error: ErrorBody


class BriefPublic(BaseModel):
    """The brand brief as stored."""

    brand_name: str
    slogan: str
    industry: str
    description: str
    style: list[str]
    colors: list[str] = Field(
        description='The colours understood from the colour fields, as "#rrggbb".'
    )
    logo_type: LogoType | None
    num_candidates: int
    color_words: list[str] = Field(
        description='The colour fields as written ("navy and gold", "warm earth tones").',
    )
    color_names: list[str] = Field(
        description="A plain name for each of colors, in the same order.",
    )
    color_notes: list[str] = Field(
        description="Words of the colour fields with no colour meaning, kept for the designer.",
    )


class AssetErrorPublic(BaseModel):
    """Why an asset or project failed."""

    code: str
    message: str


class AssetPublic(BaseModel):
    """One generated image: a candidate or a refinement of another asset."""

    id: str
    project_id: str
    parent_asset_id: str | None
    status: AssetStatus
    position: int
    prompt: str
    instruction: str | None
    image_url: str | None = Field(description="Signed, expiring URL; set once completed.")
    width: int | None
    height: int | None
    provider: str | None
    error: AssetErrorPublic | None
    metadata: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    queue_position: int | None = Field(
        None,
        ge=1,
        description="A queued asset's approximate place in line (1: drawn next), updated by "
        "the stream's `queue` events; null when not queued or not known.",
    )
    svg_url: str | None = Field(
        None,
        description="Signed, expiring URL of the logo's SVG master (logos drawn by the local "
        "engine); null for AI-drawn rasters (their brand kit has a vectorised logo.svg) and "
        "until completed.",
    )
    thumbnail_url: str | None = Field(
        None,
        description=f"Signed, expiring URL of the image at most {THUMBNAIL_SIZE} px on a side, "
        "for grids and "
        "lists (`image_url` is full size: for opening and downloading); the same URL as "
        "`image_url` where the storage makes no smaller copies (Supabase Storage). Null until "
        "completed.",
    )
    brand_kit_url: str | None = Field(
        None,
        description="Where to download the asset's brand kit zip (GET with the bearer token; "
        "`/api/v1/assets/{id}/brand-kit`); set once completed.",
    )


class ProjectSummaryPublic(BaseModel):
    """A brand project without its assets (`project` stream events; the list adds counts)."""

    id: str
    status: ProjectStatus
    brief: BriefPublic
    error: AssetErrorPublic | None
    created_at: datetime | None
    updated_at: datetime | None


class ProjectCountsPublic(BaseModel):
    """How many of a project's logos were made: its candidates (what the brief asked for,
    `brief.num_candidates`) by outcome, and the variations refined from them. Logos queued or
    being drawn are in no outcome; `variations` counts every variation, whatever its status."""

    candidates_completed: int = Field(ge=0, description="Candidates drawn and stored.")
    candidates_failed: int = Field(ge=0, description="Candidates that failed.")
    candidates_cancelled: int = Field(
        ge=0, description="Candidates cancelled with the project before they were stored."
    )
    variations: int = Field(ge=0, description="Variations, in any status.")
    variations_completed: int = Field(ge=0, description="Variations drawn and stored.")
    variations_failed: int = Field(ge=0, description="Variations that failed.")


class ProjectListItemPublic(ProjectSummaryPublic):
    """A project of the list: without its assets, with their counts."""

    counts: ProjectCountsPublic


class InspirationImagePublic(BaseModel):
    """One of the images a project was made from, as uploaded (re-encoded to PNG)."""

    url: str = Field(description="Signed, expiring URL of the stored PNG.")
    thumbnail_url: str | None = Field(
        None,
        description=f"The same image at most {THUMBNAIL_SIZE} px on a side, signed and expiring "
        "like `url` (an asset's `thumbnail_url`): for showing it small.",
    )


class ProjectPublic(ProjectSummaryPublic):
    """A brand project with its assets."""

    assets: list[AssetPublic]
    inspiration_images: list[InspirationImagePublic] = Field(
        default_factory=list,
        description="The inspiration images the project was created with, in upload order, each "
        "as a signed, expiring URL like an asset's `image_url` (read the project again for "
        "fresh ones); empty when it was created without any. An image that cannot be signed "
        "is left out.",
    )


class ProjectCreatedPublic(BaseModel):
    """The answer to a new project: where to follow its progress."""

    project_id: str
    status: ProjectStatus
    stream_url: str = Field(description="Absolute SSE URL carrying its own access token.")
    project: ProjectPublic


class ProjectListPublic(BaseModel):
    """One page of the caller's projects, newest first."""

    projects: list[ProjectListItemPublic]
    next_cursor: str | None


class RefineRequestPublic(BaseModel):
    """What to change about an asset, and how many variations to make."""

    model_config = ConfigDict(extra="forbid")

    instruction: str = Field(
        min_length=1,
        max_length=MAX_INSTRUCTION,
        description="What to change, e.g. `make it navy and drop the tagline`.",
        examples=["make it navy"],
    )
    num_variations: JsonInt = Field(
        DEFAULT_VARIATIONS,
        ge=MIN_VARIATIONS,
        le=MAX_VARIATIONS,
        description="How many variations to make: a JSON integer (`2`; `2.0`, `true` and "
        '`"2"` are refused with a 422, stricter than JSON Schema\'s `integer`).',
    )

    @field_validator("instruction", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        """Trimmed before its length is checked, as the brief's fields and the refine
        service are: a text area's trailing newline does not count."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            raise ValueError("the instruction is empty; say what to change, e.g. 'make it navy'")
        return text

    @field_validator("instruction")
    @classmethod
    def _readable(cls, text: str) -> str:
        if CONTROL_CHARACTERS.search(text):
            raise ValueError("the instruction must not contain NUL or other control characters")
        if not has_visible_characters(text):
            raise ValueError(
                "the instruction has no visible characters; say what to change, e.g. 'make it navy'"
            )
        return text


class RefineAcceptedPublic(BaseModel):
    """The answer to a refinement: the queued variations and where to follow them."""

    asset_id: str = Field(description="The refined (parent) asset.")
    project_id: str
    variations: list[AssetPublic] = Field(description="The new assets, `queued`.")
    stream_url: str = Field(description="The project's SSE URL, carrying its own access token.")


class RetryAcceptedPublic(BaseModel):
    """The answer to a retry: the failed candidate, queued again, and where to follow it."""

    asset_id: str = Field(description="The retried candidate (the same asset, drawn again).")
    project_id: str
    asset: AssetPublic = Field(description="The candidate as it is now: `queued`, no error.")
    stream_url: str = Field(description="The project's SSE URL, carrying its own access token.")


class LineagePublic(BaseModel):
    """An asset's history of edits."""

    asset_id: str
    lineage: list[AssetPublic] = Field(
        description="From the original candidate (first) down to this asset (last)."
    )


class HealthPublic(BaseModel):
    """Liveness or readiness of the gateway."""

    status: Literal["ok"]
    services: dict[str, str] | None = None


# ---- the project stream's events (the JSON `data` of each text/event-stream event) ---------


class SnapshotEventPublic(BaseModel):
    """`snapshot`, first: the project with its assets as the stream starts."""

    project: ProjectPublic


class AssetEventPublic(BaseModel):
    """`asset`: one asset as it is now (queued, generating, completed or failed)."""

    asset: AssetPublic


class ProjectEventPublic(BaseModel):
    """`project`: the project (without assets) after its status changed."""

    project: ProjectSummaryPublic


class QueuePositionPublic(BaseModel):
    """One queued asset's place in line."""

    asset_id: str
    queue_position: int = Field(ge=1, description="1: drawn next.")


class QueueEventPublic(BaseModel):
    """`queue`: the project's queued assets have new places in line (no id: not recorded)."""

    positions: list[QueuePositionPublic]


class DoneEventPublic(BaseModel):
    """`done`, last: nothing of the project is in flight; the stream ends."""

    status: ProjectStatus
    completed_assets: int = Field(ge=0)
    failed_assets: int = Field(ge=0)
    deleted: bool = Field(
        False,
        description="True when the project was deleted while the stream was open: it was "
        "cancelled first (`status` is `cancelled`), and it, its logos and their files are gone "
        "(GET answers 404). The counts are the cancel's, or, when the gateway found the "
        "project gone before the cancel's `done` reached it, those this stream had reported "
        "(this `done` then has no id).",
    )


STREAM_EVENTS: dict[str, type[BaseModel]] = {
    "snapshot": SnapshotEventPublic,
    "asset": AssetEventPublic,
    "project": ProjectEventPublic,
    "queue": QueueEventPublic,
    "done": DoneEventPublic,
}


def stream_event_schema() -> dict[str, Any]:
    """The OpenAPI 3.1 schema of one event of the project stream, as parsed from the wire.

    For `text/event-stream`, an OpenAPI 3.1 `schema` describes each event: an object with the
    event's `event` name, its `id` and its `data`, here JSON (`contentSchema`) of the shape
    of that event. Self-contained (no `$ref`), so it can be placed anywhere in the document.
    """
    return {
        "oneOf": [
            {
                "type": "object",
                "required": ["event", "data"],
                "properties": {
                    "event": {"const": name},
                    "id": {"type": "string", "pattern": "^[0-9]+$"},
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": _inline_refs(model.model_json_schema()),
                    },
                },
            }
            for name, model in STREAM_EVENTS.items()
        ]
    }


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its local `#/$defs/...` references replaced by what they name."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                target = resolve(definitions[reference.removeprefix("#/$defs/")])
                extra = {k: resolve(v) for k, v in node.items() if k != "$ref"}
                return {**target, **extra}
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


class UsagePublic(BaseModel):
    """What the caller has used of their limits (a limit of 0 means unlimited)."""

    images_used: int = Field(
        description="Images made (or being made) for the caller in the rolling window: "
        "candidates and variations, those of deleted projects included; images of a cancelled "
        "project that were never drawn are not counted."
    )
    images_limit: int = Field(description="Images allowed in the window; 0 means unlimited.")
    projects_in_flight: int = Field(description="The caller's projects pending or generating.")
    projects_in_flight_limit: int = Field(
        description="Projects that may be in flight at once; 0 means unlimited."
    )
    window_seconds: int = Field(description="The length of the rolling window (a day).")
    resets_at: datetime | None = Field(
        description="When the oldest counted image leaves the window, so more are available; "
        "null when nothing is counted."
    )
