"""No credential reaches a log line: query-string tokens, signatures, bearer tokens, JWTs."""

from __future__ import annotations

import io
import logging

import pytest

from logokraft_kit.logs import REDACTED, RedactSecrets, redact

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
