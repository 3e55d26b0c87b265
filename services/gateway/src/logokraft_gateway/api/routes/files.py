"""/api/v1/files: serves locally stored objects to holders of a valid signed URL."""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import FileResponse
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from logokraft_gateway.api.deps import State, limit_client_ip
from logokraft_gateway.errors import ApiError, error_response, error_responses
from logokraft_kit.storage import LocalStorage
from logokraft_kit.storage.local import InvalidObjectPath

router = APIRouter(prefix="/files", tags=["files"], dependencies=[Depends(limit_client_ip)])

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


def _gone() -> ApiError:
    return ApiError(404, "file_not_found", "The file no longer exists.")


_RANGE_SPEC = re.compile(r"(\d+)-(\d*)|-\d+")


def _byte_ranges(value: str) -> bool:
    """True for a Range of byte ranges (`bytes=0-99`, `bytes=-500`, `bytes=0-1, 5-`)."""
    unit, _, specs = value.partition("=")
    if unit.strip().lower() != "bytes":
        return False
    for spec in specs.split(","):
        match = _RANGE_SPEC.fullmatch(spec.strip())
        if match is None:
            return False
        first, last = match.group(1), match.group(2)
        if first is not None and last and int(last) < int(first):
            return False
    return True


# What a 304 repeats of the 200 it stands for (RFC 9110 §15.4.5).
_NOT_MODIFIED_HEADERS = ("etag", "last-modified", "cache-control")


class _RangedFile(FileResponse):
    """A FileResponse that answers If-None-Match and ignores a Range other than byte ranges.

    Starlette sends an ETag but never evaluates If-None-Match, which RFC 9110 §13.1.2 has an
    origin server do: a browser revalidating an image got the whole file again instead of
    a 304. And it answers a Range of another unit with a text/plain 400 ("Only support bytes
    range"), where §14.2 has a server ignore a range unit it does not know, and lets it ignore
    an invalid range set: such a request gets the whole file, as if it had sent no Range.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_headers = Headers(scope=scope)
        if self.stat_result is None:
            try:
                self.stat_result = await asyncio.to_thread(os.stat, self.path)
            except FileNotFoundError:  # deleted with its project since the route looked
                await error_response(_gone())(scope, receive, send)
                return
            self.set_stat_headers(self.stat_result)
        if _matches(request_headers.get("if-none-match"), self.headers["etag"]):
            kept = {name: self.headers[name] for name in _NOT_MODIFIED_HEADERS}
            await Response(status_code=304, headers=kept)(scope, receive, send)
            return
        value = request_headers.get("range")
        if value is not None and not _byte_ranges(value):
            headers = [(name, v) for name, v in scope["headers"] if name.lower() != b"range"]
            scope = {**scope, "headers": headers}
        await super().__call__(scope, receive, send)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: `*`, or one of its tags (W/ or not) is the ETag."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


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
        416: {"description": "The byte ranges asked for lie past the end of the object."},
        **error_responses(403, 404, 422, 429, 500),
    },
)
async def get_file(
    bucket: str,
    path: str,
    state: State,
    expires: Annotated[str, Query()] = "",
    signature: Annotated[str, Query()] = "",
) -> FileResponse:
    """Serve the object when its signature matches and has not expired."""
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
        raise _gone()
    media_type = _MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), _OTHER_MEDIA_TYPE)
    headers = {**_SAFE_HEADERS, "Cache-Control": "private, max-age=300"}
    return _RangedFile(file_path, media_type=media_type, headers=headers)


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
