"""The development OTLP receiver shows what a collector would: a span's status included."""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from logokraft_dev.otlp import OtlpReceiver


def test_a_span_that_failed_is_printed_as_an_error() -> None:
    """Before, a printed span said nothing of its status: a provider call that failed, a
    crashed gRPC call and a 504's request span looked exactly like ones that went well."""
    printed: list[str] = []
    with OtlpReceiver(on_span=lambda span: printed.append(str(span))) as receiver:
        provider = TracerProvider(resource=Resource.create({"service.name": "logokraft-test"}))
        exporter = OTLPSpanExporter(endpoint=f"{receiver.endpoint}/v1/traces")
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("provider seedream", kind=SpanKind.CLIENT) as span:
            span.set_attribute("logokraft.outcome", "provider_unavailable")
            span.set_status(Status(StatusCode.ERROR, "provider_unavailable"))
        with tracer.start_as_current_span("storage put"):
            pass
        provider.shutdown()
    failed, fine = receiver.spans
    assert (failed.status, failed.status_message) == ("error", "provider_unavailable")
    assert fine.status == "unset"
    assert printed[0].endswith(
        "provider seedream {'logokraft.outcome': 'provider_unavailable'} ERROR provider_unavailable"
    )
    assert "ERROR" not in printed[1]
