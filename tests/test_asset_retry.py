"""Retrying a failed candidate (POST /api/v1/assets/{id}/retry, PromptService.RetryAsset)
through the real gateway in front of real prompt, imagegen and refine services, NATS and
Postgres.

Imagegen draws with `RefusingGenerator`: the local engine, except that the next `refusals`
drawings are refused as the provider would refuse a prompt (ContentRejected, not retryable),
so a candidate fails at once with a reason, as it does when Seedream refuses it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
import httpx
import pytest

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft_domain.asset_jobs import AssetJobs
from logokraft_domain.jobs import FIRST_IMAGES, DrawCandidate, drawing_of
from logokraft_domain.queue_positions import QueueBoard
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_kit.providers import ContentRejected
from tests.support import (
    DEADLINE,
    GatewayStack,
    as_user,
    generator_stack,
    limits,
    png,
    read_stream,
    rows,
    service_env,
    stored_files,
    wait_for,
)

pytestmark = pytest.mark.integration


class RefusingGenerator:
    """The local engine, but the next `refusals` drawings are refused (not retryable)."""

    name = "local"
    takes_reference_images = False

    def __init__(self) -> None:
        self.refusals = 0
        self.drawn: list[str] = []
        self.gate = asyncio.Event()  # cleared: every drawing waits for it
        self.gate.set()
        self.started: asyncio.Queue[str] = asyncio.Queue()
        self._local = LocalLogoGenerator()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.drawn.append(request.prompt)
        self.started.put_nowait(request.prompt)
        await self.gate.wait()
        if self.refusals > 0:
            self.refusals -= 1
            raise ContentRejected("The image provider refused this prompt.", provider="local")
        return await self._local.generate(request)


@dataclass
class Stack(GatewayStack):
    generator: RefusingGenerator

    async def create(self, count: int, brand_name: str = "Acme") -> dict:
        """A project of `count` candidates (with an inspiration image): its creation answer."""
        response = await self.http.post(
            "/api/v1/projects",
            headers=self.auth(),
            data={"brand_name": brand_name, "num_candidates": str(count)},
            files=[("inspiration_images", ("mood.png", png(), "image/png"))],
        )
        assert response.status_code == 202, response.text
        return response.json()

    def hold_drawings(self) -> None:
        """Every drawing from now on waits for the generator's gate; earlier starts forgotten."""
        while not self.generator.started.empty():
            self.generator.started.get_nowait()
        self.generator.gate.clear()

    async def settled_project(self, count: int, *, refused: int) -> tuple[dict, list]:
        """A project of `count` candidates, its first `refused` drawings refused, read to its
        `done`: its creation answer and its stream's events."""
        self.generator.refusals = refused
        created = await self.create(count)
        events = await asyncio.wait_for(read_stream(self.http, created["stream_url"]), DEADLINE)
        assert events[-1].event == "done", events
        return created, events

    async def retry(self, asset_id: str, user: str = "dev", **headers: str) -> httpx.Response:
        return await self.http.post(
            f"/api/v1/assets/{asset_id}/retry", headers={**self.auth(user), **headers}
        )

    async def assets(self, project_id: str) -> list[dict]:
        return await rows(
            self.database_url,
            "select * from generated_assets where project_id = %s"
            " order by (parent_asset_id is not null), position, created_at",
            [project_id],
        )

    def sweeper(self, *, stuck_after_s: float, max_age_s: float) -> AssetSweeper:
        """A candidate sweeper on imagegen's infrastructure, run by hand (`sweep_once`)."""
        infra = self.services.imagegen.infra
        jobs = AssetJobs(db=infra.db, nc=infra.nc, subjects=infra.subjects, storage=infra.storage)
        policy = SweepPolicy(stuck_after_s=stuck_after_s, max_age_s=max_age_s, interval_s=60)
        return AssetSweeper(jobs, infra.jobs, kind="candidate", provider="local", policy=policy)

    async def ledger(self, asset_id: str) -> int:
        [row] = await rows(
            self.database_url,
            "select count(*) as n from image_usage where asset_id = %s",
            [asset_id],
        )
        return int(row["n"])


@pytest.fixture
def drawing_slots(request: pytest.FixtureRequest) -> int:
    """How many drawings imagegen runs at once (1 unless a test asks, with `slots(n)`)."""
    return getattr(request, "param", 1)


