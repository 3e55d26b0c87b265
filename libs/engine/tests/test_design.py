"""Design: candidate variety, determinism, layout choice, prompts."""

from __future__ import annotations

import colorsys
from dataclasses import replace

import pytest

from logokraft_engine import Brief, describe_spec, design_spec, render_logo
from logokraft_engine._fonts import FACES
from logokraft_engine._icons import GEOMETRIC_NAMES, rank_icons
from logokraft_engine._layout import lay_out
from logokraft_engine._palette import contrast, to_rgb


def _hash(png: bytes, image) -> list[int]:
    return list(image(png).convert("L").resize((24, 24)).tobytes())


def _distance(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


@pytest.mark.parametrize("logo_type", [None, "combination", "wordmark", "lettermark", "emblem"])
def test_four_candidates_differ(logo_type: str | None, image) -> None:
    brief = Brief(brand_name="Acme Roasters", industry="coffee roastery", logo_type=logo_type)
    specs = [design_spec(brief, index=i, seed=5) for i in range(4)]
    hashes = [_hash(render_logo(s, size=128).png, image) for s in specs]
    for i in range(4):
        for j in range(i + 1, 4):
            assert specs[i] != specs[j]
            assert _distance(hashes[i], hashes[j]) > 2.0, (i, j)


def test_same_inputs_give_identical_svg(coffee: Brief) -> None:
    for index in range(4):
        a = render_logo(design_spec(coffee, index=index, seed=42)).svg
        b = render_logo(design_spec(coffee, index=index, seed=42)).svg
        assert a == b


def test_seed_changes_something(coffee: Brief) -> None:
    specs = {design_spec(coffee, index=0, seed=s) for s in range(8)}
    assert len(specs) > 1


@pytest.mark.parametrize(
    ("logo_type", "layout"),
    [("wordmark", "wordmark"), ("lettermark", "monogram"), ("emblem", "emblem")],
)
def test_logo_type_steers_layout(logo_type: str, layout: str) -> None:
    brief = Brief(brand_name="Acme", logo_type=logo_type)
    assert {design_spec(brief, index=i, seed=0).layout for i in range(4)} == {layout}


def test_combination_always_has_an_icon() -> None:
    brief = Brief(brand_name="Acme", industry="pet grooming", logo_type="combination")
    for i in range(4):
        spec = design_spec(brief, index=i, seed=0)
        assert spec.layout in ("icon-left", "icon-top") and spec.icon


def test_icons_follow_keywords() -> None:
    assert rank_icons(Brief("X", industry="Coffee roastery"))[0] == "cup"
    assert rank_icons(Brief("X", industry="veterinary clinic", description="dogs"))[0] == "paw"
    assert rank_icons(Brief("X", industry="real estate"))[0] == "house"
    assert rank_icons(Brief("X", industry="zzz")) == []
    spec = design_spec(Brief("X", industry="zzz", logo_type="combination"), index=0, seed=0)
    assert spec.icon in GEOMETRIC_NAMES


def test_abstract_uses_geometric_marks() -> None:
    brief = Brief(brand_name="Acme", industry="coffee", logo_type="abstract")
    assert all(design_spec(brief, index=i, seed=0).icon in GEOMETRIC_NAMES for i in range(4))


def test_initials() -> None:
    assert design_spec(Brief("acme roasters"), index=0, seed=0).initials == "AR"
    assert design_spec(Brief("Łódź"), index=0, seed=0).initials == "Ł"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        # a legal form at the end made "Acme Inc" a monogram reading "AI"
        ("Acme Inc", "A"),
        ("Acme Inc.", "A"),
        ("Sauna Co", "S"),
        ("Harbor & Co.", "H"),
        ("Smith & Sons Ltd", "SS"),
        ("Bright Smile Dental LLC", "BS"),
        ("Inc Magazine", "IM"),  # at the start it is a word of the name
        ("Co", "C"),
        ("A.I.", "AI"),  # a dotted acronym is one too
        ("I.B.M", "IBM"),
    ],
)
def test_initials_skip_a_legal_form_at_the_end(name: str, initials: str) -> None:
    assert design_spec(Brief(name), index=0, seed=0).initials == initials


