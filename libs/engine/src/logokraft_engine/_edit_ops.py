"""The local editor's operations: the working draft, spec changes and variation moves.

Every operation takes the `Draft` and the `Hit` (the matched phrase) and records what it changed.
Variation moves take a spec and a step (1, 2, …) and return a `Change` or None when they do not
apply; `_edit` uses them to make each variation visibly different.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from logokraft_engine._brief import Brief
from logokraft_engine._design import _initials
from logokraft_engine._fonts import CJK_FACE, FACES, SLOGAN_FACES, Face, covers, face_for
from logokraft_engine._icons import GEOMETRIC_NAMES, ICONS, rank_icons, singulars
from logokraft_engine._layout import lay_out
from logokraft_engine._palette import Palette, luminance
from logokraft_engine._recolor import (
    black_and_white,
    cooler,
    dark_background,
    darker,
    distance,
    grayscale,
    hue_shift,
    light_background,
    lighter,
    monochrome,
    muted,
    recolor,
    shade_of,
    vivid,
    warmer,
)
from logokraft_engine._shapes import SHAPES
from logokraft_engine._spec import MARK_SCALES, MAX_TEXT, LogoSpec

ICON_LAYOUTS = ("icon-left", "icon-top", "mark")
BADGE_LAYOUTS = ("monogram", "emblem")
LAYOUT_WORDS = {
    "icon-left": "horizontal (icon beside the name)",
    "icon-top": "stacked (icon above the name)",
    "mark": "icon only",
    "wordmark": "wordmark only",
    "emblem": "emblem badge",
    "monogram": "monogram",
}
MAX_TRACKING, MIN_TRACKING = 0.5, -0.1


@dataclass(frozen=True)
class Change:
    """A changed spec and a short description of the change."""

    spec: LogoSpec
    note: str


Move = Callable[[LogoSpec, int], Change | None]


@dataclass(frozen=True)
class Hit:
    """One understood phrase: where it starts, its original text and its captured words."""

    start: int
    phrase: str
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    """The spec being edited, with what was changed, kept and could not be done."""

    spec: LogoSpec
    notes: dict[str, str] = field(default_factory=dict)  # aspect → what was done
    unsupported: list[tuple[int, str]] = field(default_factory=list)  # (position, phrase)
    locked: set[str] = field(default_factory=set)  # spec fields the instruction decided
    kept: set[str] = field(default_factory=set)  # spec fields the instruction asked to keep
    alternatives: list[Move] = field(default_factory=list)  # variations honouring the edit
    # Variations that honour the edit but are hard to tell apart (another shade of the colour
    # asked for): tried after changes to parts the instruction left open.
    subtle: list[Move] = field(default_factory=list)
    colours_named: int = 0

    def change(self, aspect: str, note: str, **fields) -> None:
        """Set spec `fields`, note it under `aspect` and lock the fields against variation."""
        new = replace(self.spec, **fields)
        self.notes[aspect] = note if new != self.spec else f"{note} (already)"
        self.spec = new
        self.locked |= set(fields)

    def cannot(self, hit: Hit) -> None:
        """Record `hit` as understood but impossible: it is reported as not understood."""
        self.unsupported.append((hit.start, hit.phrase))


Operation = Callable[[Draft, Hit], None]


# --- what the current spec shows --------------------------------------------------------------


def shows_icon(spec: LogoSpec) -> bool:
    """Whether the spec's layout draws its icon."""
    return bool(spec.icon) and spec.layout in (*ICON_LAYOUTS, "emblem")


def shows_shape(spec: LogoSpec) -> bool:
    """Whether the spec's layout draws its container shape."""
    if spec.layout in (*BADGE_LAYOUTS, "mark"):
        return True
    return spec.layout in ICON_LAYOUTS and bool(spec.icon)


def drawn_shape(spec: LogoSpec) -> str:
    """The shape as drawn: badges and icon-less marks draw "none" as a circle."""
    fills_in = spec.layout in BADGE_LAYOUTS or (spec.layout == "mark" and not spec.icon)
    return "circle" if spec.shape == "none" and fills_in else spec.shape


# --- icons ------------------------------------------------------------------------------------

