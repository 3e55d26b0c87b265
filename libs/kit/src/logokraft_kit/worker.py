"""Durable job consumption from the JetStream work queue.

A worker fetches jobs with a durable pull consumer, so replicas share them and
a crashed worker's job is redelivered after `ack_wait`. While a job runs, the
worker keeps telling JetStream it is in progress, so a long provider call is
not handed to a second worker. Handlers must be idempotent: delivery is at
least once.

Attempts and deliveries are not the same thing. JetStream counts deliveries
(`num_delivered`); a delivery that waits for an open circuit breaker
(`RetryLater`) or that fails because NATS or Postgres is briefly away is not an
attempt at the work. So the consumer's `max_deliver` is only a distant safety
net, and the worker gives up on its own terms: a handler that raises an
ordinary exception on its `max_attempts`-th delivery has its job terminated;
`RetryLater` and infrastructure outages are retried without that limit (asset
jobs count their attempts on the asset row, see asset_jobs.py, and a sweeper
fails assets that stay unfinished too long, see sweeper.py).

Lanes: a worker may serve several queues (lanes) of one job type in priority order,
sharing its `concurrency` slots, each lane a durable consumer of its own. Whenever a
slot is free it takes what the first lane has without waiting, then fills the remaining
slots from the next lane, and so on; each lane is FIFO. When every lane is empty it
waits for a doorbell, a core NATS subscription to the lanes' subjects that rings when a
job is published on any of them, so a new job of any lane starts at once; a job that
comes back without a publish (handed back with a delay, or redelivered after
`ack_wait`) is picked up by a poll every `IDLE_POLL_S`. A lane found dry is asked again
only when its doorbell rings or `LANE_RECHECK_S` has passed, so a busy worker does not pay
a round trip to an empty first lane for every job it starts. A worker with one lane fetches
with one lingering request, as it always has.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nats.errors
import nats.js.errors
import psycopg
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from opentelemetry.trace import Status, StatusCode

from logokraft_kit.bus import JobSigner
from logokraft_kit.metrics import JOB_DURATION, JOB_RETRIES
from logokraft_kit.telemetry import Stopwatch, annotate, consuming

log = logging.getLogger(__name__)

FETCH_WAIT_S = 1.0  # one lane: how long a fetch lingers for a job before asking again
IDLE_POLL_S = 1.0  # several lanes, all empty: how often to look without a doorbell
LANE_RECHECK_S = 1.0  # several lanes: how long a lane found dry is left unasked, unless it rings
NO_WAIT_TIMEOUT_S = 5.0  # how long to wait for JetStream's answer to a no-wait fetch


class MalformedJob(ValueError):
    """Raised by a handler whose job cannot be read: it is dropped, never retried."""


class RetryLater(Exception):
    """Raised by a handler to have the job redelivered after `delay` seconds.

    `cause` is the retry's `reason` in `logokraft_job_retries_total`: `error` (an attempt
    failed and is tried again with backoff) unless the work was not attempted at all, such as
    while the provider's circuit is open (`provider_paused`).
    """

    def __init__(self, delay: float, reason: str = "", *, cause: str = "error") -> None:
        super().__init__(reason or f"retry in {delay:.1f}s")
        self.delay = delay
        self.cause = cause


@dataclass(frozen=True)
class Delivery:
    """What a handler knows about the delivery of its job."""

    attempt: int
    max_attempts: int

    @property
    def is_last_attempt(self) -> bool:
        """True when a failure now will not be redelivered."""
        return self.attempt >= self.max_attempts


Handler = Callable[[dict[str, Any], Delivery], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """One durable pull consumer on the jobs stream."""

    stream: str
    subject: str
    durable: str
    max_attempts: int = 5
    ack_wait: float = 30.0
    concurrency: int = 4
    max_deliver: int | None = None  # JetStream's cap on deliveries; None: max_attempts

    @property
    def queue(self) -> str:
        """The queue's name: the subject's last part."""
        return self.subject.rsplit(".", 1)[-1]

    @property
    def deliveries(self) -> int:
        """The consumer's max_deliver: never below max_attempts."""
        return max(self.max_attempts, self.max_deliver or self.max_attempts)


def backoff_delay(attempt: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2 ** max(0, min(attempt, 32) - 1)))


