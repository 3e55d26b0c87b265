"""Prometheus metrics: every metric LogoKraft exports, and the `/metrics` endpoint serving them.

Each process serves its metrics in the Prometheus text format at
`http://LOGOKRAFT_METRICS_ADDRESS/metrics` (`host:port`; unset, no endpoint is served;
`make run` gives every process a free port and prints the URLs). Labels are bounded sets
(routes, methods, queues, providers, outcomes), never ids. docs/OPERATIONS.md explains each
metric; deploy/prometheus and deploy/grafana use them.

Values that are read rather than counted (JetStream queue depths, circuit breaker states)
are computed when Prometheus scrapes, so they are never stale.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

NAMESPACE = "logokraft"
# Request and call latencies: from a fast RPC (ms) to a slow image model (minutes).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

BUILD_INFO = Gauge(
    "logokraft_build_info", "Always 1; the process's service and version", ["service", "version"]
)

# Gateway (HTTP and SSE)
HTTP_REQUEST_DURATION = Histogram(
    "logokraft_http_request_duration_seconds",
    "Time to answer an HTTP request (an SSE stream: its whole life), by route template",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
SSE_STREAMS_OPEN = Gauge("logokraft_sse_streams_open", "Server-Sent Event streams open now")
IDEMPOTENT_REPLAYS = Counter(
    "logokraft_idempotent_replays_total",
    "Requests answered with the stored response of an earlier request with the same "
    "Idempotency-Key",
)

# gRPC servers
GRPC_SERVER_DURATION = Histogram(
    "logokraft_grpc_server_handling_seconds",
    "Time to handle a gRPC call (a server stream: its whole life), by method and status code",
    ["grpc_service", "grpc_method", "grpc_code"],
    buckets=LATENCY_BUCKETS,
)

# Job queues (JetStream), worker side
JOB_DURATION = Histogram(
    "logokraft_job_duration_seconds",
    "Time a worker spent on one delivery of a job, by queue and outcome "
    "(ok, retry, failed, dropped, cancelled)",
    ["queue", "outcome"],
    buckets=LATENCY_BUCKETS,
)
JOB_RETRIES = Counter(
    "logokraft_job_retries_total",
    "Job deliveries handed back to JetStream to be tried again, by queue and reason "
    "(provider_paused: an open circuit; infrastructure: NATS or Postgres away; error)",
    ["queue", "reason"],
)
SWEPT = Counter(
    "logokraft_swept_total",
    "Work the sweeper found stuck, by kind (candidate, variation, prompts) and action "
    "(requeued: its job published again; failed: too old, given up)",
    ["work", "action"],
)

# Images and providers
IMAGES_GENERATED = Counter(
    "logokraft_images_generated_total",
    "Assets finished, by provider and outcome (completed, failed)",
    ["provider", "outcome"],
)
LOCAL_RENDER_CPU = Counter(
    "logokraft_local_render_cpu_seconds_total",
    "CPU seconds the local logo engine spent drawing (the render threads' own CPU time), so "
    "a process's CPU outside the renderer can be told apart",
)
PROVIDER_CALL_DURATION = Histogram(
    "logokraft_provider_call_duration_seconds",
    "Time of one call to a provider (retries inside it included), by provider and outcome "
    "(ok, or the error's code)",
    ["provider", "outcome"],
    buckets=LATENCY_BUCKETS,
)
PROVIDER_RETRIES = Counter(
    "logokraft_provider_retries_total",
    "Provider requests retried inside one call, by provider and the error's code",
    ["provider", "code"],
)
BREAKER_OPENED = Counter(
    "logokraft_circuit_breaker_opened_total",
    "Times a provider's circuit opened (or re-opened after a failed probe)",
    ["provider"],
)
BREAKER_STATES = {"closed": 0, "open": 1, "half_open": 2}

# Users
FILES_COLLECTED = Counter(
    "logokraft_files_collected_total",
    "Stored objects removed because the project or asset that named them was deleted",
)

LIMIT_REFUSALS = Counter(
    "logokraft_limit_refusals_total",
    "Requests refused because a user reached a limit, by limit",
    ["limit"],
)


def set_build_info(service: str) -> None:
    """Record the process's service name and LogoKraft's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("logokraft-kit")
    except PackageNotFoundError:  # pragma: no cover - the kit is always installed
        release = "unknown"
    BUILD_INFO.labels(service=service, version=release).set(1)


