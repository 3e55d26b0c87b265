"""/healthz (the process is alive) and /readyz (the services it needs answer SERVING)."""

from __future__ import annotations

from fastapi import APIRouter

from logokraft_gateway.api.deps import State
from logokraft_gateway.errors import ApiError, error_responses
from logokraft_gateway.json_body import StrictJsonRoute
from logokraft_gateway.schemas import HealthPublic

router = APIRouter(route_class=StrictJsonRoute, tags=["health"])

READY_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", summary="Liveness")
async def healthz() -> HealthPublic:
    """Answers while the process runs."""
    return HealthPublic(status="ok")


@router.get("/readyz", summary="Readiness", responses=error_responses(503))
async def readyz(state: State) -> HealthPublic:
    """Ready when the prompt, imagegen and refine services all report SERVING."""
    timeout = min(READY_TIMEOUT_SECONDS, state.settings.grpc_deadline_seconds)
    services = await state.channels.health(deadline=timeout)
    down = sorted(name for name, status in services.items() if status != "serving")
    if down:
        raise ApiError(
            503,
            "not_ready",
            f"Not ready: the {', '.join(down)} service(s) did not answer SERVING.",
            details=[{"service": name, "status": services[name]} for name in down],
        )
    return HealthPublic(status="ok", services=services)
