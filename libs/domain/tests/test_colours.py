"""Colours in plain words (logokraft_domain.colours) and the brief's reading of them."""

from __future__ import annotations

import re

import pytest
import webcolors
from hypothesis import given, settings
from hypothesis import strategies as st

from logokraft.v1 import common_pb2
from logokraft_domain import colours
from logokraft_domain.brief import (
    MAX_COLOR_FIELD_LENGTH,
    MAX_COLORS,
    understand_colours,
    validate_brief,
)
from logokraft_domain.colours import colour_name, mood_phrases, read_colours, read_field
from logokraft_kit.errors import InvalidArgument

HEX = re.compile(r"^#[0-9a-f]{6}$")


def hexes(text: str) -> list[str]:
    return [c.hex for c in read_field(text)[0]]


def names(text: str) -> list[str]:
    return [c.name for c in read_field(text)[0]]


# ---- the vocabulary --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "name"),
    [
        ("cream", "#ffffc2", "cream"),
        ("forest green", "#06470c", "forest green"),
        ("dusty rose", "#c0737a", "dusty rose"),
        ("navy", "#000080", "navy"),  # CSS first: what "navy" always meant here
        ("gold", "#ffd700", "gold"),
        ("terracotta", "#ca6641", "terracotta"),
        ("sage", "#87ae73", "sage"),
    ],
)
def test_common_colour_words_are_understood(text, value, name):
    assert read_field(text) == ([colours.Colour(value, name)], [])


@pytest.mark.parametrize(
    "spelling",
    ["Forest Green", "FOREST GREEN", "  forest   green ", "forest-green", "Forest_Green"],
)
def test_case_spacing_and_hyphens_do_not_matter(spelling):
    assert read_field(spelling) == read_field("forest green")


def test_spelling_variants_plurals_and_apostrophes():
    assert hexes("dark gray") == hexes("dark grey")
    assert hexes("blues") == hexes("blue")
    assert names("robins egg") == ["robin's egg"]


def test_the_vocabulary_is_the_survey_and_ships_with_its_licence():
    vocabulary = colours.vocabulary()
    assert len(vocabulary) > 900
    assert all(HEX.match(value) for value in vocabulary.values())
    assert "/" not in "".join(vocabulary)  # mixtures: a slash separates colours
    text = (colours.__file__.rsplit("/", 1)[0]) + "/xkcd_colours.txt"
    with open(text, encoding="utf-8") as data:
        header = data.read(600)
    assert "CC0" in header and "xkcd" in header


# ---- hex and CSS exactly as before -----------------------------------------------------------


def _before(value: str) -> str:
    """What the gateway made of a colour before plain words (normalise_color)."""
    value = value.strip()
    if re.match(r"^#(?:[0-9a-fA-F]{3}){1,2}$", value):
        return webcolors.normalize_hex(value)
    return webcolors.name_to_hex(value.lower())


CSS_NAMES = sorted(webcolors.names(webcolors.CSS3))


@pytest.mark.parametrize("name", CSS_NAMES)
def test_every_css_name_gives_what_it_gave_before(name):
    for spelling in (name, name.upper(), f"  {name.title()} "):
        assert hexes(spelling) == [_before(spelling)], spelling


@pytest.mark.parametrize("value", ["#ABC", "#abc", "#0A2540", "#0a2540", " #fff ", "#000000"])
def test_hex_gives_what_it_gave_before(value):
    assert hexes(value) == [_before(value)]


@given(st.from_regex(r"\A#(?:[0-9a-fA-F]{3}){1,2}\Z"))
def test_any_hex_gives_what_it_gave_before(value):
    assert hexes(value) == [_before(value)]


def test_a_css_colour_is_named_by_its_css_name():
    assert colour_name("#000080") == "navy"
    assert read_field("#000080") == read_field("navy")


def test_any_hex_gets_a_plain_name():
    name = colour_name("#1d3557")
    assert name and name in colours.vocabulary()
    assert colour_name("#1d3557") == name  # deterministic


# ---- several colours in one field ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("navy and gold", ["navy", "gold"]),
        ("brown, cream", ["brown", "cream"]),
        ("black & white", ["black", "white"]),
        ("blue/green", ["blue", "green"]),
        ("red + white; blue", ["red", "white", "blue"]),
        ("navy or teal", ["navy", "teal"]),
        ("Navy AND Gold", ["navy", "gold"]),
        ("red white blue", ["red", "white", "blue"]),
        ("navy blue with gold accents", ["navy blue", "gold"]),
        ("#1d3557 and gold", [colour_name("#1d3557"), "gold"]),
        ("a touch of gold", ["gold"]),
        ("shades of blue", ["blue"]),
    ],
)
def test_several_colours_in_one_field(text, expected):
    colours_found, notes = read_field(text)
    assert [c.name for c in colours_found] == expected
    assert notes == []


