"""Row Level Security, table by table, with the real roles.

Every check runs in a transaction that does what `Database.as_user` (and PostgREST) does:
set the transaction-local `request.jwt.claims` and `set local role authenticated` (or
`anon`), and is rolled back afterwards, so all checks share one seeded database.

Who acts:

- the owner through a service (a session of the role the services log in with, acting as
  the owner, as `Database.as_user` does),
- the owner through the Data API (hosted Supabase's PostgREST logs in as `authenticator`
  and switches to `authenticated` with the user's JWT claims: a user with curl),
- another user (through a service: the strongest case, the session a service would have),
- `anon` with this repository's grants, with hosted Supabase's default grants (ALL on every
  public table), and with those grants and a JWT claiming the owner's id as its subject.

"Denied" means: select sees no rows, insert raises, update and delete change no rows.
Tables the matrices below do not name are still covered by the catalog-driven checks at the
end: RLS on, at least one policy, and nobody but the owner sees or changes a seeded row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.types.json import Jsonb

from logokraft_dev.testing import fresh_database

pytestmark = pytest.mark.integration

ALICE = uuid.UUID("a11ce000-0000-4000-8000-000000000001")
BOB = uuid.UUID("b0b00000-0000-4000-8000-000000000002")
STRANGER = uuid.UUID("5742a46e-0000-4000-8000-000000000003")  # owns nothing at all

# hosted Supabase's PostgREST login role: not a service session
DATA_API_LOGIN = "authenticator"


@dataclass(frozen=True)
class Actor:
    """Who runs a statement: a role, the JWT claims, and the session's login role."""

    name: str
    role: str
    claims: dict[str, str]
    login: str | None = None  # None: the session's own (superuser) role, i.e. a service
    supabase_grants: bool = False  # grant anon what hosted Supabase grants it by default


OWNER_SERVICE = Actor(
    "owner_via_service", "authenticated", {"sub": str(ALICE), "role": "authenticated"}
)
OWNER_API = Actor(
    "owner_via_data_api",
    "authenticated",
    {"sub": str(ALICE), "role": "authenticated"},
    login=DATA_API_LOGIN,
)
OTHER_USER = Actor("other_user", "authenticated", {"sub": str(BOB), "role": "authenticated"})
OTHER_USER_API = Actor(
    "other_user_via_data_api",
    "authenticated",
    {"sub": str(BOB), "role": "authenticated"},
    login=DATA_API_LOGIN,
)
ANON = Actor("anon", "anon", {"role": "anon"})
ANON_SUPABASE = Actor("anon_with_supabase_grants", "anon", {"role": "anon"}, supabase_grants=True)
ANON_CLAIMING_OWNER = Actor(
    "anon_claiming_owner", "anon", {"sub": str(ALICE), "role": "anon"}, supabase_grants=True
)
ACTORS = (OWNER_SERVICE, OWNER_API, OTHER_USER, ANON, ANON_SUPABASE, ANON_CLAIMING_OWNER)
STRANGERS = (
    Actor("stranger", "authenticated", {"sub": str(STRANGER), "role": "authenticated"}),
    ANON_SUPABASE,
    ANON_CLAIMING_OWNER,
)


# ---- the seeded database ------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """Rows of Alice's (the owner's) and of Bob's, inserted bypassing RLS."""

    alice_project: uuid.UUID
    alice_asset: uuid.UUID
    alice_child: uuid.UUID
    bob_project: uuid.UUID
    bob_asset: uuid.UUID

    def params(self) -> dict[str, Any]:
        return {
            "alice": ALICE,
            "bob": BOB,
            "alice_project": self.alice_project,
            "alice_asset": self.alice_asset,
            "bob_project": self.bob_project,
            "bob_asset": self.bob_asset,
        }


