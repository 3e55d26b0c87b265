"""Text blocks: letter case, line breaking, fitting to a box and placing outlined text."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from logokraft_engine._fonts import (
    EM,
    Outline,
    base_direction,
    cap_height,
    cjk_language,
    is_cjk,
    outline,
)
from logokraft_engine._geometry import num

LINE_GAP = 0.28  # between lines, in em

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Element:
    """One placed piece of the drawing: its SVG markup, ink box (x0, y0, x1, y1) and role.

    Roles: "name", "slogan" and "initials" (text), "mark" (the icon or monogram tile, with its
    container), "badge" (an emblem's filled shape, which holds the text) and "accent" (a
    wordmark's rule, frame or block). `cap` is a text element's cap height in canvas units.
    """

    svg: str
    box: Box
    role: str = ""
    cap: float = 0.0


@dataclass(frozen=True)
class TextBlock:
    """One or more lines of outlined text, measured in 1/1000 em."""

    lines: tuple[Outline, ...]
    cap: float

    def _above(self, line: Outline) -> float:
        return max(self.cap, -line.bounds[1])

    @property
    def empty(self) -> bool:
        """Whether the block has no ink at all."""
        return not any(line.glyphs for line in self.lines)

    @property
    def width(self) -> float:
        """Widest line's ink width."""
        return max(line.width for line in self.lines)

    @property
    def height(self) -> float:
        """Height from the first line's cap/ink top to the last line's ink bottom."""
        body = sum(self._above(line) + max(0.0, line.bounds[3]) for line in self.lines)
        return body + LINE_GAP * EM * (len(self.lines) - 1)

    def fit(self, size: float, max_width: float, max_height: float = float("inf")) -> float:
        """Scale (canvas units per 1/1000 em) for font `size`, shrunk to fit the box."""
        scale = size / EM
        if self.width > 0:
            scale = min(scale, max_width / self.width)
        return min(scale, max_height / self.height) if self.height > 0 else scale

    def place(
        self,
        scale: float,
        x: float,
        top: float,
        color: str,
        align: str = "center",
        role: str = "",
    ) -> Element:
        """An Element with the block's top at `top`, centred on or starting at `x`."""
        parts, y = [], top
        x0 = y0 = float("inf")
        x1 = y1 = float("-inf")
        for line in self.lines:
            baseline = y + scale * self._above(line)
            b = line.bounds
            left = x - scale * (b[0] + b[2]) / 2 if align == "center" else x - scale * b[0]
            if line.glyphs:
                paths = "".join(f'<path d="{d}"/>' for _, d in line.glyphs)
                transform = f"translate({num(left)} {num(baseline)}) scale({scale:.5f})"
                parts.append(f'<g transform="{transform}">{paths}</g>')
                x0, x1 = min(x0, left + scale * b[0]), max(x1, left + scale * b[2])
                y0, y1 = min(y0, baseline + scale * b[1]), max(y1, baseline + scale * b[3])
            y = baseline + scale * (max(0.0, b[3]) + LINE_GAP * EM)
        if x0 > x1:  # no ink: an empty box at the anchor
            x0 = x1 = x
            y0 = y1 = top
        svg = f'<g fill="{color}">{"".join(parts)}</g>'
        return Element(svg, (x0, y0, x1, y1), role, scale * self.cap)


def apply_case(text: str, case: str, *, turkish: bool = False) -> str:
    """`text` in letter case `case` ('upper', 'lower', 'title' or 'as-is'), with Turkish
    dotted and dotless i when `turkish` (see `is_turkish`).

    'lower' and 'title' keep a word whose case is part of the brand's identity as typed: an
    acronym such as "NASA", a capital after its first letter as in "iPhone", "eBay" or
    "McDonald", or a name that is one capital letter. 'lower' also keeps a capitalised
    abbreviation ("Rapid Rx", "Dr Smile", "Acme Co."): "rx" or "dr" would read as another word,
    while capitals ("RX", "DR") are how abbreviations are set in all caps.

    'upper' sets every word in capitals but one that starts with a small letter followed by a
    capital ("eBay", "iPhone", "easyJet"): capitals would lose what makes it the brand's word.
    A name with an inner capital after a capital ("McKenzie", "MacDonald", "O'Brien",
    "DeLuca", "YouTube") reads the same in capitals ("MCKENZIE"), as signage sets it; Greek
    acronyms still lose their accents as capitals do."""
    if case == "upper":
        return " ".join(
            w if _small_then_capital(w) else upper(w, turkish=turkish) for w in text.split()
        )
    if case == "lower":
        if _single_capital(text):
            return text
        return " ".join(
            w if _keeps_case(w) or _abbreviation(w) else lower(w, turkish=turkish)
            for w in text.split(" ")
        )
    if case == "title":
        words = text.split(" ")
        return " ".join(
            w
            if _keeps_case(w) or (0 < i < len(words) - 1 and w.lower() in _MINOR_WORDS)
            else (upper(w[:1], turkish=True) if turkish else w[:1].title()) + w[1:]
            for i, w in enumerate(words)
        )
    return text


def is_turkish(text: str) -> bool:
    """Whether `text` is written in Turkish (or Azerbaijani), whose capital of "i" is "İ" and
    small letter of "I" is "ı": it has a letter only they use, "ğ", "ı" or "İ". ("ş" alone
    says nothing: older Romanian has it too.)"""
    return any(c in "ğĞıİ" for c in text)


def _single_capital(text: str) -> bool:
    """Whether `text` is a name of one capital letter ("Q"), with nothing else to read."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) == 1 and letters[0].isupper()


def _keeps_case(word: str) -> bool:
    """Whether `word` (or a hyphenated part of it) is an acronym of 2+ capitals, or of capitals
    and digits ("3D", "4K", "B2B", "F1": "3d" reads as another word), or has a capital after its
    first letter: its case is the brand's, not a style to change."""
    for part in word.split("-"):
        letters = [c for c in part if c.isalpha()]
        digits = any(c.isdigit() for c in part)
        if len(letters) >= (1 if digits else 2) and all(c.isupper() for c in letters):
            return True
        if any(c.isupper() for c in letters[1:]):
            return True
    return False


def _small_then_capital(word: str) -> bool:
    """Whether `word` (or a hyphenated part of it) starts with a small letter that a capital
    follows in the same run of letters, as "eBay" and "iPhone" do. "e-Bike" does not (its "e"
    is a part of its own), nor "d'Artagnan" (its capital starts a new run past the apostrophe):
    in capitals they are "E-BIKE" and "D'ARTAGNAN"."""
    for part in word.split("-"):
        run = re.match(r"[^\W\d_]+", re.sub(r"^[\W\d_]+", "", part))
        letters = run.group() if run else ""
        if letters[:1].islower() and any(c.isupper() for c in letters[1:]):
            return True
    return False


# Capitalised abbreviations that have a vowel, so the rule of `_abbreviation` misses them.
_ABBREVIATIONS = frozenset({"Co", "Inc", "Corp", "Bros", "Esq", "Intl"})


def _abbreviation(word: str) -> bool:
    """Whether `word` is a capitalised Latin abbreviation: a common legal form ("Co", "Inc.")
    or a word with no vowel (not even "y"), which hardly any English word is: "Rx", "Dr", "Mr",
    "St", "Ltd", "Pty" ("My", "Gym" and "Sky" have a "y"). A full stop alone says nothing: a
    slogan's "Now." ends a sentence."""
    stem = word.rstrip(".,;:!?)")
    if not (stem[:1].isupper() and stem.isascii() and stem.isalpha()):
        return False
    return stem in _ABBREVIATIONS or (len(stem) >= 2 and not set(stem.lower()) & set("aeiouy"))


def lower(text: str, *, turkish: bool = False) -> str:
    """`text` in lower case for drawing: the Turkish dotted capital "İ" becomes a plain "i"
    (Python gives "i" and a combining dot above, drawn as a stray mark), and in Turkish "I"
    becomes the dotless "ı"."""
    if turkish:
        text = text.replace("I", "\u0131")
    return text.replace("\u0130", "i").lower()


# Greek accents and breathings that capitals drop (tonos/oxia, varia, psili, dasia,
# perispomeni, ypogegrammeni); the dialytika (U+0308) stays.
_GREEK_CAPS_DROP = frozenset("\u0300\u0301\u0340\u0341\u0313\u0314\u0342\u0345")


def upper(text: str, *, turkish: bool = False) -> str:
    """`text` in capitals for drawing: Greek set in capitals loses its accents ("Αθηνά" →
    "ΑΘΗΝΑ"), as Greek typography does; other scripts keep theirs. In Turkish "i" becomes the
    dotted "İ" ("inşa" → "İNŞA", not "INŞA")."""
    if turkish:
        text = text.replace("i", "\u0130")
    text = text.upper()
    if not any("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" for c in text):
        return text
    out: list[str] = []
    greek = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if greek and char in _GREEK_CAPS_DROP:
                continue
        else:
            greek = unicodedata.name(char, "").startswith("GREEK")
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


# Short words a title-cased name keeps in lower case unless they start or end it
# ("Arts and Heritage", "House of Flowers").
_MINOR_WORDS = frozenset(
    "a an and as at but by de del der di du en et for in la le of on or the to und van von".split()  # noqa: SIM905 - a sentence of words reads better than 26 quoted strings
)


def columns(text: str) -> int:
    """How wide `text` runs, in Latin characters: a Chinese, Japanese or Korean character is
    about as wide as two."""
    return sum(2 if is_cjk(char) else 1 for char in text)


# Where a Chinese or Japanese line may not begin: small kana, the long-vowel mark, closing
# punctuation (kinsoku); and where it may not end: opening brackets.
_NO_LINE_START = frozenset(
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶー・、。，．：；！？）」』】〉》〕"
)
_NO_LINE_END = frozenset("（「『【〈《〔")
# Words a CJK name is built of, where a line break falls between words as a designer would
# break it ("北京烤鸭大酒店 / 有限公司", "株式会社 / さくら…", "京都抹茶 / 専門店"), each with the
# break's cost in columns (see `_split_at`): legal forms cost nothing, so a name splits off its
# "有限公司" even when another break balances the lines a little better; a trade word ("店",
# "カフェ"), a place ("北京", "大阪") or a change of script costs one character's width; a
# break between any two characters three (a designer breaks a word only when nothing else
# fits).
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "集团",
    "公司",
)
_TRADE_TEXT = (
    # shops and trades: Chinese
    "大酒店 酒店 饭店 餐厅 餐馆 酒楼 茶楼 茶馆 咖啡馆 咖啡店 咖啡 面馆 小吃店 小吃 火锅 烧烤 "
    "面包店 甜品店 花店 书店 商店 超市 药店 药房 诊所 医院 美容院 理发店 工作室 设计 传媒 "
    "广告 科技 网络 文化 教育 培训 学校 学院 大学 出版社 贸易 物流 地产 房地产 律师事务所 "
    "事务所 研究所 中心 俱乐部 基金会 协会 服饰 服装 食品 制药 银行 保险 "
    # Japanese
    "専門店 珈琲店 喫茶店 食堂 料理店 料理 居酒屋 寿司 鮨 焼肉 旅館 ホテル 不動産 法律事務所 "
    "製薬 商事 商店 工房 焙煎所 書店 美容室 美容院 歯科 医院 病院 診療所 クリニック 銀行 "
    "コーヒー 珈琲 カフェ ベーカリー パン屋 レストラン ショップ スタジオ サロン デザイン "
    # Korean
    "카페 커피 식당 베이커리 전문점 "
    # places a name starts with
    "北京 上海 广州 深圳 香港 台北 成都 杭州 南京 武汉 西安 重庆 天津 苏州 青岛 "
    "東京 大阪 京都 横浜 名古屋 札幌 福岡 神戸 奈良 沖縄 서울 부산"
)
_TRADE_WORDS = tuple(_TRADE_TEXT.split())
# A place a name starts with: a city, district, county or province ("深圳市", "浦东新区").
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?[市区县省](?![场集])")
_STRONG_BREAK = 0
_WORD_BREAK = 2
_SCRIPT_BREAK = 2
_ANY_BREAK = 6
# A break inside quotes or brackets ("Café «Le / Petit»") counts as this many more columns: a
# less balanced break that keeps the quoted words together wins ("Café / «Le Petit»").
_QUOTED_BREAK = 8


