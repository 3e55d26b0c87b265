"""The engine's time per logo on one core.

    python -m logokraft_engine.bench [--logos 200] [--size 1024] [--warmup 8] [--fail-over-target]

Reports the median and p95 time to design and render one size×size logo (SVG + PNG:
`design_spec` + `render_logo`) on one core, across the sample briefs and candidate indexes 0-7,
after a warm-up that uses every typeface and weight the workload uses (at least --warmup
logos). Target: median under 50 ms. Also
reports the first (cold) render and the process's peak RSS. Exits 0 whatever the numbers, unless
--fail-over-target is given (then 1 when the median is over the target).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from logokraft_engine import Brief, design_spec, render_logo
from logokraft_engine.samples import SAMPLES, brief_seed

TARGET_MEDIAN_MS = 50.0
INDEXES = 8  # the API allows up to 8 candidates per brief


@dataclass(frozen=True)
class Stats:
    """Summary statistics of a set of timings in milliseconds."""

    count: int
    median: float
    p95: float
    mean: float
    min: float
    max: float


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, linearly interpolated between closest ranks.

    The same definition as numpy's default ("linear") and `statistics.quantiles(...,
    method="inclusive")`.
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be in 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(values_ms: Sequence[float]) -> Stats:
    """Count, median, p95, mean, min and max of `values_ms`."""
    if not values_ms:
        raise ValueError("no values")
    return Stats(
        count=len(values_ms),
        median=statistics.median(values_ms),
        p95=percentile(values_ms, 95),
        mean=statistics.fmean(values_ms),
        min=min(values_ms),
        max=max(values_ms),
    )


def pin_to_one_core() -> tuple[int | None, set[int] | None]:
    """Pin this thread (and threads it starts) to the first CPU it may run on.

    Returns that CPU and the affinity to restore afterwards, or (None, None) where the OS does
    not support pinning.
    """
    if not hasattr(os, "sched_setaffinity"):
        return None, None
    try:
        before = os.sched_getaffinity(0)
        cpu = min(before)
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None, None
    return cpu, before


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


Job = tuple[Brief, int, int]  # brief, candidate index, seed


def workload(count: int) -> list[Job]:
    """`count` (brief, index, seed) jobs cycling over the sample briefs and indexes 0-7.

    The first pass over every (brief, index) is exactly what the local writer designs. Later
    passes shift the seed and number the brand name and slogan ("Northline Coffee 2"), so no
    text is set twice in the same face: in production every brief is new, and the engine's
    outline cache must not make the numbers look better than they are.
    """
    out = []
    for k in range(count):
        brief = SAMPLES[k % len(SAMPLES)]
        cycle, index = divmod(k // len(SAMPLES), INDEXES)
        seed = brief_seed(brief)
        if cycle:
            suffix = f" {cycle + 1}"
            brief = replace(
                brief, brand_name=brief.brand_name + suffix, slogan=brief.slogan + suffix
            )
            seed = (seed + cycle) % (1 << 32)
        out.append((brief, index, seed))
    return out


def _faces(brief: Brief, index: int, seed: int) -> set[tuple[str, int]]:
    spec = design_spec(brief, index=index, seed=seed)
    return {(spec.font, spec.weight), (spec.slogan_font, 0)}


def warmup_jobs(jobs: Sequence[Job], minimum: int) -> list[Job]:
    """Warm-up jobs: the workload's designs, enough to use every typeface and weight it uses.

    They are set in other text, made of every character the workload sets (so font fallbacks
    load too), so no timed logo finds its text already outlined.
    """
    chars = "".join(sorted({c for b, _, _ in jobs for c in b.brand_name + b.slogan} - {" "}))
    half = max(1, len(chars) // 2)
    name, slogan = chars[:half][:100], chars[half:][:200]
    needed = set().union(*(_faces(*job) for job in jobs))
    covered: set[tuple[str, int]] = set()
    warm: list[Job] = []
    for brief, index, seed in jobs:
        if covered >= needed and len(warm) >= minimum:
            break
        job = (replace(brief, brand_name=name, slogan=slogan), index, seed)
        new = _faces(*job) - covered
        if new or len(warm) < minimum:
            warm.append(job)
            covered |= new
    return warm


def _one(brief: Brief, index: int, seed: int, size: int) -> float:
    """Design and render one logo; the time it took in ms."""
    start = time.perf_counter()
    spec = design_spec(brief, index=index, seed=seed)
    logo = render_logo(spec, size=size)
    elapsed = time.perf_counter() - start
    if not logo.png or not logo.svg:
        raise RuntimeError("the engine rendered an empty logo")
    return elapsed * 1000


@dataclass(frozen=True)
class Result:
    """What one benchmark run measured."""

    stats: Stats
    size: int
    cpu: int | None
    warmup: int
    cold_ms: float
    peak_rss_mib: float


def run(logos: int = 200, *, size: int = 1024, warmup: int = 8) -> Result:
    """Pin to one core, warm up, then time `logos` logos; the CPU affinity is restored after."""
    cpu, before = pin_to_one_core()
    try:
        jobs = workload(logos)
        warm = warmup_jobs(jobs, warmup)
        cold_ms = _one(*warm[0], size) if warm else 0.0
        for job in warm[1:]:
            _one(*job, size)
        gc.collect()
        times = [_one(*job, size) for job in jobs]
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
    return Result(
        stats=summarize(times),
        size=size,
        cpu=cpu,
        warmup=len(warm),
        cold_ms=cold_ms,
        peak_rss_mib=peak_rss_mib(),
    )


def report(result: Result, target_ms: float = TARGET_MEDIAN_MS) -> str:
    """The result as the lines the command prints."""
    s = result.stats
    where = f"pinned to CPU {result.cpu}" if result.cpu is not None else "not pinned (unsupported)"
    verdict = "PASS" if s.median < target_ms else "FAIL"
    return "\n".join(
        [
            f"logokraft_engine bench: design_spec + render_logo, {result.size}×{result.size} "
            f"SVG + PNG, one core ({where})",
            f"warm-up  {result.warmup} logos; the first (cold) took {result.cold_ms:.1f} ms",
            f"logos    {s.count}",
            f"median   {s.median:.1f} ms",
            f"p95      {s.p95:.1f} ms",
            f"mean     {s.mean:.1f} ms",
            f"min      {s.min:.1f} ms",
            f"max      {s.max:.1f} ms",
            f"peak RSS {result.peak_rss_mib:.1f} MiB",
            f"target   median under {target_ms:g} ms: {verdict}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    # Keep any native thread pool to one thread. The resvg binding is single-threaded (no
    # rayon in the binary), so these are belt and braces; the CPU pin is what holds the
    # benchmark to one core.
    for name in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_engine.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--logos", type=int, default=200, help="logos to time (default 200)")
    parser.add_argument("--size", type=int, default=1024, help="PNG size in pixels (16-8192)")
    parser.add_argument("--warmup", type=int, default=8, help="at least this many warm-up logos")
    parser.add_argument(
        "--fail-over-target",
        action="store_true",
        help=f"exit 1 when the median is over {TARGET_MEDIAN_MS:g} ms",
    )
    args = parser.parse_args(argv)
    if args.logos < 1:
        parser.error("--logos must be at least 1")
    if not 16 <= args.size <= 8192:
        parser.error("--size must be 16..8192")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")
    result = run(args.logos, size=args.size, warmup=args.warmup)
    print(report(result, TARGET_MEDIAN_MS), flush=True)
    return 1 if args.fail_over_target and result.stats.median >= TARGET_MEDIAN_MS else 0


if __name__ == "__main__":
    sys.exit(main())