def _seed_user(conn: psycopg.Connection, user: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A settled project with one completed candidate, a variation of it and one event."""
    project, asset, child = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn.execute(
        """
        insert into brand_projects (id, user_id, brand_name, inspiration_paths, status,
            prompts_written, event_sequence)
        values (%s, %s, 'Seed', array[%s], 'completed', true, 1)
        """,
        [project, user, f"{user}/{project}/inspiration-1.png"],
    )
    for asset_id, parent in ((asset, None), (child, asset)):
        conn.execute(
            """
            insert into generated_assets (id, project_id, user_id, parent_asset_id, position,
                status, storage_bucket, storage_path, mime_type, width, height)
            values (%s, %s, %s, %s, 0, 'completed', 'generated-assets', %s, 'image/png', 8, 8)
            """,
            [asset_id, project, user, parent, f"{user}/{project}/{asset_id}.png"],
        )
    conn.execute(
        """
        insert into project_events (project_id, sequence, user_id, kind, payload)
        values (%s, 1, %s, 'project', '{}')
        """,
        [project, user],
    )
    return project, asset, child


# Rows for tables other migrations add, so the catalog-driven checks have something to hide.
EXTRA_SEEDS: dict[str, str] = {
    "idempotency_keys": """
        insert into idempotency_keys (user_id, key, endpoint, request_hash)
        values (%(user)s, 'seed-key', 'POST /api/v1/projects', repeat('a', 64))
    """,
}


def public_tables(conn: psycopg.Connection) -> list[str]:
    """Every table (plain or partitioned) in the public schema."""
    rows = conn.execute(
        """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname
        """
    ).fetchall()
    return [row[0] for row in rows]


def _seed_generic(conn: psycopg.Connection, table: str, user: uuid.UUID, seed: Seed) -> None:
    """A row of `user`'s in a table nobody wrote a seed for: required columns by type."""
    columns = conn.execute(
        """
        select a.attname, format_type(a.atttypid, a.atttypmod), t.typtype,
               (select e.enumlabel from pg_enum e where e.enumtypid = a.atttypid
                order by e.enumsortorder limit 1)
        from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped
          and a.attnotnull and not a.atthasdef and a.attidentity = '' and a.attgenerated = ''
        """,
        [f"public.{table}"],
    ).fetchall()
    by_name = {
        "user_id": user,
        "project_id": seed.alice_project if user == ALICE else seed.bob_project,
        "asset_id": seed.alice_asset if user == ALICE else seed.bob_asset,
    }
    by_type = {"uuid": None, "text": "seed", "jsonb": Jsonb({}), "boolean": False, "bytea": b""}
    values: dict[str, Any] = {}
    for name, type_name, typtype, first_label in columns:
        if name in by_name:
            values[name] = by_name[name]
        elif typtype == "e":
            values[name] = first_label
        elif type_name == "uuid":
            values[name] = uuid.uuid4()
        elif type_name in ("integer", "bigint", "smallint", "numeric", "double precision"):
            values[name] = 1
        elif type_name.startswith("timestamp"):
            values[name] = "now"
        elif type_name.endswith("[]"):
            values[name] = []
        else:
            values[name] = by_type.get(type_name, "seed")
    if "user_id" not in values and _has_column(conn, table, "user_id"):
        values["user_id"] = user
    query = sql.SQL("insert into {} ({}) values ({})").format(
        sql.Identifier("public", table),
        sql.SQL(", ").join(map(sql.Identifier, values)),
        sql.SQL(", ").join(sql.Placeholder() * len(values)),
    )
    conn.execute(query, list(values.values()))


def _has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    return bool(
        conn.execute(
            "select 1 from pg_attribute where attrelid = %s::regclass and attname = %s",
            [f"public.{table}", column],
        ).fetchone()
    )


@pytest.fixture(scope="module")
def seeded(postgres_server) -> Iterator[tuple[psycopg.Connection, Seed]]:
    """One migrated database for the module, seeded for Alice and Bob; a superuser connection."""
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
        alice = _seed_user(conn, ALICE)
        bob = _seed_user(conn, BOB)
        seed = Seed(*alice, bob_project=bob[0], bob_asset=bob[1])
        for table in public_tables(conn):
            if table in EXTRA_SEEDS:
                for user in (ALICE, BOB):
                    conn.execute(EXTRA_SEEDS[table], {"user": user})
            elif table not in MATRIX and table != "logokraft_schema_migrations":
                for user in (ALICE, BOB):
                    try:
                        _seed_generic(conn, table, user, seed)
                    except psycopg.Error as error:
                        pytest.fail(
                            f"cannot seed a row of public.{table} for the RLS checks ({error}); "
                            "add an insert for it to EXTRA_SEEDS in tests/test_rls.py"
                        )
        yield conn, seed


# ---- acting as someone --------------------------------------------------------------------


@contextmanager
def acting(conn: psycopg.Connection, actor: Actor) -> Iterator[psycopg.Connection]:
    """A transaction (always rolled back) running as `actor`, the way db.py/PostgREST do."""
    with conn.transaction(force_rollback=True):
        if actor.supabase_grants:
            conn.execute(
                "grant select, insert, update, delete on all tables in schema public to anon"
            )
        if actor.login is not None:
            conn.execute(
                sql.SQL("set local session authorization {}").format(sql.Identifier(actor.login))
            )
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)", [json.dumps(actor.claims)]
        )
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(actor.role)))
        yield conn


