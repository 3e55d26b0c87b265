"""POST /api/v1/projects: the happy path and every way a brief or an upload can be refused."""

from __future__ import annotations

import io
import json
import logging
import struct
import uuid
import zlib

import grpc
import jwt
import pytest
from PIL import Image

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.uploads import MAX_IMAGE_BYTES

URL = "/api/v1/projects"
# An empty, unnamed file part (what a browser sends when no file is chosen) forces multipart.
NO_FILE = [("inspiration_images", ("", b"", "application/octet-stream"))]


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8298] = "Copyright Someone"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


async def test_create_answers_202_with_stream_url_and_stores_clean_png(
    client, auth, fake, stored_files, settings
):
    form = {
        "brand_name": "  Acme Rockets ",
        "slogan": "To the moon",
        "style": ["minimal", "bold"],
        "colors": ["#ABC", "navy", "#112233"],
        "logo_type": "emblem",
        "num_candidates": "3",
    }
    files = [("inspiration_images", ("holiday.jpg", _jpeg_with_exif(), "image/jpeg"))]
    response = await client.post(URL, data=form, files=files, headers=auth)

    assert response.status_code == 202, response.text
    body = response.json()
    project_id = body["project_id"]
    assert uuid.UUID(project_id).version == 4
    assert body["status"] == "pending"
    assert body["project"]["id"] == project_id
    assert body["project"]["assets"] == []
    assert body["project"]["brief"]["colors"] == ["#aabbcc", "#000080", "#112233"]
    assert body["stream_url"].startswith(
        f"http://testserver/api/v1/projects/{project_id}/stream?access_token="
    )
    assert fake.calls == ["CreateProject"]

    user, request = fake.create_calls[0]
    user_id = dev_user_id("dev")
    assert user == str(user_id)
    assert request.project_id == project_id
    assert request.brief.brand_name == "Acme Rockets"
    assert list(request.brief.colors) == ["#aabbcc", "#000080", "#112233"]
    assert list(request.brief.style) == ["minimal", "bold"]
    assert request.brief.logo_type == common_pb2.LOGO_TYPE_EMBLEM
    assert request.brief.num_candidates == 3
    [ref] = request.inspiration_images
    assert ref.bucket == "inspiration-images"
    assert ref.path == f"{user_id}/{project_id}/inspiration-1.png"
    assert ref.content_type == "image/png"

    [stored] = stored_files()
    assert stored.as_posix().endswith(f"inspiration-images/{ref.path}")
    with Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"SecretCam" not in stored.read_bytes()

    token = body["stream_url"].split("access_token=")[1]
    claims = jwt.decode(
        token, settings.stream_token_key, algorithms=["HS256"], audience="logokraft-stream"
    )
    assert claims["sub"] == str(user_id)
    assert claims["pid"] == project_id


async def test_create_with_defaults_and_no_images(client, auth, fake, stored_files):
    response = await client.post(URL, data={"brand_name": "Zed"}, files=NO_FILE, headers=auth)
    assert response.status_code == 202, response.text
    _, request = fake.create_calls[0]
    assert request.brief.num_candidates == 4
    assert request.brief.logo_type == common_pb2.LOGO_TYPE_UNSPECIFIED
    assert list(request.inspiration_images) == []
    assert stored_files() == []


async def test_create_accepts_webp_and_ignores_empty_file_part(client, auth, fake, stored_files):
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (1, 2, 3, 128)).save(out, format="WEBP")
    files = [
        ("inspiration_images", ("a.webp", out.getvalue(), "image/webp")),
        ("inspiration_images", ("", b"", "application/octet-stream")),
    ]
    response = await client.post(URL, data={"brand_name": "W"}, files=files, headers=auth)
    assert response.status_code == 202, response.text
    assert len(fake.create_calls[0][1].inspiration_images) == 1
    assert len(stored_files()) == 1


async def test_a_16_bit_greyscale_png_keeps_its_greys(client, auth, fake, stored_files):
    """Pillow's convert() clips 16-bit greys to 255: a mid-grey image used to be stored white."""
    out = io.BytesIO()
    Image.new("I;16", (20, 10), 0x8080).save(out, format="PNG")  # the grey 128 in 16 bits
    files = [("inspiration_images", ("scan.png", out.getvalue(), "image/png"))]
    response = await client.post(URL, data={"brand_name": "Grey"}, files=files, headers=auth)
    assert response.status_code == 202, response.text
    [stored] = stored_files()
    with Image.open(stored) as image:
        assert image.size == (20, 10)
        assert image.convert("L").getextrema() == (128, 128)


