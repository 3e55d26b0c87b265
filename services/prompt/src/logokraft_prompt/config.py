"""The prompt service's settings, read from the environment in one place."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from logokraft_domain.limits import LimitSettings
from logokraft_kit.settings import GeminiSettings, ServiceSettings


class PromptSettings(ServiceSettings, GeminiSettings, LimitSettings):
    """Where to listen, which prompt writer to use, and how many projects a user may start."""

    gemini_text_model: str = Field("gemini-2.5-pro", alias="LOGOKRAFT_GEMINI_TEXT_MODEL")
    prompt_provider: Literal["auto", "gemini", "local"] = Field(
        "auto", alias="LOGOKRAFT_PROMPT_PROVIDER"
    )
    worker_concurrency: int = Field(8, alias="LOGOKRAFT_PROMPT_CONCURRENCY", ge=1, le=64)
    job_max_attempts: int = Field(5, alias="LOGOKRAFT_PROMPT_MAX_ATTEMPTS", ge=1, le=20)
    job_ack_wait_s: float = Field(
        30.0,
        alias="LOGOKRAFT_PROMPT_ACK_WAIT_S",
        gt=0,
        description="How long a prompt-writing job may go without a heartbeat before JetStream "
        "hands it to another worker.",
    )
    queue_refresh_s: float = Field(
        2.0,
        alias="LOGOKRAFT_QUEUE_REFRESH_S",
        gt=0,
        le=60,
        description="How often a project's stream looks again at its queued candidates' places "
        "in line when nothing else happened (it also looks on every change of the project).",
    )

    @model_validator(mode="after")
    def _prompt_provider_has_its_key(self) -> Self:
        # Otherwise the provider's SDK fails at start with a traceback, or every call is refused.
        if self.prompt_provider == "gemini" and not self.gemini_api_key:
            raise ValueError(
                "LOGOKRAFT_PROMPT_PROVIDER=gemini needs GEMINI_API_KEY; set it, "
                "or leave LOGOKRAFT_PROMPT_PROVIDER unset (auto) "
                "to write prompts with the local writer"
            )
        return self

    @property
    def concurrency(self) -> int:
        """How many projects' prompts may be written at once."""
        return self.worker_concurrency

    @property
    def use_gemini(self) -> bool:
        """Gemini when asked for, or when a key is present and nothing else was asked for."""
        if self.prompt_provider == "gemini":
            return True
        return self.prompt_provider == "auto" and bool(self.gemini_api_key)