@dataclass(frozen=True)
class Outcome:
    """What a statement did: the rows it returned or changed, or the error it raised."""

    rows: int = 0
    error: psycopg.Error | None = None

    @property
    def rls_violation(self) -> bool:
        return isinstance(self.error, errors.InsufficientPrivilege) and (
            "row-level security" in str(self.error)
        )

    @property
    def permission_denied(self) -> bool:
        return isinstance(self.error, errors.InsufficientPrivilege)

    def __str__(self) -> str:
        return (
            f"raised {type(self.error).__name__}: {self.error}"
            if self.error
            else f"{self.rows} row(s)"
        )


def refused(outcome: Outcome) -> bool:
    """A write RLS turned away: an insert raises, an update or delete finds no row."""
    return outcome.rls_violation or (outcome.error is None and outcome.rows == 0)


def run(conn: psycopg.Connection, actor: Actor, statement: str, params: dict | list) -> Outcome:
    """Run one statement as `actor` and roll it back."""
    with acting(conn, actor):
        try:
            cursor = conn.execute(statement, params)
        except psycopg.Error as error:
            return Outcome(error=error)
        rows = len(cursor.fetchall()) if cursor.description else cursor.rowcount
        return Outcome(rows=rows)


# ---- the matrix ---------------------------------------------------------------------------

