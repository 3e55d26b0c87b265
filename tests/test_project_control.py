"""Cancelling and deleting projects, and the caller's usage (issue 15), through the real
gateway in front of real prompt, imagegen and refine services, NATS and Postgres.

Imagegen draws with `HeldGenerator`: the local engine behind a gate the test opens, one
drawing at a time (LOGOKRAFT_LOCAL_CONCURRENCY=1), so a project's first candidate is being
drawn (its provider call held) while the others wait queued: a cancel meets both kinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import httpx
import pytest

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft_dev.devtokens import dev_user_id
from logokraft_dev.sse import SseReader
from logokraft_domain.jobs import PROMPTS, REFINEMENTS, Queue
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from tests.support import (
    DEADLINE,
    GatewayStack,
    as_user,
    brand_brief,
    generator_stack,
    limits,
    png,
    projects_core,
    read_stream,
    rows,
    service_env,
    stored_files,
    wait_for,
)

pytestmark = pytest.mark.integration

DAY = 24 * 3600
DEV, BOB = dev_user_id("dev"), dev_user_id("bob")


class HeldGenerator:
    """The local engine, but every drawing waits for `gate` (or a pass: `let_one_through`);
    records starts and cancellations."""

    name = "local"
    takes_reference_images = False

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.passes: asyncio.Queue[None] = asyncio.Queue()
        self.started: asyncio.Queue[str] = asyncio.Queue()
        self.cancelled: asyncio.Queue[str] = asyncio.Queue()
        self._local = LocalLogoGenerator()

    def let_one_through(self) -> None:
        """Let one held drawing (the next one, if none is held) finish."""
        self.passes.put_nowait(None)

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.started.put_nowait(request.prompt)
        opened = asyncio.ensure_future(self.gate.wait())
        passed = asyncio.ensure_future(self.passes.get())
        try:
            await asyncio.wait({opened, passed}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self.cancelled.put_nowait(request.prompt)
            raise
        finally:
            opened.cancel()
            if not passed.done():
                passed.cancel()
        return await self._local.generate(request)


@dataclass
class Stack(GatewayStack):
    held: HeldGenerator

    async def create(self, count: int, user: str = "dev") -> httpx.Response:
        return await self.http.post(
            "/api/v1/projects",
            headers=self.auth(user),
            data={"brand_name": "Acme", "num_candidates": str(count)},
            files=[("inspiration_images", ("mood.png", png(), "image/png"))],
        )

    async def created(self, count: int, user: str = "dev") -> dict:
        response = await self.create(count, user)
        assert response.status_code == 202, response.text
        return response.json()

    async def usage(self, user: str = "dev") -> dict:
        response = await self.http.get("/api/v1/usage", headers=self.auth(user))
        assert response.status_code == 200, response.text
        return response.json()

    async def cancel(self, project_id: str, user: str = "dev") -> httpx.Response:
        return await self.http.post(
            f"/api/v1/projects/{project_id}/cancel", headers=self.auth(user)
        )

    async def delete(self, project_id: str, user: str = "dev") -> httpx.Response:
        return await self.http.delete(f"/api/v1/projects/{project_id}", headers=self.auth(user))

    async def assets(self, project_id: str) -> list[dict]:
        return await rows(
            self.database_url,
            "select * from generated_assets where project_id = %s order by position, created_at",
            [project_id],
        )

    async def ledger(self, project_id: str) -> int:
        """The project's images in the usage ledger (which outlives the project's rows)."""
        [row] = await rows(
            self.database_url,
            """
            select count(*) as n from image_usage u
            where u.asset_id = any(select id from generated_assets where project_id = %s)
            """,
            [project_id],
        )
        return int(row["n"])

    async def drawing_one_of(self, project_id: str, count: int) -> list[dict]:
        """Until the project's prompts are written and its first drawing is held."""
        await asyncio.wait_for(self.held.started.get(), DEADLINE)

        async def written() -> list[dict] | None:
            [project] = await rows(
                self.database_url, "select * from brand_projects where id = %s", [project_id]
            )
            assets = await self.assets(project_id)
            return assets if project["prompts_written"] and len(assets) == count else None

        assets = await wait_for(written, within=DEADLINE, what="the prompts")
        assert sorted(a["status"] for a in assets) == ["generating"] + ["queued"] * (count - 1)
        return assets

    async def settled(self, created: dict) -> list:
        """The project's stream read to its end (`done`)."""
        events = await read_stream(self.http, created["stream_url"])
        assert events[-1].event == "done", events
        return events


