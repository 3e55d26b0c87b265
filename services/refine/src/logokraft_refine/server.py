"""The refine service's composition root: the refiner and maker it uses, and its parts.

Variations arrive as `DrawVariation` jobs; the refiner and the maker sit behind their
provider API's circuit breaker, and a sweeper re-queues or fails variations whose jobs
were lost (see logokraft_domain.sweeper). Everything else is the shared bootstrap
(logokraft_kit.service).
"""

from __future__ import annotations

from logokraft.v1 import refine_service_pb2, refine_service_pb2_grpc
from logokraft_domain.jobs import DrawVariation, consumer
from logokraft_domain.sweeper import AssetSweeper, SweepPolicy
from logokraft_kit import service
from logokraft_kit.breaker import CircuitBreaker, breaker_from_settings
from logokraft_kit.service import Infrastructure, ServiceParts, ServiceRuntime, ServiceSpec
from logokraft_kit.settings import unwrap
from logokraft_refine.adapters.base import PromptRefiner, VariationMaker
from logokraft_refine.adapters.guarded import GuardedMaker, GuardedRefiner
from logokraft_refine.brand_kits import BrandKits
from logokraft_refine.config import RefineSettings
from logokraft_refine.core import Deps, RefineCore
from logokraft_refine.servicer import RefineServicer

SERVICE_NAME = refine_service_pb2.DESCRIPTOR.services_by_name["RefineService"].full_name


def build_adapters(settings: RefineSettings) -> tuple[PromptRefiner, VariationMaker]:
    """Gemini and Nano Banana when configured, else the local editor."""
    if settings.use_gemini:
        from logokraft_refine.adapters.gemini import GeminiPromptRefiner, NanoBananaEditor

        common = {
            "api_key": unwrap(settings.gemini_api_key) or "",
            "base_url": settings.gemini_base_url,
            "api_version": settings.gemini_api_version,
            "timeout_s": settings.gemini_timeout_s,
        }
        return (
            GeminiPromptRefiner(model=settings.refine_text_model, **common),
            NanoBananaEditor(model=settings.image_model, **common),
        )
    from logokraft_refine.adapters.local import LocalPromptRefiner, LocalVariationMaker

    return LocalPromptRefiner(), LocalVariationMaker(concurrency=settings.local_concurrency)


def guard(
    adapters: tuple[PromptRefiner, VariationMaker], settings: RefineSettings
) -> tuple[GuardedRefiner, GuardedMaker]:
    """The adapters behind one breaker per provider API (shared when both call one API)."""
    refiner, maker = adapters
    breakers: dict[str, CircuitBreaker] = {}

    def breaker(api: str) -> CircuitBreaker:
        if api not in breakers:
            breakers[api] = breaker_from_settings(api, settings)
        return breakers[api]

    return (
        GuardedRefiner(refiner, breaker=breaker(refiner.api)),
        GuardedMaker(maker, breaker=breaker(maker.api)),
    )


def spec(
    settings: RefineSettings, *, adapters: tuple[PromptRefiner, VariationMaker] | None = None
) -> ServiceSpec:
    """The refine service as the settings describe it (`adapters` replace the providers)."""

    def compose(infra: Infrastructure) -> ServiceParts:
        chosen = adapters or build_adapters(settings)
        refiner, maker = guard(chosen, settings)
        core = RefineCore(
            Deps(
                db=infra.db,
                nc=infra.nc,
                jobs=infra.jobs,
                subjects=infra.subjects,
                storage=infra.storage,
                refiner=refiner,
                maker=service.with_fault_hooks(maker, settings, method="make_variation"),
                concurrency=settings.concurrency,
                watch_poll_s=settings.watch_poll_s,
                limits=settings.limits,
                draw_timeout_s=settings.draw_timeout_s,
            )
        )
        kits = BrandKits(infra.db, infra.storage, concurrency=settings.concurrency)
        return ServiceParts(
            register=lambda server: refine_service_pb2_grpc.add_RefineServiceServicer_to_server(
                RefineServicer(core, kits), server
            ),
            consumers=[consumer(DrawVariation, core.handle_refine_job, settings)],
            background=[
                AssetSweeper(
                    core.jobs,
                    infra.jobs,
                    kind="variation",
                    provider=maker.name,
                    policy=SweepPolicy.from_settings(settings),
                ),
                # The local engine loads its fonts and icons now, not on the first variation.
                *(service.warmups(chosen[1]) if settings.engine_warm_up else ()),
            ],
        )

    return ServiceSpec(
        name="refine",
        grpc_service=SERVICE_NAME,
        settings=settings,
        address=settings.refine_grpc,
        compose=compose,
    )


async def start(
    settings: RefineSettings,
    *,
    address: str | None = None,
    adapters: tuple[PromptRefiner, VariationMaker] | None = None,
) -> ServiceRuntime:
    """Start the refine service (tests pass `address="127.0.0.1:0"` and fake adapters)."""
    return await service.start(spec(settings, adapters=adapters), address=address)


def main() -> None:
    """Run the refine service until SIGTERM/SIGINT."""
    service.run(lambda: spec(RefineSettings()))
