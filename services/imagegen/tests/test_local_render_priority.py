"""The local generator's render threads give way to the request path (nice 10)."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_imagegen.server import build_generator
from logokraft_kit import render_threads

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="thread priorities are per thread on Linux"
)

BRIEF = engine.Brief("Forge Gym", industry="gym")


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


async def test_renders_run_at_a_lower_priority_than_the_event_loop(monkeypatch):
    seen: list[tuple[int, str]] = []
    draw = LocalLogoGenerator._draw

    def watched(self, request):
        seen.append((_niceness(), threading.current_thread().name))
        return draw(self, request)

    monkeypatch.setattr(LocalLogoGenerator, "_draw", watched)
    loop_niceness = _niceness()
    generator = LocalLogoGenerator(concurrency=2)
    request = ImageRequest(prompt="p", brief=BRIEF, width=128, height=128)
    images = await asyncio.gather(*(generator.generate(request) for _ in range(4)))

    assert all(image.png.startswith(b"\x89PNG") for image in images)
    given_way = min(loop_niceness + render_threads.RENDER_NICENESS, render_threads.MOST_NICE)
    assert {niceness for niceness, _ in seen} == {given_way}
    assert {name.rsplit("_", 1)[0] for _, name in seen} == {"render"}
    assert _niceness() == loop_niceness  # the event loop's thread keeps its priority
    # Nothing else the process runs in threads (asyncio.to_thread) gives way with them.
    assert await asyncio.to_thread(_niceness) == loop_niceness


def test_the_service_renders_with_as_many_threads_as_renders_at_once(tmp_path):
    settings = ImagegenSettings(
        NATS_URL="nats://unused",
        DATABASE_URL="postgresql://unused",
        LOGOKRAFT_DATA_DIR=tmp_path,
        LOGOKRAFT_LOCAL_CONCURRENCY=3,
    )
    generator = build_generator(settings)
    assert isinstance(generator, LocalLogoGenerator)
    assert generator.threads.concurrency == 3
