"""Rate limits per user and per client address, the generation limit, the cap on open streams
per user, and anonymous users kept from starting generation."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import jwt
import pytest
from pydantic import ValidationError

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_dev.sse import SseReader
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.ratelimit import RateLimitSettings
from logokraft_kit.metrics import LIMIT_REFUSALS

DEV = dev_user_id("dev")


class Settings(GatewaySettings, RateLimitSettings):
    """The gateway's settings with the rate-limit group (as GatewaySettings will have it)."""


@pytest.fixture
def rate_env(request) -> dict[str, str]:
    return getattr(request, "param", {})


def rates(**values: str | int | bool):
    """Run the test with these rate-limit settings (field names, e.g. rate_limit_per_user)."""
    return pytest.mark.parametrize("rate_env", [values], indirect=True, ids=[""])


@pytest.fixture
def settings(fake_server, data_dir, rate_env) -> Settings:
    unlimited = {
        "rate_limit_per_user": "0",
        "rate_limit_per_ip": "0",
        "rate_limit_generation": "0",
        "max_streams_per_user": 0,
    }
    return Settings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PUBLIC_URL="http://testserver",
        LOGOKRAFT_PROMPT_GRPC=fake_server.address,
        LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
        LOGOKRAFT_REFINE_GRPC=fake_server.address,
        LOGOKRAFT_SSE_HEARTBEAT_SECONDS=0.05,
        LOGOKRAFT_GRPC_DEADLINE_SECONDS=5,
        **(unlimited | rate_env),
    )


@pytest.fixture
def refine(fake_server):
    return fake_server.refine


@pytest.fixture
def mine(refine):
    return refine.add_asset(DEV, prompt="a navy fox", position=0)


def refused(name: str) -> float:
    return LIMIT_REFUSALS.labels(limit=name)._value.get()


def assert_rate_limited(response: httpx.Response, *, code: str = "rate_limited") -> int:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == code
    wait = int(response.headers["Retry-After"])
    assert wait >= 1
    assert f"try again in {wait} s" in error["message"]
    return wait


async def refine_once(client, headers, asset) -> httpx.Response:
    return await client.post(
        f"/api/v1/assets/{asset.id}/refine", headers=headers, json={"instruction": "navy"}
    )


# ---- per user, per address ------------------------------------------------------------------


@rates(rate_limit_per_user="3/minute")
async def test_a_user_over_the_limit_is_429_and_others_are_not(client, auth, token_for, fake):
    before = refused("rate_per_user")
    for _ in range(3):
        assert (await client.get("/api/v1/projects", headers=auth)).status_code == 200
    calls = len(fake.calls)

    over = await client.get("/api/v1/projects", headers=auth)

    assert 1 <= assert_rate_limited(over) <= 60
    assert "from your account" in over.json()["error"]["message"]
    assert len(fake.calls) == calls  # refused before any service call
    assert refused("rate_per_user") == before + 1
    bob = {"Authorization": f"Bearer {token_for('bob')}"}
    assert (await client.get("/api/v1/projects", headers=bob)).status_code == 200
    # Every authenticated route counts, not only the one that went over.
    assert (await client.get(f"/api/v1/projects/{uuid.uuid4()}", headers=auth)).status_code == 429


@rates(rate_limit_per_ip="2/minute")
async def test_one_address_over_its_limit_is_429_whoever_signs_in(client, auth, token_for):
    before = refused("rate_per_ip")
    assert (await client.get("/api/v1/projects", headers=auth)).status_code == 200
    # Requests without a valid token count too: the address is limited before auth.
    assert (await client.get("/api/v1/projects")).status_code == 401

    bob = {"Authorization": f"Bearer {token_for('bob')}"}
    over = await client.get("/api/v1/projects", headers=bob)
    assert_rate_limited(over)
    assert "from your network address" in over.json()["error"]["message"]
    assert (await client.get("/api/v1/files/b/x.png")).status_code == 429
    assert refused("rate_per_ip") == before + 2
    # Health checks are never limited.
    assert (await client.get("/healthz")).status_code == 200


@rates(rate_limit_per_ip="1/minute")
async def test_the_address_is_the_clients(app, auth):
    async with app.router.lifespan_context(app):

        def client_from(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 5000))
            return httpx.AsyncClient(transport=transport, base_url="http://testserver")

        async with client_from("203.0.113.1") as one, client_from("203.0.113.2") as two:
            assert (await one.get("/api/v1/projects", headers=auth)).status_code == 200
            assert (await two.get("/api/v1/projects", headers=auth)).status_code == 200
            assert (await one.get("/api/v1/projects", headers=auth)).status_code == 429


