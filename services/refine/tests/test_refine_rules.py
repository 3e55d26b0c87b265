"""The refine service's input rules and its choice of adapters."""

from __future__ import annotations

import pytest

from logokraft_domain.refinement import validate_count, validate_instruction
from logokraft_kit.errors import InvalidArgument
from logokraft_refine.config import RefineSettings
from logokraft_refine.server import build_adapters

ENV = {"NATS_URL": "nats://unused", "DATABASE_URL": "postgresql://unused"}


@pytest.mark.parametrize(
    ("instruction", "words"),
    [
        ("", "instruction is required"),
        (" \n\t ", "instruction is required"),
        ("x" * 1001, "1001 characters long; the limit is 1000"),
        ("make it\x00 navy", "control characters"),
        ("make it\x1b[31m red", "control characters"),
        ("make it\x7f navy", "control characters"),
        ("make it\x9b31m red", "control characters"),
        ("\u200b", "no visible characters"),
        ("\u200d\ufeff\u00ad", "no visible characters"),
    ],
)
def test_unusable_instructions_are_refused_with_a_reason(instruction, words):
    with pytest.raises(InvalidArgument, match=words.replace("[", r"\[")):
        validate_instruction(instruction)


def test_usable_instructions_are_trimmed_and_may_span_lines():
    assert validate_instruction("  make it navy\nand drop the tagline\t") == (
        "make it navy\nand drop the tagline"
    )
    assert validate_instruction("é" * 1000) == "é" * 1000


@pytest.mark.parametrize("count", [0, -1, 5, 100])
def test_variation_counts_outside_one_to_four_are_refused(count):
    with pytest.raises(InvalidArgument, match="between 1 and 4"):
        validate_count(count)


def test_the_local_editor_is_used_without_a_key_and_gemini_with_one(tmp_path):
    local = build_adapters(RefineSettings(**ENV, LOGOKRAFT_DATA_DIR=tmp_path))
    assert [adapter.name for adapter in local] == ["local", "local"]
    paid = build_adapters(RefineSettings(**ENV, LOGOKRAFT_DATA_DIR=tmp_path, GEMINI_API_KEY="k"))
    assert [adapter.name for adapter in paid] == ["gemini", "nano-banana"]
    forced = build_adapters(
        RefineSettings(
            **ENV,
            LOGOKRAFT_DATA_DIR=tmp_path,
            GEMINI_API_KEY="k",
            LOGOKRAFT_REFINE_PROVIDER="local",
        )
    )
    assert [adapter.name for adapter in forced] == ["local", "local"]


def test_the_local_engine_is_warmed_up_when_refine_starts(tmp_path):
    from unittest.mock import MagicMock

    from logokraft_kit.service import Warmup
    from logokraft_refine.adapters.local import LocalVariationMaker
    from logokraft_refine.server import spec

    parts = spec(RefineSettings(**ENV, LOGOKRAFT_DATA_DIR=tmp_path)).compose(MagicMock())
    [warmup] = [part for part in parts.background if isinstance(part, Warmup)]
    assert warmup.work == LocalVariationMaker.warm_up


def test_the_warm_up_can_be_turned_off(tmp_path):
    from unittest.mock import MagicMock

    from logokraft_kit.service import Warmup
    from logokraft_refine.server import spec

    settings = RefineSettings(**ENV, LOGOKRAFT_DATA_DIR=tmp_path, LOGOKRAFT_ENGINE_WARM_UP=False)
    parts = spec(settings).compose(MagicMock())
    assert [part for part in parts.background if isinstance(part, Warmup)] == []
