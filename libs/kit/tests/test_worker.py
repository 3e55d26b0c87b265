"""Durable job workers against a real NATS JetStream: de-duplication, retries, bounded attempts."""

from __future__ import annotations

import asyncio
import contextlib

import psycopg
import pytest
from nats.errors import NoRespondersError
from nats.js.errors import NotFoundError

from logokraft_kit.bus import (
    MSG_ID_HEADER,
    SIGNATURE_HEADER,
    JobSigner,
    Subjects,
    connect,
    ensure_streams,
)
from logokraft_kit.bus import publish_job as publish_signed
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
