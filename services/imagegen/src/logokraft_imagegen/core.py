"""The imagegen core: image jobs from the work queue to stored, completed assets.

No gRPC here. Jobs are idempotent: a redelivered job for a finished asset is
acknowledged and dropped; the stored image's path is the asset id, so a retry
overwrites rather than duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.aio.client import Client as NATS

import logokraft_engine as engine
from logokraft.v1 import common_pb2
from logokraft_imagegen.adapters.base import GeneratedImage, ImageGenerator, ImageRequest
from logokraft_kit import store
from logokraft_kit.bus import Subjects, publish_project_news
from logokraft_kit.db import Database
from logokraft_kit.providers import ProviderError
from logokraft_kit.records import LOGO_TYPE_NAME, TERMINAL_ASSET_STATUSES
from logokraft_kit.storage import GENERATED_BUCKET, INSPIRATION_BUCKET, BlobStorage, ObjectNotFound
from logokraft_kit.worker import Delivery, RetryLater, backoff_delay

log = logging.getLogger(__name__)

MAX_REFERENCE_IMAGES = 3
INTERNAL_ERROR = (
    "internal_error",
    "Something went wrong while generating this logo; try generating it again.",
)


@dataclass
class Deps:
    """What the core needs from the outside world."""

    db: Database
    nc: NATS
    subjects: Subjects
    storage: BlobStorage
    generator: ImageGenerator
    concurrency: int = 2


class ImagesCore:
    """Generates images for queued assets, under a per-provider concurrency limit."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._limit = asyncio.Semaphore(deps.concurrency)

    async def handle_image_job(self, job: dict[str, str], delivery: Delivery) -> None:
        """Make the asset's image, store it, and mark the asset completed or failed."""
        user_id, asset_id = uuid.UUID(job["user_id"]), uuid.UUID(job["asset_id"])
        started = await self._start(user_id, asset_id)
        if started is None:
            return
        asset, project = started
        try:
            image = await self._generate(asset, project)
        except ProviderError as error:
            if error.retryable and not delivery.is_last_attempt:
                raise RetryLater(error.retry_after or backoff_delay(delivery.attempt)) from error
            await self._fail(user_id, asset, error.code, error.message)
            return
        except Exception:
            if not delivery.is_last_attempt:
                raise
            log.exception("asset %s failed on its last attempt", asset_id)
            await self._fail(user_id, asset, *INTERNAL_ERROR)
            return
        await self._complete(user_id, asset, image)

    async def _start(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> tuple[dict, dict] | None:
        """Mark the asset generating; None when it is gone or already finished."""
        async with self._deps.db.as_user(user_id) as conn:
            asset = await store.get_asset(conn, asset_id, lock=True)
            if asset is None or asset["status"] in TERMINAL_ASSET_STATUSES:
                return None
            asset = await store.update_asset(
                conn, asset_id, status="generating", attempts=asset["attempts"] + 1
            )
            project = await store.get_project(conn, asset["project_id"])
        assert project is not None
        await self._announce(project)
        return asset, project

    async def _generate(self, asset: dict, project: dict) -> GeneratedImage:
        references = await self._references(project)
        request = ImageRequest(
            prompt=asset["prompt"],
            brief=engine.Brief.from_record(project),
            spec=asset["spec"],
            seed=uuid.UUID(str(asset["id"])).int % 2**31,
            reference_images=references,
        )
        async with self._limit:
            return await self._deps.generator.generate(request)

    async def _references(self, project: dict) -> tuple[bytes, ...]:
        if self._deps.generator.name == "local":
            return ()  # the local engine has the inspiration palette in its spec already
        images = []
        for path in project["inspiration_paths"][:MAX_REFERENCE_IMAGES]:
            try:
                images.append(await self._deps.storage.get(INSPIRATION_BUCKET, path))
            except ObjectNotFound:
                log.warning("inspiration image %s is missing", path)
        return tuple(images)

    async def _complete(self, user_id: uuid.UUID, asset: dict, image: GeneratedImage) -> None:
        folder = f"{asset['user_id']}/{asset['project_id']}"
        path = f"{folder}/{asset['id']}.png"
        await self._deps.storage.put(GENERATED_BUCKET, path, image.png, content_type="image/png")
        metadata = dict(image.metadata)
        if image.svg is not None:
            svg_path = f"{folder}/{asset['id']}.svg"
            await self._deps.storage.put(
                GENERATED_BUCKET, svg_path, image.svg.encode(), content_type="image/svg+xml"
            )
            metadata["svg_path"] = svg_path
        async with self._deps.db.as_user(user_id) as conn:
            await store.update_asset(
                conn,
                asset["id"],
                status="completed",
                storage_bucket=GENERATED_BUCKET,
                storage_path=path,
                mime_type="image/png",
                width=image.width,
                height=image.height,
                provider=self._deps.generator.name,
                metadata=metadata,
                error_code=None,
                error_message=None,
            )
            project = await self._settle(conn, asset)
        await self._announce(project)

    async def _fail(self, user_id: uuid.UUID, asset: dict, code: str, message: str) -> None:
        async with self._deps.db.as_user(user_id) as conn:
            await store.update_asset(
                conn,
                asset["id"],
                status="failed",
                error_code=code,
                error_message=message,
                provider=self._deps.generator.name,
            )
            project = await self._settle(conn, asset)
        await self._announce(project)

    async def _settle(self, conn, asset: dict) -> dict | None:
        await store.settle_if_done(conn, asset["project_id"])
        return await store.get_project(conn, asset["project_id"])

    async def _announce(self, project: dict | None) -> None:
        await publish_project_news(self._deps.nc, self._deps.subjects, project)

    async def generate_one(
        self, user_id: uuid.UUID, request: ImageRequest
    ) -> AsyncIterator[common_pb2.AssetStatus | tuple[str, GeneratedImage]]:
        """For internal callers: generate and store one image, reporting progress."""
        yield common_pb2.ASSET_STATUS_GENERATING
        async with self._limit:
            image = await self._deps.generator.generate(request)
        path = f"{user_id}/direct/{uuid.uuid4()}.png"
        await self._deps.storage.put(GENERATED_BUCKET, path, image.png, content_type="image/png")
        yield path, image


def brief_from_proto(brief: common_pb2.BrandBrief) -> engine.Brief:
    """A wire brief as the logo engine sees it."""
    return engine.Brief(
        brand_name=brief.brand_name,
        slogan=brief.slogan,
        industry=brief.industry,
        description=brief.description,
        style=tuple(brief.style),
        colors=tuple(brief.colors),
        logo_type=LOGO_TYPE_NAME.get(brief.logo_type),
    )
