"""HEAD on every GET route: the GET's status and headers, no body (`curl -I` on a link).

Served by uvicorn (`live_url`), as in production: the server, too, must send no body.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import httpx
import pytest
from prometheus_client import REGISTRY

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_kit.metrics import HTTP_REQUEST_DURATION
from logokraft_kit.storage import GENERATED_BUCKET

DEV = dev_user_id("dev")
ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty zip


@pytest.fixture
async def http(live_url) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as client:
        yield client


async def _same_as_get(http: httpx.AsyncClient, url: str, **kwargs) -> httpx.Response:
    """HEAD the URL; assert it answers what GET does, headers included, without a body."""
    got = await http.get(url, **kwargs)
    head = await http.head(url, **kwargs)
    assert head.status_code == got.status_code, head.text
    assert head.content == b""
    for name in ("content-type", "content-length", "content-disposition", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    return head


async def test_a_download_answers_head_with_its_length_and_file_name(http, auth, app, fake_server):
    project = uuid.uuid4()
    asset_id = str(uuid.uuid4())
    image = common_pb2.StorageRef(bucket=GENERATED_BUCKET, path=f"{DEV}/{project}/{asset_id}.png")
    asset = fake_server.refine.add_asset(DEV, prompt="a fox", image=image, width=64, height=64)
    storage = app.state.gateway.storage
    await storage.put(
        GENERATED_BUCKET, f"{DEV}/{project}/{asset_id}.kit.zip", ZIP, content_type="application/zip"
    )

    head = await _same_as_get(http, f"/api/v1/assets/{asset.id}/brand-kit", headers=auth)

    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(ZIP))
    assert head.headers["content-disposition"].startswith("attachment; ")


async def test_a_signed_file_url_answers_head(http, app, png_bytes):
    storage = app.state.gateway.storage
    data = png_bytes()
    path = f"{DEV}/{uuid.uuid4()}/asset-0.png"
    await storage.put(GENERATED_BUCKET, path, data, content_type="image/png")
    signed = urlsplit(await storage.signed_url(GENERATED_BUCKET, path, expires_in=60))

    head = await _same_as_get(http, f"{signed.path}?{signed.query}")

    assert head.status_code == 200
    assert (head.headers["content-type"], head.headers["content-length"]) == (
        "image/png",
        str(len(data)),
    )
    expired = await http.head(f"{signed.path}?expires=1&signature=x")
    assert (expired.status_code, expired.content) == (403, b"")


def _timed(method: str, route: str) -> float:
    labels = {"method": method, "route": route, "status": "200"}
    return REGISTRY.get_sample_value(f"{HTTP_REQUEST_DURATION._name}_count", labels) or 0.0


async def test_read_only_routes_answer_head(http, auth, fake):
    project = fake.add_project(DEV)
    heads_before = _timed("HEAD", "/api/v1/projects/{project_id}")
    for url in (
        "/api/v1/projects",
        f"/api/v1/projects/{project.id}",
        "/api/v1/usage",
        "/healthz",
        "/openapi.json",
        "/",
    ):
        head = await _same_as_get(http, url, headers=auth)
        assert head.status_code == 200, url
    # Timed as HEAD requests, by the GET route's template.
    assert _timed("HEAD", "/api/v1/projects/{project_id}") == heads_before + 1
    missing = await _same_as_get(http, f"/api/v1/projects/{uuid.uuid4()}", headers=auth)
    assert missing.status_code == 404
    anonymous = await http.head("/api/v1/usage")
    assert (anonymous.status_code, anonymous.headers["www-authenticate"]) == (401, "Bearer")


async def test_head_on_a_stream_answers_its_headers_without_watching(http, auth, fake):
    project = fake.add_project(DEV)
    fake.hold_open = True  # a GET would stay open

    head = await http.head(f"/api/v1/projects/{project.id}/stream", headers=auth)

    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/event-stream")
    assert head.content == b""
    # A GET's stream has no length: a HEAD saying `Content-Length: 0` announced an empty one.
    assert "content-length" not in head.headers
    assert "WatchProject" not in fake.calls
    gone = await http.head(f"/api/v1/projects/{uuid.uuid4()}/stream", headers=auth)
    assert gone.status_code == 404


async def test_head_where_only_post_is_allowed_is_405(http, auth):
    response = await http.head(f"/api/v1/projects/{uuid.uuid4()}/cancel", headers=auth)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    listing = await http.request("PUT", "/api/v1/projects", headers=auth)
    assert listing.headers["allow"] == "GET, HEAD, POST"
