"""Brand kits end to end: `GET /api/v1/assets/{id}/brand-kit` through the real gateway, built by
the refine service from a local-engine candidate, a variation and a Seedream raster (the fake
speaking Seedream's wire format), with every file of the zip opened and measured; owner only,
409 before completion, built once and served from storage after, removed with its project.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import AsyncIterator
from urllib.parse import quote, unquote

import httpx
import numpy as np
import pytest
from PIL import Image

import logokraft_refine.brand_kits as brand_kits
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_token, dev_user_id
from logokraft_fakes.seedream import FakeSeedream
from tests.support import (
    create_project,
    read_stream,
    rows,
    running_services,
    serve_gateway,
    service_env,
    stored_files,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

DEV = dev_user_id("dev")
FILES = (
    "logo.svg",
    "logo.png",
    "logo-on-dark.svg",
    "logo-on-dark.png",
    "mark.svg",
    "mark.png",
    "favicon.ico",
    "apple-touch-icon.png",
    "icon-512.png",
    "og-image.png",
    "palette.json",
    "README.txt",
)
SVG_FORBIDDEN = {"text", "tspan", "image", "foreignObject", "script"}


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The brand kits built by the refine service (in this process), by brand name."""
    built: list[str] = []
    real = brand_kits.build

    def counting(source):
        built.append(source.brand_name)
        return real(source)

    monkeypatch.setattr(brand_kits, "build", counting)
    return built


def auth(services, user: str = "dev") -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(services.data_dir, user)}"}


async def finished_project(client, base: str, services, **form: str) -> dict:
    created = await create_project(
        client, base, dev_token(services.data_dir, "dev"), num_candidates="1", **form
    )
    events = await read_stream(client, created["stream_url"])
    assert events[-1].event == "done", events[-1]
    response = await client.get(
        f"{base}/api/v1/projects/{created['project_id']}", headers=auth(services)
    )
    assert response.status_code == 200, response.text
    return response.json()