_ICON_SYNONYMS = {  # words naming an icon even without "a …" or "… icon" around them
    "cup": "cup cups teacup tea-cup coffee-cup coffeecup",
    "mug": "mug mugs",
    "leaf": "leaf leaves",
    "bolt": "bolt lightning thunderbolt lightning-bolt",
    "star": "star stars",
    "heart": "heart hearts",
    "house": "house houses",
    "camera": "camera cameras",
    "chart": "chart charts graph graphs bar-chart",
    "paw": "paw paws pawprint pawprints paw-print paw-prints dog dogs puppy puppies",
    "gear": "gear gears cog cogs cogwheel",
    "wave": "wave waves",
    "mountain": "mountain mountains",
    "spark": "spark sparks sparkle",
    "book": "book",
    "code": "brackets code-brackets",
    "utensils": "utensils cutlery fork knife knife-and-fork fork-and-knife",
    "music": "music music-note music-notes musical-note",
    "gem": "gem gems gemstone diamond diamonds jewel",
    "rocket": "rocket rockets",
    "anchor": "anchor anchors",
    "crown": "crown crowns",
    "trophy": "trophy trophies",
    "lotus": "lotus",
    "tooth": "tooth teeth",
    "pizza": "pizza pizza-slice",
    "sailboat": "sailboat sailboats yacht",
    "seedling": "seedling sprout",
    "flower": "flower flowers",
    "tree": "tree trees",
    "globe": "globe globes",
    "compass": "compass",
    "cat": "cat cats kitten",
    "honeycomb": "honeycomb bee bees beehive",
    "bulb": "lightbulb light-bulb",
    "brush": "paintbrush paint-brush",
    "wine-glass": "wineglass champagne-glass",
    "beer": "beer-mug",
    "tag": "price-tag",
    "coin": "dollar-sign",
}
# Every catalogue name of several words ("chef-hat", "shopping-bag", "diamond-mark") names its
# icon too; `_edit` matches these before colours, so "a wine glass" is not the colour wine.
ICON_NAME_WORDS: dict[str, str] = {name: name for name in ICONS if "-" in name} | {
    word: name for name, words in _ICON_SYNONYMS.items() for word in words.split()
}
# Keywords too general to mean "this icon" even after "a" ("a clean look", "a fast one"), or
# claimed by other rules ("a badge" is the emblem layout, "a palette" is colours).
_VAGUE_WORDS = (
    "it fast safe secure natural organic eco creative magic sustainable electric electrical "
    "financial marine outdoor outdoors alpine medical veterinary best caring kind quality "
    "design service business care trust protect invest charge swim trek review rating event "
    "idea beauty growth power clean premium digital tech fun green real luxury professional "
    "new happy happiness joy hope balance harmony calm classic vintage heritage healthy local "
    "global personal individual social public live smart bright hot cold spicy fresh shine "
    "glow glam speed energy strategic strategy focus aim objective goal mission success "
    "security safety protection support structure solution integration platform system "
    "systems management office company corporate commercial development "
    "production performance experience palette colour color colourful swatch branding "
    "badge seal crest stamp patch roundel emblem mark symbol logo icon shape frame circle "
    "square hexagon shield font type text name layout tile background border outline "
    "print label style look feel version"
)
_VAGUE = set(_VAGUE_WORDS.split())


def icon_keywords() -> set[str]:
    """Icon keywords, and their plurals, that name an icon only with "a …", "some …" or
    "… icon" around them."""
    found = set().union(*(icon.keywords for icon in ICONS.values())) - _VAGUE
    plurals = {_plural(word) for word in found if len(word) > 2}
    return (found | plurals) - set(ICON_NAME_WORDS) - _VAGUE


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("ch", "sh", "s", "x")) else "s")


def icons_for(word: str) -> list[str]:
    """Icons named by `word`, best first: its synonym's icon, then catalogue icons whose name
    or tags hold the word (as `rank_icons` orders them: names first, filled first), then
    geometric marks named by it."""
    forms = singulars(re.sub(r"[\s-]+", "-", word.lower()))
    named = [ICON_NAME_WORDS[w] for w in forms if w in ICON_NAME_WORDS][:1]
    ranked = rank_icons(Brief(brand_name="", industry=" ".join(forms)))
    marks = [name for name in GEOMETRIC_NAMES if set(forms) & ICONS[name].name_words]
    return list(dict.fromkeys(named + ranked + marks))


def icon_pool(spec: LogoSpec) -> list[str]:
    """Icons to offer instead of the current one: matches for the name and slogan, icons
    sharing keywords with the current icon (most shared first), then the geometric marks."""
    brief = Brief(brand_name=spec.name, description=f"{spec.name} {spec.slogan}")
    current = ICONS[spec.icon].keywords if spec.icon else frozenset()
    related = sorted(
        (icon for icon in ICONS.values() if current & icon.keywords and icon.source),
        key=lambda icon: (-len(current & icon.keywords), not icon.filled),
    )
    pool = [*rank_icons(brief), *(icon.name for icon in related), *GEOMETRIC_NAMES]
    return [name for name in dict.fromkeys(pool) if name != spec.icon]


def _show_icon(draft: Draft, hit: Hit, why: str) -> bool:
    """Switch to a layout that draws the icon if needed; False when the layout was decided."""
    if draft.spec.layout in (*ICON_LAYOUTS, "emblem"):
        return True
    if "layout" in draft.locked:
        draft.cannot(hit)
        return False
    draft.change("layout", f"{LAYOUT_WORDS['icon-left']}, {why}", layout="icon-left")
    return True


def _use_icon(draft: Draft, hit: Hit, names: list[str]) -> None:
    if not names or not _show_icon(draft, hit, "to show the icon"):
        return
    best = draft.spec.icon if draft.spec.icon in names[:1] else names[0]
    draft.change("icon", best, icon=best)
    others = [n for n in names if n != best]
    if others:
        draft.alternatives.append(_cycle("icon", others, lambda spec, n: replace(spec, icon=n)))


def set_icon(draft: Draft, hit: Hit) -> None:
    """ "a leaf instead", "use a cup": the icon named by the captured word."""
    word = next((w for w in hit.groups.values() if w), "")
    _use_icon(draft, hit, icons_for(word))


def geometric_icon(draft: Draft, hit: Hit) -> None:
    """ "a geometric mark": one of the abstract geometric marks."""
    _use_icon(draft, hit, [n for n in GEOMETRIC_NAMES if n != draft.spec.icon])


# --- layout -----------------------------------------------------------------------------------


def layout_fields(spec: LogoSpec, layout: str) -> dict:
    """The fields to change so that `spec` works in `layout` (an icon for icon layouts, a
    container for badges, no icon or shape for a wordmark)."""
    fields: dict = {"layout": layout}
    if layout in ICON_LAYOUTS and not spec.icon:
        fields["icon"] = icon_pool(spec)[0]
    if layout == "wordmark":
        fields.update(icon="", shape="none")
    if layout in BADGE_LAYOUTS and spec.shape == "none":
        fields["shape"] = "circle"
    if layout == "monogram" and not spec.initials:
        fields["initials"] = _initials(spec.name)
    return fields


