"""The local logo engine as an image generator, rendering in its own threads, which give way
to the request path (logokraft_kit.render_threads)."""

from __future__ import annotations

from functools import partial

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_kit.providers import DesignRejected
from logokraft_kit.render_threads import RenderThreads

PROVIDER = "local"


class LocalLogoGenerator:
    """Draws real logos (SVG master + PNG) with no API key; each image's metadata names the
    concept drawn: `layout`, `icon` ("" for none), `typeface` and `treatment`."""

    name = PROVIDER
    takes_reference_images = False  # the inspiration palette is in the spec already

    def __init__(self, concurrency: int = 2) -> None:
        self.threads = RenderThreads(concurrency)

    @staticmethod
    def warm_up() -> None:
        """Load the engine's fonts and icons (blocking: the service runs it in a thread)."""
        engine.warm_up()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Render the request's spec, or design one from the brief when there is none."""
        return await self.threads.run(partial(self._render, request))

    def _render(self, request: ImageRequest) -> GeneratedImage:
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
