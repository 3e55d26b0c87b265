"""Prompt writing and image generation across real NATS, Postgres and the in-process services."""

from __future__ import annotations

import asyncio
import io
import uuid

import grpc
import psycopg
import pytest
from PIL import Image

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft_dev.devtokens import dev_user_id
from logokraft_domain import events, store
from logokraft_domain.records import event_from_log
from logokraft_kit.db import Database
from logokraft_prompt.adapters.base import WrittenPrompt
from logokraft_prompt.adapters.local import LocalPromptWriter
from logokraft_prompt.config import PromptSettings
from tests.support import (
    as_user,
    brand_brief,
    create_over_grpc,
    new_project_id,
    projects_core,
    rows,
    watch_over_grpc,
)

pytestmark = pytest.mark.integration


async def test_project_streams_every_candidate_to_done(services):
    project_id = await create_over_grpc(services, count=3)
    events = await watch_over_grpc(services, project_id)

    assert events[0].HasField("snapshot")
    assert events[-1].HasField("done")
    assert events[-1].done.completed_assets == 3
    # `queue` events are not recorded: they repeat the latest sequence.
    sequences = [e.sequence for e in events[1:-1] if not e.HasField("queue")]
    assert sequences == sorted(set(sequences)), "event ids must increase without repeats"
    statuses: dict[str, list[int]] = {}
    for event in events:
        if event.HasField("asset"):
            statuses.setdefault(event.asset.id, []).append(event.asset.status)
    assert len(statuses) == 3
    for history in statuses.values():
        assert history[-1] == common_pb2.ASSET_STATUS_COMPLETED
        assert common_pb2.ASSET_STATUS_GENERATING in history

    project = (
        await services.prompt_stub.GetProject(
            pb.GetProjectRequest(project_id=project_id), metadata=as_user("dev")
        )
    ).project
    assert project.status == common_pb2.PROJECT_STATUS_COMPLETED
    storage = services.prompt.infra.storage
    for asset in project.assets:
        png = await storage.get(asset.image.bucket, asset.image.path)
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG"
            assert image.size == (asset.width, asset.height) == (1024, 1024)


async def test_a_watch_streams_exactly_the_recorded_events(services, database_url):
    """Watches follow the events their news carries (without reading them back): what they
    stream is still exactly what the event log recorded, in order, none missing."""
    project_id = await create_over_grpc(services, count=4)
    streamed = await watch_over_grpc(services, project_id)

    logged = {
        row["sequence"]: event_from_log(row)
        for row in await rows(
            database_url, "select * from project_events where project_id = %s", [project_id]
        )
    }
    opened_at = streamed[0].sequence
    recorded = [e for e in streamed[1:] if not e.HasField("queue")]
    assert [e.sequence for e in recorded] == sorted(s for s in logged if s > opened_at)
    for event in recorded:
        assert event == logged[event.sequence]
    assert recorded[-1].HasField("done")


async def test_the_sequence_board_says_which_quiet_watches_must_read_the_log(
    services, database_url
):
    project_id = await create_over_grpc(services, count=2)
    await watch_over_grpc(services, project_id)  # to its end: nothing moves any more
    [project] = await rows(
        database_url,
        "update brand_projects set status = 'generating' where id = %s returning event_sequence",
        [project_id],
    )
    latest = project["event_sequence"]
    board = events.SequenceBoard(services.prompt.infra.db, max_age_s=0)

    with board.watching(project_id):
        assert await board.moved_past(project_id, latest - 1)
        assert not await board.moved_past(project_id, latest)
        gone = str(uuid.uuid4())  # not (or no longer) a project: the log read will say
        assert await board.moved_past(gone, latest)
        # Settled without a `done` recorded (by hand): its watches read, and end.
        await rows(
            database_url,
            "update brand_projects set status = 'completed' where id = %s returning id",
            [project_id],
        )
        assert await board.moved_past(project_id, latest)
    assert board._watched == {}


