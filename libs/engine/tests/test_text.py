"""Text for drawing: letter case keeps a brand's identity, scripts' own case rules, reading
order when wrapped, and monogram initials."""

from __future__ import annotations

import pytest

from logokraft_engine import Brief, design_spec
from logokraft_engine._layout import _slogan, name_text
from logokraft_engine._text import apply_case, split_lines, text_block


@pytest.mark.parametrize(
    ("name", "lower", "title", "upper"),
    [
        ("NASA Kids", "NASA kids", "NASA Kids", "NASA KIDS"),
        ("iPhone Fix", "iPhone fix", "iPhone Fix", "iPhone FIX"),
        ("eBay Resellers", "eBay resellers", "eBay Resellers", "eBay RESELLERS"),
        # a capital inside a name that starts with one is kept in lower and title case, but
        # in capitals it is a name like any other: "McKenzie" stayed "McKenzie" in all caps
        ("McDonald Farm", "McDonald farm", "McDonald Farm", "MCDONALD FARM"),
        ("McKenzie & Sons", "McKenzie & sons", "McKenzie & Sons", "MCKENZIE & SONS"),
        ("MacDonald Tiles", "MacDonald tiles", "MacDonald Tiles", "MACDONALD TILES"),
        ("O'Brien Plumbing", "O'Brien plumbing", "O'Brien Plumbing", "O'BRIEN PLUMBING"),
        ("DeLuca Pasta", "DeLuca pasta", "DeLuca Pasta", "DELUCA PASTA"),
        ("iPad Repair-Shop", "iPad repair-shop", "iPad Repair-Shop", "iPad REPAIR-SHOP"),
        ("Jean-iPhone Bar", "Jean-iPhone bar", "Jean-iPhone Bar", "Jean-iPhone BAR"),
        ("d'Artagnan e-Bike", "d'Artagnan e-bike", "d'Artagnan E-Bike", "D'ARTAGNAN E-BIKE"),
        ("(eBay) easyJet", "(eBay) easyJet", "(eBay) easyJet", "(eBay) easyJet"),
        ("Q", "Q", "Q", "Q"),
        ("Blue River", "blue river", "Blue River", "BLUE RIVER"),
        # capitalised abbreviations: lower case made "Rx" "rx" and "Dr" a word "dr"
        ("Rapid Rx", "rapid Rx", "Rapid Rx", "RAPID RX"),
        ("Dr Smile Dental", "Dr smile dental", "Dr Smile Dental", "DR SMILE DENTAL"),
        ("Harbor & Co.", "harbor & Co.", "Harbor & Co.", "HARBOR & CO."),
        ("Oak Co", "oak Co", "Oak Co", "OAK CO"),
        ("Northline Ltd", "northline Ltd", "Northline Ltd", "NORTHLINE LTD"),
        # words, not abbreviations: lower case as ever ("y" is a vowel; "Cozy" is no "Co")
        ("Sky Gym", "sky gym", "Sky Gym", "SKY GYM"),
        ("My Cozy Nook", "my cozy nook", "My Cozy Nook", "MY COZY NOOK"),
        ("Bake It Now.", "bake it now.", "Bake It Now.", "BAKE IT NOW."),
        # acronyms with digits: lower case drew "3d print hub", "4k video", "b2b leads"
        ("3D Print Hub", "3D print hub", "3D Print Hub", "3D PRINT HUB"),
        ("4K Video Co", "4K video Co", "4K Video Co", "4K VIDEO CO"),
        ("B2B Leads", "B2B leads", "B2B Leads", "B2B LEADS"),
        ("F1 Karting", "F1 karting", "F1 Karting", "F1 KARTING"),
        ("No1 Cafe", "no1 cafe", "No1 Cafe", "NO1 CAFE"),
        ("24/7 Gym", "24/7 gym", "24/7 Gym", "24/7 GYM"),
    ],
)
def test_letter_case_keeps_acronyms_and_inner_capitals(
    name: str, lower: str, title: str, upper: str
) -> None:
    assert apply_case(name, "lower") == lower
    assert apply_case(name, "title") == title
    assert apply_case(name, "upper") == upper


