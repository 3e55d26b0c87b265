"""The imagegen core: image jobs from the work queue to stored, completed assets.

No gRPC here. Jobs are idempotent: a redelivered job for a finished asset is
acknowledged and dropped; the stored image's path is the asset id (and, for a retry's
drawing, its drawing), so another attempt overwrites rather than duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from nats.aio.client import Client as NATS

import logokraft_engine as engine
from logokraft_domain.asset_jobs import AssetJobs
from logokraft_domain.jobs import DrawCandidate
from logokraft_imagegen.adapters.base import GeneratedImage, ImageGenerator, ImageRequest
from logokraft_kit.bus import JobSigner, Subjects
from logokraft_kit.db import Database
from logokraft_kit.storage import INSPIRATION_BUCKET, BlobStorage, ObjectNotFound
from logokraft_kit.worker import Delivery

log = logging.getLogger(__name__)

MAX_REFERENCE_IMAGES = 3


@dataclass
class Deps:
    """What the core needs from the outside world."""

    db: Database
    nc: NATS
    subjects: Subjects
    storage: BlobStorage
    generator: ImageGenerator
    concurrency: int = 2
    draw_timeout_s: float | None = 900.0
    signer: JobSigner | None = None  # signs the events its news carries (bus.JobSigner)


class ImagesCore:
    """Generates images for queued assets, under a per-provider concurrency limit."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._limit = asyncio.Semaphore(deps.concurrency)
        self._jobs = AssetJobs(
            db=deps.db,
            nc=deps.nc,
            subjects=deps.subjects,
            storage=deps.storage,
            draw_timeout_s=deps.draw_timeout_s,
            signer=deps.signer,
        )

    @property
    def jobs(self) -> AssetJobs:
        """The asset-job life this core uses (the sweeper shares it)."""
        return self._jobs

    async def handle_image_job(self, job: DrawCandidate, delivery: Delivery) -> None:
        """Make the asset's image, store it, and mark the asset completed or failed."""
        user_id = job.user_id
        started = await self._jobs.start(user_id, job.asset_id, drawing=job.drawing)
        if started is None:
            return
        asset, project = started
        await self._jobs.run(
            delivery,
            user_id,
            asset,
            lambda: self._generate(asset, project),
            provider=self._deps.generator.name,
        )

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
        if not self._deps.generator.takes_reference_images:
            return ()  # e.g. the local engine: the inspiration palette is in its spec already
        images = []
        for path in project["inspiration_paths"][:MAX_REFERENCE_IMAGES]:
            try:
                images.append(await self._deps.storage.get(INSPIRATION_BUCKET, path))
            except ObjectNotFound:
                log.warning("inspiration image %s is missing", path)
        return tuple(images)
