"""Local blob storage and its signed URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from logokraft_kit.storage import (
    GENERATED_BUCKET,
    InvalidObjectPath,
    LocalStorage,
    ObjectNotFound,
    UrlSigner,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path, clock) -> LocalStorage:
    signer = UrlSigner("k" * 43, clock=clock)
    return LocalStorage(tmp_path, signer=signer, public_base_url="http://127.0.0.1:9/")


async def test_put_get_delete_round_trip(storage):
    await storage.put(GENERATED_BUCKET, "u/p/a.png", b"png", content_type="image/png")
    assert await storage.get(GENERATED_BUCKET, "u/p/a.png") == b"png"
    await storage.delete(GENERATED_BUCKET, ["u/p/a.png", "u/p/missing.png"])
    with pytest.raises(ObjectNotFound):
        await storage.get(GENERATED_BUCKET, "u/p/a.png")


@pytest.mark.parametrize(
    ("bucket", "path"),
    [
        (GENERATED_BUCKET, "../secrets/jwt-secret"),
        (GENERATED_BUCKET, "/etc/passwd"),
        (GENERATED_BUCKET, "u//a.png"),
        (GENERATED_BUCKET, "u/./a.png"),
        ("secrets", "jwt-secret"),
        (GENERATED_BUCKET, ""),
    ],
)
async def test_paths_outside_a_bucket_are_refused(storage, bucket, path):
    with pytest.raises(InvalidObjectPath):
        await storage.put(bucket, path, b"x", content_type="image/png")


async def test_signed_url_verifies_only_unaltered_and_unexpired(storage, clock):
    url = await storage.signed_url(GENERATED_BUCKET, "u/p/a.png", expires_in=60)
    parts = urlsplit(url)
    assert parts.path == "/api/v1/files/generated-assets/u/p/a.png"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    expires, signature = int(query["expires"]), query["signature"]
    signer = UrlSigner("k" * 43, clock=clock)
    verify = signer.verify
    assert verify(GENERATED_BUCKET, "u/p/a.png", expires=expires, signature=signature)
    assert not verify(GENERATED_BUCKET, "u/p/b.png", expires=expires, signature=signature)
    # Whatever a client types is only a wrong signature, never an error (non-ASCII text).
    assert not verify(GENERATED_BUCKET, "u/p/a.png", expires=expires, signature="\u00e9")
    assert not verify(GENERATED_BUCKET, "u/p/a.png", expires=expires + 600, signature=signature)
    assert not UrlSigner("x" * 43, clock=clock).verify(
        GENERATED_BUCKET, "u/p/a.png", expires=expires, signature=signature
    )
    clock.now += 61
    assert not verify(GENERATED_BUCKET, "u/p/a.png", expires=expires, signature=signature)