def slots(n: int) -> pytest.MarkDecorator:
    """Run the test with imagegen drawing `n` logos at once."""
    return pytest.mark.parametrize("drawing_slots", [n], indirect=True, ids=[f"{n}-slots"])


@pytest.fixture
async def stack(
    nats_server, database_url, namespace, tmp_path, limit_env, drawing_slots
) -> AsyncIterator[Stack]:
    data_dir = tmp_path / "data"
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    env |= {**limit_env, "LOGOKRAFT_LOCAL_CONCURRENCY": drawing_slots}
    generator = RefusingGenerator()
    async with generator_stack(env, generator) as (services, http):
        yield Stack(http, services, database_url, data_dir, generator)


async def test_a_failed_candidate_is_drawn_again_and_its_project_settles_again(stack):
    """A project whose only logo was refused failed; retrying it draws the same asset again,
    on the project's stream, and the project settles `completed` (its error gone)."""
    created, first = await stack.settled_project(1, refused=1)
    project_id = created["project_id"]
    assert first[-1].data["status"] == "failed"
    [failed] = await stack.assets(project_id)
    assert (failed["status"], failed["error_code"]) == ("failed", "content_rejected")
    asset_id = str(failed["id"])

    response = await stack.retry(asset_id)

    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["asset_id"], body["project_id"]) == (asset_id, project_id)
    assert body["asset"]["id"] == asset_id
    assert (body["asset"]["status"], body["asset"]["error"]) == ("queued", None)
    assert body["stream_url"].split("?")[0].endswith(f"/api/v1/projects/{project_id}/stream")
    # The stream, resumed after the first `done`, has the retry's events and a new `done`.
    resumed = {"Last-Event-ID": str(first[-1].id)}
    events = await asyncio.wait_for(
        read_stream(stack.http, body["stream_url"], **resumed), DEADLINE
    )
    asset_statuses = [e.data["asset"]["status"] for e in events if e.event == "asset"]
    assert asset_statuses == ["queued", "generating", "completed"], events
    assert {e.data["asset"]["id"] for e in events if e.event == "asset"} == {asset_id}
    project_statuses = [e.data["project"]["status"] for e in events if e.event == "project"]
    assert project_statuses == ["generating", "completed"]
    assert events[-1].event == "done"
    assert events[-1].data == {
        "status": "completed",
        "completed_assets": 1,
        "failed_assets": 0,
        "deleted": False,
    }
    ids = [e.id for e in [*first, *events] if e.id is not None]
    assert ids == sorted(set(ids))  # nothing twice, in order
    [drawn] = await stack.assets(project_id)  # the same row, no new asset
    assert (str(drawn["id"]), drawn["status"], drawn["error_code"]) == (
        asset_id,
        "completed",
        None,
    )
    [project] = await rows(
        stack.database_url, "select * from brand_projects where id = %s", [project_id]
    )
    assert (project["status"], project["error_code"]) == ("completed", None)
    assert len(stack.generator.drawn) == 2  # drawn once more, exactly
    # The retry cost one image.
    assert await stack.ledger(asset_id) == 2
    usage = (await stack.http.get("/api/v1/usage", headers=stack.auth())).json()
    assert usage["images_used"] == 2
    # Completed now: a second retry is refused, saying why.
    again = await stack.retry(asset_id)
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "asset_not_failed"


