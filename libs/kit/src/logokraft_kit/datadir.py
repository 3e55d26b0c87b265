"""The local data directory: where embedded servers keep their data and per-install secrets live."""

from __future__ import annotations

import os
import secrets
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
    written with mode 0600 so only this user can read them.
    """
    folder = ensure_data_dir(data_dir) / "secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / name
    if not path.exists():
        value = secrets.token_urlsafe(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, value.encode())
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    return path.read_text().strip()
