"""Migrations against a real Postgres: applied once, in order, with RLS on every table."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from logokraft_kit.migrate import apply_migrations, find_supabase_dir, main

pytestmark = pytest.mark.integration


def act_as(conn: psycopg.Connection, role: str, user_id: uuid.UUID | None = None) -> None:
    """Inside a transaction, become an API role (and a user), as the services and PostgREST do."""
    claims = {"role": role, **({"sub": str(user_id)} if user_id else {})}
    conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
    conn.execute(f"set local role {role}")


def insert_project(conn: psycopg.Connection, owner: uuid.UUID) -> uuid.UUID:
    """Create a brand project as `owner`; return its id."""
    with conn.transaction():
        act_as(conn, "authenticated", owner)
        row = conn.execute(
            "insert into brand_projects (brand_name) values ('Acme') returning id, user_id"
        ).fetchone()
    assert row is not None and row[1] == owner
    return row[0]


def visible_to_anon(conn: psycopg.Connection) -> list[tuple[object, ...]]:
    """What an anonymous caller sees of brand_projects (being refused counts as nothing)."""
    try:
        with conn.transaction():
            act_as(conn, "anon")
            return conn.execute("select id from brand_projects").fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return []


def test_a_fresh_database_gets_everything_then_nothing(postgres_server, tmp_path: Path) -> None:
    # The template was migrated already; a brand-new database shows the full run.
    with psycopg.connect(postgres_server.url, autocommit=True) as conn:
        conn.execute("create database migrate_fresh")
    url = postgres_server.url_for("migrate_fresh")
    supabase = find_supabase_dir()
    try:
        first = apply_migrations(
            url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )
        expected = [f"shim/{p.name}" for p in sorted((supabase / "shim").glob("*.sql"))]
        expected += [p.name for p in sorted((supabase / "migrations").glob("*.sql"))]
        assert first == expected
        again = apply_migrations(
            url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )
        assert again == []
    finally:
        with psycopg.connect(postgres_server.url, autocommit=True) as conn:
            conn.execute("drop database migrate_fresh with (force)")


def test_new_files_apply_in_name_order_each_once(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "20990102_second.sql").write_text("insert into ordering values ('second');")
    (tmp_path / "20990101_first.sql").write_text(
        "create table ordering (name text); insert into ordering values ('first');"
    )
    applied = apply_migrations(database_url, migrations_dir=tmp_path, shim_dir=None)
    assert applied == ["20990101_first.sql", "20990102_second.sql"]
    assert apply_migrations(database_url, migrations_dir=tmp_path, shim_dir=None) == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select name from ordering").fetchall() == [("first",), ("second",)]


def test_a_failing_file_is_rolled_back_and_not_recorded(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "20990101_broken.sql").write_text("create table half (id int); select 1/0;")
    with pytest.raises(psycopg.errors.DivisionByZero):
        apply_migrations(database_url, migrations_dir=tmp_path, shim_dir=None)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('public.half')").fetchone() == (None,)
        versions = conn.execute("select version from logokraft_schema_migrations").fetchall()
    assert ("20990101_broken.sql",) not in versions


def test_cli_applies_pending_migrations(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", database_url]) == 0
    assert "applied 0 file(s)" in capsys.readouterr().out  # the template had them all


def test_rls_is_enabled_on_every_public_table(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "select c.relname, c.relrowsecurity from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relkind in ('r', 'p')"
        ).fetchall()
    assert {"brand_projects", "generated_assets"} <= {name for name, _ in tables}
    assert [name for name, secured in tables if not secured] == []


def test_rls_keeps_one_users_projects_from_another(database_url: str) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(database_url) as conn:
        project = insert_project(conn, alice)
        with conn.transaction():
            act_as(conn, "authenticated", bob)
            assert conn.execute("select * from brand_projects").fetchall() == []
            updated = conn.execute("update brand_projects set brand_name = 'Mine'")
            assert updated.rowcount == 0
            assert conn.execute("delete from brand_projects").rowcount == 0
        assert visible_to_anon(conn) == []
        with conn.transaction():
            act_as(conn, "authenticated", alice)
            rows = conn.execute("select id, brand_name from brand_projects").fetchall()
    assert rows == [(project, "Acme")]


def test_rls_refuses_a_row_claimed_for_someone_else(database_url: str) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(database_url) as conn, conn.transaction():
        act_as(conn, "authenticated", bob)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into brand_projects (brand_name, user_id) values ('Fake', %s)", [alice]
            )


# ---- the shim: Supabase's behaviour, brought to databases shimmed by older versions ----------

SHIM = "00_auth_storage_shim.sql"
# What earlier versions of the shim left behind: NOINHERIT API roles and an auth.jwt() of '{}'.
OLDER_SHIM = """
alter role anon noinherit;
alter role authenticated noinherit;
alter role service_role noinherit;
alter role authenticator inherit;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;
drop function if exists auth.email();
drop table if exists storage.objects;
"""
ROLE_ATTRIBUTES = """
select rolname, rolinherit from pg_roles
where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname
"""
SUPABASE_ATTRIBUTES = [
    ("anon", True),
    ("authenticated", True),
    ("authenticator", False),
    ("service_role", True),
]


def test_the_shim_brings_an_older_shims_database_up_to_date(database_url: str) -> None:
    """Applied again (twice) over what older versions left, the shim leaves Supabase's roles
    and functions. The roles are the cluster's: restored afterwards whatever happens."""
    shim = (find_supabase_dir() / "shim" / SHIM).read_bytes()
    with psycopg.connect(database_url, autocommit=True) as conn:
        try:
            conn.execute(OLDER_SHIM)
            assert conn.execute("select auth.jwt()").fetchone() == ({},)
            conn.execute(shim)
            conn.execute(shim)
            assert conn.execute(ROLE_ATTRIBUTES).fetchall() == SUPABASE_ATTRIBUTES
            assert conn.execute("select auth.jwt(), auth.email()").fetchone() == (None, None)
            assert conn.execute("select to_regclass('storage.objects')").fetchone() == (
                "storage.objects",
            )
        finally:
            conn.execute(
                "alter role anon inherit; alter role authenticated inherit;"
                " alter role service_role inherit; alter role authenticator noinherit;"
            )


