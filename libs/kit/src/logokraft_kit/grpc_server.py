"""gRPC server bootstrap shared by the services: caller checks, health, reflection, errors, stop.

One `GrpcServer` per process. It registers the servicers, the standard `grpc.health.v1`
service and server reflection (so `grpcurl` and other tools can list and call the RPCs),
and puts one interceptor in front of every logokraft RPC that:

- authenticates the caller from the `authorization` metadata (`Bearer <token>`: a user's
  access token, or a service token naming the user; see tokens.py). A call without a
  credential, or with a bad one, ends UNAUTHENTICATED before the servicer runs; a bare
  user-id header is not a credential. The verified caller is what `caller_id` returns;
- binds the caller's `x-request-id` metadata (the gateway's request id; a new one when it
  is missing or not sane) to the call's log lines as `request_id`;
- maps domain errors to status codes (with `retry-after` and `logokraft-reason` trailing
  metadata when the error carries them).

Health and reflection answer without credentials, as orchestrators and tools expect.
With a certificate and key configured the port is TLS, and with a CA it requires client
certificates (mTLS); otherwise it is plaintext, for loopback and private networks.
On shutdown health turns NOT_SERVING before the server stops, and streams that have sent
their first message (watches, which never end by themselves) end at once UNAVAILABLE with
the reason `service_stopping`, so their callers resume on a running replica.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from logokraft_kit.errors import InvalidArgument, LogoKraftError, Unauthenticated, Unavailable
from logokraft_kit.identity import USER_ID_METADATA_KEY
from logokraft_kit.logs import REQUEST_ID_METADATA_KEY, request_id_or_new
from logokraft_kit.metrics import GRPC_SERVER_DURATION
from logokraft_kit.telemetry import Stopwatch, annotate, grpc_server_interceptors
from logokraft_kit.tokens import Caller, bearer_token
from logokraft_kit.worker import is_transient

log = logging.getLogger(__name__)

Register = Callable[[grpc.aio.Server], None]
Authenticate = Callable[[str], Awaitable[Caller]]

# RPCs of this package need a caller; health and reflection do not.
GUARDED_PREFIX = "/logokraft."
# The codes that mean the service failed, not its caller (OpenTelemetry's gRPC conventions).
_SERVER_ERRORS = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)
AUTHORIZATION = "authorization"

_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("caller", default=None)


def caller_id(context: grpc.aio.ServicerContext) -> uuid.UUID:
    """The verified user the current call is made for (set by the server's interceptor)."""
    caller = _caller.get()
    if caller is None:  # only a servicer run without the interceptor gets here
        raise Unauthenticated("the call carries no verified caller")
    return caller.user_id


def current_caller() -> Caller | None:
    """The verified caller of the current call, with the calling service when there is one."""
    return _caller.get()


async def _verified_caller(context: grpc.aio.ServicerContext, authenticate: Authenticate) -> Caller:
    entries = tuple(context.invocation_metadata() or ())
    metadata = dict(entries)
    credentials = [value for key, value in entries if key == AUTHORIZATION]
    if len(credentials) > 1:
        # Which one would be the caller? Taking any of them would let whatever added the
        # other (a proxy, a library's default) decide whose data the call reaches.
        raise Unauthenticated(
            f"This call carries {len(credentials)} `authorization` entries; send exactly one "
            "`authorization: Bearer <token>`."
        )
    value = str(metadata.get(AUTHORIZATION, ""))
    if not value.strip():
        hint = (
            " (a bare user-id header is not a credential)"
            if USER_ID_METADATA_KEY in metadata
            else ""
        )
        raise Unauthenticated(
            "This call carries no credentials: send `authorization: Bearer <token>` metadata "
            f"with a user's access token or a service token{hint}."
        )
    return await authenticate(bearer_token(value, field=AUTHORIZATION))


@dataclass(frozen=True)
class _Undecodable:
    """A request whose bytes are not a message of the RPC's type (a string field that is not
    UTF-8, a corrupt wire format): refused INVALID_ARGUMENT once the caller is known, where
    gRPC would end the call UNKNOWN with Python's exception in its details."""

    reason: str


def _tolerant(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserialize is None:
        return None

    def read(data: bytes) -> Any:
        try:
            return deserialize(data)
        except DecodeError as error:
            return _Undecodable(str(error))

    return read


def _check_decoded(request: Any) -> None:
    if isinstance(request, _Undecodable):
        raise InvalidArgument(f"The request could not be read: {request.reason}.")


# The status message travels percent-encoded in a trailer, and gRPC clients refuse trailers
# past 8-16 KiB: a message quoting a caller's long input would reach them as RESOURCE_EXHAUSTED
# "received metadata size exceeds ... limit" instead of its own code. Cut to this many bytes
# of UTF-8 (at most three times as many once encoded), a message still says what is wrong.
MAX_STATUS_MESSAGE_BYTES = 2048


def _status_message(message: str) -> str:
    encoded = message.encode()
    if len(encoded) <= MAX_STATUS_MESSAGE_BYTES:
        return message
    cut = encoded[: MAX_STATUS_MESSAGE_BYTES - 3].decode(errors="ignore")
    return f"{cut}..."


async def _abort(context: grpc.aio.ServicerContext, error: LogoKraftError) -> None:
    """End the call with the error's status; its reason and retry-after go in the trailers."""
    await context.abort(
        error.status_code,
        _status_message(error.message),
        trailing_metadata=error.trailing_metadata(),
    )


def _outage(error: BaseException) -> Unavailable | None:
    """The UNAVAILABLE a call ends with when Postgres or NATS failed it for a moment, where
    gRPC would end it UNKNOWN (the gateway's 500, with nothing saying a retry can work)."""
    if isinstance(error, LogoKraftError) or not is_transient(error):
        return None
    log.warning("a call failed on an outage: %s: %s", type(error).__name__, error)
    return Unavailable(
        "The service cannot reach its database or job queue just now; try again shortly.",
        reason="dependency_unavailable",
        retry_after=1,
    )


def _bind_request_id(context: grpc.aio.ServicerContext) -> None:
    """Every line the call logs, and its span, carry the request id it was sent with (or a
    new one)."""
    sent = [v for k, v in context.invocation_metadata() or () if k == REQUEST_ID_METADATA_KEY]
    one = sent[0] if len(sent) == 1 and isinstance(sent[0], str) else None
    annotate(request_id=request_id_or_new(one))


class _Measured:
    """Times one call and records it by method and final status code."""

    def __init__(self, method: str, request: Any) -> None:
        service, _, name = method.lstrip("/").partition("/")
        self._labels = (service, name)
        self._stopwatch = Stopwatch()
        self.code = grpc.StatusCode.OK
        annotate(project_id=getattr(request, "project_id", None))

    def failed(self, error: BaseException, context: grpc.aio.ServicerContext) -> None:
        if isinstance(error, LogoKraftError):
            self.code = error.status_code
        elif isinstance(error, (asyncio.CancelledError, GeneratorExit)):
            # GeneratorExit: the caller went while gRPC was writing a stream's message, so
            # gRPC dropped the stream where it stood (at its `yield`) and it was closed later.
            self.code = grpc.StatusCode.CANCELLED
            _end_span_as(self.code)
        elif isinstance(error, grpc.aio.AbortError):
            self.code = context.code() or grpc.StatusCode.UNKNOWN
        else:
            self.code = grpc.StatusCode.UNKNOWN
            _end_span_as(self.code)

    def done(self) -> None:
        GRPC_SERVER_DURATION.labels(*self._labels, self.code.name).observe(self._stopwatch.seconds)


def _end_span_as(code: grpc.StatusCode) -> None:
    """Put the call's final code on its server span, and mark it an error when the service
    failed (OpenTelemetry's server-side error codes): the instrumentation learns of aborts
    only, so a call that crashed or was cancelled ended its span as OK. (An abort's span
    has its code and status from the instrumentation.)"""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.set_attribute("rpc.grpc.status_code", code.value[0])
    if code in _SERVER_ERRORS:
        span.set_status(Status(StatusCode.ERROR, code.name))


def _wrap_unary(
    method: str, behavior: Callable[..., Awaitable[Any]], authenticate: Authenticate | None
) -> Callable[..., Awaitable[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        _bind_request_id(context)
        measured = _Measured(method, request)
        try:
            if authenticate is not None:
                _caller.set(await _verified_caller(context, authenticate))
            _check_decoded(request)
            return await behavior(request, context)
        except LogoKraftError as error:
            measured.failed(error, context)
            await _abort(context, error)
        except Exception as error:
            await _failed_by(error, measured, context)
        except BaseException as error:
            measured.failed(error, context)
            raise
        finally:
            measured.done()

    return wrapped


async def _failed_by(
    error: Exception, measured: _Measured, context: grpc.aio.ServicerContext
) -> None:
    """End a call that raised: UNAVAILABLE when Postgres or NATS is away (trying again will
    work); anything else is a bug, raised again for gRPC to end the call UNKNOWN."""
    outage = _outage(error)
    measured.failed(outage or error, context)
    if outage is None:
        raise error
    await _abort(context, outage)


def _stopping() -> Unavailable:
    """How a stopping server ends a stream that would not end by itself (a new error each
    time: an exception raised keeps its traceback, and with it the call's frames)."""
    return Unavailable(
        "This service is stopping; call again to reach a running one (resume a watch from the "
        "last sequence you saw).",
        reason="service_stopping",
        retry_after=1,
    )


class _Following:
    """The streams that have sent their first message: a watch, a refinement being followed.
    They never end by themselves, so a stopping server ends them at once (`_stopping`) rather
    than after its grace period (UNAVAILABLE "Cancelling all calls"); a stream still making
    its first answer finishes it within the grace, as a unary call does.

    `waiting` holds the calls waiting for their next message: a stop cancels those (the
    cancel reaches the servicer's wait, which ends as any cancel does). A call busy in gRPC's
    own write is not cancelled (gRPC would drop it without a status until the grace ended);
    it ends before its next message."""

    def __init__(self) -> None:
        self.waiting: set[asyncio.Task[Any]] = set()
        self.stopping = False

    def end_all(self) -> None:
        self.stopping = True
        for task in self.waiting:
            task.cancel()


def _wrap_stream(
    method: str,
    behavior: Callable[..., AsyncIterator[Any]],
    authenticate: Authenticate | None,
    following: _Following,
) -> Callable[..., AsyncIterator[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        _bind_request_id(context)
        measured = _Measured(method, request)
        task = asyncio.current_task()
        sent = False
        try:
            if authenticate is not None:
                _caller.set(await _verified_caller(context, authenticate))
            _check_decoded(request)
            responses = behavior(request, context).__aiter__()
            while True:
                if sent and task is not None:
                    following.waiting.add(task)
                try:
                    response = await responses.__anext__()
                except StopAsyncIteration:
                    break
                finally:
                    following.waiting.discard(task)  # type: ignore[arg-type]
                yield response
                sent = True
                if following.stopping:
                    raise _stopping()
        except LogoKraftError as error:
            measured.failed(error, context)
            await _abort(context, error)
        except asyncio.CancelledError as error:
            measured.failed(error, context)
            if not (sent and following.stopping):
                raise
            stopping = _stopping()
            measured.failed(stopping, context)
            await _abort(context, stopping)
        except Exception as error:
            await _failed_by(error, measured, context)
        except BaseException as error:
            measured.failed(error, context)
            raise
        finally:
            measured.done()

    return wrapped


class CallerInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates every logokraft RPC's caller, maps domain errors to gRPC statuses and
    times each call (`logokraft_grpc_server_handling_seconds`)."""

    def __init__(self, authenticate: Authenticate | None) -> None:
        self._authenticate = authenticate
        self.following = _Following()

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        if handler is None or not handler_call_details.method.startswith(GUARDED_PREFIX):
            return handler
        authenticate, method = self._authenticate, handler_call_details.method
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(method, handler.unary_unary, authenticate),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(method, handler.unary_stream, authenticate, self.following),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        raise RuntimeError(f"{handler_call_details.method}: only unary and server streams")


# A WatchProject may be quiet for minutes, so callers keep its connection alive with HTTP/2
# pings (`grpc.keepalive_time_ms`) to learn of a dead peer. gRPC's server default takes a
# ping without data at most every 5 minutes and answers a third early one with GOAWAY
# "too_many_pings": the caller's watch ended UNAVAILABLE "Too many pings" after ~15 s. Take
# pings every 5 s or more (4 s, for timers' jitter), with or without calls in flight.
MIN_CLIENT_PING_INTERVAL_MS = 4_000
# (With or without calls: `keepalive_pings` below sets grpc.keepalive_permit_without_calls,
# which on a server governs the pings it takes as well as those it sends.)
KEEPALIVE_POLICY = (
    # GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS
    ("grpc.http2.min_ping_interval_without_data_ms", MIN_CLIENT_PING_INTERVAL_MS),
)

# A connection can also die without a word (a host gone, a network cut, a NAT that forgot
# it): no FIN or RST comes, and a stream on it, quiet between messages, waits for good. Both
# ends ping (`keepalive_pings`): the gateway, so a project stream on a dead connection ends
# and its browser reconnects with Last-Event-ID instead of being sent keepalive comments
# forever; a service, so it lets go of a vanished caller's watches (and their NATS
# subscriptions) instead of keeping them until TCP gives up, hours later. A ping unanswered
# for half the interval (10 s at most) closes the connection and fails its calls UNAVAILABLE.
KEEPALIVE_TIMEOUT_MAX_S = 10.0
DEFAULT_KEEPALIVE_S = 20.0


def keepalive_pings(every_s: float) -> tuple[tuple[str, int], ...]:
    """Channel (or server) options that ping the other end every `every_s` seconds, while
    streams are quiet and between calls, and close the connection when one goes unanswered."""
    timeout_ms = int(min(KEEPALIVE_TIMEOUT_MAX_S, every_s / 2) * 1000)
    return (
        ("grpc.keepalive_time_ms", int(every_s * 1000)),
        ("grpc.keepalive_timeout_ms", timeout_ms),
        # What gRPC (1.85) holds any ping's answer to, a keepalive's too: a minute by default,
        # whatever keepalive_timeout_ms says (measured against a silent peer).
        ("grpc.http2.ping_timeout_ms", timeout_ms),
        ("grpc.http2.max_pings_without_data", 0),  # on while a stream is quiet
        ("grpc.keepalive_permit_without_calls", 1),  # and between calls
    )


@dataclass(frozen=True)
class TlsFiles:
    """A server certificate and key (PEM), and optionally the CA that client certificates need."""

    certificate: bytes
    private_key: bytes
    client_ca: bytes | None = None

    def server_credentials(self) -> grpc.ServerCredentials:
        """TLS; mutual TLS (client certificates required) when a client CA is given."""
        return grpc.ssl_server_credentials(
            [(self.private_key, self.certificate)],
            root_certificates=self.client_ca,
            require_client_auth=self.client_ca is not None,
        )


class GrpcServer:
    """A grpc.aio server with caller checks, health, reflection and domain-error mapping.

    `authenticate` is None only in tests of servicers on their own.
    """

    def __init__(
        self,
        *,
        service_names: list[str],
        register: Register,
        authenticate: Authenticate | None,
        tls: TlsFiles | None = None,
        keepalive_s: float = DEFAULT_KEEPALIVE_S,
    ) -> None:
        # Tracing first, so the caller check and the servicer run inside the call's span.
        self._callers = CallerInterceptor(authenticate)
        self.server = grpc.aio.server(
            interceptors=[*grpc_server_interceptors(), self._callers],
            options=(*keepalive_pings(keepalive_s), *KEEPALIVE_POLICY),
        )
        self.health = health_aio.HealthServicer()
        self._service_names = service_names
        self._tls = tls
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        register(self.server)
        reflection.enable_server_reflection(
            [
                *service_names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ],
            self.server,
        )

    async def start(self, address: str) -> int:
        """Bind, start and report SERVING; return the bound port (useful with port 0)."""
        if self._tls is None:
            port = self.server.add_insecure_port(address)
        else:
            port = self.server.add_secure_port(address, self._tls.server_credentials())
        if port == 0:
            raise RuntimeError(f"could not bind gRPC server to {address}")
        await self.server.start()
        await self._set_all(health_pb2.HealthCheckResponse.SERVING)
        return port

    async def _set_all(self, status: int) -> None:
        for name in ["", *self._service_names]:
            await self.health.set(name, status)

    async def stop(self, *, grace: float) -> None:
        """Report NOT_SERVING, end the streams that would never finish (UNAVAILABLE, reason
        `service_stopping`), then stop accepting calls and let running ones finish."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        self._callers.following.end_all()
        await self.server.stop(grace)


async def wait_for_shutdown_signal() -> None:
    """Return on SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutdown signal received")
