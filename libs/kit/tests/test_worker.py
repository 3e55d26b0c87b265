"""Durable job workers against a real NATS JetStream: de-duplication, retries, bounded attempts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import psycopg
import pytest
from nats.errors import NoRespondersError
from nats.js.errors import NotFoundError
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode
from prometheus_client import REGISTRY

from logokraft_kit import telemetry
from logokraft_kit import worker as worker_module
from logokraft_kit.bus import (
    MSG_ID_HEADER,
    SIGNATURE_HEADER,
    JobSigner,
    Subjects,
    connect,
    ensure_streams,
)
from logokraft_kit.bus import publish_job as publish_signed
from logokraft_kit.logs import current_log_context
from logokraft_kit.worker import (
    ConsumerSpec,
    Delivery,
    JobWorker,
    MalformedJob,
    RetryLater,
    is_transient,
)

SIGNER = JobSigner("the deployment's service-token secret, 32+ chars")


async def publish_job(js, subject: str, job: dict, *, msg_id: str) -> None:
    """Publish as a LogoKraft service does: signed."""
    await publish_signed(js, subject, job, msg_id=msg_id, signer=SIGNER)


@pytest.fixture
async def bus(nats_server, namespace):
    nc = await connect(nats_server.url, name="test")
    js = nc.jetstream()
    subjects = Subjects(namespace)
    await ensure_streams(js, subjects)
    yield js, subjects
    await nc.close()


@contextlib.asynccontextmanager
async def running(js, subjects, handler, **spec):
    worker = JobWorker(
        js,
        ConsumerSpec(
            stream=subjects.jobs_stream,
            subject=subjects.jobs("images"),
            durable=f"{subjects.namespace}-test",
            **spec,
        ),
        handler,
        signer=SIGNER,
    )
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop(grace=1)
        await asyncio.wait_for(task, 5)


async def test_a_job_published_twice_with_one_msg_id_runs_once(bus):
    js, subjects = bus
    seen: list[dict] = []
    second = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        seen.append(job)
        if job["n"] == 2:
            second.set()

    async with running(js, subjects, handle):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="job-1")
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="job-1")
        await publish_job(js, subjects.jobs("images"), {"n": 2}, msg_id="job-2")
        await asyncio.wait_for(second.wait(), 10)
    assert seen == [{"n": 1}, {"n": 2}]


async def test_retry_later_redelivers_until_the_last_attempt(bus):
    js, subjects = bus
    attempts: list[Delivery] = []
    finished = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        attempts.append(delivery)
        if delivery.is_last_attempt:
            finished.set()
            return
        raise RetryLater(0.05)

    async with running(js, subjects, handle, max_attempts=3):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="retry-1")
        await asyncio.wait_for(finished.wait(), 10)
    assert [d.attempt for d in attempts] == [1, 2, 3]


async def test_retries_count_a_failed_attempt_as_error_and_an_open_circuit_as_paused(bus):
    """Before, every RetryLater counted as provider_paused, so the retries of attempts that
    failed (a provider's 503, then a backoff) read as an open circuit on the dashboard."""
    js, subjects = bus
    finished = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        if delivery.attempt <= 2:
            raise RetryLater(0.01)  # an attempt failed
        if delivery.attempt == 3:
            raise RetryLater(0.01, "circuit open", cause="provider_paused")
        finished.set()

    def retries(reason: str) -> float:
        value = REGISTRY.get_sample_value(
            "logokraft_job_retries_total", {"queue": "images", "reason": reason}
        )
        return value or 0.0

    before = {reason: retries(reason) for reason in ("error", "provider_paused")}
    async with running(js, subjects, handle, max_attempts=5):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="causes-1")
        await asyncio.wait_for(finished.wait(), 10)
    assert retries("error") == before["error"] + 2
    assert retries("provider_paused") == before["provider_paused"] + 1


def test_failed_and_dropped_series_exist_before_the_first_job_ends():
    """Before, the first failed (or dropped) job created its series with a count of 1, which
    increase() in LogoKraftJobsFailing and LogoKraftJobsDropped never counts: one job
    dropped for a bad signature after a start never alerted."""
    spec = ConsumerSpec(stream="S", subject="ns.jobs.before-first-end", durable="d")
    JobWorker(object(), spec, lambda job, delivery: None, signer=SIGNER, nc=object())
    for outcome in ("failed", "dropped"):
        labels = {"queue": "before-first-end", "outcome": outcome}
        assert REGISTRY.get_sample_value("logokraft_job_duration_seconds_count", labels) == 0


async def _settled(js, subjects, durable: str) -> None:
    """Until the consumer has nothing pending or unacknowledged (bounded)."""
    async with asyncio.timeout(10):
        while True:
            try:
                info = await js.consumer_info(subjects.jobs_stream, durable)
            except NotFoundError:  # the worker has not created it yet
                info = None
            if info and info.delivered.consumer_seq and not info.num_pending + info.num_ack_pending:
                return
            await asyncio.sleep(0.05)


