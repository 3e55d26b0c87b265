"""The prompt service's composition root: the prompt writer it uses, and its parts.

The prompt service owns brand projects (create, list, read, watch, cancel and delete over
gRPC; logokraft_prompt.control does the last two, and the usage) and writes their prompts as
`WritePrompts` jobs; each prompt becomes a candidate asset and a `DrawCandidate` job for
imagegen. The writer sits behind its provider's circuit breaker,
as image generators do, and a sweeper re-queues (or, past their maximum age, fails)
projects whose prompt-writing job was lost (see logokraft_domain.sweeper). Everything else
is the shared bootstrap (logokraft_kit.service).
"""

from __future__ import annotations

from logokraft.v1 import prompt_service_pb2, prompt_service_pb2_grpc
from logokraft_domain.garbage import GarbageCollector
from logokraft_domain.jobs import WritePrompts, consumer
from logokraft_domain.sweeper import PromptSweeper, SweepPolicy
from logokraft_kit import service
from logokraft_kit.breaker import breaker_from_settings
from logokraft_kit.service import Infrastructure, ServiceParts, ServiceRuntime, ServiceSpec
from logokraft_kit.settings import unwrap
from logokraft_prompt.adapters.base import PromptWriter
from logokraft_prompt.adapters.guarded import GuardedWriter
from logokraft_prompt.config import PromptSettings
from logokraft_prompt.control import ProjectControl
from logokraft_prompt.core import Deps, ProjectsCore
from logokraft_prompt.servicer import PromptServicer

SERVICE_NAME = prompt_service_pb2.DESCRIPTOR.services_by_name["PromptService"].full_name


def build_writer(settings: PromptSettings) -> PromptWriter:
    """Gemini when configured, else the local prompt writer."""
    if settings.use_gemini:
        from logokraft_prompt.adapters.gemini import GeminiPromptWriter

        return GeminiPromptWriter(
            api_key=unwrap(settings.gemini_api_key) or "",
            model=settings.gemini_text_model,
            base_url=settings.gemini_base_url,
            api_version=settings.gemini_api_version,
            timeout_s=settings.gemini_timeout_s,
        )
    from logokraft_prompt.adapters.local import LocalPromptWriter

    return LocalPromptWriter()


def spec(settings: PromptSettings, *, writer: PromptWriter | None = None) -> ServiceSpec:
    """The prompt service as the settings describe it (`writer` replaces the provider)."""

    def compose(infra: Infrastructure) -> ServiceParts:
        inner = writer or build_writer(settings)
        guarded = GuardedWriter(inner, breaker=breaker_from_settings(inner.name, settings))
        deps = Deps(
            db=infra.db,
            nc=infra.nc,
            jobs=infra.jobs,
            subjects=infra.subjects,
            storage=infra.storage,
            writer=service.with_fault_hooks(guarded, settings, method="write_prompts"),
            watch_poll_s=settings.watch_poll_s,
            queue_refresh_s=settings.queue_refresh_s,
            limits=settings.limits,
        )
        core = ProjectsCore(deps)
        collector = GarbageCollector(
            infra.db,
            infra.storage,
            interval_s=settings.sweep_interval_s,
            grace_s=settings.sweep_stuck_after_s,  # no drawing outlives it (garbage.py)
        )
        control = ProjectControl(deps, collector=collector)
        return ServiceParts(
            register=lambda server: prompt_service_pb2_grpc.add_PromptServiceServicer_to_server(
                PromptServicer(core, control), server
            ),
            consumers=[consumer(WritePrompts, core.handle_prompt_job, settings)],
            background=[
                PromptSweeper(
                    infra.db, infra.nc, infra.jobs, policy=SweepPolicy.from_settings(settings)
                ),
                collector,
            ],
        )

    return ServiceSpec(
        name="prompt",
        grpc_service=SERVICE_NAME,
        settings=settings,
        address=settings.prompt_grpc,
        compose=compose,
    )


async def start(
    settings: PromptSettings, *, address: str | None = None, writer: PromptWriter | None = None
) -> ServiceRuntime:
    """Start the prompt service (tests pass `address="127.0.0.1:0"` and fake writers)."""
    return await service.start(spec(settings, writer=writer), address=address)


def main() -> None:
    """Run the prompt service until SIGTERM/SIGINT."""
    service.run(lambda: spec(PromptSettings()))
