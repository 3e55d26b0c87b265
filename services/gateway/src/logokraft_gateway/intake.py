"""Taking in a new project: the form read within limits, the brief checked, images stored.

The form's OpenAPI description is built here too, from the brief's rules and the upload
limits, since the route reads the body itself and FastAPI cannot infer it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from logokraft.v1 import common_pb2
from logokraft_domain.brief import MAX_INSPIRATION_IMAGES, has_visible_characters
from logokraft_gateway.brief import (
    LIST_FIELDS,
    SINGLE_FIELDS,
    BriefCreate,
    form_schema,
    parse_brief,
)
from logokraft_gateway.contract import BRIEF_FORM_EXAMPLE
from logokraft_gateway.errors import ApiError
from logokraft_gateway.uploads import (
    IMAGE_FIELD,
    IMAGES_DESCRIPTION,
    check_declared_length,
    check_images,
    clean_images,
    form_boundary,
    read_form,
)
from logokraft_kit.storage import INSPIRATION_BUCKET, BlobStorage
from logokraft_kit.storage.paths import inspiration_path

log = logging.getLogger(__name__)

ALLOWED_FIELDS = frozenset((*SINGLE_FIELDS, *LIST_FIELDS, IMAGE_FIELD))


@dataclass
class NewProject:
    """A validated brief and its inspiration images, re-encoded as PNG."""

    brief: BriefCreate
    images: list[bytes]


async def read_new_project(
    request: Request, *, before_decoding: Callable[[BriefCreate], Awaitable[None]] | None = None
) -> NewProject:
    """Read, bound and validate the new-project form; nothing is stored here.

    `before_decoding` runs once the brief is valid and before any image is decoded (the
    costly part), so a request that will be refused anyway (its owner's limits) costs little.
    A request without images has nothing costly ahead: it is not called, and the refusal
    comes from creating the project, which checks the same limits in its own transaction.
    """
    boundary = form_boundary(request.headers.get("content-type"))
    check_declared_length(request.headers.get("content-length"))
    form = await read_form(request.stream(), boundary=boundary, allowed_fields=ALLOWED_FIELDS)
    brief = parse_brief(form.fields)
    check_visible_name(brief.brand_name)
    if before_decoding is not None and form.images:
        check_images(form.images)  # headers only: refused here without a service call
        await before_decoding(brief)
    return NewProject(brief=brief, images=await clean_images(form.images))


def check_visible_name(name: str) -> None:
    """Refuse a brand name with nothing to draw: only invisible or non-printing characters.

    Such a name passes the length checks, but the project would fail long after the 202
    (see has_visible_characters).
    """
    if not has_visible_characters(name):
        raise ApiError(
            422,
            "invalid_brief",
            "brand_name: the name has no visible characters; type the brand's name.",
            details=[{"field": "brand_name", "message": "has no visible characters"}],
        )


def new_project_openapi() -> dict[str, Any]:
    """The `openapi_extra` of POST /projects: its multipart form, brief and images."""
    schema = form_schema()
    schema["properties"][IMAGE_FIELD] = {
        "type": "array",
        "maxItems": MAX_INSPIRATION_IMAGES,
        "items": {"type": "string", "format": "binary"},
        "description": IMAGES_DESCRIPTION,
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": schema, "example": dict(BRIEF_FORM_EXAMPLE)}
            },
        }
    }


async def store_inspiration(
    storage: BlobStorage, *, user_id: uuid.UUID, project_id: uuid.UUID, images: list[bytes]
) -> list[common_pb2.StorageRef]:
    """Store the images; on failure remove what was stored and re-raise."""
    refs: list[common_pb2.StorageRef] = []
    try:
        for index, png in enumerate(images, start=1):
            path = inspiration_path(user_id, project_id, index)
            await storage.put(INSPIRATION_BUCKET, path, png, content_type="image/png")
            refs.append(
                common_pb2.StorageRef(
                    bucket=INSPIRATION_BUCKET, path=path, content_type="image/png"
                )
            )
    except BaseException:
        await discard_inspiration(storage, refs)
        raise
    return refs


async def discard_inspiration(storage: BlobStorage, refs: list[common_pb2.StorageRef]) -> None:
    """Remove stored inspiration images (best effort: a failure is logged, not raised)."""
    if not refs:
        return
    try:
        await storage.delete(INSPIRATION_BUCKET, [ref.path for ref in refs])
    except Exception:
        log.exception("could not remove %d inspiration images", len(refs))
