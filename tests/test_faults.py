"""Faults injected for real: killed and restarted workers, lost jobs, failing and hanging
providers, NATS and Postgres going away mid-project.

Workers that are killed or stopped run as real child processes (`python -m ...`); a
drawing is held mid-generation with the `LOGOKRAFT_HOLD_JOBS_UNTIL` hook (it waits for a
file), and every wait is on database state with a bounded deadline. Each test's services,
settings and servers come from the `fault_stack` fixture (`tests.support.FaultStack`), so a
test states only what differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from logokraft.v1 import common_pb2, prompt_service_pb2_grpc, refine_service_pb2_grpc
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_user_id
from logokraft_domain import sweeper
from logokraft_domain.jobs import REFINEMENTS, DrawCandidate
from logokraft_fakes import gemini as fake_gemini
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.seedream import FakeSeedream, SeedreamError
from logokraft_imagegen.adapters.base import GeneratedImage, ImageRequest
from logokraft_imagegen.adapters.local import LocalLogoGenerator
from logokraft_imagegen.adapters.seedream import SeedreamGenerator
from logokraft_kit.logs import current_log_context
from logokraft_kit.providers import ProviderUnavailable
from logokraft_kit.service import ServiceRuntime
from logokraft_prompt.adapters.gemini import GeminiPromptWriter
from logokraft_prompt.adapters.local import LocalPromptWriter
from tests.support import DEADLINE, NOT_SERVING, FaultStack, as_user, new_project_id, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

USER = dev_user_id("dev")


# ---- 1. a worker killed mid-generation ------------------------------------------------------


async def test_imagegen_killed_mid_generation_hands_the_job_to_the_next_worker(fault_stack):
    held, fresh = fault_stack.replicas("imagegen")
    await fault_stack.start("prompt")
    await held.start().wait_serving()
    project_id = await fault_stack.create_project(count=1)
    [asset] = await fault_stack.wait_for_assets(project_id, ["generating"])

    held.kill()
    await fresh.start().wait_serving()
    [asset] = await fault_stack.wait_for_assets(project_id, ["completed"])
    project = await fault_stack.wait_for_settled(project_id)

    assert asset["attempts"] == 2, "the killed attempt counts"
    assert project["status"] == "completed"
    fault_stack.assert_one_object_per_asset(project_id, [asset])
    assert not fault_stack.gate.exists(), "the second worker was never held"


async def test_refine_killed_mid_variation_hands_the_job_to_the_next_worker(fault_stack):
    held, fresh = fault_stack.replicas("refine")
    _, project_id, parent, child_id = await _variation_in_flight(fault_stack, held)

    held.kill()
    await fresh.start().wait_serving()
    assets = await fault_stack.wait_for_assets(project_id, ["completed", "completed"])
    await fault_stack.wait_for_settled(project_id)

    [child] = [a for a in assets if str(a["id"]) == child_id]
    assert child["parent_asset_id"] == parent["id"]
    assert child["attempts"] == 2
    assert child["prompt"], "the prompt written before the kill is kept"
    fault_stack.assert_one_object_per_asset(project_id, assets)


async def test_a_refine_job_orphaned_by_a_kill_draws_nothing_once_its_project_is_cancelled(
    fault_stack,
):
    """A refine replica is killed mid-variation; the user cancels the project before the job
    is delivered again. The next replica drops the job: nothing is drawn or stored, the
    variation stays cancelled and counted once (a provider was drawing it)."""
    held, fresh = fault_stack.replicas("refine")
    prompt, project_id, parent, child_id = await _variation_in_flight(fault_stack, held)
    held.kill()

    assert fault_stack.prompt_address is not None
    async with grpc.aio.insecure_channel(fault_stack.prompt_address) as channel:
        cancelled = await prompt_service_pb2_grpc.PromptServiceStub(channel).CancelProject(
            prompt_pb.CancelProjectRequest(project_id=project_id), metadata=as_user("dev")
        )
    assert cancelled.project.status == common_pb2.PROJECT_STATUS_CANCELLED
    await fresh.start().wait_serving()

    info = await wait_for(lambda: _refine_drained(prompt), within=DEADLINE, what="the job")
    assert info.delivered.consumer_seq >= 2, "the killed replica's job was delivered again"
    assets = await fault_stack.assets(project_id)
    statuses = {str(a["id"]): a["status"] for a in assets}
    assert statuses == {str(parent["id"]): "completed", child_id: "cancelled"}
    fault_stack.assert_one_object_per_asset(project_id, [parent])
    ledger = await fault_stack.rows(
        "select count(*) as n from image_usage where asset_id = %s", [child_id]
    )
    assert ledger[0]["n"] == 1


async def _variation_in_flight(fault_stack: Any, replica: Any) -> tuple[Any, str, dict, str]:
    """Prompt and imagegen started, a one-logo project made, and its logo's one variation
    being drawn by the refine `replica`: the prompt service, the project's id, its logo and
    the variation's id."""
    prompt = await fault_stack.start("prompt")
    await fault_stack.start("imagegen")
    project_id = await fault_stack.create_project(count=1)
    [parent] = await fault_stack.wait_for_assets(project_id, ["completed"])
    await replica.start().wait_serving()
    async with grpc.aio.insecure_channel(replica.address) as channel:
        call = refine_service_pb2_grpc.RefineServiceStub(channel).RefineAsset(
            refine_pb.RefineAssetRequest(
                asset_id=str(parent["id"]), instruction="make it red", num_variations=1
            ),
            metadata=as_user("dev"),
        )
        first = await call.read()  # queued; the caller going away then cancels nothing
        call.cancel()
    [child_id] = [a.id for a in first.variations]
    await fault_stack.wait_for_assets(project_id, ["completed", "generating"])
    return prompt, project_id, parent, child_id


