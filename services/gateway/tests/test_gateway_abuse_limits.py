"""Abuse costs the attacker: bounded image decoding and body-size limits on every endpoint."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import threading

import pytest
from PIL import Image

from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway import uploads
from logokraft_gateway.body_limits import JSON_BODY_LIMIT
from logokraft_gateway.uploads import DECODE_CONCURRENCY, MAX_PIXELS, MAX_SIDE

URL = "/api/v1/projects"
WAIT = 10  # seconds: a bound on waiting for an event, never a pause


def _png(size: tuple[int, int], color: str = "teal", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, format="JPEG")
    return out.getvalue()


def _files(*images: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("inspiration_images", (f"i{n}.png", data, "image/png")) for n, data in enumerate(images)
    ]


# --- the pixel cap, checked on every header before anything is decoded ---------------------


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(_png((MAX_PIXELS // 1000 + 1, 1000), mode="1"), id="png-just-over"),
        pytest.param(_jpeg((4001, 4000)), id="jpeg-just-over"),
    ],
)
async def test_an_image_over_the_pixel_cap_is_413_naming_the_limit(
    client, auth, fake, stored_files, image
):
    response = await client.post(URL, data={"brand_name": "A"}, files=_files(image), headers=auth)
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["code"] == "image_too_large"
    assert f"more than {MAX_PIXELS // 1_000_000} megapixels" in error["message"]
    assert fake.create_calls == []
    assert stored_files() == []


async def test_the_cap_is_16_megapixels_and_an_image_at_it_is_accepted(client, auth, fake):
    assert MAX_PIXELS == 16_000_000
    response = await client.post(
        URL, data={"brand_name": "A"}, files=_files(_png((4000, 4000), mode="1")), headers=auth
    )
    assert response.status_code == 202, response.text


async def test_an_image_over_the_cap_refuses_the_form_before_any_image_is_decoded(
    client, auth, fake, monkeypatch
):
    decoded: list[int] = []
    real = uploads.clean_image

    def recording(data: bytes, *, index: int):
        decoded.append(index)
        return real(data, index=index)

    monkeypatch.setattr(uploads, "clean_image", recording)
    over = _png((4001, 4000), mode="1")
    response = await client.post(
        URL,
        data={"brand_name": "A"},
        files=_files(_png((64, 64)), _png((64, 64)), over),
        headers=auth,
    )
    assert response.status_code == 413, response.text
    assert "image 3" in response.json()["error"]["message"]
    assert decoded == [], "images 1 and 2 were decoded for a form that was refused"
    assert fake.create_calls == []


async def test_an_invalid_brief_decodes_no_image(client, auth, fake, monkeypatch):
    decoded: list[int] = []
    monkeypatch.setattr(uploads, "clean_image", lambda data, *, index: decoded.append(index))
    response = await client.post(
        URL,
        data={"brand_name": "A", "num_candidates": "99"},
        files=_files(_png((64, 64))),
        headers=auth,
    )
    assert response.status_code == 422
    assert decoded == []


def test_the_openapi_form_states_the_image_limits(app):
    schema = app.openapi()["paths"][URL]["post"]["requestBody"]["content"]["multipart/form-data"]
    description = schema["schema"]["properties"]["inspiration_images"]["description"]
    assert description == uploads.IMAGES_DESCRIPTION
    assert f"≤{MAX_PIXELS // 1_000_000} megapixels" in description
    assert f"{MAX_SIDE} px" in description


# --- memory-light decoding -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "size"),
    [
        pytest.param(_png((4000, 1000)), (MAX_SIDE, 512), id="png-wide"),
        pytest.param(_png((1000, 3000), mode="1"), (683, MAX_SIDE), id="bilevel-tall"),
        pytest.param(_jpeg((4000, 3000)), (MAX_SIDE, 1536), id="jpeg"),
        pytest.param(_png((300, 200)), (300, 200), id="small-unchanged"),
    ],
)
async def test_stored_images_are_scaled_down_to_the_max_side(
    client, auth, fake, stored_files, image, size
):
    response = await client.post(URL, data={"brand_name": "A"}, files=_files(image), headers=auth)
    assert response.status_code == 202, response.text
    [stored] = stored_files()
    with Image.open(stored) as png:
        assert png.format == "PNG"
        assert png.size == size


async def test_decoding_is_bounded_across_concurrent_requests(client, token_for, fake, monkeypatch):
    """However many forms arrive at once, at most DECODE_CONCURRENCY images decode at once."""
    lock = threading.Lock()
    active = 0
    peak = 0
    entered = 0
    full = threading.Event()
    release = threading.Event()
    real = uploads.clean_image

    def held(data: bytes, *, index: int):
        nonlocal active, peak, entered
        with lock:
            active += 1
            entered += 1
            peak = max(peak, active)
            if active >= DECODE_CONCURRENCY:
                full.set()
        try:
            assert release.wait(WAIT)
            return real(data, index=index)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(uploads, "clean_image", held)
    requests = 2 * DECODE_CONCURRENCY + 1
    posts = [
        asyncio.create_task(
            client.post(
                URL,
                data={"brand_name": f"B{n}"},
                files=_files(_png((32, 32)), _png((32, 32))),
                headers={"Authorization": f"Bearer {token_for(f'user{n}')}"},
            )
        )
        for n in range(requests)
    ]
    assert await asyncio.to_thread(full.wait, WAIT), "no decode started"
    # Every other request is parked on the budget, not in a thread.
    slots = uploads.decode_slots()
    assert slots.locked()
    with lock:
        assert active == DECODE_CONCURRENCY
    release.set()
    responses = await asyncio.gather(*posts)
    assert [r.status_code for r in responses] == [202] * requests, [r.text for r in responses]
    assert entered == 2 * requests
    assert peak == DECODE_CONCURRENCY
    assert len(fake.create_calls) == requests
    assert {user for user, _ in fake.create_calls} == {
        str(dev_user_id(f"user{n}")) for n in range(requests)
    }


# --- body-size limits ----------------------------------------------------------------------


@pytest.fixture
def asset(fake_server):
    return fake_server.refine.add_asset(dev_user_id("dev"), prompt="a navy fox", position=0)


def _refine_url(asset) -> str:
    return f"/api/v1/assets/{asset.id}/refine"


def _big_json(size: int) -> bytes:
    head = b'{"instruction": "make it navy", "num_variations": 1, "pad": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


async def test_a_declared_json_body_over_the_limit_is_413_before_it_is_read(
    client, auth, fake_server, asset
):
    consumed = 0

    async def body():
        nonlocal consumed
        for _ in range(32):
            consumed += 1
            yield b" " * (64 * 1024)

    headers = {**auth, "Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)}
    response = await client.post(_refine_url(asset), content=body(), headers=headers)
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert f"{JSON_BODY_LIMIT // 1024} KB" in error["message"]
    assert consumed <= 1
    assert fake_server.refine.calls == []


async def test_a_2mb_json_body_is_413_not_422(client, auth, fake_server, asset):
    response = await client.post(
        _refine_url(asset),
        content=_big_json(2 * 1024 * 1024),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    assert fake_server.refine.calls == []


async def test_a_chunked_body_is_cut_off_once_over_the_limit(client, auth, fake_server, asset):
    chunk = b" " * (16 * 1024)
    sent = 0

    async def body():
        nonlocal sent
        yield b'{"instruction": "make it navy", "pad": "'
        for _ in range(128):  # 2 MB
            sent += len(chunk)
            yield chunk
        yield b'"}'

    headers = {**auth, "Content-Type": "application/json"}
    response = await client.post(_refine_url(asset), content=body(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    assert sent <= JSON_BODY_LIMIT + 2 * len(chunk)
    assert fake_server.refine.calls == []


async def test_a_chunked_body_within_the_limit_reaches_the_route(client, auth, fake_server, asset):
    async def body():
        yield b'{"instruction": "make it navy",'
        yield b' "num_variations": 1}'

    headers = {**auth, "Content-Type": "application/json"}
    response = await client.post(_refine_url(asset), content=body(), headers=headers)
    assert response.status_code == 202, response.text
    assert fake_server.refine.calls[-1].instruction == "make it navy"


async def test_a_json_body_at_the_limit_is_read(client, auth, fake_server, asset):
    response = await client.post(
        _refine_url(asset),
        content=_big_json(JSON_BODY_LIMIT),
        headers={**auth, "Content-Type": "application/json"},
    )
    # Read and judged by the route (an unknown field or a valid refine), never 413.
    assert response.status_code != 413, response.text
    assert response.status_code < 500


async def test_the_project_form_keeps_its_own_larger_limit(client, auth, fake, stored_files):
    noisy = io.BytesIO()
    Image.effect_noise((256, 256), 80).convert("RGB").save(noisy, format="PNG")
    assert len(noisy.getvalue()) > JSON_BODY_LIMIT
    response = await client.post(
        URL, data={"brand_name": "A"}, files=_files(noisy.getvalue()), headers=auth
    )
    assert response.status_code == 202, response.text
    assert len(stored_files()) == 1


async def test_a_compressed_body_is_415_saying_so(client, auth, fake, fake_server, asset):
    """A gzip body was read as sent: "not UTF-8 text" for JSON, "malformed" for the form."""
    json_body = gzip.compress(b'{"instruction": "make it navy"}')
    headers = {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    refine = await client.post(_refine_url(asset), content=json_body, headers=headers)
    form = b'--XyZ\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nA\r\n--XyZ--\r\n'
    headers = {**auth, "Content-Type": "multipart/form-data; boundary=XyZ"}
    create = await client.post(
        URL, content=gzip.compress(form), headers={**headers, "Content-Encoding": "GZIP"}
    )
    for response, coding in ((refine, "gzip"), (create, "GZIP")):
        assert response.status_code == 415, response.text
        assert response.json()["error"] == {
            "code": "unsupported_content_encoding",
            "message": f"The request body is sent with Content-Encoding: {coding}; "
            "send it uncompressed.",
            "request_id": response.headers["x-request-id"],
        }
    assert fake_server.refine.calls == [] and fake.create_calls == []
    # No body, nothing to decode: a stray header on a read changes nothing.
    read = await client.get("/api/v1/usage", headers={**auth, "Content-Encoding": "gzip"})
    assert read.status_code == 200, read.text
    plain = await client.post(
        URL, content=form, headers={**headers, "Content-Encoding": "identity"}
    )
    assert plain.status_code == 202, plain.text


async def test_a_body_whose_type_reads_two_ways_is_400(client, auth, fake, fake_server, asset):
    """Two Content-Type headers (the route read the first, text/plain, and answered "send it
    with Content-Type: application/json", which it had), or a boundary named twice (the
    last one won): a proxy reading the other would see another request than we do."""
    token = auth["Authorization"]
    twice = [
        ("Authorization", token),
        ("Content-Type", "text/plain"),
        ("Content-Type", "application/json"),
    ]
    refine = await client.post(
        _refine_url(asset), content=b'{"instruction": "make it navy"}', headers=twice
    )
    form = b'--XyZ\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nA\r\n--XyZ--\r\n'
    create = await client.post(
        URL,
        content=form,
        headers={**auth, "Content-Type": "multipart/form-data; boundary=AbC; Boundary=XyZ"},
    )
    for response, words in (
        (refine, "The request carries 2 Content-Type headers; send exactly one."),
        (create, "The Content-Type header names the multipart boundary more than once"),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "ambiguous_content_type"
        assert response.json()["error"]["message"].startswith(words)
    assert fake_server.refine.calls == [] and fake.create_calls == []


async def test_a_transfer_coding_besides_chunked_is_400_saying_so(
    live_url, auth, fake_server, asset
):
    """`Transfer-Encoding: gzip, chunked`: the server took the chunks off and handed the
    route the body still gzipped, to be refused as "not UTF-8" or read as whatever it said."""
    host, port = live_url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    body = b'{"instruction": "make it navy"}'
    writer.write(
        f"POST {_refine_url(asset)} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: {auth['Authorization']}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n".encode()
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    head, _, text = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer
    error = json.loads(text)["error"]
    assert error["code"] == "unsupported_transfer_encoding"
    assert error["message"].startswith(
        "The request body is sent with Transfer-Encoding: gzip, chunked; send it as it is"
    )
    assert fake_server.refine.calls == []


async def test_a_get_with_a_body_over_the_limit_is_413(client, auth):
    response = await client.request(
        "GET", "/api/v1/projects", content=b"x" * (JSON_BODY_LIMIT + 1), headers=auth
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_the_middleware_leaves_the_openapi_document_alone(settings):
    from logokraft_gateway.app import create_app
    from logokraft_gateway.body_limits import BodyLimitMiddleware

    with_limits = create_app(settings)
    assert any(m.cls is BodyLimitMiddleware for m in with_limits.user_middleware)
    without = create_app(settings)
    without.user_middleware = [
        m for m in without.user_middleware if m.cls is not BodyLimitMiddleware
    ]
    assert with_limits.openapi() == without.openapi()


# --- bodies that stop arriving -------------------------------------------------------------

STALL_S = 0.3


@pytest.fixture
async def stalling_url(settings):
    """The gateway on uvicorn, refusing a body that pauses for STALL_S."""
    from logokraft_dev.asgi import serve_asgi
    from logokraft_gateway.app import create_app

    app = create_app(settings.model_copy(update={"body_stall_s": STALL_S}))
    async with serve_asgi(app, lifespan="on") as base_url:
        yield base_url


async def _send_part_of_a_body(base_url: str, head: str, part: bytes) -> bytes:
    """Send a request's head and part of its body, then nothing: all the server sent before
    it closed the connection."""
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.encode("latin-1") + b"\r\n" + part)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), WAIT)  # to EOF: the server closes
    finally:
        writer.close()
    return answer


def _head(method: str, path: str, auth: dict[str, str], *headers: str) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: testserver", *headers]
    lines += [f"{name}: {value}" for name, value in auth.items()]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    "framing",
    ["Content-Length: 200", "Transfer-Encoding: chunked"],
    ids=["shorter-than-its-length", "chunked-never-ended"],
)
async def test_a_json_body_that_stops_arriving_is_408_and_the_connection_closed(
    stalling_url, auth, fake_server, asset, framing
):
    part = b'{"instruction": "make it'
    if framing.startswith("Transfer"):
        part = f"{len(part):x}\r\n".encode() + part + b"\r\n"
    head = _head("POST", _refine_url(asset), auth, "Content-Type: application/json", framing)
    answer = await _send_part_of_a_body(stalling_url, head, part)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout", answer
    assert b"connection: close" in rest.lower()
    assert b'"code":"body_timeout"' in rest
    assert b"nothing came for 0.3 s" in rest
    assert fake_server.refine.calls == []


async def test_a_project_form_that_stops_arriving_is_408(stalling_url, auth, fake):
    part = b'--XyZ\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nAc'
    head = _head(
        "POST",
        URL,
        auth,
        "Content-Type: multipart/form-data; boundary=XyZ",
        "Content-Length: 4000",
    )
    answer = await _send_part_of_a_body(stalling_url, head, part)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b'"code":"body_timeout"' in answer
    assert fake.create_calls == []


async def test_once_the_body_has_come_the_app_waits_on_the_connection_as_long_as_it_likes():
    """An SSE stream waits on `receive` for the disconnect for as long as it streams: only the
    body's parts are timed."""
    from logokraft_gateway.body_limits import BodyLimitMiddleware

    messages = [
        {"type": "http.request", "body": b"{}", "more_body": False},
        {"type": "http.disconnect"},
    ]
    seen = []

    async def receive():
        message = messages.pop(0)
        if message["type"] == "http.disconnect":
            await asyncio.sleep(0.05)  # the client leaves long after the stall limit
        return message

    async def app(scope, receive, send):
        seen.append(await receive())
        seen.append(await receive())

    async def send(message):
        raise AssertionError(f"nothing is answered: {message}")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/x",
        "headers": [(b"content-length", b"2")],
    }
    await BodyLimitMiddleware(app, stall_s=0.001)(scope, receive, send)
    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"]
