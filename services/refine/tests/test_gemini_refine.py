"""GeminiPromptRefiner and NanoBananaEditor through the real google-genai SDK and the fake API."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from logokraft_engine import Brief
from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes import serve_asgi
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.images import NOT_AN_IMAGE, draw_image
from logokraft_kit import providers
from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    InvalidProviderRequest,
    ProviderAuthError,
    ProviderUnavailable,
    QuotaExhausted,
)
from logokraft_refine.adapters.base import RefinedPrompt, RefineRequest
from logokraft_refine.adapters.gemini import (
    DEFAULT_IMAGE_MODEL,
    DEFAULT_TEXT_MODEL,
    MODEL_TEXT_LIMIT,
    GeminiPromptRefiner,
    NanoBananaEditor,
    NoImageReturned,
)

KEY = "gemini-test-key"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BRIEF = Brief(
    brand_name="Northwind Coffee",
    slogan="Brewed by the sea",
    industry="coffee roastery",
    colors=("#1f4e79", "#e0a526"),
)
PARENT = draw_image(64, 64)
PARENT_PROMPT = "Flat vector logo of a compass rose in navy and amber, wordmark Northwind Coffee."
INSTRUCTION = "Make the compass a coffee bean and the palette warmer."
PROMPT = RefinedPrompt(text="Turn the compass rose into a coffee bean; keep the wordmark.")


def refine_request(*, variation: int = 0, count: int = 1) -> RefineRequest:
    return RefineRequest(
        instruction=INSTRUCTION,
        parent_prompt=PARENT_PROMPT,
        parent_image=PARENT,
        parent_mime_type="image/png",
        parent_spec=None,
        brief=BRIEF,
        variation=variation,
        count=count,
    )


class Sleeps:
    """Records requested pauses instead of waiting."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


@dataclass
class Setup:
    fake: FakeGemini
    sleeps: Sleeps
    base_url: str
    adapters: list[GeminiPromptRefiner | NanoBananaEditor] = field(default_factory=list)

    def _options(self, overrides: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {
            "api_key": KEY,
            "base_url": self.base_url,
            "sleep": self.sleeps,
            "timeout_s": 10.0,
        }
        options.update(overrides)
        return options

    def editor(self, **overrides: Any) -> NanoBananaEditor:
        editor = NanoBananaEditor(**self._options(overrides))
        self.adapters.append(editor)
        return editor

    def refiner(self, **overrides: Any) -> GeminiPromptRefiner:
        refiner = GeminiPromptRefiner(**self._options(overrides))
        self.adapters.append(refiner)
        return refiner


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    fake = FakeGemini(api_key=KEY)
    async with serve_asgi(fake.app) as base_url:
        setup = Setup(fake, Sleeps(), base_url)
        yield setup
        for adapter in setup.adapters:
            await adapter.aclose()


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ---- NanoBananaEditor: the request and the image -----------------------------------------------


async def test_image_after_a_text_part_is_returned_and_request_is_an_image_edit(
    setup: Setup,
) -> None:
    answer = draw_image(96, 80)
    setup.fake.enqueue(fake_gemini.image_reply(answer, text="Here is the coffee bean version."))
    variation = await setup.editor().make_variation(refine_request(), PROMPT)

    assert variation.png == answer
    assert (variation.width, variation.height) == (96, 80) == size_of(variation.png)
    assert variation.svg is None
    assert variation.metadata == {
        "image_model": DEFAULT_IMAGE_MODEL,
        "model_text": "Here is the coffee bean version.",
    }
    [request] = setup.fake.requests
    assert request.model == "gemini-3.1-flash-image" == DEFAULT_IMAGE_MODEL
    assert not request.streamed
    assert request.headers["x-goog-api-key"] == KEY
    assert request.inline_images == [("image/png", PARENT)]
    assert PROMPT.text in request.text
    config = request.generation_config
    assert "IMAGE" in config["responseModalities"]
    assert config["imageConfig"]["aspectRatio"] == "1:1"


async def test_model_and_api_version_are_configurable(setup: Setup) -> None:
    editor = setup.editor(model="gemini-2.5-flash-image", api_version="v1beta")
    await editor.make_variation(refine_request(), PROMPT)
    [request] = setup.fake.requests
    assert (request.model, request.api_version) == ("gemini-2.5-flash-image", "v1beta")


async def test_jpeg_answer_is_re_encoded_to_png(setup: Setup) -> None:
    jpeg = draw_image(48, 40, image_format="JPEG")
    setup.fake.enqueue(fake_gemini.image_reply(jpeg, mime_type="image/jpeg"))
    variation = await setup.editor().make_variation(refine_request(), PROMPT)
    assert variation.png.startswith(PNG_SIGNATURE)
    assert size_of(variation.png) == (48, 40) == (variation.width, variation.height)


async def test_draft_thought_images_are_skipped_and_model_text_is_truncated(
    setup: Setup,
) -> None:
    draft, final, chatter = draw_image(16, 16), draw_image(32, 32), "word " * 200
    body = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {
                            "inlineData": {"mimeType": "image/png", "data": b64(draft)},
                            "thought": True,
                        },
                        {"text": chatter},
                        {"inlineData": {"mimeType": "image/png", "data": b64(final)}},
                    ],
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ]
    }
    setup.fake.enqueue(fake_gemini.json_reply(body))
    variation = await setup.editor().make_variation(refine_request(), PROMPT)
    assert variation.png == final
    assert len(variation.metadata["model_text"]) <= MODEL_TEXT_LIMIT
    assert variation.metadata["model_text"].endswith("…")


