"""A spec the local engine rejects fails its asset once, as `design_rejected`; real transient
errors are still retried.

The engine is a pure function of its input: a ValueError for a spec comes back on every
attempt, so retrying it (as any unknown error is, up to the job's attempt limit) only delays
the failure and then reports it as an internal error.
"""

from __future__ import annotations

import pytest

import logokraft_engine as engine
from logokraft_domain.attempts import run_attempt
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_kit.providers import DesignRejected, ProviderUnavailable
from logokraft_kit.worker import RetryLater

BRIEF = engine.Brief("Forge Gym", industry="gym")
INTERNAL = ("internal_error", "Something went wrong")


def _bad_spec() -> dict:
    spec = engine.design_spec(BRIEF, index=0, seed=1).to_dict()
    return {**spec, "layout": "spiral"}  # no such layout: LogoSpec rejects it


async def _attempt(work, *, attempt: int = 1, limit: int = 5):
    failures: list[tuple[str, str]] = []
    given_back: list[bool] = []

    async def fail(code: str, message: str) -> None:
        failures.append((code, message))

    async def give_back() -> None:
        given_back.append(True)

    result = await run_attempt(
        work,
        attempt=attempt,
        limit=limit,
        give_back=give_back,
        fail=fail,
        internal_error=INTERNAL,
        what="asset test",
    )
    return result, failures, given_back


async def test_a_rejected_spec_is_a_design_rejected_error_that_is_not_retryable():
    request = ImageRequest(prompt="p", brief=BRIEF, spec=_bad_spec(), width=64, height=64)
    with pytest.raises(DesignRejected) as raised:
        await LocalLogoGenerator().generate(request)
    assert raised.value.code == "design_rejected" and not raised.value.retryable
    assert "spiral" in (raised.value.detail or "")  # the engine's reason is logged, not shown
    assert "spiral" not in raised.value.message


async def test_a_rejected_spec_fails_on_its_first_attempt_with_a_clear_code():
    request = ImageRequest(prompt="p", brief=BRIEF, spec=_bad_spec(), width=64, height=64)
    result, failures, given_back = await _attempt(lambda: LocalLogoGenerator().generate(request))
    assert result is None and not given_back
    [(code, message)] = failures
    assert code == "design_rejected" and code != INTERNAL[0]
    assert message.startswith("The local logo engine cannot draw this design") and "ref " in message


async def test_a_transient_provider_error_is_still_retried():
    async def unavailable():
        raise ProviderUnavailable("down", provider="local")

    with pytest.raises(RetryLater):
        await _attempt(unavailable)


async def test_a_good_spec_still_renders():
    spec = engine.design_spec(BRIEF, index=0, seed=1).to_dict()
    image = await LocalLogoGenerator().generate(
        ImageRequest(prompt="p", brief=BRIEF, spec=spec, width=64, height=64)
    )
    assert image.png.startswith(b"\x89PNG")
