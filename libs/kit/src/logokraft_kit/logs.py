"""Logging for every process: JSON lines for collectors, text on a terminal, no secret anywhere.

One line per record. Off a terminal (a container, a log file, `make run`'s children) each
line is a JSON object; on a terminal it is readable text. `LOGOKRAFT_LOG_FORMAT` (`json`,
`text`, `auto`) overrides the choice. Every line carries the process's service name, the
current trace and span ids (when tracing is on, see telemetry.py) and the ids of the project
and asset being worked on where they are known (`log_context`), so an operator can go from
a log line to its trace and back, and filter every line of one project across processes.

A request id ties one HTTP request's lines together whether tracing is on or not: the
gateway takes a sane `X-Request-ID` (`request_id_or_new`) or makes one, answers it, binds it
as `request_id`, and sends it to the services in the `x-request-id` gRPC metadata, where the
server binds it for the call's lines too.

Credentials travel in places that get logged: stream tokens and signed-URL signatures in
query strings (which access logs print), bearer tokens in headers an error may echo. Every
handler a process logs through carries `RedactSecrets`, which rewrites such values to
`[redacted]` before a line is written.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Literal

from opentelemetry import trace
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
# Query parameters and assignments that carry a credential: ?access_token=…, &signature=…
_SECRET_PARAMETER = re.compile(
    r"(?i)\b(access_token|refresh_token|id_token|token|signature|sig|api_key|apikey|key|"
    r"password|secret)=([^&\s\"'<>]+)"
)
# "Bearer <token>" anywhere, and a bare JWT (three base64url parts, the first `eyJ`).
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-_.~+/]+=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

LogFormat = Literal["auto", "json", "text"]
# The ids a line may carry, in the order text lines show them.
CONTEXT_FIELDS = ("project_id", "asset_id", "request_id")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_METADATA_KEY = "x-request-id"  # gRPC metadata keys are lower case
# What an incoming request id may be: a UUID, a hex or base64url trace id, a proxy's
# `host/1234-5`. Nothing that could break a log line, a header or a JSON string.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$")

_NO_IDS: Mapping[str, str] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "log_context", default=_NO_IDS
)


def redact(text: str) -> str:
    """The text with every credential-looking value replaced by `[redacted]`."""
    text = _SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _JWT.sub(REDACTED, text)


def request_id_or_new(sent: str | None) -> str:
    """`sent` when it is a sane request id (up to 128 characters of `A-Za-z0-9._:/+=-`),
    else a new one (32 hex digits)."""
    if sent is not None and _SANE_REQUEST_ID.match(sent):
        return sent
    return uuid.uuid4().hex


def bind_log_context(**ids: object) -> None:
    """Add ids (project_id, asset_id) to every line logged from here on in this task."""
    known = {k: str(v) for k, v in ids.items() if k in CONTEXT_FIELDS and v not in (None, "")}
    if known:
        _context.set({**_context.get(), **known})


@contextlib.contextmanager
def log_context(**ids: object) -> Iterator[None]:
    """Within the block, every line carries these ids (project_id, asset_id)."""
    token = _context.set(dict(_context.get()))
    bind_log_context(**ids)
    try:
        yield
    finally:
        _context.reset(token)


def current_log_context() -> Mapping[str, str]:
    """The ids lines logged now carry."""
    return _context.get()


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and its exception text) without credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class AddContext(logging.Filter):
    """Puts the service, the current trace and span ids and the bound ids on each record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            record.trace_id = format(span.trace_id, "032x")
            record.span_id = format(span.span_id, "016x")
        for name, value in _context.get().items():
            setattr(record, name, value)
        return True


class TextFormatter(logging.Formatter):
    """`time level service logger: message [project_id=… asset_id=… trace_id=…]`."""

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = [
            f"{name}={getattr(record, name)}"
            for name in (*CONTEXT_FIELDS, "trace_id")
            if getattr(record, name, None)
        ]
        if not ids:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} [{' '.join(ids)}]{newline}{rest}"


class _JsonFormatter(JsonFormatter):
    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time (UTC, ISO 8601), level, service, logger, message, ids."""
    return _JsonFormatter(
        "{levelname}{service}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's copy with ANSI colours
    )


def resolve_format(log_format: str, stream: Any = None) -> Literal["json", "text"]:
    """`auto` is text on a terminal and JSON elsewhere."""
    if log_format == "json" or log_format == "text":
        return log_format
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


def formatter_for(service: str, log_format: str, stream: Any = None) -> logging.Formatter:
    """The formatter a process's handlers use."""
    if resolve_format(log_format, stream) == "json":
        return json_formatter()
    return TextFormatter(f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s")


def guard_handlers(*loggers: logging.Logger, service: str | None = None) -> None:
    """Put `RedactSecrets` (and, given a service, `AddContext`) on every handler of these
    loggers (the root logger when none)."""
    for logger in loggers or (logging.getLogger(),):
        for handler in logger.handlers:
            if service is not None and not any(isinstance(f, AddContext) for f in handler.filters):
                handler.addFilter(AddContext(service))
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())


def configure_logging(service: str, level: str = "INFO", log_format: str = "auto") -> None:
    """Log to stderr as JSON lines or text (see the module's doc), with secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter_for(service, log_format, sys.stderr))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    guard_handlers(root, service=service)
