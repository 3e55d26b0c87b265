"""The local editor: a free-text refinement instruction applied to a LogoSpec, no API key needed.

`edit_spec` folds the instruction to plain lower case, then runs the RULES table in order: each
rule finds its phrases, which are masked so later rules cannot reuse them. The operations then
run by phase (keep, layout, mood, typography, shape, icon, colour, text, "different …") in the
order they were written within a phase. What is left unmatched and is not filler ("make it",
"please") is reported verbatim as not understood. Finally, when the edit shows no visible change,
or a later `variation` is asked for, a variation move makes the result visibly different.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from PIL import Image, ImageChops

from logokraft_engine import _edit_ops as ops
from logokraft_engine._fonts import FACES
from logokraft_engine._palette import clean_hex
from logokraft_engine._recolor import COLOR_NAMES, SHADE_WORDS, shaded
from logokraft_engine._render import render_logo
from logokraft_engine._spec import LogoSpec


@dataclass(frozen=True)
class SpecEdit:
    """The result of `edit_spec`."""

    spec: LogoSpec  # the edited specification
    applied: tuple[str, ...]  # changes made, e.g. "colour: navy (#000080)", "layout: stacked …"
    not_understood: tuple[str, ...]  # parts of the instruction not acted on, verbatim


def edit_spec(spec: LogoSpec, instruction: str, *, variation: int = 0, seed: int = 0) -> SpecEdit:
    """`spec` changed as the free-text `instruction` asks ("make it navy and drop the tagline").

    The result always differs visibly from `spec`: when the instruction changes nothing that
    shows, a small deliberate variation is made and listed in `applied`. `variation` (0, 1, …)
    asks for further, different takes on the same instruction; `seed` picks among variation
    moves. The same arguments always give the same result.
    """
    text = instruction if isinstance(instruction, str) else ""
    found, leftovers = parse(text)
    draft = ops.Draft(spec)
    for rule, hit in sorted(found, key=lambda pair: (pair[0].phase, pair[1].start)):
        rule.apply(draft, hit)
    applied = [f"{aspect}: {note}" for aspect, note in draft.notes.items()]
    change = _vary(draft, spec, max(0, int(variation)), seed)
    if change is not None:
        applied.append(f"variation: {change.note}")
    unknown = [phrase for _, phrase in sorted(leftovers + draft.unsupported)]
    return SpecEdit(
        spec=change.spec if change else draft.spec,
        applied=tuple(applied),
        not_understood=tuple(dict.fromkeys(unknown)),
    )


# --- the rule table ---------------------------------------------------------------------------

Finder = Callable[[str], Iterable[tuple[int, int, dict[str, str]]]]
KEEP, LAYOUT, MOOD, TYPE, SHAPE, ICON, COLOUR, TEXT, DIFFERENT = range(9)  # phases


@dataclass(frozen=True)
class Rule:
    """Phrases found by `find` are handed to `apply` in phase `phase`."""

    find: Finder
    apply: ops.Operation
    phase: int


def _words(pattern: str) -> Finder:
    """A finder for the regular expression `pattern`, matched as whole words."""
    compiled = re.compile(rf"(?<![\w#])(?:{pattern})(?!\w)")

    def find(text: str) -> Iterator[tuple[int, int, dict[str, str]]]:
        for m in compiled.finditer(text):
            yield m.start(), m.end(), {k: v for k, v in m.groupdict().items() if v}

    return find


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, hyphens and spaces interchangeable."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"[\s-]?".join(map(re.escape, re.split(r"[\s-]", w))) for w in ordered)


_ART = r"(?:(?:the|a|an|any|that|this|my|our|its)\s+)?"
_TAG = r"(?:tag[\s-]?lines?|slogans?|strap[\s-]?lines?|sub[\s-]?titles?|mottos?)"
_TEXT = r"(?:text|name|words?|lettering|letters|wordmark|brand\s+name|type)"
_GRAPHIC = r"(?:icons?|symbols?|graphics?|images?|pictures?|illustrations?|marks?|logo\s?marks?)"
_REMOVE = r"(?:no|drop|remove|delete|lose|hide|without|get\s+rid\s+of|kill|cut|ditch|skip"
_REMOVE += r"|take\s+(?:out|away|off))"
_FONT_WORD = r"(?:\s+(?:font|fonts|type|typeface|text|letters|lettering|letterforms|weight))?"
_COLOURS_WORD = r"(?:\s+(?:colou?rs?|tones?|palette|hues?|shades?))?"
_ASPECTS = r"icons?|symbols?|fonts?|typefaces?|type|colou?rs?|palette|shapes?|layout|case"
_SPACING = r"(?:letter[\s-]?)?(?:spacing|tracking)"
_IN_A = r"(?:(?:in(?:side)?|on)\s+)?(?:a\s+)?"
_SHAPE_WORD = r"(?:\s+(?:shape|tile|container|frame))?"
_PART_WORD = r"(?:\s+(?:icon|shape|mark|symbol|tile|badge|corners|edges|look|feel|logo))?"
_ICON_WORD = r"(?:\s+(?:icon|symbol|mark|motif|graphic|illustration|logo))?"
# Quoted words, in the folded text (where ’ is already '): what a new name or tagline says.
_QUOTE = r"(?:\"[^\"]+\"|“[^”]+”|„[^“”]+[“”]|«[^»]+»|‘[^']+'|'[^']+')"
# Between a named part and its new words: "to", ":", "should read"; after a verb a space will do
# ("add the tagline "…""), but "the name "…" looks small" is not a new name.
_SAYS = r"(?:\s*(?:to|as|of|reading|saying|that\s+(?:says|reads)|should\s+(?:say|read|be))\s*"
_SAYS += r"|\s*[:=]\s*)"
_SAYING = rf"(?:{_SAYS}|\s+)"
_NEW = r"(?:(?:new|different|another)\s+)?"
_NAME = r"(?:(?:brand|company|business|logo)\s+)?name"


_BIG = r"(?:bigger|larger|big|large|huge|enlarged?|increased?|more\s+prominent)"
_SMALL = r"(?:smaller|small|tiny|tinier|reduced?|decreased?|shrunk(?:en)?|less\s+prominent)"
_MARK_PART = r"(?:icons?|symbols?|graphics?|images?|pictures?|illustrations?|logo\s?marks?"
_MARK_PART += r"|marks?|monograms?|initials|emblems?)"
_TEXT_PART = r"(?:text|brand\s+name|company\s+name|name|words?|lettering|letters|font|type)"
_MUCH = r"(?:(?:a\s+(?:bit|little|lot)|much|slightly|way|far|even|a\s+touch)\s+)?"


def _size_phrases(part: str, size: str) -> tuple[str, ...]:
    """Phrases asking for `part` (a regex of its nouns) at `size` (bigger or smaller words):
    "bigger icon", "make the icon a bit larger", "enlarge the name", "icon size up"."""
    grow = size == _BIG
    verb = (
        r"(?:enlarge|increase|scale\s+up|grow|blow\s+up|boost)"
        if grow
        else (r"(?:shrink|reduce|decrease|scale\s+down|tone\s+down)")
    )
    return (
        rf"{_MUCH}{size}\s+{_ART}{part}(?:\s+size)?",
        rf"{_ART}{part}(?:\s+size)?\s+(?:is\s+too\s+{'small' if grow else 'big'}|"
        rf"(?:should\s+be\s+|needs\s+to\s+be\s+)?{_MUCH}{size}(?:\s+size)?)",
        rf"{verb}\s+(?:the\s+size\s+of\s+)?{_ART}{part}(?:\s+size)?",
        rf"{_ART}{part}\s+size\s+{'up' if grow else 'down'}",
    )


def _font_names() -> str:
    """Typeface names from the catalogue: "playfair display" (or just "playfair"), "inter"."""
    names = []
    for slug in FACES:
        first, *rest = slug.split("-")
        spellings = [_alternatives([slug])] + ([first] if rest and len(first) >= 6 else [])
        names.append(f"(?P<{slug.replace('-', '_')}>{'|'.join(spellings)})")
    return "|".join(names)


def _named_face(draft: ops.Draft, hit: ops.Hit) -> None:
    """The typeface whose name group matched."""
    slug = next(iter(hit.groups)).replace("_", "-")
    ops.named_face(draft, replace(hit, groups={"slug": slug}))


_MOODS = _alternatives(ops.MOOD_WORDS)
_STRONG_ICONS = _alternatives(ops.ICON_NAME_WORDS)
_ICON_PHRASES = _alternatives(w for w in ops.ICON_NAME_WORDS if "-" in w)  # "chef hat"
_WEAK_ICONS = _alternatives(ops.icon_keywords())

# --- colours, found token by token so "forest green" and "dark blue" join into CSS names -----

_TOKEN = re.compile(r"(?<![\w#])#?[0-9a-f]{6}(?!\w)|(?<![\w#])#[0-9a-f]{3}(?!\w)|[a-z]+")
_ROLE_WORDS = {
    "text": r"text|name|lettering|letters|font|type|typography|wordmark|words",
    "background": r"background|backdrop|bg|backgrounds",
    "secondary": r"accents?|secondary|tag[\s-]?line|slogan|details?|highlights?",
    "primary": r"icons?|symbols?|marks?|shapes?|tiles?",
}
_ROLE_AFTER = {
    role: re.compile(rf"[\s-]*(?:(?:for|on|in)\s+{_ART})?(?:colou?red\s+)?(?:{words})(?!\w)")
    for role, words in _ROLE_WORDS.items()
}
_ROLE_BEFORE = {
    role: re.compile(
        rf"(?<!\w)(?:{words})(?:\s+(?:colou?r|should\s+be|to|in|as|is|=|:|be|made|becomes?))*\s*$"
    )
    for role, words in _ROLE_WORDS.items()
}


def find_colours(text: str) -> Iterator[tuple[int, int, dict[str, str]]]:
    """Colour names (joining up to three words), hex codes and shade words before them, with
    the role the surrounding words give ("navy text", "background in navy")."""
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        named = _colour_at(text, tokens, i)
        if named is None:
            i += 1
            continue
        count, color, label = named
        start, end = tokens[i].start(), tokens[i + count - 1].end()
        before = tokens[i - 1] if i else None
        if before and before.group() in SHADE_WORDS and _adjacent(text, before.end(), start):
            color, label = shaded(color, before.group()), f"{before.group()} {label}"
            start = before.start()
        start, end, role = _role(text, start, end)
        yield start, end, {"color": color, "label": label, "role": role}
        i += count


def _adjacent(text: str, end: int, start: int) -> bool:
    return re.fullmatch(r"[\s-]*", text[end:start]) is not None


def _colour_at(text: str, tokens: list[re.Match], i: int) -> tuple[int, str, str] | None:
    """(tokens used, '#rrggbb', label) for a colour starting at token `i`, else None."""
    word = tokens[i].group()
    if (word.startswith("#") or any(c.isdigit() for c in word)) and len(word.lstrip("#")) in (3, 6):
        color = clean_hex(word)
        return (1, color, color) if color else None
    for count in (3, 2, 1):
        chunk = tokens[i : i + count]
        if len(chunk) < count:
            continue
        if any(not _adjacent(text, a.end(), b.start()) for a, b in pairwise(chunk)):
            continue
        joined = "".join(t.group() for t in chunk)
        if joined in COLOR_NAMES:
            return count, COLOR_NAMES[joined], " ".join(t.group() for t in chunk)
    return None


def _role(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The colour's role from the words right after or before it, and the widened span."""
    for role, pattern in _ROLE_AFTER.items():
        m = pattern.match(text, end)
        if m:
            return start, m.end(), role
    for role, pattern in _ROLE_BEFORE.items():
        m = pattern.search(text, max(0, start - 60), start)
        if m:
            return m.start(), end, role
    return start, end, "mark"


