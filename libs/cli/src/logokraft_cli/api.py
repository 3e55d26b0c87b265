"""A small client of LogoKraft's /api/v1: one place that turns every failure into a sentence.

Every expected failure becomes a `CliError` with the exit code the command ends with:
1 the API refused the request or the run failed, 3 the API could not be reached,
4 no token or the token was refused (usage errors are typer's 2).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from logokraft_cli import __name__ as _package

API = "/api/v1"
EXIT_FAILED = 1
EXIT_UNREACHABLE = 3
EXIT_AUTH = 4
MAX_RATE_LIMIT_WAIT = 60.0  # seconds: a longer Retry-After is reported, not waited for
RATE_LIMIT_RETRIES = 3
LOGIN_HINT = "Run `logokraft login` (or set LOGOKRAFT_TOKEN) to sign in."
_USER_AGENT = f"{_package.replace('_', '-')}/0.1"


class CliError(Exception):
    """An expected failure: a sentence for a person, a stable code for scripts, an exit code."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        exit_code: int = EXIT_FAILED,
        status: int | None = None,
        hint: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.exit_code = exit_code
        self.status = status
        self.hint = hint
        self.details = details

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.status is not None:
            body["status"] = self.status
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return {"error": body}


def unreachable(url: str, error: Exception) -> CliError:
    reason = "connection refused" if isinstance(error, httpx.ConnectError) else type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        reason = "timed out"
    return CliError(
        f"The LogoKraft API is not reachable at {url} ({reason}).",
        code="api_unreachable",
        exit_code=EXIT_UNREACHABLE,
        hint="Start the stack with `make run`, or point --api / LOGOKRAFT_API_URL at the API.",
    )


def checked_api_url(url: str) -> str:
    """The API's base URL when it is an http(s) URL with a host; a usage error otherwise
    (httpx raised InvalidURL from deep inside a request: a traceback)."""
    try:
        parsed = httpx.URL(url)
        problem = None if parsed.scheme in ("http", "https") else "it is not http or https"
        if problem is None and not parsed.host:
            problem = "it names no host"
    except httpx.InvalidURL as error:
        problem = str(error).rstrip(".").lower()
    if problem is None:
        return url
    raise CliError(
        f"The API URL {url!r} cannot be used: {problem}.",
        code="usage",
        exit_code=2,
        hint="Give one such as http://127.0.0.1:8000 with --api, LOGOKRAFT_API_URL or "
        "`logokraft login --api URL`.",
    )


def json_answer(response: httpx.Response) -> Any:
    """The JSON of an answer the API accepted; a CliError when it is not JSON (the URL names
    another server, such as a web app answering every path with its HTML page)."""
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("content-type", "").split(";")[0].strip() or "no type"
        raise CliError(
            f"{response.url} answered {response.status_code} with {kind}, not the LogoKraft "
            "API's JSON.",
            code="bad_answer",
            hint="Check that --api, LOGOKRAFT_API_URL or the stored URL is the LogoKraft API "
            "(such as http://127.0.0.1:8000).",
        ) from None


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def error_from(response: httpx.Response) -> CliError:
    """The API's own error (`{"error": {code, message, details}}`) as a CliError."""
    code, message, details = f"http_{response.status_code}", "", None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        code = str(body["error"].get("code") or code)
        message = str(body["error"].get("message") or "")
        details = body["error"].get("details")
    if not message:
        message = f"The API answered {response.status_code} {response.reason_phrase}."
    hint = None
    exit_code = EXIT_FAILED
    if response.status_code == 401:
        exit_code = EXIT_AUTH
        hint = LOGIN_HINT
    elif response.status_code == 429:
        wait = retry_after(response)
        hint = f"Try again in {int(wait)} s." if wait is not None else "Try again later."
    return CliError(
        message,
        code=code,
        exit_code=exit_code,
        status=response.status_code,
        hint=hint,
        details=details if isinstance(details, list) else None,
    )


