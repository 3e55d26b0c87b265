"""Traces and metrics as every process has them: off unless asked, propagated in job headers,
redacted before export, and Prometheus metrics read at scrape time from JetStream and breakers.

The cross-process trace of a real project and the scrape of every process after one are in
tests/test_observability.py; these check the parts on their own.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from pydantic import ValidationError

from logokraft_kit.breaker import CircuitBreaker
from logokraft_kit.bus import JobSigner, Subjects, connect, ensure_streams, publish_job
from logokraft_kit.db import Database
from logokraft_kit.logs import current_log_context, log_context
from logokraft_kit.metrics import (
    DatabasePool,
    JobQueues,
    QueueSource,
    parse_address,
    serve_metrics,
)
from logokraft_kit.providers import ProviderUnavailable
from logokraft_kit.settings import LoggingSettings
from logokraft_kit.telemetry import (
    RedactingProcessor,
    _exporters,
    consuming,
    producing,
    tracing_requested,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "x"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_tracing_is_off_unless_the_standard_variables_ask(environ: dict, on: bool) -> None:
    assert tracing_requested(environ) is on


@pytest.mark.parametrize(
    ("environ", "hint"),
    [
        ({"OTEL_TRACES_EXPORTER": "jaeger"}, "`otlp` or `console`"),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, "grpc"),
    ],
)
def test_an_unsupported_exporter_is_refused_with_what_to_use(environ: dict, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        _exporters(environ)


def test_both_otlp_protocols_build_an_exporter() -> None:
    http = _exporters({"OTEL_TRACES_EXPORTER": "otlp"})
    grpc = _exporters({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
    assert "http" in type(http[0]).__module__ and "grpc" in type(grpc[0]).__module__
    for exporter in (*http, *grpc):
        exporter.shutdown()


def test_the_console_exporter_writes_one_line_per_span_on_stderr(capsys) -> None:
    """As documented: before, spans went to stdout as indented JSON, a dozen lines each."""
    [console] = _exporters({"OTEL_TRACES_EXPORTER": "console"})
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(console))
    with provider.get_tracer("test").start_as_current_span("storage put"):
        pass
    with provider.get_tracer("test").start_as_current_span("provider local"):
        pass
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["storage put", "provider local"]


def _recording() -> tuple[trace.Tracer, InMemorySpanExporter]:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactingProcessor(SimpleSpanProcessor(exported)))
    return provider.get_tracer("test"), exported


def test_credentials_are_redacted_from_span_attributes_and_events_before_export() -> None:
    tracer, exported = _recording()
    with tracer.start_as_current_span("GET /stream") as span:
        span.set_attribute("url.query", f"access_token={JWT}&after=3")
        span.set_attribute("http.status_code", 200)
        span.add_event("error", {"exception.message": f"Bearer {JWT} refused"})
        span.set_status(trace.Status(trace.StatusCode.ERROR, f"bad token={JWT}"))
    [sent] = exported.get_finished_spans()
    assert sent.attributes["url.query"] == "access_token=[redacted]&after=3"
    assert sent.attributes["http.status_code"] == 200
    assert sent.events[0].attributes["exception.message"] == "Bearer [redacted] refused"
    assert sent.status.description == "bad token=[redacted]"
    assert sent.context.trace_id == span.get_span_context().trace_id


async def test_a_job_carries_the_publishers_trace_to_its_worker() -> None:
    """The trace context rides in the job's headers; the worker's span continues it."""
    tracer, _ = _recording()
    with (
        tracer.start_as_current_span("POST /api/v1/projects") as request,
        producing("ns.jobs.images", project_id="p") as headers,
    ):
        pass
    assert headers["traceparent"].split("-")[1] == format(
        request.get_span_context().trace_id, "032x"
    )
    with consuming("ns.jobs.images", headers, queue="images", attempt=1):
        current = trace.get_current_span().get_span_context()
    assert current.trace_id == request.get_span_context().trace_id
    with consuming("ns.jobs.images", {}, queue="images", attempt=1):
        assert not trace.get_current_span().get_span_context().is_valid, "no context: none"


async def test_a_job_carries_the_requests_id_to_its_workers_lines() -> None:
    """Without tracing nothing tied a worker's lines to the request that queued the job."""
    with log_context(request_id="req-1"), producing("ns.jobs.images") as headers:
        pass
    assert headers["X-Request-ID"] == "req-1"

    async def worker(job_headers: dict[str, str]) -> str | None:
        with consuming("ns.jobs.images", job_headers, queue="images", attempt=1):
            return current_log_context().get("request_id")

    assert await asyncio.create_task(worker(headers)) == "req-1"
    assert await asyncio.create_task(worker({})) is None
    assert await asyncio.create_task(worker({"X-Request-ID": "two words"})) != "two words"


