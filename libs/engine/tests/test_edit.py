"""The local editor: free-text refinement instructions applied to a LogoSpec."""

from __future__ import annotations

import colorsys
import io
import random
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import pytest
from PIL import Image, ImageChops

from logokraft_engine import Brief, LogoSpec, SpecEdit, design_spec, edit_spec, render_logo
from logokraft_engine._fonts import FACES
from logokraft_engine._icons import ICONS
from logokraft_engine._layout import lay_out
from logokraft_engine._palette import contrast, to_rgb

BRIEF = Brief(
    brand_name="Acme Roasters",
    slogan="Small batch coffee",
    industry="coffee roastery",
)
NAVY = "#000080"


def _parent(layout: str) -> LogoSpec:
    """A designed candidate (brown coffee palette, no blue anywhere) in `layout`."""
    return next(
        spec
        for spec in (design_spec(BRIEF, index=i, seed=1) for i in range(7))
        if spec.layout == layout
    )


PARENTS = {layout: _parent(layout) for layout in ("icon-left", "icon-top", "emblem", "monogram")}
# The plan's wordmark (candidate 4 of a brief with no logo type; light, with an accent rule).
PARENTS["wordmark"] = design_spec(Brief("Acme Roasters", "Small batch coffee"), index=4, seed=1)
PARENTS["mark"] = replace(PARENTS["icon-left"], layout="mark", shape="circle")
ICON_LEFT = PARENTS["icon-left"]


@lru_cache(maxsize=256)
def _image(spec: LogoSpec, size: int = 192) -> Image.Image:
    return Image.open(io.BytesIO(render_logo(spec, size=size).png)).convert("RGB")


def _changed_pixels(a: LogoSpec, b: LogoSpec, size: int = 192) -> int:
    """Pixels where some channel differs by more than 24 between the two renders."""
    diff = ImageChops.difference(_image(a, size), _image(b, size))
    r, g, b_ = diff.split()
    strongest = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    return strongest.point(lambda v: 255 if v > 24 else 0).histogram()[255]


def _visibly_different(a: LogoSpec, b: LogoSpec) -> bool:
    return _changed_pixels(a, b) >= 60


def _pixels_near(spec: LogoSpec, color: str, tolerance: int = 40) -> int:
    """Pixels of the render within `tolerance` (per channel) of `color`."""
    target = to_rgb(color)
    found = _image(spec).getcolors(maxcolors=1 << 24) or []
    return sum(
        count
        for count, rgb in found
        if all(abs(c - t) <= tolerance for c, t in zip(rgb, target, strict=True))
    )


def _hls(color: str) -> tuple[float, float, float]:
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in to_rgb(color)))
    return h * 360, lightness, s


def _navyish(color: str) -> bool:
    """Dark, saturated blue: navy or a contrast-fixed or shaded navy."""
    h, lightness, s = _hls(color)
    return 225 <= h <= 255 and lightness <= 0.4 and s >= 0.5


def _assert_valid(spec: LogoSpec) -> None:
    """The spec validates, round-trips, keeps a weight of its face, is readable and renders."""
    assert LogoSpec.from_dict(spec.to_dict()) == spec
    assert spec.weight in FACES[spec.font].weights
    p = spec.palette
    for color in (p.primary, p.secondary, p.text):
        assert contrast(color, p.background) >= 3.0, (color, p.background)
    assert render_logo(spec, size=64).png.startswith(b"\x89PNG")


def _edit(spec: LogoSpec, text: str, **kwargs) -> SpecEdit:
    edit = edit_spec(spec, text, **kwargs)
    _assert_valid(edit.spec)
    assert _visibly_different(edit.spec, spec), (text, edit.applied)
    assert edit.applied, text
    return edit


# --- colour -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", sorted(PARENTS))
def test_make_it_navy_makes_the_logo_navy(layout: str) -> None:
    parent = PARENTS[layout]
    edit = _edit(parent, "make it navy")
    assert edit.spec.palette.primary == NAVY
    assert _navyish(edit.spec.palette.text)
    assert "colour: navy (#000080)" in edit.applied
    assert edit.not_understood == ()
    assert _pixels_near(parent, NAVY) == 0
    assert _pixels_near(edit.spec, NAVY) > 150


