"""Proto messages → public JSON shapes, in one place (signing image URLs on the way)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from logokraft.v1 import common_pb2
from logokraft_domain.records import ASSET_STATUS_NAME, LOGO_TYPE_NAME, PROJECT_STATUS_NAME
from logokraft_gateway.renditions import THUMBNAIL_SIZE
from logokraft_gateway.schemas import (
    AssetErrorPublic,
    AssetPublic,
    BriefPublic,
    InspirationImagePublic,
    ProjectCountsPublic,
    ProjectListItemPublic,
    ProjectPublic,
    ProjectSummaryPublic,
    UsagePublic,
)
from logokraft_kit.storage import INSPIRATION_BUCKET, BlobStorage, LocalStorage, StorageError
from logokraft_kit.storage.paths import in_project_folder

log = logging.getLogger(__name__)

# + "/{id}/brand-kit": the brand kit route (api/routes/assets.py)
BRAND_KIT_PATH = "/api/v1/assets"


class UrlSigning:
    """Signs stored images for clients with one TTL."""

    def __init__(self, storage: BlobStorage, *, ttl_seconds: int) -> None:
        self._storage = storage
        self._ttl = ttl_seconds

    async def url(self, ref: common_pb2.StorageRef) -> str | None:
        """A signed URL of the object, or None when it cannot be signed."""
        try:
            return await self._storage.signed_url(ref.bucket, ref.path, expires_in=self._ttl)
        except StorageError:
            log.warning("cannot sign %s/%s", ref.bucket, ref.path)
            return None

    async def thumbnail_url(self, ref: common_pb2.StorageRef, image_url: str) -> str:
        """A signed URL of the image made smaller (renditions.py) where the storage is the
        gateway's own; elsewhere `image_url` (no second signing round trip)."""
        if not isinstance(self._storage, LocalStorage):
            return image_url
        try:
            return await self._storage.signed_rendition_url(
                ref.bucket, ref.path, size=THUMBNAIL_SIZE, expires_in=self._ttl
            )
        except StorageError:
            return image_url


def _timestamp(message: Message, name: str) -> datetime | None:
    if not message.HasField(name):
        return None
    return getattr(message, name).ToDatetime(tzinfo=UTC)


def _error(message: Message) -> AssetErrorPublic | None:
    if not message.HasField("error"):
        return None
    error = message.error  # type: ignore[attr-defined]
    return AssetErrorPublic(code=error.code, message=error.message)


def project_status(value: int) -> str:
    """The public name of a ProjectStatus (unspecified reads as pending)."""
    return PROJECT_STATUS_NAME.get(value, "pending")


def brief_public(brief: common_pb2.BrandBrief) -> BriefPublic:
    """The brief as clients see it."""
    return BriefPublic(
        brand_name=brief.brand_name,
        slogan=brief.slogan,
        industry=brief.industry,
        description=brief.description,
        style=list(brief.style),
        colors=list(brief.colors),
        logo_type=LOGO_TYPE_NAME.get(brief.logo_type),  # type: ignore[arg-type]
        num_candidates=brief.num_candidates,
        color_words=list(brief.color_words),
        color_names=list(brief.color_names),
        color_notes=list(brief.color_notes),
    )


def _metadata(raw: str) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def asset_public(asset: common_pb2.Asset, signing: UrlSigning) -> AssetPublic:
    """An asset as clients see it; completed images get a signed, expiring URL."""
    completed = asset.status == common_pb2.ASSET_STATUS_COMPLETED
    image_url = svg_url = thumbnail_url = None
    metadata = _metadata(asset.metadata_json)
    has_image = completed and asset.HasField("image") and bool(asset.image.path)
    if has_image:
        image_url = await signing.url(asset.image)
        if image_url is not None:
            thumbnail_url = await signing.thumbnail_url(asset.image, image_url)
        svg_path = metadata.get("svg_path")
        if isinstance(svg_path, str) and svg_path:
            svg_url = await signing.url(
                common_pb2.StorageRef(bucket=asset.image.bucket, path=svg_path)
            )
    return AssetPublic(
        id=asset.id,
        project_id=asset.project_id,
        parent_asset_id=asset.parent_asset_id or None,
        status=ASSET_STATUS_NAME.get(asset.status, "queued"),  # type: ignore[arg-type]
        position=asset.position,
        prompt=asset.prompt,
        instruction=asset.instruction or None,
        image_url=image_url,
        width=asset.width or None,
        height=asset.height or None,
        provider=asset.provider or None,
        error=_error(asset),
        metadata=metadata,
        created_at=_timestamp(asset, "created_at"),
        updated_at=_timestamp(asset, "updated_at"),
        queue_position=asset.queue_position or None,
        svg_url=svg_url,
        thumbnail_url=thumbnail_url,
        brand_kit_url=f"{BRAND_KIT_PATH}/{asset.id}/brand-kit" if has_image else None,
    )


def project_summary(project: common_pb2.Project) -> ProjectSummaryPublic:
    """A project without its assets."""
    return ProjectSummaryPublic(**_project_fields(project))


def project_list_item(project: common_pb2.Project) -> ProjectListItemPublic:
    """A project of the list: without its assets, with their counts (ListProjects')."""
    counts = project.asset_counts  # the public counts are its fields, by the same names
    return ProjectListItemPublic(
        **_project_fields(project),
        counts=ProjectCountsPublic(
            **{name: getattr(counts, name) for name in ProjectCountsPublic.model_fields}
        ),
    )


async def project_public(project: common_pb2.Project, signing: UrlSigning) -> ProjectPublic:
    """A project with its assets."""
    assets = [await asset_public(asset, signing) for asset in project.assets]
    return ProjectPublic(
        **_project_fields(project),
        assets=assets,
        inspiration_images=await _inspiration_images(project, signing),
    )


async def _inspiration_images(
    project: common_pb2.Project, signing: UrlSigning
) -> list[InspirationImagePublic]:
    """Signed URLs of the project's inspiration images: only those in its own folder of the
    inspiration bucket, so a reference to anything else (another user's object) is never
    signed for the caller."""
    images = []
    for ref in project.inspiration_images:
        if ref.bucket != INSPIRATION_BUCKET or not in_project_folder(
            ref.path, project.user_id, project.id
        ):
            log.warning("not signing inspiration image %s/%s", ref.bucket, ref.path)
            continue
        url = await signing.url(ref)
        if url is not None:
            thumbnail_url = await signing.thumbnail_url(ref, url)
            images.append(InspirationImagePublic(url=url, thumbnail_url=thumbnail_url))
    return images


def _project_fields(project: common_pb2.Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "status": project_status(project.status),
        "brief": brief_public(project.brief),
        "error": _error(project),
        "created_at": _timestamp(project, "created_at"),
        "updated_at": _timestamp(project, "updated_at"),
    }


def usage_public(usage: common_pb2.Usage) -> UsagePublic:
    """The caller's usage of their limits."""
    return UsagePublic(
        images_used=usage.images_used,
        images_limit=usage.images_limit,
        projects_in_flight=usage.projects_in_flight,
        projects_in_flight_limit=usage.projects_in_flight_limit,
        window_seconds=usage.window_seconds,
        resets_at=_timestamp(usage, "resets_at"),
    )
