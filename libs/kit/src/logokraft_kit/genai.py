"""The google-genai plumbing every Gemini adapter shares.

- `make_client`: a `genai.Client` from an API key, base URL, API version and timeout;
- `SDK_ERRORS` / `TRANSPORT_ERRORS` / `TIMEOUTS`: what the SDK raises (httpx and httpx2);
- `translate_error`: one of those turned into a `ProviderError` naming the failing part;
- `REJECTING_REASONS`, `rejection_reason`, `raise_if_rejected`: blocked prompts and answers;
- `finish_reason`, `answer_text`: reading a `GenerateContentResponse`.

API errors go through `logokraft_kit.providers.google_error` (RetryInfo, per-day quota,
401/403, 5xx); adapters retry with `call_with_retries`.
"""

from __future__ import annotations

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    ProviderError,
    ProviderUnavailable,
    google_error,
)

try:  # google-genai 3.x talks through httpx2 when it is installed
    import httpx2

    TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError, httpx2.TransportError)
    TIMEOUTS: tuple[type[Exception], ...] = (httpx.TimeoutException, httpx2.TimeoutException)
except ImportError:  # pragma: no cover - depends on the installed extras
    TRANSPORT_ERRORS = (httpx.TransportError,)
    TIMEOUTS = (httpx.TimeoutException,)

# Everything a `generate_content` call raises that `translate_error` understands.
SDK_ERRORS: tuple[type[Exception], ...] = (
    genai_errors.APIError,
    genai_errors.UnknownApiResponseError,
    *TRANSPORT_ERRORS,
)

PROVIDER = "gemini"

# Every LogoKraft call declares no tools: the SDK's automatic function calling (a client-side
# loop around each call, which logs at INFO every time) is switched off in each config.
NO_FUNCTION_CALLING = types.AutomaticFunctionCallingConfig(disable=True)

# Finish reasons (and block reasons) meaning "refused as sensitive content".
REJECTING_REASONS = frozenset(
    {
        "SAFETY",
        "PROHIBITED_CONTENT",
        "BLOCKLIST",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "MODEL_ARMOR",
        "JAILBREAK",
    }
)


def make_client(
    *,
    api_key: str,
    base_url: str | None = None,
    api_version: str | None = None,
    timeout_s: float = 120.0,
) -> genai.Client:
    """A client for the Gemini API; `base_url` points it at a fake, `None` keeps the defaults."""
    http_options = types.HttpOptions(
        base_url=base_url, api_version=api_version, timeout=int(timeout_s * 1000)
    )
    return genai.Client(api_key=api_key, http_options=http_options)


def translate_error(exc: Exception, *, what: str, provider: str = PROVIDER) -> ProviderError:
    """Map an SDK or transport exception to the provider errors.

    `what` names the failing part in messages, e.g. "the prompt writer", "the image editor".
    """
    if isinstance(exc, genai_errors.APIError):
        return google_error(exc.code, exc.details, provider=provider)
    if isinstance(exc, genai_errors.UnknownApiResponseError):
        return BadProviderResponse(
            f"{_capitalized(what)} answered with a response we could not read; try again.",
            provider=provider,
        )
    if isinstance(exc, TIMEOUTS):
        return ProviderUnavailable(
            f"{_capitalized(what)} timed out; try again.",
            code="provider_timeout",
            provider=provider,
        )
    return ProviderUnavailable(
        f"Could not reach {what} ({type(exc).__name__}); try again later.", provider=provider
    )


def finish_reason(candidate: types.Candidate) -> str:
    """The candidate's finish reason as its wire name ("STOP", "IMAGE_SAFETY"; "" if none)."""
    value = candidate.finish_reason
    return str(getattr(value, "value", value) or "")


def rejection_reason(response: types.GenerateContentResponse) -> str | None:
    """Why the prompt or the answer was refused as sensitive content, or None if it was not.

    A blocked prompt comes back as `promptFeedback.blockReason` with no candidates; a
    refused answer as a rejecting finish reason of the first candidate.
    """
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        return str(getattr(feedback.block_reason, "value", feedback.block_reason))
    if response.candidates:
        reason = finish_reason(response.candidates[0])
        if reason in REJECTING_REASONS:
            return reason
    return None


def raise_if_rejected(
    response: types.GenerateContentResponse, *, message: str, provider: str = PROVIDER
) -> None:
    """Raise ContentRejected(`message`) for a blocked prompt or a refused answer."""
    if rejection_reason(response) is not None:
        raise ContentRejected(message, provider=provider)


def answer_text(response: types.GenerateContentResponse) -> str:
    """The text parts of the first candidate joined, without thoughts ("" when none)."""
    if not response.candidates:
        return ""
    content = response.candidates[0].content
    parts = content.parts if content is not None and content.parts else []
    return "".join(part.text for part in parts if part.text and not part.thought)


def _capitalized(what: str) -> str:
    return what[:1].upper() + what[1:]