@pytest.mark.parametrize("text", ["#0a2540", "use 0a2540 please", "make it #0A2540"])
def test_hex_colour_is_used_exactly(text: str) -> None:
    edit = _edit(ICON_LEFT, text)
    assert edit.spec.palette.primary == "#0a2540"
    assert edit.spec.palette.text == "#0a2540"
    assert _pixels_near(edit.spec, "#0a2540", tolerance=2) > 100


def test_short_hex_and_two_word_css_names() -> None:
    assert _edit(ICON_LEFT, "make it #c03").spec.palette.primary == "#cc0033"
    assert _edit(ICON_LEFT, "forest green please").spec.palette.primary == "#228b22"
    assert _edit(ICON_LEFT, "dark blue").spec.palette.primary == "#00008b"
    assert _edit(ICON_LEFT, "navy blue").spec.palette.primary == NAVY


def test_light_colours_are_darkened_and_reported() -> None:
    edit = _edit(ICON_LEFT, "make it gold")
    primary = edit.spec.palette.primary
    assert primary != "#ffd700" and contrast(primary, "#ffffff") >= 3.0
    # a metallic gold, toward amber: darkening gold's own hue gives olive
    assert 38 <= _hls(primary)[0] <= 46, _hls(primary)
    assert any(primary in line and "contrast" in line for line in edit.applied)


@pytest.mark.parametrize("colour", ["pink", "light pink", "#ffc0cb"])
def test_a_light_pink_darkened_for_contrast_is_still_pink_not_red(colour: str) -> None:
    edit = _edit(ICON_LEFT, f"make it {colour}")
    primary, text = edit.spec.palette.primary, edit.spec.palette.text
    for ink in (primary, text):
        hue, _, saturation = _hls(ink)
        assert contrast(ink, edit.spec.palette.background) >= 3.0
        # raspberry (hue 325-345°), not the crimson (350°) of pink's own hue darkened
        assert 325 <= hue <= 345 and saturation <= 0.85, (ink, hue, saturation)


def test_a_pink_brief_on_white_is_inked_in_a_pink_not_a_red() -> None:
    brief = Brief("Rosie", industry="florist", colors=("#ffc0cb",))
    for index in range(4):
        palette = design_spec(brief, index=index, seed=3).palette
        for ink in (palette.primary, palette.text):
            if ink in ("#ffc0cb", "#ffffff"):
                continue
            hue = _hls(ink)[0]
            assert 325 <= hue <= 345, (index, ink, hue)


def test_white_logo_goes_on_a_dark_background() -> None:
    edit = _edit(ICON_LEFT, "make it white")
    p = edit.spec.palette
    assert p.primary == "#ffffff" and contrast(p.background, "#ffffff") >= 4.5
    assert "dark background" in edit.applied[0]


@pytest.mark.parametrize(
    ("text", "hue"),
    [("neon green background", (100, 140)), ("neon pink background", (300, 330))],
)
def test_a_neon_colour_glows(text: str, hue: tuple[int, int]) -> None:
    # "neon green" was web green #008000 (a dark forest green) and "neon pink" a pastel pink.
    background = _edit(ICON_LEFT, text).spec.palette.background
    h, lightness, saturation = _hls(background)
    assert hue[0] <= h <= hue[1] and saturation > 0.9 and 0.45 <= lightness <= 0.65, background


