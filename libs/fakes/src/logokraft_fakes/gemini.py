"""A fake Gemini API (`generateContent` and `streamGenerateContent?alt=sse`) driven by a script.

Each test queues replies with `FakeGemini.enqueue(...)`, built by the functions below;
when the queue is empty the fake answers sensibly (a JSON of prompts for structured
requests, a PNG for image requests, plain text otherwise). Every request is recorded.
A latency model (`text_latency_s` for text answers, `image_latency_s` for image answers,
both with an optional uniform `jitter` fraction) makes each answer wait before it is sent,
as the real model's generation time would; both default to 0 (the tests' fake answers at
once) and may be changed on a running fake.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from logokraft_fakes.images import draw_image

DEFAULT_PROMPT_COUNT = 4
_USAGE = {"promptTokenCount": 120, "candidatesTokenCount": 80, "totalTokenCount": 200}
_TYPE_PREFIX = "type.googleapis.com/google.rpc."


@dataclass
class GeminiReply:
    """One scripted answer: an HTTP status and the response bodies (one per streamed event)."""

    chunks: list[dict[str, Any]]
    status: int = 200
    hold_last: asyncio.Event | None = None  # streamed replies wait for it before the last event
    last_sent: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class GeminiRequest:
    """One request the fake received."""

    api_version: str
    model: str
    streamed: bool
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def generation_config(self) -> dict[str, Any]:
        """The request's `generationConfig` (empty when absent)."""
        return self.body.get("generationConfig") or {}

    @property
    def system_text(self) -> str:
        """The text of the system instruction."""
        parts = (self.body.get("systemInstruction") or {}).get("parts") or []
        return "".join(part.get("text", "") for part in parts)

    @property
    def parts(self) -> list[dict[str, Any]]:
        """Every part of every content, in order."""
        return [part for content in self.body.get("contents", []) for part in content["parts"]]

    @property
    def text(self) -> str:
        """The user's text parts joined."""
        return "\n".join(part["text"] for part in self.parts if "text" in part)

    @property
    def inline_images(self) -> list[tuple[str, bytes]]:
        """(mimeType, bytes) of every inlineData part."""
        # google-genai 3.x sends `mime_type` inside `inlineData`; the API accepts both spellings.
        found = []
        for part in self.parts:
            inline = part.get("inlineData") or part.get("inline_data")
            if inline is not None:
                mime_type = inline.get("mimeType") or inline.get("mime_type")
                found.append((mime_type, decode_base64(inline["data"])))
        return found


def decode_base64(data: str) -> bytes:
    """Decode standard or URL-safe base64 (the SDK sends URL-safe; the API takes both)."""
    return base64.b64decode(data.replace("-", "+").replace("_", "/"), validate=True)


# ---- reply builders -------------------------------------------------------------------------


