"""The sweeper: nothing stays queued or generating forever.

A job can be lost: JetStream gave up on it (`max_deliver`), it was terminated
after a bug, the stream lost it, or the process that should have published it
died between the database write and the publish. Each service that consumes a
queue runs a sweeper for the work of that queue (imagegen: candidate assets,
refine: variations, prompt: projects whose prompts are unwritten), because it
knows that work's job and subject; replicas may all sweep, since what they do
is idempotent (see below).

Every `interval_s` the sweeper looks for work that has not changed for
`stuck_after_s` (asset `updated_at`, which every start, attempt and outcome
touches). If it is younger than `max_age_s` (from `created_at`) its job is
published again; otherwise it fails with a reason a person can act on, and the
project settles.

Nats-Msg-Id: JetStream drops a message whose id it has seen in the last
`DUPLICATE_WINDOW_SECONDS` (10 min). Re-publishing with the original id
(`image:<asset>`) would be dropped silently inside the window, and would be a
brand new message after it. So a re-published job's id names the state it
re-publishes: `image:<asset>:swept:<updated_at in ms>` (jobs.py builds every id).
Replicas that see the same stuck asset publish the same id and JetStream keeps one;
once the job runs, `updated_at` changes, so a later sweep of a newly stuck asset is a new
id. An asset whose re-published job never runs (no worker alive) gets the same
id again every sweep, which JetStream drops until the window has passed; then
one more copy is queued, which is harmless: jobs are idempotent and a job for
a finished asset is acknowledged and dropped. A candidate is queued again on its
own lane (jobs.py): a project's first candidate on `images-first`, the others on
`images`; a retried one on the lane its retry was queued on (its row's `first_lane`).

A re-published job can meet the original one (still waiting in a long backlog,
say): both run, the first to finish wins and the other finds the asset finished.
Keep `stuck_after_s` above the longest time one drawing may take
(`draw_timeout_s`) plus the ack wait, so a live worker's asset is never swept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from nats.aio.client import Client as NATS

from logokraft_domain import events, store
from logokraft_domain.asset_jobs import AssetJobs
from logokraft_domain.jobs import DrawCandidate, DrawVariation, Job, WritePrompts, drawing_of
from logokraft_domain.records import Row
from logokraft_kit.bus import JobPublisher, publish_project_events
from logokraft_kit.db import Database
from logokraft_kit.logs import log_context
from logokraft_kit.metrics import SWEPT

log = logging.getLogger(__name__)

AssetKind = Literal["candidate", "variation"]
BATCH = 200
TIMED_OUT = "timed_out"


def asset_timeout_message(max_age_s: float) -> str:
    return (
        f"This logo was not finished within {_duration(max_age_s)} of being asked for, so it "
        "was stopped (the service drawing it may be down or overloaded); try generating it "
        "again."
    )


def prompts_timeout_message(max_age_s: float) -> str:
    return (
        f"The prompts for this brief were not written within {_duration(max_age_s)}, so the "
        "project was stopped (the prompt writer may be down or overloaded); create it again."
    )


@dataclass(frozen=True)
class SweepPolicy:
    """When work counts as stuck, when it is given up, and how often to look."""

    stuck_after_s: float = 1200.0
    max_age_s: float = 3600.0
    interval_s: float = 60.0

    @classmethod
    def from_settings(cls, settings: Any) -> SweepPolicy:
        """The policy a service's settings describe (see `WorkerSettings`)."""
        return cls(
            stuck_after_s=settings.sweep_stuck_after_s,
            max_age_s=settings.sweep_max_age_s,
            interval_s=settings.sweep_interval_s,
        )


@dataclass
class SweepReport:
    """What one sweep did."""

    requeued: list[uuid.UUID] = field(default_factory=list)
    failed: list[uuid.UUID] = field(default_factory=list)


class _Periodic:
    """Runs `sweep_once` every `interval_s` until stopped; errors are logged, not fatal."""

    policy: SweepPolicy
    name: str
    work: str  # what it sweeps, as a metric label: candidate, variation, prompts

    def __init__(self) -> None:
        self._stopping = asyncio.Event()

    async def sweep_once(self) -> SweepReport:
        raise NotImplementedError

    async def run(self) -> None:
        """Sweep every `interval_s` (the first sweep one interval after starting)."""
        # Both series exist, at 0, before the first sweep: a series born with the first
        # sweep's count (work a crash left stuck) would escape increase() and its alert.
        SWEPT.labels(self.work, "requeued").inc(0)
        SWEPT.labels(self.work, "failed").inc(0)
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.policy.interval_s)
            if self._stopping.is_set():
                return
            try:
                report = await self.sweep_once()
            except Exception:  # Postgres or NATS away: try again next time
                log.warning("the %s sweep failed; trying again later", self.name, exc_info=True)
                continue
            SWEPT.labels(self.work, "requeued").inc(len(report.requeued))
            SWEPT.labels(self.work, "failed").inc(len(report.failed))
            if report.requeued or report.failed:
                log.warning(
                    "%s sweep: queued %d again, failed %d",
                    self.name,
                    len(report.requeued),
                    len(report.failed),
                )

    async def stop(self, *, grace: float = 0.0) -> None:
        """Stop after the sweep in progress (if any)."""
        self._stopping.set()


