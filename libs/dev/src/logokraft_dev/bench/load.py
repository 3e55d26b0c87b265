"""The clients: real HTTP (httpx) POSTs and each project's real SSE stream, each user of a
burst with a client (a connection pool) of its own, as each person has a browser.

A project's clock starts when its POST is sent. `accept_s` is the POST's answer (202);
`first_logo_s` the first `asset` event with status completed (or a `snapshot` already
holding one); `done_s` the `done` event. A stream that breaks is reopened with
Last-Event-ID, as a browser's EventSource would.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import time
from dataclasses import dataclass, field

import httpx

from logokraft_dev.sse import SseReader

STREAM_DEADLINE_S = 900.0
EVENTS = ("snapshot", "asset", "project", "queue", "done")


@dataclass
class ProjectRun:
    """What one client saw of one project (seconds from its POST)."""

    user: str
    accept_s: float | None = None
    first_logo_s: float | None = None
    done_s: float | None = None
    completed: int = 0
    failed: int = 0
    project_id: str | None = None
    error: str | None = None
    events: dict[str, int] = field(default_factory=dict)
    completed_asset_id: str | None = None
    logo_times: dict[str, float] = field(default_factory=dict)  # asset id -> perf_counter()

    @property
    def ok(self) -> bool:
        return self.error is None and self.done_s is not None


def _completed_ids(event_name: str, data: dict) -> list[str]:
    if event_name == "snapshot":
        assets = (data.get("project") or {}).get("assets") or []
    elif event_name == "asset":
        assets = [data.get("asset") or {}]
    else:
        return []
    return [a.get("id", "") for a in assets if a.get("status") == "completed"]


async def follow(
    client: httpx.AsyncClient,
    url: str,
    run: ProjectRun,
    started: float,
    *,
    only_ids: set[str] | None = None,
    deadline_s: float = STREAM_DEADLINE_S,
) -> dict:
    """Read the stream at `url` until `done`, filling in `run`; the `done` event's data."""
    last_id: int | None = None
    deadline = time.monotonic() + deadline_s
    while True:
        headers = {"Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    body = (await response.aread()).decode(errors="replace")[:200]
                    raise RuntimeError(f"stream answered {response.status_code}: {body}")
                async for event in SseReader().events(response):
                    now = time.perf_counter() - started
                    run.events[event.event] = run.events.get(event.event, 0) + 1
                    if event.id is not None:
                        last_id = event.id
                    completed = _completed_ids(event.event, event.data)
                    if only_ids is not None:
                        completed = [c for c in completed if c in only_ids]
                    for asset_id in completed:
                        run.logo_times.setdefault(asset_id, time.perf_counter())
                    if completed and run.first_logo_s is None:
                        run.first_logo_s = now
                        run.completed_asset_id = completed[0]
                    if event.event == "done":
                        run.done_s = now
                        return event.data
        except httpx.TransportError:
            pass  # reconnect with Last-Event-ID
        if time.monotonic() > deadline:
            raise RuntimeError(f"no done within {deadline_s:.0f}s")
        await asyncio.sleep(0.2)


async def one_project(
    client: httpx.AsyncClient, base_url: str, token: str, user: str, *, candidates: int, name: str
) -> ProjectRun:
    """POST a project as `user`, then follow its stream to `done`."""
    run = ProjectRun(user=user)
    started = time.perf_counter()
    try:
        response = await client.post(
            f"{base_url}/api/v1/projects",
            headers={"Authorization": f"Bearer {token}"},
            # multipart/form-data, as the gateway asks (fields without a file name)
            files={
                "brand_name": (None, name),
                "industry": (None, "coffee roastery"),
                "colors": (None, "navy"),
                "num_candidates": (None, str(candidates)),
            },
        )
        run.accept_s = time.perf_counter() - started
        if response.status_code != 202:
            run.error = f"POST answered {response.status_code}: {response.text[:200]}"
            return run
        created = response.json()
        run.project_id = created["project_id"]
        done = await follow(client, created["stream_url"], run, started)
        run.completed = int(done.get("completed_assets", 0))
        run.failed = int(done.get("failed_assets", 0))
    except Exception as error:  # a benchmark reports a failed project and goes on
        run.error = f"{type(error).__name__}: {error}"[:300]
    return run


@dataclass
class Burst:
    """Every project of one burst, and its wall-clock span."""

    runs: list[ProjectRun]
    wall_s: float

    @property
    def logos(self) -> int:
        return sum(run.completed for run in self.runs)

    def steady_logos_per_s(self, low: float = 0.1, high: float = 0.9) -> float | None:
        """Logos/s between the `low` and `high` fractions of the burst's completed logos.

        The burst's throughput once it is under way: the ramp (every project's prompts and
        first image, the same whatever the number of replicas) and the tail (the last
        projects' stragglers) are left out, so replicas compare on the work they share.
        """
        times = sorted(t for run in self.runs for t in run.logo_times.values())
        first, last = int(len(times) * low), int(len(times) * high) - 1
        if last <= first or times[last] <= times[first]:
            return None
        return (last - first) / (times[last] - times[first])


async def burst(
    base_url: str,
    tokens: list[tuple[str, str]],
    *,
    projects: int,
    candidates: int,
) -> Burst:
    """`projects` projects at once, spread over the users of `tokens` ((user, token) pairs).

    Each user has an HTTP client of its own, as each person has a browser of their own. One
    client shared by the whole burst held a connection per open stream in one pool, and
    httpcore's pool does work in the number of its connections for every request it starts
    or ends: with a hundred streams open it held new streams back by up to 3 s before their
    request was sent, which the burst then counted as the stack's time to a first logo.
    """
    async with contextlib.AsyncExitStack() as stack:
        users = {user for user, _ in tokens}
        clients = {user: await stack.enter_async_context(http_client()) for user in users}
        started = time.perf_counter()
        tasks = []
        for index in range(projects):
            user, token = tokens[index % len(tokens)]
            name = f"Bench Roasters {index + 1}"
            tasks.append(
                one_project(clients[user], base_url, token, user, candidates=candidates, name=name)
            )
        runs = await asyncio.gather(*tasks)
        return Burst(list(runs), time.perf_counter() - started)


@dataclass
class RefineRun:
    """One refinement of a completed logo: its POST's answer and its variation's arrival."""

    accept_s: float | None = None
    variation_s: float | None = None
    error: str | None = None


async def one_refinement(
    client: httpx.AsyncClient, base_url: str, token: str, asset_id: str
) -> RefineRun:
    """POST one variation of `asset_id`, follow the project's stream to its `done`."""
    result = RefineRun()
    started = time.perf_counter()
    try:
        response = await client.post(
            f"{base_url}/api/v1/assets/{asset_id}/refine",
            headers={"Authorization": f"Bearer {token}"},
            json={"instruction": "make it navy", "num_variations": 1},
        )
        result.accept_s = time.perf_counter() - started
        if response.status_code != 202:
            result.error = f"POST answered {response.status_code}: {response.text[:200]}"
            return result
        accepted = response.json()
        wanted = {variation["id"] for variation in accepted["variations"]}
        run = ProjectRun(user="refine")
        await follow(client, accepted["stream_url"], run, started, only_ids=wanted)
        result.variation_s = run.first_logo_s
        if result.variation_s is None:
            result.error = "the variation did not complete"
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"[:300]
    return result


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: each of its own loads the CA bundle (about 25 ms),
    which a burst's clients made together blocked the event loop for most of a second."""
    return ssl.create_default_context()


def http_client() -> httpx.AsyncClient:
    """A client with no pool limit (each open stream holds a connection)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(120.0, connect=10.0),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
        verify=_tls(),
    )
