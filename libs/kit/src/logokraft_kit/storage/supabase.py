"""Blob storage on Supabase Storage, through supabase-py's async client.

Build it with the async factory, and close it when done:

    storage = await SupabaseStorage.create(url=..., service_role_key=...)
    ...
    await storage.aclose()
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TypeVar

import httpx
from storage3.exceptions import StorageApiError
from storage3.types import FileOptions
from storage3.utils import StorageException

from logokraft_kit.storage._base import ObjectNotFound, StorageError
from supabase import AsyncClient, AsyncClientOptions, acreate_client

T = TypeVar("T")

_NOT_FOUND_ERRORS = {"not_found", "NoSuchKey"}


class SupabaseStorage:
    """`BlobStorage` over Supabase Storage, authenticated with the service-role key."""

    def __init__(self, *, client: AsyncClient, http_client: httpx.AsyncClient) -> None:
        self._client = client
        self._http = http_client

    @classmethod
    async def create(
        cls, *, url: str, service_role_key: str, timeout_s: float = 60.0
    ) -> SupabaseStorage:
        """Connect to the project at `url` (any http(s) URL, so a local fake works)."""
        # Our own httpx client: supabase-py's default one warns on its timeout argument,
        # and we want to close it. It never follows redirects: httpx would carry the
        # service-role `apikey` header to whatever origin a redirect names. A 3xx fails the
        # call as a StorageError instead.
        http_client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)
        options = AsyncClientOptions(httpx_client=http_client, auto_refresh_token=False)
        client = await acreate_client(url, service_role_key, options=options)
        return cls(client=client, http_client=http_client)

    async def aclose(self) -> None:
        """Release the HTTP connections."""
        await self._http.aclose()

    async def put(self, bucket: str, path: str, data: bytes, *, content_type: str) -> None:
        """Store (or overwrite) one object."""
        bucket_api = self._client.storage.from_(bucket)
        options: FileOptions = {"content-type": content_type, "upsert": "true"}
        await self._call(bucket_api.upload(path, data, options), path)

    async def get(self, bucket: str, path: str) -> bytes:
        """Return one object's bytes; raise ObjectNotFound when it is missing."""
        return await self._call(self._client.storage.from_(bucket).download(path), path)

    async def delete(self, bucket: str, paths: Sequence[str]) -> None:
        """Remove objects; missing ones are ignored."""
        if paths:
            await self._call(self._client.storage.from_(bucket).remove(list(paths)), paths[0])

    async def signed_url(self, bucket: str, path: str, *, expires_in: int) -> str:
        """An absolute URL that serves the object for `expires_in` seconds."""
        bucket_api = self._client.storage.from_(bucket)
        signed = await self._call(bucket_api.create_signed_url(path, expires_in), path)
        url = signed.get("signedURL") or signed.get("signedUrl")
        if not url:
            raise StorageError(f"Supabase Storage returned no signed URL for {bucket}/{path}")
        return str(url)

    async def _call(self, pending: Awaitable[T], path: str) -> T:
        try:
            return await pending
        except StorageApiError as exc:
            if exc.code in _NOT_FOUND_ERRORS or "object not found" in str(exc.message).lower():
                raise ObjectNotFound(path) from exc
            raise StorageError(f"Supabase Storage {exc.status} {exc.code}: {exc.message}") from exc
        except (StorageException, httpx.HTTPError) as exc:
            raise StorageError(f"Supabase Storage failed: {exc}") from exc
