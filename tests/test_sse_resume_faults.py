"""A project's SSE stream through the real gateway while NATS or Postgres restarts.

The client (`tests.support.EventSource`) follows `GET /api/v1/projects/{id}/stream` as a
browser's EventSource would: when a connection ends without `done`, breaks, or is answered
with an error, it connects again after a short retry delay, sending the last `id:` it
received as `Last-Event-ID`. Each test holds a drawing (`LOGOKRAFT_HOLD_JOBS_UNTIL`) so the
outage lands mid-project, and waits on the client's and the database's state, not on time.

In the end the client saw `done` for a completed project, the ids it received over all its
connections strictly increase (nothing twice), and they are exactly the events the
project's log (`project_events`) recorded after the snapshot the client started from
(nothing missed), among them every asset's `completed`.
"""

from __future__ import annotations

import httpx
import pytest

from logokraft_dev.devtokens import dev_token
from logokraft_kit.service import ServiceRuntime
from tests.support import (
    Connection,
    EventSource,
    FaultStack,
    Services,
    assets_of,
    create_project,
    read_stream,
    rows,
)

pytestmark = pytest.mark.integration

RETRY_S = 0.1  # the client's delay before it connects again (the stream's `retry:` too)
WATCH_POLL_S = 0.2  # how often a watch re-reads Postgres when no news comes over NATS


async def gateway_through_an_outage(
    fault_stack: FaultStack, **gateway_settings: object
) -> tuple[str, Services]:
    """The fault stack's services (imagegen's drawings held until the gate exists) behind the
    real gateway: watches re-read Postgres every WATCH_POLL_S, and the gateway tells clients
    to connect again after RETRY_S. Its URL and the services."""
    fault_stack.configure(LOGOKRAFT_WATCH_POLL_S=str(WATCH_POLL_S))
    retry = {"LOGOKRAFT_SSE_RETRY_MS": int(RETRY_S * 1000)}
    return await fault_stack.gateway(**retry, **gateway_settings)


def follow(http: httpx.AsyncClient, url: str) -> EventSource:
    return EventSource(http, url, retry_s=RETRY_S).start()


def last_id(connection) -> str | None:
    """The id a reconnection sends back: the last event that had one (`queue` events have
    none: they are not recorded)."""
    return [e.id for e in connection.events if e.id is not None][-1]


async def assert_saw_the_whole_project(
    source: EventSource, database_url: str, project_id: str, count: int
) -> None:
    """`done` of a completed project; every recorded event after the snapshot, once, in order."""
    assert source.done is not None
    assert source.done.data["status"] == "completed", source.done
    assert source.done.data["completed_assets"] == count, source.done

    events = source.events
    assert events[0].event == "snapshot", source.connections
    assert [e.event for e in events].count("snapshot") == 1, source.connections
    ids = [e.id for e in events if e.id is not None]
    assert ids == sorted(set(ids)), f"ids must strictly increase (a duplicate?): {ids}"

    start = events[0].id
    recorded = await rows(
        database_url,
        "select sequence from project_events where project_id = %s order by sequence",
        [project_id],
    )
    after_snapshot = [row["sequence"] for row in recorded if row["sequence"] > start]
    assert ids[1:] == after_snapshot, (
        f"the client saw ids {ids[1:]} after the snapshot {start}; the log has {after_snapshot}"
    )

    completed = {
        e.data["asset"]["id"]
        for e in events
        if e.event == "asset" and e.data["asset"]["status"] == "completed"
    }
    assets = await assets_of(database_url, project_id)
    assert len(assets) == count
    assert completed == {str(a["id"]) for a in assets}, "an asset's completion was not seen"


# ---- NATS restarting -----------------------------------------------------------------------


@pytest.mark.slow
async def test_the_stream_follows_a_project_through_a_nats_restart(fault_stack):
    """Two clients follow the project while NATS is down: one keeps its connection, the
    other's breaks and it resumes with Last-Event-ID during the outage. The drawing that
    finishes meanwhile (its news lost with NATS) reaches both through the watches' polling
    before NATS is back; after NATS is back both follow the project to `done`."""
    await fault_stack.own_nats()
    gateway, services = await gateway_through_an_outage(fault_stack)
    async with httpx.AsyncClient() as http:
        created = await create_project(
            http, gateway, dev_token(services.data_dir, "dev"), num_candidates="2"
        )
        project_id = created["project_id"]
        kept = follow(http, created["stream_url"])
        dropped = follow(http, created["stream_url"])
        try:
            await fault_stack.wait_for_assets(project_id, ["generating", "queued"])
            for source in (kept, dropped):
                await source.until(lambda s=source: s.saw_asset("generating"), "the drawing")

            await fault_stack.stop_nats()
            dropped.drop()
            await dropped.until(
                lambda: len(dropped.connections) > 1 and dropped.connections[-1].status == 200,
                "the client to resume while NATS is down",
            )
            fault_stack.gate.touch()  # the drawing in flight finishes while NATS is away
            for source in (kept, dropped):
                await source.until(
                    lambda s=source: s.saw_asset("completed"), "the drawing, with no news"
                )
            await fault_stack.start_nats()

            await kept.finished()
            await dropped.finished()
        finally:
            await kept.stop()
            await dropped.stop()

    print("kept:", *kept.connections, "dropped:", *dropped.connections, sep="\n  ")
    assert len(kept.connections) == 1, "nothing on the way to the client needs NATS"
    [broken, resumed] = dropped.connections
    assert resumed.status == 200 and resumed.last_event_id == last_id(broken)
    for source in (kept, dropped):
        await assert_saw_the_whole_project(source, fault_stack.database_url, project_id, count=2)