async def _refine_drained(runtime: ServiceRuntime) -> Any:
    """The refine consumer's info once nothing waits or is unacknowledged, else None."""
    subjects = runtime.infra.subjects
    durable = f"{subjects.namespace}-{REFINEMENTS.durable}"
    info = await runtime.infra.js.consumer_info(subjects.jobs_stream, durable)
    return info if info.num_pending == 0 and info.num_ack_pending == 0 else None


async def test_prompt_writer_killed_mid_writing_hands_the_job_to_the_next_worker(fault_stack):
    fault_stack.configure(LOGOKRAFT_PROMPT_ACK_WAIT_S="1")
    held, fresh = fault_stack.replicas("prompt")
    await fault_stack.start("imagegen")
    await held.start().wait_serving()
    project_id = await fault_stack.create_project(count=3, address=held.address)
    # The first prompt is written (and drawn); the writer holds before the second.
    [first] = await fault_stack.wait_for_assets(project_id, ["completed"])
    assert not (await fault_stack.project(project_id))["prompts_written"]

    held.kill()
    await fresh.start().wait_serving()
    assets = await fault_stack.wait_for_assets(project_id, ["completed"] * 3)
    project = await fault_stack.wait_for_settled(project_id)

    assert project["prompts_written"]
    assert [a["position"] for a in assets] == [0, 1, 2], "one candidate per position"
    assert first["id"] == assets[0]["id"], "the candidate written before the kill is kept"
    assert [a["attempts"] for a in assets] == [1, 1, 1]
    fault_stack.assert_one_object_per_asset(project_id, assets)


# ---- 6. graceful shutdown, a rolling restart, a job published twice ----------------------


async def test_sigterm_lets_the_drawing_in_flight_finish_during_a_rolling_restart(fault_stack):
    fault_stack.configure(LOGOKRAFT_SHUTDOWN_GRACE_S="20")
    old, new = fault_stack.replicas("imagegen")
    await fault_stack.start("prompt")
    await old.start().wait_serving()
    project_id = await fault_stack.create_project(count=3)
    await fault_stack.wait_for_assets(project_id, ["generating", "queued", "queued"])

    old.terminate()
    await wait_for(lambda: _is(old.health(), NOT_SERVING), within=DEADLINE, what="NOT_SERVING")
    await new.start().wait_serving()
    # The old replica fetches nothing more; the new one takes the queued work.
    await fault_stack.wait_for_assets(project_id, ["generating", "completed", "completed"])
    assert old.proc.poll() is None, "the old replica waits for its drawing"

    fault_stack.gate.touch()
    assert await old.wait_exit() == 0
    assets = await fault_stack.wait_for_assets(project_id, ["completed"] * 3)
    await fault_stack.wait_for_settled(project_id)

    assert [a["attempts"] for a in assets] == [1, 1, 1], "nothing was drawn twice"
    fault_stack.assert_one_object_per_asset(project_id, assets)


