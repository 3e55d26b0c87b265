"""What the running app holds between requests (built by the lifespan in app.py).

Routes ask it for a project's stream URL, so the settings and the token minting it needs
(auth.py) stay out of the route modules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.clients import PromptClient, RefineClient, ServiceChannels
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.convert import UrlSigning
from logokraft_gateway.idempotency import IdempotencyStore, Renew
from logokraft_gateway.ratelimit import RateLimiter, StreamSlots
from logokraft_kit.db import Database
from logokraft_kit.storage import BlobStorage, UrlSigner


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
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)  # this process's counters
    streams: StreamSlots = field(default_factory=StreamSlots)  # open project streams per user

    def stream_url(self, user: uuid.UUID, project_id: uuid.UUID) -> str:
        """The project's absolute SSE URL, with a stream token for this user and project."""
        return self.tokens.stream_url(
            base_url=self.settings.public_base_url,
            user_id=user,
            project_id=project_id,
            ttl=self.settings.stream_token_ttl_seconds,
        )

    def renewed_stream_url(self, user: uuid.UUID) -> Renew:
        """For a replayed answer: its `stream_url` with a fresh token (the first one's expires)."""

        def renew(body: dict[str, Any]) -> dict[str, Any]:
            if "stream_url" in body and "project_id" in body:
                body["stream_url"] = self.stream_url(user, uuid.UUID(body["project_id"]))
            return body

        return renew