def test_colour_targets_text_or_background() -> None:
    text = _edit(ICON_LEFT, "navy text")
    assert text.spec.palette.text == NAVY
    assert text.spec.palette.primary == ICON_LEFT.palette.primary
    assert text.applied[0].startswith("text colour: navy")
    assert _edit(ICON_LEFT, "make the name in navy").spec.palette.text == NAVY
    background = _edit(ICON_LEFT, "navy background")
    assert background.spec.palette.background == NAVY
    assert background.applied[0].startswith("background: navy")
    two = _edit(ICON_LEFT, "make it navy and gold")
    assert two.spec.palette.primary == NAVY
    assert 38 <= _hls(two.spec.palette.secondary)[0] <= 51  # gold, darkened toward amber


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("warmer", lambda old, new: _hue_gap(new.primary, 30) < _hue_gap(old.primary, 30)),
        (
            "cooler colours",
            lambda old, new: _hue_gap(new.primary, 215) < _hue_gap(old.primary, 215),
        ),
        ("darker", lambda old, new: _hls(new.secondary)[1] < _hls(old.secondary)[1]),
        ("lighter", lambda old, new: _hls(new.primary)[1] > _hls(old.primary)[1]),
        ("more vibrant", lambda old, new: _hls(new.secondary)[2] > _hls(old.secondary)[2]),
        ("black and white", lambda old, new: (new.primary, new.text) == ("#000000", "#000000")),
        ("greyscale", lambda old, new: all(_hls(c)[2] == 0 for c in (new.primary, new.text))),
        ("monochrome", lambda old, new: _hue_gap(new.secondary, _hls(new.primary)[0]) < 3),
        ("dark mode", lambda old, new: contrast(new.background, "#000000") < 2.0),
    ],
)
def test_palette_words(text: str, check: Callable) -> None:
    edit = _edit(PARENTS["emblem"], text)
    assert check(PARENTS["emblem"].palette, edit.spec.palette), edit.spec.palette
    assert edit.applied[0].startswith("colours: ")


def _hue_gap(color: str, hue: float) -> float:
    return abs((_hls(color)[0] - hue + 180) % 360 - 180)


# --- layout, slogan, typography, icon, shape ---------------------------------------------------


def test_drop_the_tagline() -> None:
    for text in ("drop the tagline", "no slogan", "remove the tagline please"):
        edit = _edit(ICON_LEFT, text)
        assert edit.spec.slogan == "" and edit.applied == ("tagline: removed",)


def test_a_quoted_tagline_or_name_is_set_as_written() -> None:
    for text in (
        'add the tagline "Since 1990"',
        "tagline: “Since 1990”",
        'add "Since 1990" as the slogan',
        "the slogan should read ‘Since 1990’",
    ):
        edit = _edit(ICON_LEFT, text)
        assert edit.spec.slogan == "Since 1990", text
        assert edit.applied == ("tagline: “Since 1990”",) and not edit.not_understood, text
    # Words inside the quotes are the tagline's, not instructions ("Blue" is no colour here).
    edit = _edit(ICON_LEFT, 'add the slogan "Blue Skies Roasting" and make it green')
    assert edit.spec.slogan == "Blue Skies Roasting" and edit.spec.palette.primary == "#008000"
    renames = ('change the name to "Palm & Co"', "rename it to “Palm & Co”", 'call it "Palm & Co"')
    for text in renames:
        edit = _edit(ICON_LEFT, text)
        # a trailing legal form is no initial (see test_initials_skip_a_legal_form_at_the_end)
        assert (edit.spec.name, edit.spec.initials) == ("Palm & Co", "P"), text
    arabic = _edit(ICON_LEFT, 'add the slogan "أفضل قهوة في المدينة"')
    assert arabic.spec.slogan == "أفضل قهوة في المدينة"
    render_logo(arabic.spec, size=128)  # drawn, right to left


def test_quoted_words_without_a_new_text_asked_for_change_nothing() -> None:
    edit = _edit(ICON_LEFT, 'the name "Acme" looks small')
    assert edit.spec.name == ICON_LEFT.name and edit.not_understood
    unquoted = _edit(ICON_LEFT, "change the slogan to Since 1990")
    assert unquoted.spec.slogan == ICON_LEFT.slogan  # reported as not understood, not guessed
    assert unquoted.not_understood


def test_a_quoted_text_that_shows_nothing_is_not_understood() -> None:
    """A zero-width space or a soft hyphen in quotes would make an empty name: the variation
    would fail on every retry. It is reported as not understood and changes nothing."""
    for invisible in ("\u200b", "\u00ad", "\u200b \u200d"):
        renamed = _edit(ICON_LEFT, f'change the name to "{invisible}"')
        assert renamed.spec.name == ICON_LEFT.name and renamed.not_understood, repr(invisible)
        tagline = _edit(ICON_LEFT, f'add the tagline "{invisible}"')
        assert tagline.spec.slogan == ICON_LEFT.slogan and tagline.not_understood
        render_logo(renamed.spec, size=64)