async def test_sigterm_hands_back_a_drawing_that_does_not_finish_within_the_grace(fault_stack):
    fault_stack.configure(
        LOGOKRAFT_SHUTDOWN_GRACE_S="0.5",
        LOGOKRAFT_IMAGE_ACK_WAIT_S="30",  # the hand-back, not an expiry, redelivers it
    )
    old, new = fault_stack.replicas("imagegen")
    await fault_stack.start("prompt")
    await old.start().wait_serving()
    project_id = await fault_stack.create_project(count=1)
    await fault_stack.wait_for_assets(project_id, ["generating"])

    old.terminate()
    assert await old.wait_exit() == 0
    await new.start().wait_serving()
    [asset] = await fault_stack.wait_for_assets(project_id, ["completed"], within=10)
    await fault_stack.wait_for_settled(project_id)

    assert asset["attempts"] == 1, "a drawing handed back is not an attempt"
    fault_stack.assert_one_object_per_asset(project_id, [asset])


async def _is(status: Any, expected: int) -> bool:
    return await status == expected


class Counting:
    """A generator that counts its drawings (and draws with the local engine)."""

    takes_reference_images = False  # as the local engine it draws with

    def __init__(self, name: str = "local") -> None:
        self.name = name
        self.calls = 0
        self._local = LocalLogoGenerator()

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        self.calls += 1
        return await self._local.generate(request)


async def test_a_job_published_twice_with_one_msg_id_is_drawn_once(fault_stack):
    counting = Counting()
    prompt = await fault_stack.start("prompt")
    await fault_stack.start("imagegen", held=True, generator=counting)
    project_id = await fault_stack.create_project(count=1)
    [asset] = await fault_stack.wait_for_assets(project_id, ["generating"])
    js, subjects = prompt.infra.js, prompt.infra.subjects
    job = DrawCandidate(
        asset_id=asset["id"], project_id=uuid.UUID(project_id), user_id=USER, position=0
    )
    for _ in range(2):  # as any publisher would: the prompt service's id, so dropped
        ack = await js.publish(
            job.queue.subject(subjects),
            json.dumps(job.payload()).encode(),
            headers={"Nats-Msg-Id": job.msg_id},
        )
        assert ack.duplicate
    await job.publish(prompt.infra.jobs)

    fault_stack.gate.touch()
    await fault_stack.wait_for_assets(project_id, ["completed"])
    durable = f"{fault_stack.namespace}-imagegen-first"  # the first candidate's lane

    async def drained() -> Any:
        info = await js.consumer_info(subjects.jobs_stream, durable)
        return info if info.num_pending == 0 and info.num_ack_pending == 0 else None

    info = await wait_for(drained, within=DEADLINE, what="the consumer to drain")
    assert info.delivered.consumer_seq == 1, "one delivery, ever"
    assert counting.calls == 1


# ---- 2. bounded attempts, the sweeper -------------------------------------------------------


class Failing:
    """A generator that fails every time with `error`."""

    takes_reference_images = True  # as a remote provider would

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
    fault_stack, error, code, message
):
    fault_stack.configure(
        LOGOKRAFT_IMAGE_MAX_ATTEMPTS="2",
        LOGOKRAFT_DRAW_TIMEOUT_S="0.3",
        LOGOKRAFT_BREAKER_FAILURES="100",
    )
    generator = Failing(error)
    await fault_stack.start("prompt")
    await fault_stack.start("imagegen", generator=generator)
    project_id = await fault_stack.create_project(count=1)
    project = await fault_stack.wait_for_settled(project_id, "failed")
    [asset] = await fault_stack.assets(project_id)
    assert asset["status"] == "failed"
    assert asset["error_code"] == code
    assert message in asset["error_message"]
    assert asset["attempts"] == 2
    assert generator.calls == 2
    assert project["error_code"] == "no_assets"


