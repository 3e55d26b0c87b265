"""/api/v1/assets: read one asset, its history of edits, refine it into variations, and try a
failed candidate again."""

from __future__ import annotations

import re
import unicodedata
import uuid
from urllib.parse import quote

from fastapi import APIRouter, Depends, Response

from logokraft_gateway.api.deps import (
    CurrentUser,
    GeneratingUser,
    IdempotencyKey,
    State,
    limit_client_ip,
)
from logokraft_gateway.convert import asset_public
from logokraft_gateway.downloads import DOWNLOAD_RESPONSES, RangedBytes
from logokraft_gateway.errors import ApiError, error_responses
from logokraft_gateway.idempotency import IDEMPOTENT_RESPONSE_HEADERS
from logokraft_gateway.json_body import StrictJsonRoute
from logokraft_gateway.schemas import (
    AssetPublic,
    LineagePublic,
    RefineAcceptedPublic,
    RefineRequestPublic,
    RetryAcceptedPublic,
)
from logokraft_gateway.state import GatewayState
from logokraft_kit.storage import ObjectNotFound

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/assets",
    tags=["assets"],
    dependencies=[Depends(limit_client_ip)],
)


@router.post(
    "/{asset_id}/refine",
    status_code=202,
    response_model=RefineAcceptedPublic,
    summary="Make variations of a completed asset from an instruction",
    responses={
        202: {"description": "Accepted", "headers": IDEMPOTENT_RESPONSE_HEADERS},
        **error_responses(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 501, 503, 504),
    },
)
async def refine_asset(
    asset_id: uuid.UUID,
    body: RefineRequestPublic,
    state: State,
    user: GeneratingUser,
    idempotency: IdempotencyKey,
) -> RefineAcceptedPublic | Response:
    """Queue the variations and answer at once; follow them on the project's stream.

    Each variation is a new asset with `parent_asset_id` set to this asset. A project
    that was done becomes active again until they finish. With an `Idempotency-Key`,
    a repeat of the same request returns the first answer instead of more variations.
    Guest (anonymous) users are refused (403) unless the server allows them; too many
    refinements in a short time are refused (429, with Retry-After).
    """
    once = idempotency.for_request(body=body.model_dump(mode="json"))
    return await once.run(
        lambda: _refine(state, user, asset_id, body),
        status_code=202,
        renew=state.renewed_stream_url(user),
    )


async def _refine(
    state: GatewayState, user: uuid.UUID, asset_id: uuid.UUID, body: RefineRequestPublic
) -> RefineAcceptedPublic:
    variations = await state.refine.refine_asset(
        user, asset_id, instruction=body.instruction, num_variations=body.num_variations
    )
    project_id = uuid.UUID(variations[0].project_id)
    return RefineAcceptedPublic(
        asset_id=str(asset_id),
        project_id=str(project_id),
        variations=[await asset_public(v, state.signing) for v in variations],
        stream_url=state.stream_url(user, project_id),
    )


@router.post(
    "/{asset_id}/retry",
    status_code=202,
    response_model=RetryAcceptedPublic,
    summary="Draw a failed candidate again",
    responses={
        202: {"description": "Accepted", "headers": IDEMPOTENT_RESPONSE_HEADERS},
        **error_responses(400, 401, 403, 404, 409, 422, 429, 500, 501, 503, 504),
    },
)
async def retry_asset(
    asset_id: uuid.UUID, state: State, user: GeneratingUser, idempotency: IdempotencyKey
) -> RetryAcceptedPublic | Response:
    """Queue a failed candidate to be drawn again from its own prompt; answer at once.

    The same asset (no new one) goes back to `queued` with its error cleared, and its events
    stream on the project's stream as usual; a project that was done becomes active again
    until it is drawn. It costs one image of the daily limit, and re-opening a finished
    project counts against the projects in flight (429, with Retry-After). 409 when the
    asset is not `failed` (`asset_not_failed`), is a variation (`variation_not_retryable`:
    refine its parent again instead), belongs to a cancelled project (`project_cancelled`) or
    failed because the local engine cannot draw its design (`design_not_drawable`: it would
    fail the same way again; change the brief in a new project).
    With an `Idempotency-Key`, a repeat returns the first answer instead of a 409.
    """
    once = idempotency.for_request()
    return await once.run(
        lambda: _retry(state, user, asset_id),
        status_code=202,
        renew=state.renewed_stream_url(user),
    )


