"""The four service images come from one deploy/service.Dockerfile, and everything that builds
them says so. Read as files; nothing is built (`make images` / `make compose-smoke` do that).

Each service's differences live in its own `service-<name>` stage, picked by `SERVICE`; these
tests check that every workspace service has one that listens where it says, runs its own
module, and that compose and scripts/images.sh build each image with its own `SERVICE`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO_ROOT / "deploy" / "service.Dockerfile"
GRPC_SERVICES = ("prompt", "imagegen", "refine")


def workspace_services() -> list[str]:
    """The services/<name> packages, by their project names (logokraft-<name>)."""
    names = []
    for pyproject in sorted(REPO_ROOT.glob("services/*/pyproject.toml")):
        name = tomllib.loads(pyproject.read_text())["project"]["name"]
        names.append(name.removeprefix("logokraft-"))
    return names


@cache
def stages() -> dict[str, list[str]]:
    """The Dockerfile's named stages: name -> its instructions (continuations joined)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            current = [line]
            words = line.split()
            found[words[3] if len(words) >= 4 and words[2] == "AS" else ""] = current
        else:
            current.append(line)
    return found


def instructions(stage: str, keyword: str) -> list[str]:
    return [i.split(None, 1)[1] for i in stages()[stage] if i.split()[0] == keyword]


def test_there_is_one_dockerfile_for_all_services() -> None:
    assert workspace_services() == ["gateway", "imagegen", "prompt", "refine"]
    assert list(REPO_ROOT.glob("services/*/Dockerfile")) == []
    assert stages()[""][0] == "FROM service-${SERVICE}", "the last stage must be the chosen one"
    build = " ".join(stages()["build"])
    assert '--package "logokraft-${SERVICE}"' in build


@pytest.mark.parametrize("service", ["gateway", *GRPC_SERVICES])
def test_each_service_has_a_stage_that_runs_its_module(service: str) -> None:
    stage = f"service-{service}"
    assert stage in stages(), f"{DOCKERFILE.name} has no stage {stage}"
    assert instructions(stage, "CMD") == [f'["python", "-m", "logokraft_{service}"]']
    [exposed] = instructions(stage, "EXPOSE")
    assert exposed.split()[-1] == "9100", "every image exposes its metrics port"


@pytest.mark.parametrize("service", GRPC_SERVICES)
def test_a_grpc_stage_listens_where_its_health_check_looks(service: str) -> None:
    env = " ".join(instructions(f"service-{service}", "ENV"))
    variable = f"LOGOKRAFT_{service.upper()}_GRPC"
    assert f"LOGOKRAFT_GRPC_ENV={variable}" in env
    port = re.search(rf"{variable}=0\.0\.0\.0:(\d+)", env)
    assert port, f"service-{service} does not set {variable}"
    assert instructions(f"service-{service}", "EXPOSE") == [f"{port[1]} 9100"]
    assert stages()[f"service-{service}"][0] == f"FROM grpc-service AS service-{service}"
    assert "LOGOKRAFT_GRPC_ENV" in " ".join(instructions("grpc-service", "HEALTHCHECK"))


def test_only_the_prompt_image_carries_the_sql() -> None:
    for name, lines in stages().items():
        copies_sql = any(line.startswith("COPY supabase/") for line in lines)
        assert copies_sql == (name == "service-prompt"), name
    assert "LOGOKRAFT_SUPABASE_DIR=/app/supabase" in " ".join(instructions("service-prompt", "ENV"))


def test_compose_builds_each_image_with_its_own_service() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())["services"]
    for service in workspace_services():
        build = compose[service]["build"]
        assert build["context"] == "."
        assert build["dockerfile"] == "deploy/service.Dockerfile"
        assert build["args"]["SERVICE"] == service
        assert compose[service]["image"].split("}", 1)[1].startswith(f"logokraft-{service}:")
        assert (REPO_ROOT / build["context"] / build["dockerfile"]).is_file()
    assert "build" not in compose["migrate"] and "build" not in compose["blobs-init"]


def test_images_script_builds_from_the_one_dockerfile() -> None:
    script = (REPO_ROOT / "scripts" / "images.sh").read_text()
    assert '--build-arg "SERVICE=$service" -f deploy/service.Dockerfile' in script
    assert "services/$service/Dockerfile" not in script
