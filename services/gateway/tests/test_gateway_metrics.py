"""The gateway's request metrics: every answer is timed under the template of what answered it."""

from __future__ import annotations

from prometheus_client import REGISTRY

from logokraft_kit.metrics import HTTP_REQUEST_DURATION


def _count(route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value(f"{HTTP_REQUEST_DURATION._name}_count", labels) or 0.0


async def test_the_docs_and_the_studios_files_are_timed_under_their_own_route(client):
    """Before, only FastAPI's API routes were named: the docs, the OpenAPI document and the
    studio's static files (Starlette routes and a mount) were counted as `unmatched` with a
    200, so the dashboard's "unmatched" mixed real 404s with pages that were served."""
    answered = {
        "/openapi.json": "/openapi.json",
        "/docs": "/docs",
        "/studio/static/studio.js": "/studio/static/{path:path}",
    }
    before = {route: _count(route, "200") for route in answered.values()}
    unmatched_ok, unmatched_missing = _count("unmatched", "200"), _count("unmatched", "404")
    for url, route in answered.items():
        assert (await client.get(url)).status_code == 200, url
        assert _count(route, "200") == before[route] + 1, url
    assert (await client.get("/no/such/page")).status_code == 404
    assert _count("unmatched", "200") == unmatched_ok
    assert _count("unmatched", "404") == unmatched_missing + 1
