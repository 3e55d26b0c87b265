"""What an on-call engineer reads in a service's log while NATS is away, and once it is back."""

from __future__ import annotations

import asyncio
import logging

import pytest

from logokraft_dev.silent_proxy import SilentableProxy
from logokraft_kit.bus import connect
from tests.support import OwnNats, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_nats_outage_is_one_error_then_one_line_when_it_is_back(tmp_path, caplog):
    """Before, nats-py's default callback logged every failed reconnect attempt (two a second)
    as an ERROR "nats: encountered error" with a whole traceback, and nothing said when NATS
    was back: a minute's outage was a hundred tracebacks per service and no all-clear."""
    server = await asyncio.to_thread(OwnNats, tmp_path / "jetstream")
    nc = await connect(server.url, name="outage-test")
    try:
        caplog.set_level(logging.INFO, logger="nats")
        caplog.set_level(logging.DEBUG, logger="logokraft_kit.bus")  # last: it sets the handler's
        await asyncio.to_thread(server.stop)

        def attempts() -> list[logging.LogRecord]:
            said = ("reconnect attempt failed", "nats: encountered error")  # now, before
            return [r for r in caplog.records if any(s in r.getMessage() for s in said)]

        async def several_attempts_failed() -> bool:
            return len(attempts()) >= 3

        await wait_for(several_attempts_failed, within=30, what="reconnect attempts to fail")
        await asyncio.to_thread(server.start)

        async def back() -> bool:
            return any(r.getMessage().startswith("reconnected to NATS") for r in caplog.records)

        await wait_for(back, within=30, what="the reconnection to be logged")
    finally:
        await nc.close()
        await asyncio.to_thread(server.stop)

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        f"lost the connection to NATS at 127.0.0.1:{server.port}; reconnecting (no job is "
        "published or taken until it is back)"
    ]
    assert all(r.levelno == logging.DEBUG and not r.exc_info for r in attempts())
    (back_line,) = [r for r in caplog.records if r.getMessage().startswith("reconnected")]
    assert back_line.levelno == logging.INFO
    assert f"reconnected to NATS at 127.0.0.1:{server.port} after " in back_line.getMessage()
    assert "lost the connection" not in caplog.text.split(back_line.getMessage())[1], (
        "closing the connection on purpose is not an outage"
    )


async def test_a_message_callback_that_raises_is_still_an_error_with_its_traceback(
    nats_server, namespace, caplog
):
    """Quieting the reconnect attempts must not quiet a bug: nats-py hands a subscription
    callback's exception to the same error callback."""
    nc = await connect(nats_server.url, name="callback-test")
    reported = asyncio.Event()
    try:

        async def broken(msg) -> None:
            raise RuntimeError("a bug in a callback")

        caplog.set_level(logging.INFO, logger="logokraft_kit.bus")
        caplog.handler.addFilter(
            lambda r: (r.name == "logokraft_kit.bus" and reported.set()) or True
        )
        await nc.subscribe(f"{namespace}.bug", cb=broken)
        await nc.publish(f"{namespace}.bug", b"x")
        await asyncio.wait_for(reported.wait(), 10)
    finally:
        await nc.close()
    [record] = [r for r in caplog.records if r.name == "logokraft_kit.bus"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and "a bug in a callback" in str(record.exc_info[1])


async def test_a_nats_connection_gone_silent_is_noticed(nats_server, caplog):
    """A NATS host that vanishes sends no FIN or RST: nats-py's own pings (every 2 minutes,
    2 unanswered) took about 6 minutes to notice, while news and jobs published on the dead
    connection were lost. The connection pings often enough to notice, and reconnects."""
    lost = asyncio.Event()
    caplog.set_level(logging.INFO, logger="logokraft_kit.bus")
    caplog.handler.addFilter(
        lambda r: (r.getMessage().startswith("lost the connection") and lost.set()) or True
    )
    address = nats_server.url.removeprefix("nats://")
    async with SilentableProxy(address) as proxy:
        nc = await connect(f"nats://{proxy.address}", name="silent-test", ping_interval_s=0.5)
        try:
            await nc.flush(timeout=5)
            proxy.go_silent()
            # Three pings half a second apart, unanswered; the bound only keeps a failure
            # from hanging.
            await asyncio.wait_for(lost.wait(), 60)
        finally:
            await nc.close()
    # What a service connects with notices as this one did, within half a minute.
    nc = await connect(nats_server.url, name="defaults-test")
    try:
        unanswered = nc.options["max_outstanding_pings"] + 1
        assert nc.options["ping_interval"] * unanswered <= 30
    finally:
        await nc.close()
