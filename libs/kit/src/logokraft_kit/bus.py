"""NATS JetStream: stream layout, connection, job publishing and project-event news.

Work travels on a work-queue stream consumed by durable pull consumers, so
replicas share jobs and a crashed worker's job is redelivered. Events travel on
one subject per project; they carry only the news that a project changed (its
latest sequence) because Postgres holds the state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 600.0


@dataclass(frozen=True)
class Subjects:
    """Stream and subject names under one namespace, so test runs never collide."""

    namespace: str

    @property
    def jobs_stream(self) -> str:
        return f"{self.namespace.upper()}_JOBS"

    @property
    def events_stream(self) -> str:
        return f"{self.namespace.upper()}_EVENTS"

    def jobs(self, queue: str) -> str:
        """The subject of one work queue ("prompts", "images", ...; see logokraft_domain.jobs)."""
        return f"{self.namespace}.jobs.{queue}"

    def project_events(self, project_id: str) -> str:
        """The subject that carries news of one project's changes."""
        return f"{self.namespace}.events.{project_id}"


async def connect(url: str, *, name: str) -> NATS:
    """Connect with unbounded reconnects, so a restarted NATS is picked up again."""
    return await nats.connect(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
        drain_timeout=5,
        allow_reconnect=True,
    )


async def ensure_streams(js: JetStreamContext, subjects: Subjects) -> None:
    """Create (or update) the jobs work queue and the events stream."""
    jobs = StreamConfig(
        name=subjects.jobs_stream,
        subjects=[f"{subjects.namespace}.jobs.>"],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )
    events = StreamConfig(
        name=subjects.events_stream,
        subjects=[f"{subjects.namespace}.events.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=24 * 3600.0,
        discard=DiscardPolicy.OLD,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )
    for config in (jobs, events):
        try:
            await js.add_stream(config)
        except BadRequestError:
            await js.update_stream(config)


async def publish_job(
    js: JetStreamContext, subject: str, job: dict[str, Any], *, msg_id: str
) -> None:
    """Publish a job once: JetStream drops a repeat with the same Nats-Msg-Id."""
    payload = json.dumps(job, separators=(",", ":")).encode()
    await js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id}, timeout=10)


async def publish_project_news(
    nc: NATS, subjects: Subjects, project: Mapping[str, Any] | None
) -> None:
    """Tell watchers a stored project reached its latest event; losing this only delays them."""
    if project is None:
        return
    project_id = str(project["id"])
    payload = json.dumps({"project_id": project_id, "sequence": project["event_sequence"]}).encode()
    try:
        await nc.publish(subjects.project_events(project_id), payload)
    except Exception:  # news is best effort: watchers also re-read on a timer
        log.warning("could not publish news of project %s", project_id, exc_info=True)


class ProjectNews:
    """A subscription to one project's news: `wait` returns on news or after `poll_s`."""

    def __init__(self, nc: NATS, subject: str) -> None:
        self._nc = nc
        self._subject = subject
        self._news = asyncio.Event()
        self._subscription: Any = None

    async def __aenter__(self) -> ProjectNews:
        async def on_news(_msg: object) -> None:
            self._news.set()

        self._subscription = await self._nc.subscribe(self._subject, cb=on_news)
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self._subscription.unsubscribe()

    def clear(self) -> None:
        """Forget news already seen; call before re-reading the state."""
        self._news.clear()

    async def wait(self, poll_s: float) -> None:
        """Until news arrives (since the last `clear`) or `poll_s` seconds pass.

        Raises CancelledError when the task was cancelled but something on the way here lost
        the cancellation (Python 3.11's `asyncio.wait_for`, which psycopg_pool uses to wait for
        a connection, swallows one that lands as the connection is handed over): a watch of an
        idle project writes nothing, so gRPC would never cancel it again, and it would poll
        and hold its subscription for good.
        """
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(poll_s):
                await self._news.wait()


def project_news(nc: NATS, subjects: Subjects, project_id: str) -> ProjectNews:
    """Watch one project's news (use as `async with`)."""
    return ProjectNews(nc, subjects.project_events(project_id))
