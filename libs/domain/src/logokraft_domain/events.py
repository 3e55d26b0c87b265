"""The per-project event log: every change of a project, numbered, in its own transaction.

Each state change of a project or asset appends one event to `project_events` in the same
transaction as the change, numbered per project (`brand_projects.event_sequence`). The log
is what a watch replays after `Last-Event-ID`, so a client that reconnects misses nothing
and gets nothing twice.

Each event appended is also kept on the transaction (`recorded`), so the code that commits it
can hand the events to watchers in its news (bus.publish_project_events): a watch that gets
them in order needs no read of the log. The log stays the truth: a watch reads it whenever
the news it got leaves a gap, carries no events, or is not signed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

from psycopg import AsyncCursor, pq
from psycopg.types.json import Jsonb

from logokraft.v1 import common_pb2
from logokraft_domain.records import (
    PROJECT_STATUS,
    Row,
    asset_to_proto,
    message_to_payload,
    project_to_proto,
)
from logokraft_kit.db import Connection, Database, after_commit, transaction_scratch

EventMessage = common_pb2.Asset | common_pb2.Project | common_pb2.ProjectDone
_RECORDED = "project_events"


_APPEND = """
    with next as (
        update brand_projects set event_sequence = event_sequence + 1
        where id = %s returning id, event_sequence, user_id
    )
    insert into project_events (project_id, sequence, user_id, kind, asset_id, payload)
    select id, event_sequence, user_id, %s, %s, %s from next
    returning sequence
"""


async def append(
    conn: Connection,
    project_id: uuid.UUID,
    *,
    kind: str,
    message: EventMessage,
    asset_id: uuid.UUID | None = None,
) -> int:
    """Record one change of the project (`kind` is the ProjectEvent field `message` fills)
    and return its sequence number.

    One statement: the project's sequence moves on (which locks its row, so a project's events
    are numbered in commit order) and the event is stored under the new number.
    """
    cursor, event = await _queue(conn, project_id, kind, message, asset_id)
    event.sequence = await _sequence(cursor, project_id)
    return event.sequence


async def append_later(
    conn: Connection,
    project_id: uuid.UUID,
    *,
    kind: str,
    message: EventMessage,
    asset_id: uuid.UUID | None = None,
) -> None:
    """`append`, for a caller that does not need the sequence number.

    In a pipelined transaction (Database.as_user) the statement is not waited for: it travels
    with the next statement whose result is read, or with the COMMIT, and the event
    `recorded` hands out is numbered once the transaction has committed (db.after_commit).
    Events are still numbered in the order they were appended.
    """
    cursor, event = await _queue(conn, project_id, kind, message, asset_id)
    if conn.pgconn.pipeline_status == pq.PipelineStatus.OFF:
        event.sequence = await _sequence(cursor, project_id)
        return

    async def number() -> None:
        event.sequence = await _sequence(cursor, project_id)

    after_commit(conn, number)


async def _queue(
    conn: Connection,
    project_id: uuid.UUID,
    kind: str,
    message: EventMessage,
    asset_id: uuid.UUID | None,
) -> tuple[AsyncCursor[Row], common_pb2.ProjectEvent]:
    """Send (or, pipelined, queue) the append, and keep its event on the transaction."""
    payload = message_to_payload(message)
    cursor = await conn.execute(_APPEND, [project_id, kind, asset_id, Jsonb(payload)])
    event = common_pb2.ProjectEvent()
    getattr(event, kind).CopyFrom(message)
    _keep(conn, event)
    return cursor, event


async def _sequence(cursor: AsyncCursor[Row], project_id: uuid.UUID) -> int:
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"project {project_id} not found")
    return int(row["sequence"])


def _keep(conn: Connection, event: common_pb2.ProjectEvent) -> None:
    """Keep an appended event on the transaction, for `recorded`."""
    transaction_scratch(conn).setdefault(_RECORDED, []).append(event)


def recorded(conn: Connection) -> list[common_pb2.ProjectEvent]:
    """The events this transaction appended so far (and not taken before), oldest first.

    Call it inside the transaction, and read or publish what it returns only once the
    transaction has committed: a transaction that rolls back recorded nothing, and an event
    appended with `append_later` is numbered at the commit.
    """
    return transaction_scratch(conn).pop(_RECORDED, [])


async def events_after(conn: Connection, project_id: uuid.UUID, sequence: int) -> list[Row]:
    """The project's recorded events after `sequence`, oldest first."""
    cursor = await conn.execute(
        "select * from project_events where project_id = %s and sequence > %s order by sequence",
        [project_id, sequence],
    )
    return await cursor.fetchall()


