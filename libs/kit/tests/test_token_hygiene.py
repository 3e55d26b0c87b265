"""Token hygiene: HS256 off behind a JWKS, a JWKS fetched at most once per interval, keys kept
in their own secrets folder and refused when short, and secrets never shown by settings."""

from __future__ import annotations

import importlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pydantic import ValidationError

from logokraft_kit.datadir import WeakSecret, secret
from logokraft_kit.errors import Unauthenticated
from logokraft_kit.settings import (
    AuthSettings,
    GeminiSettings,
    ServiceSettings,
    SupabaseStorageSettings,
)
from logokraft_kit.tokens import UserTokens

ISSUER = "https://project.supabase.co/auth/v1"
AUDIENCE = "authenticated"
ALICE = uuid.UUID("7d4f0b6e-2f0a-4a39-8f7e-3c1a9b2d5e01")

# Every secret a process can be given, each a value no legitimate output would contain.
SECRETS = {
    "GEMINI_API_KEY": "gemini-key-SECRET-0123456789abcdefghijkl",
    "ARK_API_KEY": "ark-key-SECRET-0123456789abcdefghijklmnop",
    "SUPABASE_SERVICE_ROLE_KEY": "service-role-SECRET-0123456789abcdefghij",
    "LOGOKRAFT_JWT_SECRET": "jwt-secret-SECRET-0123456789abcdefghijklm",
    "LOGOKRAFT_SERVICE_TOKEN_SECRET": "service-token-SECRET-0123456789abcdefghi",
    "LOGOKRAFT_STORAGE_URL_KEY": "storage-url-SECRET-0123456789abcdefghijk",
    "DATABASE_URL": "postgresql://svc:dbpass-SECRET-0123456789@db:5432/logokraft",
    "NATS_URL": "nats://svc:natspass-SECRET-0123456789@nats:4222",
}
SUPABASE_URL = "https://project.supabase.co"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [*SECRETS, "SUPABASE_URL", "SUPABASE_JWKS_URL", "LOGOKRAFT_SECRETS_DIR"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGOKRAFT_DATA_DIR", str(tmp_path / "data"))


# ---- JWKS: HS256 off, bounded refetch ---------------------------------------------------------


class JwksServer:
    """A local JWKS endpoint counting its fetches; `keys` may change (a rotation)."""

    def __init__(self) -> None:
        self.fetches = 0
        self.keys: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                body = json.dumps({"keys": owner.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/auth/v1/.well-known/jwks.json"

    def publish(self, kid: str, key: ec.EllipticCurvePrivateKey) -> None:
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "alg": "ES256", "use": "sig"})
        self.keys.append(jwk)


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def claims(user: uuid.UUID = ALICE) -> dict:
    now = int(time.time())
    return {"sub": str(user), "aud": AUDIENCE, "iss": ISSUER, "iat": now, "exp": now + 600}


def es256(key: ec.EllipticCurvePrivateKey, kid: str) -> str:
    return jwt.encode(claims(), key, algorithm="ES256", headers={"kid": kid})


async def test_unknown_kids_between_refreshes_are_refused_without_a_fetch(jwks) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks.publish("key-1", key)
    clock = Clock()
    users = UserTokens(
        hs256_secret=None,
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_url=jwks.url,
        jwks_min_refresh_seconds=60,
        clock=clock,
    )
    assert await users.user_id(es256(key, "key-1")) == ALICE
    assert jwks.fetches == 1

    for n in range(25):  # an attacker's made-up kids: refused, and cost no fetch
        clock.now += 1
        with pytest.raises(Unauthenticated):
            await users.user_id(es256(key, f"made-up-{n}"))
    assert jwks.fetches == 1

    clock.now += 60  # an interval later, one unknown kid may refetch (a rotation), once
    for n in range(25):
        with pytest.raises(Unauthenticated):
            await users.user_id(es256(key, f"again-{n}"))
    assert jwks.fetches == 2
    assert await users.user_id(es256(key, "key-1")) == ALICE  # known keys need no fetch
    assert jwks.fetches == 2


async def test_a_rotated_in_key_is_accepted_after_the_interval(jwks) -> None:
    old, new = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    jwks.publish("old", old)
    clock = Clock()
    users = UserTokens(
        hs256_secret=None,
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_url=jwks.url,
        jwks_min_refresh_seconds=60,
        clock=clock,
    )
    assert await users.user_id(es256(old, "old")) == ALICE
    jwks.publish("new", new)
    with pytest.raises(Unauthenticated):  # too soon after the last fetch
        await users.user_id(es256(new, "new"))
    clock.now += 61
    assert await users.user_id(es256(new, "new")) == ALICE
    assert jwks.fetches == 2


def test_the_minimum_refresh_interval_is_a_setting(monkeypatch, jwks) -> None:
    monkeypatch.setenv("SUPABASE_JWKS_URL", jwks.url)
    assert AuthSettings().jwks_min_refresh_seconds == 60
    monkeypatch.setenv("LOGOKRAFT_JWKS_MIN_REFRESH_SECONDS", "300")
    assert AuthSettings().jwks_min_refresh_seconds == 300


async def test_with_a_jwks_and_no_jwt_secret_hs256_user_tokens_are_refused(
    monkeypatch, jwks, tmp_path
) -> None:
    monkeypatch.setenv("SUPABASE_JWKS_URL", jwks.url)
    monkeypatch.setenv("LOGOKRAFT_JWT_ISSUER", ISSUER)
    settings = AuthSettings()
    assert settings.hs256_secret is None
    # Not even a key somebody planted (or an older release left) in the data dir is used.
    planted = secret(tmp_path / "data", "jwt-secret")
    with pytest.raises(Unauthenticated) as raised:
        await settings.user_tokens().user_id(jwt.encode(claims(), planted, algorithm="HS256"))
    assert "algorithm" in raised.value.message
    assert jwks.fetches == 0


async def test_with_a_jwks_and_an_explicit_jwt_secret_hs256_still_works(monkeypatch, jwks):
    monkeypatch.setenv("SUPABASE_JWKS_URL", jwks.url)
    monkeypatch.setenv("LOGOKRAFT_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("LOGOKRAFT_JWT_SECRET", SECRETS["LOGOKRAFT_JWT_SECRET"])
    users = AuthSettings().user_tokens()
    token = jwt.encode(claims(), SECRETS["LOGOKRAFT_JWT_SECRET"], algorithm="HS256")
    assert await users.user_id(token) == ALICE


# ---- where keys live, and how short they may be -----------------------------------------------


def test_keys_are_generated_in_the_secrets_dir_not_the_data_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("LOGOKRAFT_SECRETS_DIR", str(tmp_path / "private"))
    settings = AuthSettings()
    key = settings.service_secret
    assert (tmp_path / "private" / "service-token-key").read_text().strip() == key
    assert not (tmp_path / "data" / "secrets").exists()


def test_by_default_keys_stay_in_the_data_dirs_secrets_folder(tmp_path) -> None:
    key = AuthSettings().service_secret
    assert (tmp_path / "data" / "secrets" / "service-token-key").read_text().strip() == key


def test_a_key_given_by_environment_is_used_and_not_stored(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("LOGOKRAFT_STORAGE_URL_KEY", SECRETS["LOGOKRAFT_STORAGE_URL_KEY"])
    settings = ServiceSettings(NATS_URL=SECRETS["NATS_URL"], DATABASE_URL=SECRETS["DATABASE_URL"])
    assert settings.storage_url_key == SECRETS["LOGOKRAFT_STORAGE_URL_KEY"]
    assert not (tmp_path / "data" / "secrets" / "storage-url-key").exists()


def test_a_short_key_given_by_environment_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("LOGOKRAFT_STORAGE_URL_KEY", "too-short")
    settings = ServiceSettings(NATS_URL=SECRETS["NATS_URL"], DATABASE_URL=SECRETS["DATABASE_URL"])
    with pytest.raises(WeakSecret) as raised:
        _ = settings.storage_url_key
    assert "LOGOKRAFT_STORAGE_URL_KEY" in str(raised.value)
    assert "too-short" not in str(raised.value)


@pytest.mark.parametrize("stored", ["", "short", "x" * 31])
def test_a_short_stored_secret_is_refused(tmp_path, stored) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "key").write_text(stored)
    with pytest.raises(WeakSecret) as raised:
        secret(tmp_path, "key")
    assert str(folder / "key") in str(raised.value)


def test_a_stored_secret_of_32_bytes_is_accepted(tmp_path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "key").write_text("y" * 32)
    assert secret(tmp_path, "key", folder=folder) == "y" * 32


# ---- secrets never shown ----------------------------------------------------------------------


def _settings_with_every_secret(monkeypatch) -> list[object]:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SUPABASE_URL", SUPABASE_URL)
    made: list[object] = [
        AuthSettings(),
        GeminiSettings(),
        SupabaseStorageSettings(),
        ServiceSettings(),
    ]
    for module, name in [
        ("logokraft_prompt.config", "PromptSettings"),
        ("logokraft_imagegen.config", "ImagegenSettings"),
        ("logokraft_refine.config", "RefineSettings"),
        ("logokraft_gateway.config", "GatewaySettings"),
    ]:
        made.append(getattr(importlib.import_module(module), name)())
    return made


def _shown(settings: object) -> str:
    dump = settings.model_dump()  # type: ignore[attr-defined]
    json_dump = settings.model_dump_json()  # type: ignore[attr-defined]
    return "\n".join([repr(settings), str(settings), repr(dump), str(dump), json_dump])


def test_no_settings_class_shows_a_secret(monkeypatch) -> None:
    every = _settings_with_every_secret(monkeypatch)
    assert len(every) == 8
    for settings in every:
        shown = _shown(settings)
        leaked = [name for name, value in SECRETS.items() if value in shown or "SECRET" in shown]
        assert not leaked, f"{type(settings).__name__} shows {leaked}"


def test_secrets_are_still_usable_where_they_are_used(monkeypatch) -> None:
    service = ServiceSettings(
        NATS_URL=SECRETS["NATS_URL"],
        DATABASE_URL=SECRETS["DATABASE_URL"],
        LOGOKRAFT_SERVICE_TOKEN_SECRET=SECRETS["LOGOKRAFT_SERVICE_TOKEN_SECRET"],
    )
    assert service.database_url.get_secret_value() == SECRETS["DATABASE_URL"]
    assert service.nats_url.get_secret_value() == SECRETS["NATS_URL"]
    assert service.service_secret == SECRETS["LOGOKRAFT_SERVICE_TOKEN_SECRET"]


def test_a_refused_setting_does_not_quote_the_secrets_it_was_given(monkeypatch) -> None:
    monkeypatch.setenv("LOGOKRAFT_JWT_SECRET", "short-SECRET-jwt")
    for make in (AuthSettings, GeminiSettings, SupabaseStorageSettings):
        monkeypatch.setenv("GEMINI_API_KEY", "gemini-SECRET")
        monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "role-SECRET")  # without SUPABASE_URL
        with pytest.raises(ValidationError) as raised:
            make() if make is not GeminiSettings else _gemini_refused()
        message = str(raised.value)
        assert "input_value" not in message
        assert "SECRET" not in message.replace("LOGOKRAFT_JWT_SECRET", ""), message


def _gemini_refused() -> None:
    GeminiSettings(LOGOKRAFT_GEMINI_TIMEOUT_S="-1")