async def test_a_failing_job_is_terminated_after_its_attempts_even_with_more_deliveries(bus):
    js, subjects = bus
    attempts: list[int] = []

    async def handle(job: dict, delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        raise ValueError("a bug")

    async with running(js, subjects, handle, max_attempts=2, max_deliver=100):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="bug-1")
        await _settled(js, subjects, f"{subjects.namespace}-test")
        info = await js.stream_info(subjects.jobs_stream)
    assert attempts == [1, 2]
    assert info.state.messages == 0, "a terminated job leaves the work queue"


async def test_a_job_nobody_can_read_is_dropped_on_its_first_delivery(bus):
    js, subjects = bus
    deliveries: list[dict] = []

    async def handle(job: dict, delivery: Delivery) -> None:
        deliveries.append(job)
        raise MalformedJob("not a job of this queue")

    async with running(js, subjects, handle, max_attempts=5, max_deliver=100):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="bad-1")
        subject, payload = subjects.jobs("images"), b"[1, 2]"
        signature = SIGNER.sign(subject, "bad-2", payload)
        headers = {MSG_ID_HEADER: "bad-2", SIGNATURE_HEADER: signature}
        await js.publish(subject, payload, headers=headers)
        await _settled(js, subjects, f"{subjects.namespace}-test")
        info = await js.stream_info(subjects.jobs_stream)
    assert deliveries == [{"n": 1}], "a non-object never reaches the handler; neither retries"
    assert info.state.messages == 0


async def test_a_job_no_logokraft_service_signed_is_dropped_unhandled(bus):
    js, subjects = bus
    handled: list[dict] = []

    async def handle(job: dict, delivery: Delivery) -> None:
        handled.append(job)

    subject, payload = subjects.jobs("images"), b'{"asset_id": "someone else\'s"}'
    forged = JobSigner("another deployment's secret, also 32+ chars").sign(subject, "f-1", payload)
    moved = SIGNER.sign(subject, "f-2", b"{}")  # a real signature on another payload
    async with running(js, subjects, handle, max_attempts=5, max_deliver=100):
        await js.publish(subject, payload, headers={MSG_ID_HEADER: "unsigned"})
        await js.publish(subject, payload, headers={MSG_ID_HEADER: "f-1", SIGNATURE_HEADER: forged})
        await js.publish(subject, payload, headers={MSG_ID_HEADER: "f-2", SIGNATURE_HEADER: moved})
        await publish_job(js, subject, {"n": 1}, msg_id="signed-1")
        await _settled(js, subjects, f"{subjects.namespace}-test")
        info = await js.stream_info(subjects.jobs_stream)
    assert handled == [{"n": 1}], "only the signed job runs"
    assert info.state.messages == 0, "the others are terminated, not redelivered"


async def test_outages_and_retry_later_do_not_use_up_attempts(bus):
    js, subjects = bus
    deliveries: list[int] = []
    done = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        deliveries.append(delivery.attempt)
        if delivery.attempt <= 2:
            raise RetryLater(0.01, "circuit open")
        if delivery.attempt == 3:
            raise psycopg.OperationalError("the database is restarting")
        done.set()

    async with running(js, subjects, handle, max_attempts=1, max_deliver=100):
        await publish_job(js, subjects.jobs("images"), {"n": 1}, msg_id="outage-1")
        await asyncio.wait_for(done.wait(), 20)
    assert deliveries == [1, 2, 3, 4]


def test_transient_errors_are_recognised_through_their_causes():
    try:
        try:
            raise psycopg.OperationalError("gone")
        except psycopg.OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_transient(outer)
    assert is_transient(NoRespondersError())
    assert not is_transient(ValueError("bad job"))


# ---- lanes: one worker serving several queues in priority order -----------------------------


def _lane(subjects, queue: str, **spec) -> ConsumerSpec:
    return ConsumerSpec(
        stream=subjects.jobs_stream,
        subject=subjects.jobs(queue),
        durable=f"{subjects.namespace}-test-{queue}",
        **spec,
    )


@contextlib.asynccontextmanager
async def serving_lanes(js, subjects, handler, **spec):
    """A worker on the lanes `first` then `rest` (shared slots), stopped on the way out."""
    worker = JobWorker(
        js,
        [_lane(subjects, "first", **spec), _lane(subjects, "rest", **spec)],
        handler,
        signer=SIGNER,
    )
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop(grace=1)
        await asyncio.wait_for(task, 5)


