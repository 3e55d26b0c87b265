"""Token hygiene at the gateway: only stream tokens in URLs; its own keys kept off shared volumes.

A URL ends up in access logs, browser history and Referer headers, so a user's full access
token there is refused (401) while the same token in the Authorization header still works.
"""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.app import create_app
from logokraft_gateway.auth import STREAM_TOKEN_EXPIRED, URL_TOKEN_REFUSED, TokenVerifier
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.errors import ApiError

DEV = dev_user_id("dev")


def _stream_script(fake, project: common_pb2.Project) -> None:
    fake.events[project.id] = [
        common_pb2.ProjectEvent(sequence=1, snapshot=project),
        common_pb2.ProjectEvent(sequence=2, done=common_pb2.ProjectDone(status=4)),
    ]


async def _get(url: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http, http.stream("GET", url, **kwargs) as r:
        await r.aread()
        return r


def test_stream_grant_refuses_a_user_token(settings: GatewaySettings, token_for) -> None:
    verifier = TokenVerifier(users=settings.user_tokens(), stream_key=settings.stream_token_key)
    with pytest.raises(ApiError) as raised:
        verifier.stream_grant(token_for("dev"))
    assert raised.value.status_code == 401
    assert raised.value.message == URL_TOKEN_REFUSED


def test_stream_grant_accepts_a_stream_token(settings: GatewaySettings) -> None:
    verifier = TokenVerifier(users=settings.user_tokens(), stream_key=settings.stream_token_key)
    project_id = uuid.uuid4()
    token = verifier.mint_stream_token(user_id=DEV, project_id=project_id, ttl=60)
    grant = verifier.stream_grant(token)
    assert (grant.user_id, grant.project_id) == (DEV, project_id)


def test_an_expired_stream_token_says_what_to_do_instead(settings: GatewaySettings) -> None:
    """An hour-old stream_url answered 'The access token has expired; sign in again.', which
    sends a curl user to the wrong token."""
    verifier = TokenVerifier(users=settings.user_tokens(), stream_key=settings.stream_token_key)
    old = verifier.mint_stream_token(user_id=DEV, project_id=uuid.uuid4(), ttl=-3600)
    with pytest.raises(ApiError) as raised:
        verifier.stream_grant(old)
    assert raised.value.status_code == 401
    assert raised.value.message == STREAM_TOKEN_EXPIRED
    assert "Authorization header" in raised.value.message
    forged = verifier.mint_stream_token(user_id=DEV, project_id=uuid.uuid4(), ttl=60)[:-4] + "AAAA"
    with pytest.raises(ApiError) as raised:
        verifier.stream_grant(forged)
    assert raised.value.message == "The stream token is invalid."


async def test_user_token_in_the_stream_url_is_401(live_url, token_for, fake) -> None:
    project = fake.add_project(DEV)
    _stream_script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream?access_token={token_for('dev')}"
    response = await _get(url)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == URL_TOKEN_REFUSED
    assert fake.watch_requests == []


async def test_user_token_in_the_header_still_streams(live_url, auth, fake) -> None:
    project = fake.add_project(DEV)
    _stream_script(fake, project)
    response = await _get(f"{live_url}/api/v1/projects/{project.id}/stream", headers=auth)
    assert response.status_code == 200
    assert "event: done" in response.text


# ---- the gateway's own keys ---------------------------------------------------------------------

GATEWAY_KEYS = ("stream-token-key", "idempotency-id-key", "storage-url-key")


def _keys(settings: GatewaySettings) -> tuple[str, str, str]:
    return settings.stream_token_key, settings.idempotency_id_key, settings.storage_url_key


def test_the_gateways_keys_live_in_its_secrets_dir(tmp_path) -> None:
    private = tmp_path / "gateway-secrets"
    settings = GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path / "data", LOGOKRAFT_SECRETS_DIR=private)
    keys = _keys(settings)
    assert [(private / name).read_text().strip() for name in GATEWAY_KEYS] == list(keys)
    assert not (tmp_path / "data" / "secrets").exists()  # nothing on the (shared) data volume


def test_the_gateways_keys_may_be_given_by_environment(tmp_path) -> None:
    given = {
        "LOGOKRAFT_STREAM_TOKEN_KEY": "s" * 40,
        "LOGOKRAFT_IDEMPOTENCY_ID_KEY": "i" * 40,
        "LOGOKRAFT_STORAGE_URL_KEY": "u" * 40,
    }
    settings = GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path / "data", **given)
    assert _keys(settings) == ("s" * 40, "i" * 40, "u" * 40)
    assert not (tmp_path / "data" / "secrets").exists()
    assert "s" * 40 not in repr(settings) and "s" * 40 not in str(settings.model_dump())


def test_a_short_stream_token_key_is_refused(tmp_path) -> None:
    settings = GatewaySettings(
        LOGOKRAFT_DATA_DIR=tmp_path / "data", LOGOKRAFT_STREAM_TOKEN_KEY="short"
    )
    with pytest.raises(ValueError, match="LOGOKRAFT_STREAM_TOKEN_KEY"):
        _ = settings.stream_token_key


def test_the_gateways_settings_never_show_its_secrets(tmp_path) -> None:
    values = {
        "DATABASE_URL": "postgresql://gw:pw-SECRET-1234567890@db/logokraft",
        "SUPABASE_URL": "https://project.supabase.co",
        "SUPABASE_SERVICE_ROLE_KEY": "role-SECRET-0123456789abcdefghijklmnop",
        "LOGOKRAFT_JWT_SECRET": "jwt-SECRET-0123456789abcdefghijklmnopqr",
        "LOGOKRAFT_SERVICE_TOKEN_SECRET": "svc-SECRET-0123456789abcdefghijklmnopq",
        "LOGOKRAFT_STREAM_TOKEN_KEY": "stream-SECRET-0123456789abcdefghijklmn",
        "LOGOKRAFT_IDEMPOTENCY_ID_KEY": "idem-SECRET-0123456789abcdefghijklmnop",
        "LOGOKRAFT_STORAGE_URL_KEY": "url-SECRET-0123456789abcdefghijklmnopq",
    }
    settings = GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path / "data", **values)
    shown = "\n".join(
        [repr(settings), str(settings), str(settings.model_dump()), settings.model_dump_json()]
    )
    assert "SECRET" not in shown


async def test_with_a_jwks_and_no_jwt_secret_an_hs256_bearer_is_401(settings, fake) -> None:
    # Behind Supabase's JWKS, a token signed with the data dir's HS256 key opens nothing.
    hs256_token = jwt.encode(
        {"sub": str(DEV), "aud": "authenticated", "iss": "logokraft-local", "exp": 2**31},
        settings.hs256_secret,
        algorithm="HS256",
    )
    jwks_settings = GatewaySettings(
        LOGOKRAFT_DATA_DIR=settings.data_dir,
        LOGOKRAFT_PROMPT_GRPC=settings.prompt_grpc,
        SUPABASE_JWKS_URL="https://project.supabase.co/auth/v1/.well-known/jwks.json",
    )
    assert jwks_settings.hs256_secret is None
    app = create_app(jwks_settings)
    fake.add_project(DEV)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get(
                "/api/v1/projects", headers={"Authorization": f"Bearer {hs256_token}"}
            )
    assert response.status_code == 401
