"""The proto contract guard that `make check-protos` runs: buf lint, and buf breaking of the
working tree's protos/ against every version of it landed since the accepted baseline.

The breaking tests build a throwaway git repository from a copy of the real protos/ and run the
very command the Makefile runs (`python -m logokraft_dev.proto_contract`), given that
repository's root and baseline, so they prove the real check, not a stand-in for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logokraft_dev.proto_contract import BASELINE, find_buf, landed_versions

REPO_ROOT = Path(__file__).resolve().parents[3]
PROTOS = REPO_ROOT / "protos"
COMMON = "protos/logokraft/v1/common.proto"
PROMPT = "protos/logokraft/v1/prompt_service.proto"

# git without the machine's or the user's configuration (no signing, no hooks, fixed author).
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=GIT_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    file.write_text(text.replace(old, new))


def run_check(repo: Path, baseline: str) -> subprocess.CompletedProcess[str]:
    """The Makefile's command, for this repository and baseline."""
    return subprocess.run(
        [
            *(sys.executable, "-m", "logokraft_dev.proto_contract"),
            *("--root", str(repo), "--baseline", baseline),
        ],
        env=GIT_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding today's protos/ (buf.yaml included), and that commit's sha."""
    root = tmp_path / "repo"
    shutil.copytree(PROTOS, root / "protos")
    git(root, "init", "-q")
    return root, commit(root, "today's contract")


def test_buf_lint_passes_on_the_real_protos() -> None:
    done = subprocess.run(
        [find_buf(), "lint", "protos"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_buf_lint_applies_the_standard_rules(tmp_path: Path) -> None:
    shutil.copytree(PROTOS, tmp_path / "protos")
    edit(tmp_path, COMMON, "  string bucket = 1;", "  string bucketName = 1;")
    done = subprocess.run(
        [find_buf(), "lint", "protos"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert 'Field name "bucketName" should be lower_snake_case' in done.stdout, done.stdout


def test_the_unchanged_contract_passes(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    done = run_check(root, baseline)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "compatible with 1 landed version(s)" in done.stdout


def test_a_renumbered_field_fails(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    edit(root, COMMON, "  string bucket = 1;", "  string bucket = 9;")
    done = run_check(root, baseline)
    assert done.returncode == 1
    assert (
        'Previously present field "1" with name "bucket" on message "StorageRef" was deleted.'
        in done.stdout
    ), done.stdout
    assert "breaks the contract landed in" in done.stderr


def test_a_removed_rpc_fails(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    edit(root, PROMPT, "  rpc GetProject(GetProjectRequest) returns (GetProjectResponse);\n", "")
    done = run_check(root, baseline)
    assert done.returncode == 1
    assert (
        'Previously present RPC "GetProject" on service "PromptService" was deleted.' in done.stdout
    ), done.stdout


def test_a_changed_field_type_fails(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    edit(root, COMMON, "  string bucket = 1;", "  int64 bucket = 1;")
    done = run_check(root, baseline)
    assert done.returncode == 1
    assert (
        'Field "1" with name "bucket" on message "StorageRef" changed type from "string" to "int64"'
        in done.stdout
    ), done.stdout


def test_a_removed_field_fails(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    edit(root, COMMON, "  string content_type = 3;\n", "")
    done = run_check(root, baseline)
    assert done.returncode == 1
    assert 'Previously present field "3" with name "content_type"' in done.stdout, done.stdout


def test_a_new_field_and_a_new_rpc_pass(repo: tuple[Path, str]) -> None:
    root, baseline = repo
    edit(
        root,
        COMMON,
        "  string content_type = 3;\n",
        "  string content_type = 3;\n  // etag is new.\n  string etag = 4;\n",
    )
    edit(
        root,
        PROMPT,
        "service PromptService {\n",
        "service PromptService {\n"
        "  // Ping is new.\n  rpc Ping(PingRequest) returns (PingResponse);\n",
    )
    with (root / PROMPT).open("a") as file:
        file.write(
            "\n// PingRequest is new.\nmessage PingRequest {}\n"
            "\n// PingResponse is new.\nmessage PingResponse {}\n"
        )
    done = run_check(root, baseline)
    assert done.returncode == 0, done.stdout + done.stderr
    lint = subprocess.run(
        [find_buf(), "lint", "protos"], cwd=root, capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout


def test_a_break_committed_after_the_baseline_fails_on_a_clean_tree(
    repo: tuple[Path, str],
) -> None:
    """A fresh clone of main: HEAD is the last landed commit, and it may carry the break."""
    root, baseline = repo
    edit(root, COMMON, "  string bucket = 1;", "  string bucket = 9;")
    commit(root, "renumber a field")
    edit(root, "protos/buf.yaml", "version: v2", "version: v2 # a later, harmless commit")
    commit(root, "touch protos again")
    assert git(root, "status", "--porcelain") == ""
    done = run_check(root, baseline)
    assert done.returncode == 1
    assert 'Previously present field "1" with name "bucket"' in done.stdout, done.stdout
    assert f"breaks the contract landed in {baseline[:12]}" in done.stderr


def test_a_break_at_the_baseline_is_accepted(repo: tuple[Path, str]) -> None:
    """Moving the baseline to the commit that made a break accepts that break (and only it)."""
    root, _ = repo
    edit(root, PROMPT, "  rpc GetProject(GetProjectRequest) returns (GetProjectResponse);\n", "")
    accepted = commit(root, "GetProject leaves the contract, deliberately")
    done = run_check(root, accepted)
    assert done.returncode == 0, done.stdout + done.stderr
    edit(root, COMMON, "  string bucket = 1;", "  string bucket = 9;")
    assert run_check(root, accepted).returncode == 1


def test_a_baseline_missing_from_history_is_an_error_not_a_pass(repo: tuple[Path, str]) -> None:
    root, _ = repo
    done = run_check(root, "0" * 40)
    assert done.returncode == 2
    assert "is not in this repository" in done.stderr


def test_the_real_baseline_is_the_commit_that_removed_generate_image() -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if git(REPO_ROOT, "rev-parse", "--is-shallow-repository") == "true":
        pytest.skip("shallow clone: the baseline's history is not here")
    path = "protos/logokraft/v1/imagegen_service.proto"
    before = git(REPO_ROOT, "show", f"{BASELINE}^:{path}")
    after = git(REPO_ROOT, "show", f"{BASELINE}:{path}")
    assert "rpc GenerateImage(" in before
    assert "rpc GenerateImage(" not in after
    versions = landed_versions(REPO_ROOT, BASELINE)
    assert versions[-1].sha == BASELINE