@pytest.fixture
async def stack(nats_server, database_url, namespace, tmp_path, limit_env) -> AsyncIterator[Stack]:
    data_dir = tmp_path / "data"
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    env |= {**limit_env, "LOGOKRAFT_LOCAL_CONCURRENCY": 1}
    held = HeldGenerator()
    async with generator_stack(env, held) as (services, http):
        yield Stack(http, services, database_url, data_dir, held)


# ---- cancel ---------------------------------------------------------------------------------


@limits(images_per_day=4, projects_in_flight=3)
async def test_cancel_stops_queued_and_in_flight_drawings_and_gives_back_the_quota(stack):
    created = await stack.created(3)
    project_id = created["project_id"]
    await stack.drawing_one_of(project_id, 3)
    assert (await stack.usage())["images_used"] == 3
    refused = await stack.create(3)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "daily_image_limit"
    stream = asyncio.create_task(read_stream(stack.http, created["stream_url"]))

    response = await stack.cancel(project_id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled"
    assert [a["status"] for a in body["assets"]] == ["cancelled"] * 3
    # The held provider call was abandoned: its task saw the cancellation.
    await asyncio.wait_for(stack.held.cancelled.get(), DEADLINE)
    events = await asyncio.wait_for(stream, DEADLINE)
    assert events[-1].event == "done"
    assert events[-1].data["status"] == "cancelled"
    assert events[-1].data["completed_assets"] == 0
    # The two images never drawn were given back; the one a provider was drawing still counts.
    assert await stack.ledger(project_id) == 1
    usage = await stack.usage()
    assert (usage["images_used"], usage["projects_in_flight"]) == (1, 0)

    # What was refused now fits, and draws; its completion also means every earlier job
    # (those of the cancelled candidates) was taken and dropped (one drawing at a time).
    stack.held.gate.set()
    second = await stack.created(3)
    done = (await stack.settled(second))[-1]
    assert (done.data["status"], done.data["completed_assets"]) == ("completed", 3)
    assert [a["status"] for a in await stack.assets(project_id)] == ["cancelled"] * 3
    assert stored_files(stack.data_dir, DEV, project_id) == []
    assert len(stored_files(stack.data_dir, DEV, second["project_id"])) == 6  # PNG + SVG each

    # A repeat is a no-op answering the cancelled project; a finished project is 409.
    [before] = await rows(
        stack.database_url, "select event_sequence from brand_projects where id = %s", [project_id]
    )
    again = await stack.cancel(project_id)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "cancelled"
    [after] = await rows(
        stack.database_url, "select event_sequence from brand_projects where id = %s", [project_id]
    )
    assert after == before
    finished = await stack.cancel(second["project_id"])
    assert finished.status_code == 409, finished.text
    error = finished.json()["error"]
    assert "already finished (completed)" in error["message"]
    assert "delete it" in error["message"]


async def refine(stack: Stack, asset_id: str, count: int = 1) -> httpx.Response:
    return await stack.http.post(
        f"/api/v1/assets/{asset_id}/refine",
        headers=stack.auth(),
        json={"instruction": "make it navy", "num_variations": count},
    )


async def test_a_cancelled_projects_logos_can_still_be_refined(stack):
    """ "Cancelled: 1 logo made": that logo is the user's, and refining it makes variations as
    it would in a finished project. The project is active again, then settles `completed`;
    its cancelled candidate stays cancelled and no more candidates are made for it."""
    # The refine service hears cancels once it has drawn anything: a refinement elsewhere
    # first, so that it remembers this project's cancel when the refinement below comes.
    stack.held.let_one_through()
    warm = await stack.created(1)
    await stack.settled(warm)
    [warm_asset] = await stack.assets(warm["project_id"])
    assert (await refine(stack, str(warm_asset["id"]))).status_code == 202

    created = await stack.created(2)
    project_id = created["project_id"]
    await asyncio.wait_for(stack.held.started.get(), DEADLINE)  # the warm-up's
    await asyncio.wait_for(stack.held.started.get(), DEADLINE)  # the first candidate
    stack.held.let_one_through()
    await asyncio.wait_for(stack.held.started.get(), DEADLINE)  # the second, held
    assert (await stack.cancel(project_id)).status_code == 200
    await asyncio.wait_for(stack.held.cancelled.get(), DEADLINE)
    events = await stack.settled(created)  # from a snapshot: the cancelled project, then done
    assert events[0].data["project"]["status"] == "cancelled"
    assert (events[-1].data["status"], events[-1].data["completed_assets"]) == ("cancelled", 1)
    made, cancelled = await stack.assets(project_id)
    assert (made["status"], cancelled["status"]) == ("completed", "cancelled")

    response = await refine(stack, str(made["id"]))

    assert response.status_code == 202, response.text
    [variation] = response.json()["variations"]
    assert variation["parent_asset_id"] == str(made["id"])
    # The variation is drawn (not abandoned for the project's earlier cancel, which the
    # refine service still remembers) and the project settles again.
    resumed = {"Last-Event-ID": str(events[0].id)}
    replay = await asyncio.wait_for(
        read_stream(stack.http, response.json()["stream_url"], **resumed), DEADLINE
    )
    statuses = [e.data["project"]["status"] for e in replay if e.event == "project"]
    assert statuses == ["generating", "completed"]
    done = replay[-1]
    assert done.event == "done", replay
    assert done.data == {
        "status": "completed",
        "completed_assets": 2,
        "failed_assets": 0,
        "deleted": False,
    }
    assets = {a["id"]: a["status"] for a in await stack.assets(project_id)}
    assert assets == {
        made["id"]: "completed",
        cancelled["id"]: "cancelled",
        uuid.UUID(variation["id"]): "completed",
    }
    assert (await stack.cancel(project_id)).status_code == 409  # finished again: completed


async def test_news_of_a_cancel_the_database_does_not_hold_abandons_no_drawing(stack, monkeypatch):
    """A cancel's news only says that a cancel came: late news of one from before a
    refinement re-opened the project must not abandon the new drawing (it would stay
    `generating`). A drawing hearing it asks the database, and draws on."""
    from logokraft_domain.asset_jobs import AssetJobs
    from logokraft_kit import bus

    asked = asyncio.Event()
    ask = AssetJobs._cancelled_since

    async def spied(self, user_id, asset):
        answer = await ask(self, user_id, asset)
        asked.set()
        return answer

    monkeypatch.setattr(AssetJobs, "_cancelled_since", spied)
    created = await stack.created(1)
    await asyncio.wait_for(stack.held.started.get(), DEADLINE)  # drawing, and listening

    infra = stack.services.prompt.infra  # news as the prompt service sends it
    await bus.publish_project_cancel(infra.nc, infra.subjects, created["project_id"])
    abandoned = asyncio.ensure_future(stack.held.cancelled.get())
    heard = asyncio.ensure_future(asked.wait())
    await asyncio.wait({abandoned, heard}, timeout=DEADLINE, return_when=asyncio.FIRST_COMPLETED)
    abandoned.cancel()
    heard.cancel()
    assert heard.done() and not heard.cancelled(), "the drawing did not ask the database"
    assert stack.held.cancelled.empty(), "the drawing was abandoned on the news alone"

    stack.held.let_one_through()
    events = await stack.settled(created)
    assert (events[-1].data["status"], events[-1].data["completed_assets"]) == ("completed", 1)


async def test_a_prompt_writer_still_running_adds_nothing_to_a_reopened_cancelled_project(
    stack,
):
    """A refinement re-opens a cancelled project (generating again); a prompt writer that was
    still writing its prompts when it was cancelled must not add candidates to it then."""
    from logokraft_domain import store
    from logokraft_prompt.adapters.base import WrittenPrompt

    created = await stack.created(2)
    project_id = uuid.UUID(created["project_id"])
    await stack.drawing_one_of(created["project_id"], 2)
    assert (await stack.cancel(created["project_id"])).status_code == 200
    infra = stack.services.prompt.infra
    async with infra.db.as_user(DEV) as conn:
        await store.reopen(conn, project_id)  # as a refinement of one of its logos does
    core = projects_core(stack.services.prompt)
    late = WrittenPrompt(index=1, text="a late prompt", spec=None)  # position 1 is free

    queued = await core._queue_candidates(DEV, project_id, [late], {})

    assert queued is False
    assert len(await stack.assets(created["project_id"])) == 2


class HeldWriter:
    """The local prompt writer (patched on its class), held before it yields prompt `before`
    until `release` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, before: int) -> None:
        from logokraft_prompt.adapters.local import LocalPromptWriter

        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        write = LocalPromptWriter.write_prompts
        held = self

        async def write_prompts(self, *args, **kwargs):
            async with contextlib.aclosing(write(self, *args, **kwargs)) as prompts:
                async for prompt in prompts:
                    if prompt.index == before:
                        held.holding.set()
                        await held.release.wait()
                    yield prompt

        monkeypatch.setattr(LocalPromptWriter, "write_prompts", write_prompts)


class HeldMaker:
    """The local variation maker (patched on its class): every variation waits for `release`;
    records starts and cancellations."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from logokraft_refine.adapters.local import LocalVariationMaker

        self.started: asyncio.Queue[None] = asyncio.Queue()
        self.cancelled: asyncio.Queue[None] = asyncio.Queue()
        self.release = asyncio.Event()
        make = LocalVariationMaker.make_variation
        held = self

        async def make_variation(self, *args, **kwargs):
            held.started.put_nowait(None)
            try:
                await held.release.wait()
            except asyncio.CancelledError:
                held.cancelled.put_nowait(None)
                raise
            return await make(self, *args, **kwargs)

        monkeypatch.setattr(LocalVariationMaker, "make_variation", make_variation)


async def drained(stack: Stack, queue: Queue) -> bool:
    """Whether the queue's consumer has nothing waiting and nothing unacknowledged."""
    infra = stack.services.prompt.infra
    durable = f"{infra.subjects.namespace}-{queue.durable}"
    info = await infra.js.consumer_info(infra.subjects.jobs_stream, durable)
    return info.num_pending == 0 and info.num_ack_pending == 0


@pytest.mark.parametrize("written", [0, 1], ids=["no-prompt-yet", "one-prompt-drawing"])
@limits(images_per_day=6, projects_in_flight=3)
async def test_cancel_while_the_prompts_are_still_being_written(stack, monkeypatch, written):
    """The prompt writer is slow: a cancel comes after `written` of three prompts. What was
    drawn stays counted, the rest is given back at once, and the writer, finishing later,
    queues nothing more."""
    writer = HeldWriter(monkeypatch, before=written)
    created = await stack.created(3)
    project_id = created["project_id"]
    await asyncio.wait_for(writer.holding.wait(), DEADLINE)
    if written:
        await asyncio.wait_for(stack.held.started.get(), DEADLINE)  # the first, being drawn
    assert (await stack.usage())["images_used"] == 3  # asked for, written or not

    response = await stack.cancel(project_id)

    assert response.status_code == 200, response.text
    assert [a["status"] for a in response.json()["assets"]] == ["cancelled"] * written
    done = (await stack.settled(created))[-1]
    assert (done.data["status"], done.data["completed_assets"]) == ("cancelled", 0)
    usage = await stack.usage()
    assert (usage["images_used"], usage["projects_in_flight"]) == (written, 0)
    writer.release.set()
    await wait_for(lambda: drained(stack, PROMPTS), within=DEADLINE, what="the prompt writer")
    assert [a["status"] for a in await stack.assets(project_id)] == ["cancelled"] * written
    assert (await stack.usage())["images_used"] == written
    assert await stack.ledger(project_id) == written


async def refining(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, count: int
) -> tuple[str, dict, httpx.Response, HeldMaker]:
    """A finished one-logo project whose logo is being refined into `count` variations, the
    first one held in its drawing (they are drawn one at a time): its id, its logo, the
    refine's answer and the held maker."""
    stack.held.gate.set()
    created = await stack.created(1)
    await stack.settled(created)
    project_id = created["project_id"]
    [parent] = await stack.assets(project_id)
    maker = HeldMaker(monkeypatch)
    refined = await refine(stack, str(parent["id"]), count)
    assert refined.status_code == 202, refined.text
    await asyncio.wait_for(maker.started.get(), DEADLINE)
    return project_id, parent, refined, maker


@limits(images_per_day=10, projects_in_flight=3)
async def test_cancel_with_a_refinement_in_flight(stack, monkeypatch):
    """A refinement re-opened a finished project; cancelling it cancels the variations,
    abandons the one being drawn, gives back those never drawn, and the logo refined stays
    the user's to refine again."""
    project_id, parent, refined, maker = await refining(stack, monkeypatch, 3)  # 1 drawn
    assert (await stack.usage())["images_used"] == 4
    stream = asyncio.create_task(read_stream(stack.http, refined.json()["stream_url"]))

    response = await stack.cancel(project_id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled"
    assert [a["status"] for a in body["assets"]] == ["completed"] + ["cancelled"] * 3
    await asyncio.wait_for(maker.cancelled.get(), DEADLINE)  # the drawing was abandoned
    done = (await asyncio.wait_for(stream, DEADLINE))[-1]
    assert done.data == {
        "status": "cancelled",
        "completed_assets": 1,
        "failed_assets": 0,
        "deleted": False,
    }
    usage = await stack.usage()
    assert (usage["images_used"], usage["projects_in_flight"]) == (2, 0)  # parent + the one
    maker.release.set()
    await wait_for(lambda: drained(stack, REFINEMENTS), within=DEADLINE, what="the refiner")
    statuses = [a["status"] for a in await stack.assets(project_id)]
    assert statuses == ["completed"] + ["cancelled"] * 3
    assert len(stored_files(stack.data_dir, DEV, project_id)) == 2  # the parent's PNG + SVG

    again = await refine(stack, str(parent["id"]), 1)

    assert again.status_code == 202, again.text
    done = (await asyncio.wait_for(stack.settled(again.json()), DEADLINE))[-1]
    assert (done.data["status"], done.data["completed_assets"]) == ("completed", 2)
    assert (await stack.usage())["images_used"] == 3


async def test_queued_variations_have_places_in_their_own_line(stack, monkeypatch):
    """Variations wait on the refine service's queue, first come, first served: a queued one
    carries its place in that line, never counting the candidates waiting for imagegen."""
    stack.held.gate.set()
    created = await stack.created(1)
    await stack.settled(created)
    [parent] = await stack.assets(created["project_id"])
    stack.held.gate.clear()
    waiting = await stack.created(2)  # candidates queued in imagegen's line meanwhile
    await stack.drawing_one_of(waiting["project_id"], 2)
    maker = HeldMaker(monkeypatch)
    refined = await refine(stack, str(parent["id"]), 3)
    assert refined.status_code == 202, refined.text
    await asyncio.wait_for(maker.started.get(), DEADLINE)  # one drawn at a time: two queued

    queued = [v["id"] for v in refined.json()["variations"]][1:]

    places = await asyncio.wait_for(places_of(stack, created["stream_url"], queued), DEADLINE)

    assert places == {queued[0]: 1, queued[1]: 2}
    maker.release.set()
    stack.held.gate.set()
    done = (await stack.settled(refined.json()))[-1]
    assert (done.data["status"], done.data["completed_assets"]) == ("completed", 4)


async def places_of(stack: Stack, url: str, ids: list[str]) -> dict[str, int]:
    """The places in line the project's stream gives these assets, from its snapshot or (the
    board it reads may be a moment old) the `queue` events after it, once it has them all."""
    places: dict[str, int] = {}
    reader = SseReader()
    async with stack.http.stream("GET", url, timeout=60) as response:
        assert response.status_code == 200
        async for event in reader.events(response):
            if event.event == "snapshot":
                assets = event.data["project"]["assets"]
                places = {a["id"]: a["queue_position"] for a in assets if a["queue_position"]}
            elif event.event == "queue":
                places = {p["asset_id"]: p["queue_position"] for p in event.data["positions"]}
            if set(ids) <= set(places):
                return places
    raise AssertionError(f"the stream ended before it placed {ids}")


# ---- delete ---------------------------------------------------------------------------------


async def test_delete_removes_rows_files_and_signed_urls(stack):
    stack.held.gate.set()
    created = await stack.created(2)
    project_id = created["project_id"]
    await stack.settled(created)
    project = (await stack.http.get(f"/api/v1/projects/{project_id}", headers=stack.auth())).json()
    url = project["assets"][0]["image_url"]
    assert (await stack.http.get(url)).status_code == 200
    refined = await stack.http.post(
        f"/api/v1/assets/{project['assets'][0]['id']}/refine",
        headers=stack.auth(),
        json={"instruction": "make it navy", "num_variations": 1},
    )
    assert refined.status_code == 202, refined.text
    variation_id = refined.json()["variations"][0]["id"]

    async def variation_done() -> bool:
        [row] = await rows(
            stack.database_url, "select status from generated_assets where id = %s", [variation_id]
        )
        return row["status"] == "completed"

    await wait_for(variation_done, within=DEADLINE, what="the variation")
    generated = stored_files(stack.data_dir, DEV, project_id)
    assert len(generated) == 6, generated  # two candidates and a variation, PNG + SVG each
    inspiration = stack.data_dir / "storage" / "inspiration-images" / str(DEV) / project_id
    assert any(inspiration.iterdir())
    # Another user's delete or cancel is a 404 and changes nothing.
    assert (await stack.delete(project_id, "bob")).status_code == 404
    assert (await stack.cancel(project_id, "bob")).status_code == 404

    response = await stack.delete(project_id)

    assert response.status_code == 204, response.text
    assert response.content == b""
    for table, column in (
        ("brand_projects", "id"),
        ("generated_assets", "project_id"),
        ("project_events", "project_id"),
    ):
        found = await rows(
            stack.database_url, f"select 1 from {table} where {column} = %s", [project_id]
        )
        assert found == [], table

    async def files_gone() -> bool:
        leftover = (
            [p for p in inspiration.rglob("*") if p.is_file()] if inspiration.exists() else []
        )
        return not stored_files(stack.data_dir, DEV, project_id) and not leftover

    await wait_for(files_gone, within=DEADLINE, what="the project's files to be removed")
    assert (await stack.http.get(url)).status_code == 404
    gone = await stack.http.get(f"/api/v1/projects/{project_id}", headers=stack.auth())
    assert gone.status_code == 404
    second = await stack.delete(project_id)
    assert second.status_code == 404
    assert second.json()["error"]["code"] == "not_found"


async def test_delete_of_a_project_in_flight_cancels_it_first(stack):
    created = await stack.created(2)
    project_id = created["project_id"]
    assets = await stack.drawing_one_of(project_id, 2)

    assert (await stack.delete(project_id)).status_code == 204

    await asyncio.wait_for(stack.held.cancelled.get(), DEADLINE)
    # The queued candidate was given back; the one being drawn stays counted.
    [ledger] = await rows(
        stack.database_url,
        "select count(*) as n from image_usage where asset_id = any(%s)",
        [[a["id"] for a in assets]],
    )
    assert ledger["n"] == 1
    # Later jobs find nothing to draw, and nothing is stored for the deleted project.
    stack.held.gate.set()
    await stack.settled(await stack.created(1))
    assert stored_files(stack.data_dir, DEV, project_id) == []
    assert (
        await rows(
            stack.database_url,
            "select 1 from generated_assets where id = any(%s)",
            [[a["id"] for a in assets]],
        )
        == []
    )


async def test_a_stream_open_during_a_delete_ends_with_the_cancels_done(stack):
    """README: deleting cancels first. A client watching the project gets the cancel's
    `done` (status cancelled, `deleted`) before its stream closes, not a cut connection."""
    created = await stack.created(2)
    project_id = created["project_id"]
    await stack.drawing_one_of(project_id, 2)
    events: list = []
    watching = asyncio.Event()

    async def follow() -> list:
        reader = SseReader()
        async with stack.http.stream("GET", created["stream_url"], timeout=60) as response:
            assert response.status_code == 200
            async for event in reader.events(response):
                events.append(event)
                watching.set()
        return events

    stream = asyncio.create_task(follow())
    await asyncio.wait_for(watching.wait(), DEADLINE)  # the snapshot: the watch is live
    assert events[0].event == "snapshot"

    assert (await stack.delete(project_id)).status_code == 204

    await asyncio.wait_for(stream, DEADLINE)
    done = events[-1]
    assert done.event == "done", events
    assert done.data == {
        "status": "cancelled",
        "completed_assets": 0,
        "failed_assets": 0,
        "deleted": True,
    }
    if done.id is not None:  # the cancel's own, recorded one (as nearly always)
        assert done.id > events[0].id
        cancelled = {e.data["asset"]["id"] for e in events if e.event == "asset"}
        assert len(cancelled) == 2  # both candidates' cancellations came before it
    # else the rows went before the cancel's `done` reached the stream: the gateway's own
    # `done`, the same with no id (README), as a loaded machine sometimes orders them.
    gone = await stack.http.get(created["stream_url"])
    assert gone.status_code == 404


async def test_delete_with_a_refinement_in_flight(stack, monkeypatch):
    """Deleting a project re-opened by a refinement ends its stream with the deleted `done`,
    and the variation being drawn, finishing later, leaves no row or file behind."""
    project_id, _, refined, maker = await refining(stack, monkeypatch, 2)
    stream = asyncio.create_task(read_stream(stack.http, refined.json()["stream_url"]))

    assert (await stack.delete(project_id)).status_code == 204

    done = (await asyncio.wait_for(stream, DEADLINE))[-1]
    assert (done.data["status"], done.data["deleted"]) == ("cancelled", True)
    maker.release.set()
    await wait_for(lambda: drained(stack, REFINEMENTS), within=DEADLINE, what="the refiner")
    assert await stack.assets(project_id) == []
    assert stored_files(stack.data_dir, DEV, project_id) == []
    assert (await stack.usage())["images_used"] == 2  # the parent and the variation drawn


# ---- usage ----------------------------------------------------------------------------------


@limits(images_per_day=10, projects_in_flight=2)
async def test_usage_counts_images_and_projects_and_when_the_day_resets(stack):
    fresh = await stack.usage()
    assert fresh == {
        "images_used": 0,
        "images_limit": 10,
        "projects_in_flight": 0,
        "projects_in_flight_limit": 2,
        "window_seconds": DAY,
        "resets_at": None,
    }
    before = dt.datetime.now(dt.UTC)
    created = await stack.created(3)
    await stack.drawing_one_of(created["project_id"], 3)
    after = dt.datetime.now(dt.UTC)

    usage = await stack.usage()

    assert (usage["images_used"], usage["projects_in_flight"]) == (3, 1)
    resets_at = dt.datetime.fromisoformat(usage["resets_at"])
    day = dt.timedelta(seconds=DAY)
    assert before + day - dt.timedelta(seconds=1) <= resets_at <= after + day
    # The oldest counted image sets it: an older one (seeded 20 h ago) leaves the window first.
    await rows(
        stack.database_url,
        "insert into image_usage (asset_id, user_id, created_at)"
        " values (%s, %s, now() - interval '20 hours') returning asset_id",
        [uuid.uuid4(), DEV],
    )
    usage = await stack.usage()
    assert usage["images_used"] == 4
    resets_at = dt.datetime.fromisoformat(usage["resets_at"])
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(hours=4)
    assert abs((resets_at - expected).total_seconds()) < 60
    # Another user's usage is their own.
    assert (await stack.usage("bob"))["images_used"] == 0
    assert (await stack.usage("bob"))["resets_at"] is None


# ---- the same over gRPC ---------------------------------------------------------------------


async def test_control_over_grpc(stack):
    project_id = str(uuid.uuid4())
    await stack.prompt.CreateProject(
        pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=2)),
        metadata=as_user("dev"),
    )
    await stack.drawing_one_of(project_id, 2)
    usage = (await stack.prompt.GetUsage(pb.GetUsageRequest(), metadata=as_user("dev"))).usage
    assert (usage.images_used, usage.projects_in_flight, usage.window_seconds) == (2, 1, DAY)
    assert usage.HasField("resets_at")
    bob = (await stack.prompt.GetUsage(pb.GetUsageRequest(), metadata=as_user("bob"))).usage
    assert (bob.images_used, bob.HasField("resets_at")) == (0, False)

    for call, request in (
        (stack.prompt.CancelProject, pb.CancelProjectRequest(project_id=project_id)),
        (stack.prompt.DeleteProject, pb.DeleteProjectRequest(project_id=project_id)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as foreign:
            await call(request, metadata=as_user("bob"))
        assert foreign.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as malformed:
        await stack.prompt.CancelProject(
            pb.CancelProjectRequest(project_id="nope"), metadata=as_user("dev")
        )
    assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    for _ in range(2):  # a repeat answers the same
        cancelled = await stack.prompt.CancelProject(
            pb.CancelProjectRequest(project_id=project_id), metadata=as_user("dev")
        )
        assert cancelled.project.status == common_pb2.PROJECT_STATUS_CANCELLED
        assert {a.status for a in cancelled.project.assets} == {common_pb2.ASSET_STATUS_CANCELLED}
    watch = stack.prompt.WatchProject(
        pb.WatchProjectRequest(project_id=project_id), metadata=as_user("dev"), timeout=DEADLINE
    )
    events = [response.event async for response in watch]
    assert events[-1].done.status == common_pb2.PROJECT_STATUS_CANCELLED

    await stack.prompt.DeleteProject(
        pb.DeleteProjectRequest(project_id=project_id), metadata=as_user("dev")
    )
    for call, request in (
        (stack.prompt.DeleteProject, pb.DeleteProjectRequest(project_id=project_id)),
        (stack.prompt.GetProject, pb.GetProjectRequest(project_id=project_id)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as gone:
            await call(request, metadata=as_user("dev"))
        assert gone.value.code() == grpc.StatusCode.NOT_FOUND

    # A finished project cannot be cancelled.
    stack.held.gate.set()
    finished_id = str(uuid.uuid4())
    await stack.prompt.CreateProject(
        pb.CreateProjectRequest(project_id=finished_id, brief=brand_brief(count=1)),
        metadata=as_user("dev"),
    )
    watch = stack.prompt.WatchProject(
        pb.WatchProjectRequest(project_id=finished_id), metadata=as_user("dev"), timeout=DEADLINE
    )
    assert [r.event async for r in watch][-1].done.status == common_pb2.PROJECT_STATUS_COMPLETED
    with pytest.raises(grpc.aio.AioRpcError) as finished:
        await stack.prompt.CancelProject(
            pb.CancelProjectRequest(project_id=finished_id), metadata=as_user("dev")
        )
    assert finished.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "already finished" in finished.value.details()
