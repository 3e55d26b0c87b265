"""Abuse costs the attacker (issue 14), the database's part: idempotency_keys written by
service sessions only and bounded in size, server-set `created_at`, bucket limits, SQL
identifiers composed with psycopg.sql, no privileges left to the API roles by Supabase's
default grants, and signed URLs that stop serving a deleted project's files.

Acting as someone works as in tests/test_rls.py: a rolled-back transaction that sets
`request.jwt.claims` and `set local role`, optionally after `set local session authorization
authenticator` (hosted Supabase's Data API login, not a service session).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from psycopg import errors, sql

from logokraft_dev.devtokens import dev_token, dev_user_id
from logokraft_dev.testing import fresh_database
from logokraft_domain import store
from logokraft_kit.migrate import apply_migrations, find_supabase_dir
from logokraft_kit.storage.paths import BUCKET_LIMITS
from tests.support import gateway_client

ALICE = uuid.UUID("a11ce000-0000-4000-8000-000000000001")
DATA_API_LOGIN = "authenticator"
BODY_LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def db(postgres_server) -> Iterator[psycopg.Connection]:
    """A migrated database with one idempotency key of Alice's; a superuser connection."""
    with (
        fresh_database(postgres_server) as url,
        psycopg.connect(url, autocommit=True) as conn,
    ):
        conn.execute(
            f"""
            do $$ begin
              create role {DATA_API_LOGIN} nologin noinherit;
            exception when duplicate_object then null; end $$;
            grant anon, authenticated to {DATA_API_LOGIN};
            """
        )
        conn.execute(
            """
            insert into idempotency_keys (user_id, key, endpoint, request_hash)
            values (%s, 'alice-key', 'POST /api/v1/projects', repeat('a', 64))
            """,
            [ALICE],
        )
        yield conn


@contextmanager
def acting(
    conn: psycopg.Connection,
    *,
    login: str | None = None,
    supabase_grants: bool = False,
    role: str = "authenticated",
) -> Iterator[psycopg.Connection]:
    """A rolled-back transaction as Alice's JWT (`authenticated`), optionally through the
    Data API login and with hosted Supabase's default grants (ALL to the API roles)."""
    with conn.transaction(force_rollback=True):
        if supabase_grants:
            conn.execute(
                "grant all on all tables in schema public to anon, authenticated, service_role"
            )
        if login is not None:
            conn.execute(
                sql.SQL("set local session authorization {}").format(sql.Identifier(login))
            )
        claims = {"sub": str(ALICE), "role": role}
        conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        yield conn


WRITES = {
    "insert": """insert into idempotency_keys (user_id, key, endpoint, request_hash)
                 values (%(alice)s, 'forged', 'POST /api/v1/projects', repeat('b', 64))""",
    "update": """update idempotency_keys set created_at = now() + interval '10 years'
                 where user_id = %(alice)s""",
    "delete": "delete from idempotency_keys where user_id = %(alice)s",
}
SESSIONS = {
    "service_login": {},
    "data_api": {"login": DATA_API_LOGIN},
    "data_api_with_supabase_grants": {"login": DATA_API_LOGIN, "supabase_grants": True},
}


# ---- 1. idempotency_keys: service sessions only ---------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("session", SESSIONS)
@pytest.mark.parametrize("operation", WRITES)
def test_a_users_jwt_cannot_write_idempotency_keys(db, operation: str, session: str) -> None:
    """As `authenticated` with Alice's claims, whichever login: no write reaches her keys."""
    with acting(db, **SESSIONS[session]) as conn:
        try:
            cursor = conn.execute(WRITES[operation], {"alice": ALICE})
        except errors.InsufficientPrivilege:
            return  # permission denied (no grant), or RLS refusing the insert
        assert operation != "insert", "the insert went through"
        assert cursor.rowcount == 0, f"{operation} changed Alice's key"


@pytest.mark.integration
def test_the_owner_still_reads_their_own_keys(db) -> None:
    with acting(db, login=DATA_API_LOGIN) as conn:
        rows = conn.execute("select key from idempotency_keys").fetchall()
    assert rows == [("alice-key",)]


@pytest.mark.integration
def test_anon_cannot_touch_idempotency_keys_even_with_supabase_grants(db) -> None:
    with acting(db, login=DATA_API_LOGIN, supabase_grants=True, role="anon") as conn:
        assert conn.execute("select * from idempotency_keys").fetchall() == []
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(WRITES["insert"], {"alice": ALICE})


