"""The operator's material names only metrics LogoKraft exports, and documents every one.

docs/OPERATIONS.md, the alert rules and scrape config in deploy/prometheus and the Grafana
dashboard in deploy/grafana are read as files; nothing is started. The metrics LogoKraft
exports are derived, never listed by hand: the families registered in prometheus_client's
default registry once `logokraft_kit.metrics` is imported (where every metric is defined),
plus the families its scrape-time collectors (`JobQueues`, `BreakerStates`, `DatabasePool`)
yield.

So a metric renamed in code but not in the docs, alerts or dashboard fails here, as does a
misspelt name, a suffix its type does not export (`_total` on a gauge), a label the metric
does not have, and a metric added without a line in the docs' tables. The `test_checker_…`
tests show the checkers catch what they are meant to catch.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

from logokraft_kit import metrics

REPO_ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = REPO_ROOT / "docs" / "OPERATIONS.md"
ALERTS = REPO_ROOT / "deploy" / "prometheus" / "alerts.yml"
PROMETHEUS = REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "logokraft-dashboard.json"

REQUIRED_ALERTS = frozenset(
    {
        "LogoKraftProviderErrorRate",
        "LogoKraftCircuitBreakerOpen",
        "LogoKraftJobQueueAge",
        "LogoKraftStuckAssets",
        "LogoKraftJobsFailing",
        "LogoKraftGatewayErrors",
        "LogoKraftGrpcErrors",
        "LogoKraftTargetDown",
        "LogoKraftPostgresDown",
    }
)
SEVERITIES = ("warning", "critical")  # in rising order
# Codes a caller causes, and CANCELLED (streams the gateway ends): never a service's failure.
EXPECTED_GRPC_CODES = frozenset(
    {
        "OK",
        "CANCELLED",
        "NOT_FOUND",
        "INVALID_ARGUMENT",
        "RESOURCE_EXHAUSTED",
        "ALREADY_EXISTS",
        "FAILED_PRECONDITION",
        "UNAUTHENTICATED",
        "PERMISSION_DENIED",
    }
)
# The processes deploy/prometheus/prometheus.yml scrapes on the compose network.
COMPOSE_TARGETS = {
    "gateway": "gateway:9100",
    "prompt": "prompt:9100",
    "imagegen": "imagegen:9100",
    "refine": "refine:9100",
}
DATASOURCE_UID = "${datasource}"

METRIC_NAME = re.compile(r"logokraft_[a-z_]+")
# The series each metric type exports, after the family's name.
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": (),
}
# Labels Prometheus adds to every series (the scrape job, the target, deploy's `process`).
TARGET_LABELS = frozenset({"job", "instance", "process"})
SELECTOR = re.compile(r"(logokraft_[a-z_]+)\s*\{([^}]*)\}")
MATCHER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")
DURATION = re.compile(r"^\d+[smhdwy]$")


@dataclass(frozen=True)
class Family:
    """One metric family LogoKraft exports."""

    name: str  # as prometheus_client names it: a counter's without `_total`
    type: str  # counter, gauge, histogram
    labels: frozenset[str] | None  # None when they cannot be read

    @property
    def documented_name(self) -> str:
        """The name an operator queries: a counter's with `_total`, a histogram's family."""
        return f"{self.name}_total" if self.type == "counter" else self.name

    def accepts(self, name: str) -> bool:
        """True for the family's name (not a bare counter's) and its series' names."""
        if name == self.name:
            return self.type != "counter"
        return any(name == self.name + suffix for suffix in SUFFIXES[self.type])


# ----------------------------------------------------------------------- what LogoKraft exports


def _labels_of(collector: object) -> frozenset[str] | None:
    names = getattr(collector, "_labelnames", None)  # prometheus_client keeps them here
    return frozenset(names) if names is not None else None


class _AnsweringDatabase:
    """What `DatabasePool` reads of a Database: an empty pool that answers."""

    def pool_stats(self) -> dict[str, int]:
        return {}

    async def ping(self) -> None:
        return None