def test_icon_only_makes_a_text_free_mark() -> None:
    edit = _edit(ICON_LEFT, "icon only")
    assert edit.spec.layout == "mark" and edit.spec.icon == ICON_LEFT.icon
    renamed = replace(edit.spec, name="Zebra Works", slogan="Other words", initials="ZW")
    assert render_logo(edit.spec, size=192).png == render_logo(renamed, size=192).png
    for text in ("just the icon", "symbol only", "no text"):
        assert _edit(ICON_LEFT, text).spec.layout == "mark"


def test_icon_only_from_a_monogram_picks_an_icon() -> None:
    edit = _edit(PARENTS["monogram"], "icon only")
    assert edit.spec.layout == "mark" and edit.spec.icon == "cup"  # the coffee slogan's icon


@pytest.mark.parametrize(
    ("parent", "text", "check"),
    [
        ("icon-left", "stacked", lambda s: s.layout == "icon-top"),
        ("icon-left", "icon above the name", lambda s: s.layout == "icon-top"),
        ("icon-top", "side by side", lambda s: s.layout == "icon-left"),
        ("icon-left", "wordmark only", lambda s: s.layout == "wordmark" and not s.icon),
        ("icon-left", "no icon", lambda s: s.layout == "wordmark"),
        ("icon-left", "make it a badge", lambda s: s.layout == "emblem" and s.shape != "none"),
        ("icon-left", "use the initials", lambda s: s.layout == "monogram" and s.initials == "AR"),
        ("wordmark", "horizontal", lambda s: s.layout == "icon-left" and s.icon),
        ("icon-left", "serif", lambda s: "serif" in FACES[s.font].phrase),
        ("icon-left", "a serif font", lambda s: "sans" not in FACES[s.font].phrase),
        ("emblem", "sans serif", lambda s: "sans" in FACES[s.font].phrase),
        ("icon-left", "rounded font", lambda s: "rounded" in FACES[s.font].phrase),
        ("icon-left", "geometric type", lambda s: "geometric" in FACES[s.font].phrase),
        ("icon-left", "a script font", lambda s: FACES[s.font].script),
        ("icon-left", "all caps", lambda s: s.letter_case == "upper" and s.tracking >= 0.06),
        ("emblem", "lowercase", lambda s: s.letter_case == "lower"),
        ("icon-left", "more letter spacing", lambda s: s.tracking > ICON_LEFT.tracking),
        ("icon-left", "tighter spacing", lambda s: s.tracking < ICON_LEFT.tracking),
        ("icon-left", "a leaf instead", lambda s: s.icon == "leaf"),
        ("icon-left", "use a star", lambda s: s.icon == "star"),
        ("icon-left", "with a dog", lambda s: "dog" in ICONS[s.icon].keywords),
        ("icon-left", "music icon", lambda s: s.icon == "music"),
        ("wordmark", "add a heart", lambda s: s.icon == "heart" and s.layout == "icon-left"),
        ("icon-left", "a different icon", lambda s: s.icon not in ("", ICON_LEFT.icon)),
        ("icon-left", "rounder", lambda s: s.shape in ("circle", "rounded-square")),
        ("icon-left", "a rounder icon", lambda s: s.shape in ("circle", "rounded-square")),
        ("icon-top", "hexagon", lambda s: s.shape == "hexagon"),
        ("icon-left", "in a circle", lambda s: s.shape == "circle"),
        ("monogram", "square", lambda s: s.shape == "rounded-square"),
        ("icon-left", "shield shape", lambda s: s.shape == "shield"),
        ("wordmark", "put it in a circle", lambda s: s.layout == "emblem" and s.shape == "circle"),
        ("emblem", "no background shape", lambda s: s.layout == "icon-top" and s.shape == "none"),
    ],
)
def test_understood_phrases(parent: str, text: str, check: Callable[[LogoSpec], bool]) -> None:
    edit = _edit(PARENTS[parent], text)
    assert check(edit.spec), (edit.applied, edit.spec)
    assert edit.not_understood == ()
    assert not any(line.startswith("variation:") for line in edit.applied), edit.applied


