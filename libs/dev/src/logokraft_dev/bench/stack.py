"""The real stack and the fakes as processes, and what each process costs (psutil).

`BenchStack` runs `python -m logokraft_dev.devstack run` (exactly what `make run` runs:
embedded NATS and Postgres, prompt, imagegen, refine, the gateway) with the bench's
settings, its output in a log file, and stops it with SIGTERM as Ctrl-C would.
`ProcessMeter` groups the stack's processes by role (gateway, prompt, imagegen, refine,
postgres = all of Postgres's processes, nats), and measures each group's CPU time over a
window and its peak RSS (sampled).

CPU of a group = the sum, over its live processes, of user + system time plus the time of
their children already reaped (`children_user`/`children_system`): a Postgres backend that
exits mid-run still counts, through the postmaster that reaped it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from logokraft_dev.devstack._process import die_with_parent, free_port, stop_process, tail
from logokraft_dev.devtokens import dev_token

ROLES = ("gateway", "prompt", "imagegen", "refine", "postgres", "nats")
BANNER = "LogoKraft is running at"
# A banner row: "  imagegen-1  gRPC  127.0.0.1:4001  metrics http://127.0.0.1:4101/metrics".
_METRICS_ROW = re.compile(r"^\s+(\S+)\s+(?:gRPC|HTTP)\s+\S+\s+metrics (http://\S+)", re.M)
RENDER_CPU_METRIC = "logokraft_local_render_cpu_seconds_total"
START_TIMEOUT_S = 120.0


class BenchError(RuntimeError):
    """The benchmark cannot go on; the message says why."""


def role_of(proc: psutil.Process) -> str | None:
    """gateway/prompt/imagegen/refine/postgres/nats, or None for anything else."""
    try:
        name = proc.name()
        cmdline = proc.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    for index, word in enumerate(cmdline[:-1]):
        if word == "-m" and cmdline[index + 1].startswith("logokraft_"):
            role = cmdline[index + 1].removeprefix("logokraft_")
            return role if role in ROLES else None
    if name.startswith("postgres") or (cmdline and cmdline[0].endswith("/postgres")):
        return "postgres"
    if name.startswith("nats-server"):
        return "nats"
    return None


def process_cpu_s(proc: psutil.Process) -> float:
    """A process's CPU seconds, user + system, with its children already reaped."""
    times = proc.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass
class Usage:
    """One group's CPU seconds over the window, its peak RSS, and how many processes it had."""

    cpu_s: float = 0.0
    peak_rss_bytes: int = 0
    processes: int = 0


