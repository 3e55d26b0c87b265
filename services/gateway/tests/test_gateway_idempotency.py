"""Idempotency-Key on POST /projects and POST /assets/{id}/refine: the gateway over fake services,
with a real Postgres holding the keys."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import grpc
import httpx
import jwt
import psycopg
import pytest

from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway import auth as auth_module
from logokraft_gateway.app import create_app
from logokraft_gateway.auth import STREAM_AUDIENCE
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.errors import api_error_from_rpc


def same_answer(replay: httpx.Response, first: httpx.Response) -> bool:
    """The replay is the first answer, but for the renewed token in its stream_url."""
    if replay.content == first.content:
        return True
    a, b = replay.json(), first.json()
    for body in (a, b):
        body["stream_url"] = body["stream_url"].split("?access_token=")[0]
    return a == b


URL = "/api/v1/projects"
NO_FILE = [("inspiration_images", ("", b"", "application/octet-stream"))]
BRIEF = {"brand_name": "Acme", "num_candidates": "2", "colors": "navy"}


class HoldNextCreate(grpc.aio.UnaryUnaryClientInterceptor):
    """Holds the next CreateProject call (not a validate_only check) on its way to the service
    until `release` is set."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        method = client_call_details.method
        method = method.decode() if isinstance(method, bytes) else method
        creating = method.endswith("/CreateProject") and not request.validate_only
        if self.armed and creating:
            self.armed = False
            self.entered.set()
            await self.release.wait()
        return await continuation(client_call_details, request)


@pytest.fixture
def settings(fake_server, data_dir, database_url) -> GatewaySettings:
    return GatewaySettings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PUBLIC_URL="http://testserver",
        LOGOKRAFT_PROMPT_GRPC=fake_server.address,
        LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
        LOGOKRAFT_REFINE_GRPC=fake_server.address,
        LOGOKRAFT_SSE_HEARTBEAT_SECONDS=0.05,
        LOGOKRAFT_GRPC_DEADLINE_SECONDS=5,
        DATABASE_URL=database_url,
    )


@pytest.fixture
async def hold(fake_server) -> AsyncIterator[tuple[HoldNextCreate, grpc.aio.Channel]]:
    gate = HoldNextCreate()
    channel = grpc.aio.insecure_channel(fake_server.address, interceptors=[gate])
    try:
        yield gate, channel
    finally:
        gate.release.set()
        await channel.close()


@pytest.fixture
def app(settings, hold):
    return create_app(settings, prompt_channel=hold[1])


@pytest.fixture
def gate(hold) -> HoldNextCreate:
    return hold[0]


def keyed(auth: dict[str, str], key: str) -> dict[str, str]:
    return {**auth, "Idempotency-Key": key}


async def create(client, headers, *, files=None, **form) -> httpx.Response:
    return await client.post(URL, data={**BRIEF, **form}, files=files or NO_FILE, headers=headers)


async def key_rows(database_url: str) -> list[dict]:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        conn.row_factory = psycopg.rows.dict_row
        cursor = await conn.execute("select * from idempotency_keys order by created_at")
        return await cursor.fetchall()


async def execute(database_url: str, sql: str, *params) -> None:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(sql, params)


# ---- replay -------------------------------------------------------------------------------


async def test_same_key_and_request_replays_the_first_answer(
    client, auth, fake, stored_files, png_bytes
):
    headers = keyed(auth, "order-1")
    files = [("inspiration_images", ("a.png", png_bytes(), "image/png"))]
    first = await create(client, headers, files=files)
    second = await create(client, headers, files=files)

    assert first.status_code == second.status_code == 202, first.text
    assert same_answer(second, first)
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(fake.create_calls) == 1
    assert len(stored_files()) == 1  # the replay stored no second copy of the image


def stream_token_expiry(response: httpx.Response, settings) -> int:
    """When the answer's stream token expires; raises if it is not valid now."""
    token = response.json()["stream_url"].split("?access_token=")[1]
    claims = jwt.decode(
        token, settings.stream_token_key, algorithms=["HS256"], audience=STREAM_AUDIENCE
    )
    return int(claims["exp"])


