"""SeedreamGenerator through real httpx against the fake ModelArk images API."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from PIL import Image

from logokraft_engine import Brief
from logokraft_fakes import seedream as fake_seedream
from logokraft_fakes import serve_asgi
from logokraft_fakes.images import draw_image
from logokraft_fakes.seedream import FakeSeedream
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.seedream import SeedreamGenerator
from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    InvalidProviderRequest,
    ProviderAuthError,
    ProviderUnavailable,
    QuotaExhausted,
)

KEY = "ark-test-key"
BRIEF = Brief(brand_name="Northwind Coffee", colors=("#1f4e79",))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Sleeps:
    """Records requested pauses instead of waiting."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


@dataclass
class Setup:
    fake: FakeSeedream
    sleeps: Sleeps
    base_url: str
    http: httpx.AsyncClient

    def generator(self, **overrides: object) -> SeedreamGenerator:
        options: dict[str, object] = {
            "api_key": KEY,
            "base_url": self.base_url + "/api/v3",
            "http_client": self.http,
            "sleep": self.sleeps,
            # The fake serves its image links over http on 127.0.0.1.
            "image_hosts": ["127.0.0.1"],
            "allow_http": True,
        }
        options.update(overrides)
        return SeedreamGenerator(**options)  # type: ignore[arg-type]


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    fake = FakeSeedream(api_key=KEY)
    async with serve_asgi(fake.app) as base_url, httpx.AsyncClient(timeout=10) as http:
        yield Setup(fake, Sleeps(), base_url, http)


def request(**overrides: object) -> ImageRequest:
    options: dict[str, object] = {"prompt": "A flat vector coffee-cup logo", "brief": BRIEF}
    options.update(overrides)
    return ImageRequest(**options)  # type: ignore[arg-type]


def decoded(image: GeneratedImage) -> Image.Image:
    assert image.png.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(image.png)) as opened:
        opened.load()
        assert opened.format == "PNG"
        return opened.copy()


async def test_b64_success_returns_a_png_of_the_requested_size(setup: Setup) -> None:
    image = await setup.generator().generate(request(width=320, height=240))
    assert (image.width, image.height) == (320, 240)
    assert decoded(image).size == (320, 240)
    assert image.metadata["provider"] == "seedream"
    assert image.metadata["created"] is not None
    [sent] = setup.fake.requests
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body == {
        "model": "seedream-4-0-250828",
        "prompt": "A flat vector coffee-cup logo",
        "size": "320x240",
        "response_format": "b64_json",
        "watermark": False,
        "sequential_image_generation": "disabled",
        "stream": False,
    }


async def test_url_success_downloads_the_image_from_the_link(setup: Setup) -> None:
    image = await setup.generator(response_format="url").generate(request(width=64, height=64))
    assert decoded(image).size == (64, 64)
    assert setup.fake.downloads == ["1.png"]


async def test_jpeg_is_converted_to_png(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.SeedreamImage(image_format="JPEG", response_format="url"))
    image = await setup.generator().generate(request(width=96, height=64))
    assert decoded(image).size == (96, 64)
    assert image.metadata["source_format"] == "JPEG"


async def test_created_at_is_accepted(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.SeedreamImage(created_key="created_at"))
    image = await setup.generator().generate(request(width=32, height=32))
    assert image.metadata["created"] is not None


async def test_seed_guidance_and_reference_images_are_sent_only_when_configured(
    setup: Setup,
) -> None:
    png, jpeg = draw_image(16, 16), draw_image(16, 16, image_format="JPEG")
    generator = setup.generator(send_seed=True, guidance_scale=5.5)
    await generator.generate(request(seed=42, width=32, height=32, reference_images=(png, jpeg)))
    await setup.generator().generate(request(seed=42, width=32, height=32, reference_images=(png,)))
    configured, default = (sent.body for sent in setup.fake.requests)
    assert (configured["seed"], configured["guidance_scale"]) == (42, 5.5)
    assert configured["image"] == [
        "data:image/png;base64," + base64.b64encode(png).decode(),
        "data:image/jpeg;base64," + base64.b64encode(jpeg).decode(),
    ]
    assert "seed" not in default and "guidance_scale" not in default
    assert default["image"] == "data:image/png;base64," + base64.b64encode(png).decode()


async def test_unknown_reference_image_format_is_rejected_before_calling(setup: Setup) -> None:
    with pytest.raises(InvalidProviderRequest):
        await setup.generator().generate(request(reference_images=(b"GIF89a...",)))
    assert setup.fake.requests == []