@pytest.mark.integration
def test_an_oversized_response_body_is_refused_even_for_the_service(db) -> None:
    with db.transaction(force_rollback=True):
        db.execute(
            """
            update idempotency_keys set state = 'done', status_code = 202,
                response_headers = '[]', response_body = %s
            where user_id = %s
            """,
            [b"x" * BODY_LIMIT, ALICE],
        )
    with db.transaction(force_rollback=True), pytest.raises(errors.CheckViolation):
        db.execute(
            """
            update idempotency_keys set state = 'done', status_code = 202,
                response_headers = '[]', response_body = %s
            where user_id = %s
            """,
            [b"x" * (BODY_LIMIT + 1), ALICE],
        )


@pytest.mark.integration
def test_oversized_or_malformed_headers_are_refused_even_for_the_service(db) -> None:
    for headers in (json.dumps([["x-pad", "y" * 20000]]), '{"not": "a list"}'):
        with db.transaction(force_rollback=True), pytest.raises(errors.CheckViolation):
            db.execute(
                "update idempotency_keys set response_headers = %s::jsonb where user_id = %s",
                [headers, ALICE],
            )


@pytest.mark.integration
def test_created_at_is_the_servers_clock(db) -> None:
    """A chosen created_at is ignored on insert, and never moved into the future."""
    with db.transaction(force_rollback=True):
        row = db.execute(
            """
            insert into idempotency_keys (user_id, key, endpoint, request_hash, created_at)
            values (%s, 'future', 'POST /api/v1/projects', repeat('c', 64),
                    now() + interval '10 years')
            returning created_at <= now() as ok
            """,
            [ALICE],
        ).fetchone()
        assert row[0], "a future created_at was kept on insert"
        row = db.execute(
            """
            update idempotency_keys set created_at = now() + interval '10 years'
            where key = 'future' returning created_at <= now()
            """
        ).fetchone()
        assert row[0], "an update moved created_at into the future"
        row = db.execute(
            """
            update idempotency_keys set created_at = now() - interval '25 hours'
            where key = 'future' returning created_at < now() - interval '1 day'
            """
        ).fetchone()
        assert row[0], "moving created_at back (the purge sooner) is allowed"


# ---- 3. storage buckets ---------------------------------------------------------------------


@pytest.mark.integration
def test_buckets_have_the_limits_the_local_backend_enforces(db) -> None:
    rows = db.execute(
        "select id, file_size_limit, allowed_mime_types from storage.buckets"
    ).fetchall()
    assert {id_: (size, tuple(types or ())) for id_, size, types in rows} == BUCKET_LIMITS


# ---- 2. identifiers composed with psycopg.sql ------------------------------------------------


class _NoDatabase:
    async def execute(self, *args, **kwargs):
        raise AssertionError("a statement with an unknown column reached the database")


@pytest.mark.parametrize(
    "name", ["no_such_column", "status = 'completed', user_id", 'status" = 1; --']
)
async def test_an_unknown_column_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown column"):
        await store.update_asset(_NoDatabase(), uuid.uuid4(), **{name: "x"})


def test_update_statements_quote_their_identifiers() -> None:
    statement = store._update_statement(
        "brand_projects", {"status": 1, "error_code": 2}, store.PROJECT_COLUMNS
    )
    assert statement == 'update "brand_projects" set "status" = %s, "error_code" = %s where id = %s'
    # A name that is not a plain identifier never reaches the text, even from an allowlist.
    hostile = 'status" = null, "user_id'
    with pytest.raises(ValueError, match="not a plain name"):
        store._update_statement("brand_projects", {hostile: 1}, frozenset({hostile}))
    with pytest.raises(ValueError, match="unknown columns"):
        store._update_statement("brand_projects", {hostile: 1}, store.PROJECT_COLUMNS)


# ---- 5. Supabase's default privileges --------------------------------------------------------