@pytest.mark.parametrize(
    "address", ["127.0.0.1:9100", "0.0.0.0:0", "[::1]:9100", "localhost:65535"]
)
def test_metrics_addresses_are_host_and_port(address: str) -> None:
    host, port = parse_address(address)
    assert host and 0 <= port < 65536


@pytest.mark.parametrize("address", ["9100", ":9100", "host:", "host:http", "host:70000"])
def test_a_bad_metrics_address_is_refused_at_start_with_an_example(address: str) -> None:
    with pytest.raises(ValidationError, match=re.escape("host:port, e.g. 127.0.0.1:9100")):
        LoggingSettings(LOGOKRAFT_METRICS_ADDRESS=address)


def test_the_metrics_endpoint_serves_the_prometheus_text_format() -> None:
    server = serve_metrics("127.0.0.1:0")
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
            kind = response.headers["Content-Type"]
    finally:
        server.stop()
    assert kind.startswith("text/plain")
    assert "# TYPE logokraft_images_generated_total counter" in body
    assert "# TYPE logokraft_circuit_breaker_state gauge" in body


async def test_a_breakers_state_and_calls_are_exported() -> None:
    now = [0.0]
    breaker = CircuitBreaker("unit-test-provider", failure_threshold=2, clock=lambda: now[0])
    labels = {"provider": "unit-test-provider"}

    def sample(name: str, **extra: str) -> float:
        return REGISTRY.get_sample_value(name, {**labels, **extra}) or 0.0

    async def fail() -> None:
        raise ProviderUnavailable("down", provider="unit-test-provider")

    async def answer() -> str:
        return "ok"

    assert sample("logokraft_circuit_breaker_state") == 0
    opened = sample("logokraft_circuit_breaker_opened_total")
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            await breaker.call(fail)
    assert sample("logokraft_circuit_breaker_state") == 1
    assert sample("logokraft_circuit_breaker_opened_total") == opened + 1
    unavailable = "logokraft_provider_call_duration_seconds_count"
    assert sample(unavailable, outcome="provider_unavailable") >= 2
    now[0] += 60  # the wait is over: half-open, then a probe closes it
    assert sample("logokraft_circuit_breaker_state") == 2
    ok = sample(unavailable, outcome="ok")
    assert await breaker.call(answer) == "ok"
    assert sample("logokraft_circuit_breaker_state") == 0
    assert sample(unavailable, outcome="ok") == ok + 1


class HungJetStream:
    """A JetStream context whose NATS no longer answers: reads wait until cancelled."""

    def __init__(self) -> None:
        self.cancelled = asyncio.Event()

    async def consumer_info(self, stream: str, durable: str) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


async def test_a_jetstream_that_does_not_answer_shows_as_jetstream_up_0(monkeypatch) -> None:
    """Before, the queue gauges just vanished while NATS was away, so no alert could fire on
    them and nothing but a warning said why; and every scrape left one more read waiting."""
    monkeypatch.setattr(JobQueues, "TIMEOUT", 0.2)
    js = HungJetStream()
    source = QueueSource("images", "LOGOKRAFT_JOBS", "logokraft.jobs.images", "images")
    queues = JobQueues(js, [source], asyncio.get_running_loop())
    families = await asyncio.to_thread(lambda: list(queues.collect()))
    by_name = {f.name: f for f in families}
    assert [s.value for s in by_name["logokraft_jetstream_up"].samples] == [0]
    assert not by_name["logokraft_jobs_queued"].samples
    await asyncio.wait_for(js.cancelled.wait(), 5)  # the read was given up, not left waiting

    answering = JobQueues(None, [], asyncio.get_running_loop())
    families = await asyncio.to_thread(lambda: list(answering.collect()))
    up = [s.value for f in families if f.name == "logokraft_jetstream_up" for s in f.samples]
    assert up == [1]


