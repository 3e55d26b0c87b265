"""A watch follows news that carries its events, and reads the log for anything else.

The loop of ProjectsCore._watch with its reads replaced: the opening and the log are
scripted, and so is the news (what bus.ProjectNews.take would hand over). Signature checks
are bus.ProjectNews's (libs/kit/tests/test_bus_news.py); the stream's content against a real
stack is tests/test_pipeline.py's.
"""

from __future__ import annotations

import asyncio
import uuid

from logokraft.v1 import common_pb2
from logokraft_prompt.core import Deps, ProjectsCore, _following

PROJECT = uuid.uuid4()
USER = uuid.uuid4()


def asset_event(sequence: int, name: str) -> common_pb2.ProjectEvent:
    asset = common_pb2.Asset(id=name, status=common_pb2.ASSET_STATUS_GENERATING)
    return common_pb2.ProjectEvent(sequence=sequence, asset=asset)


def done_event(sequence: int) -> common_pb2.ProjectEvent:
    done = common_pb2.ProjectDone(status=common_pb2.PROJECT_STATUS_COMPLETED)
    return common_pb2.ProjectEvent(sequence=sequence, done=done)


def carried(*events: common_pb2.ProjectEvent) -> list[bytes]:
    return [event.SerializeToString() for event in events]


class ScriptedNews:
    """News as bus.ProjectNews gives it: each `wait` delivers the next scripted take."""

    def __init__(self, *deliveries: list[bytes] | None) -> None:
        self._deliveries = list(deliveries)
        self._pending: list[bytes] | str | None = "none"

    def clear(self) -> None:
        self._pending = "none"

    async def wait(self, poll_s: float) -> bool:
        if not self._deliveries:
            await asyncio.Event().wait()  # no more news: the test ends the watch before
        self._pending = self._deliveries.pop(0)
        return True

    def take(self) -> list[bytes] | None:
        taken, self._pending = self._pending, "none"
        assert taken != "none", "take without news"
        return taken  # type: ignore[return-value]


class ScriptedCore(ProjectsCore):
    """The core with its reads scripted: it opens at sequence 5 and the log holds `log`."""

    def __init__(self, log: list[common_pb2.ProjectEvent]) -> None:
        super().__init__(
            Deps(db=None, nc=None, jobs=None, subjects=None, storage=None, writer=None)
        )  # type: ignore[arg-type]
        self.log = log
        self.reads: list[int] = []  # the cursor of each read of the log

    async def _opening(self, user_id, project_id, after):
        snapshot = common_pb2.Project(id=str(project_id), event_sequence=5)
        return 5, [common_pb2.ProjectEvent(sequence=5, snapshot=snapshot)]

    async def _events_after(self, user_id, project_id, cursor):
        self.reads.append(cursor)
        return [e for e in self.log if e.sequence > cursor], None


async def watch(core: ScriptedCore, news: ScriptedNews) -> list[int]:
    sequences = []
    async for event in core._watch(USER, PROJECT, 0, news):  # type: ignore[arg-type]
        sequences.append(event.sequence)
    return sequences


async def test_news_carrying_the_next_events_is_followed_without_a_read():
    log = [asset_event(6, "a"), asset_event(7, "b"), done_event(8)]
    core = ScriptedCore(log)
    # The second delivery repeats event 7 (news of two publishers): sent once.
    news = ScriptedNews(carried(log[0], log[1]), carried(log[1], log[2]))

    assert await asyncio.wait_for(watch(core, news), 5) == [5, 6, 7, 8]
    assert core.reads == [5]  # the read after the opening only


async def test_a_gap_bare_news_or_unreadable_events_mean_a_read_of_the_log():
    log = [asset_event(6, "a"), asset_event(7, "b"), asset_event(8, "c"), done_event(9)]
    core = ScriptedCore([])  # nothing after the opening yet
    news = ScriptedNews(
        carried(log[1], log[2]),  # 6 is missing: the log is read (6, 7 and 8 are in it)
        None,  # bare (or unsigned) news
        [b"\xff not an event"],
        carried(log[3]),  # follows 8: no read
    )

    async def first_news_comes(poll_s: float) -> bool:
        core.log = log[:3]  # committed while the news was on its way
        return await ScriptedNews.wait(news, poll_s)

    news.wait = first_news_comes  # type: ignore[method-assign]
    assert await asyncio.wait_for(watch(core, news), 5) == [5, 6, 7, 8, 9]
    assert core.reads == [5, 5, 8, 8]


def test_following_keeps_only_events_that_continue_the_cursor_in_order():
    six, seven, eight = asset_event(6, "a"), asset_event(7, "b"), asset_event(8, "c")
    in_order = _following(carried(seven, six, eight, seven), 5)
    assert [e.sequence for e in in_order or []] == [6, 7, 8]
    assert _following(carried(six, eight), 5) is None  # 7 missing
    assert _following(carried(seven), 5) is None  # 6 missing
    assert _following(carried(six), 6) == []  # already sent
    assert _following(None, 5) is None
    assert _following([b"\xff"], 5) is None