# Per table, one statement per operation aimed at Alice's seeded row (or, for insert, a new
# row of Alice's in her project).
MATRIX: dict[str, dict[str, str]] = {
    "brand_projects": {
        "select": "select 1 from brand_projects where id = %(alice_project)s",
        "insert": "insert into brand_projects (user_id, brand_name) values (%(alice)s, 'New')",
        "update": "update brand_projects set brand_name = 'Changed' where id = %(alice_project)s",
        "delete": "delete from brand_projects where id = %(alice_project)s",
    },
    "generated_assets": {
        "select": "select 1 from generated_assets where id = %(alice_asset)s",
        "insert": """insert into generated_assets (project_id, user_id, position)
                     values (%(alice_project)s, %(alice)s, 7)""",
        "update": "update generated_assets set prompt = 'Changed' where id = %(alice_asset)s",
        "delete": "delete from generated_assets where id = %(alice_asset)s",
    },
    "project_events": {
        "select": "select 1 from project_events where project_id = %(alice_project)s",
        "insert": """insert into project_events (project_id, sequence, user_id, kind, payload)
                     values (%(alice_project)s, 2, %(alice)s, 'done', '{}')""",
        "update": """update project_events set payload = '{"forged": true}'
                     where project_id = %(alice_project)s""",
        "delete": "delete from project_events where project_id = %(alice_project)s",
    },
    "idempotency_keys": {
        "select": "select 1 from idempotency_keys where user_id = %(alice)s",
        "insert": """insert into idempotency_keys (user_id, key, endpoint, request_hash)
                     values (%(alice)s, 'new-key', 'POST /api/v1/projects', repeat('b', 64))""",
        "update": "update idempotency_keys set endpoint = 'Changed' where user_id = %(alice)s",
        "delete": "delete from idempotency_keys where user_id = %(alice)s",
    },
    "image_usage": {
        "select": "select 1 from image_usage where asset_id = %(alice_asset)s",
        "insert": """insert into image_usage (asset_id, user_id, created_at)
                     values (gen_random_uuid(), %(alice)s, now())""",
        "update": """update image_usage set created_at = now() - interval '2 days'
                     where asset_id = %(alice_asset)s""",
        "delete": "delete from image_usage where asset_id = %(alice_asset)s",
    },
}
OPERATIONS = ("select", "insert", "update", "delete")

# What the owner may do, by session. Projects, assets and the event log hold the services'
# bookkeeping (statuses, attempts, what the limits count): a service session writes them; the
# owner reads them through the Data API and may delete their own projects. Nobody rewrites or
# deletes an event, and the usage ledger is written by a trigger only.
OWNER_MAY: dict[tuple[str, str], set[str]] = {
    ("brand_projects", OWNER_SERVICE.name): set(OPERATIONS),
    ("brand_projects", OWNER_API.name): {"select", "delete"},
    ("generated_assets", OWNER_SERVICE.name): set(OPERATIONS),
    ("generated_assets", OWNER_API.name): {"select"},
    ("project_events", OWNER_SERVICE.name): {"select", "insert"},
    ("project_events", OWNER_API.name): {"select"},
    # written by the gateway's own session (as_service) only; the owner reads their keys
    ("idempotency_keys", OWNER_SERVICE.name): {"select"},
    ("idempotency_keys", OWNER_API.name): {"select"},
    ("image_usage", OWNER_SERVICE.name): {"select"},
    ("image_usage", OWNER_API.name): {"select"},
}


def allowed(table: str, operation: str, actor: Actor) -> bool:
    return operation in OWNER_MAY.get((table, actor.name), set())


def check_allowed(outcome: Outcome, operation: str) -> None:
    assert outcome.error is None, f"{operation} was refused: {outcome}"
    assert outcome.rows == 1, f"{operation} should touch the owner's row, but: {outcome}"


def check_denied(outcome: Outcome, operation: str, actor: Actor) -> None:
    """Denied: no rows seen or changed, an insert raises.

    A role without the table privilege gets "permission denied" instead, which denies too;
    with hosted Supabase's default grants in place, RLS alone must deny.
    """
    if outcome.error is not None:
        assert outcome.permission_denied, f"{operation} failed for another reason: {outcome}"
        if actor.supabase_grants:
            assert operation == "insert" and outcome.rls_violation, (
                f"with Supabase's grants, RLS must hide the rows instead: {outcome}"
            )
        return
    assert operation != "insert", f"insert must raise, but it inserted: {outcome}"
    assert outcome.rows == 0, f"{operation} reached the owner's row: {outcome}"


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.name)
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("table", MATRIX)
def test_rls_matrix(seeded, table: str, operation: str, actor: Actor) -> None:
    conn, seed = seeded
    if table not in public_tables(conn):
        pytest.skip(f"public.{table} does not exist in this schema")
    outcome = run(conn, actor, MATRIX[table][operation], seed.params())
    if allowed(table, operation, actor):
        check_allowed(outcome, operation)
    else:
        check_denied(outcome, operation, actor)