def _quoted(words: list[str]) -> list[int]:
    """For each break before a word of `words` (the first unused), `_QUOTED_BREAK` when it falls
    inside quotes or brackets, else 0. "„" closes with "“" (German), "“" with "”"; straight
    double quotes pair up; a single quote is left alone, as it is mostly an apostrophe."""
    costs, depth, straight = [0], 0, False
    for word in words[:-1]:
        for char in word:
            if char in "«([„":
                depth += 1
            elif char in "»)]”":
                depth = max(0, depth - 1)
            elif char == "“":
                depth = depth + 1 if depth == 0 else depth - 1
            elif char == '"':
                straight = not straight
        costs.append(_QUOTED_BREAK if depth or straight else 0)
    return costs


def _script(char: str) -> str:
    code = ord(char)
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "katakana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "hangul"
    return "han"


def split_lines(
    text: str, longest: int, most: int = 2, *, within_words: bool = True
) -> tuple[str, ...]:
    """`text` as one line, or as up to `most` balanced lines when it runs longer than `longest`
    characters (`columns`): the fewest lines that fit `longest`, else `most` lines with the
    longest line as short as possible. Lines break at spaces; Chinese, Japanese and Korean
    also between characters (never before a small kana or closing mark, never leaving one
    character alone on a line), preferring the edges of known words (a legal form, a trade, a
    place) and changes of script, and not inside a word at all without `within_words` (a
    slogan: a phrase split inside a word reads badly). Other scripts break inside quotes or
    brackets only when no break outside them fits ("Café / «Le Petit»")."""
    if columns(text) <= longest:
        return (" ".join(text.split()) or text,)
    if not any(is_cjk(char) for char in text):
        words = text.split()
        costs = _quoted(words)
        return _split_at(words, [" "] * len(words), longest, most, costs=costs, fit_first=True)
    pieces, joins, costs = _pieces(text)
    best: tuple[str, ...] = (" ".join(text.split()),)
    # A name with spaces breaks between its words ("Tokyo 東京 Sushi"), never inside one.
    if _STRONG_BREAK in costs[1:] and " " in joins[1:]:
        levels = (_STRONG_BREAK, _SCRIPT_BREAK)
    else:
        levels = (_ANY_BREAK,) if within_words else (_SCRIPT_BREAK,)
    for allowed in levels:
        keep = [i for i in range(1, len(pieces)) if costs[i] <= allowed]
        if not keep:
            continue
        best = _split_at(pieces, joins, longest, most, keep, costs)
        if max(map(columns, best)) <= longest:
            break
    return best