@rates(rate_limit_per_user="2/minute;1000/hour")
async def test_several_windows_each_apply(client, auth):
    for _ in range(2):
        assert (await client.get("/api/v1/projects", headers=auth)).status_code == 200
    assert_rate_limited(await client.get("/api/v1/projects", headers=auth))


@rates(rate_limit_per_user="0", rate_limit_per_ip="", rate_limit_generation="0")
async def test_zero_or_empty_means_unlimited(client, auth, refine, mine):
    for _ in range(40):
        assert (await client.get("/api/v1/projects", headers=auth)).status_code == 200
    for _ in range(25):
        assert (await refine_once(client, auth, mine)).status_code == 202


def test_the_defaults_limit_and_bad_rates_are_refused(monkeypatch):
    defaults = RateLimitSettings()
    assert defaults.rate_limit_per_user == "120/minute"
    assert defaults.rate_limit_per_ip == "300/minute"
    assert defaults.rate_limit_generation == "20/minute"
    assert defaults.max_streams_per_user == 10
    assert defaults.allow_anonymous_generation is False
    monkeypatch.setenv("LOGOKRAFT_RATE_LIMIT_PER_USER", "lots")
    with pytest.raises(ValidationError, match="rate like"):
        RateLimitSettings()
    monkeypatch.setenv("LOGOKRAFT_RATE_LIMIT_PER_USER", "5/fortnight")
    with pytest.raises(ValidationError, match="rate like"):
        RateLimitSettings()
    monkeypatch.setenv("LOGOKRAFT_RATE_LIMIT_PER_USER", "10/second")
    monkeypatch.setenv("LOGOKRAFT_MAX_STREAMS_PER_USER", "-1")
    with pytest.raises(ValidationError):
        RateLimitSettings()


# ---- generation -----------------------------------------------------------------------------


@rates(rate_limit_generation="2/minute")
async def test_generation_has_its_own_stricter_limit(client, auth, token_for, refine, mine):
    before = refused("rate_generation")
    for _ in range(2):
        assert (await refine_once(client, auth, mine)).status_code == 202
    over = await refine_once(client, auth, mine)
    assert_rate_limited(over)
    assert "to create logos" in over.json()["error"]["message"]
    assert len(refine.calls) == 2
    assert refused("rate_generation") == before + 1
    # Creating a project counts against the same limit, before the upload is read.
    created = await client.post(
        "/api/v1/projects", headers=auth, data={"brand_name": "Acme"}, files={}
    )
    assert_rate_limited(created)
    # Reads are not generation.
    assert (await client.get(f"/api/v1/assets/{mine.id}", headers=auth)).status_code == 200
    bobs = refine.add_asset(dev_user_id("bob"), prompt="a fox", position=0)
    bob = {"Authorization": f"Bearer {token_for('bob')}"}
    assert (await refine_once(client, bob, bobs)).status_code == 202


# ---- anonymous users ------------------------------------------------------------------------


