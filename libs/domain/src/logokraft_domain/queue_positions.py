"""Queued assets' places in line, for the project watch (`queue_position`, `queue` events).

Candidates: the imagegen worker draws them in schedule order (jobs.py): every project's
first candidate (position 0, lane `images-first`) before any later one (lane `images`), and
within a lane in the order they were queued (candidates queued together, in one
transaction, by position; a failed candidate retried when it was queued again, its
`retried_at`). A retried candidate's lane is the one its job was queued on, kept on its row
(`first_lane`: `images-first` while its project had no completed logo when it was retried),
so a project that gets a logo meanwhile does not move it to a lane its job is not in.
Variations wait in a line of their own, the refine service's queue, in the
order they were queued (a refinement's variations together, by position). A queued asset's
place is one more than the number of queued assets of its line ahead of it, of every user:
approximate, since a job handed back by a worker for another attempt or queued again by
the sweeper keeps its row's time, and several replicas draw at once.

The places cross users, which RLS hides from the caller's role, so the service reads them
with its own role, once for every watch (`QueueBoard`), and each watch shows only the
assets it has seen queued. Partial indexes serve the read in its order: the candidates' of
migration 20261207000100_queue_places as 20261207000300_retry_lane replaced it, and the
variations' of the former.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from logokraft.v1 import common_pb2
from logokraft_domain.records import Row
from logokraft_kit.db import Database

REFRESH_S = 2.0  # how often a watch with queued assets looks again without news


def place_assets(project: common_pb2.Project, positions: dict[str, int]) -> None:
    """Set `queue_position` on a snapshot's queued assets (others keep 0)."""
    for asset in project.assets:
        asset.queue_position = positions.get(asset.id, 0) if _is_queued(asset) else 0


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


def _is_queued(asset: common_pb2.Asset) -> bool:
    return asset.status == common_pb2.ASSET_STATUS_QUEUED


def is_queued(asset: Row) -> bool:
    """Whether a stored asset is queued, so has a place in line."""
    return asset["status"] == "queued"


# Every queued asset's place at once: one ordered scan of each line's queued rows (the
# partial indexes keep them apart, in this order), instead of a count per asset per watch.
_BOARD = """
select a.id, a.project_id,
       row_number() over (
         order by coalesce(not a.first_lane, a.position > 0),
                  coalesce(a.retried_at, a.created_at), a.position, a.id
       ) as queue_position
from public.generated_assets a
where a.status = 'queued' and a.parent_asset_id is null
union all
select v.id, v.project_id,
       row_number() over (order by v.created_at, v.position, v.id) as queue_position
from public.generated_assets v
where v.status = 'queued' and v.parent_asset_id is not null
"""

BOARD_MAX_AGE_S = 0.5  # how stale the shared board may be when a watch asks


class QueueBoard:
    """The places in line of every queued asset, read once and shared by every watch.

    A watch asks on news and every `refresh_s`; a hundred watches asking at once cost one
    read of the queue, not a hundred counts. The board is read again when it is older than
    `max_age_s`: places are approximate anyway (module docstring).
    """

    def __init__(
        self,
        db: Database,
        *,
        max_age_s: float = BOARD_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self._read_at: float | None = None
        self._places: dict[str, dict[str, int]] = {}

    async def positions(self, project_id: uuid.UUID | str) -> dict[str, int]:
        """The project's queued assets and their places (asset id -> place; 1: next)."""
        async with self._lock:
            now = self._clock()
            if self._read_at is None or now - self._read_at > self._max_age_s:
                self._places = await self._read()
                self._read_at = self._clock()
        return dict(self._places.get(str(project_id), {}))

    async def _read(self) -> dict[str, dict[str, int]]:
        async with self._db.as_service() as conn:
            cursor = await conn.execute(_BOARD)
            rows = await cursor.fetchall()
        places: dict[str, dict[str, int]] = {}
        for row in rows:
            places.setdefault(str(row["project_id"]), {})[str(row["id"])] = int(
                row["queue_position"]
            )
        return places


@dataclass
class QueueWatch:
    """What one project watch last told about places in line, and whether to look again.

    Feed it every event the watch sends (`saw`); `changed` reads the places (from the shared
    `QueueBoard`) when the project may have queued assets and returns a `queue` event
    only when they moved.
    """

    board: QueueBoard
    refresh_s: float = REFRESH_S
    sent: dict[str, int] = field(default_factory=dict)
    queued: set[str] = field(default_factory=set)  # assets last seen queued
    maybe_queued: bool = True  # unknown until a snapshot or a read says otherwise

    def saw(self, event: common_pb2.ProjectEvent) -> None:
        """Note an event the watch sent."""
        kind = event.WhichOneof("change")
        if kind == "snapshot":
            assets = event.snapshot.assets
            self.sent = {a.id: a.queue_position for a in assets if a.queue_position}
            self.queued = {a.id for a in assets if _is_queued(a)}
            self.maybe_queued = bool(self.queued)
        elif kind == "asset":
            if _is_queued(event.asset):
                self.queued.add(event.asset.id)
                self.maybe_queued = True
            else:
                self.queued.discard(event.asset.id)
                self.sent.pop(event.asset.id, None)
        elif kind == "queue":
            self.sent = {p.asset_id: p.queue_position for p in event.queue.positions}

    def poll_s(self, watch_poll_s: float) -> float:
        """How long the watch may wait for news before looking again."""
        return min(watch_poll_s, self.refresh_s) if self.maybe_queued else watch_poll_s

    async def changed(
        self, project_id: uuid.UUID | str, sequence: int
    ) -> common_pb2.ProjectEvent | None:
        """A `queue` event at `sequence` (the latest the watch sent) if places moved, else None."""
        if not self.maybe_queued:
            return None
        # The board may be a moment older than the events sent: only assets the watch last
        # saw queued get places, so an asset never shows a place after it started.
        board = await self.board.positions(project_id)
        positions = {asset: place for asset, place in board.items() if asset in self.queued}
        self.maybe_queued = bool(self.queued)
        if not positions or positions == self.sent:
            self.sent = positions
            return None
        event = queue_event(sequence, positions)
        self.saw(event)
        return event
