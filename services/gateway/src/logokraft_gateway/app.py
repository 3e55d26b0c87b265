"""The FastAPI app factory and its lifespan (gRPC channels, storage, token checks)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from fastapi import APIRouter, FastAPI

from logokraft_gateway.api.routes import assets, files, health, projects
from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.clients import PromptClient, RefineClient, ServiceChannels
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.convert import UrlSigning
from logokraft_gateway.errors import install_error_handlers
from logokraft_gateway.state import GatewayState
from logokraft_kit.settings import open_storage
from logokraft_kit.storage import BlobStorage, UrlSigner

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def build_tokens(settings: GatewaySettings) -> TokenVerifier:
    """The token verifier the settings describe."""
    return TokenVerifier(
        hs256_secret=settings.hs256_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        stream_key=settings.stream_token_key,
        jwks_url=settings.jwks_url,
        jwks_cache_seconds=settings.jwks_cache_seconds,
    )


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
        channels = ServiceChannels.open(settings, given)
        signer = UrlSigner(settings.storage_url_key)
        blob_storage = storage
        if blob_storage is None:
            blob_storage = await open_storage(
                data_dir=settings.data_dir,
                public_base_url=settings.public_base_url,
                supabase_url=settings.supabase_url,
                supabase_service_role_key=settings.supabase_service_role_key,
            )
        app.state.gateway = GatewayState(
            settings=settings,
            channels=channels,
            prompt=PromptClient(
                channels.channels["prompt"], deadline=settings.grpc_deadline_seconds
            ),
            refine=RefineClient(
                channels.channels["refine"], deadline=settings.grpc_deadline_seconds
            ),
            storage=blob_storage,
            signing=UrlSigning(blob_storage, ttl_seconds=settings.signed_url_ttl_seconds),
            url_signer=signer,
            tokens=build_tokens(settings),
        )
        try:
            yield
        finally:
            await channels.close()
            close_storage = getattr(blob_storage, "aclose", None)
            if storage is None and close_storage is not None:
                await close_storage()

    app = FastAPI(
        title="LogoKraft API",
        version="1.0.0",
        summary="Brand briefs in, logo candidates out, streamed as they are made.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(projects.router)
    api.include_router(assets.router)
    api.include_router(files.router)
    app.include_router(api)
    app.include_router(health.router)
    return app
