"""The schema under Supabase's role model, not a superuser's (issue 14, "Supabase fidelity").

The other database tests run the migrations and the services as the embedded Postgres's
superuser, for whom RLS, grants and role attributes mostly do not apply. Here a fresh database
is set up the way hosted Supabase has it:

- the migrations (shim included, as off Supabase) run as a non-superuser owner with BYPASSRLS
  and CREATEROLE, like Supabase's `postgres`, holding the API roles with admin option;
- Supabase's default privileges are in place for that owner before anything is created: ALL on
  new tables, functions and sequences in schema public to anon, authenticated, service_role;
- users come in through the Data API's way: a session logged in as the NOINHERIT
  `authenticator`, which sets `request.jwt.claims` (transaction-local, as PostgREST does) and
  then `set local role authenticated` (or anon);
- the services connect as the owner and act for users with `Database.as_user`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import make_conninfo

from logokraft_domain.limits import UserLimits, check_daily_budget
from logokraft_kit.db import Database
from logokraft_kit.errors import ResourceExhausted
from logokraft_kit.migrate import apply_migrations, find_supabase_dir

pytestmark = pytest.mark.integration

ALICE = uuid.UUID("a11ce000-0000-4000-8000-000000000001")
BOB = uuid.UUID("b0b00000-0000-4000-8000-000000000002")
OWNER = "lk_supabase_postgres"  # Supabase's `postgres`: no superuser, BYPASSRLS, CREATEROLE
API_ROLES = ("anon", "authenticated", "service_role")
USER_TABLES = ("brand_projects", "generated_assets", "project_events", "idempotency_keys")


@dataclass(frozen=True)
class SupabaseLike:
    """The migrated database: URLs of the owner's and the Data API's logins, and the seed."""

    owner_url: str
    api_url: str
    alice_project: uuid.UUID
    bob_project: uuid.UUID


def _supabase_roles(admin: psycopg.Connection) -> None:
    """What Supabase's init scripts give `postgres`, for the owner (as the superuser).

    The API roles and `logokraft_service` exist cluster-wide already (the session's template
    was shimmed and migrated); on Supabase `postgres` holds the API roles with admin option,
    and would have created `logokraft_service` itself (so it would hold that with admin too).
    """
    admin.execute(
        sql.SQL(
            """
            do $$ begin
              create role {owner} login createrole createdb bypassrls;
            exception when duplicate_object then null; end $$;
            grant anon, authenticated, service_role, logokraft_service to {owner}
              with admin option;
            """
        ).format(owner=sql.Identifier(OWNER))
    )


def _seed(owner_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A settled project with one candidate for Alice and for Bob, and a key of Alice's,
    written by the owner (a service session)."""
    projects = []
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for user in (ALICE, BOB):
            project = conn.execute(
                """
                insert into brand_projects (user_id, brand_name, status, prompts_written)
                values (%s, 'Seed', 'completed', true) returning id
                """,
                [user],
            ).fetchone()[0]
            conn.execute(
                "insert into generated_assets (project_id, user_id, position) values (%s, %s, 0)",
                [project, user],
            )
            projects.append(project)
        conn.execute(
            """
            insert into idempotency_keys (user_id, key, endpoint, request_hash)
            values (%s, 'alice-key', 'POST /api/v1/projects', repeat('a', 64))
            """,
            [ALICE],
        )
    return projects[0], projects[1]


@pytest.fixture(scope="module")
def supabase_like(postgres_server) -> Iterator[SupabaseLike]:
    name = "t_sb_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        _supabase_roles(admin)
        admin.execute(
            sql.SQL("create database {} owner {}").format(
                sql.Identifier(name), sql.Identifier(OWNER)
            )
        )
    url = postgres_server.url_for(name)
    owner_url = make_conninfo(url, user=OWNER)
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                sql.SQL(
                    """
                    alter default privileges for role {owner} in schema public
                      grant all on tables to anon, authenticated, service_role;
                    alter default privileges for role {owner} in schema public
                      grant all on functions to anon, authenticated, service_role;
                    alter default privileges for role {owner} in schema public
                      grant all on sequences to anon, authenticated, service_role;
                    """
                ).format(owner=sql.Identifier(OWNER))
            )
        supabase = find_supabase_dir()
        applied = apply_migrations(
            owner_url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )
        assert applied[0].startswith("shim/"), applied
        alice_project, bob_project = _seed(owner_url)
        yield SupabaseLike(
            owner_url=owner_url,
            api_url=make_conninfo(url, user="authenticator"),
            alice_project=alice_project,
            bob_project=bob_project,
        )
    finally:
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


@pytest.fixture
def api(supabase_like: SupabaseLike) -> Iterator[psycopg.Connection]:
    """A session of the Data API's login, `authenticator`."""
    with psycopg.connect(supabase_like.api_url, autocommit=True) as conn:
        yield conn


