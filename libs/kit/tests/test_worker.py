"""Durable job workers against a real NATS JetStream: de-duplication, retries, bounded attempts."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from logokraft_kit.bus import Subjects, connect, ensure_streams, publish_job
from logokraft_kit.worker import ConsumerSpec, Delivery, JobWorker, RetryLater


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
            subject=subjects.image_jobs,
            durable=f"{subjects.namespace}-test",
            **spec,
        ),
        handler,
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
        await publish_job(js, subjects.image_jobs, {"n": 1}, msg_id="job-1")
        await publish_job(js, subjects.image_jobs, {"n": 1}, msg_id="job-1")
        await publish_job(js, subjects.image_jobs, {"n": 2}, msg_id="job-2")
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
        await publish_job(js, subjects.image_jobs, {"n": 1}, msg_id="retry-1")
        await asyncio.wait_for(finished.wait(), 10)
    assert [d.attempt for d in attempts] == [1, 2, 3]
