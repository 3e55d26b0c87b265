"""Items of an async iterator in the groups they arrive in.

A provider often hands over several prompts at once (one network read holding the rest of an
answer, or an answer that is not streamed at all). Queueing each alone costs a transaction, a
job publish round and a news message apiece; queueing what arrived together costs one of
each, and queueing never waits for an item that has not arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


async def arrivals(source: AsyncIterator[T]) -> AsyncIterator[list[T]]:
    """Lists of `source`'s items, in order: each holds the first item not yet handed out and
    every item `source` produced after it without waiting (that arrived with it).

    `source` is read by a task of its own, so it runs ahead while the caller works on a list.
    Its error is raised here after the items that came before it. Closing the lists (leave
    early inside `contextlib.aclosing`), an error or cancellation stops and closes `source`.
    """
    queue: asyncio.Queue[object] = asyncio.Queue()

    async def pump() -> None:
        # Whatever ends `source`, its end or its error (a cancellation from inside it too),
        # reaches the reader after the items before it, as `async for` over it would have.
        # Cancelled by the reader itself, it ends quietly: nobody reads on.
        try:
            async for item in source:
                queue.put_nowait(item)
        except BaseException as error:
            queue.put_nowait(_Failed(error))
        else:
            queue.put_nowait(_END)

    task = asyncio.create_task(pump())
    try:
        while True:
            items = [await queue.get()]
            while not queue.empty():
                items.append(queue.get_nowait())
            ready: list[T] = []
            for item in items:
                if item is _END:
                    if ready:
                        yield ready
                    return
                if isinstance(item, _Failed):
                    if ready:
                        yield ready
                    raise item.error
                ready.append(item)  # type: ignore[arg-type]
            yield ready
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # ends at once: the source is stopped where it waits
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error
