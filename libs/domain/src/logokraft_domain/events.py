"""The per-project event log: every change of a project, numbered, in its own transaction.

Each state change of a project or asset appends one event to `project_events` in the same
transaction as the change, numbered per project (`brand_projects.event_sequence`). The log
is what a watch replays after `Last-Event-ID`, so a client that reconnects misses nothing
and gets nothing twice; NATS only carries the news that the log grew.
"""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb

from logokraft.v1 import common_pb2
from logokraft_domain.records import (
    PROJECT_STATUS,
    Row,
    asset_to_proto,
    message_to_payload,
    project_to_proto,
)
from logokraft_kit.db import Connection


async def append(
    conn: Connection,
    project_id: uuid.UUID,
    *,
    kind: str,
    payload: dict[str, Any],
    asset_id: uuid.UUID | None = None,
) -> int:
    """Record one change of the project and return its sequence number.

    One statement: the project's sequence moves on (which locks its row, so a project's events
    are numbered in commit order) and the event is stored under the new number.
    """
    cursor = await conn.execute(
        """
        with next as (
            update brand_projects set event_sequence = event_sequence + 1
            where id = %s returning id, event_sequence, user_id
        )
        insert into project_events (project_id, sequence, user_id, kind, asset_id, payload)
        select id, event_sequence, user_id, %s, %s, %s from next
        returning sequence
        """,
        [project_id, kind, asset_id, Jsonb(payload)],
    )
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"project {project_id} not found")
    return int(row["sequence"])


async def events_after(conn: Connection, project_id: uuid.UUID, sequence: int) -> list[Row]:
    """The project's recorded events after `sequence`, oldest first."""
    cursor = await conn.execute(
        "select * from project_events where project_id = %s and sequence > %s order by sequence",
        [project_id, sequence],
    )
    return await cursor.fetchall()


async def record_asset(conn: Connection, asset: Row) -> int:
    """Append an `asset` event carrying the asset as it is now."""
    return await append(
        conn,
        asset["project_id"],
        kind="asset",
        payload=message_to_payload(asset_to_proto(asset)),
        asset_id=asset["id"],
    )


async def record_project(conn: Connection, project: Row) -> int:
    """Append a `project` event carrying the project (without assets) as it is now."""
    return await append(
        conn, project["id"], kind="project", payload=message_to_payload(project_to_proto(project))
    )


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
