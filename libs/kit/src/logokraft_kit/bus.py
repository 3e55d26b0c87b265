"""NATS JetStream: stream layout, connection, signed job publishing and project-event news.

Work travels on a work-queue stream consumed by durable pull consumers, so
replicas share jobs and a crashed worker's job is redelivered. Events travel on
one subject per project; they carry only the news that a project changed (its
latest sequence) because Postgres holds the state.

Jobs are signed: each carries `Logokraft-Job-Signature`, an HMAC-SHA256 over its subject,
message id and payload with a key derived from the deployment's service-token secret, and
a worker acts only on jobs whose signature checks out (worker.py). So whoever can publish
to NATS but is not a LogoKraft service cannot make a worker draw for a user or spend their
quota. Signing was chosen over per-service NATS accounts because it needs nothing from the
NATS server (the embedded one, a managed cluster or any other works as is) and still holds
if NATS credentials leak; a signed job replayed is harmless, since handlers are idempotent.

Jobs also carry the publisher's W3C trace context (`traceparent`), so the worker's span
continues the trace of the request that caused the job (telemetry.py); the signature does
not cover it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
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

from logokraft_kit.telemetry import producing

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

    def project_cancel(self, project_id: str) -> str:
        """The core-NATS subject (no stream keeps it) that tells workers a project was cancelled."""
        return f"{self.namespace}.cancel.{project_id}"


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


SIGNATURE_HEADER = "Logokraft-Job-Signature"
MSG_ID_HEADER = "Nats-Msg-Id"


class JobSigner:
    """Signs and checks jobs with a key only the deployment's processes hold."""

    def __init__(self, secret: str) -> None:
        # A key of its own (derived), so a job signature is never a valid token signature.
        self._key = hmac.new(secret.encode(), b"logokraft-jobs", hashlib.sha256).digest()

    def sign(self, subject: str, msg_id: str, payload: bytes) -> str:
        """The signature of one job message."""
        message = subject.encode() + b"\n" + msg_id.encode() + b"\n" + payload
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, subject: str, headers: Mapping[str, str] | None, payload: bytes) -> bool:
        """True when the message carries a valid signature for its subject, id and payload."""
        headers = headers or {}
        signature = headers.get(SIGNATURE_HEADER, "")
        expected = self.sign(subject, headers.get(MSG_ID_HEADER, ""), payload)
        return hmac.compare_digest(signature, expected)


@dataclass(frozen=True)
class JobPublisher:
    """Publishes signed jobs on the work queues of one namespace."""

    js: JetStreamContext
    subjects: Subjects
    signer: JobSigner

    async def publish(self, queue: str, job: dict[str, Any], *, msg_id: str) -> None:
        """Publish a job once: JetStream drops a repeat with the same Nats-Msg-Id."""
        await publish_job(
            self.js, self.subjects.jobs(queue), job, msg_id=msg_id, signer=self.signer
        )


async def publish_job(
    js: JetStreamContext, subject: str, job: dict[str, Any], *, msg_id: str, signer: JobSigner
) -> None:
    """Publish a signed job once: JetStream drops a repeat with the same Nats-Msg-Id."""
    payload = json.dumps(job, separators=(",", ":")).encode()
    ids = {k: job.get(k) for k in ("project_id", "asset_id")}
    with producing(subject, **ids) as headers:
        headers |= {MSG_ID_HEADER: msg_id, SIGNATURE_HEADER: signer.sign(subject, msg_id, payload)}
        await js.publish(subject, payload, headers=headers, timeout=10)


async def publish_project_news(
    nc: NATS, subjects: Subjects, project: Mapping[str, Any] | None
) -> None:
    """Tell watchers a stored project reached its latest event; losing this only delays them."""
    if project is None:
        return
    project_id = str(project["id"])
    payload = json.dumps({"project_id": project_id, "sequence": project["event_sequence"]}).encode()
    subject = subjects.project_events(project_id)
    try:
        news = subjects.project_events("*")  # one span name for every project
        with producing(subject, destination=news, project_id=project_id) as headers:
            await nc.publish(subject, payload, headers=headers or None)
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

    async def wait(self, poll_s: float) -> bool:
        """Until news arrives (since the last `clear`) or `poll_s` seconds pass; True on news.

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
        return self._news.is_set()


def project_news(nc: NATS, subjects: Subjects, project_id: str) -> ProjectNews:
    """Watch one project's news (use as `async with`)."""
    return ProjectNews(nc, subjects.project_events(project_id))


async def publish_project_cancel(nc: NATS, subjects: Subjects, project_id: str) -> None:
    """Tell the workers drawing for a project that it was cancelled, so they stop (best effort:
    the database already says so, and a worker's outcome is never stored over it)."""
    try:
        await nc.publish(subjects.project_cancel(project_id), b"")
        await nc.flush(timeout=5)
    except Exception:
        log.warning("could not announce the cancelling of project %s", project_id, exc_info=True)


class ProjectCancel:
    """A subscription to one project's cancel signal: `cancelled` is set when it arrives."""

    def __init__(self, nc: NATS, subject: str) -> None:
        self._nc = nc
        self._subject = subject
        self.cancelled = asyncio.Event()
        self._subscription: Any = None

    async def __aenter__(self) -> ProjectCancel:
        async def on_cancel(_msg: object) -> None:
            self.cancelled.set()

        try:
            self._subscription = await self._nc.subscribe(self._subject, cb=on_cancel)
            # The server knows of the subscription once this returns, so a cancel published
            # after it (and after a re-read of the project) is not missed.
            await self._nc.flush(timeout=5)
        except Exception:  # NATS away: the work goes on, its outcome is still guarded
            log.warning("could not listen for the cancelling of %s", self._subject, exc_info=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self._subscription.unsubscribe()


def project_cancel(nc: NATS, subjects: Subjects, project_id: str) -> ProjectCancel:
    """Listen for one project's cancel signal (use as `async with`)."""
    return ProjectCancel(nc, subjects.project_cancel(project_id))
