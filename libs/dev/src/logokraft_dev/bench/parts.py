"""What the fixed parts of one logo cost in CPU, each measured alone.

    python -m logokraft_dev.bench.parts [--runs N]

The system benchmark's CPU per logo is a sum over five processes; this breaks out three parts
that every logo pays whatever the orchestration around them does, so goal 4 (10 ms per logo)
can be read against what is left for the rest:

- `gemini_prompts`: the Gemini prompt writer (the real adapter and google-genai SDK) writing a
  project's four prompts, streamed, from the Gemini fake with no latency; per logo = a quarter.
- `seedream_image`: the Seedream adapter (httpx, the answer read capped, the image decoded
  and verified) fetching one image from the Seedream fake.
- `asset_bookkeeping`: imagegen's life of one asset, `AssetJobs.start` and `.complete` against
  a real Postgres and NATS: two pipelined transactions under the user's identity (RLS), the
  events they record, two news messages, the image stored. Its Postgres share (the server's
  processes' CPU over the same runs) is reported beside it.

Each part runs a few times to warm up, then `runs` times in this process; its CPU is this
process's (threads included) over those runs, divided by the runs. The fakes run in a
process of their own, so their CPU is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil

from logokraft_dev.bench.fakes import ARK_KEY, GEMINI_KEY
from logokraft_dev.bench.stack import BenchError, Fakes, process_cpu_s, running_fakes

WARM_UP = 5
CANDIDATES = 4


async def cpu_ms_per_run(run: Callable[[], Awaitable[object]], runs: int) -> float:
    """This process's CPU milliseconds per call of `run`, after a warm-up."""
    for _ in range(WARM_UP):
        await run()
    started = time.process_time()
    for _ in range(runs):
        await run()
    return (time.process_time() - started) * 1000 / runs


async def gemini_prompts(fakes: Fakes, runs: int) -> dict[str, float]:
    """CPU of the Gemini prompt writer for one project's prompts, and per logo."""
    import logokraft_engine as engine
    from logokraft_prompt.adapters.gemini import GeminiPromptWriter

    writer = GeminiPromptWriter(api_key=GEMINI_KEY, base_url=fakes.gemini_url)
    brief = engine.Brief(brand_name="Solo Roasters", industry="coffee roastery", colors=("navy",))

    async def write() -> None:
        async for _ in writer.write_prompts(brief, count=CANDIDATES, inspiration=()):
            pass

    try:
        per_project = await cpu_ms_per_run(write, runs)
    finally:
        await writer.aclose()
    return {"cpu_ms_per_project": round(per_project, 3), "cpu_ms_per_logo": _per_logo(per_project)}


async def seedream_image(fakes: Fakes, runs: int) -> dict[str, float]:
    """CPU of the Seedream adapter for one image."""
    import logokraft_engine as engine
    from logokraft_imagegen.adapters.base import ImageRequest
    from logokraft_imagegen.adapters.seedream import SeedreamGenerator

    generator = SeedreamGenerator(
        api_key=ARK_KEY, base_url=f"{fakes.seedream_url}/api/v3", allow_http=True
    )
    request = ImageRequest(prompt="a minimal coffee cup logo", brief=engine.Brief("Solo"))
    try:
        per_image = await cpu_ms_per_run(lambda: generator.generate(request), runs)
    finally:
        await generator.aclose()
    return {"cpu_ms_per_logo": round(per_image, 3)}


@contextlib.asynccontextmanager
async def _infrastructure(scratch: Path) -> AsyncIterator[tuple[Any, Any, int]]:
    """A migrated Postgres (as `make run`'s: durable), a NATS, and this process connected:
    (Database, NATS client, Postgres server pid)."""
    from logokraft_dev.devstack.nats import start_nats
    from logokraft_dev.devstack.postgres import start_postgres
    from logokraft_kit import bus
    from logokraft_kit.db import Database
    from logokraft_kit.migrate import apply_migrations, find_supabase_dir

    with (
        start_postgres(data_dir=scratch / "pg") as postgres,
        start_nats(store_dir=scratch / "nats") as nats_server,
    ):
        supabase = find_supabase_dir()
        await asyncio.to_thread(
            apply_migrations,
            postgres.url,
            migrations_dir=supabase / "migrations",
            shim_dir=supabase / "shim",
        )
        db = Database(postgres.url, min_size=1, max_size=2)
        await db.open()
        nc = await bus.connect(nats_server.url, name="bench-parts")
        try:
            yield db, nc, postgres.pid
        finally:
            await nc.drain()
            await db.close()


