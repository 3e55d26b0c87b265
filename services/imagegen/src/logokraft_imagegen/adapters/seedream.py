"""The Seedream image generator: BytePlus ModelArk `POST /images/generations` over httpx.

One image per call. `url` results are downloaded at once (they expire after 24 h); every
image is decoded and verified with Pillow off the event loop and handed back as PNG.
Generation and download are retried separately, so a failed download never pays for a
second generation.

A `url` is a link the provider chose, so it is fetched carefully: only over https (unless
`allow_http`, for local fakes), only from `image_hosts` (ModelArk's object-storage CDNs by
default), without credentials, following a redirect only to another allowed URL, and read
as a stream that stops past `max_image_bytes`. Anything else fails the image with a
non-retryable error; the offending URL goes to the error's `detail` (logs), not its message.

The generation answer itself is read the same way, as a stream capped at `answer_cap`: room
for a `b64_json` image of `max_image_bytes` (base64 is 4/3 larger) plus the JSON around it;
a larger answer fails without being read further, and the decoded image is held to
`max_image_bytes` too. Error answers are capped far lower (`MAX_ERROR_BYTES`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import email.utils
import io
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

import httpx
from PIL import Image

from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    InvalidProviderRequest,
    ProviderAuthError,
    ProviderError,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
    call_with_retries,
)

T = TypeVar("T")

PROVIDER = "seedream"
DEFAULT_BASE_URL = "https://ark.ap-southeast.bytepluses.com/api/v3"
DEFAULT_MODEL = "seedream-4-0-250828"
# Where ModelArk's image links point: its TOS object storage under the BytePlus and
# Volcengine domains (e.g. ark-content-generation-v2-ap-southeast-1.tos-ap-southeast-1
# .bytepluses.com). "*.example.com" matches subdomains only; a bare name matches exactly.
DEFAULT_IMAGE_HOSTS = ("*.bytepluses.com", "*.volces.com")
DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 3
# What an answer may hold besides the base64 image: the envelope, usage, a long model name.
ANSWER_OVERHEAD_BYTES = 64 * 1024
# A non-200 answer is a short JSON error; past this it is treated as one without a body.
MAX_ERROR_BYTES = 64 * 1024
_CODE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,47}(\.[A-Z][A-Za-z0-9]{1,47})?$")
_SENSITIVE_MESSAGES = {
    "InputTextSensitiveContentDetected": (
        "The image provider rejected the prompt as sensitive content; "
        "rephrase the brief and try again."
    ),
    "InputImageSensitiveContentDetected": (
        "The image provider rejected an inspiration image as sensitive content; "
        "use a different image and try again."
    ),
    "OutputImageSensitiveContentDetected": (
        "The image provider flagged the generated image as sensitive content; "
        "rephrase the brief and try again."
    ),
}
_GENERIC_SENSITIVE = (
    "The image provider rejected the request as sensitive content; "
    "rephrase the brief and try again."
)


KEEP_CONNECTIONS = 128  # idle connections to the provider kept for reuse, at most


class SeedreamGenerator:
    """`ImageGenerator` over Seedream (ModelArk images API)."""

    name = "seedream"
    takes_reference_images = True

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        response_format: str = "b64_json",
        send_seed: bool = False,
        guidance_scale: float | None = None,
        timeout_s: float = 180.0,
        max_attempts: int = 3,
        retry_deadline_s: float | None = 600.0,
        image_hosts: Sequence[str] = DEFAULT_IMAGE_HOSTS,
        allow_http: bool = False,
        max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if response_format not in ("b64_json", "url"):
            raise ValueError(
                f"response_format must be 'b64_json' or 'url', not {response_format!r}"
            )
        self._api_key = api_key
        self._endpoint = base_url.rstrip("/") + "/images/generations"
        self.model = model
        self._response_format = response_format
        self._send_seed = send_seed
        self._guidance_scale = guidance_scale
        self._max_attempts = max_attempts
        self._retry_deadline_s = retry_deadline_s
        self._image_hosts = tuple(h.strip().lower() for h in image_hosts if h.strip())
        self._allow_http = allow_http
        self._max_image_bytes = max_image_bytes
        self._sleep = sleep
        self._owns_client = http_client is None
        # The tail latency is long (p90 over a minute): time out in minutes, not seconds. As
        # many idle connections are kept as calls may be in flight (the service's concurrency
        # is far below this), so a busy worker reuses them instead of opening one per call.
        self._http = http_client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=KEEP_CONNECTIONS),
        )

    async def aclose(self) -> None:
        """Close the HTTP client if this generator created it."""
        if self._owns_client:
            await self._http.aclose()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw one image; raise a ProviderError subclass on failure."""
        body = self.request_body(request)
        payload, item = await self._retrying(lambda: self._generate_once(body))
        if "b64_json" in item:
            raw = _decode_b64(item["b64_json"])  # bounded: the answer was read capped
            if len(raw) > self._max_image_bytes:
                raise self._too_large(f"b64_json decoded to {len(raw)} bytes")
        else:
            raw = await self._retrying(lambda: self._download(str(item["url"])))
        png, width, height, source_format = await asyncio.to_thread(to_png, raw)
        metadata = {
            "provider": PROVIDER,
            "model": payload.get("model", self.model),
            "created": payload.get("created", payload.get("created_at")),
            "size": item.get("size"),
            "source_format": source_format,
            "usage": payload.get("usage"),
        }
        return GeneratedImage(png=png, width=width, height=height, metadata=metadata)

    def request_body(self, request: ImageRequest) -> dict[str, Any]:
        """The JSON body ModelArk expects for `request`."""
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": request.prompt,
            "size": f"{request.width}x{request.height}",
            "response_format": self._response_format,
            "watermark": False,
            "sequential_image_generation": "disabled",
            "stream": False,
        }
        references = [data_url(image) for image in request.reference_images]
        if references:
            body["image"] = references[0] if len(references) == 1 else references
        if self._send_seed:
            body["seed"] = request.seed
        if self._guidance_scale is not None:
            body["guidance_scale"] = self._guidance_scale
        return body

    async def _retrying(self, fn: Callable[[], Awaitable[T]]) -> T:
        return await call_with_retries(
            fn,
            max_attempts=self._max_attempts,
            deadline=self._retry_deadline_s,
            sleep=self._sleep,
        )

    @property
    def answer_cap(self) -> int:
        """The most bytes a generation answer may have: a base64 image of `max_image_bytes`
        (4 characters per 3 bytes, padded) plus `ANSWER_OVERHEAD_BYTES` of JSON."""
        return 4 * -(-self._max_image_bytes // 3) + ANSWER_OVERHEAD_BYTES

    async def _generate_once(self, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self._api_key}"}
        request = self._http.build_request("POST", self._endpoint, json=body, headers=headers)
        response = await self._send(self._http.send(request, stream=True))
        try:
            status = response.status_code
            if status != 200:
                # Past MAX_ERROR_BYTES the body is not worth reading: judge by status alone.
                content = await self._read_capped(
                    response,
                    MAX_ERROR_BYTES,
                    too_large=lambda _: error_from_response(status, None, response.headers),
                )
                raise error_from_response(status, _json_or_none(content), response.headers)
            content = await self._read_capped(
                response, self.answer_cap, too_large=self._answer_too_large
            )
        finally:
            await response.aclose()
        payload = _json_or_none(content)
        if payload is None:
            raise _bad_response("its answer was not JSON")
        return payload, _first_item(payload)

    async def _download(self, url: str) -> bytes:
        """The image at the provider's link: allowed URLs only, no credentials, size-capped."""
        target = self._allowed_url(url)
        for _ in range(MAX_REDIRECTS + 1):
            # No headers of ours and no automatic redirects, whatever the client's defaults.
            request = self._http.build_request("GET", target)
            response = await self._send(
                self._http.send(request, stream=True, follow_redirects=False)
            )
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    target = self._allowed_url(str(target.join(location)), redirected=True)
                    continue
                if response.status_code >= 500 or response.status_code == 429:
                    raise ProviderUnavailable(
                        "The generated image could not be downloaded yet; try again.",
                        provider=PROVIDER,
                    )
                if response.status_code != 200:
                    raise _bad_response(f"its image link answered HTTP {response.status_code}")
                return await self._read_capped(
                    response,
                    self._max_image_bytes,
                    too_large=self._too_large,
                    failed="Could not download the generated image ({error}); try again.",
                )
            finally:
                await response.aclose()
        raise _refused(
            "The image provider's image link redirected too many times; "
            "the image was not downloaded.",
            f"more than {MAX_REDIRECTS} redirects from {url!r}",
        )

    def _allowed_url(self, url: str, *, redirected: bool = False) -> httpx.URL:
        """`url` parsed, or a non-retryable error when it is not one we download from."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            parsed = None
        schemes = ("https", "http") if self._allow_http else ("https",)
        hop = "redirected to" if redirected else "returned"
        if parsed is None or parsed.scheme not in schemes or not parsed.host:
            raise _refused(
                f"The image provider {hop} an image link that is not https; "
                "the image was not downloaded.",
                f"refused image URL {url[:500]!r} (schemes allowed: {', '.join(schemes)})",
            )
        if parsed.userinfo or not host_allowed(parsed.host, self._image_hosts):
            raise _refused(
                f"The image provider {hop} an image link on a host that is not allowed "
                "(LOGOKRAFT_SEEDREAM_IMAGE_HOSTS); the image was not downloaded.",
                f"refused image URL {url[:500]!r} (hosts allowed: {', '.join(self._image_hosts)})",
            )
        return parsed

    async def _read_capped(
        self,
        response: httpx.Response,
        limit: int,
        *,
        too_large: Callable[[str], ProviderError],
        failed: str = "Could not reach the image provider ({error}); try again later.",
    ) -> bytes:
        """A streamed body, read in chunks; `too_large(what)` is raised as soon as it passes
        `limit` bytes (or declares more), and transport failures as `failed`."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(f"Content-Length {declared} over {limit}")
        chunks: list[bytes] = []
        size = 0
        with _transport_errors(failed):
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise too_large(f"more than {size} bytes streamed, over {limit}")
                chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, what: str) -> BadProviderResponse:
        limit_mb = self._max_image_bytes / (1024 * 1024)
        return BadProviderResponse(
            f"The image provider's image is larger than the {limit_mb:g} MB limit "
            "(LOGOKRAFT_SEEDREAM_MAX_IMAGE_BYTES); it was not downloaded. Try again.",
            code="image_too_large",
            provider=PROVIDER,
            detail=what,
        )

    def _answer_too_large(self, what: str) -> BadProviderResponse:
        limit_mb = self._max_image_bytes / (1024 * 1024)
        return BadProviderResponse(
            "The image provider's answer is larger than an image within the "
            f"{limit_mb:g} MB limit (LOGOKRAFT_SEEDREAM_MAX_IMAGE_BYTES) can be; "
            "it was not read. Try again.",
            code="image_too_large",
            provider=PROVIDER,
            detail=f"generation answer: {what}",
        )

    async def _send(self, pending: Awaitable[httpx.Response]) -> httpx.Response:
        with _transport_errors("Could not reach the image provider ({error}); try again later."):
            return await pending
        raise AssertionError("unreachable")  # pragma: no cover