async def test_queue_gauges_are_read_from_jetstream_at_scrape_time(nats_server, namespace) -> None:
    nc = await connect(nats_server.url, name="test")
    try:
        js = nc.jetstream()
        subjects = Subjects(namespace)
        await ensure_streams(js, subjects)
        subject, durable = subjects.jobs("images"), f"{namespace}-gauges"
        sub = await js.pull_subscribe(subject, durable=durable, stream=subjects.jobs_stream)
        source = QueueSource("images", subjects.jobs_stream, subject, durable)
        queues = JobQueues(js, [source], asyncio.get_running_loop())

        async def read() -> dict[str, float]:  # as Prometheus would: from another thread
            families = await asyncio.to_thread(lambda: list(queues.collect()))
            return {f.name: f.samples[0].value for f in families if f.samples}

        empty = await read()
        assert empty["logokraft_jobs_queued"] == 0
        assert empty["logokraft_job_oldest_age_seconds"] == 0
        signer = JobSigner("the deployment's service-token secret, 32+ chars")
        for n in range(3):
            await publish_job(js, subject, {"n": n}, msg_id=f"gauge-{n}", signer=signer)
        assert (await read())["logokraft_job_oldest_age_seconds"] > 0
        [taken] = await sub.fetch(1, timeout=5)
        waiting = await read()
        assert waiting["logokraft_jobs_queued"] == 2
        assert waiting["logokraft_jobs_in_progress"] == 1
        assert waiting["logokraft_job_oldest_age_seconds"] > 0
        rest = await sub.fetch(2, timeout=5)
        taken_all = await read()
        assert taken_all["logokraft_jobs_in_progress"] == 3
        assert taken_all["logokraft_job_oldest_age_seconds"] == 0, "running is not waiting"
        for msg in [taken, *rest]:
            await msg.ack_sync()
        done = await read()
        assert done["logokraft_jobs_queued"] == 0
        assert done["logokraft_jobs_in_progress"] == 0
        assert done["logokraft_job_oldest_age_seconds"] == 0
    finally:
        await nc.close()


def _samples(families: list, name: str) -> dict[tuple, float]:
    return {
        tuple(sorted(s.labels.items())): s.value
        for f in families
        for s in f.samples
        if s.name == name
    }


async def _scrape(collector: DatabasePool) -> list:
    return await asyncio.to_thread(lambda: list(collector.collect()))


async def test_postgres_and_its_pool_are_read_at_scrape_time(database_url, monkeypatch) -> None:
    """Postgres had no gauge at all: a service whose database was away, or whose pool was
    exhausted (the 504s of OPERATIONS.md), showed only in its errors and latencies."""
    monkeypatch.setattr(DatabasePool, "TIMEOUT", 0.5)
    db = Database(database_url, min_size=1, max_size=1)
    await db.open()
    try:
        pool = DatabasePool(db, asyncio.get_running_loop())
        families = await _scrape(pool)
        assert _samples(families, "logokraft_postgres_up") == {(): 1.0}
        assert _samples(families, "logokraft_db_pool_max_connections") == {(): 1.0}
        assert _samples(families, "logokraft_db_pool_connections") == {
            (("state", "in_use"),): 0.0,
            (("state", "idle"),): 1.0,
        }
        assert _samples(families, "logokraft_db_pool_requests_waiting") == {(): 0.0}

        # The pool's only connection held, and a transaction waiting for it: the scrape says
        # so, and Postgres counts as away, as it is for every transaction of the service.
        release = asyncio.Event()
        held = asyncio.Event()

        async def hold() -> None:
            async with db.as_service():
                held.set()
                await release.wait()

        async def wait_for_it() -> None:
            async with db.as_service() as conn:
                await conn.execute("select 1")

        holding = asyncio.create_task(hold())
        await held.wait()
        waiting = asyncio.create_task(wait_for_it())
        while db.pool_stats().get("requests_waiting", 0) < 1:  # noqa: ASYNC110 - the pool's own count
            await asyncio.sleep(0)
        families = await _scrape(pool)
        assert _samples(families, "logokraft_db_pool_connections")[(("state", "in_use"),)] == 1.0
        assert _samples(families, "logokraft_db_pool_requests_waiting") == {(): 1.0}
        assert _samples(families, "logokraft_postgres_up") == {(): 0.0}
        release.set()
        await asyncio.gather(holding, waiting)
        # The given-up check left nothing behind: the pool serves again.
        assert _samples(await _scrape(pool), "logokraft_postgres_up") == {(): 1.0}
    finally:
        await db.close()
