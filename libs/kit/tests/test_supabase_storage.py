"""SupabaseStorage through the real supabase-py client against the fake storage API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from logokraft_fakes import serve_asgi
from logokraft_fakes.supabase_storage import FakeSupabaseStorage
from logokraft_kit.storage._base import BUCKETS, GENERATED_BUCKET, ObjectNotFound, StorageError
from logokraft_kit.storage.supabase import SupabaseStorage

KEY = "service-role-key-for-tests"


@dataclass
class Setup:
    fake: FakeSupabaseStorage
    storage: SupabaseStorage
    base_url: str


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    fake = FakeSupabaseStorage(service_role_key=KEY, buckets=BUCKETS)
    async with serve_asgi(fake.app) as base_url:
        storage = await SupabaseStorage.create(url=base_url, service_role_key=KEY)
        try:
            yield Setup(fake, storage, base_url)
        finally:
            await storage.aclose()


async def test_put_then_get_round_trips_bytes_and_content_type(setup: Setup) -> None:
    await setup.storage.put(
        GENERATED_BUCKET, "u1/p1/logo.png", b"\x89PNG-1", content_type="image/png"
    )
    assert await setup.storage.get(GENERATED_BUCKET, "u1/p1/logo.png") == b"\x89PNG-1"
    stored = setup.fake.objects[(GENERATED_BUCKET, "u1/p1/logo.png")]
    assert stored.content_type == "image/png"


async def test_put_overwrites_an_existing_object(setup: Setup) -> None:
    await setup.storage.put(GENERATED_BUCKET, "a.png", b"one", content_type="image/png")
    await setup.storage.put(GENERATED_BUCKET, "a.png", b"two", content_type="image/png")
    assert await setup.storage.get(GENERATED_BUCKET, "a.png") == b"two"


async def test_missing_object_raises_object_not_found(setup: Setup) -> None:
    with pytest.raises(ObjectNotFound):
        await setup.storage.get(GENERATED_BUCKET, "nope/missing.png")


async def test_unknown_bucket_is_a_storage_error_not_a_missing_object(setup: Setup) -> None:
    with pytest.raises(StorageError) as raised:
        await setup.storage.get("no-such-bucket", "a.png")
    assert not isinstance(raised.value, ObjectNotFound)


async def test_signed_url_is_absolute_and_serves_the_bytes(setup: Setup) -> None:
    await setup.storage.put(
        GENERATED_BUCKET, "u1/logo.png", b"signed-bytes", content_type="image/png"
    )
    url = await setup.storage.signed_url(GENERATED_BUCKET, "u1/logo.png", expires_in=60)
    assert url.startswith(setup.base_url + "/storage/v1/object/sign/")
    async with httpx.AsyncClient() as client:  # no service key: the token alone grants access
        response = await client.get(url)
        tampered = await client.get(url.replace("token=", "token=x"))
    assert response.status_code == 200
    assert response.content == b"signed-bytes"
    assert tampered.status_code == 400


async def test_signed_url_for_a_missing_object_raises_object_not_found(setup: Setup) -> None:
    with pytest.raises(ObjectNotFound):
        await setup.storage.signed_url(GENERATED_BUCKET, "ghost.png", expires_in=60)


async def test_delete_removes_objects_and_ignores_missing_ones(setup: Setup) -> None:
    await setup.storage.put(GENERATED_BUCKET, "x/1.png", b"1", content_type="image/png")
    await setup.storage.put(GENERATED_BUCKET, "x/2.png", b"2", content_type="image/png")
    await setup.storage.delete(GENERATED_BUCKET, ["x/1.png", "x/never.png"])
    with pytest.raises(ObjectNotFound):
        await setup.storage.get(GENERATED_BUCKET, "x/1.png")
    assert await setup.storage.get(GENERATED_BUCKET, "x/2.png") == b"2"


async def test_wrong_key_is_a_storage_error(setup: Setup) -> None:
    storage = await SupabaseStorage.create(url=setup.base_url, service_role_key="wrong")
    try:
        with pytest.raises(StorageError, match="403"):
            await storage.put(GENERATED_BUCKET, "a.png", b"1", content_type="image/png")
    finally:
        await storage.aclose()
    assert setup.fake.objects == {}