async def test_service_failure_removes_uploaded_images(client, auth, fake, stored_files, png_bytes):
    fake.create_error = grpc.StatusCode.RESOURCE_EXHAUSTED
    files = [("inspiration_images", ("a.png", png_bytes(), "image/png"))]
    response = await client.post(URL, data={"brand_name": "Acme"}, files=files, headers=auth)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "resource_exhausted"
    assert response.json()["error"]["message"] == "The prompt service refused the project."
    assert len(fake.create_calls) == 1
    assert stored_files() == []


async def test_limits_are_checked_before_decoding_and_a_refusal_stores_nothing(
    client, auth, fake, stored_files, png_bytes, monkeypatch
):
    from logokraft_gateway import uploads

    decoded: list[int] = []
    monkeypatch.setattr(uploads, "clean_image", lambda *a, **k: decoded.append(1))
    fake.check_error = grpc.StatusCode.RESOURCE_EXHAUSTED
    files = [("inspiration_images", ("a.png", png_bytes(), "image/png"))] * 3
    data = {"brand_name": "Acme", "num_candidates": "5"}
    response = await client.post(URL, data=data, files=files, headers=auth)
    assert response.status_code == 429, response.text
    assert response.json()["error"]["message"] == "Over your limits."
    assert decoded == [] and fake.create_calls == [] and stored_files() == []
    ((_, check),) = fake.checks
    assert check.validate_only and check.brief.num_candidates == 5 and not check.project_id


async def test_a_valid_create_is_checked_once_then_created(client, auth, fake, png_bytes):
    files = [("inspiration_images", ("a.png", png_bytes(), "image/png"))]
    response = await client.post(URL, data={"brand_name": "Acme"}, files=files, headers=auth)
    assert response.status_code == 202, response.text
    assert len(fake.checks) == 1 and len(fake.create_calls) == 1
    assert fake.checks[0][1].brief == fake.create_calls[0][1].brief


async def test_a_create_without_images_skips_the_early_check(client, auth, fake):
    # Nothing costly to spare: one call, which checks the limits in its own transaction.
    response = await client.post(URL, data={"brand_name": "Acme"}, files=NO_FILE, headers=auth)
    assert response.status_code == 202, response.text
    assert fake.checks == [] and len(fake.create_calls) == 1
    fake.create_error = grpc.StatusCode.RESOURCE_EXHAUSTED
    refused = await client.post(URL, data={"brand_name": "Acme"}, files=NO_FILE, headers=auth)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "resource_exhausted"
    assert fake.checks == []


async def test_internal_service_error_is_500_without_leaking(client, auth, fake, stored_files):
    fake.create_error = grpc.StatusCode.INTERNAL
    response = await client.post(URL, data={"brand_name": "Acme"}, files=NO_FILE, headers=auth)
    assert response.status_code == 500
    assert "refused" not in response.json()["error"]["message"]


def _png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


def _big_solid_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 0).save(out, format="PNG")
    return out.getvalue()


