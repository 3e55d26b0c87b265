"""Removing the stored files of deleted rows (the `storage_garbage` queue).

Deleting a project or an asset, however it is done, queues the objects it named in the
same transaction (triggers of supabase/migrations/20261205000100_storage_garbage.sql, which
20261205000500_brand_kits.sql extends to an asset's cached brand kit zip). The
prompt service runs one `GarbageCollector`: every `interval_s`, or at once when nudged
(after a delete it made itself), it takes a batch of queued objects, removes them from
storage, and drops their queue rows in the same transaction, so a failure (storage away)
leaves them queued for the next pass. Replicas may all collect: rows are taken with
`for update skip locked`, and removing an object twice is harmless.

The files of a drawing that ended without naming them (its asset failed, cancelled, or
deleted unfinished, while a worker may have stored files and died before naming them;
supabase/migrations/, 20261207000200) are queued `after_grace`: taken only once queued for
longer than `grace_s`, by then no worker of that drawing can still store them. The prompt
service passes its LOGOKRAFT_SWEEP_STUCK_AFTER_S, which is kept above the draw timeout plus
the ack wait (the longest a drawing that started before the failure, cancel or delete may
still run); a worker stalled longer than that (a frozen process) can still leave its files
behind. Storage is never listed to find such files: every key a drawing writes follows from
its asset and drawing, and listing would cost a call per folder level (Supabase Storage
lists one folder per call, by prefix and offset, nothing recursive) over every user's and
project's folder, each pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

from logokraft_kit.db import Database
from logokraft_kit.metrics import FILES_COLLECTED
from logokraft_kit.storage import BlobStorage

log = logging.getLogger(__name__)

BATCH = 500


class GarbageCollector:
    """Removes the queued files of deleted rows; runs until stopped, errors are retried."""

    def __init__(
        self,
        db: Database,
        storage: BlobStorage,
        *,
        interval_s: float = 60.0,
        grace_s: float = 1200.0,
    ) -> None:
        self._db = db
        self._storage = storage
        self._interval_s = interval_s
        self._grace_s = grace_s
        self._stopping = asyncio.Event()
        self._nudged = asyncio.Event()

    def nudge(self) -> None:
        """Collect now rather than at the next interval (something was just deleted)."""
        self._nudged.set()

    async def collect_once(self, *, batch: int = BATCH) -> int:
        """Remove up to `batch` queued objects; return how many were removed."""
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                """
                select id, bucket, path from public.storage_garbage
                where not after_grace or queued_at < now() - make_interval(secs => %s)
                order by id limit %s for update skip locked
                """,
                [self._grace_s, batch],
            )
            rows = await cursor.fetchall()
            if not rows:
                return 0
            by_bucket: dict[str, list[str]] = defaultdict(list)
            for row in rows:
                by_bucket[row["bucket"]].append(row["path"])
            for bucket, paths in by_bucket.items():
                await self._storage.delete(bucket, paths)
            await conn.execute(
                "delete from public.storage_garbage where id = any(%s)", [[r["id"] for r in rows]]
            )
        FILES_COLLECTED.inc(len(rows))
        return len(rows)

    async def collect_all(self) -> int:
        """Collect until the queue is empty; return how many objects were removed."""
        total = 0
        while removed := await self.collect_once():
            total += removed
        return total

    async def run(self) -> None:
        """Collect every interval, or when nudged, until stopped."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake(), self._interval_s)
            self._nudged.clear()
            if self._stopping.is_set():
                return
            try:
                await self.collect_all()
            except Exception:  # Postgres or storage away: the rows stay queued
                log.warning("removing deleted files failed; trying again later", exc_info=True)

    async def _wake(self) -> None:
        stopping = asyncio.ensure_future(self._stopping.wait())
        nudged = asyncio.ensure_future(self._nudged.wait())
        try:
            await asyncio.wait({stopping, nudged}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            nudged.cancel()

    async def stop(self, *, grace: float = 0.0) -> None:
        """Stop after the pass in progress (if any)."""
        self._stopping.set()
