"""The refine service's settings, read from the environment in one place."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from logokraft_domain.limits import LimitSettings
from logokraft_kit.settings import GeminiSettings, ServiceSettings


class RefineSettings(ServiceSettings, GeminiSettings, LimitSettings):
    """Where to listen, and which refiner (Gemini + Nano Banana, or the local editor) to use."""

    refine_text_model: str = Field("gemini-2.5-flash", alias="LOGOKRAFT_REFINE_TEXT_MODEL")
    # gemini-2.5-flash-image was shut down on 2026-10-02; its successor is the default.
    image_model: str = Field("gemini-3.1-flash-image", alias="LOGOKRAFT_GEMINI_IMAGE_MODEL")
    refine_provider: Literal["auto", "gemini", "local"] = Field(
        "auto", alias="LOGOKRAFT_REFINE_PROVIDER"
    )
    local_concurrency: int = Field(2, alias="LOGOKRAFT_LOCAL_CONCURRENCY", ge=1, le=64)
    # Load the local engine's fonts and icons at start (about 2 s of one core, in a thread),
    # so the first logo is not the slow one; tests that start services by the hundred skip it.
    engine_warm_up: bool = Field(True, alias="LOGOKRAFT_ENGINE_WARM_UP")
    gemini_concurrency: int = Field(8, alias="LOGOKRAFT_NANO_BANANA_CONCURRENCY", ge=1, le=256)
    job_max_attempts: int = Field(5, alias="LOGOKRAFT_REFINE_MAX_ATTEMPTS", ge=1, le=20)
    job_ack_wait_s: float = Field(30.0, alias="LOGOKRAFT_REFINE_ACK_WAIT_S", gt=0)

    @property
    def use_gemini(self) -> bool:
        """Gemini when asked for, or when a key is present and nothing else was asked for."""
        if self.refine_provider == "gemini":
            return True
        return self.refine_provider == "auto" and bool(self.gemini_api_key)

    @model_validator(mode="after")
    def _refine_provider_has_its_key(self) -> Self:
        # Otherwise the provider's SDK fails at start with a traceback, or every call is refused.
        if self.refine_provider == "gemini" and not self.gemini_api_key:
            raise ValueError(
                "LOGOKRAFT_REFINE_PROVIDER=gemini needs GEMINI_API_KEY; set it, "
                "or leave LOGOKRAFT_REFINE_PROVIDER unset (auto) "
                "to refine with the local editor"
            )
        return self

    @property
    def concurrency(self) -> int:
        """How many variations may be drawn at once with the chosen provider."""
        return self.gemini_concurrency if self.use_gemini else self.local_concurrency
