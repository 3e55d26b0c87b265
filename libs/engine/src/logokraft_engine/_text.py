"""Text blocks: letter case, line breaking, fitting to a box and placing outlined text."""

from __future__ import annotations

import itertools
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


def apply_case(text: str, case: str) -> str:
    """`text` in letter case `case` ('upper', 'lower', 'title' or 'as-is').

    A word whose case is part of the brand's identity (an acronym such as "NASA", a capital
    after its first letter as in "iPhone", "eBay" or "McDonald", or a name that is one capital
    letter) is kept as typed by 'lower' and 'title'; 'upper' keeps identity, so it applies."""
    if case == "upper":
        return upper(text)
    if case == "lower":
        if _single_capital(text):
            return text
        return " ".join(w if _keeps_case(w) else lower(w) for w in text.split(" "))
    if case == "title":
        words = text.split(" ")
        return " ".join(
            w
            if _keeps_case(w) or (0 < i < len(words) - 1 and w.lower() in _MINOR_WORDS)
            else w[:1].title() + w[1:]
            for i, w in enumerate(words)
        )
    return text


def _single_capital(text: str) -> bool:
    """Whether `text` is a name of one capital letter ("Q"), with nothing else to read."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) == 1 and letters[0].isupper()


def _keeps_case(word: str) -> bool:
    """Whether `word` (or a hyphenated part of it) is an acronym of 2+ capitals or has a
    capital after its first letter: its case is the brand's, not a style to change."""
    for part in word.split("-"):
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            return True
        if any(c.isupper() for c in letters[1:]):
            return True
    return False


def lower(text: str) -> str:
    """`text` in lower case for drawing: the Turkish dotted capital "İ" becomes a plain "i"
    (Python gives "i" and a combining dot above, drawn as a stray mark)."""
    return text.replace("\u0130", "i").lower()


# Greek accents and breathings that capitals drop (tonos/oxia, varia, psili, dasia,
# perispomeni, ypogegrammeni); the dialytika (U+0308) stays.
_GREEK_CAPS_DROP = frozenset("\u0300\u0301\u0340\u0341\u0313\u0314\u0342\u0345")


def upper(text: str) -> str:
    """`text` in capitals for drawing: Greek set in capitals loses its accents ("Αθηνά" →
    "ΑΘΗΝΑ"), as Greek typography does; other scripts keep theirs."""
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
# Legal forms a CJK company name starts or ends with: a line break beside one falls between
# words ("北京烤鸭大酒店 / 有限公司", "株式会社 / さくら…"), as a designer would break it.
_CJK_AFFIXES = (
    "股份有限公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "集团",
    "公司",
)


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
    also between characters (never before a small kana or closing mark), but only where no
    break between words (a space, a change of script, a legal form's edge) fits, and not at
    all without `within_words` (a slogan: a phrase split inside a word reads badly)."""
    if columns(text) <= longest:
        return (" ".join(text.split()) or text,)
    if not any(is_cjk(char) for char in text):
        return _split_at(text.split(), [" "] * len(text.split()), longest, most)
    pieces, joins, ranks = _pieces(text)
    best: tuple[str, ...] = (" ".join(text.split()),)
    # A name with spaces breaks between its words ("Tokyo 東京 Sushi"), never inside one.
    levels = (0, 1) if 0 in ranks[1:] else (1, 2) if within_words else (1,)
    for allowed in levels:
        keep = [i for i in range(1, len(pieces)) if ranks[i] <= allowed]
        if not keep:
            continue
        best = _split_at(pieces, joins, longest, most, keep)
        if max(map(columns, best)) <= longest:
            break
    return best


def _pieces(text: str) -> tuple[list[str], list[str], list[int]]:
    """`text` cut at each place a line may break: the pieces, and for each piece what joins it
    to the one before (" " or "") and how good a break there is (0 at a space; 1 between CJK
    words, where the script changes or a legal form starts or ends; 2 between any two CJK
    characters). The first piece's join and rank are unused."""
    affix_edges: set[int] = set()
    for affix in _CJK_AFFIXES:
        start = text.find(affix)
        while start != -1:
            affix_edges.update((start, start + len(affix)))
            start = text.find(affix, start + 1)
    pieces: list[str] = []
    joins: list[str] = []
    ranks: list[int] = []
    current, join, rank, previous = "", "", 0, ""
    for at, char in enumerate(text):
        if char.isspace():
            if current:
                pieces.append(current)
                joins.append(join)
                ranks.append(rank)
            current, join, rank, previous = "", " ", 0, ""
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
            ranks.append(rank)
            edge = at in affix_edges or _script(char) != _script(previous)
            current, join, rank = "", "", 1 if edge else 2
        current += char
        previous = char
    if current:
        pieces.append(current)
        joins.append(join)
        ranks.append(rank)
    return pieces, joins, ranks


def _split_at(
    pieces: list[str],
    joins: list[str],
    longest: int,
    most: int,
    allowed: list[int] | None = None,
) -> tuple[str, ...]:
    """`pieces` (joined by `joins`: joins[i] before piece i) broken into the fewest balanced
    lines that fit `longest` (up to `most`), else `most` lines, at the `allowed` breaks."""
    cuts_at = list(range(1, len(pieces))) if allowed is None else allowed

    def joined(a: int, b: int) -> str:
        return "".join((joins[i] if i > a else "") + pieces[i] for i in range(a, b))

    best: tuple[str, ...] = (joined(0, len(pieces)),)
    for count in range(2, min(most, len(cuts_at) + 1) + 1):
        options = (
            tuple(joined(a, b) for a, b in zip((0, *cut), (*cut, len(pieces)), strict=True))
            for cut in itertools.combinations(cuts_at, count - 1)
        )
        best = min(options, key=lambda lines: (max(map(columns, lines)), columns(lines[0])))
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
