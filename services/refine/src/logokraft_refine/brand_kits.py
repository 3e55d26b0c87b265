"""Brand kits: a completed asset's kit zip (logokraft_engine.kit), built once and cached.

`BrandKits.get` reads the asset under the caller's identity (RLS: another user's asset is
not found), refuses one that is not completed, and returns where its kit is stored: beside the
asset's image (`logokraft_kit.storage.paths.kit_path`), built on the first call. The build is
CPU-bound and runs in a worker thread, a few at a time; concurrent calls for one kit in this
process wait for one build (a lock per key; replicas may each build it once, the bytes are the
same). Deleting the asset or its project queues the cached kit for the storage collector (the
trigger of supabase/migrations/20261205000500_brand_kits.sql).

The kit's source: the engine's spec when the asset has an SVG master drawn from it, else that
SVG master, else (an AI-drawn raster: Seedream, Nano Banana) the PNG, vectorised by vtracer.
A poor trace still gives a kit, with a warning in its README.txt.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from logokraft_domain import store
from logokraft_domain.records import Row
from logokraft_engine.kit import (
    BrandColor,
    BrandKit,
    KitSource,
    build_brand_kit,
    kit_display_filename,
    kit_filename,
)
from logokraft_kit.db import Database
from logokraft_kit.errors import Conflict, NotFound
from logokraft_kit.storage import BlobStorage, ObjectNotFound
from logokraft_kit.storage.paths import kit_path

log = logging.getLogger(__name__)

KIT_CONTENT_TYPE = "application/zip"


@dataclass(frozen=True)
class StoredKit:
    """Where an asset's brand kit is stored, and what to call it when downloaded."""

    bucket: str
    path: str
    filename: str  # ASCII
    size_bytes: int
    display_filename: str = ""  # the brand as written, in any script (UTF-8)


def build(source: KitSource) -> BrandKit:
    """Build one kit (synchronous; BrandKits runs it in a worker thread). A poor trace of a
    raster still gives a kit, flagged in its README.txt, rather than no kit at all."""
    return build_brand_kit(source, strict=False)


class BrandKits:
    """The caller's assets' brand kits, built on first use and cached in storage."""

    def __init__(
        self,
        db: Database,
        storage: BlobStorage,
        *,
        concurrency: int = 2,
        builder: Callable[[KitSource], BrandKit] | None = None,
    ) -> None:
        self._db = db
        self._storage = storage
        self._builds = asyncio.Semaphore(max(1, concurrency))
        self._builder = builder
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def get(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> StoredKit:
        """The asset's kit, built and stored first if it is not stored yet."""
        asset, project = await self._asset(user_id, asset_id)
        bucket, path = asset["storage_bucket"], kit_path(asset["storage_path"])
        brand = project["brand_name"] if project else ""
        filename, display = kit_filename(brand), kit_display_filename(brand)
        cached = await self._cached(bucket, path)
        if cached is not None:
            return StoredKit(bucket, path, filename, cached, display)
        async with self._lock(path):
            cached = await self._cached(bucket, path)
            if cached is not None:
                return StoredKit(bucket, path, filename, cached, display)
            source = await self._source(asset, project)
            kit = await self._build(asset_id, source)
            await self._storage.put(bucket, path, kit.data, content_type=KIT_CONTENT_TYPE)
            # Deleted while it was built: the delete's trigger may have queued the key before
            # the kit existed, so remove it here (a delete after this read queues it anyway).
            async with self._db.as_user(user_id) as conn:
                still = await store.get_asset(conn, asset_id)
            if still is None:
                await self._storage.delete(bucket, [path])
                raise NotFound(f"asset {asset_id} not found")
            log.info(
                "built the brand kit of asset %s from its %s (%d bytes)",
                asset_id,
                kit.source,
                len(kit.data),
            )
            return StoredKit(bucket, path, filename, len(kit.data), display)

    async def _asset(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> tuple[Row, Row | None]:
        async with self._db.as_user(user_id) as conn:
            asset = await store.get_asset(conn, asset_id)
            if asset is None:
                raise NotFound(f"asset {asset_id} not found")
            project = await store.get_project(conn, asset["project_id"])
        if asset["status"] != "completed" or not asset["storage_path"]:
            raise Conflict(
                f"asset {asset_id} is {asset['status']}; a brand kit is made from a completed "
                "logo — wait for it to complete, or download another one's kit"
            )
        return asset, project

    async def _cached(self, bucket: str, path: str) -> int | None:
        """The stored kit's size, or None when it is not stored."""
        try:
            return len(await self._storage.get(bucket, path))
        except ObjectNotFound:
            return None

    def _lock(self, path: str) -> _KeyLock:
        return _KeyLock(self, path)

    async def _source(self, asset: Row, project: Row | None) -> KitSource:
        """What the kit is built from: the spec or SVG master of an engine logo, else the PNG."""
        brand = project["brand_name"] if project else ""
        colors = _brief_colors(project)
        metadata: dict[str, Any] = _as_dict(asset["metadata"])
        svg_path = metadata.get("svg_path") or ""
        if svg_path:
            if asset["spec"]:
                return KitSource(brand, spec=_as_dict(asset["spec"]), colors=colors)
            try:
                svg = await self._storage.get(asset["storage_bucket"], svg_path)
                return KitSource(brand, svg=svg.decode("utf-8"), colors=colors)
            except (ObjectNotFound, UnicodeDecodeError):
                log.warning("asset %s: its SVG master is unreadable; using its PNG", asset["id"])
        try:
            png = await self._storage.get(asset["storage_bucket"], asset["storage_path"])
        except ObjectNotFound as error:
            raise NotFound(f"the image of asset {asset['id']} no longer exists") from error
        return KitSource(brand, png=png, colors=colors)

    async def _build(self, asset_id: uuid.UUID, source: KitSource) -> BrandKit:
        builder = self._builder or build
        async with self._builds:
            try:
                return await asyncio.to_thread(builder, source)
            except ValueError as error:
                raise Conflict(
                    f"no brand kit can be made from asset {asset_id}'s image: {error}"
                ) from error


class _KeyLock:
    """One asyncio.Lock per key, dropped when nobody holds or waits for it."""

    def __init__(self, owner: BrandKits, key: str) -> None:
        self._owner, self._key = owner, key

    async def __aenter__(self) -> None:
        owner = self._owner
        owner._waiting[self._key] = owner._waiting.get(self._key, 0) + 1
        lock = owner._locks.setdefault(self._key, asyncio.Lock())
        try:
            await lock.acquire()
        except BaseException:
            self._release_count()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._owner._locks[self._key].release()
        self._release_count()

    def _release_count(self) -> None:
        owner = self._owner
        owner._waiting[self._key] -= 1
        if not owner._waiting[self._key]:
            del owner._waiting[self._key]
            del owner._locks[self._key]


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _brief_colors(project: Row | None) -> tuple[BrandColor, ...]:
    """The brief's resolved colours with the names the customer gave them, if any."""
    if not project:
        return ()
    colors = list(project.get("colors") or ())
    names = list(project.get("color_names") or ())
    names += [""] * (len(colors) - len(names))
    return tuple(BrandColor(hex_, name or "") for hex_, name in zip(colors, names, strict=False))
