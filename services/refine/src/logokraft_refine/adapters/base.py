"""The refinement interfaces: a parent logo and an instruction in, a variation out.

Refinement has two steps, each with a Gemini and a local implementation:

- a `PromptRefiner` writes the variation's image prompt from the parent's prompt and
  the instruction (the local one edits the parent's logo specification and describes it);
- a `VariationMaker` draws the variation from the parent image and that prompt (Nano
  Banana image-to-image, or the local engine re-rendering the edited specification).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from logokraft_engine import Brief


@dataclass(frozen=True)
class RefineRequest:
    """One variation of a parent asset to make."""

    instruction: str
    parent_prompt: str
    parent_image: bytes  # the stored parent image (PNG)
    parent_mime_type: str
    parent_spec: dict[str, Any] | None  # the parent's logo specification, when it has one
    brief: Brief
    variation: int = 0  # 0-based index among the variations of one refinement
    count: int = 1  # how many variations the refinement makes
    seed: int = 0


@dataclass(frozen=True)
class RefinedPrompt:
    """The variation's image prompt, and what the refiner knows about it."""

    text: str
    spec: dict[str, Any] | None = None  # an edited logo specification (local refiner only)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Variation:
    """A drawn variation, always PNG."""

    png: bytes
    width: int
    height: int
    svg: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class PromptRefiner(Protocol):
    """Writes a variation's image prompt; implemented by the Gemini and local refiners.

    Cores ask an adapter what it can do, never which one it is: `name` is only recorded,
    and `api` says which provider's API it calls (adapters of one API share a breaker).
    """

    name: str  # "gemini" | "local"
    api: str  # "gemini" | "local"

    async def refine_prompt(self, request: RefineRequest) -> RefinedPrompt:
        """The prompt for variation `request.variation` of the refinement."""
        ...


class VariationMaker(Protocol):
    """Draws a variation; implemented by Nano Banana and the local editor."""

    name: str  # "nano-banana" | "local": recorded on each variation as its provider
    api: str  # "gemini" | "local"
    # Can only refine a logo that has a logo specification (one the local engine drew).
    needs_spec: bool

    async def make_variation(self, request: RefineRequest, prompt: RefinedPrompt) -> Variation:
        """Draw the variation `prompt` describes, starting from the parent image."""
        ...
