"""Per-user limits and the global daily image budget through the real gateway, prompt and
refine services, NATS and Postgres.

No imagegen runs here: projects stay in flight and images are never drawn, so what the
limits count is exactly what the tests create (and seed straight into Postgres).
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
import psycopg
import pytest
from PIL import Image
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from logokraft.v1 import common_pb2, prompt_service_pb2_grpc
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft_dev.devtokens import dev_token, dev_user_id
from logokraft_domain.limits import describe_wait
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.bus import Subjects, connect
from logokraft_kit.metrics import LIMIT_REFUSALS
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings
from tests.support import as_user, limits, service_env

pytestmark = pytest.mark.integration

DAY = 24 * 3600


@dataclass
class Stack:
    """The gateway (as an HTTP client) in front of real prompt and refine services."""

    http: httpx.AsyncClient
    database_url: str
    data_dir: Path
    prompt_address: str
    jobs: list[str] = field(default_factory=list)  # subjects of every job published

    def published(self, kind: str) -> int:
        """How many jobs of a kind ("prompts", "refinements") were published so far."""
        return sum(1 for subject in self.jobs if subject.endswith(f".jobs.{kind}"))

    def auth(self, name: str = "dev") -> dict[str, str]:
        return {"Authorization": f"Bearer {dev_token(self.data_dir, name)}"}

    def inspiration_files(self, name: str = "dev") -> list[Path]:
        folder = self.data_dir / "storage" / "inspiration-images" / str(dev_user_id(name))
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
async def stack(
    nats_server, database_url, namespace, tmp_path, monkeypatch, limit_env
) -> AsyncIterator[Stack]:
    for name, value in limit_env.items():
        monkeypatch.setenv(name, str(value))
    data_dir = tmp_path / "data"
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    env |= limit_env
    prompt = await prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")
    refine = await refine_server.start(RefineSettings(**env), address="127.0.0.1:0")
    nc = await connect(nats_server.url, name="limits-test")
    jobs: list[str] = []

    async def on_job(msg) -> None:
        jobs.append(msg.subject)

    await nc.subscribe(f"{Subjects(namespace).namespace}.jobs.>", cb=on_job)
    prompt_address = f"127.0.0.1:{prompt.port}"
    settings = GatewaySettings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PUBLIC_URL="http://testserver",
        LOGOKRAFT_PROMPT_GRPC=prompt_address,
        LOGOKRAFT_IMAGEGEN_GRPC=prompt_address,
        LOGOKRAFT_REFINE_GRPC=f"127.0.0.1:{refine.port}",
        DATABASE_URL=database_url,
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", timeout=30
            ) as http:
                yield Stack(http, database_url, data_dir, prompt_address, jobs)
    finally:
        await nc.close()
        await refine.stop(grace=1)
        await prompt.stop(grace=1)


def png(color: str = "#2a9d8f") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, format="PNG")
    return out.getvalue()


async def create(stack: Stack, user: str = "dev", *, count: int = 1, **headers) -> httpx.Response:
    return await stack.http.post(
        "/api/v1/projects",
        headers={**stack.auth(user), **headers},
        data={"brand_name": "Acme", "num_candidates": str(count)},
        files=[("inspiration_images", ("mood.png", png(), "image/png"))],
    )


async def refine(stack: Stack, asset_id: uuid.UUID, count: int, user: str = "dev"):
    return await stack.http.post(
        f"/api/v1/assets/{asset_id}/refine",
        headers=stack.auth(user),
        json={"instruction": "make it navy", "num_variations": count},
    )


async def query(stack: Stack, sql: str, *params) -> list[dict]:
    async with await psycopg.AsyncConnection.connect(stack.database_url, autocommit=True) as conn:
        conn.row_factory = dict_row
        cursor = await conn.execute(sql, params)
        return await cursor.fetchall() if cursor.description else []


async def counts(stack: Stack, user: str = "dev") -> dict[str, int]:
    rows = await query(
        stack,
        """
        select (select count(*) from brand_projects where user_id = %s) as projects,
               (select count(*) from generated_assets where user_id = %s) as assets,
               (select count(*) from generated_assets
                where user_id = %s and parent_asset_id is not null) as variations
        """,
        *[dev_user_id(user)] * 3,
    )
    return {key: int(value) for key, value in rows[0].items()}


async def seed_images(
    stack: Stack, hours_ago: list[float], user: str = "dev", *, status: str = "completed"
) -> list[uuid.UUID]:
    """A settled project of the user with candidates made `hours_ago`; the first is refinable."""
    user_id, project_id = dev_user_id(user), uuid.uuid4()
    await query(
        stack,
        """
        insert into brand_projects (id, user_id, brand_name, num_candidates, status,
                                    prompts_written, created_at)
        values (%s, %s, 'Seeded', %s, %s, true, now() - make_interval(hours => 30))
        """,
        project_id,
        user_id,
        len(hours_ago),
        status,
    )
    ids = []
    for position, hours in enumerate(hours_ago):
        rows = await query(
            stack,
            """
            insert into generated_assets (project_id, user_id, position, status, prompt, spec,
                                          created_at)
            values (%s, %s, %s, 'completed', 'seeded', %s,
                    now() - make_interval(secs => %s))
            returning id
            """,
            project_id,
            user_id,
            position,
            Jsonb({"seeded": True}),
            hours * 3600,
        )
        ids.append(rows[0]["id"])
    return ids


async def published(stack: Stack, kind: str) -> int:
    await asyncio.sleep(0.3)  # a job published just before would have arrived by now
    return stack.published(kind)


async def prompts_written(stack: Stack) -> None:
    """Until every project's candidates are inserted (so asset counts stop changing)."""
    deadline = time.monotonic() + 30
    while await query(stack, "select 1 from brand_projects where not prompts_written"):
        assert time.monotonic() < deadline, "prompts were not written in time"
        await asyncio.sleep(0.05)


