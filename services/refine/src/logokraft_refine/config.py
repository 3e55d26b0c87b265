"""The refine service's settings, read from the environment in one place."""

from __future__ import annotations

from pydantic import Field

from logokraft_kit.settings import CommonSettings


class RefineSettings(CommonSettings):
    """Where to listen."""

    shutdown_grace_s: float = Field(20.0, alias="LOGOKRAFT_SHUTDOWN_GRACE_S", ge=0)
