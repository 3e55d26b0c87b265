"""Log lines: no credential in any (query-string tokens, signatures, bearer tokens, JWTs), JSON
off a terminal and text on one, each carrying the service, trace and span ids and bound ids."""

from __future__ import annotations

import io
import json
import logging

import pytest
from opentelemetry import trace

from logokraft_kit.logs import (
    REDACTED,
    RedactSecrets,
    configure_logging,
    formatter_for,
    guard_handlers,
    log_context,
    redact,
    resolve_format,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f'"GET /api/v1/projects/p/stream?access_token={JWT} HTTP/1.1" 200', JWT),
        (
            "GET /api/v1/files/b/u/p.png?expires=1767225600&signature=Zm9vYmFy_-x HTTP/1.1",
            "Zm9vYmFy_-x",
        ),
        ("calling with authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        (f"a token in passing: {JWT}, then more", JWT),
        ("https://ark.example/api?api_key=sk-live-123&x=1", "sk-live-123"),
    ],
)
def test_credentials_are_redacted_and_the_rest_kept(line: str, secret: str) -> None:
    cleaned = redact(line)
    assert secret not in cleaned
    assert REDACTED in cleaned
    assert cleaned.replace(REDACTED, secret) == line, "only the credential changes"


def test_a_line_without_credentials_is_untouched() -> None:
    line = '127.0.0.1:5000 - "GET /api/v1/projects?limit=20&cursor=abc HTTP/1.1" 200'
    assert redact(line) == line


def test_the_filter_redacts_formatted_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("test_logs.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("stream %s opened", f"/stream?access_token={JWT}")
        try:
            raise RuntimeError(f"provider said: Bearer {JWT}")
        except RuntimeError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert JWT not in written
    assert written.count(REDACTED) >= 2
    assert "call failed" in written and "RuntimeError" in written


# ---- structured lines -------------------------------------------------------------------------


def _handler(service: str, log_format: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for(service, log_format, stream))
    logger = logging.getLogger(f"test.structured.{log_format}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    guard_handlers(logger, service=service)
    return logger, stream


def test_json_lines_carry_the_service_the_bound_ids_and_no_secret() -> None:
    logger, stream = _handler("imagegen", "json")
    with log_context(project_id="p-1", asset_id="a-1"):
        logger.info("drawing for %s", f"https://x/y?access_token={JWT}")
        try:
            raise ValueError(f"provider said no to key={JWT}")
        except ValueError:
            logger.exception("failed")
    logger.info("outside")
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "INFO" and first["service"] == "imagegen"
    assert first["logger"] == "test.structured.json"
    assert first["message"] == f"drawing for https://x/y?access_token={REDACTED}"
    assert (first["project_id"], first["asset_id"]) == ("p-1", "a-1")
    assert "time" in first and "trace_id" not in first  # no span: no trace id
    assert JWT not in second["exc_info"] and "ValueError" in second["exc_info"]
    assert "project_id" not in third, "ids are bound only inside the block"


def test_json_lines_carry_the_current_trace_and_span_ids() -> None:
    from opentelemetry.sdk.trace import TracerProvider

    logger, stream = _handler("gateway", "json")
    span = TracerProvider().get_tracer("test").start_span("request")
    with trace.use_span(span, end_on_exit=True):
        logger.info("inside a request")
    line = json.loads(stream.getvalue())
    context = span.get_span_context()
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")


def test_text_lines_are_readable_with_the_ids_at_the_end() -> None:
    logger, stream = _handler("prompt", "text")
    with log_context(project_id="p-9"):
        logger.warning("slow provider")
    line = stream.getvalue().strip()
    assert " WARNING prompt test.structured.text: slow provider [project_id=p-9]" in line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("setting", "stream", "expected"),
    [
        ("auto", _Terminal(), "text"),
        ("auto", io.StringIO(), "json"),
        ("json", _Terminal(), "json"),
        ("text", io.StringIO(), "text"),
    ],
)
def test_auto_is_text_on_a_terminal_and_json_elsewhere(
    setting: str, stream: io.StringIO, expected: str
) -> None:
    assert resolve_format(setting, stream) == expected


def test_configure_logging_replaces_the_root_handlers(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("refine", "DEBUG", "json")
        assert len(root.handlers) == 1 and root.level == logging.DEBUG
        logging.getLogger("x").debug("one line")
        assert json.loads(capsys.readouterr().err)["service"] == "refine"
    finally:
        root.handlers[:], root.level = saved