def test_every_public_table_has_rows_to_hide(seeded) -> None:
    """Every table has rows of Alice's to hide, so the generic checks below are not vacuous."""
    conn, _ = seeded
    empty = []
    for table in public_tables(conn):
        count = conn.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier("public", table))
        )
        if count.fetchone()[0] == 0:
            empty.append(table)
    assert not empty, f"no seeded rows in {empty}; add them to EXTRA_SEEDS"


# ---- catalog-driven checks: every table, whatever migrations add ---------------------------


def test_every_public_table_has_rls_enabled_and_a_policy(seeded) -> None:
    conn, _ = seeded
    rows = conn.execute(
        """
        select c.relname, c.relrowsecurity,
               (select count(*) from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
        """
    ).fetchall()
    assert rows, "the catalog query found no tables"
    without_rls = sorted(name for name, rls, _ in rows if not rls)
    without_policy = sorted(name for name, _, policies in rows if policies == 0)
    assert not without_rls, f"RLS is disabled on public.{without_rls}"
    assert not without_policy, f"no policy at all on public.{without_policy}"


def test_no_public_view_bypasses_rls(seeded) -> None:
    """A view runs as its owner unless security_invoker is set, which would skip RLS."""
    conn, _ = seeded
    rows = conn.execute(
        """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('v', 'm')
          and not coalesce('security_invoker=true' = any(c.reloptions), false)
        """
    ).fetchall()
    assert not rows, f"views that bypass RLS: {[row[0] for row in rows]}"


@pytest.mark.parametrize("actor", STRANGERS, ids=lambda actor: actor.name)
def test_no_table_shows_or_changes_rows_to_someone_else(seeded, actor: Actor) -> None:
    """For every public table: a user owning nothing, and anon, see no rows, change none,
    and cannot insert a copy of Alice's row."""
    conn, _ = seeded
    failures = []
    for table in public_tables(conn):
        name = sql.Identifier("public", table)
        first_column = conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum = 1",
            [f"public.{table}"],
        ).fetchone()[0]
        column = sql.Identifier(first_column)
        row = conn.execute(sql.SQL("select to_jsonb(t) from {} t limit 1").format(name)).fetchone()[
            0
        ]
        statements = {
            "select": sql.SQL("select * from {}").format(name),
            "update": sql.SQL("update {} set {} = {}").format(name, column, column),
            "delete": sql.SQL("delete from {}").format(name),
            "insert": sql.SQL(
                "insert into {} select * from jsonb_populate_record(null::{}, %s)"
            ).format(name, name),
        }
        for operation, statement in statements.items():
            params = [Jsonb(row)] if operation == "insert" else []
            outcome = run(conn, actor, statement.as_string(conn), params)
            try:
                check_denied(outcome, operation, actor)
            except AssertionError as error:
                failures.append(f"public.{table} {operation}: {error}")
    assert not failures, "\n".join(failures)


def test_storage_and_auth_tables_are_out_of_reach_of_the_api_roles(seeded) -> None:
    """The shim defines no RLS on storage.buckets or auth.users, so no grant may reach them."""
    conn, _ = seeded
    rows = conn.execute(
        """
        select n.nspname || '.' || c.relname, r.rolname, p.privilege
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        cross join (values ('anon'), ('authenticated')) as r (rolname)
        cross join (values ('select'), ('insert'), ('update'), ('delete')) as p (privilege)
        where n.nspname in ('storage', 'auth') and c.relkind in ('r', 'p', 'v', 'm')
          and not c.relrowsecurity
          and has_table_privilege(r.rolname, c.oid, p.privilege)
        """
    ).fetchall()
    assert not rows, f"API roles can reach tables without RLS: {rows}"
    for actor in (OWNER_API, ANON):
        outcome = run(conn, actor, "select * from storage.buckets", [])
        assert outcome.permission_denied, outcome


# ---- writes that would reach another user's data -------------------------------------------


