"""NATS JetStream: stream layout, connection, signed job publishing and project-event news.

Work travels on a work-queue stream consumed by durable pull consumers, so
replicas share jobs and a crashed worker's job is redelivered. News of a project's changes
travels on one subject per project (core NATS, best effort): its latest sequence and, when
the publisher has them, the events just committed (signed as jobs are, under
`Logokraft-News-Signature`), so a watch that follows them needs no read of Postgres. Postgres
holds the state: a watch reads the log whenever news is lost, out of order, carries no
events or is not signed.

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
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import nats.errors
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


class _ConnectionLog:
    """Says in the log when the NATS connection is lost and when it is back, once each.

    Without it nats-py logs every failed reconnect attempt (two a second while NATS is away)
    as an ERROR "nats: encountered error" with a traceback, and nothing when it is back, so
    an outage read as a flood of tracebacks that never said it was over.
    """

    def __init__(self) -> None:
        self.nc: NATS | None = None
        self.lost_at: float | None = None
        self.attempts = 0

    def _server(self) -> str:
        server = getattr(self.nc, "_current_server", None)
        uri = getattr(server, "uri", None)
        return f"{uri.hostname}:{uri.port}" if uri is not None else "?"  # never the credentials

    async def disconnected(self) -> None:
        if self.nc is None or self.nc.is_closed:  # a close this process asked for
            return
        self.lost_at, self.attempts = time.monotonic(), 0
        log.error(
            "lost the connection to NATS at %s; reconnecting (no job is published or taken "
            "until it is back)",
            self._server(),
        )

    async def reconnected(self) -> None:
        lost_at, self.lost_at = self.lost_at, None
        away = f" after {time.monotonic() - lost_at:.1f} s" if lost_at is not None else ""
        log.info(
            "reconnected to NATS at %s%s (%d failed attempts)",
            self._server(),
            away,
            self.attempts,
        )

    async def error(self, error: Exception) -> None:
        if self.nc is not None and self.nc.is_reconnecting:
            self.attempts += 1  # the outage was said once; each failed attempt is not news
            log.debug("NATS reconnect attempt failed: %r", error)
            return
        if isinstance(error, OSError | TimeoutError | nats.errors.Error):
            log.warning("NATS connection error: %r", error)
            return
        # A message callback raised (a bug), as nats-py reports it: keep the traceback.
        log.error("the NATS client reported an error: %r", error, exc_info=error)


# A NATS connection can die without a word (the server's host gone, a network cut): no FIN or
# RST comes, and until something notices, news and jobs published on it are lost, and no job
# is fetched. nats-py pings every 2 minutes and gives up after 2 unanswered, so about 6
# minutes; it pings every `NATS_PING_INTERVAL_S` here and reconnects once
# `NATS_MAX_OUTSTANDING_PINGS` pings went unanswered (within about 30 s).
NATS_PING_INTERVAL_S = 10.0
NATS_MAX_OUTSTANDING_PINGS = 2


async def connect(url: str, *, name: str, ping_interval_s: float = NATS_PING_INTERVAL_S) -> NATS:
    """Connect with unbounded reconnects, so a restarted NATS is picked up again, and pings
    that find a connection that went silent."""
    notes = _ConnectionLog()
    nc = NATS()
    notes.nc = nc
    await nc.connect(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
        drain_timeout=5,
        ping_interval=ping_interval_s,
        max_outstanding_pings=NATS_MAX_OUTSTANDING_PINGS,
        allow_reconnect=True,
        error_cb=notes.error,
        disconnected_cb=notes.disconnected,
        reconnected_cb=notes.reconnected,
    )
    return nc


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
NEWS_SIGNATURE_HEADER = "Logokraft-News-Signature"
_NEWS_ID = "news"  # in a news signature, where a job's message id is: a job subject never matches


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
        return hmac.compare_digest(signature.encode(), expected.encode())  # any header text


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


class Event(Protocol):
    """A project event as news carries it (logokraft.v1.ProjectEvent)."""

    sequence: int

    def SerializeToString(self) -> bytes: ...


async def publish_project_news(
    nc: NATS, subjects: Subjects, project: Mapping[str, Any] | None
) -> None:
    """Tell watchers a stored project reached its latest event; losing this only delays them."""
    if project is None:
        return
    await _publish_news(nc, subjects, str(project["id"]), project["event_sequence"], (), None)


async def publish_project_events(
    nc: NATS,
    subjects: Subjects,
    project_id: object,
    events: Sequence[Event],
    *,
    signer: JobSigner | None,
) -> None:
    """Tell watchers of events just committed, carrying them (signed) so a watch that gets
    them in order needs no read; without a signer, only that the project changed."""
    if not events:
        return
    sequence = max(event.sequence for event in events)
    await _publish_news(nc, subjects, str(project_id), sequence, events, signer)


async def _publish_news(
    nc: NATS,
    subjects: Subjects,
    project_id: str,
    sequence: int,
    events: Sequence[Event],
    signer: JobSigner | None,
) -> None:
    body: dict[str, Any] = {"project_id": project_id, "sequence": sequence}
    if events and signer is not None:
        body["events"] = [base64.b64encode(e.SerializeToString()).decode() for e in events]
    payload = json.dumps(body).encode()
    subject = subjects.project_events(project_id)
    try:
        news = subjects.project_events("*")  # one span name for every project
        with producing(subject, destination=news, project_id=project_id) as headers:
            if "events" in body and signer is not None:
                headers[NEWS_SIGNATURE_HEADER] = signer.sign(subject, _NEWS_ID, payload)
            await nc.publish(subject, payload, headers=headers or None)
    except Exception:  # news is best effort: watchers also re-read on a timer
        log.warning("could not publish news of project %s", project_id, exc_info=True)


class ProjectNews:
    """A subscription to one project's news: `wait` returns on news or after `poll_s`, and
    `take` hands over the events the news carried (when `signer` vouches for them)."""

    def __init__(self, nc: NATS, subject: str, signer: JobSigner | None = None) -> None:
        self._nc = nc
        self._subject = subject
        self._signer = signer
        self._news = asyncio.Event()
        self._carried: list[bytes] = []
        self._bare = False  # some news since the last clear carried no (trusted) events
        self._subscription: Any = None

    async def __aenter__(self) -> ProjectNews:
        async def on_news(msg: Any) -> None:
            carried = self._trusted_events(msg)
            if carried is None:
                self._bare = True
            else:
                self._carried.extend(carried)
            self._news.set()

        self._subscription = await self._nc.subscribe(self._subject, cb=on_news)
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self._subscription.unsubscribe()

    def _trusted_events(self, msg: Any) -> list[bytes] | None:
        """The serialized events a signed news message carries; None when it carries none
        or its signature does not check out (it then only says "read the log")."""
        if self._signer is None:
            return None
        signature = (msg.headers or {}).get(NEWS_SIGNATURE_HEADER, "")
        if not signature:  # bare news: nothing to check
            return None
        expected = self._signer.sign(msg.subject, _NEWS_ID, msg.data)
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            return None
        try:
            items = json.loads(msg.data)["events"]
            return [base64.b64decode(item, validate=True) for item in items]
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None

    def clear(self) -> None:
        """Forget news already seen; call before re-reading the state."""
        self._news.clear()
        self._carried = []
        self._bare = False

    def take(self) -> list[bytes] | None:
        """The serialized events the news since the last `clear` or `take` carried, in the
        order it came, and forget that news; None when some of it carried none (or none to
        trust): then only a read of the log is up to date."""
        carried = None if self._bare else self._carried
        self.clear()
        return carried

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


def project_news(
    nc: NATS, subjects: Subjects, project_id: str, *, signer: JobSigner | None = None
) -> ProjectNews:
    """Watch one project's news (use as `async with`); `signer` checks the events it carries."""
    return ProjectNews(nc, subjects.project_events(project_id), signer)


