"""Builds and runs the refine service process: gRPC server, variation workers, health.

The refiner and the maker sit behind their provider's circuit breaker; a sweeper
re-queues or fails variations whose jobs were lost (see logokraft_domain.sweeper).
"""

from __future__ import annotations

from logokraft.v1 import refine_service_pb2, refine_service_pb2_grpc
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_kit.breaker import CircuitBreaker, breaker_from_settings
from logokraft_kit.logs import configure_logging
from logokraft_kit.service import Infrastructure, ServiceRuntime, launch
from logokraft_kit.worker import ConsumerSpec, JobWorker
from logokraft_refine.adapters.base import PromptRefiner, VariationMaker
from logokraft_refine.adapters.guarded import GuardedMaker, GuardedRefiner
from logokraft_refine.config import RefineSettings
from logokraft_refine.core import Deps, RefineCore
from logokraft_refine.servicer import RefineServicer

SERVICE_NAME = refine_service_pb2.DESCRIPTOR.services_by_name["RefineService"].full_name


def build_adapters(settings: RefineSettings) -> tuple[PromptRefiner, VariationMaker]:
    """Gemini and Nano Banana when configured, else the local editor."""
    if settings.use_gemini:
        from logokraft_refine.adapters.gemini import GeminiPromptRefiner, NanoBananaEditor

        common = {
            "api_key": settings.gemini_api_key or "",
            "base_url": settings.gemini_base_url,
            "api_version": settings.gemini_api_version,
            "timeout_s": settings.gemini_timeout_s,
        }
        return (
            GeminiPromptRefiner(model=settings.refine_text_model, **common),
            NanoBananaEditor(model=settings.image_model, **common),
        )
    from logokraft_refine.adapters.local import LocalPromptRefiner, LocalVariationMaker

    return LocalPromptRefiner(), LocalVariationMaker()


def guard(
    adapters: tuple[PromptRefiner, VariationMaker], settings: RefineSettings
) -> tuple[GuardedRefiner, GuardedMaker]:
    """The adapters behind one breaker per provider (shared when both talk to one API)."""
    refiner, maker = adapters
    breakers: dict[str, CircuitBreaker] = {}

    def breaker(name: str) -> CircuitBreaker:
        provider = "gemini" if name in ("gemini", "nano-banana") else name
        if provider not in breakers:
            breakers[provider] = breaker_from_settings(provider, settings)
        return breakers[provider]

    return (
        GuardedRefiner(refiner, breaker=breaker(refiner.name)),
        GuardedMaker(maker, breaker=breaker(maker.name), hold_file=settings.hold_jobs_until),
    )


async def start(
    settings: RefineSettings,
    *,
    address: str | None = None,
    adapters: tuple[PromptRefiner, VariationMaker] | None = None,
) -> ServiceRuntime:
    """Connect, start the variation workers and the gRPC server; return the running service."""
    infra = await Infrastructure.open(settings, name="logokraft-refine")
    refiner, maker = guard(adapters or build_adapters(settings), settings)
    core = RefineCore(
        Deps(
            db=infra.db,
            nc=infra.nc,
            js=infra.js,
            subjects=infra.subjects,
            storage=infra.storage,
            refiner=refiner,
            maker=maker,
            concurrency=settings.concurrency,
            watch_poll_s=settings.watch_poll_s,
            limits=settings.limits,
            draw_timeout_s=settings.draw_timeout_s,
        )
    )
    worker = JobWorker(
        infra.js,
        ConsumerSpec(
            stream=infra.subjects.jobs_stream,
            subject=infra.subjects.refine_jobs,
            durable=f"{settings.namespace}-refine",
            max_attempts=settings.job_max_attempts,
            ack_wait=settings.job_ack_wait_s,
            concurrency=settings.concurrency,
            max_deliver=settings.job_max_deliver,
        ),
        core.handle_refine_job,
    )
    sweeper = AssetSweeper(
        core.jobs,
        infra.js,
        kind="variation",
        provider=maker.name,
        policy=SweepPolicy.from_settings(settings),
    )
    return await launch(
        infra,
        address=address or settings.refine_grpc,
        service_name=SERVICE_NAME,
        register=lambda s: refine_service_pb2_grpc.add_RefineServiceServicer_to_server(
            RefineServicer(core), s
        ),
        workers=[worker, sweeper],
    )


async def serve() -> None:
    """Run the refine service until SIGTERM/SIGINT, then shut down gracefully."""
    settings = RefineSettings()
    configure_logging("refine", settings.log_level)
    runtime = await start(settings)
    await runtime.run_until_signalled(grace=settings.shutdown_grace_s)
