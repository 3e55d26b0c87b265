"""A prompt writer behind its provider's circuit breaker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from logokraft_kit.breaker import CircuitBreaker
from logokraft_prompt.adapters.base import InspirationImage, PromptWriter, WrittenPrompt

if TYPE_CHECKING:
    from logokraft_engine import Brief


class GuardedWriter:
    """Calls `inner` only while its breaker lets calls through; raises CircuitOpen otherwise.

    Prompts stream out one by one, so the call's outcome is known at the end of the
    stream: a provider failure part-way counts as a failure, a consumer that stops
    reading once it has enough prompts counts as a success.
    """

    def __init__(self, inner: PromptWriter, *, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.name = inner.name
        self.wants_inspiration_palette = inner.wants_inspiration_palette
        self.breaker = breaker

    async def write_prompts(
        self, brief: Brief, *, count: int, inspiration: Sequence[InspirationImage]
    ) -> AsyncIterator[WrittenPrompt]:
        """Yield the inner writer's prompts through the breaker."""
        prompts = self.inner.write_prompts(brief, count=count, inspiration=inspiration)
        with self.breaker.guarding(model=getattr(self.inner, "model", None)):
            async for prompt in prompts:
                yield prompt
