"""End to end through HTTP: the real gateway, prompt and imagegen services, NATS and Postgres."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from logokraft_dev.devtokens import dev_token
from tests.support import create_project, read_stream

pytestmark = pytest.mark.e2e


async def test_brief_to_streamed_logos_over_http(gateway, services):
    token = dev_token(services.data_dir, "dev")
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, token)
        assert created["status"] == "pending"
        events = await read_stream(client, created["stream_url"])  # no header: EventSource

        assert events[0].event == "snapshot"
        assert events[-1].event == "done"
        assert events[-1].data["completed_assets"] == 4
        ids = [e.id for e in events if e.id is not None]
        assert ids == sorted(set(ids)), "ids must strictly increase"
        finished = {
            e.data["asset"]["id"]: e.data["asset"]
            for e in events
            if e.event == "asset" and e.data["asset"]["status"] == "completed"
        }
        assert len(finished) == 4

        project = await client.get(
            f"{gateway}/api/v1/projects/{created['project_id']}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert project.status_code == 200
        assert project.json()["status"] == "completed"
        for asset in project.json()["assets"]:
            image = await client.get(asset["image_url"])
            assert image.status_code == 200
            with Image.open(io.BytesIO(image.content)) as picture:
                assert picture.format == "PNG"
                assert picture.size == (asset["width"], asset["height"])


async def test_reconnecting_with_last_event_id_misses_nothing_and_repeats_nothing(
    gateway, services
):
    token = dev_token(services.data_dir, "dev")
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, token, num_candidates="2")
        first = await read_stream(client, created["stream_url"])
        ids = [e.id for e in first if e.id is not None]
        cut = ids[len(ids) // 2]

        resumed = await read_stream(client, created["stream_url"], **{"Last-Event-ID": str(cut)})

        assert [e.id for e in resumed if e.id is not None] == [i for i in ids if i > cut]
        assert resumed[-1].event == "done"


async def test_another_users_project_is_not_found(gateway, services):
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, dev_token(services.data_dir, "dev"))
        bob = {"Authorization": f"Bearer {dev_token(services.data_dir, 'bob')}"}
        url = f"{gateway}/api/v1/projects/{created['project_id']}"
        assert (await client.get(url, headers=bob)).status_code == 404
        assert (await client.get(f"{url}/stream", headers=bob)).status_code == 404
        listing = await client.get(f"{gateway}/api/v1/projects", headers=bob)
        assert listing.json()["projects"] == []


def navy_share(data: bytes) -> float:
    """The share of pixels close to CSS navy (#000080)."""
    with Image.open(io.BytesIO(data)) as picture:
        raw = picture.convert("RGB").resize((128, 128)).tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    near = sum(1 for r, g, b in pixels if r < 40 and g < 40 and 90 < b < 170)
    return near / len(pixels)


async def refine_and_follow(client, base: str, auth: dict, asset_id: str, body: dict) -> list:
    """POST a refinement, then read the project's stream to its new `done`."""
    response = await client.post(f"{base}/api/v1/assets/{asset_id}/refine", headers=auth, json=body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert all(v["status"] == "queued" for v in accepted["variations"])
    events = await read_stream(client, accepted["stream_url"])
    assert events[0].event == "snapshot" and events[-1].event == "done"
    latest = {a["id"]: a for a in events[0].data["project"]["assets"]}
    latest |= {e.data["asset"]["id"]: e.data["asset"] for e in events if e.event == "asset"}
    for variation in accepted["variations"]:
        assert latest[variation["id"]]["status"] == "completed"
        assert latest[variation["id"]]["parent_asset_id"] == asset_id
    return accepted["variations"]


async def test_refining_twice_in_a_chain_over_http(gateway, services):
    auth = {"Authorization": f"Bearer {dev_token(services.data_dir, 'dev')}"}
    async with httpx.AsyncClient() as client:
        created = await create_project(
            client, gateway, dev_token(services.data_dir, "dev"), colors="#e76f51"
        )
        await read_stream(client, created["stream_url"])
        project = (
            await client.get(f"{gateway}/api/v1/projects/{created['project_id']}", headers=auth)
        ).json()
        parent = project["assets"][0]

        navy = await refine_and_follow(
            client,
            gateway,
            auth,
            parent["id"],
            {"instruction": "make it navy", "num_variations": 2},
        )
        child = navy[0]["id"]
        final = await refine_and_follow(
            client, gateway, auth, child, {"instruction": "drop the tagline", "num_variations": 1}
        )
        grandchild = final[0]["id"]

        assets = {}
        for asset_id in (parent["id"], navy[0]["id"], navy[1]["id"], grandchild):
            answer = await client.get(f"{gateway}/api/v1/assets/{asset_id}", headers=auth)
            assert answer.status_code == 200
            assets[asset_id] = answer.json()
            image = await client.get(assets[asset_id]["image_url"])
            assert image.status_code == 200
            assets[asset_id]["png"] = image.content
        for variation in navy:
            stored = assets[variation["id"]]
            assert stored["status"] == "completed"
            assert stored["parent_asset_id"] == parent["id"]
            assert stored["instruction"] == "make it navy"
            assert stored["metadata"]["editor"]["understood"] is True
            assert stored["png"] != assets[parent["id"]]["png"]
            assert navy_share(stored["png"]) > navy_share(assets[parent["id"]]["png"]) + 0.01
        assert assets[navy[0]["id"]]["png"] != assets[navy[1]["id"]]["png"]
        assert assets[grandchild]["parent_asset_id"] == child
        assert assets[grandchild]["png"] != assets[child]["png"]

        lineage = await client.get(f"{gateway}/api/v1/assets/{grandchild}/lineage", headers=auth)
        assert [a["id"] for a in lineage.json()["lineage"]] == [parent["id"], child, grandchild]

        done = (
            await client.get(f"{gateway}/api/v1/projects/{created['project_id']}", headers=auth)
        ).json()
        assert done["status"] == "completed"
        assert len(done["assets"]) == 4 + 2 + 1


async def test_colours_in_plain_words_are_kept_with_the_project(gateway, services):
    token = dev_token(services.data_dir, "dev")
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{gateway}/api/v1/projects",
            headers=auth,
            data={"brand_name": "Juniper & Ash", "num_candidates": "1"},
            files=[
                ("colors", (None, "navy and gold")),
                ("colors", (None, "like the sea at dawn")),
            ],
        )
        assert response.status_code == 202, response.text
        url = f"{gateway}/api/v1/projects/{response.json()['project_id']}"
        brief = (await client.get(url, headers=auth)).json()["brief"]  # read back from Postgres
    assert brief["color_words"] == ["navy and gold", "like the sea at dawn"]
    assert brief["colors"][:1] == ["#000080"] and len(brief["colors"]) == 2
    assert brief["color_names"] == ["navy", "gold"]
    assert brief["color_notes"] == ["like the sea at dawn"]
