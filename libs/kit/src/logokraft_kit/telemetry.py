"""OpenTelemetry tracing for every process, configured by the standard `OTEL_*` variables.

Off by default: unless `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`) or an
OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`),
no SDK is installed, nothing is instrumented and every span below is the API's no-op.
`OTEL_SDK_DISABLED=true` turns it off whatever else is set. When on, the SDK reads the
rest of the standard variables itself: `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the
default, or `grpc`), headers and timeouts, `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_BSP_*`,
`OTEL_RESOURCE_ATTRIBUTES`; `OTEL_SERVICE_NAME` names the process (by default
`logokraft-<service>`).

What is traced, so one `POST /api/v1/projects` is one trace across processes:

    gateway  HTTP server span (FastAPI)  ─▶ gRPC client span
    service  gRPC server span ─▶ psycopg spans ─▶ `publish` span, context in the job's headers
    worker   `process` span (parent: the publisher's) ─▶ provider call ─▶ storage ─▶ news

W3C trace context rides in each NATS job's headers (`traceparent`, `tracestate`; bus.py
injects, worker.py extracts), and so does the HTTP request's id (`X-Request-ID`, bound to the
worker's log lines as `request_id`); the job's signature covers subject, id and payload only, so
the headers do not change it. Spans carry ids an operator filters by (`logokraft.project_id`,
`logokraft.asset_id`, `logokraft.provider`, `logokraft.model`, `logokraft.attempt`,
`logokraft.outcome`), never prompts or personal data, and every string attribute is passed
through `logs.redact` before export, so a stream token in a URL never leaves the process.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from logokraft_kit.logs import (
    REQUEST_ID_HEADER,
    bind_log_context,
    current_log_context,
    redact,
    request_id_or_new,
)

log = logging.getLogger(__name__)

TRACER_NAME = "logokraft"
ATTRIBUTE_PREFIX = "logokraft."

_provider: Any = None  # the SDK TracerProvider once configure_tracing turned tracing on


def tracer() -> trace.Tracer:
    """LogoKraft's tracer: the SDK's when tracing is on, the API's no-op otherwise."""
    return trace.get_tracer(TRACER_NAME)


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """True when the standard variables ask for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER")
    if exporters is not None:
        return any(name.strip() not in ("", "none") for name in exporters.split(","))
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def tracing_enabled() -> bool:
    """True once `configure_tracing` installed the SDK in this process."""
    return _provider is not None


def configure_tracing(service: str, environ: Mapping[str, str]) -> bool:
    """Install the SDK, its exporters and the instrumentations when the environment asks.

    Returns whether tracing is on. Call once per process, before opening channels, pools
    and clients (the gRPC and HTTP instrumentations apply to those created afterwards).
    """
    global _provider
    if _provider is not None or not tracing_requested(environ):
        return _provider is not None
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    named = {} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: f"logokraft-{service}"}
    provider = TracerProvider(resource=Resource.create(named))  # sampler: OTEL_TRACES_SAMPLER
    for exporter in _exporters(environ):
        provider.add_span_processor(RedactingProcessor(BatchSpanProcessor(exporter)))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, enable_commenter=False)
    _provider = provider
    log.info("tracing on: exporting spans as %s", provider.resource.attributes[SERVICE_NAME])
    return True


def shutdown_tracing() -> None:
    """Export the spans still buffered and stop the exporters (at process exit)."""
    if _provider is not None:
        _provider.shutdown()


def _exporters(environ: Mapping[str, str]) -> list[Any]:
    names = environ.get("OTEL_TRACES_EXPORTER") or "otlp"
    exporters: list[Any] = []
    for name in (n.strip() for n in names.split(",")):
        if name in ("", "none"):
            continue
        if name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            # On stderr beside the log lines, one line per span (the SDK's default is
            # stdout, each span indented over a dozen lines).
            exporters.append(
                ConsoleSpanExporter(
                    out=sys.stderr, formatter=lambda span: span.to_json(indent=None) + "\n"
                )
            )
        elif name == "otlp":
            exporters.append(_otlp_exporter(environ))
        else:
            raise ValueError(
                f"OTEL_TRACES_EXPORTER={names!r}: LogoKraft exports traces with `otlp` or "
                "`console` (or `none`)"
            )
    return exporters


def _otlp_exporter(environ: Mapping[str, str]) -> Any:
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter as HttpSpanExporter,
        )

        return HttpSpanExporter()
    raise ValueError(
        f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: use `http/protobuf` (the default) or `grpc`"
    )


def _redacted(attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The attributes with credentials redacted; None when nothing needed it."""
    if not attributes:
        return None
    changed = False
    cleaned: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(value, str):
            clean = redact(value)
            changed |= clean != value
            value = clean
        cleaned[key] = value
    return cleaned if changed else None