def _pieces(text: str) -> tuple[list[str], list[str], list[int]]:
    """`text` cut at each place a line may break: the pieces, and for each piece what joins it
    to the one before (" " or "") and what a break there costs (`_STRONG_BREAK` at a space or
    a legal form's edge, `_WORD_BREAK` at a known word's, `_SCRIPT_BREAK` where the script
    changes, `_ANY_BREAK` between any other two CJK characters). The first piece's join and
    cost are unused."""
    edges = _word_edges(text)
    pieces: list[str] = []
    joins: list[str] = []
    costs: list[int] = []
    current, join, cost, previous = "", "", 0, ""
    for at, char in enumerate(text):
        if char.isspace():
            if current:
                pieces.append(current)
                joins.append(join)
                costs.append(cost)
            current, join, cost, previous = "", " ", _STRONG_BREAK, ""
            continue
        if (
            current
            and is_cjk(char)
            and is_cjk(previous)
            and char not in _NO_LINE_START
            and previous not in _NO_LINE_END
        ):
            pieces.append(current)
            joins.append(join)
            costs.append(cost)
            script = _SCRIPT_BREAK if _script(char) != _script(previous) else _ANY_BREAK
            current, join, cost = "", "", min(edges.get(at, script), script)
        current += char
        previous = char
    if current:
        pieces.append(current)
        joins.append(join)
        costs.append(cost)
    return pieces, joins, costs


