"""Settings every process shares, read from the environment in one place, failing fast."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