def test_a_user_cannot_add_assets_or_events_to_another_users_project(seeded) -> None:
    conn, seed = seeded
    p = seed.params()
    asset = run(
        conn,
        OTHER_USER,
        "insert into generated_assets (project_id, user_id, position) values "
        "(%(alice_project)s, %(bob)s, 9)",
        p,
    )
    assert asset.rls_violation, asset
    event = run(
        conn,
        OTHER_USER,
        "insert into project_events (project_id, sequence, user_id, kind, payload) values "
        "(%(alice_project)s, 2, %(bob)s, 'done', '{}')",
        p,
    )
    assert event.rls_violation, event


def test_a_user_cannot_move_an_asset_into_another_users_project(seeded) -> None:
    conn, seed = seeded
    moved = run(
        conn,
        OTHER_USER,
        "update generated_assets set project_id = %(alice_project)s, parent_asset_id = null "
        "where id = %(bob_asset)s",
        seed.params(),
    )
    assert moved.rls_violation, moved


def test_a_user_cannot_make_another_users_asset_a_parent(seeded) -> None:
    """The refine service reads a variation's parent image: it must be the user's own."""
    conn, seed = seeded
    p = seed.params()
    statements = {
        "insert": "insert into generated_assets (project_id, user_id, parent_asset_id, position) "
        "values (%(bob_project)s, %(bob)s, %(alice_asset)s, 3)",
        "update": "update generated_assets set parent_asset_id = %(alice_asset)s "
        "where id = %(bob_asset)s",
    }
    for operation, statement in statements.items():
        outcome = run(conn, OTHER_USER, statement, p)
        assert isinstance(outcome.error, errors.ForeignKeyViolation), (operation, outcome)
        assert "generated_assets_parent_in_same_project_fkey" in str(outcome.error)
        assert refused(run(conn, OTHER_USER_API, statement, p)), operation


def test_a_user_cannot_point_a_row_at_another_users_stored_objects(seeded) -> None:
    """Services sign and read whatever path a row names, with the storage service key."""
    conn, seed = seeded
    p = seed.params()
    alice_image = f"{ALICE}/{seed.alice_project}/{seed.alice_asset}.png"
    alice_inspiration = f"{ALICE}/{seed.alice_project}/inspiration-1.png"
    attempts = {
        "image path": (
            "update generated_assets set storage_path = %(path)s where id = %(bob_asset)s",
            alice_image,
        ),
        "image path escaping the folder": (
            "update generated_assets set storage_path = %(path)s where id = %(bob_asset)s",
            f"{BOB}/{seed.bob_project}/../../{alice_image}",
        ),
        "inspiration path": (
            "update brand_projects set inspiration_paths = array[%(path)s] "
            "where id = %(bob_project)s",
            alice_inspiration,
        ),
        "new project's inspiration": (
            "insert into brand_projects (user_id, brand_name, inspiration_paths) "
            "values (%(bob)s, 'Mine', array[%(path)s])",
            alice_inspiration,
        ),
    }
    for what, (statement, path) in attempts.items():
        outcome = run(conn, OTHER_USER, statement, {**p, "path": path})
        assert isinstance(outcome.error, errors.CheckViolation), f"{what}: {outcome}"
        assert refused(run(conn, OTHER_USER_API, statement, {**p, "path": path})), what


