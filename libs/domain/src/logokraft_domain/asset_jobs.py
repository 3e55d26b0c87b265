"""The life of one asset's job, shared by every service that draws images.

A job marks its asset `generating`, draws the image, stores it under the asset's
id and drawing (so another attempt overwrites rather than duplicates) and marks the asset
`completed` or `failed`, settling the project in the same transaction. Retryable
provider errors hand the job back to JetStream with a delay until the last
attempt; everything else fails the asset with a reason a person can act on.

Attempts are counted on the asset row (`attempts`), not from JetStream's
delivery count: `start` counts one, and a delivery that finds the provider's
circuit open gives it back (`CircuitOpen` never reached the provider), as does
a drawing cancelled by a graceful shutdown, so waiting for a provider to
recover or a rolling restart never uses up an asset's attempts. A worker
killed mid-drawing leaves its attempt counted, so an asset whose drawing keeps
killing workers fails once its attempts are used up. A finished asset is final:
completing or failing it again (a duplicate job, a sweeper that gave up on it)
changes nothing.

A failed candidate retried is drawn again from the same row, so a job is for one drawing of
its asset (jobs.DrawCandidate.drawing, the asset's `retried_at` when it was published): `start`
drops a job for a drawing the asset is no longer on, such as the first drawing's job
redelivered after a retry (its worker died between failing the asset and acknowledging the
job), which would otherwise find the asset `queued` again and draw it beside the retry's job.
A drawing that outlives its turn (the sweeper failed its asset as timed out while a stalled
worker still drew it, and the user retried) finishes nothing: `complete` and `fail` change
the asset only while it is on the drawing the job started (its `retried_at` unchanged), and
each drawing stores its files under its own key (storage.paths.asset_path), so the late one
never writes over the retry's image; `complete` removes what it stored when the asset is no
longer unfinished on its drawing. What a worker that died between storing and completing left
is queued for the storage collector when its drawing ends without it (the asset failed,
cancelled, or deleted unfinished; logokraft_domain.garbage), and collected once no worker can
still store it.
Left open, deliberately: two jobs of one drawing (the sweeper re-published a candidate whose
worker stalled past LOGOKRAFT_SWEEP_STUCK_AFTER_S, which is above the draw timeout plus the
ack wait: a frozen process, or a store that hung for minutes) share its keys, so the one
finishing second writes its image over the first's before its UPDATE finds the asset
completed; the asset then shows the second drawing with the first's metadata. Reading the
asset before storing would cost every logo a transaction and still leave the stalled worker
its window between the read and the write. A key of each delivery's own would close it
at no cost per logo, but the keys would no longer follow from the asset and its drawing,
which is how the collector finds the files of a worker that died before naming them
(without listing storage); for a window this rare, that trade was not taken.

A cancelled project (logokraft_prompt.control) cancels its queued and generating assets in
the database and then says so on the project's cancel subject (core NATS): a job for a
cancelled asset is dropped, and a drawing in progress hears it (bus.CancelSignals, one
subscription per process, listening before `start` reads the asset) and abandons its
provider call (asyncio cancellation; a provider running in a thread may finish, but nothing
it returns is stored). Whatever a drawing returns, a cancelled asset stays cancelled.

Each change is announced with the events it recorded (bus.publish_project_events), so the
project's watchers follow it without reading it back.

Each finished asset counts in `logokraft_images_generated_total{provider, outcome}`, and
the job's span carries the asset, project, provider and attempt (telemetry.py).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nats.aio.client import Client as NATS

from logokraft_domain import events, store
from logokraft_domain.attempts import run_attempt
from logokraft_domain.jobs import drawing_of
from logokraft_domain.records import TERMINAL_ASSET_STATUSES, Row
from logokraft_kit.bus import (
    CancelSignals,
    JobSigner,
    Subjects,
    publish_project_events,
)
from logokraft_kit.db import Connection, Database
from logokraft_kit.metrics import IMAGES_GENERATED
from logokraft_kit.providers import ProviderUnavailable
from logokraft_kit.storage import GENERATED_BUCKET, BlobStorage
from logokraft_kit.storage.paths import asset_path
from logokraft_kit.telemetry import annotate, label_span, span
from logokraft_kit.worker import Delivery

log = logging.getLogger(__name__)

INTERNAL_ERROR = (
    "internal_error",
    "Something went wrong while generating this logo; try generating it again.",
)
INTERRUPTED = (
    "interrupted",
    "Generating this logo was interrupted {attempts} times (the worker drawing it stopped); "
    "try generating it again.",
)
DRAW_TIMEOUT = (
    "provider_timeout",
    "Drawing this logo took longer than {seconds:g}s and was stopped; try again.",
)


class Drawing(Protocol):
    """A drawn image as every generator returns it."""

    png: bytes
    width: int
    height: int
    svg: str | None
    metadata: dict[str, Any]


@dataclass
class AssetJobs:
    """Starts, completes and fails assets, and tells watchers about each change."""

    db: Database
    nc: NATS
    subjects: Subjects
    storage: BlobStorage
    draw_timeout_s: float | None = 900.0  # one attempt's provider calls and their retries
    signer: JobSigner | None = None  # signs the events news carries; None: bare news
    cancels: CancelSignals = field(init=False)

    def __post_init__(self) -> None:
        self.cancels = CancelSignals(self.nc, self.subjects)

    async def start(
        self, user_id: uuid.UUID, asset_id: uuid.UUID, *, drawing: int | None = None
    ) -> tuple[Row, Row] | None:
        """Mark the asset generating and count an attempt; None when it is gone or finished,
        or on another drawing than the job's (`drawing`, jobs.drawing_of; None: the first).

        The project returned is as it was before the asset changed (its brief is what counts).
        """
        # Listening first, then reading: a cancel is either seen here or signalled.
        await self.cancels.ready()
        async with self.db.as_user(user_id) as conn:
            asset, project = await store.get_asset_with_project(conn, asset_id, lock=True)
            if asset is None or asset["status"] in TERMINAL_ASSET_STATUSES:
                return None
            if drawing_of(asset["retried_at"]) != drawing:
                log.info("asset %s was retried since this job was queued; dropping it", asset_id)
                return None
            assert project is not None
            cancelled = project["status"] == "cancelled"
            if cancelled:  # an asset of a cancelled project is never drawn
                await store.update_asset(conn, asset_id, status="cancelled")
            elif asset["status"] == "generating":
                # Watchers know already; only the count changes (a redelivery).
                return await _set_attempts(conn, asset_id, asset["attempts"] + 1), project
            else:
                asset = await store.update_asset(
                    conn, asset_id, status="generating", attempts=asset["attempts"] + 1
                )
            recorded = events.recorded(conn)
        await self.announce_events(asset["project_id"], recorded)
        return None if cancelled else (asset, project)

    async def run(
        self,
        delivery: Delivery,
        user_id: uuid.UUID,
        asset: Row,
        draw: Callable[[], Awaitable[Drawing]],
        *,
        provider: str,
    ) -> None:
        """Draw the asset's image and finish the asset, retrying through JetStream.

        `asset` is the row `start` returned; its `attempts` (not the delivery count) says
        which attempt this is, against `delivery.max_attempts`.
        """
        attempt, limit = int(asset["attempts"]), delivery.max_attempts
        annotate(
            project_id=asset["project_id"], asset_id=asset["id"], provider=provider, attempt=attempt
        )
        if attempt > limit:  # every earlier attempt ended without an outcome
            code, message = INTERRUPTED
            await self.fail(
                user_id, asset, code, message.format(attempts=attempt - 1), provider=provider
            )
            return
        image = await run_attempt(
            lambda: self._draw_unless_cancelled(user_id, asset, draw, provider),
            attempt=attempt,
            limit=limit,
            give_back=lambda: self._give_back_attempt(user_id, asset),
            fail=lambda code, message: self.fail(user_id, asset, code, message, provider=provider),
            internal_error=INTERNAL_ERROR,
            what=f"asset {asset['id']}",
        )
        if image is None:
            return
        await self.complete(user_id, asset, image, provider=provider)

    async def _draw_unless_cancelled(
        self,
        user_id: uuid.UUID,
        asset: Row,
        draw: Callable[[], Awaitable[Drawing]],
        provider: str,
    ) -> Drawing | None:
        """`_draw`, abandoned (None) when the asset's project is cancelled meanwhile (or was,
        since `start` read it).

        The signal only says that news of a cancel of the project came: one since `start`
        read the asset, one remembered from before it (of a project a refinement re-opened
        since), or one whose news arrived late. The database says whether the asset is
        cancelled now; the signal is cleared before it is asked, so a cancel whose news comes
        during the read sets it again and is asked about in turn (a cancel commits before
        its news goes out).
        """
        async with self.cancels.listen(str(asset["project_id"])) as signal:
            drawing: asyncio.Future[Drawing] | None = None
            try:
                while True:
                    if signal.is_set():
                        signal.clear()
                        if await self._cancelled_since(user_id, asset):
                            break
                    if drawing is None:
                        drawing = asyncio.ensure_future(self._draw(draw, provider))
                    cancelled = asyncio.ensure_future(signal.wait())
                    try:
                        await asyncio.wait(
                            {drawing, cancelled}, return_when=asyncio.FIRST_COMPLETED
                        )
                    finally:
                        cancelled.cancel()
                    if drawing.done():
                        return drawing.result()
            finally:
                if drawing is not None and not drawing.done():  # cancelled, or this task was
                    drawing.cancel()
                    await asyncio.wait({drawing})
            if drawing is None:
                log.info("asset %s was cancelled before its drawing started", asset["id"])
            else:
                log.info(
                    "asset %s: its project was cancelled; the drawing was abandoned", asset["id"]
                )
                label_span(asset_outcome="cancelled")
            return None

    async def _cancelled_since(self, user_id: uuid.UUID, asset: Row) -> bool:
        """Whether the asset (or its project) is cancelled, or gone, now."""
        async with self.db.as_user(user_id) as conn:
            current, project = await store.get_asset_with_project(conn, asset["id"])
        return (
            current is None
            or project is None
            or current["status"] == "cancelled"
            or project["status"] == "cancelled"
        )

    async def _draw(self, draw: Callable[[], Awaitable[Drawing]], provider: str) -> Drawing:
        """`draw()`, cut off after `draw_timeout_s` (a provider hanging past its own timeouts)."""
        if self.draw_timeout_s is None:
            return await draw()
        deadline = asyncio.timeout(self.draw_timeout_s)
        try:
            async with deadline:
                return await draw()
        except TimeoutError as error:
            if not deadline.expired():
                raise
            code, message = DRAW_TIMEOUT
            raise ProviderUnavailable(
                message.format(seconds=self.draw_timeout_s), code=code, provider=provider
            ) from error

    async def _give_back_attempt(self, user_id: uuid.UUID, asset: Row) -> None:
        """Uncount the attempt `start` counted: the provider was not called."""
        async with self.db.as_user(user_id) as conn:
            current = await store.get_asset(conn, asset["id"], lock=True)
            if (
                current is not None
                and current["status"] not in TERMINAL_ASSET_STATUSES
                and current["retried_at"] == asset["retried_at"]  # not another drawing's
            ):
                await _set_attempts(conn, asset["id"], max(0, current["attempts"] - 1))

    async def complete(
        self, user_id: uuid.UUID, asset: Row, image: Drawing, *, provider: str, **fields: Any
    ) -> None:
        """Store the image (and its SVG master) and mark the asset completed.

        Never over a cancelled (or deleted) asset, nor one drawn again since (`asset` is the
        row its drawing started from): the image is removed again when the cancel or the
        retry came while it was being drawn or stored.
        """
        owner, project_id, asset_id = asset["user_id"], asset["project_id"], asset["id"]
        # No read first: the drawing has just checked (or been told), and the transaction
        # below completes it only while it is unfinished on this drawing (one statement, under
        # its lock), removing the files nothing names then. The files are the drawing's own
        # (asset_path's `drawing`), so a late drawing never writes over a retry's.
        drawing = drawing_of(asset["retried_at"])
        path = asset_path(owner, project_id, asset_id, "png", drawing=drawing)
        stored = [path]
        metadata = dict(image.metadata)
        with span("storage put", asset_id=asset_id):
            await self.storage.put(GENERATED_BUCKET, path, image.png, content_type="image/png")
            if image.svg is not None:
                svg_path = asset_path(owner, project_id, asset_id, "svg", drawing=drawing)
                await self.storage.put(
                    GENERATED_BUCKET, svg_path, image.svg.encode(), content_type="image/svg+xml"
                )
                stored.append(svg_path)
                metadata["svg_path"] = svg_path
        async with self.db.as_user(user_id) as conn:
            done = await self._complete(conn, asset, path, image, provider, metadata, fields)
            current = None
            if not done:  # gone, finished or drawn again meanwhile: read it to say which (rare)
                current = await store.get_asset(conn, asset_id)
            recorded = events.recorded(conn)
        if not done:
            _leaving(asset, current)
            # Unless a duplicate job of this drawing completed it (naming these very files),
            # nothing names them: the asset is gone, cancelled, failed, or on another drawing.
            if current is None or current["storage_path"] != path:
                log.info("asset %s: removing the files its drawing stored", asset_id)
                await self.storage.delete(GENERATED_BUCKET, stored)
            return
        _finished_as(asset_id, provider, "completed")
        await self.announce_events(project_id, recorded)

    async def _complete(
        self,
        conn: Connection,
        asset: Row,
        path: str,
        image: Drawing,
        provider: str,
        metadata: dict[str, Any],
        fields: dict[str, Any],
    ) -> bool:
        """Mark the asset completed, unless it is gone or finished (False), and settle its
        project."""
        completed = await store.update_unfinished_asset(
            conn,
            asset,
            status="completed",
            storage_bucket=GENERATED_BUCKET,
            storage_path=path,
            mime_type="image/png",
            width=image.width,
            height=image.height,
            provider=provider,
            metadata=metadata,
            error_code=None,
            error_message=None,
            **fields,
        )
        if completed is None:
            return False
        await store.settle_if_done(conn, asset["project_id"])
        return True

    async def fail(
        self, user_id: uuid.UUID, asset: Row, code: str, message: str, *, provider: str
    ) -> None:
        """Mark the asset failed with a reason a person can act on."""
        async with self.db.as_user(user_id) as conn:
            failed = await store.update_unfinished_asset(
                conn,
                asset,
                status="failed",
                error_code=code,
                error_message=message,
                provider=provider,
            )
            if failed is None:
                _leaving(asset, await store.get_asset(conn, asset["id"]))
                return
            await store.settle_if_done(conn, asset["project_id"])
            recorded = events.recorded(conn)
        _finished_as(asset["id"], provider, "failed", code)
        await self.announce_events(asset["project_id"], recorded)

    async def announce_events(self, project_id: uuid.UUID, recorded: list[Any]) -> None:
        """Tell the project's watchers of the events a committed transaction recorded."""
        await publish_project_events(
            self.nc, self.subjects, project_id, recorded, signer=self.signer
        )


def _finished_as(asset_id: uuid.UUID, provider: str, outcome: str, code: str | None = None) -> None:
    """Count a finished asset, and say how it ended in the log and on the current span."""
    IMAGES_GENERATED.labels(provider, outcome).inc()
    because = f" ({code})" if code else ""
    log.info("asset %s %s%s; drawn by %s", asset_id, outcome, because, provider)
    label_span(asset_outcome=outcome, error_code=code)


def _leaving(asset: Row, current: Row | None) -> None:
    """Say that a finished (or vanished) asset, or one drawn again since `asset` was read,
    is left as it is."""
    if current is not None and current["retried_at"] != asset["retried_at"]:
        log.info(
            "asset %s was retried since this drawing started (it is %s on its retry's drawing);"
            " this drawing's outcome is dropped",
            asset["id"],
            current["status"],
        )
        return
    log.info("asset %s is already %s; leaving it", asset["id"], current and current["status"])


async def _set_attempts(conn: Connection, asset_id: uuid.UUID, attempts: int) -> Row:
    """Change only the attempt count: not news for watchers, so no event."""
    cursor = await conn.execute(
        "update generated_assets set attempts = %s where id = %s returning *", [attempts, asset_id]
    )
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"asset {asset_id} not found")
    return row
