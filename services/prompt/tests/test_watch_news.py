"""A watch follows news that carries its events, and reads the log for anything else.

The loop of ProjectsCore._watch with its reads replaced: the opening and the log are
scripted, and so is the news (what bus.ProjectNews.take would hand over). Signature checks
are bus.ProjectNews's (libs/kit/tests/test_bus_news.py); the stream's content against a real
stack is tests/test_pipeline.py's.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from logokraft.v1 import common_pb2
from logokraft_kit.errors import NotFound
from logokraft_prompt.core import Deps, ProjectsCore, _following

PROJECT = uuid.uuid4()
USER = uuid.uuid4()


def asset_event(sequence: int, name: str) -> common_pb2.ProjectEvent:
    asset = common_pb2.Asset(id=name, status=common_pb2.ASSET_STATUS_GENERATING)
    return common_pb2.ProjectEvent(sequence=sequence, asset=asset)


def done_event(sequence: int) -> common_pb2.ProjectEvent:
    done = common_pb2.ProjectDone(status=common_pb2.PROJECT_STATUS_COMPLETED)
    return common_pb2.ProjectEvent(sequence=sequence, done=done)


def deleted_done(sequence: int) -> common_pb2.ProjectEvent:
    """The `done` of the cancel a delete of a project in flight sends (control.py)."""
    done = common_pb2.ProjectDone(
        status=common_pb2.PROJECT_STATUS_CANCELLED, completed_assets=1, deleted=True
    )
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
        return [] if taken == "none" else taken  # type: ignore[return-value]


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

    gone = False  # the project was deleted: a read of its log finds nothing

    async def _events_after(self, user_id, project_id, cursor):
        self.reads.append(cursor)
        if self.gone:
            raise NotFound(f"project {project_id} not found")
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


async def test_a_deleted_project_carried_in_order_ends_with_its_done_without_a_read():
    core = ScriptedCore([])
    news = ScriptedNews(carried(asset_event(6, "a"), deleted_done(7)))

    async def deleted_meanwhile(poll_s: float) -> bool:
        core.gone = True  # its log went with it
        return await ScriptedNews.wait(news, poll_s)

    news.wait = deleted_meanwhile  # type: ignore[method-assign]
    events = [e async for e in core._watch(USER, PROJECT, 0, news)]  # type: ignore[arg-type]

    assert [e.sequence for e in events] == [5, 6, 7]
    assert events[-1].done.deleted and events[-1].done.completed_assets == 1
    assert core.reads == [5]  # the read after the opening only


async def test_a_gap_before_a_deleted_projects_done_still_ends_with_it():
    """The log read the gap asks for finds the project gone: the news's done ends the watch."""
    core = ScriptedCore([])
    news = ScriptedNews(carried(asset_event(7, "b"), deleted_done(8)))  # 6 missed

    async def deleted_meanwhile(poll_s: float) -> bool:
        core.gone = True
        return await ScriptedNews.wait(news, poll_s)

    news.wait = deleted_meanwhile  # type: ignore[method-assign]
    events = [e async for e in core._watch(USER, PROJECT, 0, news)]  # type: ignore[arg-type]

    assert [e.sequence for e in events] == [5, 8]
    assert events[-1].done.deleted
    assert core.reads == [5, 5]


async def test_a_done_that_comes_while_the_gone_log_is_read_ends_the_watch():
    core = ScriptedCore([])
    news = ScriptedNews(None)  # bare news: read the log

    async def read_while_the_delete_news_comes(user_id, project_id, cursor):
        core.reads.append(cursor)
        if len(core.reads) > 1:
            news._pending = carried(deleted_done(9))  # arrives during the read
            raise NotFound(f"project {project_id} not found")
        return [], None

    core._events_after = read_while_the_delete_news_comes  # type: ignore[method-assign]
    events = [e async for e in core._watch(USER, PROJECT, 0, news)]  # type: ignore[arg-type]

    assert [e.sequence for e in events] == [5, 9] and events[-1].done.deleted


async def test_a_project_gone_without_a_done_in_the_news_ends_the_watch_with_not_found():
    core = ScriptedCore([])
    news = ScriptedNews(None)

    async def deleted_meanwhile(poll_s: float) -> bool:
        core.gone = True
        return await ScriptedNews.wait(news, poll_s)

    news.wait = deleted_meanwhile  # type: ignore[method-assign]
    with pytest.raises(NotFound):
        await asyncio.wait_for(watch(core, news), 5)
