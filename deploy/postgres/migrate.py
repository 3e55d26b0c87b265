"""The compose stack's migration job: the schema, then the service roles' grants.

Runs in the prompt image as logokraft_migrator (DATABASE_URL), which owns the schema:
`logokraft_kit.migrate` applies supabase/shim and supabase/migrations (each once, recorded in
its ledger), then deploy/postgres/service-grants.sql gives the service logins what their
housekeeping reads. Waits for Postgres first (up to 120 s): podman-compose before podman 4.6
does not wait for a dependency's health. Idempotent: run it on every deployment.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import psycopg

from logokraft_kit.migrate import apply_migrations, find_supabase_dir

GRANTS = Path(os.environ.get("LOGOKRAFT_SERVICE_GRANTS", "/deploy/service-grants.sql"))


def wait_for(url: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise
            print(f"migrate: waiting for Postgres ({str(exc).strip().splitlines()[-1]})")
            time.sleep(1)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="migrate: %(message)s")
    url = os.environ["DATABASE_URL"]
    wait_for(url)
    supabase = find_supabase_dir(override=os.environ.get("LOGOKRAFT_SUPABASE_DIR"))
    applied = apply_migrations(
        url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
    )
    print(f"migrate: applied {len(applied)} file(s) {applied}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(GRANTS.read_bytes())
    print(f"migrate: applied {GRANTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