@pytest.mark.integration
def test_no_api_role_keeps_what_supabases_default_privileges_grant(postgres_server) -> None:
    """Migrate a database with Supabase's default privileges (ALL on new public tables and
    functions to anon, authenticated and service_role): afterwards the API roles hold no
    write on the usage ledger, nothing on the migration ledger, no EXECUTE on the trigger
    functions, and no write on idempotency_keys."""
    name = "t_" + uuid.uuid4().hex[:12]
    supabase = find_supabase_dir()
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = postgres_server.url_for(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for shim in sorted((supabase / "shim").glob("*.sql")):
                conn.execute(shim.read_text().encode())
            conn.execute(
                """
                alter default privileges in schema public
                  grant all on tables to anon, authenticated, service_role;
                alter default privileges in schema public
                  grant all on functions to anon, authenticated, service_role;
                """
            )
        apply_migrations(url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim")
        with psycopg.connect(url, autocommit=True) as conn:
            held = conn.execute(
                """
                select r.role, t.tbl, p.priv
                from (values ('anon'), ('authenticated'), ('service_role')) r (role)
                cross join (values ('public.image_usage'), ('public.logokraft_schema_migrations'),
                                   ('public.idempotency_keys')) t (tbl)
                cross join (values ('insert'), ('update'), ('delete'), ('truncate')) p (priv)
                where has_table_privilege(r.role, t.tbl, p.priv)
                """
            ).fetchall()
            assert held == [], f"API roles keep table privileges: {held}"
            ledger_reads = conn.execute(
                """
                select r from unnest(array['anon', 'authenticated', 'service_role']) r
                where has_table_privilege(r, 'public.logokraft_schema_migrations', 'select')
                """
            ).fetchall()
            assert ledger_reads == []
            executes = conn.execute(
                """
                select r, f from unnest(array['anon', 'authenticated', 'service_role']) r,
                  unnest(array['public.logokraft_count_image_usage()',
                               'public.logokraft_idempotency_server_time()',
                               'public.touch_updated_at()']) f
                where has_function_privilege(r, f, 'execute')
                """
            ).fetchall()
            assert executes == [], f"API roles may execute trigger functions: {executes}"
    finally:
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


# ---- 4. signed URLs of a deleted project ------------------------------------------------------


@pytest.fixture
async def http(services, database_url) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway, with DATABASE_URL, in front of the in-process services."""
    async with gateway_client(services, database_url) as client:
        yield client


@pytest.mark.e2e
async def test_a_signed_url_stops_serving_once_its_project_is_deleted(
    http, services, database_url
) -> None:
    auth = {"Authorization": f"Bearer {dev_token(services.data_dir, 'dev')}"}
    created = await http.post(
        "/api/v1/projects",
        headers=auth,
        data={"brand_name": "Acme", "num_candidates": "1"},
        files=[("inspiration_images", ("", b"", "application/octet-stream"))],
    )
    assert created.status_code == 202, created.text
    project_id = created.json()["project_id"]
    deadline = time.monotonic() + 60
    while True:
        project = (await http.get(f"/api/v1/projects/{project_id}", headers=auth)).json()
        if project["status"] in ("completed", "failed"):
            break
        assert time.monotonic() < deadline, "the project did not finish in time"
        await asyncio.sleep(0.1)
    image_url = project["assets"][0]["image_url"]
    parts = urlsplit(image_url)
    local = f"{parts.path}?{parts.query}"
    assert (await http.get(local)).status_code == 200

    # The owner deletes the project through the Data API (RLS lets them).
    async with await psycopg.AsyncConnection.connect(database_url) as conn, conn.transaction():
        claims = json.dumps({"sub": str(dev_user_id("dev")), "role": "authenticated"})
        await conn.execute("select set_config('request.jwt.claims', %s, true)", [claims])
        await conn.execute("set local role authenticated")
        cursor = await conn.execute("delete from brand_projects where id = %s", [project_id])
        assert cursor.rowcount == 1

    gone = await http.get(local)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "file_not_found"


# ---- 5. the shim only where Supabase's auth.uid() does not exist ------------------------------


SUPABASE_LIKE = """
create schema if not exists auth;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create schema if not exists storage;
create table if not exists storage.buckets (
  id text primary key, name text not null unique, public boolean default false,
  file_size_limit bigint, allowed_mime_types text[]
);
"""


@pytest.mark.integration
def test_the_shim_is_not_applied_where_auth_uid_already_exists(postgres_server) -> None:
    """A database with Supabase's own auth functions keeps them; the migrations still apply."""
    name = "t_" + uuid.uuid4().hex[:12]
    supabase = find_supabase_dir()
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = postgres_server.url_for(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SUPABASE_LIKE.encode())
        applied = apply_migrations(
            url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )
        assert applied and not [v for v in applied if v.startswith("shim/")], applied
        with psycopg.connect(url, autocommit=True) as conn:
            # Supabase's auth.jwt() is NULL without claims; the shim's would be '{}'.
            assert conn.execute("select auth.jwt()").fetchone()[0] is None
            assert conn.execute("select to_regclass('auth.users')").fetchone()[0] is None
        assert (
            apply_migrations(
                url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
            )
            == []
        )
    finally:
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
