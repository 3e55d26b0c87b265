"""The life of one asset's job, shared by every service that draws images.

A job marks its asset `generating`, draws the image, stores it under the asset's
id (so a retry overwrites rather than duplicates) and marks the asset
`completed` or `failed`, settling the project in the same transaction. Retryable
provider errors hand the job back to JetStream with a delay until the last
attempt; everything else fails the asset with a reason a person can act on.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from nats.aio.client import Client as NATS

from logokraft_kit import store
from logokraft_kit.bus import Subjects, publish_project_news
from logokraft_kit.db import Connection, Database
from logokraft_kit.providers import ProviderError
from logokraft_kit.records import TERMINAL_ASSET_STATUSES, Row
from logokraft_kit.storage import GENERATED_BUCKET, BlobStorage
from logokraft_kit.worker import Delivery, RetryLater, backoff_delay

log = logging.getLogger(__name__)

INTERNAL_ERROR = (
    "internal_error",
    "Something went wrong while generating this logo; try generating it again.",
)


class Drawing(Protocol):
    """A drawn image as every generator returns it."""

    png: bytes
    width: int
    height: int
    svg: str | None
    metadata: dict[str, Any]


@dataclass
class AssetJobs:
    """Starts, completes and fails assets, and tells watchers about each change."""

    db: Database
    nc: NATS
    subjects: Subjects
    storage: BlobStorage

    async def start(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> tuple[Row, Row] | None:
        """Mark the asset generating; None when it is gone or already finished."""
        async with self.db.as_user(user_id) as conn:
            asset = await store.get_asset(conn, asset_id, lock=True)
            if asset is None or asset["status"] in TERMINAL_ASSET_STATUSES:
                return None
            asset = await store.update_asset(
                conn, asset_id, status="generating", attempts=asset["attempts"] + 1
            )
            project = await store.get_project(conn, asset["project_id"])
        assert project is not None
        await self.announce(project)
        return asset, project

    async def run(
        self,
        delivery: Delivery,
        user_id: uuid.UUID,
        asset: Row,
        draw: Callable[[], Awaitable[Drawing]],
        *,
        provider: str,
    ) -> None:
        """Draw the asset's image and finish the asset, retrying through JetStream."""
        try:
            image = await draw()
        except ProviderError as error:
            if error.retryable and not delivery.is_last_attempt:
                raise RetryLater(error.retry_after or backoff_delay(delivery.attempt)) from error
            await self.fail(user_id, asset, error.code, error.message, provider=provider)
            return
        except Exception:
            if not delivery.is_last_attempt:
                raise
            log.exception("asset %s failed on its last attempt", asset["id"])
            await self.fail(user_id, asset, *INTERNAL_ERROR, provider=provider)
            return
        await self.complete(user_id, asset, image, provider=provider)

    async def complete(
        self, user_id: uuid.UUID, asset: Row, image: Drawing, *, provider: str, **fields: Any
    ) -> None:
        """Store the image (and its SVG master) and mark the asset completed."""
        folder = f"{asset['user_id']}/{asset['project_id']}"
        path = f"{folder}/{asset['id']}.png"
        await self.storage.put(GENERATED_BUCKET, path, image.png, content_type="image/png")
        metadata = dict(image.metadata)
        if image.svg is not None:
            svg_path = f"{folder}/{asset['id']}.svg"
            await self.storage.put(
                GENERATED_BUCKET, svg_path, image.svg.encode(), content_type="image/svg+xml"
            )
            metadata["svg_path"] = svg_path
        async with self.db.as_user(user_id) as conn:
            await store.update_asset(
                conn,
                asset["id"],
                status="completed",
                storage_bucket=GENERATED_BUCKET,
                storage_path=path,
                mime_type="image/png",
                width=image.width,
                height=image.height,
                provider=provider,
                metadata=metadata,
                error_code=None,
                error_message=None,
                **fields,
            )
            project = await self._settle(conn, asset)
        await self.announce(project)

    async def fail(
        self, user_id: uuid.UUID, asset: Row, code: str, message: str, *, provider: str
    ) -> None:
        """Mark the asset failed with a reason a person can act on."""
        async with self.db.as_user(user_id) as conn:
            await store.update_asset(
                conn,
                asset["id"],
                status="failed",
                error_code=code,
                error_message=message,
                provider=provider,
            )
            project = await self._settle(conn, asset)
        await self.announce(project)

    async def _settle(self, conn: Connection, asset: Row) -> Row | None:
        await store.settle_if_done(conn, asset["project_id"])
        return await store.get_project(conn, asset["project_id"])

    async def announce(self, project: Row | None) -> None:
        """Tell the project's watchers that something changed."""
        await publish_project_news(self.nc, self.subjects, project)
