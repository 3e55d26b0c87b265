"""Text for drawing: letter case keeps a brand's identity, scripts' own case rules, reading
order when wrapped, and monogram initials."""

from __future__ import annotations

import pytest

from logokraft_engine._text import apply_case


@pytest.mark.parametrize(
    ("name", "lower", "title"),
    [
        ("NASA Kids", "NASA kids", "NASA Kids"),
        ("iPhone Fix", "iPhone fix", "iPhone Fix"),
        ("eBay Resellers", "eBay resellers", "eBay Resellers"),
        ("McDonald Farm", "McDonald farm", "McDonald Farm"),
        ("Q", "Q", "Q"),
        ("Blue River", "blue river", "Blue River"),
    ],
)
def test_letter_case_keeps_acronyms_and_inner_capitals(name: str, lower: str, title: str) -> None:
    assert apply_case(name, "lower") == lower
    assert apply_case(name, "title") == title
    assert apply_case(name, "upper") == name.upper()


def test_turkish_dotted_capital_lowercases_to_a_plain_i() -> None:
    assert apply_case("İstanbul Çay", "lower") == "istanbul çay"