class FailingWriter:
    """A prompt writer that fails every time with `error` (after `written` good prompts)."""

    name = "flaky"
    wants_inspiration_palette = False  # as a remote provider, which sees the images themselves

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
    fault_stack, error, code, message
):
    """The candidates written before the failure are still drawn; the project says why."""
    fault_stack.configure(LOGOKRAFT_PROMPT_MAX_ATTEMPTS="2", LOGOKRAFT_BREAKER_FAILURES="100")
    writer = FailingWriter(error, written=1)
    await fault_stack.start("prompt", writer=writer)
    await fault_stack.start("imagegen")
    project_id = await fault_stack.create_project(count=3)
    project = await fault_stack.wait_for_settled(project_id, "completed")
    assets = await fault_stack.assets(project_id)
    assert (project["error_code"], project["prompt_attempts"]) == (code, 2)
    assert message in project["error_message"]
    assert writer.calls == 2
    assert [a["status"] for a in assets] == ["completed"], "one candidate, written once"


async def test_an_open_circuit_holds_prompt_writing_back_without_using_up_its_attempts(
    fault_stack,
):
    fake = FakeGemini(api_key="gemini-key")
    # Rate limited with a short RetryInfo delay: redelivered while the circuit is still open.
    fake.enqueue(*[fake_gemini.rate_limited("0.05s") for _ in range(3)])
    fault_stack.configure(
        LOGOKRAFT_PROMPT_MAX_ATTEMPTS="4",
        LOGOKRAFT_BREAKER_FAILURES="2",
        LOGOKRAFT_BREAKER_RESET_S="1",
        LOGOKRAFT_BREAKER_MAX_RESET_S="1",
    )
    base_url = await fault_stack.enter(serve_asgi(fake.app))
    # One HTTP call per attempt, so every provider failure reaches the breaker.
    gemini = GeminiPromptWriter(api_key="gemini-key", base_url=base_url, max_attempts=1)
    fault_stack.callback(gemini.aclose)
    prompt = await fault_stack.start("prompt", writer=gemini)
    await fault_stack.start("imagegen")
    project_id = await fault_stack.create_project(count=1)
    project = await fault_stack.wait_for_settled(project_id, "completed")
    infra = prompt.infra
    info = await infra.js.consumer_info(
        infra.subjects.jobs_stream, f"{fault_stack.namespace}-prompt-writer"
    )
    assert project["error_code"] is None
    assert len(fake.requests) == 4, "three failures (the last one a half-open probe), one success"
    assert project["prompt_attempts"] == 4, "only calls that reached the provider are attempts"
    assert info.delivered.consumer_seq > 4, "deliveries held back by the open circuit"


async def test_an_asset_whose_drawing_keeps_being_interrupted_fails_after_its_attempts(
    fault_stack,
):
    fault_stack.configure(LOGOKRAFT_IMAGE_MAX_ATTEMPTS="2")
    await fault_stack.start("prompt")
    project_id = await fault_stack.create_project(count=1)
    await fault_stack.wait_for_assets(project_id, ["queued"])
    # As if two workers had died drawing it (each attempt counted, none finished).
    await fault_stack.rows(
        "update generated_assets set status = 'generating', attempts = 2"
        " where project_id = %s returning id",
        [project_id],
    )
    generator = Counting()
    await fault_stack.start("imagegen", generator=generator)
    await fault_stack.wait_for_settled(project_id, "failed")
    [asset] = await fault_stack.assets(project_id)
    assert generator.calls == 0, "a third attempt is not made"
    assert asset["error_code"] == "interrupted"
    assert "interrupted 2 times" in asset["error_message"]


SWEEP_QUICKLY = {
    "LOGOKRAFT_SWEEP_INTERVAL_S": "0.2",
    "LOGOKRAFT_SWEEP_STUCK_AFTER_S": "2",
    "LOGOKRAFT_DRAW_TIMEOUT_S": "1.5",  # below the stuck time, as the settings require
    "LOGOKRAFT_SWEEP_MAX_AGE_S": "60",
}