async def publish_project_cancel(nc: NATS, subjects: Subjects, project_id: str) -> None:
    """Tell the workers drawing for a project that it was cancelled, so they stop (best effort:
    the database already says so, and a worker's outcome is never stored over it)."""
    try:
        await nc.publish(subjects.project_cancel(project_id), b"")
        await nc.flush(timeout=5)
    except Exception:
        log.warning("could not announce the cancelling of project %s", project_id, exc_info=True)


class CancelSignals:
    """Every project's cancel signal, on one subscription a process's drawings share.

    `ready` subscribes (once) and returns when the server knows of the subscription, so a
    cancel published after it (and after a read of the project) is not missed: it is kept for
    `remember_s`, and `listen` hands it over even when it came before the listening began.
    NATS away: the work goes on without the signal; its outcome is still guarded.
    """

    def __init__(self, nc: NATS, subjects: Subjects, *, remember_s: float = 600.0) -> None:
        self._nc = nc
        self._subjects = subjects
        self._remember_s = remember_s
        self._cancelled: dict[str, float] = {}  # project id: when its cancel came (in order)
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._subscription: Any = None
        self._lock = asyncio.Lock()

    async def ready(self) -> None:
        """Subscribe, if not yet; logs (and returns) when NATS cannot be reached."""
        if self._subscription is not None:
            return
        async with self._lock:
            if self._subscription is not None:
                return
            try:
                subscription = await self._nc.subscribe(
                    self._subjects.project_cancel("*"), cb=self._on_cancel
                )
                await self._nc.flush(timeout=5)
            except Exception:
                log.warning("could not listen for cancelled projects", exc_info=True)
                return
            self._subscription = subscription

    async def _on_cancel(self, msg: Any) -> None:
        project_id = msg.subject.rsplit(".", 1)[-1]
        now = asyncio.get_running_loop().time()
        self._cancelled.pop(project_id, None)
        self._cancelled[project_id] = now
        for project, at in list(self._cancelled.items()):  # oldest first
            if now - at < self._remember_s:
                break
            del self._cancelled[project]
        for event in self._waiting.get(project_id, ()):
            event.set()

    @contextlib.asynccontextmanager
    async def listen(self, project_id: str) -> AsyncIterator[asyncio.Event]:
        """An event set when the project's cancel comes (or came since `ready`)."""
        await self.ready()
        event = asyncio.Event()
        came = self._cancelled.get(project_id)
        if came is not None and asyncio.get_running_loop().time() - came < self._remember_s:
            event.set()
        waiting = self._waiting.setdefault(project_id, set())
        waiting.add(event)
        try:
            yield event
        finally:
            waiting.discard(event)
            if not waiting:
                self._waiting.pop(project_id, None)

    async def close(self) -> None:
        """Stop listening."""
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
