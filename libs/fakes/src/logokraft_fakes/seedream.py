"""A fake BytePlus ModelArk images API (`POST /api/v3/images/generations`) driven by a script.

Each test queues replies with `FakeSeedream.enqueue(...)`; when the queue is empty the fake
returns a valid PNG of the requested size in the requested `response_format`. Image URLs
point back at the fake itself (`GET /files/{name}`), like the provider's expiring links.
`SeedreamHugeB64` streams an oversized `b64_json` answer and counts what it got to send.
`latency_s` (with an optional uniform `jitter` fraction) makes every generation wait before
it is answered, as the model's generation time would; it defaults to 0 and may be changed
on a running fake.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from logokraft_fakes.images import NOT_AN_IMAGE, draw_image, mime_type_of

DEFAULT_MODEL = "seedream-4-0-250828"


@dataclass(frozen=True)
class SeedreamImage:
    """A successful generation; `image` None means draw one of the requested size."""

    image: bytes | None = None
    image_format: str = "PNG"  # how a drawn image is encoded: PNG, JPEG or WEBP
    response_format: str | None = None  # force "url" or "b64_json"; None follows the request
    created_key: str = "created"  # or "created_at"
    url: str | None = None  # answer with this link verbatim (a link elsewhere) instead


@dataclass(frozen=True)
class SeedreamPartialFailure:
    """A 200 whose only `data` item is an `error`."""

    code: str = "InternalServiceError"
    message: str = "The image could not be generated."


@dataclass(frozen=True)
class SeedreamError:
    """An HTTP error in ModelArk's JSON form."""

    status: int
    code: str
    message: str
    error_type: str = "BadRequest"
    param: str | None = None
    retry_after: str | None = None


@dataclass(frozen=True)
class SeedreamRawBody:
    """A body that is not ModelArk JSON (an HTML error page from a proxy, say)."""

    status: int = 200
    body: bytes = b"<html><body>502 Bad Gateway</body></html>"
    content_type: str = "text/html"


@dataclass(frozen=True)
class SeedreamStall:
    """Hold the response until `release` is set (to exercise client timeouts), then succeed."""

    release: asyncio.Event


@dataclass(frozen=True)
class SeedreamHugeB64:
    """A 200 whose `b64_json` holds `image_bytes` bytes (zeros, valid base64), streamed in
    chunks of `chunk_bytes` with a pause between them so a client that stops reading is
    noticed; `FakeSeedream.answer_bytes_sent` counts what went out. With `declare_length`
    the answer carries its Content-Length up front."""

    image_bytes: int
    chunk_bytes: int = 64 * 1024
    declare_length: bool = False
    pause_s: float = 0.001


SeedreamReply = (
    SeedreamImage
    | SeedreamPartialFailure
    | SeedreamError
    | SeedreamRawBody
    | SeedreamStall
    | SeedreamHugeB64
)


def sensitive_input() -> SeedreamError:
    """400 InputTextSensitiveContentDetected."""
    return SeedreamError(
        400,
        "InputTextSensitiveContentDetected",
        "The request failed because the input text may contain sensitive information.",
    )


def sensitive_output() -> SeedreamError:
    """400 OutputImageSensitiveContentDetected."""
    return SeedreamError(
        400,
        "OutputImageSensitiveContentDetected",
        "The request failed because the output image may contain sensitive information.",
    )


def rate_limited(retry_after: str | None = None) -> SeedreamError:
    """429 RateLimitExceeded, optionally with a Retry-After header."""
    return SeedreamError(
        429,
        "RateLimitExceeded.EndpointRPMExceeded",
        "Your account has exceeded the RPM rate limit for this endpoint.",
        error_type="TooManyRequests",
        retry_after=retry_after,
    )


def internal_error() -> SeedreamError:
    """500 InternalServiceError."""
    return SeedreamError(
        500,
        "InternalServiceError",
        "The service encountered an unexpected internal error.",
        error_type="InternalServerError",
    )


def undecodable_image(response_format: str = "url") -> SeedreamImage:
    """A 'successful' generation whose image bytes do not decode."""
    return SeedreamImage(image=NOT_AN_IMAGE, response_format=response_format)


@dataclass(frozen=True)
class SeedreamRequest:
    """One generation request the fake received."""

    headers: dict[str, str]
    body: dict[str, Any]