async def test_resuming_after_a_sequence_replays_exactly_the_rest(services):
    project_id = await create_over_grpc(services, count=2)
    full = await watch_over_grpc(services, project_id)
    logged = [e for e in full[1:] if e.sequence > 0 and not e.HasField("queue")]
    middle = logged[len(logged) // 2].sequence

    resumed = await watch_over_grpc(services, project_id, after=middle)

    assert [e.sequence for e in resumed if not e.HasField("done") and not e.HasField("queue")] == [
        e.sequence for e in logged if e.sequence > middle and not e.HasField("done")
    ]
    assert resumed[-1].HasField("done")


async def test_another_user_cannot_see_the_project(services):
    project_id = await create_over_grpc(services, user="dev", count=1)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await services.prompt_stub.GetProject(
            pb.GetProjectRequest(project_id=project_id), metadata=as_user("bob")
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    listing = await services.prompt_stub.ListProjects(
        pb.ListProjectsRequest(), metadata=as_user("bob")
    )
    assert listing.projects == []


async def test_rls_hides_rows_even_without_a_filter(services, database_url):
    project_id = await create_over_grpc(services, user="dev", count=1)
    db = Database(database_url)
    await db.open()
    try:
        async with db.as_user(dev_user_id("bob")) as conn:
            cursor = await conn.execute("select id from brand_projects")  # no where clause
            assert await cursor.fetchall() == []
            cursor = await conn.execute(
                "update brand_projects set brand_name = 'pwned' returning id"
            )
            assert await cursor.fetchall() == []
        async with db.as_user(dev_user_id("dev")) as conn:
            cursor = await conn.execute("select id, brand_name from brand_projects")
            rows = await cursor.fetchall()
        assert [(str(r["id"]), r["brand_name"]) for r in rows] == [(project_id, "Acme Roasters")]
    finally:
        await db.close()


async def test_the_list_counts_each_projects_logos_in_one_page_query(services, database_url):
    """ListProjects carries each project's asset counts (its assets are not listed): candidates
    by outcome and variations, per project and only the caller's, on every page."""
    first = await create_over_grpc(services, count=3)
    second = await create_over_grpc(services, count=1)
    others = await create_over_grpc(services, user="bob", count=2)
    for project_id, user in ((first, "dev"), (second, "dev"), (others, "bob")):
        assert (await watch_over_grpc(services, project_id, user=user))[-1].HasField("done")
    # Outcomes the local provider does not make, set by hand: a failed and a cancelled
    # candidate, and variations of the one left (completed, failed, queued).
    made, failed, cancelled = await rows(
        database_url,
        "select * from generated_assets where project_id = %s order by position",
        [first],
    )
    await rows(
        database_url,
        "update generated_assets set status = case id when %s then 'failed'::asset_status"
        " else 'cancelled'::asset_status end where id in (%s, %s) returning id",
        [failed["id"], failed["id"], cancelled["id"]],
    )
    for position, status in enumerate(("completed", "failed", "queued")):
        await rows(
            database_url,
            "insert into generated_assets (project_id, user_id, parent_asset_id, position, status)"
            " values (%s, %s, %s, %s, %s) returning id",
            [first, made["user_id"], made["id"], position, status],
        )

    listed = {}
    token = ""
    while True:  # one project a page: the counts come with each page
        page = await services.prompt_stub.ListProjects(
            pb.ListProjectsRequest(page_size=1, page_token=token), metadata=as_user("dev")
        )
        listed |= {p.id: p for p in page.projects}
        token = page.next_page_token
        if not token:
            break

    assert list(listed) == [second, first]  # newest first; bob's is not dev's
    assert all(not p.assets for p in listed.values())
    assert listed[first].asset_counts == common_pb2.AssetCounts(
        candidates_completed=1,
        candidates_failed=1,
        candidates_cancelled=1,
        variations=3,
        variations_completed=1,
        variations_failed=1,
    )
    assert listed[second].asset_counts == common_pb2.AssetCounts(candidates_completed=1)
    [bobs] = (
        await services.prompt_stub.ListProjects(pb.ListProjectsRequest(), metadata=as_user("bob"))
    ).projects
    assert (bobs.id, bobs.asset_counts) == (others, common_pb2.AssetCounts(candidates_completed=2))


async def test_the_lists_counts_read_only_the_pages_assets(database_url):
    """EXPLAIN of the list under RLS, for a user with many assets: the page is chosen first
    (LIMIT under the join), then each project's assets are one range of the counts index,
    not the caller's every asset (generated_assets_user_idx) again for each project."""
    user = dev_user_id("dev")
    await rows(
        database_url,
        "insert into brand_projects (user_id, brand_name, num_candidates)"
        " select case when g %% 4 = 0 then %s::uuid else gen_random_uuid() end, 'x', 3"
        " from generate_series(1, 4000) g returning id",
        [user],
    )
    await rows(
        database_url,
        "insert into generated_assets (project_id, user_id, position, status)"
        " select p.id, p.user_id, k, 'completed' from brand_projects p, generate_series(0, 2) k"
        " returning id",
    )
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("analyze brand_projects")
        await conn.execute("analyze generated_assets")
    db = Database(database_url)
    await db.open()
    try:
        async with db.as_user(user) as conn:
            query = store._LIST_PROJECTS.format(where="")
            cursor = await conn.execute("explain (costs off) " + query, {"limit": 21})
            plan = "\n".join(next(iter(row.values())) for row in await cursor.fetchall())
    finally:
        await db.close()
    assert plan.startswith("Nested Loop"), plan
    assert "Limit" in plan.split("Aggregate")[0], plan  # the page, before any asset is read
    assert "brand_projects_user_created_idx" in plan, plan
    assert "generated_assets_project_user_counts_idx" in plan, plan
    assert "generated_assets_user_idx" not in plan, plan


async def test_creating_the_same_project_twice_makes_one_project(services):
    project_id = new_project_id()
    request = pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=2))
    await services.prompt_stub.CreateProject(request, metadata=as_user("dev"))
    await services.prompt_stub.CreateProject(request, metadata=as_user("dev"))
    events = await watch_over_grpc(services, project_id)
    assert events[-1].done.completed_assets == 2
    listing = await services.prompt_stub.ListProjects(
        pb.ListProjectsRequest(), metadata=as_user("dev")
    )
    assert [p.id for p in listing.projects] == [project_id]


