"""Bearer tokens: HS256 user tokens, JWKS-verified ES256 tokens, and what is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from logokraft_dev.devtokens import DEV_ISSUER, dev_user_id, mint_token
from logokraft_gateway.app import create_app
from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.errors import ApiError
from logokraft_kit.tokens import UserTokens

URL = "/api/v1/projects"
USER = dev_user_id("dev")


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {
        "sub": str(dev_user_id("dev")),
        "aud": "authenticated",
        "iss": DEV_ISSUER,
        "iat": now,
        "exp": now + 600,
        "role": "authenticated",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _none_token(claims: dict) -> str:
    return jwt.encode(claims, key=None, algorithm="none")


def _hs384(claims: dict, secret: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dev secret is short for SHA-384; irrelevant here
        return jwt.encode(claims, secret, algorithm="HS384")


@pytest.fixture
def bad_token(settings) -> Callable[[str], str]:
    secret = settings.hs256_secret
    makers: dict[str, Callable[[], str]] = {
        "expired": lambda: mint_token(
            secret, dev_user_id("dev"), ttl_seconds=60, now=time.time() - 3600
        ),
        "forged": lambda: mint_token("x" * 40, dev_user_id("dev")),
        "alg-none": lambda: _none_token(_claims()),
        "wrong-aud": lambda: mint_token(secret, dev_user_id("dev"), audience="anon"),
        "wrong-iss": lambda: mint_token(secret, dev_user_id("dev"), issuer="https://evil.example"),
        "no-exp": lambda: jwt.encode(_claims(exp=None), secret, algorithm="HS256"),
        "no-sub": lambda: jwt.encode(_claims(sub=None), secret, algorithm="HS256"),
        "sub-not-uuid": lambda: jwt.encode(_claims(sub="service_role"), secret, algorithm="HS256"),
        "garbage": lambda: "not.a.jwt",
        "hs384": lambda: _hs384(_claims(), secret),
        "es256-without-jwks": lambda: jwt.encode(
            _claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256"
        ),
    }
    return lambda name: makers[name]()


@pytest.mark.parametrize(
    "name",
    [
        "expired",
        "forged",
        "alg-none",
        "wrong-aud",
        "wrong-iss",
        "no-exp",
        "no-sub",
        "sub-not-uuid",
        "garbage",
        "hs384",
        "es256-without-jwks",
    ],
)
async def test_bad_token_is_401(client, fake, bad_token, name):
    response = await client.get(URL, headers={"Authorization": f"Bearer {bad_token(name)}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"]["code"] == "unauthenticated"
    assert fake.calls == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic ZGV2OmRldg=="}],
    ids=["no-header", "empty-bearer", "other-scheme"],
)
async def test_missing_token_is_401_with_a_bare_challenge(client, fake, headers):
    """RFC 6750 §3.1: no bearer token sent, so no error code in the challenge."""
    response = await client.get(URL, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization" in response.json()["error"]["message"]
    assert fake.calls == []


@pytest.mark.parametrize(
    ("authorization", "says"),
    [
        ("Token abc.def.ghi", "uses the Token scheme; this API takes bearer tokens only: send "),
        ("Basic ZGV2OmRldg==", "uses the Basic scheme; this API takes bearer tokens only: send "),
        ("abc.def.ghi", "carries a token without its scheme; put `Bearer ` before it"),
        ("Bearer", "says Bearer but carries no token; send "),
        ("Bearer   ", "says Bearer but carries no token; send "),
        ("B\xe4sic x".encode("latin-1"), "uses a scheme other than Bearer"),
    ],
    ids=["token-scheme", "basic", "bare-token", "bearer-alone", "bearer-spaces", "odd-scheme"],
)
async def test_a_header_without_a_bearer_token_says_what_to_send(client, fake, authorization, says):
    """Every route and the stream say what was wrong with the header, never its value."""
    project = fake.add_project(dev_user_id("dev"))
    for url in (URL, f"/api/v1/projects/{project.id}/stream"):
        response = await client.get(url, headers={"Authorization": authorization})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        message = response.json()["error"]["message"]
        assert says in message, message
        assert "`Authorization: Bearer <access token>`" in message
        assert "abc" not in message and "ZGV2" not in message
    assert fake.calls == []


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
async def test_the_bearer_scheme_is_case_insensitive(client, token_for, scheme):
    """RFC 7235 §2.1: auth-scheme is a case-insensitive token."""
    response = await client.get(URL, headers={"Authorization": f"{scheme}  {token_for('dev')}"})
    assert response.status_code == 200, response.text


async def test_a_stream_token_in_the_url_works_behind_a_basic_auth_proxy(client, app, fake):
    """A proxy's `Authorization: Basic` does not stand in the way of a stream token."""
    project = fake.add_project(dev_user_id("dev"))
    stream_token = app.state.gateway.tokens.mint_stream_token(
        user_id=dev_user_id("dev"), project_id=uuid.UUID(project.id), ttl=60
    )
    response = await client.head(
        f"/api/v1/projects/{project.id}/stream?access_token={stream_token}",
        headers={"Authorization": "Basic ZGV2OmRldg=="},
    )
    assert response.status_code == 200, response.text