def _rule(apply: ops.Operation, phase: int, *phrases: str) -> Rule:
    """A rule for whole-word regular expressions `phrases` (alternatives)."""
    return Rule(_words("|".join(phrases)), apply, phase)


def _rules() -> tuple[Rule, ...]:
    """The phrase table, in matching order: earlier rules claim their words first."""
    return (
        _rule(
            ops.keep,
            KEEP,
            rf"keep\s+{_ART}(?:same\s+)?(?P<what>{_ASPECTS}|tag[\s-]?line|slogan)"
            r"(?:\s+(?:as\s+(?:it\s+)?is|the\s+same|unchanged))?",
        ),
        _rule(
            ops.drop_slogan, TEXT, rf"{_REMOVE}\s+{_ART}{_TAG}", rf"{_TAG}\s+(?:removed|gone|off)"
        ),
        # New words, quoted: claimed before any other rule reads inside the quotes.
        _rule(
            ops.set_slogan,
            TEXT,
            rf"(?:add|set|use|put|make|change|update|include|give\s+it|with)\s+{_ART}{_NEW}"
            rf"{_TAG}{_SAYING}{_QUOTE}",
            rf"{_ART}{_NEW}{_TAG}{_SAYS}{_QUOTE}",
            rf"(?:add|put|use|include)\s+{_QUOTE}\s+(?:as|for|under)\s+{_ART}{_TAG}",
        ),
        _rule(
            ops.set_name,
            TEXT,
            rf"rename\s+(?:it\s+|{_ART}(?:logo|brand|company)\s+)?(?:to\s+|as\s+)?{_QUOTE}",
            rf"(?:call|name)\s+it\s+{_QUOTE}",
            rf"(?:change|set|make|update|use)\s+{_ART}{_NEW}{_NAME}{_SAYING}{_QUOTE}",
            rf"{_ART}{_NEW}{_NAME}{_SAYS}{_QUOTE}",
        ),
        # layouts
        _rule(
            ops.to_layout("mark"),
            LAYOUT,
            r"(?:icon|symbol|mark|logo\s?mark)\s+only",
            rf"(?:only|just)\s+{_ART}(?:icon|symbol|mark)",
            rf"{_REMOVE}\s+{_ART}{_TEXT}",
            r"logomark|pictorial\s+mark|app\s+icon|favicon",
        ),
        _rule(
            ops.to_layout("wordmark"),
            LAYOUT,
            r"wordmark(?:\s+only)?|logotype",
            rf"{_TEXT}\s+only|(?:only|just)\s+{_ART}{_TEXT}",
            rf"{_REMOVE}\s+{_ART}{_GRAPHIC}",
        ),
        _rule(
            ops.to_layout("icon-left"),
            LAYOUT,
            r"horizontal(?:ly)?|side[\s-]+by[\s-]+side|inline|landscape",
            r"in\s+(?:a\s+|one\s+)?(?:row|line)",
            r"(?:icon|symbol|mark)\s+(?:on\s+the\s+|to\s+the\s+)?(?:left|beside|next\s+to)"
            rf"(?:\s+(?:of\s+)?{_ART}(?:name|text|wordmark))?",
        ),
        _rule(
            ops.to_layout("icon-top"),
            LAYOUT,
            r"stack(?:ed)?|vertical(?:ly)?|portrait|cent(?:er|re)d",
            r"cent(?:er|re)\s+(?:it|everything|the\s+(?:logo|icon|text|name|layout))",
            r"(?:icon|symbol|mark)\s+(?:above|on\s+top|over)"
            rf"(?:\s+(?:of\s+)?{_ART}(?:name|text|wordmark))?",
            rf"(?:name|text)\s+(?:below|under(?:neath)?)(?:\s+{_ART}(?:icon|symbol|mark))?",
        ),
        _rule(
            ops.to_layout("monogram"),
            LAYOUT,
            r"monogram|letter[\s-]?mark",
            rf"(?:just\s+|only\s+)?{_ART}initials(?:\s+only)?",
        ),
        # icons named in several words, before colours claim "wine" in "a wine glass"
        _rule(
            ops.set_icon,
            ICON,
            rf"(?:(?:a|an|the|some)\s+)?(?P<word>{_ICON_PHRASES}){_ICON_WORD}(?:\s+instead)?",
        ),
        # whole-palette phrases that contain colour names, then the colours themselves
        _rule(ops.BLACK_AND_WHITE, COLOUR, r"black\s*(?:and|&|\+|/|n)\s*white|b\s*&\s*w|b/w"),
        _rule(
            ops.GRAYSCALE,
            COLOUR,
            r"gr[ae]y[\s-]?scale|desaturated?|colou?rless",
            r"(?:no|without)\s+colou?rs?",
        ),
        _rule(
            ops.MONOCHROME,
            COLOUR,
            r"mono(?:chrome|chromatic|tone)?|(?:one|single)[\s-]colou?r|tonal",
        ),
        Rule(find_colours, ops.set_colour, COLOUR),
        _rule(
            ops.VIVID,
            COLOUR,
            r"colou?rful|vibrant|saturated|vivid|punchy|pop\s+of\s+colou?r|more\s+colou?r",
            r"(?:make\s+(?:it|the\s+logo|the\s+colou?rs?)\s+)?(?:pop|stand\s+out)(?:\s+more)?",
            r"(?:brighter|bolder|stronger|bright|bold|richer|livelier)\s+colou?rs?",
        ),
        _rule(
            ops.MUTED,
            COLOUR,
            r"muted|subdued|desaturate|pastels?|tone\s+(?:it\s+)?down",
            r"(?:subtle|softer|calmer|quieter)\s+colou?rs?",
            r"less\s+(?:colou?rful|saturated|vibrant|bright)",
        ),
        _rule(
            ops.DARK_BACKGROUND,
            COLOUR,
            r"dark\s+(?:mode|version|background|bg|backdrop)",
            r"invert(?:ed)?|reversed?|negative",
        ),
        _rule(
            ops.LIGHT_BACKGROUND,
            COLOUR,
            r"(?:light|white)\s+(?:mode|version)|light\s+(?:background|bg|backdrop)",
        ),
        # typography
        Rule(_words(_font_names()), _named_face, TYPE),
        _rule(ops.SANS, TYPE, r"sans(?:[\s-]?serif)?" + _FONT_WORD, r"(?:no|without)\s+serifs?"),
        _rule(ops.SERIF, TYPE, r"serifs?" + _FONT_WORD, r"with\s+serifs"),
        _rule(
            ops.ROUNDED_FACE,
            TYPE,
            r"round(?:ed|er)?\s+(?:font|type|typeface|letters|lettering|text|sans|letterforms)",
        ),
        _rule(ops.geometric_icon, ICON, rf"(?:geometric|abstract)\s+{_GRAPHIC}(?:\s+instead)?"),
        _rule(ops.GEOMETRIC_FACE, TYPE, r"geometric" + _FONT_WORD),
        _rule(
            ops.CONDENSED_FACE,
            TYPE,
            r"condensed|compressed|narrow(?:er)?\s+(?:font|type|letters)",
        ),
        _rule(
            ops.SCRIPT_FACE,
            TYPE,
            r"(?:script|handwritten|hand[\s-]?written|hand[\s-]?lettered|cursive|calligraph(?:y|ic)"
            r"|brush)(?:\s+(?:font|type|typeface|lettering|style))?",
        ),
        _rule(
            ops.weight_step(up=False),
            TYPE,
            r"(?:lighter|thinner|slimmer|finer|light)[\s-]+(?:font|fonts|weight|type|typeface|text"
            r"|letters|lettering|letterforms|strokes?)",
            r"(?:less|not\s+so|not\s+as|too)\s+bold|thin(?:ner)?",
            rf"(?:reduce|lower|decrease)\s+{_ART}(?:font\s+)?weight",
        ),
        _rule(
            ops.weight_step(up=True),
            TYPE,
            r"(?:bold(?:er)?|heavier|thicker|fatter|chunkier|heavy)" + _FONT_WORD,
            rf"(?:more|extra)\s+weight|(?:increase|raise)\s+{_ART}(?:font\s+)?weight",
        ),
        _rule(
            ops.to_case("lower"),
            TYPE,
            r"(?:all\s+)?lower[\s-]?case|small\s+letters|no\s+(?:caps|capitals)|minuscules?",
        ),
        _rule(
            ops.to_case("title"),
            TYPE,
            r"title[\s-]?case|capitali[sz]ed|initial\s+caps|proper\s+case",
        ),
        _rule(
            ops.to_case("as-is"),
            TYPE,
            r"(?:normal|original|regular|mixed|sentence)\s+case|as[\s-]typed",
        ),
        _rule(
            ops.to_case("upper"),
            TYPE,
            r"all[\s-]*caps|(?:all\s+)?upper[\s-]?case|(?:all\s+)?capitals|capital\s+letters",
            r"caps(?:[\s-]lock)?|block\s+letters",
        ),
        # sizes: the mark against the name
        *(
            _rule(ops.resize(part, bigger), SHAPE, *_size_phrases(noun, size))
            for part, noun in (("mark", _MARK_PART), ("text", _TEXT_PART))
            for bigger, size in ((True, _BIG), (False, _SMALL))
        ),
        _rule(
            ops.spacing(-0.04),
            TYPE,
            rf"(?:tighter|less|reduced?|decreased?|smaller|closer|narrower)\s+{_ART}{_SPACING}",
            rf"{_SPACING}\s+(?:tighter|smaller|reduced|down)",
            rf"less\s+space\s+between\s+{_ART}letters|(?:letters\s+)?closer\s+together",
            r"tighten(?:\s+up)?(?:\s+the\s+(?:letters|spacing|tracking))?",
            r"tighter|more\s+compact|compact",
        ),
        _rule(
            ops.spacing(0.06),
            TYPE,
            rf"(?:wider|more|increased?|looser|bigger|extra|generous|larger)\s+{_ART}{_SPACING}",
            rf"{_SPACING}\s+(?:wider|bigger|looser|increased|up)",
            rf"(?:more\s+)?space\s+between\s+{_ART}letters|spread\s+(?:out\s+)?{_ART}letters",
            r"spaced[\s-]out|letter[\s-]?spaced|wider|airier|more\s+air|looser|spacious",
        ),
        # shapes
        _rule(ops.set_icon, ICON, r"(?P<word>shield)\s+(?:icon|symbol|motif|graphic)"),
        _rule(
            ops.to_shape("none"),
            SHAPE,
            rf"{_REMOVE}\s+{_ART}(?:background\s+)?(?:shapes?|containers?|tiles?|badges?|frames?"
            r"|circles?|box(?:es)?|hexagons?|outlines?|borders?)",
        ),
        _rule(
            ops.to_shape("rounded-square"), SHAPE, r"rounded\s+(?:corners|edges|squares?|tiles?)"
        ),
        _rule(ops.to_shape("circle"), SHAPE, _IN_A + r"(?:circle|circular)" + _SHAPE_WORD),
        _rule(
            ops.to_shape("rounded-square"),
            SHAPE,
            _IN_A + r"(?:squares?|squared|tile)" + _SHAPE_WORD,
        ),
        _rule(ops.to_shape("hexagon"), SHAPE, _IN_A + r"hex(?:agon(?:al)?)?" + _SHAPE_WORD),
        _rule(ops.to_shape("shield"), SHAPE, _IN_A + r"shield" + _SHAPE_WORD),
        _rule(
            ops.rounder,
            SHAPE,
            r"(?:rounder|more\s+round(?:ed)?|round(?:ed)?|softer|soft|curvier|curvy)" + _PART_WORD,
        ),
        _rule(
            ops.sharper,
            SHAPE,
            r"(?:sharper|more\s+angular|angular|edgier|pointier)" + _PART_WORD,
        ),
        # moods, then colour changes whose words moods and typography had first claim on
        _rule(ops.less_mood, MOOD, rf"less\s+(?P<word>{_MOODS})"),
        _rule(
            ops.more_mood,
            MOOD,
            rf"(?:(?:more|extra|very|super)\s+)?(?P<word>{_MOODS})(?:\s+(?:look|feel|vibe|style))?",
        ),
        _rule(ops.WARMER, COLOUR, r"warm(?:er)?" + _COLOURS_WORD),
        _rule(ops.COOLER, COLOUR, r"(?:cool(?:er)?|colder)" + _COLOURS_WORD),
        _rule(ops.DARKER, COLOUR, r"(?:dark(?:er)?|deeper)" + _COLOURS_WORD),
        _rule(ops.LIGHTER, COLOUR, r"(?:light(?:er)?|bright(?:er)?|paler)" + _COLOURS_WORD),
        # icons, badges and "a different …"
        _rule(
            ops.set_icon,
            ICON,
            rf"(?:(?:a|an|the|some)\s+)?(?P<word>{_STRONG_ICONS}){_ICON_WORD}(?:\s+instead)?",
        ),
        _rule(
            ops.set_icon,
            ICON,
            rf"(?:a|an|some)\s+(?P<w1>{_WEAK_ICONS})(?:\s+instead)?",
            rf"(?P<w2>{_WEAK_ICONS})\s+(?:icon|symbol|motif|graphic|illustration)(?:\s+instead)?",
        ),
        _rule(ops.to_layout("emblem"), LAYOUT, r"badge|emblem|seal|crest|stamp|patch|roundel"),
        _rule(
            ops.different,
            DIFFERENT,
            rf"(?:(?:a|an)\s+)?(?:different|another|new|other|alternative|alternate)\s+"
            rf"(?P<what>{_ASPECTS})",
            rf"(?:change|swap|switch|replace|vary)\s+{_ART}(?P<what2>{_ASPECTS})",
            # a dislike says as much: "I don't like the colours", "the font is boring"
            r"(?:(?:i\s+)?(?:don'?t|do\s+not|really\s+don'?t)\s+(?:like|love|want)|(?:i\s+)?"
            rf"(?:dislike|hate)|not\s+(?:a\s+fan\s+of|keen\s+on|sure\s+about))\s+{_ART}"
            rf"(?P<what3>{_ASPECTS})",
            rf"{_ART}(?P<what4>{_ASPECTS})\s+(?:is|are|looks?|feels?)\s+(?:a\s+bit\s+|too\s+|so\s+)?"
            r"(?:wrong|ugly|boring|bland|off|dull|bad|meh|not\s+(?:right|great|good))",
        ),
    )


