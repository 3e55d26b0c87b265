"""The OpenAPI contract: docs/openapi.json is the app's document, with readable operationIds,
described tags and valid examples (clients/typescript is generated from it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema_rs
import pytest

from logokraft_dev import openapi as export
from logokraft_dev import tsclient
from logokraft_gateway.brief import BriefCreate
from logokraft_gateway.contract import OPERATION_IDS
from logokraft_gateway.schemas import AssetPublic, RefineRequestPublic

REPO_ROOT = Path(__file__).resolve().parents[3]
COMMITTED = REPO_ROOT / "docs" / "openapi.json"

READABLE = {
    ("post", "/api/v1/projects"): "createProject",
    ("get", "/api/v1/projects"): "listProjects",
    ("get", "/api/v1/projects/{project_id}"): "getProject",
    ("get", "/api/v1/projects/{project_id}/stream"): "streamProject",
    ("post", "/api/v1/projects/{project_id}/cancel"): "cancelProject",
    ("delete", "/api/v1/projects/{project_id}"): "deleteProject",
    ("post", "/api/v1/assets/{asset_id}/refine"): "refineAsset",
    ("post", "/api/v1/assets/{asset_id}/retry"): "retryAsset",
    ("get", "/api/v1/assets/{asset_id}"): "getAsset",
    ("get", "/api/v1/assets/{asset_id}/lineage"): "getAssetLineage",
    ("get", "/api/v1/files/{bucket}/{path}"): "getFile",
    ("get", "/api/v1/usage"): "getUsage",
    ("get", "/healthz"): "getLiveness",
    ("get", "/readyz"): "getReadiness",
}
BRAND_KIT = ("get", "/api/v1/assets/{asset_id}/brand-kit")  # when that route is there


@pytest.fixture(scope="module")
def document() -> dict:
    return export.build_document()


def operations(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_the_committed_document_is_the_apps(document):
    problem = export.check(COMMITTED, export.render(document))
    assert problem is None, problem


def test_the_document_is_the_same_bytes_every_time(document):
    assert export.render(export.build_document()) == export.render(document)
    assert export.render(document).endswith("}\n")


def test_every_operation_has_its_readable_id(document):
    ids = {key: operation.get("operationId") for key, operation in operations(document).items()}
    for key, expected in READABLE.items():
        assert ids.get(key) == expected, key
    if BRAND_KIT in ids:
        assert ids[BRAND_KIT] == "getAssetBrandKit"
    assert len(set(ids.values())) == len(ids), "operationIds must be unique"
    for key, operation_id in ids.items():
        assert operation_id and re.fullmatch(r"[a-z][A-Za-z0-9]*", operation_id), key
    assert set(READABLE.values()) | {"getAssetBrandKit"} == set(OPERATION_IDS.values())


def test_only_the_api_and_the_probes_are_in_the_document(document):
    for path in document["paths"]:
        assert path.startswith("/api/v1/") or path in ("/healthz", "/readyz"), path


def test_every_tag_is_described(document):
    described = {tag["name"]: tag.get("description") for tag in document["tags"]}
    assert all(described.values())
    for key, operation in operations(document).items():
        assert operation["tags"] and set(operation["tags"]) <= set(described), key


def test_the_examples_are_valid(document):
    paths = document["paths"]
    form = paths["/api/v1/projects"]["post"]["requestBody"]["content"]["multipart/form-data"]
    jsonschema_rs.validate(form["schema"], form["example"])
    BriefCreate.model_validate(form["example"])

    refine = paths["/api/v1/assets/{asset_id}/refine"]["post"]["requestBody"]["content"]
    RefineRequestPublic.model_validate(refine["application/json"]["example"])

    asset = paths["/api/v1/assets/{asset_id}"]["get"]["responses"]["200"]["content"]
    example = asset["application/json"]["example"]
    assert set(example) == set(document["components"]["schemas"]["AssetPublic"]["properties"])
    assert AssetPublic.model_validate(example).model_dump(mode="json")["id"] == example["id"]


def test_check_says_how_to_fix_a_stale_document(tmp_path, document, capsys):
    stale = tmp_path / "openapi.json"
    assert "does not exist" in export.check(stale, "{}\n")
    changed = json.loads(export.render(document))
    changed["info"]["version"] = "0.0.0"
    stale.write_text(export.render(changed))
    assert export.main(["--check", "--out", str(stale)]) == 1
    message = capsys.readouterr().err
    assert "is out of date" in message and "make openapi" in message
    assert '-    "version": "0.0.0"' in message

    assert export.main(["--out", str(stale)]) == 0
    assert export.main(["--check", "--out", str(stale)]) == 0
    assert stale.read_text() == export.render(document)


# ---- the TypeScript client (clients/typescript, generated from docs/openapi.json) -----------

TS_CLIENT = REPO_ROOT / "clients" / "typescript"


def test_the_committed_typescript_client_is_generated_from_the_committed_document():
    expected = tsclient.generate(json.loads(COMMITTED.read_text(encoding="utf-8")))
    problem = export.check(
        TS_CLIENT / "src" / "logokraft.ts", expected, regenerate=tsclient.REGENERATE
    )
    assert problem is None, problem


def test_the_client_has_a_method_per_operation(document):
    source = tsclient.generate(document)  # the app's document: the generator must handle it
    for operation in operations(document).values():
        assert f"  {operation['operationId']}(" in source
    assert "export type StreamProjectEvent =" in source
    assert "export interface CreateProjectForm {" in source


def test_the_generator_refuses_what_it_cannot_type():
    document = {
        "paths": {},
        "components": {"schemas": {"Odd": {"allOf": [{"type": "string"}]}}},
    }
    with pytest.raises(tsclient.UnsupportedSchema, match="allOf"):
        tsclient.generate(document)


def _tsc() -> list[str] | None:
    local = TS_CLIENT / "node_modules" / ".bin" / "tsc"
    if local.exists():
        return [str(local)]
    found = shutil.which("tsc")
    return [found] if found else None


def test_the_typescript_client_and_its_example_type_check():
    tsc = _tsc()
    if tsc is None:
        pytest.skip(
            "tsc is not installed: `make ts-client-check` installs the pinned TypeScript "
            "(npm ci in clients/typescript) and type-checks"
        )
    result = subprocess.run(
        [*tsc, "-p", "tsconfig.json"],
        cwd=TS_CLIENT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_typescript_client_runs(tmp_path):
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        pytest.skip("tsc or node is not installed (`make ts-client-check` installs tsc)")
    compiled = subprocess.run(
        [*tsc, "src/logokraft.ts", "--outDir", str(tmp_path), "--target", "ES2022",
         "--module", "ESNext", "--lib", "ES2022,DOM,DOM.Iterable", "--skipLibCheck"],
        cwd=TS_CLIENT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    module = (tmp_path / "logokraft.js").rename(tmp_path / "logokraft.mjs")
    ran = subprocess.run(
        [node, "test/smoke.mjs", str(module)],
        cwd=TS_CLIENT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    seen = json.loads(ran.stdout)

    assert seen["events"] == [
        {"event": "snapshot", "id": "1", "data": {"project": {"id": "p"}}},
        {"event": "queue", "data": {"positions": []}},
        {"event": "done", "id": "2", "data": {"status": "completed"}},
    ]
    create, page, refine, usage = seen["calls"]
    assert (create["method"], create["url"]) == ("POST", "http://gateway.test/api/v1/projects")
    assert create["headers"]["authorization"] == "Bearer T"
    assert create["headers"]["idempotency-key"] == "k"
    assert create["body"] == ["brand_name", "colors", "colors", "inspiration_images"]
    assert page["url"] == "http://gateway.test/api/v1/projects?limit=5"
    assert refine["url"] == "http://gateway.test/api/v1/assets/a%2Fb/refine"
    assert refine["headers"]["content-type"] == "application/json"
    assert json.loads(refine["body"]) == {"instruction": "navy"}
    assert usage["url"] == "http://gateway.test/api/v1/usage"
    assert seen["error"] == {
        "isClientError": True, "status": 429, "code": "rate_limited", "retryAfter": 7
    }  # fmt: skip


def test_every_operation_that_reads_a_body_documents_its_size_limit(document):
    """The body limits answer 413 (body_limits.py) before a route runs: a client generated
    from the document needs that status wherever it sends a body."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                assert "413" in operation["responses"], f"{method.upper()} {path}"
                # ... and a compressed body's 415 (Content-Encoding), likewise.
                assert "415" in operation["responses"], f"{method.upper()} {path}"
