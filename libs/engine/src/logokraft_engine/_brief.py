"""The design brief: what the customer asked for, and keyword extraction from it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LOGO_TYPES = ("wordmark", "lettermark", "combination", "emblem", "abstract")


@dataclass(frozen=True)
class Brief:
    """What a customer asked for; the input of `design_spec`."""

    brand_name: str
    slogan: str = ""
    industry: str = ""
    description: str = ""
    style: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    logo_type: str | None = None
    inspiration_palette: tuple[str, ...] = ()
    color_words: tuple[str, ...] = ()  # the colour fields as the user wrote them
    color_names: tuple[str, ...] = ()  # a plain name for each of `colors`
    color_notes: tuple[str, ...] = ()  # words with no colour meaning, for the prompt writer

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], *, inspiration_palette: Sequence[str] = ()
    ) -> Brief:
        """A brief from any mapping with the brief's field names, such as a stored project."""
        return cls(
            brand_name=record["brand_name"],
            slogan=record.get("slogan") or "",
            industry=record.get("industry") or "",
            description=record.get("description") or "",
            style=tuple(record.get("style") or ()),
            colors=tuple(record.get("colors") or ()),
            logo_type=record.get("logo_type") or None,
            inspiration_palette=tuple(inspiration_palette),
            color_words=tuple(record.get("color_words") or ()),
            color_names=tuple(record.get("color_names") or ()),
            color_notes=tuple(record.get("color_notes") or ()),
        )


def fold(text: str) -> str:
    """Lower-case `text` and strip accents so 'Café' matches 'cafe'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> set[str]:
    """The folded words of `text`, with a naive singular form added for plurals."""
    found = set(re.findall(r"[a-z0-9]+", fold(text)))
    return found | {w[:-1] for w in found if len(w) > 3 and w.endswith("s")}


def brief_words(brief: Brief) -> dict[str, set[str]]:
    """Keywords of the brief grouped by where they came from."""
    return {
        "industry": words(brief.industry),
        "description": words(brief.description),
        "style": words(" ".join(brief.style)),
    }