async def test_a_project_id_reused_for_another_brief_is_already_exists(services):
    """A repeat answers the stored project; another request under its id must not be
    answered with it as if it had been made (the new brief would be dropped unsaid)."""
    project_id = new_project_id()
    stub = services.prompt_stub
    first = pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=1))
    created = await stub.CreateProject(first, metadata=as_user("dev"))
    other_briefs = [brand_brief(name="Other Roasters", count=1), brand_brief(count=2)]
    with_images = pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=1))
    with_images.inspiration_images.add(
        bucket="inspiration-images", path=f"{dev_user_id('dev')}/{project_id}/1.png"
    )
    for request in [
        *(pb.CreateProjectRequest(project_id=project_id, brief=b) for b in other_briefs),
        with_images,
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateProject(request, metadata=as_user("dev"))
        assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert "with a new project_id" in refused.value.details()
    repeat = await stub.CreateProject(first, metadata=as_user("dev"))
    assert repeat.project.id == created.project.id == project_id
    assert repeat.project.brief.brand_name == "Acme Roasters"


async def test_bad_requests_are_invalid_arguments(services):
    stub = services.prompt_stub
    cases = [
        pb.CreateProjectRequest(project_id="not-a-uuid", brief=brand_brief()),
        pb.CreateProjectRequest(project_id=new_project_id(), brief=brand_brief(count=0)),
        pb.CreateProjectRequest(project_id=new_project_id(), brief=brand_brief(name="")),
    ]
    for request in cases:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.CreateProject(request, metadata=as_user("dev"))
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProject(pb.GetProjectRequest(project_id=new_project_id()))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProject(
            pb.GetProjectRequest(project_id=str(uuid.uuid4())), metadata=as_user("dev")
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


class GatedWriter:
    """Writes the first prompt, then waits until the test says go before writing the rest."""

    name = "local"
    wants_inspiration_palette = True  # as the local writer it writes with

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self._inner = LocalPromptWriter()

    async def write_prompts(self, brief, *, count, inspiration=()):
        async for written in self._inner.write_prompts(brief, count=count):
            yield written
            if written.index == 0:
                await asyncio.wait_for(self.go.wait(), 30)


async def test_first_image_starts_before_the_last_prompt_is_written(
    nats_server, database_url, namespace, data_dir
):
    from logokraft_imagegen import server as imagegen_server
    from logokraft_imagegen.config import ImagegenSettings
    from logokraft_prompt import server as prompt_server
    from tests.support import service_env

    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    writer = GatedWriter()
    prompt = await prompt_server.start(PromptSettings(**env), address="127.0.0.1:0", writer=writer)
    imagegen = await imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}")
    try:
        from logokraft.v1 import prompt_service_pb2_grpc

        stub = prompt_service_pb2_grpc.PromptServiceStub(channel)
        project_id = new_project_id()
        await stub.CreateProject(
            pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=3)),
            metadata=as_user("dev"),
        )
        call = stub.WatchProject(
            pb.WatchProjectRequest(project_id=project_id), metadata=as_user("dev"), timeout=60
        )
        async for response in call:
            event = response.event
            completed = event.asset.status == common_pb2.ASSET_STATUS_COMPLETED
            if event.HasField("asset") and completed and not writer.go.is_set():
                # the first candidate is done while prompts 2 and 3 are still unwritten
                assert event.asset.position == 0
                writer.go.set()
            if event.HasField("done"):
                assert event.done.completed_assets == 3
        assert writer.go.is_set()
    finally:
        writer.go.set()
        await channel.close()
        await imagegen.stop(grace=1)
        await prompt.stop(grace=1)


