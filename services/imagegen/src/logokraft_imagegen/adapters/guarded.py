"""An image generator behind its provider's circuit breaker (and the tests' hold hook)."""

from __future__ import annotations

from pathlib import Path

from logokraft_dev.faults import hold_until
from logokraft_imagegen.adapters.base import GeneratedImage, ImageGenerator, ImageRequest
from logokraft_kit.breaker import CircuitBreaker


class GuardedGenerator:
    """Calls `inner` only while its breaker lets calls through; raises CircuitOpen otherwise."""

    def __init__(
        self,
        inner: ImageGenerator,
        *,
        breaker: CircuitBreaker,
        hold_file: Path | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.breaker = breaker
        self._hold_file = hold_file

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw one image through the breaker."""
        await hold_until(self._hold_file)
        return await self.breaker.call(lambda: self.inner.generate(request))

    async def aclose(self) -> None:
        """Close the inner generator if it holds connections."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()