@pytest.mark.parametrize("index", range(8))
def test_no_style_sets_ebay_in_capitals(index: int) -> None:
    # Every candidate, in every case the designer picks (Oswald is capitals only), and the
    # slogan too: "eBay" is drawn as typed.
    for style in ((), ("bold",), ("minimal",), ("elegant",), ("playful",), ("vintage",)):
        spec = design_spec(
            Brief("eBay", slogan="Sold on eBay", style=style), index=index, seed=index
        )
        assert name_text(spec) == "eBay", (style, spec.letter_case, spec.font)
        block = _slogan(spec)
        assert block is not None
        drawn = "".join(c for line in block.lines for c, _ in line.glyphs)
        assert drawn == "SOLDONeBay", (style, drawn)


def test_a_name_with_an_inner_capital_is_drawn_in_capitals_in_an_all_caps_style() -> None:
    # Oswald is set only in capitals: "McKenzie" was drawn as typed beside capitals
    specs = [
        design_spec(Brief("McKenzie Joinery", slogan="By McKenzie"), index=index, seed=3)
        for index in range(8)
    ]
    assert any(spec.letter_case == "upper" for spec in specs)
    for spec in specs:
        if spec.letter_case == "upper":
            assert name_text(spec) == "MCKENZIE JOINERY", (spec.font, spec.letter_case)
        block = _slogan(spec)
        assert block is not None
        assert "".join(c for line in block.lines for c, _ in line.glyphs) == "BYMCKENZIE"


@pytest.mark.parametrize("slogan", ["\u2615\ufe0f + \u2764\ufe0f = \u2600\ufe0f", "...", "\u2014"])
def test_a_slogan_with_no_word_left_to_draw_is_not_set(slogan: str) -> None:
    # without its emoji "☕️ + ❤️ = ☀️" was drawn "+ ♥ = ☀" under the name, "..." as three dots
    for index in range(8):
        spec = design_spec(Brief("Love Coffee", slogan=slogan), index=index, seed=1)
        assert _slogan(spec) is None, (spec.slogan_font, spec.layout)
    kept = design_spec(Brief("Love Coffee", slogan="Coffee \u2764\ufe0f 24/7"), index=0, seed=1)
    assert _slogan(kept) is not None


def test_turkish_sets_dotted_and_dotless_i_in_its_own_case() -> None:
    # "ÖZGÜR İNŞAAT", slogan "Güvenle inşa ediyoruz": the slogan's capitals read "INŞA"
    assert apply_case("Güvenle inşa ediyoruz", "upper", turkish=True) == "GÜVENLE İNŞA EDİYORUZ"
    assert apply_case("istanbul kebap", "title", turkish=True) == "İstanbul Kebap"
    assert apply_case("Işık Yapı", "lower", turkish=True) == "ışık yapı"
    assert apply_case("inşa", "upper") == "INŞA"  # a text that shows no Turkish letter
    spec = design_spec(Brief("ÖZGÜR İNŞAAT", slogan="Güvenle inşa ediyoruz"), index=0, seed=1)
    block = _slogan(spec)
    assert block is not None
    assert "".join(c for line in block.lines for c, _ in line.glyphs) == "GÜVENLEİNŞAEDİYORUZ"
    assert design_spec(Brief("ığdır imalat"), index=0, seed=0).initials == "Iİ"


def test_turkish_dotted_capital_lowercases_to_a_plain_i() -> None:
    assert apply_case("İstanbul Çay", "lower") == "istanbul çay"


def test_greek_in_capitals_drops_its_accents() -> None:
    assert apply_case("Αθηνά Σοφία", "upper") == "ΑΘΗΝΑ ΣΟΦΙΑ"
    assert apply_case("Ἀθῆναι ΐ", "upper") == "ΑΘΗΝΑΙ Ϊ"  # breathings, perispomeni; dialytika kept
    assert apply_case("Café Zoë", "upper") == "CAFÉ ZOË"  # other scripts keep their accents


