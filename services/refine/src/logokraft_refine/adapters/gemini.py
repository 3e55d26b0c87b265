"""Refinement over the Gemini API (google-genai): a text model writes the variation's prompt,
Nano Banana (a Gemini image model) draws it from the parent image.

Both make one non-streamed `generateContent` call, retried with `call_with_retries`
(RetryInfo honoured; per-day quota, 400 and 401/403 never retried). Refusals and answers
without an image are not retried either: asking again rarely changes them.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pydantic
from google.genai import types
from PIL import Image

from logokraft_kit.genai import (
    NO_FUNCTION_CALLING,
    PROVIDER,
    SDK_ERRORS,
    answer_text,
    finish_reason,
    make_client,
    rejection_reason,
    translate_error,
)
from logokraft_kit.providers import BadProviderResponse, ContentRejected, call_with_retries
from logokraft_refine.adapters.base import RefinedPrompt, RefineRequest, Variation

DEFAULT_TEXT_MODEL = "gemini-2.5-flash"
# The seed's "Nano Banana" was gemini-2.5-flash-image; Google shut it down on 2026-10-02
# (see PROVIDERS.md), so the default is its successor. Model ids age out: keep them configurable.
DEFAULT_IMAGE_MODEL = "gemini-3.1-flash-image"
MODEL_TEXT_LIMIT = 500  # characters of the image model's text kept in the metadata
_ERROR_TEXT_LIMIT = 500  # characters of the image model's text kept in an error's detail
# A finish reason is an enum name ("NO_IMAGE"); anything else the provider sends is not shown.
_REASON_NAME = re.compile(r"^[A-Z][A-Z_]{0,39}$")

REFINER_WHAT = "the prompt refiner"
EDITOR_WHAT = "the image editor"

REFINER_SYSTEM_INSTRUCTION = """\
You are the art director of a logo studio. A client picked one of our logos and asked for a \
change. You write the prompt for an image model that will edit the parent logo image.

Start from the parent logo's prompt and apply the client's instruction. Keep everything of \
the parent logo that the instruction does not change: its concept, composition, shapes, \
typography, colours and mood. Describe the result as one self-contained paragraph \
(40-100 words) that says what to change and what to keep.

Spell the brand name exactly as given, letter for letter. The result stays a flat vector \
logo: clean edges, centred on a plain light background, no mockups, no photographs, no \
extra text besides the brand name (and the slogan only if the parent logo shows it).

Answer only with the prompt: no title, no quotes, no explanation."""


class NoImageReturned(BadProviderResponse):
    """The image model answered with text only (NO_IMAGE, IMAGE_OTHER, or STOP without one)."""

    default_code = "no_image"


def refine_text(request: RefineRequest) -> str:
    """The refiner's user turn: parent prompt, instruction, brand and the variation asked for."""
    brief = request.brief
    fields = [
        ("Parent logo prompt", request.parent_prompt),
        ("Instruction", request.instruction),
        ("Brand name (spell exactly)", brief.brand_name),
        ("Slogan", brief.slogan),
        ("Industry", brief.industry),
    ]
    lines = [f"{label}: {value}" for label, value in fields if value]
    if request.count > 1:
        lines.append(
            f"This is variation {request.variation + 1} of {request.count} — "
            "make it a distinct take on the instruction."
        )
    lines.append("Write the image-edit prompt for this variation.")
    return "\n".join(lines)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _GeminiAdapter:
    """The client, model and retry settings both adapters share."""

    _what = "Gemini"

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None,
        api_version: str | None,
        timeout_s: float,
        max_attempts: int,
        retry_deadline_s: float | None,
        sleep: Callable[[float], Awaitable[object]],
    ) -> None:
        self._client = make_client(
            api_key=api_key, base_url=base_url, api_version=api_version, timeout_s=timeout_s
        )
        self.model = model
        self._max_attempts = max_attempts
        self._retry_deadline_s = retry_deadline_s
        self._sleep = sleep

    async def aclose(self) -> None:
        """Close the SDK's HTTP connections."""
        await self._client.aio.aclose()

    async def _generate(
        self, contents: list[types.Content], config: types.GenerateContentConfig
    ) -> types.GenerateContentResponse:
        """One `generateContent` call, retried on rate limits and outages."""

        async def once() -> types.GenerateContentResponse:
            try:
                return await self._client.aio.models.generate_content(
                    model=self.model, contents=contents, config=config
                )
            except SDK_ERRORS as exc:
                raise translate_error(exc, what=self._what, provider=PROVIDER) from exc
            except (json.JSONDecodeError, pydantic.ValidationError) as exc:
                # A proxy's HTML page, a truncated body: the SDK lets the parse error through.
                raise BadProviderResponse(
                    f"{self._what[:1].upper()}{self._what[1:]} answered with something that is "
                    "not a Gemini response; try again.",
                    provider=PROVIDER,
                ) from exc

        return await call_with_retries(
            once,
            max_attempts=self._max_attempts,
            deadline=self._retry_deadline_s,
            sleep=self._sleep,
        )