async def test_prompts_that_arrive_together_are_queued_in_one_transaction(services, database_url):
    # The local writer plans every prompt up front and hands them over back to back: they are
    # stored in one transaction (one created_at, now() being the transaction's start) and told
    # to watchers in one news message, while a writer that waits between prompts (the test
    # above) still gets its first candidate drawn before the rest are written.
    project_id = await create_over_grpc(services, count=4)
    events = await watch_over_grpc(services, project_id)
    assert events[-1].done.completed_assets == 4
    candidates = await rows(
        database_url,
        "select position, created_at from generated_assets where project_id = %s order by position",
        [project_id],
    )
    assert [c["position"] for c in candidates] == [0, 1, 2, 3]
    assert len({c["created_at"] for c in candidates}) == 1
    queued = await rows(
        database_url,
        "select sequence from project_events where project_id = %s and kind = 'asset'"
        " and payload->>'status' = 'ASSET_STATUS_QUEUED' order by sequence",
        [project_id],
    )
    assert len(queued) == 4
    assert [q["sequence"] for q in queued] == list(
        range(queued[0]["sequence"], queued[0]["sequence"] + 4)
    )


def test_written_prompt_is_a_value():
    assert WrittenPrompt(index=0, text="x", spec=None) == WrittenPrompt(0, "x", None)


async def test_a_project_settled_between_two_reads_still_streams_its_last_events(
    services, database_url, monkeypatch
):
    """The watch reads the event log and the project's status in one snapshot: a project that
    settles between the two reads must not end the stream with a `done` that skips events."""
    from logokraft_domain import events, store
    from logokraft_prompt import core as prompt_core

    project_id = await create_over_grpc(services, count=1)
    await watch_over_grpc(services, project_id)
    pid, user = uuid.UUID(project_id), dev_user_id("dev")
    infra = services.prompt.infra
    async with infra.db.as_user(user) as conn:
        (asset,) = await store.list_assets(conn, pid)
        await store.update_asset(conn, asset["id"], status="generating")
        await store.reopen(conn, pid)
        cursor = (await store.get_project(conn, pid))["event_sequence"]

    real_events_after = events.events_after
    settled = False

    async def events_after_then_settle(conn, project, after):
        nonlocal settled
        rows = await real_events_after(conn, project, after)
        if not rows and not settled:  # another worker finishes the project right now
            settled = True
            async with infra.db.as_user(user) as other:
                await store.update_asset(other, asset["id"], status="completed")
                assert await store.settle_if_done(other, pid)
        return rows

    monkeypatch.setattr(prompt_core.events, "events_after", events_after_then_settle)
    core = projects_core(services.prompt)

    events, done = await core._events_after(user, pid, cursor)
    assert (events, done) == ([], None), "a done now would skip the asset's completion"
    events, done = await core._events_after(user, pid, cursor)
    assert [e.WhichOneof("change") for e in events] == ["asset", "project", "done"]
    assert events[0].asset.status == common_pb2.ASSET_STATUS_COMPLETED