async def test_what_cannot_be_retried_is_refused_and_left_as_it_is(stack):
    created, _ = await stack.settled_project(2, refused=1)
    project_id = created["project_id"]
    # The provider refuses its first drawing, whichever position that is.
    failed, made = sorted(await stack.assets(project_id), key=lambda a: a["status"] != "failed")
    assert (failed["status"], made["status"]) == ("failed", "completed")
    failed_id = str(failed["id"])

    # Another user's asset is not found, and an unknown one.
    for asset_id, user in ((failed_id, "bob"), (str(uuid.uuid4()), "dev")):
        response = await stack.retry(asset_id, user)
        assert response.status_code == 404, response.text
    # A completed candidate.
    response = await stack.retry(str(made["id"]))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "asset_not_failed")
    # A variation (even a failed one): refine its parent instead.
    refined = await stack.http.post(
        f"/api/v1/assets/{made['id']}/refine",
        headers=stack.auth(),
        json={"instruction": "make it navy", "num_variations": 1},
    )
    assert refined.status_code == 202, refined.text
    await asyncio.wait_for(read_stream(stack.http, refined.json()["stream_url"]), DEADLINE)
    [variation] = refined.json()["variations"]
    await rows(
        stack.database_url,
        "update generated_assets set status = 'failed' where id = %s returning id",
        [variation["id"]],
    )
    response = await stack.retry(variation["id"])
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "variation_not_retryable"
    assert "refine its parent" in error["message"]
    # A cancelled project's failed logo.
    await rows(
        stack.database_url,
        "update brand_projects set status = 'cancelled' where id = %s returning id",
        [project_id],
    )
    response = await stack.retry(failed_id)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "project_cancelled")
    # A design the local engine cannot draw: it would fail the same way, for an image.
    await rows(
        stack.database_url,
        "update brand_projects set status = 'completed' where id = %s returning id",
        [project_id],
    )
    await rows(
        stack.database_url,
        "update generated_assets set error_code = 'design_rejected' where id = %s returning id",
        [failed_id],
    )
    response = await stack.retry(failed_id)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "design_not_drawable"
    assert "changed brief" in error["message"]
    await rows(
        stack.database_url,
        "update generated_assets set error_code = 'content_rejected' where id = %s returning id",
        [failed_id],
    )
    # Nothing was changed or counted by any refusal.
    [row] = await rows(
        stack.database_url, "select * from generated_assets where id = %s", [failed_id]
    )
    assert (row["status"], row["error_code"]) == ("failed", "content_rejected")
    assert await stack.ledger(failed_id) == 1
    # A deleted project's logo is gone.
    deleted = await stack.http.delete(f"/api/v1/projects/{project_id}", headers=stack.auth())
    assert deleted.status_code == 204
    assert (await stack.retry(failed_id)).status_code == 404


@limits(images_per_day=3, projects_in_flight=1)
async def test_a_retry_costs_an_image_and_reopens_a_project_within_the_limits(stack):
    created, _ = await stack.settled_project(1, refused=1)
    [failed] = await stack.assets(created["project_id"])
    failed_id = str(failed["id"])
    # Another project in flight: re-opening this one would be a second.
    other, _ = await stack.settled_project(1, refused=0)
    await rows(
        stack.database_url,
        "update brand_projects set status = 'generating' where id = %s returning id",
        [other["project_id"]],
    )
    response = await stack.retry(failed_id)
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "projects_in_flight_limit"
    assert int(response.headers["retry-after"]) >= 1
    await rows(
        stack.database_url,
        "update brand_projects set status = 'completed' where id = %s returning id",
        [other["project_id"]],
    )
    # Two images used of three: one retry fits (and is refused by the provider again) ...
    stack.generator.refusals = 1
    response = await stack.retry(failed_id)
    assert response.status_code == 202, response.text
    events = await asyncio.wait_for(
        read_stream(stack.http, response.json()["stream_url"]), DEADLINE
    )
    assert events[-1].data["status"] == "failed"
    # ... and the next one is past the daily limit: 429, nothing changed.
    response = await stack.retry(failed_id)
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "daily_image_limit"
    assert int(response.headers["retry-after"]) >= 1
    [row] = await rows(
        stack.database_url, "select * from generated_assets where id = %s", [failed_id]
    )
    assert row["status"] == "failed"
    assert await stack.ledger(failed_id) == 2


async def test_retry_over_grpc(stack):
    created, _ = await stack.settled_project(1, refused=1)
    [failed] = await stack.assets(created["project_id"])
    request = pb.RetryAssetRequest(asset_id=str(failed["id"]))
    with pytest.raises(grpc.aio.AioRpcError) as foreign:
        await stack.prompt.RetryAsset(request, metadata=as_user("bob"))
    assert foreign.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as malformed:
        await stack.prompt.RetryAsset(
            pb.RetryAssetRequest(asset_id="nope"), metadata=as_user("dev")
        )
    assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    answer = await stack.prompt.RetryAsset(request, metadata=as_user("dev"))

    assert answer.asset.id == str(failed["id"])
    assert answer.asset.status == common_pb2.ASSET_STATUS_QUEUED
    assert not answer.asset.HasField("error")
    with pytest.raises(grpc.aio.AioRpcError) as again:
        await stack.prompt.RetryAsset(request, metadata=as_user("dev"))
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert ("logokraft-reason", "asset_not_failed") in list(again.value.trailing_metadata())