def _scrape_time_families() -> Iterator[Any]:
    """What the scrape-time collectors yield, read with nothing to read (their loop runs in a
    thread)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield from metrics.JobQueues(js=None, sources=[], loop=loop).collect()
        yield from metrics.BreakerStates().collect()
        yield from metrics.DatabasePool(_AnsweringDatabase(), loop).collect()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@cache
def exported_families() -> dict[str, Family]:
    """Every `logokraft_*` family a LogoKraft process exports, by name."""
    labels = {
        wrapper._name: _labels_of(wrapper)
        for wrapper in vars(metrics).values()
        if isinstance(wrapper, MetricWrapperBase)
    }
    families: dict[str, Family] = {}
    for family in [*REGISTRY.collect(), *_scrape_time_families()]:
        if family.name.startswith("logokraft_"):
            found = labels[family.name] if family.name in labels else _labels_of(family)
            families[family.name] = Family(family.name, family.type, found)
    return families


# ----------------------------------------------------------------------------------- checkers


@cache
def package_names() -> frozenset[str]:
    """The workspace's `logokraft_*` packages: names the docs use that are not metrics."""
    return frozenset(p.name for p in REPO_ROOT.glob("*/*/src/logokraft_*") if p.is_dir())


def metric_names(text: str) -> set[str]:
    """The `logokraft_*` names in a text, packages (`logokraft_kit.metrics`) left out."""
    return set(METRIC_NAME.findall(text)) - package_names()


def unknown_names(names: Iterable[str], families: Mapping[str, Family]) -> list[str]:
    """One line per name that no exported family accepts, saying why."""
    problems = []
    for name in sorted(set(names)):
        if any(family.accepts(name) for family in families.values()):
            continue
        stem = next(
            (
                name.removesuffix(suffix)
                for suffix in ("_bucket", "_count", "_sum", "_total", "_created")
                if name.endswith(suffix)
            ),
            name,
        )
        family = families.get(stem)
        if family is None:
            problems.append(f"{name}: LogoKraft exports no metric family {stem}")
        elif name == family.name:
            problems.append(f"{name}: a counter is queried as {family.documented_name}")
        else:
            problems.append(f"{name}: a {family.type} exports no {name[len(stem) :]} series")
    return problems


def unknown_labels(expr: str, families: Mapping[str, Family]) -> list[str]:
    """One line per label matcher `metric{label=...}` naming a label the metric lacks."""
    problems = []
    for name, matchers in SELECTOR.findall(expr):
        family = next((f for f in families.values() if f.accepts(name)), None)
        if family is None or family.labels is None:
            continue  # unknown names are unknown_names' to report
        allowed = family.labels | TARGET_LABELS | ({"le"} if name.endswith("_bucket") else set())
        for label in MATCHER.findall(matchers):
            if label not in allowed:
                problems.append(f"{name}: no label {label!r} (it has {sorted(family.labels)})")
    return problems


def unbalanced(expr: str) -> str | None:
    """What is wrong with the brackets and quotes of a PromQL expression, if anything."""
    closing = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    quote: str | None = None
    for char in expr:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in closing and (not stack or stack.pop() != closing[char]):
            return f"unexpected {char!r}"
    if quote:
        return f"unclosed {quote}"
    return f"unclosed {stack[-1]!r}" if stack else None


def anchors(markdown: str) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#{1,6}\s+(.+)$", markdown, flags=re.MULTILINE)
    }


def table_rows(markdown: str) -> str:
    return "\n".join(line for line in markdown.splitlines() if line.lstrip().startswith("|"))


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON or YAML document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# -------------------------------------------------------------------------------- the files


@cache
def operations() -> str:
    return OPERATIONS.read_text()


@cache
def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text())
    [group] = document["groups"]
    assert group["name"] == "logokraft"
    return list(group["rules"])


@cache
def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def dashboard_panels() -> list[dict[str, Any]]:
    """Every panel, those inside collapsed rows too; rows themselves left out."""
    panels = []
    for panel in dashboard()["panels"]:
        panels.extend(panel.get("panels", []) if panel["type"] == "row" else [panel])
    return panels


def dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in dashboard_panels() for target in panel["targets"]]


# ------------------------------------------------------------------------------------- tests


