"""Builds and runs the prompt service process: gRPC server, prompt-writing workers, health.

The prompt writer sits behind its provider's circuit breaker, as image generators do.

A sweeper re-queues (or, past their maximum age, fails) projects whose prompt-writing
job was lost (see logokraft_domain.sweeper).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from logokraft.v1 import prompt_service_pb2, prompt_service_pb2_grpc
from logokraft_dev.faults import hold_after_first
from logokraft_domain.sweeper import PromptSweeper, SweepPolicy
from logokraft_kit.breaker import breaker_from_settings
from logokraft_kit.logs import configure_logging
from logokraft_kit.service import Infrastructure, ServiceRuntime, launch
from logokraft_kit.worker import ConsumerSpec, JobWorker
from logokraft_prompt.adapters.base import InspirationImage, PromptWriter, WrittenPrompt
from logokraft_prompt.adapters.guarded import GuardedWriter
from logokraft_prompt.config import PromptSettings
from logokraft_prompt.core import Deps, ProjectsCore
from logokraft_prompt.servicer import PromptServicer

SERVICE_NAME = prompt_service_pb2.DESCRIPTOR.services_by_name["PromptService"].full_name


def build_writer(settings: PromptSettings) -> PromptWriter:
    """Gemini when configured, else the local prompt writer."""
    if settings.use_gemini:
        from logokraft_prompt.adapters.gemini import GeminiPromptWriter

        return GeminiPromptWriter(
            api_key=settings.gemini_api_key or "",
            model=settings.gemini_text_model,
            base_url=settings.gemini_base_url,
            api_version=settings.gemini_api_version,
            timeout_s=settings.gemini_timeout_s,
        )
    from logokraft_prompt.adapters.local import LocalPromptWriter

    return LocalPromptWriter()


class _HeldWriter:
    """The tests' hold hook (LOGOKRAFT_HOLD_JOBS_UNTIL): pause after the first prompt."""

    def __init__(self, inner: PromptWriter, hold_file: Path) -> None:
        self.name = inner.name
        self._inner = inner
        self._hold_file = hold_file

    def write_prompts(
        self, brief: Any, *, count: int, inspiration: Sequence[InspirationImage]
    ) -> AsyncIterator[WrittenPrompt]:
        prompts = self._inner.write_prompts(brief, count=count, inspiration=inspiration)
        return hold_after_first(prompts, self._hold_file)


async def start(
    settings: PromptSettings, *, address: str | None = None, writer: PromptWriter | None = None
) -> ServiceRuntime:
    """Connect, start the prompt workers and the gRPC server; return the running service."""
    infra = await Infrastructure.open(settings, name="logokraft-prompt")
    writer = writer or build_writer(settings)
    writer = GuardedWriter(writer, breaker=breaker_from_settings(writer.name, settings))
    if settings.hold_jobs_until is not None:
        writer = _HeldWriter(writer, settings.hold_jobs_until)
    deps = Deps(
        db=infra.db,
        nc=infra.nc,
        js=infra.js,
        subjects=infra.subjects,
        storage=infra.storage,
        writer=writer,
        watch_poll_s=settings.watch_poll_s,
        limits=settings.limits,
    )
    core = ProjectsCore(deps)
    worker = JobWorker(
        infra.js,
        ConsumerSpec(
            stream=infra.subjects.jobs_stream,
            subject=infra.subjects.prompt_jobs,
            durable=f"{settings.namespace}-prompt-writer",
            max_attempts=settings.job_max_attempts,
            ack_wait=settings.job_ack_wait_s,
            concurrency=settings.worker_concurrency,
            max_deliver=settings.job_max_deliver,
        ),
        core.handle_prompt_job,
    )
    sweeper = PromptSweeper(
        infra.db, infra.nc, infra.js, infra.subjects, policy=SweepPolicy.from_settings(settings)
    )
    return await launch(
        infra,
        address=address or settings.prompt_grpc,
        service_name=SERVICE_NAME,
        register=lambda s: prompt_service_pb2_grpc.add_PromptServiceServicer_to_server(
            PromptServicer(core), s
        ),
        workers=[worker, sweeper],
    )


async def serve() -> None:
    """Run the prompt service until SIGTERM/SIGINT, then shut down gracefully."""
    settings = PromptSettings()
    configure_logging("prompt", settings.log_level)
    runtime = await start(settings)
    await runtime.run_until_signalled(grace=settings.shutdown_grace_s)
