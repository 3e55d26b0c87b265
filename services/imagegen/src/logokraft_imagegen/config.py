"""The imagegen service's settings, read from the environment in one place."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator

from logokraft_kit.settings import ServiceSettings


class ImagegenSettings(ServiceSettings):
    """Where to listen, and which image generator to use with what concurrency."""

    seedream_api_key: SecretStr | None = Field(None, alias="ARK_API_KEY", repr=False)
    seedream_base_url: str = Field(
        "https://ark.ap-southeast.bytepluses.com/api/v3", alias="SEEDREAM_BASE_URL"
    )
    seedream_model: str = Field("seedream-4-0-250828", alias="LOGOKRAFT_SEEDREAM_MODEL")
    seedream_timeout_s: float = Field(180.0, alias="LOGOKRAFT_SEEDREAM_TIMEOUT_S", gt=0)
    # Where Seedream's image links may point: comma-separated host names, "*.example.com"
    # for subdomains. Links are fetched over https only unless ..._IMAGE_ALLOW_HTTP (local
    # fakes), without credentials, and never past ..._MAX_IMAGE_BYTES (read as a stream).
    # The generation answer is read as a stream too, capped at the base64 of that many bytes
    # plus 64 KB of JSON, so a `b64_json` image is held to the same limit.
    seedream_image_hosts: str = Field(
        "*.bytepluses.com,*.volces.com", alias="LOGOKRAFT_SEEDREAM_IMAGE_HOSTS"
    )
    seedream_image_allow_http: bool = Field(False, alias="LOGOKRAFT_SEEDREAM_IMAGE_ALLOW_HTTP")
    seedream_max_image_bytes: int = Field(
        20 * 1024 * 1024, alias="LOGOKRAFT_SEEDREAM_MAX_IMAGE_BYTES", ge=1024
    )
    image_provider: Literal["auto", "seedream", "local"] = Field(
        "auto", alias="LOGOKRAFT_IMAGE_PROVIDER"
    )
    local_concurrency: int = Field(2, alias="LOGOKRAFT_LOCAL_CONCURRENCY", ge=1, le=64)
    # Load the local engine's fonts and icons at start (about 2 s of one core, in a thread),
    # so the first logo is not the slow one; tests that start services by the hundred skip it.
    engine_warm_up: bool = Field(True, alias="LOGOKRAFT_ENGINE_WARM_UP")
    seedream_concurrency: int = Field(8, alias="LOGOKRAFT_SEEDREAM_CONCURRENCY", ge=1, le=256)
    job_max_attempts: int = Field(5, alias="LOGOKRAFT_IMAGE_MAX_ATTEMPTS", ge=1, le=20)
    job_ack_wait_s: float = Field(30.0, alias="LOGOKRAFT_IMAGE_ACK_WAIT_S", gt=0)

    @property
    def use_seedream(self) -> bool:
        """Seedream when asked for, or when a key is present and nothing else was asked for."""
        if self.image_provider == "seedream":
            return True
        return self.image_provider == "auto" and bool(self.seedream_api_key)

    @model_validator(mode="after")
    def _image_provider_has_its_key(self) -> Self:
        # Otherwise the provider's SDK fails at start with a traceback, or every call is refused.
        if self.image_provider == "seedream" and not self.seedream_api_key:
            raise ValueError(
                "LOGOKRAFT_IMAGE_PROVIDER=seedream needs ARK_API_KEY; set it, "
                "or leave LOGOKRAFT_IMAGE_PROVIDER unset (auto) "
                "to draw with the local engine"
            )
        return self

    @property
    def concurrency(self) -> int:
        """How many images may be in flight at once with the chosen provider."""
        return self.seedream_concurrency if self.use_seedream else self.local_concurrency