def to_layout(layout: str) -> Operation:
    """An operation switching to `layout`."""

    def apply(draft: Draft, hit: Hit) -> None:
        fields = layout_fields(draft.spec, layout)
        extra = f", with a {fields['icon']} icon" if fields.get("icon") else ""
        draft.change("layout", LAYOUT_WORDS[layout] + extra, **fields)

    apply.__doc__ = f"Switch to the {layout} layout."
    return apply


# --- shapes -----------------------------------------------------------------------------------

_ROUNDER = {
    "none": "circle",
    "shield": "rounded-square",
    "hexagon": "rounded-square",
    "rounded-square": "circle",
    "circle": "circle",
}


def _use_shape(draft: Draft, hit: Hit, shape: str) -> None:
    spec = draft.spec
    if shape == "none":
        _drop_shape(draft)
        return
    if spec.layout == "wordmark" or not shows_shape(spec):
        if "layout" in draft.locked:
            draft.cannot(hit)
            return
        target = "emblem" if spec.layout == "wordmark" else spec.layout
        fields = layout_fields(spec, target)
        draft.change("layout", f"{LAYOUT_WORDS[target]}, to hold the shape", **fields)
    draft.change("shape", shape.replace("-", " "), shape=shape)


def _drop_shape(draft: Draft) -> None:
    spec = draft.spec
    if spec.layout == "wordmark" and spec.accent in ("frame", "block"):
        draft.change("accent", "no frame", accent="none")
        return
    if spec.layout in BADGE_LAYOUTS:
        target = "icon-top" if spec.icon else "wordmark"
        fields = layout_fields(replace(spec, shape="none"), target)
        draft.change("layout", f"{LAYOUT_WORDS[target]}, without a container", **fields)
    draft.change("shape", "none", shape="none")


def to_shape(shape: str) -> Operation:
    """An operation putting the mark in `shape` ("none" removes the container)."""

    def apply(draft: Draft, hit: Hit) -> None:
        _use_shape(draft, hit, shape)

    apply.__doc__ = f"Use the {shape} shape."
    return apply


def rounder(draft: Draft, hit: Hit) -> None:
    """ "rounder", "softer": a rounder container, or a rounded typeface when there is none."""
    spec = draft.spec
    current = drawn_shape(spec)
    if shows_shape(spec) and current != "circle":
        _use_shape(draft, hit, _ROUNDER[current])
        other = "circle" if _ROUNDER[current] == "rounded-square" else "rounded-square"
        draft.alternatives.append(_cycle("shape", [other], lambda s, n: replace(s, shape=n)))
        return
    _use_face(draft, rank_faces(spec.font, where=_rounded), "rounded")


def sharper(draft: Draft, hit: Hit) -> None:
    """ "sharper", "more angular": an angular container, or a non-rounded typeface."""
    spec = draft.spec
    if shows_shape(spec) and drawn_shape(spec) not in ("hexagon", "shield"):
        _use_shape(draft, hit, "hexagon")
        draft.alternatives.append(_cycle("shape", ["shield"], lambda s, n: replace(s, shape=n)))
        return
    _use_face(draft, rank_faces(spec.font, moods=("modern", "bold")), "angular")


# --- typography -------------------------------------------------------------------------------


def _serif(face: Face) -> bool:
    return "serif" in face.phrase and "sans" not in face.phrase


def _sans(face: Face) -> bool:
    return "sans" in face.phrase


def _rounded(face: Face) -> bool:
    return "rounded" in face.phrase


def rank_faces(
    like: str, *, moods: Iterable[str] = (), where: Callable[[Face], bool] = lambda f: True
) -> list[str]:
    """Faces passing `where` (and sharing a mood word when `moods` are given), best first:
    most `moods` in common, then most in common with face `like`."""
    wanted, current = set(moods), set(FACES[like].mood)
    faces = [f for f in FACES.values() if where(f) and (not wanted or wanted & set(f.mood))]
    faces.sort(key=lambda f: (-len(wanted & set(f.mood)), -len(current & set(f.mood))))
    return [f.slug for f in faces]


def face_fields(spec: LogoSpec, slug: str, weight: int | None = None) -> dict:
    """Fields for typeface `slug`: its weight nearest to `weight` (default: the current one)
    and a sans slogan face."""
    target = spec.weight if weight is None else weight
    chosen = min(FACES[slug].weights, key=lambda w: (abs(w - target), -w))
    slogan = slug if slug in SLOGAN_FACES else spec.slogan_font
    return {"font": slug, "weight": chosen, "slogan_font": slogan}


def _face_cannot_draw(draft: Draft, slug: str, lacking: str) -> bool:
    """Note and say whether typeface `slug` draws no letter of the name, so that choosing it
    would change nothing (a name all in kanji is drawn in Noto Sans CJK, one in Hebrew in a
    face that has Hebrew): the summary then says so instead of naming a face not drawn."""
    spec = draft.spec
    text = spec.name.strip()
    if not text or _draws_some(slug, text):
        return False
    first = next(c for c in text if not c.isspace())
    drawer = face_for(first, spec.font) or spec.font
    drawer_name = "Noto Sans CJK" if drawer == CJK_FACE else drawer
    draft.notes["typeface"] = (
        f"unchanged: {lacking} letters for “{text}”, which stays drawn in {drawer_name}"
    )
    return True