def _truncated_png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(out, format="PNG")
    data = out.getvalue()
    return data[: len(data) // 2]


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'
GIF = _gif()

BAD_FORMS = [
    pytest.param({"slogan": "x"}, [], 422, "invalid_brief", id="missing-brand-name"),
    pytest.param({"brand_name": "   "}, [], 422, "invalid_brief", id="blank-brand-name"),
    pytest.param({"brand_name": "a" * 101}, [], 422, "invalid_brief", id="long-brand-name"),
    pytest.param(
        {"brand_name": "A", "slogan": "s" * 201}, [], 422, "invalid_brief", id="long-slogan"
    ),
    pytest.param(
        {"brand_name": "A", "description": "d" * 2001}, [], 422, "invalid_brief", id="long-desc"
    ),
    pytest.param(
        {"brand_name": "A", "style": ["x"] * 11}, [], 422, "invalid_brief", id="11-styles"
    ),
    pytest.param(
        {"brand_name": "A", "style": ["s" * 41]}, [], 422, "invalid_brief", id="long-style"
    ),
    pytest.param(
        {"brand_name": "A", "colors": ["#fff"] * 7}, [], 422, "invalid_brief", id="7-colors"
    ),
    # A colour field of no colour ("notacolor", "#12345") is a note now, not a 422
    # (test_gateway_colours.py); its length is still bounded.
    pytest.param(
        {"brand_name": "A", "colors": ["navy " * 21]}, [], 422, "invalid_brief", id="long-color"
    ),
    pytest.param({"brand_name": "A\x00B"}, [], 422, "invalid_characters", id="nul-byte"),
    pytest.param({"brand_name": "A", "slogan": "x\x00"}, [], 422, "invalid_characters", id="nul-2"),
    pytest.param({"brand_name": "A\x9b31m"}, [], 422, "invalid_characters", id="c1-csi"),
    pytest.param({"brand_name": "A", "num_candidates": "0"}, [], 422, "invalid_brief", id="n-0"),
    pytest.param({"brand_name": "A", "num_candidates": "9"}, [], 422, "invalid_brief", id="n-9"),
    pytest.param({"brand_name": "A", "num_candidates": "x"}, [], 422, "invalid_brief", id="n-x"),
    pytest.param({"brand_name": "A", "logo_type": "mascot"}, [], 422, "invalid_brief", id="type"),
    pytest.param({"brand_name": "A", "owner": "me"}, [], 422, "unknown_field", id="unknown-field"),
    pytest.param({"brand_name": "A", "field_too_big": "x"}, [], 422, "unknown_field", id="unk2"),
    pytest.param(
        {"brand_name": "A", "description": "d" * 70_000}, [], 413, "field_too_large", id="huge"
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("img.png", _png(), "image/png"))] * 6,
        422,
        "too_many_images",
        id="6-images",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("notes.png", b"just some text, honest", "image/png"))],
        415,
        "unsupported_image_type",
        id="text-named-png",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("logo.png", SVG, "image/png"))],
        415,
        "unsupported_image_type",
        id="svg",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("anim.gif", GIF, "image/gif"))],
        415,
        "unsupported_image_type",
        id="gif",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("bomb.png", _png_claiming(100_000, 100_000), "image/png"))],
        413,
        "image_too_large",
        id="bomb-header",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("solid.png", _big_solid_png(), "image/png"))],
        413,
        "image_too_large",
        id="bomb-48mp-solid",
    ),
    pytest.param(
        {"brand_name": "A"},
        [("inspiration_images", ("cut.png", _truncated_png(), "image/png"))],
        422,
        "corrupt_image",
        id="truncated-png",
    ),
]


@pytest.mark.parametrize(("form", "files", "status", "code"), BAD_FORMS)
async def test_bad_input_stores_nothing_and_calls_nothing(
    client, auth, fake, stored_files, form, files, status, code
):
    files = files or NO_FILE
    response = await client.post(URL, data=form, files=files, headers=auth)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert fake.create_calls == []
    assert stored_files() == []


