"""`Idempotency-Key` on the creating endpoints, with Stripe's semantics.

A client may send `Idempotency-Key: <1-255 printable ASCII characters>` (a UUID is a good
key) on POST /api/v1/projects and POST /api/v1/assets/{id}/refine. Keys belong to the
caller and are kept for 24 h (LOGOKRAFT_IDEMPOTENCY_TTL_SECONDS):

- the first request with a key runs, and its answer is stored: a 2xx, or a 4xx the route
  produced (a service refusing the request), status, headers and body bytes;
- the same key with the same request replays that answer, with `Idempotent-Replayed: true`
  (one thing is renewed: the access token inside a `stream_url`, which expires long before
  the key does, so a replay a day later still answers with a stream the client can open);
- the same key with another request (other fields, images, body or URL) is 422
  `idempotency_key_reused`, and nothing runs;
- the same key while the first request is still running is 409 `idempotency_key_in_use`;
- a 5xx, a 429 (whose Retry-After invites the same request again) or any exception
  releases the key, so a retry runs afresh; a request the gateway's own validation
  refuses never claims the key (as at Stripe), so it can be corrected and sent again;
- a request still running after LOGOKRAFT_IDEMPOTENCY_STALE_SECONDS is presumed dead (its
  gateway stopped) and a retry takes the key over.

The request's fingerprint is SHA-256 over sorted-key JSON of the method and path and the
validated request: the brief with the SHA-256 of each (re-encoded) image in order, or the
parsed JSON body. A new project's id is derived from (user, key, fingerprint) with a
server secret, so a retry after a lost answer (a 504 after the project was stored, or a
gateway that stopped before recording the answer) lands on the same project instead of
creating a second one.

Without the header nothing here runs and the routes behave as they always did. Without a
database (DATABASE_URL unset) a request carrying the header is refused with 501.

This module is the store and the request logic; the FastAPI dependency that reads the
header and binds it to the caller (`IdempotencyKey`) is in api/deps.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import psycopg
from fastapi import Response
from fastapi.responses import JSONResponse
from psycopg.types.json import Jsonb
from pydantic import BaseModel

from logokraft_gateway.errors import ApiError, api_error_from_rpc, error_response, http_status_for
from logokraft_kit.db import Connection, Database
from logokraft_kit.metrics import IDEMPOTENT_REPLAYS

log = logging.getLogger(__name__)

T = TypeVar("T")

# Store calls given up on, kept referenced until their cancellation is done.
_abandoned: set[asyncio.Future[Any]] = set()

# Rewrites the parsed JSON body of a replayed success.
Renew = Callable[[dict[str, Any]], dict[str, Any]]

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Printable ASCII; spaces only inside (HTTP strips them around a header value anyway).
KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"
_KEY = re.compile(KEY_PATTERN)
_NOT_STORED = frozenset({429})  # 429 asks for the same request again later
# The database refuses larger answers (a CHECK on idempotency_keys.response_body).
MAX_STORED_BODY_BYTES = 256 * 1024

IDEMPOTENT_RESPONSE_HEADERS = {
    REPLAYED_HEADER: {
        "description": "`true` when this is the stored answer of an earlier request with the "
        "same Idempotency-Key, replayed; absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}

# The header's description in the OpenAPI document (api/deps.py declares the header).
KEY_DESCRIPTION = (
    "Makes retrying safe: a request repeated with the same key (and the same request) gets "
    "the first one's answer, replayed with `Idempotent-Replayed: true`, instead of doing the "
    "work twice. 1-255 printable ASCII characters, unique per request (a UUID is a good key); "
    "kept for 24 hours per user. The same key with a different request is 422; a retry while "
    "the first is still running is 409. Failures the server caused (5xx) and 429 release the "
    "key, so the retry runs again."
)


@dataclass(frozen=True)
class StoredAnswer:
    """An answer recorded under a key: what is replayed."""

    status_code: int
    headers: list[tuple[str, str]]
    body: bytes

    def response(self, renew: Renew | None = None) -> Response:
        """The answer as it was first sent, marked as replayed; `renew` updates a 2xx body."""
        body = self.body
        if renew is not None and 200 <= self.status_code < 300:
            renewed = renew(json.loads(body))
            body = json.dumps(renewed, ensure_ascii=False, separators=(",", ":")).encode()
        response = Response(content=body, status_code=self.status_code)
        for name, value in self.headers:
            response.headers.append(name, value)
        response.headers[REPLAYED_HEADER] = "true"
        return response


@dataclass(frozen=True)
class Claim:
    """The right to run the request of one key, until it is completed or released."""

    user_id: uuid.UUID
    key: str
    claim_id: uuid.UUID


class IdempotencyStore:
    """The `idempotency_keys` table, written by the gateway's own session only.

    Users cannot write the table (no write privilege or policy for `authenticated`, see
    supabase/migrations/20261126000500_abuse_limits.sql), so every statement runs in a
    service session (`Database.as_service`) and names the user explicitly.
    """

    def __init__(
        self,
        db: Database,
        *,
        ttl_seconds: float,
        stale_seconds: float,
        timeout_seconds: float | None = None,
    ) -> None:
        self._db = db
        self._ttl = float(ttl_seconds)
        self._stale = float(stale_seconds)
        self._timeout = timeout_seconds

    async def within_timeout(self, call: Awaitable[T]) -> T:
        """Await a call to the store, or raise psycopg.OperationalError after the timeout.

        A Postgres that stopped answering (a hung server, a lost network) makes a query wait
        for ever: the request would hang with no error logged or counted. The call is
        cancelled in the background (psycopg cancels the query, which can take seconds
        against a server that does not answer), so the request is answered at once.
        """
        task = asyncio.ensure_future(call)
        try:
            done, _ = await asyncio.wait({task}, timeout=self._timeout)
        except BaseException:
            task.cancel()
            raise
        if not done:
            task.cancel()
            _abandoned.add(task)
            task.add_done_callback(_abandoned.discard)
            raise psycopg.OperationalError(
                f"the database did not answer within {self._timeout:g} s"
            )
        return task.result()

    async def claim(
        self, user_id: uuid.UUID, key: str, *, endpoint: str, request_hash: str
    ) -> Claim | StoredAnswer:
        """Claim the key for this request, or return the answer stored for it.

        ApiError 422 when the key was used for another request, 409 while it is running.
        """
        for _ in range(3):  # a row released between our insert and our read: insert again
            async with self._db.as_service() as conn:
                cursor = await conn.execute(
                    """
                    insert into idempotency_keys (user_id, key, endpoint, request_hash)
                    values (%s, %s, %s, %s)
                    on conflict (user_id, key) do nothing
                    returning claim_id
                    """,
                    [user_id, key, endpoint, request_hash],
                )
                inserted = await cursor.fetchone()
                if inserted is not None:
                    return Claim(user_id, key, inserted["claim_id"])
                cursor = await conn.execute(
                    """
                    select endpoint, request_hash, state, status_code, response_headers,
                           response_body,
                           created_at < now() - make_interval(secs => %s) as expired,
                           updated_at < now() - make_interval(secs => %s) as stale
                    from idempotency_keys where user_id = %s and key = %s
                    for update
                    """,
                    [self._ttl, self._stale, user_id, key],
                )
                row = await cursor.fetchone()
                if row is None:
                    continue
                if row["expired"]:
                    return await self._take_over(conn, user_id, key, endpoint, request_hash)
                if (row["endpoint"], row["request_hash"]) != (endpoint, request_hash):
                    raise _reused(row["endpoint"], endpoint)
                if row["state"] == "done":
                    return StoredAnswer(
                        status_code=row["status_code"],
                        headers=[(name, value) for name, value in row["response_headers"]],
                        body=bytes(row["response_body"]),
                    )
                if row["stale"]:
                    log.warning("taking over the stale idempotency key of %s", user_id)
                    return await self._take_over(conn, user_id, key, endpoint, request_hash)
                raise _in_use()
        raise _in_use()

    async def _take_over(
        self, conn: Connection, user_id: uuid.UUID, key: str, endpoint: str, request_hash: str
    ) -> Claim:
        cursor = await conn.execute(
            """
            update idempotency_keys
            set endpoint = %s, request_hash = %s, state = 'running', status_code = null,
                response_headers = null, response_body = null,
                claim_id = gen_random_uuid(), created_at = now(), updated_at = now()
            where user_id = %s and key = %s
            returning claim_id
            """,
            [endpoint, request_hash, user_id, key],
        )
        row = await cursor.fetchone()
        assert row is not None
        return Claim(user_id, key, row["claim_id"])

    async def holds(self, user_id: uuid.UUID, key: str) -> bool:
        """True when the key has an unexpired row (an answer to replay, or a request running)."""
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                """
                select 1 from idempotency_keys
                where user_id = %s and key = %s
                  and created_at >= now() - make_interval(secs => %s)
                """,
                [user_id, key, self._ttl],
            )
            return await cursor.fetchone() is not None

    async def complete(self, claim: Claim, response: Response) -> None:
        """Record the answer under the key (unless the claim was taken over meanwhile)."""
        headers = [
            [name.decode("latin-1"), value.decode("latin-1")]
            for name, value in response.raw_headers
            if name.lower() != b"content-length"
        ]
        if len(response.body) > MAX_STORED_BODY_BYTES:
            log.warning("an answer too large to store under an idempotency key; releasing it")
            await self.release(claim)
            return
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                """
                update idempotency_keys
                set state = 'done', status_code = %s, response_headers = %s,
                    response_body = %s, updated_at = now()
                where user_id = %s and key = %s and claim_id = %s
                """,
                [
                    response.status_code,
                    Jsonb(headers),
                    bytes(response.body),
                    claim.user_id,
                    claim.key,
                    claim.claim_id,
                ],
            )
        if cursor.rowcount != 1:
            log.warning("an idempotency key of %s was taken over before it was done", claim.user_id)

    async def release(self, claim: Claim) -> None:
        """Forget the claim, so a retry with the key runs again."""
        async with self._db.as_service() as conn:
            await conn.execute(
                """
                delete from idempotency_keys
                where user_id = %s and key = %s and claim_id = %s and state = 'running'
                """,
                [claim.user_id, claim.key, claim.claim_id],
            )

    async def purge_expired(self) -> int:
        """Delete every user's expired keys; returns how many."""
        async with self._db.as_service() as conn:
            cursor = await conn.execute(
                "delete from idempotency_keys where created_at < now() - make_interval(secs => %s)",
                [self._ttl],
            )
        return cursor.rowcount


