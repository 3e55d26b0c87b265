"""The one error shape: gRPC status mapping, FastAPI's own errors, 500s, and the OpenAPI list."""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest

from logokraft_gateway.errors import ApiError, api_error_from_rpc, http_status_for

EXPECTED = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAUTHENTICATED: 500,  # the gateway's own service token: a deployment fault
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.CANCELLED: 503,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.DATA_LOSS: 500,
}


@pytest.mark.parametrize(("code", "status"), EXPECTED.items(), ids=lambda v: str(v))
def test_grpc_status_maps_to_http(code, status):
    assert http_status_for(code) == status


def _rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


def test_client_errors_pass_the_service_message_through():
    error = api_error_from_rpc(_rpc_error(grpc.StatusCode.NOT_FOUND, "project 42 was not found"))
    assert (error.status_code, error.code) == (404, "not_found")
    assert error.message == "Project 42 was not found."


def test_server_errors_hide_the_service_message():
    error = api_error_from_rpc(_rpc_error(grpc.StatusCode.UNAVAILABLE, "pg at 10.0.0.3 refused"))
    assert (error.status_code, error.code) == (503, "service_unavailable")
    assert "10.0.0.3" not in error.message


def test_grpcs_own_message_size_refusal_is_a_500_not_a_limit_to_wait_out():
    """It used to be a 429 quoting gRPC ("Stream removed (CLIENT: Received message larger
    than max ...)"), as if waiting would help."""
    details = "Stream removed (CLIENT: Received message larger than max (4512025 vs. 4194304))"
    error = api_error_from_rpc(_rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, details))
    assert (error.status_code, error.code) == (500, "internal_error")
    assert "larger than max" not in error.message and error.headers is None


async def test_unknown_route_is_404_in_the_error_shape(client):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "There is no such resource; check the URL.",
            "request_id": response.headers["x-request-id"],
        }
    }


@pytest.mark.parametrize(
    ("method", "path", "right"),
    [
        ("GET", "/api/v1/projects/", "/api/v1/projects"),
        ("POST", "/api/v1/projects/", "/api/v1/projects"),
        ("GET", "/api/v1/projects/{id}/", "/api/v1/projects/{id}"),
        ("GET", "/api/v1/usage//", "/api/v1/usage"),
        ("GET", "/docs/", "/docs"),
    ],
)
async def test_a_trailing_slash_is_a_404_naming_the_path_not_a_redirect(
    client, auth, method, path, right
):
    """No redirect built from the Host header (Starlette's redirect_slashes reflects it):
    a 404 that says which path to use."""
    project_id = str(uuid.uuid4())
    path, right = path.format(id=project_id), right.format(id=project_id)
    headers = {**auth, "Host": "evil.example"}
    response = await client.request(method, path, headers=headers)
    assert response.status_code == 404
    assert "location" not in response.headers
    assert "evil.example" not in response.text
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert f"use {right}." in error["message"]
    assert "trailing slash" in error["message"]


@pytest.mark.parametrize(
    ("path", "right"),
    [("//api/v1/projects", "/api/v1/projects"), ("/api//v1/usage", "/api/v1/usage")],
)
async def test_a_doubled_slash_is_a_404_naming_the_path(client, auth, path, right):
    """`$BASE/api/v1/...` with a BASE ending in "/": "There is no such resource" did not say
    that only the slash was wrong."""
    response = await client.get(f"http://testserver{path}", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        f"There is nothing at {path}: paths have single slashes; use {right}."
    )


async def test_wrong_method_is_405_in_the_error_shape(client):
    response = await client.delete("/api/v1/projects")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_validation_error_uses_the_error_shape(client, auth, fake):
    response = await client.get("/api/v1/projects?limit=0", headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == "limit"
    assert fake.calls == []


async def test_unexpected_exception_is_a_bare_500(app, client, auth):
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text
    assert "Traceback" not in response.text


def test_api_error_carries_headers():
    error = ApiError(401, "unauthenticated", "No.", headers={"WWW-Authenticate": "Bearer"})
    assert error.headers == {"WWW-Authenticate": "Bearer"}


def test_openapi_lists_every_status(app):
    document = app.openapi()
    paths = document["paths"]
    create = paths["/api/v1/projects"]["post"]["responses"]
    for status in ("202", "400", "401", "409", "413", "415", "422", "429", "500", "503", "504"):
        assert status in create, status
    assert create["413"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    body = paths["/api/v1/projects"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert "inspiration_images" in body["schema"]["properties"]
    for status in ("200", "401", "404", "422", "503"):
        assert status in paths["/api/v1/projects/{project_id}"]["get"]["responses"]
    stream = paths["/api/v1/projects/{project_id}/stream"]["get"]["responses"]
    assert "text/event-stream" in stream["200"]["content"]
    for status in ("400", "401", "404", "503"):
        assert status in stream
    files = paths["/api/v1/files/{bucket}/{path}"]["get"]["responses"]
    assert {"200", "403", "404"} <= set(files)
    assert "503" in paths["/readyz"]["get"]["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_405_lists_every_method_of_the_url(client, auth):
    response = await client.delete("/api/v1/projects", headers=auth)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize(
    ("path", "right"),
    [
        ("/projects", "/api/v1/projects"),
        ("/api/projects", "/api/v1/projects"),
        ("/v1/usage", "/api/v1/usage"),
        ("/usage/", "/api/v1/usage"),
        ("/projects/{id}", "/api/v1/projects/{id}"),
    ],
)
async def test_a_path_missing_the_api_prefix_is_a_404_naming_the_right_one(
    client, auth, path, right
):
    """`curl http://127.0.0.1:8000/projects` said only "check the URL"."""
    project_id = str(uuid.uuid4())
    path, right = path.format(id=project_id), right.format(id=project_id)
    response = await client.get(path, headers=auth)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"].endswith(f"the API's paths start with /api/v1; use {right}.")


async def test_an_unknown_path_still_says_to_check_the_url(client, auth):
    for path in ("/nothing-here", "/api/v1/nothing", "/api/"):
        response = await client.get(path, headers=auth)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "There is no such resource; check the URL."


async def test_control_and_bidi_characters_quoted_in_a_message_are_shown_as_escapes(client, auth):
    """Pydantic quotes the character it refused ("found `‮` at 0"): raw, a U+202E in the
    message reordered the rest of the line wherever it was printed."""
    response = await client.get("/api/v1/projects/%E2%80%AEevil", headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "\u202e" not in response.text and "\u202e" not in error["message"]
    assert "found `\\u202e` at 0" in error["message"], error["message"]
    assert "\\u202e" in error["details"][0]["message"]
    unchanged = await client.get("/api/v1/projects/caf%C3%A9-%E7%8F%88", headers=auth)
    assert "found `é` at 3" in unchanged.json()["error"]["message"]  # letters stay letters