def test_greek_slogan_in_capitals_drops_its_accents() -> None:
    spec = design_spec(Brief("Athena", slogan="Καλή όρεξη"), index=0, seed=0)
    block = _slogan(spec)
    assert block is not None
    drawn = "".join(c for line in block.lines for c, _ in line.glyphs)
    assert drawn == "ΚΑΛΗΟΡΕΞΗ"


def test_a_wrapped_mixed_script_name_keeps_the_whole_names_reading_order() -> None:
    block = text_block("Mixed שלום Name", "noto-sans", 400, longest=8)
    drawn = ["".join(c for c, _ in line.glyphs) for line in block.lines]
    # Left to right as a whole, so the second line reads "שלום" then "Name" (drawn reversed).
    assert drawn == ["Mixed", "םולשName"]


def test_a_wrapped_right_to_left_name_keeps_its_direction() -> None:
    block = text_block("שלום Name עולם", "noto-sans", 400, longest=8)
    drawn = ["".join(c for c, _ in line.glyphs) for line in block.lines]
    # Right to left as a whole: "Name" comes first, so it is drawn at the right of "עולם".
    assert drawn == ["םולש", "םלועName"]


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("The Midnight Howlers", "MH"),
        ("The International Association of Bakers", "IA"),
        ("Les Jardins Secrets", "JS"),
        ("El Toro Loco", "TL"),
        ("7-Eleven", "7E"),
        ("The", "T"),
        ("acme roasters", "AR"),
        # a name that is one short acronym keeps it whole ("XYZ" was "X")
        ("XYZ", "XYZ"),
        ("IBM", "IBM"),
        ("NASA", "N"),  # four letters: a monogram holds three at most
        ("Q", "Q"),
        ("Zo", "Z"),
        # small words inside a name are no initials ("Hall of Time" was "HO")
        ("Hall of Time", "HT"),
        ("Crème de la Crème", "CC"),
        ("Bank of America", "BA"),
        ("Tea and Cake", "TC"),
        ("Made to Last", "ML"),
    ],
)
def test_monogram_initials_skip_a_leading_article_and_split_hyphens(
    name: str, initials: str
) -> None:
    assert design_spec(Brief(name), index=0, seed=0).initials == initials


@pytest.mark.parametrize(
    ("text", "longest", "lines"),
    [
        # a break inside quotes split "Café «Le / Petit»", the better balanced of the two
        ("Café «Le Petit»", 14, ("Café", "«Le Petit»")),
        ("Haus „Zum Löwen“ Gasthof", 17, ("Haus „Zum Löwen“", "Gasthof")),
        ('The "Blue Door" Bakery', 16, ('The "Blue Door"', "Bakery")),
        ("Paws (and Claws) Vets", 16, ("Paws", "(and Claws) Vets")),
        # ... unless only the break inside fits: a cost never adds a line
        ("Café «Le Petit»", 9, ("Café «Le", "Petit»")),
        # an apostrophe opens nothing
        ("O’Brien’s Irish Pub and Grill", 16, ("O’Brien’s Irish", "Pub and Grill")),
    ],
)
def test_a_name_breaks_outside_its_quotes(text: str, longest: int, lines: tuple[str, ...]) -> None:
    assert split_lines(text, longest) == lines


def test_a_line_more_is_taken_only_when_it_narrows_the_widest() -> None:
    # a long first word set "Llanfairpwllgwyngyll / Bed / & Breakfast" in a badge: the third
    # line narrowed nothing, only made the name taller (and so smaller)
    assert split_lines("Llanfairpwllgwyngyll Bed & Breakfast", 14, 3) == (
        "Llanfairpwllgwyngyll",
        "Bed & Breakfast",
    )
    # a third line that does narrow the widest is still taken
    assert split_lines("The Riverside Arts and Heritage Foundation", 14, 3) == (
        "The Riverside",
        "Arts and Heritage",
        "Foundation",
    )
