"""Child-process plumbing shared by the embedded servers and the supervisor.

Every child is started in its own session (so a terminal Ctrl-C reaches only
the parent, which then stops children in order) and, on Linux, with a
parent-death signal (so a child never outlives a parent killed with SIGKILL).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

_ORPHAN_GUARD = Path(__file__).with_name("_orphan_guard.py")


# Ports this process has handed out, so two callers never get the same one.
_HANDED_OUT: set[int] = set()
_LOWEST = 1024
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_range() -> tuple[int, int]:
    """The ports the kernel picks from for outgoing connections and `bind(0)`."""
    try:
        low, high = (int(part) for part in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default; other systems fall back to bind(0) below
    return low, high


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free now and that the kernel will not hand to anyone else.

    The port is chosen for a server that binds it a moment later. A port from
    `bind(0)` is in the kernel's ephemeral range, so in that moment any outgoing
    connection on the machine may take it as its local port (seen in CI as
    "Address already in use"). So on Linux the port is drawn at random from
    below the ephemeral range, where the kernel never picks, and probed; only
    a server that binds a fixed port of its own can collide with it.
    """
    low, high = _ephemeral_range()
    pool = [(_LOWEST, low - 1), (high + 1, 65535)]
    pool = [(a, b) for a, b in pool if b - a >= 1000]
    if sys.platform.startswith("linux") and pool:
        for _ in range(200):
            a, b = secrets.choice(pool)
            port = a + secrets.randbelow(b - a + 1)
            if port not in _HANDED_OUT and _bindable(host, port):
                _HANDED_OUT.add(port)
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def die_with_parent(
    argv: Sequence[str],
    sig: signal.Signals = signal.SIGTERM,
    *,
    run_as: tuple[int, int] | None = None,
) -> list[str]:
    """`argv` wrapped so that, on Linux, the child is sent `sig` when this process dies.

    `run_as` is a (uid, gid) for the child to drop to; pass it here rather than as
    Popen's `user=`, because a change of user clears the parent-death signal. The
    wrapper (`_orphan_guard.py`) arms the signal after `exec`, so no Python runs
    between `fork` and `exec` (unsafe with gRPC threads in the parent).
    """
    if not sys.platform.startswith("linux"):
        if run_as is not None:
            raise StartupError("running a child as another user is only supported on Linux")
        return list(argv)
    ids = [str(run_as[0]), str(run_as[1])] if run_as is not None else []
    head = [sys.executable, "-I", "-S", str(_ORPHAN_GUARD), str(os.getpid()), str(int(sig))]
    return [*head, *ids, "--", *argv]


def stop_process(
    proc: subprocess.Popen[bytes], *, sig: signal.Signals = signal.SIGTERM, timeout: float = 10.0
) -> int:
    """Send `sig`, wait up to `timeout` seconds, then SIGKILL; return the exit code."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


def tail(path: Path | None, lines: int = 30) -> str:
    """The last lines of a log file ('' when it does not exist)."""
    if path is None or not path.exists():
        return ""
    with path.open(errors="replace") as handle:
        return "".join(deque(handle, maxlen=lines))


class StartupError(RuntimeError):
    """A process did not become ready; the message names it and quotes its log."""


def poll_until(
    probe: Callable[[], bool],
    *,
    timeout: float,
    alive: Callable[[], bool],
    on_timeout: Callable[[], str],
    on_exit: Callable[[], str],
) -> None:
    """Call `probe` with a short growing backoff until it is true; raise StartupError otherwise."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while not probe():
        if not alive():
            raise StartupError(on_exit())
        if time.monotonic() > deadline:
            raise StartupError(on_timeout())
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


class ChildServer:
    """A server running as our child process: its pid, a clean stop, and `with` support.

    Subclasses say which signal stops the server gracefully, how long to wait
    before SIGKILL, and which runtime directory to remove once it is gone.
    """

    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 10.0

    def __init__(self, proc: subprocess.Popen[bytes], *, runtime_dir: Path) -> None:
        self._proc = proc
        self._runtime_dir = runtime_dir

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._proc.pid

    def exit_code(self) -> int | None:
        """The server's exit code once it has exited (reaping it), else None."""
        return self._proc.poll()

    def stop(self, *, timeout: float | None = None) -> None:
        """Stop gracefully, SIGKILL after the timeout, then remove the runtime directory."""
        wait = self.stop_timeout if timeout is None else timeout
        stop_process(self._proc, sig=self.stop_signal, timeout=wait)
        shutil.rmtree(self._runtime_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
