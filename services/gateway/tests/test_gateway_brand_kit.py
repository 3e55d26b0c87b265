"""GET /api/v1/assets/{id}/brand-kit against the fake refine service, and the asset JSON's
svg_url and brand_kit_url. The kit's contents and its build are tested on the real stack
(tests/test_brand_kit_e2e.py)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote

import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id

DEV = dev_user_id("dev")
ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty zip


@pytest.fixture
def refine(fake_server):
    return fake_server.refine


def completed(refine, user=DEV, **fields) -> common_pb2.Asset:
    project = uuid.uuid4()
    asset_id = str(uuid.uuid4())
    image = common_pb2.StorageRef(
        bucket="generated-assets", path=f"{user}/{project}/{asset_id}.png"
    )
    return refine.add_asset(user, prompt="a fox", image=image, width=64, height=64, **fields)


async def test_the_kit_downloads_as_an_attachment(client, auth, refine, app):
    asset = completed(refine)
    storage = app.state.gateway.storage
    kit_path = asset.image.path.removesuffix(".png") + ".kit.zip"
    await storage.put("generated-assets", kit_path, ZIP, content_type="application/zip")

    response = await client.get(f"/api/v1/assets/{asset.id}/brand-kit", headers=auth)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == 'attachment; filename="acme-brand-kit.zip"'
    assert response.content == ZIP
    assert refine.kit_calls == [asset.id]


@pytest.mark.parametrize(
    ("names", "header", "saved_as"),
    [
        (
            ("brand-kit.zip", "東京カフェ-brand-kit.zip"),
            "attachment; filename=\"brand-kit.zip\"; filename*=UTF-8''"
            "%E6%9D%B1%E4%BA%AC%E3%82%AB%E3%83%95%E3%82%A7-brand-kit.zip",
            "東京カフェ-brand-kit.zip",
        ),
        (
            ("brand-kit.zip", "مقهى-النخيل-brand-kit.zip"),
            "attachment; filename=\"brand-kit.zip\"; filename*=UTF-8''"
            "%D9%85%D9%82%D9%87%D9%89-%D8%A7%D9%84%D9%86%D8%AE%D9%8A%D9%84-brand-kit.zip",
            "مقهى-النخيل-brand-kit.zip",
        ),
        (
            ("cafe-ole-brand-kit.zip", "café-olé-brand-kit.zip"),
            'attachment; filename="cafe-ole-brand-kit.zip"; '
            "filename*=UTF-8''caf%C3%A9-ol%C3%A9-brand-kit.zip",
            "café-olé-brand-kit.zip",
        ),
        # An older refine service sends no display name: the ASCII name alone, as before.
        (
            ("acme-brand-kit.zip", ""),
            'attachment; filename="acme-brand-kit.zip"',
            "acme-brand-kit.zip",
        ),
        # Nothing that is not a file name passes: path separators, controls, bidi overrides.
        (
            ("x-brand-kit.zip", "../\u202e\x00x\r\n-brand-kit.zip"),
            "attachment; filename=\"x-brand-kit.zip\"; filename*=UTF-8''..x-brand-kit.zip",
            "..x-brand-kit.zip",
        ),
    ],
    ids=["japanese", "arabic", "accents", "no-display-name", "unsafe"],
)
async def test_a_brand_in_any_script_keeps_its_name_in_the_download(
    client, auth, refine, app, names, header, saved_as
):
    """RFC 6266: an ASCII `filename` for every client, and `filename*=UTF-8''` with the
    brand as written, so 東京カフェ's kit is not just "brand-kit.zip"."""
    asset = completed(refine)
    kit_path = asset.image.path.removesuffix(".png") + ".kit.zip"
    await app.state.gateway.storage.put(
        "generated-assets", kit_path, ZIP, content_type="application/zip"
    )
    refine.kit_filenames = names

    response = await client.get(f"/api/v1/assets/{asset.id}/brand-kit", headers=auth)

    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == header
    # What a client that prefers filename* (RFC 6266 §4.3) saves it as.
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    plain = re.search(r'filename="([^"]*)"', header)
    assert plain is not None
    assert (unquote(extended[1], errors="strict") if extended else plain[1]) == saved_as