# ---- Postgres restarting -------------------------------------------------------------------


def told_to_connect_again(connection: Connection) -> bool:
    """Answered 200 with no event: the gateway could not resume the stream yet."""
    return (
        connection.status == 200
        and not connection.events
        and connection.outcome == "ended without done"
    )


def waiting_for_the_database(runtime: ServiceRuntime) -> int:
    """How many of the service's database calls wait for a connection (Postgres is down).

    Read from the pool's statistics: `Database` does not expose its pool.
    """
    return runtime.infra.db._pool.get_stats().get("requests_waiting", 0)


@pytest.mark.slow
async def test_the_stream_follows_a_project_through_a_postgres_restart(fault_stack):
    """Two clients follow the project while Postgres is down. Both watches read the database
    during the outage (and wait for it, or end when it drops their query); one client keeps
    its connection as long as the gateway does, the other's breaks and its reconnections
    with Last-Event-ID are told to connect again (a 200 with only `retry:`, since a browser
    gives up on any other answer) until Postgres is back. The held drawing
    finishes during the outage; both clients follow the project to `done`."""
    await fault_stack.own_postgres()
    # A reconnection during the outage is answered when the gateway's deadline passes.
    deadline = {"LOGOKRAFT_GRPC_DEADLINE_SECONDS": 1}
    gateway, services = await gateway_through_an_outage(fault_stack, **deadline)
    async with httpx.AsyncClient() as http:
        created = await create_project(
            http, gateway, dev_token(services.data_dir, "dev"), num_candidates="2"
        )
        project_id = created["project_id"]
        kept = follow(http, created["stream_url"])
        dropped = follow(http, created["stream_url"])
        try:
            await fault_stack.wait_for_assets(project_id, ["generating", "queued"])
            for source in (kept, dropped):
                await source.until(lambda s=source: s.saw_asset("generating"), "the drawing")

            await fault_stack.stop_postgres()
            # Quiet watches of a project ask one shared board whether it moved (a read
            # every watch waits on), so one request waits for the pool, for both of them.
            await kept.until(
                lambda: waiting_for_the_database(services.prompt) >= 1,
                "the watches to wait for the database",
            )
            dropped.drop()
            await dropped.until(
                lambda: any(told_to_connect_again(c) for c in dropped.connections[1:]),
                "a reconnection to be told to connect again",
            )
            fault_stack.gate.touch()  # the drawing in flight finishes while Postgres is away
            await fault_stack.start_postgres()

            await kept.finished()
            await dropped.finished()
        finally:
            await kept.stop()
            await dropped.stop()

    print("kept:", *kept.connections, "dropped:", *dropped.connections, sep="\n  ")
    broken, *retries, resumed = dropped.connections
    # Every answer a 200, which a browser's EventSource needs to keep reconnecting. (When the
    # first stream ended by itself, the test cut a reconnection before it was answered.)
    answered = [c for c in retries if c.status is not None]
    assert answered and all(told_to_connect_again(c) for c in answered), dropped.connections
    assert resumed.status == 200 and resumed.outcome == "done"
    assert {c.last_event_id for c in (*retries, resumed)} == {last_id(broken)}
    for source in (kept, dropped):
        await assert_saw_the_whole_project(source, fault_stack.database_url, project_id, count=2)


# ---- resuming after the last event ----------------------------------------------------------


async def test_resuming_after_a_settled_projects_last_event_repeats_no_id(gateway, services):
    """A client that reconnects with the id of the project's last event, its `done` (one
    that reconnects when the stream ends instead of closing on `done`), gets `done` again
    but not the id it already has: ids on the wire never repeat."""
    async with httpx.AsyncClient() as http:
        created = await create_project(
            http, gateway, dev_token(services.data_dir, "dev"), num_candidates="1"
        )
        whole = await read_stream(http, created["stream_url"])
        assert whole[-1].event == "done" and whole[-1].id is not None, whole
        last = whole[-1].id
        resumed = await read_stream(http, created["stream_url"], **{"Last-Event-ID": str(last)})
    assert [(e.event, e.id) for e in resumed] == [("done", None)]
    assert resumed[0].data == whole[-1].data
