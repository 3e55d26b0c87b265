"""An image generator behind its provider's circuit breaker."""

from __future__ import annotations

from logokraft_imagegen.adapters.base import GeneratedImage, ImageGenerator, ImageRequest
from logokraft_kit.breaker import CircuitBreaker


class GuardedGenerator:
    """Calls `inner` only while its breaker lets calls through; raises CircuitOpen otherwise."""

    def __init__(self, inner: ImageGenerator, *, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.name = inner.name
        self.takes_reference_images = inner.takes_reference_images
        self.breaker = breaker

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw one image through the breaker."""
        return await self.breaker.call(
            lambda: self.inner.generate(request), model=getattr(self.inner, "model", None)
        )

    async def aclose(self) -> None:
        """Close the inner generator if it holds connections."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()