def _use_face(draft: Draft, ranked: list[str], label: str) -> None:
    """Use the first of `ranked` (ranked by `rank_faces`, so the current face comes first when
    it qualifies) that draws some letter of the name; the others become variations."""
    if not ranked:
        return
    spec = draft.spec
    drawing = [slug for slug in ranked if _draws_some(slug, spec.name)] or ranked
    if _face_cannot_draw(draft, drawing[0], f"no {label} typeface has"):
        return
    ranked = drawing
    best = ranked[0]
    draft.change("typeface", f"{best} ({label})", **face_fields(spec, best))
    others = [slug for slug in ranked if slug != best]
    if others:
        draft.alternatives.append(
            _cycle("typeface", others, lambda s, n: replace(s, **face_fields(s, n)))
        )


def face_where(label: str, where: Callable[[Face], bool]) -> Operation:
    """An operation choosing a face that passes `where`; impossible when none does."""

    def apply(draft: Draft, hit: Hit) -> None:
        ranked = rank_faces(draft.spec.font, where=where)
        if not ranked:
            draft.cannot(hit)
            return
        _use_face(draft, ranked, label)

    apply.__doc__ = f"Use a {label} typeface."
    return apply


SERIF = face_where("serif", _serif)
SANS = face_where("sans-serif", _sans)
ROUNDED_FACE = face_where("rounded", _rounded)
GEOMETRIC_FACE = face_where("geometric", lambda f: "geometric" in f.phrase)
CONDENSED_FACE = face_where("condensed", lambda f: "condensed" in f.phrase)
SCRIPT_FACE = face_where("script", lambda f: bool({"script", "handwritten"} & set(f.mood)))


def named_face(draft: Draft, hit: Hit) -> None:
    """ "use Playfair": the typeface named by its slug."""
    slug = hit.groups.get("slug", "")
    if slug in FACES and not _face_cannot_draw(draft, slug, f"{slug} has no"):
        draft.change("typeface", slug, **face_fields(draft.spec, slug))


def _step_weight(spec: LogoSpec, up: bool) -> dict | None:
    """Fields for the next heavier (or lighter) weight, changing face of the same kind if the
    current one has no further weight; None when no face has one."""
    beyond = (lambda w: w > spec.weight) if up else (lambda w: w < spec.weight)
    pick = min if up else max
    own = [w for w in FACES[spec.font].weights if beyond(w)]
    if own:
        return {"weight": pick(own)}
    same_kind = _serif(FACES[spec.font])
    for slug in rank_faces(spec.font, where=lambda f: _serif(f) == same_kind):
        options = [w for w in FACES[slug].weights if beyond(w)]
        if options:
            return face_fields(spec, slug, pick(options))
    return None


def weight_step(up: bool) -> Operation:
    """An operation making the name bolder (`up`) or lighter."""
    word = "bolder" if up else "lighter"

    def apply(draft: Draft, hit: Hit) -> None:
        spec = draft.spec
        fields = _step_weight(spec, up)
        if fields is None:
            draft.notes["weight"] = f"{spec.weight} already (no {word} weight available)"
            return
        face = f" in {fields['font']}" if "font" in fields else ""
        draft.change("weight", f"{word}, {spec.weight} → {fields['weight']}{face}", **fields)

    apply.__doc__ = f"Make the name {word}."
    return apply


def to_case(case: str) -> Operation:
    """An operation setting the letter case (capitals get some extra letter-spacing)."""
    words = {"upper": "all caps", "lower": "lower case", "title": "title case", "as-is": "as typed"}

    def apply(draft: Draft, hit: Hit) -> None:
        name = draft.spec.name
        if not any(char.isupper() or char.islower() for char in name):
            # Chinese, Arabic, Hindi…: no capitals to set, so the name would look the same
            draft.notes["letter case"] = f"unchanged: “{name}” has no capital and small letters"
            return
        fields: dict = {"letter_case": case}
        if case == "upper" and draft.spec.tracking < 0.06:
            fields["tracking"] = 0.06
        draft.change("letter case", words[case], **fields)

    apply.__doc__ = f"Set the name in {words[case]}."
    return apply


def spacing(delta: float) -> Operation:
    """An operation widening (positive `delta`) or tightening the letter-spacing."""
    word = "wider" if delta > 0 else "tighter"

    def apply(draft: Draft, hit: Hit) -> None:
        old = draft.spec.tracking
        new = round(min(MAX_TRACKING, max(MIN_TRACKING, old + delta)), 3)
        draft.change("letter spacing", f"{word} ({old:g} → {new:g} em)", tracking=float(new))

    apply.__doc__ = f"Make the letter-spacing {word}."
    return apply


# --- sizes ------------------------------------------------------------------------------------

SIZE_STEP = 1.25  # "bigger icon" draws the mark this much larger against the text


def has_mark(spec: LogoSpec) -> bool:
    """Whether the spec draws a mark whose size can change: an icon, an initials tile or a
    badge's icon (a wordmark, or an emblem without an icon, has none)."""
    if spec.layout in ("icon-left", "icon-top", "emblem"):
        return bool(spec.icon)
    return spec.layout in ("mark", "monogram")


def has_text(spec: LogoSpec) -> bool:
    """Whether the spec sets the name beside a mark, so the text can take more of the room (a
    wordmark's name already fills it; an icon-only logo has none)."""
    return spec.layout != "mark" and has_mark(spec)


def _size_of(spec: LogoSpec, role: str) -> float:
    """The height of the element with `role` ("mark" or "name") as `spec` lays it out."""
    boxes = [e.box for e in lay_out(spec) if e.role == role]
    return max((y1 - y0 for _, y0, _, y1 in boxes), default=0.0)


def _grew(before: LogoSpec, after: LogoSpec, role: str = "name") -> bool:
    """Whether `after` draws the `role` element visibly (3%) larger than `before` does."""
    return _size_of(after, role) > _size_of(before, role) * 1.03


