"""The local data directory: where embedded servers keep their data and per-install secrets live."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

DEFAULT_DATA_DIR = Path(".logokraft")


def ensure_data_dir(path: Path) -> Path:
    """Create the data directory (private to this user) and return its absolute path."""
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret(data_dir: Path, name: str, *, nbytes: int = 32) -> str:
    """Return the named secret of this data directory, generating it on first use.

    Secrets are random per data directory, never constants in the code, and are
    written with mode 0600 so only this user can read them. Processes that start
    together (the services of `make run`) all get the same value: the secret is written
    whole to a private temporary file and linked into place, so a reader never sees a
    half-written file and, of two first writers, the second reads the first's.
    """
    folder = ensure_data_dir(data_dir) / "secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / name
    if not path.exists():
        _create_once(path, secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def _create_once(path: Path, value: str) -> None:
    """Write `value` to `path` unless another process got there first."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as file:  # mkstemp's file is already 0600
            file.write(value)
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        os.unlink(temp)
