"""GET /api/v1/files/{bucket}/{path}: only a valid, unexpired signature serves bytes."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from logokraft_gateway.api.routes import files as files_route
from logokraft_kit.storage import GENERATED_BUCKET, INSPIRATION_BUCKET

PATH = "4f0c0d2e-0000-4000-8000-000000000001/proj/asset-0.png"


@pytest.fixture
async def signed(app, client, png_bytes) -> tuple[str, bytes]:
    storage = app.state.gateway.storage
    data = png_bytes()
    await storage.put(GENERATED_BUCKET, PATH, data, content_type="image/png")
    url = await storage.signed_url(GENERATED_BUCKET, PATH, expires_in=60)
    return url, data


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_valid_signature_serves_the_bytes(client, signed):
    url, data = signed
    response = await client.get(_local(url))
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "value", ["items=0-5", "bytes=5-2", "bytes=abc", "bytes=0-1,", "Bytes 0-5", "bytes="]
)
async def test_a_range_that_is_not_byte_ranges_is_ignored(client, signed, value):
    """RFC 9110 §14.2: an unknown range unit is ignored (and an invalid range set may be).
    Starlette answered them with an undocumented text/plain 400."""
    url, data = signed
    response = await client.get(_local(url), headers={"Range": value})
    assert response.status_code == 200, response.text
    assert response.content == data
    assert "content-range" not in response.headers


async def test_byte_ranges_are_served_as_documented(client, signed):
    url, data = signed
    part = await client.get(_local(url), headers={"Range": "bytes=1-4"})
    assert (part.status_code, part.content) == (206, data[1:5])
    assert part.headers["content-range"] == f"bytes 1-4/{len(data)}"
    past = await client.get(_local(url), headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416
    # In the error shape, as every error (Starlette's own was an empty text/plain).
    assert past.headers["content-range"] == f"bytes */{len(data)}"
    assert past.json()["error"]["code"] == "range_not_satisfiable"
    assert past.json()["error"]["message"] == (
        f"The Range asks for bytes past the end: the content has {len(data)} bytes "
        f"(0-{len(data) - 1})."
    )
    # If-Range naming another version: the whole file, whatever the Range says.
    other = {"Range": f"bytes={len(data)}-", "If-Range": '"another-version"'}
    assert (await client.get(_local(url), headers=other)).status_code == 200
    responses = (await client.get("/openapi.json")).json()["paths"][
        "/api/v1/files/{bucket}/{path}"
    ]["get"]["responses"]
    assert {"200", "206", "304", "416"} <= set(responses)


async def test_a_revalidation_with_the_etag_is_304(client, signed):
    """The ETag was sent but If-None-Match ignored: a browser revalidating got it all again."""
    url, data = signed
    first = await client.get(_local(url))
    etag = first.headers["etag"]
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get(_local(url), headers={"If-None-Match": sent})
        assert (again.status_code, again.content) == (304, b""), sent
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == first.headers["cache-control"]
    changed = await client.get(_local(url), headers={"If-None-Match": '"other"'})
    assert (changed.status_code, changed.content) == (200, data)


async def test_a_file_deleted_after_the_check_is_404_not_500(app, client, signed, monkeypatch):
    """A project deleted between the route's checks and the answer's stat of its file: the
    stat's FileNotFoundError was a 500."""
    url, _ = signed
    path = app.state.gateway.storage.file_path(GENERATED_BUCKET, PATH)

    async def deleted_meanwhile(state, object_path):  # the route's last check
        path.unlink()
        return True

    monkeypatch.setattr(files_route, "_project_exists", deleted_meanwhile)
    response = await client.get(_local(url))
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "file_not_found"