def resize(part: str, bigger: bool) -> Operation:
    """An operation drawing the mark (`part` "mark") or the name ("text") larger or smaller
    against the other: `mark_scale` moves by SIZE_STEP, within MARK_SCALES. A logo with no
    such part, or none to trade room with, cannot: the phrase is reported."""
    word = "larger" if bigger else "smaller"
    grow_mark = bigger if part == "mark" else not bigger

    role = "mark" if part == "mark" else "name"

    def apply(draft: Draft, hit: Hit) -> None:
        spec = draft.spec
        if not (has_mark(spec) if part == "mark" else has_text(spec)):
            draft.cannot(hit)
            return
        old = spec.mark_scale
        new = old * SIZE_STEP if grow_mark else old / SIZE_STEP
        new = round(min(MARK_SCALES[1], max(MARK_SCALES[0], new)), 3)
        what = "icon" if part == "mark" else "name"
        note = f"{what} {word} (mark scale {old:g} → {new:g})"
        resized = replace(spec, mark_scale=float(new))
        if bigger and part == "text" and spec.layout == "icon-left" and not _grew(spec, resized):
            # The name already fills the room beside the icon: stacked, it has the width.
            resized = replace(resized, layout="icon-top")
            note += ", stacked to give the name the width"
        if _grew(spec, resized, role) if bigger else _grew(resized, spec, role):
            draft.change(f"{what} size", note, mark_scale=resized.mark_scale)
            if resized.layout != spec.layout:
                draft.change("layout", LAYOUT_WORDS[resized.layout], layout=resized.layout)
        else:  # at its limit already: say so rather than change something else
            draft.cannot(hit)

    apply.__doc__ = f"Draw the {'icon' if part == 'mark' else 'name'} {word}."
    return apply


# --- colour -----------------------------------------------------------------------------------

_ROLE_ASPECT = {
    "mark": "colour",
    "primary": "icon colour",
    "text": "text colour",
    "secondary": "accent colour",
    "background": "background",
}
_ROLE_FIELD = {"mark": "primary", "primary": "primary", "text": "text"}
_ROLE_FIELD |= {"secondary": "secondary", "background": "background"}


def set_colour(draft: Draft, hit: Hit) -> None:
    """A named or hex colour for the role the finder saw around it (a second plain colour
    becomes the accent; a third has no place and is reported)."""
    color, label, role = hit.groups["color"], hit.groups["label"], hit.groups["role"]
    if role == "mark":
        draft.colours_named += 1
        if draft.colours_named > 2:
            draft.cannot(hit)
            return
        role = "mark" if draft.colours_named == 1 else "secondary"
    before = draft.spec.palette
    palette = recolor(before, color, role)
    note = _colour_note(label, color, role, before, palette)
    draft.change(_ROLE_ASPECT[role], note, palette=palette)
    if role == "text" and name_reversed(draft.spec):
        # The name is reversed out of a filled badge or block, in the background's colour: an
        # outlined badge (a plain lockup) sets it in the text colour asked for.
        accent = "frame" if draft.spec.layout == "emblem" else "rule"
        shown = "outlined badge" if accent == "frame" else "no block"
        draft.change("treatment", f"{shown}, so the name shows in that colour", accent=accent)
    draft.subtle.append(_shades(color, label, role))


def name_reversed(spec: LogoSpec) -> bool:
    """Whether the name is drawn reversed out of a filled shape, in the background colour (a
    filled emblem; a lockup or wordmark on a block), so the text colour does not show."""
    if spec.layout == "emblem":
        return spec.accent in ("rule", "block")
    return spec.layout in ("icon-left", "icon-top", "wordmark") and spec.accent == "block"


def _colour_note(label: str, asked: str, role: str, before: Palette, after: Palette) -> str:
    """ "navy (#000080)", "#0a2540", "gold (#ffd700) as #8f7a00, darkened for contrast" or
    "white (#ffffff) on a dark background (#1a1a1a)"."""
    used = getattr(after, _ROLE_FIELD[role])
    name = asked if label == asked else f"{label} ({asked})"
    if used != asked:
        direction = "darkened" if luminance(used) < luminance(asked) else "lightened"
        name = f"{name} as {used}, {direction} for contrast"
    if role != "background" and after.background != before.background:
        name = f"{name} on a dark background ({after.background})"
    return name


def _shades(color: str, label: str, role: str) -> Move:
    """Variations using other shades of the requested colour in the same role."""

    def move(spec: LogoSpec, step: int) -> Change | None:
        background = None if role == "background" else spec.palette.background
        palette = recolor(spec.palette, shade_of(color, step, background), role)
        note = f"another shade of {label} ({getattr(palette, _ROLE_FIELD[role])})"
        return Change(replace(spec, palette=palette), note)

    return move


def palette_op(label: str, op: Callable[[Palette], Palette], repeatable: bool = True) -> Operation:
    """An operation changing the whole palette with `op` (e.g. warmer); when `repeatable`,
    its variations apply `op` again for a stronger effect."""

    def apply(draft: Draft, hit: Hit) -> None:
        draft.change("colours", label, palette=op(draft.spec.palette))
        if repeatable:
            draft.alternatives.append(_stronger(label, op))

    apply.__doc__ = f"Make the colours {label}."
    return apply


def _stronger(label: str, op: Callable[[Palette], Palette]) -> Move:
    def move(spec: LogoSpec, step: int) -> Change | None:
        palette = spec.palette
        for _ in range(step):
            palette = op(palette)
        return Change(replace(spec, palette=palette), f"{label} still")

    return move


