"""What the running app holds between requests (built by the lifespan in app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.clients import PromptClient, RefineClient, ServiceChannels
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.convert import UrlSigning
from logokraft_kit.db import Database
from logokraft_kit.storage import BlobStorage, UrlSigner

if TYPE_CHECKING:  # idempotency.py depends on the API dependencies, which depend on this
    from logokraft_gateway.idempotency import IdempotencyStore


@dataclass
class GatewayState:
    """The settings, the service clients, storage, token checks and the database of one app."""

    settings: GatewaySettings
    channels: ServiceChannels
    prompt: PromptClient
    refine: RefineClient
    storage: BlobStorage
    signing: UrlSigning
    url_signer: UrlSigner
    tokens: TokenVerifier
    db: Database | None = None  # only with DATABASE_URL
    idempotency: IdempotencyStore | None = None  # Idempotency-Key needs the database
