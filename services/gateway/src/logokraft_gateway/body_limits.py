"""Request body limits: a pure ASGI middleware refusing oversized bodies with a JSON 413,
compressed ones (Content-Encoding) with a JSON 415, and with a JSON 400 bodies sent with a
transfer coding besides chunked (`gzip, chunked`) or whose type is ambiguous (two
Content-Type headers, or a boundary named twice).

Every endpoint takes at most JSON_BODY_LIMIT bytes, except the new-project form, whose body
the route reads itself as a stream within its own (larger) limits (uploads.MAX_BODY_BYTES,
per part and per image): here it is only refused by its declared Content-Length.

A declared Content-Length over the limit is refused before a byte of the body is read. A
body without one (chunked) is read here, counting, up to the limit: once over, it is
refused without reading further; within it, it is handed to the app as it came.

A body that stops arriving is refused too: once a request has sent part of its body and then
nothing for `stall_s` seconds (nginx's `client_body_timeout`, between two reads, so a slow
upload that keeps moving is never cut off), it is answered 408 `body_timeout` and its
connection closed, rather than held open for as long as the client likes (a body shorter than
its Content-Length, a chunked body never ended).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from logokraft_gateway.errors import ApiError, error_response
from logokraft_gateway.uploads import MAX_BODY_BYTES

JSON_BODY_LIMIT = 64 * 1024
# The longest a request body may pause between two reads (nginx's default is 60 s).
BODY_STALL_S = 60.0
# The routes that read their body as a stream, each within its own limits.
STREAMED_BODIES: dict[tuple[str, str], int] = {
    ("POST", "/api/v1/projects"): MAX_BODY_BYTES,
}


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit // 1024} KB"


def payload_too_large(limit: int) -> ApiError:
    """The 413 of a body over `limit` bytes."""
    return ApiError(
        413,
        "payload_too_large",
        f"The request body must be at most {_size(limit)} ({limit} bytes).",
    )


class BodyStalled(HTTPException):
    """The client sent part of the request body and then nothing for `seconds`.

    An HTTPException, so that FastAPI, reading a JSON body, passes it on as it is rather than
    as "There was an error parsing the body"; errors.py answers it as any other."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            f"The request body stopped arriving: nothing came for {seconds:g} s. Send the whole "
            "body (as long as its Content-Length says, or end a chunked one) without pausing.",
            headers={"Connection": "close"},
        )


class BodyLimitMiddleware:
    """Refuse request bodies over the route's limit with 413 `payload_too_large`, and bodies
    that stall for `stall_s` with 408 `body_timeout`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int = JSON_BODY_LIMIT,
        streamed: dict[tuple[str, str], int] | None = None,
        stall_s: float = BODY_STALL_S,
    ) -> None:
        self.app = app
        self.limit = limit
        self.streamed = STREAMED_BODIES if streamed is None else streamed
        self.stall_s = stall_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = (scope["method"], scope["path"].rstrip("/") or "/")
        streamed_limit = self.streamed.get(route)
        limit = self.limit if streamed_limit is None else streamed_limit
        declared = _content_length(scope["headers"])
        refusal = _unreadable(scope["headers"]) if _has_body(scope["headers"], declared) else None
        if refusal is not None:
            await error_response(refusal)(scope, receive, send)
            return
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        if _has_body(scope["headers"], declared):
            receive = _within_stalls(receive, self.stall_s)
        if streamed_limit is not None or declared is not None:
            # The route bounds its own stream; a declared length is what the server
            # delivers (h11 and httptools refuse a body longer than its Content-Length).
            await self.app(scope, receive, send)
            return
        try:
            messages = await _read_within(receive, limit)
        except BodyStalled as stalled:
            response = error_response(ApiError(408, "body_timeout", str(stalled.detail)))
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        if messages is None:
            await self._refuse(scope, receive, send, limit)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(payload_too_large(limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def unsupported_coding(coding: str) -> ApiError:
    """The 415 of a compressed request body: the routes read bodies as sent, so a gzip body
    would be refused as "not UTF-8" or "malformed", which says nothing of the compression."""
    return ApiError(
        415,
        "unsupported_content_encoding",
        f"The request body is sent with Content-Encoding: {coding}; send it uncompressed.",
    )


def _unreadable(headers: list[tuple[bytes, bytes]]) -> ApiError | None:
    """The refusal of a body the routes could not read as sent, None for a readable one."""
    coding = _content_coding(headers)
    if coding is not None:
        return unsupported_coding(coding)
    transfer = _transfer_codings(headers)
    if transfer is not None:
        return ApiError(
            400,
            "unsupported_transfer_encoding",
            f"The request body is sent with Transfer-Encoding: {transfer}; send it as it is, "
            "with a Content-Length or Transfer-Encoding: chunked alone.",
        )
    return _ambiguous_content_type(headers)


def _transfer_codings(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The request's Transfer-Encoding when it is more than `chunked` (the server takes the
    chunks off and passes `gzip, chunked` on still gzipped), None otherwise."""
    values = [
        value.decode("latin-1").strip() for name, value in headers if name == b"transfer-encoding"
    ]
    codings = [c.strip().lower() for value in values for c in value.split(",") if c.strip()]
    if codings and codings != ["chunked"]:
        return ", ".join(values)
    return None


_BOUNDARY_PARAMETER = re.compile(rb";\s*boundary\s*=", re.IGNORECASE)


def _ambiguous_content_type(headers: Iterable[tuple[bytes, bytes]]) -> ApiError | None:
    """The 400 of a body whose type reads two ways, None otherwise.

    Content-Type is a single value (RFC 9110 §8.3): with two headers, or a multipart boundary
    named twice, the routes here read the first and a proxy may read the last, so the body
    would be one request to it and another to us (as with a JSON key sent twice).
    """
    types = [value for name, value in headers if name == b"content-type"]
    if len(types) > 1:
        return ApiError(
            400,
            "ambiguous_content_type",
            f"The request carries {len(types)} Content-Type headers; send exactly one.",
        )
    if types and len(_BOUNDARY_PARAMETER.findall(types[0])) > 1:
        return ApiError(
            400,
            "ambiguous_content_type",
            "The Content-Type header names the multipart boundary more than once; name it once.",
        )
    return None


def _content_coding(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The request body's content coding, None when it has none (or `identity`)."""
    for name, value in headers:
        if name == b"content-encoding":
            coding = value.decode("latin-1").strip()
            if coding and coding.lower() != "identity":
                return coding
    return None


def _has_body(headers: Iterable[tuple[bytes, bytes]], declared: int | None) -> bool:
    if declared is not None:
        return declared > 0
    return any(name == b"transfer-encoding" for name, _ in headers)


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it before the app sees it
    return None


async def _read_within(receive: Receive, limit: int) -> list[Message] | None:
    """The body's messages, or None once more than `limit` bytes arrived."""
    messages: list[Message] = []
    received = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        received += len(message.get("body", b""))
        if received > limit:
            return None
        if not message.get("more_body", False):
            return messages


def _within_stalls(receive: Receive, stall_s: float) -> Receive:
    """`receive`, raising BodyStalled when a part of the body takes over `stall_s` to come;
    once the body has all come, as it is (an SSE stream waits on it for the disconnect)."""
    complete = False

    async def guarded() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        try:
            async with asyncio.timeout(stall_s):
                message = await receive()
        except TimeoutError:
            raise BodyStalled(stall_s) from None
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return guarded


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