RULES = _rules()


# --- parsing: fold, match, mask, and report what is left ---------------------------------------

_MASK = "\x00"
_NEGATION = re.compile(
    r"(?<!\w)(?:no|not|never|without|nor|less|don'?t|do\s+not)\s+(?:[a-z']+\s+){0,2}$"
)
_SEPARATOR = re.compile(r"[,;:.!?\n]|(?<!\w)(?:and|but|then|also|plus|while|however|or)(?!\w)|&")
_EDGE_WORDS = (
    "a an the it its it's make makes making please pls can could would you u i id i'd im i'm we "
    "want wanted like to be bit little slightly somewhat much lot lots more very really super some "
    "just so now maybe perhaps try should let lets let's s is are was do does me us our my this "
    "that of for in on with instead use using change go get give have has same too again thanks "
    "thank hi hey ok okay yes overall kinda sort ish feel look looks looking into rather than all "
    "everything whole entire one version bit add put set turn show place need needs prefer"
)
_EDGE = set(_EDGE_WORDS.split())  # filler trimmed from the ends of a not-understood phrase
_NOUNS = "logo icon symbol mark design style colour color colours colors font"
_FILLER = _EDGE | set(_NOUNS.split())  # words that mean nothing on their own


def parse(instruction: str) -> tuple[list[tuple[Rule, ops.Hit]], list[tuple[int, str]]]:
    """The rules' hits in `instruction` and the (position, phrase) parts left over."""
    folded, where = fold(instruction)
    masked = folded
    found: list[tuple[Rule, ops.Hit]] = []
    for rule in RULES:
        for start, end, groups in list(rule.find(masked)):
            if _NEGATION.search(masked, max(0, start - 40), start):
                continue
            phrase = instruction[where[start] : where[end - 1] + 1]
            found.append((rule, ops.Hit(start, phrase, groups)))
            masked = masked[:start] + _MASK * (end - start) + masked[end:]
    return found, _leftovers(instruction, where, masked)


