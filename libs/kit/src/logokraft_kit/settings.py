"""Settings mixins, each group of environment variables declared once.

A process's `config.py` composes the groups it needs into its one settings class:
services take `ServiceSettings` (infrastructure, job workers and shutdown) plus their own
provider groups (`GeminiSettings`, the domain's `LimitSettings`, ...); the gateway takes
the groups it shares with them (`DataDirSettings`, `ServiceAddresses`, ...). Values come
from the environment only here; nothing else reads `os.environ`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Literal, Self, TypeVar

import grpc
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from logokraft_kit.datadir import DEFAULT_DATA_DIR, checked_secret, secret, secrets_folder
from logokraft_kit.grpc_server import TlsFiles
from logokraft_kit.local_auth import JWT_SECRET_NAME, LOCAL_AUDIENCE, LOCAL_ISSUER
from logokraft_kit.metrics import parse_address
from logokraft_kit.storage import STORAGE_URL_KEY_SECRET
from logokraft_kit.tokens import (
    JWKS_MIN_REFRESH_SECONDS,
    CallerVerifier,
    ServiceTokens,
    UserTokens,
)

MIN_SECRET_LENGTH = 32
SERVICE_TOKEN_SECRET_NAME = "service-token-key"


class EnvSettings(BaseSettings):
    """Read fields from the environment by their alias; ignore every other variable.

    Errors never quote their input: a refused setting's message may not echo a key or a
    password (secrets are SecretStr fields besides, so repr and model_dump hide them too).
    """

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )


S = TypeVar("S")


def invalid_settings(error: ValidationError) -> str:
    """A refused setting in a sentence: the variable and what it must be, never its value."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ").rstrip(".")
        parts.append(f"{where}: {message}" if where and where not in message else message)
    return "; ".join(parts)


