"""Fair scheduling across real NATS, Postgres and the in-process services (issue 15).

A burst of projects queued before imagegen starts is drawn first logos first: every
project's position-0 candidate before any later candidate, each lane in the order the
projects were made. A refinement does not wait behind the burst (refine has its own
queue), and the project stream tells each queued candidate its place in line, over gRPC
and over the gateway's SSE (`queue` events, without an id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator

import grpc
import httpx
import pytest

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.devtokens import dev_token
from logokraft_dev.sse import SseEvent, SseReader
from logokraft_domain.asset_jobs import AssetJobs
from logokraft_domain.jobs import FIRST_IMAGES, IMAGES, DrawCandidate
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_kit.service import ServiceRuntime
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings
from tests.support import (
    DEADLINE,
    Services,
    as_user,
    create_over_grpc,
    rows,
    serve_gateway,
    service_env,
    wait_for,
)

pytestmark = pytest.mark.integration

BURST = ["dev", "bob", "dev", "bob", "dev"]  # owners of the burst's projects, in order
CANDIDATES = 4


class RecordingGenerator:
    """The local engine, noting the order of its drawings; each waits for a turn the test
    gives (`let_through`), so the test, not the machine's speed, says how far the queue moved."""

    name = "local"
    takes_reference_images = False

    def __init__(self) -> None:
        self.seeds: list[int] = []  # ImageRequest.seed: the asset's id, as imagegen derives it
        self.drawing = asyncio.Event()
        self._turns = asyncio.Semaphore(0)
        self._inner = LocalLogoGenerator()

    def let_through(self, drawings: int) -> None:
        for _ in range(drawings):
            self._turns.release()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.seeds.append(request.seed)
        self.drawing.set()
        await self._turns.acquire()
        return await self._inner.generate(request)


def seed_of(asset_id: uuid.UUID | str) -> int:
    """The seed imagegen draws an asset with (its core derives it from the asset's id)."""
    return uuid.UUID(str(asset_id)).int % 2**31


@pytest.fixture
def env(nats_server, database_url, namespace, data_dir) -> dict:
    return {
        **service_env(
            nats_url=nats_server.url,
            database_url=database_url,
            namespace=namespace,
            data_dir=data_dir,
        ),
        "LOGOKRAFT_LIMIT_PROJECTS_IN_FLIGHT": "0",  # a burst: several projects per user
        "LOGOKRAFT_LOCAL_CONCURRENCY": "1",  # one drawing at a time: the order is the schedule
    }


@contextlib.asynccontextmanager
async def started(runtime_start) -> AsyncIterator[ServiceRuntime]:
    runtime = await runtime_start
    try:
        yield runtime
    finally:
        await runtime.stop(grace=1)


async def candidates(database_url: str, project_id: str) -> list[dict]:
    return await rows(
        database_url,
        "select id, position, status, created_at from generated_assets"
        " where project_id = %s and parent_asset_id is null order by position",
        [project_id],
    )


async def queue_project(services: Services, user: str) -> str:
    """A project of CANDIDATES candidates, once all of them are queued (so the burst's
    projects are queued one after the other, as a user's projects made in order are)."""
    project_id = await create_over_grpc(services, user=user, count=CANDIDATES)

    async def queued() -> bool:
        assets = await candidates(services.env["DATABASE_URL"], project_id)
        return [a["status"] for a in assets] == ["queued"] * CANDIDATES

    await wait_for(queued, within=DEADLINE, what=f"the candidates of {project_id} queued")
    return project_id


async def settled(database_url: str, project_id: str) -> None:
    async def done() -> bool:
        [project] = await rows(
            database_url, "select status from brand_projects where id = %s", [project_id]
        )
        return project["status"] in ("completed", "failed")

    await wait_for(done, within=DEADLINE, what=f"project {project_id} to settle")


def places(event: common_pb2.ProjectEvent, position_of: dict[str, int]) -> dict[int, int]:
    """Candidate position -> place in line, from a snapshot or a `queue` event."""
    if event.HasField("snapshot"):
        return {a.position: a.queue_position for a in event.snapshot.assets if a.queue_position}
    return {position_of[p.asset_id]: p.queue_position for p in event.queue.positions}


