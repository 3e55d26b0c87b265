"""The imagegen service's composition root: the generator it draws with, and its parts.

Candidates arrive as `DrawCandidate` jobs on two lanes served by one worker, a project's
first candidate (`images-first`) before the others (`images`), so every waiting project
gets its first logo before any gets its later ones (logokraft_domain.jobs). The generator
sits behind its provider's circuit breaker, and a sweeper re-queues (on the right lane) or
fails candidate assets whose jobs were lost (see logokraft_domain.sweeper). Everything else
is the shared bootstrap (logokraft_kit.service).
"""

from __future__ import annotations

from logokraft.v1 import imagegen_service_pb2, imagegen_service_pb2_grpc
from logokraft_domain.jobs import DrawCandidate, consumer
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_imagegen.adapters.base import ImageGenerator
from logokraft_imagegen.adapters.guarded import GuardedGenerator
from logokraft_imagegen.config import ImagegenSettings
from logokraft_imagegen.core import Deps, ImagesCore
from logokraft_imagegen.servicer import ImagegenServicer
from logokraft_kit import service
from logokraft_kit.breaker import breaker_from_settings
from logokraft_kit.service import Infrastructure, ServiceParts, ServiceRuntime, ServiceSpec
from logokraft_kit.settings import unwrap

SERVICE_NAME = imagegen_service_pb2.DESCRIPTOR.services_by_name["ImagegenService"].full_name


def build_generator(settings: ImagegenSettings) -> ImageGenerator:
    """Seedream when configured, else the local logo engine."""
    if settings.use_seedream:
        from logokraft_imagegen.adapters.seedream import SeedreamGenerator

        return SeedreamGenerator(
            api_key=unwrap(settings.seedream_api_key) or "",
            base_url=settings.seedream_base_url,
            model=settings.seedream_model,
            timeout_s=settings.seedream_timeout_s,
            image_hosts=settings.seedream_image_hosts.split(","),
            allow_http=settings.seedream_image_allow_http,
            max_image_bytes=settings.seedream_max_image_bytes,
        )
    from logokraft_imagegen.adapters.local import LocalLogoGenerator

    return LocalLogoGenerator(concurrency=settings.local_concurrency)


def spec(settings: ImagegenSettings, *, generator: ImageGenerator | None = None) -> ServiceSpec:
    """The imagegen service as the settings describe it (`generator` replaces the provider)."""

    def compose(infra: Infrastructure) -> ServiceParts:
        inner = generator or build_generator(settings)
        guarded = GuardedGenerator(inner, breaker=breaker_from_settings(inner.name, settings))
        drawing = service.with_fault_hooks(guarded, settings, method="generate")
        core = ImagesCore(
            Deps(
                db=infra.db,
                nc=infra.nc,
                subjects=infra.subjects,
                storage=infra.storage,
                generator=drawing,
                concurrency=settings.concurrency,
                draw_timeout_s=settings.draw_timeout_s,
                signer=infra.jobs.signer,
            )
        )
        return ServiceParts(
            register=lambda server: imagegen_service_pb2_grpc.add_ImagegenServiceServicer_to_server(
                ImagegenServicer(), server
            ),
            consumers=[consumer(DrawCandidate, core.handle_image_job, settings)],
            background=[
                AssetSweeper(
                    core.jobs,
                    infra.jobs,
                    kind="candidate",
                    provider=inner.name,
                    policy=SweepPolicy.from_settings(settings),
                ),
                # The local engine loads its fonts and icons now, not on the first user's logo.
                *(service.warmups(inner) if settings.engine_warm_up else ()),
            ],
        )

    return ServiceSpec(
        name="imagegen",
        grpc_service=SERVICE_NAME,
        settings=settings,
        address=settings.imagegen_grpc,
        compose=compose,
    )


async def start(
    settings: ImagegenSettings,
    *,
    address: str | None = None,
    generator: ImageGenerator | None = None,
) -> ServiceRuntime:
    """Start the imagegen service (tests pass `address="127.0.0.1:0"` and fake generators)."""
    return await service.start(spec(settings, generator=generator), address=address)


def main() -> None:
    """Run the imagegen service until SIGTERM/SIGINT."""
    service.run(lambda: spec(ImagegenSettings()))