class RedactingProcessor(SpanProcessor):
    """Hands spans to `inner` with credentials redacted from their (and their events')
    string attributes and their status description: URLs with stream tokens or signatures,
    exception messages."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: Any) -> None:
        attributes = _redacted(span.attributes)
        events = [(event, _redacted(event.attributes)) for event in span.events]
        status = span.status
        if status.description and redact(status.description) != status.description:
            status = Status(status.status_code, redact(status.description))
        if (
            attributes is not None
            or any(clean is not None for _, clean in events)
            or status is not span.status
        ):
            span = ReadableSpan(
                name=span.name,
                context=span.context,
                parent=span.parent,
                resource=span.resource,
                attributes=attributes if attributes is not None else span.attributes,
                events=[
                    Event(event.name, clean, event.timestamp) if clean is not None else event
                    for event, clean in events
                ],
                links=span.links,
                kind=span.kind,
                status=status,
                start_time=span.start_time,
                end_time=span.end_time,
                instrumentation_scope=span.instrumentation_scope,
            )
        self._inner.on_end(span)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return bool(self._inner.force_flush(timeout_millis))


def grpc_server_interceptors() -> list[Any]:
    """The tracing interceptor for a gRPC server (first, so every other runs in its span)."""
    if not tracing_enabled():
        return []
    from opentelemetry.instrumentation.grpc import aio_server_interceptor

    return [aio_server_interceptor(tracer_provider=_provider, filter_=_not_health())]


def grpc_client_interceptors() -> list[Any]:
    """The tracing interceptors for a gRPC channel (they send the context as metadata)."""
    if not tracing_enabled():
        return []
    import grpc
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    interceptors = aio_client_interceptors(tracer_provider=_provider, filter_=_not_health())
    streams = grpc.aio.UnaryStreamClientInterceptor
    return [i for i in interceptors if not isinstance(i, streams)] + [_server_stream_spans()]


def _server_stream_spans() -> Any:
    """Client spans of server-streaming calls that end when the call ends.

    The instrumentation's own ends its span when its response iterator is closed, which a
    reader that takes the first message and cancels the call (the gateway's RefineAsset)
    leaves to the garbage collector: the span would end late or never be exported.
    """
    import grpc

    class ServerStreamSpans(grpc.aio.UnaryStreamClientInterceptor):
        async def intercept_unary_stream(
            self, continuation: Any, details: Any, request: Any
        ) -> Any:
            method = details.method
            method = method.decode() if isinstance(method, bytes) else str(method)
            if method.startswith("/grpc."):  # health watches and reflection: untraced
                return await continuation(details, request)
            service, _, name = method.lstrip("/").partition("/")
            span = tracer().start_span(
                method,
                kind=SpanKind.CLIENT,
                attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name},
            )
            carrier: dict[str, str] = {}
            propagate.inject(carrier, context=trace.set_span_in_context(span))
            metadata = grpc.aio.Metadata(*tuple(details.metadata or ()), *carrier.items())
            traced = grpc.aio.ClientCallDetails(
                details.method,
                details.timeout,
                metadata,
                details.credentials,
                details.wait_for_ready,
            )
            try:
                call = await continuation(traced, request)
            except BaseException:
                span.end()
                raise
            call.add_done_callback(lambda _call: span.end())
            return call

    return ServerStreamSpans()


def _not_health() -> Any:
    """A filter leaving health checks (probes every few seconds) untraced."""
    from opentelemetry.instrumentation.grpc import filters

    return filters.negate(filters.service_prefix("grpc."))


def annotate(**fields: object) -> None:
    """Put ids and outcomes on the current span (as `logokraft.<name>`) and the ids on the
    log lines of the current task (`project_id`, `asset_id`)."""
    bind_log_context(**fields)
    label_span(**fields)


def label_span(**fields: object) -> None:
    """Put ids and outcomes on the current span only (as `logokraft.<name>`)."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.set_attributes(
        {
            f"{ATTRIBUTE_PREFIX}{name}": value if isinstance(value, int | float) else str(value)
            for name, value in fields.items()
            if value not in (None, "") and not isinstance(value, bool)
        }
    )


