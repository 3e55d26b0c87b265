"""The fakes themselves: serving helpers, and the Gemini fake's non-streamed and image answers."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI
from google import genai
from google.genai import types

from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes import serve_asgi, serve_asgi_in_thread
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.images import draw_image


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