async def test_partial_failure_inside_a_200_is_a_bad_response(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.SeedreamPartialFailure())
    with pytest.raises(BadProviderResponse, match="InternalServiceError"):
        await setup.generator().generate(request())
    assert len(setup.fake.requests) == 1


async def test_partial_failure_with_a_sensitive_code_is_content_rejected(setup: Setup) -> None:
    setup.fake.enqueue(
        fake_seedream.SeedreamPartialFailure(code="OutputImageSensitiveContentDetected")
    )
    with pytest.raises(ContentRejected, match="rephrase"):
        await setup.generator().generate(request())


@pytest.mark.parametrize(
    "reply", [fake_seedream.sensitive_input(), fake_seedream.sensitive_output()]
)
async def test_sensitive_content_is_rejected_after_exactly_one_request(
    setup: Setup, reply: fake_seedream.SeedreamError
) -> None:
    setup.fake.enqueue(reply, fake_seedream.SeedreamImage())
    with pytest.raises(ContentRejected) as raised:
        await setup.generator().generate(request())
    assert "rephrase the brief" in raised.value.message
    assert len(setup.fake.requests) == 1
    assert setup.sleeps.pauses == []


async def test_rate_limit_is_retried_after_retry_after_then_succeeds(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.rate_limited(retry_after="7"))
    image = await setup.generator().generate(request(width=32, height=32))
    assert image.width == 32
    assert len(setup.fake.requests) == 2
    assert setup.sleeps.pauses == [7.0]


async def test_quota_exceeded_is_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(
        fake_seedream.SeedreamError(429, "QuotaExceeded", "Quota exceeded.", "TooManyRequests")
    )
    with pytest.raises(QuotaExhausted):
        await setup.generator().generate(request())
    assert len(setup.fake.requests) == 1


async def test_repeated_500_raises_provider_unavailable_after_max_attempts(setup: Setup) -> None:
    setup.fake.enqueue(*[fake_seedream.internal_error() for _ in range(5)])
    with pytest.raises(ProviderUnavailable) as raised:
        await setup.generator(max_attempts=3).generate(request())
    assert raised.value.code == "provider_unavailable"
    assert len(setup.fake.requests) == 3
    assert len(setup.sleeps.pauses) == 2


async def test_other_400_is_an_invalid_request_and_not_retried(setup: Setup) -> None:
    setup.fake.enqueue(
        fake_seedream.SeedreamError(400, "InvalidParameter", "size is invalid", param="size")
    )
    with pytest.raises(InvalidProviderRequest, match="InvalidParameter"):
        await setup.generator().generate(request())
    assert len(setup.fake.requests) == 1


async def test_wrong_key_is_a_provider_auth_error(setup: Setup) -> None:
    with pytest.raises(ProviderAuthError):
        await setup.generator(api_key="wrong").generate(request())
    assert setup.sleeps.pauses == []


async def test_garbage_body_is_a_bad_response(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.SeedreamRawBody())
    with pytest.raises(BadProviderResponse, match="not JSON"):
        await setup.generator().generate(request())
    assert len(setup.fake.requests) == 1


async def test_html_502_from_a_proxy_is_unavailable_and_retried(setup: Setup) -> None:
    setup.fake.enqueue(fake_seedream.SeedreamRawBody(status=502))
    image = await setup.generator().generate(request(width=32, height=32))
    assert image.width == 32
    assert len(setup.fake.requests) == 2


@pytest.mark.parametrize("response_format", ["url", "b64_json"])
async def test_undecodable_image_is_a_bad_response(setup: Setup, response_format: str) -> None:
    setup.fake.enqueue(fake_seedream.undecodable_image(response_format))
    with pytest.raises(BadProviderResponse, match="decoded"):
        await setup.generator().generate(request())
    assert len(setup.fake.requests) == 1


async def test_timeout_is_provider_unavailable_with_timeout_code(setup: Setup) -> None:
    release = asyncio.Event()
    setup.fake.enqueue(fake_seedream.SeedreamStall(release))
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.2, connect=10.0)) as impatient:
        generator = setup.generator(http_client=impatient, max_attempts=1)
        try:
            with pytest.raises(ProviderUnavailable) as raised:
                await generator.generate(request())
        finally:
            release.set()
    assert raised.value.code == "provider_timeout"
