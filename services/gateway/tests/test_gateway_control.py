"""POST /api/v1/projects/{id}/cancel, DELETE /api/v1/projects/{id} and GET /api/v1/usage
against the fake prompt service: what the gateway sends, answers and documents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id

DEV = dev_user_id("dev")
BOB = dev_user_id("bob")


def _asset(project: common_pb2.Project, position: int, status: int) -> common_pb2.Asset:
    asset = common_pb2.Asset(
        id=str(uuid.uuid4()), project_id=project.id, position=position, status=status
    )
    project.assets.append(asset)
    return asset


async def test_cancel_answers_the_cancelled_project_and_a_repeat_is_200(client, auth, fake):
    project = fake.add_project(DEV)
    _asset(project, 0, common_pb2.ASSET_STATUS_COMPLETED)
    _asset(project, 1, common_pb2.ASSET_STATUS_QUEUED)
    for _ in range(2):
        response = await client.post(f"/api/v1/projects/{project.id}/cancel", headers=auth)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == project.id
        assert body["status"] == "cancelled"
        assert [a["status"] for a in body["assets"]] == ["completed", "cancelled"]
    assert fake.calls.count("CancelProject") == 2


async def test_cancel_of_a_finished_project_is_409_in_the_error_shape(client, auth, fake):
    project = fake.add_project(DEV)
    project.status = common_pb2.PROJECT_STATUS_COMPLETED
    response = await client.post(f"/api/v1/projects/{project.id}/cancel", headers=auth)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "failed_precondition"
    assert "already finished" in error["message"]
    assert error["message"].endswith(".")


async def test_another_users_project_is_404_for_cancel_and_delete(client, auth, fake):
    foreign = fake.add_project(BOB)
    cancel = await client.post(f"/api/v1/projects/{foreign.id}/cancel", headers=auth)
    delete = await client.delete(f"/api/v1/projects/{foreign.id}", headers=auth)
    assert (cancel.status_code, delete.status_code) == (404, 404)
    assert cancel.json()["error"]["code"] == "not_found"
    assert foreign.id in fake.projects
    assert fake.projects[foreign.id].status == common_pb2.PROJECT_STATUS_GENERATING


async def test_delete_is_204_without_a_body_and_a_second_delete_is_404(client, auth, fake):
    project = fake.add_project(DEV)
    first = await client.delete(f"/api/v1/projects/{project.id}", headers=auth)
    assert first.status_code == 204, first.text
    assert first.content == b""
    assert project.id not in fake.projects
    second = await client.delete(f"/api/v1/projects/{project.id}", headers=auth)
    assert second.status_code == 404
    assert second.json()["error"]["code"] == "not_found"


async def test_control_routes_need_a_token_and_a_uuid(client, auth, fake):
    project = fake.add_project(DEV)
    assert (await client.post(f"/api/v1/projects/{project.id}/cancel")).status_code == 401
    assert (await client.delete(f"/api/v1/projects/{project.id}")).status_code == 401
    assert (await client.get("/api/v1/usage")).status_code == 401
    bad = await client.post("/api/v1/projects/not-a-uuid/cancel", headers=auth)
    assert bad.status_code == 422
    assert "CancelProject" not in fake.calls


async def test_usage_is_the_callers_and_converts_resets_at(client, auth, fake):
    resets = Timestamp()
    resets.FromDatetime(datetime(2026, 12, 6, 5, 0, 0, tzinfo=UTC))
    fake.usage = common_pb2.Usage(
        images_used=7,
        images_limit=200,
        projects_in_flight=1,
        projects_in_flight_limit=3,
        window_seconds=86400,
        resets_at=resets,
    )
    response = await client.get("/api/v1/usage", headers=auth)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "images_used": 7,
        "images_limit": 200,
        "projects_in_flight": 1,
        "projects_in_flight_limit": 3,
        "window_seconds": 86400,
        "resets_at": "2026-12-06T05:00:00Z",
    }
    assert fake.usage_user == str(DEV)


async def test_usage_without_anything_counted_has_no_resets_at(client, auth, fake):
    response = await client.get("/api/v1/usage", headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["resets_at"] is None
    assert response.json()["images_used"] == 0


async def test_openapi_documents_the_control_routes(app):
    paths = app.openapi()["paths"]
    cancel = paths["/api/v1/projects/{project_id}/cancel"]["post"]
    delete = paths["/api/v1/projects/{project_id}"]["delete"]
    usage = paths["/api/v1/usage"]["get"]
    for operation in (cancel, delete, usage):
        assert operation["summary"]
        assert "401" in operation["responses"]
    assert {"404", "409"} <= set(cancel["responses"])
    assert "204" in delete["responses"] and "404" in delete["responses"]
    error = cancel["responses"]["409"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ErrorResponse")
    schema = usage["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/UsagePublic")
