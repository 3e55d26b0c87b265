"""Opening the blob storage a process is configured for: Supabase Storage or the local folder."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from logokraft_kit.datadir import secret
from logokraft_kit.storage._base import BlobStorage
from logokraft_kit.storage.local import LocalStorage, UrlSigner

STORAGE_URL_KEY_SECRET = "storage-url-key"


def local_storage(
    *, data_dir: Path, public_base_url: str, url_key: str | None = None
) -> LocalStorage:
    """The local folder under the data directory, its URLs signed with `url_key` (by default
    the key in the data directory's secrets folder)."""
    signer = UrlSigner(url_key or secret(data_dir, STORAGE_URL_KEY_SECRET))
    return LocalStorage(data_dir / "storage", signer=signer, public_base_url=public_base_url)


async def open_storage(
    *,
    data_dir: Path,
    public_base_url: str,
    supabase_url: str | None,
    supabase_service_role_key: SecretStr | str | None,
    url_key: str | None = None,
) -> BlobStorage:
    """Supabase Storage when both its URL and key are set, else the local folder (its URLs
    signed with `url_key`, by default the data directory's stored key)."""
    if isinstance(supabase_service_role_key, SecretStr):
        supabase_service_role_key = supabase_service_role_key.get_secret_value()
    if supabase_url and supabase_service_role_key:
        from logokraft_kit.storage.supabase import SupabaseStorage

        return await SupabaseStorage.create(
            url=supabase_url, service_role_key=supabase_service_role_key
        )
    return local_storage(data_dir=data_dir, public_base_url=public_base_url, url_key=url_key)