@contextlib.contextmanager
def _transport_errors(message: str) -> Iterator[None]:
    """httpx's timeouts and transport failures as ProviderUnavailable (`message` names the
    failure's type as `{error}`)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise ProviderUnavailable(
            "The image provider timed out; try again.",
            code="provider_timeout",
            provider=PROVIDER,
        ) from exc
    except httpx.TransportError as exc:
        raise ProviderUnavailable(
            message.format(error=type(exc).__name__), provider=PROVIDER
        ) from exc


def error_from_response(
    status: int, payload: dict[str, Any] | None, headers: httpx.Headers
) -> ProviderError:
    """Translate a non-200 ModelArk answer to the provider error hierarchy."""
    error = (payload or {}).get("error") or {}
    code = str(error.get("code", "")) if isinstance(error, dict) else ""
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    retry_after = retry_after_seconds(headers.get("retry-after"))
    said = f"HTTP {status} {code}: {message}"  # provider text: logs only, never the message
    if "SensitiveContentDetected" in code:
        return _content_rejected(code)
    if code.startswith("QuotaExceeded"):
        return QuotaExhausted(
            "The image provider's quota is used up; try again later or raise the quota.",
            provider=PROVIDER,
            detail=said,
        )
    if status == 429 or code.startswith(("RateLimitExceeded", "ServerOverloaded")):
        return RateLimited(
            "The image provider is busy; try again shortly.",
            retry_after=retry_after,
            provider=PROVIDER,
            detail=said,
        )
    if status in (401, 403):
        return ProviderAuthError(
            "The image provider refused our credentials or account; check the API key.",
            provider=PROVIDER,
            detail=said,
        )
    if status >= 500:
        return ProviderUnavailable(
            f"The image provider is unavailable (HTTP {status}); try again later.",
            retry_after=retry_after,
            provider=PROVIDER,
            detail=said,
        )
    return InvalidProviderRequest(
        f"The image provider rejected the request ({_code_name(code) or f'HTTP {status}'}); "
        "try again, and contact support if it keeps failing.",
        provider=PROVIDER,
        detail=said,
    )


def host_allowed(host: str, patterns: Sequence[str]) -> bool:
    """True when `host` is one of `patterns`: "*.example.com" (subdomains) or an exact name."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().rstrip(".")
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def data_url(image: bytes) -> str:
    """A `data:` URL for PNG, JPEG or WEBP bytes."""
    return f"data:{sniff_mime_type(image)};base64,{base64.b64encode(image).decode()}"