class FakeSeedream:
    """The fake images API: `app` to serve, `enqueue` to script, `requests` to assert on."""

    def __init__(
        self,
        *,
        api_key: str = "fake-ark-key",
        latency_s: float = 0.0,
        jitter: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.api_key = api_key
        self.latency_s = latency_s  # before every generation answer (not downloads)
        self.jitter = jitter  # each wait is latency_s * uniform(1 - jitter, 1 + jitter)
        self._random = random.Random(seed)
        self.requests: list[SeedreamRequest] = []
        self.downloads: list[str] = []
        self.download_headers: list[dict[str, str]] = []  # of every /files and /redirect GET
        self.answer_bytes_sent = 0  # of SeedreamHugeB64 answers, as far as they got
        self.script: deque[SeedreamReply] = deque()
        self._files: dict[str, tuple[bytes, str]] = {}
        self._names = itertools.count(1)
        self.app = FastAPI(title="fake Seedream")
        self.app.add_api_route("/api/v3/images/generations", self._generate, methods=["POST"])
        self.app.add_api_route("/files/{name}", self._download, methods=["GET"])
        # `GET /redirect?to=<url>`: a 302 to `to`, for links that redirect elsewhere.
        self.app.add_api_route("/redirect", self._redirect, methods=["GET"])

    def enqueue(self, *replies: SeedreamReply) -> None:
        """Queue replies; each generation request consumes one."""
        self.script.extend(replies)

    def latency(self) -> float:
        """How long the next generation waits: `latency_s`, jittered."""
        if self.latency_s <= 0:
            return 0.0
        factor = self._random.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter > 0 else 1
        return max(0.0, self.latency_s * factor)

    async def _generate(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(
                SeedreamError(401, "AuthenticationError", "The API key is invalid.", "Unauthorized")
            )
        body = await request.json()
        self.requests.append(SeedreamRequest(headers=dict(request.headers), body=body))
        reply = self.script.popleft() if self.script else SeedreamImage()
        latency = self.latency()
        if latency > 0:
            await asyncio.sleep(latency)
        if isinstance(reply, SeedreamStall):
            await reply.release.wait()
            reply = SeedreamImage()
        if isinstance(reply, SeedreamError):
            return _error(reply)
        if isinstance(reply, SeedreamRawBody):
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type)
        if isinstance(reply, SeedreamHugeB64):
            return self._huge_b64(reply, body)
        if isinstance(reply, SeedreamPartialFailure):
            item = {"error": {"code": reply.code, "message": reply.message}}
            return JSONResponse(_envelope(body, [item], "created", generated=0))
        return JSONResponse(self._success(reply, body, str(request.base_url)))

    def _success(self, reply: SeedreamImage, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        size = str(body.get("size", "1024x1024"))
        width, height = _pixels(size)
        image = reply.image or draw_image(width, height, image_format=reply.image_format)
        if reply.url is not None:
            item = {"url": reply.url, "size": size}
        elif (reply.response_format or body.get("response_format", "url")) == "b64_json":
            item = {"b64_json": base64.b64encode(image).decode(), "size": size}
        else:
            name = f"{next(self._names)}.{reply.image_format.lower()}"
            self._files[name] = (image, mime_type_of(reply.image_format))
            item = {"url": f"{base_url.rstrip('/')}/files/{name}", "size": size}
        return _envelope(body, [item], reply.created_key, generated=1)

    def _huge_b64(self, reply: SeedreamHugeB64, body: dict[str, Any]) -> StreamingResponse:
        encoded_length = 4 * -(-reply.image_bytes // 3)
        head, tail = (
            json.dumps(
                _envelope(
                    body, [{"b64_json": "", "size": body.get("size")}], "created", generated=1
                )
            )
            .encode()
            .split(b'"b64_json": ""')
        )
        head += b'"b64_json": "'
        tail = b'"' + tail
        total = len(head) + encoded_length + len(tail)

        async def chunks() -> AsyncIterator[bytes]:
            for part in (head, *_zeros_b64(encoded_length, reply.chunk_bytes), tail):
                self.answer_bytes_sent += len(part)
                yield part
                await asyncio.sleep(reply.pause_s)  # let a disconnect be noticed

        headers = {"Content-Length": str(total)} if reply.declare_length else None
        return StreamingResponse(chunks(), media_type="application/json", headers=headers)

    async def _redirect(self, request: Request, to: str) -> Response:
        self.download_headers.append(dict(request.headers))
        return RedirectResponse(to, status_code=302)

    async def _download(self, request: Request, name: str) -> Response:
        self.downloads.append(name)
        self.download_headers.append(dict(request.headers))
        if name not in self._files:
            return Response(b"NoSuchKey", status_code=404)
        content, mime_type = self._files[name]
        return Response(content, media_type=mime_type)


def _zeros_b64(length: int, chunk_bytes: int) -> Iterator[bytes]:
    """`length` (a multiple of 4) characters of base64 for zero bytes, in chunks."""
    for start in range(0, length, chunk_bytes):
        yield b"A" * min(chunk_bytes, length - start)


def _pixels(size: str) -> tuple[int, int]:
    if "x" in size:
        width, height = size.lower().split("x")
        return int(width), int(height)
    side = {"1K": 1024, "2K": 2048, "4K": 4096}.get(size.upper(), 1024)
    return side, side


def _envelope(
    body: dict[str, Any], items: list[dict[str, Any]], created_key: str, *, generated: int
) -> dict[str, Any]:
    return {
        "model": body.get("model", DEFAULT_MODEL),
        created_key: int(time.time()),
        "data": items,
        "usage": {
            "generated_images": generated,
            "output_tokens": 4096 * generated,
            "total_tokens": 4096 * generated,
        },
    }


def _error(reply: SeedreamError) -> JSONResponse:
    payload: dict[str, Any] = {
        "code": reply.code,
        "message": f"{reply.message} Request id: 0217fake{reply.status}",
        "type": reply.error_type,
    }
    if reply.param is not None:
        payload["param"] = reply.param
    headers = {"Retry-After": reply.retry_after} if reply.retry_after is not None else None
    return JSONResponse({"error": payload}, status_code=reply.status, headers=headers)
