"""Downloads answered as RFC 9110 has an origin server answer them: ETag and If-None-Match
(304), Range (206, 416), HEAD. One implementation for files on disk (signed file URLs,
api/routes/files.py) and for bytes the gateway holds (the brand kit, api/routes/assets.py).

    RangedFile   Starlette's FileResponse (ETag from size and mtime, byte ranges, multipart
                 byteranges, If-Range), plus If-None-Match and a lenient Range
    RangedBytes  the same for bytes in memory: a strong ETag from a hash of the bytes, no
                 Last-Modified (the bytes carry no time)
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import stat
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Response
from fastapi.responses import FileResponse
from starlette.datastructures import Headers
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable
from starlette.types import Receive, Scope, Send

from logokraft_gateway.errors import ApiError, error_response
from logokraft_gateway.schemas import ErrorResponse

# The OpenAPI `responses=` entries of a download route beyond its 200.
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    206: {
        "description": "The byte ranges a `Range: bytes=...` header asked for (several as "
        "`multipart/byteranges`); a Range of another unit, or an invalid one, is ignored.",
    },
    304: {"description": "Unchanged: `If-None-Match` names the ETag of what a GET would send."},
    416: {
        "model": ErrorResponse,
        "description": "The byte ranges asked for lie past the end of the content "
        "(`range_not_satisfiable`, with `Content-Range: bytes */<size>`).",
    },
}


def file_gone() -> ApiError:
    """The 404 of a stored file that no longer exists."""
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


class RangedFile(FileResponse):
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
                await error_response(file_gone())(scope, receive, send)
                return
            self.set_stat_headers(self.stat_result)
        if _matches(request_headers.get("if-none-match"), self.headers["etag"]):
            kept = {n: self.headers[n] for n in _NOT_MODIFIED_HEADERS if n in self.headers}
            await Response(status_code=304, headers=kept)(scope, receive, send)
            return
        value = request_headers.get("range")
        if value is not None and not _byte_ranges(value):
            headers = [(name, v) for name, v in scope["headers"] if name.lower() != b"range"]
            scope = {**scope, "headers": headers}
        elif value is not None and self._range_applies(request_headers.get("if-range")):
            size = self.stat_result.st_size
            try:
                self._parse_range_header(value, size)
            except RangeNotSatisfiable:
                # Starlette's own 416 is an empty text/plain: the error shape, saying why.
                await error_response(range_not_satisfiable(size))(scope, receive, send)
                return
            except MalformedRangeHeader:
                pass  # Starlette answers it as it should (ignored, or its 400)
        await super().__call__(scope, receive, send)

    def _range_applies(self, if_range: str | None) -> bool:
        """Whether Starlette will read the Range: If-Range, when sent, names this version."""
        return if_range is None or self._should_use_range(if_range)


def range_not_satisfiable(size: int) -> ApiError:
    """The 416 of byte ranges that all start past the end of `size` bytes."""
    return ApiError(
        416,
        "range_not_satisfiable",
        f"The Range asks for bytes past the end: the content has {size} bytes (0-{size - 1}).",
        headers={"Content-Range": f"bytes */{size}"},
    )


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: `*`, or one of its tags (W/ or not) is the ETag."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


class RangedBytes(RangedFile):
    """`RangedFile`'s answers for bytes held in memory (the brand kit, read from storage).

    The ETag is a hash of the bytes, so it changes exactly when they do; Starlette's
    (size and mtime) would need a time the bytes do not have.
    """

    def __init__(
        self, content: bytes, *, media_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        size = os.stat_result((stat.S_IFREG | 0o444, 0, 0, 1, 0, 0, len(content), 0, 0, 0))
        super().__init__(
            "(in memory)",
            media_type=media_type,
            headers={**(headers or {}), "ETag": etag},
            stat_result=size,
        )
        del self.headers["last-modified"]  # the epoch, from the made-up stat above
        self._content = content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A server's `pathsend` extension would be handed a path that does not exist.
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if "pathsend" not in k}
        await super().__call__({**scope, "extensions": extensions}, receive, send)

    @asynccontextmanager
    async def _open_file(self) -> AsyncIterator[Any]:
        # Starlette reads ranges through this (read, seek); the bytes stand in for the file.
        yield anyio.wrap_file(io.BytesIO(self._content))
