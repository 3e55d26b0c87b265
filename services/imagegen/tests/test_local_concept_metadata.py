"""The local generator's images name the concept they draw (issue 16)."""

from __future__ import annotations

import logokraft_engine as engine
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator

BRIEF = engine.Brief("Forge Gym", industry="gym", description="Strength and weightlifting.")


async def test_metadata_names_layout_icon_typeface_and_treatment():
    specs = engine.design_specs(BRIEF, count=8, seed=7)
    seen = []
    for spec in specs:
        request = ImageRequest(prompt="p", brief=BRIEF, spec=spec.to_dict(), width=128, height=128)
        image = await LocalLogoGenerator().generate(request)
        meta = image.metadata
        assert meta["engine"] == "local"
        assert meta["layout"] == spec.layout and meta["icon"] == spec.icon
        assert meta["typeface"] == spec.font and meta["treatment"]
        assert image.png.startswith(b"\x89PNG") and image.svg
        seen.append(meta)
    icons = [m["icon"] for m in seen if m["icon"]]
    assert icons[0] == "barbell" and len(icons) == len(set(icons))
    assert len({(m["layout"], m["icon"], m["typeface"], m["treatment"]) for m in seen}) == 8


async def test_a_request_without_a_spec_still_names_its_concept():
    image = await LocalLogoGenerator().generate(
        ImageRequest(prompt="p", brief=BRIEF, width=64, height=64)
    )
    assert {"layout", "icon", "typeface", "treatment"} <= set(image.metadata)
    assert image.metadata["layout"] == engine.design_spec(BRIEF, index=0, seed=0).layout