class GeminiPromptRefiner(_GeminiAdapter):
    """`PromptRefiner` over a Gemini text model: the parent prompt rewritten by the instruction."""

    name = "gemini"
    api = "gemini"
    _what = REFINER_WHAT

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_TEXT_MODEL,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout_s: float = 60.0,
        max_attempts: int = 4,
        retry_deadline_s: float | None = 120.0,
        temperature: float = 0.9,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            api_key=api_key,
            model=model,
            base_url=base_url,
            api_version=api_version,
            timeout_s=timeout_s,
            max_attempts=max_attempts,
            retry_deadline_s=retry_deadline_s,
            sleep=sleep,
        )
        self._temperature = temperature

    async def refine_prompt(self, request: RefineRequest) -> RefinedPrompt:
        """The image-edit prompt for variation `request.variation` of the refinement."""
        contents = [
            types.Content(role="user", parts=[types.Part.from_text(text=refine_text(request))])
        ]
        config = types.GenerateContentConfig(
            system_instruction=REFINER_SYSTEM_INSTRUCTION,
            temperature=self._temperature,
            automatic_function_calling=NO_FUNCTION_CALLING,
        )
        response = await self._generate(contents, config)
        if rejection_reason(response) is not None:
            raise ContentRejected(
                "The prompt refiner refused this instruction as sensitive content; "
                "rephrase the instruction and try again.",
                provider=PROVIDER,
            )
        text = answer_text(response).strip()
        if not text:
            raise BadProviderResponse(
                "The prompt refiner returned an empty prompt; try again.", provider=PROVIDER
            )
        return RefinedPrompt(text=text, metadata={"prompt_model": self.model})


class NanoBananaEditor(_GeminiAdapter):
    """`VariationMaker` over a Gemini image model ("Nano Banana"): image + prompt in, PNG out."""

    name = "nano-banana"
    api = "gemini"
    needs_spec = False  # edits the parent image itself
    _what = EDITOR_WHAT

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_IMAGE_MODEL,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout_s: float = 120.0,
        max_attempts: int = 4,
        retry_deadline_s: float | None = 180.0,
        aspect_ratio: str = "1:1",
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            api_key=api_key,
            model=model,
            base_url=base_url,
            api_version=api_version,
            timeout_s=timeout_s,
            max_attempts=max_attempts,
            retry_deadline_s=retry_deadline_s,
            sleep=sleep,
        )
        self._aspect_ratio = aspect_ratio

    async def make_variation(self, request: RefineRequest, prompt: RefinedPrompt) -> Variation:
        """Edit the parent image as `prompt` says; always a PNG."""
        parts = [
            types.Part.from_bytes(data=request.parent_image, mime_type=request.parent_mime_type),
            types.Part.from_text(text=prompt.text),
        ]
        config = types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=self._aspect_ratio),
            automatic_function_calling=NO_FUNCTION_CALLING,
        )
        response = await self._generate([types.Content(role="user", parts=parts)], config)
        image, text = self._answer(response)
        png, width, height = _as_png(image)
        metadata: dict[str, Any] = {
            "image_model": self.model,
            "model_text": _truncate(text, MODEL_TEXT_LIMIT),
        }
        return Variation(png=png, width=width, height=height, metadata=metadata)

    def _answer(self, response: types.GenerateContentResponse) -> tuple[bytes, str]:
        """(image bytes, the model's text); raise when the model refused or drew nothing."""
        reason = rejection_reason(response)
        if reason is not None:
            raise ContentRejected(
                f"The image editor refused to draw this variation as sensitive content"
                f"{_reason_suffix(reason)}; rephrase the instruction or refine another logo.",
                provider=PROVIDER,
                detail=f"rejection reason {reason!r}",
            )
        text = answer_text(response).strip()
        candidate = response.candidates[0] if response.candidates else None
        parts = candidate.content.parts if candidate and candidate.content else None
        for part in parts or []:
            # Thinking image models may show draft images as thoughts; only the answer counts.
            if part.inline_data is not None and part.inline_data.data and not part.thought:
                return part.inline_data.data, text
        stopped = (finish_reason(candidate) if candidate else "") or "no candidate"
        # The model's own words go to the logs only (`detail`): they are provider text.
        raise NoImageReturned(
            f"The image model answered without an image{_reason_suffix(stopped)}; "
            "rephrase the instruction and try again.",
            provider=PROVIDER,
            detail=f"finish reason {stopped!r}; model text: {_truncate(text, _ERROR_TEXT_LIMIT)!r}",
        )


def _reason_suffix(reason: str) -> str:
    """ " (NO_IMAGE)" for an enum-like finish reason; "" for anything else."""
    return f" ({reason})" if _REASON_NAME.match(reason) else ""


def _as_png(data: bytes) -> tuple[bytes, int, int]:
    """(PNG bytes, width, height) of an image, re-encoded when it is not a PNG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            if image.format == "PNG":
                return data, width, height
            savable = image
            if image.mode not in ("1", "L", "LA", "I", "P", "RGB", "RGBA"):  # e.g. CMYK JPEG
                savable = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            buffer = io.BytesIO()
            savable.save(buffer, format="PNG")
            return buffer.getvalue(), width, height
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BadProviderResponse(
            "The image editor returned an image that does not decode; try again.",
            provider=PROVIDER,
        ) from exc
