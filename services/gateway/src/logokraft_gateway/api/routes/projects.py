"""/api/v1/projects: create a project, list and read projects, follow one over SSE, cancel
and delete one."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import grpc
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import Strict

from logokraft.v1 import prompt_service_pb2
from logokraft_gateway.api.deps import (
    BearerCredentials,
    CurrentUser,
    GeneratingUser,
    IdempotencyKey,
    State,
    limit_client_ip,
    limit_user,
    missing_token,
    refuse_repeated_query,
)
from logokraft_gateway.brief import BriefCreate
from logokraft_gateway.clients import WATCH_RPC
from logokraft_gateway.convert import project_list_item, project_public, project_status
from logokraft_gateway.errors import (
    ApiError,
    error_responses,
    naming_failures,
    service_timeout,
    unauthenticated,
)
from logokraft_gateway.head import is_head
from logokraft_gateway.idempotency import IDEMPOTENT_RESPONSE_HEADERS
from logokraft_gateway.intake import (
    NewProject,
    discard_inspiration,
    new_project_openapi,
    read_new_project,
    store_inspiration,
)
from logokraft_gateway.json_body import StrictJsonRoute
from logokraft_gateway.ratelimit import rate_settings
from logokraft_gateway.schemas import (
    DIGITS_ONLY,
    TOO_LARGE,
    ProjectCreatedPublic,
    ProjectListPublic,
    ProjectPublic,
    whole_number,
)
from logokraft_gateway.sse import (
    SSE_HEADERS,
    STREAM_RESPONSE,
    project_stream,
    try_again_frames,
)
from logokraft_gateway.state import GatewayState
from logokraft_kit.telemetry import annotate

router = APIRouter(
    prefix="/projects",
    route_class=StrictJsonRoute,
    tags=["projects"],
    dependencies=[Depends(limit_client_ip), Depends(refuse_repeated_query)],
)


@router.post(
    "",
    status_code=202,
    response_model=ProjectCreatedPublic,
    summary="Create a brand project from a brief and inspiration images",
    responses={
        202: {"description": "Accepted", "headers": IDEMPOTENT_RESPONSE_HEADERS},
        **error_responses(400, 401, 403, 409, 413, 415, 422, 429, 500, 501, 503, 504),
    },
    openapi_extra=new_project_openapi(),
)
async def create_project(
    request: Request, state: State, user: GeneratingUser, idempotency: IdempotencyKey
) -> ProjectCreatedPublic | Response:
    """Validate the brief, store the images, and queue the project; answers before any prompt.

    Guest (anonymous) users are refused (403) unless the server allows them; too many
    creations in a short time are refused (429, with Retry-After).
    With an `Idempotency-Key`, a repeat of the same request returns the first answer.
    """

    async def check_limits(brief: BriefCreate) -> None:
        # Before decoding the images: a request over its owner's limits is refused cheaply.
        # A key that may hold an answer is left to replay it, whatever the limits say now.
        if not await idempotency.may_replay():
            await state.prompt.check_new_project(user, brief=brief.to_proto())

    new = await read_new_project(request, before_decoding=check_limits)
    once = idempotency.for_request(
        brief=new.brief.model_dump(mode="json"),
        images=[hashlib.sha256(png).hexdigest() for png in new.images],
    )
    project_id = once.new_id()
    annotate(project_id=project_id)  # the POST's span, access line and warnings: no path id
    return await once.run(
        lambda: _create(state, user, project_id, new),
        status_code=202,
        renew=state.renewed_stream_url(user),
    )


async def _create(
    state: GatewayState, user: uuid.UUID, project_id: uuid.UUID, new: NewProject
) -> ProjectCreatedPublic:
    refs = await store_inspiration(
        state.storage, user_id=user, project_id=project_id, images=new.images
    )
    try:
        project = await state.prompt.create_project(
            user, project_id=project_id, brief=new.brief.to_proto(), inspiration_images=refs
        )
    except BaseException:
        await discard_inspiration(state.storage, refs)
        raise
    return ProjectCreatedPublic(
        project_id=str(project_id),
        status=project_status(project.status),  # type: ignore[arg-type]
        stream_url=state.stream_url(user, project_id),
        project=await project_public(project, state.signing),
    )


@router.get(
    "",
    summary="List the caller's projects, newest first",
    responses=error_responses(400, 401, 422, 429, 500, 503, 504),
)
async def list_projects(
    state: State,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100), DIGITS_ONLY, Strict()] = 20,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> ProjectListPublic:
    """One page of projects without their assets; pass next_cursor back for the next page."""
    try:
        page = await state.prompt.list_projects(user, page_size=limit, page_token=cursor or "")
    except grpc.aio.AioRpcError as error:
        if cursor and error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            # The service names its own field (page_token); the caller sent `cursor`.
            raise ApiError(
                400,
                "invalid_argument",
                "The cursor is not valid: pass next_cursor from the previous page as it came, "
                "or list again without a cursor to start from the first page.",
            ) from error
        raise
    return ProjectListPublic(
        projects=[project_list_item(project) for project in page.projects],
        next_cursor=page.next_page_token or None,
    )


@router.get(
    "/{project_id}",
    summary="Read one project with its assets",
    responses=error_responses(400, 401, 404, 422, 429, 500, 503, 504),
)
async def get_project(project_id: uuid.UUID, state: State, user: CurrentUser) -> ProjectPublic:
    """The project with its assets; completed assets carry a signed, expiring image_url."""
    project = await state.prompt.get_project(user, project_id)
    return await project_public(project, state.signing)


async def get_stream_user(
    request: Request,
    project_id: uuid.UUID,
    state: State,
    credentials: BearerCredentials,
    access_token: Annotated[str | None, Query(description="Stream token or access token.")] = None,
) -> uuid.UUID:
    """The stream's verified user (bearer token or stream token), within their rate limit."""
    user = await _stream_user(request, state, project_id, credentials, access_token)
    await limit_user(state, user)
    return user


