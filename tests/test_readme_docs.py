"""What README.md and docs/ tell a new user to type exists as they say.

Read as files, nothing started but `make help`: every `make <target>` the docs name is a
target `make help` lists (a reader who types `make help` to find `make format` or `make
setup` found neither), and every variable in the README's configuration table is one a
settings class reads (a misspelt or renamed variable would be silently ignored, as
`extra="ignore"` settings ignore any other).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]

# `make X` where X is a target (lower case words joined by hyphens), in code or backticks.
MAKE_TARGET = re.compile(r"(?:^|[`\s(])make (?:-s )?([a-z][a-z-]*[a-z])\b", re.MULTILINE)
NOT_TARGETS = {"it", "the", "a", "variations"}  # prose: "make it navy", "make the text bigger"


def documented_targets() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for doc in DOCS:
        for target in MAKE_TARGET.findall(doc.read_text(encoding="utf-8")):
            if target not in NOT_TARGETS:
                found.setdefault(target, []).append(doc.name)
    return found


def help_targets() -> set[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    shown = subprocess.run(
        [make, "-s", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"^make ([a-z][a-z-]*)", shown, re.MULTILINE))


def test_every_make_target_the_docs_name_is_listed_by_make_help() -> None:
    documented = documented_targets()
    assert {"run", "test", "token", "setup", "format"} <= documented.keys()  # the scan works
    listed = help_targets()
    missing = {target: docs for target, docs in documented.items() if target not in listed}
    assert not missing, f"named in the docs but not in `make help`: {missing}"


def configuration_table_variables() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n\n", 2)[1]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def settings_variables() -> set[str]:
    """Every environment variable a settings class of a process reads (by its alias)."""
    import logokraft_gateway.config
    import logokraft_gateway.ratelimit
    import logokraft_imagegen.config
    import logokraft_prompt.config
    import logokraft_refine.config
    from logokraft_kit.settings import EnvSettings

    del logokraft_gateway, logokraft_imagegen, logokraft_prompt, logokraft_refine
    names: set[str] = set()
    pending = [EnvSettings]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        names |= {field.alias for field in cls.model_fields.values() if field.alias}
    return names


# Read by `make run`'s supervisor and the standard OpenTelemetry SDK, not by a settings class.
NOT_SETTINGS = {"OTEL_EXPORTER_OTLP_ENDPOINT"}


def test_the_readme_configuration_table_names_variables_the_settings_read() -> None:
    documented = configuration_table_variables()
    assert {"LOGOKRAFT_DATA_DIR", "LOGOKRAFT_DRAW_TIMEOUT_S"} <= documented  # the scan works
    unknown = documented - settings_variables() - NOT_SETTINGS
    assert not unknown, f"in the README's configuration table but read by no settings: {unknown}"


def fake_executable(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def test_make_token_prints_only_the_token_on_a_machine_without_uv(tmp_path: Path) -> None:
    """`export TOKEN=$(make -s token)` (the README's quick start) on a machine without uv got
    "uv not found; installing it into .tools/ from PyPI" before the token: make's own notes
    went to stdout, so $TOKEN was not a token. Here uv and pip are stand-ins, so nothing is
    downloaded: the Makefile's install rule makes a venv with the stand-in "python", whose pip
    "installs" a uv that prints the token when run."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    work = tmp_path / "repo"
    work.mkdir()
    (work / "Makefile").write_text((REPO_ROOT / "Makefile").read_text(encoding="utf-8"))
    (work / "uv.lock").touch()
    (work / "pyproject.toml").touch()
    fake_uv = 'case "$1" in run) echo the-token ;; *) echo "uv $*" >&2; mkdir -p .venv ;; esac'
    uv = work / ".tools" / "bin" / "uv"
    fake_pip = f"cat > {uv} <<'UV'\n#!/bin/sh\n{fake_uv}\nUV\nchmod +x {uv}"
    python = tmp_path / "python"
    fake_executable(
        python,
        f'[ "$1 $2" = "-m venv" ] || exit 9\nmkdir -p "$3/bin"\n'
        f'cat > "$3/bin/pip" <<\'PIP\'\n#!/bin/sh\n{fake_pip}\nPIP\nchmod +x "$3/bin/pip"',
    )
    path = ":".join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir())
    assert subprocess.run(["sh", "-c", "command -v uv"], env={"PATH": path}).returncode != 0
    made = subprocess.run(
        [make, "-s", "token", f"PYTHON={python}"],
        cwd=work,
        env={"PATH": path, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout == "the-token\n", made.stdout
    assert "uv not found" in made.stderr
