"""The local prompt writer plans a project's candidates as different concepts (issue 16)."""

from __future__ import annotations

import logokraft_engine as engine
from logokraft_prompt.adapters.local import LocalPromptWriter, brief_seed

ISSUE_BRIEFS = (
    engine.Brief("Helix Labs", industry="biotech laboratory", description="A research lab."),
    engine.Brief("Bean There", industry="cafe", description="Coffee and pastries."),
    engine.Brief("Stone & Reed", industry="law firm", description="Attorneys at law."),
    engine.Brief("Forge Gym", industry="gym", description="Strength and weightlifting."),
    engine.Brief("Green Thumb", industry="garden centre", description="Plants and seedlings."),
)


async def _specs(brief: engine.Brief, count: int) -> list[engine.LogoSpec]:
    written = [w async for w in LocalPromptWriter().write_prompts(brief, count=count)]
    assert [w.index for w in written] == list(range(count))
    return [engine.LogoSpec.from_dict(w.spec) for w in written]


async def test_eight_candidates_are_eight_concepts_with_no_icon_twice():
    for brief in ISSUE_BRIEFS:
        specs = await _specs(brief, 8)
        concepts = [engine.concept_of(spec) for spec in specs]
        icons = [c["icon"] for c in concepts if c["icon"]]
        assert len(icons) == len(set(icons)) >= 5, (brief.brand_name, icons)
        assert len({tuple(c.values()) for c in concepts}) == 8
        assert len({c["layout"] for c in concepts}) >= 5
        assert len({c["typeface"] for c in concepts}) >= 4
        assert len({c["treatment"] for c in concepts}) >= 6


async def test_six_candidates_are_the_first_six_of_the_eight():
    brief = ISSUE_BRIEFS[1]
    six, eight = await _specs(brief, 6), await _specs(brief, 8)
    assert six == eight[:6]
    assert eight == engine.design_specs(brief, count=8, seed=brief_seed(brief))
    icons = [spec.icon for spec in six if spec.icon]
    assert len(icons) == len(set(icons))  # candidates 5 and 6 no longer repeat 1 and 2


async def test_each_prompt_describes_its_own_concept():
    specs = await _specs(ISSUE_BRIEFS[3], 8)
    written = [w async for w in LocalPromptWriter().write_prompts(ISSUE_BRIEFS[3], count=8)]
    assert len({w.text for w in written}) == 8
    for prompt, spec in zip(written, specs, strict=True):
        assert spec.palette.background in prompt.text or "white background" in prompt.text
