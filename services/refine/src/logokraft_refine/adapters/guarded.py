"""The refiner and the variation maker behind their provider's circuit breaker.

Both Gemini adapters talk to the same API, so they share one breaker.
"""

from __future__ import annotations

from logokraft_kit.breaker import CircuitBreaker
from logokraft_refine.adapters.base import (
    PromptRefiner,
    RefinedPrompt,
    RefineRequest,
    Variation,
    VariationMaker,
)


class GuardedRefiner:
    """Calls `inner` only while its breaker lets calls through; raises CircuitOpen otherwise."""

    def __init__(self, inner: PromptRefiner, *, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.name = inner.name
        self.api = inner.api
        self.breaker = breaker

    async def refine_prompt(self, request: RefineRequest) -> RefinedPrompt:
        """Write the variation's prompt through the breaker."""
        return await self.breaker.call(
            lambda: self.inner.refine_prompt(request), model=getattr(self.inner, "model", None)
        )


class GuardedMaker:
    """Calls `inner` only while its breaker lets calls through; raises CircuitOpen otherwise."""

    def __init__(self, inner: VariationMaker, *, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.name = inner.name
        self.api = inner.api
        self.needs_spec = inner.needs_spec
        self.breaker = breaker

    async def make_variation(self, request: RefineRequest, prompt: RefinedPrompt) -> Variation:
        """Draw the variation through the breaker."""
        return await self.breaker.call(
            lambda: self.inner.make_variation(request, prompt),
            model=getattr(self.inner, "model", None),
        )