def test_a_name_with_and_in_it_stays_one_colour():
    assert names("macaroni and cheese") == ["macaroni and cheese"]


# ---- mood phrases ----------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", mood_phrases())
def test_every_mood_phrase_is_a_palette(phrase):
    palette, notes = read_field(f"{phrase} tones")
    assert palette and notes == []
    assert len(palette) <= MAX_COLORS
    assert all(HEX.match(c.hex) and c.name for c in palette)
    assert read_field(f"{phrase} tones") == (palette, notes)  # deterministic


@pytest.mark.parametrize(
    "spelling",
    [
        "warm earth tones",
        "Warm Earth Tones",
        "warm earth colours",
        "warm earth colors",
        "warm earth tone",
        "tones of warm earth",
        "earth tones warm",
        "warm earthy palette",
    ],
)
def test_mood_phrases_tolerate_order_plurals_and_palette_words(spelling):
    expected = names("warm earth tones")
    assert expected[:2] == ["terracotta", "burnt orange"]
    assert set(names(spelling)) >= set(expected)


@pytest.mark.parametrize(
    ("phrase", "includes"),
    [
        ("pastel", "pastel pink"),
        ("pastels", "pastel blue"),
        ("monochrome", "black"),
        ("jewel tones", "emerald"),
        ("neon", "neon pink"),
        ("muted", "dusty rose"),
        ("earth tones", "terracotta"),
        ("earthy", "ochre"),
    ],
)
def test_the_common_moods(phrase, includes):
    assert includes in names(phrase)


def test_a_palette_word_asks_for_the_palette_not_the_colour():
    assert names("earth") == ["earth"]  # a colour of the survey
    assert len(names("earth tones")) > 1


def test_a_modifier_before_a_mood_changes_the_palette():
    muted = read_field("muted earth tones")[0]
    plain = read_field("earth tones")[0]
    assert len(muted) == len(plain)
    assert [c.name for c in muted] == [f"muted {c.name}" for c in plain]
    assert [c.hex for c in muted] != [c.hex for c in plain]


# ---- modifiers -------------------------------------------------------------------------------


def test_modifiers_the_vocabulary_has_are_its_own_colours():
    assert read_field("light blue")[0] == [colours.Colour("#95d0fc", "light blue")]
    assert read_field("dark green")[0] == [colours.Colour("#033500", "dark green")]
    assert read_field("pale pink")[0][0].name == "pale pink"


def _lightness(value: str) -> float:
    red, green, blue = webcolors.hex_to_rgb(value)
    return (max(red, green, blue) + min(red, green, blue)) / 2


@pytest.mark.parametrize(
    ("modifier", "lighter"), [("light", True), ("pale", True), ("dark", False), ("deep", False)]
)
def test_other_modifiers_lighten_or_darken_the_colour(modifier, lighter):
    [base] = read_field("cream")[0] if lighter is False else read_field("navy")[0]
    [changed] = read_field(f"{modifier} {base.name}")[0]
    assert changed.name == f"{modifier} {base.name}"
    assert HEX.match(changed.hex)
    assert (_lightness(changed.hex) > _lightness(base.hex)) is lighter


def test_very_intensifies_a_modifier():
    [pale] = read_field("pale navy")[0]
    [very] = read_field("very pale navy")[0]
    assert very.name == "very pale navy"
    assert _lightness(very.hex) > _lightness(pale.hex)


def test_bright_and_muted_change_saturation():
    assert names("bright navy") == ["bright navy"]
    assert names("muted gold") == ["muted gold"]
    assert hexes("muted gold") != hexes("gold")


# ---- notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["asdfgh", "like the sea at dawn", "#12345", "qwerty uiop", "?!", "\U0001f30a"]
)
def test_words_with_no_colour_are_a_note_as_written(text):
    assert read_field(text) == ([], [text])


def test_the_parts_with_no_colour_are_notes_beside_the_colours():
    found, notes = read_field("navy, like the sea at dawn")
    assert [c.name for c in found] == ["navy"]
    assert notes == ["like the sea at dawn"]


def test_filler_alone_is_nothing():
    assert read_field("") == ([], [])
    assert read_field("   ") == ([], [])
    assert read_field("colours") == ([], [])


# ---- several fields, limits ------------------------------------------------------------------


