"""Applying the schema: `supabase/shim/*.sql` (off Supabase only), then `supabase/migrations/*.sql`.

The shim stands in for what Supabase provides (its API roles, `auth.uid()` and friends,
`storage.buckets`). It is applied only where `auth.uid()` does not exist yet (or where this
runner applied it before): on a real Supabase database it would fail (`permission denied for
schema auth`) and must not replace Supabase's own definitions.

Each file is applied once, in name order, in its own transaction, and recorded
in `public.logokraft_schema_migrations`. A session-level advisory lock makes
concurrent runners (several services starting at once) take turns.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
from pathlib import Path

import psycopg

log = logging.getLogger(__name__)

# An arbitrary constant shared by every runner: the advisory lock serialising them.
_LOCK_KEY = 0x4C4B_5343_4845_4D41  # "LKSCHEMA"
SHIM_PREFIX = "shim/"

_CREATE_LEDGER = """
create table if not exists public.logokraft_schema_migrations (
  version text primary key,
  applied_at timestamptz not null default now(),
  checksum text
);
alter table public.logokraft_schema_migrations enable row level security;
"""


def find_supabase_dir(start: Path | None = None, *, override: str | None = None) -> Path:
    """The repository's `supabase/` folder: `override` when given, else found walking up.

    Callers that read the environment pass $LOGOKRAFT_SUPABASE_DIR as `override`.
    """
    if override:
        return Path(override).resolve()
    starts = [start] if start is not None else [Path.cwd(), Path(__file__).resolve()]
    for origin in starts:
        for folder in [origin, *origin.parents]:
            candidate = folder / "supabase" / "migrations"
            if candidate.is_dir():
                return candidate.parent
    raise FileNotFoundError("no supabase/migrations folder above the working directory")


def apply_migrations(
    database_url: str, *, migrations_dir: Path, shim_dir: Path | None
) -> list[str]:
    """Apply the shim (when given) and every pending migration; return the versions applied."""
    files = [(SHIM_PREFIX + p.name, p) for p in _sql_files(shim_dir)] if shim_dir else []
    files += [(p.name, p) for p in _sql_files(migrations_dir)]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", [_LOCK_KEY])
        try:
            conn.execute(_CREATE_LEDGER)
            done: dict[str, str | None] = dict(
                conn.execute(
                    "select version, checksum from public.logokraft_schema_migrations"
                ).fetchall()
            )
            if shim_dir and not _shim_wanted(conn, done):
                log.info("auth.uid() exists (a Supabase database): not applying the shim")
                files = [(v, p) for v, p in files if not v.startswith(SHIM_PREFIX)]
            return [version for version, path in files if _apply_one(conn, version, path, done)]
        finally:
            conn.execute("select pg_advisory_unlock(%s)", [_LOCK_KEY])


def _shim_wanted(conn: psycopg.Connection[tuple[object, ...]], done: dict[str, str | None]) -> bool:
    """True unless the database has its own `auth.uid()` (Supabase) that no shim made."""
    if any(version.startswith(SHIM_PREFIX) for version in done):
        return True  # ours: keep applying new shim files
    row = conn.execute("select to_regprocedure('auth.uid()') is null").fetchone()
    return bool(row and row[0])


def _sql_files(folder: Path) -> list[Path]:
    """The folder's `*.sql` files in name order."""
    return sorted(folder.glob("*.sql"), key=lambda path: path.name)


def _apply_one(
    conn: psycopg.Connection[tuple[object, ...]],
    version: str,
    path: Path,
    done: dict[str, str | None],
) -> bool:
    """Apply one file in a transaction unless already recorded; True when it was applied.

    A shim file whose text changed is applied again (shim files are idempotent, and a database
    shimmed by an older version must follow the new one); a changed migration is not.
    """
    sql = path.read_text()
    checksum = hashlib.sha256(sql.encode()).hexdigest()
    changed_shim = version.startswith(SHIM_PREFIX) and done.get(version, checksum) != checksum
    if version in done and not changed_shim:
        if done[version] not in (None, checksum):
            log.warning(
                "migration %s changed after it was applied; add a new migration instead", version
            )
        return False
    with conn.transaction():
        conn.execute(sql.encode())
        conn.execute(
            "insert into public.logokraft_schema_migrations (version, checksum) values (%s, %s)"
            " on conflict (version) do update set checksum = excluded.checksum",
            [version, checksum],
        )
    log.info("applied %s", version)
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m logokraft_kit.migrate [--database-url URL] [--no-shim]`."""
    parser = argparse.ArgumentParser(prog="python -m logokraft_kit.migrate", description=__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="Postgres URL (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--no-shim",
        action="store_true",
        help="skip supabase/shim (the database is a real Supabase project)",
    )
    parser.add_argument(
        "--supabase-dir",
        type=Path,
        default=os.environ.get("LOGOKRAFT_SUPABASE_DIR") or None,
        help="the folder holding migrations/ and shim/ (default: $LOGOKRAFT_SUPABASE_DIR, "
        "else found upwards)",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set DATABASE_URL or pass --database-url")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    supabase = args.supabase_dir or find_supabase_dir()
    applied = apply_migrations(
        args.database_url,
        migrations_dir=supabase / "migrations",
        shim_dir=None if args.no_shim else supabase / "shim",
    )
    print(f"applied {len(applied)} file(s)" + "".join(f"\n  {v}" for v in applied))
    return 0


if __name__ == "__main__":
    sys.exit(main())