def test_the_exported_families_include_the_scrape_time_ones() -> None:
    """A sanity check of the derivation the other tests rely on."""
    families = exported_families()
    assert families["logokraft_images_generated"].type == "counter"
    assert families["logokraft_http_request_duration_seconds"].type == "histogram"
    for scrape_time in (
        "logokraft_jobs_queued",
        "logokraft_jobs_in_progress",
        "logokraft_jobs_redelivered",
        "logokraft_job_oldest_age_seconds",
        "logokraft_circuit_breaker_state",
        "logokraft_db_pool_connections",
    ):
        assert families[scrape_time].type == "gauge"
        assert families[scrape_time].labels


def test_alert_rules_are_complete() -> None:
    rules = alert_rules()
    missing = REQUIRED_ALERTS - {rule["alert"] for rule in rules}
    assert not missing, f"alerts.yml lacks {sorted(missing)}"
    doc_anchors = anchors(operations())
    for rule in rules:
        name = rule["alert"]
        assert isinstance(rule.get("expr"), str) and rule["expr"].strip(), name
        assert DURATION.match(str(rule.get("for", ""))), f"{name}: `for` is not a duration"
        assert rule.get("labels", {}).get("severity") in SEVERITIES, name
        annotations = rule.get("annotations", {})
        for field in ("summary", "description"):
            assert str(annotations.get(field, "")).strip(), f"{name}: no {field}"
        runbook = str(annotations.get("runbook_url", ""))
        page, _, anchor = runbook.partition("#")
        assert page == "docs/OPERATIONS.md", f"{name}: runbook_url {runbook!r}"
        assert anchor in doc_anchors, f"{name}: docs/OPERATIONS.md has no #{anchor}"


def test_stuck_work_that_was_failed_alerts_louder_than_requeued_work() -> None:
    severity = {
        action: SEVERITIES.index(rule["labels"]["severity"])
        for rule in alert_rules()
        if rule["alert"] == "LogoKraftStuckAssets"
        for action in ("requeued", "failed")
        if f'action="{action}"' in rule["expr"]
    }
    assert severity.keys() == {"requeued", "failed"}
    assert severity["failed"] > severity["requeued"]


def test_grpc_errors_leave_out_the_codes_callers_cause_and_cancelled_streams() -> None:
    [rule] = [rule for rule in alert_rules() if rule["alert"] == "LogoKraftGrpcErrors"]
    [excluded] = re.findall(r'grpc_code!~"([^"]+)"', rule["expr"])
    assert set(excluded.split("|")) == EXPECTED_GRPC_CODES


def test_prometheus_scrapes_every_process_and_loads_the_alerts() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS.parent / rule_file).is_file(), rule_file
    assert "alerts.yml" in config["rule_files"]
    [job] = [job for job in config["scrape_configs"] if job["job_name"] == "logokraft"]
    # Looked up in compose's DNS, so every replica of a service is a target of its own.
    targets = {
        name: f"{name}:{lookup['port']}"
        for lookup in job["dns_sd_configs"]
        for name in lookup["names"]
        if lookup["type"] == "A"
    }
    assert targets == COMPOSE_TARGETS
    assert {
        "source_labels": ["__meta_dns_name"],
        "target_label": "process",
    } in job["relabel_configs"]