async def test_first_logos_come_first_and_refinements_do_not_wait(env):
    database_url = env["DATABASE_URL"]
    async with (
        started(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as prompt,
        started(refine_server.start(RefineSettings(**env), address="127.0.0.1:0")) as refine,
        grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}") as channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{refine.port}") as refine_channel,
    ):
        # A logo to refine later, drawn while imagegen runs; then imagegen goes away.
        async with started(
            imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")
        ) as imagegen:
            services = Services(
                prompt, imagegen, refine, channel, refine_channel, env["LOGOKRAFT_DATA_DIR"], env
            )
            parent_project = await create_over_grpc(services, count=1)
            await settled(database_url, parent_project)
        [parent] = await candidates(database_url, parent_project)

        # The burst, queued while no imagegen runs.
        burst = [await queue_project(services, user) for user in BURST]
        owner = dict(zip(burst, BURST, strict=True))
        last = burst[-1]
        position_of = {str(a["id"]): a["position"] for a in await candidates(database_url, last)}

        # A refinement behind the whole burst is drawn by refine alone.
        call = services.refine_stub.RefineAsset(
            refine_pb.RefineAssetRequest(
                asset_id=str(parent["id"]), instruction="make it navy", num_variations=1
            ),
            metadata=as_user("dev"),
        )
        [variation] = (await call.read()).variations
        call.cancel()

        async def variation_done() -> bool:
            [row] = await rows(
                database_url, "select status from generated_assets where id = %s", [variation.id]
            )
            return row["status"] == "completed"

        await wait_for(variation_done, within=DEADLINE, what="the variation, imagegen down")

        # The last project's snapshot: its first candidate after the four firsts before it,
        # its others after every first and the twelve later candidates made before them.
        watch = services.prompt_stub.WatchProject(
            prompt_pb.WatchProjectRequest(project_id=last),
            metadata=as_user(owner[last]),
            timeout=120,
        )
        watched = aiter(watch)
        snapshot = (await anext(watched)).event
        assert places(snapshot, position_of) == {0: 5, 1: 18, 2: 19, 3: 20}

        generator = RecordingGenerator()
        async with started(
            imagegen_server.start(
                ImagegenSettings(**env), address="127.0.0.1:0", generator=generator
            )
        ) as imagegen:
            services = Services(
                prompt, imagegen, refine, channel, refine_channel, env["LOGOKRAFT_DATA_DIR"], env
            )
            # The first drawing starts (and is held): one fewer waits ahead of everyone.
            await asyncio.wait_for(generator.drawing.wait(), DEADLINE)

            async def moved() -> common_pb2.ProjectEvent:
                async for response in watched:
                    if response.event.HasField("queue"):
                        return response.event
                raise AssertionError("the watch ended without a queue event")

            queue_event = await asyncio.wait_for(moved(), DEADLINE)
            assert places(queue_event, position_of) == {0: 4, 1: 17, 2: 18, 3: 19}
            assert queue_event.sequence == snapshot.sequence, "not recorded: the latest sequence"

            async with serve_gateway(services) as gateway, httpx.AsyncClient() as http:
                stream, arrived = sse_reader()
                reading = asyncio.create_task(
                    stream(http, f"{gateway}/api/v1/projects/{last}/stream", services)
                )

                async def next_sse(kind: str) -> SseEvent:
                    while (event := await arrived.get()).event != kind:
                        pass
                    return event

                await asyncio.wait_for(next_sse("snapshot"), DEADLINE)
                # The held drawing ends and the next is held: the stream tells the new places
                # (however fast the rest would have been drawn, had they all been let through).
                generator.let_through(1)
                step = await asyncio.wait_for(next_sse("queue"), DEADLINE)
                assert {
                    position_of[p["asset_id"]]: p["queue_position"] for p in step.data["positions"]
                } == {0: 3, 1: 16, 2: 17, 3: 18}
                generator.let_through(len(burst) * CANDIDATES - 1)
                events = await asyncio.wait_for(reading, DEADLINE * 2)
            for project_id in burst:
                await settled(database_url, project_id)
        watch.cancel()

    # The order of the drawings: every first candidate before any later one, each lane in
    # the order the projects were made.
    drawn = {
        seed_of(a["id"]): (burst.index(project_id), a["position"])
        for project_id in burst
        for a in await candidates(database_url, project_id)
    }
    order = [drawn[seed] for seed in generator.seeds]
    assert len(order) == len(burst) * CANDIDATES, "each candidate drawn once"
    firsts = [project for project, position in order[: len(burst)] if position == 0]
    assert firsts == list(range(len(burst))), order
    later = [project for project, _ in order[len(burst) :]]
    assert later == sorted(later), "later candidates project by project, in order"

    # Over SSE: places in `queue` events without an id, going down to the last.
    assert events[0].event == "snapshot" and events[-1].event == "done"
    queue_events = [e for e in events if e.event == "queue"]
    assert queue_events, [e.event for e in events]
    assert all(e.id is None for e in queue_events)
    snapshot_places = {a["id"]: a["queue_position"] for a in events[0].data["project"]["assets"]}
    assert all(snapshot_places.values()), "queued assets carry their place"
    seen = [p for e in queue_events for p in e.data["positions"]]
    assert all(p["queue_position"] < snapshot_places[p["asset_id"]] for p in seen)
    ids = [e.id for e in events if e.id is not None]
    assert ids == sorted(set(ids)), "ids still strictly increase"


