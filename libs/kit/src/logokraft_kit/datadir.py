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


MIN_SECRET_BYTES = 32
SECRETS_FOLDER = "secrets"


class WeakSecret(ValueError):
    """A stored or given secret too short to sign anything with."""


def secrets_folder(data_dir: Path) -> Path:
    """Where a data directory keeps its secrets unless LOGOKRAFT_SECRETS_DIR says otherwise."""
    return data_dir / SECRETS_FOLDER


def checked_secret(value: str, *, source: str) -> str:
    """`value`, refused (WeakSecret) when shorter than MIN_SECRET_BYTES; `source` names it."""
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise WeakSecret(
            f"{source} is {len(value.encode())} bytes long; secrets must be at least "
            f"{MIN_SECRET_BYTES} bytes (delete the file to have a new one generated, or give "
            "a longer value)"
        )
    return value


def secret(data_dir: Path, name: str, *, nbytes: int = 32, folder: Path | None = None) -> str:
    """Return the named secret of this data directory, generating it on first use.

    Secrets are random per data directory, never constants in the code, and are
    written with mode 0600 so only this user can read them. Processes that start
    together (the services of `make run`) all get the same value: the secret is written
    whole to a private temporary file and linked into place, so a reader never sees a
    half-written file and, of two first writers, the second reads the first's.

    They live in `folder` (LOGOKRAFT_SECRETS_DIR), by default `<data_dir>/secrets`. A stored
    secret shorter than 32 bytes is refused (WeakSecret) rather than used.
    """
    folder = (folder.expanduser() if folder is not None else secrets_folder(data_dir)).resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        _create_once(path, secrets.token_urlsafe(max(nbytes, MIN_SECRET_BYTES)))
    return checked_secret(path.read_text().strip(), source=f"the secret in {path}")


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