def _candidate(parts: list[dict[str, Any]], finish_reason: str | None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish_reason is not None:
        candidate["finishReason"] = finish_reason
    return candidate


def _body(parts: list[dict[str, Any]], finish_reason: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"candidates": [_candidate(parts, finish_reason)]}
    if finish_reason is not None:
        body["usageMetadata"] = _USAGE
    body["modelVersion"] = "fake-gemini"
    return body


def json_reply(body: dict[str, Any]) -> GeminiReply:
    """A reply with exactly this JSON body (one event when streamed)."""
    return GeminiReply(chunks=[body])


def text_reply(text: str, *, finish_reason: str = "STOP") -> GeminiReply:
    """A normal single-part text answer."""
    return GeminiReply(chunks=[_body([{"text": text}], finish_reason)])


def streamed_text(
    pieces: Iterable[str],
    *,
    finish_reason: str = "STOP",
    hold_last: asyncio.Event | None = None,
) -> GeminiReply:
    """A text answer streamed in pieces; only the last event carries `finishReason`."""
    pieces = list(pieces)
    chunks = [_body([{"text": piece}], None) for piece in pieces[:-1]]
    chunks.append(_body([{"text": pieces[-1]}], finish_reason))
    return GeminiReply(chunks=chunks, hold_last=hold_last)


def interrupted(pieces: Iterable[str], failure: GeminiReply) -> GeminiReply:
    """A stream that breaks off: text events, then `failure`'s error body as an SSE event."""
    chunks = [_body([{"text": piece}], None) for piece in pieces]
    return GeminiReply(chunks=[*chunks, *failure.chunks])


def prompts_json(prompts: Iterable[str]) -> str:
    """The structured answer a prompt-writing request expects."""
    return json.dumps({"prompts": [{"prompt": prompt} for prompt in prompts]})


def split_text(text: str, pieces: int) -> list[str]:
    """Cut `text` into `pieces` nearly equal consecutive slices (none empty)."""
    pieces = max(1, min(pieces, len(text)))
    step, extra = divmod(len(text), pieces)
    bounds = [0]
    for index in range(pieces):
        bounds.append(bounds[-1] + step + (1 if index < extra else 0))
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def blocked(reason: str = "PROHIBITED_CONTENT") -> GeminiReply:
    """A prompt blocked before generation: 200 with `promptFeedback.blockReason`, no candidates."""
    body = {"promptFeedback": {"blockReason": reason}, "usageMetadata": _USAGE}
    return GeminiReply(chunks=[body])


def finished(finish_reason: str, *, text: str = "") -> GeminiReply:
    """A candidate that stopped for `finish_reason` (SAFETY, MAX_TOKENS, IMAGE_SAFETY, ...)."""
    parts = [{"text": text}] if text else []
    return GeminiReply(chunks=[_body(parts, finish_reason)])


def image_reply(
    image: bytes | None = None,
    *,
    mime_type: str = "image/png",
    text: str = "Here is the refined logo.",
) -> GeminiReply:
    """An image answer: a text part, then the image as inlineData."""
    image = image if image is not None else draw_image(1024, 1024)
    parts = [
        {"text": text},
        {"inlineData": {"mimeType": mime_type, "data": base64.b64encode(image).decode()}},
    ]
    return GeminiReply(chunks=[_body(parts, "STOP")])


def no_image(
    finish_reason: str = "IMAGE_SAFETY", *, text: str = "I can't make that image."
) -> GeminiReply:
    """A text-only answer to an image request (IMAGE_SAFETY, NO_IMAGE, IMAGE_OTHER)."""
    return finished(finish_reason, text=text)


def error(
    status: int, grpc_status: str, message: str, details: Iterable[dict[str, Any]] = ()
) -> GeminiReply:
    """An error in Google's JSON form, with google.rpc `details`."""
    payload = {"code": status, "message": message, "status": grpc_status, "details": list(details)}
    return GeminiReply(chunks=[{"error": payload}], status=status)


def rate_limited(retry_delay: str | None = "47s", *, per_day: bool = False) -> GeminiReply:
    """429 RESOURCE_EXHAUSTED with QuotaFailure (per minute or per day) and RetryInfo."""
    period = "PerDay" if per_day else "PerMinute"
    details: list[dict[str, Any]] = [
        {
            "@type": _TYPE_PREFIX + "QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                    "quotaId": f"GenerateRequests{period}PerProjectPerModel",
                    "quotaDimensions": {"location": "global", "model": "gemini-2.5-pro"},
                    "quotaValue": "50",
                }
            ],
        },
        {
            "@type": _TYPE_PREFIX + "Help",
            "links": [
                {
                    "description": "Learn more",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
    ]
    if retry_delay is not None:
        details.append({"@type": _TYPE_PREFIX + "RetryInfo", "retryDelay": retry_delay})
    message = "You exceeded your current quota, please check your plan and billing details."
    return error(429, "RESOURCE_EXHAUSTED", message, details)


def unavailable() -> GeminiReply:
    """503 UNAVAILABLE: the model is overloaded."""
    return error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")


def invalid_argument(message: str = "Request contains an invalid argument.") -> GeminiReply:
    """400 INVALID_ARGUMENT."""
    return error(400, "INVALID_ARGUMENT", message)


def _api_key_invalid() -> GeminiReply:
    details = [
        {
            "@type": _TYPE_PREFIX + "ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        }
    ]
    return error(
        400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details
    )


# ---- default answers --------------------------------------------------------------------------


def _requested_prompt_count(config: dict[str, Any]) -> int:
    schema = config.get("responseJsonSchema") or config.get("responseSchema") or {}
    prompts = (schema.get("properties") or {}).get("prompts") or {}
    for key in ("maxItems", "minItems"):
        if key in prompts:
            return int(prompts[key])
    return DEFAULT_PROMPT_COUNT


# Eight different directions, as an art director would answer (the writer checks repeats).
DEFAULT_DIRECTIONS = (
    "a wordmark in a heavy geometric sans, tight letter spacing, one accent colour on the dot.",
    "a circular emblem with a thin ring, the initial in a serif capital at its centre.",
    "a mascot fox drawn in three flat shapes, friendly eyes, beside a rounded name.",
    "a negative-space leaf cut out of a solid square tile, name set underneath in small caps.",
    "an abstract mark of two interlocking arcs forming a monogram, stacked above the name.",
    "a hand-lettered script signature with a single swash underline, warm and personal.",
    "a badge shaped like a shield with a banner ribbon carrying the slogan, vintage print.",
    "a pixel-grid icon of a spark built from nine squares, futuristic monospace lettering.",
)


def default_reply(request: GeminiRequest) -> GeminiReply:
    """What the fake answers when the script is empty."""
    config = request.generation_config
    if "IMAGE" in (config.get("responseModalities") or []):
        return image_reply()
    if config.get("responseMimeType") == "application/json":
        count = _requested_prompt_count(config)
        text = prompts_json(
            f"Flat vector logo, direction {index + 1}: "
            f"{DEFAULT_DIRECTIONS[index % len(DEFAULT_DIRECTIONS)]}"
            for index in range(count)
        )
        return streamed_text(split_text(text, 3 * count))
    return text_reply("OK")


def _merge(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold streamed events into the single body `generateContent` would return."""
    if len(chunks) == 1 or any("candidates" not in chunk for chunk in chunks):
        return chunks[-1]
    parts: list[dict[str, Any]] = []
    for chunk in chunks:
        for part in chunk["candidates"][0]["content"]["parts"]:
            if "text" in part and parts and "text" in parts[-1]:
                parts[-1] = {"text": parts[-1]["text"] + part["text"]}
            else:
                parts.append(part)
    return _body(parts, chunks[-1]["candidates"][0].get("finishReason"))


# ---- the app ----------------------------------------------------------------------------------


class FakeGemini:
    """The fake Gemini API: `app` to serve, `enqueue` to script, `requests` to assert on."""

    def __init__(
        self,
        *,
        api_key: str = "fake-gemini-key",
        text_latency_s: float = 0.0,
        image_latency_s: float = 0.0,
        jitter: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.api_key = api_key
        self.text_latency_s = text_latency_s  # before a text (or JSON) answer, e.g. prompts
        self.image_latency_s = image_latency_s  # before an image answer (Nano Banana edits)
        self.jitter = jitter  # each wait is latency * uniform(1 - jitter, 1 + jitter)
        self._random = random.Random(seed)
        self.requests: list[GeminiRequest] = []
        self.script: deque[GeminiReply] = deque()
        self.app = FastAPI(title="fake Gemini")
        self.app.add_api_route(
            "/{api_version}/models/{model_action}", self._handle, methods=["POST"]
        )

    def enqueue(self, *replies: GeminiReply) -> None:
        """Queue replies; each request consumes one."""
        self.script.extend(replies)

    async def _handle(self, api_version: str, model_action: str, request: Request) -> Response:
        model, _, action = model_action.partition(":")
        if action not in ("generateContent", "streamGenerateContent"):
            return _send(error(404, "NOT_FOUND", f"Method {action!r} not found."), streamed=False)
        key = request.headers.get("x-goog-api-key")
        if key is None:
            denied = error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.")
            return _send(denied, streamed=False)
        if key != self.api_key:
            return _send(_api_key_invalid(), streamed=False)
        recorded = GeminiRequest(
            api_version=api_version,
            model=model,
            streamed=action == "streamGenerateContent",
            headers=dict(request.headers),
            body=await request.json(),
        )
        self.requests.append(recorded)
        reply = self.script.popleft() if self.script else default_reply(recorded)
        await self._wait(recorded)
        return _send(reply, streamed=recorded.streamed)

    def latency_of(self, request: GeminiRequest) -> float:
        """How long the answer to `request` waits: the image or text latency, jittered."""
        modalities = request.generation_config.get("responseModalities") or []
        latency = self.image_latency_s if "IMAGE" in modalities else self.text_latency_s
        if latency <= 0:
            return 0.0
        if self.jitter > 0:
            latency *= self._random.uniform(1 - self.jitter, 1 + self.jitter)
        return max(0.0, latency)

    async def _wait(self, request: GeminiRequest) -> None:
        latency = self.latency_of(request)
        if latency > 0:
            await asyncio.sleep(latency)


def _send(reply: GeminiReply, *, streamed: bool) -> Response:
    if reply.status != 200 or not streamed:
        # Errors come back as plain JSON even on the streaming endpoint.
        reply.last_sent.set()
        return JSONResponse(_merge(reply.chunks), status_code=reply.status)
    return StreamingResponse(_events(reply), media_type="text/event-stream")


async def _events(reply: GeminiReply) -> AsyncIterator[bytes]:
    for index, chunk in enumerate(reply.chunks):
        if index == len(reply.chunks) - 1:
            if reply.hold_last is not None:
                await reply.hold_last.wait()
            reply.last_sent.set()
        yield f"data: {json.dumps(chunk)}\r\n\r\n".encode()