async def test_a_worker_takes_the_first_lane_before_the_next_when_both_wait(bus):
    js, subjects = bus
    order: list[str] = []
    all_done = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        order.append(job["name"])
        if len(order) == 6:
            all_done.set()

    for n in range(3):  # the later lane filled first: arrival order is not what counts
        await publish_job(js, subjects.jobs("rest"), {"name": f"rest-{n}"}, msg_id=f"rest-{n}")
    for n in range(3):
        await publish_job(js, subjects.jobs("first"), {"name": f"first-{n}"}, msg_id=f"first-{n}")
    # The consumers exist before the worker runs (as in a deployment that restarts with a
    # backlog), so the worker finds both lanes full on its first look.
    for lane in ("first", "rest"):
        spec = _lane(subjects, lane)
        await js.add_consumer(
            subjects.jobs_stream,
            durable_name=spec.durable,
            filter_subject=spec.subject,
            ack_policy="explicit",
        )
    async with serving_lanes(js, subjects, handle, concurrency=1):
        await asyncio.wait_for(all_done.wait(), 10)
    assert order == ["first-0", "first-1", "first-2", "rest-0", "rest-1", "rest-2"]


async def test_free_slots_are_filled_from_the_next_lane_when_the_first_runs_dry(bus):
    js, subjects = bus
    started: list[str] = []
    release = asyncio.Event()
    three = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        started.append(job["name"])
        if len(started) == 3:
            three.set()
        await release.wait()

    await publish_job(js, subjects.jobs("rest"), {"name": "rest-0"}, msg_id="r0")
    await publish_job(js, subjects.jobs("rest"), {"name": "rest-1"}, msg_id="r1")
    await publish_job(js, subjects.jobs("first"), {"name": "first-0"}, msg_id="f0")
    async with serving_lanes(js, subjects, handle, concurrency=3):
        await asyncio.wait_for(three.wait(), 10)
        release.set()
    assert sorted(started) == ["first-0", "rest-0", "rest-1"]


async def test_a_busy_worker_asks_a_dry_lane_again_only_when_it_rings(bus, monkeypatch):
    # A dry lane is asked again on its doorbell (or after LANE_RECHECK_S): not for every job
    # the worker starts from the next lane. With the recheck an hour away, only the doorbell
    # can bring the first lane back into the worker's asks (a ring that comes before its job
    # reached the consumer leaves the lane to be asked again, not dry).
    monkeypatch.setattr(worker_module, "LANE_RECHECK_S", 3600.0)
    js, subjects = bus
    asked: list[bytes] = []

    async def count(msg) -> None:
        asked.append(msg.data)

    first = f"{subjects.namespace}-test-first"
    spy = await js._nc.subscribe(
        f"$JS.API.CONSUMER.MSG.NEXT.{subjects.jobs_stream}.{first}", cb=count
    )
    started: list[str] = []
    ten, urgent = asyncio.Event(), asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        started.append(job["name"])
        if len(started) == 10:
            ten.set()
        if job["name"] == "first-0":
            urgent.set()

    for n in range(10):
        await publish_job(js, subjects.jobs("rest"), {"name": f"rest-{n}"}, msg_id=f"r{n}")
    try:
        async with serving_lanes(js, subjects, handle, concurrency=1):
            await asyncio.wait_for(ten.wait(), 10)
            await js._nc.flush()
            assert 1 <= len(asked) <= 2, "the dry first lane was asked for every job"
            await publish_job(js, subjects.jobs("first"), {"name": "first-0"}, msg_id="f0")
            await asyncio.wait_for(urgent.wait(), 10)
    finally:
        await spy.unsubscribe()
    assert started[:10] == [f"rest-{n}" for n in range(10)]


@pytest.mark.parametrize("lane", ["rest", "first"])
async def test_an_idle_worker_starts_a_job_of_any_lane_when_it_is_published(bus, monkeypatch, lane):
    # Without the doorbell, an idle worker would only find the job at its next poll: make
    # that poll an hour away, so only the publish itself can wake the worker in time.
    monkeypatch.setattr(worker_module, "IDLE_POLL_S", 3600.0)
    js, subjects = bus
    started: dict[str, asyncio.Event] = {"warm-up": asyncio.Event(), "new": asyncio.Event()}

    async def handle(job: dict, delivery: Delivery) -> None:
        started[job["name"]].set()

    async with serving_lanes(js, subjects, handle, concurrency=2):
        # A first job goes through the worker, which then finds both lanes empty and waits.
        await publish_job(js, subjects.jobs("first"), {"name": "warm-up"}, msg_id="w")
        await asyncio.wait_for(started["warm-up"].wait(), 10)
        await _settled(js, subjects, f"{subjects.namespace}-test-first")
        await publish_job(js, subjects.jobs(lane), {"name": "new"}, msg_id="new")
        await asyncio.wait_for(started["new"].wait(), 30)


