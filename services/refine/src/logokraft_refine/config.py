"""The refine service's settings, read from the environment in one place."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from logokraft_domain.store import UserLimits
from logokraft_kit.settings import CommonSettings


class RefineLimits(BaseSettings):
    """Per-user limit on images, variations included (0 = unlimited); readable on its own."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    limit_images_per_day: int = Field(200, alias="LOGOKRAFT_LIMIT_IMAGES_PER_DAY", ge=0)

    @property
    def limits(self) -> UserLimits:
        """The limits as the core applies them (refining never starts a project)."""
        return UserLimits(images_per_day=self.limit_images_per_day, projects_in_flight=0)


class RefineSettings(CommonSettings, RefineLimits):
    """Where to listen, and which refiner (Gemini + Nano Banana, or the local editor) to use."""

    gemini_api_key: str | None = Field(None, alias="GEMINI_API_KEY")
    gemini_base_url: str | None = Field(None, alias="GEMINI_BASE_URL")
    gemini_api_version: str | None = Field(None, alias="GEMINI_API_VERSION")
    refine_text_model: str = Field("gemini-2.5-flash", alias="LOGOKRAFT_REFINE_TEXT_MODEL")
    # gemini-2.5-flash-image was shut down on 2026-10-02; its successor is the default.
    image_model: str = Field("gemini-3.1-flash-image", alias="LOGOKRAFT_GEMINI_IMAGE_MODEL")
    gemini_timeout_s: float = Field(120.0, alias="LOGOKRAFT_GEMINI_TIMEOUT_S", gt=0)
    refine_provider: Literal["auto", "gemini", "local"] = Field(
        "auto", alias="LOGOKRAFT_REFINE_PROVIDER"
    )
    local_concurrency: int = Field(2, alias="LOGOKRAFT_LOCAL_CONCURRENCY", ge=1, le=64)
    gemini_concurrency: int = Field(8, alias="LOGOKRAFT_NANO_BANANA_CONCURRENCY", ge=1, le=256)
    job_max_attempts: int = Field(5, alias="LOGOKRAFT_REFINE_MAX_ATTEMPTS", ge=1, le=20)
    job_ack_wait_s: float = Field(30.0, alias="LOGOKRAFT_REFINE_ACK_WAIT_S", gt=0)
    watch_poll_s: float = Field(5.0, alias="LOGOKRAFT_WATCH_POLL_S", gt=0)
    shutdown_grace_s: float = Field(20.0, alias="LOGOKRAFT_SHUTDOWN_GRACE_S", ge=0)

    @property
    def use_gemini(self) -> bool:
        """Gemini when asked for, or when a key is present and nothing else was asked for."""
        if self.refine_provider == "gemini":
            return True
        return self.refine_provider == "auto" and bool(self.gemini_api_key)

    @property
    def concurrency(self) -> int:
        """How many variations may be drawn at once with the chosen provider."""
        return self.gemini_concurrency if self.use_gemini else self.local_concurrency
