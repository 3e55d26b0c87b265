"""Where objects live: every object of a project sits under `{user_id}/{project_id}/`.

The folder names the owner first, so storage policies (Supabase Storage's RLS on
`storage.objects`) and the database's checks on `storage_path` can both tell whose an
object is from its path alone.
"""

from __future__ import annotations

import uuid


def project_folder(user_id: uuid.UUID | str, project_id: uuid.UUID | str) -> str:
    """The folder that holds every object of one project."""
    return f"{user_id}/{project_id}"


def inspiration_path(user_id: uuid.UUID | str, project_id: uuid.UUID | str, index: int) -> str:
    """Where the index-th (from 1) inspiration image of a project is stored."""
    return f"{project_folder(user_id, project_id)}/inspiration-{index}.png"


def asset_path(
    user_id: uuid.UUID | str,
    project_id: uuid.UUID | str,
    asset_id: uuid.UUID | str,
    ext: str,
    *,
    drawing: int | None = None,
) -> str:
    """Where an asset's file of the given extension ("png", "svg") is stored: `{asset}.{ext}`
    for its first drawing, `{asset}-{drawing}.{ext}` for a retry's (drawing: the asset's
    `retried_at` in microseconds, logokraft_domain.jobs.drawing_of), so a drawing abandoned
    for a retry never writes over the retry's files."""
    name = str(asset_id) if drawing is None else f"{asset_id}-{drawing}"
    return f"{project_folder(user_id, project_id)}/{name}.{ext}"


def kit_path(image_path: str) -> str:
    """Where the brand kit zip built from an asset is cached: beside its image, the image's
    name with `.kit.zip` for its extension ("u/p/a.png" -> "u/p/a.kit.zip"). The storage
    garbage trigger derives the same key (supabase/migrations/20261205000500_brand_kits.sql)."""
    folder, _, name = image_path.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{folder}/{stem}.kit.zip" if folder else f"{stem}.kit.zip"


def in_project_folder(path: str, user_id: uuid.UUID | str, project_id: uuid.UUID | str) -> bool:
    """True when `path` is a plain object path inside the project's folder."""
    return path.startswith(project_folder(user_id, project_id) + "/") and ".." not in path


# What each bucket accepts: its size limit in bytes and its allowed MIME types. The single
# source of these values: the local backend enforces them on put, and the migration that sets
# Supabase's `storage.buckets.file_size_limit` / `allowed_mime_types` repeats them as literals
# (supabase/migrations/20261126000500_abuse_limits.sql; libs/kit/tests/test_storage_limits.py
# checks the two agree; a later migration may set them again, the last one counts).
# Inspiration images are always re-encoded to PNG before they are stored; generated assets
# are a PNG, for vector styles an SVG, and once downloaded their brand kit zip.
MiB = 1024 * 1024
BUCKET_LIMITS: dict[str, tuple[int, tuple[str, ...]]] = {
    "inspiration-images": (20 * MiB, ("image/png",)),
    "generated-assets": (50 * MiB, ("image/png", "image/svg+xml", "application/zip")),
}