async def test_a_replay_renews_the_stream_token_the_first_answer_carried(
    client, auth, fake, settings, monkeypatch
):
    """Keys live a day, stream tokens an hour: a late replay must still open the stream."""
    headers = keyed(auth, "next-day")
    two_hours_ago = time.time() - 7200
    monkeypatch.setattr(auth_module, "time", SimpleNamespace(time=lambda: two_hours_ago))
    first = await create(client, headers)
    monkeypatch.undo()
    replay = await create(client, headers)

    assert replay.headers["Idempotent-Replayed"] == "true"
    assert len(fake.create_calls) == 1
    with pytest.raises(jwt.ExpiredSignatureError):
        stream_token_expiry(first, settings)
    assert stream_token_expiry(replay, settings) > time.time() + 3000
    assert same_answer(replay, first)


async def test_keyed_project_id_is_stable_per_user_key_and_request(client, auth, fake, token_for):
    first = await create(client, keyed(auth, "k"))
    other_key = await create(client, keyed(auth, "k2"))
    bob_auth = {"Authorization": f"Bearer {token_for('bob')}"}
    bob = await create(client, keyed(bob_auth, "k"))
    ids = {r.json()["project_id"] for r in (first, other_key, bob)}
    assert len(ids) == 3
    assert all(uuid.UUID(i).version == 4 for i in ids)


async def test_without_the_header_nothing_changes(client, auth, fake, database_url):
    first = await create(client, auth)
    second = await create(client, auth)
    assert first.status_code == second.status_code == 202
    assert first.json()["project_id"] != second.json()["project_id"]
    assert "Idempotent-Replayed" not in second.headers
    assert len(fake.create_calls) == 2
    assert await key_rows(database_url) == []