async def test_another_users_asset_is_404_and_an_unfinished_one_409(client, auth, refine):
    foreign = completed(refine, user=dev_user_id("bob"))
    response = await client.get(f"/api/v1/assets/{foreign.id}/brand-kit", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"

    queued = refine.add_asset(DEV, status=common_pb2.ASSET_STATUS_QUEUED)
    response = await client.get(f"/api/v1/assets/{queued.id}/brand-kit", headers=auth)
    assert response.status_code == 409
    assert "completed" in response.json()["error"]["message"]


async def _stored_kit(app, refine, data: bytes) -> str:
    """A completed asset whose kit is stored; its download URL."""
    asset = completed(refine)
    kit_path = asset.image.path.removesuffix(".png") + ".kit.zip"
    storage = app.state.gateway.storage
    await storage.put("generated-assets", kit_path, data, content_type="application/zip")
    return f"/api/v1/assets/{asset.id}/brand-kit"


async def test_the_kit_answers_if_none_match_with_304(client, auth, refine, app):
    """Before, the kit had no ETag: every revalidation downloaded the whole zip again."""
    url = await _stored_kit(app, refine, ZIP)
    first = await client.get(url, headers=auth)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
    assert first.headers["content-length"] == str(len(ZIP))
    assert "last-modified" not in first.headers
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get(url, headers={**auth, "If-None-Match": sent})
        assert (again.status_code, again.content) == (304, b""), sent
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "private, no-cache"
    changed = await client.get(url, headers={**auth, "If-None-Match": '"other"'})
    assert (changed.status_code, changed.content) == (200, ZIP)
    other = await _stored_kit(app, refine, ZIP + b"x")
    assert (await client.get(other, headers=auth)).headers["etag"] != etag


async def test_the_kit_answers_byte_ranges(client, auth, refine, app):
    """Before, a Range was ignored: a download manager resuming the zip got all of it."""
    data = bytes(range(256)) * 1000  # past Starlette's 64 KiB chunk
    url = await _stored_kit(app, refine, data)
    part = await client.get(url, headers={**auth, "Range": "bytes=70000-70009"})
    assert (part.status_code, part.content) == (206, data[70000:70010])
    assert part.headers["content-range"] == f"bytes 70000-70009/{len(data)}"
    tail = await client.get(url, headers={**auth, "Range": "bytes=-5"})
    assert (tail.status_code, tail.content) == (206, data[-5:])
    resumed = await client.get(url, headers={**auth, "Range": "bytes=1000-"})
    assert (resumed.status_code, resumed.content) == (206, data[1000:])
    several = await client.get(url, headers={**auth, "Range": "bytes=0-1, 10-11"})
    assert several.status_code == 206
    assert several.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert data[0:2] in several.content and data[10:12] in several.content
    past = await client.get(url, headers={**auth, "Range": f"bytes={len(data)}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(data)}"
    ignored = await client.get(url, headers={**auth, "Range": "items=0-5"})
    assert (ignored.status_code, ignored.content) == (200, data)
    head = await client.head(url, headers={**auth, "Range": "bytes=0-9"})
    assert (head.status_code, head.content) == (206, b"")
    assert head.headers["content-length"] == "10"
    responses = (await client.get("/openapi.json")).json()["paths"][
        "/api/v1/assets/{asset_id}/brand-kit"
    ]["get"]["responses"]
    assert {"200", "206", "304", "416"} <= set(responses)


async def test_a_kit_gone_from_storage_is_404(client, auth, refine):
    asset = completed(refine)
    response = await client.get(f"/api/v1/assets/{asset.id}/brand-kit", headers=auth)
    assert response.status_code == 404


async def test_no_token_is_401(client, refine):
    asset = completed(refine)
    response = await client.get(f"/api/v1/assets/{asset.id}/brand-kit")
    assert response.status_code == 401
    assert refine.kit_calls == []


async def test_the_asset_json_has_svg_and_brand_kit_urls(client, auth, refine, app):
    svg = completed(refine)
    svg_path = svg.image.path.removesuffix(".png") + ".svg"
    svg.metadata_json = f'{{"svg_path": "{svg_path}"}}'
    await app.state.gateway.storage.put(
        "generated-assets", svg_path, b"<svg/>", content_type="image/svg+xml"
    )
    raster = completed(refine)
    queued = refine.add_asset(DEV, status=common_pb2.ASSET_STATUS_QUEUED)

    bodies = {}
    for asset in (svg, raster, queued):
        response = await client.get(f"/api/v1/assets/{asset.id}", headers=auth)
        assert response.status_code == 200, response.text
        bodies[asset.id] = response.json()

    with_svg = bodies[svg.id]
    assert with_svg["brand_kit_url"] == f"/api/v1/assets/{svg.id}/brand-kit"
    assert "/api/v1/files/generated-assets/" in with_svg["svg_url"]
    assert "signature=" in with_svg["svg_url"]
    fetched = await client.get(with_svg["svg_url"])
    assert fetched.status_code == 200 and fetched.content == b"<svg/>"
    assert bodies[raster.id]["svg_url"] is None
    assert bodies[raster.id]["brand_kit_url"] == f"/api/v1/assets/{raster.id}/brand-kit"
    assert bodies[queued.id]["svg_url"] is None and bodies[queued.id]["brand_kit_url"] is None
