"""A deleted project's or asset's stored files are removed, and their signed URLs stop working.

Real Postgres with the migrations (the triggers queue the files), Supabase Storage through the
real supabase-py client against the fake storage API (whose signed URLs serve until the
object is removed, as Supabase's do), and the GarbageCollector the prompt service runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from logokraft_domain import store
from logokraft_domain.garbage import GarbageCollector
from logokraft_domain.jobs import drawing_of
from logokraft_fakes import serve_asgi
from logokraft_fakes.supabase_storage import FakeSupabaseStorage
from logokraft_kit.db import Database
from logokraft_kit.storage import GENERATED_BUCKET, INSPIRATION_BUCKET, StorageError
from logokraft_kit.storage._base import BUCKETS
from logokraft_kit.storage.paths import asset_path
from logokraft_kit.storage.supabase import SupabaseStorage

pytestmark = pytest.mark.integration

KEY = "service-role-key-for-tests"
ALICE = uuid.UUID("a11ce000-0000-4000-8000-0000000000a1")


@dataclass
class Setup:
    db: Database
    storage: SupabaseStorage
    fake: FakeSupabaseStorage
    http: httpx.AsyncClient
    collector: GarbageCollector


@pytest.fixture
async def s(database_url) -> AsyncIterator[Setup]:
    fake = FakeSupabaseStorage(service_role_key=KEY, buckets=BUCKETS)
    db = Database(database_url)
    await db.open()
    async with serve_asgi(fake.app) as base_url, httpx.AsyncClient() as http:
        storage = await SupabaseStorage.create(url=base_url, service_role_key=KEY)
        try:
            yield Setup(db, storage, fake, http, GarbageCollector(db, storage))
        finally:
            await storage.aclose()
            await db.close()


async def project_with_files(s: Setup) -> tuple[uuid.UUID, list[uuid.UUID], dict[str, tuple]]:
    """Alice's project: an inspiration image, a candidate (PNG + SVG master), a variation,
    and both assets' brand kits (cached beside their images once downloaded)."""
    project = uuid.uuid4()
    folder = f"{ALICE}/{project}"
    files = {
        "inspiration": (INSPIRATION_BUCKET, f"{folder}/inspiration-0.png"),
        "candidate": (GENERATED_BUCKET, f"{folder}/c.png"),
        "candidate_svg": (GENERATED_BUCKET, f"{folder}/c.svg"),
        "variation": (GENERATED_BUCKET, f"{folder}/v.png"),
        "candidate_kit": (GENERATED_BUCKET, f"{folder}/c.kit.zip"),
        "variation_kit": (GENERATED_BUCKET, f"{folder}/v.kit.zip"),
    }
    kinds = {".svg": "image/svg+xml", ".zip": "application/zip"}
    for bucket, path in files.values():
        kind = kinds.get(path[path.rfind(".") :], "image/png")
        await s.storage.put(bucket, path, b"bytes of " + path.encode(), content_type=kind)
    async with s.db.as_service() as conn:
        await conn.execute(
            """
            insert into brand_projects (id, user_id, brand_name, num_candidates, status,
                                        prompts_written, inspiration_paths)
            values (%s, %s, 'Acme', 1, 'completed', true, %s)
            """,
            [project, ALICE, [files["inspiration"][1]]],
        )
        candidate = await insert_asset(
            conn, project, files["candidate"][1], {"svg_path": files["candidate_svg"][1]}
        )
        variation = await insert_asset(conn, project, files["variation"][1], {}, parent=candidate)
    return project, [candidate, variation], files


async def insert_asset(conn, project, path, metadata, *, parent=None) -> uuid.UUID:
    cursor = await conn.execute(
        """
        insert into generated_assets (project_id, user_id, parent_asset_id, position, status,
                                      storage_bucket, storage_path, mime_type, metadata)
        values (%s, %s, %s, %s, 'completed', %s, %s, 'image/png', %s)
        returning id
        """,
        [project, ALICE, parent, 1 if parent else 0, GENERATED_BUCKET, path, Jsonb(metadata)],
    )
    row = await cursor.fetchone()
    return row["id"]


async def serves(s: Setup, url: str) -> bool:
    response = await s.http.get(url)
    assert response.status_code in (200, 400, 404), response.text
    return response.status_code == 200


async def queued(s: Setup) -> list[tuple[str, str]]:
    async with s.db.as_service() as conn:
        cursor = await conn.execute("select bucket, path from storage_garbage order by id")
        return [(row["bucket"], row["path"]) for row in await cursor.fetchall()]


async def test_deleting_a_project_as_its_owner_removes_every_file_and_kills_its_urls(s):
    project, _, files = await project_with_files(s)
    urls = {
        name: await s.storage.signed_url(bucket, path, expires_in=3600)
        for name, (bucket, path) in files.items()
    }
    for name in files:
        assert await serves(s, urls[name]), name

    # As the Data API would: the owner's JWT under RLS, no LogoKraft code involved.
    async with s.db.as_user(ALICE) as conn:
        await conn.execute("delete from brand_projects where id = %s", [project])

    assert sorted(await queued(s)) == sorted(files.values())
    assert await s.collector.collect_all() == 6
    assert await queued(s) == []
    for name, key in files.items():
        assert key not in s.fake.objects, name
        assert not await serves(s, urls[name]), name


