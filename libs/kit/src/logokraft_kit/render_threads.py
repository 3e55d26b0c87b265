"""The threads the local logo engine renders in, for every service that renders (imagegen's
candidates, refine's variations): off the event loop, below the request path's priority,
their CPU counted.

How much they give way, in nice(1) steps above the process's own (MOST_NICE at most):
rendering is batch work; the request path beside it (the gateway accepting a brief, the
prompt service writing prompts, Postgres) is what a person waits for, so under a burst the
operating system runs that first and the renderer takes the rest of the CPU. No throughput
is lost (only renders wait for a render thread's CPU), and on the local burst of `make bench`
the first logos came about a second sooner (first logo p50 2.5-2.7 s against 3.5-3.9 s, done
p50 7.7-7.8 s against 8.6-9.5 s). A brand kit is not built here (refine's brand_kits.py):
a person is waiting for that download, as for any request.

Each render's own CPU (its thread's, whatever runs beside it) counts in
`logokraft_local_render_cpu_seconds_total`, so a process's CPU outside the renderer can be
told apart (`make bench` subtracts it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from logokraft_kit.metrics import LOCAL_RENDER_CPU

T = TypeVar("T")

RENDER_NICENESS = 10
MOST_NICE = 19


def _give_way() -> None:
    """Lower this render thread's scheduling priority (Linux keeps one per thread, and a
    thread starts with its creator's: the event loop's thread keeps its own)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed: as it is
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + RENDER_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, MOST_NICE))


class RenderThreads:
    """`concurrency` render threads that give way to the request path and count their CPU."""

    def __init__(self, concurrency: int = 2) -> None:
        self.concurrency = concurrency
        self._pool = ThreadPoolExecutor(
            max_workers=concurrency, thread_name_prefix="render", initializer=_give_way
        )

    async def run(self, render: Callable[[], T]) -> T:
        """`render()` in a render thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, _counted, render)


def _counted(render: Callable[[], T]) -> T:
    started = time.thread_time()
    try:
        return render()
    finally:
        LOCAL_RENDER_CPU.inc(time.thread_time() - started)
