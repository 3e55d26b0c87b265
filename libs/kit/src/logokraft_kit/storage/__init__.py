"""Blob storage: the interface, the local-folder backend and (optionally) Supabase Storage."""

from logokraft_kit.storage._base import (
    BUCKETS,
    GENERATED_BUCKET,
    INSPIRATION_BUCKET,
    BlobStorage,
    ObjectNotFound,
    StorageError,
)
from logokraft_kit.storage._open import STORAGE_URL_KEY_SECRET, local_storage, open_storage
from logokraft_kit.storage.local import (
    FILES_ROUTE,
    InvalidObjectPath,
    LocalStorage,
    ObjectRefused,
    UrlSigner,
)

__all__ = [
    "BUCKETS",
    "FILES_ROUTE",
    "GENERATED_BUCKET",
    "INSPIRATION_BUCKET",
    "STORAGE_URL_KEY_SECRET",
    "BlobStorage",
    "InvalidObjectPath",
    "LocalStorage",
    "ObjectNotFound",
    "ObjectRefused",
    "StorageError",
    "UrlSigner",
    "local_storage",
    "open_storage",
]