def test_the_owner_can_still_do_what_the_services_do(seeded) -> None:
    """Queue a variation of an own asset, complete it in the own folder, append its event."""
    conn, seed = seeded
    p = seed.params()
    with acting(conn, OWNER_SERVICE):
        variation = conn.execute(
            """
            insert into generated_assets (project_id, user_id, parent_asset_id, position)
            values (%(alice_project)s, %(alice)s, %(alice_asset)s, 1) returning id
            """,
            p,
        ).fetchone()[0]
        path = f"{ALICE}/{seed.alice_project}/{variation}.png"
        done = conn.execute(
            """
            update generated_assets set status = 'completed', storage_bucket = 'generated-assets',
                storage_path = %s where id = %s
            """,
            [path, variation],
        )
        assert done.rowcount == 1
        sequence = conn.execute(
            """
            update brand_projects set event_sequence = event_sequence + 1
            where id = %(alice_project)s returning event_sequence
            """,
            p,
        ).fetchone()[0]
        conn.execute(
            """
            insert into project_events (project_id, sequence, user_id, kind, asset_id, payload)
            values (%s, %s, %s, 'asset', %s, '{}')
            """,
            [seed.alice_project, sequence, ALICE, variation],
        )


def test_deleting_a_project_takes_its_assets_and_events_along(seeded) -> None:
    """Users may not delete events, yet deleting their project removes them (the cascade)."""
    conn, seed = seeded
    with acting(conn, OWNER_API):
        deleted = conn.execute(
            "delete from brand_projects where id = %s", [seed.alice_project]
        ).rowcount
        assert deleted == 1
        conn.execute("reset role")
        conn.execute("reset session authorization")
        left = conn.execute(
            """
            select (select count(*) from generated_assets where project_id = %(p)s)
                 + (select count(*) from project_events where project_id = %(p)s)
            """,
            {"p": seed.alice_project},
        ).fetchone()[0]
        assert left == 0


def test_deleting_a_project_does_not_give_its_images_back(seeded) -> None:
    """The daily image limit counts the usage ledger, which outlives the project."""
    conn, seed = seeded
    count = "select count(*) from image_usage where user_id = %s"
    with acting(conn, OWNER_API):
        before = conn.execute(count, [ALICE]).fetchone()[0]
        assert before >= 2, "the seeded assets are counted"
        conn.execute("delete from brand_projects where id = %s", [seed.alice_project])
        assert conn.execute(count, [ALICE]).fetchone()[0] == before


def test_every_asset_a_service_inserts_is_counted_once(seeded) -> None:
    conn, seed = seeded
    with acting(conn, OWNER_SERVICE):
        asset = conn.execute(
            """
            insert into generated_assets (project_id, user_id, position)
            values (%s, %s, 5) returning id, created_at
            """,
            [seed.alice_project, ALICE],
        ).fetchone()
        usage = conn.execute(
            "select user_id, created_at from image_usage where asset_id = %s", [asset[0]]
        ).fetchall()
        assert usage == [(ALICE, asset[1])]
        conn.execute("delete from generated_assets where id = %s", [asset[0]])
        assert (
            conn.execute(
                "select count(*) from image_usage where asset_id = %s", [asset[0]]
            ).fetchone()[0]
            == 1
        )


def test_through_the_data_api_the_owner_cannot_have_work_redone_or_limits_lifted(seeded) -> None:
    """Each of these would make the sweepers draw for free or undo what the limits count."""
    conn, seed = seeded
    p = seed.params()
    attempts = {
        "requeue a completed asset": "update generated_assets set status = 'queued' "
        "where id = %(alice_asset)s",
        "backdate an asset": "update generated_assets set created_at = now() - interval '2 days' "
        "where id = %(alice_asset)s",
        "delete an asset": "delete from generated_assets where id = %(alice_asset)s",
        "ask for more candidates": "update brand_projects set num_candidates = 8, "
        "prompts_written = false where id = %(alice_project)s",
        "leave the in-flight count": "update brand_projects set status = 'failed' "
        "where id = %(alice_project)s",
    }
    for what, statement in attempts.items():
        outcome = run(conn, OWNER_API, statement, p)
        assert refused(outcome) and outcome.error is None, f"{what}: {outcome}"
    queued = run(
        conn,
        OWNER_API,
        "insert into brand_projects (user_id, brand_name) values (%(alice)s, 'Free')",
        p,
    )
    assert queued.rls_violation, queued
