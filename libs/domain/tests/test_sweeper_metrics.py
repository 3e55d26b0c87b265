"""The sweeper's counters exist before its first sweep, so alerts see what that sweep does."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from logokraft_domain.sweeper import SweepPolicy, SweepReport, _Periodic


class Idle(_Periodic):
    name = "test sweep"
    work = "test-before-first-sweep"

    def __init__(self) -> None:
        super().__init__()
        self.policy = SweepPolicy(interval_s=3600)
        self.swept = asyncio.Event()

    async def sweep_once(self) -> SweepReport:  # pragma: no cover - an hour away
        self.swept.set()
        return SweepReport()


async def test_both_series_are_exported_at_zero_before_the_first_sweep():
    """Before, the series were born at the first sweep, one interval after the start, with
    that sweep's count: after a crash that left work stuck, the first sweep's requeued or
    failed work was the series' first sample, which increase() (LogoKraftStuckAssets)
    never counts."""
    sweeper = Idle()
    task = asyncio.create_task(sweeper.run())
    await asyncio.sleep(0)  # run() reaches its first wait
    try:
        for action in ("requeued", "failed"):
            labels = {"work": sweeper.work, "action": action}
            assert REGISTRY.get_sample_value("logokraft_swept_total", labels) == 0
        assert not sweeper.swept.is_set()
    finally:
        await sweeper.stop()
        await asyncio.wait_for(task, 5)
