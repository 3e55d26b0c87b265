"""Settings every process shares, read from the environment in one place, failing fast."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from logokraft_kit.datadir import DEFAULT_DATA_DIR, secret
from logokraft_kit.storage import BlobStorage, LocalStorage, UrlSigner

STORAGE_URL_KEY_SECRET = "storage-url-key"


class CommonSettings(BaseSettings):
    """Where the shared infrastructure is; each service's config.py extends it."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(DEFAULT_DATA_DIR, alias="LOGOKRAFT_DATA_DIR")
    nats_url: str = Field(alias="NATS_URL")
    database_url: str = Field(alias="DATABASE_URL")
    namespace: str = Field(
        "logokraft",
        alias="LOGOKRAFT_NAMESPACE",
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="Prefix of NATS streams and subjects; tests use a unique one each.",
    )
    public_base_url: str = Field("http://127.0.0.1:8000", alias="LOGOKRAFT_PUBLIC_URL")
    supabase_url: str | None = Field(None, alias="SUPABASE_URL")
    supabase_service_role_key: str | None = Field(None, alias="SUPABASE_SERVICE_ROLE_KEY")
    prompt_grpc: str = Field("127.0.0.1:50051", alias="LOGOKRAFT_PROMPT_GRPC")
    imagegen_grpc: str = Field("127.0.0.1:50052", alias="LOGOKRAFT_IMAGEGEN_GRPC")
    refine_grpc: str = Field("127.0.0.1:50053", alias="LOGOKRAFT_REFINE_GRPC")
    log_level: str = Field("INFO", alias="LOGOKRAFT_LOG_LEVEL")

    # ---- resilience of job workers (see worker.py, asset_jobs.py, breaker.py, sweeper.py) ----
    job_max_deliver: int = Field(
        1000,
        alias="LOGOKRAFT_JOB_MAX_DELIVER",
        ge=1,
        description="JetStream's cap on deliveries of one job. Attempts are limited by each "
        "service's *_MAX_ATTEMPTS; deliveries that wait for an open circuit or an outage of "
        "NATS/Postgres do not count as attempts, so this is only the last safety net.",
    )
    prompt_ack_wait_s: float = Field(
        30.0,
        alias="LOGOKRAFT_PROMPT_ACK_WAIT_S",
        gt=0,
        description="How long a prompt-writing job may go without a heartbeat before JetStream "
        "hands it to another worker (imagegen and refine have their own *_ACK_WAIT_S).",
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
        "exists, so a test can act while an asset is generating. Never set in production.",
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


def local_storage(*, data_dir: Path, public_base_url: str) -> LocalStorage:
    """The local folder under the data directory, its URLs signed with the data dir's key."""
    signer = UrlSigner(secret(data_dir, STORAGE_URL_KEY_SECRET))
    return LocalStorage(data_dir / "storage", signer=signer, public_base_url=public_base_url)


async def open_storage(
    *,
    data_dir: Path,
    public_base_url: str,
    supabase_url: str | None,
    supabase_service_role_key: str | None,
) -> BlobStorage:
    """Supabase Storage when both its URL and key are set, else the local folder."""
    if supabase_url and supabase_service_role_key:
        from logokraft_kit.storage.supabase import SupabaseStorage

        return await SupabaseStorage.create(
            url=supabase_url, service_role_key=supabase_service_role_key
        )
    return local_storage(data_dir=data_dir, public_base_url=public_base_url)


async def build_storage(settings: CommonSettings) -> BlobStorage:
    """The blob storage a service's settings describe."""
    return await open_storage(
        data_dir=settings.data_dir,
        public_base_url=settings.public_base_url,
        supabase_url=settings.supabase_url,
        supabase_service_role_key=settings.supabase_service_role_key,
    )
