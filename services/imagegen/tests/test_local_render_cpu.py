"""The local generator counts its render threads' own CPU (`make bench` subtracts it)."""

from __future__ import annotations

import asyncio
import time

from prometheus_client import REGISTRY

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator

BRIEF = engine.Brief("Forge Gym", industry="gym", description="Strength and weightlifting.")


def _counted() -> float:
    return REGISTRY.get_sample_value("logokraft_local_render_cpu_seconds_total") or 0.0


async def test_render_cpu_is_counted_from_the_render_threads_only():
    generator = LocalLogoGenerator()
    requests = [
        ImageRequest(prompt="p", brief=BRIEF, spec=spec.to_dict(), width=256, height=256)
        for spec in engine.design_specs(BRIEF, count=4, seed=3)
    ]
    before, process_before = _counted(), time.process_time()
    images = await asyncio.gather(*(generator.generate(request) for request in requests))
    counted, process = _counted() - before, time.process_time() - process_before
    assert all(image.png.startswith(b"\x89PNG") for image in images)
    assert counted > 0
    # Thread CPU, not wall time: never more than the whole process used meanwhile.
    assert counted <= process