def parse_address(address: str) -> tuple[str, int]:
    """`host:port` (IPv6 hosts in brackets) as (host, port); ValueError with a hint if not."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(
            f"LOGOKRAFT_METRICS_ADDRESS={address!r}: give host:port, e.g. 127.0.0.1:9100 "
            "(or 0.0.0.0:9100 in a container)"
        )
    return host, int(port)


@dataclass
class MetricsServer:
    """The `/metrics` endpoint of a process."""

    server: Any
    thread: Any

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def serve_metrics(address: str) -> MetricsServer:
    """Serve every registered metric at `http://<address>/metrics` (from a thread)."""
    host, port = parse_address(address)
    server, thread = start_http_server(port, addr=host)
    metrics = MetricsServer(server, thread)
    log.info("metrics at http://%s:%d/metrics", host, metrics.port)
    return metrics


class _ScrapeTimeCollector(Collector):
    """A collector whose values are read when Prometheus scrapes."""

    def describe(self) -> Iterable[Any]:
        return []  # computed at scrape time; nothing to check at registration

    def register(self) -> None:
        REGISTRY.register(self)

    def unregister(self) -> None:
        REGISTRY.unregister(self)


class BreakerStates(_ScrapeTimeCollector):
    """`logokraft_circuit_breaker_state{provider}`: 0 closed, 1 open, 2 half-open."""

    def __init__(self) -> None:
        self._breakers: dict[str, Callable[[], str]] = {}

    def track(self, provider: str, state: Callable[[], str]) -> None:
        """Report `state()` for `provider` (the latest breaker of that name wins)."""
        self._breakers[provider] = state

    def collect(self) -> Iterable[Any]:
        family = GaugeMetricFamily(
            "logokraft_circuit_breaker_state",
            "A provider's circuit breaker: 0 closed, 1 open, 2 half-open (its wait is over: "
            "the next call is a probe)",
            labels=["provider"],
        )
        for provider, state in sorted(self._breakers.items()):
            family.add_metric([provider], BREAKER_STATES.get(state(), 0))
        yield family


BREAKERS = BreakerStates()
BREAKERS.register()


@dataclass(frozen=True)
class QueueSource:
    """Where to read one work queue's state: its stream, subject and durable consumer."""

    queue: str
    stream: str
    subject: str
    durable: str


class JobQueues(_ScrapeTimeCollector):
    """Per queue a service consumes, read from JetStream on each scrape:

    `logokraft_jobs_queued{queue}` (waiting for a worker), `logokraft_jobs_in_progress{queue}`
    (delivered, not yet acknowledged), `logokraft_jobs_redelivered{queue}` and
    `logokraft_job_oldest_age_seconds{queue}` (how long the oldest job no worker has taken
    yet has waited; 0 when none waits), and `logokraft_jetstream_up` (0 when JetStream could
    not be read, so the others are missing). Every lane of a worker is a queue of its own
    (imagegen: `images-first` and `images`), read from its own durable consumer.
    """

    TIMEOUT = 5.0

    def __init__(
        self, js: Any, sources: Sequence[QueueSource], loop: asyncio.AbstractEventLoop
    ) -> None:
        self._js = js
        self._sources = list(sources)
        self._loop = loop

    def collect(self) -> Iterable[Any]:
        families = {
            "queued": GaugeMetricFamily(
                "logokraft_jobs_queued", "Jobs waiting for a worker", labels=["queue"]
            ),
            "in_progress": GaugeMetricFamily(
                "logokraft_jobs_in_progress",
                "Jobs delivered to a worker and not yet acknowledged",
                labels=["queue"],
            ),
            "redelivered": GaugeMetricFamily(
                "logokraft_jobs_redelivered",
                "Jobs in flight that were delivered more than once",
                labels=["queue"],
            ),
            "oldest_age": GaugeMetricFamily(
                "logokraft_job_oldest_age_seconds",
                "How long the oldest job no worker has taken yet has waited (0 when none waits)",
                labels=["queue"],
            ),
        }
        up = GaugeMetricFamily(
            "logokraft_jetstream_up",
            "1 when this scrape read the process's job queues from JetStream, 0 when it could "
            "not (NATS unreachable or too slow): the queue gauges are then missing",
        )
        reading = asyncio.run_coroutine_threadsafe(self._read(), self._loop)
        try:
            readings = reading.result(self.TIMEOUT)
        except Exception:
            reading.cancel()  # not one more read left waiting on NATS per scrape
            log.warning("could not read the job queues from JetStream", exc_info=True)
            readings = None
        up.add_metric([], 0.0 if readings is None else 1.0)
        for queue, values in readings or []:
            for name, value in values.items():
                families[name].add_metric([queue], value)
        yield from families.values()
        yield up

    async def _read(self) -> list[tuple[str, dict[str, float]]]:
        from nats.js.errors import NotFoundError

        readings = []
        for source in self._sources:
            try:
                info = await self._js.consumer_info(source.stream, source.durable)
            except NotFoundError:  # its worker has not created it yet
                continue
            readings.append(
                (
                    source.queue,
                    {
                        "queued": float(info.num_pending or 0),
                        "in_progress": float(info.num_ack_pending or 0),
                        "redelivered": float(info.num_redelivered or 0),
                        "oldest_age": await self._oldest_age(source, info),
                    },
                )
            )
        return readings

    async def _oldest_age(self, source: QueueSource, info: Any) -> float:
        """The first job on the subject after the last one the consumer delivered."""
        from nats.js.errors import NotFoundError

        delivered = int(getattr(info.delivered, "stream_seq", 0) or 0)
        try:
            first = await self._js.get_msg(
                source.stream, seq=delivered + 1, subject=source.subject, next=True
            )
        except NotFoundError:
            return 0.0
        published = _timestamp(first.time)
        if published is None:
            return 0.0
        return max(0.0, (dt.datetime.now(dt.UTC) - published).total_seconds())


