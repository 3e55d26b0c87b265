"""Faults injected for real: killed and restarted workers, lost jobs, failing and hanging
providers, NATS and Postgres going away mid-project.

Workers that are killed or stopped run as real child processes (`python -m ...`); a
drawing is held mid-generation with the `LOGOKRAFT_HOLD_JOBS_UNTIL` hook (it waits for a
file), and every wait is on database state with a bounded deadline.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import grpc
import psycopg
import pytest
from psycopg import sql

from logokraft.v1 import common_pb2, prompt_service_pb2_grpc, refine_service_pb2_grpc
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.devstack import free_port, start_nats, start_postgres
from logokraft_dev.devtokens import dev_user_id
from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes import serve_asgi
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.seedream import FakeSeedream, SeedreamError
from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_imagegen.adapters.seedream import SeedreamGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_kit.bus import publish_job
from logokraft_kit.migrate import apply_migrations, find_supabase_dir
from logokraft_kit.providers import ProviderUnavailable
from logokraft_kit.service import ServiceRuntime
from logokraft_prompt import server as prompt_server
from logokraft_prompt.adapters.gemini import GeminiPromptWriter
from logokraft_prompt.adapters.local import LocalPromptWriter
from logokraft_prompt.config import PromptSettings
from tests.processes import (
    NOT_SERVING,
    ServiceProcess,
    assets_of,
    project_row,
    rows,
    stored_files,
    wait_for,
)
from tests.support import as_user, new_project_id, service_env

pytestmark = pytest.mark.integration

USER = dev_user_id("dev")
DEADLINE = 30.0  # seconds any one expected change may take


# ---- helpers ------------------------------------------------------------------------------


def fault_env(nats_url: str, database_url: str, namespace: str, data_dir: Path) -> dict[str, Any]:
    """Local providers, short ack waits, and one drawing at a time per process."""
    return service_env(
        nats_url=nats_url, database_url=database_url, namespace=namespace, data_dir=data_dir
    ) | {
        "LOGOKRAFT_IMAGE_ACK_WAIT_S": "1",
        "LOGOKRAFT_REFINE_ACK_WAIT_S": "1",
        "LOGOKRAFT_LOCAL_CONCURRENCY": "1",
        "LOGOKRAFT_LOG_LEVEL": "INFO",
    }


@asynccontextmanager
async def running(*starts: Any) -> AsyncIterator[list[ServiceRuntime]]:
    """In-process services from `server.start(...)` coroutines, stopped afterwards."""
    runtimes: list[ServiceRuntime] = []
    try:
        for start in starts:
            runtimes.append(await start)
        yield runtimes
    finally:
        await asyncio.gather(*(runtime.stop(grace=1) for runtime in runtimes))


@contextmanager
def held_then_fresh(
    module: str, env: dict[str, Any], gate: Path, logs: Path
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    """Two replicas of a service (not started): the first holds every job until `gate`
    exists, the second does not. Both are stopped at the end."""
    name = module.removeprefix("logokraft_")
    held = ServiceProcess(
        module, env | {"LOGOKRAFT_HOLD_JOBS_UNTIL": gate}, log_path=logs / f"{name}-1.log"
    )
    fresh = ServiceProcess(module, env, log_path=logs / f"{name}-2.log")
    try:
        yield held, fresh
    finally:
        held.stop()
        fresh.stop()


@asynccontextmanager
async def prompt_stub(runtime: ServiceRuntime) -> AsyncIterator[Any]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.port}") as channel:
        yield prompt_service_pb2_grpc.PromptServiceStub(channel)


async def create_project(stub: Any, *, count: int, name: str = "Tidewater Tea") -> str:
    project_id = new_project_id()
    await stub.CreateProject(
        pb.CreateProjectRequest(
            project_id=project_id,
            brief=common_pb2.BrandBrief(
                brand_name=name, industry="tea house", colors=["#1f4e79"], num_candidates=count
            ),
        ),
        metadata=as_user("dev"),
    )
    return project_id


async def wait_for_assets(
    database_url: str, project_id: str, statuses: list[str], *, within: float = DEADLINE
) -> list[dict[str, Any]]:
    """Until the project's assets have exactly these statuses (in any order)."""

    async def reached() -> list[dict[str, Any]] | None:
        assets = await assets_of(database_url, project_id)
        return assets if sorted(a["status"] for a in assets) == sorted(statuses) else None

    return await wait_for(reached, within=within, what=f"assets {statuses}")


