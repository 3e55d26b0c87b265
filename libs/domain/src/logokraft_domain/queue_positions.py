"""Queued candidates' places in line, for the project watch (`queue_position`, `queue` events).

The imagegen worker draws candidates in schedule order (jobs.py): every project's first
candidate (position 0, lane `images-first`) before any later one (lane `images`), and
within a lane in the order they were queued. A queued candidate's place is one more than
the number of queued candidates ahead of it in that order, of every user: approximate,
since a job handed back for a retry or queued again by the sweeper keeps its row's
`created_at`, and several imagegen replicas draw at once. Only candidates have places;
variations travel on the refine service's own queue.

The count crosses users, which RLS hides from the caller's role, so it is read with the
service's own role (`as_service`, or `set local role none` inside a user's transaction, as
limits.check_daily_budget does). The partial index of migration 20261205000300_queue_order
serves it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from logokraft.v1 import common_pb2
from logokraft_kit.db import Connection, Database

REFRESH_S = 2.0  # how often a watch with queued candidates looks again without news

# Per queued candidate of the project, the queued candidates ahead of it: the lane first
# (`position > 0` is false on images-first), then the time it was queued, then its id.
_POSITIONS = """
select a.id,
       1 + (select count(*) from public.generated_assets q
            where q.status = 'queued' and q.parent_asset_id is null
              and (q.position > 0, q.created_at, q.id) < (a.position > 0, a.created_at, a.id)
           ) as queue_position
from public.generated_assets a
where a.project_id = %(project_id)s and a.status = 'queued' and a.parent_asset_id is null
order by queue_position
"""


async def read_positions(conn: Connection, project_id: uuid.UUID | str) -> dict[str, int]:
    """The project's queued candidates and their places (asset id -> place; 1: drawn next).

    `conn` must see every user's assets: a service transaction.
    """
    cursor = await conn.execute(_POSITIONS, {"project_id": project_id})
    return {str(row["id"]): int(row["queue_position"]) for row in await cursor.fetchall()}


async def read_positions_as_service(
    conn: Connection, project_id: uuid.UUID | str
) -> dict[str, int]:
    """`read_positions` inside a user's transaction: as the service for this read only.

    The project must already be known to be the user's (read under RLS before).
    """
    await conn.execute("set local role none")
    try:
        return await read_positions(conn, project_id)
    finally:
        await conn.execute("set local role authenticated")


def place_assets(project: common_pb2.Project, positions: dict[str, int]) -> None:
    """Set `queue_position` on a snapshot's queued candidates."""
    for asset in project.assets:
        asset.queue_position = positions.get(asset.id, 0)


def queue_event(sequence: int, positions: dict[str, int]) -> common_pb2.ProjectEvent:
    """A `queue` event: the places, in the order the assets will be drawn."""
    ordered = sorted(positions.items(), key=lambda item: item[1])
    return common_pb2.ProjectEvent(
        sequence=sequence,
        queue=common_pb2.QueuePositions(
            positions=[
                common_pb2.AssetQueuePosition(asset_id=asset_id, queue_position=place)
                for asset_id, place in ordered
            ]
        ),
    )


def _is_queued_candidate(asset: common_pb2.Asset) -> bool:
    return asset.status == common_pb2.ASSET_STATUS_QUEUED and not asset.parent_asset_id


@dataclass
class QueueWatch:
    """What one project watch last told about places in line, and whether to look again.

    Feed it every event the watch sends (`saw`); `changed` reads the places when the project
    may have queued candidates and returns a `queue` event only when they moved.
    """

    refresh_s: float = REFRESH_S
    sent: dict[str, int] = field(default_factory=dict)
    maybe_queued: bool = True  # unknown until a snapshot or a read says otherwise

    def saw(self, event: common_pb2.ProjectEvent) -> None:
        """Note an event the watch sent."""
        kind = event.WhichOneof("change")
        if kind == "snapshot":
            assets = event.snapshot.assets
            self.sent = {a.id: a.queue_position for a in assets if a.queue_position}
            self.maybe_queued = any(_is_queued_candidate(a) for a in assets)
        elif kind == "asset" and _is_queued_candidate(event.asset):
            self.maybe_queued = True
        elif kind == "queue":
            self.sent = {p.asset_id: p.queue_position for p in event.queue.positions}

    def poll_s(self, watch_poll_s: float) -> float:
        """How long the watch may wait for news before looking again."""
        return min(watch_poll_s, self.refresh_s) if self.maybe_queued else watch_poll_s

    async def changed(
        self, db: Database, project_id: uuid.UUID | str, sequence: int
    ) -> common_pb2.ProjectEvent | None:
        """A `queue` event at `sequence` (the latest the watch sent) if places moved, else None."""
        if not self.maybe_queued:
            return None
        async with db.as_service() as conn:
            positions = await read_positions(conn, project_id)
        self.maybe_queued = bool(positions)
        if not positions or positions == self.sent:
            self.sent = positions
            return None
        event = queue_event(sequence, positions)
        self.saw(event)
        return event
