"""Scripts that need shaping or a CJK face: Devanagari shaped with HarfBuzz (conjuncts, vowel
signs, reph), Thai, Tamil, Telugu, Bengali and Khmer in faces of their own (marks stacked,
vowel signs reordered, conjuncts), Chinese, Japanese and Korean drawn in Noto Sans CJK beside
the chosen face's Latin, their initials, and Latin text untouched by any of it."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from logokraft_engine import Brief, design_spec, render_logo
from logokraft_engine import _fonts as fonts
from logokraft_engine._design import _initials
from logokraft_engine._fonts import (
    CJK_FACE,
    EM,
    FACES,
    SCRIPT_FACES,
    cap_height,
    cjk_language,
    draws_all,
    face_for,
    graphemes,
    matching_weight,
    outline,
    shape,
)
from logokraft_engine._layout import lay_out
from logokraft_engine._spec import LogoSpec
from logokraft_engine._text import apply_case, split_lines

NAMES = ["珈琲工房 ひかり", "Tokyo 東京 Sushi", "한빛 커피", "अमृत चाय", "茶馆", "राम क्षेत्र मिठाई"]
LAYOUTS = ("wordmark", "icon-left", "icon-top", "emblem", "monogram")


def _glyph_names(clusters, slug: str, weight: int) -> list[list[str]]:
    font = fonts._hb_font(*fonts._file(slug, weight), weight)
    return [[font.get_glyph_name(gid) for gid, _, _ in c.glyphs] for c in clusters]


def _drawn(line) -> str:
    return "".join(char for char, _ in line.glyphs)


# --- Devanagari ---------------------------------------------------------------------------------


def test_a_devanagari_conjunct_is_one_shaped_glyph() -> None:
    (cluster,) = shape("क्ष", "noto-sans", 700)
    assert cluster.text == "क्ष" and _glyph_names([cluster], "noto-sans", 700) == [
        ["uni0915094D0937"]
    ]
    # Poppins has its own Devanagari, with its own conjuncts.
    assert _glyph_names(shape("क्ष", "poppins", 700), "poppins", 700) == [["dvK_SSA"]]


def test_devanagari_vowel_signs_and_reph_are_placed_by_the_shaper() -> None:
    # "ि" is typed after its consonant and drawn before it.
    (ki,) = shape("कि", "noto-sans", 400)
    names = _glyph_names([ki], "noto-sans", 400)[0]
    assert names[0].startswith("uni093F") and names[1] == "uni0915"
    # The reph (र् before a consonant) is drawn above the end of the syllable, after it.
    karma = shape("कर्म", "noto-sans", 400)
    assert [c.text for c in karma] == ["क", "र्म"]
    assert _glyph_names(karma, "noto-sans", 400)[1] == ["uni092E", "uni0930094D"]


@pytest.mark.parametrize("font", sorted(FACES))
def test_a_hindi_name_is_drawn_whole_in_every_face(font: str) -> None:
    weight = FACES[font].weights[-1]
    line = outline("राम क्षेत्र मिठाई", font, weight)
    # One glyph entry per syllable, the letters in reading order, no visible virama.
    assert [c for c, _ in line.glyphs] == ["रा", "म", "क्षे", "त्र", "मि", "ठा", "ई"]
    assert draws_all("राम क्षेत्र मिठाई", font)
    own = face_for("क", font)
    assert own == ("poppins" if font == "poppins" else "noto-sans")


def test_a_devanagari_word_is_never_letter_spaced() -> None:
    # Its letters hang from one headline: spacing would break it.
    plain, spaced = outline("नमस्ते", "inter", 700), outline("नमस्ते", "inter", 700, 0.12)
    assert spaced.advance == pytest.approx(plain.advance)


# --- CJK ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("font", sorted(FACES))
def test_tokyo_sushi_is_drawn_whole_in_every_face(font: str) -> None:
    weight = FACES[font].weights[0]
    line = outline("Tokyo 東京 Sushi", font, weight)
    assert _drawn(line) == "Tokyo東京Sushi"
    assert draws_all("Tokyo 東京 Sushi", font)
    # The Latin words are the chosen face's own, exactly as they are set alone.
    tokyo = outline("Tokyo", font, weight)
    assert line.glyphs[:5] == tokyo.glyphs


def test_kanji_stand_on_the_baseline_about_as_tall_as_the_capitals() -> None:
    line = outline("T東", "inter", 700)
    kanji = outline("東", "inter", 700)
    cap = cap_height("inter")
    assert 1.0 * cap < kanji.height < 1.3 * cap
    assert -0.12 * EM < kanji.bounds[3] < 0.12 * EM  # sits on the baseline, as the T does
    assert line.height == pytest.approx(kanji.height, rel=0.05)


@pytest.mark.parametrize("name", ["珈琲工房 ひかり", "한빛 커피", "茶馆", "台灣茶 Formosa"])
def test_cjk_names_are_drawn_with_every_sign(name: str) -> None:
    line = outline(name, "montserrat", 700)
    assert _drawn(line) == name.replace(" ", "")
    assert all(d.count("M") >= 1 for _, d in line.glyphs)  # a real outline, not a blank


def test_the_language_picks_the_regions_glyph_forms() -> None:
    assert cjk_language("珈琲工房 ひかり") == "ja"
    assert cjk_language("한빛 커피") == "ko"
    assert cjk_language("茶馆") == cjk_language("北京烤鸭") == "zh-Hans"
    assert cjk_language("臺灣") == cjk_language("學校") == "zh-Hant"
    assert cjk_language("東京寿司") == "ja"
    # 直 is drawn differently in Japan and in China.
    assert (
        outline("直", "inter", 700, lang="ja").glyphs
        != outline("直", "inter", 700, lang="zh-Hans").glyphs
    )


def test_case_treatments_leave_cjk_and_devanagari_alone() -> None:
    assert apply_case("Tokyo 東京 sushi", "upper") == "TOKYO 東京 SUSHI"
    for case in ("upper", "lower", "title"):
        assert apply_case("珈琲工房 ひかり", case) == "珈琲工房 ひかり"
        assert apply_case("अमृत चाय", case) == "अमृत चाय"


def test_capitals_spacing_is_gentle_in_a_cjk_run_and_never_tightens_it() -> None:
    plain = outline("東京工房", "inter", 700)
    spaced = outline("東京工房", "inter", 700, 0.12)
    gaps = 3
    assert 0 < spaced.advance - plain.advance < gaps * 0.12 * EM * 0.75
    assert outline("東京工房", "inter", 700, -0.01).advance == pytest.approx(plain.advance)


def test_the_cjk_face_is_set_as_dark_as_the_chosen_face() -> None:
    assert matching_weight("inter", 700) == 700
    assert matching_weight("dm-serif-display", 400) >= 550  # a heavy display serif
    assert matching_weight("pacifico", 400) >= 600  # a heavy brush script
    assert matching_weight("dancing-script", 600) <= 400  # a light script


# --- layouts, initials, the mark-only fallback --------------------------------------------------


def _roles(elements, *roles):
    return [e for e in elements if e.role in roles]


@pytest.mark.parametrize("name", NAMES)
def test_every_candidate_of_a_cjk_or_hindi_name_shows_it(name: str) -> None:
    brief = Brief(name, slogan="", industry="cafe")
    for index in range(8):
        spec = design_spec(brief, index=index, seed=1)
        assert spec.layout != "mark", (index, spec.layout)
        (element,) = _roles(lay_out(spec), "name")
        # a path per letter: a sign, a Hangul syllable, a Devanagari syllable
        assert element.svg.count("<path") == len(graphemes(name.replace(" ", ""))), index


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_cjk_and_hindi_names_in_every_layout_keep_their_text_inside(name: str, layout: str) -> None:
    spec = replace(design_spec(Brief(name, slogan="Since 1990"), index=0, seed=2), layout=layout)
    elements = lay_out(spec)
    assert len(_roles(elements, "name")) == 1 and _roles(elements, "slogan")
    for e in elements:
        x0, y0, x1, y1 = e.box
        assert min(x0, y0) >= 89 and max(x1, y1) <= 911, (e.role, e.box)


def test_svg_master_and_png_agree() -> None:
    spec = replace(
        design_spec(Brief("Tokyo 東京 Sushi"), index=0, seed=1), layout="wordmark", accent="none"
    )
    logo = render_logo(spec, size=500)
    (name,) = _roles(lay_out(spec), "name")
    image = Image.open(io.BytesIO(logo.png)).convert("L")
    background = image.getpixel((2, 2))
    ink = image.point(lambda v: 255 if abs(v - background) > 60 else 0).getbbox()
    assert ink is not None
    x0, y0, x1, y1 = (v * 2 for v in ink)  # 500 px for the 1000-unit canvas
    bx0, by0, bx1, by1 = name.box
    assert abs(x0 - bx0) < 4 and abs(x1 - bx1) < 4 and abs(y0 - by0) < 4 and abs(y1 - by1) < 4


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("珈琲工房 ひかり", "珈"),
        ("東京", "東"),
        ("한빛 커피", "한"),
        ("茶馆", "茶"),
        ("Tokyo 東京 Sushi", "TS"),
        ("अमृत चाय", "अ"),
        ("चाय घर", "चा"),  # the vowel sign stays with its consonant
        ("क्षेत्र मिठाई", "क्षे"),  # a conjunct is one letter
        ("The Midnight Howlers", "MH"),
        # a leading legal form is skipped like an article: "株" reads as "Inc."
        ("株式会社さくら不動産", "さ"),
        ("주식회사 한빛", "한"),
        ("小林製薬株式会社", "小"),
        # Arabic writes its article "ال" into the word: the initial is the noun's own letter
        ("مقهى الياسمين", "مي"),
        ("مطعم الشرق الأوسط", "مش"),
    ],
)
def test_initials_of_cjk_and_indic_names(name: str, initials: str) -> None:
    assert _initials(name) == initials
    spec = replace(design_spec(Brief(name), index=0, seed=1), layout="monogram")
    assert spec.initials == initials
    assert LogoSpec.from_dict(spec.to_dict()) == spec  # a conjunct's 4 code points are valid
    (drawn,) = _roles(lay_out(spec), "initials")
    assert drawn.svg.count("<path") == len(graphemes(initials))


def test_a_monogram_without_stored_initials_takes_the_first_whole_letter() -> None:
    spec = replace(design_spec(Brief("चाय घर"), index=0, seed=1), layout="mark", icon="")
    (drawn,) = _roles(lay_out(replace(spec, initials="")), "initials")
    (alone,) = _roles(lay_out(replace(spec, initials="चा")), "initials")
    assert drawn.svg == alone.svg


def test_graphemes_keep_marks_and_conjuncts_together() -> None:
    assert graphemes("क्षेत्र") == ["क्षे", "त्र"]
    assert graphemes("श्री") == ["श्री"]
    assert graphemes("Zoë") == ["Z", "o", "ë"]
    assert graphemes("東京") == ["東", "京"]


# --- Latin stays as it was ------------------------------------------------------------------------


def test_latin_names_are_never_shaped_nor_open_the_cjk_face(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("HarfBuzz shaped a Latin name")

    monkeypatch.setattr(fonts.hb, "shape", refuse)
    fonts._hb_face.cache_clear()
    for name in ("Northwind Logistics", "Café Zoë", "Αθηνά", "קפה טוב", "مقهى النور"):
        brief = Brief(name, slogan="Fresh daily")
        for index in range(8):
            render_logo(design_spec(brief, index=index, seed=1), size=64)
    assert fonts._hb_face.cache_info().currsize == 0  # no font opened with HarfBuzz at all


def test_the_cjk_face_is_only_looked_up_for_cjk_characters() -> None:
    assert face_for("A", "inter") == "inter"
    assert face_for("東", "inter") == CJK_FACE
    assert face_for("😀", "inter") is None
    assert face_for("ก", "inter") == "noto-sans-thai"
    assert face_for("\u0d2e", "inter") is None  # Malayalam: still no face


def test_a_devanagari_name_in_capitals_spacing_keeps_plain_word_spaces() -> None:
    # Letter-spacing does not apply to Devanagari, so its word spaces do not grow with it.
    assert outline("राम क्षेत्र", "inter", 700, 0.12).advance == pytest.approx(
        outline("राम क्षेत्र", "inter", 700).advance
    )
    mixed, plain = outline("Namaste नमस्ते", "inter", 700, 0.1), outline("Namaste", "inter", 700)
    assert mixed.advance > plain.advance + 6 * 0.1 * EM  # the Latin word is spaced


def test_the_prompt_does_not_ask_for_capitals_of_a_script_without_case() -> None:
    from logokraft_engine._design import describe_spec

    brief = Brief("珈琲工房", industry="cafe")
    spec = replace(design_spec(brief, index=0, seed=1), letter_case="upper", font="inter")
    assert "all caps" not in describe_spec(spec, brief)
    latin = replace(spec, name="Hikari Coffee")
    assert "all caps" in describe_spec(latin, brief)


def test_joiners_and_variation_selectors_count_as_drawn_and_take_effect() -> None:
    # An ideographic variation selector picks the variant a family name is registered in.
    assert draws_all("葛\U000e0100飾 Books", "inter")
    first, second = outline("葛\U000e0100", "inter", 700), outline("葛\U000e0101", "inter", 700)
    assert first.glyphs[0][1] != second.glyphs[0][1]
    # A zero-width joiner asks for a consonant's half form instead of the conjunct.
    assert draws_all("क्\u200dष", "inter")
    assert len(outline("क्\u200dष", "inter", 700).glyphs) == 2
    assert len(outline("क्ष", "inter", 700).glyphs) == 1


# --- Thai, Tamil, Telugu, Bengali, Khmer ----------------------------------------------------------

SCRIPT_NAMES = {
    "noto-sans-thai": "กาแฟดอย",
    "noto-sans-tamil": "தமிழ் காபி",
    "noto-sans-telugu": "తెలుగు టీ",
    "hind-siliguri": "মিষ্টি ঘর",
    "noto-sans-khmer": "កាហ្វេខ្មែរ",
}


def _shaped_names(run: str, slug: str, weight: int = 700) -> list[list[str]]:
    return _glyph_names(shape(run, slug, weight), slug, weight)


@pytest.mark.parametrize("font", sorted(FACES))
@pytest.mark.parametrize("face", sorted(SCRIPT_NAMES))
def test_a_name_in_each_new_script_is_drawn_whole_in_every_face(font: str, face: str) -> None:
    name = SCRIPT_NAMES[face]
    assert draws_all(name, font)
    assert face_for(name[0], font) == face
    line = outline(name, font, FACES[font].weights[-1])
    assert _drawn(line) == name.replace(" ", "")  # every character, none left out
    assert all(d.count("M") >= 1 for _, d in line.glyphs)


def test_thai_marks_are_stacked_and_moved_clear_of_tall_consonants() -> None:
    # The tone mark sits above the vowel sign, both on the consonant (not beside it).
    assert _shaped_names("กี่", "noto-sans-thai") == [["uni0E01", "uni0E35", "uni0E48.small"]]
    # Beside the tall stroke of ป the marks take narrow forms, moved left.
    (pi,) = shape("ปี่", "noto-sans-thai", 700)
    assert _shaped_names("ปี่", "noto-sans-thai")[0][1:] == ["uni0E35.narrow", "uni0E48.small"]
    assert pi.glyphs[2][1] < pi.glyphs[1][1]
    # Under ญ a vowel below drops the consonant's tail.
    assert _shaped_names("ญู", "noto-sans-thai") == [["uni0E0D.less", "uni0E39"]]
    # SARA AM is split into its ring and its vowel, one letter with its consonant.
    assert [c.text for c in shape("กำ", "noto-sans-thai", 700)] == ["กำ"]


def test_tamil_and_bengali_vowel_signs_are_reordered() -> None:
    # "ொ" is typed after its consonant and drawn in two parts around it.
    assert _shaped_names("கொ", "noto-sans-tamil") == [
        ["evowelsigntamil", "katamil", "aavowelsigntamil"]
    ]
    assert _shaped_names("কি", "hind-siliguri") == [["bnmI", "bnKA"]]
    assert _shaped_names("কো", "hind-siliguri") == [["bnmE.init", "bnKA", "bnmAA"]]


def test_conjuncts_are_joined_in_bengali_telugu_tamil_and_khmer() -> None:
    assert _shaped_names("ষ্টি", "hind-siliguri") == [["bnSS_TTA_mI"]]
    assert _shaped_names("క్ష", "noto-sans-telugu") == [["kassatelu"]]
    assert _shaped_names("టీ", "noto-sans-telugu") == [["ttiivoweltelu"]]
    assert _shaped_names("க்ஷ", "noto-sans-tamil") == [["tchatamil"]]
    # Khmer: the vowel drawn before the cluster, the second consonant subscript (coeng).
    assert _shaped_names("ខ្មែ", "noto-sans-khmer") == [["uni17C2", "uni1781", "uni17D21798"]]


@pytest.mark.parametrize("face", sorted(SCRIPT_NAMES))
def test_words_of_the_new_scripts_are_never_letter_spaced(face: str) -> None:
    name = SCRIPT_NAMES[face]
    plain, spaced = outline(name, "inter", 700), outline(name, "inter", 700, 0.12)
    assert spaced.advance == pytest.approx(plain.advance)


@pytest.mark.parametrize("face", sorted(SCRIPT_NAMES))
def test_case_treatments_leave_the_new_scripts_alone(face: str) -> None:
    name = SCRIPT_NAMES[face]
    for case in ("upper", "lower", "title"):
        assert apply_case(name, case) == name


@pytest.mark.parametrize("face", sorted(SCRIPT_NAMES))
def test_the_new_scripts_are_set_as_dark_as_the_chosen_face(face: str, monkeypatch) -> None:
    name = SCRIPT_NAMES[face]
    assert outline(name, "inter", 800).glyphs != outline(name, "inter", 500).glyphs
    # Shaped at the weight that matches the chosen face, as a run in a fallback face is.
    calls: list[tuple[str, int]] = []
    real = fonts.shape

    def spy(run: str, slug: str, weight: int, lang: str = ""):
        calls.append((slug, weight))
        return real(run, slug, weight, lang)

    monkeypatch.setattr(fonts, "shape", spy)
    fonts._outline(name, "dm-serif-display", 400, 0.0, None, "")
    assert calls and set(calls) == {(face, matching_weight("dm-serif-display", 400))}


@pytest.mark.parametrize("name", list(SCRIPT_NAMES.values()))
def test_every_candidate_of_a_name_in_a_new_script_shows_it(name: str) -> None:
    brief = Brief(name, slogan=name.split()[0], industry="cafe")
    for index in range(8):
        spec = design_spec(brief, index=index, seed=1)
        assert spec.layout != "mark", (index, spec.layout)
        assert _roles(lay_out(spec), "name")


@pytest.mark.parametrize("name", list(SCRIPT_NAMES.values()))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_names_in_the_new_scripts_keep_their_text_inside(name: str, layout: str) -> None:
    spec = replace(design_spec(Brief(name, slogan=name), index=0, seed=2), layout=layout)
    elements = lay_out(spec)
    assert len(_roles(elements, "name")) == 1 and _roles(elements, "slogan")
    for e in elements:
        x0, y0, x1, y1 = e.box
        assert min(x0, y0) >= 89 and max(x1, y1) <= 911, (e.role, e.box)


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("กาแฟดอย", "ก"),
        ("แฟนคลับ", "แฟ"),  # a leading vowel is never an initial alone
        ("தமிழ் காபி", "த"),
        ("கொழும்பு", "கொ"),
        ("তেলুগু", "তে"),
        ("মিষ্টি ঘর", "মি"),
        ("ষ্টিমার", "ষ্টি"),  # a conjunct is one letter
        ("తెలుగు టీ", "తె"),
        ("ខ្មែរ", "ខ្មែ"),
    ],
)
def test_initials_of_names_in_the_new_scripts_are_whole_letters(name: str, initials: str) -> None:
    assert _initials(name) == initials
    spec = replace(design_spec(Brief(name), index=0, seed=1), layout="monogram")
    assert spec.initials == initials
    assert LogoSpec.from_dict(spec.to_dict()) == spec
    (drawn,) = _roles(lay_out(spec), "initials")
    assert drawn.svg.count("<path") >= 1


def test_latin_names_never_open_the_script_faces(monkeypatch) -> None:
    opened: list[str] = []
    real = fonts._path.__wrapped__

    def recording(slug: str, weight: int) -> str:
        opened.append(slug)
        return real(slug, weight)

    for cached in (fonts._cmap, fonts._knows_script, fonts._glyph_set, fonts.cap_height):
        cached.cache_clear()
    monkeypatch.setattr(fonts, "_path", recording)
    for name in ("Northwind Logistics", "Café Zoë", "Αθηνά", "Emoji 😀 Bar"):
        brief = Brief(name, slogan="Fresh daily")
        for index in range(4):
            render_logo(design_spec(brief, index=index, seed=1), size=64)
    assert opened and not set(opened) & {face for _, _, face in SCRIPT_FACES}


@pytest.mark.parametrize(
    ("name", "longest", "lines"),
    [
        # between words where a designer would break: a legal form, a change of script
        ("株式会社さくらテクノロジー", 14, ("株式会社さくら", "テクノロジー")),
        ("北京烤鸭大酒店有限公司", 14, ("北京烤鸭大酒店", "有限公司")),
        ("ラーメンショップ", 8, ("ラーメン", "ショップ")),
        # a trade, a place or a legal form is a word of its own, even where a break inside a
        # word would balance the lines better
        ("北京烤鸭大酒店", 8, ("北京烤鸭", "大酒店")),
        ("京都抹茶専門店", 8, ("京都抹茶", "専門店")),
        ("上海浦东新区美味小吃店", 14, ("上海浦东新区", "美味小吃店")),
        ("青岛啤酒股份有限公司", 14, ("青岛啤酒", "股份有限公司")),
        ("深圳市腾讯计算机系统有限公司", 14, ("深圳市腾讯计算机系统", "有限公司")),
        ("東京スペシャルティコーヒーカフェ", 14, ("東京スペシャルティ", "コーヒーカフェ")),
        ("김치찌개전문점", 8, ("김치찌개", "전문점")),
        # no word edge: between any two characters, balanced, never one character alone
        ("吉野家牛丼店", 8, ("吉野家", "牛丼店")),
        # a CJK character runs as wide as two Latin letters; a short name stays whole
        ("서울커피", 14, ("서울커피",)),
        # never before a small kana or the long-vowel mark
        ("チョコレートショコラティエ", 14, ("チョコレート", "ショコラティエ")),
        # a name with spaces breaks at them, never inside a word
        ("Tokyo 東京 Sushi", 8, ("Tokyo", "東京 Sushi")),
    ],
)
def test_a_long_cjk_name_breaks_between_characters(
    name: str, longest: int, lines: tuple[str, ...]
) -> None:
    assert split_lines(name, longest) == lines


def test_no_cjk_line_is_one_character_alone() -> None:
    # Three lines of five characters leave one alone ("天 / 天好 / 心情"): two lines instead.
    assert split_lines("天天好心情", 4, 3) == ("天天", "好心情")
    for name in ("吉野家牛丼店", "大阪たこ焼きの店", "美味拉面馆", "株式会社さくら不動産"):
        for longest in range(2, 12):
            lines = split_lines(name, longest, 3)
            assert all(len(line) > 1 for line in lines), (name, longest, lines)


@pytest.mark.parametrize("name", ["株式会社さくらテクノロジー", "北京烤鸭大酒店有限公司"])
@pytest.mark.parametrize("layout", ["icon-left", "icon-top", "emblem", "monogram"])
def test_a_long_cjk_name_wraps_rather_than_shrinks(name: str, layout: str) -> None:
    spec = replace(design_spec(Brief(name), index=0, seed=2), layout=layout)
    (element,) = _roles(lay_out(spec), "name")
    x0, y0, x1, y1 = element.box
    # two lines of six or seven characters, not one line of eleven or thirteen set tiny
    assert (x1 - x0) / (y1 - y0) < 5, (layout, element.box)
    assert element.svg.count("<path") == len(name)


def test_a_cjk_slogan_breaks_only_between_words() -> None:
    # A name may break between any two characters; a slogan is a phrase, and "正宗北 / 京味道"
    # splits 北京 (Beijing): it breaks only at a known word or where the script changes.
    assert split_lines("正宗北京味道", 6, 3, within_words=False) == ("正宗", "北京", "味道")
    assert split_lines("正宗北京味道", 6, 3) == ("正宗", "北京", "味道")
    assert split_lines("正宗味道", 6, 3, within_words=False) == ("正宗味道",)
    assert split_lines("ラーメンをどうぞ", 8, 3, within_words=False) == ("ラーメン", "をどうぞ")
    spec = design_spec(Brief("北京烤鸭大酒店有限公司", slogan="正宗北京味道"), index=0, seed=1)
    for layout in ("icon-left", "icon-top", "emblem", "monogram", "wordmark"):
        slogans = _roles(lay_out(replace(spec, layout=layout)), "slogan")
        for slogan in slogans:
            assert slogan.svg.count("<path") == 6
            x0, y0, x1, y1 = slogan.box
            assert x1 - x0 > 2 * (y1 - y0), (layout, slogan.box)  # one line, not two