class AssetSweeper(_Periodic):
    """Re-queues or fails the candidates (imagegen) or variations (refine) that stopped moving."""

    def __init__(
        self,
        jobs: AssetJobs,
        queue: JobPublisher,
        *,
        kind: AssetKind,
        provider: str,
        policy: SweepPolicy,
    ) -> None:
        super().__init__()
        self._jobs = jobs
        self._queue = queue
        self._kind = kind
        self._provider = provider
        self.policy = policy
        self.name = f"{kind} assets"
        self.work = kind

    async def sweep_once(self) -> SweepReport:
        """One pass over the stuck assets of this kind."""
        report = SweepReport()
        for row in await self._stuck():
            with log_context(project_id=row["project_id"], asset_id=row["id"]):
                if row["too_old"]:
                    log.warning(
                        "asset %s failed as %s: still %s %s after it was asked for",
                        row["id"],
                        TIMED_OUT,
                        row["status"],
                        _duration(self.policy.max_age_s),
                    )
                    await self._jobs.fail(
                        row["user_id"],
                        row,
                        TIMED_OUT,
                        asset_timeout_message(self.policy.max_age_s),
                        provider=self._provider,
                    )
                    report.failed.append(row["id"])
                else:
                    await self._requeue(row)
                    report.requeued.append(row["id"])
        return report

    async def _stuck(self) -> list[Row]:
        kind = "instruction is null" if self._kind == "candidate" else "instruction is not null"
        async with self._jobs.db.as_service() as conn:
            cursor = await conn.execute(
                f"""
                select a.id, a.user_id, a.project_id, a.parent_asset_id, a.status,
                       a.position, a.created_at, a.updated_at, a.retried_at, a.first_lane,
                       coalesce(a.retried_at, a.created_at)
                         < now() - make_interval(secs => %(max_age)s) as too_old,
                       (select count(*) from generated_assets s
                        where s.parent_asset_id = a.parent_asset_id
                          and s.created_at = a.created_at) as siblings
                from generated_assets a
                where a.status in ('queued', 'generating') and a.{kind}
                  and (a.updated_at < now() - make_interval(secs => %(stuck)s)
                       or coalesce(a.retried_at, a.created_at)
                         < now() - make_interval(secs => %(max_age)s))
                order by a.updated_at
                limit {BATCH}
                """,
                {"stuck": self.policy.stuck_after_s, "max_age": self.policy.max_age_s},
            )
            return await cursor.fetchall()

    async def _requeue(self, row: Row) -> None:
        ids = {"asset_id": row["id"], "project_id": row["project_id"], "user_id": row["user_id"]}
        job: Job
        if self._kind == "candidate":  # on its lane: a project's first candidate goes first
            # For the drawing it is on: a retried candidate's job names its retry, and goes on
            # the lane the retry chose (its `first_lane`), where the queue board places it.
            first_lane = row["first_lane"] if row["retried_at"] is not None else None
            job = DrawCandidate(
                **ids,
                position=row["position"],
                drawing=drawing_of(row["retried_at"]),
                project_has_logo=None if first_lane is None else not first_lane,
            )
        else:
            job = DrawVariation(**ids, count=max(1, int(row["siblings"])))
        log.warning(
            "asset %s has been %s since %s; queueing its job again",
            row["id"],
            row["status"],
            row["updated_at"],
        )
        await job.publish(self._queue, msg_id=job.swept_msg_id(row["updated_at"]))


class PromptSweeper(_Periodic):
    """Re-queues or fails the projects whose prompts were never written (prompt service)."""

    def __init__(
        self,
        db: Database,
        nc: NATS,
        queue: JobPublisher,
        *,
        policy: SweepPolicy,
    ) -> None:
        super().__init__()
        self._db = db
        self._nc = nc
        self._queue = queue
        self._subjects = queue.subjects
        self.policy = policy
        self.name = "prompt"
        self.work = "prompts"

    async def sweep_once(self) -> SweepReport:
        """One pass over the projects whose prompts are still unwritten."""
        report = SweepReport()
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                f"""
                select id, user_id, status, updated_at,
                       created_at < now() - make_interval(secs => %(max_age)s) as too_old
                from brand_projects
                where not prompts_written and status in ('pending', 'generating')
                  and (updated_at < now() - make_interval(secs => %(stuck)s)
                       or created_at < now() - make_interval(secs => %(max_age)s))
                order by updated_at
                limit {BATCH}
                """,
                {"stuck": self.policy.stuck_after_s, "max_age": self.policy.max_age_s},
            )
            rows = await cursor.fetchall()
        for row in rows:
            with log_context(project_id=row["id"]):
                if row["too_old"]:
                    log.warning(
                        "project %s failed as %s: its prompts are still unwritten %s after it "
                        "was created",
                        row["id"],
                        TIMED_OUT,
                        _duration(self.policy.max_age_s),
                    )
                    await self._fail(row)
                    report.failed.append(row["id"])
                else:
                    log.warning(
                        "project %s has been %s without its prompts since %s; queueing its "
                        "job again",
                        row["id"],
                        row["status"],
                        row["updated_at"],
                    )
                    job = WritePrompts(project_id=row["id"], user_id=row["user_id"])
                    swept = job.swept_msg_id(row["updated_at"])
                    await job.publish(self._queue, msg_id=swept)
                    report.requeued.append(row["id"])
        return report

    async def _fail(self, row: Row) -> None:
        async with self._db.as_user(row["user_id"]) as conn:
            project = await store.get_project(conn, row["id"], lock=True)
            if project is None or project["prompts_written"]:
                return
            await store.update_project(
                conn,
                row["id"],
                prompts_written=True,
                error_code=TIMED_OUT,
                error_message=prompts_timeout_message(self.policy.max_age_s),
            )
            await store.settle_if_done(conn, row["id"])
            recorded = events.recorded(conn)
        await publish_project_events(
            self._nc, self._subjects, row["id"], recorded, signer=self._queue.signer
        )


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return f"{hours} hour" + ("s" if hours != 1 else "")
    if seconds >= 60:
        minutes = round(seconds / 60)
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{seconds:.0f} seconds"