async def test_a_lane_worker_hands_jobs_back_and_lets_running_ones_finish_on_stop(bus):
    js, subjects = bus
    running_job = asyncio.Event()
    release = asyncio.Event()
    handled: list[str] = []

    async def handle(job: dict, delivery: Delivery) -> None:
        running_job.set()
        await release.wait()
        handled.append(job["name"])

    worker = JobWorker(
        js,
        [_lane(subjects, "first", concurrency=1), _lane(subjects, "rest", concurrency=1)],
        handle,
        signer=SIGNER,
    )
    task = asyncio.create_task(worker.run())
    await publish_job(js, subjects.jobs("first"), {"name": "one"}, msg_id="one")
    await publish_job(js, subjects.jobs("rest"), {"name": "two"}, msg_id="two")
    await asyncio.wait_for(running_job.wait(), 10)
    stopping = asyncio.create_task(worker.stop(grace=10))
    release.set()
    await asyncio.wait_for(stopping, 15)
    await asyncio.wait_for(task, 5)
    assert handled == ["one"], "the running job finished; the waiting one was never taken"
    info = await js.consumer_info(subjects.jobs_stream, f"{subjects.namespace}-test-rest")
    assert info.num_pending == 1, "the job that did not start waits for another worker"
    assert info.num_ack_pending == 0


async def test_a_lane_job_handed_back_with_a_delay_runs_again(bus):
    js, subjects = bus
    attempts: list[int] = []
    finished = asyncio.Event()

    async def handle(job: dict, delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        if delivery.attempt < 3:
            raise RetryLater(0.05)
        finished.set()

    async with serving_lanes(js, subjects, handle, max_attempts=3):
        await publish_job(js, subjects.jobs("rest"), {"n": 1}, msg_id="later-1")
        await asyncio.wait_for(finished.wait(), 20)
    assert attempts == [1, 2, 3]


async def test_a_job_done_is_one_info_line_with_its_ids(bus, caplog):
    """Before, a job that went well logged nothing: grepping a project's id in the services'
    logs found its failures and retries, never that its prompts were written or its logos
    drawn, so nothing told an on-call engineer whether (and when) the work got done."""
    js, subjects = bus
    handled = asyncio.Event()
    contexts: list[dict] = []

    class Context(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == worker_module.__name__:
                contexts.append(dict(current_log_context()))

    async def handle(job: dict, delivery: Delivery) -> None:
        handled.set()

    caplog.set_level(logging.INFO, logger=worker_module.__name__)
    catcher = Context()
    logging.getLogger(worker_module.__name__).addHandler(catcher)
    try:
        async with running(js, subjects, handle):
            job = {"project_id": "p-1", "asset_id": "a-1"}
            await publish_job(js, subjects.jobs("images"), job, msg_id="done-1")
            await asyncio.wait_for(handled.wait(), 10)
    finally:
        logging.getLogger(worker_module.__name__).removeHandler(catcher)
    done = [r for r in caplog.records if r.name == worker_module.__name__]
    assert len(done) == 1 and done[0].levelno == logging.INFO, caplog.text
    assert re.fullmatch(
        rf"job on {re.escape(subjects.jobs('images'))} done in \d+\.\d\d s \(delivery 1\)",
        done[0].getMessage(),
    )
    assert contexts == [{"project_id": "p-1", "asset_id": "a-1"}]


async def test_a_job_that_failed_or_was_dropped_is_an_error_on_its_span(bus, monkeypatch):
    """Before, a job's `process` span said `logokraft.outcome` failed or dropped but its
    status stayed unset, so a tracing backend's error filter never showed the jobs the
    `LogoKraftJobsFailing` and `LogoKraftJobsDropped` alerts fire for."""
    js, subjects = bus
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    monkeypatch.setattr(telemetry, "tracer", lambda: provider.get_tracer("test"))

    async def handle(job: dict, delivery: Delivery) -> None:
        if job["n"] == 1:
            raise ValueError("a bug")
        if job["n"] == 2:
            raise MalformedJob("not a job of this queue")

    async with running(js, subjects, handle, max_attempts=1):
        for n in (1, 2, 3):
            await publish_job(js, subjects.jobs("images"), {"n": n}, msg_id=f"span-{n}")
        await _settled(js, subjects, f"{subjects.namespace}-test")

    def ended(outcome: str) -> Status:
        [span] = [
            s
            for s in exported.get_finished_spans()
            if s.attributes.get("logokraft.outcome") == outcome
        ]
        return span.status

    assert (ended("failed").status_code, ended("failed").description) == (
        StatusCode.ERROR,
        "failed",
    )
    assert (ended("dropped").status_code, ended("dropped").description) == (
        StatusCode.ERROR,
        "dropped",
    )
    assert ended("ok").status_code is StatusCode.UNSET