async def test_an_old_candidate_retried_now_is_not_failed_as_timed_out_by_the_sweeper(stack):
    """The sweeper gives up on work older than its maximum age; a candidate made hours ago
    and retried now is young work, and is neither failed nor queued a second time."""
    created, _ = await stack.settled_project(1, refused=1)
    [failed] = await stack.assets(created["project_id"])
    await rows(
        stack.database_url,
        "update generated_assets set created_at = now() - interval '2 hours'"
        " where id = %s returning id",
        [failed["id"]],
    )
    stack.hold_drawings()
    assert (await stack.retry(str(failed["id"]))).status_code == 202
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)  # being drawn, held
    sweeper = stack.sweeper(stuck_after_s=1200, max_age_s=3600)

    report = await sweeper.sweep_once()

    assert (report.failed, report.requeued) == ([], [])
    stack.generator.gate.set()
    events = await asyncio.wait_for(read_stream(stack.http, created["stream_url"]), DEADLINE)
    assert events[-1].data["status"] == "completed"


async def test_cancelling_a_retry_still_queued_gives_back_only_its_image(stack):
    """The first drawing was asked of a provider and stays counted; the retry's image, never
    drawn, is given back as any queued logo's is."""
    created, _ = await stack.settled_project(1, refused=1)
    [failed] = await stack.assets(created["project_id"])
    asset_id = str(failed["id"])
    # Another project's drawing holds the only drawing slot, so the retry waits queued.
    stack.hold_drawings()
    await stack.create(1, "Blocker")
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)
    assert (await stack.retry(asset_id)).status_code == 202
    assert await stack.ledger(asset_id) == 2

    cancelled = await stack.http.post(
        f"/api/v1/projects/{created['project_id']}/cancel", headers=stack.auth()
    )

    assert cancelled.status_code == 200, cancelled.text
    [asset] = cancelled.json()["assets"]
    assert (asset["id"], asset["status"]) == (asset_id, "cancelled")
    assert await stack.ledger(asset_id) == 1
    stack.generator.gate.set()


async def _drained(stack: Stack, *, running: int, through: int) -> bool:
    """Whether the first candidates' lane was delivered the jobs stream's message `through`,
    has nothing waiting and `running` jobs unacknowledged."""
    infra = stack.services.prompt.infra
    durable = f"{infra.subjects.namespace}-{FIRST_IMAGES.durable}"
    info = await infra.js.consumer_info(infra.subjects.jobs_stream, durable)
    return (
        info.delivered.stream_seq >= through
        and info.num_pending == 0
        and info.num_ack_pending == running
    )


@slots(2)
async def test_the_first_drawings_job_redelivered_after_a_retry_does_not_draw_it_again(stack):
    """A worker that died between failing a candidate and acknowledging its job leaves the job
    to be delivered again; after a retry it finds the asset `queued` (or `generating`) again,
    and is dropped: only the retry's job draws it, once."""
    created, _ = await stack.settled_project(1, refused=1)
    project_id = created["project_id"]
    [failed] = await stack.assets(project_id)
    asset_id = str(failed["id"])
    first = DrawCandidate(
        asset_id=failed["id"],
        project_id=failed["project_id"],
        user_id=failed["user_id"],
        position=0,
    )  # the job as the prompt service published it for the first drawing
    stack.hold_drawings()
    assert (await stack.retry(asset_id)).status_code == 202
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)  # the retry's, held

    # The first drawing's job again, as JetStream redelivers it (its own message here).
    infra = stack.services.prompt.infra
    await first.publish(infra.jobs, msg_id=f"{first.msg_id}:redelivered")
    published = (await infra.js.stream_info(infra.subjects.jobs_stream)).state.last_seq

    async def settled_or_drawn_twice() -> bool:
        if len(stack.generator.drawn) > 2:
            return True
        return await _drained(stack, running=1, through=published)

    await wait_for(settled_or_drawn_twice, within=DEADLINE, what="the old job to be handled")
    assert len(stack.generator.drawn) == 2, "the first refused, the retry's: nothing more"
    stack.generator.gate.set()
    events = await asyncio.wait_for(read_stream(stack.http, created["stream_url"]), DEADLINE)
    assert events[-1].data["status"] == "completed"
    [asset] = await stack.assets(project_id)
    assert (asset["status"], asset["attempts"]) == ("completed", 1)
    assert len(stack.generator.drawn) == 2
    assert await stack.ledger(asset_id) == 2