@contextmanager
def through_data_api(
    conn: psycopg.Connection, role: str, claims: dict[str, str] | None = None
) -> Iterator[psycopg.Connection]:
    """A rolled-back transaction as PostgREST runs a request: claims, then the role."""
    with conn.transaction(force_rollback=True):
        if claims is not None:
            conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute("select set_config('role', %s, true)", [role])
        yield conn


def user_claims(user: uuid.UUID, **extra: str) -> dict[str, str]:
    return {"sub": str(user), "role": "authenticated", **extra}


def rows_or_refused(conn: psycopg.Connection, query: str) -> list[tuple[object, ...]]:
    """The rows a select returns, [] when the role may not read the table at all."""
    try:
        with conn.transaction():
            return conn.execute(query).fetchall()
    except errors.InsufficientPrivilege:
        return []


# ---- the roles -------------------------------------------------------------------------------


def test_the_roles_are_supabases(supabase_like: SupabaseLike) -> None:
    with psycopg.connect(supabase_like.owner_url) as conn:
        rows = conn.execute(
            """
            select rolname, rolsuper, rolinherit, rolcanlogin, rolbypassrls
            from pg_roles
            where rolname = any(%s)
            """,
            [[*API_ROLES, "authenticator", OWNER]],
        ).fetchall()
    roles = {name: tuple(attributes) for name, *attributes in rows}
    # (superuser, inherit, login, bypassrls)
    assert roles == {
        "anon": (False, True, False, False),
        "authenticated": (False, True, False, False),
        "service_role": (False, True, False, True),
        "authenticator": (False, False, True, False),
        OWNER: (False, True, True, True),
    }


def test_the_data_api_login_holds_nothing_until_it_switches_role(
    supabase_like: SupabaseLike, api: psycopg.Connection
) -> None:
    """NOINHERIT: `authenticator` is a member of the API roles but uses none of their
    privileges (Supabase's ALL on public tables) without SET ROLE."""
    members = api.execute(
        """
        select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
        where m.member = 'authenticator'::regrole and r.rolname = any(%s) order by 1
        """,
        [list(API_ROLES)],
    ).fetchall()
    assert members == [(role,) for role in sorted(API_ROLES)]
    with pytest.raises(errors.InsufficientPrivilege):
        api.execute("select id from brand_projects")


# ---- RLS through the Data API ----------------------------------------------------------------


def test_a_user_sees_only_their_own_projects_and_assets(
    supabase_like: SupabaseLike, api: psycopg.Connection
) -> None:
    for user, project in ((ALICE, supabase_like.alice_project), (BOB, supabase_like.bob_project)):
        with through_data_api(api, "authenticated", user_claims(user)) as conn:
            projects = conn.execute("select id, user_id from brand_projects").fetchall()
            assets = conn.execute("select project_id, user_id from generated_assets").fetchall()
        assert projects == [(project, user)]
        assert assets == [(project, user)]


def test_anon_sees_nothing(supabase_like: SupabaseLike, api: psycopg.Connection) -> None:
    tables = [*USER_TABLES, "image_usage", "logokraft_schema_migrations"]
    for claims in ({"role": "anon"}, {"role": "anon", "sub": str(ALICE)}):
        with through_data_api(api, "anon", claims) as conn:
            seen = {
                table: rows_or_refused(conn, f"select * from public.{table}") for table in tables
            }
            # Granted to anon as on Supabase; RLS with no policy hides every object.
            seen["storage.objects"] = rows_or_refused(conn, "select * from storage.objects")
        assert {table: rows for table, rows in seen.items() if rows} == {}, claims