@pytest.mark.parametrize("value", ["3.0", "3_0", "+3", "-3", "0x3", "٣", "3 4", "true", "1e0"])
async def test_num_candidates_is_plain_digits(client, auth, fake, value):
    """Not Python's int(): "3_0" is not 30, "3.0" and "true" are not numbers of logos."""
    form = {"brand_name": "Acme", "num_candidates": value}
    response = await client.post(URL, data=form, files=NO_FILE, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_brief"
    assert error["message"].startswith("num_candidates: must be a whole number in the digits 0-9")
    assert error["details"][0]["field"] == "num_candidates"
    assert fake.create_calls == []


@pytest.mark.parametrize("value", ["9" * 5000, "0" * 5000 + "9", "1" + "0" * 20])
async def test_a_number_of_very_many_digits_is_over_the_limit(client, auth, fake, value):
    """Refused by the bound, in its words: not Python's "Exceeds the limit (4300 digits) for
    integer string conversion" (beyond 4300 digits) nor a 500."""
    form = {"brand_name": "Acme", "num_candidates": value}
    response = await client.post(URL, data=form, files=NO_FILE, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"] == "num_candidates: Input should be less than or equal to 8."
    assert fake.create_calls == []


@pytest.mark.parametrize(("value", "count"), [("3", 3), ("04", 4), (" 2 ", 2)])
async def test_num_candidates_in_digits_is_taken(client, auth, fake, value, count):
    form = {"brand_name": "Acme", "num_candidates": value}
    response = await client.post(URL, data=form, files=NO_FILE, headers=auth)
    assert response.status_code == 202, response.text
    assert fake.create_calls[-1][1].brief.num_candidates == count


async def test_an_empty_image_file_is_called_empty(client, auth, fake, stored_files):
    """A chosen file of 0 bytes was "not an image we can read", which sends people looking
    for a format problem."""
    files = [("inspiration_images", ("logo.png", b"", "image/png"))]
    response = await client.post(URL, data={"brand_name": "A"}, files=files, headers=auth)
    assert response.status_code == 415, response.text
    assert response.json()["error"]["message"] == (
        "Inspiration image 1 is an empty file (0 bytes); send PNG, JPEG or WEBP images."
    )
    assert fake.create_calls == [] and stored_files() == []


async def test_bad_image_among_good_ones_stores_nothing(client, auth, fake, stored_files):
    files = [
        ("inspiration_images", ("ok.png", _png(), "image/png")),
        ("inspiration_images", ("bad.png", b"text", "image/png")),
    ]
    response = await client.post(URL, data={"brand_name": "A"}, files=files, headers=auth)
    assert response.status_code == 415
    assert "image 2" in response.json()["error"]["message"]
    assert fake.create_calls == []
    assert stored_files() == []


@pytest.mark.parametrize(
    ("field", "meant"),
    [
        ("brand", "brand_name"),
        ("tagline", "slogan"),
        ("color", "colors"),
        ("industy", "industry"),
        ("owner", None),
    ],
)
async def test_an_unknown_form_field_names_the_one_meant(client, auth, fake, field, meant):
    """`curl -F brand=Acme` said only "remove it", which leaves the brief without a name."""
    response = await client.post(
        URL, data={"brand_name": "A", field: "x"}, files=NO_FILE, headers=auth
    )
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert message.startswith(f"The form field {field!r} is not part of a brief; ")
    assert message.endswith(f"did you mean {meant!r}?" if meant else "remove it.")
    assert fake.create_calls == []


async def test_urlencoded_body_is_415(client, auth, fake):
    response = await client.post(URL, data={"brand_name": "A"}, headers=auth)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert fake.create_calls == []


async def test_a_boundary_longer_than_the_parser_takes_is_400(client, auth, fake):
    """python-multipart refuses a boundary past 256 characters with an exception: a 500."""
    for length, status in ((70, 202), (256, 202), (257, 400), (5000, 400)):
        boundary = "b" * length
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nAcme'
            f"\r\n--{boundary}--\r\n"
        )
        response = await client.post(
            URL,
            content=body.encode(),
            headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == status, response.text
        if status == 400:
            assert response.json()["error"]["code"] == "malformed_form"
            assert "use at most 70" in response.json()["error"]["message"]
    assert len(fake.create_calls) == 2


@pytest.mark.parametrize(
    "preamble",
    [b"This is a multi-part message in MIME format.\r\n", b"\r\n", b"x" * 70_000 + b"\r\n"],
    ids=["mime text", "bare CRLF", "70 KB"],
)
async def test_a_preamble_before_the_first_boundary_is_ignored_or_named(
    client, auth, fake, preamble
):
    """RFC 2046 lets text precede the first boundary (mail tools write one); python-multipart
    refused it as "malformed". Read past it, as any MIME reader does, within 64 KB."""
    boundary = "preambleboundary"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nAcme'
        f"\r\n--{boundary}--\r\nepilogue, ignored too\r\n"
    ).encode()

    async def body():  # the delimiter split across chunks, as a network may deliver it
        whole = preamble + form
        cut = len(preamble) + 5
        yield whole[:cut]
        yield whole[cut:]

    response = await client.post(
        URL,
        content=body(),
        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    if len(preamble) > 64 * 1024:
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "malformed_form"
        assert response.json()["error"]["message"] == (
            "The multipart form has more than 64 KB before its first boundary "
            "'--preambleboundary'; start the body with its first part."
        )
        assert fake.create_calls == []
        return
    assert response.status_code == 202, response.text
    assert [request.brief.brand_name for _, request in fake.create_calls] == ["Acme"]


async def test_a_form_without_its_boundary_is_400_naming_the_boundary(client, auth, fake):
    """A body written with another boundary than its Content-Type names (a hand-made curl)."""
    body = b'--other\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nA\r\n--other--\r\n'
    response = await client.post(
        URL, content=body, headers={**auth, "Content-Type": "multipart/form-data; boundary=xyz"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"] == (
        "The multipart form has no part: no line starts with '--xyz', the boundary its "
        "Content-Type names; send the parts with that boundary."
    )
    assert fake.create_calls == []


@pytest.mark.parametrize("body", [b"", b"\r\n"])
async def test_an_empty_form_is_400_saying_it_is_empty(client, auth, fake, body):
    """`-H 'Content-Type: multipart/form-data; boundary=x'` and no body was told "The
    multipart form ended before its last part", which suggests a cut-off upload."""
    response = await client.post(
        URL, content=body, headers={**auth, "Content-Type": "multipart/form-data; boundary=x"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"] == (
        "The request body is empty; send the brief as a multipart form with at least "
        "brand_name (curl -F brand_name=Acme)."
    )
    assert fake.create_calls == []


@pytest.mark.parametrize(
    ("part_head", "said"),
    [
        (
            'Content-Disposition: form-data; name="brand_name"\r\n'
            'Content-Disposition: form-data; name="slogan"',
            "A form part has two Content-Disposition headers; send one.",
        ),
        (
            'Content-Disposition: form-data; name="slogan"; name="brand_name"',
            "A form part's Content-Disposition gives its name twice; give it once.",
        ),
        (
            'Content-Disposition: form-data; name="inspiration_images"; filename="a.png"; '
            'filename="b.png"\r\nContent-Type: image/png',
            "A form part's Content-Disposition gives its filename twice; give it once.",
        ),
    ],
    ids=["two headers", "name twice", "filename twice"],
)
async def test_a_form_part_naming_itself_twice_is_400(client, auth, fake, part_head, said):
    """python-multipart keeps the last of two equal headers or parameters, another parser the
    first: a part must not be one field to a proxy and another to us."""
    body = f"--XyZ\r\n{part_head}\r\n\r\nAcme\r\n--XyZ--\r\n".encode()
    response = await client.post(
        URL, content=body, headers={**auth, "Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == {
        "code": "malformed_form",
        "message": said,
        "request_id": response.headers["x-request-id"],
    }
    assert fake.create_calls == []


async def test_declared_length_far_over_limit_is_413_up_front(client, auth, fake):
    headers = {
        **auth,
        "Content-Type": "multipart/form-data; boundary=xyz",
        "Content-Length": str(500 * 1024 * 1024),
    }

    consumed = 0

    async def body():
        nonlocal consumed
        for _ in range(3):
            consumed += 1
            yield b"x" * 1024

    response = await client.post(URL, content=body(), headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert consumed <= 1
    assert fake.create_calls == []


async def test_oversized_image_is_cut_off_while_streaming(client, auth, fake, stored_files):
    boundary = "gatewayboundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="brand_name"\r\n\r\nAcme\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="inspiration_images"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + b"\x89PNG\r\n\x1a\n"
    chunk = b"\0" * (256 * 1024)
    total_chunks = 80  # 20 MB, twice the limit
    sent = 0

    async def body():
        nonlocal sent
        yield head
        for _ in range(total_chunks):
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = await client.post(URL, content=body(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "image_too_large"
    assert MAX_IMAGE_BYTES <= sent <= MAX_IMAGE_BYTES + 2 * len(chunk)
    assert fake.create_calls == []
    assert stored_files() == []


async def test_unauthenticated_create_reads_nothing(client, fake, stored_files):
    response = await client.post(
        URL,
        data={"brand_name": "A"},
        files=[("inspiration_images", ("a.png", _png(), "image/png"))],
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert fake.create_calls == []
    assert stored_files() == []


async def test_a_client_gone_mid_upload_is_a_400_not_an_unhandled_500(app, auth, fake, caplog):
    """A client that closed the connection mid-upload was an ERROR "unhandled error" with
    a traceback and a 500 in the request metrics, which the error-rate alert counts."""
    parts = [
        {
            "type": "http.request",
            "body": b'--X\r\nContent-Disposition: form-data; name="brand_name"\r\n\r\nAc',
            "more_body": True,
        },
        {"type": "http.disconnect"},
    ]

    async def receive():
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    headers = [
        (b"host", b"testserver"),
        (b"authorization", auth["Authorization"].encode()),
        (b"content-type", b"multipart/form-data; boundary=X"),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    with caplog.at_level(logging.INFO):
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["error"]["code"] == "incomplete_body"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert fake.create_calls == []