async def _retry(state: GatewayState, user: uuid.UUID, asset_id: uuid.UUID) -> RetryAcceptedPublic:
    asset = await state.prompt.retry_asset(user, asset_id)
    project_id = uuid.UUID(asset.project_id)
    return RetryAcceptedPublic(
        asset_id=str(asset_id),
        project_id=str(project_id),
        asset=await asset_public(asset, state.signing),
        stream_url=state.stream_url(user, project_id),
    )


@router.get(
    "/{asset_id}",
    summary="Read one asset",
    responses=error_responses(400, 401, 404, 422, 429, 500, 503, 504),
)
async def get_asset(asset_id: uuid.UUID, state: State, user: CurrentUser) -> AssetPublic:
    """The asset with its signed image_url (once completed), parent, instruction and prompt."""
    return await asset_public(await state.refine.get_asset(user, asset_id), state.signing)


@router.get(
    "/{asset_id}/lineage",
    summary="Read an asset's history of edits",
    responses=error_responses(400, 401, 404, 422, 429, 500, 503, 504),
)
async def get_lineage(asset_id: uuid.UUID, state: State, user: CurrentUser) -> LineagePublic:
    """The chain from the original candidate down to this asset, oldest first."""
    chain = await state.refine.lineage(user, asset_id)
    return LineagePublic(
        asset_id=str(asset_id), lineage=[await asset_public(a, state.signing) for a in chain]
    )


@router.get(
    "/{asset_id}/brand-kit",
    summary="Download a completed asset's brand kit (zip)",
    response_class=Response,
    responses={
        200: {
            "description": "The brand kit: logo.svg (text as outlines), logo.png (transparent), "
            "logo-on-dark.svg/.png, mark.svg/.png, favicon.ico (16, 32, 48 px), "
            "apple-touch-icon.png (180 px), icon-512.png, og-image.png (1200 x 630), "
            "palette.json and README.txt; an AI-drawn logo's kit also holds original.png.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="<brand>-brand-kit.zip" (the brand '
                    "in ASCII letters and digits); for a brand written with other letters, "
                    "also filename*=UTF-8''<brand>-brand-kit.zip (RFC 6266, percent-encoded), "
                    "e.g. filename=\"brand-kit.zip\"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC-"
                    "brand-kit.zip for 東京",
                    "schema": {"type": "string"},
                }
            },
        },
        **DOWNLOAD_RESPONSES,
        **error_responses(400, 401, 404, 409, 422, 429, 500, 503, 504),
    },
)
async def get_brand_kit(asset_id: uuid.UUID, state: State, user: CurrentUser) -> Response:
    """The logo as a brand kit zip, for every completed asset (candidate or variation).

    Built on the first download (a second or two; an AI-drawn raster is vectorised first, and
    its README.txt says how close the vector is) and kept, so later downloads are immediate.
    Another user's asset is not found (404); one that is not completed yet is a 409. As the
    signed file URLs do, it answers `If-None-Match` with its ETag (304) and `Range: bytes=...`
    (206, 416 past the end), so a download manager can resume it.
    """
    kit = await state.refine.brand_kit(user, asset_id)
    try:
        data = await state.storage.get(kit.kit.bucket, kit.kit.path)
    except ObjectNotFound:
        raise ApiError(404, "not_found", f"Asset {asset_id} not found.") from None
    return RangedBytes(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": attachment(kit.filename, kit.display_filename),
            "Cache-Control": "private, no-cache",
        },
    )


def attachment(filename: str, display_filename: str = "") -> str:
    """`Content-Disposition: attachment` naming the file (RFC 6266).

    `filename="..."` is the ASCII name, kept to characters that need no quoting, for every
    client; `filename*=UTF-8''...` (RFC 8187, percent-encoded) adds the name in any script
    for the clients that read it (browsers, curl -OJ), when it differs from the ASCII one,
    so a brand such as "東京カフェ" is not lost to "brand-kit.zip".
    """
    fallback = re.sub(r"[^A-Za-z0-9._-]", "", filename) or "brand-kit.zip"
    header = f'attachment; filename="{fallback}"'
    # Nothing a file name cannot hold: control and format characters, path separators.
    display = "".join(
        c for c in display_filename if unicodedata.category(c)[0] != "C" and c not in "/\\"
    )
    if display and display != fallback:
        header += f"; filename*=UTF-8''{quote(display, safe='')}"
    return header
