"""The local editor: refinement with no API key, by editing the parent's logo specification.

The refiner turns the instruction into an edited specification (and describes it as
a prompt); the maker re-renders it. What the editor did not understand is recorded
in the asset's metadata rather than pretended.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from functools import partial

import logokraft_engine as engine
from logokraft_kit.providers import DesignRejected, InvalidProviderRequest
from logokraft_kit.render_threads import RenderThreads
from logokraft_refine.adapters.base import RefinedPrompt, RefineRequest, Variation

PROVIDER = "local"


@contextlib.contextmanager
def _engine_rejections() -> Iterator[None]:
    """Turn the engine's ValueError (it cannot edit or draw this spec) into DesignRejected:
    the engine is deterministic, so a retry would fail the same way; the job fails once."""
    try:
        yield
    except ValueError as error:
        raise DesignRejected(
            "The local logo engine cannot draw this variation; try another instruction.",
            provider=PROVIDER,
            detail=str(error),
        ) from error


class LocalPromptRefiner:
    """Edits the parent's specification as the instruction says and describes the result."""

    name = PROVIDER
    api = PROVIDER

    async def refine_prompt(self, request: RefineRequest) -> RefinedPrompt:
        """The edited specification, its prompt, and what was (not) understood."""
        return await asyncio.to_thread(self._refine, request)

    def _refine(self, request: RefineRequest) -> RefinedPrompt:
        if not request.parent_spec:
            raise InvalidProviderRequest(
                "The local editor can only refine logos drawn by the local engine.",
                provider=PROVIDER,
            )
        with _engine_rejections():
            parent = engine.LogoSpec.from_dict(request.parent_spec)
            edit = engine.edit_spec(
                parent, request.instruction, variation=request.variation, seed=request.seed
            )
        editor = {
            "applied": list(edit.applied),
            "not_understood": list(edit.not_understood),
            "understood": not edit.not_understood,
        }
        return RefinedPrompt(
            text=engine.describe_spec(edit.spec, request.brief),
            spec=edit.spec.to_dict(),
            metadata={"editor": editor},
        )


class LocalVariationMaker:
    """Renders the edited specification (SVG master and PNG) in render threads that give way
    to the request path, as imagegen's do (logokraft_kit.render_threads)."""

    name = PROVIDER
    api = PROVIDER
    needs_spec = True  # re-renders the parent's edited logo specification

    def __init__(self, concurrency: int = 2) -> None:
        self.threads = RenderThreads(concurrency)

    @staticmethod
    def warm_up() -> None:
        """Load the engine's fonts and icons (blocking: the service runs it in a thread)."""
        engine.warm_up()

    async def make_variation(self, request: RefineRequest, prompt: RefinedPrompt) -> Variation:
        """Draw the variation off the event loop."""
        if not prompt.spec:
            raise InvalidProviderRequest(
                "The local editor needs an edited logo specification to draw.", provider=PROVIDER
            )
        with _engine_rejections():
            spec = engine.LogoSpec.from_dict(prompt.spec)
            logo = await self.threads.run(partial(engine.render_logo, spec))
        return Variation(
            png=logo.png,
            width=logo.width,
            height=logo.height,
            svg=logo.svg,
            metadata={"engine": "local"},
        )
