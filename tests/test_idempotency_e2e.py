"""Idempotency-Key end to end: the real gateway (with its database), services, NATS, Postgres."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from PIL import Image

from logokraft_dev.devtokens import dev_token, dev_user_id
from tests.support import gateway_client


def same_answer(replay: httpx.Response, first: httpx.Response) -> bool:
    """The replay is the first answer, but for the renewed token in its stream_url."""
    if replay.content == first.content:
        return True
    a, b = replay.json(), first.json()
    for body in (a, b):
        body["stream_url"] = body["stream_url"].split("?access_token=")[0]
    return a == b


pytestmark = pytest.mark.e2e


@pytest.fixture
async def http(services, database_url) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway, with DATABASE_URL, in front of the in-process services."""
    async with gateway_client(services, database_url) as client:
        yield client


def png(color: str = "#e76f51") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(out, format="PNG")
    return out.getvalue()


async def scalar(database_url: str, sql: str, *params) -> int:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        row = await (await conn.execute(sql, params)).fetchone()
        return int(row[0])


async def until_completed(http, auth, project_id: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        project = (await http.get(f"/api/v1/projects/{project_id}", headers=auth)).json()
        if project["status"] in ("completed", "failed"):
            return project
        assert time.monotonic() < deadline, "the project did not finish in time"
        await asyncio.sleep(0.1)


async def test_a_retried_create_and_refine_make_one_project_and_one_set_of_variations(
    http, services, database_url
):
    auth = {"Authorization": f"Bearer {dev_token(services.data_dir, 'dev')}"}
    headers = {**auth, "Idempotency-Key": "create-acme-1"}

    async def create() -> httpx.Response:
        return await http.post(
            "/api/v1/projects",
            headers=headers,
            data={"brand_name": "Acme", "num_candidates": "2", "colors": "navy"},
            files=[("inspiration_images", ("mood.png", png(), "image/png"))],
        )

    first, second = await create(), await create()

    assert first.status_code == second.status_code == 202, first.text
    assert same_answer(second, first)
    assert second.headers["Idempotent-Replayed"] == "true"
    user = dev_user_id("dev")
    projects = "select count(*) from brand_projects where user_id = %s"
    assert await scalar(database_url, projects, user) == 1
    inspiration = services.data_dir / "storage" / "inspiration-images" / str(user)
    assert len([p for p in inspiration.rglob("*") if p.is_file()]) == 1

    project = await until_completed(http, auth, first.json()["project_id"])
    assert project["status"] == "completed"
    parent = project["assets"][0]["id"]

    url = f"/api/v1/assets/{parent}/refine"
    body = {"instruction": "make it navy", "num_variations": 2}
    refine_headers = {**auth, "Idempotency-Key": "refine-acme-1"}
    refined = await http.post(url, json=body, headers=refine_headers)
    again = await http.post(url, json=body, headers=refine_headers)

    assert refined.status_code == again.status_code == 202, refined.text
    assert same_answer(again, refined)
    assert again.headers["Idempotent-Replayed"] == "true"
    variations = "select count(*) from generated_assets where parent_asset_id = %s"
    assert await scalar(database_url, variations, parent) == 2

    other = await http.post(url, json={**body, "num_variations": 1}, headers=refine_headers)
    assert other.status_code == 422
    assert await scalar(database_url, variations, parent) == 2

    fresh = await http.post(url, json=body, headers={**auth, "Idempotency-Key": "refine-acme-2"})
    assert fresh.status_code == 202
    assert await scalar(database_url, variations, parent) == 4
    await until_completed(http, auth, first.json()["project_id"])


async def test_keys_are_stored_under_rls_for_their_owner_only(http, services, database_url):
    for name in ("dev", "bob"):
        response = await http.post(
            "/api/v1/projects",
            headers={
                "Authorization": f"Bearer {dev_token(services.data_dir, name)}",
                "Idempotency-Key": "same-key",
            },
            data={"brand_name": name.title(), "num_candidates": "1"},
            files=[("inspiration_images", ("", b"", "application/octet-stream"))],
        )
        assert response.status_code == 202
    async with await psycopg.AsyncConnection.connect(database_url) as conn, conn.transaction():
        await conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            [f'{{"sub": "{dev_user_id("dev")}", "role": "authenticated"}}'],
        )
        await conn.execute("set local role authenticated")
        rows = await (await conn.execute("select user_id from idempotency_keys")).fetchall()
    assert rows == [(dev_user_id("dev"),)]
    assert await scalar(database_url, "select count(*) from idempotency_keys") == 2