def test_bolder_and_lighter_weight() -> None:
    bolder = _edit(ICON_LEFT, "bolder")
    assert bolder.spec.weight > ICON_LEFT.weight
    assert bolder.spec.weight in FACES[bolder.spec.font].weights
    lighter = _edit(ICON_LEFT, "lighter font")
    assert lighter.spec.weight < ICON_LEFT.weight
    assert lighter.spec.palette == ICON_LEFT.palette  # "lighter font" is weight, not colour
    colour = _edit(ICON_LEFT, "lighter")
    assert colour.spec.weight == ICON_LEFT.weight and colour.spec.palette != ICON_LEFT.palette


@pytest.mark.parametrize(
    ("text", "moods"),
    [
        ("more playful", {"playful"}),
        ("make it more elegant", {"elegant", "luxury"}),
        ("a luxury feel", {"elegant", "luxury"}),
        ("more minimal", {"minimal"}),
        ("more modern", {"modern"}),
        ("more corporate", {"corporate"}),
        ("more professional please", {"corporate"}),
        ("less playful", {"corporate"}),
    ],
)
def test_mood_words_change_face_and_more(text: str, moods: set[str]) -> None:
    for layout in ("icon-left", "monogram"):
        edit = _edit(PARENTS[layout], text)
        assert moods & set(FACES[edit.spec.font].mood), (text, edit.spec.font)
        assert edit.applied[0].startswith("mood: ")
        assert edit.not_understood == ()


def test_playful_is_rounder_and_elegant_is_spaced_capitals() -> None:
    playful = _edit(ICON_LEFT, "more playful").spec
    assert playful.font == "nunito" and playful.shape == "circle"
    elegant = _edit(ICON_LEFT, "more elegant").spec
    assert elegant.letter_case == "upper" and elegant.tracking >= 0.1


# --- combining, not understanding, variations -------------------------------------------------


def test_clauses_combine() -> None:
    edit = _edit(ICON_LEFT, "make it navy and drop the tagline")
    assert edit.spec.palette.primary == NAVY and edit.spec.slogan == ""
    assert edit.applied == ("colour: navy (#000080)", "tagline: removed")
    assert edit.not_understood == ()
    many = _edit(ICON_LEFT, "Stacked, serif, all caps; a leaf instead and a hexagon.")
    s = many.spec
    assert (s.layout, s.icon, s.letter_case, s.shape) == ("icon-top", "leaf", "upper", "hexagon")
    assert _serif(s.font) and len(many.applied) == 5


def _serif(slug: str) -> bool:
    return "serif" in FACES[slug].phrase and "sans" not in FACES[slug].phrase


def test_unknown_instruction_is_reported_and_still_varies() -> None:
    edit = _edit(ICON_LEFT, "make it swing like jazz")
    assert edit.not_understood == ("swing like jazz",)
    assert edit.spec != ICON_LEFT
    assert len(edit.applied) == 1 and edit.applied[0].startswith("variation: ")


def test_partly_understood_reports_the_rest_verbatim() -> None:
    edit = _edit(ICON_LEFT, "Make it navy, add sparkly Unicorns and tilt the icon")
    assert edit.spec.palette.primary == NAVY
    assert edit.not_understood == ("sparkly Unicorns", "tilt the icon")


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("not navy", "not navy"),
        ("don't use a leaf", "don't use a leaf"),
        ("🔥🔥", "🔥🔥"),
    ],
)
def test_negations_and_impossible_requests_are_not_pretended(text: str, unknown: str) -> None:
    edit = _edit(ICON_LEFT, text)
    assert edit.not_understood == (unknown,)
    assert edit.spec.palette.primary != NAVY and edit.spec.icon != "leaf"


def test_an_edit_that_changes_nothing_still_varies_and_honours_it() -> None:
    navy = _edit(ICON_LEFT, "navy").spec
    again = _edit(navy, "make it navy")
    assert _navyish(again.spec.palette.primary)
    assert again.applied[0] == "colour: navy (#000080) (already)"
    assert again.applied[-1].startswith("variation: ")
    same_layout = _edit(ICON_LEFT, "horizontal")
    assert same_layout.spec.layout == "icon-left"
    assert same_layout.applied[-1].startswith("variation: ")