def sniff_mime_type(image: bytes) -> str:
    """The MIME type of PNG, JPEG or WEBP bytes, from their magic numbers."""
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if image[:4] == b"RIFF" and image[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidProviderRequest(
        "A reference image is not PNG, JPEG or WEBP; upload one of those formats.",
        provider=PROVIDER,
    )


def to_png(raw: bytes) -> tuple[bytes, int, int, str]:
    """Verify image bytes, re-encoding any other format as PNG; return (png, width, height,
    source format). Blocking.

    A PNG is stored as it came once `verify` has checked its chunks' CRCs (the header, the
    size against the decompression-bomb limit, every chunk's checksum): decoding all of its
    pixels only to throw them away was most of imagegen's CPU per logo.
    """
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
            if probe.format == "PNG":
                return raw, probe.width, probe.height, "PNG"
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            source_format = str(image.format)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue(), image.width, image.height, source_format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _bad_response("its image could not be decoded") from exc


def _first_item(payload: dict[str, Any]) -> dict[str, Any]:
    data = payload.get("data")
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise _bad_response("it returned no image")
    item = data[0]
    error = item.get("error")
    if isinstance(error, dict):
        code = str(error.get("code", ""))
        if "SensitiveContentDetected" in code:
            raise _content_rejected(code)
        named = _code_name(code)
        raise BadProviderResponse(
            f"The image provider could not draw this image{f' ({named})' if named else ''}; "
            "try again.",
            provider=PROVIDER,
            detail=f"partial failure {code!r}: {str(error.get('message', ''))!r}",
        )
    if not item.get("b64_json") and not item.get("url"):
        raise _bad_response("an item had neither b64_json nor url")
    return item


def _decode_b64(data: object) -> bytes:
    try:
        return base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _bad_response("its base64 image did not decode") from exc


def _json_or_none(content: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested absurdly deep
        return None
    return payload if isinstance(payload, dict) else None


def _content_rejected(code: str) -> ContentRejected:
    return ContentRejected(_SENSITIVE_MESSAGES.get(code, _GENERIC_SENSITIVE), provider=PROVIDER)


def _code_name(code: str) -> str:
    """`code` when it is one of ModelArk's identifier-like codes ("InvalidParameter",
    "RateLimitExceeded.EndpointRPMExceeded"), else "": free text never reaches a message."""
    return code if _CODE_NAME.match(code) else ""


def _refused(message: str, detail: str) -> BadProviderResponse:
    return BadProviderResponse(message, code="image_url_refused", provider=PROVIDER, detail=detail)


def _bad_response(what: str) -> BadProviderResponse:
    return BadProviderResponse(
        f"The image provider returned an unusable answer ({what}); try again.", provider=PROVIDER
    )
