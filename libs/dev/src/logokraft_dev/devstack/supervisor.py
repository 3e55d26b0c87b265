"""A small process supervisor: start children in stages, wait until ready, restart, stop in order.

Children of a stage start together and must all be ready before the next
stage starts; stopping goes stage by stage in reverse (SIGTERM, then SIGKILL
after a grace period). Once everything has started, a child that dies is
restarted with a growing backoff, as an orchestrator would. Every output line
is echoed with the child's name in front, and appended to `<log_dir>/<name>.log`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TextIO

from logokraft_dev.devstack._process import StartupError, die_with_parent
from logokraft_dev.devstack.probes import Probe

_STABLE_AFTER = 30.0  # a child that ran this long before dying restarts after the base backoff
_TAIL_LINES = 40


@dataclass(frozen=True)
class ChildSpec:
    """What to run: a name, a command, its environment, a readiness probe and a start stage."""

    name: str
    argv: Sequence[str]
    ready: Probe | None = None
    env: Mapping[str, str] | None = None
    stage: int = 0


class _Child:
    """The running state of one child."""

    def __init__(self, spec: ChildSpec) -> None:
        self.spec = spec
        self.proc: asyncio.subprocess.Process | None = None
        self.pump: asyncio.Task[None] | None = None
        self.watch: asyncio.Task[None] | None = None
        self.ready = False
        self.restarts = 0
        self.started_at = 0.0
        self.output: deque[str] = deque(maxlen=_TAIL_LINES)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def tail(self) -> str:
        return "".join(self.output) or "(no output)\n"


class Supervisor:
    """Runs a set of child processes; use `async with` or `start()`/`stop()`."""

    def __init__(
        self,
        children: Sequence[ChildSpec],
        *,
        log_dir: Path | None = None,
        out: TextIO | None = None,
        ready_timeout: float = 60.0,
        grace: float = 10.0,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
    ) -> None:
        names = [spec.name for spec in children]
        if len(set(names)) != len(names):
            raise ValueError(f"child names must be unique: {names}")
        self._children = {spec.name: _Child(spec) for spec in children}
        self._log_dir = log_dir
        self._out = out or sys.stdout
        self._ready_timeout = ready_timeout
        self._grace = grace
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._started = False
        self._stopping = asyncio.Event()
        self._startup_failure: StartupError | None = None
        self._changed = asyncio.Event()
        self._width = max([len(name) for name in names] + [len("devstack")])

    # -- observing ---------------------------------------------------------------------------

    def pid(self, name: str) -> int | None:
        """The current process id of the named child (None when not running)."""
        child = self._children[name]
        return child.proc.pid if child.alive and child.proc else None

    def restarts(self, name: str) -> int:
        """How many times the named child has been restarted."""
        return self._children[name].restarts

    def is_ready(self, name: str) -> bool:
        """True when the named child runs and its probe has answered ready."""
        return self._children[name].ready

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate()` holds (re-checked on every change); bound it with a timeout."""
        while True:
            changed = self._changed
            if predicate():
                return
            await changed.wait()

    def say(self, message: str) -> None:
        """Print a line of the supervisor's own, in the same format as the children's."""
        self._emit("devstack", message + "\n")

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start every stage in order, each once all children of the previous one are ready."""
        try:
            for stage in sorted({c.spec.stage for c in self._children.values()}):
                group = [c for c in self._children.values() if c.spec.stage == stage]
                for child in group:
                    await self._spawn(child)
                    child.watch = asyncio.create_task(self._watch(child))
                await self._await_stage(group)
            if self._startup_failure is not None:
                raise self._startup_failure
            self._started = True
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop every child, last stage first: SIGTERM, then SIGKILL after the grace period."""
        self._stopping.set()
        for stage in sorted({c.spec.stage for c in self._children.values()}, reverse=True):
            group = [c for c in self._children.values() if c.spec.stage == stage]
            await asyncio.gather(*(self._terminate(child) for child in group))
        tasks = [t for c in self._children.values() for t in (c.watch, c.pump) if t]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Supervisor:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- internals ---------------------------------------------------------------------------

    async def _spawn(self, child: _Child) -> None:
        spec = child.spec
        log_file = self._open_log(spec.name)
        child.proc = await asyncio.create_subprocess_exec(
            *die_with_parent(spec.argv),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(spec.env) if spec.env is not None else None,
            start_new_session=True,  # Ctrl-C reaches us only; we stop children in order
            limit=1 << 20,
        )
        child.started_at = time.monotonic()
        child.output.clear()
        child.pump = asyncio.create_task(self._pump(child, child.proc, log_file))
        self._notify()

    def _open_log(self, name: str) -> IO[str] | None:
        if self._log_dir is None:
            return None
        self._log_dir.mkdir(parents=True, exist_ok=True)
        return (self._log_dir / f"{name}.log").open("a", encoding="utf-8", buffering=1)

    async def _pump(
        self, child: _Child, proc: asyncio.subprocess.Process, log_file: IO[str] | None
    ) -> None:
        """Copy the child's output to the terminal (prefixed) and its log file."""
        assert proc.stdout is not None
        try:
            while raw := await proc.stdout.readline():
                line = raw.decode(errors="replace")
                line = line if line.endswith("\n") else line + "\n"
                child.output.append(line)
                self._emit(child.spec.name, line)
                if log_file:
                    log_file.write(line)
        except ValueError:  # a line longer than the limit: stop echoing rather than crash
            self._emit(child.spec.name, "(output line too long; further output dropped)\n")
        finally:
            if log_file:
                log_file.close()

    def _emit(self, name: str, line: str) -> None:
        with contextlib.suppress(ValueError, OSError):  # closed or broken terminal
            self._out.write(f"{name:<{self._width}} | {line}")
            self._out.flush()

    async def _await_ready(self, child: _Child) -> None:
        """Poll the child's probe until ready; raise StartupError naming it on exit or timeout."""
        deadline = time.monotonic() + self._ready_timeout
        delay = 0.02
        while not await self._probe(child):
            if self._startup_failure is not None:
                raise self._startup_failure
            if not child.alive:
                raise self._exit_error(child)
            if time.monotonic() > deadline:
                raise StartupError(
                    f"{child.spec.name} was not ready within {self._ready_timeout:.0f}s; "
                    f"its last output:\n{child.tail()}"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)
        if not child.alive:
            raise self._exit_error(child)
        child.ready = True
        self._notify()

    async def _await_stage(self, group: list[_Child]) -> None:
        """Wait until every child of a stage is ready; on the first failure, cancel the rest."""
        waits = [asyncio.create_task(self._await_ready(child)) for child in group]
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            # Also when start() itself is cancelled (Ctrl-C while starting): a wait left
            # running would fail once its child is stopped, and asyncio would print that
            # failure as "Task exception was never retrieved" with a traceback.
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        for task in done:
            task.result()  # raises the StartupError of a failed child

    async def _probe(self, child: _Child) -> bool:
        if child.spec.ready is None:
            return True
        try:
            return await child.spec.ready()
        except Exception as error:  # a probe bug must not take the supervisor down
            self.say(f"{child.spec.name}: readiness probe failed: {error!r}")
            return False

    def _exit_error(self, child: _Child) -> StartupError:
        code = child.proc.returncode if child.proc else None
        return StartupError(
            f"{child.spec.name} exited with code {code} before it was ready; "
            f"its last output:\n{child.tail()}"
        )

    async def _watch(self, child: _Child) -> None:
        """Wait for the child to exit; after startup, restart it with a growing backoff."""
        delay = self._backoff
        while True:
            assert child.proc is not None
            code = await child.proc.wait()
            if child.pump:
                # A grandchild may hold the pipe open; do not wait for it forever.
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(child.pump, 2)
            child.ready = False
            self._notify()
            if self._stopping.is_set():
                return
            if not self._started:
                self._startup_failure = self._exit_error(child)
                return
            if time.monotonic() - child.started_at > _STABLE_AFTER:
                delay = self._backoff  # it had been running fine: start the backoff over
            self.say(f"{child.spec.name} exited with code {code}; restarting in {delay:.1f}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            delay = min(delay * 2, self._max_backoff)
            if self._stopping.is_set():
                return
            await self._restart(child)

    async def _restart(self, child: _Child) -> None:
        try:
            await self._spawn(child)
        except OSError as error:  # the watch loop sees the old, exited process and retries
            self.say(f"cannot restart {child.spec.name}: {error}")
            return
        child.restarts += 1
        try:
            await self._await_ready(child)
        except StartupError as error:
            if not self._stopping.is_set():
                self.say(str(error).splitlines()[0])
            if child.alive and child.proc:
                child.proc.kill()  # the watch loop sees the exit and tries again
            return
        self.say(f"{child.spec.name} is ready again (restart #{child.restarts})")

    async def _terminate(self, child: _Child) -> None:
        proc = child.proc
        if proc is None or proc.returncode is not None:
            return
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), self._grace)
        except TimeoutError:
            self.say(f"{child.spec.name} did not stop within {self._grace:.0f}s; killing it")
            _signal_group(proc.pid, signal.SIGKILL)
            await proc.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the child and anything it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
