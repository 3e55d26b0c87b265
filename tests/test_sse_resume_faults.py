"""A project's SSE stream through the real gateway while NATS or Postgres restarts.

The client below follows `GET /api/v1/projects/{id}/stream` as a browser's EventSource
would: when a connection ends without `done`, breaks, or is answered with an error, it
connects again after a short retry delay, sending the last `id:` it received as
`Last-Event-ID`. Each test holds a drawing (`LOGOKRAFT_HOLD_JOBS_UNTIL`) so the outage
lands mid-project, and waits on the client's and the database's state, not on time.

In the end the client saw `done` for a completed project, the ids it received over all its
connections strictly increase (nothing twice), and they are exactly the events the
project's log (`project_events`) recorded after the snapshot the client started from
(nothing missed), among them every asset's `completed`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest

from logokraft_dev.devstack import free_port, start_nats
from logokraft_dev.devtokens import dev_token
from logokraft_dev.sse import SseEvent, SseReader
from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.config import ImagegenSettings
from logokraft_kit.service import ServiceRuntime
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings
from tests.conftest import serve_gateway
from tests.processes import assets_of, rows, wait_for
from tests.support import Services
from tests.test_e2e_http import create_project, read_stream
from tests.test_faults import fault_env, own_postgres, running, wait_for_assets

pytestmark = pytest.mark.integration

__all__ = ["own_postgres"]  # the fixture, imported for the Postgres test

DEADLINE = 30.0  # seconds any one expected change may take
FOLLOW_WITHIN = 60.0  # seconds the client keeps reconnecting before it gives up
RETRY_S = 0.1  # the client's delay before it connects again (the stream's `retry:` too)
WATCH_POLL_S = 0.2  # how often a watch re-reads Postgres when no news comes over NATS


# ---- an EventSource-like client -------------------------------------------------------------


@dataclass
class Connection:
    """One connection of the client: what it sent, how it was answered, what it read."""

    last_event_id: int | None
    status: int | None = None
    outcome: str = "open"
    events: list[SseEvent] = field(default_factory=list)

    def __repr__(self) -> str:
        ids = [e.id for e in self.events]
        return f"<Last-Event-ID {self.last_event_id}: {self.status} {self.outcome}, ids {ids}>"


class EventSource:
    """Follows a stream to `done`, reconnecting with Last-Event-ID as a browser does."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self._http = http
        self._url = url
        self.connections: list[Connection] = []
        self.last_event_id: int | None = None
        self.done: SseEvent | None = None
        self._reading: asyncio.Task | None = None
        self._following: asyncio.Task | None = None

    @property
    def events(self) -> list[SseEvent]:
        return [event for connection in self.connections for event in connection.events]

    def start(self) -> EventSource:
        self._following = asyncio.create_task(self._follow())
        return self

    async def finished(self, within: float = FOLLOW_WITHIN) -> SseEvent:
        assert self._following is not None, "not started"
        return await asyncio.wait_for(asyncio.shield(self._following), within)

    async def stop(self) -> None:
        if self._following is not None and not self._following.done():
            self._following.cancel()
            await asyncio.gather(self._following, return_exceptions=True)

    def drop(self) -> None:
        """Break the open connection, as a network failure would (none open: nothing to do)."""
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()

    async def until(self, condition: Callable[[], Any], what: str) -> Any:
        """Until `condition()` holds for what the client received; fail if it gave up."""

        async def holds() -> Any:
            if self._following is not None and self._following.done():
                self._following.result()  # raises what ended it
                raise AssertionError(f"the client finished before {what}: {self.connections}")
            return condition()

        try:
            return await wait_for(holds, within=DEADLINE, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}; the client's connections: {self.connections}") from None

    async def _follow(self) -> SseEvent:
        deadline = time.monotonic() + FOLLOW_WITHIN
        while self.done is None:
            if self.connections:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no `done` within {FOLLOW_WITHIN}s: {self.connections}")
                await asyncio.sleep(RETRY_S)  # the client's retry delay, as EventSource's
            connection = Connection(self.last_event_id)
            self.connections.append(connection)
            self._reading = asyncio.create_task(self._read(connection))
            try:
                await self._reading
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling():  # type: ignore[union-attr]
                    raise
                connection.outcome = "dropped by the test"
            except httpx.TransportError as error:
                connection.outcome = f"broke: {error!r}"
        return self.done

    async def _read(self, connection: Connection) -> None:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if connection.last_event_id is not None:
            headers["Last-Event-ID"] = str(connection.last_event_id)
        timeout = httpx.Timeout(30.0, connect=5.0)
        async with self._http.stream("GET", self._url, headers=headers, timeout=timeout) as answer:
            connection.status = answer.status_code
            if answer.status_code != 200:
                connection.outcome = (await answer.aread()).decode(errors="replace")[:200]
                return
            async for event in SseReader().events(answer):
                connection.events.append(event)
                if event.id is not None:
                    self.last_event_id = event.id
                if event.event == "done":
                    self.done = event
                    connection.outcome = "done"
                    return
            connection.outcome = "ended without done"

    # What the client has seen so far.

    def saw_asset(self, status: str) -> int:
        """How many assets the client saw with this status, in the snapshot or an event."""
        seen = set()
        for event in self.events:
            if event.event == "snapshot":
                assets = event.data["project"]["assets"]
            elif event.event == "asset":
                assets = [event.data["asset"]]
            else:
                continue
            seen |= {a["id"] for a in assets if a["status"] == status}
        return len(seen)


# ---- services on the test's own NATS or Postgres, and the gateway ----------------------------


