"""Settings that would make the services work against each other are refused at start."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize(
    ("module", "name"),
    [("logokraft_gateway", "gateway"), ("logokraft_prompt", "prompt")],
)
def test_a_bad_setting_stops_a_process_with_one_line_naming_it(module, name, tmp_path):
    """`make run LOGOKRAFT_LOG_FORMAT=xml` ended in a pydantic traceback from each service;
    now each says which variable is wrong and what it must be, and exits 2."""
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LOGOKRAFT_") and key not in ("NATS_URL", "DATABASE_URL")
    }
    env.update(LOGOKRAFT_LOG_FORMAT="xml", LOGOKRAFT_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{name} cannot start: LOGOKRAFT_LOG_FORMAT: Input should be")


def test_a_refusal_that_names_its_variable_does_not_name_it_twice(monkeypatch):
    from logokraft_kit.settings import invalid_settings

    monkeypatch.setenv("LOGOKRAFT_METRICS_ADDRESS", "abc")
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(**REQUIRED)
    said = invalid_settings(refused.value)
    assert said.count("LOGOKRAFT_METRICS_ADDRESS") == 1, said
    assert "give host:port" in said