@pytest.mark.parametrize(
    "statement",
    [
        """insert into idempotency_keys (user_id, key, endpoint, request_hash)
           values (%(alice)s, 'forged', 'POST /api/v1/projects', repeat('b', 64))""",
        "update idempotency_keys set endpoint = 'forged' where user_id = %(alice)s",
        "insert into image_usage (asset_id, user_id, created_at) "
        "values (gen_random_uuid(), %(alice)s, now() - interval '2 days')",
        "update image_usage set created_at = now() - interval '2 days' where user_id = %(alice)s",
        "delete from image_usage where user_id = %(alice)s",
    ],
    ids=["insert key", "update key", "insert usage", "update usage", "delete usage"],
)
def test_a_user_cannot_write_idempotency_keys_or_image_usage(
    supabase_like: SupabaseLike, api: psycopg.Connection, statement: str
) -> None:
    with (
        through_data_api(api, "authenticated", user_claims(ALICE)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(statement, {"alice": ALICE})


def test_the_owner_still_reads_their_keys_and_usage(
    supabase_like: SupabaseLike, api: psycopg.Connection
) -> None:
    with through_data_api(api, "authenticated", user_claims(ALICE)) as conn:
        keys = conn.execute("select user_id, key from idempotency_keys").fetchall()
        usage = conn.execute("select user_id from image_usage").fetchall()
    assert keys == [(ALICE, "alice-key")]
    assert usage == [(ALICE,)]


# ---- what Supabase's default privileges must not leave --------------------------------------


def test_service_role_holds_nothing_on_the_usage_or_migration_ledgers(
    supabase_like: SupabaseLike,
) -> None:
    with psycopg.connect(supabase_like.owner_url) as conn:
        held = conn.execute(
            """
            select t, p from unnest(array['public.image_usage',
                                          'public.logokraft_schema_migrations']) t,
              unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references',
                           'trigger']) p
            where has_table_privilege('service_role', t, p)
            """
        ).fetchall()
        # The check itself sees what the default privileges granted elsewhere.
        granted = conn.execute(
            "select has_table_privilege('service_role', 'public.brand_projects', 'truncate')"
        ).fetchone()[0]
    assert granted, "Supabase's default privileges are not in place"
    assert held == []


def test_the_trigger_and_security_definer_functions_are_not_executable_by_users(
    supabase_like: SupabaseLike,
) -> None:
    with psycopg.connect(supabase_like.owner_url) as conn:
        functions = conn.execute(
            """
            select p.oid::regprocedure::text, p.prosecdef,
                   has_function_privilege('anon', p.oid, 'execute'),
                   has_function_privilege('authenticated', p.oid, 'execute')
            from pg_proc p
            where p.pronamespace = 'public'::regnamespace
              and (p.prosecdef or p.prorettype = 'trigger'::regtype)
            """
        ).fetchall()
    assert ("logokraft_count_image_usage()", True) in [(f, d) for f, d, _, _ in functions]
    executable = [(f, anon, user) for f, _, anon, user in functions if anon or user]
    assert executable == []


# ---- auth.* as Supabase defines them ---------------------------------------------------------


def test_without_claims_the_auth_functions_return_null(api: psycopg.Connection) -> None:
    query = "select auth.jwt(), auth.uid(), auth.role(), auth.email()"
    with through_data_api(api, "anon") as conn:
        assert conn.execute(query).fetchone() == (None, None, None, None)
    # After a request's transaction-local claims, the setting is '' rather than unset.
    with through_data_api(api, "anon", user_claims(ALICE)):
        pass
    assert api.execute("select current_setting('request.jwt.claims')").fetchone() == ("",)
    with through_data_api(api, "anon") as conn:
        assert conn.execute(query).fetchone() == (None, None, None, None)


def test_the_auth_functions_read_the_claims(api: psycopg.Connection) -> None:
    claims = user_claims(ALICE, email="alice@example.com")
    with through_data_api(api, "authenticated", claims) as conn:
        row = conn.execute("select auth.jwt(), auth.uid(), auth.role(), auth.email()").fetchone()
    assert row == (claims, ALICE, "authenticated", "alice@example.com")


def test_auth_uid_reads_the_legacy_claim_settings(
    supabase_like: SupabaseLike, api: psycopg.Connection
) -> None:
    """Older PostgREST set `request.jwt.claim.<name>` one by one; Supabase's auth.uid() and
    auth.role() still read them, and RLS follows."""
    with api.transaction(force_rollback=True):
        api.execute("select set_config('request.jwt.claim.sub', %s, true)", [str(ALICE)])
        api.execute("select set_config('request.jwt.claim.role', 'authenticated', true)")
        api.execute("set local role authenticated")
        assert api.execute("select auth.uid(), auth.role()").fetchone() == (
            ALICE,
            "authenticated",
        )
        projects = api.execute("select id from brand_projects").fetchall()
    assert projects == [(supabase_like.alice_project,)]


# ---- the services' sessions: the owner's login, acting for a user ----------------------------


@pytest.fixture
async def owner_db(supabase_like: SupabaseLike) -> AsyncIterator[Database]:
    db = Database(supabase_like.owner_url, max_size=2)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


async def test_as_user_sees_only_that_users_rows(
    supabase_like: SupabaseLike, owner_db: Database
) -> None:
    async with owner_db.as_user(BOB) as conn:
        projects = await (await conn.execute("select id from brand_projects")).fetchall()
        role = await (await conn.execute("select current_user, auth.uid()")).fetchone()
    assert projects == [{"id": supabase_like.bob_project}]
    assert role == {"current_user": "authenticated", "uid": BOB}


async def test_the_global_budget_counts_every_users_images(owner_db: Database) -> None:
    """check_daily_budget counts across users with the login's own role (`set local role
    none`), which RLS would otherwise hide, then acts for the user again."""
    async with owner_db.as_user(ALICE) as conn:
        # Alice sees one image, but two were made: a budget of 2 has no room left.
        seen = await (await conn.execute("select count(*) as n from image_usage")).fetchone()
        assert seen == {"n": 1}
        await check_daily_budget(conn, UserLimits(daily_image_budget=3), requested=1)
        after = await (await conn.execute("select current_user as role")).fetchone()
        assert after == {"role": "authenticated"}
    with pytest.raises(ResourceExhausted):
        async with owner_db.as_user(ALICE) as conn:
            await check_daily_budget(conn, UserLimits(daily_image_budget=2), requested=1)
