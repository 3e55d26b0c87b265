"""The local editor renders variations in render threads that give way to the request path
(nice 10) and count their CPU, as imagegen's local generator does."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest
from prometheus_client import REGISTRY

import logokraft_engine as engine
from logokraft_kit import render_threads
from logokraft_refine.adapters.base import RefineRequest
from logokraft_refine.adapters.local import LocalPromptRefiner, LocalVariationMaker
from logokraft_refine.config import RefineSettings
from logokraft_refine.server import build_adapters

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="thread priorities are per thread on Linux"
)

BRIEF = engine.Brief("Forge Gym", industry="gym")


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _counted() -> float:
    return REGISTRY.get_sample_value("logokraft_local_render_cpu_seconds_total") or 0.0


async def test_variations_render_at_a_lower_priority_and_count_their_cpu(monkeypatch):
    seen: list[tuple[int, str]] = []
    render = engine.render_logo

    def watched(spec, *args, **kwargs):
        seen.append((_niceness(), threading.current_thread().name))
        return render(spec, *args, **kwargs)

    monkeypatch.setattr(engine, "render_logo", watched)
    loop_niceness = _niceness()
    request = RefineRequest(
        instruction="make it navy",
        parent_prompt="p",
        parent_image=b"",
        parent_mime_type="image/png",
        parent_spec=engine.design_spec(BRIEF, index=0, seed=1).to_dict(),
        brief=BRIEF,
    )
    prompt = await LocalPromptRefiner().refine_prompt(request)
    maker = LocalVariationMaker(concurrency=2)
    before = _counted()

    variations = await asyncio.gather(*(maker.make_variation(request, prompt) for _ in range(3)))

    assert all(variation.png.startswith(b"\x89PNG") for variation in variations)
    given_way = min(loop_niceness + render_threads.RENDER_NICENESS, render_threads.MOST_NICE)
    assert {niceness for niceness, _ in seen} == {given_way}
    assert {name.rsplit("_", 1)[0] for _, name in seen} == {"render"}
    assert _niceness() == loop_niceness
    assert _counted() > before


def test_the_service_renders_with_as_many_threads_as_variations_at_once(tmp_path):
    settings = RefineSettings(
        NATS_URL="nats://unused",
        DATABASE_URL="postgresql://unused",
        LOGOKRAFT_DATA_DIR=tmp_path,
        LOGOKRAFT_LOCAL_CONCURRENCY=3,
    )
    _, maker = build_adapters(settings)
    assert isinstance(maker, LocalVariationMaker)
    assert maker.threads.concurrency == 3
