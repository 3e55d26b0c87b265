"""The gateway's shape: routes apart, and the domain's rules stated once.

(No import circle anywhere, the gateway included, is tests/test_architecture.py's check.)

The rules of a brief and of a refinement are the domain's (logokraft_domain.brief,
.refinement); the request models, the public `LogoType` and the OpenAPI form of
POST /api/v1/projects must say the same.
"""

from __future__ import annotations

import ast
import typing
import uuid
from pathlib import Path

import logokraft_gateway
from logokraft_domain import brief as rules
from logokraft_domain import refinement
from logokraft_gateway.app import create_app
from logokraft_gateway.auth import STREAM_PATH
from logokraft_gateway.brief import UNDERSTOOD_COLOUR_FIELDS, BriefCreate
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.intake import new_project_openapi
from logokraft_gateway.schemas import BriefPublic, LogoType, RefineRequestPublic
from logokraft_gateway.uploads import IMAGE_FIELD

PACKAGE = "logokraft_gateway"
ROOT = Path(logokraft_gateway.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Every gateway module and the gateway modules it imports, at any depth of its code."""
    modules = {_module_name(path): path for path in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from package import module` imports the module itself.
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def test_routes_never_import_each_other_and_idempotency_knows_no_routes():
    graph = _imports()
    routes = {name for name in graph if name.startswith(f"{PACKAGE}.api.routes.")}
    for route in routes:
        assert not graph[route] & routes, route
    assert not {t for t in graph[f"{PACKAGE}.idempotency"] if t.startswith(f"{PACKAGE}.api")}


def test_logo_types_are_the_domains():
    assert typing.get_args(LogoType) == rules.LOGO_TYPES


def test_the_request_model_takes_the_domains_limits():
    fields = BriefCreate.model_fields
    assert list(fields)[: len(rules.TEXT_RULES)] == [rule.name for rule in rules.TEXT_RULES]
    for rule in rules.TEXT_RULES:
        assert fields[rule.name].is_required() == rule.required
    # The public shape of a stored brief has the same fields as the one a client sends.
    assert list(fields) == list(BriefPublic.model_fields)
    assert fields["num_candidates"].default == rules.DEFAULT_CANDIDATES


def test_the_new_project_form_is_derived_from_the_rules():
    body = new_project_openapi()["requestBody"]
    assert body["required"] is True
    schema = body["content"]["multipart/form-data"]["schema"]
    properties = schema["properties"]
    assert schema["required"] == [rule.name for rule in rules.TEXT_RULES if rule.required]
    assert schema["required"] == [rules.BRAND_NAME.name]
    for rule in rules.TEXT_RULES:
        assert properties[rule.name]["maxLength"] == rule.max_length
    assert properties["brand_name"]["maxLength"] == rules.BRAND_NAME.max_length
    assert properties["brand_name"]["minLength"] == 1
    assert properties["style"]["maxItems"] == rules.MAX_STYLE_KEYWORDS
    assert properties["style"]["items"]["maxLength"] == rules.MAX_STYLE_KEYWORD_LENGTH
    assert properties["colors"]["maxItems"] == rules.MAX_COLORS
    assert properties["logo_type"]["enum"] == list(rules.LOGO_TYPES)
    candidates = properties["num_candidates"]
    assert (candidates["minimum"], candidates["maximum"], candidates["default"]) == (
        rules.MIN_CANDIDATES,
        rules.MAX_CANDIDATES,
        rules.DEFAULT_CANDIDATES,
    )
    assert properties[IMAGE_FIELD]["maxItems"] == rules.MAX_INSPIRATION_IMAGES
    # Every field the form documents is one the model (or the image upload) takes; what the
    # colour fields were understood as is the model's own, never sent.
    assert set(properties) == {*BriefCreate.model_fields, IMAGE_FIELD} - {*UNDERSTOOD_COLOUR_FIELDS}
    assert properties["colors"]["items"]["maxLength"] == rules.MAX_COLOR_FIELD_LENGTH


def test_the_app_documents_the_derived_form(tmp_path):
    app = create_app(GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path))
    operation = app.openapi()["paths"]["/api/v1/projects"]["post"]
    assert operation["requestBody"] == new_project_openapi()["requestBody"]


def test_the_refine_request_takes_the_domains_limits():
    schema = RefineRequestPublic.model_json_schema()["properties"]
    assert schema["instruction"]["maxLength"] == refinement.MAX_INSTRUCTION
    variations = schema["num_variations"]
    assert (variations["minimum"], variations["maximum"], variations["default"]) == (
        refinement.MIN_VARIATIONS,
        refinement.MAX_VARIATIONS,
        refinement.DEFAULT_VARIATIONS,
    )


def test_stream_urls_point_at_the_stream_route(tmp_path):
    app = create_app(GatewaySettings(LOGOKRAFT_DATA_DIR=tmp_path))
    project_id = uuid.uuid4()
    route = app.url_path_for("stream_project", project_id=str(project_id))
    assert route == STREAM_PATH.format(project_id=project_id)