WARMER = palette_op("warmer", warmer)
COOLER = palette_op("cooler", cooler)
DARKER = palette_op("darker", darker)
LIGHTER = palette_op("lighter", lighter)
VIVID = palette_op("more vivid", vivid)
MUTED = palette_op("more muted", muted)
GRAYSCALE = palette_op("greyscale", grayscale, repeatable=False)
BLACK_AND_WHITE = palette_op("black and white", black_and_white, repeatable=False)
MONOCHROME = palette_op("monochrome", monochrome, repeatable=False)
DARK_BACKGROUND = palette_op("on a dark background", dark_background, repeatable=False)
LIGHT_BACKGROUND = palette_op("on a white background", light_background, repeatable=False)


# --- mood -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mood:
    """A designer's bundle of changes for a mood word."""

    faces: tuple[str, ...]  # face mood words to look for
    palette: Callable[[Palette], Palette] | None = None
    palette_label: str = ""
    case: str | None = None
    tracking: float | None = None
    weight: str = ""  # "light", "medium", "heavy" or "" to keep
    shape: str = ""  # "circle", "rounded-square", "hexagon", "none" or "" to keep
    accent: str | None = None  # for wordmarks


def _elegant_palette(palette: Palette) -> Palette:
    return recolor(muted(darker(palette)), "#b08d57", "secondary")


def _corporate_palette(palette: Palette) -> Palette:
    return cooler(muted(palette))


def _classic_palette(palette: Palette) -> Palette:
    return warmer(muted(palette))


def _tech_palette(palette: Palette) -> Palette:
    return cooler(vivid(palette))


def _strong_palette(palette: Palette) -> Palette:
    return vivid(darker(palette))


MOODS: dict[str, Mood] = {
    "playful": Mood(
        faces=("playful", "friendly", "fun", "soft"),
        palette=vivid,
        palette_label="brighter colours",
        case="lower",
        tracking=0.0,
        weight="heavy",
        shape="circle",
    ),
    "elegant": Mood(
        faces=("elegant", "luxury", "classic"),
        palette=_elegant_palette,
        palette_label="deep colours with gold",
        case="upper",
        tracking=0.12,
        weight="light",
    ),
    "minimal": Mood(
        faces=("minimal", "modern"),
        palette=monochrome,
        palette_label="one colour",
        case="lower",
        tracking=0.02,
        weight="light",
        shape="none",
        accent="none",
    ),
    "modern": Mood(
        faces=("modern", "minimal", "tech"),
        case="title",
        tracking=-0.01,
        weight="medium",
        shape="rounded-square",
    ),
    "corporate": Mood(
        faces=("corporate", "modern"),
        palette=_corporate_palette,
        palette_label="cooler, calmer colours",
        case="title",
        tracking=0.0,
        weight="medium",
        shape="rounded-square",
        accent="rule",
    ),
    "classic": Mood(
        faces=("classic", "vintage", "editorial"),
        palette=_classic_palette,
        palette_label="warm, muted colours",
        case="upper",
        tracking=0.08,
        accent="frame",
    ),
    "tech": Mood(
        faces=("tech", "futuristic", "startup"),
        palette=_tech_palette,
        palette_label="cool, vivid colours",
        case="lower",
        tracking=-0.01,
        weight="medium",
        shape="rounded-square",
    ),
    "strong": Mood(
        faces=("strong", "bold", "sport", "industrial"),
        palette=_strong_palette,
        palette_label="stronger colours",
        case="upper",
        tracking=0.04,
        weight="heavy",
        shape="shield",
    ),
}
MOOD_WORDS: dict[str, str] = {
    word: mood
    for mood, words in {
        "playful": "playful fun funky friendly cheerful whimsical happy cute quirky joyful "
        "approachable youthful",
        "elegant": "elegant luxury luxurious premium sophisticated classy upscale refined high-end "
        "posh chic fancy glamorous exclusive expensive upmarket high-class",
        "minimal": "minimal minimalist minimalistic simple simpler clean cleaner understated sleek "
        "sleeker",
        "modern": "modern contemporary fresh fresher",
        "corporate": "corporate professional businesslike business serious trustworthy formal "
        "conservative established",
        "classic": "vintage retro classic classical traditional timeless heritage old-school "
        "nostalgic",
        "tech": "techy tech futuristic digital innovative high-tech sci-fi",
        "strong": "strong stronger sporty athletic industrial powerful impactful aggressive "
        "rugged tough dynamic energetic",
    }.items()
    for word in words.split()
}
_OPPOSITE = {"playful": "corporate", "corporate": "playful", "elegant": "modern"}
_OPPOSITE |= {"minimal": "playful", "modern": "classic", "classic": "modern"}
_OPPOSITE |= {"tech": "classic", "strong": "elegant"}


_MOOD_KEYS = {word.replace("-", ""): mood for word, mood in MOOD_WORDS.items()}


def mood_key(word: str) -> str:
    """The MOODS key for a matched mood word ("high end" → "elegant"); "" if unknown."""
    return _MOOD_KEYS.get(re.sub(r"[\s-]", "", word), "")


def more_mood(draft: Draft, hit: Hit) -> None:
    """ "more playful": the mood's typeface, case, weight, colours and shape together."""
    key = mood_key(hit.groups.get("word", ""))
    if key:
        _apply_mood(draft, key, f"more {key}")


def less_mood(draft: Draft, hit: Hit) -> None:
    """ "less corporate": the opposite mood's changes."""
    key = mood_key(hit.groups.get("word", ""))
    if key:
        _apply_mood(draft, _OPPOSITE[key], f"less {key}, more {_OPPOSITE[key]}")