async def test_a_retried_candidate_whose_job_was_lost_is_drawn_by_the_sweeper(stack):
    """The sweeper queues a stuck retried candidate's job again for the drawing it is on, so
    the worker does not take it for a stale job of the first drawing, and on the lane of a
    project's first logo, its project having none yet (though it is the second candidate)."""
    created, _ = await stack.settled_project(2, refused=2)
    [_, failed] = await stack.assets(created["project_id"])
    # Retried, but its job never published (the queue was away): queued, as the retry left it.
    await rows(
        stack.database_url,
        "update generated_assets set status = 'queued', error_code = null,"
        " error_message = null, attempts = 0, retried_at = now(), first_lane = true"
        " where id = %s returning id",
        [failed["id"]],
    )
    sweeper = stack.sweeper(stuck_after_s=0, max_age_s=3600)
    stack.hold_drawings()

    report = await sweeper.sweep_once()

    assert report.requeued == [failed["id"]]
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)  # being drawn, held
    infra = stack.services.prompt.infra
    published = (await infra.js.stream_info(infra.subjects.jobs_stream)).state.last_seq
    assert await _drained(stack, running=1, through=published)  # from `images-first`
    stack.generator.gate.set()

    async def completed() -> bool:
        assets = await stack.assets(created["project_id"])
        return assets[1]["status"] == "completed"

    await wait_for(completed, within=DEADLINE, what="the swept retry to be drawn")
    assert len(stack.generator.drawn) == 3


async def test_a_retried_candidate_waits_its_turn_behind_candidates_queued_before_it(stack):
    """A retry's job joins the back of its lane; its place in line says so, though its row
    (and its `created_at`) is older than the candidates queued ahead of it."""
    retried, _ = await stack.settled_project(1, refused=1)
    [failed] = await stack.assets(retried["project_id"])
    stack.hold_drawings()
    # One drawing (held), one queued behind it.
    made = [(await stack.create(1, name))["project_id"] for name in ("Blocker", "Waiting")]
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)

    async def queued() -> list[dict]:
        return [a for a in await stack.assets(made[1]) if a["status"] == "queued"]

    [waiting] = await wait_for(queued, within=DEADLINE, what="the second project's candidate")
    assert (await stack.retry(str(failed["id"]))).status_code == 202

    board = QueueBoard(stack.services.prompt.infra.db, max_age_s=0)
    places = {
        **await board.positions(made[1]),
        **await board.positions(retried["project_id"]),
    }

    assert places == {str(waiting["id"]): 1, str(failed["id"]): 2}
    stack.generator.gate.set()
    events = await asyncio.wait_for(read_stream(stack.http, retried["stream_url"]), DEADLINE)
    assert events[-1].data["status"] == "completed"
    # As drawn: the blocker, the candidate that was waiting, then the retry.
    assert ['"Waiting"' in p for p in stack.generator.drawn[-2:]] == [True, False]


@dataclass
class Stalled:
    """A candidate whose first drawing is held (`gate`) after the sweeper failed it."""

    project_id: str
    asset: dict  # the row as the sweeper left it: failed, timed out
    gate: asyncio.Event  # set: the stalled drawing comes back


