"""The local prompt writer: designer-style prompts from the local logo engine's specifications."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Sequence

import logokraft_engine as engine
from logokraft_prompt.adapters.base import InspirationImage, WrittenPrompt


def brief_seed(brief: engine.Brief) -> int:
    """A stable seed for a brief, so the same brief gives the same candidates."""
    digest = hashlib.sha256(repr(brief).encode()).digest()
    return int.from_bytes(digest[:4], "big")


class LocalPromptWriter:
    """Writes one prompt per candidate, each carrying a specification the engine can render."""

    name = "local"
    wants_inspiration_palette = True

    async def write_prompts(
        self,
        brief: engine.Brief,
        *,
        count: int,
        inspiration: Sequence[InspirationImage] = (),
    ) -> AsyncIterator[WrittenPrompt]:
        """Yield `count` prompts; the inspiration images' colours are already in the brief.

        The candidates are planned together, up front: up to `engine.PLANNED` of them are
        different concepts (no icon twice; layouts, typefaces and treatments spread), and a
        project asking for fewer gets the first ones of the same plan."""
        seed = brief_seed(brief)
        specs = await asyncio.to_thread(engine.design_specs, brief, count=count, seed=seed)
        for index, spec in enumerate(specs):
            text = engine.describe_spec(spec, brief)
            yield WrittenPrompt(index=index, text=text, spec=spec.to_dict())