async def asset_bookkeeping(scratch: Path, runs: int) -> dict[str, float]:
    """CPU of `AssetJobs.start` + `.complete` for one asset, here and in Postgres."""
    from logokraft_domain.asset_jobs import AssetJobs
    from logokraft_imagegen.adapters.base import GeneratedImage
    from logokraft_kit.bus import JobSigner, Subjects
    from logokraft_kit.storage import local_storage

    image = GeneratedImage(png=b"\x89PNG\r\n\x1a\n" + bytes(7000), width=1024, height=1024)
    async with _infrastructure(scratch) as (db, nc, postgres_pid):
        jobs = AssetJobs(
            db=db,
            nc=nc,
            subjects=Subjects("bench"),
            storage=local_storage(
                data_dir=scratch, public_base_url="http://127.0.0.1", url_key="bench"
            ),
            signer=JobSigner("bench"),
        )
        user = uuid.uuid4()
        assets = await _seed(db, user, WARM_UP + runs)

        async def one() -> None:
            started = await jobs.start(user, assets.pop())
            if started is None:
                raise BenchError("a seeded asset could not be started")
            await jobs.complete(user, started[0], image, provider="bench")

        postgres = psutil.Process(postgres_pid)
        before = _tree_cpu_s(postgres)
        per_asset = await cpu_ms_per_run(one, runs)
        server = (_tree_cpu_s(postgres) - before) * 1000 / (runs + WARM_UP)
    return {"cpu_ms_per_logo": round(per_asset, 3), "postgres_cpu_ms_per_logo": round(server, 3)}


async def _seed(db: Any, user: uuid.UUID, count: int) -> list[uuid.UUID]:
    """A generating project of `user` with `count` queued candidates (and one that stays
    queued, so no completion settles the project); their ids."""
    project = uuid.uuid4()
    async with db.as_service() as conn:
        await conn.execute(
            "insert into brand_projects (id, user_id, brand_name, status, prompts_written)"
            " values (%s, %s, 'Solo Roasters', 'generating', true)",
            [project, user],
        )
        cursor = await conn.execute(
            "insert into generated_assets (project_id, user_id, position, prompt)"
            " select %s, %s, n, 'a minimal coffee cup logo' from generate_series(0, %s) n"
            " returning id, position",
            [project, user, count],
        )
        rows = sorted(await cursor.fetchall(), key=lambda row: row["position"])
    return [row["id"] for row in rows[1:]]


def _tree_cpu_s(proc: psutil.Process) -> float:
    """CPU seconds of a process and its live children (Postgres: the postmaster and its
    backends; backends that exited count through the postmaster that reaped them)."""
    total = 0.0
    for each in (proc, *proc.children(recursive=True)):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            total += process_cpu_s(each)
    return total


def _per_logo(per_project: float) -> float:
    return round(per_project / CANDIDATES, 3)


async def measure(runs: int, scratch: Path) -> dict[str, Any]:
    """Every part's figures, and their sum per logo."""
    with running_fakes(scratch / "bench-fakes.log") as fakes:
        parts = {
            "gemini_prompts": await gemini_prompts(fakes, runs),
            "seedream_image": await seedream_image(fakes, runs),
            "asset_bookkeeping": await asset_bookkeeping(scratch, runs),
        }
    bookkeeping = parts["asset_bookkeeping"]
    total = (
        parts["gemini_prompts"]["cpu_ms_per_logo"]
        + parts["seedream_image"]["cpu_ms_per_logo"]
        + bookkeeping["cpu_ms_per_logo"]
        + bookkeeping["postgres_cpu_ms_per_logo"]
    )
    return {"runs": runs, **parts, "cpu_ms_per_logo": round(total, 3)}


def render(parts: dict[str, Any]) -> list[str]:
    """The parts as printed lines."""
    gemini, seedream = parts["gemini_prompts"], parts["seedream_image"]
    bookkeeping = parts["asset_bookkeeping"]
    return [
        f"parts of a logo, each measured alone ({parts['runs']} runs; CPU ms per logo):",
        f"  Gemini prompt writer (SDK, streamed)  {gemini['cpu_ms_per_logo']:>6.2f}"
        f"   ({gemini['cpu_ms_per_project']:.2f} per project of {CANDIDATES})",
        f"  Seedream adapter, one image           {seedream['cpu_ms_per_logo']:>6.2f}",
        f"  asset start + complete (imagegen)     {bookkeeping['cpu_ms_per_logo']:>6.2f}"
        f"   + Postgres {bookkeeping['postgres_cpu_ms_per_logo']:.2f}",
        f"  together                              {parts['cpu_ms_per_logo']:>6.2f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_dev.bench.parts", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--runs", type=int, default=100, help="runs of each part (default 100)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="logokraft-parts-") as scratch:
        parts = asyncio.run(measure(args.runs, Path(scratch)))
    print(json.dumps(parts, indent=2) if args.json else "\n".join(render(parts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
