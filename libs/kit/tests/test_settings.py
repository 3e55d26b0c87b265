"""Settings that would make the services work against each other are refused at start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from logokraft_kit.settings import ServiceSettings

REQUIRED = {"NATS_URL": "nats://127.0.0.1:4222", "DATABASE_URL": "postgresql://db/logokraft"}


def test_the_defaults_let_a_drawing_finish_before_the_sweeper_calls_it_stuck() -> None:
    settings = ServiceSettings(**REQUIRED)
    assert settings.sweep_stuck_after_s > settings.draw_timeout_s


@pytest.mark.parametrize(("stuck", "timeout"), [("900", "900"), ("600", "900")])
def test_a_sweeper_that_would_take_over_running_drawings_is_refused(stuck, timeout) -> None:
    with pytest.raises(ValidationError) as raised:
        ServiceSettings(
            **REQUIRED, LOGOKRAFT_SWEEP_STUCK_AFTER_S=stuck, LOGOKRAFT_DRAW_TIMEOUT_S=timeout
        )
    message = str(raised.value)
    assert "LOGOKRAFT_SWEEP_STUCK_AFTER_S" in message and "LOGOKRAFT_DRAW_TIMEOUT_S" in message


def test_supabase_storage_needs_both_its_url_and_its_key() -> None:
    with pytest.raises(ValidationError) as raised:
        ServiceSettings(**REQUIRED, SUPABASE_URL="https://project.supabase.co")
    assert "SUPABASE_SERVICE_ROLE_KEY" in str(raised.value)
    both = ServiceSettings(
        **REQUIRED, SUPABASE_URL="https://project.supabase.co", SUPABASE_SERVICE_ROLE_KEY="k"
    )
    assert "'k'" not in repr(both), "the service-role key is a secret: never in a repr"