async def record_asset(conn: Connection, asset: Row) -> None:
    """Append an `asset` event carrying the asset as it is now (numbered at the commit)."""
    await append_later(
        conn, asset["project_id"], kind="asset", message=asset_to_proto(asset), asset_id=asset["id"]
    )


async def record_project(conn: Connection, project: Row) -> int:
    """Append a `project` event carrying the project (without assets) as it is now, under the
    sequence number its row already carries: the caller moved `event_sequence` on in the same
    statement that changed it (store.update_project), holding the row's lock. Nothing is read
    back, so in a pipelined transaction the event travels with the next read or the COMMIT."""
    sequence = int(project["event_sequence"])
    message = project_to_proto(project)
    await conn.execute(
        "insert into project_events (project_id, sequence, user_id, kind, payload)"
        " values (%s, %s, %s, 'project', %s)",
        [project["id"], sequence, project["user_id"], Jsonb(message_to_payload(message))],
    )
    _keep(conn, common_pb2.ProjectEvent(sequence=sequence, project=message))
    return sequence


def project_done(status: str, *, completed: int, failed: int) -> common_pb2.ProjectDone:
    """The `done` of a settled project ("completed", "failed" or "cancelled") and its asset
    counts."""
    return common_pb2.ProjectDone(
        status=PROJECT_STATUS[status], completed_assets=completed, failed_assets=failed
    )


def done_event(sequence: int, project: Row, assets: list[Row]) -> common_pb2.ProjectEvent:
    """The `done` event a watch ends with, for a settled project and its assets."""
    status = project["status"] if project["status"] in ("completed", "cancelled") else "failed"
    done = project_done(
        status,
        completed=sum(1 for a in assets if a["status"] == "completed"),
        failed=sum(1 for a in assets if a["status"] == "failed"),
    )
    return common_pb2.ProjectEvent(sequence=sequence, done=done)


class SequenceBoard:
    """The latest event sequence of every watched project, read for every watch at once.

    A watch that heard no news for a while (news on core NATS may be lost) asks whether its
    project moved past the last event it sent (or looks settled: a project settled without a
    `done` recorded, as by hand, still ends its watches), and reads the log only then. The board
    answers for all watched projects with one read, at most every `max_age_s`, so a hundred
    quiet watches cost one statement per period instead of a hundred transactions. It reads
    only sequence numbers, with the service's role: each watch checked its caller may see the
    project when it opened.
    """

    def __init__(
        self, db: Database, *, max_age_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._db = db
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self._watched: Counter[str] = Counter()
        self._latest: dict[str, tuple[int, bool]] = {}  # project: (sequence, settled)
        self._read_at: float | None = None

    @contextlib.contextmanager
    def watching(self, project_id: uuid.UUID | str) -> Iterator[None]:
        """Count a watch of the project while it lasts."""
        key = str(project_id)
        self._watched[key] += 1
        try:
            yield
        finally:
            self._watched[key] -= 1
            if self._watched[key] <= 0:
                del self._watched[key]
                self._latest.pop(key, None)

    async def moved_past(self, project_id: uuid.UUID | str, sequence: int) -> bool:
        """True when the project has events after `sequence`, or is gone (or not on the
        board): the watch then reads the log, which says which."""
        key = str(project_id)
        async with self._lock:
            now = self._clock()
            stale = self._read_at is None or now - self._read_at > self._max_age_s
            if stale or key not in self._latest:
                self._latest = await self._read(list({*self._watched, key}))
                self._read_at = self._clock()
        latest = self._latest.get(key)
        return latest is None or latest[0] > sequence or latest[1]

    async def _read(self, project_ids: list[str]) -> dict[str, tuple[int, bool]]:
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                """
                select id, event_sequence,
                       status in ('completed', 'failed', 'cancelled') and prompts_written
                         as settled
                from brand_projects where id = any(%s::uuid[])
                """,
                [project_ids],
            )
            rows = await cursor.fetchall()
        return {str(r["id"]): (int(r["event_sequence"]), bool(r["settled"])) for r in rows}
