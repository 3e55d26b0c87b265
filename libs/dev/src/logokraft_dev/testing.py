"""Pytest fixtures: real NATS and Postgres started from the wheels, unique names per test.

Register with `pytest_plugins = ["logokraft_dev.testing"]` in a conftest.py.

Every test that uses one of these servers (directly or through another fixture) is marked
`integration` at collection, so `-m "not integration"` selects exactly the tests that need
no server, with no module having to remember its marker.
The servers start once per session on free ports and are stopped at its end,
whatever the tests did; each test gets its own database (a copy of a migrated
template) and its own NATS namespace, so tests never see each other's data.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from logokraft_dev.devstack import NatsServer, PostgresServer, free_port, start_nats, start_postgres
from logokraft_kit.migrate import apply_migrations, find_supabase_dir

TEMPLATE_DATABASE = "logokraft_template"

__all__ = [
    "TEMPLATE_DATABASE",
    "database_url",
    "free_port",
    "fresh_database",
    "namespace",
    "nats_server",
    "postgres_server",
]


REAL_SERVER_FIXTURES = frozenset({"nats_server", "postgres_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that starts (or shares) a real NATS or Postgres as `integration`."""
    for item in items:
        if REAL_SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def _scratch_dir(prefix: str) -> Path:
    """A fresh directory under the system temp dir that another OS user can traverse."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)  # the Postgres server may run as a dedicated user when we are root
    return path


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    """A NATS server with JetStream for the whole session (temp store, free port).

    Its HTTP monitoring endpoint listens too (`nats_server.monitor_url`), so tests can count
    connections and subscriptions (`/connz?subs=1`, `/subsz`).
    """
    scratch = _scratch_dir("lk-test-nats-")
    try:
        with start_nats(store_dir=scratch / "store", monitor=True) as server:
            yield server
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A Postgres for the whole session (fsync off) holding the migrated `logokraft_template`."""
    scratch = _scratch_dir("lk-test-pg-")
    try:
        server = start_postgres(
            data_dir=scratch / "data", durable=False, settings={"max_connections": "300"}
        )
        with server:
            _create_template(server)
            yield server
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _create_template(server: PostgresServer) -> None:
    """Create the template database and apply the shim and every migration to it."""
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE_DATABASE)))
    supabase = find_supabase_dir()
    apply_migrations(
        server.url_for(TEMPLATE_DATABASE),
        migrations_dir=supabase / "migrations",
        shim_dir=supabase / "shim",
    )


@contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """A new database copied from the migrated template; yields its URL, drops it afterwards.

    For fixtures of a wider scope than `database_url` (a module sharing one seeded database).
    """
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DATABASE)
            )
        )
    try:
        yield server.url_for(name)
    finally:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, migrated database for this test only (dropped afterwards)."""
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture
def namespace() -> str:
    """A unique lowercase NATS namespace (stream and subject prefix) for this test."""
    return "t" + uuid.uuid4().hex[:12]