# Errors that mean "NATS or Postgres is away for a moment", not "this job is bad".
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # includes psycopg_pool.PoolTimeout
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoRespondersError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.StaleConnectionError,
    nats.errors.TimeoutError,
    nats.errors.UnexpectedEOF,
    nats.js.errors.ServiceUnavailableError,
    ConnectionError,
)


def is_transient(error: BaseException) -> bool:
    """True when the error, or one it was raised from, is an infrastructure outage."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TRANSIENT_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class JobWorker:
    """Runs a handler for every signed job of one consumer (or of several lanes), `concurrency`
    at a time.

    `spec` is one consumer, or the lanes of one job type in the order they are served; the
    first lane's `concurrency` is the worker's, every lane has its own durable consumer,
    attempts and ack wait. A job without a valid signature (bus.JobSigner) was not published
    by a LogoKraft service: it is logged and terminated, never handled.
    """

    def __init__(
        self,
        js: JetStreamContext,
        spec: ConsumerSpec | Sequence[ConsumerSpec],
        handler: Handler,
        *,
        signer: JobSigner,
        nc: NATS | None = None,  # for the lanes' doorbell; default: the JetStream context's
    ) -> None:
        self._js = js
        self._lanes = [spec] if isinstance(spec, ConsumerSpec) else list(spec)
        if not self._lanes:
            raise ValueError("a worker needs at least one consumer")
        self._spec = self._lanes[0]
        self._nc: NATS = nc if nc is not None else js._nc
        self._handler = handler
        self._signer = signer
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        # The alerts on failed and dropped jobs use increase(), which never counts a
        # series' first sample: their series exist, empty, before the first job ends.
        for lane in self._lanes:
            for outcome in ("failed", "dropped"):
                JOB_DURATION.labels(lane.queue, outcome)

    @property
    def spec(self) -> ConsumerSpec:
        """The consumer this worker fetches from (its first lane)."""
        return self._spec

    @property
    def lanes(self) -> list[ConsumerSpec]:
        """Every consumer this worker fetches from, in the order it serves them."""
        return list(self._lanes)

    async def run(self) -> None:
        """Fetch and handle jobs until stop() is called."""
        subs: list[Any] = []
        try:
            for lane in self._lanes:
                subs.append(await self._subscribe(lane))
            if len(subs) == 1:
                await self._fetch_until_stopped(subs[0])
            else:
                await self._serve_lanes(subs)
        finally:
            for sub in subs:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()

    async def _subscribe(self, spec: ConsumerSpec) -> Any:
        config = ConsumerConfig(
            durable_name=spec.durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=spec.ack_wait,
            max_deliver=spec.deliveries,
            max_ack_pending=max(64, spec.concurrency * 4),
            filter_subject=spec.subject,
        )
        return await self._js.pull_subscribe(
            spec.subject, durable=spec.durable, stream=spec.stream, config=config
        )

    async def _fetch_until_stopped(self, sub: Any) -> None:
        spec = self._spec
        while not self._stopping.is_set():
            free = await self._wait_for_free_slot()
            if self._stopping.is_set():
                break
            try:
                messages = await sub.fetch(batch=free, timeout=FETCH_WAIT_S)
            except TimeoutError:
                continue
            except Exception:
                if self._stopping.is_set():
                    break
                log.warning("fetch from %s failed; retrying", spec.durable, exc_info=True)
                await self._wait_or_stop(1.0)
                continue
            if self._stopping.is_set():
                # Fetched while stopping: hand them straight back for another worker.
                await asyncio.gather(*(_quietly(msg.nak()) for msg in messages))
                break
            self._start(messages, spec)

    async def _serve_lanes(self, subs: list[Any]) -> None:
        """Fill free slots from the lanes in priority order; ring-or-poll while all are empty.

        A lane found dry is not asked again until its doorbell rings or `LANE_RECHECK_S`
        passed (a job handed back with a delay, or redelivered, does not ring): a busy worker
        whose first lane has run dry asks it about once a second, not once per job.
        """
        loop = asyncio.get_running_loop()
        doorbell = asyncio.Event()
        lanes = [_LaneState() for _ in self._lanes]

        def ringer(state: _LaneState) -> Callable[[Msg], Awaitable[None]]:
            async def ring(_msg: Msg) -> None:
                state.rung = True
                doorbell.set()

            return ring

        bells = [
            await self._nc.subscribe(lane.subject, cb=ringer(state))
            for lane, state in zip(self._lanes, lanes, strict=True)
        ]
        try:
            while not self._stopping.is_set():
                free = await self._wait_for_free_slot()
                if self._stopping.is_set():
                    break
                doorbell.clear()  # before looking: a job published from now on rings again
                started = 0
                for lane, sub, state in zip(self._lanes, subs, lanes, strict=True):
                    if started >= free:
                        break
                    if not state.worth_asking(loop.time()):
                        continue
                    rang, state.rung = state.rung, False  # a job published from now on rings
                    wanted = free - started
                    try:
                        messages = await _fetch_now(sub, wanted)
                    except Exception:
                        if self._stopping.is_set():
                            break
                        log.warning("fetch from %s failed; retrying", lane.durable, exc_info=True)
                        state.rung = True
                        await self._wait_or_stop(1.0)
                        started = -1  # look again after the pause, not after the idle wait
                        break
                    if self._stopping.is_set():
                        await asyncio.gather(*(_quietly(msg.nak()) for msg in messages))
                        return
                    # A doorbell can come before its job reaches the lane's consumer: a lane
                    # that rang and answered empty is asked again, not taken for dry.
                    dry = len(messages) < wanted and not rang
                    state.dry_at = loop.time() if dry else None
                    self._start(messages, lane)
                    started += len(messages)
                if started == 0 and not self._stopping.is_set():
                    await self._wait_for_doorbell(doorbell)
        finally:
            for bell in bells:
                with contextlib.suppress(Exception):
                    await bell.unsubscribe()

    async def _wait_for_doorbell(self, doorbell: asyncio.Event) -> None:
        """Until a job is published on a lane, stop() is called, or `IDLE_POLL_S` passes."""
        waits = {
            asyncio.ensure_future(doorbell.wait()),
            asyncio.ensure_future(self._stopping.wait()),
        }
        try:
            await asyncio.wait(waits, timeout=IDLE_POLL_S, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    def _start(self, messages: list[Msg], lane: ConsumerSpec) -> None:
        for msg in messages:
            task = asyncio.create_task(self._handle_message(msg, lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _wait_for_free_slot(self) -> int:
        """Wait until fewer than `concurrency` jobs run (or stop); return how many may start."""
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            while len(self._tasks) >= self._spec.concurrency and not self._stopping.is_set():
                await asyncio.wait({stopping, *self._tasks}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        return self._spec.concurrency - len(self._tasks)

    async def _wait_or_stop(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def stop(self, *, grace: float = 30.0) -> None:
        """Stop fetching; let running jobs finish within `grace`, hand the rest back."""
        self._stopping.set()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _handle_message(self, msg: Msg, lane: ConsumerSpec) -> None:
        """Handle one delivery in its own span (a child of the publisher's), timed."""
        delivery = Delivery(msg.metadata.num_delivered, lane.max_attempts)
        queue, stopwatch, outcome = lane.queue, Stopwatch(), "cancelled"
        try:
            with consuming(msg.subject, msg.headers, queue=queue, attempt=delivery.attempt) as span:
                outcome = await self._process(msg, delivery, lane)
                annotate(outcome=outcome)
                if outcome in ("failed", "dropped"):  # given up on: what the alerts count
                    span.set_status(Status(StatusCode.ERROR, outcome))
                if outcome == "ok":  # the other outcomes say why where they are decided
                    log.info(
                        "job on %s done in %.2f s (delivery %d)",
                        msg.subject,
                        stopwatch.seconds,
                        delivery.attempt,
                    )
        finally:
            JOB_DURATION.labels(queue, outcome).observe(stopwatch.seconds)

    async def _process(self, msg: Msg, delivery: Delivery, lane: ConsumerSpec) -> str:
        """Verify, read and handle the job; acknowledge it; return how it ended."""
        if not self._signer.verify(msg.subject, msg.headers, msg.data):
            log.error(
                "dropping a job on %s that no LogoKraft service signed: %r",
                msg.subject,
                msg.data[:200],
            )
            await _quietly(msg.term())
            return "dropped"
        try:
            job = json.loads(msg.data)
        except ValueError:
            job = None
        if not isinstance(job, dict):
            await _drop_malformed(msg)
            return "dropped"
        annotate(project_id=job.get("project_id"), asset_id=job.get("asset_id"))
        heartbeat = asyncio.create_task(self._keep_in_progress(msg, lane))
        try:
            await self._handler(job, delivery)
        except MalformedJob:
            await _drop_malformed(msg)
            return "dropped"
        except asyncio.CancelledError:
            await _quietly(msg.nak())
            raise
        except RetryLater as retry:
            log.info("job on %s will be retried: %s", msg.subject, retry)
            JOB_RETRIES.labels(lane.queue, retry.cause).inc()
            await _quietly(msg.nak(delay=retry.delay))
            return "retry"
        except Exception as error:
            return await self._failed(msg, delivery, error, lane)
        else:
            await _quietly(msg.ack())
            return "ok"
        finally:
            heartbeat.cancel()

    async def _failed(
        self, msg: Msg, delivery: Delivery, error: Exception, lane: ConsumerSpec
    ) -> str:
        """Retry with backoff; terminate after the last attempt unless infrastructure is away."""
        queue = lane.queue
        if is_transient(error):
            JOB_RETRIES.labels(queue, "infrastructure").inc()
            log.warning(
                "job on %s hit an infrastructure outage (delivery %d); retrying: %r",
                msg.subject,
                delivery.attempt,
                error,
            )
            await _quietly(msg.nak(delay=backoff_delay(delivery.attempt, base=0.5, cap=15.0)))
            return "retry"
        if delivery.is_last_attempt:
            log.error(
                "job on %s failed on its last attempt (%d); dropping it: %r",
                msg.subject,
                delivery.attempt,
                msg.data[:200],
                exc_info=error,
            )
            await _quietly(msg.term())
            return "failed"
        log.error("job on %s failed (attempt %d)", msg.subject, delivery.attempt, exc_info=error)
        JOB_RETRIES.labels(queue, "error").inc()
        await _quietly(msg.nak(delay=backoff_delay(delivery.attempt)))
        return "retry"

    async def _keep_in_progress(self, msg: Msg, lane: ConsumerSpec) -> None:
        interval = max(0.5, lane.ack_wait / 3)
        while True:
            await asyncio.sleep(interval)
            await _quietly(msg.in_progress())


@dataclass
class _LaneState:
    """What a lane worker knows of one lane between fetches."""

    rung: bool = True  # a job was published on it since it was last asked
    dry_at: float | None = None  # when it last answered with fewer jobs than asked for

    def worth_asking(self, now: float) -> bool:
        """False while it ran dry less than `LANE_RECHECK_S` ago and nothing rang since."""
        return self.rung or self.dry_at is None or now - self.dry_at >= LANE_RECHECK_S


async def _fetch_now(sub: Any, batch: int) -> list[Msg]:
    """Up to `batch` jobs a pull consumer holds right now, without waiting for more.

    One no-wait pull request (without `expires`, which would make the server linger): the
    server sends what it has, then a status (404 no messages, 408) unless the batch is full.
    It speaks through the pull subscription's own inbox as nats-py's `fetch` does; a job
    that answered an earlier request late waits there and is taken first.
    """
    inbox = sub._sub  # nats-py's pull subscription: its inbox (as its fetch uses it)
    messages: list[Msg] = []
    while len(messages) < batch and not inbox._pending_queue.empty():
        msg = inbox._pending_queue.get_nowait()
        inbox._pending_size -= len(msg.data)
        if not JetStreamContext.is_status_msg(msg):
            messages.append(msg)
    if len(messages) >= batch:
        return messages
    request = {"batch": batch - len(messages), "no_wait": True}
    await sub._nc.publish(sub._nms, json.dumps(request).encode(), sub._deliver)
    while len(messages) < batch:
        try:
            msg = await inbox.next_msg(timeout=NO_WAIT_TIMEOUT_S)
        except nats.errors.TimeoutError:
            break
        if JetStreamContext.is_status_msg(msg):
            break  # no (more) messages: the answer is complete
        messages.append(msg)
    return messages


async def _drop_malformed(msg: Msg) -> None:
    """Terminate a job nobody can read: redelivering it would fail the same way."""
    log.error("dropping malformed job on %s: %r", msg.subject, msg.data[:200])
    await _quietly(msg.term())


async def _quietly(acknowledgement: Awaitable[Any]) -> None:
    """Acknowledge, tolerating a lost connection (the job is then redelivered)."""
    try:
        await acknowledgement
    except Exception:
        log.warning("could not acknowledge a job; it will be redelivered", exc_info=True)
