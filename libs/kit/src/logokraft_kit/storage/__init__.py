"""Blob storage: the interface, the local-folder backend and (optionally) Supabase Storage."""

from logokraft_kit.storage._base import (
    BUCKETS,
    GENERATED_BUCKET,
    INSPIRATION_BUCKET,
    BlobStorage,
    ObjectNotFound,
    StorageError,
)
from logokraft_kit.storage.local import FILES_ROUTE, InvalidObjectPath, LocalStorage, UrlSigner

__all__ = [
    "BUCKETS",
    "FILES_ROUTE",
    "GENERATED_BUCKET",
    "INSPIRATION_BUCKET",
    "BlobStorage",
    "InvalidObjectPath",
    "LocalStorage",
    "ObjectNotFound",
    "StorageError",
    "UrlSigner",
]
