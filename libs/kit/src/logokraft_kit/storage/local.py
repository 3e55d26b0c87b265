"""Blob storage in a local folder, served by the gateway through HMAC-signed expiring URLs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode

from logokraft_kit.storage._base import BUCKETS, ObjectNotFound, StorageError
from logokraft_kit.storage.paths import BUCKET_LIMITS

FILES_ROUTE = "/api/v1/files"
# Smaller copies of stored images, made on demand by the gateway (`?size=` on a signed file
# URL) and kept under the root beside the buckets: `root/.renditions/{size}/{bucket}/{path}`.
# No bucket starts with a dot, so they never share a path with an object.
RENDITIONS_DIR = ".renditions"


class InvalidObjectPath(StorageError):
    """The bucket or path is not one this storage serves."""


class ObjectRefused(StorageError):
    """The bucket does not accept this object: too large, or a MIME type it does not allow."""


def check_object_limits(bucket: str, size: int, content_type: str) -> None:
    """Refuse an object its bucket would refuse on Supabase Storage (see paths.BUCKET_LIMITS)."""
    limits = BUCKET_LIMITS.get(bucket)
    if limits is None:
        return
    max_bytes, mime_types = limits
    if size > max_bytes:
        raise ObjectRefused(
            f"object of {size} bytes exceeds the {bucket!r} bucket's limit of {max_bytes} bytes"
        )
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in mime_types:
        raise ObjectRefused(
            f"MIME type {content_type!r} is not allowed in the {bucket!r} bucket "
            f"(allowed: {', '.join(mime_types)})"
        )


def check_object_path(bucket: str, path: str) -> PurePosixPath:
    """Return the path if it is a plain relative key inside a known bucket."""
    if bucket not in BUCKETS:
        raise InvalidObjectPath(f"unknown bucket {bucket!r}")
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or any(part in ("", ".", "..") for part in path.split("/")):
        raise InvalidObjectPath(f"invalid object path {path!r}")
    if "\x00" in path or "\\" in path:
        raise InvalidObjectPath(f"invalid object path {path!r}")
    return pure


class UrlSigner:
    """Signs (bucket, path, expiry) with HMAC-SHA256: a URL cannot be altered or outlive it."""

    def __init__(self, key: str, *, clock=time.time) -> None:
        self._key = key.encode()
        self._clock = clock

    def _mac(self, bucket: str, path: str, expires: int) -> str:
        message = f"{bucket}\n{path}\n{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def sign(self, bucket: str, path: str, *, expires_in: int) -> tuple[int, str]:
        """Return (expires_at, signature) for the object."""
        expires = int(self._clock()) + expires_in
        return expires, self._mac(bucket, path, expires)

    def verify(self, bucket: str, path: str, *, expires: int, signature: str) -> bool:
        """True when the signature matches and the expiry has not passed."""
        if expires < self._clock():
            return False
        # As bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, so a
        # 500), and a link's signature is whatever the client typed.
        return hmac.compare_digest(self._mac(bucket, path, expires).encode(), signature.encode())


class LocalStorage:
    """Objects as files under `root/{bucket}/{path}`; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path, *, signer: UrlSigner, public_base_url: str) -> None:
        self._root = root
        self._signer = signer
        self._public_base_url = public_base_url.rstrip("/")

    def file_path(self, bucket: str, path: str) -> Path:
        """The file that holds an object (whether or not it exists)."""
        return self._root / bucket / check_object_path(bucket, path)

    def _write(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(data)
        temp.replace(target)

    async def put(self, bucket: str, path: str, data: bytes, *, content_type: str) -> None:
        """Store (or overwrite) one object; ObjectRefused when its bucket does not accept it."""
        target = self.file_path(bucket, path)
        check_object_limits(bucket, len(data), content_type)
        await asyncio.to_thread(self._write, target, data)

    async def get(self, bucket: str, path: str) -> bytes:
        """Return one object's bytes."""
        target = self.file_path(bucket, path)
        try:
            return await asyncio.to_thread(target.read_bytes)
        except FileNotFoundError:
            raise ObjectNotFound(f"{bucket}/{path}") from None

    def rendition_path(self, bucket: str, path: str, size: int) -> Path:
        """Where the object's copy at most `size` pixels on a side is kept (made or not)."""
        return self._root / RENDITIONS_DIR / str(size) / bucket / check_object_path(bucket, path)

    async def delete(self, bucket: str, paths: Sequence[str]) -> None:
        """Remove objects, and any smaller copies made of them; missing ones are ignored."""
        renditions = self._root / RENDITIONS_DIR
        sizes = [d.name for d in renditions.iterdir()] if renditions.is_dir() else []
        for path in paths:
            self.file_path(bucket, path).unlink(missing_ok=True)
            for size in sizes:
                (renditions / size / bucket / check_object_path(bucket, path)).unlink(
                    missing_ok=True
                )

    async def signed_url(self, bucket: str, path: str, *, expires_in: int) -> str:
        """A gateway URL that serves the object until it expires."""
        check_object_path(bucket, path)
        expires, signature = self._signer.sign(bucket, path, expires_in=expires_in)
        query = urlencode({"expires": expires, "signature": signature})
        return f"{self._public_base_url}{FILES_ROUTE}/{bucket}/{quote(path)}?{query}"

    async def signed_rendition_url(
        self, bucket: str, path: str, *, size: int, expires_in: int
    ) -> str:
        """A gateway URL that serves a copy of the image at most `size` pixels on a side (made
        on first request, then kept) until it expires. The signature is the object's: whoever
        may see the image may see it smaller."""
        url = await self.signed_url(bucket, path, expires_in=expires_in)
        return f"{url}&{urlencode({'size': size})}"
