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


def check(path: Path, expected: str) -> str | None:
    """None when `path` holds `expected`; else what is wrong and how to fix it."""
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"{path} does not exist; run `{REGENERATE}` to write it from the gateway's app."
    if current == expected:
        return None
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            expected.splitlines(),
            fromfile=f"{path} (committed)",
            tofile=f"{path} (from the app)",
            lineterm="",
        )
    )
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)")
    return "\n".join(
        [
            f"{path} is out of date: the gateway's API changed. Run `{REGENERATE}` "
            "(and `make ts-client`) and commit the result.",
            *shown,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logokraft_dev.openapi", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=DOCUMENT, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="compare instead of writing; exit 1 when they differ"
    )
    args = parser.parse_args(argv)
    expected = render(build_document())
    if args.check:
        problem = check(args.out, expected)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        print(f"{args.out} matches the gateway's API")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(expected, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