@asynccontextmanager
async def stalled_then_swept(stack: Stack) -> AsyncIterator[Stalled]:
    """A one-candidate project whose drawing stalls (its worker still drawing) until the
    sweeper fails it as timed out; later drawings wait for `stack.generator.gate`, a new
    gate (cleared)."""
    stack.hold_drawings()
    stalled = stack.generator.gate
    try:
        project_id = (await stack.create(1))["project_id"]
        await asyncio.wait_for(stack.generator.started.get(), DEADLINE)
        stack.generator.gate = asyncio.Event()  # the stalled drawing waits for the old one
        sweeper = stack.sweeper(stuck_after_s=1200, max_age_s=0)
        [asset] = await stack.assets(project_id)
        assert (await sweeper.sweep_once()).failed == [asset["id"]]
        [asset] = await stack.assets(project_id)
        assert (asset["status"], asset["error_code"]) == ("failed", "timed_out")
        yield Stalled(project_id, asset, stalled)
    finally:
        stalled.set()


class LateImage:
    """What the stalled drawing comes back with: an image unlike the retry's."""

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        return GeneratedImage(png=png("#0a2540", (40, 40)), width=40, height=40)


async def _stale_job_handled(stack: Stack, *, running: int) -> None:
    """Until the stalled drawing's job is acknowledged, `running` others still drawing."""
    infra = stack.services.prompt.infra
    published = (await infra.js.stream_info(infra.subjects.jobs_stream)).state.last_seq
    await wait_for(
        lambda: _drained(stack, running=running, through=published),
        within=DEADLINE,
        what="the stalled drawing's job to be handled",
    )


@slots(2)
@pytest.mark.parametrize("late", ["completed", "failed"])
async def test_a_stalled_drawing_finishing_during_the_retry_changes_nothing(
    stack, monkeypatch, late
):
    """The sweeper failed a candidate whose worker still drew it, and the user retried it:
    the old drawing's late result (an image, or a refusal) neither completes nor fails the
    retry's drawing, and leaves no file; the retry's drawing finishes the asset."""
    async with stalled_then_swept(stack) as stalled:
        asset_id = str(stalled.asset["id"])
        assert (await stack.retry(asset_id)).status_code == 202
        await asyncio.wait_for(stack.generator.started.get(), DEADLINE)  # the retry's, held
        [retried] = await stack.assets(stalled.project_id)
        if late == "failed":
            stack.generator.refusals = 1
        else:
            monkeypatch.setattr(stack.generator, "_local", LateImage())

        stalled.gate.set()
        await _stale_job_handled(stack, running=1)

        [asset] = await stack.assets(stalled.project_id)
        assert (asset["status"], asset["retried_at"]) == ("generating", retried["retried_at"])
        assert (asset["error_code"], asset["storage_path"]) == (None, None)
        owner = asset["user_id"]
        assert stored_files(stack.data_dir, owner, stalled.project_id) == []
        monkeypatch.undo()
        stack.generator.gate.set()

    async def settled() -> dict | None:
        [project] = await rows(
            stack.database_url, "select * from brand_projects where id = %s", [stalled.project_id]
        )
        return project if project["status"] != "generating" else None

    project = await wait_for(settled, within=DEADLINE, what="the retry to settle the project")
    assert project["status"] == "completed"
    [asset] = await stack.assets(stalled.project_id)
    assert (asset["status"], asset["attempts"]) == ("completed", 1)
    drawing = drawing_of(asset["retried_at"])
    assert asset["storage_path"].endswith(f"/{asset_id}-{drawing}.png")
    assert f"{asset_id}-{drawing}.png" in stored_files(stack.data_dir, owner, stalled.project_id)


@slots(2)
async def test_a_stalled_drawing_finishing_after_the_retry_leaves_its_image(stack, monkeypatch):
    """The retry's drawing completed the asset first; the old drawing coming back later
    writes nothing over its image and leaves no file of its own."""
    async with stalled_then_swept(stack) as stalled:
        asset_id = str(stalled.asset["id"])
        stack.generator.gate.set()
        assert (await stack.retry(asset_id)).status_code == 202

        async def completed() -> dict | None:
            [asset] = await stack.assets(stalled.project_id)
            return asset if asset["status"] == "completed" else None

        drawn = await wait_for(completed, within=DEADLINE, what="the retry to be drawn")
        owner, project_id = drawn["user_id"], stalled.project_id
        files = stored_files(stack.data_dir, owner, project_id)
        image = stack.data_dir / "storage" / "generated-assets" / drawn["storage_path"]
        retry_png = image.read_bytes()
        monkeypatch.setattr(stack.generator, "_local", LateImage())

        stalled.gate.set()
        await _stale_job_handled(stack, running=0)

    [asset] = await stack.assets(project_id)
    assert asset == drawn
    assert image.read_bytes() == retry_png
    assert stored_files(stack.data_dir, owner, project_id) == files


