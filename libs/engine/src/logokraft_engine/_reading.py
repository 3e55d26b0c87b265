"""Reading a brief's words as a designer would: plurals as their singulars, compounds and idioms
whole ("cream tea" is tea, "cloud nine" is nothing, see `_icon_tags.PHRASES`), what the
description says the business is NOT ("we are not a bank", "no script fonts") and its asides,
the clauses about where the business is or how it came to be ("next to the train station").

The icon chooser, the face chooser and the palette read briefs through these.
"""

from __future__ import annotations

import re

from logokraft_engine._brief import fold
from logokraft_engine._icon_tags import PHRASES


def singulars(word: str) -> list[str]:
    """`word` and, for a plural, its likely singulars: "cherries" → cherries, cherry."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        forms.append(word[:-2])
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    return forms


def _phrase_pattern(phrase: str) -> str:
    """The phrase with each word singular or plural ("birds of prey", "cream teas")."""
    return r"[\s-]+".join(f"{word}(?:e?s)?" for word in phrase.split())


# the PHRASES as one pattern (longest first), matched on folded text whose words are split by
# spaces and hyphens only
_PHRASE = re.compile(
    r"\b(?:"
    + "|".join(f"({_phrase_pattern(p)})" for p in sorted(PHRASES, key=len, reverse=True))
    + r")\b"
)
_PHRASE_WORDS = [PHRASES[p] for p in sorted(PHRASES, key=len, reverse=True)]


def read_phrases(text: str) -> str:
    """`text` folded, with its compounds and idioms read as what they name (see `PHRASES`):
    "Cream teas and scones" → "tea and scones", "Cloud Nine Bakery" → " bakery"."""
    plain = " ".join(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", fold(text).replace("&", " and ")))
    return _PHRASE.sub(lambda m: _PHRASE_WORDS[m.lastindex - 1], plain)


# Words that say the words after them are what the business is NOT ("we are not a bank", "no
# animals please", "without the lotus cliché"), up to the end of the clause: a punctuation mark,
# a word of _CLAUSE or _NEGATED_SPAN words on.
_NEGATION_WORDS = """
    no not never without avoid avoiding nothing nor neither none unlike except excluding
    don't dont doesn't doesnt isn't isnt aren't arent wasn't won't
"""
_NEGATIONS = frozenset(_NEGATION_WORDS.split())
# ...unless a hedge or a set phrase follows ("not just a bakery", "not your average coffee shop",
# "nothing but coffee", "a no frills bakery", "no fuss", "no two cakes alike", "nothing beats
# our bread", "never miss a delivery"), after an article or a possessive: the words are the
# business after all
_HEDGE_WORDS = """
    just only merely simply average typical ordinary usual regular standard another but
    boring basic plain same other more less better worse
    frills fuss nonsense stress hassle limit limits compromise compromises worry worries
    problem problems doubt matter exception exceptions question questions
    one two like beats beat compares compare says tastes feels quite else
    miss stop settle wait forget quit sleep give lose fail disappoint
"""
_HEDGES = frozenset(_HEDGE_WORDS.split())
_DETERMINERS = frozenset("a an the any your our my their so too".split())  # noqa: SIM905
_CLAUSE_WORDS = """
    but and just instead rather we our us i it it's which that who though yet while only
    because so
"""
_CLAUSE = frozenset(_CLAUSE_WORDS.split())
_NEGATED_SPAN = 6
_INSTEAD = {("instead", "of"), ("rather", "than")}  # these refuse what follows too
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9'-]")


def negated_words(text: str) -> set[str]:
    """The words of `text` that name what the business is not or must not show, singularised:
    "We are not a bank, no gavels or scales please" → bank, gavel, scale, please; "no-fuss", "No.
    1 coffee" and "not just coffee" negate nothing. A word before "free" is negated too
    ("alcohol-free", "dairy free")."""
    text = fold(text).replace("\u2019", "'")
    tokens = [(m.group(), m.end()) for m in _TOKEN.finditer(text)]
    negated: set[str] = set()
    left = 0
    for i, (token, end) in enumerate(tokens):
        follows = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if (token, follows) in _INSTEAD:  # "flowers instead of chocolates"
            left = _NEGATED_SPAN + 1  # "of" or "than" takes a word of the span
        elif not token[0].isalnum() or token in _CLAUSE:
            left = 0
        elif token in _NEGATIONS and not text.startswith("-", end) and not _hedged(tokens, i):
            left = _NEGATED_SPAN
        elif left:
            negated.add(token)
            left -= 1
        if token == "free" and i and tokens[i - 1][0][0].isalnum():
            negated.add(tokens[i - 1][0])
    return {form for word in negated for form in singulars(word)}


def _hedged(tokens: list[tuple[str, int]], i: int) -> bool:
    """Whether the negation at `i` is a hedge or a number ("not just", "not your average",
    "nothing but", "No. 1") rather than a refusal."""
    after = [t for t, _ in tokens[i + 1 : i + 4]]
    while after and after[0] in _DETERMINERS:
        after = after[1:]
    return not after or after[0] in _HEDGES or after[0] == "." or after[0][0].isdigit()


# Words that start an aside, a clause about where the business is or how it came to be rather
# than what it does ("next to the train station", "named after our founder's cat", "in a
# converted bank", "formerly a church", "founded by two friends who met on a sailing trip"); "old"
# only after an article ("in an old fire station").
_ASIDE_WORDS = """
    next near nearby opposite above below beside behind across formerly former converted
    named founded inspired housed located met founder founders neighbour neighbor neighbours
    neighbors sponsor sponsors sponsoring
"""
_ASIDES = frozenset(_ASIDE_WORDS.split())
_ASIDE_SPAN = 8


def aside_words(text: str) -> set[str]:
    """The words of `text` in its asides (see _ASIDE_WORDS), singularised: "we're next to the
    train station" → the, train, station."""
    tokens = [m.group() for m in _TOKEN.finditer(fold(text).replace("\u2019", "'"))]
    found: set[str] = set()
    left = 0
    for i, token in enumerate(tokens):
        if not token[0].isalnum() or (token in _CLAUSE and token not in ("who", "that")):
            left = 0
        elif token in _ASIDES or (token == "old" and i and tokens[i - 1] in ("a", "an", "the")):
            left = _ASIDE_SPAN
        elif left:
            found.add(token)
            left -= 1
    return {form for word in found for form in singulars(word)}
