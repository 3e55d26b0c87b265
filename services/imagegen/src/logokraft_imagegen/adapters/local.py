"""The local logo engine as an image generator, rendering off the event loop."""

from __future__ import annotations

import asyncio
import time

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_kit.metrics import LOCAL_RENDER_CPU
from logokraft_kit.providers import DesignRejected

PROVIDER = "local"


class LocalLogoGenerator:
    """Draws real logos (SVG master + PNG) with no API key; each image's metadata names the
    concept drawn: `layout`, `icon` ("" for none), `typeface` and `treatment`."""

    name = PROVIDER
    takes_reference_images = False  # the inspiration palette is in the spec already

    @staticmethod
    def warm_up() -> None:
        """Load the engine's fonts and icons (blocking: the service runs it in a thread)."""
        engine.warm_up()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Render the request's spec, or design one from the brief when there is none."""
        return await asyncio.to_thread(self._render, request)

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
