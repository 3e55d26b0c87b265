"""Every error the gateway answers, in one JSON shape, and the one gRPC-status → HTTP table.

ApiError            – raised by gateway code with a status, a stable code and a message
grpc.aio.AioRpcError – a service call failed; mapped through GRPC_TO_HTTP, with the
                       service's `retry-after` trailer as the Retry-After header and its
                       `logokraft-reason` trailer as the code (RESOURCE_EXHAUSTED → 429)
RequestValidationError, HTTPException – FastAPI/Starlette's own, reshaped
ClientDisconnect    – the client left while its body was read: 400, logged as INFO
anything else       – 500 `internal_error`, logged, never leaked
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match, Mount

from logokraft_gateway.schemas import ErrorResponse
from logokraft_kit.errors import REASON_METADATA_KEY, RETRY_AFTER_METADATA_KEY
from logokraft_kit.logs import current_log_context

log = logging.getLogger(__name__)

GRPC_TO_HTTP: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    # The gateway verified the user itself and calls services with its own service token: a
    # service refusing that token is a deployment fault (the processes do not share
    # LOGOKRAFT_SERVICE_TOKEN_SECRET), which the user cannot fix by signing in again.
    grpc.StatusCode.UNAUTHENTICATED: 500,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.CANCELLED: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNIMPLEMENTED: 501,
}

_SERVER_SIDE_MESSAGES = {
    503: "A LogoKraft service is unavailable right now; try again in a few seconds.",
    504: "A LogoKraft service took too long to answer; try again in a few seconds.",
    501: "This operation is not available on this server.",
    500: "Something went wrong on our side; try again, and contact support if it persists.",
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "body_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    501: "not_implemented",
    503: "service_unavailable",
    504: "service_timeout",
}


class ApiError(Exception):
    """An error answer: HTTP status, stable snake_case code and a sentence for a person."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def unauthenticated(message: str) -> ApiError:
    """A 401 for a token that was sent and refused: `WWW-Authenticate: Bearer
    error="invalid_token"` (RFC 6750 §3.1)."""
    return ApiError(
        401,
        "unauthenticated",
        message,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def credentials_required(message: str) -> ApiError:
    """A 401 for a request that sent no token: the bare `WWW-Authenticate: Bearer` challenge.

    RFC 6750 §3.1: a request that lacks any authentication information gets no error code,
    so a client does not read "your token is invalid" when it sent none.
    """
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


def http_status_for(code: grpc.StatusCode) -> int:
    """The HTTP status of a gRPC status code (grpc-gateway's table; CANCELLED as 503)."""
    return GRPC_TO_HTTP.get(code, 500)


_REASON = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TRANSPORT_SIZE = re.compile(r"(Received|Sent) message larger than max|metadata size exceeds")
_MAX_RETRY_AFTER = 7 * 24 * 3600


def api_error_from_rpc(error: grpc.RpcError) -> ApiError:
    """Translate a failed service call; pass the service's message through only for 4xx.

    A `retry-after` trailer (whole seconds) becomes the Retry-After header of a 429 or 503,
    and a `logokraft-reason` trailer the error code of a 4xx.
    """
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    status = http_status_for(code)
    trailers = _trailers(error)
    details = getattr(error, "details", lambda: "")() or ""
    if REASON_METADATA_KEY not in trailers and _TRANSPORT_SIZE.search(details):
        # gRPC's own refusal (RESOURCE_EXHAUSTED) of a message over its size limit, not a
        # user's limit: no waiting makes it pass, and its words are about our internals.
        status = 500
    headers = None
    retry_after = trailers.get(RETRY_AFTER_METADATA_KEY, "")
    if status in (429, 503) and retry_after.isdigit() and int(retry_after) <= _MAX_RETRY_AFTER:
        headers = {"Retry-After": str(int(retry_after))}
    if status < 500:
        message = (error.details() if hasattr(error, "details") else "") or code.name.lower()
        reason = trailers.get(REASON_METADATA_KEY, "")
        api_code = reason if _REASON.match(reason) else code.name.lower()
        return ApiError(status, api_code, _sentence(message), headers=headers)
    if code == grpc.StatusCode.UNAUTHENTICATED:
        log.error(
            "a service refused the gateway's service token (%s): the gateway and the services "
            "must share LOGOKRAFT_SERVICE_TOKEN_SECRET (and their data dir's key when unset)",
            getattr(error, "details", lambda: "")(),
        )
    else:
        log.warning(
            "service call failed: %s %s %s",
            failed_rpc(error),
            code,
            getattr(error, "details", lambda: "")(),
        )
    return ApiError(
        status,
        _HTTP_CODES.get(status, "internal_error"),
        _SERVER_SIDE_MESSAGES[status],
        headers=headers,
    )


_RPC_NOTE = "gRPC method: "  # a failed call's note naming its RPC (naming_failures)


@contextlib.contextmanager
def naming_failures(rpc: str) -> Iterator[None]:
    """Note on a service call failing inside which RPC it was ("PromptService/GetProject"),
    so the line that logs the failure names it (tracebacks show the note too)."""
    try:
        yield
    except grpc.RpcError as error:
        error.add_note(f"{_RPC_NOTE}{rpc}")
        raise


def failed_rpc(error: BaseException) -> str:
    """The RPC a failed call was, as naming_failures noted it."""
    for note in getattr(error, "__notes__", ()):
        if note.startswith(_RPC_NOTE):
            return note.removeprefix(_RPC_NOTE)
    return "(unnamed RPC)"


def service_timeout(rpc: str) -> ApiError:
    """The 504 of a service that did not answer `rpc` within the gateway's deadline, as a call
    that ended DEADLINE_EXCEEDED is answered."""
    log.warning(
        "service call failed: %s %s (the gateway's deadline)",
        rpc,
        grpc.StatusCode.DEADLINE_EXCEEDED,
    )
    return ApiError(504, _HTTP_CODES[504], _SERVER_SIDE_MESSAGES[504])


def _trailers(error: grpc.RpcError) -> dict[str, str]:
    """The call's trailing metadata with text values (the last value of each key)."""
    read = getattr(error, "trailing_metadata", None)
    try:
        metadata = read() if read is not None else None
    except Exception:
        return {}
    values: dict[str, str] = {}
    for key, value in metadata or ():
        if isinstance(value, str):
            values[key.lower()] = value.strip()
    return values


def _sentence(message: str) -> str:
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else f"{message}."


def error_response(error: ApiError) -> JSONResponse:
    """The JSON answer of an ApiError."""
    body: dict[str, Any] = {"code": error.code, "message": visible(error.message)}
    if error.details:
        body["details"] = [
            {**item, "message": visible(item["message"])}
            if isinstance(item.get("message"), str)
            else item
            for item in error.details
        ]
    request_id = current_log_context().get("request_id")
    if request_id is not None:  # what a user quotes to support, and an operator greps for
        body["request_id"] = request_id
    return JSONResponse({"error": body}, status_code=error.status_code, headers=error.headers)


# Bidi controls (UAX #9) and the Arabic letter mark: in a message they reorder what follows.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def visible(message: str) -> str:
    """`message` with control and bidi control characters written as escapes (`\\u202e`).

    Messages quote what was sent (Pydantic's "invalid character: found `‮`"): shown raw, a
    U+202E or an ESC would reorder or restyle the rest of the line wherever the message is
    printed (a terminal, a log viewer, the studio).
    """
    if message.isprintable():  # nearly always: one C-level pass
        return message
    return "".join(
        f"\\u{ord(char):04x}"
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        else char
        for char in message
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting each status with the error shape."""
    return {
        status: {"model": ErrorResponse, "description": _HTTP_CODES[status].replace("_", " ")}
        for status in statuses
    }


async def _on_api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _on_rpc_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, grpc.RpcError)
    return error_response(api_error_from_rpc(exc))


_NOT_AN_OBJECT = ("model_attributes_type", "model_type", "dict_type")


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    details = [_validation_detail(item, media_type) for item in exc.errors()]
    message = "The request is invalid."
    if details:
        first = details[0]
        if first["location"] == "body" and first["field"] == "body":
            message = first["message"]
        elif first["location"] == "body":
            message = f"The field {first['field']} is invalid: {first['message']}"
        else:
            message = (
                f"The {first['location']} parameter {first['field']} is invalid: {first['message']}"
            )
    return error_response(ApiError(422, "validation_error", _sentence(message), details=details))


_LOCATIONS = ("body", "query", "path", "header", "cookie")


def _validation_detail(item: dict[str, Any], media_type: str) -> dict[str, Any]:
    loc = [str(part) for part in item.get("loc", ())]
    location, rest = (loc[0], loc[1:]) if loc and loc[0] in _LOCATIONS else ("body", loc)
    message = str(item.get("msg", "is invalid")).removeprefix("Value error, ")
    if item.get("type") == "json_invalid":
        return {"field": "body", "location": "body", "message": _json_syntax_message(item)}
    if item.get("type") == "missing" and location == "body" and not rest:
        return {"field": "body", "location": "body", "message": "The request needs a JSON body"}
    if item.get("type") == "string_unicode":  # Pydantic: "unable to parse raw data as a ..."
        message = (
            'must be text: a lone surrogate escape such as "\\ud800" (half of a UTF-16 pair) '
            "stands for no character; send the character itself"
        )
    body_itself = location == "body" and not rest
    if item.get("type") in _NOT_AN_OBJECT and body_itself:
        # A form, text or nothing declared where JSON is read, or JSON that is no object
        # (`"navy"`, `[]`, `null`): Pydantic's own words ("a valid dictionary or object to
        # extract fields from") would not say what to change.
        message = "The body must be JSON, sent with Content-Type: application/json"
        if "json" in media_type:
            message = (
                f"The body must be a JSON object such as {_OBJECT_EXAMPLE}, not "
                f"{_json_kind(item.get('input'))}"
            )
        return {"field": "body", "location": "body", "message": message}
    return {"field": ".".join(rest) or location, "location": location, "message": message}


def _json_syntax_message(item: dict[str, Any]) -> str:
    """Where and why json.loads stopped: a hand-written body's stray comma or single quote is
    found from "expecting property name enclosed in double quotes at character 19"."""
    reason = str((item.get("ctx") or {}).get("error") or "")
    loc = item.get("loc", ())
    position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    if not reason:
        return "The body is not valid JSON"
    where = f" at character {position}" if position is not None else ""
    return f"The body is not valid JSON: {reason[:1].lower()}{reason[1:]}{where}"


_OBJECT_EXAMPLE = '{"instruction": "make it navy"}'


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    # An HTTPException of ours may name its own code (json_body.DuplicateKey).
    code = getattr(exc, "code", None) or _HTTP_CODES.get(status, "http_error")
    headers = dict(exc.headers) if exc.headers else None
    if status == 404:
        message = _not_found_message(request)
    elif status == 405:
        message = "This method is not allowed on this URL."
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    elif status == 400 and exc.detail == _UNREADABLE_JSON:
        message = _unreadable_json_message(exc.__cause__)
    else:
        message = str(exc.detail) if exc.detail else code.replace("_", " ")
    return error_response(ApiError(status, code, _sentence(message), headers=headers))


# FastAPI's detail for a JSON body that json.loads refused with something other than a
# syntax error (those are 422 json_invalid): its words do not say what to change.
_UNREADABLE_JSON = "There was an error parsing the body"


def _unreadable_json_message(cause: BaseException | None) -> str:
    if isinstance(cause, UnicodeError):
        return "The body is not UTF-8 text; send the JSON encoded as UTF-8"
    return (
        "The body could not be read as JSON (a number of thousands of digits, or arrays or "
        'objects nested too deep); send plain JSON such as {"instruction": "make it navy"}'
    )


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _not_found_message(request: Request) -> str:
    """What to do about a 404: a path that only differs by a trailing slash names the right one.

    Trailing slashes are not redirected (the app's redirect_slashes is off): Starlette's
    redirect builds its Location from the Host header.
    """
    path = request.scope.get("path", "")
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]

    def exists(candidate: str) -> bool:
        return any(r.matches({**request.scope, "path": candidate})[0] != Match.NONE for r in routes)

    bare = path.rstrip("/") or "/"
    if len(path) > 1 and path != bare and exists(bare):
        return f"There is nothing at {path}: paths have no trailing slash; use {bare}."
    single = re.sub(r"/{2,}", "/", bare)  # `$BASE/api/v1/...` with BASE ending in a slash
    if single != bare and exists(single):
        return f"There is nothing at {path}: paths have single slashes; use {single}."
    # `curl .../projects` or `.../api/projects`: the route exists under the API's prefix.
    if not bare.startswith(f"{API_PREFIX}/"):
        candidates = (API_PREFIX + bare, API_PREFIX + bare.removeprefix("/api"), "/api" + bare)
        for candidate in candidates:
            if candidate != API_PREFIX + "/" and exists(candidate):
                return (
                    f"There is nothing at {path}: the API's paths start with {API_PREFIX}; "
                    f"use {candidate}."
                )
    return "There is no such resource; check the URL."


API_PREFIX = "/api/v1"


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on this URL (routers nest, so ask each route)."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    if "GET" in allowed and "HEAD" not in allowed:  # head.HeadAsGet answers it
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return allowed


async def _on_client_gone(request: Request, exc: Exception) -> JSONResponse:
    """The client closed the connection while its body was read (a cancelled upload, a
    broken chunked body): no one reads the answer, and it is the client's doing, so it is
    no 500 and no ERROR with a traceback (which alerts count)."""
    log.info("the client left before sending the whole body of %s", request.url.path)
    message = "The request body ended before it was complete; send the request again."
    return error_response(ApiError(400, "incomplete_body", message))


_LOGGED = "_logokraft_logged"  # set on an exception `_on_unexpected` logged


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    with contextlib.suppress(AttributeError):  # an exception type with __slots__
        setattr(exc, _LOGGED, True)
    return error_response(ApiError(500, "internal_error", _SERVER_SIDE_MESSAGES[500]))


def _not_logged_already(record: logging.LogRecord) -> bool:
    """False for uvicorn's "Exception in ASGI application" about an error logged above.

    Starlette re-raises an error after its 500 handler answered it, so uvicorn logged the
    same traceback a second time, without the request's ids: two ERROR lines per 500.
    """
    error = record.exc_info[1] if record.exc_info else None
    return not getattr(error, _LOGGED, False)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of the app answer in the one JSON shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(grpc.RpcError, _on_rpc_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(ClientDisconnect, _on_client_gone)
    app.add_exception_handler(Exception, _on_unexpected)
    logging.getLogger("uvicorn.error").addFilter(_not_logged_already)  # once per process