def inject_context(headers: MutableMapping[str, str]) -> None:
    """Add the current trace context (W3C `traceparent`, `tracestate`) to message headers."""
    propagate.inject(headers)


@contextlib.contextmanager
def producing(
    subject: str, *, destination: str | None = None, **fields: object
) -> Iterator[dict[str, str]]:
    """A PRODUCER span for publishing a message; yields the headers carrying its context.

    The span is named after `destination` (default: the subject), so a subject with an id
    in it (one per project) is given a fixed destination name instead.
    """
    with tracer().start_as_current_span(
        f"{destination or subject} publish",
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "nats",
            "messaging.operation.type": "send",
            "messaging.destination.name": subject,
        },
    ):
        label_span(**fields)
        headers: dict[str, str] = {}
        inject_context(headers)
        request_id = current_log_context().get("request_id")
        if request_id is not None:  # the lines of the job's worker carry it too, tracing or not
            headers[REQUEST_ID_HEADER] = request_id
        yield headers


@contextlib.contextmanager
def consuming(
    subject: str, headers: Mapping[str, str] | None, *, queue: str, attempt: int
) -> Iterator[trace.Span]:
    """A CONSUMER span for handling a message, a child of the publisher's span."""
    parent = propagate.extract(dict(headers or {}))
    with tracer().start_as_current_span(
        f"{queue} process",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.destination.name": subject,
        },
    ) as span:
        sent = (headers or {}).get(REQUEST_ID_HEADER)
        request_id = request_id_or_new(sent) if sent else None  # a job of no request: none
        annotate(queue=queue, attempt=attempt, request_id=request_id)
        yield span


@dataclass
class CallOutcome:
    """What a timed provider call ended as ("ok", a provider error's code, "error", ...)."""

    value: str = "ok"


def outcome_of(error: BaseException | None) -> str:
    """A short, bounded name for how a call ended, fit for a metric label."""
    if error is None or isinstance(error, GeneratorExit):
        return "ok"
    code = getattr(error, "code", None)
    if isinstance(code, str) and code:
        return code
    if isinstance(error, TimeoutError):
        return "timeout"
    import asyncio

    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    return "error"


@contextlib.contextmanager
def span(
    name: str, *, kind: SpanKind = SpanKind.INTERNAL, **fields: object
) -> Iterator[CallOutcome]:
    """A span named `name` annotated with `fields`; its outcome is recorded on the way out."""
    outcome = CallOutcome()
    with tracer().start_as_current_span(
        name, kind=kind, record_exception=False, set_status_on_exception=False
    ) as current:
        label_span(**fields)
        try:
            yield outcome
        except BaseException as error:
            outcome.value = outcome_of(error)
            if outcome.value != "ok":
                current.set_status(Status(StatusCode.ERROR, outcome.value))
            raise
        finally:
            if current.is_recording():
                current.set_attribute(f"{ATTRIBUTE_PREFIX}outcome", outcome.value)


class Stopwatch:
    """Seconds since it was made."""

    def __init__(self) -> None:
        self._started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self._started