def test_a_line_break_in_the_name_or_slogan_is_a_space() -> None:
    # a pasted two-line name was drawn "AcmeBakery", its slogan "line oneline two"
    spec = design_spec(
        Brief("Acme\nBakery", slogan="Fresh bread\r\nevery\tday\u200b"), index=0, seed=0
    )
    assert (spec.name, spec.slogan) == ("Acme Bakery", "Fresh bread every day")
    assert spec.initials == "AB"


def test_empty_name_rejected() -> None:
    with pytest.raises(ValueError):
        design_spec(Brief("   "), index=0, seed=0)


def test_describe_spec(coffee: Brief) -> None:
    for index in range(5):
        spec = design_spec(coffee, index=index, seed=1)
        text = describe_spec(spec, coffee)
        assert '"Acme Roasters"' in text and "coffee roastery" in text
        assert spec.palette.primary in text or spec.palette.text in text
        assert '"Small batch coffee"' in text and "no mockup" in text


def test_describe_mark_layout(coffee: Brief) -> None:
    spec = replace(design_spec(coffee, index=0, seed=1), layout="mark", shape="circle")
    text = describe_spec(spec, coffee)
    assert "icon-only" in text and "no text" in text and spec.palette.primary in text
    assert "coffee cup" in text and "circle" in text
    assert "tagline" not in text  # the mark shows no slogan


def test_title_case_keeps_short_joining_words_lower_case() -> None:
    from logokraft_engine._text import apply_case

    assert apply_case("the riverside arts and heritage foundation", "title") == (
        "The Riverside Arts and Heritage Foundation"
    )
    assert apply_case("house of the rising sun", "title") == "House of the Rising Sun"
    assert apply_case("and", "title") == "And"


def test_a_bold_brief_gets_heavy_type_in_faces_that_fit_it() -> None:
    brief = Brief(brand_name="Ironclad", industry="construction", style=("bold", "strong"))
    specs = [design_spec(brief, index=i, seed=3) for i in range(4)]
    for spec in specs:
        face = FACES[spec.font]
        assert spec.weight == max(face.weights)
        fits = {"bold", "strong"} & set(face.mood)
        assert fits or face.category in ("sans", "geometric"), spec.font  # never rounded, script
    assert {"oswald", "montserrat"} <= {spec.font for spec in specs}


def test_a_long_name_is_never_set_beside_the_icon() -> None:
    brief = Brief(brand_name="The Riverside Community Arts and Heritage Foundation")
    layouts = {design_spec(brief, index=i, seed=s).layout for i in range(7) for s in range(3)}
    assert "icon-left" not in layouts and "icon-top" in layouts


@pytest.mark.parametrize(
    "brief",
    [
        Brief(
            "Zen Garden Spa",
            industry="spa",
            description="Massage and wellness",
            style=("calm", "luxury"),
        ),
        Brief("Lotus Flow", industry="yoga studio", description="Meditation and yin yoga"),
    ],
)
def test_a_spa_or_yoga_brief_with_no_colours_gets_calm_colours_not_a_clinics_red(
    brief: Brief,
) -> None:
    for index in range(8):
        palette = design_spec(brief, index=index, seed=5).palette
        for ink in (palette.primary, palette.secondary):
            _, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(ink)))
            # quiet: no saturated red, nor a vivid clinical blue
            assert saturation < 0.5 or lightness < 0.2, (index, ink)


