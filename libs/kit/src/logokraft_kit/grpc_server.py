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
On shutdown health turns NOT_SERVING before the server stops.
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

from logokraft_kit.errors import InvalidArgument, LogoKraftError, Unauthenticated
from logokraft_kit.identity import USER_ID_METADATA_KEY
from logokraft_kit.logs import REQUEST_ID_METADATA_KEY, request_id_or_new
from logokraft_kit.metrics import GRPC_SERVER_DURATION
from logokraft_kit.telemetry import Stopwatch, annotate, grpc_server_interceptors
from logokraft_kit.tokens import Caller, bearer_token

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


async def _abort(context: grpc.aio.ServicerContext, error: LogoKraftError) -> None:
    """End the call with the error's status; its reason and retry-after go in the trailers."""
    await context.abort(
        error.status_code, error.message, trailing_metadata=error.trailing_metadata()
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
        elif isinstance(error, asyncio.CancelledError):
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
        except BaseException as error:
            measured.failed(error, context)
            raise
        finally:
            measured.done()

    return wrapped


def _wrap_stream(
    method: str, behavior: Callable[..., AsyncIterator[Any]], authenticate: Authenticate | None
) -> Callable[..., AsyncIterator[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        _bind_request_id(context)
        measured = _Measured(method, request)
        try:
            if authenticate is not None:
                _caller.set(await _verified_caller(context, authenticate))
            _check_decoded(request)
            async for response in behavior(request, context):
                yield response
        except LogoKraftError as error:
            measured.failed(error, context)
            await _abort(context, error)
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
                _wrap_stream(method, handler.unary_stream, authenticate),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        raise RuntimeError(f"{handler_call_details.method}: only unary and server streams")


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
    ) -> None:
        # Tracing first, so the caller check and the servicer run inside the call's span.
        self.server = grpc.aio.server(
            interceptors=[*grpc_server_interceptors(), CallerInterceptor(authenticate)]
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
        """Report NOT_SERVING, then stop accepting calls and let running ones finish."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.stop(grace)


async def wait_for_shutdown_signal() -> None:
    """Return on SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutdown signal received")
