"""Bucket limits: the local backend refuses what Supabase Storage's buckets would, and the
migration sets the same limits on storage.buckets as `paths.BUCKET_LIMITS`."""

from __future__ import annotations

import re

import pytest

from logokraft_kit.migrate import find_supabase_dir
from logokraft_kit.storage import (
    BUCKETS,
    GENERATED_BUCKET,
    INSPIRATION_BUCKET,
    LocalStorage,
    ObjectNotFound,
    ObjectRefused,
    UrlSigner,
)
from logokraft_kit.storage.paths import BUCKET_LIMITS

MIGRATION = "20261126000500_abuse_limits.sql"


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path, signer=UrlSigner("k" * 43), public_base_url="http://x/")


def test_every_bucket_has_limits() -> None:
    assert set(BUCKET_LIMITS) == set(BUCKETS)


async def test_an_object_over_the_bucket_size_is_refused(storage) -> None:
    limit, _ = BUCKET_LIMITS[INSPIRATION_BUCKET]
    with pytest.raises(ObjectRefused, match="exceeds"):
        await storage.put(
            INSPIRATION_BUCKET, "u/p/big.png", b"x" * (limit + 1), content_type="image/png"
        )
    with pytest.raises(ObjectNotFound):
        await storage.get(INSPIRATION_BUCKET, "u/p/big.png")
    await storage.put(INSPIRATION_BUCKET, "u/p/ok.png", b"x" * limit, content_type="image/png")


@pytest.mark.parametrize(
    ("bucket", "content_type"),
    [
        (INSPIRATION_BUCKET, "image/svg+xml"),
        (INSPIRATION_BUCKET, "text/html"),
        (GENERATED_BUCKET, "text/html"),
        (GENERATED_BUCKET, "application/octet-stream"),
    ],
)
async def test_a_mime_type_the_bucket_does_not_allow_is_refused(
    storage, bucket: str, content_type: str
) -> None:
    with pytest.raises(ObjectRefused, match="not allowed"):
        await storage.put(bucket, "u/p/a.bin", b"data", content_type=content_type)
    with pytest.raises(ObjectNotFound):
        await storage.get(bucket, "u/p/a.bin")


async def test_allowed_types_are_stored(storage) -> None:
    await storage.put(GENERATED_BUCKET, "u/p/a.svg", b"<svg/>", content_type="image/svg+xml")
    await storage.put(GENERATED_BUCKET, "u/p/a.png", b"png", content_type="image/png; x=1")
    assert await storage.get(GENERATED_BUCKET, "u/p/a.svg") == b"<svg/>"


def test_the_migration_sets_the_same_limits_on_storage_buckets() -> None:
    """The migrations repeat BUCKET_LIMITS as literals; the last one setting a bucket's limits
    (in the order they run) must agree with them."""
    migrations = sorted((find_supabase_dir() / "migrations").glob("*.sql"))
    assert MIGRATION in [path.name for path in migrations]
    found = {}
    for path in migrations:
        for size, types, bucket in re.findall(
            r"set file_size_limit = (\d+), allowed_mime_types = array\[([^\]]*)\]\s*"
            r"where id = '([^']+)'",
            path.read_text(),
        ):
            found[bucket] = (int(size), tuple(re.findall(r"'([^']+)'", types)))
    assert found == BUCKET_LIMITS