def test_variations_differ_from_each_other_and_honour_the_instruction() -> None:
    takes = [_edit(ICON_LEFT, "make it navy", variation=v).spec for v in range(3)]
    assert all(_navyish(s.palette.primary) and _navyish(s.palette.text) for s in takes)
    assert takes[0].palette.primary == NAVY
    for i in range(3):
        for j in range(i + 1, 3):
            assert _visibly_different(takes[i], takes[j]), (i, j)
    serif = [_edit(ICON_LEFT, "serif", variation=v).spec for v in range(2)]
    assert all(_serif(s.font) for s in serif) and serif[0].font != serif[1].font


def test_same_arguments_give_the_same_result() -> None:
    for text in ("make it navy", "make it pop like jazz", "more playful", ""):
        for variation in range(3):
            a = edit_spec(ICON_LEFT, text, variation=variation, seed=7)
            assert a == edit_spec(ICON_LEFT, text, variation=variation, seed=7)
    seeds = {edit_spec(ICON_LEFT, "zzz", seed=s).spec for s in range(6)}
    assert len(seeds) > 1


def _random_instruction(rng: random.Random) -> str:
    words = [
        "make", "it", "navy", "and", "drop", "the", "tagline", "more", "playful", "serif", "a",
        "leaf", "instead", "no", "not", "icon", "only", "#0a2540", "lighter", "bolder", "rounder",
        "black", "white", "text", "background", "hexagon", "jazz", "🔥", "Ünïcödé", "漢字", "",
        "\x00", "\n", "   ", "'", "--", "different", "font", "keep", "colours", "stacked",
    ]  # fmt: skip
    if rng.random() < 0.3:
        alphabet = "abcdefghijklmnopqrstuvwxyz #0123456789,.!?éüß漢😀\u200d\x00\n-'&"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 1000)))
    return " ".join(rng.choice(words) for _ in range(rng.randrange(0, 12)))


def test_random_instructions_never_raise_and_always_vary() -> None:
    rng = random.Random(2024)
    parents = list(PARENTS.values())
    for i in range(200):
        parent = parents[i % len(parents)]
        text = _random_instruction(rng)
        edit = edit_spec(parent, text, variation=i % 3, seed=i)
        assert isinstance(edit, SpecEdit)
        assert LogoSpec.from_dict(edit.spec.to_dict()) == edit.spec
        assert edit.spec.weight in FACES[edit.spec.font].weights
        p = edit.spec.palette
        assert min(contrast(c, p.background) for c in (p.primary, p.secondary, p.text)) >= 3.0
        assert _changed_pixels(edit.spec, parent, size=128) >= 40, (text, edit.applied)
        assert all(phrase and phrase in text for phrase in edit.not_understood), text


def test_odd_input_does_not_raise() -> None:
    for text in ("", " ", "x" * 1000, "\x00\x00", "🔥" * 300, "navy " * 200, "#", "##fff"):
        _edit(ICON_LEFT, text)
    assert _edit(ICON_LEFT, "make it navy", variation=50).spec.palette.primary != ""


def _height(spec: LogoSpec, role: str) -> float:
    return max(e.box[3] - e.box[1] for e in lay_out(spec) if e.role == role)


@pytest.mark.parametrize("layout", ["icon-left", "icon-top", "emblem", "monogram"])
@pytest.mark.parametrize(
    ("text", "role", "bigger"),
    [
        ("bigger icon", "mark", True),
        ("make the icon a bit larger", "mark", True),
        ("the icon is too small", "mark", True),
        ("smaller text", "name", False),
        ("make the name smaller", "name", False),
        # a name that already fills its width breaks into shorter lines, set larger
        ("make the text bigger", "name", True),
        ("larger name", "name", True),
    ],
)
def test_size_requests_resize_the_mark_or_the_name(
    layout: str, text: str, role: str, bigger: bool
) -> None:
    parent = PARENTS[layout]
    edit = _edit(parent, text)
    assert not edit.not_understood, edit
    assert any("size" in line for line in edit.applied), edit.applied
    before, after = _height(parent, role), _height(edit.spec, role)
    assert (after > before * 1.05) if bigger else (after < before / 1.05), (before, after)
    assert edit.spec.layout == layout


@pytest.mark.parametrize("layout", ["icon-top", "emblem", "monogram"])
def test_a_smaller_icon_request_shrinks_the_mark(layout: str) -> None:
    edit = _edit(PARENTS[layout], "shrink the icon")
    assert not edit.not_understood
    assert _height(edit.spec, "mark") < _height(PARENTS[layout], "mark") / 1.05


