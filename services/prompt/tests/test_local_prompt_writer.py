"""The local prompt writer: one designer-style prompt per candidate, each with a renderable spec."""

from __future__ import annotations

import logokraft_engine as engine
from logokraft_prompt.adapters.local import LocalPromptWriter


async def test_writes_distinct_renderable_prompts_in_order():
    brief = engine.Brief(
        brand_name="Acme Roasters", industry="coffee roastery", colors=("#0a2540",)
    )
    written = [w async for w in LocalPromptWriter().write_prompts(brief, count=4)]

    assert [w.index for w in written] == [0, 1, 2, 3]
    assert all("Acme Roasters" in w.text for w in written)
    assert len({w.text for w in written}) == 4
    for prompt in written:
        spec = engine.LogoSpec.from_dict(prompt.spec)
        assert engine.render_logo(spec, size=64).png.startswith(b"\x89PNG")


async def test_same_brief_writes_the_same_prompts():
    brief = engine.Brief(brand_name="Nimbus", style=("playful",))
    first = [w async for w in LocalPromptWriter().write_prompts(brief, count=2)]
    second = [w async for w in LocalPromptWriter().write_prompts(brief, count=2)]
    assert first == second
