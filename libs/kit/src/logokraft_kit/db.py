"""Postgres access under the caller's identity, as PostgREST does it.

Every user-facing query runs in a transaction that sets the transaction-local
`request.jwt.claims` and `set local role authenticated`, so Row Level Security
decides what the query sees even if service code forgets a filter.
"""

from __future__ import annotations

import contextlib
import json
import select
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

Connection = AsyncConnection[DictRow]

_SCRATCH = "_logokraft_transaction_scratch"
_AFTER_COMMIT = "_after_commit"
CHECK_IDLE_S = 1.0  # a connection idle longer than this is checked before it is handed out

# A database host that vanishes (power lost, a network cut, a failover that moved the address)
# sends no FIN or RST: a statement sent on its connection waited for TCP's retransmissions to
# give up, about 15 minutes, while a worker's job kept its JetStream heartbeat, and a connect
# to an address that drops packets took two minutes. libpq bounds both in the kernel: a
# statement unanswered at the TCP level for `tcp_user_timeout` ms fails the connection (the
# pool replaces it, the job is retried), idle connections are probed (`keepalives_*`), and a
# connect gives up after `connect_timeout` s. A value DATABASE_URL sets wins (as a query
# parameter: `?connect_timeout=30`; these parameters override libpq's PG* variables).
DEAD_PEER_LIMITS = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "30000",
}


def with_dead_peer_limits(conninfo: str) -> str:
    """`conninfo` (a URL or key=value string) with DEAD_PEER_LIMITS where it sets none."""
    given = set(conninfo_to_dict(conninfo))
    missing = {key: value for key, value in DEAD_PEER_LIMITS.items() if key not in given}
    return make_conninfo(conninfo, **missing)


# A user's transaction runs in pipeline mode (libpq's): a statement is sent when the
# transaction first needs a result (or commits), with every statement queued before it, so
# the opening (BEGIN, the claims and `set local role authenticated`, as PostgREST sets them;
# `set_config('role', ..., true)` is `set local role`) travels with the first query, and a
# statement whose result nobody reads (an event appended) travels with the COMMIT. Round
# trips, not statements, are what a transaction costs both ends in CPU (each one a send, a
# wake-up of the other side and a receive), so a transaction costs one per result it reads.
_BEGIN = {
    False: "begin",
    True: "begin isolation level repeatable read",
}
_ACT_AS_USER = (
    "select set_config('request.jwt.claims', %s, true), set_config('role', 'authenticated', true)"
)


class Database:
    """A connection pool whose transactions act for one user at a time."""

    def __init__(self, url: str | SecretStr, *, min_size: int = 1, max_size: int = 10) -> None:
        # A URL with a password comes as a SecretStr and is unwrapped only here.
        if isinstance(url, SecretStr):
            url = url.get_secret_value()
        url = with_dead_peer_limits(url)
        self._returned_at: weakref.WeakKeyDictionary[Connection, float] = (
            weakref.WeakKeyDictionary()
        )
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"row_factory": dict_row, "autocommit": True},
            check=self._check,
            reset=self._returned,
        )

    async def _returned(self, conn: Connection) -> None:
        self._returned_at[conn] = time.monotonic()

    async def _check(self, conn: Connection) -> None:
        """Check a connection that sat idle before handing it out (a round trip).

        A connection back in the pool within the last `CHECK_IDLE_S` has just worked: unless
        the server has said something since (an idle connection's socket is readable only
        when the server ends it, as a restart or `pg_terminate_backend` does), it is handed
        out without a round trip, so a busy service does not pay one per transaction.
        """
        returned = self._returned_at.get(conn)
        recent = returned is not None and time.monotonic() - returned < CHECK_IDLE_S
        if recent and not conn.broken and not _readable(conn):
            return
        await AsyncConnectionPool.check_connection(conn)

    async def open(self, *, wait_s: float = 30.0) -> None:
        """Open the pool and wait until a connection works."""
        await self._pool.open(wait=True, timeout=wait_s)

    async def close(self) -> None:
        """Close every connection."""
        await self._pool.close()

    @asynccontextmanager
    async def as_user(
        self, user_id: uuid.UUID | str, *, snapshot: bool = False
    ) -> AsyncIterator[Connection]:
        """A transaction in which RLS sees the given user as `auth.uid()`.

        With `snapshot`, every statement sees the database as of the transaction's first one
        (REPEATABLE READ), for reads that must agree with each other, such as a project's
        status and its event log.

        The transaction is pipelined (see `_BEGIN`): a statement's outcome, its error or its
        `rowcount`, is known once its result (or a later one) is read, so a statement whose
        effect matters says `returning` and is read (`rowcount` is -1 before).
        """
        claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
        async with self._pool.connection() as conn:
            # Managed by hand (the pool's connections are in autocommit): psycopg sees the
            # open transaction, so a `conn.transaction()` inside is a savepoint, as before.
            # Statements are queued, so an error surfaces when a result is next read (or at
            # the COMMIT), still inside this block.
            try:
                async with conn.pipeline():
                    await conn.execute(_BEGIN[snapshot], prepare=False)
                    await conn.execute(_ACT_AS_USER, [claims])
                    scratch = _new_scratch(conn)
                    yield conn
                    await conn.execute("commit", prepare=False)
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # a broken one is the pool's to drop
                    await conn.execute("rollback")
                raise
            await _committed(scratch)

    @asynccontextmanager
    async def as_service(self) -> AsyncIterator[Connection]:
        """A transaction with the service's own role, for housekeeping across users."""
        async with self._pool.connection() as conn:
            async with conn.transaction():
                scratch = _new_scratch(conn)
                yield conn
            await _committed(scratch)

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        async with self._pool.connection() as conn:
            await conn.execute("select 1")

    def pool_stats(self) -> dict[str, int]:
        """The pool now: `pool_max`, `pool_size` (connections open), `pool_available` (idle
        among them) and `requests_waiting` (transactions waiting for a connection)."""
        return self._pool.get_stats()


def transaction_scratch(conn: Connection) -> dict[str, Any]:
    """What the connection's open transaction keeps for its caller to act on once it commits
    (events.py keeps the events it appended there, for the news).

    Each transaction `as_user` and `as_service` open starts with an empty one, so nothing a
    rolled-back transaction kept reaches the next one on the same connection.
    """
    scratch = conn.__dict__.get(_SCRATCH)
    if scratch is None:
        scratch = _new_scratch(conn)
    return scratch


def after_commit(conn: Connection, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once the connection's open transaction (`as_user`, `as_service`) has
    committed, before its block ends; never when it rolls back. Results a pipelined
    transaction queued without reading them are there by then (events.py numbers the events
    it recorded so)."""
    transaction_scratch(conn).setdefault(_AFTER_COMMIT, []).append(callback)


async def _committed(scratch: dict[str, Any]) -> None:
    for callback in scratch.pop(_AFTER_COMMIT, []):
        await callback()


def _new_scratch(conn: Connection) -> dict[str, Any]:
    scratch: dict[str, Any] = {}
    conn.__dict__[_SCRATCH] = scratch
    return scratch


def _readable(conn: Connection) -> bool:
    """True when an idle connection's socket has something to read (or is closed)."""
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)