async def sweep_expired_keys(store: IdempotencyStore, *, every_seconds: float) -> None:
    """Purge expired keys now and then, until cancelled."""
    while True:
        try:
            purged = await store.purge_expired()
            if purged:
                log.info("purged %d expired idempotency keys", purged)
        except Exception:
            log.warning("could not purge expired idempotency keys", exc_info=True)
        await asyncio.sleep(every_seconds)


def request_fingerprint(endpoint: str, payload: dict[str, Any]) -> str:
    """SHA-256 (hex) of the endpoint and the validated request as sorted-key JSON."""
    canonical = json.dumps(
        {"endpoint": endpoint, "request": payload},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


Operation = Callable[[], Awaitable[BaseModel]]


@dataclass
class IdempotentRequest:
    """One request under the caller's Idempotency-Key (or under none)."""

    idempotency: Idempotency
    request_hash: str

    def new_id(self) -> uuid.UUID:
        """An id for what the request creates: derived from the key and request, else random."""
        idem = self.idempotency
        if idem.key is None:
            return uuid.uuid4()
        message = f"{idem.user_id}\n{idem.key}\n{self.request_hash}".encode()
        digest = hmac.new(idem.id_secret.encode(), message, hashlib.sha256).digest()
        return uuid.UUID(bytes=digest[:16], version=4)

    async def run(
        self, operation: Operation, *, status_code: int, renew: Renew | None = None
    ) -> BaseModel | Response:
        """Run the operation once per key: its model (no key), its answer, or the stored one.

        `renew` rewrites the JSON body of a replayed success (see the module: stream tokens).
        """
        idem = self.idempotency
        if idem.key is None:
            return await operation()
        if idem.store is None:
            raise ApiError(
                501,
                "idempotency_unavailable",
                f"This server cannot honour {IDEMPOTENCY_HEADER}: it has no database "
                "configured (DATABASE_URL). Send the request without the header, or ask the "
                "operator to configure one.",
            )
        try:
            claimed = await idem.store.within_timeout(
                idem.store.claim(
                    idem.user_id, idem.key, endpoint=idem.endpoint, request_hash=self.request_hash
                )
            )
        except psycopg.Error:
            log.warning("the idempotency store failed", exc_info=True)
            raise ApiError(
                503,
                "service_unavailable",
                f"The {IDEMPOTENCY_HEADER} could not be checked right now; try again in a few "
                "seconds.",
            ) from None
        if isinstance(claimed, StoredAnswer):
            IDEMPOTENT_REPLAYS.inc()
            return claimed.response(renew)
        return await self._run_claimed(idem.store, claimed, operation, status_code)

    async def _run_claimed(
        self, store: IdempotencyStore, claim: Claim, operation: Operation, status_code: int
    ) -> Response:
        try:
            model = await operation()
        except BaseException as exc:
            refusal = _stored_refusal(exc)
            if refusal is None:
                await asyncio.shield(_release(store, claim))
                raise
            response: Response = error_response(refusal)
        else:
            response = JSONResponse(model.model_dump(mode="json"), status_code=status_code)
        try:
            await asyncio.shield(store.within_timeout(store.complete(claim, response)))
        except psycopg.Error:
            # The work is done: answer it. The key stays running until it is stale, and a
            # retry then takes it over (for a project, landing on the same project id).
            log.warning("could not record the answer of an idempotency key", exc_info=True)
        return response


@dataclass
class Idempotency:
    """The caller's Idempotency-Key for this request (None without the header)."""

    key: str | None
    user_id: uuid.UUID
    endpoint: str
    store: IdempotencyStore | None
    id_secret: str

    async def may_replay(self) -> bool:
        """True when this key may already have an answer, so checks that could refuse the
        request must wait for the key's own (a replay is answered whatever the limits say now).
        """
        if self.key is None or self.store is None:
            return False
        try:
            return await self.store.within_timeout(self.store.holds(self.user_id, self.key))
        except psycopg.Error:
            log.warning("the idempotency store failed", exc_info=True)
            return True  # run() answers 503 if it is still down

    def for_request(self, **payload: Any) -> IdempotentRequest:
        """Bind the validated request (JSON-serialisable parts) to the key."""
        return IdempotentRequest(self, request_fingerprint(self.endpoint, payload))


async def _release(store: IdempotencyStore, claim: Claim) -> None:
    try:
        await store.within_timeout(store.release(claim))
    except psycopg.Error:
        log.warning("could not release an idempotency key; it frees itself when stale")


def _stored_refusal(exc: BaseException) -> ApiError | None:
    """The 4xx answer an exception stands for, when that answer is to be stored."""
    if isinstance(exc, ApiError):
        status = exc.status_code
    elif isinstance(exc, grpc.RpcError) and hasattr(exc, "code"):
        status = http_status_for(exc.code())
    else:
        return None
    if not 400 <= status < 500 or status in _NOT_STORED:
        return None
    return exc if isinstance(exc, ApiError) else api_error_from_rpc(exc)


def _reused(first: str, now: str) -> ApiError:
    where = "" if first == now else f" ({first})"
    return ApiError(
        422,
        "idempotency_key_reused",
        f"This {IDEMPOTENCY_HEADER} was already used for a different request{where}; "
        "send a new key with each new request.",
    )


def _in_use() -> ApiError:
    return ApiError(
        409,
        "idempotency_key_in_use",
        f"A request with this {IDEMPOTENCY_HEADER} is still being processed; retry in a "
        "moment to get its answer.",
        headers={"Retry-After": "1"},
    )


def check_key(raw: str | None) -> str | None:
    """The key, or None without the header; 400 ApiError when it is not a usable key."""
    if raw is None:
        return None
    if not raw or len(raw) > MAX_KEY_LENGTH or not _KEY.fullmatch(raw):
        raise ApiError(
            400,
            "invalid_idempotency_key",
            f"The {IDEMPOTENCY_HEADER} header must be 1 to {MAX_KEY_LENGTH} printable ASCII "
            "characters (a UUID is a good key).",
            details=[{"field": IDEMPOTENCY_HEADER, "location": "header", "message": "invalid"}],
        )
    return raw
