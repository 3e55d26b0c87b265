"""Reading a brief: compounds and idioms whole, refusals and asides (`_reading`)."""

from __future__ import annotations

import pytest

from logokraft_engine._reading import aside_words, negated_words, read_phrases


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Cream teas and scones", "tea and scones"),
        ("Sea-Horse Aquarium", "seahorse aquarium"),
        ("Fish & Chips", "fish chippy"),
        ("Birds of Prey Centre", "raptor centre"),
        # an idiom that can be literal is left alone: training on fire safety keeps its fire
        ("training on fire safety", "training on fire safety"),
        ("hot potato van", "hot potato van"),
        ("drills on the ball", "drills on the ball"),
    ],
)
def test_compounds_and_idioms_are_read_whole(text: str, read: str) -> None:
    assert read_phrases(text) == read


@pytest.mark.parametrize(
    ("text", "negated", "kept"),
    [
        ("We are not a bank, just honest advice", {"bank"}, {"advice", "honest"}),
        ("No gavels or scales please", {"gavel", "scale"}, set()),
        ("alcohol-free bar", {"alcohol"}, {"bar"}),
        ("not your average coffee shop", set(), {"coffee"}),
        ("a no-nonsense plumber", set(), {"plumber"}),
        ("The No. 1 coffee roaster", set(), {"coffee"}),
        ("never miss a parcel again", set(), {"parcel"}),
        ("coffee second to none, cakes too", set(), {"cake", "coffee"}),
        ("flowers instead of chocolates", {"chocolate"}, {"flower"}),
        ("tea rather than coffee", {"coffee"}, {"tea"}),
    ],
)
def test_negated_words(text: str, negated: set[str], kept: set[str]) -> None:
    found = negated_words(read_phrases(text))  # as the choosers read them
    assert negated <= found and not kept & found, found


def test_aside_words_are_the_clause_after_the_cue() -> None:
    found = aside_words("Fresh bread daily; we're next to the train station, since 1920")
    assert {"train", "station"} <= found and "bread" not in found