def test_fields_are_read_in_order_and_deduplicated():
    reading = read_colours(["navy and gold", "#000080", "cream", "zzz"], limit=MAX_COLORS)
    assert reading.names == ("navy", "gold", "cream")
    assert reading.colors == ("#000080", "#ffd700", "#ffffc2")
    assert reading.notes == ("zzz",)


def test_at_most_the_limit_of_colours_the_first_ones():
    reading = read_colours(["rainbow", "warm earth tones", "navy"], limit=MAX_COLORS)
    assert len(reading.colors) == MAX_COLORS == len(reading.names)
    assert reading.names == tuple(names("rainbow"))[:MAX_COLORS]


def test_a_field_longer_than_anything_sensible_is_read_quickly_and_safely():
    reading = read_colours(["navy " * 5000, "q" * 5000], limit=MAX_COLORS)
    assert reading.colors == ("#000080",)
    assert [len(note) for note in reading.notes] == [colours.MAX_SCAN]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=MAX_COLOR_FIELD_LENGTH), max_size=MAX_COLORS))
def test_any_fields_are_read_without_an_exception(fields):
    reading = read_colours(fields, limit=MAX_COLORS)
    assert len(reading.colors) == len(reading.names) <= MAX_COLORS
    assert all(HEX.match(value) for value in reading.colors)
    assert len(set(reading.colors)) == len(reading.colors)
    assert all(note.strip() for note in reading.notes)
    assert read_colours(fields, limit=MAX_COLORS) == reading


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["navy", "and", "gold", ",", "warm", "earth", "tones", "light", "very", "&", "zz"]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_colourish_text_is_read_without_an_exception(text):
    found, _ = read_field(text)
    assert all(HEX.match(c.hex) and c.name for c in found)


# ---- the brief at a service boundary ---------------------------------------------------------


def brief(**fields) -> common_pb2.BrandBrief:
    return common_pb2.BrandBrief(**({"brand_name": "Acme", "num_candidates": 4} | fields))


def test_a_grpc_caller_may_send_words_instead_of_colours():
    valid = validate_brief(brief(color_words=["navy and gold", " warm earth tones ", "zzz"]))
    expected = understand_colours(["navy and gold", "warm earth tones", "zzz"])
    assert valid.colors == list(expected.colors)
    assert valid.colors[:2] == ["#000080", "#ffd700"] and len(valid.colors) == MAX_COLORS
    assert valid.color_words == ["navy and gold", "warm earth tones", "zzz"]
    assert valid.color_names == list(expected.names)
    assert valid.color_notes == ["zzz"]


def test_colours_and_words_together_give_what_the_words_say():
    """The gateway sends both: the colours it understood and the words."""
    reading = understand_colours(["pale navy", "cream"])
    valid = validate_brief(
        brief(colors=list(reading.colors), color_words=["pale navy", "cream"], color_names=["x"])
    )
    assert valid.colors == list(reading.colors)
    assert valid.color_names == ["pale navy", "cream"]  # worked out again, not taken


def test_explicit_colours_come_first():
    valid = validate_brief(brief(colors=["#0A2540"], color_words=["gold"]))
    assert valid.colors == ["#0a2540", "#ffd700"]
    assert valid.color_names == [colour_name("#0a2540"), "gold"]


def test_words_alone_that_mean_nothing_are_kept_as_notes():
    valid = validate_brief(brief(color_words=["like the sea at dawn"]))
    assert valid.colors == [] and valid.color_names == []
    assert valid.color_notes == ["like the sea at dawn"]


@pytest.mark.parametrize(
    "words",
    [["navy"] * (MAX_COLORS + 1), ["x" * (MAX_COLOR_FIELD_LENGTH + 1)], ["navy\x00"]],
)
def test_words_out_of_bounds_are_refused(words):
    with pytest.raises(InvalidArgument, match="color_words"):
        validate_brief(brief(color_words=words))


def test_the_stored_columns_are_the_tables():
    valid = validate_brief(brief(color_words=["navy"]))
    assert set(valid.columns()) == {
        *("brand_name", "slogan", "industry", "description", "style", "colors", "logo_type"),
        *("num_candidates", "color_words", "color_names", "color_notes"),
    }
    assert valid.columns()["color_words"] == ["navy"]


