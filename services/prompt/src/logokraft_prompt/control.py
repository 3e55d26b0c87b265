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
from logokraft_domain.records import project_to_proto
from logokraft_kit.bus import (
    publish_project_cancel,
    publish_project_events,
    publish_project_news,
)
from logokraft_kit.db import Connection
from logokraft_kit.errors import Conflict, NotFound
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
