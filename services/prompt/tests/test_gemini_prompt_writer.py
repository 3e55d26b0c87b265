"""GeminiPromptWriter through the real google-genai SDK against the fake Gemini API."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from logokraft_engine import Brief
from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes import serve_asgi
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.images import draw_image
from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    InvalidProviderRequest,
    ProviderAuthError,
    ProviderUnavailable,
    QuotaExhausted,
)
from logokraft_prompt.adapters.base import InspirationImage, WrittenPrompt
from logokraft_prompt.adapters.gemini import GeminiPromptWriter, PromptObjects, repeats_any

KEY = "gemini-test-key"
BRIEF = Brief(
    brand_name="Northwind Coffee",
    slogan="Brewed by the sea",
    industry="coffee roastery",
    description="A small-batch roaster on the coast.",
    style=("minimal", "nautical"),
    colors=("#1f4e79", "#e0a526"),
    logo_type="combination",
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
    writers: list[GeminiPromptWriter] = field(default_factory=list)

    def writer(self, **overrides: object) -> GeminiPromptWriter:
        options: dict[str, object] = {
            "api_key": KEY,
            "base_url": self.base_url,
            "sleep": self.sleeps,
            "timeout_s": 10.0,
        }
        options.update(overrides)
        writer = GeminiPromptWriter(**options)  # type: ignore[arg-type]
        self.writers.append(writer)
        return writer


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    fake = FakeGemini(api_key=KEY)
    async with serve_asgi(fake.app) as base_url:
        setup = Setup(fake, Sleeps(), base_url)
        yield setup
        for writer in setup.writers:
            await writer.aclose()


async def collect(
    writer: GeminiPromptWriter, count: int = 3, inspiration: tuple[InspirationImage, ...] = ()
) -> list[WrittenPrompt]:
    return [p async for p in writer.write_prompts(BRIEF, count=count, inspiration=inspiration)]


async def test_default_answer_yields_count_prompts_via_streaming_endpoint(setup: Setup) -> None:
    prompts = await collect(setup.writer(), count=4)
    assert [p.index for p in prompts] == [0, 1, 2, 3]
    assert all(p.text and p.spec is None for p in prompts)
    [request] = setup.fake.requests
    assert request.streamed
    assert request.model == "gemini-2.5-pro"
    assert request.api_version == "v1"  # the 3.x SDK default
    assert request.headers["x-goog-api-key"] == KEY


async def test_the_sdks_function_calling_loop_is_off(setup: Setup, caplog) -> None:
    # No tools are declared: the SDK's automatic function calling would only wrap the call
    # (and log at INFO for every one).
    with caplog.at_level(logging.INFO, logger="google_genai"):
        await collect(setup.writer(), count=2)
    assert not [r for r in caplog.records if "AFC" in r.getMessage()]


async def test_request_carries_system_instruction_brief_and_schema(setup: Setup) -> None:
    await collect(setup.writer(model="gemini-test-model", api_version="v1beta"), count=2)
    [request] = setup.fake.requests
    assert (request.model, request.api_version) == ("gemini-test-model", "v1beta")
    assert "art director" in request.system_text
    assert "Brand name: Northwind Coffee" in request.text
    assert "#1f4e79, #e0a526" in request.text
    config = request.generation_config
    assert config["responseMimeType"] == "application/json"
    prompts_schema = config["responseJsonSchema"]["properties"]["prompts"]
    assert (prompts_schema["minItems"], prompts_schema["maxItems"]) == (2, 2)
    assert prompts_schema["items"]["required"] == ["prompt"]


@dataclass(frozen=True)
class WordyBrief(Brief):
    """A brief carrying the colour words as the client wrote them (issue 16): the engine's
    Brief until it has these fields itself."""

    color_words: tuple[str, ...] = ()
    color_names: tuple[str, ...] = ()
    color_notes: tuple[str, ...] = ()


async def test_request_carries_the_colour_words_as_written(setup: Setup) -> None:
    brief = WordyBrief(
        brand_name="Northwind Coffee",
        colors=("#000080", "#ffd700", "#ca6641"),
        color_words=("Navy and gold", "warm earth tones", "like the sea at dawn"),
        color_names=("navy", "gold", "terracotta"),
        color_notes=("like the sea at dawn",),
    )
    prompts = [p async for p in setup.writer().write_prompts(brief, count=1, inspiration=())]
    assert len(prompts) == 1
    [request] = setup.fake.requests
    text = request.text
    assert (
        'Colours as the client wrote them: "Navy and gold"; "warm earth tones"; '
        '"like the sea at dawn"'
    ) in text
    assert "Brand colours: #000080 (navy), #ffd700 (gold), #ca6641 (terracotta)" in text
    assert 'Colour notes (no colour read in them): "like the sea at dawn"' in text
    assert "colour words" in request.system_text


async def test_a_brief_without_colour_words_sends_its_colours_only(setup: Setup) -> None:
    await collect(setup.writer(), count=1)
    [request] = setup.fake.requests
    assert "Brand colours: #1f4e79, #e0a526" in request.text
    assert "wrote them" not in request.text and "Colour notes" not in request.text


async def test_inspiration_images_are_sent_as_inline_data(setup: Setup) -> None:
    png, jpeg = draw_image(32, 32), draw_image(32, 32, image_format="JPEG")
    inspiration = (InspirationImage(png, "image/png"), InspirationImage(jpeg, "image/jpeg"))
    await collect(setup.writer(), count=1, inspiration=inspiration)
    [request] = setup.fake.requests
    assert request.inline_images == [("image/png", png), ("image/jpeg", jpeg)]
    assert "2 inspiration image(s)" in request.text


async def test_first_prompt_arrives_before_the_last_chunk_is_sent(setup: Setup) -> None:
    release = asyncio.Event()
    text = fake_gemini.prompts_json(["first idea", "second idea", "third idea"])
    cut = text.index("second")  # the first object is complete in the first chunk
    reply = fake_gemini.streamed_text([text[:cut], text[cut:-3], text[-3:]], hold_last=release)
    setup.fake.enqueue(reply)
    stream = setup.writer().write_prompts(BRIEF, count=3, inspiration=())
    first = await asyncio.wait_for(anext(stream), timeout=10)
    assert first == WrittenPrompt(index=0, text="first idea", spec=None)
    assert not reply.last_sent.is_set()
    release.set()
    rest = [p.text async for p in stream]
    assert rest == ["second idea", "third idea"]
    assert reply.last_sent.is_set()


async def test_blocked_prompt_raises_content_rejected_without_retry(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.blocked("PROHIBITED_CONTENT"))
    with pytest.raises(ContentRejected, match="rephrase"):
        await collect(setup.writer())
    assert len(setup.fake.requests) == 1


async def test_safety_finish_reason_raises_content_rejected(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.finished("SAFETY"))
    with pytest.raises(ContentRejected) as raised:
        await collect(setup.writer())
    assert raised.value.code == "content_rejected"


async def test_rate_limit_is_retried_after_retry_delay_then_succeeds(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.rate_limited("47s"))
    prompts = await collect(setup.writer(), count=2)
    assert len(prompts) == 2
    assert len(setup.fake.requests) == 2
    assert setup.sleeps.pauses == [47.0]


async def test_overloaded_is_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.unavailable(), fake_gemini.unavailable())
    assert len(await collect(setup.writer(), count=1)) == 1
    assert len(setup.fake.requests) == 3
    assert len(setup.sleeps.pauses) == 2


async def test_unavailable_gives_up_after_max_attempts(setup: Setup) -> None:
    setup.fake.enqueue(*[fake_gemini.unavailable() for _ in range(3)])
    with pytest.raises(ProviderUnavailable):
        await collect(setup.writer(max_attempts=2))
    assert len(setup.fake.requests) == 2


async def test_daily_quota_is_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.rate_limited("30s", per_day=True))
    with pytest.raises(QuotaExhausted):
        await collect(setup.writer())
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_bad_request_is_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.invalid_argument("Unsupported MIME type: image/gif"))
    with pytest.raises(InvalidProviderRequest) as raised:
        await collect(setup.writer())
    assert "image/gif" not in raised.value.message  # the provider's text: logs only
    assert "image/gif" in (raised.value.detail or "")
    assert len(setup.fake.requests) == 1


async def test_wrong_api_key_raises_provider_auth_error(setup: Setup) -> None:
    with pytest.raises(ProviderAuthError):
        await collect(setup.writer(api_key="not-the-key"))
    assert setup.sleeps.pauses == []


async def test_unparseable_answer_raises_bad_provider_response(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.streamed_text(["Sure! Here are ", "some logo ideas."]))
    with pytest.raises(BadProviderResponse):
        await collect(setup.writer())
    assert len(setup.fake.requests) == 1


async def test_too_few_prompts_raises_after_yielding_those_written(setup: Setup) -> None:
    setup.fake.enqueue(fake_gemini.text_reply(fake_gemini.prompts_json(["only one"])))
    seen: list[str] = []
    with pytest.raises(BadProviderResponse, match="1 of the 3"):
        async for prompt in setup.writer().write_prompts(BRIEF, count=3, inspiration=()):
            seen.append(prompt.text)
    assert seen == ["only one"]


async def test_failure_after_the_first_prompt_is_raised_not_retried(setup: Setup) -> None:
    text = fake_gemini.prompts_json(["first idea", "second idea"])
    cut = text.index("second")
    setup.fake.enqueue(fake_gemini.interrupted([text[:cut]], fake_gemini.unavailable()))
    seen: list[str] = []
    with pytest.raises(ProviderUnavailable):
        async for prompt in setup.writer().write_prompts(BRIEF, count=2, inspiration=()):
            seen.append(prompt.text)
    assert seen == ["first idea"]
    assert len(setup.fake.requests) == 1


def test_parser_finds_objects_split_anywhere_and_ignores_braces_in_strings() -> None:
    text = '{"prompts": [{"prompt": "a {curly} \\"quoted\\" ]one["}, {"prompt": "two"}]}'
    for size in (1, 3, 7, len(text)):
        parser = PromptObjects()
        found = [
            p
            for start in range(0, len(text), size)
            for p in parser.feed(text[start : start + size])
        ]
        assert found == ['a {curly} "quoted" ]one[', "two"]
        parser.check_complete()


def test_parser_accepts_a_bare_array() -> None:
    parser = PromptObjects()
    assert parser.feed('[{"prompt": "x"}, {"prompt": "y"}]') == ["x", "y"]


def test_inline_data_is_base64_on_the_wire() -> None:
    # Guards the fake's decoding: the wire carries base64 text, not bytes.
    request = fake_gemini.GeminiRequest(
        api_version="v1",
        model="m",
        streamed=False,
        headers={},
        body={
            "contents": [
                {
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": "image/png",
                                "data": base64.b64encode(b"x").decode(),
                            }
                        }
                    ]
                }
            ]
        },
    )
    assert request.inline_images == [("image/png", b"x")]


async def test_timeout_raises_provider_timeout(setup: Setup) -> None:
    release = asyncio.Event()
    setup.fake.enqueue(
        fake_gemini.streamed_text([fake_gemini.prompts_json(["x"])], hold_last=release)
    )
    try:
        with pytest.raises(ProviderUnavailable) as raised:
            await collect(setup.writer(timeout_s=0.3, max_attempts=1), count=1)
    finally:
        release.set()
    assert raised.value.code == "provider_timeout"


# ---- directions that repeat (issue 16) ----------------------------------------------------

FOX = "A friendly fox mascot drawn in three flat orange shapes beside the rounded name."
FOX_AGAIN = "A friendly orange fox mascot, drawn in three flat shapes, beside the rounded name."
SHIELD = "A vintage shield badge with a ribbon banner carrying the slogan in serif capitals."
SPARK = "A pixel grid spark of nine squares above futuristic monospace lettering."
RING = "A thin circular ring emblem holding the initial as a tall serif capital."


def test_a_reworded_direction_is_a_repeat_and_different_ones_are_not() -> None:
    assert repeats_any(FOX_AGAIN, [SHIELD, FOX])
    assert not repeats_any(SPARK, [FOX, SHIELD, RING])
    defaults = fake_gemini.DEFAULT_DIRECTIONS
    assert not any(repeats_any(d, defaults[:i]) for i, d in enumerate(defaults))


async def test_a_repeated_direction_is_asked_for_again_naming_the_taken_ones(
    setup: Setup,
) -> None:
    setup.fake.enqueue(
        fake_gemini.text_reply(fake_gemini.prompts_json([FOX, SHIELD, FOX_AGAIN])),
        fake_gemini.text_reply(fake_gemini.prompts_json([SPARK])),
    )
    prompts = await collect(setup.writer(), count=3)
    assert [p.text for p in prompts] == [FOX, SHIELD, SPARK]
    assert [p.index for p in prompts] == [0, 1, 2]
    first, again = setup.fake.requests
    assert "taken already" not in first.text
    assert "Write exactly 1 logo prompts" in again.text
    assert FOX in again.text and SHIELD in again.text
    schema = again.generation_config["responseJsonSchema"]["properties"]["prompts"]
    assert schema["maxItems"] == 1


async def test_repeats_asked_again_and_repeated_again_are_completed_locally(
    setup: Setup,
) -> None:
    setup.fake.enqueue(
        fake_gemini.text_reply(fake_gemini.prompts_json([FOX, FOX_AGAIN, FOX, SHIELD])),
        fake_gemini.text_reply(fake_gemini.prompts_json([FOX_AGAIN, SHIELD])),
    )
    prompts = await collect(setup.writer(), count=4)
    texts = [p.text for p in prompts]
    assert texts[:2] == [FOX, SHIELD]
    assert len(texts) == 4 and [p.index for p in prompts] == [0, 1, 2, 3]
    assert not any(repeats_any(t, texts[:i]) for i, t in enumerate(texts))
    assert len(setup.fake.requests) == 2  # asked again once, then completed locally