async def test_altered_path_is_403(client, signed):
    url, _ = signed
    response = await client.get(_local(url).replace("asset-0.png", "asset-1.png"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


async def test_other_bucket_is_403(client, signed):
    url, _ = signed
    response = await client.get(_local(url).replace(GENERATED_BUCKET, INSPIRATION_BUCKET))
    assert response.status_code == 403


async def test_bad_signature_is_403(client, signed):
    url, _ = signed
    query = parse_qs(urlsplit(url).query)
    path = urlsplit(url).path
    response = await client.get(f"{path}?expires={query['expires'][0]}&signature=AAAA")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


async def test_later_expiry_breaks_the_signature(client, signed):
    url, _ = signed
    query = parse_qs(urlsplit(url).query)
    later = int(query["expires"][0]) + 3600
    response = await client.get(
        f"{urlsplit(url).path}?expires={later}&signature={query['signature'][0]}"
    )
    assert response.status_code == 403


async def test_expired_url_is_403(app, client, png_bytes):
    storage = app.state.gateway.storage
    await storage.put(GENERATED_BUCKET, PATH, png_bytes(), content_type="image/png")
    signer = app.state.gateway.url_signer
    expires = int(time.time()) - 10
    signature = signer._mac(GENERATED_BUCKET, PATH, expires)
    response = await client.get(
        f"/api/v1/files/{GENERATED_BUCKET}/{PATH}?expires={expires}&signature={signature}"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "url_expired"


@pytest.mark.parametrize("query", ["", "?expires=abc&signature=x", "?signature=x"])
async def test_missing_or_malformed_query_is_403(client, signed, query):
    response = await client.get(f"/api/v1/files/{GENERATED_BUCKET}/{PATH}{query}")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "spelling",
    [
        lambda e: f"{e[:1]}_{e[1:]}",  # int() reads "1_764927000" as 1764927000
        lambda e: f"+{e}",
        lambda e: f" {e}",
        lambda e: f"{e} ",
        lambda e: f"0{e}",
        lambda e: e.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        lambda e: e.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
    ids=["underscore", "plus", "leading-space", "trailing-space", "leading-zero", "arabic", "wide"],
)
async def test_expires_is_only_the_digits_the_signer_wrote(client, signed, spelling):
    """The same number spelled another way is not the signed link: 403, as a malformed one."""
    url, _ = signed
    query = parse_qs(urlsplit(url).query)
    expires, signature = query["expires"][0], query["signature"][0]
    response = await client.get(
        urlsplit(url).path, params={"expires": spelling(expires), "signature": signature}
    )
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_signature"
    assert "missing its expiry or signature" in error["message"]
    assert (await client.get(_local(url))).status_code == 200  # as signed, it serves


async def test_signed_but_missing_object_is_404(app, client):
    storage = app.state.gateway.storage
    url = await storage.signed_url(GENERATED_BUCKET, "u/p/gone.png", expires_in=60)
    response = await client.get(_local(url))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "file_not_found"


async def test_traversal_is_refused_even_when_signed(app, client):
    signer = app.state.gateway.url_signer
    path = "../secrets/jwt-secret"
    expires, signature = signer.sign(GENERATED_BUCKET, path, expires_in=60)
    encoded = "%2e%2e/secrets/jwt-secret"
    response = await client.get(
        f"/api/v1/files/{GENERATED_BUCKET}/{encoded}?expires={expires}&signature={signature}"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


# ---- smaller copies (`size`, an asset's thumbnail_url) ------------------------------------


async def test_a_size_serves_a_smaller_copy_made_once(app, client, png_bytes):
    """The grid asked for the 1024 px logo; `size=384` serves it 384 px on a side (as wide
    as it is tall when the image is), made on the first request and kept for the next."""
    from io import BytesIO

    from PIL import Image

    storage = app.state.gateway.storage
    await storage.put(
        GENERATED_BUCKET, PATH, png_bytes((1024, 512), "teal"), content_type="image/png"
    )
    url = _local(await storage.signed_url(GENERATED_BUCKET, PATH, expires_in=60))
    response = await client.get(f"{url}&size=384")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    with Image.open(BytesIO(response.content)) as image:
        assert image.size == (384, 192)
    kept = storage.rendition_path(GENERATED_BUCKET, PATH, 384)
    made_at = kept.stat().st_mtime_ns
    again = await client.get(f"{url}&size=384")
    assert again.content == response.content
    assert kept.stat().st_mtime_ns == made_at  # served as kept, not made again
    full = await client.get(url)
    with Image.open(BytesIO(full.content)) as image:
        assert image.size == (1024, 512)


async def test_a_smaller_copy_follows_its_image_and_goes_with_it(app, client, png_bytes):
    """The image stored again (same path): the copy is made afresh. The image deleted (its
    project's garbage): the copy is deleted too, not left on disk."""
    from io import BytesIO

    from PIL import Image

    storage = app.state.gateway.storage
    await storage.put(
        GENERATED_BUCKET, PATH, png_bytes((800, 800), "red"), content_type="image/png"
    )
    url = _local(await storage.signed_url(GENERATED_BUCKET, PATH, expires_in=60))
    assert (await client.get(f"{url}&size=384")).status_code == 200
    kept = storage.rendition_path(GENERATED_BUCKET, PATH, 384)
    source = storage.file_path(GENERATED_BUCKET, PATH)
    await storage.put(
        GENERATED_BUCKET, PATH, png_bytes((800, 800), "blue"), content_type="image/png"
    )
    os.utime(source, ns=(kept.stat().st_mtime_ns + 1, kept.stat().st_mtime_ns + 1))
    response = await client.get(f"{url}&size=384")
    with Image.open(BytesIO(response.content)) as image:
        assert image.convert("RGB").getpixel((10, 10)) == (0, 0, 255)
    await storage.delete(GENERATED_BUCKET, [PATH])
    assert not kept.exists()
    assert (await client.get(f"{url}&size=384")).status_code == 404


async def test_an_image_already_small_is_served_as_it_is(client, signed):
    url, data = signed  # 32 x 24
    response = await client.get(f"{_local(url)}&size=384")
    assert (response.status_code, response.content) == (200, data)


@pytest.mark.parametrize("size", ["100", "384.0", "-384", "big", "3840"])
async def test_a_size_not_offered_is_422_saying_which_is(client, signed, size):
    url, _ = signed
    response = await client.get(f"{_local(url)}&size={size}")
    assert response.status_code == 422, response.text
    assert "size must be one of 384" in response.json()["error"]["message"]


async def test_a_size_of_a_file_that_is_no_raster_image_is_422(app, client):
    """An SVG (or a brand kit) has no smaller copy: the 422 says which files do."""
    storage = app.state.gateway.storage
    path = PATH.replace(".png", ".svg")
    await storage.put(GENERATED_BUCKET, path, b"<svg/>", content_type="image/svg+xml")
    url = _local(await storage.signed_url(GENERATED_BUCKET, path, expires_in=60))
    response = await client.get(f"{url}&size=384")
    assert response.status_code == 422, response.text
    assert "Only PNG, JPEG and WebP images" in response.json()["error"]["message"]


async def test_a_size_does_not_make_a_bad_signature_good(client, signed):
    url, _ = signed
    response = await client.get(f"{_local(url).replace('signature=', 'signature=x')}&size=384")
    assert response.status_code == 403


async def test_a_copy_asked_for_by_many_at_once_is_made_once(app, client, png_bytes, monkeypatch):
    """A grid's tiles arrive together: the first request makes the copy, the rest wait for
    it and serve it (one resize at a time, never the same one twice)."""
    import asyncio

    from logokraft_gateway import renditions

    storage = app.state.gateway.storage
    await storage.put(GENERATED_BUCKET, PATH, png_bytes((1024, 1024)), content_type="image/png")
    url = _local(await storage.signed_url(GENERATED_BUCKET, PATH, expires_in=60))
    made: list[str] = []
    resize = renditions._resize

    def counted(source, target, size):
        made.append(str(target))
        return resize(source, target, size)

    monkeypatch.setattr(renditions, "_resize", counted)
    answers = await asyncio.gather(*(client.get(f"{url}&size=384") for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert len({a.content for a in answers}) == 1
    assert len(made) == 1, made
