"""Design decisions: turning a Brief into candidate LogoSpecs, and describing a spec in words."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from logokraft_engine._brief import Brief, brief_words
from logokraft_engine._fonts import (
    FACES,
    SLOGAN_FACES,
    Face,
    covers,
    draws_all,
    draws_whole,
    graphemes,
    is_cjk,
    needs_shaping,
)
from logokraft_engine._icons import ICONS, plan_icons
from logokraft_engine._layout import (
    MIN_NAME_CAP,
    MIN_SLOGAN_CAP,
    SLOGAN_LINE,
    beside,
    lay_out,
    legible,
    outlined,
)
from logokraft_engine._palette import choose_palette, fix_contrast, is_dark, reversed_palette
from logokraft_engine._reading import negated_words, read_phrases
from logokraft_engine._spec import MAX_TEXT, LogoSpec
from logokraft_engine._text import _MINOR_WORDS, is_turkish, upper

_MARK_SHAPES = ("circle", "rounded-square", "none", "hexagon")
_WEIGHT_WORDS = {400: "regular", 500: "medium", 600: "semibold", 700: "bold", 800: "extra-bold"}
_SERIF_CATEGORIES = ("serif", "display")
# Among equally fitting faces, versatile ones come first, characterful ones later.
_CATEGORY_ORDER = {"sans": 0, "geometric": 1, "serif": 2, "rounded": 2, "display": 3, "script": 4}

# Brief words (styles, industries, descriptions) that call for a face mood word.
_MOOD_HINTS: dict[str, frozenset[str]] = {
    mood: frozenset(hints.split())
    for mood, hints in {
        "script": "script cursive calligraphy calligraphic handwriting handwritten signature "
        "lettering brush",
        "handwritten": "handwritten handwriting handlettered",
        "handmade": "handmade homemade artisan artisanal craft crafts crafted bakery bakehouse "
        "patisserie pastry cake cakes cupcake dessert desserts confectionery sweets candle soap "
        "pottery knitting florist flower floral",
        "feminine": "feminine girly beauty salon nail nails lash lashes brow makeup cosmetic "
        "bridal florist",
        "romantic": "romantic wedding weddings bridal love dating",
        "boutique": "boutique bespoke atelier",
        "elegant": "elegant luxury luxurious premium sophisticated upscale refined jewelry "
        "jewellery fashion perfume wine winery hotel spa wedding",
        "luxury": "luxury luxurious premium jewelry jewellery perfume",
        "fashion": "fashion clothing apparel couture",
        "classic": "classic timeless traditional heritage law legal attorney lawyer bank "
        "university academy bistro",
        "vintage": "vintage retro antique barber barbershop",
        "retro": "retro vintage diner",
        "surf": "surf surfing beach tiki",
        "casual": "casual relaxed diner",
        "editorial": "editorial magazine journal news publishing publisher press media",
        "literary": "book books bookstore bookshop library author writer poetry literary",
        "traditional": "traditional heritage family",
        "trustworthy": "law legal attorney accounting insurance finance financial consulting "
        "advisory",
        "warm": "warm cozy cosy",
        "tech": "tech technology software saas ai app digital data cloud cyber robotics crypto "
        "fintech developer",
        "futuristic": "futuristic future space robotics",
        "startup": "startup app saas platform",
        "modern": "modern contemporary",
        "minimal": "minimal minimalist simple",
        "clean": "clean clinic dental medical pharmacy health",
        "corporate": "corporate business consulting finance accounting insurance logistics "
        "enterprise agency professional",
        "neutral": "neutral",
        "playful": "playful fun kids toy toys game games gaming candy party",
        "fun": "fun party",
        "kids": "kids kid children child baby toy toys daycare school",
        "friendly": "friendly pet pets dog cat veterinary vet community family care",
        "bubbly": "bubbly bubble ice cream candy",
        "soft": "soft gentle baby",
        "bold": "bold loud",
        "strong": "strong gym fitness crossfit boxing construction security",
        "sport": "sport sports athletic team club fitness gym",
        "industrial": "industrial construction manufacturing factory steel auto automotive "
        "garage mechanic trucking",
        "urban": "urban street city streetwear",
        "geometric": "geometric",
    }.items()
}


def _clean(text: str) -> str:
    """`text` (NFC) on one line: a line break or tab is a space between words ("Acme\nCorp" was
    "AcmeCorp"), other characters that print nothing are left out, spaces tidied."""
    text = unicodedata.normalize("NFC", text)
    kept = (" " if c.isspace() else c for c in text if c.isprintable() or c.isspace())
    return " ".join("".join(kept).split())[:MAX_TEXT]


def _initials(name: str) -> str:
    """Up to two initials: the first letter or digit of each word that a bundled face can draw.
    Hyphenated parts count as words ("7-Eleven" → "7E"), and a leading article is skipped when
    more words follow ("The Midnight Howlers" → "MH"), as are small words inside it ("Hall of
    Time" → "HT") and a legal form at its end ("Acme Inc" → "A", not "AI"; "Smith & Sons
    Ltd" → "SS").

    A letter is a whole grapheme: an Indic initial keeps its vowel sign and conjunct ("चाय" →
    "चा", not a bare "च"). A name that starts with a Chinese, Japanese, Korean or Indic word
    has one initial, its first sign or syllable ("東京" → "東", "한빛 커피" → "한", "अमृत
    चाय" → "अ"), as such monograms are; CJK words after a Latin first word are skipped
    ("Tokyo 東京 Sushi" → "TS"). A leading legal form is skipped as an article is: the
    monogram of "株式会社さくら" is "さ", not "株" (which reads as "Inc."). A name that is one
    acronym of two or three capitals is its own monogram ("IBM")."""
    for prefix in _LEGAL_PREFIXES:
        if name.startswith(prefix) and name[len(prefix) :].strip():
            name = name[len(prefix) :].strip()
            break
    words = [part for word in name.split() for part in word.split("-") if part]
    # Arabic writes its article into the word: "الياسمين" (the jasmine) starts with ي, not ا
    words = [w[2:] if w.startswith("\u0627\u0644") and len(w) > 3 else w for w in words]
    if len(words) > 1 and words[0].lower() in _ARTICLES:
        words = words[1:]
    # a legal form at the end is no initial either: "Acme Inc" is "A", not "AI"
    while len(words) > 1 and words[-1].lower().rstrip(".") in _LEGAL_FORMS:
        words = words[:-1]
    # "Hall of Time" is HT and "Crème de la Crème" CC: a small word inside a name is no initial
    major = [w for i, w in enumerate(words) if i == 0 or w.lower() not in _MINOR_WORDS]
    if len(major) > 1:
        words = major
    if len(words) == 1 and re.fullmatch(r"[A-Z](?:\.[A-Z]){1,2}\.?", words[0]):
        words = [words[0].replace(".", "")]  # "A.I." and "I.B.M" are acronyms: "AI", "IBM"
    if len(words) == 1 and 2 <= len(words[0]) <= 3 and words[0].isalpha() and words[0].isupper():
        return words[0]  # an acronym is its own monogram: "XYZ", not "X"
    firsts = [
        next((g for g in graphemes(w) if g[0].isalnum() and draws_all(g, "noto-sans")), "")
        for w in words
    ]
    firsts = [g for g in firsts if g]
    if firsts and (is_cjk(firsts[0][0]) or needs_shaping(firsts[0][0])):
        return firsts[0]
    letters = "".join(g for g in firsts if not is_cjk(g[0]) and not needs_shaping(g[0]))[:2]
    return upper(letters, turkish=is_turkish(name))[:3]


def _is_its_own_monogram(name: str, initials: str) -> bool:
    """Whether the name says no more than its initials ("AI", "IBM", "O", "A.I."): letters and
    digits alike, case and dots aside."""
    letters = "".join(c for c in name if c.isalnum())
    return bool(initials) and letters.upper() == initials.replace(" ", "").upper()


# Legal forms a Japanese or Korean company name may start with (株式会社 = "Inc.").
_LEGAL_PREFIXES = (
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "㈱",
    "(株)",
    "（株）",
    "㈜",
    "(주)",
)

# Legal forms a Latin-script name may end with ("Acme Inc.", "Harbor & Co.", "Northline Ltd").
_LEGAL_FORMS = frozenset("co inc ltd llc llp corp plc gmbh pty".split())  # noqa: SIM905

# Articles a name may start with, which its initials skip (English, French, Spanish, Italian,
# German, Dutch).
_ARTICLES = frozenset("the a an le la les el los las il der die das de".split())  # noqa: SIM905


def _moods(found: set[str]) -> set[str]:
    """The face mood words that brief words `found` call for (themselves included)."""
    return found | {mood for mood, hints in _MOOD_HINTS.items() if found & hints}


def _described(brief: Brief) -> tuple[dict[str, set[str]], set[str]]:
    """The brief's words by field (`brief_words`) without the ones its description negates,
    and the moods (and kinds of face) those name: "nothing playful, no script fonts" asks for
    neither a rounded nor a script face, "no serifs" for no serif one (see `negated_words`)."""
    negated = negated_words(read_phrases(brief.description))
    found = brief_words(brief)
    return {**found, "description": found["description"] - negated}, _moods(negated)


def _rank_faces(brief: Brief, rng: random.Random, name: str = "") -> list[Face]:
    """Faces best first for the brief: style words count three times industry and description
    words; among equals, versatile kinds (sans, geometric) come before characterful ones
    (display, script), so a brief that says little gets safe type first. Faces that cannot
    draw every letter of `name` themselves come last, and script faces are offered only when
    something in the brief calls for one. The first four (one per candidate) prefer kinds
    (categories) not yet taken, so candidates differ in type unless the brief clearly wants
    two of a kind."""
    found, refused = _described(brief)
    wanted = _moods(found["style"])
    context = _moods(found["industry"] | found["description"])
    faces = list(FACES.values())
    rng.shuffle(faces)

    def score(face: Face) -> int:
        return 3 * len(wanted & set(face.mood)) + len(context & set(face.mood))

    def unwanted(face: Face) -> bool:  # a mood or a kind ("no serifs") the brief refused
        return bool(refused & {*face.mood, face.category}) and not wanted & set(face.mood)

    eligible = [f for f in faces if not f.script or (score(f) > 0 and not unwanted(f))]
    ranked = sorted(
        eligible,
        key=lambda f: (
            not covers(f.slug, name),
            unwanted(f),
            -score(f),
            _CATEGORY_ORDER[f.category],
        ),
    )
    # The candidates' four, all different: faces the style words match come first; after them
    # neutral kinds (sans, geometric) rather than characterful ones the style did not ask for
    # (no rounded face for a "bold, strong" brief). Among equals a kind already taken counts
    # 2 points less.
    styled = any(wanted & set(f.mood) for f in ranked)

    def misfit(face: Face) -> tuple[bool, bool]:
        off = styled and not wanted & set(face.mood)
        return off, off and face.category not in _NEUTRAL_KINDS

    first: list[Face] = []
    while len(first) < 4 and len(first) < len(ranked):
        rest = [f for f in ranked if f not in first]
        taken = [f.category for f in first]
        first.append(
            min(
                rest,
                key=lambda f: (
                    not covers(f.slug, name),
                    unwanted(f),
                    misfit(f),
                    2 * taken.count(f.category) - score(f),
                ),
            )
        )
    return first + [f for f in ranked if f not in first]


def _case_and_tracking(face: Face, rng: random.Random) -> tuple[str, float]:
    """Letter case and tracking that suit `face`: a script face only in title case and never
    letter-spaced (spacing breaks its joins, capitals of a script are illegible)."""
    if face.script:
        return "title", 0.0
    if face.slug == "oswald":
        cases = ("upper",)
    elif face.category == "rounded":
        cases = ("lower", "title")
    else:
        cases = ("title", "upper")
    case = rng.choice(cases)
    if case == "upper":
        return case, round(rng.uniform(0.04, 0.12), 2)
    return case, -0.01 if face.category not in _SERIF_CATEGORIES else 0.0


def _slogan_face(face: Face) -> str:
    """A sans face for the slogan: the name's own when it is one, else a plain companion."""
    if face.slug in SLOGAN_FACES:
        return face.slug
    return {"script": "montserrat", "rounded": "nunito"}.get(face.category, "inter")


_NEUTRAL_KINDS = ("sans", "geometric")
_LONG_NAME = 26  # characters
_HEAVY_WORDS = {"bold", "strong", "heavy", "industrial", "sport", "sporty", "loud", "impact"}


def _weight(brief: Brief, face: Face, rng: random.Random) -> int:
    """The face's heaviest weight for a bold brief, else one of its weights above the lightest."""
    if brief_words(brief)["style"] & _HEAVY_WORDS:
        return max(face.weights)
    return rng.choice(face.weights[1:] or face.weights)


# --- planning: up to eight different concepts per brief -----------------------------------------

PLANNED = 8  # the API's most candidates per project; each of them gets its own concept
LIGHT, DARK = "light", "dark"


@dataclass(frozen=True)
class Slot:
    """One candidate's composition before icon and face are chosen: where the mark goes, its
    container, the wordmark accent and whether the palette is reversed (a dark background)."""

    layout: str
    shape: str = "none"
    accent: str = "rule"
    tone: str = LIGHT
    colored: bool = False  # a wordmark set in the primary colour


# Eight compositions per logo type, chosen so that every two of them look different: their
# perceptual hashes (64 bits) differ by 8 or more, as libs/engine/tests/test_distinct_concepts.py
# measures over many briefs. What sets compositions apart at a glance is where the mark sits,
# how much of the canvas is filled (a badge, a block) and a reversed (dark) palette, which
# inverts the image; the container's shape barely registers, so two compositions never differ
# by shape alone. The first four are what a four-candidate project shows.
_SLOTS: dict[str, tuple[Slot, ...]] = {
    "auto": (
        Slot("icon-left"),
        Slot("icon-top"),
        Slot("emblem", "circle"),
        Slot("monogram", "circle", accent="frame"),
        Slot("wordmark", accent="block"),
        Slot("icon-left", tone=DARK),
        Slot("icon-top", tone=DARK),
        Slot("emblem", "shield", tone=DARK),
    ),
    "combination": (
        Slot("icon-left"),
        Slot("icon-top"),
        Slot("icon-left", tone=DARK),
        Slot("icon-top", "rounded-square", tone=DARK),
        Slot("icon-top", accent="block"),
        Slot("emblem", "hexagon", accent="frame"),
        Slot("emblem", "shield", tone=DARK),
        Slot("emblem", "circle", accent="frame", tone=DARK),
    ),
    "wordmark": (
        Slot("wordmark", accent="rule"),
        Slot("wordmark", accent="block", colored=True),
        Slot("wordmark", "circle", accent="block"),
        Slot("wordmark", accent="none", tone=DARK),
        Slot("wordmark", "circle", accent="frame", colored=True),
        Slot("wordmark", accent="block", tone=DARK),
        Slot("wordmark", "circle", accent="block", tone=DARK),
        Slot("wordmark", "circle", accent="frame", tone=DARK),
    ),
    "lettermark": (
        Slot("monogram", "circle"),
        Slot("monogram", "shield", accent="frame"),
        Slot("monogram", "hexagon", tone=DARK),
        Slot("monogram", "rounded-square", accent="block"),
        Slot("monogram", "circle", accent="block", tone=DARK),
        Slot("mark", "circle"),
        Slot("mark", "rounded-square", tone=DARK),
        Slot("mark", "hexagon", accent="frame"),
    ),
    "emblem": (
        Slot("emblem", "circle"),
        Slot("emblem", "shield", accent="frame"),
        Slot("emblem", "circle", tone=DARK),
        Slot("emblem", "circle", accent="none"),
        Slot("emblem", "shield"),
        Slot("emblem", "shield", tone=DARK),
        Slot("emblem", "hexagon", accent="block", tone=DARK),
        Slot("emblem", "circle", accent="frame", tone=DARK),
    ),
}
_SLOTS["abstract"] = _SLOTS["combination"]
_ICON_LAYOUTS = ("icon-left", "icon-top", "emblem", "mark")


@dataclass(frozen=True)
class Concept:
    """The idea of one candidate: composition, icon ("" for none) and typeface."""

    slot: Slot
    icon: str
    face: str
    spare: str = ""  # the icon shown instead, if a concept without one must become a mark


def _slots(brief: Brief) -> tuple[Slot, ...]:
    return _SLOTS.get(brief.logo_type or "", _SLOTS["auto"])


_ALL_MOODS = frozenset(mood for face in FACES.values() for mood in face.mood)


def _more_faces(brief: Brief, ranked: list[Face], name: str, count: int) -> list[Face]:
    """Faces for the candidates after the first four: further faces that suit the brief as well
    as the first four do (never a characterful kind the style did not ask for, nor one that
    cannot draw the name), then the first four again in another order."""
    found, _ = _described(brief)
    wanted = _moods(found["style"]) & _ALL_MOODS
    context = _moods(found["industry"] | found["description"])
    first, rest = ranked[:4], ranked[4:]

    def fits(face: Face) -> bool:
        if not covers(face.slug, name):
            return False
        if face.category in _NEUTRAL_KINDS:
            return True
        return bool((wanted if wanted else context) & set(face.mood))

    extra = [f for f in rest if fits(f)]
    again = first[1:] + first[:1]
    return (extra + again)[:count]


def plan_concepts(brief: Brief, seed: int) -> tuple[Concept, ...]:
    """The PLANNED concepts of a brief (see `_plan`), computed once per brief and seed."""
    try:
        return _cached_plan(brief, seed)
    except TypeError:  # a brief built with lists rather than tuples cannot be a cache key
        return _plan(brief, seed)


def _plan(brief: Brief, seed: int) -> tuple[Concept, ...]:
    """The PLANNED concepts of a brief, all different: no icon twice, layouts and containers
    spread (see _SLOTS), the best-fitting faces first and more faces after them.

    Icons go to the slots that show one, best match first; when the brief has fewer relevant
    icons than such slots, geometric marks follow, and after them a slot shows no icon (an
    emblem holds only the name, a lockup becomes a monogram)."""
    name = _clean(brief.brand_name)
    seed_rng = random.Random(f"{seed}:{name}")  # shared by all candidates of one brief
    ranked = _rank_faces(brief, seed_rng, name)
    faces = ranked[:4] + _more_faces(brief, ranked, name, PLANNED - 4)
    faces += [ranked[i % len(ranked)] for i in range(PLANNED - len(faces))]
    relevant, geometric = plan_icons(brief, seed_rng)
    icons = geometric if brief.logo_type == "abstract" else relevant + geometric
    icons = list(icons)
    concepts = []
    for index, slot in enumerate(_slots(brief)):
        icon = ""
        if slot.layout in _ICON_LAYOUTS and brief.logo_type != "lettermark":
            if icons:
                icon = icons.pop(0)
            elif slot.layout != "emblem":
                slot = replace(slot, layout="monogram", shape=_monogram_shape(slot))
        concepts.append(Concept(slot, icon, faces[index].slug))
    # A name no face can draw turns every candidate into its mark: concepts without an icon
    # keep an unused one for that (the first such concept the best one left).
    return tuple(replace(c, spare=icons.pop(0)) if not c.icon and icons else c for c in concepts)


_cached_plan = lru_cache(maxsize=256)(_plan)


def _monogram_shape(slot: Slot) -> str:
    return slot.shape if slot.shape != "none" else ("hexagon" if slot.tone == DARK else "circle")


def design_spec(brief: Brief, *, index: int, seed: int) -> LogoSpec:
    """Candidate number `index` for `brief`; the same inputs always give the same spec.

    Candidates 0 to 7 follow `plan_concepts`, so they are eight different ideas (a project
    asking for N shows the first N); later ones repeat those ideas in other colours. A name no
    bundled face can draw whole (an emoji in it, say, or Thai, which no face has) gets
    icon-only candidates, since drawing it would mean boxes or missing words.
    """
    name = _clean(brief.brand_name)
    if not name:
        raise ValueError("brand_name must not be empty")
    concept = plan_concepts(brief, seed)[index % PLANNED]
    slot = concept.slot
    rng = random.Random(f"{seed}:{index}:{name}")
    face = FACES[concept.face]
    # A name no bundled face can draw whole ("Kochi ചായ") is left to the mark: drawing the
    # rest would silently drop words of the brand's name. Its emoji are not words ("Café ☕"
    # is drawn "Café"); a name of emoji alone is the mark's.
    layout = slot.layout if draws_whole(name, face.slug) else "mark"
    if layout == "icon-left" and len(name) > _LONG_NAME:
        layout = "icon-top"  # beside an icon a long name would be set too small to read
    initials = _initials(name)
    own_monogram = layout == "monogram" and _is_its_own_monogram(name, initials)
    if own_monogram:
        # "AI", "IBM", "O": the monogram already says the whole name, and a designer would not
        # set it twice, as a tile with the same letters under or beside it; the letters in
        # their shape are the logo
        layout = "mark"
    case, tracking = _case_and_tracking(face, rng)
    palette = choose_palette(brief, index, rng, dark=slot.tone == DARK)
    if slot.colored:
        palette = replace(palette, text=palette.primary)  # a coloured wordmark for variety
    if slot.tone == DARK:
        if not is_dark(palette):  # made dark already (every requested colour light)
            palette = reversed_palette(palette)
        if layout == "wordmark":  # the name carries the colour: a wordmark has no mark
            palette = fix_contrast(replace(palette, text=palette.primary))
    shape = slot.shape
    if layout == "mark" and slot.layout != "mark" and not own_monogram:
        shape = _MARK_SHAPES[index % len(_MARK_SHAPES)]
    spec = LogoSpec(
        layout=layout,
        icon=concept.icon
        or (concept.spare if layout == "mark" != slot.layout and not own_monogram else ""),
        font=face.slug,
        weight=_weight(brief, face, rng),
        letter_case=case,
        tracking=float(tracking),
        slogan_font=_slogan_face(face),
        palette=palette,
        shape=shape,
        name=name,
        slogan=_clean(brief.slogan),
        initials=initials,
        accent=slot.accent,
    )
    if layout != "mark" and (len(name) > _CHECKED_NAME or len(spec.slogan) > SLOGAN_LINE):
        spec = _roomier(spec)
    return spec


_CHECKED_NAME = 18  # characters: a shorter name is always set large enough in every layout


def _roomier(spec: LogoSpec) -> LogoSpec:
    """`spec`, or when its layout would set the name or slogan below their minimum size
    (a long name in a badge, a long slogan beside an icon), the first roomier composition that
    sets them legibly (the icon above the name, the name alone), else the one setting them
    largest. The name is never cut; only the slogan may be, with an ellipsis."""
    tried = [spec, *_roomier_options(spec)]
    best, best_ratio = spec, -1.0
    for option in tried:
        elements = lay_out(option)
        if legible(elements):
            return option
        ratio = min(
            (e.cap / (MIN_NAME_CAP if e.role == "name" else MIN_SLOGAN_CAP))
            for e in elements
            if e.role in ("name", "slogan")
        )
        if ratio > best_ratio:
            best, best_ratio = option, ratio
    return best


def _roomier_options(spec: LogoSpec) -> list[LogoSpec]:
    """Compositions with more room for the text than `spec`'s, most alike first."""
    options = []
    if spec.layout in ("icon-left", "emblem") and spec.icon:
        options.append(replace(spec, layout="icon-top", shape="none", accent="rule"))
    if spec.layout == "monogram" and beside(spec):
        options.append(replace(spec, accent="rule"))
    if spec.layout == "wordmark" and spec.accent in ("frame", "block") and spec.shape != "none":
        options.append(replace(spec, shape="none"))
    if spec.layout != "wordmark":
        options.append(replace(spec, layout="wordmark", icon="", shape="none", accent="rule"))
    options.append(replace(spec, layout="wordmark", icon="", shape="none", accent="none"))
    return options


def design_specs(brief: Brief, *, count: int, seed: int) -> list[LogoSpec]:
    """The first `count` candidates of `brief`: `design_spec` for indexes 0 to count-1."""
    return [design_spec(brief, index=index, seed=seed) for index in range(count)]


def treatment(spec: LogoSpec) -> str:
    """How the spec's mark and name are dressed, in a few words: its container (filled,
    outlined or banded, beside the name for a monogram), a wordmark's accent or seal, a lockup
    reversed out of a block, and whether the background is dark."""
    shape = (spec.shape if spec.shape != "none" else "circle").replace("-", " ")
    style = "outlined" if outlined(spec) else "filled"
    if spec.layout == "wordmark":
        if spec.accent in ("frame", "block") and spec.shape != "none":
            part = f"{'outlined' if spec.accent == 'frame' else 'filled'} {shape} seal"
        else:
            part = {"rule": "accent rule", "frame": "frame", "block": "reversed block"}.get(
                spec.accent, "plain"
            )
        if spec.palette.text == spec.palette.primary:
            part += ", coloured name"
    elif spec.layout == "monogram":
        part = f"{style} {shape} tile " + ("beside the name" if beside(spec) else "above the name")
    elif spec.layout == "emblem":
        if spec.accent == "none":
            style = "banded"
        part = f"{style} {shape} badge" + (", large icon" if spec.accent == "block" else "")
    elif spec.layout == "mark":
        part = f"{style} {shape}" if spec.shape != "none" else "bare symbol"
    else:
        part = f"{style} {shape} tile" if spec.shape != "none" else "bare icon"
        if spec.accent == "block":
            part += ", reversed block"
    return f"{part}, {'dark' if is_dark(spec.palette) else 'light'} background"


def concept_of(spec: LogoSpec) -> dict[str, str]:
    """The idea a spec draws, in words clients can show and compare: its layout, icon ("" for
    none), typeface and treatment (see `treatment`)."""
    return {
        "layout": spec.layout,
        "icon": spec.icon,
        "typeface": spec.font,
        "treatment": treatment(spec),
    }


def describe_spec(spec: LogoSpec, brief: Brief) -> str:
    """A prompt describing this logo for an image model."""
    kind = {
        "icon-left": "combination",
        "icon-top": "combination",
        "monogram": "lettermark",
        "mark": "icon-only",
    }
    about = brief.industry.strip() or brief.description.strip()[:80]
    subject = f'"{spec.name}"' + (f" ({about})" if about else "")
    parts = [
        f"Flat vector {kind.get(spec.layout, spec.layout)} logo for {subject}: "
        f"{_mark_phrase(spec)}, {_type_phrase(spec)}"
    ]
    if spec.slogan and spec.layout != "mark":
        parts.append(
            f', tagline "{spec.slogan}" in small spaced capitals in {spec.palette.secondary} below'
        )
    parts.append(
        f", {_color_word(spec.palette.background)} background, centered, "
        "clean professional brand identity, no mockup, no gradients, no shadows."
    )
    return "".join(parts)


def _article(text: str) -> str:
    return "an" if text[:1].lower() in "aeiou" else "a"


def _mark_phrase(spec: LogoSpec) -> str:
    p = spec.palette
    icon = ICONS[spec.icon].phrase if spec.icon else ""
    shape = spec.shape.replace("-", " ")
    if spec.layout == "wordmark":
        if spec.accent in ("frame", "block") and spec.shape != "none":
            if spec.accent == "frame":
                return f"a custom wordmark inside a {p.primary} outlined {shape} seal"
            return f"a custom wordmark reversed out of a {p.primary} {shape} seal"
        accent = {
            "rule": f" with a short {p.secondary} accent rule beneath",
            "frame": f" inside a thin {p.primary} rounded frame",
            "block": f" reversed out of a {p.primary} rounded block",
        }.get(spec.accent, "")
        return f"a custom wordmark{accent}"
    if spec.layout == "monogram":
        where = "name beside it" if beside(spec) else "name below"
        if outlined(spec):
            return f'the monogram "{spec.initials}" in a {p.primary} outlined {shape}, {where}'
        return f'the monogram "{spec.initials}" reversed out of a {p.primary} {shape}, {where}'
    if spec.layout == "emblem":
        size = "large" if spec.accent == "block" else "small"
        white = "" if outlined(spec) else " white"
        holding = f"a {size}{white} {icon} and the name" if icon else "the name"
        if spec.accent == "none":
            band = f"a broad {p.primary} band round a plain centre"
            return f"a {shape} badge with {band} holding {holding}"
        if outlined(spec):
            return f"an outlined {p.primary} {shape} badge holding {holding}"
        return f"a {p.primary} {shape} badge holding {holding}"
    if spec.layout == "mark":
        return _symbol_phrase(spec)
    tile = f" reversed out of a {p.primary} {shape}" if spec.shape != "none" else f" in {p.primary}"
    if spec.shape != "none" and outlined(spec):
        tile = f" inside a {p.primary} outlined {shape}"
    where = "beside" if spec.layout == "icon-left" else "above"
    block = f", all reversed out of a {p.primary} rounded block" if spec.accent == "block" else ""
    return f"a minimal {icon} icon{tile} {where} the wordmark{block}"


def _symbol_phrase(spec: LogoSpec) -> str:
    """The mark layout: the icon (or the initials) alone, large and centred."""
    p = spec.palette
    shape = (spec.shape if spec.shape != "none" else "circle").replace("-", " ")
    if not spec.icon:
        return f'the initials "{spec.initials}" reversed out of a large {p.primary} {shape}'
    if spec.shape == "none":
        return f"a single bold {ICONS[spec.icon].phrase} symbol in {p.primary}"
    return f"a single bold {ICONS[spec.icon].phrase} symbol reversed out of a {p.primary} {shape}"


def _type_phrase(spec: LogoSpec) -> str:
    if spec.layout == "mark":
        return "symbol only, no name, no text or lettering anywhere"
    weight = _WEIGHT_WORDS.get(spec.weight, "heavy" if spec.weight > 800 else "light")
    case = {
        "upper": "in all caps with generous letter-spacing",
        "lower": "in lower case",
        "title": "in title case",
    }.get(spec.letter_case, "")
    if FACES[spec.font].script and spec.letter_case != "lower":
        case = ""  # a script is set as written: never in caps (see _layout.name_text)
    if not any(c.lower() != c.upper() for c in spec.name):
        case = ""  # a name in a script without case (CJK, Devanagari) is set as written
    color = spec.palette.background if spec.layout == "emblem" else spec.palette.text
    face = FACES[spec.font].phrase
    phrase = f"the name set in {_article(weight)} {weight} {face} {case} in {color}"
    return phrase.replace("  ", " ")


def _color_word(color: str) -> str:
    return "white" if color == "#ffffff" else color
