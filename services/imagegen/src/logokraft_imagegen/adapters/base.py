"""The image-generator interface: an image prompt (and its brief) in, a PNG out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from logokraft_engine import Brief


@dataclass(frozen=True)
class ImageRequest:
    """One image to draw."""

    prompt: str
    brief: Brief
    spec: dict[str, Any] | None = None  # local engine spec, ignored by paid providers
    seed: int = 0
    width: int = 1024
    height: int = 1024
    reference_images: tuple[bytes, ...] = ()  # PNG/JPEG bytes (inspiration images)


@dataclass(frozen=True)
class GeneratedImage:
    """A drawn image, always PNG, with what the generator knows about it."""

    png: bytes
    width: int
    height: int
    svg: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class ImageGenerator(Protocol):
    """Draws images; implemented by the Seedream and local generators.

    Cores ask an adapter what it can do, never which one it is: `name` is only recorded
    (on each asset, as its provider) and names its circuit breaker.
    """

    name: str  # "seedream" | "local"
    takes_reference_images: bool  # draws better given the brief's inspiration images

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw one image for `request`."""
        ...