async def wait_for_settled(
    database_url: str, project_id: str, status: str = "completed", *, within: float = DEADLINE
) -> dict[str, Any]:
    async def settled() -> dict[str, Any] | None:
        project = await project_row(database_url, project_id)
        return project if project["status"] in ("completed", "failed") else None

    project = await wait_for(settled, within=within, what=f"project {project_id} to settle")
    assert project["status"] == status, project
    return project


def assert_one_object_per_asset(data_dir: Path, project_id: str, assets: list[dict]) -> None:
    """Every asset has exactly its PNG and SVG stored, and nothing else was stored."""
    expected = sorted(f"{a['id']}.{ext}" for a in assets for ext in ("png", "svg"))
    assert stored_files(data_dir, USER, project_id) == expected


# ---- 1. a worker killed mid-generation ------------------------------------------------------


async def test_imagegen_killed_mid_generation_hands_the_job_to_the_next_worker(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    with held_then_fresh("logokraft_imagegen", env, gate, tmp_path) as (held, fresh):
        async with (
            running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
            prompt_stub(prompt) as stub,
        ):
            await held.start().wait_serving()
            project_id = await create_project(stub, count=1)
            [asset] = await wait_for_assets(database_url, project_id, ["generating"])

            held.kill()
            await fresh.start().wait_serving()
            [asset] = await wait_for_assets(database_url, project_id, ["completed"])
            project = await wait_for_settled(database_url, project_id)

    assert asset["attempts"] == 2, "the killed attempt counts"
    assert project["status"] == "completed"
    assert_one_object_per_asset(data_dir, project_id, [asset])
    assert not gate.exists(), "the second worker was never held"


async def test_refine_killed_mid_variation_hands_the_job_to_the_next_worker(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    with held_then_fresh("logokraft_refine", env, gate, tmp_path) as (held, fresh):
        async with (
            running(
                prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
                imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0"),
            ) as [prompt, _],
            prompt_stub(prompt) as stub,
        ):
            project_id = await create_project(stub, count=1)
            [parent] = await wait_for_assets(database_url, project_id, ["completed"])
            await held.start().wait_serving()
            async with grpc.aio.insecure_channel(held.address) as channel:
                call = refine_service_pb2_grpc.RefineServiceStub(channel).RefineAsset(
                    refine_pb.RefineAssetRequest(
                        asset_id=str(parent["id"]), instruction="make it red", num_variations=1
                    ),
                    metadata=as_user("dev"),
                )
                first = await call.read()  # queued; the caller going away cancels nothing
                call.cancel()
            [child_id] = [a.id for a in first.variations]
            await wait_for_assets(database_url, project_id, ["completed", "generating"])

            held.kill()
            await fresh.start().wait_serving()
            assets = await wait_for_assets(database_url, project_id, ["completed", "completed"])
            await wait_for_settled(database_url, project_id)

    [child] = [a for a in assets if str(a["id"]) == child_id]
    assert child["parent_asset_id"] == parent["id"]
    assert child["attempts"] == 2
    assert child["prompt"], "the prompt written before the kill is kept"
    assert_one_object_per_asset(data_dir, project_id, assets)


async def test_prompt_writer_killed_mid_writing_hands_the_job_to_the_next_worker(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    env["LOGOKRAFT_PROMPT_ACK_WAIT_S"] = "1"
    with held_then_fresh("logokraft_prompt", env, gate, tmp_path) as (held, fresh):
        async with running(imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")):
            await held.start().wait_serving()
            async with grpc.aio.insecure_channel(held.address) as channel:
                stub = prompt_service_pb2_grpc.PromptServiceStub(channel)
                project_id = await create_project(stub, count=3)
            # The first prompt is written (and drawn); the writer holds before the second.
            [first] = await wait_for_assets(database_url, project_id, ["completed"])
            assert not (await project_row(database_url, project_id))["prompts_written"]

            held.kill()
            await fresh.start().wait_serving()
            assets = await wait_for_assets(database_url, project_id, ["completed"] * 3)
            project = await wait_for_settled(database_url, project_id)

    assert project["prompts_written"]
    assert [a["position"] for a in assets] == [0, 1, 2], "one candidate per position"
    assert first["id"] == assets[0]["id"], "the candidate written before the kill is kept"
    assert [a["attempts"] for a in assets] == [1, 1, 1]
    assert_one_object_per_asset(data_dir, project_id, assets)


# ---- 6. graceful shutdown, a rolling restart, a job published twice ----------------------


async def test_sigterm_lets_the_drawing_in_flight_finish_during_a_rolling_restart(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    env["LOGOKRAFT_SHUTDOWN_GRACE_S"] = "20"
    with held_then_fresh("logokraft_imagegen", env, gate, tmp_path) as (old, new):
        async with (
            running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
            prompt_stub(prompt) as stub,
        ):
            await old.start().wait_serving()
            project_id = await create_project(stub, count=3)
            await wait_for_assets(database_url, project_id, ["generating", "queued", "queued"])

            old.terminate()
            await wait_for(
                lambda: _is(old.health(), NOT_SERVING), within=DEADLINE, what="NOT_SERVING"
            )
            await new.start().wait_serving()
            # The old replica fetches nothing more; the new one takes the queued work.
            await wait_for_assets(
                database_url, project_id, ["generating", "completed", "completed"]
            )
            assert old.proc.poll() is None, "the old replica waits for its drawing"

            gate.touch()
            assert await old.wait_exit() == 0
            assets = await wait_for_assets(database_url, project_id, ["completed"] * 3)
            await wait_for_settled(database_url, project_id)

    assert [a["attempts"] for a in assets] == [1, 1, 1], "nothing was drawn twice"
    assert_one_object_per_asset(data_dir, project_id, assets)


async def test_sigterm_hands_back_a_drawing_that_does_not_finish_within_the_grace(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    env["LOGOKRAFT_SHUTDOWN_GRACE_S"] = "0.5"
    env["LOGOKRAFT_IMAGE_ACK_WAIT_S"] = "30"  # the hand-back, not an expiry, redelivers it
    with held_then_fresh("logokraft_imagegen", env, gate, tmp_path) as (old, new):
        async with (
            running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
            prompt_stub(prompt) as stub,
        ):
            await old.start().wait_serving()
            project_id = await create_project(stub, count=1)
            await wait_for_assets(database_url, project_id, ["generating"])

            old.terminate()
            assert await old.wait_exit() == 0
            await new.start().wait_serving()
            [asset] = await wait_for_assets(database_url, project_id, ["completed"], within=10)
            await wait_for_settled(database_url, project_id)

    assert asset["attempts"] == 1, "a drawing handed back is not an attempt"
    assert_one_object_per_asset(data_dir, project_id, [asset])


async def _is(status: Any, expected: int) -> bool:
    return await status == expected


class Counting:
    """A generator that counts its drawings (and draws with the local engine)."""

    def __init__(self, name: str = "local") -> None:
        self.name = name
        self.calls = 0
        self._local = LocalLogoGenerator()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.calls += 1
        return await self._local.generate(request)


async def test_a_job_published_twice_with_one_msg_id_is_drawn_once(
    nats_server, database_url, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    held = env | {"LOGOKRAFT_HOLD_JOBS_UNTIL": gate}  # imagegen's drawings only
    counting = Counting()
    async with (
        running(
            prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
            imagegen_server.start(
                ImagegenSettings(**held), address="127.0.0.1:0", generator=counting
            ),
        ) as [prompt, _],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=1)
        [asset] = await wait_for_assets(database_url, project_id, ["generating"])
        js, subjects = prompt.infra.js, prompt.infra.subjects
        job = {"asset_id": str(asset["id"]), "project_id": project_id, "user_id": str(USER)}
        msg_id = f"image:{asset['id']}"  # the id the prompt service published it with
        for _ in range(2):
            ack = await js.publish(
                subjects.image_jobs, json.dumps(job).encode(), headers={"Nats-Msg-Id": msg_id}
            )
            assert ack.duplicate
        await publish_job(js, subjects.image_jobs, job, msg_id=msg_id)

        gate.touch()
        await wait_for_assets(database_url, project_id, ["completed"])
        durable = f"{namespace}-imagegen"

        async def drained() -> Any:
            info = await js.consumer_info(subjects.jobs_stream, durable)
            return info if info.num_pending == 0 and info.num_ack_pending == 0 else None

        info = await wait_for(drained, within=DEADLINE, what="the consumer to drain")
    assert info.delivered.consumer_seq == 1, "one delivery, ever"
    assert counting.calls == 1


# ---- 2. bounded attempts, the sweeper -------------------------------------------------------


class Failing:
    """A generator that fails every time with `error`."""

    def __init__(self, error: Exception | None = None, *, name: str = "flaky") -> None:
        self.name = name
        self.calls = 0
        self._error = error

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.calls += 1
        if self._error is None:
            await asyncio.Event().wait()  # hangs
        raise self._error


DOWN = "The image provider is unavailable; try again later."


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            ProviderUnavailable(
                "The image provider is unavailable; try again later.", retry_after=0.01
            ),
            "provider_unavailable",
            DOWN,
        ),
        (RuntimeError("a bug"), "internal_error", "try generating it again"),
        (None, "provider_timeout", "took longer than 0.3s and was stopped"),
    ],
    ids=["provider-down", "bug", "hangs"],
)
async def test_a_job_that_keeps_failing_fails_its_asset_after_its_attempts(
    nats_server, database_url, namespace, tmp_path, error, code, message
):
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | {
        "LOGOKRAFT_IMAGE_MAX_ATTEMPTS": "2",
        "LOGOKRAFT_DRAW_TIMEOUT_S": "0.3",
        "LOGOKRAFT_BREAKER_FAILURES": "100",
    }
    generator = Failing(error)
    async with (
        running(
            prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
            imagegen_server.start(
                ImagegenSettings(**env), address="127.0.0.1:0", generator=generator
            ),
        ) as [prompt, _],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=1)
        project = await wait_for_settled(database_url, project_id, "failed")
        [asset] = await assets_of(database_url, project_id)
    assert asset["status"] == "failed"
    assert asset["error_code"] == code
    assert message in asset["error_message"]
    assert asset["attempts"] == 2
    assert generator.calls == 2
    assert project["error_code"] == "no_assets"


class FailingWriter:
    """A prompt writer that fails every time with `error` (after `written` good prompts)."""

    name = "flaky"

    def __init__(self, error: Exception, *, written: int = 0) -> None:
        self.calls = 0
        self._error = error
        self._written = written

    async def write_prompts(self, brief: Any, *, count: int, inspiration: Any):
        self.calls += 1
        async for prompt in LocalPromptWriter().write_prompts(
            brief, count=self._written, inspiration=inspiration
        ):
            yield prompt
        raise self._error


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (ProviderUnavailable(DOWN, retry_after=0.01), "provider_unavailable", DOWN),
        (ValueError("a bug"), "internal_error", "try creating it again"),
    ],
    ids=["provider-down", "bug"],
)
async def test_prompt_writing_that_keeps_failing_fails_its_project_after_its_attempts(
    nats_server, database_url, namespace, tmp_path, error, code, message
):
    """The candidates written before the failure are still drawn; the project says why."""
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | {
        "LOGOKRAFT_PROMPT_MAX_ATTEMPTS": "2",
        "LOGOKRAFT_BREAKER_FAILURES": "100",
    }
    writer = FailingWriter(error, written=1)
    async with (
        running(
            prompt_server.start(PromptSettings(**env), address="127.0.0.1:0", writer=writer),
            imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0"),
        ) as [prompt, _],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=3)
        project = await wait_for_settled(database_url, project_id, "completed")
        assets = await assets_of(database_url, project_id)
    assert (project["error_code"], project["prompt_attempts"]) == (code, 2)
    assert message in project["error_message"]
    assert writer.calls == 2
    assert [a["status"] for a in assets] == ["completed"], "one candidate, written once"


async def test_an_open_circuit_holds_prompt_writing_back_without_using_up_its_attempts(
    nats_server, database_url, namespace, tmp_path
):
    fake = FakeGemini(api_key="gemini-key")
    # Rate limited with a short RetryInfo delay: redelivered while the circuit is still open.
    fake.enqueue(*[fake_gemini.rate_limited("0.05s") for _ in range(3)])
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | {
        "LOGOKRAFT_PROMPT_MAX_ATTEMPTS": "4",
        "LOGOKRAFT_BREAKER_FAILURES": "2",
        "LOGOKRAFT_BREAKER_RESET_S": "1",
        "LOGOKRAFT_BREAKER_MAX_RESET_S": "1",
    }
    async with serve_asgi(fake.app) as base_url:
        # One HTTP call per attempt, so every provider failure reaches the breaker.
        gemini = GeminiPromptWriter(api_key="gemini-key", base_url=base_url, max_attempts=1)
        async with (
            running(
                prompt_server.start(PromptSettings(**env), address="127.0.0.1:0", writer=gemini),
                imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0"),
            ) as [prompt, _],
            prompt_stub(prompt) as stub,
        ):
            project_id = await create_project(stub, count=1)
            project = await wait_for_settled(database_url, project_id, "completed")
            infra = prompt.infra
            info = await infra.js.consumer_info(
                infra.subjects.jobs_stream, f"{namespace}-prompt-writer"
            )
        await gemini.aclose()
    assert project["error_code"] is None
    assert len(fake.requests) == 4, "three failures (the last one a half-open probe), one success"
    assert project["prompt_attempts"] == 4, "only calls that reached the provider are attempts"
    assert info.delivered.consumer_seq > 4, "deliveries held back by the open circuit"


async def test_an_asset_whose_drawing_keeps_being_interrupted_fails_after_its_attempts(
    nats_server, database_url, namespace, tmp_path
):
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | {
        "LOGOKRAFT_IMAGE_MAX_ATTEMPTS": "2",
    }
    async with (
        running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=1)
        await wait_for_assets(database_url, project_id, ["queued"])
        # As if two workers had died drawing it (each attempt counted, none finished).
        await rows(
            database_url,
            "update generated_assets set status = 'generating', attempts = 2"
            " where project_id = %s returning id",
            [project_id],
        )
        generator = Counting()
        async with running(
            imagegen_server.start(
                ImagegenSettings(**env), address="127.0.0.1:0", generator=generator
            )
        ):
            await wait_for_settled(database_url, project_id, "failed")
            [asset] = await assets_of(database_url, project_id)
    assert generator.calls == 0, "a third attempt is not made"
    assert asset["error_code"] == "interrupted"
    assert "interrupted 2 times" in asset["error_message"]


SWEEP_QUICKLY = {
    "LOGOKRAFT_SWEEP_INTERVAL_S": "0.2",
    "LOGOKRAFT_SWEEP_STUCK_AFTER_S": "2",
    "LOGOKRAFT_DRAW_TIMEOUT_S": "1.5",  # below the stuck time, as the settings require
    "LOGOKRAFT_SWEEP_MAX_AGE_S": "60",
}


async def _lose_the_image_jobs(prompt: ServiceRuntime, database_url: str, project_id: str) -> None:
    """Wait until the prompts are written and the candidates queued, then purge their jobs."""

    async def written() -> bool:
        return (await project_row(database_url, project_id))["prompts_written"]

    await wait_for(written, within=DEADLINE, what="the prompts to be written")
    infra = prompt.infra
    await infra.js.purge_stream(infra.subjects.jobs_stream, subject=infra.subjects.image_jobs)


async def test_the_sweeper_queues_the_lost_jobs_of_stuck_assets_again(
    nats_server, database_url, namespace, tmp_path
):
    data_dir = tmp_path / "data"
    env = fault_env(nats_server.url, database_url, namespace, data_dir) | SWEEP_QUICKLY
    async with (
        running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=2)
        await _lose_the_image_jobs(prompt, database_url, project_id)
        await wait_for_assets(database_url, project_id, ["queued", "queued"])
        async with running(imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")):
            assets = await wait_for_assets(database_url, project_id, ["completed", "completed"])
            await wait_for_settled(database_url, project_id)
    assert_one_object_per_asset(data_dir, project_id, assets)


async def test_the_sweeper_fails_assets_past_their_maximum_age_and_settles_the_project(
    nats_server, database_url, namespace, tmp_path
):
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | SWEEP_QUICKLY
    async with (
        running(prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")) as [prompt],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=1)
        await _lose_the_image_jobs(prompt, database_url, project_id)
        await rows(
            database_url,
            "update generated_assets set created_at = now() - interval '2 hours'"
            " where project_id = %s returning id",
            [project_id],
        )
        async with running(imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")):
            project = await wait_for_settled(database_url, project_id, "failed")
            [asset] = await assets_of(database_url, project_id)
    assert asset["status"] == "failed"
    assert asset["error_code"] == "timed_out"
    assert "not finished within 1 minute" in asset["error_message"]
    assert "try generating it again" in asset["error_message"]
    assert project["error_code"] == "no_assets"


async def test_the_sweeper_queues_the_lost_prompt_job_of_a_project_again(
    nats_server, database_url, namespace, tmp_path
):
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | SWEEP_QUICKLY
    project_id = new_project_id()
    # A project stored without its prompt job (the process died between the two).
    await rows(
        database_url,
        "insert into brand_projects (id, user_id, brand_name, num_candidates)"
        " values (%s, %s, 'Lost Lighthouse', 1) returning id",
        [project_id, USER],
    )
    async with running(
        prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
        imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0"),
    ):
        await wait_for_settled(database_url, project_id)
        [asset] = await assets_of(database_url, project_id)
    assert asset["status"] == "completed"


# ---- 3. a circuit breaker in front of a provider that keeps failing ---------------------------


async def test_an_open_circuit_holds_jobs_back_without_using_up_their_attempts(
    nats_server, database_url, namespace, tmp_path
):
    fake = FakeSeedream(api_key="ark-key")
    unavailable = SeedreamError(
        503, "ServiceUnavailable", "Overloaded.", "ServiceUnavailable", retry_after="0.05"
    )
    fake.enqueue(unavailable, unavailable, unavailable)
    env = fault_env(nats_server.url, database_url, namespace, tmp_path / "data") | {
        "LOGOKRAFT_IMAGE_MAX_ATTEMPTS": "4",
        "LOGOKRAFT_BREAKER_FAILURES": "2",
        "LOGOKRAFT_BREAKER_RESET_S": "1",
        "LOGOKRAFT_BREAKER_MAX_RESET_S": "1",
    }
    async with serve_asgi(fake.app) as base_url:
        # One HTTP call per attempt, so every provider failure reaches the breaker.
        seedream = SeedreamGenerator(
            api_key="ark-key", base_url=f"{base_url}/api/v3", max_attempts=1
        )
        async with (
            running(
                prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
                imagegen_server.start(
                    ImagegenSettings(**env), address="127.0.0.1:0", generator=seedream
                ),
            ) as [prompt, _],
            prompt_stub(prompt) as stub,
        ):
            project_id = await create_project(stub, count=1)
            await wait_for_settled(database_url, project_id)
            [asset] = await assets_of(database_url, project_id)
            infra = prompt.infra
            info = await infra.js.consumer_info(infra.subjects.jobs_stream, f"{namespace}-imagegen")
        await seedream.aclose()
    assert asset["status"] == "completed"
    assert asset["provider"] == "seedream"
    assert len(fake.requests) == 4, "three failures (the last one a half-open probe), one success"
    assert asset["attempts"] == 4, "only calls that reached the provider are attempts"
    assert info.delivered.consumer_seq > 4, "deliveries held back by the open circuit"


# ---- 5. NATS and Postgres going away mid-project ----------------------------------------------


async def test_nats_restarting_mid_project_loses_nothing(database_url, namespace, tmp_path):
    data_dir, gate, store_dir = tmp_path / "data", tmp_path / "release", tmp_path / "jetstream"
    port = free_port()
    nats = start_nats(store_dir=store_dir, port=port)
    env = fault_env(nats.url, database_url, namespace, data_dir)
    held = env | {"LOGOKRAFT_HOLD_JOBS_UNTIL": gate}  # imagegen's drawings only
    try:
        async with (
            running(
                prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
                imagegen_server.start(ImagegenSettings(**held), address="127.0.0.1:0"),
            ) as [prompt, _],
            prompt_stub(prompt) as stub,
        ):
            project_id = await create_project(stub, count=2)
            await wait_for_assets(database_url, project_id, ["generating", "queued"])

            await asyncio.to_thread(nats.stop)
            gate.touch()  # the drawing in flight finishes while NATS is away
            await wait_for_assets(database_url, project_id, ["completed", "queued"])
            nats = await asyncio.to_thread(start_nats, store_dir=store_dir, port=port)

            assets = await wait_for_assets(database_url, project_id, ["completed", "completed"])
            await wait_for_settled(database_url, project_id)
            after = await create_project(stub, count=1, name="After The Storm")
            await wait_for_settled(database_url, after)
    finally:
        nats.stop()
    assert_one_object_per_asset(data_dir, project_id, assets)


class OwnPostgres:
    """A Postgres of the test's own (data outside pytest's tmp dirs), restartable."""

    def __init__(self) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="lk-fault-pg-"))
        self.scratch.chmod(0o755)  # the server may run as a dedicated OS user
        self.server = start_postgres(data_dir=self.scratch / "data", durable=False)
        with psycopg.connect(self.server.url, autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier("faults")))
        supabase = find_supabase_dir()
        apply_migrations(
            self.url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )

    @property
    def url(self) -> str:
        return self.server.url_for("faults")

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server = start_postgres(
            data_dir=self.scratch / "data", port=self.server.port, durable=False
        )

    def remove(self) -> None:
        self.server.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


@pytest.fixture
def own_postgres():
    postgres = OwnPostgres()
    try:
        yield postgres
    finally:
        postgres.remove()


async def test_postgres_restarting_mid_project_loses_nothing(
    own_postgres, nats_server, namespace, tmp_path
):
    data_dir, gate = tmp_path / "data", tmp_path / "release"
    database_url = own_postgres.url
    env = fault_env(nats_server.url, database_url, namespace, data_dir)
    held = env | {"LOGOKRAFT_HOLD_JOBS_UNTIL": gate}  # imagegen's drawings only
    async with (
        running(
            prompt_server.start(PromptSettings(**env), address="127.0.0.1:0"),
            imagegen_server.start(ImagegenSettings(**held), address="127.0.0.1:0"),
        ) as [prompt, _],
        prompt_stub(prompt) as stub,
    ):
        project_id = await create_project(stub, count=2)
        await wait_for_assets(database_url, project_id, ["generating", "queued"])

        await asyncio.to_thread(own_postgres.stop)
        gate.touch()  # the drawing in flight finishes while Postgres is away
        await asyncio.to_thread(own_postgres.start)

        assets = await wait_for_assets(database_url, project_id, ["completed", "completed"])
        await wait_for_settled(database_url, project_id)
        after = await create_project(stub, count=1, name="After The Storm")
        await wait_for_settled(database_url, after)
    assert_one_object_per_asset(data_dir, project_id, assets)