def sse_reader():
    """A reader of one SSE stream to its `done`, and a queue it puts each event on as read."""
    arrived: asyncio.Queue[SseEvent] = asyncio.Queue()

    async def stream(http: httpx.AsyncClient, url: str, services: Services) -> list[SseEvent]:
        headers = {"Authorization": f"Bearer {dev_token(services.data_dir, BURST[-1])}"}
        events: list[SseEvent] = []
        async with http.stream("GET", url, headers=headers, timeout=60) as response:
            assert response.status_code == 200, await response.aread()
            async for event in SseReader().events(response):
                events.append(event)
                arrived.put_nowait(event)
                if event.event == "done":
                    break
        return events

    return stream, arrived


async def test_the_sweeper_queues_a_lost_candidate_again_on_its_own_lane(env):
    database_url = env["DATABASE_URL"]
    async with started(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as prompt:
        infra = prompt.infra
        async with grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}") as channel:
            services = Services(
                prompt, prompt, prompt, channel, channel, env["LOGOKRAFT_DATA_DIR"], env
            )
            project_id = await create_over_grpc(services, count=2)

            async def queued() -> list[dict] | None:
                assets = await candidates(database_url, project_id)
                return assets if [a["status"] for a in assets] == ["queued"] * 2 else None

            assets = await wait_for(queued, within=DEADLINE, what="two queued candidates")
        # The jobs are lost (no imagegen ever took them).
        for lane in DrawCandidate.lanes():
            await infra.js.purge_stream(
                infra.subjects.jobs_stream, subject=lane.subject(infra.subjects)
            )
        sweeper = AssetSweeper(
            AssetJobs(db=infra.db, nc=infra.nc, subjects=infra.subjects, storage=infra.storage),
            infra.jobs,
            kind="candidate",
            provider="local",
            policy=SweepPolicy(stuck_after_s=0.0, max_age_s=3600.0, interval_s=3600.0),
        )
        report = await sweeper.sweep_once()
        assert sorted(report.requeued) == sorted(a["id"] for a in assets)
        on_lane = {}
        for lane in (FIRST_IMAGES, IMAGES):
            message = await infra.js.get_last_msg(
                infra.subjects.jobs_stream, lane.subject(infra.subjects)
            )
            on_lane[lane.name] = json.loads(message.data)
    by_position = {a["position"]: str(a["id"]) for a in assets}
    assert on_lane["images-first"]["asset_id"] == by_position[0]
    assert on_lane["images-first"]["position"] == 0
    assert on_lane["images"]["asset_id"] == by_position[1]
    assert on_lane["images"]["position"] == 1
