"""What the running app holds between requests (built by the lifespan in app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.clients import PromptClient, RefineClient, ServiceChannels
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.convert import UrlSigning
from logokraft_kit.storage import BlobStorage, UrlSigner


@dataclass
class GatewayState:
    """The settings, the service clients, storage and token checks of one app."""

    settings: GatewaySettings
    channels: ServiceChannels
    prompt: PromptClient
    refine: RefineClient
    storage: BlobStorage
    signing: UrlSigning
    url_signer: UrlSigner
    tokens: TokenVerifier
