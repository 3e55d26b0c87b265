"""The FastAPI app factory and its lifespan (gRPC channels, storage, token checks, database)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import grpc
from fastapi import APIRouter, Depends, FastAPI

from logokraft_gateway.api.routes import assets, files, health, projects, usage
from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.body_limits import BodyLimitMiddleware
from logokraft_gateway.clients import PromptClient, RefineClient, ServiceChannels
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.contract import TAGS, install_contract, operation_id
from logokraft_gateway.convert import UrlSigning
from logokraft_gateway.cors import allow_cross_origin
from logokraft_gateway.errors import install_error_handlers
from logokraft_gateway.head import HeadAsGet
from logokraft_gateway.idempotency import IdempotencyStore, sweep_expired_keys
from logokraft_gateway.observability import bind_request_ids, instrument, with_request_ids
from logokraft_gateway.state import GatewayState
from logokraft_gateway.studio import install_studio
from logokraft_kit.db import Database
from logokraft_kit.storage import BlobStorage, UrlSigner, open_storage

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
NAME = "gateway"  # as the services see it: the `svc` of its service tokens


def build_tokens(settings: GatewaySettings) -> TokenVerifier:
    """The token verifier the settings describe."""
    return TokenVerifier(users=settings.user_tokens(), stream_key=settings.stream_token_key)


@asynccontextmanager
async def _database(settings: GatewaySettings) -> AsyncIterator[Database | None]:
    """The pool of DATABASE_URL (for Idempotency-Key), or None when it is not configured."""
    if not settings.database_url:
        log.info("no DATABASE_URL: requests with an Idempotency-Key header are refused (501)")
        yield None
        return
    db = Database(settings.database_url)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


@asynccontextmanager
async def _background(work: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `work` as a task while the context is open; cancel it on the way out."""
    task = asyncio.create_task(work)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(
    settings: GatewaySettings | None = None,
    *,
    prompt_channel: grpc.aio.Channel | None = None,
    imagegen_channel: grpc.aio.Channel | None = None,
    refine_channel: grpc.aio.Channel | None = None,
    storage: BlobStorage | None = None,
) -> FastAPI:
    """The gateway app; given channels and storage are used as they are and not closed."""
    settings = settings or GatewaySettings()
    given = {"prompt": prompt_channel, "imagegen": imagegen_channel, "refine": refine_channel}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            db = await stack.enter_async_context(_database(settings))
            channels = ServiceChannels.open(settings, given)
            stack.push_async_callback(channels.close)
            blob_storage = storage
            if blob_storage is None:
                blob_storage = await open_storage(
                    data_dir=settings.data_dir,
                    public_base_url=settings.public_base_url,
                    supabase_url=settings.supabase_url,
                    supabase_service_role_key=settings.supabase_service_role_key,
                    url_key=None if settings.supabase_url else settings.storage_url_key,
                )
                close_storage = getattr(blob_storage, "aclose", None)
                if close_storage is not None:
                    stack.push_async_callback(close_storage)
            idempotency = None
            if db is not None:
                _ = settings.idempotency_id_key  # created (or read) now, not on a request
                idempotency = IdempotencyStore(
                    db,
                    ttl_seconds=settings.idempotency_ttl_seconds,
                    stale_seconds=settings.idempotency_stale_after,
                    timeout_seconds=settings.grpc_deadline_seconds,
                )
                every = settings.idempotency_sweep_seconds
                await stack.enter_async_context(
                    _background(sweep_expired_keys(idempotency, every_seconds=every))
                )
            deadline, service_tokens = settings.grpc_deadline_seconds, settings.service_tokens(NAME)
            app.state.gateway = GatewayState(
                settings=settings,
                channels=channels,
                prompt=PromptClient(
                    channels.channels["prompt"], deadline=deadline, tokens=service_tokens
                ),
                refine=RefineClient(
                    channels.channels["refine"], deadline=deadline, tokens=service_tokens
                ),
                storage=blob_storage,
                signing=UrlSigning(blob_storage, ttl_seconds=settings.signed_url_ttl_seconds),
                url_signer=UrlSigner(settings.storage_url_key),
                tokens=build_tokens(settings),
                db=db,
                idempotency=idempotency,
            )
            yield

    app = FastAPI(
        title="LogoKraft API",
        version="1.0.0",
        summary="Brand briefs in, logo candidates out, streamed as they are made.",
        lifespan=lifespan,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        # Starlette's redirect of `/path/` to `/path` builds an absolute Location from the
        # Host header (reflecting whatever name a client or a proxy sent); a 404 naming the
        # right path instead (errors.py) redirects nobody anywhere.
        redirect_slashes=False,
    )
    install_contract(app)
    install_error_handlers(app)
    # Inside instrument's: its 413s and 408s are counted.
    app.add_middleware(BodyLimitMiddleware, stall_s=settings.body_stall_s)
    instrument(app)
    app.add_middleware(HeadAsGet)  # outside the metrics: they see the GET's route
    allow_cross_origin(app, settings.cors_origins)  # on every answer, errors too
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(bind_request_ids)])
    api.include_router(projects.router)
    api.include_router(assets.router)
    api.include_router(files.router)
    api.include_router(usage.router)
    app.include_router(api)
    app.include_router(health.router)
    install_studio(app, settings)  # `/`: the browser studio, not in the OpenAPI
    with_request_ids(app)  # outermost: an id on every answer, a 500 or a preflight too
    return app