def assert_429(response: httpx.Response, *, code: str) -> int:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == code
    return int(response.headers["Retry-After"])


# ---- projects in flight --------------------------------------------------------------------


@limits(projects_in_flight=2)
async def test_projects_in_flight_limit(stack):
    for _ in range(2):
        assert (await create(stack)).status_code == 202
    await prompts_written(stack)
    before, jobs = await counts(stack), await published(stack, "prompts")
    images = stack.inspiration_files()
    assert (len(images), jobs) == (2, 2)

    refused = await create(stack)

    assert assert_429(refused, code="projects_in_flight_limit") == 30
    assert refused.json()["error"]["message"] == (
        "You have 2 projects in progress; wait for one to finish, then try again "
        "(at most 2 at a time)."
    )
    assert await counts(stack) == before  # no project row, no assets
    assert await published(stack, "prompts") == jobs  # no prompt job
    assert stack.inspiration_files() == images  # the uploaded image was discarded
    # The limit is per user.
    assert (await create(stack, "bob")).status_code == 202


@limits(projects_in_flight=1)
async def test_a_finished_project_frees_its_place(stack):
    assert (await create(stack)).status_code == 202
    assert (await create(stack)).status_code == 429
    await query(stack, "update brand_projects set status = 'completed'")
    assert (await create(stack)).status_code == 202


