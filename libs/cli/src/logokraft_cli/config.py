"""Where the CLI keeps its token and API URL, and which ones a command uses.

The file is `$XDG_CONFIG_HOME/logokraft/config.json` (`~/.config/logokraft/config.json` when
XDG_CONFIG_HOME is unset), written with mode 0600 in a 0700 folder: it holds a bearer token.
An explicit `--api` wins over LOGOKRAFT_API_URL, which wins over the stored URL; the
LOGOKRAFT_TOKEN environment variable wins over the stored token.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_API_URL = "http://127.0.0.1:8000"  # `make run`'s gateway (LOGOKRAFT_HTTP_PORT)
API_ENV = "LOGOKRAFT_API_URL"
TOKEN_ENV = "LOGOKRAFT_TOKEN"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "logokraft"


def config_path() -> Path:
    return config_dir() / "config.json"


def unreadable_reason() -> str | None:
    """Why the config file that exists cannot be used (None when it is fine or absent)."""
    try:
        text = config_path().read_text()
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or type(error).__name__
    try:
        data = json.loads(text)
    except ValueError:
        return "it is not JSON"
    return None if isinstance(data, dict) else "it is not a JSON object"


def load_config() -> dict[str, Any]:
    """The stored settings; empty when there are none or the file is unreadable."""
    try:
        data = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_config(data: dict[str, Any]) -> Path:
    """Write the settings atomically, readable by this user only (0600 in a 0700 folder)."""
    folder = config_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        folder.chmod(0o700)
    path = config_path()
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".config.", suffix=".json")  # 0600
    try:
        with os.fdopen(fd, "w") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


@dataclass(frozen=True)
class Settings:
    api_url: str
    token: str | None
    token_source: str  # "LOGOKRAFT_TOKEN", the config file's path, or "" when there is none


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url.endswith("/api/v1"):
        url = url.removesuffix("/api/v1")
    if "://" not in url:
        url = f"http://{url}"
    return url


def resolve(api: str | None = None) -> Settings:
    stored = load_config()
    url = api or os.environ.get(API_ENV, "").strip() or stored.get("api_url") or DEFAULT_API_URL
    env_token = os.environ.get(TOKEN_ENV, "").strip()
    if env_token:
        return Settings(normalise_url(url), env_token, TOKEN_ENV)
    token = stored.get("token")
    if isinstance(token, str) and token.strip():
        return Settings(normalise_url(url), token.strip(), str(config_path()))
    return Settings(normalise_url(url), None, "")


def token_from_environment() -> bool:
    """True when LOGOKRAFT_TOKEN is set, so it overrides whatever `login` stores."""
    return bool(os.environ.get(TOKEN_ENV, "").strip())
