"""Settings mixins, each group of environment variables declared once.

A process's `config.py` composes the groups it needs into its one settings class:
services take `ServiceSettings` (infrastructure, job workers and shutdown) plus their own
provider groups (`GeminiSettings`, the domain's `LimitSettings`, ...); the gateway takes
the groups it shares with them (`DataDirSettings`, `ServiceAddresses`, ...). Values come
from the environment only here; nothing else reads `os.environ`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from logokraft_kit.datadir import DEFAULT_DATA_DIR


class EnvSettings(BaseSettings):
    """Read fields from the environment by their alias; ignore every other variable."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)


class DataDirSettings(EnvSettings):
    """Where embedded servers keep their data and per-install secrets live."""

    data_dir: Path = Field(DEFAULT_DATA_DIR, alias="LOGOKRAFT_DATA_DIR")


class LoggingSettings(EnvSettings):
    """How much a process logs."""

    log_level: str = Field("INFO", alias="LOGOKRAFT_LOG_LEVEL")


class ServiceAddresses(EnvSettings):
    """Where each gRPC service listens (and where its callers find it)."""

    prompt_grpc: str = Field("127.0.0.1:50051", alias="LOGOKRAFT_PROMPT_GRPC")
    imagegen_grpc: str = Field("127.0.0.1:50052", alias="LOGOKRAFT_IMAGEGEN_GRPC")
    refine_grpc: str = Field("127.0.0.1:50053", alias="LOGOKRAFT_REFINE_GRPC")


class SupabaseStorageSettings(EnvSettings):
    """Supabase Storage, when both are set; otherwise files live in the local data dir."""

    supabase_url: str | None = Field(None, alias="SUPABASE_URL")
    supabase_service_role_key: str | None = Field(
        None, alias="SUPABASE_SERVICE_ROLE_KEY", repr=False
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if bool(self.supabase_url) != bool(self.supabase_service_role_key):
            raise ValueError("set both SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY, or neither")
        return self


class InfraSettings(DataDirSettings, LoggingSettings, ServiceAddresses, SupabaseStorageSettings):
    """Where the shared infrastructure of a service process is."""

    nats_url: str = Field(alias="NATS_URL")
    database_url: str = Field(alias="DATABASE_URL")
    namespace: str = Field(
        "logokraft",
        alias="LOGOKRAFT_NAMESPACE",
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="Prefix of NATS streams and subjects; tests use a unique one each.",
    )
    public_base_url: str = Field("http://127.0.0.1:8000", alias="LOGOKRAFT_PUBLIC_URL")


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

    gemini_api_key: str | None = Field(None, alias="GEMINI_API_KEY")
    gemini_base_url: str | None = Field(None, alias="GEMINI_BASE_URL")
    gemini_api_version: str | None = Field(None, alias="GEMINI_API_VERSION")
    gemini_timeout_s: float = Field(120.0, alias="LOGOKRAFT_GEMINI_TIMEOUT_S", gt=0)
