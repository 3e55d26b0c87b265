"""/api/v1/usage: what the caller has used of their limits."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from logokraft_gateway.api.deps import CurrentUser, State, limit_client_ip
from logokraft_gateway.convert import usage_public
from logokraft_gateway.errors import error_responses
from logokraft_gateway.json_body import StrictJsonRoute
from logokraft_gateway.schemas import UsagePublic

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/usage",
    tags=["usage"],
    dependencies=[Depends(limit_client_ip)],
)


@router.get(
    "",
    summary="What the caller has used of their limits today",
    responses=error_responses(401, 429, 500, 503, 504),
)
async def get_usage(state: State, user: CurrentUser) -> UsagePublic:
    """Images made in the rolling 24-hour window against the daily limit, projects in
    progress against their limit, and when the oldest counted image leaves the window."""
    return usage_public(await state.prompt.get_usage(user))
