"""GET /api/v1/projects (list), GET /api/v1/projects/{id}, /healthz and /readyz."""

from __future__ import annotations

import uuid

import httpx
import pytest
from grpc_health.v1 import health_pb2

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.app import create_app

DEV = dev_user_id("dev")


async def test_get_project_with_signed_asset_urls(client, auth, fake):
    project = fake.add_project(DEV)
    image = common_pb2.StorageRef(bucket="generated-assets", path=f"{DEV}/{project.id}/a.png")
    project.assets.append(
        common_pb2.Asset(
            id=str(uuid.uuid4()),
            project_id=project.id,
            status=common_pb2.ASSET_STATUS_COMPLETED,
            image=image,
            prompt="a rocket",
            width=512,
            height=512,
            metadata_json="not json",
        )
    )
    project.assets.append(
        common_pb2.Asset(id=str(uuid.uuid4()), project_id=project.id, position=1, status=1)
    )
    response = await client.get(f"/api/v1/projects/{project.id}", headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == project.id
    assert body["status"] == "generating"
    assert body["brief"]["logo_type"] is None
    assert body["error"] is None
    assert body["created_at"].endswith("Z") or "+00:00" in body["created_at"]
    done, queued = body["assets"]
    assert "/api/v1/files/generated-assets/" in done["image_url"]
    assert "signature=" in done["image_url"]
    # The grid's copy: the same signed file, smaller (api/routes/files.py's `size`).
    assert done["thumbnail_url"].startswith(done["image_url"].split("?")[0] + "?")
    assert done["thumbnail_url"].endswith("&size=384")
    assert done["metadata"] == {}
    assert done["parent_asset_id"] is None
    assert queued["status"] == "queued"
    assert queued["image_url"] is None
    assert queued["thumbnail_url"] is None
    assert queued["width"] is None


def _inspiration(user_id, project_id, index: int) -> common_pb2.StorageRef:
    return common_pb2.StorageRef(
        bucket="inspiration-images",
        path=f"{user_id}/{project_id}/inspiration-{index}.png",
        content_type="image/png",
    )


async def test_get_project_signs_its_inspiration_images(client, auth, fake):
    project = fake.add_project(DEV)
    project.inspiration_images.extend([_inspiration(DEV, project.id, 1)])
    project.inspiration_images.extend([_inspiration(DEV, project.id, 2)])
    response = await client.get(f"/api/v1/projects/{project.id}", headers=auth)
    assert response.status_code == 200, response.text
    first, second = response.json()["inspiration_images"]
    assert f"/api/v1/files/inspiration-images/{DEV}/{project.id}/inspiration-1.png?" in first["url"]
    assert "signature=" in first["url"] and "expires=" in first["url"]
    assert second["url"].split("?")[0].endswith("/inspiration-2.png")
    assert first["thumbnail_url"] == f"{first['url']}&size=384"  # shown small, made small


async def test_a_project_without_inspiration_images_lists_none(client, auth, fake):
    project = fake.add_project(DEV)
    response = await client.get(f"/api/v1/projects/{project.id}", headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["inspiration_images"] == []


async def test_inspiration_images_never_sign_another_users_objects(client, auth, fake):
    """A reference outside the project's own folder (another user's or project's image, a
    generated asset's bucket, a path climbing out) is never signed for the caller; and
    another user's project is not found at all."""
    bob = dev_user_id("bob")
    theirs = fake.add_project(bob)
    theirs.inspiration_images.append(_inspiration(bob, theirs.id, 1))
    mine = fake.add_project(DEV)
    mine.inspiration_images.extend(
        [
            _inspiration(bob, theirs.id, 1),
            _inspiration(DEV, theirs.id, 1),
            common_pb2.StorageRef(
                bucket="generated-assets", path=f"{DEV}/{mine.id}/inspiration-1.png"
            ),
            common_pb2.StorageRef(
                bucket="inspiration-images", path=f"{DEV}/{mine.id}/../../{bob}/x.png"
            ),
            _inspiration(DEV, mine.id, 1),
        ]
    )
    response = await client.get(f"/api/v1/projects/{mine.id}", headers=auth)
    assert response.status_code == 200, response.text
    [image] = response.json()["inspiration_images"]
    assert f"/inspiration-images/{DEV}/{mine.id}/inspiration-1.png?" in image["url"]
    assert str(bob) not in response.text
    foreign = await client.get(f"/api/v1/projects/{theirs.id}", headers=auth)
    assert foreign.status_code == 404
    assert str(bob) not in foreign.text and "inspiration-1" not in foreign.text


async def test_get_unknown_and_foreign_project_is_404(client, auth, fake):
    foreign = fake.add_project(dev_user_id("bob"))
    for project_id in (str(uuid.uuid4()), foreign.id):
        response = await client.get(f"/api/v1/projects/{project_id}", headers=auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("bad", ["not-a-uuid", "123", "%00"])
async def test_malformed_project_id_is_422(client, auth, fake, bad):
    response = await client.get(f"/api/v1/projects/{bad}", headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("The path parameter project_id is invalid")
    assert fake.calls == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=5&limit=50", "limit"),
        ("cursor=a&limit=2&cursor=b", "cursor"),
        ("limit=2&limit=2", "limit"),
    ],
)
async def test_a_query_parameter_sent_twice_is_422(client, auth, fake, query, name):
    """Only the last used to be read: `limit=5&limit=50` listed 50 without a word."""
    fake.add_project(DEV)
    response = await client.get(f"/api/v1/projects?{query}", headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == (
        f"The query parameter {name} is invalid: it was sent more than once; send it once."
    )
    assert error["details"] == [
        {"field": name, "location": "query", "message": "sent more than once"}
    ]
    assert fake.calls == []


async def test_a_stream_token_sent_twice_is_422(client, app, fake):
    project = fake.add_project(DEV)
    token = app.state.gateway.tokens.mint_stream_token(
        user_id=DEV, project_id=uuid.UUID(project.id), ttl=60
    )
    url = f"/api/v1/projects/{project.id}/stream?access_token={token}&access_token=x"
    response = await client.get(url)
    assert response.status_code == 422, response.text
    assert "access_token" in response.json()["error"]["message"]
    assert fake.calls == []


async def test_a_project_whose_answer_is_over_grpcs_default_4_mib_is_read(client, auth, fake):
    """A few hundred variations of long instructions make a GetProject answer over 4 MiB:
    the project was then unreadable for good (a 429 quoting "Received message larger than
    max")."""
    project = fake.add_project(DEV)
    prompt = "make it 🎉 " * 1600  # about 17 KB, as a long instruction's variation carries
    for _ in range(300):
        project.assets.append(
            common_pb2.Asset(id=str(uuid.uuid4()), project_id=project.id, prompt=prompt)
        )
    assert project.ByteSize() > 4 * 1024 * 1024
    response = await client.get(f"/api/v1/projects/{project.id}", headers=auth)
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["assets"]) == 300


async def test_list_pages_with_cursor(client, auth, fake):
    for _ in range(3):
        project = fake.add_project(DEV)
        project.assets.append(common_pb2.Asset(id=str(uuid.uuid4()), project_id=project.id))
    first = await client.get("/api/v1/projects?limit=2", headers=auth)
    assert first.status_code == 200
    page = first.json()
    assert len(page["projects"]) == 2
    assert "assets" not in page["projects"][0]
    assert page["next_cursor"]
    second = await client.get(
        f"/api/v1/projects?limit=2&cursor={page['next_cursor']}", headers=auth
    )
    assert len(second.json()["projects"]) == 1
    assert second.json()["next_cursor"] is None


async def test_the_list_says_how_many_logos_each_project_made(client, auth, fake):
    project = fake.add_project(DEV)
    parent = str(uuid.uuid4())
    statuses = [
        ("", common_pb2.ASSET_STATUS_COMPLETED),
        ("", common_pb2.ASSET_STATUS_FAILED),
        ("", common_pb2.ASSET_STATUS_CANCELLED),
        ("", common_pb2.ASSET_STATUS_QUEUED),
        (parent, common_pb2.ASSET_STATUS_COMPLETED),
        (parent, common_pb2.ASSET_STATUS_COMPLETED),
        (parent, common_pb2.ASSET_STATUS_FAILED),
        (parent, common_pb2.ASSET_STATUS_GENERATING),
    ]
    for parent_id, status in statuses:
        project.assets.append(
            common_pb2.Asset(
                id=str(uuid.uuid4()),
                project_id=project.id,
                parent_asset_id=parent_id,
                status=status,
            )
        )
    empty = fake.add_project(DEV)

    response = await client.get("/api/v1/projects", headers=auth)

    assert response.status_code == 200, response.text
    listed = {p["id"]: p for p in response.json()["projects"]}
    assert "assets" not in listed[project.id]
    assert listed[project.id]["counts"] == {
        "candidates_completed": 1,
        "candidates_failed": 1,
        "candidates_cancelled": 1,
        "variations": 4,
        "variations_completed": 2,
        "variations_failed": 1,
    }
    assert set(listed[empty.id]["counts"].values()) == {0}


@pytest.mark.parametrize("cursor", ["zzz", "not%20a%20cursor"])
async def test_list_with_a_bad_cursor_names_the_cursor(client, auth, fake, cursor):
    response = await client.get(f"/api/v1/projects?cursor={cursor}", headers=auth)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_argument"
    assert error["message"].startswith("The cursor is not valid")
    assert "page_token" not in error["message"]


@pytest.mark.parametrize("limit", ["0", "101", "x", "3_0", "3.0", "+3", "true", "٣"])
async def test_list_limit_out_of_range_or_not_digits_is_422(client, auth, fake, limit):
    response = await client.get("/api/v1/projects", params={"limit": limit}, headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"].startswith("The query parameter limit is invalid")
    assert fake.calls == []


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_ok_then_503_naming_the_service(client, fake_server):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["services"] == {
        "prompt": "serving",
        "imagegen": "serving",
        "refine": "serving",
    }
    await fake_server.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    response = await client.get("/readyz")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "not_ready"
    assert {d["service"] for d in error["details"]} == {"prompt", "imagegen", "refine"}


async def test_readyz_with_an_unreachable_service(settings, fake_server):
    app = create_app(settings.model_copy(update={"refine_grpc": "127.0.0.1:1"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    [detail] = response.json()["error"]["details"]
    assert detail["service"] == "refine"
    assert "refine" in response.json()["error"]["message"]
