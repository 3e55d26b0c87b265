"""The fakes themselves: serving helpers, and the Gemini fake's non-streamed and image answers."""

from __future__ import annotations

import json
import time

import httpx
from fastapi import FastAPI
from google import genai
from google.genai import types

from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes import serve_asgi, serve_asgi_in_thread
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.images import draw_image
from logokraft_fakes.seedream import FakeSeedream


def _hello_app() -> FastAPI:
    app = FastAPI()
    app.add_api_route("/hello", lambda: {"hello": "world"}, methods=["GET"])
    return app


async def test_serve_asgi_serves_on_a_free_port_and_stops() -> None:
    async with serve_asgi(_hello_app()) as base_url, httpx.AsyncClient() as client:
        assert (await client.get(base_url + "/hello")).json() == {"hello": "world"}
    async with httpx.AsyncClient() as client:
        try:
            await client.get(base_url + "/hello")
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the server still answers after the block")


def test_serve_asgi_in_thread_works_from_sync_code() -> None:
    with serve_asgi_in_thread(_hello_app()) as base_url:
        assert httpx.get(base_url + "/hello").json() == {"hello": "world"}


def _client(base_url: str) -> genai.Client:
    return genai.Client(api_key="k", http_options=types.HttpOptions(base_url=base_url))


async def test_gemini_non_streamed_default_merges_the_prompt_json() -> None:
    fake = FakeGemini(api_key="k")
    config = types.GenerateContentConfig(
        response_mime_type="application/json",
        response_json_schema={"type": "object", "properties": {"prompts": {"maxItems": 2}}},
    )
    async with serve_asgi(fake.app) as base_url:
        response = await _client(base_url).aio.models.generate_content(
            model="gemini-2.5-pro", contents="brief", config=config
        )
    assert len(json.loads(response.text or "")["prompts"]) == 2
    assert not fake.requests[0].streamed


async def test_gemini_image_reply_reaches_the_sdk_as_inline_data() -> None:
    fake = FakeGemini(api_key="k")
    png = draw_image(24, 24)
    fake.enqueue(fake_gemini.image_reply(png), fake_gemini.no_image("IMAGE_SAFETY"))
    config = types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"])
    async with serve_asgi(fake.app) as base_url:
        client = _client(base_url)
        image = await client.aio.models.generate_content(
            model="gemini-2.5-flash-image", contents="make it blue", config=config
        )
        refused = await client.aio.models.generate_content(
            model="gemini-2.5-flash-image", contents="make it blue", config=config
        )
    parts = image.candidates[0].content.parts  # type: ignore[index,union-attr]
    assert parts[0].text and parts[1].inline_data.data == png  # type: ignore[index,union-attr]
    assert refused.candidates[0].finish_reason == types.FinishReason.IMAGE_SAFETY  # type: ignore[index]
    assert fake.requests[0].generation_config["responseModalities"] == ["TEXT", "IMAGE"]


# ---- the latency model ------------------------------------------------------------------------


async def test_gemini_waits_its_text_or_image_latency_before_answering() -> None:
    # Lower bounds prove the wait; the only upper bound tells text from image with a second
    # to spare (a 0.2 s margin failed `make test` on a busy 2-core machine: 0.86 s).
    fake = FakeGemini(api_key="k", text_latency_s=0.2, image_latency_s=1.2)
    image_config = types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"])
    async with serve_asgi(fake.app) as base_url:
        client = _client(base_url)
        started = time.monotonic()
        await client.aio.models.generate_content(model="m", contents="hi")
        text_s = time.monotonic() - started
        started = time.monotonic()
        await client.aio.models.generate_content(model="m", contents="hi", config=image_config)
        image_s = time.monotonic() - started
    assert 0.2 <= text_s < 1.2
    assert image_s >= 1.2


def test_the_fakes_latency_defaults_to_none_and_jitter_stays_in_its_band() -> None:
    assert FakeGemini().latency_of(fake_gemini.GeminiRequest("v1", "m", False, {}, {})) == 0
    assert FakeSeedream().latency() == 0
    seedream = FakeSeedream(latency_s=1.0, jitter=0.2, seed=7)
    waits = [seedream.latency() for _ in range(200)]
    assert all(0.8 <= wait <= 1.2 for wait in waits) and len(set(waits)) > 100


async def test_seedream_waits_its_latency_before_answering() -> None:
    # Waited once, not twice, with most of a second to spare for a busy machine.
    fake = FakeSeedream(api_key="k", latency_s=1.0)
    async with serve_asgi(fake.app) as base_url, httpx.AsyncClient() as client:
        started = time.monotonic()
        response = await client.post(
            f"{base_url}/api/v3/images/generations",
            headers={"Authorization": "Bearer k"},
            json={"prompt": "a logo", "size": "64x64", "response_format": "b64_json"},
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json()["data"][0]["b64_json"]
    assert 1.0 <= elapsed < 1.9