def _apply_mood(draft: Draft, key: str, label: str) -> None:
    mood, spec, kept = MOODS[key], draft.spec, draft.kept
    fields: dict = {}
    said: list[str] = []
    if "font" not in kept:
        ranked = rank_faces(spec.font, moods=mood.faces)
        if ranked:
            fields |= _mood_face(spec, ranked, mood)
            said.append(fields["font"])
            others = [slug for slug in ranked if slug != fields["font"]]
            if others:
                draft.alternatives.append(
                    _cycle("typeface", others, lambda s, n: replace(s, **face_fields(s, n)))
                )
    if mood.case and "letter_case" not in kept:
        fields |= {"letter_case": mood.case, "tracking": float(mood.tracking or 0.0)}
        said.append(
            {"upper": "spaced capitals", "lower": "lower case"}.get(mood.case, "title case")
        )
    if mood.palette and "palette" not in kept:
        fields["palette"] = mood.palette(spec.palette)
        said.append(mood.palette_label)
    said += _mood_shape(spec, mood, kept, fields)
    draft.change("mood", f"{label} ({', '.join(said) or 'as before'})", **fields)


def _mood_face(spec: LogoSpec, ranked: list[str], mood: Mood) -> dict:
    """The mood's best face (the current one when it fits as well) at the mood's weight."""
    score = {slug: len(set(FACES[slug].mood) & set(mood.faces)) for slug in ranked}
    slug = spec.font if score.get(spec.font, -1) == score[ranked[0]] else ranked[0]
    weights = FACES[slug].weights
    target = {"light": weights[0], "medium": weights[len(weights) // 2], "heavy": weights[-1]}
    return face_fields(spec, slug, target.get(mood.weight, spec.weight))


def _mood_shape(spec: LogoSpec, mood: Mood, kept: set[str], fields: dict) -> list[str]:
    """Shape and wordmark accent changes of the mood; adds them to `fields`, returns words."""
    said = []
    if mood.shape and "shape" not in kept and shows_shape(spec):
        shape = mood.shape if not (mood.shape == "none" and spec.layout in BADGE_LAYOUTS) else ""
        if shape and shape != drawn_shape(spec):
            fields["shape"] = shape
            said.append(shape.replace("-", " ") if shape != "none" else "no container")
    if mood.accent and spec.layout == "wordmark" and "accent" not in kept:
        fields["accent"] = mood.accent
    return said


# --- slogan, keeping, "different …" ------------------------------------------------------------


def drop_slogan(draft: Draft, hit: Hit) -> None:
    """ "drop the tagline": no slogan."""
    draft.change("tagline", "removed", slogan="")


# A phrase's quoted words: straight, curly, low-high or guillemet quotes around them.
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»|‘([^’]+)’|\'([^\']+)\'')


def quoted(phrase: str) -> str:
    """The last quoted words in `phrase`, as they were written (spaces tidied); "" if none,
    or if they show nothing (only zero-width or other non-printing characters, which the
    engine drops: such a name would be empty, a failure no retry mends)."""
    found = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(phrase)]
    text = " ".join(found[-1].split())[:MAX_TEXT] if found else ""
    return text if any(c.isprintable() and not c.isspace() for c in text) else ""


def set_slogan(draft: Draft, hit: Hit) -> None:
    """'add the tagline "Since 1990"': that slogan, as written."""
    text = quoted(hit.phrase)
    if not text:
        draft.cannot(hit)
        return
    draft.change("tagline", f"“{text}”", slogan=text)


def set_name(draft: Draft, hit: Hit) -> None:
    """'change the name to "Palm & Co"': that name, as written, and its initials."""
    text = quoted(hit.phrase)
    if not text:
        draft.cannot(hit)
        return
    draft.change("name", f"“{text}”", name=text, initials=_initials(text))


_KEEP_FIELDS = {
    "icon": ("icon",),
    "symbol": ("icon",),
    "colour": ("palette",),
    "palette": ("palette",),
    "font": ("font", "weight"),
    "typeface": ("font", "weight"),
    "type": ("font", "weight"),
    "layout": ("layout",),
    "tagline": ("slogan",),
    "slogan": ("slogan",),
    "shape": ("shape",),
    "case": ("letter_case",),
}


def _aspect_key(word: str) -> str:
    """The key for a matched aspect word: "colours" → "colour", "tag line" → "tagline"."""
    word = "".join(word.replace("color", "colour").split()).replace("-", "")
    return word[:-1] if word.endswith("s") and word[:-1] in _KEEP_FIELDS else word


def keep(draft: Draft, hit: Hit) -> None:
    """ "keep the icon": that part is left alone by moods and variations."""
    fields = _KEEP_FIELDS.get(_aspect_key(hit.groups.get("what", "")), ())
    draft.kept |= set(fields)
    draft.locked |= set(fields)


def different(draft: Draft, hit: Hit) -> None:
    """ "a different icon": the first alternative for that part, unless the instruction
    decided the part otherwise ("change the icon to a leaf")."""
    key = _aspect_key(next((w for w in hit.groups.values() if w), ""))
    key = {"symbol": "icon", "typeface": "font", "type": "font", "palette": "colour"}.get(key, key)
    move, fields = DIFFERENT_MOVES.get(key, (None, ()))
    if move is None or set(fields) & draft.locked:
        return
    if key == "icon" and not _show_icon(draft, hit, "to show the new icon"):
        return
    change = move(draft.spec, 1)
    if change is None:
        draft.cannot(hit)
        return
    draft.notes[key] = change.note
    draft.spec = change.spec
    draft.locked |= set(fields)
    draft.alternatives.append(lambda spec, step: move(spec, step + 1))


# --- variation moves --------------------------------------------------------------------------