async def _lose_the_image_jobs(
    fault_stack: FaultStack, prompt: ServiceRuntime, project_id: str
) -> None:
    """Wait until the prompts are written and the candidates queued, then purge their jobs."""

    async def written() -> bool:
        return (await fault_stack.project(project_id))["prompts_written"]

    await wait_for(written, within=DEADLINE, what="the prompts to be written")
    infra = prompt.infra
    for lane in DrawCandidate.lanes():  # a project's first candidate travels on its own lane
        await infra.js.purge_stream(
            infra.subjects.jobs_stream, subject=lane.subject(infra.subjects)
        )


@contextlib.contextmanager
def _sweepers_lines() -> Iterator[list[tuple[str, dict[str, str]]]]:
    """The sweepers' log lines while the block runs, each with the ids it was logged with."""
    lines: list[tuple[str, dict[str, str]]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append((record.getMessage(), dict(current_log_context())))

    logger, keep = logging.getLogger(sweeper.__name__), Keep()
    logger.addHandler(keep)
    try:
        yield lines
    finally:
        logger.removeHandler(keep)


async def test_the_sweeper_queues_the_lost_jobs_of_stuck_assets_again(fault_stack):
    fault_stack.configure(**SWEEP_QUICKLY)
    prompt = await fault_stack.start("prompt")
    project_id = await fault_stack.create_project(count=2)
    await _lose_the_image_jobs(fault_stack, prompt, project_id)
    await fault_stack.wait_for_assets(project_id, ["queued", "queued"])
    with _sweepers_lines() as lines:
        await fault_stack.start("imagegen")
        assets = await fault_stack.wait_for_assets(project_id, ["completed", "completed"])
    await fault_stack.wait_for_settled(project_id)
    fault_stack.assert_one_object_per_asset(project_id, assets)
    # Each requeued asset's line carries its ids, so grepping the project's id finds it
    # (before, the sweeper's lines had no project_id, only the asset's id in their text).
    requeued = {ids.get("asset_id"): ids for text, ids in lines if "queueing its job" in text}
    assert set(requeued) == {str(a["id"]) for a in assets}, lines
    assert {ids.get("project_id") for ids in requeued.values()} == {str(project_id)}


async def test_the_sweeper_fails_assets_past_their_maximum_age_and_settles_the_project(
    fault_stack,
):
    fault_stack.configure(**SWEEP_QUICKLY)
    prompt = await fault_stack.start("prompt")
    project_id = await fault_stack.create_project(count=1)
    await _lose_the_image_jobs(fault_stack, prompt, project_id)
    await fault_stack.rows(
        "update generated_assets set created_at = now() - interval '2 hours'"
        " where project_id = %s returning id",
        [project_id],
    )
    with _sweepers_lines() as lines:
        await fault_stack.start("imagegen")
        project = await fault_stack.wait_for_settled(project_id, "failed")
    [asset] = await fault_stack.assets(project_id)
    assert asset["status"] == "failed"
    assert asset["error_code"] == "timed_out"
    failed = [ids for text, ids in lines if text.startswith(f"asset {asset['id']} failed as")]
    assert failed == [{"project_id": str(project_id), "asset_id": str(asset["id"])}], lines
    assert "not finished within 1 minute" in asset["error_message"]
    assert "try generating it again" in asset["error_message"]
    assert project["error_code"] == "no_assets"


async def test_the_sweeper_queues_the_lost_prompt_job_of_a_project_again(fault_stack):
    fault_stack.configure(**SWEEP_QUICKLY)
    project_id = new_project_id()
    # A project stored without its prompt job (the process died between the two).
    await fault_stack.rows(
        "insert into brand_projects (id, user_id, brand_name, num_candidates)"
        " values (%s, %s, 'Lost Lighthouse', 1) returning id",
        [project_id, USER],
    )
    with _sweepers_lines() as lines:
        await fault_stack.start("prompt")
        await fault_stack.start("imagegen")
        await fault_stack.wait_for_settled(project_id)
    [asset] = await fault_stack.assets(project_id)
    assert asset["status"] == "completed"
    # One line for the project, with its id: before, only "prompt sweep: queued 1 again".
    requeued = [ids for text, ids in lines if text.startswith(f"project {project_id} ")]
    assert requeued == [{"project_id": str(project_id)}], lines


# ---- 3. a circuit breaker in front of a provider that keeps failing ---------------------------


async def test_an_open_circuit_holds_jobs_back_without_using_up_their_attempts(fault_stack):
    fake = FakeSeedream(api_key="ark-key")
    unavailable = SeedreamError(
        503, "ServiceUnavailable", "Overloaded.", "ServiceUnavailable", retry_after="0.05"
    )
    fake.enqueue(unavailable, unavailable, unavailable)
    fault_stack.configure(
        LOGOKRAFT_IMAGE_MAX_ATTEMPTS="4",
        LOGOKRAFT_BREAKER_FAILURES="2",
        LOGOKRAFT_BREAKER_RESET_S="1",
        LOGOKRAFT_BREAKER_MAX_RESET_S="1",
    )
    base_url = await fault_stack.enter(serve_asgi(fake.app))
    # One HTTP call per attempt, so every provider failure reaches the breaker.
    seedream = SeedreamGenerator(api_key="ark-key", base_url=f"{base_url}/api/v3", max_attempts=1)
    fault_stack.callback(seedream.aclose)
    prompt = await fault_stack.start("prompt")
    await fault_stack.start("imagegen", generator=seedream)
    project_id = await fault_stack.create_project(count=1)
    await fault_stack.wait_for_settled(project_id)
    [asset] = await fault_stack.assets(project_id)
    infra = prompt.infra
    info = await infra.js.consumer_info(  # a project's one candidate: the first lane
        infra.subjects.jobs_stream, f"{fault_stack.namespace}-imagegen-first"
    )
    assert asset["status"] == "completed"
    assert asset["provider"] == "seedream"
    assert len(fake.requests) == 4, "three failures (the last one a half-open probe), one success"
    assert asset["attempts"] == 4, "only calls that reached the provider are attempts"
    # Deliveries that met the open circuit were handed back without an attempt; with the
    # lane worker's idle poll they may all land after the circuit closed, hence >=.
    assert info.delivered.consumer_seq >= 4, "deliveries held back by the open circuit"


# ---- 5. NATS and Postgres going away mid-project ----------------------------------------------


async def test_nats_restarting_mid_project_loses_nothing(fault_stack):
    await fault_stack.own_nats()
    await fault_stack.start("prompt")
    await fault_stack.start("imagegen", held=True)  # its drawings only
    project_id = await fault_stack.create_project(count=2)
    await fault_stack.wait_for_assets(project_id, ["generating", "queued"])

    await fault_stack.stop_nats()
    fault_stack.gate.touch()  # the drawing in flight finishes while NATS is away
    await fault_stack.wait_for_assets(project_id, ["completed", "queued"])
    await fault_stack.start_nats()

    assets = await fault_stack.wait_for_assets(project_id, ["completed", "completed"])
    await fault_stack.wait_for_settled(project_id)
    after = await fault_stack.create_project(count=1, name="After The Storm")
    await fault_stack.wait_for_settled(after)
    fault_stack.assert_one_object_per_asset(project_id, assets)


async def test_postgres_restarting_mid_project_loses_nothing(fault_stack):
    await fault_stack.own_postgres()
    await fault_stack.start("prompt")
    await fault_stack.start("imagegen", held=True)  # its drawings only
    project_id = await fault_stack.create_project(count=2)
    await fault_stack.wait_for_assets(project_id, ["generating", "queued"])

    await fault_stack.stop_postgres()
    fault_stack.gate.touch()  # the drawing in flight finishes while Postgres is away
    await fault_stack.start_postgres()

    assets = await fault_stack.wait_for_assets(project_id, ["completed", "completed"])
    await fault_stack.wait_for_settled(project_id)
    after = await fault_stack.create_project(count=1, name="After The Storm")
    await fault_stack.wait_for_settled(after)
    fault_stack.assert_one_object_per_asset(project_id, assets)