@asynccontextmanager
async def gateway_over(
    env: dict[str, Any], gate: Path, **gateway_settings: Any
) -> AsyncIterator[tuple[str, Services]]:
    """Prompt, imagegen (its drawings held until `gate` exists) and refine in-process with
    these settings, and the real gateway in front of them; yields its URL and the services."""
    held = env | {"LOGOKRAFT_HOLD_JOBS_UNTIL": gate}
    async with (
        running(
            prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
            imagegen_server.start(ImagegenSettings(**held), address="127.0.0.1:0"),
            refine_server.start(RefineSettings(**env), address="127.0.0.1:0"),
        ) as [prompt, imagegen, refine],
        grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}") as channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{refine.port}") as refine_channel,
    ):
        services = Services(
            prompt, imagegen, refine, channel, refine_channel, env["LOGOKRAFT_DATA_DIR"], env
        )
        retry = {"LOGOKRAFT_SSE_RETRY_MS": int(RETRY_S * 1000)}
        async with serve_gateway(services, **retry, **gateway_settings) as url:
            yield url, services


def watch_env(nats_url: str, database_url: str, namespace: str, data_dir: Path) -> dict:
    return fault_env(nats_url, database_url, namespace, data_dir) | {
        "LOGOKRAFT_WATCH_POLL_S": str(WATCH_POLL_S)
    }


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


async def test_the_stream_follows_a_project_through_a_nats_restart(
    database_url, namespace, tmp_path
):
    """Two clients follow the project while NATS is down: one keeps its connection, the
    other's breaks and it resumes with Last-Event-ID during the outage. The drawing that
    finishes meanwhile (its news lost with NATS) reaches both through the watches' polling
    before NATS is back; after NATS is back both follow the project to `done`."""
    data_dir, gate, store_dir = tmp_path / "data", tmp_path / "release", tmp_path / "jetstream"
    port = free_port()
    nats = start_nats(store_dir=store_dir, port=port)
    env = watch_env(nats.url, database_url, namespace, data_dir)
    try:
        async with gateway_over(env, gate) as (gateway, services), httpx.AsyncClient() as http:
            created = await create_project(
                http, gateway, dev_token(services.data_dir, "dev"), num_candidates="2"
            )
            project_id = created["project_id"]
            kept = EventSource(http, created["stream_url"]).start()
            dropped = EventSource(http, created["stream_url"]).start()
            try:
                await wait_for_assets(database_url, project_id, ["generating", "queued"])
                for source in (kept, dropped):
                    await source.until(lambda s=source: s.saw_asset("generating"), "the drawing")

                await asyncio.to_thread(nats.stop)
                dropped.drop()
                await dropped.until(
                    lambda: len(dropped.connections) > 1 and dropped.connections[-1].status == 200,
                    "the client to resume while NATS is down",
                )
                gate.touch()  # the drawing in flight finishes while NATS is away
                for source in (kept, dropped):
                    await source.until(
                        lambda s=source: s.saw_asset("completed"), "the drawing, with no news"
                    )
                nats = await asyncio.to_thread(start_nats, store_dir=store_dir, port=port)

                await kept.finished()
                await dropped.finished()
            finally:
                await kept.stop()
                await dropped.stop()
    finally:
        nats.stop()

    print("kept:", *kept.connections, "dropped:", *dropped.connections, sep="\n  ")
    assert len(kept.connections) == 1, "nothing on the way to the client needs NATS"
    [broken, resumed] = dropped.connections
    assert resumed.status == 200 and resumed.last_event_id == broken.events[-1].id
    for source in (kept, dropped):
        await assert_saw_the_whole_project(source, database_url, project_id, count=2)


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


async def test_the_stream_follows_a_project_through_a_postgres_restart(
    own_postgres, nats_server, namespace, tmp_path
):
    """Two clients follow the project while Postgres is down. Both watches read the database
    during the outage (and wait for it, or end when it drops their query); one client keeps
    its connection as long as the gateway does, the other's breaks and its reconnections
    with Last-Event-ID are told to connect again (a 200 with only `retry:`, since a browser
    gives up on any other answer) until Postgres is back. The held drawing
    finishes during the outage; both clients follow the project to `done`."""
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    database_url = own_postgres.url
    env = watch_env(nats_server.url, database_url, namespace, data_dir)
    # A reconnection during the outage is answered when the gateway's deadline passes.
    deadline = {"LOGOKRAFT_GRPC_DEADLINE_SECONDS": 1}
    async with (
        gateway_over(env, gate, **deadline) as (gateway, services),
        httpx.AsyncClient() as http,
    ):
        created = await create_project(
            http, gateway, dev_token(services.data_dir, "dev"), num_candidates="2"
        )
        project_id = created["project_id"]
        kept = EventSource(http, created["stream_url"]).start()
        dropped = EventSource(http, created["stream_url"]).start()
        try:
            await wait_for_assets(database_url, project_id, ["generating", "queued"])
            for source in (kept, dropped):
                await source.until(lambda s=source: s.saw_asset("generating"), "the drawing")

            await asyncio.to_thread(own_postgres.stop)
            await kept.until(
                lambda: waiting_for_the_database(services.prompt) >= 2,
                "both watches to wait for the database",
            )
            dropped.drop()
            await dropped.until(
                lambda: any(told_to_connect_again(c) for c in dropped.connections[1:]),
                "a reconnection to be told to connect again",
            )
            gate.touch()  # the drawing in flight finishes while Postgres is away
            await asyncio.to_thread(own_postgres.start)

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
    assert {c.last_event_id for c in (*retries, resumed)} == {broken.events[-1].id}
    for source in (kept, dropped):
        await assert_saw_the_whole_project(source, database_url, project_id, count=2)


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
