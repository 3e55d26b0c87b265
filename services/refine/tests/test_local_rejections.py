"""The local editor's engine rejections fail the variation once, as `design_rejected`.

A ValueError from the engine (a stored spec it cannot read, an edit it cannot draw) comes
back the same on every attempt; as an unknown error it was retried up to the job's limit and
then reported as an internal error.
"""

from __future__ import annotations

import pytest

import logokraft_engine as engine
from logokraft_domain.attempts import run_attempt
from logokraft_kit.providers import DesignRejected
from logokraft_refine.adapters.base import RefinedPrompt, RefineRequest
from logokraft_refine.adapters.local import LocalPromptRefiner, LocalVariationMaker

BRIEF = engine.Brief("Forge Gym", industry="gym")


def _request(spec: dict) -> RefineRequest:
    return RefineRequest(
        instruction="make it navy",
        parent_prompt="p",
        parent_image=b"",
        parent_mime_type="image/png",
        parent_spec=spec,
        brief=BRIEF,
    )


def _spec() -> dict:
    return engine.design_spec(BRIEF, index=0, seed=1).to_dict()


async def test_a_parent_spec_the_engine_rejects_is_design_rejected():
    with pytest.raises(DesignRejected) as raised:
        await LocalPromptRefiner().refine_prompt(_request({**_spec(), "font": "comic-sans"}))
    assert raised.value.code == "design_rejected" and not raised.value.retryable
    assert "comic-sans" in (raised.value.detail or "")


async def test_an_edited_spec_the_engine_rejects_fails_once_not_as_internal_error():
    bad = RefinedPrompt(text="p", spec={**_spec(), "weight": 5})
    failures: list[tuple[str, str]] = []

    async def fail(code: str, message: str) -> None:
        failures.append((code, message))

    async def give_back() -> None:
        raise AssertionError("a rejection is not handed back")

    result = await run_attempt(
        lambda: LocalVariationMaker().make_variation(_request(_spec()), bad),
        attempt=1,
        limit=5,
        give_back=give_back,
        fail=fail,
        internal_error=("internal_error", "x"),
        what="variation test",
    )
    assert result is None
    [(code, message)] = failures
    assert code == "design_rejected"
    assert message.startswith("The local logo engine cannot draw this variation")


async def test_a_good_edit_still_renders():
    refined = await LocalPromptRefiner().refine_prompt(_request(_spec()))
    variation = await LocalVariationMaker().make_variation(_request(_spec()), refined)
    assert variation.png.startswith(b"\x89PNG")