class DatabasePool(_ScrapeTimeCollector):
    """A service's Postgres, read on each scrape: `logokraft_postgres_up` (1 when `select 1`
    through the pool answered within `TIMEOUT`; 0 when Postgres is unreachable or every pooled
    connection stayed busy that long, both of which time the service's own transactions out
    too), and the pool: `logokraft_db_pool_connections{state}` (`in_use`, `idle`),
    `logokraft_db_pool_max_connections` and `logokraft_db_pool_requests_waiting`.

    `db` is a `logokraft_kit.db.Database` (its `ping` and `pool_stats`).
    """

    TIMEOUT = 5.0

    def __init__(self, db: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._db = db
        self._loop = loop

    def collect(self) -> Iterable[Any]:
        stats = self._db.pool_stats()  # before the check, which takes a connection itself
        connections = GaugeMetricFamily(
            "logokraft_db_pool_connections",
            "Connections to Postgres the process's pool holds open, by state: in_use (in a "
            "transaction) or idle",
            labels=["state"],
        )
        open_now, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
        connections.add_metric(["in_use"], float(max(0, open_now - idle)))
        connections.add_metric(["idle"], float(idle))
        yield connections
        yield GaugeMetricFamily(
            "logokraft_db_pool_max_connections",
            "The most connections the process's pool opens",
            value=float(stats.get("pool_max", 0)),
        )
        yield GaugeMetricFamily(
            "logokraft_db_pool_requests_waiting",
            "Transactions waiting for a pooled connection to Postgres now",
            value=float(stats.get("requests_waiting", 0)),
        )
        checking = asyncio.run_coroutine_threadsafe(self._db.ping(), self._loop)
        try:
            checking.result(self.TIMEOUT)
            up = 1.0
        except Exception:
            checking.cancel()  # not one more check left waiting per scrape
            log.warning("could not reach Postgres through the pool", exc_info=True)
            up = 0.0
        yield GaugeMetricFamily(
            "logokraft_postgres_up",
            "1 when this scrape ran select 1 on Postgres through the process's pool, 0 when it "
            "could not within 5 s (Postgres unreachable, or every pooled connection busy)",
            value=up,
        )


def _timestamp(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        # RFC 3339 with nanoseconds: keep microseconds for fromisoformat.
        text = value.replace("Z", "+00:00")
        head, dot, rest = text.partition(".")
        if dot:
            digits = "".join(c for c in rest if c.isdigit())
            zone = rest[len(digits) :]
            text = f"{head}.{digits[:6]}{zone}"
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    return None