def fold(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased without accents, and for each folded character its index in `text`."""
    chars: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text.replace("\u2019", "'")):
        for part in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(part) and part != _MASK:
                chars.append(part)
                where.append(i)
    return "".join(chars), where


def _leftovers(original: str, where: list[int], masked: str) -> list[tuple[int, str]]:
    """Unmatched stretches between separators that hold more than filler words, trimmed of
    filler at both ends, as (position, original text)."""
    out = []
    for run in re.finditer(rf"[^{_MASK}]+", masked):
        for start, end in _pieces(run.group(), run.start()):
            tokens = list(re.finditer(r"[\w']+|[^\w\s]", masked[start:end]))
            if not any(_is_content(t.group()) for t in tokens):
                continue
            kept = [t for t in tokens if t.group() not in _EDGE and _is_content(t.group(), True)]
            first, last = start + kept[0].start(), start + kept[-1].end()
            out.append((first, original[where[first] : where[last - 1] + 1]))
    return out


def _pieces(text: str, offset: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the parts of `text` between separators, shifted by `offset`."""
    start = 0
    for m in _SEPARATOR.finditer(text):
        yield offset + start, offset + m.start()
        start = m.end()
    yield offset + start, offset + len(text)


def _is_content(token: str, edge: bool = False) -> bool:
    """Whether `token` carries meaning: a non-filler word, or a symbol such as an emoji.
    With `edge`, any word counts (filler at the ends is trimmed by the caller)."""
    if token.strip("'_").isalnum() or "'" in token or "_" in token:
        return bool(token.strip("'_")) and (edge or token not in _FILLER)
    return unicodedata.category(token[0]).startswith("S")


# --- variations --------------------------------------------------------------------------------


_PREVIEW = 128  # pixel size of the previews compared to decide what shows
_CLEAR_CHANGE = 24  # a pixel changes clearly when a channel moves by more than this
_VISIBLE_PIXELS = 40  # clearly changed pixels (of 128 × 128) for a visible difference


@lru_cache(maxsize=512)
def _preview(spec: LogoSpec) -> Image.Image:
    """A small RGB render of `spec`."""
    return Image.open(io.BytesIO(render_logo(spec, size=_PREVIEW).png)).convert("RGB")


def looks_different(a: LogoSpec, b: LogoSpec) -> bool:
    """Whether `a` and `b` render visibly differently: enough pixels change clearly."""
    if a == b:
        return False
    r, g, b_ = ImageChops.difference(_preview(a), _preview(b)).split()
    strongest = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    changed = strongest.point(lambda v: 255 if v > _CLEAR_CHANGE else 0).histogram()[255]
    return changed >= _VISIBLE_PIXELS


def _vary(draft: ops.Draft, parent: LogoSpec, variation: int, seed: int) -> ops.Change | None:
    """The `variation`-th visibly different take on the edited spec, or None for the pure edit.

    A pure edit that does not look different from `parent` does not count, so the first move
    is then used even for variation 0. Moves honouring the instruction come first, then moves
    on parts it did not decide (in an order picked by `seed`), then subtle moves such as another
    shade of a requested colour, then shades of the rest; each result must look
    different from the parent, the pure edit and every earlier variation.
    """
    base = draft.spec
    wanted = variation + (not looks_different(parent, base))
    if wanted == 0:
        return None
    seen = [parent, base]
    found = None
    for move, step in _moves(draft, seed):
        change = move(base, step)
        if change is None or not all(looks_different(change.spec, s) for s in seen):
            continue
        seen.append(change.spec)
        found, wanted = change, wanted - 1
        if wanted == 0:
            break
    return found


def _moves(draft: ops.Draft, seed: int) -> Iterator[tuple[ops.Move, int]]:
    """Variation moves in order, each at steps 1, 2 and 3."""
    general = [move for move, fields in ops.GENERAL_MOVES if not set(fields) & draft.locked]
    random.Random(f"edit:{seed}").shuffle(general)
    moves = [*draft.alternatives, *general, *draft.subtle, *ops.LAST_RESORT_MOVES]
    for step in (1, 2, 3):
        for move in moves:
            yield move, step
