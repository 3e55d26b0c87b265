"""SupabaseStorage never carries the service-role key to another origin on a redirect.

httpx drops `Authorization` on a cross-origin redirect but keeps every other header, and
supabase-py sends the service-role key as `apikey` too. A storage endpoint (or anything in
front of it) answering with a redirect must not get that key sent to the origin it names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from logokraft_fakes import serve_asgi
from logokraft_kit.storage._base import GENERATED_BUCKET, StorageError
from logokraft_kit.storage.supabase import SupabaseStorage

KEY = "service-role-key-that-must-stay-home"


@dataclass
class Elsewhere:
    """Another origin: records the headers of every request that reaches it."""

    headers: list[dict[str, str]] = field(default_factory=list)
    app: FastAPI = field(default_factory=FastAPI)

    def __post_init__(self) -> None:
        async def record(request: Request, rest: str) -> Response:
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            return Response(b'{"Key":"x","signedURL":"/x"}', media_type="application/json")

        self.app.add_api_route("/{rest:path}", record, methods=["GET", "POST", "DELETE", "PUT"])


def redirecting_storage(target: str) -> FastAPI:
    """A 'storage API' that answers every call with a 307 to the same path on `target`."""
    app = FastAPI()

    async def redirect(request: Request, rest: str) -> Response:
        return RedirectResponse(f"{target}/{rest}", status_code=307)

    app.add_api_route("/{rest:path}", redirect, methods=["GET", "POST", "DELETE", "PUT"])
    return app


@pytest.fixture
async def setup() -> AsyncIterator[tuple[SupabaseStorage, Elsewhere]]:
    elsewhere = Elsewhere()
    async with (
        serve_asgi(elsewhere.app) as other_origin,
        serve_asgi(redirecting_storage(other_origin)) as storage_url,
    ):
        storage = await SupabaseStorage.create(url=storage_url, service_role_key=KEY)
        try:
            yield storage, elsewhere
        finally:
            await storage.aclose()


def leaked(elsewhere: Elsewhere) -> list[str]:
    """The credential headers (and any header holding the key) that reached the other origin."""
    found = []
    for headers in elsewhere.headers:
        for name, value in headers.items():
            if name in ("apikey", "authorization") or KEY in value:
                found.append(name)
    return found


async def test_get_does_not_follow_a_redirect_with_the_key(setup) -> None:
    storage, elsewhere = setup
    with pytest.raises(StorageError):
        await storage.get(GENERATED_BUCKET, "u1/p1/logo.png")
    assert leaked(elsewhere) == []


async def test_put_does_not_follow_a_redirect_with_the_key(setup) -> None:
    storage, elsewhere = setup
    with pytest.raises(StorageError):
        await storage.put(GENERATED_BUCKET, "u1/p1/logo.png", b"\x89PNG", content_type="image/png")
    assert leaked(elsewhere) == []


async def test_signed_url_and_delete_do_not_follow_a_redirect_with_the_key(setup) -> None:
    storage, elsewhere = setup
    with pytest.raises(StorageError):
        await storage.signed_url(GENERATED_BUCKET, "u1/p1/logo.png", expires_in=60)
    with pytest.raises(StorageError):
        await storage.delete(GENERATED_BUCKET, ["u1/p1/logo.png"])
    assert leaked(elsewhere) == []