async def test_deleting_one_variation_removes_its_files_only(s):
    _, (_, variation), files = await project_with_files(s)
    async with s.db.as_service() as conn:
        await conn.execute("delete from generated_assets where id = %s", [variation])
    assert await s.collector.collect_all() == 2  # its image and its brand kit
    assert files["variation"] not in s.fake.objects
    assert files["variation_kit"] not in s.fake.objects
    for name in ("inspiration", "candidate", "candidate_svg", "candidate_kit"):
        assert files[name] in s.fake.objects, name


async def test_files_stay_queued_while_storage_refuses_and_go_on_the_next_pass(s, monkeypatch):
    project, _, files = await project_with_files(s)
    async with s.db.as_service() as conn:
        await conn.execute("delete from brand_projects where id = %s", [project])

    async def refused(bucket, paths):
        raise StorageError("storage is down")

    with monkeypatch.context() as patched:
        patched.setattr(s.storage, "delete", refused)
        with pytest.raises(StorageError):
            await s.collector.collect_once()
    assert len(await queued(s)) == 6  # nothing lost

    assert await s.collector.collect_all() == 6
    assert not any(key in s.fake.objects for key in files.values())


async def test_a_nudge_collects_without_waiting_for_the_interval(s):
    collector = GarbageCollector(s.db, s.storage, interval_s=3600)
    collected = asyncio.Event()
    collect_all = collector.collect_all

    async def signalling() -> int:
        removed = await collect_all()
        if removed:
            collected.set()
        return removed

    collector.collect_all = signalling  # type: ignore[method-assign]
    project, _, files = await project_with_files(s)
    runner = asyncio.create_task(collector.run())
    try:
        async with s.db.as_service() as conn:
            await conn.execute("delete from brand_projects where id = %s", [project])
        collector.nudge()
        await asyncio.wait_for(collected.wait(), 10)  # not the hour of the interval
    finally:
        await collector.stop()
        await runner
    assert await queued(s) == []
    assert not any(key in s.fake.objects for key in files.values())


async def test_a_kit_never_built_is_queued_and_its_removal_is_harmless(s):
    """The trigger queues an asset's kit key whether or not the kit was ever downloaded."""
    project = uuid.uuid4()
    path = f"{ALICE}/{project}/a.png"
    await s.storage.put(GENERATED_BUCKET, path, b"png", content_type="image/png")
    async with s.db.as_service() as conn:
        await conn.execute(
            """
            insert into brand_projects (id, user_id, brand_name, num_candidates, status,
                                        prompts_written)
            values (%s, %s, 'Acme', 1, 'completed', true)
            """,
            [project, ALICE],
        )
        asset = await insert_asset(conn, project, path, {})
        await conn.execute("delete from generated_assets where id = %s", [asset])
    assert sorted(await queued(s)) == [
        (GENERATED_BUCKET, f"{ALICE}/{project}/a.kit.zip"),
        (GENERATED_BUCKET, path),
    ]
    assert await s.collector.collect_all() == 2
    assert await queued(s) == [] and (GENERATED_BUCKET, path) not in s.fake.objects


async def drawn_candidate(s: Setup) -> tuple[uuid.UUID, uuid.UUID]:
    """Alice's project with one candidate being drawn (no file named); (project, asset)."""
    project = uuid.uuid4()
    async with s.db.as_service() as conn:
        await conn.execute(
            """
            insert into brand_projects (id, user_id, brand_name, num_candidates, status,
                                        prompts_written)
            values (%s, %s, 'Acme', 1, 'generating', true)
            """,
            [project, ALICE],
        )
        cursor = await conn.execute(
            """
            insert into generated_assets (project_id, user_id, position, status, attempts)
            values (%s, %s, 0, 'generating', 1) returning id
            """,
            [project, ALICE],
        )
        row = await cursor.fetchone()
    return project, row["id"]


async def end_drawing(s: Setup, asset: uuid.UUID, status: str = "failed") -> None:
    """The drawing ends without an image: its attempts used up, or the project cancelled."""
    async with s.db.as_service() as conn:
        await conn.execute("update generated_assets set status = %s where id = %s", [status, asset])


async def store_drawing(s: Setup, project, asset, retried_at) -> list[tuple[str, str]]:
    """What a worker of that drawing stores before it dies uncommitted: its PNG and SVG."""
    keys = []
    for ext, kind in (("png", "image/png"), ("svg", "image/svg+xml")):
        path = asset_path(ALICE, project, asset, ext, drawing=drawing_of(retried_at))
        await s.storage.put(GENERATED_BUCKET, path, b"orphan", content_type=kind)
        keys.append((GENERATED_BUCKET, path))
    return keys


