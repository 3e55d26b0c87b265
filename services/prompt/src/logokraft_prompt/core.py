"""The prompt service's core: it owns brand projects (create, list, read, watch) and writes
their prompts as durable work.

No gRPC here: the servicer translates. The core speaks domain errors
(`logokraft_kit.errors`) and runs every query under the caller's identity.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError
from nats.aio.client import Client as NATS

import logokraft_engine as engine
from logokraft.v1 import common_pb2
from logokraft_domain import events, limits, queue_positions, store
from logokraft_domain.attempts import run_attempt
from logokraft_domain.brief import ValidBrief
from logokraft_domain.jobs import DrawCandidate, WritePrompts
from logokraft_domain.limits import UserLimits
from logokraft_domain.records import event_from_log, project_to_proto
from logokraft_kit.bus import (
    JobPublisher,
    ProjectNews,
    Subjects,
    project_news,
    publish_project_events,
)
from logokraft_kit.db import Connection, Database
from logokraft_kit.errors import AlreadyExists, InvalidArgument, NotFound, Unavailable
from logokraft_kit.storage import INSPIRATION_BUCKET, BlobStorage, ObjectNotFound
from logokraft_kit.worker import Delivery
from logokraft_prompt.adapters.base import InspirationImage, PromptWriter
from logokraft_prompt.arrivals import arrivals

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

PROMPTS_INTERNAL_ERROR = (
    "internal_error",
    "Something went wrong while writing this project's prompts; try creating it again.",
)
PROMPTS_INTERRUPTED = (
    "interrupted",
    "Writing this project's prompts was interrupted {attempts} times (the worker writing "
    "them stopped); try creating it again.",
)


@dataclass
class Deps:
    """What the core needs from the outside world."""

    db: Database
    nc: NATS
    jobs: JobPublisher  # signed jobs on the work queues
    subjects: Subjects
    storage: BlobStorage
    writer: PromptWriter
    watch_poll_s: float = 5.0
    queue_refresh_s: float = queue_positions.REFRESH_S
    limits: UserLimits = field(default_factory=UserLimits)  # server.py passes the settings


class ProjectsCore:
    """Create, read and watch brand projects; write their prompts."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        # Places in line, read once for every watch (queue_positions.QueueBoard).
        self._queue = queue_positions.QueueBoard(
            deps.db, max_age_s=min(queue_positions.BOARD_MAX_AGE_S, deps.queue_refresh_s / 2)
        )
        # Whether a quiet watch's project moved, read once for every watch.
        self._sequences = events.SequenceBoard(deps.db, max_age_s=deps.watch_poll_s / 2)

    # ---- commands and reads -------------------------------------------------

    async def create_project(
        self, user_id: uuid.UUID, project_id: uuid.UUID, brief: ValidBrief, inspiration: list[str]
    ) -> common_pb2.Project:
        """Store the project and queue its prompt writing; returns before any prompt exists.

        A new project must fit the caller's limits (ResourceExhausted otherwise, and nothing
        is stored); a repeat of a stored project_id returns it without counting it again,
        when it asks for the same project (AlreadyExists when the brief or the images differ:
        the caller reused an id, and answering the stored project would drop its request).
        """
        new = store.NewProject(
            project_id=project_id, user_id=user_id, brief=brief, inspiration_paths=inspiration
        )
        async with self._deps.db.as_user(user_id) as conn:
            await limits.lock_user_limits(conn, user_id)
            if await store.get_project(conn, project_id) is None:
                await self._check_room(conn, user_id, brief)
            try:
                row, created = await store.insert_project(conn, new)
            except LookupError:
                # Another user's project: answered as for any project the caller cannot see.
                raise _taken_by_another(project_id) from None
            if not created and _asked_for(row) != _asked_for(store.project_columns(new)):
                raise AlreadyExists(
                    f"project {project_id} already exists with another brief or other "
                    "inspiration images; repeat the call as it was to get that project, or "
                    "create this one with a new project_id"
                )
        await self._queue_prompts(user_id, project_id)
        return project_to_proto(row)

    async def check_new_project(
        self, user_id: uuid.UUID, project_id: uuid.UUID | None, brief: ValidBrief
    ) -> None:
        """Refuse (ResourceExhausted) what create_project would refuse for the caller's limits.

        Stores nothing and holds no lock past its transaction, so a later create_project may
        still be refused; it lets a caller refuse early, before costly work such as decoding
        uploaded images. A stored project_id (a repeat) is never refused; another user's is
        NotFound, as create_project answers it.
        """
        async with self._deps.db.as_user(user_id) as conn:
            if project_id is not None and await store.get_project(conn, project_id) is not None:
                return
            await self._check_room(conn, user_id, brief)
        if project_id is not None and await self._taken(project_id):
            raise _taken_by_another(project_id)

    async def _taken(self, project_id: uuid.UUID) -> bool:
        """Whether a project has this id, whoever's it is (read with the service's role).

        Only for an id the caller cannot see: the answer is then the NotFound that creating
        it gives anyway, so it tells the caller nothing a create would not."""
        async with self._deps.db.as_service() as conn:
            cursor = await conn.execute(
                "select exists (select 1 from brand_projects where id = %s) as taken",
                [project_id],
            )
            row = await cursor.fetchone()
        return bool(row and row["taken"])

    async def _check_room(self, conn: Connection, user_id: uuid.UUID, brief: ValidBrief) -> None:
        user_limits = self._deps.limits
        await limits.check_projects_in_flight(conn, user_id, user_limits)
        await limits.check_images_per_day(
            conn, user_id, user_limits, requested=brief.num_candidates
        )
        await limits.check_daily_budget(conn, user_limits, requested=brief.num_candidates)

    async def _queue_prompts(self, user_id: uuid.UUID, project_id: uuid.UUID) -> None:
        job = WritePrompts(project_id=project_id, user_id=user_id)
        try:
            await job.publish(self._deps.jobs)
        except Exception as exc:
            log.exception("could not queue prompt writing for %s", project_id)
            raise Unavailable("the job queue is unavailable; try again shortly") from exc

    async def get_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> common_pb2.Project:
        """One of the caller's projects with its assets."""
        async with self._deps.db.as_user(user_id) as conn:
            row, assets = await store.get_project_with_assets(conn, project_id)
        if row is None:
            raise NotFound(f"project {project_id} not found")
        return project_to_proto(row, assets)

    async def list_projects(
        self, user_id: uuid.UUID, *, page_size: int, page_token: str
    ) -> tuple[list[common_pb2.Project], str]:
        """A page of the caller's projects, newest first, and the next page's token."""
        if page_size < 0 or page_size > MAX_PAGE_SIZE:
            raise InvalidArgument(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        limit = page_size or DEFAULT_PAGE_SIZE
        after = _decode_page_token(page_token) if page_token else None
        async with self._deps.db.as_user(user_id) as conn:
            rows = await store.list_projects(conn, limit=limit + 1, after=after)
        page, more = rows[:limit], len(rows) > limit
        token = _encode_page_token(page[-1]) if more else ""
        return [_listed_project(row) for row in page], token

    # ---- watching -----------------------------------------------------------

    async def watch_project(
        self, user_id: uuid.UUID, project_id: uuid.UUID, *, after_sequence: int
    ) -> AsyncIterator[common_pb2.ProjectEvent]:
        """A snapshot (or the events after `after_sequence`), then every change until done."""
        signer = self._deps.jobs.signer
        news = project_news(self._deps.nc, self._deps.subjects, str(project_id), signer=signer)
        with self._sequences.watching(project_id):
            async with news:
                async for event in self._watch(user_id, project_id, after_sequence, news):
                    yield event

    async def _watch(
        self, user_id: uuid.UUID, project_id: uuid.UUID, after: int, news: ProjectNews
    ) -> AsyncIterator[common_pb2.ProjectEvent]:
        # News that carries the events after the cursor, in order, is followed without a
        # read; the event log is read again on any other news (bare, unsigned, or leaving a
        # gap), and when `watch_poll_s` passed without news (news on core NATS may be lost)
        # and the board of every watched project's latest sequence says it moved. Places
        # in line are looked at after each change and every `queue_refresh_s` while the
        # project has queued assets, from the board every watch shares; a `queue` event
        # (at the latest sequence sent, so not recorded) only when they moved. A refresh of
        # places alone reads nothing else.
        loop = asyncio.get_running_loop()
        places = queue_positions.QueueWatch(self._queue, refresh_s=self._deps.queue_refresh_s)
        cursor, opening = await self._opening(user_id, project_id, after)
        for event in opening:
            yield event
            places.saw(event)
            if event.HasField("done"):
                return
        pending: list[common_pb2.ProjectEvent] = []  # to send: read, or carried by news
        # The `done` of a delete, when news carried one: the project's log is gone with it, so
        # a watch whose read finds the project gone ends with it rather than NotFound.
        farewell: common_pb2.ProjectEvent | None = None
        read_log, read_at = True, loop.time()
        while True:
            if read_log:
                farewell = _farewell(news.take()) or farewell  # and forget what was seen
                read_at = loop.time()
                try:
                    pending, done = await self._events_after(user_id, project_id, cursor)
                except NotFound:
                    farewell = _farewell(news.take()) or farewell
                    if farewell is None:
                        raise
                    yield farewell
                    return
                if done is not None:
                    pending.append(done)
            for event in pending:
                yield event
                places.saw(event)
                cursor = event.sequence
                if event.HasField("done"):
                    return
            pending = []
            moved = await places.changed(project_id, cursor)
            if moved is not None:
                yield moved
            log_due = max(0.0, read_at + self._deps.watch_poll_s - loop.time())
            read_log = False
            if await news.wait(places.poll_s(log_due)):
                taken = news.take()
                carried = _following(taken, cursor)
                if carried is None:
                    farewell = _farewell(taken) or farewell
                    read_log = True
                else:
                    pending = carried
                    read_at = loop.time()  # as up to date as a read would have made it
            if not read_log and loop.time() >= read_at + self._deps.watch_poll_s:
                read_log = await self._sequences.moved_past(project_id, cursor)
                read_at = loop.time()

    async def _opening(
        self, user_id: uuid.UUID, project_id: uuid.UUID, after: int
    ) -> tuple[int, list[common_pb2.ProjectEvent]]:
        """Where the watch starts, and a snapshot (plus done) when starting fresh."""
        async with self._deps.db.as_user(user_id, snapshot=True) as conn:
            project, assets = await store.get_project_with_assets(conn, project_id)
            if project is None:
                raise NotFound(f"project {project_id} not found")
            if after > project["event_sequence"]:
                # Said for both callers: a gRPC one sent after_sequence, the gateway's
                # browser a Last-Event-ID (the gateway checks first, but may race a change).
                raise InvalidArgument(
                    f"after_sequence (Last-Event-ID) {after} is ahead of the project's latest "
                    f"event {project['event_sequence']}; watch again from 0 for a snapshot"
                )
            if after > 0:
                return after, []
        queued = any(queue_positions.is_queued(a) for a in assets)
        places = await self._queue.positions(project_id) if queued else {}
        sequence = project["event_sequence"]
        snapshot = project_to_proto(project, assets)
        queue_positions.place_assets(snapshot, places)
        opening = [common_pb2.ProjectEvent(sequence=sequence, snapshot=snapshot)]
        if store.is_settled(project, assets):
            opening.append(events.done_event(sequence, project, assets))
        return sequence, opening

    async def _events_after(
        self, user_id: uuid.UUID, project_id: uuid.UUID, cursor: int
    ) -> tuple[list[common_pb2.ProjectEvent], common_pb2.ProjectEvent | None]:
        """Recorded events after `cursor`; when there are none and the project is settled, done.

        One snapshot: read separately, a project settled between the two reads would end the
        stream with a `done` that skips the events recorded with it.
        """
        async with self._deps.db.as_user(user_id, snapshot=True) as conn:
            rows = await events.events_after(conn, project_id, cursor)
            if rows:
                return [event_from_log(row) for row in rows], None
            project, assets = await store.get_project_with_assets(conn, project_id)
            if project is None:
                raise NotFound(f"project {project_id} not found")
        if store.is_settled(project, assets):
            return [], events.done_event(project["event_sequence"], project, assets)
        return [], None

    # ---- prompt writing (durable work) --------------------------------------

    async def handle_prompt_job(self, job: WritePrompts, delivery: Delivery) -> None:
        """Write the project's prompts; queue an image job the moment each prompt exists.

        Attempts are counted on the project (`prompt_attempts`), as asset jobs count theirs:
        a delivery that finds the provider's circuit open, is handed back by a graceful
        shutdown or meets a NATS or Postgres outage costs none. Past `max_attempts`, or on an
        error retrying cannot fix, the project's prompts are finished with the error (the
        candidates written so far still go on), so the project settles with a reason.
        """
        user_id, project_id = job.user_id, job.project_id
        started = await self._start_prompts(user_id, project_id)
        if started is None:
            return
        project, candidates = started
        attempt, limit = int(project["prompt_attempts"]), delivery.max_attempts
        if attempt > limit:  # every earlier attempt ended without an outcome
            code, message = PROMPTS_INTERRUPTED
            await self._finish_prompts(
                user_id, project_id, error=(code, message.format(attempts=attempt - 1))
            )
            return

        async def write() -> bool:
            await self._write_prompts(user_id, project, candidates)
            return True

        async def fail(code: str, message: str) -> None:
            await self._finish_prompts(user_id, project_id, error=(code, message))

        written = await run_attempt(
            write,
            attempt=attempt,
            limit=limit,
            give_back=lambda: self._give_back_attempt(user_id, project_id),
            fail=fail,
            internal_error=PROMPTS_INTERNAL_ERROR,
            what=f"writing prompts for {project_id}",
        )
        if not written:
            return
        await self._finish_prompts(user_id, project_id, error=None)

    async def _start_prompts(
        self, user_id: uuid.UUID, project_id: uuid.UUID
    ) -> tuple[dict, dict[int, dict]] | None:
        """Count an attempt; the project and its candidates, or None when there is nothing to do."""
        async with self._deps.db.as_user(user_id) as conn:
            project, assets = await store.get_project_with_assets(conn, project_id, lock=True)
            if project is None or project["prompts_written"]:
                return None
            project = await store.update_project(
                conn, project_id, locked=project, prompt_attempts=project["prompt_attempts"] + 1
            )
        candidates = {a["position"]: a for a in assets if a["parent_asset_id"] is None}
        return project, candidates

    async def _give_back_attempt(self, user_id: uuid.UUID, project_id: uuid.UUID) -> None:
        """Uncount the attempt `_start_prompts` counted: the work was not really tried."""
        async with self._deps.db.as_user(user_id) as conn:
            project = await store.get_project(conn, project_id, lock=True)
            if project is not None and not project["prompts_written"]:
                attempts = max(0, project["prompt_attempts"] - 1)
                await store.update_project(
                    conn, project_id, locked=project, prompt_attempts=attempts
                )

    async def _write_prompts(
        self, user_id: uuid.UUID, project: dict, candidates: dict[int, dict]
    ) -> None:
        project_id, count = project["id"], project["num_candidates"]
        inspiration = await self._load_inspiration(project["inspiration_paths"])
        brief = await _engine_brief(project, inspiration, self._deps.writer)
        written = self._deps.writer.write_prompts(brief, count=count, inspiration=inspiration)
        # Each prompt is queued the moment it exists, with any that arrived together.
        async with contextlib.aclosing(arrivals(written)) as lists:
            async for together in lists:
                wanted = [prompt for prompt in together if prompt.index < count]
                if not await self._queue_candidates(user_id, project_id, wanted, candidates):
                    log.info("project %s was cancelled or deleted; no more prompts", project_id)
                    break
                if len(wanted) < len(together):
                    break

    async def _queue_candidates(
        self, user_id: uuid.UUID, project_id: uuid.UUID, written: list, candidates: dict
    ) -> bool:
        """Store the written prompts as candidates and queue their drawing, in one transaction;
        False (nothing stored or queued) when the project was cancelled or deleted meanwhile,
        or its prompts were otherwise marked written.

        A candidate stored by an earlier attempt is queued again only while it is queued."""
        fresh: dict[int, store.CandidatePrompt] = {}
        requeue: list[dict] = []
        for prompt in written:
            existing = candidates.get(prompt.index)
            if existing is None:
                fresh.setdefault(
                    prompt.index, store.CandidatePrompt(prompt.index, prompt.text, prompt.spec)
                )
            elif existing["status"] == "queued":
                requeue.append(existing)
        if not fresh and not requeue:
            return True
        async with self._deps.db.as_user(user_id) as conn:
            # The project first: a cancel holds it while it cancels the queued candidates.
            locked = await store.get_project(conn, project_id, lock=True)
            # Prompts written already: cancelled (and maybe generating again since, for a
            # refinement of one of its logos), or finished by another delivery of this job.
            if locked is None or locked["status"] == "cancelled" or locked["prompts_written"]:
                return False
            inserted = await store.insert_candidates(
                conn, project_id=project_id, user_id=user_id, prompts=list(fresh.values())
            )
            if locked["status"] == "pending":
                await store.update_project(conn, project_id, locked=locked, status="generating")
            recorded = events.recorded(conn)
        for asset in sorted([*requeue, *(row for row, _ in inserted)], key=_position):
            job = DrawCandidate(
                asset_id=asset["id"],
                project_id=project_id,
                user_id=user_id,
                position=asset["position"],
            )
            await job.publish(self._deps.jobs)
        await self._announce(project_id, recorded)
        return True

    async def _finish_prompts(
        self, user_id: uuid.UUID, project_id: uuid.UUID, *, error: tuple[str, str] | None
    ) -> None:
        """Mark the prompts written (with the error's code and message, if any); settle."""
        fields: dict[str, object] = {"prompts_written": True}
        if error is not None:
            fields |= {"error_code": error[0], "error_message": error[1]}
        async with self._deps.db.as_user(user_id) as conn:
            await store.update_project(conn, project_id, **fields)
            await store.settle_if_done(conn, project_id)
            recorded = events.recorded(conn)
        await self._announce(project_id, recorded)

    async def _announce(self, project_id: uuid.UUID, recorded: list) -> None:
        """Tell the project's watchers of the events a committed transaction recorded."""
        await publish_project_events(
            self._deps.nc, self._deps.subjects, project_id, recorded, signer=self._deps.jobs.signer
        )

    async def _load_inspiration(self, paths: list[str]) -> list[InspirationImage]:
        images = []
        for path in paths:
            try:
                data = await self._deps.storage.get(INSPIRATION_BUCKET, path)
            except ObjectNotFound:
                log.warning("inspiration image %s is missing; going on without it", path)
                continue
            images.append(InspirationImage(data=data, mime_type="image/png"))
        return images


# What a CreateProject call asks for, as the caller wrote it: the columns the service works
# out itself from the brief (the colours understood, their names and notes) are left out, so
# a repeat stays a repeat across a version that reads colour words better.
_ASKED_FOR = (
    *("brand_name", "slogan", "industry", "description", "style", "logo_type"),
    *("num_candidates", "color_words", "inspiration_paths"),
)


def _taken_by_another(project_id: uuid.UUID) -> NotFound:
    """Another user's project id: answered as for any project the caller cannot see."""
    return NotFound(f"project {project_id} not found; create the project with a new project_id")


def _asked_for(columns: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(columns[name] or None for name in _ASKED_FOR)


def _position(asset: dict) -> int:
    return int(asset["position"])


def _following(carried: list[bytes] | None, cursor: int) -> list[common_pb2.ProjectEvent] | None:
    """The carried events after `cursor`, when they follow it without a gap (duplicates and
    events already sent dropped); None when they do not, or cannot be read: read the log."""
    if carried is None:
        return None
    fresh: dict[int, common_pb2.ProjectEvent] = {}
    for data in carried:
        try:
            event = common_pb2.ProjectEvent.FromString(data)
        except DecodeError:
            return None
        if event.sequence > cursor:
            fresh[event.sequence] = event
    if sorted(fresh) != list(range(cursor + 1, cursor + 1 + len(fresh))):
        return None
    return [fresh[sequence] for sequence in sorted(fresh)]


def _farewell(carried: list[bytes] | None) -> common_pb2.ProjectEvent | None:
    """The `done` of a deleted project among carried events (bus.ProjectNews.take), if any."""
    for data in carried or ():
        try:
            event = common_pb2.ProjectEvent.FromString(data)
        except DecodeError:
            continue
        if event.HasField("done") and event.done.deleted:
            return event
    return None


async def _engine_brief(
    project: dict, inspiration: list[InspirationImage], writer: PromptWriter
) -> engine.Brief:
    """The brief as the engine and prompt writers see it, with the inspiration palette."""
    palette: list[str] = []
    if writer.wants_inspiration_palette and not project["colors"]:
        for image in inspiration[:3]:
            colors = await asyncio.to_thread(engine.dominant_colors, image.data, count=3)
            palette.extend(c for c in colors if c not in palette)
    return engine.Brief.from_record(project, inspiration_palette=palette[:5])


def _listed_project(row: dict) -> common_pb2.Project:
    """A list_projects row: the project without its assets, with their counts."""
    project = project_to_proto(row)
    project.asset_counts.CopyFrom(
        common_pb2.AssetCounts(**{name: row[name] for name in store.ASSET_COUNT_COLUMNS})
    )
    return project


def _encode_page_token(row: dict) -> str:
    raw = json.dumps({"c": row["created_at"].isoformat(), "i": str(row["id"])})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_page_token(token: str) -> store.PageCursor:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token.encode()))
        return store.PageCursor(dt.datetime.fromisoformat(raw["c"]), uuid.UUID(raw["i"]))
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument("page_token is not valid; start again without it") from None