def load_settings(name: str, factory: Callable[[], S]) -> S:
    """`factory()`, or the process ends with one line naming the bad variable (exit 2):
    `make run LOGOKRAFT_LOG_FORMAT=xml` used to end in a pydantic traceback, twice."""
    try:
        return factory()
    except ValidationError as error:
        print(f"{name} cannot start: {invalid_settings(error)}.", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def unwrap(value: SecretStr | str | None) -> str | None:
    """The plain value of a secret setting, for the one place that uses it."""
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class DataDirSettings(EnvSettings):
    """Where embedded servers keep their data and per-install secrets live."""

    data_dir: Path = Field(DEFAULT_DATA_DIR, alias="LOGOKRAFT_DATA_DIR")
    secrets_dir: Path | None = Field(
        None,
        alias="LOGOKRAFT_SECRETS_DIR",
        description="Where this process keeps the keys it generates for itself. Default: "
        "<data dir>/secrets. In a deployment, a volume no other container mounts.",
    )

    @property
    def secrets_folder(self) -> Path:
        """LOGOKRAFT_SECRETS_DIR, or the data directory's `secrets` folder."""
        return self.secrets_dir or secrets_folder(self.data_dir)

    def key(self, given: SecretStr | None, name: str, *, variable: str) -> str:
        """A key: `given` (from `variable`) when set and not empty, else the one stored in the
        secrets dir (generated on first use)."""
        if given is not None and given.get_secret_value():
            return checked_secret(given.get_secret_value(), source=variable)
        return secret(self.data_dir, name, folder=self.secrets_folder)


class LoggingSettings(EnvSettings):
    """What a process tells its operator: log level and format, and its metrics endpoint.

    Traces are configured by the standard `OTEL_*` variables instead (see telemetry.py).
    """

    log_level: str = Field("INFO", alias="LOGOKRAFT_LOG_LEVEL")
    # auto: readable text on a terminal, one JSON object per line anywhere else.
    log_format: Literal["auto", "json", "text"] = Field("auto", alias="LOGOKRAFT_LOG_FORMAT")
    # host:port of the Prometheus `/metrics` endpoint; unset, none is served.
    metrics_address: str | None = Field(None, alias="LOGOKRAFT_METRICS_ADDRESS")

    @property
    def otel_environment(self) -> dict[str, str]:
        """The standard `OTEL_*` variables, which configure tracing (telemetry.py)."""
        return {k: v for k, v in os.environ.items() if k.startswith("OTEL_")}

    @field_validator("metrics_address")
    @classmethod
    def _metrics_address(cls, value: str | None) -> str | None:
        if value:
            parse_address(value)  # a clear error now rather than at start
        return value or None


class ServiceAddresses(EnvSettings):
    """Where each gRPC service listens (and where its callers find it)."""

    prompt_grpc: str = Field("127.0.0.1:50051", alias="LOGOKRAFT_PROMPT_GRPC")
    imagegen_grpc: str = Field("127.0.0.1:50052", alias="LOGOKRAFT_IMAGEGEN_GRPC")
    refine_grpc: str = Field("127.0.0.1:50053", alias="LOGOKRAFT_REFINE_GRPC")


class SupabaseStorageSettings(EnvSettings):
    """Supabase Storage, when both are set; otherwise files live in the local data dir."""

    supabase_url: str | None = Field(None, alias="SUPABASE_URL")
    supabase_service_role_key: SecretStr | None = Field(
        None, alias="SUPABASE_SERVICE_ROLE_KEY", repr=False
    )
    storage_url_key_given: SecretStr | None = Field(
        None,
        alias="LOGOKRAFT_STORAGE_URL_KEY",
        repr=False,
        description="Signs local storage URLs. Default: a key generated in the secrets dir.",
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if bool(self.supabase_url) != bool(self.supabase_service_role_key):
            raise ValueError("set both SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY, or neither")
        return self


class AuthSettings(DataDirSettings):
    """How callers are verified: users' access tokens (the gateway's rules, which every service
    applies too) and the service tokens LogoKraft's own processes mint for each other."""

    jwt_secret: SecretStr | None = Field(None, alias="LOGOKRAFT_JWT_SECRET", repr=False)
    jwks_url: str | None = Field(None, alias="SUPABASE_JWKS_URL")
    jwt_issuer: str = Field(LOCAL_ISSUER, alias="LOGOKRAFT_JWT_ISSUER", min_length=1)
    jwt_audience: str = Field(LOCAL_AUDIENCE, alias="LOGOKRAFT_JWT_AUDIENCE", min_length=1)
    jwks_cache_seconds: int = Field(300, alias="LOGOKRAFT_JWKS_CACHE_SECONDS", ge=0)
    jwks_min_refresh_seconds: float = Field(
        JWKS_MIN_REFRESH_SECONDS,
        alias="LOGOKRAFT_JWKS_MIN_REFRESH_SECONDS",
        ge=0,
        description="The JWKS is fetched at most once per this interval: a token naming an "
        "unknown key between fetches is refused without a fetch.",
    )
    service_token_secret: SecretStr | None = Field(
        None,
        alias="LOGOKRAFT_SERVICE_TOKEN_SECRET",
        repr=False,
        description="Signs the tokens the gateway and services present to each other (and "
        "their jobs); the same value in every process of a deployment. Default: a random key "
        "in the data directory, which the processes of `make run` share.",
    )

    @model_validator(mode="after")
    def _refuse_weak_keys(self) -> Self:
        for name, value in (
            ("LOGOKRAFT_JWT_SECRET", self.jwt_secret),
            ("LOGOKRAFT_SERVICE_TOKEN_SECRET", self.service_token_secret),
        ):
            if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
                raise ValueError(f"{name} must be at least {MIN_SECRET_LENGTH} characters")
        if self.jwks_url and not self.jwks_url.startswith(
            ("https://", "http://127.", "http://localhost")
        ):
            raise ValueError("SUPABASE_JWKS_URL must use https (plain http only for localhost)")
        return self

    @cached_property
    def hs256_secret(self) -> str | None:
        """The HS256 secret user tokens are signed with; None when HS256 tokens are refused.

        LOGOKRAFT_JWT_SECRET when set. Without it: None when a JWKS is configured (Supabase's
        asymmetric keys are then the only way in), else the local key in the secrets dir.
        """
        if self.jwt_secret is None and self.jwks_url:
            return None
        return self.key(self.jwt_secret, JWT_SECRET_NAME, variable="LOGOKRAFT_JWT_SECRET")

    @cached_property
    def service_secret(self) -> str:
        """The secret service tokens and jobs are signed with."""
        return self.key(
            self.service_token_secret,
            SERVICE_TOKEN_SECRET_NAME,
            variable="LOGOKRAFT_SERVICE_TOKEN_SECRET",
        )

    def user_tokens(self) -> UserTokens:
        """The verifier of users' access tokens these settings describe."""
        return UserTokens(
            hs256_secret=self.hs256_secret,
            issuer=self.jwt_issuer,
            audience=self.jwt_audience,
            jwks_url=self.jwks_url,
            jwks_cache_seconds=self.jwks_cache_seconds,
            jwks_min_refresh_seconds=self.jwks_min_refresh_seconds,
        )

    def service_tokens(self, service: str) -> ServiceTokens:
        """Service tokens minted as `service` (and verified against the same secret)."""
        return ServiceTokens(self.service_secret, service=service)

    def caller_verifier(self, service: str) -> CallerVerifier:
        """Who is calling `service`: a user with their token, or a service acting for one."""
        return CallerVerifier(users=self.user_tokens(), services=self.service_tokens(service))


class GrpcTlsSettings(EnvSettings):
    """TLS for gRPC between hosts: off unless a certificate and key are given.

    A service serves TLS with its certificate and key; with a CA as well it requires client
    certificates signed by that CA (mTLS). A caller (the gateway) verifies services against
    the CA and, when it has a certificate and key, presents them.
    """

    grpc_tls_cert: Path | None = Field(None, alias="LOGOKRAFT_GRPC_TLS_CERT")
    grpc_tls_key: Path | None = Field(None, alias="LOGOKRAFT_GRPC_TLS_KEY")
    grpc_tls_ca: Path | None = Field(None, alias="LOGOKRAFT_GRPC_TLS_CA")

    @model_validator(mode="after")
    def _certificate_with_its_key(self) -> Self:
        if (self.grpc_tls_cert is None) != (self.grpc_tls_key is None):
            raise ValueError(
                "set both LOGOKRAFT_GRPC_TLS_CERT and LOGOKRAFT_GRPC_TLS_KEY, or neither"
            )
        for name, path in (
            ("LOGOKRAFT_GRPC_TLS_CERT", self.grpc_tls_cert),
            ("LOGOKRAFT_GRPC_TLS_KEY", self.grpc_tls_key),
            ("LOGOKRAFT_GRPC_TLS_CA", self.grpc_tls_ca),
        ):
            if path is not None and not path.is_file():
                raise ValueError(f"{name} names {path}, which is not a readable file")
        return self

    def server_tls(self) -> TlsFiles | None:
        """The server's TLS files, or None for a plaintext port."""
        if self.grpc_tls_cert is None or self.grpc_tls_key is None:
            return None
        return TlsFiles(
            certificate=self.grpc_tls_cert.read_bytes(),
            private_key=self.grpc_tls_key.read_bytes(),
            client_ca=self.grpc_tls_ca.read_bytes() if self.grpc_tls_ca else None,
        )

    def channel_credentials(self) -> grpc.ChannelCredentials | None:
        """A caller's TLS credentials (CA, and its own certificate for mTLS), or None."""
        if self.grpc_tls_ca is None:
            return None
        with_identity = self.grpc_tls_cert is not None and self.grpc_tls_key is not None
        return grpc.ssl_channel_credentials(
            root_certificates=self.grpc_tls_ca.read_bytes(),
            private_key=self.grpc_tls_key.read_bytes() if with_identity else None,  # type: ignore[union-attr]
            certificate_chain=self.grpc_tls_cert.read_bytes() if with_identity else None,  # type: ignore[union-attr]
        )


class GrpcKeepaliveSettings(EnvSettings):
    """How often each end of a gRPC connection pings the other (logokraft_kit.grpc_server,
    `keepalive_pings`)."""

    grpc_keepalive_s: float = Field(
        20.0,
        alias="LOGOKRAFT_GRPC_KEEPALIVE_S",
        ge=5,
        le=3600,
        description="How often the gateway and the services ping each gRPC connection (HTTP/2 "
        "PING) to learn of one that died without a word (a host gone, a network cut): a "
        "project stream on it ends, so its client reconnects, and a service lets go of the "
        "watches of a gateway that vanished. 5 s at least: the services refuse faster pings.",
    )


class ProcessSettings(
    AuthSettings,
    GrpcKeepaliveSettings,
    GrpcTlsSettings,
    LoggingSettings,
    ServiceAddresses,
    SupabaseStorageSettings,
):
    """What the gateway and every service read alike: tokens, gRPC between them, logs,
    where the services are, and Supabase Storage."""


class InfraSettings(ProcessSettings):
    """Where the shared infrastructure of a service process is."""

    nats_url: SecretStr = Field(alias="NATS_URL", repr=False)  # may carry a password
    database_url: SecretStr = Field(alias="DATABASE_URL", repr=False)
    namespace: str = Field(
        "logokraft",
        alias="LOGOKRAFT_NAMESPACE",
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="Prefix of NATS streams and subjects; tests use a unique one each.",
    )
    public_base_url: str = Field("http://127.0.0.1:8000", alias="LOGOKRAFT_PUBLIC_URL")

    @cached_property
    def storage_url_key(self) -> str:
        """The key local storage URLs are signed with (LOGOKRAFT_STORAGE_URL_KEY or stored)."""
        return self.key(
            self.storage_url_key_given, STORAGE_URL_KEY_SECRET, variable="LOGOKRAFT_STORAGE_URL_KEY"
        )


class WorkerSettings(EnvSettings):
    """How job workers retry, give up, sweep and guard providers (see kit.worker, kit.breaker)."""

    job_max_deliver: int = Field(
        1000,
        alias="LOGOKRAFT_JOB_MAX_DELIVER",
        ge=1,
        description="JetStream's cap on deliveries of one job. Attempts are limited by each "
        "service's *_MAX_ATTEMPTS; deliveries that wait for an open circuit or an outage of "
        "NATS/Postgres do not count as attempts, so this is only the last safety net.",
    )
    draw_timeout_s: float = Field(
        900.0,
        alias="LOGOKRAFT_DRAW_TIMEOUT_S",
        gt=0,
        description="Longest one drawing attempt (provider calls and their retries) may take.",
    )
    breaker_failures: int = Field(5, alias="LOGOKRAFT_BREAKER_FAILURES", ge=1)
    breaker_reset_s: float = Field(30.0, alias="LOGOKRAFT_BREAKER_RESET_S", gt=0)
    breaker_max_reset_s: float = Field(300.0, alias="LOGOKRAFT_BREAKER_MAX_RESET_S", gt=0)
    sweep_interval_s: float = Field(60.0, alias="LOGOKRAFT_SWEEP_INTERVAL_S", gt=0)
    sweep_stuck_after_s: float = Field(
        1200.0,
        alias="LOGOKRAFT_SWEEP_STUCK_AFTER_S",
        gt=0,
        description="An asset queued or generating with no change for this long has lost its "
        "job: it is queued again. Keep it above LOGOKRAFT_DRAW_TIMEOUT_S plus the ack wait.",
    )
    sweep_max_age_s: float = Field(
        3600.0,
        alias="LOGOKRAFT_SWEEP_MAX_AGE_S",
        gt=0,
        description="An asset still queued or generating this long after it was created fails.",
    )
    hold_jobs_until: Path | None = Field(
        None,
        alias="LOGOKRAFT_HOLD_JOBS_UNTIL",
        description="Fault-injection hook for tests: every drawing waits until this file "
        "exists, so a test can act while an asset is generating. Never set in production "
        "(it needs the development tooling, logokraft-dev, installed).",
    )

    @model_validator(mode="after")
    def _sweeper_leaves_running_work_alone(self) -> Self:
        # An asset's row does not change while it is drawn, so a sweeper that found it
        # "stuck" sooner than a drawing may take would queue a second drawing of it.
        if self.sweep_stuck_after_s <= self.draw_timeout_s:
            raise ValueError(
                f"LOGOKRAFT_SWEEP_STUCK_AFTER_S ({self.sweep_stuck_after_s:g}) must be above "
                f"LOGOKRAFT_DRAW_TIMEOUT_S ({self.draw_timeout_s:g}), or the sweeper would "
                "queue a second drawing of an asset still being drawn"
            )
        return self


class ServiceSettings(InfraSettings, WorkerSettings):
    """What every service process reads: its infrastructure, its workers, its shutdown."""

    shutdown_grace_s: float = Field(20.0, alias="LOGOKRAFT_SHUTDOWN_GRACE_S", ge=0)
    watch_poll_s: float = Field(
        5.0,
        alias="LOGOKRAFT_WATCH_POLL_S",
        gt=0,
        description="How often a watch re-reads the database when no news arrives on NATS.",
    )


class GeminiSettings(EnvSettings):
    """The Gemini API (prompt writing and refinement share one key and endpoint)."""

    gemini_api_key: SecretStr | None = Field(None, alias="GEMINI_API_KEY", repr=False)
    gemini_base_url: str | None = Field(None, alias="GEMINI_BASE_URL")
    gemini_api_version: str | None = Field(None, alias="GEMINI_API_VERSION")
    gemini_timeout_s: float = Field(120.0, alias="LOGOKRAFT_GEMINI_TIMEOUT_S", gt=0)
