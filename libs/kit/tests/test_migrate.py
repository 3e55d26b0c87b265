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
