"""A minimal OTLP/HTTP trace receiver, for tests and for looking at traces without a collector.

It accepts what the OpenTelemetry SDK's `http/protobuf` exporter sends (`POST /v1/traces`,
gzip or not) and keeps every span in memory. `python -m logokraft_dev.otlp [port]` prints
each span as it arrives, so `make run` with
`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318` can be watched with no collector.
"""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
STATUSES = {0: "unset", 1: "ok", 2: "error"}


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as a collector would store it."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: str
    attributes: dict[str, Any]
    events: tuple[tuple[str, dict[str, Any]], ...]
    status: str = "unset"  # "unset", "ok" or "error"
    status_message: str = ""

    def __str__(self) -> str:
        ids = {k: v for k, v in self.attributes.items() if k.startswith("logokraft.")}
        line = f"{self.trace_id[:8]} {self.service:<18} {self.kind:<8} {self.name} {ids or ''}"
        if self.status == "error":
            line = f"{line.rstrip()} ERROR {self.status_message}".rstrip()
        return line


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.kvlist_value.values}
    return getattr(value, kind) if kind else None


def _attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in pairs}


def decode(body: bytes) -> list[ReceivedSpan]:
    """The spans of one ExportTraceServiceRequest."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        service = str(resource.get("service.name", "unknown"))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        service=service,
                        name=span.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        kind=KINDS.get(span.kind, str(span.kind)),
                        attributes=_attributes(span.attributes),
                        events=tuple((e.name, _attributes(e.attributes)) for e in span.events),
                        status=STATUSES.get(span.status.code, str(span.status.code)),
                        status_message=span.status.message,
                    )
                )
    return spans


class OtlpReceiver:
    """An OTLP/HTTP endpoint on 127.0.0.1 (port 0: any free one) keeping what it receives."""

    def __init__(
        self, port: int = 0, *, on_span: Callable[[ReceivedSpan], None] | None = None
    ) -> None:
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        self._on_span = on_span
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path.rstrip("/") != "/v1/traces":
                    self.send_error(404, "only /v1/traces is received here")
                    return
                try:
                    spans = decode(body)
                except Exception as error:  # not OTLP protobuf
                    self.send_error(400, f"not an OTLP protobuf trace export: {error}")
                    return
                receiver._add(spans)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        """What OTEL_EXPORTER_OTLP_ENDPOINT should be."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _add(self, spans: list[ReceivedSpan]) -> None:
        with self._lock:
            self._spans.extend(spans)
        if self._on_span is not None:
            for span in spans:
                self._on_span(span)

    @property
    def spans(self) -> list[ReceivedSpan]:
        """Every span received so far."""
        with self._lock:
            return list(self._spans)

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        """The spans received so far of one trace."""
        return [span for span in self.spans if span.trace_id == trace_id]

    def __enter__(self) -> OtlpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def main() -> None:
    """Print every span received on the given port (default 4318, OTLP/HTTP's)."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 4318
    with OtlpReceiver(port, on_span=lambda span: print(span, flush=True)) as receiver:
        print(f"receiving OTLP/HTTP traces at {receiver.endpoint}; Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