StreamUser = Annotated[uuid.UUID, Depends(get_stream_user)]


async def hold_stream_slot(state: State, user: StreamUser) -> AsyncIterator[None]:
    """One of the user's stream slots, held until the response ends however it ends.

    Taken before any service call (429 `too_many_streams` when the user has the most open);
    FastAPI leaves this dependency only after the streamed response has finished, the client's
    disconnect included.
    """
    release = state.streams.take(user, rate_settings(state.settings).max_streams_per_user)
    try:
        yield
    finally:
        release()


@router.get(
    "/{project_id}/stream",
    summary="Follow a project's progress as Server-Sent Events",
    response_class=StreamingResponse,
    responses={
        200: STREAM_RESPONSE,
        **error_responses(400, 401, 404, 422, 429, 500, 503, 504),
    },
    dependencies=[Depends(hold_stream_slot)],
)
async def stream_project(
    request: Request,
    project_id: uuid.UUID,
    state: State,
    user: StreamUser,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    """Send a snapshot, then every change, then `done`; resumes after Last-Event-ID.

    A user may hold a limited number of streams open at once (429 `too_many_streams`).
    """
    if len(request.headers.getlist("last-event-id")) > 1:
        raise ApiError(
            400,
            "invalid_last_event_id",
            "The Last-Event-ID header was sent more than once; send the id of the last event "
            "received, once.",
        )
    after_sequence = _after_sequence(last_event_id)
    if after_sequence == 0 and not is_head(request):
        # A fresh stream opens with the project's snapshot, at once: the watch's first message
        # answers what a read of the project would (a 404, a 503, ...) before the 200, without
        # a read of its own.
        call = state.prompt.watch_project(user, project_id, after_sequence=0)
        first = await _first_message(call, state.settings.grpc_deadline_seconds)
        return _event_stream(call, state, first=first)
    try:
        project = await state.prompt.get_project(user, project_id)
    except grpc.aio.AioRpcError as error:
        if after_sequence and error.code() in _TRY_AGAIN:
            # A reconnection while a service or the database is away: a browser EventSource
            # gives up on any answer but 200, so answer one that only says when to retry.
            return StreamingResponse(
                iter(try_again_frames(error.code().name.lower(), state.settings.sse_retry_ms)),
                media_type="text/event-stream",
                headers=SSE_HEADERS,
            )
        raise
    if after_sequence > project.event_sequence:
        # Refused here, before the 200: once streaming, an error only ends the stream, and an
        # EventSource would reconnect with the same id for ever.
        raise ApiError(
            400,
            "invalid_last_event_id",
            f"Last-Event-ID {after_sequence} is ahead of the project's latest event "
            f"{project.event_sequence}; reconnect without it to start from a snapshot.",
        )
    if is_head(request):  # the headers a GET would start with; no stream is opened
        response = Response(media_type="text/event-stream", headers=SSE_HEADERS)
        del response.headers["content-length"]  # a stream has none (not 0: it is not empty)
        return response
    call = state.prompt.watch_project(user, project_id, after_sequence=after_sequence)
    return _event_stream(call, state, after_sequence=after_sequence)


async def _first_message(
    call: grpc.aio.UnaryStreamCall, deadline_s: float
) -> prompt_service_pb2.WatchProjectResponse | None:
    """The watch's first message within the services' deadline, as a unary call would answer
    (its error raised as the call's; a 504 past the deadline); None if it ended without one."""
    try:
        with naming_failures(WATCH_RPC):
            async with asyncio.timeout(deadline_s):
                return await anext(aiter(call), None)
    except TimeoutError:
        call.cancel()
        raise service_timeout(WATCH_RPC) from None
    except BaseException:
        call.cancel()
        raise


def _event_stream(
    call: grpc.aio.UnaryStreamCall,
    state: GatewayState,
    *,
    after_sequence: int = 0,
    first: prompt_service_pb2.WatchProjectResponse | None = None,
) -> StreamingResponse:
    frames = project_stream(
        call,
        signing=state.signing,
        heartbeat_seconds=state.settings.sse_heartbeat_seconds,
        retry_ms=state.settings.sse_retry_ms,
        after_sequence=after_sequence,
        first=first,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers=SSE_HEADERS)


async def _stream_user(
    request: Request,
    state: State,
    project_id: uuid.UUID,
    credentials: BearerCredentials,
    access_token: str | None,
) -> uuid.UUID:
    if credentials is not None and credentials.credentials:
        return await state.tokens.user_id(credentials.credentials)
    if not access_token:
        raise missing_token(
            request, "Send an access token in the Authorization header or access_token."
        )
    grant = state.tokens.stream_grant(access_token)  # 401 for any other kind of token
    if grant.project_id != project_id:
        raise unauthenticated("This stream token is for another project.")
    return grant.user_id


_TRY_AGAIN = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def _after_sequence(last_event_id: str | None) -> int:
    if last_event_id is None or not last_event_id.strip():
        return 0
    sequence = whole_number(last_event_id)
    if sequence is None:
        raise ApiError(
            400,
            "invalid_last_event_id",
            "The Last-Event-ID header must be a non-negative integer in the digits 0-9: the "
            "id of the last event received.",
        )
    if sequence >= TOO_LARGE:
        raise ApiError(
            400,
            "invalid_last_event_id",
            "The Last-Event-ID header is larger than any event id; reconnect without it to "
            "start from a snapshot.",
        )
    return sequence


@router.post(
    "/{project_id}/cancel",
    summary="Cancel a project: stop making its logos",
    responses=error_responses(400, 401, 404, 409, 422, 429, 500, 503, 504),
)
async def cancel_project(project_id: uuid.UUID, state: State, user: CurrentUser) -> ProjectPublic:
    """Stop the project: queued logos are cancelled at once, logos being drawn are abandoned
    where the provider allows, and images not drawn are given back to the daily limit. The
    project's stream ends with `done` (status `cancelled`); logos already completed stay, and
    can still be refined (which makes the project active again).

    A repeat answers the cancelled project again; a project that already finished
    (completed or failed) is refused with 409.
    """
    project = await state.prompt.cancel_project(user, project_id)
    return await project_public(project, state.signing)


@router.delete(
    "/{project_id}",
    status_code=204,
    summary="Delete a project with its logos and images",
    responses={
        204: {"description": "Deleted"},
        **error_responses(400, 401, 404, 422, 429, 500, 503, 504),
    },
)
async def delete_project(project_id: uuid.UUID, state: State, user: CurrentUser) -> Response:
    """Cancel the project if it is still in progress, then delete it, its logos (variations
    included) and its stored images; their signed URLs stop working. A second delete is 404.
    """
    await state.prompt.delete_project(user, project_id)
    return Response(status_code=204)