@pytest.fixture
def anonymous(settings, token_for) -> dict[str, str]:
    """A verifiable token of a Supabase anonymous user (is_anonymous: true) for "dev"."""
    claims = jwt.decode(token_for("dev"), options={"verify_signature": False})
    token = jwt.encode({**claims, "is_anonymous": True}, settings.hs256_secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def test_anonymous_users_cannot_start_generation(client, anonymous, refine, mine, fake):
    refused_refine = await refine_once(client, anonymous, mine)
    assert refused_refine.status_code == 403, refused_refine.text
    error = refused_refine.json()["error"]
    assert error["code"] == "anonymous_generation_forbidden"
    assert "sign in" in error["message"]
    created = await client.post(
        "/api/v1/projects", headers=anonymous, data={"brand_name": "Acme"}, files={}
    )
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "anonymous_generation_forbidden"
    assert refine.calls == []
    assert "CreateProject" not in fake.calls
    # They may still read.
    assert (await client.get(f"/api/v1/assets/{mine.id}", headers=anonymous)).status_code == 200


async def test_a_forged_anonymous_claim_is_still_401(client, settings, mine):
    token = jwt.encode({"sub": str(DEV), "is_anonymous": False}, "not-the-secret-" * 4, "HS256")
    response = await refine_once(client, {"Authorization": f"Bearer {token}"}, mine)
    assert response.status_code == 401


@rates(allow_anonymous_generation=True)
async def test_anonymous_generation_can_be_allowed(client, anonymous, refine, mine):
    assert (await refine_once(client, anonymous, mine)).status_code == 202
    assert len(refine.calls) == 1


# ---- open streams per user ------------------------------------------------------------------


@pytest.fixture
def held_project(fake) -> common_pb2.Project:
    project = fake.add_project(DEV)
    fake.events[project.id] = [common_pb2.ProjectEvent(sequence=1, snapshot=project)]
    project.event_sequence = 1
    fake.hold_open = True
    return project


class OpenStream:
    """A stream held open until the context exits (the client disconnects)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url, self.headers = url, headers

    async def __aenter__(self) -> httpx.Response:
        self._http = httpx.AsyncClient(timeout=10)
        self._context = self._http.stream("GET", self.url, headers=self.headers)
        response = await self._context.__aenter__()
        if response.status_code == 200:
            # Open for real: the snapshot has been sent. (The reader is kept: closing it
            # would close the response.)
            self.events = SseReader().events(response)
            assert (await anext(self.events)).event == "snapshot"
        else:
            await response.aread()
        return response

    async def __aexit__(self, *exc) -> None:
        await self._context.__aexit__(*exc)
        await self._http.aclose()


async def until(predicate, within: float = 5.0) -> None:
    """Until `predicate()` holds (the server frees a slot on its side of the disconnect)."""
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.01)


@rates(max_streams_per_user=2)
async def test_open_streams_per_user_are_capped(app, live_url, auth, token_for, fake, held_project):
    url = f"{live_url}/api/v1/projects/{held_project.id}/stream"
    streams = app.state.gateway.streams
    before = refused("streams_per_user")
    async with OpenStream(url, auth) as first, OpenStream(url, auth) as second:
        assert (first.status_code, second.status_code) == (200, 200)
        assert streams.count(DEV) == 2
        calls = list(fake.calls)

        async with OpenStream(url, auth) as third:
            assert_rate_limited(third, code="too_many_streams")
        assert fake.calls == calls  # refused before any service call
        assert refused("streams_per_user") == before + 1
        assert streams.count(DEV) == 2

        # Another user has slots of their own.
        bobs = fake.add_project(dev_user_id("bob"))
        fake.events[bobs.id] = [common_pb2.ProjectEvent(sequence=1, snapshot=bobs)]
        bob_url = f"{live_url}/api/v1/projects/{bobs.id}/stream"
        bob = {"Authorization": f"Bearer {token_for('bob')}"}
        async with OpenStream(bob_url, bob) as bob_stream:
            assert bob_stream.status_code == 200

    # Both clients went away: their slots are free again.
    await until(lambda: streams.count(DEV) == 0)
    async with OpenStream(url, auth) as again:
        assert again.status_code == 200


@rates(max_streams_per_user=1)
async def test_a_stream_refused_or_ended_frees_its_slot(app, live_url, auth, fake):
    streams = app.state.gateway.streams
    project = fake.add_project(DEV)
    fake.events[project.id] = [
        common_pb2.ProjectEvent(sequence=1, snapshot=project),
        common_pb2.ProjectEvent(
            sequence=2, done=common_pb2.ProjectDone(status=common_pb2.PROJECT_STATUS_COMPLETED)
        ),
    ]
    project.event_sequence = 2
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    async with httpx.AsyncClient(timeout=10) as http:
        # A stream that runs to `done`, then one refused after its slot was taken (404).
        for _ in range(3):
            assert (await http.get(url, headers=auth)).status_code == 200
        missing = f"{live_url}/api/v1/projects/{uuid.uuid4()}/stream"
        for _ in range(3):
            assert (await http.get(missing, headers=auth)).status_code == 404
        bad = await http.get(url, headers={**auth, "Last-Event-ID": "99"})
        assert bad.status_code == 400
    await until(lambda: streams.count(DEV) == 0)


# ---- the OpenAPI document -------------------------------------------------------------------


@pytest.fixture
def openapi(settings) -> dict:
    return create_app(settings).openapi()


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/projects", "post", {"403", "429"}),
        ("/api/v1/projects", "get", {"429"}),
        ("/api/v1/projects/{project_id}/stream", "get", {"429"}),
        ("/api/v1/assets/{asset_id}/refine", "post", {"403", "429"}),
        ("/api/v1/assets/{asset_id}", "get", {"429"}),
        ("/api/v1/files/{bucket}/{path}", "get", {"429"}),
    ],
)
def test_openapi_documents_the_refusals(openapi, path, method, statuses):
    documented = set(openapi["paths"][path][method]["responses"])
    assert statuses <= documented


def test_openapi_stream_parameters_are_unchanged(openapi):
    operation = openapi["paths"]["/api/v1/projects/{project_id}/stream"]["get"]
    names = sorted(p["name"] for p in operation["parameters"])
    assert names == ["Last-Event-ID", "access_token", "project_id"]
    assert "/healthz" in openapi["paths"]
    assert "429" not in openapi["paths"]["/healthz"]["get"]["responses"]