def _cycle(what: str, options: list[str], apply: Callable[[LogoSpec, str], LogoSpec]) -> Move:
    """A move stepping through `options` with `apply`, described as an alternate `what`."""

    def move(spec: LogoSpec, step: int) -> Change | None:
        option = options[(step - 1) % len(options)]
        return Change(apply(spec, option), f"alternate {what} ({option})")

    return move


def alt_icon(spec: LogoSpec, step: int) -> Change | None:
    """Another icon from the ones that suit the name, or a related or geometric one."""
    if spec.layout not in (*ICON_LAYOUTS, "emblem"):
        return None
    return _cycle("icon", icon_pool(spec), lambda s, n: replace(s, icon=n))(spec, step)


def alt_shape(spec: LogoSpec, step: int) -> Change | None:
    """Another container shape (badges keep a container)."""
    if not shows_shape(spec):
        return None
    drawn = drawn_shape(spec)
    start = SHAPES.index(drawn) + 1
    ring = SHAPES[start:] + SHAPES[:start]
    options = [s for s in ring if s != drawn and not (s == "none" and drawn != spec.shape)]
    options = [s for s in options if not (s == "none" and spec.layout in BADGE_LAYOUTS)]
    return _cycle("shape", options, lambda s, n: replace(s, shape=n))(spec, step)


def alt_face(spec: LogoSpec, step: int) -> Change | None:
    """Another typeface, the closest in mood first; only faces that would draw some of the
    text themselves (a name all in kanji is drawn by the CJK face whatever the typeface: a
    change of typeface would only nudge its size, and look the same)."""
    text = spec.name + spec.slogan + spec.initials
    others = [
        slug
        for slug in rank_faces(spec.font)
        if slug != spec.font and (_draws_some(slug, text) or _draws_some(spec.font, text))
    ]
    if not others:
        return None
    return _cycle("typeface", others, lambda s, n: replace(s, **face_fields(s, n)))(spec, step)


def _draws_some(slug: str, text: str) -> bool:
    """Whether the face `slug` itself draws any letter of `text`."""
    return any(covers(slug, char) for char in text if not char.isspace())


def alt_palette(spec: LogoSpec, step: int) -> Change | None:
    """The palette's hues turned by 40° steps, alternating direction."""
    degrees = 40.0 * ((step + 1) // 2) * (1 if step % 2 else -1)
    palette = hue_shift(spec.palette, degrees)
    if palette is None:
        return None
    return Change(replace(spec, palette=palette), f"colour shift ({palette.primary})")


def alt_case(spec: LogoSpec, step: int) -> Change | None:
    """Another letter case for the name; none for a name without capitals and small letters
    (Chinese, Japanese, Korean, Hindi), where only the spacing would change."""
    if not any(char.isupper() or char.islower() for char in spec.name):
        return None
    options = [c for c in ("upper", "title", "lower") if c != spec.letter_case]
    case = options[(step - 1) % len(options)]
    tracking = max(spec.tracking, 0.06) if case == "upper" else min(spec.tracking, 0.02)
    note = {"upper": "all caps", "title": "title case", "lower": "lower case"}[case]
    return Change(replace(spec, letter_case=case, tracking=float(tracking)), note)


def alt_layout(spec: LogoSpec, step: int) -> Change | None:
    """Another layout, in the order horizontal, stacked, emblem, monogram, wordmark, mark."""
    ring = ("icon-left", "icon-top", "emblem", "monogram", "wordmark", "mark")
    others = [layout for layout in ring if layout != spec.layout]
    layout = others[(step - 1) % len(others)]
    return Change(replace(spec, **layout_fields(spec, layout)), LAYOUT_WORDS[layout])


def shade_primary(spec: LogoSpec, step: int) -> Change | None:
    """Another shade of the mark colour."""
    shade = shade_of(spec.palette.primary, step, spec.palette.background)
    palette = replace(spec.palette, primary=shade)
    return Change(replace(spec, palette=palette), f"another shade of the mark colour ({shade})")


def shade_text(spec: LogoSpec, step: int) -> Change | None:
    """Another shade of the text colour."""
    shade = shade_of(spec.palette.text, step, spec.palette.background)
    if distance(shade, spec.palette.text) < 30:
        return None
    palette = replace(spec.palette, text=shade)
    return Change(replace(spec, palette=palette), f"another shade of the text colour ({shade})")


def alt_weight(spec: LogoSpec, step: int) -> Change | None:
    """Another weight of the same typeface."""
    others = [w for w in FACES[spec.font].weights if w != spec.weight]
    if not others:
        return None
    weight = others[(step - 1) % len(others)]
    return Change(replace(spec, weight=weight), f"weight {weight}")


# Moves for parts the instruction did not decide, keyed by the spec fields they change.
GENERAL_MOVES: tuple[tuple[Move, tuple[str, ...]], ...] = (
    (alt_icon, ("icon",)),
    (alt_shape, ("shape",)),
    (alt_face, ("font", "weight")),
    (alt_palette, ("palette",)),
    (alt_case, ("letter_case", "tracking")),
)
# Moves that honour any instruction, used when nothing else shows a difference.
LAST_RESORT_MOVES: tuple[Move, ...] = (shade_primary, shade_text, alt_weight)
DIFFERENT_MOVES: dict[str, tuple[Move, tuple[str, ...]]] = {
    "icon": (alt_icon, ("icon",)),
    "shape": (alt_shape, ("shape",)),
    "font": (alt_face, ("font", "weight")),
    "colour": (alt_palette, ("palette",)),
    "layout": (alt_layout, ("layout",)),
    "case": (alt_case, ("letter_case",)),
}
