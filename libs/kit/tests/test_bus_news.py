"""Project news that carries its events, and the shared cancel signals, on a real NATS."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import pytest

from logokraft_kit.bus import (
    NEWS_SIGNATURE_HEADER,
    SIGNATURE_HEADER,
    CancelSignals,
    JobSigner,
    Subjects,
    connect,
    project_news,
    publish_project_events,
    publish_project_news,
)

SIGNER = JobSigner("news-test-secret")


@dataclass
class Event:
    """Stands for a ProjectEvent: news only needs its sequence and its bytes."""

    sequence: int
    data: bytes

    def SerializeToString(self) -> bytes:
        return self.data


@pytest.fixture
async def nc(nats_server):
    client = await connect(nats_server.url, name="news-test")
    yield client
    await client.close()


async def next_news(news) -> list[bytes] | None:
    assert await news.wait(5), "no news came"
    return news.take()


async def test_signed_news_hands_over_the_events_it_carries(nc, namespace):
    subjects = Subjects(namespace)
    async with project_news(nc, subjects, "p1", signer=SIGNER) as news:
        await nc.flush()
        events = [Event(7, b"seven"), Event(8, b"\x00eight\xff")]
        await publish_project_events(nc, subjects, "p1", events, signer=SIGNER)
        assert await next_news(news) == [b"seven", b"\x00eight\xff"]
        # Taken: nothing is handed over twice.
        assert not news._news.is_set()
        assert news.take() == []


async def test_news_without_a_valid_signature_only_says_read_the_log(nc, namespace):
    subjects = Subjects(namespace)
    forged = json.dumps({"project_id": "p1", "sequence": 9, "events": ["Zm9yZ2Vk"]}).encode()
    async with project_news(nc, subjects, "p1", signer=SIGNER) as news:
        await nc.flush()
        # Signed with another deployment's key, unsigned, or bare: none is trusted.
        await publish_project_events(
            nc, subjects, "p1", [Event(9, b"x")], signer=JobSigner("someone else")
        )
        assert await next_news(news) is None
        await nc.publish(subjects.project_events("p1"), forged)
        assert await next_news(news) is None
        bad = {NEWS_SIGNATURE_HEADER: "0" * 64}
        await nc.publish(subjects.project_events("p1"), forged, headers=bad)
        assert await next_news(news) is None
        await publish_project_news(nc, subjects, {"id": "p1", "event_sequence": 9})
        assert await next_news(news) is None
        # A watch that trusts no signer never takes events either.
    async with project_news(nc, subjects, "p1") as unsigned_watch:
        await nc.flush()
        await publish_project_events(nc, subjects, "p1", [Event(10, b"y")], signer=SIGNER)
        assert await next_news(unsigned_watch) is None


async def test_one_bare_news_among_carried_ones_means_read_the_log(nc, namespace):
    subjects = Subjects(namespace)
    async with project_news(nc, subjects, "p1", signer=SIGNER) as news:
        await nc.flush()
        await publish_project_events(nc, subjects, "p1", [Event(1, b"a")], signer=SIGNER)
        await publish_project_news(nc, subjects, {"id": "p1", "event_sequence": 2})
        await nc.flush()
        await until(lambda: news._bare)
        assert news.take() is None


async def test_a_publisher_without_a_signer_sends_bare_news(nc, namespace):
    subjects = Subjects(namespace)
    received: asyncio.Queue = asyncio.Queue()
    await nc.subscribe(subjects.project_events("p1"), cb=received.put)
    await nc.flush()
    await publish_project_events(nc, subjects, "p1", [Event(3, b"c")], signer=None)
    msg = await asyncio.wait_for(received.get(), 5)
    assert json.loads(msg.data) == {"project_id": "p1", "sequence": 3}
    assert NEWS_SIGNATURE_HEADER not in (msg.headers or {})


async def test_a_cancel_is_heard_whether_it_came_before_or_during_the_listening(nc, namespace):
    subjects = Subjects(namespace)
    signals = CancelSignals(nc, subjects)
    await signals.ready()
    try:
        await nc.publish(subjects.project_cancel("early"), b"")
        await nc.flush()
        await until(lambda: "early" in signals._cancelled)
        async with signals.listen("early") as cancelled:
            assert cancelled.is_set()  # came after `ready`, before `listen`
        async with signals.listen("later") as cancelled, signals.listen("other") as other:
            assert not cancelled.is_set()
            await nc.publish(subjects.project_cancel("later"), b"")
            await asyncio.wait_for(cancelled.wait(), 5)
            assert not other.is_set()
        assert signals._waiting == {}  # listeners are forgotten when they stop
    finally:
        await signals.close()


async def test_an_old_cancel_is_forgotten(nc, namespace):
    subjects = Subjects(namespace)
    signals = CancelSignals(nc, subjects, remember_s=0.0)
    await signals.ready()
    try:
        async with signals.listen("marker") as marker:
            await nc.publish(subjects.project_cancel("long-ago"), b"")
            await nc.publish(subjects.project_cancel("marker"), b"")
            await asyncio.wait_for(marker.wait(), 5)  # one subscription: in order
        async with signals.listen("long-ago") as cancelled:
            assert not cancelled.is_set()
    finally:
        await signals.close()


async def until(condition, within: float = 5.0) -> None:
    """Wait for `condition()` (set by a NATS callback, which has no event to await)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


def test_a_job_signature_in_any_text_is_only_a_wrong_one():
    """A header is whatever a publisher wrote: non-ASCII text fails the check, not the worker
    (hmac.compare_digest raises TypeError on such a str)."""
    signer = JobSigner("s" * 43)
    good = signer.sign("jobs.x", "id-1", b"{}")
    headers = {"Nats-Msg-Id": "id-1"}
    assert signer.verify("jobs.x", headers | {SIGNATURE_HEADER: good}, b"{}")
    assert not signer.verify("jobs.x", headers | {SIGNATURE_HEADER: "\u00e9" * 64}, b"{}")
