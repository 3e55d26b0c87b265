"""POST /api/v1/assets/{id}/retry against the fake prompt service: what the gateway sends,
answers (202, 404, 409, 429) and replays under an Idempotency-Key."""

from __future__ import annotations

import uuid

import grpc
import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.config import GatewaySettings

DEV = dev_user_id("dev")
BOB = dev_user_id("bob")


@pytest.fixture
def settings(fake_server, data_dir, database_url) -> GatewaySettings:
    """The gateway with a database, so Idempotency-Key is honoured."""
    return GatewaySettings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PUBLIC_URL="http://testserver",
        LOGOKRAFT_PROMPT_GRPC=fake_server.address,
        LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
        LOGOKRAFT_REFINE_GRPC=fake_server.address,
        LOGOKRAFT_GRPC_DEADLINE_SECONDS=5,
        DATABASE_URL=database_url,
    )


def _failed_candidate(fake, owner: uuid.UUID = DEV) -> tuple[common_pb2.Project, common_pb2.Asset]:
    project = fake.add_project(owner)
    project.status = common_pb2.PROJECT_STATUS_FAILED
    asset = common_pb2.Asset(
        id=str(uuid.uuid4()),
        project_id=project.id,
        position=0,
        status=common_pb2.ASSET_STATUS_FAILED,
        prompt="a navy fox",
        error=common_pb2.AssetError(code="provider_refused", message="The provider refused."),
    )
    project.assets.append(asset)
    return project, project.assets[-1]  # the stored one (append copies)


async def test_retry_answers_202_with_the_same_asset_queued_and_the_stream(client, auth, fake):
    project, asset = _failed_candidate(fake)
    response = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=auth)

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["asset_id"] == asset.id and body["project_id"] == project.id
    assert body["asset"]["id"] == asset.id
    assert body["asset"]["status"] == "queued"
    assert body["asset"].get("error") is None
    assert body["stream_url"].startswith(
        f"http://testserver/api/v1/projects/{project.id}/stream?access_token="
    )
    assert fake.calls == ["RetryAsset"]


async def test_retrying_what_is_not_failed_is_409_with_the_services_reason(client, auth, fake):
    _, asset = _failed_candidate(fake)
    asset.status = common_pb2.ASSET_STATUS_COMPLETED
    response = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=auth)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "asset_not_failed"
    assert "only a failed logo" in error["message"]


async def test_another_users_and_unknown_assets_are_404(client, auth, fake):
    _, foreign = _failed_candidate(fake, BOB)
    for asset_id in (foreign.id, str(uuid.uuid4())):
        response = await client.post(f"/api/v1/assets/{asset_id}/retry", headers=auth)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    assert foreign.status == common_pb2.ASSET_STATUS_FAILED


async def test_a_limit_refusal_is_429_with_retry_after(client, auth, fake):
    _, asset = _failed_candidate(fake)
    fake.retry_refusal = (
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "daily_image_limit",
        "You have used 200 of your 200 images for today; more are available in 3 h.",
        "10800",
    )
    response = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=auth)
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == "10800"
    assert response.json()["error"]["code"] == "daily_image_limit"


async def test_an_idempotent_repeat_replays_the_first_answer(client, auth, fake):
    _, asset = _failed_candidate(fake)
    headers = {**auth, "Idempotency-Key": "retry-once-1"}
    first = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=headers)
    second = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=headers)
    assert (first.status_code, second.status_code) == (202, 202), second.text
    assert second.headers.get("idempotent-replayed") == "true"
    assert second.json()["asset"] == first.json()["asset"]
    assert fake.calls.count("RetryAsset") == 1
    # Without the key a repeat reaches the service, which refuses an asset no longer failed.
    third = await client.post(f"/api/v1/assets/{asset.id}/retry", headers=auth)
    assert third.status_code == 409


async def test_retry_needs_a_token_and_a_uuid(client, auth, fake):
    _, asset = _failed_candidate(fake)
    assert (await client.post(f"/api/v1/assets/{asset.id}/retry")).status_code == 401
    bad = await client.post("/api/v1/assets/not-a-uuid/retry", headers=auth)
    assert bad.status_code == 422
    assert fake.calls == []
