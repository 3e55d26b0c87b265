"""The refine core: variations of a completed asset, as durable work, linked to their parent.

No gRPC here. `refine_asset` validates, queues one child asset per variation in
one transaction (re-opening a settled project, a cancelled one included) and publishes one
JetStream job per child; the jobs write each variation's prompt, draw it and store it.
Nothing is cancelled when the caller goes away; cancelling the project cancels its queued and
generating variations (logokraft_domain.asset_jobs), and its completed logos, variations
included, can be refined again afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from nats.aio.client import Client as NATS

import logokraft_engine as engine
from logokraft_domain import events, limits, store
from logokraft_domain.asset_jobs import AssetJobs
from logokraft_domain.jobs import DrawVariation
from logokraft_domain.limits import UserLimits
from logokraft_domain.records import TERMINAL_ASSET_STATUSES, Row
from logokraft_domain.refinement import validate_count, validate_instruction
from logokraft_kit.bus import JobPublisher, Subjects, project_news
from logokraft_kit.db import Database
from logokraft_kit.errors import Conflict, NotFound, Unavailable
from logokraft_kit.storage import BlobStorage, ObjectNotFound
from logokraft_kit.worker import Delivery
from logokraft_refine.adapters.base import (
    PromptRefiner,
    RefinedPrompt,
    RefineRequest,
    Variation,
    VariationMaker,
)

log = logging.getLogger(__name__)

QUEUE_DOWN = (
    "queue_unavailable",
    "The job queue was unavailable when this variation was asked for; ask for it again.",
)
PARENT_GONE = (
    "parent_missing",
    "The logo this variation refines (or its image) no longer exists; refine another logo.",
)


@dataclass
class Deps:
    """What the core needs from the outside world."""

    db: Database
    nc: NATS
    jobs: JobPublisher  # signed jobs on the work queues
    subjects: Subjects
    storage: BlobStorage
    refiner: PromptRefiner
    maker: VariationMaker
    concurrency: int = 2
    watch_poll_s: float = 5.0
    draw_timeout_s: float | None = 900.0  # one attempt's provider calls, retries included
    limits: UserLimits = field(default_factory=UserLimits)  # server.py passes the settings


class RefineCore:
    """Queue, make, read and follow variations of the caller's assets."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._limit = asyncio.Semaphore(deps.concurrency)
        self._jobs = AssetJobs(
            db=deps.db,
            nc=deps.nc,
            subjects=deps.subjects,
            storage=deps.storage,
            draw_timeout_s=deps.draw_timeout_s,
            signer=deps.jobs.signer,
        )

    @property
    def jobs(self) -> AssetJobs:
        """The core's asset-job life, shared with the service's sweeper."""
        return self._jobs

    # ---- commands and reads -------------------------------------------------

    async def refine_asset(
        self, user_id: uuid.UUID, asset_id: uuid.UUID, instruction: str, count: int
    ) -> list[Row]:
        """Queue `count` variations of the asset; returns them (queued) before any is drawn.

        The variations must fit the caller's daily image limit (ResourceExhausted otherwise,
        and nothing is queued).
        """
        instruction, count = validate_instruction(instruction), validate_count(count)
        async with self._deps.db.as_user(user_id) as conn:
            await limits.lock_user_limits(conn, user_id)  # before any row lock
            parent = await store.get_asset(conn, asset_id, lock=True)
            if parent is None:
                raise NotFound(f"asset {asset_id} not found")
            self._check_refinable(parent)
            # A cancelled project's completed logos are refined as a finished project's are:
            # the cancel stopped the logos being made then; a refinement asks for new ones.
            await limits.check_images_per_day(conn, user_id, self._deps.limits, requested=count)
            await limits.check_daily_budget(conn, self._deps.limits, requested=count)
            children = await store.insert_variations(
                conn, parent, instruction=instruction, count=count
            )
            await store.reopen(conn, parent["project_id"])
            recorded = events.recorded(conn)
        try:
            for child in children:
                await self._queue(user_id, child, count)
        except Exception as exc:
            log.exception("could not queue the variations of %s", asset_id)
            for child in children:
                await self._jobs.fail(user_id, child, *QUEUE_DOWN, provider=self._deps.maker.name)
            await self._give_back_undrawn(user_id, children)
            raise Unavailable("the job queue is unavailable; try again shortly") from exc
        await self._jobs.announce_events(parent["project_id"], recorded)
        return children

    async def _give_back_undrawn(self, user_id: uuid.UUID, children: list[Row]) -> None:
        """Uncount the images of the variations failed for want of a queue before any worker
        started them (no attempt counted: a job that comes later finds them failed and drops
        them), as a cancel gives back what it stopped before it was drawn: asking again, as
        the answer says, must not cost them twice."""
        async with self._deps.db.as_user(user_id) as conn:
            await limits.lock_user_limits(conn, user_id)
            cursor = await conn.execute(
                "select id from generated_assets where id = any(%s) and status = 'failed'"
                " and error_code = %s and attempts = 0",
                [[child["id"] for child in children], QUEUE_DOWN[0]],
            )
            undrawn = [row["id"] for row in await cursor.fetchall()]
            await limits.give_back_images(conn, user_id, undrawn)

    def _check_refinable(self, parent: Row) -> None:
        if parent["status"] != "completed":
            raise Conflict(
                f"asset {parent['id']} is {parent['status']}; only completed assets can be "
                "refined — wait for it to complete, or refine another one"
            )
        if self._deps.maker.needs_spec and not parent["spec"]:
            raise Conflict(
                f"asset {parent['id']} was drawn by {parent['provider'] or 'another provider'}; "
                "the local editor can only refine logos drawn by the local engine "
                "(configure GEMINI_API_KEY to refine it with Nano Banana)"
            )

    async def _queue(self, user_id: uuid.UUID, child: Row, count: int) -> None:
        job = DrawVariation(
            asset_id=child["id"], project_id=child["project_id"], user_id=user_id, count=count
        )
        await job.publish(self._deps.jobs)

    async def get_asset(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> Row:
        """One of the caller's assets."""
        async with self._deps.db.as_user(user_id) as conn:
            asset = await store.get_asset(conn, asset_id)
        if asset is None:
            raise NotFound(f"asset {asset_id} not found")
        return asset

    async def lineage(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> list[Row]:
        """The chain from the original candidate down to the asset."""
        async with self._deps.db.as_user(user_id) as conn:
            chain = await store.lineage(conn, asset_id)
        if not chain:
            raise NotFound(f"asset {asset_id} not found")
        return chain

    async def follow(self, user_id: uuid.UUID, children: list[Row]) -> AsyncIterator[list[Row]]:
        """The children each time one of them changes, until all are completed, failed or
        cancelled; NotFound once they are deleted (with their project)."""
        project_id = str(children[0]["project_id"])
        ids = [child["id"] for child in children]
        seen = [(c["status"], c["updated_at"]) for c in children]
        async with project_news(self._deps.nc, self._deps.subjects, project_id) as news:
            while not all(status in TERMINAL_ASSET_STATUSES for status, _ in seen):
                news.clear()
                async with self._deps.db.as_user(user_id) as conn:
                    rows = [await store.get_asset(conn, asset_id) for asset_id in ids]
                if any(row is None for row in rows):
                    # The stream sent the survivors (none, often) and ended OK, as if the
                    # variations had settled.
                    raise NotFound(
                        f"the variations of asset {children[0]['parent_asset_id']} were "
                        "deleted with their project; there is nothing left to follow"
                    )
                current = [(r["status"], r["updated_at"]) for r in rows]
                if current != seen:
                    seen = current
                    yield [row for row in rows if row is not None]
                    continue
                await news.wait(self._deps.watch_poll_s)

    # ---- making a variation (durable work) ----------------------------------

    async def handle_refine_job(self, job: DrawVariation, delivery: Delivery) -> None:
        """Write the variation's prompt, draw it, store it, and finish the asset."""
        user_id = job.user_id
        started = await self._jobs.start(user_id, job.asset_id)
        if started is None:
            return
        asset, project = started
        maker = self._deps.maker.name
        request = await self._request(user_id, asset, project, job.count)
        if request is None:
            await self._jobs.fail(user_id, asset, *PARENT_GONE, provider=maker)
            return
        await self._jobs.run(
            delivery, user_id, asset, lambda: self._make(user_id, asset, request), provider=maker
        )

    async def _request(
        self, user_id: uuid.UUID, asset: Row, project: Row, count: int
    ) -> RefineRequest | None:
        """What the refiner and maker need; None when the parent or its image is gone."""
        if asset["parent_asset_id"] is None:
            return None
        async with self._deps.db.as_user(user_id) as conn:
            parent = await store.get_asset(conn, asset["parent_asset_id"])
        if parent is None or not parent["storage_path"]:
            return None
        try:
            image = await self._deps.storage.get(parent["storage_bucket"], parent["storage_path"])
        except ObjectNotFound:
            return None
        return RefineRequest(
            instruction=asset["instruction"],
            parent_prompt=parent["prompt"],
            parent_image=image,
            parent_mime_type=parent["mime_type"] or "image/png",
            parent_spec=parent["spec"],
            brief=engine.Brief.from_record(project),
            variation=asset["position"],
            count=count,
            seed=uuid.UUID(str(asset["id"])).int % 2**31,
        )

    async def _make(self, user_id: uuid.UUID, asset: Row, request: RefineRequest) -> Variation:
        prompt = await self._prompt(user_id, asset, request)
        async with self._limit:
            variation = await self._deps.maker.make_variation(request, prompt)
        metadata = {**prompt.metadata, **variation.metadata}
        return Variation(
            png=variation.png,
            width=variation.width,
            height=variation.height,
            svg=variation.svg,
            metadata=metadata,
        )

    async def _prompt(
        self, user_id: uuid.UUID, asset: Row, request: RefineRequest
    ) -> RefinedPrompt:
        """The variation's prompt: written once, stored on the asset, reused on redelivery."""
        if asset["prompt"]:
            return RefinedPrompt(
                text=asset["prompt"], spec=asset["spec"], metadata=dict(asset["metadata"] or {})
            )
        prompt = await self._deps.refiner.refine_prompt(request)
        async with self._deps.db.as_user(user_id) as conn:
            await store.update_asset(
                conn, asset["id"], prompt=prompt.text, spec=prompt.spec, metadata=prompt.metadata
            )
            recorded = events.recorded(conn)
        await self._jobs.announce_events(asset["project_id"], recorded)
        return prompt