async def test_undecodable_image_raises_bad_provider_response(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.image_reply(NOT_AN_IMAGE))
    with pytest.raises(BadProviderResponse, match="does not decode") as raised:
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert raised.value.code == "bad_provider_response"
    assert not raised.value.retryable
    assert len(setup.fake.requests) == 1


# ---- NanoBananaEditor: text-only answers -----------------------------------------------------


@pytest.mark.parametrize("reason", ["IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "SAFETY"])
async def test_refused_image_raises_content_rejected_without_retry(
    setup: Setup, reason: str
) -> None:
    setup.fake.enqueue(fake_gemini.no_image(reason, text="I can't help with that."))
    with pytest.raises(ContentRejected, match="rephrase the instruction") as raised:
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert raised.value.code == "content_rejected"
    assert reason in raised.value.message
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_blocked_edit_prompt_raises_content_rejected(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.blocked("PROHIBITED_CONTENT"))
    with pytest.raises(ContentRejected):
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert len(setup.fake.requests) == 1


@pytest.mark.parametrize("reason", ["NO_IMAGE", "IMAGE_OTHER", "STOP"])
async def test_text_only_answer_raises_no_image_without_retry(setup: Setup, reason: str) -> None:
    said = "I would rather describe the logo: a bean with a compass needle. " * 10
    setup.fake.enqueue(fake_gemini.no_image(reason, text=said))
    with pytest.raises(NoImageReturned) as raised:
        await setup.editor().make_variation(refine_request(), PROMPT)
    error = raised.value
    assert isinstance(error, BadProviderResponse)
    assert error.code == "no_image"
    assert not error.retryable
    assert "answered without an image" in error.message
    assert reason in error.message
    # The model's words are provider text: operators see them (detail, logged), users do not.
    assert "I would rather describe the logo" not in error.message
    assert error.detail is not None and "I would rather describe the logo" in error.detail
    assert len(error.detail) < len(said)  # the model's text is truncated
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_answer_without_text_or_image_raises_no_image(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.finished("NO_IMAGE"))
    with pytest.raises(NoImageReturned, match=r"without an image \(NO_IMAGE\);"):
        await setup.editor().make_variation(refine_request(), PROMPT)


# ---- NanoBananaEditor: provider errors and retries ---------------------------------------------


async def test_rate_limit_is_retried_after_the_retry_delay(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.rate_limited("7s"), fake_gemini.image_reply(draw_image(32, 32)))
    variation = await setup.editor().make_variation(refine_request(), PROMPT)
    assert (variation.width, variation.height) == (32, 32)
    assert len(setup.fake.requests) == 2
    [pause] = setup.sleeps.pauses
    assert pause >= 7.0


async def test_overloaded_is_retried_with_growing_backoff_then_gives_up(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(providers.random, "uniform", lambda low, high: high)  # the jitter's cap
    setup.fake.enqueue(*[fake_gemini.unavailable() for _ in range(4)])
    with pytest.raises(ProviderUnavailable) as raised:
        await setup.editor(max_attempts=3).make_variation(refine_request(), PROMPT)
    assert raised.value.code == "provider_unavailable"
    assert len(setup.fake.requests) == 3
    assert setup.sleeps.pauses == [0.5, 1.0]


async def test_overloaded_then_success(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.unavailable(), fake_gemini.image_reply())
    variation = await setup.editor().make_variation(refine_request(), PROMPT)
    assert (variation.width, variation.height) == (1024, 1024)
    assert len(setup.fake.requests) == 2
    assert len(setup.sleeps.pauses) == 1


async def test_permission_denied_raises_auth_error_without_retry(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.error(403, "PERMISSION_DENIED", "Billing is disabled."))
    with pytest.raises(ProviderAuthError):
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_wrong_api_key_raises_auth_error_without_retry(setup: Setup) -> None:
    with pytest.raises(ProviderAuthError) as raised:
        await setup.editor(api_key="not-the-key").make_variation(refine_request(), PROMPT)
    assert raised.value.code == "provider_auth"
    assert setup.sleeps.pauses == []


async def test_daily_quota_is_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.rate_limited("30s", per_day=True))
    with pytest.raises(QuotaExhausted):
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_bad_request_is_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.invalid_argument("Unsupported MIME type: image/gif"))
    with pytest.raises(InvalidProviderRequest) as raised:
        await setup.editor().make_variation(refine_request(), PROMPT)
    assert "image/gif" not in raised.value.message  # the provider's text: logs only
    assert "image/gif" in (raised.value.detail or "")
    assert len(setup.fake.requests) == 1


async def test_unreachable_server_raises_provider_unavailable() -> None:
    editor = NanoBananaEditor(
        api_key=KEY, base_url="http://127.0.0.1:9", max_attempts=2, sleep=Sleeps(), timeout_s=5
    )
    try:
        with pytest.raises(ProviderUnavailable, match="Could not reach the image editor"):
            await editor.make_variation(refine_request(), PROMPT)
    finally:
        await editor.aclose()


# ---- GeminiPromptRefiner -----------------------------------------------------------------------


async def test_refiner_sends_parent_prompt_instruction_and_brand(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.text_reply("  Turn the compass into a coffee bean.\n"))
    refined = await setup.refiner().refine_prompt(refine_request())

    assert refined.text == "Turn the compass into a coffee bean."
    assert refined.spec is None
    assert refined.metadata == {"prompt_model": DEFAULT_TEXT_MODEL}
    [request] = setup.fake.requests
    assert request.model == "gemini-2.5-flash" == DEFAULT_TEXT_MODEL
    assert not request.streamed
    assert request.inline_images == []
    assert "art director" in request.system_text
    assert "spell the brand name exactly" in request.system_text.lower()
    assert PARENT_PROMPT in request.text
    assert INSTRUCTION in request.text
    assert "Northwind Coffee" in request.text
    assert "Brewed by the sea" in request.text
    assert "coffee roastery" in request.text
    assert "distinct take" not in request.text  # only asked for when count > 1
    assert "responseModalities" not in request.generation_config


async def test_refiner_asks_for_a_distinct_take_per_variation(setup: Setup) -> None:
    await setup.refiner(model="gemini-test").refine_prompt(refine_request(variation=1, count=3))
    [request] = setup.fake.requests
    assert request.model == "gemini-test"
    assert "variation 2 of 3" in request.text
    assert "distinct take" in request.text


async def test_refiner_empty_answer_raises_bad_provider_response(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.text_reply("  \n "))
    with pytest.raises(BadProviderResponse, match="empty"):
        await setup.refiner().refine_prompt(refine_request())
    assert len(setup.fake.requests) == 1


async def test_refiner_blocked_prompt_raises_content_rejected(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.blocked("PROHIBITED_CONTENT"))
    with pytest.raises(ContentRejected, match="rephrase the instruction"):
        await setup.refiner().refine_prompt(refine_request())
    assert len(setup.fake.requests) == 1


async def test_refiner_safety_finish_raises_content_rejected(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.finished("SAFETY"))
    with pytest.raises(ContentRejected):
        await setup.refiner().refine_prompt(refine_request())


async def test_refiner_rate_limit_is_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.rate_limited("3s"), fake_gemini.text_reply("A bean."))
    refined = await setup.refiner().refine_prompt(refine_request())
    assert refined.text == "A bean."
    assert len(setup.fake.requests) == 2
    assert setup.sleeps.pauses[0] >= 3.0


async def test_refiner_gives_up_after_max_attempts(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.unavailable(), fake_gemini.unavailable())
    with pytest.raises(ProviderUnavailable):
        await setup.refiner(max_attempts=2).refine_prompt(refine_request())
    assert len(setup.fake.requests) == 2
    assert len(setup.sleeps.pauses) == 1
