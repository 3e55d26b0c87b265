"""Figures, goals, the printed report and the JSON under bench/results/.

Every figure is in seconds unless its name says otherwise (`_ms`, `_mib`, `_per_s`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logokraft_dev.bench import parts
from logokraft_dev.bench.load import Burst, ProjectRun, RefineRun
from logokraft_dev.bench.stack import ROLES, Usage

# What goal 4 counts: the processes outside the renderer (refine is idle in a burst; it is
# reported, not counted).
OUTSIDE_RENDERER = ("gateway", "prompt", "imagegen", "postgres", "nats")
GOAL_FIRST_LOGO_OVER_CRITICAL_PATH = 1.1
GOAL_FIRST_LOGO_OVER_DONE = 0.4
GOAL_REPLICA_SPEEDUP = 1.8
GOAL_CPU_MS_PER_LOGO = 10.0
MIB = 1 << 20


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linearly interpolated between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p99, max and mean of `values` (None when there are none)."""
    return {
        "p50": _round(percentile(values, 50)),
        "p99": _round(percentile(values, 99)),
        "max": _round(max(values)) if values else None,
        "mean": _round(statistics.fmean(values)) if values else None,
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def burst_figures(
    burst: Burst,
    usage: Mapping[str, Usage],
    *,
    critical_path_s: float | None,
    renderer_cpu_s: float | None = None,
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """Every figure of one burst."""
    runs = burst.runs
    ok = [run for run in runs if run.ok]
    logos = burst.logos
    first = [run.first_logo_s for run in ok if run.first_logo_s is not None]
    done = [run.done_s for run in ok if run.done_s is not None]
    accept = [run.accept_s for run in runs if run.accept_s is not None and run.error is None]
    cpu_ms = {
        role: _round(u.cpu_s * 1000 / logos, 3) if logos else None for role, u in usage.items()
    }
    outside_s = sum(usage[role].cpu_s for role in OUTSIDE_RENDERER if role in usage)
    outside = round(outside_s * 1000 / logos, 3) if logos else None
    figures: dict[str, Any] = {
        "settings": dict(settings),
        "projects": len(runs),
        "projects_done": len(ok),
        "projects_failed": len(runs) - len(ok),
        "errors": sorted({run.error for run in runs if run.error})[:5],
        "logos": logos,
        "logos_failed": sum(run.failed for run in runs),
        "wall_s": _round(burst.wall_s),
        "logos_per_s": _round(logos / burst.wall_s if burst.wall_s else None),
        "steady_logos_per_s": _round(burst.steady_logos_per_s()),
        "accept_s": spread(accept),
        "first_logo_s": spread(first),
        "done_s": spread(done),
        "critical_path_s": critical_path_s,
        "first_logo_p50_over_critical_path": _ratio(percentile(first, 50), critical_path_s),
        "first_logo_p50_over_done_p50": _ratio(percentile(first, 50), percentile(done, 50)),
        "cpu_s": {role: _round(u.cpu_s, 3) for role, u in usage.items()},
        "cpu_ms_per_logo": cpu_ms,
        "cpu_ms_per_logo_outside_renderer": outside,
        "peak_rss_mib": {role: _round(u.peak_rss_bytes / MIB, 1) for role, u in usage.items()},
        "processes": {role: u.processes for role, u in usage.items()},
        # What each stream carried (SSE events by name, averaged over the projects done).
        "events_per_project": {
            name: _round(sum(run.events.get(name, 0) for run in ok) / len(ok))
            for name in sorted({name for run in ok for name in run.events})
        },
    }
    if renderer_cpu_s is not None and logos and "imagegen" in usage:
        # The local engine renders inside imagegen: take out the renderer's own CPU, measured
        # in imagegen's render threads over the same window (logokraft_local_render_cpu_...).
        renderer_ms = renderer_cpu_s * 1000 / logos
        figures["renderer_cpu_ms_per_logo"] = _round(renderer_ms, 3)
        figures["cpu_ms_per_logo_outside_renderer"] = _round((outside or 0) - renderer_ms, 3)
        figures["imagegen_orchestration_cpu_ms_per_logo"] = _round(
            usage["imagegen"].cpu_s * 1000 / logos - renderer_ms, 3
        )
    return figures


def single_figures(
    run: ProjectRun, refine: RefineRun | None, *, critical_path_s: float, refine_path_s: float
) -> dict[str, Any]:
    """The figures of one project alone (and one refinement of its first logo)."""
    figures: dict[str, Any] = {
        "error": run.error,
        "logos": run.completed,
        "accept_s": _round(run.accept_s),
        "first_logo_s": _round(run.first_logo_s),
        "done_s": _round(run.done_s),
        "critical_path_s": critical_path_s,
        "first_logo_over_critical_path": _ratio(run.first_logo_s, critical_path_s),
    }
    if refine is not None:
        figures["refine"] = {
            "error": refine.error,
            "accept_s": _round(refine.accept_s),
            "variation_s": _round(refine.variation_s),
            "critical_path_s": refine_path_s,
            "variation_over_critical_path": _ratio(refine.variation_s, refine_path_s),
        }
    return figures


@dataclass(frozen=True)
class Goal:
    number: int
    name: str
    status: str  # PASS, FAIL or SKIP
    figure: float | None
    threshold: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "goal": self.number,
            "name": self.name,
            "status": self.status,
            "figure": self.figure,
            "threshold": self.threshold,
            "detail": self.detail,
        }


def _judge(figure: float | None, threshold: float, *, at_least: bool = False) -> str:
    if figure is None:
        return "FAIL"
    return "PASS" if (figure >= threshold if at_least else figure <= threshold) else "FAIL"


def goals(results: Mapping[str, Any]) -> list[Goal]:
    """The issue's four goals, judged on `results`."""
    single = results["single"]
    bursts = results["bursts"]
    out = []
    ratio = single.get("first_logo_over_critical_path")
    out.append(
        Goal(
            1,
            "one project: time to first logo <= 1.1 x critical path (prompts + one image)",
            _judge(ratio, GOAL_FIRST_LOGO_OVER_CRITICAL_PATH),
            ratio,
            GOAL_FIRST_LOGO_OVER_CRITICAL_PATH,
            f"first logo {single.get('first_logo_s')} s, critical path "
            f"{single.get('critical_path_s')} s",
        )
    )
    local = bursts.get("local") or {}
    ratio = local.get("first_logo_p50_over_done_p50")
    out.append(
        Goal(
            2,
            "burst on the local engine: time to first logo p50 <= 0.4 x time to done p50",
            _judge(ratio, GOAL_FIRST_LOGO_OVER_DONE) if local else "SKIP",
            ratio,
            GOAL_FIRST_LOGO_OVER_DONE,
            f"first logo p50 {(local.get('first_logo_s') or {}).get('p50')} s, done p50 "
            f"{(local.get('done_s') or {}).get('p50')} s"
            if local
            else "skipped: the local-engine burst did not run",
        )
    )
    replicas = results.get("replicas") or {}
    speedup = replicas.get("speedup")
    if replicas.get("available"):
        status, detail = (
            _judge(speedup, GOAL_REPLICA_SPEEDUP, at_least=True),
            f"{replicas.get('logos_per_s_2')} vs {replicas.get('logos_per_s_1')} logos/s "
            "(steady: the middle 80% of the burst's logos) at "
            f"{replicas.get('per_replica_concurrency')} Seedream calls per replica",
        )
    else:
        status, detail = "SKIP", f"skipped: {replicas.get('reason', 'replicas not available')}"
    out.append(
        Goal(
            3,
            "Seedream fake: 2 imagegen replicas >= 1.8 x the logos/s of 1",
            status,
            speedup,
            GOAL_REPLICA_SPEEDUP,
            detail,
        )
    )
    seedream = bursts.get("seedream") or {}
    cpu = seedream.get("cpu_ms_per_logo_outside_renderer")
    out.append(
        Goal(
            4,
            "CPU per logo outside the renderer (gateway, prompt, imagegen, Postgres, NATS) "
            "<= 10 ms",
            _judge(cpu, GOAL_CPU_MS_PER_LOGO),
            cpu,
            GOAL_CPU_MS_PER_LOGO,
            "measured on the Seedream-fake burst, where nothing is rendered: every CPU "
            "second is outside the renderer"
            + (
                f"; the parts every logo pays, measured alone, come to "
                f"{results['parts']['cpu_ms_per_logo']} ms of it"
                if results.get("parts")
                else ""
            ),
        )
    )
    return out


# ---- printing ---------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _burst_lines(title: str, figures: Mapping[str, Any]) -> list[str]:
    accept, first, done = figures["accept_s"], figures["first_logo_s"], figures["done_s"]
    lines = [
        "",
        f"{title}: {figures['projects']} projects x {figures['settings'].get('candidates')} "
        f"candidates from {figures['settings'].get('users')} users "
        f"({figures['projects_done']} done, {figures['projects_failed']} failed; "
        f"{figures['logos']} logos, {figures['logos_failed']} failed)",
        f"  POST accept      p50 {_s(accept['p50'])} s   p99 {_s(accept['p99'])} s",
        f"  first logo       p50 {_s(first['p50'])} s   p99 {_s(first['p99'])} s"
        + (
            f"   (critical path {figures['critical_path_s']:.2f} s)"
            if figures.get("critical_path_s")
            else ""
        ),
        f"  done             p50 {_s(done['p50'])} s   p99 {_s(done['p99'])} s",
        f"  first logo p50 / done p50 = {figures['first_logo_p50_over_done_p50']}",
        f"  throughput       {_s(figures['logos_per_s'])} logos/s over {_s(figures['wall_s'])} s"
        f" (steady {_s(figures.get('steady_logos_per_s'))})",
        "  events/project   "
        + "  ".join(
            f"{name} {count:g}" for name, count in figures.get("events_per_project", {}).items()
        ),
        "  process        CPU s   CPU ms/logo   peak RSS MiB   processes",
    ]
    for role in (*ROLES, *sorted(set(figures["cpu_s"]) - set(ROLES))):
        if role not in figures["cpu_s"]:
            continue
        per_logo = figures["cpu_ms_per_logo"].get(role)
        lines.append(
            f"  {role:<13} {figures['cpu_s'][role]:>6.2f}   "
            f"{('-' if per_logo is None else f'{per_logo:.2f}'):>11}   "
            f"{figures['peak_rss_mib'][role]:>12.1f}   {figures['processes'][role]:>9}"
        )
    lines.append(
        "  CPU ms/logo outside the renderer (gateway+prompt+imagegen+postgres+nats): "
        f"{figures['cpu_ms_per_logo_outside_renderer']}"
    )
    if "renderer_cpu_ms_per_logo" in figures:
        lines.append(
            f"    (imagegen's CPU less the renderer's own {figures['renderer_cpu_ms_per_logo']:.2f}"
            f" ms/logo, measured in its render threads: imagegen orchestration "
            f"{figures['imagegen_orchestration_cpu_ms_per_logo']} ms/logo)"
        )
    for error in figures["errors"]:
        lines.append(f"  error: {error}")
    return lines


def render(results: Mapping[str, Any]) -> str:
    """The report as printed."""
    model = results["latency_model"]
    settings = results["settings"]
    lines = [
        f"LogoKraft system benchmark ({results['mode']}), {results['started_at']}, "
        f"{results['host']['cpus']} CPUs",
        f"latency model: Gemini prompts {model['gemini_s']} s, Seedream {model['seedream_s']} s"
        f" per image, Nano Banana {model['nano_banana_s']} s, jitter {model['jitter']}",
        f"settings: Seedream calls per imagegen replica {settings['seedream_concurrency']}, "
        f"prompt jobs at once {settings['prompt_concurrency']}, local renders at once "
        f"{settings['local_concurrency'] or 'service default'}",
    ]
    single = results["single"]
    lines += [
        "",
        f"one project ({settings['candidates']} candidates, Gemini + Seedream fakes):",
        f"  POST accept {_s(single['accept_s'])} s, first logo {_s(single['first_logo_s'])} s "
        f"(critical path {single['critical_path_s']:.2f} s, ratio "
        f"{single['first_logo_over_critical_path']}), done {_s(single['done_s'])} s",
    ]
    if single.get("error"):
        lines.append(f"  error: {single['error']}")
    refine = single.get("refine")
    if refine:
        lines.append(
            f"  one refinement (Gemini + Nano Banana): accept {_s(refine['accept_s'])} s, "
            f"variation {_s(refine['variation_s'])} s (critical path "
            f"{refine['critical_path_s']:.2f} s)"
            + (f"; error: {refine['error']}" if refine.get("error") else "")
        )
    titles = {
        "seedream": "burst, Gemini + Seedream fakes, 1 imagegen replica",
        "seedream_2_replicas": "burst, Gemini + Seedream fakes, 2 imagegen replicas",
        "local": "burst, local engine (local prompts and images: the `make run` default)",
    }
    for key, title in titles.items():
        if results["bursts"].get(key):
            lines += _burst_lines(title, results["bursts"][key])
    if results.get("parts"):
        lines += ["", *parts.render(results["parts"])]
    lines += ["", "goals:"]
    for goal in results["goals"]:
        figure = "-" if goal["figure"] is None else f"{goal['figure']:.3f}"
        lines.append(
            f"  [{goal['status']}] {goal['goal']}. {goal['name']}: {figure} "
            f"(threshold {goal['threshold']}; {goal['detail']})"
        )
    return "\n".join(lines)


def write(results: Mapping[str, Any], out_dir: Path) -> Path:
    """bench/results/system-<UTC timestamp>.json and latest.json; the timestamped path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2, sort_keys=False) + "\n"
    path = out_dir / f"system-{stamp}.json"
    path.write_text(text)
    (out_dir / "latest.json").write_text(text)
    return path
