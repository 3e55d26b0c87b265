"""The prompt-writer interface: a brief (and inspiration images) in, image prompts out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from logokraft_engine import Brief


@dataclass(frozen=True)
class InspirationImage:
    """An image the customer uploaded as inspiration."""

    data: bytes
    mime_type: str  # "image/png" | "image/jpeg" | "image/webp"


@dataclass(frozen=True)
class WrittenPrompt:
    """One image prompt, at its 0-based candidate position."""

    index: int
    text: str
    spec: dict[str, Any] | None  # a logo specification for the local engine; None from Gemini


class PromptWriter(Protocol):
    """Writes image prompts for a brief; implemented by the Gemini and local writers.

    Cores ask an adapter what it can do, never which one it is: `name` only names its
    circuit breaker.
    """

    name: str  # "gemini" | "local"
    # Wants the dominant colours of the inspiration images in the brief (when the brief
    # names no colours), because it cannot look at the images themselves.
    wants_inspiration_palette: bool

    def write_prompts(
        self, brief: Brief, *, count: int, inspiration: Sequence[InspirationImage]
    ) -> AsyncIterator[WrittenPrompt]:
        """Yield `count` prompts, each as soon as it exists."""
        ...