def test_bigger_text_beside_an_icon_that_has_no_room_stacks_the_logo() -> None:
    long_name = replace(ICON_LEFT, name="Bright Smile Family Dental")
    edit = _edit(long_name, "make the text bigger")
    assert not edit.not_understood, edit
    assert _height(edit.spec, "name") > _height(long_name, "name") * 1.05


@pytest.mark.parametrize("layout", ["icon-top", "emblem", "monogram"])
def test_bigger_text_for_a_name_already_as_wide_as_its_room_sets_it_in_more_lines(
    layout: str,
) -> None:
    parent = replace(PARENTS[layout], name="Bright Smile Family Dental")
    edit = _edit(parent, "make the text bigger")
    assert not edit.not_understood, edit
    assert _height(edit.spec, "name") > _height(parent, "name") * 1.2


def test_a_size_request_the_logo_cannot_honour_is_reported_not_silently_varied() -> None:
    wordmark = replace(ICON_LEFT, layout="wordmark", icon="")
    edit = _edit(wordmark, "bigger icon")
    assert edit.not_understood == ("bigger icon",)  # a wordmark has no icon to enlarge
    icon_only = replace(ICON_LEFT, layout="mark")
    assert _edit(icon_only, "make the text bigger").not_understood == ("the text bigger",)
    # at the largest mark already: no change is claimed
    largest = replace(PARENTS["icon-top"], mark_scale=1.6)
    edit = _edit(largest, "bigger icon")
    assert edit.not_understood == ("bigger icon",)
    assert not any(line.startswith("icon size") for line in edit.applied)


def test_mark_scale_round_trips_and_stays_out_of_specs_that_leave_it_alone() -> None:
    assert "mark_scale" not in ICON_LEFT.to_dict()
    bigger = _edit(ICON_LEFT, "bigger icon").spec
    assert bigger.to_dict()["mark_scale"] == 1.25
    assert LogoSpec.from_dict(bigger.to_dict()) == bigger
    assert LogoSpec.from_dict({**ICON_LEFT.to_dict(), "mark_scale": 1}).mark_scale == 1.0
    for bad in (0.1, 5.0, float("nan"), "big"):
        with pytest.raises(ValueError, match="mark_scale"):
            LogoSpec.from_dict({**ICON_LEFT.to_dict(), "mark_scale": bad})


@pytest.mark.parametrize(
    ("text", "aspect", "field"),
    [
        ("I don't like the colours", "colour", "palette"),
        ("i dont like the colors", "colour", "palette"),
        ("I don’t like the font", "font", "font"),
        ("the icon is ugly", "icon", "icon"),
        ("not a fan of the layout", "layout", "layout"),
    ],
)
def test_a_dislike_asks_for_a_different_one(text: str, aspect: str, field: str) -> None:
    edit = _edit(ICON_LEFT, text)
    assert not edit.not_understood, edit
    assert any(line.startswith(f"{aspect}:") for line in edit.applied), edit.applied
    assert getattr(edit.spec, field) != getattr(ICON_LEFT, field)


@pytest.mark.parametrize(
    ("text", "applied"),
    [
        ("make it look more expensive", "mood: more elegant"),
        ("make it upmarket", "mood: more elegant"),
        ("make it pop", "colours: more vivid"),
        ("it should stand out more", "colours: more vivid"),
        ("center everything", "layout: stacked"),
    ],
)
def test_everyday_phrasings_of_known_edits_are_understood(text: str, applied: str) -> None:
    edit = _edit(ICON_LEFT, text)
    assert not edit.not_understood, edit
    assert any(line.startswith(applied) for line in edit.applied), edit.applied


@pytest.mark.parametrize("name", ["株式会社さくらテクノロジー", "北京烤鸭大酒店", "서울커피"])
@pytest.mark.parametrize("index", [0, 2, 3])
def test_a_variation_of_a_cjk_name_changes_something_that_shows(name: str, index: int) -> None:
    # The CJK face draws such a name whatever the typeface or letter case: another typeface
    # or case only nudged its size or spacing, and the "variation" looked like its parent.
    parent = design_spec(Brief(name, industry="software"), index=index, seed=4)
    for variation in range(3):
        edit = _edit(parent, "try again", variation=variation)
        assert not any(
            line.startswith(("variation: alternate typeface", "variation: all caps"))
            or line.startswith(("variation: title case", "variation: lower case"))
            for line in edit.applied
        ), edit.applied
        assert edit.spec != parent