@pytest.mark.parametrize(
    ("refused", "has_logo"), [(2, False), (1, True)], ids=["no-logo-yet", "has-a-logo"]
)
async def test_a_retried_candidates_lane_follows_whether_its_project_has_a_logo(
    stack, refused, has_logo
):
    """A project with no logo yet retrying its second candidate waits only behind other
    projects' first logos; one with a logo retrying its first waits behind their later ones."""
    retried, _ = await stack.settled_project(2, refused=refused)
    assets = await stack.assets(retried["project_id"])
    assert sum(a["status"] == "completed" for a in assets) == int(has_logo)
    # The provider refuses the first drawings; which position it met first is the workers'
    # to choose (two slots), and the lane of a retry follows the project, not the position.
    [failed] = [a for a in assets if a["status"] == "failed"] if has_logo else [assets[1]]
    assert failed["status"] == "failed"
    stack.hold_drawings()
    # One drawing (held), two queued.
    made = [
        (await stack.create(n, name))["project_id"] for name, n in (("Blocker", 1), ("Waiting", 2))
    ]
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)

    async def queued() -> list[dict] | None:
        waiting = [a for a in await stack.assets(made[1]) if a["status"] == "queued"]
        return waiting if len(waiting) == 2 else None

    first, later = await wait_for(queued, within=DEADLINE, what="the candidates to wait")
    drawn_before = len(stack.generator.drawn)
    assert (await stack.retry(str(failed["id"]))).status_code == 202

    board = QueueBoard(stack.services.prompt.infra.db, max_age_s=0)
    places = {**await board.positions(made[1]), **await board.positions(retried["project_id"])}

    line = [first, later, failed] if has_logo else [first, failed, later]
    assert places == {str(asset["id"]): place for place, asset in enumerate(line, start=1)}
    stack.generator.gate.set()

    async def all_drawn() -> bool:
        return len(stack.generator.drawn) == drawn_before + 3

    await wait_for(all_drawn, within=DEADLINE, what="the three waiting to be drawn")
    order = ['"Waiting"' in prompt for prompt in stack.generator.drawn[drawn_before:]]
    assert order == ([True, True, False] if has_logo else [True, False, True])


async def test_a_retried_candidate_keeps_its_place_in_its_lane_when_its_project_gets_a_logo(
    stack,
):
    """Retried while its project had no logo, its job waits among first logos; another
    candidate of the project completing meanwhile moves neither the job nor its place."""
    retried, _ = await stack.settled_project(2, refused=2)
    retried_first, failed = await stack.assets(retried["project_id"])
    stack.hold_drawings()
    made = [
        (await stack.create(n, name))["project_id"] for name, n in (("Blocker", 1), ("Waiting", 2))
    ]
    await asyncio.wait_for(stack.generator.started.get(), DEADLINE)

    async def queued() -> list[dict] | None:
        waiting = [a for a in await stack.assets(made[1]) if a["status"] == "queued"]
        return waiting if len(waiting) == 2 else None

    first, later = await wait_for(queued, within=DEADLINE, what="the candidates to wait")
    drawn_before = len(stack.generator.drawn)
    assert (await stack.retry(str(failed["id"]))).status_code == 202
    # The project gets a logo while the retry waits (its other candidate, drawn again).
    await rows(
        stack.database_url,
        "update generated_assets set status = 'completed' where id = %s returning id",
        [retried_first["id"]],
    )

    board = QueueBoard(stack.services.prompt.infra.db, max_age_s=0)
    places = {**await board.positions(made[1]), **await board.positions(retried["project_id"])}

    line = [first, failed, later]  # as its job waits: among the first logos
    assert places == {str(asset["id"]): place for place, asset in enumerate(line, start=1)}
    stack.generator.gate.set()

    async def all_drawn() -> bool:
        return len(stack.generator.drawn) == drawn_before + 3

    await wait_for(all_drawn, within=DEADLINE, what="the three waiting to be drawn")
    order = ['"Waiting"' in prompt for prompt in stack.generator.drawn[drawn_before:]]
    assert order == [True, False, True]