class Api:
    """Calls to one API with one token (or none, for `login`'s check)."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        on_wait: Callable[[str], None] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = checked_api_url(base_url)
        self.token = token
        self.on_wait = on_wait or (lambda _message: None)
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=5.0),
            headers={"User-Agent": _USER_AGENT},
            follow_redirects=False,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return f"{self.base_url}{API}{path}"

    def absolute(self, url: str) -> str:
        """A URL the API gave (signed file URLs may be relative) made absolute."""
        return urljoin(f"{self.base_url}/", url)

    def auth_headers(self) -> dict[str, str]:
        if not self.token:
            raise CliError(
                "You are not signed in: there is no token.",
                code="not_signed_in",
                exit_code=EXIT_AUTH,
                hint=LOGIN_HINT,
            )
        return {"Authorization": f"Bearer {self.token}"}

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        idempotent: bool = False,
        expect: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> httpx.Response:
        """One call, retried after a 429 or 503 that says when (Retry-After, up to a minute).

        `idempotent` sends an Idempotency-Key, the same on every retry, so a POST repeated
        after a refusal or a lost answer cannot create a second project; a server with no
        database to honour it (501 `idempotency_unavailable`) is asked again without one.
        """
        headers = dict(kwargs.pop("headers", {}) or {})
        if auth:
            headers.update(self.auth_headers())
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        attempt = 0
        while True:
            try:
                response = self.http.request(method, self.url(path), headers=headers, **kwargs)
            except httpx.TransportError as error:
                raise unreachable(self.base_url, error) from None
            if response.status_code in expect:
                return response
            wait = retry_after(response)
            if (
                response.status_code in (429, 503)
                and wait is not None
                and wait <= MAX_RATE_LIMIT_WAIT
                and attempt < RATE_LIMIT_RETRIES
            ):
                attempt += 1
                error = error_from(response)
                self.on_wait(f"{error.message} Retrying in {wait:g} s.")
                time.sleep(max(wait, 0.5))
                continue
            if (
                response.status_code == 501
                and "Idempotency-Key" in headers
                and error_from(response).code == "idempotency_unavailable"
            ):
                del headers["Idempotency-Key"]
                continue
            raise error_from(response)

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return json_answer(self.request("GET", path, **kwargs))

    @contextmanager
    def stream(self, path: str, *, last_event_id: str | None = None) -> Iterator[httpx.Response]:
        """A GET of the SSE stream, opened (status checked) and closed on exit."""
        headers = {"Accept": "text/event-stream", **self.auth_headers()}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        timeout = httpx.Timeout(60.0, connect=5.0)  # the gateway sends keepalives when idle
        try:
            with self.http.stream(
                "GET", self.url(path), headers=headers, timeout=timeout
            ) as response:
                if response.status_code != 200:
                    response.read()
                yield response
        except httpx.ConnectError as error:
            raise unreachable(self.base_url, error) from None

    def download(self, url: str) -> bytes:
        """A file behind a signed URL (no bearer token: the URL is the credential, and it may
        point at another host, the storage provider)."""
        target = self.absolute(url)
        headers: dict[str, str] = {}
        if _same_origin(target, self.base_url) and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.get(target, headers=headers, timeout=120.0)
        except httpx.TransportError as error:
            raise unreachable(target, error) from None
        if response.status_code != 200:
            raise error_from(response)
        return response.content


def multipart(
    fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type; always multipart, even without files
    (the API reads new projects only as multipart)."""
    boundary = f"logokraft-{uuid.uuid4().hex}"
    chunks: list[bytes] = []
    for name, value in fields:
        disposition = f'Content-Disposition: form-data; name="{_quote(name)}"'
        chunks.append(f"--{boundary}\r\n{disposition}\r\n\r\n".encode())
        chunks.append(value.encode() + b"\r\n")
    for name, filename, content, content_type in files:
        chunks.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                f'filename="{_quote(filename)}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
        )
        chunks.append(content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _quote(value: str) -> str:
    """As browsers write names in a form-data header (WHATWG HTML)."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _same_origin(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.netloc) == (second.scheme, second.netloc)
