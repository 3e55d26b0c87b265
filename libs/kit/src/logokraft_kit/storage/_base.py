"""The blob storage interface every backend implements, and its errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

INSPIRATION_BUCKET = "inspiration-images"
GENERATED_BUCKET = "generated-assets"
BUCKETS = (INSPIRATION_BUCKET, GENERATED_BUCKET)


class StorageError(Exception):
    """A storage backend failed."""


class ObjectNotFound(StorageError):
    """The object does not exist."""


class BlobStorage(Protocol):
    """Objects by (bucket, path); clients reach them through expiring signed URLs."""

    async def put(self, bucket: str, path: str, data: bytes, *, content_type: str) -> None:
        """Store (or overwrite) one object."""
        ...

    async def get(self, bucket: str, path: str) -> bytes:
        """Return one object's bytes; raise ObjectNotFound when it is missing."""
        ...

    async def delete(self, bucket: str, paths: Sequence[str]) -> None:
        """Remove objects; missing ones are ignored."""
        ...

    async def signed_url(self, bucket: str, path: str, *, expires_in: int) -> str:
        """An absolute URL that serves the object for `expires_in` seconds."""
        ...
