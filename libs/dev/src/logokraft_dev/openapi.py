"""docs/openapi.json: the gateway's OpenAPI document, exported from the app and kept in step.

    python -m logokraft_dev.openapi            # (re)write docs/openapi.json (`make openapi`)
    python -m logokraft_dev.openapi --check    # exit 1 when it differs from the app (`make lint`)

The document is built by the app itself (`create_app(...).openapi()`), on settings of a
throwaway data dir, and written as 2-space-indented JSON in the app's own key order with a
trailing newline: the same app always gives the same bytes. The TypeScript client
(clients/typescript, `make ts-client`) is generated from the committed file.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCUMENT = Path("docs/openapi.json")
REGENERATE = "make openapi"
MAX_DIFF_LINES = 40


def build_document() -> dict[str, Any]:
    """The gateway's OpenAPI document, as the running app serves it at /openapi.json."""
    from logokraft_gateway.app import create_app
    from logokraft_gateway.config import GatewaySettings

    with tempfile.TemporaryDirectory(prefix="logokraft-openapi-") as data_dir:
        # The document does not depend on the settings; a data dir of its own keeps any key
        # the settings might create out of the developer's.
        app = create_app(GatewaySettings(LOGOKRAFT_DATA_DIR=data_dir))
        return app.openapi()


def render(document: dict[str, Any]) -> str:
    """The document as committed: indented JSON, non-ASCII kept, one trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check(
    path: Path, expected: str, *, source: str = "the app", regenerate: str = REGENERATE
) -> str | None:
    """None when `path` holds `expected` (generated from `source`); else what is wrong and
    how to fix it."""
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"{path} does not exist; run `{regenerate}` to generate it from {source}."
    if current == expected:
        return None
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            expected.splitlines(),
            fromfile=f"{path} (committed)",
            tofile=f"{path} (from {source})",
            lineterm="",
        )
    )
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)")
    return "\n".join(
        [f"{path} is out of date with {source}. Run `{regenerate}` and commit the result.", *shown]
    )


def write_or_check(
    path: Path, expected: str, *, check_only: bool, source: str, regenerate: str
) -> int:
    """Write a generated file, or (`check_only`) say whether it is up to date: an exit code."""
    if check_only:
        problem = check(path, expected, source=source, regenerate=regenerate)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        print(f"{path} matches {source}")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(expected, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_dev.openapi", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=DOCUMENT, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="compare instead of writing; exit 1 when they differ"
    )
    args = parser.parse_args(argv)
    return write_or_check(
        args.out,
        render(build_document()),
        check_only=args.check,
        source="the gateway's API",
        regenerate=f"{REGENERATE} (then make ts-client)",
    )


if __name__ == "__main__":
    sys.exit(main())