def test_the_dashboard_is_a_grafana_dashboard_whose_panels_all_query() -> None:
    board = dashboard()
    assert board["uid"] == "logokraft"
    assert board["schemaVersion"] == 39
    [variable] = [v for v in board["templating"]["list"] if v["name"] == "datasource"]
    assert (variable["type"], variable["query"]) == ("datasource", "prometheus")
    panels = dashboard_panels()
    assert panels
    rows = [panel for panel in board["panels"] if panel["type"] == "row"]
    ids = [panel["id"] for panel in rows + panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels:
        title = panel["title"]
        assert panel["datasource"]["uid"] == DATASOURCE_UID, title
        assert panel.get("targets"), f"panel {title!r} has no targets"
        for target in panel["targets"]:
            assert target["expr"].strip() and target["refId"], title
            assert target["datasource"]["uid"] == DATASOURCE_UID, title


def test_every_expression_is_balanced_and_its_label_matchers_exist() -> None:
    families = exported_families()
    exprs = [rule["expr"] for rule in alert_rules()] + dashboard_exprs()
    problems = [f"{expr}: {unbalanced(expr)}" for expr in exprs if unbalanced(expr)]
    problems += [problem for expr in exprs for problem in unknown_labels(expr, families)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source", ["alerts", "dashboard", "docs"])
def test_only_exported_metrics_are_named(source: str) -> None:
    texts = {
        "alerts": lambda: [s for rule in alert_rules() for s in strings(rule)],
        "dashboard": lambda: list(strings(dashboard())),
        "docs": lambda: [operations()],
    }[source]()
    names = set().union(*(metric_names(text) for text in texts))
    assert names, f"no metric named in the {source}?"
    problems = unknown_names(names, exported_families())
    assert not problems, "\n".join(problems)


def test_every_exported_metric_is_in_a_table_of_the_docs() -> None:
    documented = metric_names(table_rows(operations()))
    missing = sorted(
        family.documented_name
        for family in exported_families().values()
        if family.documented_name not in documented
    )
    assert not missing, f"docs/OPERATIONS.md has no table row for: {', '.join(missing)}"


# --------------------------------------------------------------------- the checkers themselves


def test_checker_flags_misspelt_names_and_suffixes_the_type_lacks() -> None:
    families = exported_families()
    assert unknown_names({"logokraft_images_generated_total"}, families) == []
    assert unknown_names({"logokraft_job_duration_seconds_bucket"}, families) == []
    assert unknown_names({"logokraft_image_generated_total"}, families) == [
        "logokraft_image_generated_total: LogoKraft exports no metric family "
        "logokraft_image_generated"
    ]
    assert unknown_names({"logokraft_sse_streams_open_total"}, families) == [
        "logokraft_sse_streams_open_total: a gauge exports no _total series"
    ]
    assert unknown_names({"logokraft_swept"}, families) == [
        "logokraft_swept: a counter is queried as logokraft_swept_total"
    ]
    assert metric_names("see `logokraft_kit.metrics` and logokraft_jobs_queued") == {
        "logokraft_jobs_queued"
    }


def test_checker_flags_labels_a_metric_lacks_and_unbalanced_brackets() -> None:
    families = exported_families()
    good = 'max by (queue) (logokraft_jobs_queued{queue="images", process="imagegen"})'
    assert unknown_labels(good, families) == []
    assert unbalanced(good) is None
    assert unknown_labels('logokraft_jobs_queued{queu="images"}', families) == [
        "logokraft_jobs_queued: no label 'queu' (it has ['queue'])"
    ]
    bucket = 'logokraft_job_duration_seconds_bucket{le="1"}'
    assert unknown_labels(bucket, families) == []
    assert unbalanced("sum(rate(x[5m])") == "unclosed '('"
    assert unbalanced('x{a="b}') == 'unclosed "'


def test_checker_reads_anchors_as_github_makes_them() -> None:
    text = "# Title\n## In containers\n#### LogoKraftTargetDown\ncode # not a heading\n"
    assert anchors(text) == {"title", "in-containers", "logokrafttargetdown"}


def test_the_gateway_errors_runbook_covers_every_5xx_the_gateway_answers() -> None:
    """Before, the runbook had no 504, the answer a hung Postgres or NATS gives (the services
    count those calls CANCELLED, /readyz stays 200), so the one alert that fired had no step
    for it."""
    from logokraft_gateway.errors import GRPC_TO_HTTP

    text = operations()
    section = text.split("#### LogoKraftGatewayErrors", 1)[1].split("\n#### ", 1)[0]
    answered = {status for status in GRPC_TO_HTTP.values() if status >= 500}
    missing = sorted(status for status in answered if f"`{status}" not in section)
    assert not missing, f"the LogoKraftGatewayErrors runbook lacks {missing}"


def test_every_metric_an_alert_reads_is_on_the_dashboard() -> None:
    """An operator paged by an alert finds its metric on the dashboard."""
    on_dashboard = set().union(*(metric_names(expr) for expr in dashboard_exprs()))
    for rule in alert_rules():
        missing = metric_names(rule["expr"]) - on_dashboard
        assert not missing, f"{rule['alert']} reads {sorted(missing)}, on no panel"