class ProcessMeter:
    """CPU time per role over a window, and peak RSS per role, of the processes under `roots`.

    `start()` takes the first CPU snapshot and starts sampling RSS (every `interval` s, in a
    thread); `stop()` takes the last snapshot. Also measures this process (the bench's HTTP
    clients) and any `extra` processes (the fakes) under their own names.
    """

    def __init__(
        self, roots: list[int], *, extra: Mapping[str, int] | None = None, interval: float = 0.2
    ) -> None:
        self._roots = [psutil.Process(pid) for pid in roots]
        self._extra = {name: psutil.Process(pid) for name, pid in (extra or {}).items()}
        self._extra["bench client"] = psutil.Process(os.getpid())
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._first: dict[str, float] = {}
        self.usage: dict[str, Usage] = {}
        self.pids: dict[str, list[int]] = {}

    def groups(self) -> dict[str, list[psutil.Process]]:
        """The live processes of each role (and each extra), now."""
        found: dict[str, list[psutil.Process]] = {role: [] for role in ROLES}
        for root in self._roots:
            with contextlib.suppress(psutil.NoSuchProcess):
                for proc in root.children(recursive=True):
                    role = role_of(proc)
                    if role is not None:
                        found[role].append(proc)
        for name, proc in self._extra.items():
            found[name] = [proc]
        return found

    def _cpu(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for role, procs in self.groups().items():
            total = 0.0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
                    total += process_cpu_s(proc)
            totals[role] = total
        return totals

    def _sample(self) -> None:
        for role, procs in self.groups().items():
            rss = 0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
                    rss += proc.memory_info().rss
            usage = self.usage.setdefault(role, Usage())
            usage.peak_rss_bytes = max(usage.peak_rss_bytes, rss)
            usage.processes = max(usage.processes, len(procs))
            self.pids[role] = sorted({*self.pids.get(role, []), *(p.pid for p in procs)})

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def start(self) -> None:
        self._first = self._cpu()
        self._sample()
        self._thread = threading.Thread(target=self._run, name="bench-meter", daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, Usage]:
        last = self._cpu()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._sample()
        for role, total in last.items():
            usage = self.usage.setdefault(role, Usage())
            usage.cpu_s = max(0.0, total - self._first.get(role, 0.0))
        return self.usage

    def count(self, role: str) -> int:
        """How many processes of `role` run now."""
        return len(self.groups().get(role, []))


@dataclass
class Fakes:
    """The fakes' process and where it serves."""

    proc: subprocess.Popen[str]
    gemini_url: str
    seedream_url: str

    async def set_latency(self, model: Mapping[str, float]) -> None:
        import httpx

        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(f"{self.gemini_url}/_bench/latency", json=dict(model))
            response.raise_for_status()


@contextlib.contextmanager
def running_fakes(log_path: Path) -> Iterator[Fakes]:
    """`python -m logokraft_dev.bench.fakes` (no latency until `set_latency`), stopped after."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            die_with_parent([sys.executable, "-m", "logokraft_dev.bench.fakes"]),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the fakes print their URLs once both listen
        if not line:
            raise BenchError(f"the fakes did not start:\n{tail(log_path)}")
        urls = json.loads(line)
        yield Fakes(proc, urls["gemini"], urls["seedream"])  # type: ignore[arg-type]
    finally:
        stop_process(proc, timeout=10)  # type: ignore[arg-type]


def stack_settings(
    fakes: Fakes,
    *,
    image_provider: str,
    prompt_provider: str = "gemini",
    imagegen_replicas: int = 1,
    seedream_concurrency: int,
    prompt_concurrency: int,
    local_concurrency: int | None = None,
) -> dict[str, str]:
    """The environment the bench gives `make run`: the fakes as the providers, and neither
    per-user limits nor rate limits in the way (a burst comes from few users and one address)."""
    from logokraft_dev.bench.fakes import ARK_KEY, GEMINI_KEY

    env = {
        "LOGOKRAFT_PROMPT_PROVIDER": prompt_provider,
        "LOGOKRAFT_IMAGE_PROVIDER": image_provider,
        "LOGOKRAFT_REFINE_PROVIDER": "gemini",
        "GEMINI_API_KEY": GEMINI_KEY,
        "GEMINI_BASE_URL": fakes.gemini_url,
        "ARK_API_KEY": ARK_KEY,
        "SEEDREAM_BASE_URL": f"{fakes.seedream_url}/api/v3",
        "LOGOKRAFT_SEEDREAM_CONCURRENCY": str(seedream_concurrency),
        "LOGOKRAFT_PROMPT_CONCURRENCY": str(prompt_concurrency),
        "LOGOKRAFT_IMAGEGEN_REPLICAS": str(imagegen_replicas),
        "LOGOKRAFT_LIMIT_IMAGES_PER_DAY": "0",
        "LOGOKRAFT_LIMIT_PROJECTS_IN_FLIGHT": "0",
        "LOGOKRAFT_DAILY_IMAGE_BUDGET": "0",
        "LOGOKRAFT_RATE_LIMIT_PER_USER": "0",
        "LOGOKRAFT_RATE_LIMIT_PER_IP": "0",
        "LOGOKRAFT_RATE_LIMIT_GENERATION": "0",
        "LOGOKRAFT_MAX_STREAMS_PER_USER": "0",
        "LOGOKRAFT_LOG_FORMAT": "json",
    }
    if local_concurrency is not None:
        env["LOGOKRAFT_LOCAL_CONCURRENCY"] = str(local_concurrency)
    return env


@dataclass
class BenchStack:
    """A running `python -m logokraft_dev.devstack run`: its process, URL and data dir."""

    proc: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    log_path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def metrics_urls(self, prefix: str) -> list[str]:
        """The metrics URLs the banner printed for the children named `prefix` or
        `prefix-N` (replicas)."""
        text = self.log_path.read_text(errors="replace")
        return [
            url
            for name, url in _METRICS_ROW.findall(text)
            if name == prefix or re.fullmatch(rf"{re.escape(prefix)}-\d+", name)
        ]

    async def render_cpu_s(self) -> float | None:
        """CPU seconds imagegen's local engine has spent drawing, summed over its replicas
        (`logokraft_local_render_cpu_seconds_total`, measured in the render threads); None
        when a replica's metrics cannot be read."""
        import httpx
        from prometheus_client.parser import text_string_to_metric_families

        urls = self.metrics_urls("imagegen")
        if not urls:
            return None
        total = 0.0
        async with httpx.AsyncClient(timeout=10) as client:
            for url in urls:
                try:
                    response = await client.get(url)
                    response.raise_for_status()
                except httpx.HTTPError:
                    return None
                total += sum(
                    sample.value
                    for family in text_string_to_metric_families(response.text)
                    for sample in family.samples
                    if sample.name == RENDER_CPU_METRIC
                )
        return total

    def token(self, user: str) -> str:
        """A bearer token for the named development user."""
        if user not in self.tokens:
            self.tokens[user] = dev_token(self.data_dir, user)
        return self.tokens[user]


def _inherited_environment() -> dict[str, str]:
    """This process's environment without what would point the stack elsewhere."""
    drop = {"NATS_URL", "DATABASE_URL", "LOGOKRAFT_HTTP_PORT"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _spawn_stack(env: Mapping[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            # Stopped as `make run` is on Ctrl-C if the bench is killed: it stops its children.
            die_with_parent([sys.executable, "-m", "logokraft_dev.devstack", "run"]),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextlib.asynccontextmanager
async def running_stack(
    data_dir: Path, settings: Mapping[str, str], *, name: str
) -> AsyncIterator[BenchStack]:
    """`make run` with `settings` on a free port, until the block ends (then SIGTERM)."""
    port = free_port()
    log_path = data_dir / "logs" / f"bench-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = _inherited_environment() | {
        "LOGOKRAFT_DATA_DIR": str(data_dir),
        "LOGOKRAFT_HTTP_PORT": str(port),
        **settings,
    }
    proc = _spawn_stack(env, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while BANNER not in log_path.read_text(errors="replace"):
            if proc.poll() is not None:
                raise BenchError(f"the stack exited while starting:\n{tail(log_path, 40)}")
            if time.monotonic() > deadline:
                raise BenchError(f"the stack did not start in {START_TIMEOUT_S:.0f}s")
            await asyncio.sleep(0.1)
        yield BenchStack(proc, f"http://127.0.0.1:{port}", data_dir, log_path)
    finally:
        code = await asyncio.to_thread(stop_process, proc, sig=signal.SIGTERM, timeout=60)
        if code != 0:
            print(f"bench: the stack {name} stopped with exit code {code}", file=sys.stderr)
