"""Postgres access under the caller's identity, as PostgREST does it.

Every user-facing query runs in a transaction that sets the transaction-local
`request.jwt.claims` and `set local role authenticated`, so Row Level Security
decides what the query sees even if service code forgets a filter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

Connection = AsyncConnection[DictRow]


class Database:
    """A connection pool whose transactions act for one user at a time."""

    def __init__(self, url: str | SecretStr, *, min_size: int = 1, max_size: int = 10) -> None:
        # A URL with a password comes as a SecretStr and is unwrapped only here.
        if isinstance(url, SecretStr):
            url = url.get_secret_value()
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"row_factory": dict_row, "autocommit": True},
            check=AsyncConnectionPool.check_connection,
        )

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
        """
        claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
        async with self._pool.connection() as conn, conn.transaction():
            if snapshot:
                await conn.execute("set transaction isolation level repeatable read")
            await conn.execute("select set_config('request.jwt.claims', %s, true)", [claims])
            await conn.execute("set local role authenticated")
            yield conn

    @asynccontextmanager
    async def as_service(self) -> AsyncIterator[Connection]:
        """A transaction with the service's own role, for housekeeping across users."""
        async with self._pool.connection() as conn, conn.transaction():
            yield conn

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        async with self._pool.connection() as conn:
            await conn.execute("select 1")