def png_of(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGBA"))


def check_svg(data: bytes) -> None:
    root = ET.fromstring(data.decode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & SVG_FORBIDDEN, tags
    assert re.search(r'fill="#[0-9a-fA-F]{6}"', data.decode())


def check_kit(response: httpx.Response, brand_slug: str) -> dict[str, bytes]:
    """The download's headers and every file of the zip, measured; returns the files."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{brand_slug}-brand-kit.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    assert set(FILES) <= set(files), sorted(files)

    for name in ("logo.svg", "logo-on-dark.svg", "mark.svg"):
        check_svg(files[name])
    for name in ("logo.png", "logo-on-dark.png"):
        logo = png_of(files[name])
        assert logo.shape[1] >= 1024, name
        for corner in (logo[0, 0], logo[0, -1], logo[-1, 0], logo[-1, -1]):
            assert corner[3] == 0, name  # transparent
        assert logo[:, :, 3].max() == 255, name  # and the logo is drawn
    mark = png_of(files["mark.png"])
    assert mark.shape[0] == mark.shape[1] and mark[0, 0, 3] == 0

    with Image.open(io.BytesIO(files["favicon.ico"])) as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    for name, size in (
        ("apple-touch-icon.png", (180, 180)),
        ("icon-512.png", (512, 512)),
        ("og-image.png", (1200, 630)),
    ):
        pixels = png_of(files[name])
        assert pixels.shape[:2] == size[::-1], name
        assert pixels[:, :, 3].min() == 255, name  # opaque

    palette = json.loads(files["palette.json"])
    assert palette
    for color in palette:
        assert re.fullmatch(r"#[0-9a-f]{6}", color["hex"])
        assert color["rgb"] == [int(color["hex"][i : i + 2], 16) for i in (1, 3, 5)]
        assert color["name"]
    readme = files["README.txt"].decode()
    assert all(name in readme for name in files)
    return files


async def test_kits_of_a_candidate_and_a_variation(gateway, services, builds, database_url):
    async with httpx.AsyncClient(timeout=120) as client:
        project = await finished_project(client, gateway, services, brand_name="Juniper Ash")
        [candidate] = project["assets"]
        kit_url = f"{gateway}{candidate['brand_kit_url']}"
        assert candidate["brand_kit_url"] == f"/api/v1/assets/{candidate['id']}/brand-kit"
        svg = await client.get(candidate["svg_url"])  # the signed SVG master
        assert svg.status_code == 200
        assert svg.content.lstrip().startswith(b"<svg") or b"<svg" in svg.content[:200]

        # Another user: not found, and nothing is built.
        assert (await client.get(kit_url, headers=auth(services, "bob"))).status_code == 404
        assert builds == []

        # Two at once build once; a later download is served from storage.
        first, second = await asyncio.gather(
            client.get(kit_url, headers=auth(services)),
            client.get(kit_url, headers=auth(services)),
        )
        files = check_kit(first, "juniper-ash")
        assert second.content == first.content
        assert builds == ["Juniper Ash"]
        again = await client.get(kit_url, headers=auth(services))
        assert again.content == first.content and builds == ["Juniper Ash"]
        assert "logo engine" in files["README.txt"].decode()
        assert f"{candidate['id']}.kit.zip" in stored_files(services.data_dir, DEV, project["id"])

        # A variation's kit.
        refined = await client.post(
            f"{gateway}/api/v1/assets/{candidate['id']}/refine",
            headers=auth(services),
            json={"instruction": "make it navy", "num_variations": 1},
        )
        assert refined.status_code == 202, refined.text
        [variation] = refined.json()["variations"]
        await read_stream(client, refined.json()["stream_url"])
        answer = await client.get(
            f"{gateway}/api/v1/assets/{variation['id']}", headers=auth(services)
        )
        assert answer.json()["status"] == "completed"
        assert answer.json()["svg_url"] and answer.json()["brand_kit_url"]
        kit = await client.get(f"{gateway}{answer.json()['brand_kit_url']}", headers=auth(services))
        check_kit(kit, "juniper-ash")
        assert kit.content != first.content
        assert len(builds) == 2

        # Not completed yet: 409, nothing built.
        [queued] = await rows(
            database_url,
            """
            insert into generated_assets (project_id, user_id, parent_asset_id, position, status)
            values (%s, %s, %s, 5, 'queued') returning id
            """,
            [project["id"], DEV, candidate["id"]],
        )
        response = await client.get(
            f"{gateway}/api/v1/assets/{queued['id']}/brand-kit", headers=auth(services)
        )
        assert response.status_code == 409, response.text
        assert "completed" in response.json()["error"]["message"]
        queued_json = await client.get(
            f"{gateway}/api/v1/assets/{queued['id']}", headers=auth(services)
        )
        assert queued_json.json()["brand_kit_url"] is None
        assert queued_json.json()["svg_url"] is None
        assert len(builds) == 2

        # Deleting the project removes the cached kits with its other files.
        deleted = await client.delete(
            f"{gateway}/api/v1/projects/{project['id']}", headers=auth(services)
        )
        assert deleted.status_code == 204, deleted.text

        async def files_gone() -> bool:
            return not stored_files(services.data_dir, DEV, project["id"])

        await wait_for(files_gone, within=30, what="the project's files and kits to go")


@pytest.mark.parametrize(
    ("brand", "ascii_name", "display_name"),
    [
        ("東京カフェ", "brand-kit.zip", "東京カフェ-brand-kit.zip"),
        ("مقهى النخيل", "brand-kit.zip", "مقهى-النخيل-brand-kit.zip"),
    ],
    ids=["japanese", "arabic"],
)
async def test_a_kit_keeps_a_non_latin_brand_in_its_file_name(
    gateway, services, brand, ascii_name, display_name
):
    """RFC 6266: the ASCII `filename` every client reads, and `filename*=UTF-8''` with the
    brand as written, which browsers and `curl -OJ` save the kit as."""
    async with httpx.AsyncClient(timeout=120) as client:
        project = await finished_project(client, gateway, services, brand_name=brand)
        [candidate] = project["assets"]
        kit = await client.get(f"{gateway}{candidate['brand_kit_url']}", headers=auth(services))

        assert kit.status_code == 200, kit.text
        assert kit.headers["content-disposition"] == (
            f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(display_name, safe='')}"
        )
        encoded = kit.headers["content-disposition"].rsplit("''", 1)[1]
        assert unquote(encoded, errors="strict") == display_name
        assert zipfile.is_zipfile(io.BytesIO(kit.content))


@pytest.fixture
async def seedream_gateway(nats_server, database_url, namespace, data_dir) -> AsyncIterator:
    """The stack with Seedream (its fake) drawing the logos, and the gateway in front."""
    seedream = FakeSeedream(api_key="ark-key")
    async with serve_asgi(seedream.app) as seedream_url:
        env = service_env(
            nats_url=nats_server.url,
            database_url=database_url,
            namespace=namespace,
            data_dir=data_dir,
        ) | {
            "LOGOKRAFT_IMAGE_PROVIDER": "auto",
            "ARK_API_KEY": "ark-key",
            "SEEDREAM_BASE_URL": f"{seedream_url}/api/v3",
        }
        async with running_services(env) as services, serve_gateway(services) as url:
            yield url, services


async def test_kit_of_an_ai_drawn_raster(seedream_gateway, builds):
    gateway, services = seedream_gateway
    async with httpx.AsyncClient(timeout=120) as client:
        project = await finished_project(client, gateway, services, brand_name="Nimbus")
        [asset] = project["assets"]
        assert asset["provider"] == "seedream"
        assert asset["svg_url"] is None  # no SVG master: the kit vectorises the PNG
        kit = await client.get(f"{gateway}{asset['brand_kit_url']}", headers=auth(services))

        files = check_kit(kit, "nimbus")
        assert "original.png" in files
        readme = files["README.txt"].decode().lower()
        assert "vectorised" in readme and "how close the vector is" in readme
        assert "warning" not in readme  # the fake's raster traces well
        logo = png_of(files["logo.png"])
        inked = logo[:, :, 3] > 0
        assert inked.any() and not inked.all()  # the background is keyed out
        hexes = {c["hex"] for c in json.loads(files["palette.json"])}
        assert {"#1f4e79", "#e0a526"} <= hexes  # the fake's two shapes' colours
        assert builds == ["Nimbus"]
