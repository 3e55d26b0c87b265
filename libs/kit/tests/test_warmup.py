"""`Warmup`: a service's one-off start-up work, run in a thread so the event loop (and with
it readiness and every other request) never waits for it, and never fatal."""

from __future__ import annotations

import logging
import threading

from logokraft_kit.service import Warmup, warmups


async def test_the_work_runs_once_off_the_event_loop():
    ran: list[threading.Thread] = []
    await Warmup(lambda: ran.append(threading.current_thread())).run()
    assert len(ran) == 1 and ran[0] is not threading.main_thread()


async def test_a_failing_warm_up_is_logged_not_raised(caplog):
    def broken() -> None:
        raise OSError("font folder missing")

    with caplog.at_level(logging.WARNING):
        await Warmup(broken, "engine warm-up").run()
    assert "engine warm-up failed" in caplog.text


def test_only_adapters_offering_a_warm_up_get_one():
    class Warm:
        name = "local"

        def warm_up(self) -> None: ...

    class Cold:
        name = "paid"

    [found] = warmups(Warm(), Cold())
    assert isinstance(found, Warmup) and found.what == "local warm-up"
