"""The OpenAPI document's readable parts: operationIds, tag descriptions and examples.

Clients generated from the document (clients/typescript, docs/openapi.json) name their
functions after the operationIds, so each operation has a stable camelCase one, chosen here
by method and path: `createProject`, not FastAPI's `create_project_api_v1_projects_post`.
A route missing from OPERATION_IDS still gets a readable one, its function's name in
camelCase (a test lists every route's id, so a new route shows up in review).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from logokraft_gateway.renditions import THUMBNAIL_SIZE

API = "/api/v1"

OPERATION_IDS: dict[tuple[str, str], str] = {
    ("POST", f"{API}/projects"): "createProject",
    ("GET", f"{API}/projects"): "listProjects",
    ("GET", f"{API}/projects/{{project_id}}"): "getProject",
    ("GET", f"{API}/projects/{{project_id}}/stream"): "streamProject",
    ("POST", f"{API}/projects/{{project_id}}/cancel"): "cancelProject",
    ("DELETE", f"{API}/projects/{{project_id}}"): "deleteProject",
    ("POST", f"{API}/assets/{{asset_id}}/refine"): "refineAsset",
    ("POST", f"{API}/assets/{{asset_id}}/retry"): "retryAsset",
    ("GET", f"{API}/assets/{{asset_id}}"): "getAsset",
    ("GET", f"{API}/assets/{{asset_id}}/lineage"): "getAssetLineage",
    ("GET", f"{API}/assets/{{asset_id}}/brand-kit"): "getAssetBrandKit",
    ("GET", f"{API}/files/{{bucket}}/{{path}}"): "getFile",
    ("GET", f"{API}/usage"): "getUsage",
    ("GET", "/healthz"): "getLiveness",
    ("GET", "/readyz"): "getReadiness",
}

TAGS: list[dict[str, str]] = [
    {
        "name": "projects",
        "description": "Brand projects: a brief and inspiration images in, logo candidates "
        "out, followed as Server-Sent Events; list, read, cancel and delete them.",
    },
    {
        "name": "assets",
        "description": "Generated logos: read one, its history of edits, refine it into "
        "variations with an instruction, and draw a failed candidate again.",
    },
    {
        "name": "files",
        "description": "Stored images served through signed, expiring URLs (local storage "
        "only; the URLs come in the assets' JSON).",
    },
    {"name": "usage", "description": "What the caller has used of their daily limits."},
    {"name": "health", "description": "Liveness and readiness probes for an orchestrator."},
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def operation_id(route: APIRoute) -> str:
    """The route's operationId: OPERATION_IDS by method and whole path, else its name."""
    for method in sorted(route.methods or ()):
        chosen = OPERATION_IDS.get((method, route.path_format))
        if chosen:
            return chosen
    return _camel(route.name)


# ---- examples ------------------------------------------------------------------------------

_PROJECT = "5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
_ASSET = "0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a"
_USER = "7c2e9a40-1b3d-5e6f-8a9b-0c1d2e3f4a5b"
_SIGNED = "expires=1764927000&signature=3q2-7w"
_AT = "2026-12-05T09:30:00Z"

BRIEF_FORM_EXAMPLE: dict[str, Any] = {
    "brand_name": "Acme Roasters",
    "slogan": "Small batch, big flavour",
    "industry": "coffee roastery",
    "description": "A neighbourhood roastery selling single-origin beans online.",
    "style": ["minimal", "warm"],
    "colors": ["navy and gold"],
    "logo_type": "combination",
    "num_candidates": 4,
}

REFINE_EXAMPLE: dict[str, Any] = {"instruction": "make it navy and drop the tagline"}

# The asset JSON's values by field; a field not named here gets null (every other field of
# AssetPublic is nullable), so the example follows the schema as it grows.
_ASSET_VALUES: dict[str, Any] = {
    "id": _ASSET,
    "project_id": _PROJECT,
    "parent_asset_id": None,
    "status": "completed",
    "position": 1,
    "prompt": "A minimal combination mark for Acme Roasters: a coffee bean inside a navy "
    "circle, the name in a warm serif, gold accents, flat vector, white background.",
    "instruction": None,
    "image_url": f"https://api.example.com{API}/files/assets/{_USER}/{_PROJECT}/{_ASSET}.png"
    f"?{_SIGNED}",
    "svg_url": f"https://api.example.com{API}/files/assets/{_USER}/{_PROJECT}/{_ASSET}.svg"
    f"?{_SIGNED}",
    "thumbnail_url": f"https://api.example.com{API}/files/assets/{_USER}/{_PROJECT}/{_ASSET}.png"
    f"?{_SIGNED}&size={THUMBNAIL_SIZE}",
    "brand_kit_url": f"{API}/assets/{_ASSET}/brand-kit",  # relative: fetch it with the token
    "width": 1024,
    "height": 1024,
    "provider": "local",
    "error": None,
    "metadata": {},
    "created_at": _AT,
    "updated_at": _AT,
    "queue_position": None,
}


def asset_example(schema: dict[str, Any]) -> dict[str, Any]:
    """An example of the asset JSON with exactly the properties of its schema."""
    return {name: copy.deepcopy(_ASSET_VALUES.get(name)) for name in schema.get("properties", {})}


def _media(document: dict[str, Any], path: str, method: str, where: str) -> dict[str, Any] | None:
    operation = document.get("paths", {}).get(path, {}).get(method)
    if operation is None:
        return None
    if where == "request":
        content = operation.get("requestBody", {}).get("content", {})
    else:
        content = operation.get("responses", {}).get(where, {}).get("content", {})
    return next(iter(content.values()), None)


def add_examples(document: dict[str, Any]) -> None:
    """Examples of a refinement and of the asset JSON (the brief's form states its own, in
    intake.new_project_openapi)."""
    refine = _media(document, f"{API}/assets/{{asset_id}}/refine", "post", "request")
    if refine is not None:
        refine["example"] = copy.deepcopy(REFINE_EXAMPLE)
    asset_schema = document.get("components", {}).get("schemas", {}).get("AssetPublic")
    asset = _media(document, f"{API}/assets/{{asset_id}}", "get", "200")
    if asset is not None and asset_schema is not None:
        asset["example"] = asset_example(asset_schema)


def install_contract(app: FastAPI) -> None:
    """Add the examples to the app's document when it is first built."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_examples(build())  # FastAPI keeps what it built in app.openapi_schema
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