@limits(projects_in_flight=2)
async def test_concurrent_creates_never_pass_the_limit(stack):
    answers = await asyncio.gather(*(create(stack) for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [202, 202, 429, 429, 429, 429]
    assert (await counts(stack))["projects"] == 2
    assert len(stack.inspiration_files()) == 2


@limits(projects_in_flight=1)
async def test_a_repeated_create_is_not_counted_again(stack):
    channel = grpc.aio.insecure_channel(stack.prompt_address)
    stub = prompt_service_pb2_grpc.PromptServiceStub(channel)
    request = pb.CreateProjectRequest(
        project_id=str(uuid.uuid4()), brief=common_pb2.BrandBrief(brand_name="A", num_candidates=1)
    )
    try:
        first = await stub.CreateProject(request, metadata=as_user("dev"))
        again = await stub.CreateProject(request, metadata=as_user("dev"))
    finally:
        await channel.close()
    assert again.project.id == first.project.id
    assert (await counts(stack))["projects"] == 1


@limits(projects_in_flight=1)
async def test_a_create_over_the_limits_is_refused_before_any_image_is_decoded(stack, monkeypatch):
    from logokraft_gateway import intake

    decoded: list[int] = []
    clean_images = intake.clean_images

    async def counting(images):
        decoded.append(len(images))
        return await clean_images(images)

    monkeypatch.setattr(intake, "clean_images", counting)
    assert (await create(stack)).status_code == 202
    assert decoded == [1]

    refused = await create(stack)

    assert_429(refused, code="projects_in_flight_limit")
    assert decoded == [1]  # the second request's image was never decoded
    assert len(stack.inspiration_files()) == 1


@limits(projects_in_flight=1)
async def test_an_idempotent_replay_is_answered_at_the_limit(stack):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await create(stack, **key)
    assert first.status_code == 202

    again = await create(stack, **key)  # the user is at the limit now: the replay still wins

    assert again.status_code == 202, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["project_id"] == first.json()["project_id"]
    assert (await counts(stack))["projects"] == 1


@limits(projects_in_flight=1, images_per_day=4)
async def test_validate_only_checks_the_limits_and_stores_nothing(stack):
    channel = grpc.aio.insecure_channel(stack.prompt_address)
    stub = prompt_service_pb2_grpc.PromptServiceStub(channel)

    def ask(count: int) -> pb.CreateProjectRequest:
        brief = common_pb2.BrandBrief(brand_name="A", num_candidates=count)
        return pb.CreateProjectRequest(brief=brief, validate_only=True)

    try:
        fits = await stub.CreateProject(ask(4), metadata=as_user("dev"))
        assert not fits.HasField("project")
        assert (await counts(stack))["projects"] == 0
        assert await published(stack, "prompts") == 0
        with pytest.raises(grpc.aio.AioRpcError) as too_many:
            await stub.CreateProject(ask(5), metadata=as_user("dev"))
        assert too_many.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert (await create(stack)).status_code == 202
        with pytest.raises(grpc.aio.AioRpcError) as in_flight:
            await stub.CreateProject(ask(1), metadata=as_user("dev"))
        assert in_flight.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "in progress" in (in_flight.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.CreateProject(
                pb.CreateProjectRequest(brief=common_pb2.BrandBrief(), validate_only=True),
                metadata=as_user("bob"),
            )
        assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    finally:
        await channel.close()


@limits(projects_in_flight=0, images_per_day=0)
async def test_validate_only_answers_another_user_s_project_id_as_the_create_does(stack):
    taken = (await create(stack, user="dev")).json()["project_id"]
    channel = grpc.aio.insecure_channel(stack.prompt_address)
    stub = prompt_service_pb2_grpc.PromptServiceStub(channel)
    brief = common_pb2.BrandBrief(brand_name="Bob's", num_candidates=1)
    try:
        answers = []
        for validate_only in (True, False):
            request = pb.CreateProjectRequest(
                brief=brief, project_id=taken, validate_only=validate_only
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.CreateProject(request, metadata=as_user("bob"))
            answers.append((refused.value.code(), refused.value.details()))
        assert answers[0] == answers[1]
        assert answers[0][0] == grpc.StatusCode.NOT_FOUND
        assert "new project_id" in (answers[0][1] or "")
        # A free id still passes the check, and the caller's own stored one (a repeat).
        free = pb.CreateProjectRequest(
            brief=brief, project_id=str(uuid.uuid4()), validate_only=True
        )
        await stub.CreateProject(free, metadata=as_user("bob"))
        own = pb.CreateProjectRequest(brief=brief, project_id=taken, validate_only=True)
        await stub.CreateProject(own, metadata=as_user("dev"))
        assert (await counts(stack, "bob"))["projects"] == 0
    finally:
        await channel.close()


@limits(projects_in_flight=0, images_per_day=0)
async def test_zero_means_unlimited(stack):
    await seed_images(stack, [1] * 8)
    for _ in range(4):
        assert (await create(stack, count=8)).status_code == 202


# ---- images per day --------------------------------------------------------------------------


@limits(images_per_day=6, projects_in_flight=0)
async def test_images_per_day_count_candidates_not_yet_written(stack):
    assert (await create(stack, count=4)).status_code == 202
    await prompts_written(stack)
    before, jobs = await counts(stack), await published(stack, "prompts")
    images = stack.inspiration_files()

    refused = await create(stack, count=4)

    wait = assert_429(refused, code="daily_image_limit")
    assert DAY - 120 < wait <= DAY
    assert refused.json()["error"]["message"] == (
        "You have used 4 of your 6 images for today and this asks for 4; ask for at most 2, "
        "or wait 24 h for more to be available."
    )
    assert await counts(stack) == before
    assert await published(stack, "prompts") == jobs
    assert stack.inspiration_files() == images

    assert (await create(stack, count=2)).status_code == 202
    full = await create(stack, count=1)
    assert assert_429(full, code="daily_image_limit") > DAY - 120
    assert full.json()["error"]["message"] == (
        "You have used 6 of your 6 images for today; more are available in 24 h."
    )
    assert (await create(stack, "bob", count=4)).status_code == 202


@limits(images_per_day=6, projects_in_flight=0)
async def test_retry_after_is_when_enough_old_images_age_out(stack):
    await seed_images(stack, [23, 23, 23, 20, 20, 20])
    await seed_images(stack, [30, 25])  # older than a day: not counted

    refused = await create(stack, count=4)  # four must age out: the 4th oldest in 4 h

    wait = assert_429(refused, code="daily_image_limit")
    assert 4 * 3600 - 60 < wait <= 4 * 3600
    assert refused.json()["error"]["message"] == (
        "You have used 6 of your 6 images for today; more are available in 4 h."
    )
    one = await create(stack, count=1)  # one must age out: the oldest in 1 h
    assert 3600 - 60 < assert_429(one, code="daily_image_limit") <= 3600


@limits(images_per_day=3, projects_in_flight=0)
async def test_asking_for_more_than_the_daily_limit_can_never_succeed(stack):
    refused = await create(stack, count=4)
    assert refused.status_code == 429
    assert "Retry-After" not in refused.headers
    assert refused.json()["error"]["message"] == (
        "This asks for 4 images, more than your limit of 3 a day; ask for at most 3."
    )
    assert await counts(stack) == {"projects": 0, "assets": 0, "variations": 0}


@limits(images_per_day=6)
async def test_refining_counts_against_images_per_day(stack):
    parent, *_ = await seed_images(stack, [2, 2, 2, 2])
    accepted = await refine(stack, parent, 2)
    assert accepted.status_code == 202, accepted.text
    before, jobs = await counts(stack), await published(stack, "refinements")
    assert jobs == 2

    refused = await refine(stack, parent, 1)

    wait = assert_429(refused, code="daily_image_limit")
    assert 22 * 3600 - 60 < wait <= 22 * 3600
    assert refused.json()["error"]["message"] == (
        "You have used 6 of your 6 images for today; more are available in 22 h."
    )
    assert await counts(stack) == before  # no variation
    assert await published(stack, "refinements") == jobs  # no refine job
    bob_parent, *_ = await seed_images(stack, [2], "bob")
    assert (await refine(stack, bob_parent, 2, "bob")).status_code == 202


@limits(images_per_day=9)
async def test_concurrent_refines_never_pass_the_limit(stack):
    parents = [(await seed_images(stack, [1]))[0] for _ in range(5)]  # 5 used, in 5 projects
    answers = await asyncio.gather(*(refine(stack, parent, 2) for parent in parents))
    assert sorted(a.status_code for a in answers) == [202, 202, 429, 429, 429]
    assert (await counts(stack))["variations"] == 4


@limits(images_per_day=6, projects_in_flight=0)
async def test_candidates_of_a_project_still_being_written_are_counted(stack):
    await seed_images(stack, [1])
    await query(
        stack,
        "update brand_projects set num_candidates = 5, prompts_written = false,"
        " created_at = now() - interval '1 h'",
    )
    # 1 candidate made an hour ago and 4 more to come: 5 of 6 used, room again in 23 h.
    refused = await create(stack, count=2)
    assert 23 * 3600 - 60 < assert_429(refused, code="daily_image_limit") <= 23 * 3600
    assert (
        "You have used 5 of your 6 images for today and this asks for 2"
        in (refused.json()["error"]["message"])
    )
    assert (await create(stack, count=1)).status_code == 202


def test_waits_read_well():
    assert describe_wait(45) == "45 s"
    assert describe_wait(61) == "2 min"
    assert describe_wait(3600) == "1 h"
    assert describe_wait(3 * 3600 + 11 * 60 + 5) == "3 h 12 min"
    assert describe_wait(DAY - 5) == "24 h"


# ---- the global daily budget (LOGOKRAFT_DAILY_IMAGE_BUDGET): images a day across ALL users ----

BUDGET_CODE = "daily_budget_exhausted"


def budget(images: int, **limits: int):
    """Run the test with this daily budget (and these LOGOKRAFT_LIMIT_* settings)."""
    env = {"LOGOKRAFT_DAILY_IMAGE_BUDGET": images}
    env |= {f"LOGOKRAFT_LIMIT_{name.upper()}": value for name, value in limits.items()}
    return pytest.mark.parametrize("limit_env", [env], indirect=True, ids=[""])


def refusals() -> float:
    return LIMIT_REFUSALS.labels(limit=BUDGET_CODE)._value.get()


@budget(5, projects_in_flight=0)
async def test_the_budget_spans_every_user(stack):
    before = refusals()
    assert (await create(stack, "dev", count=3)).status_code == 202

    refused = await create(stack, "bob", count=3)  # bob's own limit (200) has room

    # The 3 candidates asked for are not made yet: they leave the window a day from now.
    wait = assert_429(refused, code=BUDGET_CODE)
    assert DAY - 120 < wait <= DAY
    assert refused.json()["error"]["message"] == (
        "LogoKraft has made as many images as it can today; more are available in 24 h."
    )
    assert await counts(stack, "bob") == {"projects": 0, "assets": 0, "variations": 0}
    assert refusals() == before + 1

    assert (await create(stack, "bob", count=2)).status_code == 202
    assert_429(await create(stack, "carol", count=1), code=BUDGET_CODE)


@budget(3, projects_in_flight=0)
async def test_retry_after_is_when_the_oldest_images_leave_the_window(stack):
    await seed_images(stack, [23, 20], "dev")
    await seed_images(stack, [22], "bob")
    await seed_images(stack, [30, 26], "bob")  # older than a day: not counted

    one = await create(stack, "carol", count=1)  # the oldest (23 h ago) leaves in 1 h
    assert 3600 - 60 < assert_429(one, code=BUDGET_CODE) <= 3600
    two = await create(stack, "carol", count=2)  # the second oldest (22 h ago) in 2 h
    assert 2 * 3600 - 60 < assert_429(two, code=BUDGET_CODE) <= 2 * 3600
    assert await counts(stack, "carol") == {"projects": 0, "assets": 0, "variations": 0}


@budget(4)
async def test_refinements_count_against_the_budget(stack):
    parent, *_ = await seed_images(stack, [2, 2])
    await seed_images(stack, [2], "bob")
    before = await counts(stack)

    refused = await refine(stack, parent, 2)

    assert 22 * 3600 - 60 < assert_429(refused, code=BUDGET_CODE) <= 22 * 3600
    assert await counts(stack) == before  # no variation
    assert (await refine(stack, parent, 1)).status_code == 202
    assert (await counts(stack))["variations"] == 1


@budget(4, projects_in_flight=0)
async def test_concurrent_requests_of_many_users_never_pass_the_budget(stack):
    users = [f"user{n}" for n in range(8)]
    answers = await asyncio.gather(*(create(stack, user, count=1) for user in users))
    assert sorted(a.status_code for a in answers) == [202] * 4 + [429] * 4
    made = sum([(await counts(stack, user))["projects"] for user in users])
    assert made == 4


@budget(0, projects_in_flight=0)
async def test_zero_means_no_budget(stack):
    for user in ("dev", "bob", "carol"):
        await seed_images(stack, [1] * 5, user)
    assert (await create(stack, "dave", count=4)).status_code == 202
