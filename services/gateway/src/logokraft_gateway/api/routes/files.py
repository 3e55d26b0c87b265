"""/api/v1/files: serves locally stored objects to holders of a valid signed URL."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from logokraft_gateway.api.deps import State, limit_client_ip
from logokraft_gateway.downloads import RangedFile, file_gone
from logokraft_gateway.errors import ApiError, error_responses
from logokraft_gateway.json_body import StrictJsonRoute
from logokraft_gateway.renditions import RESIZABLE, SIZES, rendition
from logokraft_gateway.schemas import ErrorResponse
from logokraft_kit.storage import LocalStorage
from logokraft_kit.storage.local import InvalidObjectPath

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/files",
    tags=["files"],
    dependencies=[Depends(limit_client_ip)],
)

_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
_OTHER_MEDIA_TYPE = "application/octet-stream"
# An SVG opened directly must not run scripts or load anything.
_SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


def _forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


@router.get(
    "/{bucket}/{path:path}",
    summary="Download a stored object through a signed, expiring URL",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The object's bytes.",
            "content": {
                media_type: {}
                for media_type in dict.fromkeys([*_MEDIA_TYPES.values(), _OTHER_MEDIA_TYPE])
            },
        },
        206: {
            "description": "The byte ranges a `Range: bytes=...` header asked for (several as "
            "`multipart/byteranges`); a Range of another unit, or an invalid one, is ignored.",
        },
        304: {"description": "The object has not changed: `If-None-Match` names its ETag."},
        416: {
            "model": ErrorResponse,
            "description": "The byte ranges asked for lie past the end of the object "
            "(`range_not_satisfiable`, with `Content-Range: bytes */<size>`).",
        },
        **error_responses(403, 404, 422, 429, 500),
    },
)
async def get_file(
    bucket: str,
    path: str,
    state: State,
    expires: Annotated[str, Query()] = "",
    signature: Annotated[str, Query()] = "",
    size: Annotated[
        str,
        Query(
            description="Pixels on a side: a copy of the image no larger than this (an "
            "asset's `thumbnail_url` asks for one); only "
            + ", ".join(map(str, SIZES))
            + ". The image itself when it is that small already.",
        ),
    ] = "",
) -> FileResponse:
    """Serve the object when its signature matches and has not expired; `size`: smaller."""
    storage = state.storage
    if not isinstance(storage, LocalStorage):
        raise ApiError(404, "not_found", "Files are served by the storage provider, not here.")
    expires_at = _expires(expires)
    if expires_at < time.time():
        raise _forbidden("url_expired", "This link has expired; reload the project for a new one.")
    if not signature or not state.url_signer.verify(
        bucket, path, expires=expires_at, signature=signature
    ):
        raise _forbidden("invalid_signature", "This link is not valid; reload the project.")
    try:
        file_path = storage.file_path(bucket, path)
    except InvalidObjectPath:
        raise _forbidden(
            "invalid_signature", "This link is not valid; reload the project."
        ) from None
    if not file_path.is_file() or not await _project_exists(state, path):
        raise file_gone()
    suffix = PurePosixPath(path).suffix.lower()
    media_type = _MEDIA_TYPES.get(suffix, _OTHER_MEDIA_TYPE)
    headers = {**_SAFE_HEADERS, "Cache-Control": "private, max-age=300"}
    if size:
        pixels = _size(size, suffix)
        target = storage.rendition_path(bucket, path, pixels)
        file_path = await rendition(file_path, target, pixels)
    return RangedFile(file_path, media_type=media_type, headers=headers)


def _size(value: str, suffix: str) -> int:
    """`size` as one of SIZES, for an image; a 422 that says what would do otherwise."""
    allowed = ", ".join(map(str, SIZES))
    if value not in {str(size) for size in SIZES}:
        raise ApiError(
            422, "invalid_size", f"size must be one of {allowed} (pixels on a side); got {value!r}."
        )
    if suffix not in RESIZABLE:
        raise ApiError(
            422,
            "invalid_size",
            "Only PNG, JPEG and WebP images come smaller; leave out size for this file.",
        )
    return int(value)


async def _project_exists(state: State, path: str) -> bool:
    """False when the object's project (`{user_id}/{project_id}/...`) was deleted.

    A project deleted by its owner (the Data API lets them) leaves its files behind; its
    signed URLs must stop serving them anyway. Without a database there is nothing to ask.
    """
    if state.db is None:
        return True
    parts = path.split("/")
    try:
        user_id, project_id = uuid.UUID(parts[0]), uuid.UUID(parts[1])
    except (ValueError, IndexError):
        return False  # every stored object lives in a project's folder
    async with state.db.as_user(user_id) as conn:
        cursor = await conn.execute("select 1 from brand_projects where id = %s", [project_id])
        return await cursor.fetchone() is not None


# `expires` as the signer writes it: the digits 0-9, no sign, spaces, underscores, leading
# zeros or other scripts' digits (int() takes "1_700000000", " +1700000000", "01700000000" and
# "١٧٠٠٠٠٠٠٠٠", each of which would then verify as the signed value), and no longer than a
# Unix time in seconds can be for a very long while.
_EXPIRES = re.compile(r"0|[1-9][0-9]{0,15}")


def _expires(value: str) -> int:
    if not _EXPIRES.fullmatch(value):
        raise _forbidden(
            "invalid_signature", "This link is missing its expiry or signature; reload the project."
        )
    return int(value)