# ---- mismatches -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"form": {"brand_name": "Other"}},
        {"form": {"num_candidates": "3"}},
        {"image": "red"},
    ],
    ids=["field", "number", "image"],
)
async def test_same_key_with_another_request_is_422_and_runs_nothing(
    client, auth, fake, png_bytes, stored_files, change
):
    headers = keyed(auth, "order-2")
    image = [("inspiration_images", ("a.png", png_bytes(color="navy"), "image/png"))]
    assert (await create(client, headers, files=image)).status_code == 202

    other_image = [
        ("inspiration_images", ("a.png", png_bytes(color=change.get("image", "navy")), "image/png"))
    ]
    response = await create(
        client,
        headers,
        files=other_image if "image" in change else image,
        **change.get("form", {}),
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "already used for a different request" in error["message"]
    assert len(fake.create_calls) == 1
    assert len(stored_files()) == 1


async def test_same_key_on_another_endpoint_is_422(client, auth, fake_server):
    asset = fake_server.refine.add_asset(dev_user_id("dev"))
    assert (await create(client, keyed(auth, "shared"))).status_code == 202
    response = await client.post(
        f"/api/v1/assets/{asset.id}/refine",
        json={"instruction": "make it navy"},
        headers=keyed(auth, "shared"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert "POST /api/v1/projects" in response.json()["error"]["message"]
    assert fake_server.refine.calls == []


async def test_equivalent_spellings_of_a_brief_are_the_same_request(client, auth, fake):
    headers = keyed(auth, "spelling")
    first = await create(client, headers, brand_name="Acme", colors="navy")
    second = await create(client, headers, brand_name="  Acme ", colors="#000080")
    assert second.status_code == 202
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(fake.create_calls) == 1
    assert same_answer(second, first)


# ---- concurrency, failures, staleness -------------------------------------------------------


async def test_retry_while_the_first_is_running_is_409(client, auth, fake, gate):
    headers = keyed(auth, "slow")
    gate.armed = True
    first = asyncio.create_task(create(client, headers))
    await asyncio.wait_for(gate.entered.wait(), 5)

    retry = await create(client, headers)
    assert retry.status_code == 409
    assert retry.json()["error"]["code"] == "idempotency_key_in_use"
    assert "still being processed" in retry.json()["error"]["message"]
    assert retry.headers["Retry-After"] == "1"

    gate.release.set()
    done = await first
    assert done.status_code == 202
    again = await create(client, headers)
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert same_answer(again, done)
    assert len(fake.create_calls) == 1


async def test_concurrent_identical_requests_run_once(client, auth, fake):
    headers = keyed(auth, "burst")
    answers = await asyncio.gather(*(create(client, headers) for _ in range(5)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(202) >= 1
    assert set(statuses) <= {202, 409}
    assert len(fake.create_calls) == 1


async def test_server_failure_releases_the_key_and_the_retry_reuses_the_project_id(
    client, auth, fake, stored_files, png_bytes, database_url
):
    headers = keyed(auth, "flaky")
    files = [("inspiration_images", ("a.png", png_bytes(), "image/png"))]
    fake.create_error = grpc.StatusCode.UNAVAILABLE
    failed = await create(client, headers, files=files)
    assert failed.status_code == 503
    assert await key_rows(database_url) == []
    assert stored_files() == []

    fake.create_error = None
    retried = await create(client, headers, files=files)
    assert retried.status_code == 202
    assert "Idempotent-Replayed" not in retried.headers
    assert len(fake.create_calls) == 2
    # A 503/504 may come after the service stored the project: the retry names the same one.
    assert fake.create_calls[0][1].project_id == fake.create_calls[1][1].project_id
    assert [r["state"] for r in await key_rows(database_url)] == ["done"]


async def test_a_refusal_by_the_service_is_stored_and_replayed(client, auth, fake):
    headers = keyed(auth, "refused")
    fake.create_error = grpc.StatusCode.INVALID_ARGUMENT
    first = await create(client, headers)
    assert first.status_code == 400

    fake.create_error = None
    second = await create(client, headers)
    assert second.status_code == 400
    assert second.headers["Idempotent-Replayed"] == "true"
    assert same_answer(second, first)
    assert len(fake.create_calls) == 1


async def test_a_429_is_not_stored(client, auth, fake):
    headers = keyed(auth, "limited")
    fake.create_error = grpc.StatusCode.RESOURCE_EXHAUSTED
    assert (await create(client, headers)).status_code == 429
    fake.create_error = None
    retried = await create(client, headers)
    assert retried.status_code == 202
    assert "Idempotent-Replayed" not in retried.headers
    assert len(fake.create_calls) == 2


async def test_a_request_the_gateway_refuses_does_not_claim_the_key(client, auth, fake):
    headers = keyed(auth, "typo")
    bad = await create(client, headers, colors="navy " * 21)  # longer than a colour field
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_brief"
    fixed = await create(client, headers)
    assert fixed.status_code == 202
    assert "Idempotent-Replayed" not in fixed.headers
    assert len(fake.create_calls) == 1


async def test_a_stale_running_key_is_taken_over(client, auth, fake, gate, database_url):
    headers = keyed(auth, "crashed")
    gate.armed = True
    first = asyncio.create_task(create(client, headers))
    await asyncio.wait_for(gate.entered.wait(), 5)
    await execute(database_url, "update idempotency_keys set updated_at = now() - interval '1 h'")

    takeover = await create(client, headers)
    assert takeover.status_code == 202
    assert "Idempotent-Replayed" not in takeover.headers

    gate.release.set()
    late = await first
    assert late.status_code == 202
    # The late first request does not overwrite the answer of the one that took over.
    replay = await create(client, headers)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert same_answer(replay, takeover)
    assert len(fake.create_calls) == 2
    assert fake.create_calls[0][1].project_id == fake.create_calls[1][1].project_id


async def test_an_expired_key_can_be_used_again(client, auth, fake, database_url):
    headers = keyed(auth, "yesterday")
    assert (await create(client, headers)).status_code == 202
    await execute(database_url, "update idempotency_keys set created_at = now() - interval '25 h'")
    again = await create(client, headers, brand_name="Another brand")
    assert again.status_code == 202
    assert "Idempotent-Replayed" not in again.headers
    assert len(fake.create_calls) == 2


async def test_expired_keys_are_purged(client, auth, app, database_url):
    assert (await create(client, keyed(auth, "old"))).status_code == 202
    assert (await create(client, keyed(auth, "new"))).status_code == 202
    await execute(
        database_url,
        "update idempotency_keys set created_at = now() - interval '25 h' where key = 'old'",
    )
    assert await app.state.gateway.idempotency.purge_expired() == 1
    assert [row["key"] for row in await key_rows(database_url)] == ["new"]


# ---- keys and users ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, b"caf\xc3\xa9", "tab\tinside", b"nul\x7fdel"],
    ids=["empty", "too-long", "non-ascii", "control", "del"],
)
async def test_an_unusable_key_is_400(client, auth, fake, key):
    response = await create(client, {**auth, "Idempotency-Key": key})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_idempotency_key"
    assert "1 to 255 printable ASCII characters" in error["message"]
    assert fake.create_calls == []


async def test_two_keys_are_400(client, auth, fake):
    """Only the first was read: a retry sending them in the other order made a second project."""
    headers = [*auth.items(), ("Idempotency-Key", "key-a"), ("Idempotency-Key", "key-b")]
    response = await create(client, headers)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_idempotency_key"
    assert error["message"] == "The Idempotency-Key header was sent more than once; send one key."
    assert fake.create_calls == []


async def test_the_longest_key_works(client, auth, fake):
    key = "".join(chr(33 + i % 94) for i in range(255))
    assert (await create(client, keyed(auth, key))).status_code == 202
    replay = await create(client, keyed(auth, key))
    assert replay.headers["Idempotent-Replayed"] == "true"


async def test_keys_belong_to_their_user(client, auth, fake, token_for, database_url):
    bob = {"Authorization": f"Bearer {token_for('bob')}", "Idempotency-Key": "same"}
    mine = await create(client, keyed(auth, "same"), brand_name="Mine")
    his = await create(client, bob, brand_name="His")  # another body: fine for another user
    assert mine.status_code == his.status_code == 202
    assert "Idempotent-Replayed" not in his.headers
    replay = await create(client, bob, brand_name="His")
    assert same_answer(replay, his)
    assert len(fake.create_calls) == 2
    owners = {row["user_id"] for row in await key_rows(database_url)}
    assert owners == {dev_user_id("dev"), dev_user_id("bob")}


# ---- refine -----------------------------------------------------------------------------------


async def test_refine_replays_and_refuses_another_body(client, auth, fake_server):
    asset = fake_server.refine.add_asset(dev_user_id("dev"))
    url = f"/api/v1/assets/{asset.id}/refine"
    headers = keyed(auth, "refine-1")
    body = {"instruction": "make it navy", "num_variations": 2}
    first = await client.post(url, json=body, headers=headers)
    second = await client.post(url, json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert same_answer(second, first)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(fake_server.refine.calls) == 1

    other = await client.post(url, json={**body, "num_variations": 3}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    another_asset = fake_server.refine.add_asset(dev_user_id("dev"))
    elsewhere = await client.post(
        f"/api/v1/assets/{another_asset.id}/refine", json=body, headers=headers
    )
    assert elsewhere.status_code == 422
    assert len(fake_server.refine.calls) == 1


async def test_refine_not_found_is_stored(client, auth, fake_server):
    url = f"/api/v1/assets/{uuid.uuid4()}/refine"
    headers = keyed(auth, "refine-404")
    first = await client.post(url, json={"instruction": "navy"}, headers=headers)
    second = await client.post(url, json={"instruction": "navy"}, headers=headers)
    assert first.status_code == second.status_code == 404
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(fake_server.refine.calls) == 1


# ---- without a database, errors, documentation ------------------------------------------------


async def test_without_a_database_the_header_is_refused_and_the_rest_works(
    fake_server, data_dir, token_for
):
    settings = GatewaySettings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PROMPT_GRPC=fake_server.address,
        LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
        LOGOKRAFT_REFINE_GRPC=fake_server.address,
        DATABASE_URL=None,
    )
    app = create_app(settings)
    auth = {"Authorization": f"Bearer {token_for('dev')}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            refused = await create(http, keyed(auth, "k"))
            plain = await create(http, auth)
    assert refused.status_code == 501
    assert refused.json()["error"]["code"] == "idempotency_unavailable"
    assert "DATABASE_URL" in refused.json()["error"]["message"]
    assert plain.status_code == 202
    assert len(fake_server.prompt.create_calls) == 1


def test_resource_exhausted_carries_retry_after_and_reason():
    trailers = grpc.aio.Metadata(("retry-after", "42"), ("logokraft-reason", "daily_image_limit"))
    error = api_error_from_rpc(
        grpc.aio.AioRpcError(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            grpc.aio.Metadata(),
            trailers,
            details="You have used 2 of your 2 images for today",
        )
    )
    assert (error.status_code, error.code) == (429, "daily_image_limit")
    assert error.headers == {"Retry-After": "42"}


@pytest.mark.parametrize("value", ["soon", "-3", "1.5", "99999999999"])
def test_a_malformed_retry_after_is_dropped(value):
    error = api_error_from_rpc(
        grpc.aio.AioRpcError(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            grpc.aio.Metadata(),
            grpc.aio.Metadata(("retry-after", value), ("logokraft-reason", "Not A Code")),
            details="limit",
        )
    )
    assert error.status_code == 429
    assert error.code == "resource_exhausted"
    assert error.headers is None


def test_openapi_documents_the_key_and_the_replay_header(app):
    paths = app.openapi()["paths"]
    for path in ("/api/v1/projects", "/api/v1/assets/{asset_id}/refine"):
        operation = paths[path]["post"]
        (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key"
        assert header["required"] is False
        assert header["schema"]["maxLength"] == 255
        assert "replayed" in header["description"]
        accepted = operation["responses"]["202"]
        assert "Idempotent-Replayed" in accepted["headers"]
        assert accepted["content"]["application/json"]["schema"]["$ref"].endswith("Public")
        assert {"409", "422", "501"} <= set(operation["responses"])


def test_stale_after_follows_the_grpc_deadline_unless_set(tmp_path):
    assert GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path).idempotency_stale_after == 120
    slow = GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path, LOGOKRAFT_GRPC_DEADLINE_SECONDS=60)
    assert slow.idempotency_stale_after == 180
    with pytest.raises(ValueError, match="STALE_SECONDS"):
        GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path, LOGOKRAFT_IDEMPOTENCY_STALE_SECONDS=15)


# ---- a database that stops answering -----------------------------------------------------


class FreezableProxy:
    """A TCP proxy to Postgres that, once frozen, keeps the connections open but passes no
    more bytes: a hung server or a lost network, where no error ever comes back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.thawed = asyncio.Event()
        self.thawed.set()
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> FreezableProxy:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc) -> None:
        self.thawed.set()
        assert self.server is not None
        self.server.close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self.thawed.wait()
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()


async def test_a_database_that_stops_answering_is_a_503_within_the_deadline(
    fake_server, data_dir, database_url, token_for, fake
):
    """Before, the key's claim waited for ever on a hung Postgres: the request hung, and
    nothing was logged or counted (an operator saw no 5xx), until Postgres came back."""
    url = psycopg.conninfo.conninfo_to_dict(database_url)
    async with FreezableProxy(url.get("host") or "127.0.0.1", int(url["port"])) as proxy:
        url.update(host="127.0.0.1", port=str(proxy.port))
        settings = GatewaySettings(
            LOGOKRAFT_DATA_DIR=data_dir,
            LOGOKRAFT_PROMPT_GRPC=fake_server.address,
            LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
            LOGOKRAFT_REFINE_GRPC=fake_server.address,
            LOGOKRAFT_GRPC_DEADLINE_SECONDS=0.5,
            DATABASE_URL=psycopg.conninfo.make_conninfo(**url),
        )
        app = create_app(settings)
        auth = {"Authorization": f"Bearer {token_for('dev')}"}
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                assert (await create(http, keyed(auth, "before"))).status_code == 202
                proxy.thawed.clear()
                started = time.monotonic()
                hung = await asyncio.wait_for(create(http, keyed(auth, "during")), 30)
                waited = time.monotonic() - started
                proxy.thawed.set()
    assert hung.status_code == 503, hung.text
    assert hung.json()["error"]["code"] == "service_unavailable"
    assert waited < 5  # two store calls (may_replay, then the claim), 0.5 s each
    assert len(fake.create_calls) == 1  # the request did not run without its key
