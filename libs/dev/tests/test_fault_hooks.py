"""The hold hook: a service's adapter waits for a file only when a test turns the hook on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from logokraft_kit import service
from logokraft_kit.settings import WorkerSettings


class Drawer:
    """An adapter with a call, a stream and a capability."""

    name = "local"
    takes_reference_images = False

    def __init__(self) -> None:
        self.drawn = 0

    async def generate(self, request: str) -> str:
        self.drawn += 1
        return f"drawn {request}"

    async def write_prompts(self, count: int):
        for index in range(count):
            yield index


def test_without_the_setting_the_adapter_is_untouched() -> None:
    adapter = Drawer()
    assert service.with_fault_hooks(adapter, WorkerSettings(), method="generate") is adapter


async def test_a_held_call_waits_for_the_file_and_everything_else_passes_through(
    tmp_path: Path,
) -> None:
    gate = tmp_path / "go"
    adapter = Drawer()
    settings = WorkerSettings(LOGOKRAFT_HOLD_JOBS_UNTIL=gate)
    held = service.with_fault_hooks(adapter, settings, method="generate")
    assert (held.name, held.takes_reference_images) == ("local", False)
    drawing = asyncio.create_task(held.generate("a logo"))
    await asyncio.sleep(0.2)  # several polls of the hook: the call must still be waiting
    assert not drawing.done() and adapter.drawn == 0
    gate.touch()
    assert await asyncio.wait_for(drawing, 5) == "drawn a logo"


async def test_a_held_stream_gives_its_first_item_then_waits(tmp_path: Path) -> None:
    gate = tmp_path / "go"
    settings = WorkerSettings(LOGOKRAFT_HOLD_JOBS_UNTIL=gate)
    held = service.with_fault_hooks(Drawer(), settings, method="write_prompts")
    stream = held.write_prompts(3)
    assert await asyncio.wait_for(anext(stream), 5) == 0
    second = asyncio.create_task(anext(stream))
    await asyncio.sleep(0.2)
    assert not second.done()
    gate.touch()
    assert await asyncio.wait_for(second, 5) == 1
    assert [item async for item in stream] == [2]
