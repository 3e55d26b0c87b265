"""GatewaySettings: defaults, derived values, and the insecure combinations it refuses."""

from __future__ import annotations

import pydantic
import pytest

from logokraft_dev.devtokens import DEV_ISSUER
from logokraft_gateway.config import GatewaySettings


def test_defaults_need_no_database_or_nats(tmp_path, monkeypatch):
    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path)
    assert settings.http_host == "127.0.0.1"
    assert settings.http_port == 8000
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert settings.jwt_issuer == DEV_ISSUER
    assert settings.jwt_audience == "authenticated"
    assert settings.sse_heartbeat_seconds == 15
    assert settings.signed_url_ttl_seconds == 3600
    assert len(settings.hs256_secret) >= 32
    assert settings.stream_token_key != settings.hs256_secret


def test_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LOGOKRAFT_HTTP_PORT", "9001")
    monkeypatch.setenv("LOGOKRAFT_PUBLIC_URL", "https://api.example.com/")
    monkeypatch.setenv("LOGOKRAFT_JWT_SECRET", "z" * 40)
    monkeypatch.setenv("LOGOKRAFT_DATA_DIR", str(tmp_path))
    settings = GatewaySettings()
    assert settings.http_port == 9001
    assert settings.public_base_url == "https://api.example.com"
    assert settings.hs256_secret == "z" * 40


@pytest.mark.parametrize(
    "overrides",
    [
        {"LOGOKRAFT_JWT_SECRET": "short"},
        {"SUPABASE_JWKS_URL": "http://auth.example.com/jwks"},
        {"SUPABASE_URL": "https://x.supabase.co"},
        {"LOGOKRAFT_SSE_HEARTBEAT_SECONDS": 0},
    ],
)
def test_refuses_insecure_or_broken_settings(tmp_path, overrides):
    with pytest.raises(pydantic.ValidationError):
        GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path, **overrides)
