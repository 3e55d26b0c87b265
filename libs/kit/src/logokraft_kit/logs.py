"""Logging set-up for every process: one line per record, and no secret in any line.

Credentials travel in places that get logged: stream tokens and signed-URL signatures in
query strings (which access logs print), bearer tokens in headers an error may echo. Every
handler a process logs through carries `RedactSecrets`, which rewrites such values to
`[redacted]` before a line is written.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# Query parameters and assignments that carry a credential: ?access_token=…, &signature=…
_SECRET_PARAMETER = re.compile(
    r"(?i)\b(access_token|refresh_token|id_token|token|signature|sig|api_key|apikey|key|"
    r"password|secret)=([^&\s\"'<>]+)"
)
# "Bearer <token>" anywhere, and a bare JWT (three base64url parts, the first `eyJ`).
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-_.~+/]+=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def redact(text: str) -> str:
    """The text with every credential-looking value replaced by `[redacted]`."""
    text = _SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _JWT.sub(REDACTED, text)


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


def guard_handlers(*loggers: logging.Logger) -> None:
    """Put `RedactSecrets` on every handler of these loggers (the root logger when none)."""
    for logger in loggers or (logging.getLogger(),):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())


def configure_logging(service: str, level: str = "INFO") -> None:
    """Log to stderr as `time level service logger: message`, with secrets redacted."""
    logging.basicConfig(
        level=level.upper(),
        format=f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    guard_handlers()
