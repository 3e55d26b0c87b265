"""With the local engine, imagegen warms the engine up when it starts (a background part run
in a thread), so the first user's logo does not pay for loading fonts and icons."""

from __future__ import annotations

from unittest.mock import MagicMock

from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_imagegen.server import spec
from logokraft_kit.service import Warmup

ENV = {"NATS_URL": "nats://unused", "DATABASE_URL": "postgresql://unused"}


class FakeGenerator:
    name = "fake"
    takes_reference_images = False

    async def generate(self, request):  # pragma: no cover - never called here
        raise AssertionError


def _warmups(settings: ImagegenSettings, **kwargs) -> list[Warmup]:
    parts = spec(settings, **kwargs).compose(MagicMock())
    return [part for part in parts.background if isinstance(part, Warmup)]


def test_the_local_engine_is_warmed_up_when_imagegen_starts(tmp_path):
    settings = ImagegenSettings(
        **ENV, LOGOKRAFT_DATA_DIR=tmp_path, LOGOKRAFT_IMAGE_PROVIDER="local"
    )
    [warmup] = _warmups(settings)
    assert warmup.work == LocalLogoGenerator.warm_up


def test_a_generator_without_a_warm_up_gets_none(tmp_path):
    settings = ImagegenSettings(**ENV, LOGOKRAFT_DATA_DIR=tmp_path)
    assert _warmups(settings, generator=FakeGenerator()) == []


def test_the_warm_up_can_be_turned_off(tmp_path):
    settings = ImagegenSettings(
        **ENV,
        LOGOKRAFT_DATA_DIR=tmp_path,
        LOGOKRAFT_IMAGE_PROVIDER="local",
        LOGOKRAFT_ENGINE_WARM_UP=False,
    )
    assert _warmups(settings) == []