@pytest.mark.parametrize(
    ("colour", "low", "high"),
    [
        ("#e6e6fa", 255, 290),  # lavender: a purple ink, not a grey nor a royal blue
        ("#f5f5dc", 30, 50),  # beige: a golden brown, not a grey
    ],
)
def test_a_pale_named_colour_inks_the_logo_in_its_own_hue(colour: str, low: int, high: int) -> None:
    brief = Brief("Moonlight Bakery", industry="vegan bakery", colors=(colour,))
    for index in range(4):
        palette = design_spec(brief, index=index, seed=1).palette
        for ink in (palette.primary, palette.text):
            hue, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(ink)))
            assert saturation > 0.3 and low <= hue * 360 <= high, (index, ink)


@pytest.mark.parametrize("colour", ["#ff6600", "#00c853"])
def test_one_mid_tone_colour_is_not_the_ground_of_all_four_candidates(colour: str) -> None:
    brief = Brief("SkyHigh Roofing", industry="roofing contractor", colors=(colour,))
    palettes = [design_spec(brief, index=index, seed=1).palette for index in range(4)]
    grounds = {p.background for p in palettes}
    assert grounds == {colour, "#ffffff"}, grounds
    for p in palettes:
        if p.background == "#ffffff":  # the colour itself as the ink, only a touch darker
            assert contrast(p.primary, "#ffffff") >= 3.0
            assert (
                sum(abs(a - b) for a, b in zip(to_rgb(p.primary), to_rgb(colour), strict=True)) < 80
            )


@pytest.mark.parametrize("name", ["AI", "IBM", "O", "A.I."])
@pytest.mark.parametrize("logo_type", [None, "lettermark"])
def test_a_name_that_is_its_own_monogram_is_not_set_again_under_it(
    name: str, logo_type: str | None
) -> None:
    # "AI" was drawn as an "AI" tile with "AI" again under it: a monogram says the whole name,
    # so those candidates show the letters in their shape alone, never another icon instead
    brief = Brief(name, industry="tech startup", logo_type=logo_type)
    specs = [design_spec(brief, index=i, seed=3) for i in range(8)]
    assert all(spec.layout != "monogram" for spec in specs)
    for spec in specs:
        roles = [e.role for e in lay_out(spec)]
        assert not ("initials" in roles and "name" in roles), spec
    letters = [s for s in specs if s.layout == "mark" and not s.icon]
    assert letters and all(s.shape != "none" for s in letters)


def test_a_longer_name_keeps_its_monogram_beside_or_over_it() -> None:
    brief = Brief("Acme Inc", industry="tools", logo_type="lettermark")
    assert {design_spec(brief, index=i, seed=3).layout for i in range(4)} == {"monogram"}


@pytest.mark.parametrize(
    ("description", "refused"),
    [
        # what the description refuses was what it got: "no script fonts" drew two scripts,
        # "nothing playful" a rounded face, since its words counted like any others
        ("nothing playful or childish, no script fonts", {"script", "rounded"}),
        ("no serifs please", {"serif"}),
    ],
)
def test_faces_the_description_refuses_are_not_chosen(description: str, refused: set[str]):
    brief = Brief("Crumb", industry="bakery", description=description)
    kinds = {FACES[design_spec(brief, index=i, seed=1).font].category for i in range(8)}
    assert not kinds & refused, kinds


@pytest.mark.parametrize(
    "description", ["not just a bakery: playful", "second to none playful cakes"]
)
def test_a_hedged_description_still_asks_for_its_faces(description: str) -> None:
    brief = Brief("Crumb", industry="bakery", description=description)
    kinds = {FACES[design_spec(brief, index=i, seed=1).font].category for i in range(4)}
    assert "rounded" in kinds


def test_colours_the_description_refuses_are_not_its_theme() -> None:
    # "nothing luxury or premium" gave a bakery the luxury palette the words name
    refusing = Brief("Crumb", industry="bakery", description="nothing luxury or premium")
    plain = Brief("Crumb", industry="bakery")
    for index in range(4):
        assert (
            design_spec(refusing, index=index, seed=2).palette
            == design_spec(plain, index=index, seed=2).palette
        )