async def test_a_stream_without_any_token_gets_a_bare_challenge(client, fake):
    project = fake.add_project(dev_user_id("dev"))
    response = await client.get(f"/api/v1/projects/{project.id}/stream")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    refused = await client.get(f"/api/v1/projects/{project.id}/stream?access_token=not.a.jwt")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert fake.calls == []


async def test_stream_token_is_not_a_user_token(client, app, fake):
    tokens = app.state.gateway.tokens
    stream_token = tokens.mint_stream_token(
        user_id=dev_user_id("dev"), project_id=uuid.uuid4(), ttl=60
    )
    response = await client.get(URL, headers={"Authorization": f"Bearer {stream_token}"})
    assert response.status_code == 401
    assert fake.calls == []


async def test_valid_token_reaches_the_service_as_that_user(client, auth, fake):
    fake.add_project(dev_user_id("dev"))
    fake.add_project(dev_user_id("bob"))
    response = await client.get(URL, headers=auth)
    assert response.status_code == 200
    assert len(response.json()["projects"]) == 1


@pytest.mark.parametrize("path", [URL, "/api/v1/usage", "/api/v1/projects/{pid}/stream"])
async def test_two_authorization_headers_are_401_whoever_they_name(client, token_for, fake, path):
    """Only the first used to be read: a second header added on the way (a proxy, a client
    library's default) silently decided whose data the request reached."""
    project = fake.add_project(dev_user_id("dev"))
    headers = [
        ("Authorization", f"Bearer {token_for('bob')}"),
        ("Authorization", f"Bearer {token_for('dev')}"),
    ]
    response = await client.get(path.format(pid=project.id), headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_request"'
    error = response.json()["error"]
    assert error["message"] == "The request carries 2 Authorization headers; send exactly one."
    assert fake.calls == []


# --- JWKS -----------------------------------------------------------------------------------


class _JwksServer:
    """A local HTTP server answering one JWKS document, counting its fetches."""

    def __init__(self, document: dict) -> None:
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/auth/v1/.well-known/jwks.json"


@pytest.fixture
def es256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def jwks_server(es256_key) -> Iterator[_JwksServer]:
    jwk = json.loads(ECAlgorithm.to_jwk(es256_key.public_key()))
    jwk.update({"kid": "key-1", "alg": "ES256", "use": "sig"})
    server = _JwksServer({"keys": [jwk]})
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def supabase_issuer() -> str:
    return "https://project.supabase.co/auth/v1"


@pytest.fixture
def verifier(jwks_server, supabase_issuer) -> TokenVerifier:
    users = UserTokens(
        hs256_secret="s" * 40,
        issuer=supabase_issuer,
        audience="authenticated",
        jwks_url=jwks_server.url,
    )
    return TokenVerifier(users=users, stream_key="k" * 40)


def _es256(key, claims: dict, kid: str = "key-1") -> str:
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


async def test_es256_token_verified_through_jwks(verifier, es256_key, jwks_server, supabase_issuer):
    user = uuid.uuid4()
    token = _es256(es256_key, _claims(sub=str(user), iss=supabase_issuer))
    assert await verifier.user_id(token) == user
    assert await verifier.user_id(token) == user
    assert jwks_server.fetches == 1  # keys are cached


async def test_es256_signed_by_another_key_is_refused(verifier, supabase_issuer):
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ApiError) as caught:
        await verifier.user_id(_es256(other, _claims(iss=supabase_issuer)))
    assert caught.value.status_code == 401


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


async def test_hs256_signed_with_the_public_key_is_refused(verifier, es256_key, supabase_issuer):
    public_pem = es256_key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    # pyjwt itself refuses to HMAC with a PEM key, so the forgery is built by hand.
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "key-1"}).encode())
    payload = _b64(json.dumps(_claims(iss=supabase_issuer)).encode())
    signature = _b64(hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest())
    forged = (header + b"." + payload + b"." + signature).decode()
    with pytest.raises(ApiError) as caught:
        await verifier.user_id(forged)
    assert caught.value.status_code == 401


async def test_unknown_kid_is_refused(verifier, es256_key, supabase_issuer):
    with pytest.raises(ApiError) as caught:
        await verifier.user_id(_es256(es256_key, _claims(iss=supabase_issuer), kid="other"))
    assert caught.value.status_code == 401


async def test_app_accepts_jwks_token_end_to_end(
    settings, fake, jwks_server, es256_key, supabase_issuer
):
    jwks_settings = settings.model_copy(
        update={"jwks_url": jwks_server.url, "jwt_issuer": supabase_issuer}
    )
    app = create_app(jwks_settings)
    user = uuid.uuid4()
    fake.add_project(user)
    token = _es256(es256_key, _claims(sub=str(user), iss=supabase_issuer))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert len(response.json()["projects"]) == 1
