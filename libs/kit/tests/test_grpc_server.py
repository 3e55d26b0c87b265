"""The shared gRPC server in-process: caller checks, health, reflection, errors and TLS.

A tiny `logokraft.test.Echo` service (raw-bytes generic handlers) stands in for a servicer:
`Who` answers with the caller it was given, `Watch` streams it, `Fail` raises domain errors.
Callers are verified by the real `CallerVerifier`, as every service does.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import jwt
import nats.errors
import psycopg
import psycopg_pool
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from prometheus_client import REGISTRY

from logokraft_dev.silent_proxy import SilentableProxy
from logokraft_kit.errors import (
    REASON_METADATA_KEY,
    RETRY_AFTER_METADATA_KEY,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    Unavailable,
)
from logokraft_kit.grpc_server import (
    DEFAULT_KEEPALIVE_S,
    Authenticate,
    GrpcServer,
    TlsFiles,
    caller_id,
    current_caller,
)
from logokraft_kit.identity import USER_ID_METADATA_KEY
from logokraft_kit.logs import current_log_context
from logokraft_kit.settings import GrpcTlsSettings
from logokraft_kit.tokens import Caller, CallerVerifier, ServiceTokens, UserTokens

SERVICE = "logokraft.test.Echo"
WHO = f"/{SERVICE}/Who"
WATCH = f"/{SERVICE}/Watch"
FAIL = f"/{SERVICE}/Fail"
REQUEST_ID = f"/{SERVICE}/RequestId"
PARSE = f"/{SERVICE}/Parse"  # takes a message with a string field (HealthCheckRequest)
REFUSE = f"/{SERVICE}/Refuse"  # refuses its request, quoting it
HOLD = f"/{SERVICE}/Hold"  # one message, then quiet until the call ends, as a watch can be
SLOW = f"/{SERVICE}/Slow"  # its first message once `gate` is set, then quiet
OUTAGE = f"/{SERVICE}/Outage"  # Postgres or NATS away: the request names which
OUTAGE_STREAM = f"/{SERVICE}/OutageStream"  # the same after one message
FLOOD = f"/{SERVICE}/Flood"  # one message, then large ones without waiting for anything

USER_SECRET = "user-token-secret-for-the-kit-grpc-tests-0123456789"
SERVICE_SECRET = "service-token-secret-for-the-kit-grpc-tests-01234567"
ISSUER = "logokraft-local"
AUDIENCE = "authenticated"
ALICE = uuid.UUID("7d4f0b6e-2f0a-4a39-8f7e-3c1a9b2d5e01")
BOB = uuid.UUID("0b9c6f52-91d3-4f5e-a7c2-6e8d4b1f3a02")
DEADLINE = 10.0

VERIFIER = CallerVerifier(
    users=UserTokens(hs256_secret=USER_SECRET, issuer=ISSUER, audience=AUDIENCE),
    services=ServiceTokens(SERVICE_SECRET, service="prompt"),
)


def user_token(user: uuid.UUID, *, secret: str = USER_SECRET, ttl: int = 3600) -> str:
    now = int(time.time())
    claims = {"sub": str(user), "aud": AUDIENCE, "iss": ISSUER, "iat": now, "exp": now + ttl}
    if ttl < 0:
        claims["iat"] = now + 2 * ttl
    return jwt.encode(claims, secret, algorithm="HS256")


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


@dataclass
class Echo:
    """The servicer: records every call it runs."""

    ran: list[str] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    let_go: asyncio.Event = field(default_factory=asyncio.Event)  # a Hold ended

    async def who(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.ran.append("Who")
        caller = current_caller()
        assert caller is not None
        return f"{caller_id(context)} {caller.service or '-'}".encode()

    async def watch(
        self, request: bytes, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[bytes]:
        self.ran.append("Watch")
        yield str(caller_id(context)).encode()
        if request == b"missing":
            raise NotFound("project 42 not found", reason="no_such_project")
        yield str(caller_id(context)).encode()

    async def fail(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.ran.append("Fail")
        raise ResourceExhausted(
            "You have made 200 images today.", reason="daily_image_limit", retry_after=2.5
        )

    async def hold(self, request: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
        self.ran.append("Hold")
        try:
            yield b"held"
            await asyncio.Event().wait()
        finally:
            self.let_go.set()

    async def slow(self, request: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
        self.ran.append("Slow")
        self.started.set()
        await self.gate.wait()
        yield b"first"
        await asyncio.Event().wait()

    async def outage(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.ran.append("Outage")
        raise OUTAGES[request.decode()]

    async def outage_stream(
        self, request: bytes, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[bytes]:
        self.ran.append("OutageStream")
        yield b"first"
        raise OUTAGES[request.decode()]

    async def flood(
        self, request: bytes, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[bytes]:
        self.ran.append("Flood")
        yield b"first"
        while True:  # only ever stops at a `yield`, where gRPC is writing the last message
            yield bytes(256 * 1024)

    async def refuse(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.ran.append("Refuse")
        raise InvalidArgument(f"not a colour: {request.decode()}", reason="bad_colour")

    async def parse(
        self, request: health_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> bytes:
        self.ran.append("Parse")
        return request.service.encode()

    async def request_id(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return current_log_context()["request_id"].encode()

    def register(self, server: grpc.aio.Server) -> None:
        handlers = {
            "RequestId": grpc.unary_unary_rpc_method_handler(self.request_id),
            "Parse": grpc.unary_unary_rpc_method_handler(
                self.parse, request_deserializer=health_pb2.HealthCheckRequest.FromString
            ),
            "Who": grpc.unary_unary_rpc_method_handler(self.who),
            "Watch": grpc.unary_stream_rpc_method_handler(self.watch),
            "Fail": grpc.unary_unary_rpc_method_handler(self.fail),
            "Refuse": grpc.unary_unary_rpc_method_handler(self.refuse),
            "Hold": grpc.unary_stream_rpc_method_handler(self.hold),
            "Slow": grpc.unary_stream_rpc_method_handler(self.slow),
            "Outage": grpc.unary_unary_rpc_method_handler(self.outage),
            "OutageStream": grpc.unary_stream_rpc_method_handler(self.outage_stream),
            "Flood": grpc.unary_stream_rpc_method_handler(self.flood),
        }
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))


@asynccontextmanager
async def echo_server(
    *,
    tls: TlsFiles | None = None,
    authenticate: Authenticate = VERIFIER.caller,
    keepalive_s: float = DEFAULT_KEEPALIVE_S,
) -> AsyncIterator[tuple[Echo, int]]:
    echo = Echo()
    server = GrpcServer(
        service_names=[SERVICE],
        register=echo.register,
        authenticate=authenticate,
        tls=tls,
        keepalive_s=keepalive_s,
    )
    port = await server.start("127.0.0.1:0")
    try:
        yield echo, port
    finally:
        await server.stop(grace=0)


async def who(channel: grpc.aio.Channel, metadata: tuple = (), request: bytes = b"") -> str:
    answer = await channel.unary_unary(WHO)(request, metadata=metadata, timeout=DEADLINE)
    return answer.decode()


async def watch(channel: grpc.aio.Channel, metadata: tuple = (), request: bytes = b"") -> list:
    call = channel.unary_stream(WATCH)(request, metadata=metadata, timeout=DEADLINE)
    return [message.decode() async for message in call]


async def status_of(call: Callable[[], object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call()  # type: ignore[misc]
    return raised.value


# ---- callers ----------------------------------------------------------------------------------

REFUSED = {
    "no credentials": ((), "carries no credentials"),
    "only a user-id header": (
        ((USER_ID_METADATA_KEY, str(ALICE)),),
        "a bare user-id header is not a credential",
    ),
    "not a bearer scheme": (
        (("authorization", f"Basic {ALICE}"),),
        "uses the Basic scheme; this API takes bearer tokens only: send `authorization: Bearer",
    ),
    "a Token scheme": (
        (("authorization", f"Token {user_token(ALICE)}"),),
        "uses the Token scheme; this API takes bearer tokens only",
    ),
    "a token without its scheme": (
        (("authorization", user_token(ALICE)),),
        "carries a token without its scheme; put `Bearer ` before it",
    ),
    "an empty bearer": ((("authorization", "Bearer "),), "says Bearer but carries no token"),
    "a bearer without a token": (
        (("authorization", "Bearer"),),
        "says Bearer but carries no token; send `authorization: Bearer <access token>`",
    ),
    "a malformed token": (bearer("not-a-jwt"), "malformed"),
    "two users' tokens": (
        (*bearer(user_token(ALICE)), *bearer(user_token(BOB))),
        "carries 2 `authorization` entries; send exactly one",
    ),
    "one token twice": ((*bearer(user_token(ALICE)),) * 2, "send exactly one"),
    "an expired token": (bearer(user_token(ALICE, ttl=-3600)), "expired"),
    "another secret": (bearer(user_token(ALICE, secret="x" * 40)), "invalid"),
    "a service token of another deployment": (
        bearer(ServiceTokens("y" * 40, service="gateway").mint(ALICE)),
        "invalid",
    ),
}


@pytest.mark.parametrize("method", [WHO, WATCH])
@pytest.mark.parametrize(("metadata", "message"), REFUSED.values(), ids=REFUSED.keys())
async def test_the_servicer_never_runs_without_a_valid_credential(method, metadata, message):
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        call = who if method == WHO else watch
        error = await status_of(lambda: call(ch, metadata))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error
        assert message in error.details(), error.details()
        assert echo.ran == []


@pytest.mark.parametrize(
    "raw", [b"\x0a\x02\xff\xfe", b"\x0a\x10abc"], ids=["string not UTF-8", "truncated"]
)
async def test_a_request_that_is_not_its_message_is_invalid_argument(raw) -> None:
    """gRPC ended it UNKNOWN with "Unexpected <class 'DecodeError'>" in its details, even for
    a caller with no credentials."""
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        parse = ch.unary_unary(PARSE)
        assert await parse(b"\x0a\x02ok", metadata=bearer(user_token(ALICE))) == b"ok"
        error = await status_of(lambda: parse(raw, metadata=bearer(user_token(ALICE))))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        assert error.details().startswith("The request could not be read: Error parsing message")
        anonymous = await status_of(lambda: parse(raw))
        assert anonymous.code() == grpc.StatusCode.UNAUTHENTICATED
        assert echo.ran == ["Parse"]


async def test_caller_id_is_the_verified_caller_not_a_claimed_one() -> None:
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        assert await who(ch, bearer(user_token(ALICE))) == f"{ALICE} -"
        # RFC 7235 §2.1: the scheme is case-insensitive, and spaces around the token are not
        # part of it.
        lower_case = (("authorization", f"bearer  {user_token(ALICE)} "),)
        assert await who(ch, lower_case) == f"{ALICE} -"
        claiming_bob = (*bearer(user_token(ALICE)), (USER_ID_METADATA_KEY, str(BOB)))
        assert await who(ch, claiming_bob) == f"{ALICE} -"
        for_bob = ServiceTokens(SERVICE_SECRET, service="gateway").mint(BOB)
        assert await who(ch, bearer(for_bob)) == f"{BOB} gateway"
        assert await watch(ch, bearer(user_token(BOB))) == [str(BOB), str(BOB)]
        assert echo.ran == ["Who", "Who", "Who", "Who", "Watch"]


async def test_a_call_logs_with_the_request_id_it_was_sent() -> None:
    """The gateway's request id reaches the service's log lines; a call without one (or with
    one that could break a log line) gets its own."""
    async with echo_server() as (_, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        ask = ch.unary_unary(REQUEST_ID)
        sent = (*bearer(user_token(ALICE)), ("x-request-id", "req-7f3a"))
        assert await ask(b"", metadata=sent, timeout=DEADLINE) == b"req-7f3a"
        for metadata in (
            bearer(user_token(ALICE)),
            (*bearer(user_token(ALICE)), ("x-request-id", "two words")),
            (*bearer(user_token(ALICE)), ("x-request-id", "a"), ("x-request-id", "b")),
        ):
            made = (await ask(b"", metadata=metadata, timeout=DEADLINE)).decode()
            assert len(made) == 32 and int(made, 16) >= 0, made


async def test_a_verifier_that_cannot_fetch_its_keys_answers_unavailable() -> None:
    async def keys_unreachable(token: str) -> Caller:
        raise Unavailable("We could not fetch the token keys.", reason="auth_keys_unavailable")

    async with (
        echo_server(authenticate=keys_unreachable) as (echo, port),
        grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch,
    ):
        error = await status_of(lambda: who(ch, bearer(user_token(ALICE))))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert (REASON_METADATA_KEY, "auth_keys_unavailable") in tuple(error.trailing_metadata())
        assert echo.ran == []


async def test_health_and_reflection_answer_without_credentials() -> None:
    async with echo_server() as (_, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        health = health_pb2_grpc.HealthStub(ch)
        for name in ("", SERVICE):
            answer = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING, name
        reflection = reflection_pb2_grpc.ServerReflectionStub(ch)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        [answer] = [a async for a in reflection.ServerReflectionInfo(iter([request]), timeout=5)]
        names = {service.name for service in answer.list_services_response.service}
        assert {SERVICE, "grpc.health.v1.Health"} <= names


async def test_a_domain_error_ends_the_call_with_its_status_and_reason() -> None:
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        call = ch.unary_unary(FAIL)
        error = await status_of(lambda: call(b"", metadata=bearer(user_token(ALICE)), timeout=5))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert error.details() == "You have made 200 images today."
        trailers = tuple(error.trailing_metadata())
        assert (REASON_METADATA_KEY, "daily_image_limit") in trailers
        assert (RETRY_AFTER_METADATA_KEY, "3") in trailers

        stream = ch.unary_stream(WATCH)(
            b"missing", metadata=bearer(user_token(ALICE)), timeout=DEADLINE
        )
        assert (await stream.read()).decode() == str(ALICE)
        stream_error = await status_of(stream.read)
        assert stream_error.code() == grpc.StatusCode.NOT_FOUND
        assert stream_error.details() == "project 42 not found"
        assert (REASON_METADATA_KEY, "no_such_project") in tuple(stream_error.trailing_metadata())
        assert echo.ran == ["Fail", "Watch"]


@pytest.mark.parametrize("quoted", ["x" * 100_000, "é" * 3_000, "🎨" * 20_000])
async def test_an_error_quoting_a_long_input_keeps_its_status(quoted: str) -> None:
    """The whole message went into the status trailer: past 16 KiB the client refused it and
    the caller got RESOURCE_EXHAUSTED "received metadata size exceeds hard limit" instead of
    INVALID_ARGUMENT (between 8 and 16 KiB, either, at random)."""
    metadata = bearer(user_token(ALICE))
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        call = ch.unary_unary(REFUSE)
        for _ in range(5):  # gRPC refuses trailers between its soft and hard limits at random
            error = await status_of(lambda: call(quoted.encode(), metadata=metadata, timeout=5))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
            assert error.details().startswith(f"not a colour: {quoted[:100]}")
            assert error.details().endswith("...")
            assert len(error.details().encode()) <= 2048
            assert (REASON_METADATA_KEY, "bad_colour") in tuple(error.trailing_metadata())
        assert echo.ran == ["Refuse"] * 5


async def test_a_quiet_stream_outlives_a_callers_keepalive_pings() -> None:
    """A caller pinging every 5 s to learn of a dead connection (gRPC's keepalive) had its
    quiet stream ended UNAVAILABLE "Too many pings" after ~15 s: the server's default takes
    a ping without data every 5 minutes at most."""
    pinging = [
        ("grpc.keepalive_time_ms", 5_000),
        ("grpc.keepalive_timeout_ms", 5_000),
        ("grpc.http2.max_pings_without_data", 0),  # keep pinging on a quiet stream
    ]
    async with (
        echo_server() as (echo, port),
        grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=pinging) as ch,
    ):
        call = ch.unary_stream(HOLD)(b"", metadata=bearer(user_token(ALICE)))
        assert await call.read() == b"held"
        # Three pings: the old policy answered the third with GOAWAY (at ~15 s).
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.shield(call.read()), timeout=18)
        assert not call.done()
        call.cancel()
        assert echo.ran == ["Hold"]


async def test_a_stream_whose_caller_went_silent_is_let_go() -> None:
    """A caller that vanishes without a word (its host gone, a network cut) never cancels its
    quiet watch: without pings of its own the server kept it, and what it holds, until TCP
    gave up, hours later. The server pings every `keepalive_s`; one unanswered ends the call."""
    async with (
        echo_server(keepalive_s=5) as (echo, port),  # the shortest the settings allow
        SilentableProxy(f"127.0.0.1:{port}") as proxy,
        grpc.aio.insecure_channel(proxy.address) as ch,  # a caller that never pings
    ):
        call = ch.unary_stream(HOLD)(b"", metadata=bearer(user_token(ALICE)))
        assert await call.read() == b"held"
        proxy.go_silent()
        # A ping after 5 s, unanswered for 2.5 s; the bound only keeps a failure from hanging.
        await asyncio.wait_for(echo.let_go.wait(), timeout=60)
        call.cancel()


async def test_a_stopping_server_ends_its_endless_streams_at_once() -> None:
    """A watch never ends by itself: the server's stop waited its whole grace period for it,
    then ended it UNAVAILABLE "Cancelling all calls". A stream still making its first answer
    (a refinement queueing its variations) is not cut: it sends it, then ends the same way."""
    echo = Echo()
    server = GrpcServer(
        service_names=[SERVICE], register=echo.register, authenticate=VERIFIER.caller
    )
    port = await server.start("127.0.0.1:0")
    metadata = bearer(user_token(ALICE))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        watching = ch.unary_stream(HOLD)(b"", metadata=metadata)
        assert await watching.read() == b"held"
        answering = ch.unary_stream(SLOW)(b"", metadata=metadata)
        await echo.started.wait()
        stopping = asyncio.create_task(server.stop(grace=60))
        for call in (watching, answering):
            if call is answering:
                echo.gate.set()
                assert await call.read() == b"first"
            error = await status_of(lambda c=call: asyncio.wait_for(c.read(), timeout=DEADLINE))
            assert error.code() == grpc.StatusCode.UNAVAILABLE, error
            assert error.details().startswith("This service is stopping; call again")
            trailers = tuple(error.trailing_metadata())
            assert (REASON_METADATA_KEY, "service_stopping") in trailers
            assert (RETRY_AFTER_METADATA_KEY, "1") in trailers
        await asyncio.wait_for(stopping, timeout=DEADLINE)  # not the 60 s of grace


def handled(method: str, code: grpc.StatusCode) -> float:
    """How many calls of `method` the metrics counted as ended with `code`."""
    service, name = method.lstrip("/").split("/")
    labels = {"grpc_service": service, "grpc_method": name, "grpc_code": code.name}
    return REGISTRY.get_sample_value("logokraft_grpc_server_handling_seconds_count", labels) or 0


async def test_a_stream_its_caller_leaves_mid_message_is_counted_cancelled() -> None:
    """A caller that left while gRPC was writing a message (the gateway reads a refinement's
    first message, then cancels) left the stream at its `yield`; closed later, it was counted
    UNKNOWN, as a crash, and ended the trace's span as an error."""
    codes = (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNKNOWN, grpc.StatusCode.OK)
    before = {code: handled(FLOOD, code) for code in codes}
    metadata = bearer(user_token(ALICE))
    async with echo_server() as (echo, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        call = ch.unary_stream(FLOOD)(b"", metadata=metadata)
        assert await call.read() == b"first"
        call.cancel()

        async def counted() -> dict[grpc.StatusCode, float]:
            while True:
                moved = {code: handled(FLOOD, code) - before[code] for code in codes}
                if any(moved.values()):
                    return moved
                await asyncio.sleep(0.01)

        moved = await asyncio.wait_for(counted(), timeout=DEADLINE)
    assert moved == {
        grpc.StatusCode.CANCELLED: 1,
        grpc.StatusCode.UNKNOWN: 0,
        grpc.StatusCode.OK: 0,
    }
    assert echo.ran == ["Flood"]


OUTAGES = {
    "postgres": psycopg.OperationalError("connection to server at 127.0.0.1 failed"),
    "pool": psycopg_pool.PoolTimeout("couldn't get a connection after 30.00 sec"),
    "nats": nats.errors.ConnectionClosedError(),
    "a bug": KeyError("status"),
}


@pytest.mark.parametrize("what", ["postgres", "pool", "nats"])
async def test_a_call_failed_by_an_outage_is_unavailable(what: str) -> None:
    """gRPC ended it UNKNOWN ("Unexpected <class 'psycopg.OperationalError'>"): the gateway
    answered 500, and nothing told the caller that trying again would work."""
    metadata = bearer(user_token(ALICE))
    async with echo_server() as (_, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        unary = await status_of(lambda: ch.unary_unary(OUTAGE)(what.encode(), metadata=metadata))
        stream = ch.unary_stream(OUTAGE_STREAM)(what.encode(), metadata=metadata)
        assert await stream.read() == b"first"
        streamed = await status_of(stream.read)
        for error in (unary, streamed):
            assert error.code() == grpc.StatusCode.UNAVAILABLE, error
            assert error.details() == (
                "The service cannot reach its database or job queue just now; try again shortly."
            )
            trailers = tuple(error.trailing_metadata())
            assert (REASON_METADATA_KEY, "dependency_unavailable") in trailers
            assert (RETRY_AFTER_METADATA_KEY, "1") in trailers


async def test_a_bug_is_not_taken_for_an_outage() -> None:
    metadata = bearer(user_token(ALICE))
    async with echo_server() as (_, port), grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        error = await status_of(lambda: ch.unary_unary(OUTAGE)(b"a bug", metadata=metadata))
        assert error.code() == grpc.StatusCode.UNKNOWN, error


# ---- TLS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pem:
    certificate: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Pem:
    pem = Pem(folder / f"{stem}.crt", folder / f"{stem}.key")
    pem.certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


class Authority:
    """A test certificate authority that issues server and client certificates."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        self.pem = _write(folder, name, self.cert, self.key).certificate

    def issue(self, stem: str, *, server: bool) -> Pem:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{stem}.logokraft.test"))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return _write(self.folder, stem, builder.sign(self.key, hashes.SHA256()), key)


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority(tmp_path, "logokraft-test-ca")


def tls_settings(**paths: Path | None) -> GrpcTlsSettings:
    """GrpcTlsSettings from these files only (by alias), whatever the environment says."""
    values = {
        "LOGOKRAFT_GRPC_TLS_CERT": None,
        "LOGOKRAFT_GRPC_TLS_KEY": None,
        "LOGOKRAFT_GRPC_TLS_CA": None,
    }
    values.update({f"LOGOKRAFT_GRPC_TLS_{name.upper()}": path for name, path in paths.items()})
    return GrpcTlsSettings(**values)


async def who_over(port: int, credentials: grpc.ChannelCredentials | None) -> str:
    target = f"127.0.0.1:{port}"
    channel = (
        grpc.aio.insecure_channel(target)
        if credentials is None
        else grpc.aio.secure_channel(target, credentials)
    )
    async with channel:
        return await who(channel, bearer(user_token(ALICE)))


async def test_a_tls_server_serves_tls_clients_and_refuses_plaintext(authority) -> None:
    server_pem = authority.issue("prompt", server=True)
    server_tls = tls_settings(cert=server_pem.certificate, key=server_pem.key).server_tls()
    assert server_tls is not None and server_tls.client_ca is None
    client = tls_settings(ca=authority.pem).channel_credentials()
    assert client is not None
    async with echo_server(tls=server_tls) as (echo, port):
        assert await who_over(port, client) == f"{ALICE} -"
        error = await status_of(lambda: who_over(port, None))
        assert error.code() == grpc.StatusCode.UNAVAILABLE, error
        stranger = Authority(authority.folder, "another-ca")
        untrusting = tls_settings(ca=stranger.pem).channel_credentials()
        error = await status_of(lambda: who_over(port, untrusting))
        assert error.code() == grpc.StatusCode.UNAVAILABLE, error
        assert echo.ran == ["Who"]


async def test_with_a_ca_the_server_requires_a_client_certificate_it_signed(authority) -> None:
    server_pem = authority.issue("prompt", server=True)
    server_tls = tls_settings(
        cert=server_pem.certificate, key=server_pem.key, ca=authority.pem
    ).server_tls()
    assert server_tls is not None and server_tls.client_ca == authority.pem.read_bytes()
    gateway_pem = authority.issue("gateway", server=False)
    with_identity = tls_settings(
        cert=gateway_pem.certificate, key=gateway_pem.key, ca=authority.pem
    ).channel_credentials()
    without_identity = tls_settings(ca=authority.pem).channel_credentials()
    stranger = Authority(authority.folder, "another-ca")
    foreign_pem = stranger.issue("intruder", server=False)
    foreign_identity = tls_settings(
        cert=foreign_pem.certificate, key=foreign_pem.key, ca=authority.pem
    ).channel_credentials()

    async with echo_server(tls=server_tls) as (echo, port):
        for credentials in (without_identity, foreign_identity, None):
            error = await status_of(lambda credentials=credentials: who_over(port, credentials))
            assert error.code() == grpc.StatusCode.UNAVAILABLE, error
        assert echo.ran == []
        assert await who_over(port, with_identity) == f"{ALICE} -"
        assert echo.ran == ["Who"]


def test_tls_settings_need_a_certificate_with_its_key(authority) -> None:
    server_pem = authority.issue("prompt", server=True)
    assert tls_settings().server_tls() is None
    assert tls_settings().channel_credentials() is None
    with pytest.raises(ValueError, match="LOGOKRAFT_GRPC_TLS_KEY"):
        tls_settings(cert=server_pem.certificate)
    with pytest.raises(ValueError, match="not a readable file"):
        tls_settings(ca=authority.folder / "missing.pem")
