"""The brief's check at a service boundary (validate_brief), as the prompt service applies it."""

from __future__ import annotations

import pytest

from logokraft.v1 import common_pb2
from logokraft_domain.brief import validate_brief
from logokraft_kit.errors import InvalidArgument


def brief(**fields) -> common_pb2.BrandBrief:
    base = {"brand_name": "Acme", "num_candidates": 4}
    return common_pb2.BrandBrief(**(base | fields))


def test_tabs_and_newlines_are_not_control_characters_to_refuse():
    valid = validate_brief(brief(slogan="Fresh\tevery\r\nmorning", description="a\nb"))
    assert (valid.slogan, valid.description) == ("Fresh\tevery\r\nmorning", "a\nb")


def test_a_good_brief_is_trimmed_and_kept():
    valid = validate_brief(
        brief(
            brand_name="  Acme ",
            colors=["#0A2540"],
            style=[" bold "],
            logo_type=common_pb2.LOGO_TYPE_EMBLEM,
        )
    )
    assert valid.brand_name == "Acme"
    assert valid.colors == ["#0a2540"]
    assert valid.style == ["bold"]
    assert valid.logo_type == "emblem"


@pytest.mark.parametrize(
    ("fields", "field_named"),
    [
        ({"brand_name": ""}, "brand_name"),
        ({"brand_name": "x" * 101}, "brand_name"),
        ({"brand_name": "A\x00b"}, "brand_name"),
        ({"slogan": "s" * 201}, "slogan"),
        ({"num_candidates": 0}, "num_candidates"),
        ({"num_candidates": 9}, "num_candidates"),
        ({"colors": ["navy"]}, "colors"),
        ({"style": ["ok"] * 11}, "style"),
        # The public API's rule: no control characters but tab and newlines, in any field.
        ({"brand_name": "Acme\x1b[31m"}, "brand_name"),
        ({"slogan": "bell\x07"}, "slogan"),
        ({"description": "a\x7fb"}, "description"),
        ({"industry": "cof\x0cfee"}, "industry"),
        ({"style": ["bo\x08ld"]}, "style"),
        ({"color_words": ["navy\x01"]}, "color_words"),
        ({"brand_name": "Acme\x9b31m"}, "brand_name"),  # C1: an 8-bit CSI
        ({"slogan": "one\x85two"}, "slogan"),  # C1: NEL
        ({"logo_type": 99}, "logo_type 99 is not a logo type; leave it unset or send one of: "),
    ],
)
def test_bad_briefs_name_the_field(fields, field_named):
    with pytest.raises(InvalidArgument, match=field_named):
        validate_brief(brief(**fields))


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["navy"] * 7, "color_words takes at most 6 colour fields; write colours as words"),
        # It said "color_words takes each colour field is at most 100 characters".
        (["n" * 101], "color_words takes colour fields of at most 100 characters each; write"),
    ],
)
def test_colour_fields_out_of_bounds_say_what_they_take(words, message):
    with pytest.raises(InvalidArgument) as raised:
        validate_brief(brief(color_words=words))
    assert raised.value.message.startswith(message), raised.value.message


@pytest.mark.parametrize(
    "name",
    [
        *("\u200b", "\u00ad\u200b", "\u2060 \u200d"),
        *("\u3164", "\u115f\u1160", "\uffa0", "\u2800\u2800"),  # blank letters and symbols
        *("\u0301", "\u034f\ufe0f"),  # marks with no letter to sit on
    ],
)
def test_a_name_with_no_visible_characters_is_refused(name):
    with pytest.raises(InvalidArgument, match="no visible characters"):
        validate_brief(common_pb2.BrandBrief(brand_name=name, num_candidates=1))


@pytest.mark.parametrize("name", ["नमस्ते", "e\u0301", "ㅎㅎ", "⠁", "3", "&", "☕"])
def test_a_name_of_letters_marks_or_symbols_is_visible(name):
    validate_brief(common_pb2.BrandBrief(brand_name=name, num_candidates=1))