async def age_the_queue(s: Setup, seconds: float) -> None:
    async with s.db.as_service() as conn:
        await conn.execute(
            "update storage_garbage set queued_at = queued_at - make_interval(secs => %s)",
            [seconds],
        )


async def retry(s: Setup, asset: uuid.UUID) -> dt.datetime:
    """Queue the failed asset again, as a retry does; its new drawing's `retried_at`."""
    async with s.db.as_service() as conn:
        row = await store.requeue_failed_asset(conn, asset, first_lane=True)
        await conn.execute(
            "update generated_assets set status = 'generating' where id = %s", [asset]
        )
    return row["retried_at"]


@pytest.mark.parametrize("ended", ["failed", "cancelled"])
async def test_files_a_dead_worker_stored_go_once_their_drawing_ends_past_the_grace(s, ended):
    """A worker stored the drawing's files and died before naming them; the asset then failed
    (or its project was cancelled): the files go, but only after the grace (a worker of that
    drawing may still be about to store them); the row stays."""
    project, asset = await drawn_candidate(s)
    orphans = await store_drawing(s, project, asset, None)
    await end_drawing(s, asset, ended)
    assert sorted(await queued(s)) == sorted(orphans)

    collector = GarbageCollector(s.db, s.storage, grace_s=600)
    assert await collector.collect_all() == 0  # within the grace: a worker may yet store them
    assert all(key in s.fake.objects for key in orphans)

    await age_the_queue(s, 601)
    assert await collector.collect_all() == 2
    assert not any(key in s.fake.objects for key in orphans)
    assert await queued(s) == []


async def test_each_abandoned_drawing_of_a_retried_asset_is_collected_and_the_current_kept(s):
    """Two drawings each stored files and died, each failed and was retried; the third,
    in progress, keeps its files."""
    project, asset = await drawn_candidate(s)
    orphans = await store_drawing(s, project, asset, None)
    await end_drawing(s, asset)
    first_retry = await retry(s, asset)
    orphans += await store_drawing(s, project, asset, first_retry)
    await end_drawing(s, asset)
    current = await retry(s, asset)
    kept = await store_drawing(s, project, asset, current)
    assert sorted(await queued(s)) == sorted(orphans)

    await age_the_queue(s, 601)
    assert await GarbageCollector(s.db, s.storage, grace_s=600).collect_all() == 4
    assert not any(key in s.fake.objects for key in orphans)
    assert all(key in s.fake.objects for key in kept)


async def test_deleting_an_asset_in_flight_collects_what_its_drawing_stored(s):
    """A candidate being drawn is deleted (its project with it): what its drawing stored
    goes too, after the grace."""
    project, asset = await drawn_candidate(s)
    orphans = await store_drawing(s, project, asset, None)
    async with s.db.as_service() as conn:
        await conn.execute("delete from brand_projects where id = %s", [project])
    assert sorted(await queued(s)) == sorted(orphans)
    collector = GarbageCollector(s.db, s.storage, grace_s=600)
    assert await collector.collect_all() == 0
    await age_the_queue(s, 601)
    assert await collector.collect_all() == 2
    assert not any(key in s.fake.objects for key in orphans)


async def test_a_completed_asset_queues_nothing_until_it_is_deleted(s):
    """Completing names the drawing's files: nothing is queued for them then."""
    project, asset = await drawn_candidate(s)
    async with s.db.as_service() as conn:
        await conn.execute(
            "update generated_assets set status = 'completed', storage_bucket = %s,"
            " storage_path = %s where id = %s",
            [GENERATED_BUCKET, asset_path(ALICE, project, asset, "png"), asset],
        )
    assert await queued(s) == []


async def test_the_trigger_derives_the_keys_the_workers_store_under(s):
    """The migration's key of a drawing is asset_path's, to the microsecond."""
    project, asset = await drawn_candidate(s)
    retried_at = dt.datetime(2026, 12, 7, 5, 1, 2, 345678, tzinfo=dt.UTC)
    async with s.db.as_service() as conn:
        await conn.execute(
            "update generated_assets set retried_at = %s where id = %s", [retried_at, asset]
        )
    await end_drawing(s, asset)
    drawing = drawing_of(retried_at)
    assert await queued(s) == [  # in queue order
        (GENERATED_BUCKET, asset_path(ALICE, project, asset, ext, drawing=drawing))
        for ext in ("png", "svg")
    ]


async def test_users_cannot_read_or_write_the_queue(s):
    claims = json.dumps({"sub": str(ALICE), "role": "authenticated"})
    for statement in (
        "select * from storage_garbage",
        "insert into storage_garbage (bucket, path) values ('generated-assets', 'x')",
        "delete from storage_garbage",
    ):
        for role in ("authenticated", "anon"):
            async with s.db.as_service() as conn:
                await conn.execute("select set_config('request.jwt.claims', %s, true)", [claims])
                await conn.execute(f"set local role {role}")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    await conn.execute(statement)
