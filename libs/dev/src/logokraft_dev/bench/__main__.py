"""`python -m logokraft_dev.bench [--quick] [...]`: the whole-system benchmark.

Runs, each on a freshly started stack (`make run`'s devstack, with the provider fakes as
providers, per-user limits and rate limits off):

1. Gemini + Seedream fakes, 1 imagegen replica: one project alone (time to first logo
   against the critical path: prompts + one image), one refinement of it, then the burst.
2. The same with LOGOKRAFT_IMAGEGEN_REPLICAS=2 (the replica goal), when the devstack
   honours it.
3. The local engine (local prompts and images, `make run`'s default): the burst.
4. The parts every logo pays, each measured alone (bench/parts.py): the Gemini prompt writer,
   the Seedream adapter, and imagegen's start and completion of an asset.

Each stack first runs a warm-up project with the fakes answering at once. Prints the
figures and the goals (PASS/FAIL/SKIP) and writes them as JSON to bench/results/. Exits 0
whatever the figures; 1 only when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import inspect
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from logokraft_dev.bench import parts, report
from logokraft_dev.bench.latency import LatencyModel
from logokraft_dev.bench.load import Burst, burst, http_client, one_project, one_refinement
from logokraft_dev.bench.stack import (
    BenchError,
    BenchStack,
    Fakes,
    ProcessMeter,
    Usage,
    running_fakes,
    running_stack,
    stack_settings,
)

REPLICAS_VARIABLE = "LOGOKRAFT_IMAGEGEN_REPLICAS"
NO_LATENCY = {"gemini_s": 0.0, "seedream_s": 0.0, "nano_banana_s": 0.0, "jitter": 0.0}


@dataclass(frozen=True)
class Plan:
    """What to run, resolved from the command line, the environment and --quick."""

    quick: bool
    model: LatencyModel
    projects: int
    candidates: int
    users: int
    seedream_concurrency: int
    prompt_concurrency: int
    local_concurrency: int | None
    replicas: bool
    local: bool
    out_dir: Path
    data_dir: Path | None
    parts_runs: int = 100

    def settings(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "candidates": self.candidates,
            "users": self.users,
            "seedream_concurrency": self.seedream_concurrency,
            "prompt_concurrency": self.prompt_concurrency,
            "local_concurrency": self.local_concurrency,
        }


def repo_root() -> Path:
    """The workspace root (where bench/results/ lives): the first parent with uv.lock."""
    for folder in (Path.cwd(), *Path(__file__).resolve().parents):
        if (folder / "uv.lock").exists() and (folder / "libs").is_dir():
            return folder
    return Path.cwd()


def parse(argv: list[str] | None) -> Plan:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_dev.bench",
        description="The whole-system benchmark: the real stack against latency-modelled "
        "provider fakes. Latencies also come from LOGOKRAFT_BENCH_GEMINI_S, "
        "LOGOKRAFT_BENCH_SEEDREAM_S, LOGOKRAFT_BENCH_NANO_BANANA_S and LOGOKRAFT_BENCH_JITTER "
        "(flags win).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small burst (8 projects x 2 candidates from 3 users) at 0.3/0.6/0.5 s: under "
        "a minute",
    )
    parser.add_argument("--gemini-s", type=float, help="Gemini prompt latency (default 3)")
    parser.add_argument("--seedream-s", type=float, help="Seedream latency per image (default 6)")
    parser.add_argument("--nano-banana-s", type=float, help="Nano Banana edit latency (default 5)")
    parser.add_argument("--jitter", type=float, help="uniform jitter fraction (default 0)")
    parser.add_argument("--projects", type=int, help="projects in the burst (default 100)")
    parser.add_argument("--candidates", type=int, help="candidates per project (default 4)")
    parser.add_argument("--users", type=int, help="users the burst comes from (default 34)")
    parser.add_argument(
        "--seedream-concurrency",
        type=int,
        default=32,
        help="Seedream calls in flight per imagegen replica (LOGOKRAFT_SEEDREAM_CONCURRENCY; "
        "default 32, the service's own default is 8)",
    )
    parser.add_argument(
        "--prompt-concurrency",
        type=int,
        default=32,
        help="prompt-writing jobs at once (LOGOKRAFT_PROMPT_CONCURRENCY; default 32, the "
        "service's own default is 8)",
    )
    parser.add_argument(
        "--local-concurrency",
        type=int,
        help="local renders at once per process (LOGOKRAFT_LOCAL_CONCURRENCY; default: the "
        "service's)",
    )
    parser.add_argument("--no-replicas", action="store_true", help="skip the 2-replica burst")
    parser.add_argument("--no-local", action="store_true", help="skip the local-engine burst")
    parser.add_argument(
        "--out-dir", type=Path, help="where the JSON goes (default: <repo>/bench/results)"
    )
    parser.add_argument(
        "--data-dir", type=Path, help="the stacks' data dir (default: a temporary one, removed)"
    )
    args = parser.parse_args(argv)
    base = LatencyModel.quick() if args.quick else LatencyModel()
    model = LatencyModel.from_environment(base).with_overrides(
        gemini_s=args.gemini_s,
        seedream_s=args.seedream_s,
        nano_banana_s=args.nano_banana_s,
        jitter=args.jitter,
    )

    def pick(value: int | None, full: int, quick: int) -> int:
        chosen = value if value is not None else (quick if args.quick else full)
        if chosen < 1:
            parser.error("counts must be at least 1")
        return chosen

    return Plan(
        quick=args.quick,
        model=model,
        projects=pick(args.projects, 100, 8),
        candidates=pick(args.candidates, 4, 2),
        users=pick(args.users, 34, 3),
        seedream_concurrency=args.seedream_concurrency,
        prompt_concurrency=args.prompt_concurrency,
        local_concurrency=args.local_concurrency,
        replicas=not args.no_replicas,
        local=not args.no_local,
        out_dir=args.out_dir or repo_root() / "bench" / "results",
        data_dir=args.data_dir,
        parts_runs=20 if args.quick else 100,
    )


_T0 = time.monotonic()


def say(message: str) -> None:
    print(f"bench | {time.monotonic() - _T0:6.1f}s {message}", file=sys.stderr, flush=True)


def replicas_supported() -> bool:
    """Whether the devstack reads LOGOKRAFT_IMAGEGEN_REPLICAS (confirmed by counting later)."""
    from logokraft_dev.devstack import stack

    return REPLICAS_VARIABLE in inspect.getsource(stack)


async def _warm_up(stack: BenchStack, client: httpx.AsyncClient) -> None:
    run = await one_project(
        client, stack.url, stack.token("bench-warmup"), "bench-warmup", candidates=1, name="Warm"
    )
    if run.error:
        raise BenchError(f"the warm-up project failed: {run.error}")


def _tokens(stack: BenchStack, users: int) -> list[tuple[str, str]]:
    names = [f"bench-{index:02d}" for index in range(users)]
    return [(name, stack.token(name)) for name in names]


async def _measured_burst(
    stack: BenchStack, plan: Plan, fakes: Fakes
) -> tuple[Burst, dict[str, Usage], float | None]:
    """The burst, each process group's CPU over it, and the CPU seconds imagegen's render
    threads spent drawing meanwhile (None if imagegen's metrics could not be read)."""
    meter = ProcessMeter([stack.proc.pid], extra={"fakes": fakes.proc.pid})
    tokens = _tokens(stack, plan.users)
    render_before = await stack.render_cpu_s()
    meter.start()
    result = await burst(stack.url, tokens, projects=plan.projects, candidates=plan.candidates)
    usage = meter.stop()
    render_after = await stack.render_cpu_s()
    render_s = (
        None if render_before is None or render_after is None else render_after - render_before
    )
    return result, usage, render_s


async def run(plan: Plan) -> dict[str, Any]:
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    model = plan.model
    results: dict[str, Any] = {
        "benchmark": "logokraft-system",
        "format": 1,
        "mode": "quick" if plan.quick else "full",
        "started_at": started_at,
        "host": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "latency_model": model.as_dict(),
        "settings": plan.settings(),
        "single": {},
        "bursts": {},
        "replicas": {},
    }
    burst_settings = plan.settings()
    data_dir = plan.data_dir or Path(tempfile.mkdtemp(prefix="logokraft-bench-"))
    try:
        with running_fakes(data_dir / "logs" / "bench-fakes.log") as fakes:
            common = {
                "seedream_concurrency": plan.seedream_concurrency,
                "prompt_concurrency": plan.prompt_concurrency,
                "local_concurrency": plan.local_concurrency,
            }
            async with http_client() as client:
                # 1. Seedream fake, one replica: one project, one refinement, the burst.
                settings = stack_settings(fakes, image_provider="seedream", **common)
                say("starting the stack (Gemini + Seedream fakes, 1 imagegen replica)")
                async with running_stack(data_dir, settings, name="seedream") as stack:
                    await fakes.set_latency(NO_LATENCY)
                    await _warm_up(stack, client)
                    await fakes.set_latency(model.as_dict())
                    say("one project")
                    single = await one_project(
                        client,
                        stack.url,
                        stack.token("bench-single"),
                        "bench-single",
                        candidates=plan.candidates,
                        name="Solo Roasters",
                    )
                    refine = None
                    if single.completed_asset_id:
                        say("one refinement")
                        token = stack.token("bench-single")
                        asset_id = single.completed_asset_id
                        refine = await one_refinement(client, stack.url, token, asset_id)
                    results["single"] = report.single_figures(
                        single,
                        refine,
                        critical_path_s=model.critical_path_s,
                        refine_path_s=model.refine_critical_path_s,
                    )
                    say(f"burst: {plan.projects} projects x {plan.candidates} candidates")
                    seedream, usage, _ = await _measured_burst(stack, plan, fakes)
                    results["bursts"]["seedream"] = report.burst_figures(
                        seedream,
                        usage,
                        critical_path_s=model.critical_path_s,
                        settings=burst_settings | {"imagegen_replicas": 1},
                    )
                say("stack stopped")
                # 2. Two replicas.
                replicas: dict[str, Any] = {
                    "available": False,
                    "per_replica_concurrency": plan.seedream_concurrency,
                }
                if not plan.replicas:
                    replicas["reason"] = "not asked for (--no-replicas)"
                elif not replicas_supported():
                    replicas["reason"] = (
                        f"replicas not available (the devstack does not read {REPLICAS_VARIABLE})"
                    )
                else:
                    settings = stack_settings(
                        fakes, image_provider="seedream", imagegen_replicas=2, **common
                    )
                    say("starting the stack (Gemini + Seedream fakes, 2 imagegen replicas)")
                    async with running_stack(data_dir, settings, name="replicas") as stack:
                        await fakes.set_latency(NO_LATENCY)
                        await _warm_up(stack, client)
                        await fakes.set_latency(model.as_dict())
                        say(f"burst on 2 replicas: {plan.projects} x {plan.candidates}")
                        two, usage, _ = await _measured_burst(stack, plan, fakes)
                        figures = report.burst_figures(
                            two,
                            usage,
                            critical_path_s=model.critical_path_s,
                            settings=burst_settings | {"imagegen_replicas": 2},
                        )
                        if figures["processes"].get("imagegen", 0) < 2:
                            replicas["reason"] = (
                                "replicas not available (asked for 2 imagegen replicas, the "
                                f"stack ran {figures['processes'].get('imagegen', 0)})"
                            )
                        else:
                            results["bursts"]["seedream_2_replicas"] = figures
                            # Steady throughput: the ramp to the first logos is the same
                            # whatever the replicas (prompts, then one image latency).
                            one = results["bursts"]["seedream"]
                            one_rate = one["steady_logos_per_s"]
                            two_rate = figures["steady_logos_per_s"]
                            replicas |= {
                                "available": True,
                                "measure": "steady_logos_per_s",
                                "logos_per_s_1": one_rate,
                                "logos_per_s_2": two_rate,
                                "wall_logos_per_s_1": one["logos_per_s"],
                                "wall_logos_per_s_2": figures["logos_per_s"],
                                "speedup": (
                                    round(two_rate / one_rate, 4) if one_rate and two_rate else None
                                ),
                            }
                results["replicas"] = replicas
                # 3. The local engine.
                if plan.local:
                    settings = stack_settings(
                        fakes, image_provider="local", prompt_provider="local", **common
                    )
                    say("starting the stack (local engine)")
                    async with running_stack(data_dir, settings, name="local") as stack:
                        await _warm_up(stack, client)
                        say(f"burst on the local engine: {plan.projects} x {plan.candidates}")
                        local, usage, render_s = await _measured_burst(stack, plan, fakes)
                        results["bursts"]["local"] = report.burst_figures(
                            local,
                            usage,
                            critical_path_s=None,
                            renderer_cpu_s=render_s,
                            settings=burst_settings | {"providers": "local"},
                        )
        # 4. The fixed parts of a logo, each alone (with fakes of their own, answering at once).
        say(f"the parts of a logo, each alone ({plan.parts_runs} runs)")
        scratch = data_dir / "parts"
        scratch.mkdir(parents=True, exist_ok=True)
        results["parts"] = await parts.measure(plan.parts_runs, scratch)
    finally:
        if plan.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["goals"] = [goal.as_dict() for goal in report.goals(results)]
    return results


def main(argv: list[str] | None = None) -> int:
    plan = parse(argv)
    try:
        results = asyncio.run(run(plan))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(report.render(results), flush=True)
    path = report.write(results, plan.out_dir)
    print(f"\nfigures written to {path} (and {path.parent / 'latest.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
