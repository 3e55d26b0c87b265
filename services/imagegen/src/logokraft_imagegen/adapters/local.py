"""The local logo engine as an image generator, rendering off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_kit.metrics import LOCAL_RENDER_CPU
from logokraft_kit.providers import DesignRejected

PROVIDER = "local"
# How much the render threads give way to everything else on the machine, in nice(1) steps
# above the process's own (MOST_NICE at most). Rendering is batch work; the request path
# beside it (the gateway accepting a brief, the prompt service writing prompts, Postgres) is
# what a person waits for, so under a burst the operating system runs that first and the
# renderer takes the rest of the CPU. No throughput is lost (only renders wait for a render
# thread's CPU), and on the local burst of `make bench` the first logos came about a second
# sooner (first logo p50 2.5-2.7 s against 3.5-3.9 s, done p50 7.7-7.8 s against 8.6-9.5 s).
RENDER_NICENESS = 10
MOST_NICE = 19


def _give_way() -> None:
    """Lower this render thread's scheduling priority (Linux keeps one per thread, and a
    thread starts with its creator's: the event loop's thread keeps its own)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed: as it is
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + RENDER_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, MOST_NICE))


class LocalLogoGenerator:
    """Draws real logos (SVG master + PNG) with no API key; each image's metadata names the
    concept drawn: `layout`, `icon` ("" for none), `typeface` and `treatment`."""

    name = PROVIDER
    takes_reference_images = False  # the inspiration palette is in the spec already

    def __init__(self, concurrency: int = 2) -> None:
        self._threads = ThreadPoolExecutor(
            max_workers=concurrency, thread_name_prefix="render", initializer=_give_way
        )

    @staticmethod
    def warm_up() -> None:
        """Load the engine's fonts and icons (blocking: the service runs it in a thread)."""
        engine.warm_up()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Render the request's spec, or design one from the brief when there is none."""
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, self._render, request
        )

    def _render(self, request: ImageRequest) -> GeneratedImage:
        started = time.thread_time()  # this render thread's own CPU, whatever runs beside it
        try:
            return self._draw(request)
        except ValueError as error:
            # The engine is deterministic: the same request would fail the same way on every
            # retry, so it fails once, as the request's fault rather than an internal error.
            raise DesignRejected(
                "The local logo engine cannot draw this design; change the brief and generate "
                "it again.",
                provider=PROVIDER,
                detail=str(error),
            ) from error
        finally:
            LOCAL_RENDER_CPU.inc(time.thread_time() - started)

    def _draw(self, request: ImageRequest) -> GeneratedImage:
        if request.spec:
            spec = engine.LogoSpec.from_dict(request.spec)
        else:
            spec = engine.design_spec(request.brief, index=0, seed=request.seed)
        size = max(request.width, request.height)
        logo = engine.render_logo(spec, size=size)
        return GeneratedImage(
            png=logo.png,
            width=logo.width,
            height=logo.height,
            svg=logo.svg,
            # The concept drawn, so clients and tests can tell the candidates' ideas apart.
            metadata={"engine": "local", **logo.concept},
        )
