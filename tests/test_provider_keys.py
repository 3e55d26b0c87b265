"""A provider forced without its key is refused at start, in a sentence naming both variables
(`LOGOKRAFT_PROMPT_PROVIDER=gemini` without GEMINI_API_KEY used to end in the Gemini SDK's
traceback; Seedream without ARK_API_KEY would have started and failed every image)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from logokraft_imagegen.config import ImagegenSettings
from logokraft_prompt.config import PromptSettings
from logokraft_refine.config import RefineSettings

INFRA = {"DATABASE_URL": "postgresql://unused/db", "NATS_URL": "nats://127.0.0.1:1"}


@pytest.mark.parametrize(
    ("settings", "variable", "value", "key"),
    [
        (PromptSettings, "LOGOKRAFT_PROMPT_PROVIDER", "gemini", "GEMINI_API_KEY"),
        (RefineSettings, "LOGOKRAFT_REFINE_PROVIDER", "gemini", "GEMINI_API_KEY"),
        (ImagegenSettings, "LOGOKRAFT_IMAGE_PROVIDER", "seedream", "ARK_API_KEY"),
    ],
)
def test_a_forced_provider_needs_its_key(monkeypatch, settings, variable, value, key):
    monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValidationError, match=f"{variable}={value} needs {key}"):
        settings(**INFRA, **{variable: value})
    assert settings(**INFRA, **{variable: value, key: "a-key"}).concurrency >= 1
    assert settings(**INFRA, **{variable: "local"}).concurrency >= 1
