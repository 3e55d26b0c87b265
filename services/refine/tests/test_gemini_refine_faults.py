"""The Gemini refine adapters against a server that hangs or answers garbage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

from logokraft_engine import Brief
from logokraft_fakes import serve_asgi
from logokraft_fakes.images import draw_image
from logokraft_kit.providers import BadProviderResponse, ProviderUnavailable
from logokraft_refine.adapters.base import RefinedPrompt, RefineRequest
from logokraft_refine.adapters.gemini import GeminiPromptRefiner, NanoBananaEditor

KEY = "gemini-test-key"
REQUEST = RefineRequest(
    instruction="Make it navy.",
    parent_prompt="A compass rose logo.",
    parent_image=draw_image(32, 32),
    parent_mime_type="image/png",
    parent_spec=None,
    brief=Brief(brand_name="Northwind"),
)
PROMPT = RefinedPrompt(text="A navy compass rose.")


async def no_sleep(_: float) -> None:
    return None


class Misbehaving:
    """A Gemini-shaped endpoint whose every answer is `mode`: hang, HTML or a broken JSON."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.calls = 0
        self.release = asyncio.Event()
        self.app = FastAPI()
        self.app.add_api_route("/{version}/models/{action}", self._answer, methods=["POST"])

    async def _answer(self, version: str, action: str, request: Request) -> Response:
        self.calls += 1
        await request.body()
        if self.mode == "hang":
            await self.release.wait()
            return Response("{}", media_type="application/json")
        if self.mode == "html":
            return Response("<html>502 Bad Gateway</html>", media_type="text/html")
        return Response('{"candidates": [{"content": ', media_type="application/json")


@pytest.fixture
async def server(request) -> AsyncIterator[tuple[Misbehaving, str]]:
    misbehaving = Misbehaving(request.param)
    async with serve_asgi(misbehaving.app) as base_url:
        try:
            yield misbehaving, base_url
        finally:
            misbehaving.release.set()


def adapters(base_url: str, **options: object) -> list[GeminiPromptRefiner | NanoBananaEditor]:
    common: dict[str, object] = {
        "api_key": KEY,
        "base_url": base_url,
        "sleep": no_sleep,
        "max_attempts": 2,
    }
    common.update(options)
    return [GeminiPromptRefiner(**common), NanoBananaEditor(**common)]  # type: ignore[arg-type]


async def call(adapter: GeminiPromptRefiner | NanoBananaEditor) -> object:
    if isinstance(adapter, GeminiPromptRefiner):
        return await adapter.refine_prompt(REQUEST)
    return await adapter.make_variation(REQUEST, PROMPT)


@pytest.mark.parametrize("server", ["hang"], indirect=True)
async def test_a_provider_that_hangs_is_cut_off_by_the_timeout(server) -> None:
    misbehaving, base_url = server
    # Long enough for each request to reach the server on a loaded 2-core CI machine (at
    # 0.3 s one attempt was cut off before the fake counted it), short enough to be quick.
    for adapter in adapters(base_url, timeout_s=1.0):
        try:
            async with asyncio.timeout(10):
                with pytest.raises(ProviderUnavailable) as raised:
                    await call(adapter)
        finally:
            await adapter.aclose()
        assert raised.value.code == "provider_timeout"
        assert "timed out" in raised.value.message
    assert misbehaving.calls == 4, "a timeout is retried like an outage"


@pytest.mark.parametrize("server", ["html", "broken-json"], indirect=True)
async def test_an_answer_that_is_not_json_is_a_bad_response(server) -> None:
    _, base_url = server
    for adapter in adapters(base_url):
        try:
            with pytest.raises(BadProviderResponse) as raised:
                await call(adapter)
        finally:
            await adapter.aclose()
        assert "try again" in raised.value.message
