"""The system benchmark runs end to end in its quick mode and reports every figure.

A functional test of `python -m logokraft_dev.bench --quick` against the real stack (NATS,
Postgres, the services and the gateway as processes, the provider fakes in a process of
their own), then the parts of a logo measured alone: it checks the JSON, never a goal's
threshold.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROLES = ("gateway", "prompt", "imagegen", "refine", "postgres", "nats")
SPREADS = ("accept_s", "first_logo_s", "done_s")


def _check_burst(figures: dict) -> None:
    assert figures["projects_done"] == figures["projects"], figures["errors"]
    assert figures["logos"] == figures["projects"] * figures["settings"]["candidates"]
    assert figures["logos_per_s"] > 0
    for name in SPREADS:
        assert figures[name]["p50"] is not None and figures[name]["p99"] is not None, name
    assert figures["first_logo_p50_over_done_p50"] is not None
    for role in ROLES:
        assert figures["cpu_ms_per_logo"][role] is not None, role
        assert figures["peak_rss_mib"][role] > 0, role
        assert figures["processes"][role] >= 1, role
    assert figures["processes"]["postgres"] > 1, "every Postgres process is counted"
    assert figures["cpu_ms_per_logo_outside_renderer"] is not None
    # Every stream opened with a snapshot and ended with done; what it carried is counted.
    events = figures["events_per_project"]
    assert events["snapshot"] >= 1 and events["done"] == 1, events
    assert events.get("asset", 0) > 0, events


def test_quick_system_bench_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "logokraft_dev.bench", "--quick", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [timestamped] = out.glob("system-*.json")
    results = json.loads((out / "latest.json").read_text())
    assert json.loads(timestamped.read_text()) == results

    assert results["mode"] == "quick"
    assert results["latency_model"] == {
        "gemini_s": 0.3,
        "seedream_s": 0.6,
        "nano_banana_s": 0.5,
        "jitter": 0.0,
    }
    single = results["single"]
    assert single["error"] is None
    for name in ("accept_s", "first_logo_s", "done_s", "first_logo_over_critical_path"):
        assert single[name] is not None, name
    assert single["critical_path_s"] == pytest.approx(0.9)
    assert single["refine"]["error"] is None and single["refine"]["variation_s"] is not None

    _check_burst(results["bursts"]["seedream"])
    _check_burst(results["bursts"]["local"])
    local = results["bursts"]["local"]
    # Read from imagegen's metrics (its render threads' CPU) and taken out of imagegen's.
    assert local["renderer_cpu_ms_per_logo"] > 0
    assert local["imagegen_orchestration_cpu_ms_per_logo"] >= 0
    assert "measured in its render threads" in done.stdout
    replicas = results["replicas"]
    if replicas["available"]:
        _check_burst(results["bursts"]["seedream_2_replicas"])
        assert results["bursts"]["seedream_2_replicas"]["processes"]["imagegen"] == 2
        assert replicas["speedup"] is not None
    else:
        assert "replicas not available" in replicas["reason"]

    # The parts every logo pays, each measured alone, and what they come to together.
    parts = results["parts"]
    assert parts["runs"] == 20
    assert parts["gemini_prompts"]["cpu_ms_per_project"] > 0
    assert parts["gemini_prompts"]["cpu_ms_per_logo"] == pytest.approx(
        parts["gemini_prompts"]["cpu_ms_per_project"] / 4, abs=0.001
    )
    assert parts["seedream_image"]["cpu_ms_per_logo"] > 0
    assert parts["asset_bookkeeping"]["cpu_ms_per_logo"] > 0
    assert parts["asset_bookkeeping"]["postgres_cpu_ms_per_logo"] > 0
    assert parts["cpu_ms_per_logo"] >= parts["asset_bookkeeping"]["cpu_ms_per_logo"]
    assert "parts of a logo, each measured alone" in done.stdout
    assert "asset start + complete (imagegen)" in done.stdout

    goals = {goal["goal"]: goal for goal in results["goals"]}
    assert sorted(goals) == [1, 2, 3, 4]
    for number, goal in goals.items():
        assert goal["status"] in ("PASS", "FAIL", "SKIP"), goal
        assert f"[{goal['status']}] {number}." in done.stdout
        if goal["status"] != "SKIP":
            assert goal["figure"] is not None, goal
    assert "CPU ms/logo" in done.stdout and "figures written to" in done.stdout
    assert "events/project" in done.stdout


def _runs(module: str, proc: psutil.Process) -> bool:
    try:
        return module in proc.cmdline()
    except psutil.Error:
        return False


def test_a_killed_bench_leaves_no_stack_running(tmp_path: Path) -> None:
    # The bench stops its stacks when it ends; killed (SIGKILL, an OOM kill, a closed
    # terminal), every stack process must still go, not keep NATS, Postgres and the services
    # running with nobody to stop them.
    bench = subprocess.Popen(
        [sys.executable, "-m", "logokraft_dev.bench", "--quick", "--out-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert bench.stdout is not None
        for line in bench.stdout:  # the stack is up once the bench starts its first project
            if "one project" in line:
                break
        else:
            pytest.fail(f"the bench ended before its first project (exit {bench.wait()})")
        stack = psutil.Process(bench.pid).children(recursive=True)
        assert any(_runs("logokraft_dev.devstack", p) for p in stack), stack
    finally:
        bench.kill()
        bench.wait()
    _, alive = psutil.wait_procs(stack, timeout=120)
    assert not alive, [" ".join(p.cmdline()[:4]) for p in alive]
