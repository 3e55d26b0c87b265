"""arrivals(): what a source produced together is handed out together, and nothing waits."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from logokraft_prompt.arrivals import arrivals


async def _source(gates: list[asyncio.Event], groups: list[list[int]], log: list[str]):
    """Yields each group's items back to back, waiting for its gate before each group."""
    try:
        for gate, group in zip(gates, groups, strict=True):
            await gate.wait()
            for item in group:
                yield item
    finally:
        log.append("closed")


async def test_items_that_arrive_together_come_in_one_list() -> None:
    gates = [asyncio.Event() for _ in range(3)]
    log: list[str] = []
    lists = arrivals(_source(gates, [[0], [1, 2, 3], [4]], log))
    gates[0].set()
    assert await anext(lists) == [0]
    gates[1].set()
    assert await anext(lists) == [1, 2, 3]
    # Nothing more has arrived: the reader waits rather than handing out an empty list.
    waiting = asyncio.ensure_future(anext(lists))
    await asyncio.sleep(0)
    assert not waiting.done()
    gates[2].set()
    assert await waiting == [4]
    with pytest.raises(StopAsyncIteration):
        await anext(lists)
    assert log == ["closed"]


async def test_an_error_comes_after_the_items_before_it() -> None:
    async def failing() -> AsyncIterator[int]:
        yield 1
        yield 2
        raise RuntimeError("provider broke")

    seen: list[list[int]] = []
    with pytest.raises(RuntimeError, match="provider broke"):
        async for items in arrivals(failing()):
            seen.append(items)
    assert seen == [[1, 2]]


async def test_leaving_early_stops_and_closes_the_source() -> None:
    gates = [asyncio.Event() for _ in range(2)]
    log: list[str] = []
    gates[0].set()
    async with contextlib.aclosing(arrivals(_source(gates, [[7, 8], [9]], log))) as lists:
        async for items in lists:
            assert items == [7, 8]
            break
    assert log == ["closed"]  # closed at once, though its next item never came


async def test_cancelling_the_reader_stops_the_source() -> None:
    gates = [asyncio.Event()]
    log: list[str] = []

    async def read() -> None:
        async for _ in arrivals(_source(gates, [[1]], log)):
            pass

    task = asyncio.ensure_future(read())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert log == ["closed"]


async def test_a_cancellation_from_inside_the_source_reaches_the_reader() -> None:
    # As `async for` over the source would see it: not taken for the source's end.
    async def interrupted() -> AsyncIterator[int]:
        yield 1
        raise asyncio.CancelledError

    seen: list[list[int]] = []
    with pytest.raises(asyncio.CancelledError):
        async for items in arrivals(interrupted()):
            seen.append(items)
    assert seen == [[1]]
