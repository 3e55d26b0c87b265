"""The gateway's settings, read from the environment in one place, refusing insecure values.

The groups it shares with the services (data dir, token verification and service tokens,
gRPC TLS, logging, service addresses, Supabase Storage) are kit's settings mixins, declared
once there; the fields below are the gateway's own.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from logokraft_gateway.body_limits import BODY_STALL_S
from logokraft_gateway.ratelimit import RateLimitSettings
from logokraft_kit.settings import ProcessSettings
from logokraft_kit.storage import STORAGE_URL_KEY_SECRET

STREAM_TOKEN_KEY_SECRET = "stream-token-key"
IDEMPOTENCY_ID_KEY_SECRET = "idempotency-id-key"


def parse_origins(value: str) -> list[str]:
    """The origins a comma-separated LOGOKRAFT_CORS_ORIGINS names.

    An origin is `scheme://host[:port]`, or `*` for any. It is written as browsers send it:
    lower case, without a trailing `/` or the scheme's default port. Anything with a path, a
    query or credentials would never match a browser's Origin header, so it is refused rather
    than silently ignored.
    """
    origins = []
    for item in value.split(","):
        origin = item.strip()
        if not origin:
            continue
        if origin != "*":
            parts = urlsplit(origin.removesuffix("/").lower())
            try:
                port = parts.port
            except ValueError:
                port = -1
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or port == -1
                or parts.path
                or parts.query
                or parts.fragment
                or "@" in parts.netloc
            ):
                raise ValueError(
                    "LOGOKRAFT_CORS_ORIGINS must be comma-separated origins such as "
                    "https://studio.example.com or http://localhost:3000 (scheme, host and "
                    "port only), or *"
                )
            netloc = parts.netloc
            if port == {"http": 80, "https": 443}[parts.scheme]:
                netloc = netloc.rsplit(":", 1)[0]
            origin = f"{parts.scheme}://{netloc}"
        origins.append(origin)
    return origins


class GatewaySettings(ProcessSettings, RateLimitSettings):
    """Where the gateway listens, which services it calls, and how it checks tokens."""

    http_host: str = Field("127.0.0.1", alias="LOGOKRAFT_HTTP_HOST")
    http_port: int = Field(8000, alias="LOGOKRAFT_HTTP_PORT", ge=0, le=65535)
    public_url: str | None = Field(None, alias="LOGOKRAFT_PUBLIC_URL")
    cors_origins_given: str = Field(
        "",
        alias="LOGOKRAFT_CORS_ORIGINS",
        description="Comma-separated origins (`https://studio.example.com`) whose browser "
        "pages may call the API; `*` for any. Default: none, and no CORS headers at all.",
    )
    grpc_deadline_seconds: float = Field(10.0, alias="LOGOKRAFT_GRPC_DEADLINE_SECONDS", gt=0)
    sse_heartbeat_seconds: float = Field(15.0, alias="LOGOKRAFT_SSE_HEARTBEAT_SECONDS", gt=0)
    body_stall_s: float = Field(
        BODY_STALL_S,
        alias="LOGOKRAFT_BODY_STALL_S",
        gt=0,
        description="The longest a request body may pause between two reads before the "
        "request is answered 408 and its connection closed (a slow upload that keeps moving "
        "is never cut off).",
    )
    sse_retry_ms: int = Field(3000, alias="LOGOKRAFT_SSE_RETRY_MS", ge=0)
    shutdown_grace_s: float = Field(
        20.0,
        alias="LOGOKRAFT_SHUTDOWN_GRACE_S",
        ge=0,
        description="On SIGTERM, how long open requests (SSE streams above all: their clients "
        "reconnect with Last-Event-ID) may run on before they are closed.",
    )
    signed_url_ttl_seconds: int = Field(3600, alias="LOGOKRAFT_SIGNED_URL_TTL_SECONDS", gt=0)
    stream_token_ttl_seconds: int = Field(3600, alias="LOGOKRAFT_STREAM_TOKEN_TTL_SECONDS", gt=0)
    database_url: SecretStr | None = Field(
        None,
        alias="DATABASE_URL",
        repr=False,
        description="Postgres, for Idempotency-Key; without it a request carrying the header "
        "is refused (501) and every other request works as before.",
    )
    stream_token_key_given: SecretStr | None = Field(
        None,
        alias="LOGOKRAFT_STREAM_TOKEN_KEY",
        repr=False,
        description="Signs stream tokens. Default: a key generated in the secrets dir.",
    )
    idempotency_id_key_given: SecretStr | None = Field(
        None,
        alias="LOGOKRAFT_IDEMPOTENCY_ID_KEY",
        repr=False,
        description="Derives the ids of idempotent creations. Default: a key generated in the "
        "secrets dir.",
    )
    idempotency_ttl_seconds: int = Field(
        24 * 3600, alias="LOGOKRAFT_IDEMPOTENCY_TTL_SECONDS", ge=60
    )
    idempotency_stale_seconds: float | None = Field(
        None,
        alias="LOGOKRAFT_IDEMPOTENCY_STALE_SECONDS",
        gt=0,
        description="A request still running after this long is presumed dead: a retry with "
        "its key may take it over. Default: 120 s, or 3 gRPC deadlines if that is longer.",
    )
    idempotency_sweep_seconds: float = Field(
        3600.0, alias="LOGOKRAFT_IDEMPOTENCY_SWEEP_SECONDS", gt=0
    )

    @model_validator(mode="after")
    def _refuse_insecure(self) -> GatewaySettings:
        parse_origins(self.cors_origins_given)  # refused here, at startup, when malformed
        stale = self.idempotency_stale_seconds
        if stale is not None and stale <= 2 * self.grpc_deadline_seconds:
            raise ValueError(
                "LOGOKRAFT_IDEMPOTENCY_STALE_SECONDS must be more than twice "
                "LOGOKRAFT_GRPC_DEADLINE_SECONDS, or a slow request could be taken over"
            )
        return self

    @property
    def cors_origins(self) -> list[str]:
        """The origins LOGOKRAFT_CORS_ORIGINS allows, in order, without duplicates."""
        return list(dict.fromkeys(parse_origins(self.cors_origins_given)))

    @property
    def idempotency_stale_after(self) -> float:
        """Seconds after which a running Idempotency-Key may be taken over."""
        if self.idempotency_stale_seconds is not None:
            return self.idempotency_stale_seconds
        return max(120.0, 3 * self.grpc_deadline_seconds)

    @property
    def public_base_url(self) -> str:
        """The absolute URL clients reach the gateway at, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.http_host}:{self.http_port}"

    @cached_property
    def stream_token_key(self) -> str:
        """The key stream tokens are signed with; never the user-token secret."""
        return self.key(
            self.stream_token_key_given,
            STREAM_TOKEN_KEY_SECRET,
            variable="LOGOKRAFT_STREAM_TOKEN_KEY",
        )

    @cached_property
    def idempotency_id_key(self) -> str:
        """The key ids of idempotent creations are derived with (so nobody can predict them)."""
        return self.key(
            self.idempotency_id_key_given,
            IDEMPOTENCY_ID_KEY_SECRET,
            variable="LOGOKRAFT_IDEMPOTENCY_ID_KEY",
        )

    @cached_property
    def storage_url_key(self) -> str:
        """The key local storage URLs are signed with."""
        return self.key(
            self.storage_url_key_given, STORAGE_URL_KEY_SECRET, variable="LOGOKRAFT_STORAGE_URL_KEY"
        )
