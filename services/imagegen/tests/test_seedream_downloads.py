"""Seedream image links are fetched carefully: allowed hosts, https, no credentials, a size cap;
the generation answer (a `b64_json` image inline) is read with a cap derived from the same size.

The fake serves over http on 127.0.0.1, so tests allow exactly that; the defaults (https on
ModelArk's CDNs) are checked without any network.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from logokraft_engine import Brief
from logokraft_fakes import serve_asgi
from logokraft_fakes.images import draw_image
from logokraft_fakes.seedream import FakeSeedream, SeedreamHugeB64, SeedreamImage, SeedreamRawBody
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.adapters.seedream import (
    ANSWER_OVERHEAD_BYTES,
    DEFAULT_IMAGE_HOSTS,
    SeedreamGenerator,
    host_allowed,
)
from logokraft_imagegen.config import ImagegenSettings
from logokraft_imagegen.server import build_generator
from logokraft_kit.providers import BadProviderResponse, ProviderUnavailable

KEY = "ark-download-key"
REQUEST = ImageRequest(prompt="A flat vector logo", brief=Brief(brand_name="Northwind"))


class NoSleep:
    async def __call__(self, seconds: float) -> None:
        return None


@dataclass
class Setup:
    fake: FakeSeedream
    base_url: str
    http: httpx.AsyncClient

    def generator(self, **overrides: object) -> SeedreamGenerator:
        options: dict[str, object] = {
            "api_key": KEY,
            "base_url": self.base_url + "/api/v3",
            "response_format": "url",
            "image_hosts": ["127.0.0.1"],
            "allow_http": True,
            "http_client": self.http,
            "sleep": NoSleep(),
        }
        options.update(overrides)
        return SeedreamGenerator(**options)  # type: ignore[arg-type]


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    fake = FakeSeedream(api_key=KEY)
    # A client that would follow redirects and sends a credential on every request: the
    # adapter must neither follow blindly nor let anything of ours reach an image link.
    async with (
        serve_asgi(fake.app) as base_url,
        httpx.AsyncClient(timeout=10, follow_redirects=True) as http,
    ):
        yield Setup(fake, base_url, http)


async def test_an_allowed_link_is_downloaded_without_credentials(setup: Setup) -> None:
    image = await setup.generator().generate(REQUEST)
    assert image.width == 1024
    assert len(setup.fake.downloads) == 1
    [headers] = setup.fake.download_headers
    assert "authorization" not in headers


async def test_a_link_on_another_host_is_refused_without_fetching(setup: Setup) -> None:
    setup.fake.enqueue(SeedreamImage(url=f"{setup.base_url}/files/1.png"))
    generator = setup.generator(image_hosts=["*.bytepluses.com"])
    with pytest.raises(BadProviderResponse) as raised:
        await generator.generate(REQUEST)
    error = raised.value
    assert error.code == "image_url_refused"
    assert not error.retryable
    assert "not allowed" in error.message
    assert "LOGOKRAFT_SEEDREAM_IMAGE_HOSTS" in error.message
    assert "127.0.0.1" not in error.message  # the provider's link is for the logs only
    assert error.detail is not None and "127.0.0.1" in error.detail
    assert setup.fake.download_headers == []
    assert len(setup.fake.requests) == 1, "a refused link must not be retried"


async def test_plain_http_is_refused_unless_allowed(setup: Setup) -> None:
    with pytest.raises(BadProviderResponse) as raised:
        await setup.generator(allow_http=False).generate(REQUEST)
    assert raised.value.code == "image_url_refused"
    assert "https" in raised.value.message
    assert setup.fake.download_headers == []


async def test_a_redirect_to_a_host_not_allowed_is_refused(setup: Setup) -> None:
    elsewhere = "https://attacker.example/steal"
    setup.fake.enqueue(SeedreamImage(url=f"{setup.base_url}/redirect?to={elsewhere}"))
    with pytest.raises(BadProviderResponse) as raised:
        await setup.generator().generate(REQUEST)
    assert raised.value.code == "image_url_refused"
    assert "redirected" in raised.value.message
    assert "attacker.example" in (raised.value.detail or "")
    assert len(setup.fake.download_headers) == 1  # the redirect itself, nothing after it


async def test_a_redirect_to_an_allowed_link_is_followed(setup: Setup) -> None:
    first = await setup.generator().generate(REQUEST)  # puts /files/1.png on the fake
    setup.fake.enqueue(SeedreamImage(url=f"{setup.base_url}/redirect?to=/files/1.png"))
    second = await setup.generator().generate(REQUEST)
    assert second.png == first.png
    assert all("authorization" not in h for h in setup.fake.download_headers)


async def test_an_image_past_the_size_cap_is_refused(setup: Setup) -> None:
    big = draw_image(1024, 1024, image_format="PNG")
    setup.fake.enqueue(SeedreamImage(image=big))
    with pytest.raises(BadProviderResponse) as raised:
        await setup.generator(max_image_bytes=len(big) - 1).generate(REQUEST)
    error = raised.value
    assert error.code == "image_too_large"
    assert not error.retryable
    assert "MB limit" in error.message
    assert len(setup.fake.requests) == 1


async def test_a_b64_image_past_the_size_cap_is_refused(setup: Setup) -> None:
    with pytest.raises(BadProviderResponse) as raised:
        await setup.generator(response_format="b64_json", max_image_bytes=1024).generate(REQUEST)
    assert raised.value.code == "image_too_large"


@pytest.mark.parametrize("declare_length", [False, True], ids=["streamed", "content-length"])
async def test_an_oversized_b64_answer_is_refused_without_reading_past_the_cap(
    setup: Setup, declare_length: bool
) -> None:
    """A b64_json answer far past the cap (32 MB of image against a 1 MB limit) is abandoned
    once it passes the cap, or at once when it declares its length, and not retried."""
    limit = 1024 * 1024
    cap = 4 * -(-limit // 3) + ANSWER_OVERHEAD_BYTES  # base64 of a 1 MB image, plus JSON
    generator = setup.generator(response_format="b64_json", max_image_bytes=limit)
    setup.fake.enqueue(SeedreamHugeB64(image_bytes=32 * limit, declare_length=declare_length))
    with pytest.raises(BadProviderResponse) as raised:
        await generator.generate(REQUEST)
    # What left the fake is the cap plus what the sockets buffered, not the 43 MB answer.
    assert setup.fake.answer_bytes_sent < cap + 4 * limit
    error = raised.value
    assert error.code == "image_too_large"
    assert not error.retryable
    assert "answer is larger" in error.message
    assert "LOGOKRAFT_SEEDREAM_MAX_IMAGE_BYTES" in error.message
    assert error.detail is not None and f"over {cap}" in error.detail
    assert len(setup.fake.requests) == 1, "an oversized answer must not be asked for again"
    assert generator.answer_cap == cap


async def test_a_b64_answer_just_within_the_limit_is_accepted(setup: Setup) -> None:
    """An image of exactly max_image_bytes, inline, decodes: the cap leaves room for its
    base64 (padding included) and the JSON around it."""
    png = draw_image(64, 64, image_format="PNG")
    png += b"\0" * ((1 - len(png)) % 3)  # trailing bytes after IEND; base64 then pads with ==
    assert len(png) % 3 == 1
    setup.fake.enqueue(SeedreamImage(image=png, response_format="b64_json"))
    image = await setup.generator(response_format="b64_json", max_image_bytes=len(png)).generate(
        REQUEST
    )
    assert (image.width, image.height) == (64, 64)
    assert image.png == png


async def test_a_b64_image_one_byte_past_the_limit_is_refused(setup: Setup) -> None:
    png = draw_image(64, 64, image_format="PNG")
    setup.fake.enqueue(SeedreamImage(image=png, response_format="b64_json"))
    with pytest.raises(BadProviderResponse) as raised:
        await setup.generator(response_format="b64_json", max_image_bytes=len(png) - 1).generate(
            REQUEST
        )
    assert raised.value.code == "image_too_large"
    assert f"decoded to {len(png)} bytes" in (raised.value.detail or "")


async def test_an_oversized_error_body_is_judged_by_its_status(setup: Setup) -> None:
    """A 502 page bigger than any JSON error is not read through; it is still a 502."""
    huge = SeedreamRawBody(status=502, body=b"<html>" + b"x" * 1024 * 1024 + b"</html>")
    setup.fake.enqueue(huge, huge, huge)
    with pytest.raises(ProviderUnavailable):
        await setup.generator(response_format="b64_json").generate(REQUEST)
    assert len(setup.fake.requests) == 3


async def test_a_streamed_body_without_length_stops_at_the_cap() -> None:
    """No Content-Length to go by: the body is read in chunks and abandoned past the cap."""
    fake = FakeSeedream(api_key=KEY)
    sent: list[int] = []

    async def endless():
        for _ in range(10_000):  # 640 MB if anyone read it all
            sent.append(1)
            yield b"\0" * 65536
            await asyncio.sleep(0.001)  # let a disconnect be noticed

    cdn = FastAPI()
    cdn.add_api_route(
        "/big.png",
        lambda: StreamingResponse(endless(), media_type="image/png"),
        methods=["GET"],
    )
    async with (
        serve_asgi(fake.app) as base_url,
        serve_asgi(cdn) as cdn_url,
        httpx.AsyncClient(timeout=10) as http,
    ):
        fake.enqueue(SeedreamImage(url=f"{cdn_url}/big.png"))
        generator = SeedreamGenerator(
            api_key=KEY,
            base_url=base_url + "/api/v3",
            response_format="url",
            image_hosts=["127.0.0.1"],
            allow_http=True,
            max_image_bytes=1024 * 1024,
            http_client=http,
            sleep=NoSleep(),
        )
        with pytest.raises(BadProviderResponse) as raised:
            await generator.generate(REQUEST)
    assert raised.value.code == "image_too_large"
    assert len(sent) < 1000


def test_default_hosts_are_modelarks_cdns_over_https() -> None:
    cdn = "ark-content-generation-v2-ap-southeast-1.tos-ap-southeast-1.bytepluses.com"
    assert host_allowed(cdn, DEFAULT_IMAGE_HOSTS)
    assert host_allowed(
        "ark-content-generation-cn-beijing.tos-cn-beijing.volces.com", DEFAULT_IMAGE_HOSTS
    )
    assert not host_allowed("bytepluses.com.attacker.example", DEFAULT_IMAGE_HOSTS)
    assert not host_allowed("evilbytepluses.com", DEFAULT_IMAGE_HOSTS)
    assert not host_allowed("169.254.169.254", DEFAULT_IMAGE_HOSTS)


async def test_settings_reach_the_generator() -> None:
    infra = {"DATABASE_URL": "postgresql://unused/db", "NATS_URL": "nats://127.0.0.1:1"}
    settings = ImagegenSettings(
        **infra,
        ARK_API_KEY="k",
        LOGOKRAFT_IMAGE_PROVIDER="seedream",
        LOGOKRAFT_SEEDREAM_IMAGE_HOSTS="127.0.0.1, cdn.example",
        LOGOKRAFT_SEEDREAM_IMAGE_ALLOW_HTTP=True,
        LOGOKRAFT_SEEDREAM_MAX_IMAGE_BYTES=4096,
    )
    generator = build_generator(settings)
    assert isinstance(generator, SeedreamGenerator)
    try:
        assert generator._image_hosts == ("127.0.0.1", "cdn.example")
        assert generator._allow_http and generator._max_image_bytes == 4096
        assert generator.answer_cap == 4 * 1366 + ANSWER_OVERHEAD_BYTES
        defaults = ImagegenSettings(**infra, ARK_API_KEY="k", LOGOKRAFT_IMAGE_PROVIDER="seedream")
        assert defaults.seedream_max_image_bytes == 20 * 1024 * 1024
        assert not defaults.seedream_image_allow_http
    finally:
        await generator.aclose()
