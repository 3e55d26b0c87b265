"""The prompt service's settings, read from the environment in one place."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from logokraft_domain.store import UserLimits
from logokraft_kit.settings import CommonSettings


class PromptLimits(BaseSettings):
    """Per-user limits on new projects (0 = unlimited); readable without the rest."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    limit_images_per_day: int = Field(200, alias="LOGOKRAFT_LIMIT_IMAGES_PER_DAY", ge=0)
    limit_projects_in_flight: int = Field(3, alias="LOGOKRAFT_LIMIT_PROJECTS_IN_FLIGHT", ge=0)
    limit_in_flight_retry_after_s: int = Field(
        30, alias="LOGOKRAFT_LIMIT_IN_FLIGHT_RETRY_AFTER_S", ge=1, le=3600
    )

    @property
    def limits(self) -> UserLimits:
        """The limits as the core applies them."""
        return UserLimits(
            images_per_day=self.limit_images_per_day,
            projects_in_flight=self.limit_projects_in_flight,
            in_flight_retry_after_s=self.limit_in_flight_retry_after_s,
        )


class PromptSettings(CommonSettings, PromptLimits):
    """Where to listen, and which prompt writer to use."""

    gemini_api_key: str | None = Field(None, alias="GEMINI_API_KEY")
    gemini_base_url: str | None = Field(None, alias="GEMINI_BASE_URL")
    gemini_api_version: str | None = Field(None, alias="GEMINI_API_VERSION")
    gemini_text_model: str = Field("gemini-2.5-pro", alias="LOGOKRAFT_GEMINI_TEXT_MODEL")
    gemini_timeout_s: float = Field(120.0, alias="LOGOKRAFT_GEMINI_TIMEOUT_S", gt=0)
    prompt_provider: Literal["auto", "gemini", "local"] = Field(
        "auto", alias="LOGOKRAFT_PROMPT_PROVIDER"
    )
    worker_concurrency: int = Field(8, alias="LOGOKRAFT_PROMPT_CONCURRENCY", ge=1, le=64)
    job_max_attempts: int = Field(5, alias="LOGOKRAFT_PROMPT_MAX_ATTEMPTS", ge=1, le=20)
    watch_poll_s: float = Field(5.0, alias="LOGOKRAFT_WATCH_POLL_S", gt=0)
    shutdown_grace_s: float = Field(20.0, alias="LOGOKRAFT_SHUTDOWN_GRACE_S", ge=0)

    @property
    def use_gemini(self) -> bool:
        """Gemini when asked for, or when a key is present and nothing else was asked for."""
        if self.prompt_provider == "gemini":
            return True
        return self.prompt_provider == "auto" and bool(self.gemini_api_key)
