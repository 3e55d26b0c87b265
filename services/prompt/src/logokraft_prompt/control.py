"""Control of a user's projects: cancel one, delete one, and what the user has used.

- **Cancel** (`cancel_project`): in one transaction, every queued or generating asset of the
  project becomes `cancelled`, the project `cancelled` (its prompts count as written, so no
  more are written), a `done` event (status cancelled) ends its watches, and the images that
  were never sent to a provider (the assets still queued) leave the `image_usage` ledger, so
  they are given back to the daily limit. Then the project's cancel subject tells the workers
  drawing for it to abandon their provider calls (logokraft_domain.asset_jobs); whatever
  they return is not stored. A repeat answers the cancelled project; a project that already
  finished is `Conflict`.
- **Delete** (`delete_project`): cancels first when needed, then deletes the project row
  (its assets and events go with it); the triggers of storage_garbage queue its stored files
  (inspiration images, generated images, variations included) and the garbage collector is
  nudged so they go at once. A project deleted in flight ends its watches with the cancel's
  `done` (`deleted` set), carried by the news since the log is gone.
- **Usage** (`usage`): counted exactly as the limit checks count (logokraft_domain.limits).
- **Retry** (`retry_asset`): a failed candidate is queued again, the same asset drawn from its
  own prompt. In one transaction, under the user's limits lock: the asset (only while
  `failed`) becomes `queued` with its error and attempts cleared and `retried_at` set (the
  ledger's trigger counts the image), a settled project becomes `generating` again (a
  project that failed for want of any logo loses that error), and each change is an event.
  Then its image job is published under a message id of its own (jobs.Job.retried_msg_id),
  so JetStream does not drop it as a duplicate of the first drawing's job, on the lane of a
  project's first logo while the project has no completed one (jobs.DrawCandidate). It costs one
  image (`check_images_per_day`, `check_daily_budget`), and re-opening a settled project
  counts as a project in flight (`check_projects_in_flight`). A variation is `Conflict`
  (refine its parent again instead), as are an asset that is not failed, one of a
  cancelled project, and one the local engine could not draw (`design_rejected`: it is
  deterministic, so the retry would fail the same way and cost an image for nothing).

Every query runs under the caller's identity: another user's project is NotFound.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp
from psycopg import errors as pg_errors

from logokraft.v1 import common_pb2
from logokraft_domain import events, limits, store
from logokraft_domain.jobs import DrawCandidate, drawing_of
from logokraft_domain.records import asset_to_proto, project_to_proto
from logokraft_kit.bus import (
    publish_project_cancel,
    publish_project_events,
    publish_project_news,
)
from logokraft_kit.db import Connection
from logokraft_kit.errors import Conflict, NotFound, Unavailable
from logokraft_kit.providers import DesignRejected
from logokraft_prompt.core import Deps

log = logging.getLogger(__name__)

IN_FLIGHT = ("pending", "generating")
DEADLOCK_RETRIES = 3  # a worker's asset and project locks met a cancel's (rare): run it again

T = TypeVar("T")


class Collector(Protocol):
    """What control needs of the garbage collector (logokraft_domain.garbage)."""

    def nudge(self) -> None: ...


class ProjectControl:
    """Cancel and delete the caller's projects; report the caller's usage."""

    def __init__(self, deps: Deps, *, collector: Collector | None = None) -> None:
        self._deps = deps
        self._collector = collector

    async def cancel_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> common_pb2.Project:
        """Cancel the project (a repeat is a no-op); returns it with its assets."""

        async def cancel() -> tuple[bool, dict, list[dict], list[common_pb2.ProjectEvent]]:
            async with self._deps.db.as_user(user_id) as conn:
                await limits.lock_user_limits(conn, user_id)  # before any row lock
                project = await _locked_project(conn, project_id)
                if project["status"] in ("completed", "failed"):
                    raise Conflict(
                        f"Project {project_id} already finished ({project['status']}), so "
                        "there is nothing left to cancel; delete it if you no longer want it."
                    )
                changed = await self._cancel(conn, user_id, project)
                row = await store.get_project(conn, project_id)
                assets = await store.list_assets(conn, project_id)
                recorded = events.recorded(conn)
            assert row is not None
            return changed, row, assets, recorded

        changed, row, assets, recorded = await _retrying_deadlocks(cancel)
        if changed:
            await self._tell_workers(row, recorded)
        return project_to_proto(row, assets)

    async def delete_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> None:
        """Cancel the project if needed, then delete it with its assets and stored files."""

        async def delete() -> tuple[bool, dict, list[common_pb2.ProjectEvent]]:
            async with self._deps.db.as_user(user_id) as conn:
                await limits.lock_user_limits(conn, user_id)
                project = await _locked_project(conn, project_id)
                changed = await self._cancel(conn, user_id, project)
                recorded = events.recorded(conn)  # the cancel's; its done is the watches' last
                if not await store.delete_project(conn, project_id):
                    raise NotFound(f"project {project_id} not found")
            return changed, project, recorded

        changed, project, recorded = await _retrying_deadlocks(delete)
        if changed:
            # The log went with the project, so watchers get the cancel's events from the
            # news itself, its `done` saying the project was deleted (core.ProjectsCore._watch).
            await self._tell_workers(project, _marked_deleted(recorded))
        if self._collector is not None:
            self._collector.nudge()
        log.info("project %s deleted", project_id)

    async def retry_asset(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> common_pb2.Asset:
        """Queue a failed candidate to be drawn again; returns it (queued)."""
        user_limits = self._deps.limits
        async with self._deps.db.as_user(user_id) as conn:
            await limits.lock_user_limits(conn, user_id)  # before any row lock
            asset, project = await store.get_asset_with_project(conn, asset_id, lock=True)
            if asset is None or project is None:
                raise NotFound(f"asset {asset_id} not found")
            _check_retryable(asset, project)
            settled = project["status"] in SETTLED
            if settled:
                await limits.check_projects_in_flight(conn, user_id, user_limits)
            await limits.check_images_per_day(conn, user_id, user_limits, requested=1)
            await limits.check_daily_budget(conn, user_limits, requested=1)
            # Its lane, kept on the row: the board places it where its job really waits.
            has_logo = await store.has_completed_asset(conn, project["id"])
            queued = await store.requeue_failed_asset(conn, asset_id, first_lane=not has_logo)
            assert queued is not None  # failed, and locked since it was read
            if settled:
                locked = await store.get_project(conn, project["id"], lock=True)
                assert locked is not None
                fields: dict = {"status": "generating"}
                if locked["error_code"] == store.NO_ASSETS[0]:  # it may yet have a logo
                    fields.update(error_code=None, error_message=None)
                await store.update_project(conn, project["id"], locked=locked, **fields)
            recorded = events.recorded(conn)
        job = DrawCandidate(
            asset_id=asset_id,
            project_id=queued["project_id"],
            user_id=user_id,
            position=queued["position"],
            drawing=drawing_of(queued["retried_at"]),  # the first drawing's jobs are dropped
            project_has_logo=has_logo,  # its lane: a project's first logo goes first
        )
        try:
            await job.publish(self._deps.jobs, msg_id=job.retried_msg_id(queued["retried_at"]))
        except Exception as exc:
            # The asset stays queued: the asset sweeper queues its job again once it has not
            # moved for LOGOKRAFT_SWEEP_STUCK_AFTER_S, and a retry of this call is a 409.
            log.exception("could not queue the retry of asset %s", asset_id)
            await self._announce(queued["project_id"], recorded)
            raise Unavailable(
                "the job queue is unavailable; the logo stays queued and is drawn once it is back"
            ) from exc
        await self._announce(queued["project_id"], recorded)
        log.info("asset %s queued again (retry)", asset_id)
        return asset_to_proto(queued)

    async def _announce(self, project_id: uuid.UUID, recorded: list) -> None:
        signer = self._deps.jobs.signer
        await publish_project_events(
            self._deps.nc, self._deps.subjects, project_id, recorded, signer=signer
        )

    async def usage(self, user_id: uuid.UUID) -> common_pb2.Usage:
        """What the caller has used of their limits."""
        async with self._deps.db.as_user(user_id) as conn:
            used = await limits.usage(conn, user_id, self._deps.limits)
        message = common_pb2.Usage(
            images_used=used.images_used,
            images_limit=used.images_limit,
            projects_in_flight=used.projects_in_flight,
            projects_in_flight_limit=used.projects_in_flight_limit,
            window_seconds=used.window_s,
        )
        if used.resets_at is not None:
            resets_at = Timestamp()
            resets_at.FromDatetime(used.resets_at)
            message.resets_at.CopyFrom(resets_at)
        return message

    async def _cancel(self, conn: Connection, user_id: uuid.UUID, project: dict) -> bool:
        """Cancel a project still in flight; False when it is not (settled or cancelled)."""
        if project["status"] not in IN_FLIGHT:
            return False
        cancelled = await store.cancel_project(conn, project)
        given_back = await limits.give_back_images(conn, user_id, cancelled.never_drawn)
        log.info(
            "project %s cancelled: %d assets cancelled, %d images given back",
            project["id"],
            len(cancelled.assets),
            given_back,
        )
        return True

    async def _tell_workers(
        self, project: dict, recorded: list[common_pb2.ProjectEvent] | None = None
    ) -> None:
        """Workers abandon the project's drawings; watchers get the cancel's events, its `done`
        last (for a deleted project, whose log went with it, carried by the news alone)."""
        nc, subjects = self._deps.nc, self._deps.subjects
        await publish_project_cancel(nc, subjects, str(project["id"]))
        if recorded:
            signer = self._deps.jobs.signer
            await publish_project_events(nc, subjects, project["id"], recorded, signer=signer)
        else:
            await publish_project_news(nc, subjects, project)


SETTLED = ("completed", "failed")


def _check_retryable(asset: dict, project: dict) -> None:
    """Conflict (with its reason) unless the asset is a failed candidate of a live project."""
    asset_id = asset["id"]
    if asset["parent_asset_id"] is not None:
        raise Conflict(
            f"Asset {asset_id} is a variation; variations are not retried: refine its parent "
            f"({asset['parent_asset_id']}) again instead.",
            reason="variation_not_retryable",
        )
    if project["status"] == "cancelled":
        raise Conflict(
            f"Asset {asset_id} belongs to a cancelled project, whose logos are not drawn "
            "again; create a new project instead.",
            reason="project_cancelled",
        )
    if asset["status"] != "failed":
        raise Conflict(
            f"Asset {asset_id} is {asset['status']}; only a failed logo can be tried again.",
            reason="asset_not_failed",
        )
    if asset["error_code"] == DesignRejected.default_code:
        # The local engine is deterministic: the same stored design fails the same way, so a
        # retry would only cost an image of the daily limit.
        raise Conflict(
            f"Asset {asset_id} failed because the local logo engine cannot draw its design, "
            "and drawing it again would fail the same way; create a new project with a "
            "changed brief instead.",
            reason="design_not_drawable",
        )


def _marked_deleted(recorded: list[common_pb2.ProjectEvent]) -> list[common_pb2.ProjectEvent]:
    """The events of a cancel whose project was then deleted, its `done` saying so."""
    for event in recorded:
        if event.HasField("done"):
            event.done.deleted = True
    return recorded


async def _locked_project(conn: Connection, project_id: uuid.UUID) -> dict:
    """The project, locked after its unfinished assets (the order workers lock them in)."""
    if await store.get_project(conn, project_id) is None:
        raise NotFound(f"project {project_id} not found")
    await store.lock_unfinished_assets(conn, project_id)
    project = await store.get_project(conn, project_id, lock=True)
    if project is None:
        raise NotFound(f"project {project_id} not found")
    return project


async def _retrying_deadlocks(transaction: Callable[[], Awaitable[T]]) -> T:
    """Run the transaction again when Postgres broke a deadlock by aborting it."""
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            return await transaction()
        except pg_errors.DeadlockDetected:
            if attempt == DEADLOCK_RETRIES:
                raise
            log.warning("a cancel met a worker's locks (attempt %d); running it again", attempt)
    raise AssertionError("unreachable")