# ---- compound names: one colour, not a list of two ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "name"),
    [
        ("rose gold", "#b76e79", "rose gold"),  # the QA brief's: it read as rose and gold
        ("Rose-Gold", "#b76e79", "rose gold"),
        ("champagne gold", "#f7e7ce", "champagne gold"),
        ("crimson red", "#dc143c", "crimson red"),
        ("sapphire blue", "#2138ab", "sapphire blue"),
        ("coffee brown", "#a6814c", "coffee brown"),
        ("ivory white", "#fffff0", "ivory white"),  # CSS ivory
        ("stone grey", "#ada587", "stone grey"),
        ("silver grey", "#c0c0c0", "silver grey"),
        ("terracotta orange", "#ca6641", "terracotta orange"),
        ("sea foam green", "#7af9ab", "seafoam green"),
        ("jet black", "#0a0a0a", "jet black"),
        # the survey's own compounds keep reading as they did
        ("navy blue", "#001146", "navy blue"),
        ("forest green", "#06470c", "forest green"),
        ("sky blue", "#75bbfd", "sky blue"),
        ("off white", "#ffffe4", "off white"),
        ("burnt orange", "#c04e01", "burnt orange"),
    ],
)
def test_compound_colour_names_are_one_colour(text, value, name):
    assert read_field(text) == ([colours.Colour(value, name)], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("red white blue", ["red", "white", "blue"]),  # basic colour words stay a list
        ("navy gold", ["navy", "gold"]),  # hues apart: two colours
        ("black gold", ["black", "gold"]),
        ("silver gold", ["silver", "gold"]),
        ("emerald gold", ["emerald", "gold"]),
        ("rose gold and black", ["rose gold", "black"]),
        ("blush pink, rose gold", ["blush pink", "rose gold"]),
    ],
)
def test_colours_that_differ_are_still_read_as_several(text, expected):
    assert names(text) == expected


def test_a_brief_asking_for_rose_gold_gets_one_colour():
    reading = understand_colours(["rose gold"])
    assert reading.colors == ("#b76e79",) and reading.names == ("rose gold",)


# ---- notations design tools copy -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("#0a2540ff", "#0a2540"),  # #rrggbbaa: the alpha dropped
        ("#0A254080", "#0a2540"),
        ("#0a28", "#00aa22"),  # #rgba
        ("0a2540", "#0a2540"),  # bare, with a digit among the six
        ("C0FFEE", "#c0ffee"),
        ("rgb(10, 37, 64)", "#0a2540"),
        ("RGB(10,37,64)", "#0a2540"),
        ("rgba(10 37 64 / 50%)", "#0a2540"),
        ("rgb(100%, 0%, 50%)", "#ff0080"),
        ("rgb(300, -4, 0)", "#ff0000"),  # clamped, as CSS does
        ("hsl(210, 73%, 15%)", "#0a2642"),
        ("hsl(210deg 73% 15%)", "#0a2642"),
        ("hsla(0, 100%, 50%, 0.3)", "#ff0000"),
    ],
)
def test_notations_design_tools_copy_are_colours(written, expected):
    assert hexes(written) == [expected]
    assert read_field(written)[1] == []


def test_a_functional_colour_is_one_part_of_a_list():
    """The commas inside rgb(...) do not split the field."""
    assert hexes("navy, rgb(255, 0, 0) and gold") == ["#000080", "#ff0000", "#ffd700"]


@pytest.mark.parametrize(
    "written", ["facade", "decade", "2024", "#12345", "rgb(1, 2)", "hsl(1%, 2%, 3%)"]
)
def test_words_numbers_and_broken_notations_stay_notes(written):
    assert read_field(written) == ([], [written])


# ---- shades the vocabulary lacks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "basic"),
    [("honey yellow", "yellow"), ("Ferrari red", "red"), ("candy floss pink", "pink")],
)
def test_a_shade_the_vocabulary_lacks_is_its_basic_colour_under_its_own_name(written, basic):
    found, notes = read_field(written)
    assert [(c.hex, c.name) for c in found] == [(hexes(basic)[0], written.lower())]
    assert notes == []


def test_a_shade_the_vocabulary_lacks_is_one_colour_of_a_list():
    assert names("navy and honey yellow") == ["navy", "honey yellow"]


@pytest.mark.parametrize(
    "written", ["no red", "not too much blue", "less pink", "anything but green", "ugly red"]
)
def test_words_that_ask_for_less_of_a_colour_are_not_a_shade_of_it(written):
    assert read_field(written) == ([], [written])


def test_a_colour_mood_or_modifier_before_a_basic_colour_keeps_its_own_meaning():
    assert names("muted red") == ["muted red"]
    assert hexes("muted red") != hexes("red")
    assert names("navy gold") == ["navy", "gold"]
    assert names("red white blue") == ["red", "white", "blue"]