def test_new_public_tables_get_supabases_default_privileges(database_url: str) -> None:
    """As on Supabase, a table the migrating role creates in public is ALL to the API roles
    (so migrations must revoke what they must not hold, and tests see that they do)."""
    with psycopg.connect(database_url) as conn:
        conn.execute("create table public.probe (id int)")
        held = conn.execute(
            """
            select r from unnest(array['anon', 'authenticated', 'service_role']) r
            where has_table_privilege(r, 'public.probe', 'truncate')  -- only ALL grants it
            """
        ).fetchall()
    assert held == [("anon",), ("authenticated",), ("service_role",)]


def test_the_global_budget_counts_read_indexes(database_url: str) -> None:
    """check_daily_budget counts every user's images in the window and the candidates of
    projects whose prompts are unwritten: neither may read the whole table."""
    queries = {
        "image_usage_created_idx": "select count(*) from public.image_usage"
        " where created_at > now() - interval '1 day'",
        "brand_projects_prompts_unwritten_created_idx": "select count(*)"
        " from public.brand_projects p"
        " where not p.prompts_written and p.created_at > now() - interval '1 day'",
    }
    with psycopg.connect(database_url) as conn:
        conn.execute("set enable_seqscan = off")  # the tables are empty: ask for the index
        for index, query in queries.items():
            plan = "\n".join(row[0] for row in conn.execute(f"explain {query}").fetchall())
            assert index in plan, plan


def test_a_changed_shim_file_is_applied_again_and_a_changed_migration_is_not(
    database_url: str, tmp_path: Path
) -> None:
    shim, migrations = tmp_path / "shim", tmp_path / "migrations"
    shim.mkdir()
    migrations.mkdir()
    (shim / "00_x.sql").write_text("create table if not exists shim_runs (n int);")
    (migrations / "20990101_m.sql").write_text("create table m_runs (n int);")
    apply_migrations(database_url, migrations_dir=migrations, shim_dir=shim)

    (shim / "00_x.sql").write_text(
        "create table if not exists shim_runs (n int); insert into shim_runs values (2);"
    )
    (migrations / "20990101_m.sql").write_text("insert into m_runs values (2);")
    again = apply_migrations(database_url, migrations_dir=migrations, shim_dir=shim)

    assert again == ["shim/00_x.sql"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select n from shim_runs").fetchall() == [(2,)]
        assert conn.execute("select count(*) from m_runs").fetchone() == (0,)
    # Recorded with its new text: unchanged from now on, it is not applied a third time.
    assert apply_migrations(database_url, migrations_dir=migrations, shim_dir=shim) == []
