"""Builds and runs the imagegen service process: gRPC server, image workers, health.

The generator sits behind its provider's circuit breaker; a sweeper re-queues or
fails candidate assets whose jobs were lost (see logokraft_domain.sweeper).
"""

from __future__ import annotations

from logokraft.v1 import imagegen_service_pb2, imagegen_service_pb2_grpc
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_imagegen.adapters.base import ImageGenerator
from logokraft_imagegen.adapters.guarded import GuardedGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_imagegen.core import Deps, ImagesCore
from logokraft_imagegen.servicer import ImagegenServicer
from logokraft_kit.breaker import breaker_from_settings
from logokraft_kit.logs import configure_logging
from logokraft_kit.service import Infrastructure, ServiceRuntime, launch
from logokraft_kit.worker import ConsumerSpec, JobWorker

SERVICE_NAME = imagegen_service_pb2.DESCRIPTOR.services_by_name["ImagegenService"].full_name


def build_generator(settings: ImagegenSettings) -> ImageGenerator:
    """Seedream when configured, else the local logo engine."""
    if settings.use_seedream:
        from logokraft_imagegen.adapters.seedream import SeedreamGenerator

        return SeedreamGenerator(
            api_key=settings.seedream_api_key or "",
            base_url=settings.seedream_base_url,
            model=settings.seedream_model,
            timeout_s=settings.seedream_timeout_s,
        )
    from logokraft_imagegen.adapters.local import LocalLogoGenerator

    return LocalLogoGenerator()


async def start(
    settings: ImagegenSettings,
    *,
    address: str | None = None,
    generator: ImageGenerator | None = None,
) -> ServiceRuntime:
    """Connect, start the image workers and the gRPC server; return the running service."""
    infra = await Infrastructure.open(settings, name="logokraft-imagegen")
    inner = generator or build_generator(settings)
    generator = GuardedGenerator(
        inner,
        breaker=breaker_from_settings(inner.name, settings),
        hold_file=settings.hold_jobs_until,
    )
    core = ImagesCore(
        Deps(
            db=infra.db,
            nc=infra.nc,
            subjects=infra.subjects,
            storage=infra.storage,
            generator=generator,
            concurrency=settings.concurrency,
            draw_timeout_s=settings.draw_timeout_s,
        )
    )
    servicer = ImagegenServicer(core, provider=generator.name)
    worker = JobWorker(
        infra.js,
        ConsumerSpec(
            stream=infra.subjects.jobs_stream,
            subject=infra.subjects.image_jobs,
            durable=f"{settings.namespace}-imagegen",
            max_attempts=settings.job_max_attempts,
            ack_wait=settings.job_ack_wait_s,
            concurrency=settings.concurrency,
            max_deliver=settings.job_max_deliver,
        ),
        core.handle_image_job,
    )
    sweeper = AssetSweeper(
        core.jobs,
        infra.js,
        kind="candidate",
        provider=generator.name,
        policy=SweepPolicy.from_settings(settings),
    )
    return await launch(
        infra,
        address=address or settings.imagegen_grpc,
        service_name=SERVICE_NAME,
        register=lambda s: imagegen_service_pb2_grpc.add_ImagegenServiceServicer_to_server(
            servicer, s
        ),
        workers=[worker, sweeper],
    )


async def serve() -> None:
    """Run the imagegen service until SIGTERM/SIGINT, then shut down gracefully."""
    settings = ImagegenSettings()
    configure_logging("imagegen", settings.log_level)
    runtime = await start(settings)
    await runtime.run_until_signalled(grace=settings.shutdown_grace_s)
