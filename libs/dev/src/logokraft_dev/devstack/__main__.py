"""`python -m logokraft_dev.devstack {run,token,up-infra}`: behind `make run` and `make token`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from logokraft_dev.devstack._process import StartupError
from logokraft_dev.devstack.stack import (
    DevstackError,
    data_dir_from,
    local_infra,
    lock_data_dir,
    run_stack,
)
from logokraft_dev.devtokens import dev_token


def _token(args: argparse.Namespace) -> int:
    """Print a bearer token for a development user, and nothing else."""
    secrets_dir = os.environ.get("LOGOKRAFT_SECRETS_DIR")
    print(
        dev_token(
            data_dir_from(os.environ),
            args.user,
            secrets_dir=Path(secrets_dir) if secrets_dir else None,
        )
    )
    return 0


def _up_infra(args: argparse.Namespace) -> int:
    """Run only NATS and Postgres (migrated), print their env lines, wait for Ctrl-C."""
    data_dir = data_dir_from(os.environ)
    try:
        with lock_data_dir(data_dir), local_infra(data_dir, os.environ) as infra:
            # Blocked only now: children would inherit the mask and ignore our stop signals.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            print(f"NATS_URL={infra.nats_url}")
            print(f"DATABASE_URL={infra.database_url}")
            print(f"LOGOKRAFT_DATA_DIR={data_dir}", flush=True)
            print("# infrastructure is up; Ctrl-C to stop", file=sys.stderr, flush=True)
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
    except (DevstackError, StartupError) as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m logokraft_dev.devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run NATS, Postgres, the three services and the gateway")
    token = commands.add_parser("token", help="print a bearer token for a development user")
    token.add_argument("--user", default="dev", help="development user name (default: dev)")
    commands.add_parser("up-infra", help="run only NATS and Postgres; print their env lines")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_stack()
    if args.command == "token":
        return _token(args)
    return _up_infra(args)


if __name__ == "__main__":
    sys.exit(main())