@pytest.mark.parametrize("layout", ["emblem", "wordmark-block", "icon-left-block"])
def test_a_text_colour_asked_for_shows_on_a_name_reversed_out_of_a_filled_shape(
    layout: str,
) -> None:
    parent = {
        "emblem": replace(PARENTS["emblem"], accent="rule"),
        "wordmark-block": replace(PARENTS["wordmark"], accent="block", shape="none"),
        "icon-left-block": replace(ICON_LEFT, accent="block"),
    }[layout]
    edit = _edit(parent, "make the name red")
    assert not edit.not_understood
    (name,) = [e for e in lay_out(edit.spec) if e.role == "name"]
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', name.svg))
    assert fills == {edit.spec.palette.text}, (fills, edit.spec.palette)
    hue, _, saturation = _hls(edit.spec.palette.text)
    assert (hue < 10 or hue > 350) and saturation > 0.6, edit.spec.palette.text
    assert not any(line.startswith("variation:") for line in edit.applied), edit.applied


@pytest.mark.parametrize("scale", [0.6, 0.8, 1.25, 1.6])
@pytest.mark.parametrize("layout", ["icon-left", "icon-top", "emblem", "monogram", "mark"])
def test_any_mark_scale_keeps_every_element_inside_and_the_text_clear_of_the_mark(
    layout: str, scale: float
) -> None:
    for name in ("Acme", "Acme Roasters and Coffee Merchants of the North"):
        spec = replace(PARENTS["icon-left"], layout=layout, name=name, mark_scale=scale)
        elements = lay_out(spec)
        for e in elements:
            x0, y0, x1, y1 = e.box
            assert min(x0, y0) >= 89 and max(x1, y1) <= 911, (e.role, e.box)
        marks = [e.box for e in elements if e.role == "mark"]
        texts = [e.box for e in elements if e.role in ("name", "slogan")]
        for m in marks:
            for t in texts:
                apart = m[2] <= t[0] or t[2] <= m[0] or m[3] <= t[1] or t[3] <= m[1]
                assert apart or layout == "emblem", (layout, scale, m, t)


@pytest.mark.parametrize("name", ["北京烤鸭大酒店", "서울커피", "שלום"])
@pytest.mark.parametrize("text", ["use a serif font", "use Playfair"])
def test_a_typeface_with_no_letters_for_the_name_is_not_claimed(name: str, text: str) -> None:
    # A serif request on a CJK name said "typeface: playfair-display (serif)", but the name is
    # drawn in Noto Sans CJK whatever the typeface: the summary named a face never drawn.
    parent = design_spec(Brief(name, industry="restaurant"), index=0, seed=1)
    edit = _edit(parent, text)
    (typeface,) = [line for line in edit.applied if line.startswith("typeface:")]
    assert typeface.startswith("typeface: unchanged:") and name in typeface, edit.applied
    assert "playfair" not in edit.spec.font
    assert not edit.not_understood


@pytest.mark.parametrize("name", ["北京烤鸭大酒店", "مقهى الياسمين"])
@pytest.mark.parametrize("text", ["make it lowercase", "make it all caps"])
def test_a_letter_case_is_not_claimed_for_a_name_without_case(name: str, text: str) -> None:
    # "make it lowercase" on a Chinese name said "letter case: lower case": nothing changed
    parent = design_spec(Brief(name, industry="restaurant"), index=0, seed=1)
    edit = _edit(parent, text)
    (line,) = [line for line in edit.applied if line.startswith("letter case:")]
    assert line.startswith("letter case: unchanged:") and name in line, edit.applied
    assert edit.spec.letter_case == parent.letter_case


def test_a_typeface_is_still_changed_when_it_draws_some_of_the_name() -> None:
    parent = design_spec(Brief("Tokyo 寿司", industry="restaurant"), index=0, seed=1)
    edit = _edit(parent, "use a serif font")
    assert "typeface: playfair-display (serif)" in edit.applied
    assert edit.spec.font == "playfair-display"