def _word_edges(text: str) -> dict[int, int]:
    """Where in `text` a known word (`_LEGAL_FORMS`, `_TRADE_WORDS`) or a place ending in
    市/区/县/省 starts or ends, and what a break there costs; a word inside a longer one
    ("公司" in "有限公司", "酒店" in "大酒店") is not an edge."""
    spans: list[tuple[int, int, int]] = []
    for words, cost in ((_LEGAL_FORMS, _STRONG_BREAK), (_TRADE_WORDS, _WORD_BREAK)):
        for word in words:
            start = text.find(word)
            while start != -1:
                spans.append((start, start + len(word), cost))
                start = text.find(word, start + 1)
    spans += [(0, m.end(), _WORD_BREAK) for m in _PLACE.finditer(text)]
    edges: dict[int, int] = {}
    for start, end, cost in spans:
        if any(a <= start and end <= b and (a, b) != (start, end) for a, b, _ in spans):
            continue
        for at in (start, end):
            edges[at] = min(edges.get(at, cost), cost)
    return edges


def _lone(line: str) -> bool:
    """Whether `line` is one CJK character alone, which reads as a stray."""
    return len(line) == 1 and is_cjk(line)


def _split_at(
    pieces: list[str],
    joins: list[str],
    longest: int,
    most: int,
    allowed: list[int] | None = None,
    costs: list[int] | None = None,
    *,
    fit_first: bool = False,
) -> tuple[str, ...]:
    """`pieces` (joined by `joins`: joins[i] before piece i) broken into the fewest balanced
    lines that fit `longest` (up to `most`), else `most` lines, at the `allowed` breaks. With
    `costs`, a break's cost counts as that many more columns on the longest line, so a
    slightly less balanced break between words beats one inside a word; with `fit_first`, only
    among breaks whose lines fit `longest`, so a cost never adds a line. A line of one CJK
    character is taken only when nothing else can be."""
    cuts_at = list(range(1, len(pieces))) if allowed is None else allowed

    def joined(a: int, b: int) -> str:
        return "".join((joins[i] if i > a else "") + pieces[i] for i in range(a, b))

    def rank(cut: tuple[int, ...], lines: tuple[str, ...]) -> tuple[int, ...]:
        spent = sum(costs[i] for i in cut) if costs else 0
        widest = max(map(columns, lines))
        over = fit_first and widest > longest
        return (over, sum(map(_lone, lines)), widest + spent, spent, columns(lines[0]))

    best: tuple[str, ...] = (joined(0, len(pieces)),)
    for count in range(2, min(most, len(cuts_at) + 1) + 1):
        options = (
            (cut, tuple(joined(a, b) for a, b in zip((0, *cut), (*cut, len(pieces)), strict=True)))
            for cut in itertools.combinations(cuts_at, count - 1)
        )
        chosen = min(options, key=lambda option: rank(*option))[1]
        if count > 2 and any(map(_lone, chosen)) and not any(map(_lone, best)):
            break  # more lines only by setting a character alone: fewer, wider lines
        if count > 2 and max(map(columns, chosen)) >= max(map(columns, best)):
            break  # a line more that narrows none ("Bed / & Breakfast" under a long word)
        best = chosen
        if max(map(columns, best)) <= longest:
            break
    return best


def text_block(
    text: str,
    font: str,
    weight: int,
    tracking: float = 0.0,
    longest: int = 10**6,
    most: int = 2,
    lang: str = "",
    *,
    within_words: bool = True,
) -> TextBlock:
    """`text` set as a TextBlock, broken into up to `most` lines past `longest` characters
    (CJK also inside a word unless not `within_words`, see `split_lines`).

    Every line reads in the whole text's direction, and its CJK characters take the glyph
    forms of the whole text's language (`lang`, else `cjk_language` of `text`)."""
    base = base_direction(text)
    if not lang and any(is_cjk(c) for c in text):
        lang = cjk_language(text)
    lines = tuple(
        outline(line, font, weight, tracking, base, lang)
        for line in split_lines(text, longest, most, within_words=within_words)
    )
    return TextBlock(lines, cap_height(font))
