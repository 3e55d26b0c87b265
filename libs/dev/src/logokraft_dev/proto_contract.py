"""The proto contract guard: `buf breaking` of protos/ against every landed version of it.

Services are deployed one at a time, so a service built from an older commit must keep
talking to one built from this tree. `make check-protos` runs this module from the
repository root; it compares the working tree's protos/ with protos/ as it was in BASELINE
and in every later commit of HEAD's history that touched protos/ (`git rev-list
BASELINE..HEAD -- protos`), with buf's FILE rules (protos/buf.yaml). Comparing against each
landed version, not only HEAD, is what makes it work on a fresh clone, where HEAD *is* the
last landed main: a break committed after BASELINE fails as surely as one in the working tree.

BASELINE is the last deliberately accepted break. Moving it is for a break that every team has
agreed to and that all services are redeployed together for; the proper way to change the
contract is a new package (logokraft.v2) beside v1, which needs no move. To accept a break in v1:
commit the break, then set BASELINE to that commit's full sha in a following commit (a commit
cannot name its own sha; the check fails between the two), and say why in the commit message.
BASELINE must be in main's history: a rebase or squash that rewrites it needs it set again.

Usage: python -m logokraft_dev.proto_contract [--root DIR] [--baseline SHA] [--buf PATH]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The commit that deliberately removed ImagegenService.GenerateImage (8cb6042, "GenerateImage
# leaves the contract"), accepted before this guard existed. Move it only as the docstring says.
BASELINE = "8cb60421fe5ebede559d525eb832f53ea41e5d38"

PROTOS = "protos"


class ContractError(Exception):
    """The check could not be run (not a breaking change: a setup problem)."""


@dataclass(frozen=True)
class Landed:
    """One landed version of protos/: the newest commit with that tree, and its subject."""

    sha: str
    subject: str


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ContractError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def landed_versions(root: Path, baseline: str) -> list[Landed]:
    """Each distinct protos/ tree from BASELINE to HEAD, newest first, BASELINE always last."""
    try:
        base = _git(root, "rev-parse", "--verify", "--quiet", f"{baseline}^{{commit}}")
    except ContractError:
        shallow = _git(root, "rev-parse", "--is-shallow-repository") == "true"
        hint = " (this is a shallow clone: git fetch --unshallow)" if shallow else ""
        raise ContractError(
            f"the proto contract's baseline {baseline} is not in this repository{hint}"
        ) from None
    ancestor = subprocess.run(
        ["git", "-C", str(root), "merge-base", "--is-ancestor", base, "HEAD"], check=False
    )
    if ancestor.returncode != 0:
        raise ContractError(f"the proto contract's baseline {base} is not an ancestor of HEAD")
    shas = _git(root, "rev-list", f"{base}..HEAD", "--", PROTOS).split()
    shas.append(base)
    seen: set[str] = set()
    versions = []
    for sha in shas:
        try:
            tree = _git(root, "rev-parse", "--verify", "--quiet", f"{sha}:{PROTOS}")
        except ContractError:
            continue  # protos/ did not exist there: nothing to stay compatible with
        if tree in seen:
            continue
        seen.add(tree)
        versions.append(Landed(sha, _git(root, "log", "-1", "--format=%s", sha)))
    return versions


def find_buf() -> str:
    """The buf of this environment (PyPI's buf-bin puts it beside the interpreter)."""
    beside = shutil.which("buf", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("buf")
    if found is None:
        raise ContractError("buf not found: it comes from the dev group's buf-bin (uv sync)")
    return found


def check(root: Path, baseline: str = BASELINE, buf: str | None = None) -> int:
    """Run buf breaking against each landed version; print the outcome; 0 when compatible."""
    root = root.resolve()
    buf = buf or find_buf()
    git_dir = _git(root, "rev-parse", "--path-format=absolute", "--git-common-dir")
    versions = landed_versions(root, baseline)
    for version in versions:
        against = f"{git_dir}#format=git,ref={version.sha},subdir={PROTOS}"
        done = subprocess.run(
            [buf, "breaking", PROTOS, "--against", against],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stdout.write(done.stdout)
            sys.stderr.write(done.stderr)
            print(
                f"buf breaking: protos/ breaks the contract landed in {version.sha[:12]} "
                f"({version.subject[:72]}).\n"
                "A service deployed from that commit would misread or miss these. Add fields, "
                "messages and RPCs instead of changing them, reserve removed numbers and names, "
                "or put the new contract in a new package (logokraft.v2); see "
                "libs/dev/src/logokraft_dev/proto_contract.py for accepting a break.",
                file=sys.stderr,
            )
            return 1
    print(
        f"buf breaking: protos/ is compatible with {len(versions)} landed version(s) "
        f"since the baseline {versions[-1].sha[:12]}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root")
    parser.add_argument("--baseline", default=BASELINE, help="the last accepted break's commit")
    parser.add_argument("--buf", default=None, help="the buf binary (default: this env's)")
    args = parser.parse_args(argv)
    try:
        return check(args.root, args.baseline, args.buf)
    except ContractError as error:
        print(f"proto contract check could not run: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
