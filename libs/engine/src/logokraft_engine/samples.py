"""Sample briefs a logo studio sees, shared by the gallery and the benchmark.

Each sample is built the way the system builds the brief it hands the engine: the gateway strips
the text fields and turns colours ("teal", "#F4A261", "#fa0") into lower-case "#rrggbb", the
prompt service stores the brief and reads it back with `Brief.from_record`, and the local prompt
writer designs candidate i with `design_spec(brief, index=i, seed=brief_seed(brief))`. So the
candidates here are exactly the ones a user with the same brief (and no inspiration images) gets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import webcolors

from logokraft_engine import Brief, LogoSpec, design_spec

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def brief_seed(brief: Brief) -> int:
    """A stable seed for a brief, so the same brief gives the same candidates.

    A copy of `logokraft_prompt.adapters.local.brief_seed` (the engine must not depend on the
    prompt service): keep the two in sync, or the gallery stops showing what users get.
    """
    digest = hashlib.sha256(repr(brief).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _normalise_color(value: str) -> str:
    """A hex or CSS colour name as "#rrggbb", as the gateway normalises it."""
    value = value.strip()
    if _HEX.match(value):
        return webcolors.normalize_hex(value)
    return webcolors.name_to_hex(value.lower())


def submitted(
    brand_name: str,
    *,
    slogan: str = "",
    industry: str = "",
    description: str = "",
    style: Iterable[str] = (),
    colors: Iterable[str] = (),
    logo_type: str | None = None,
) -> Brief:
    """The engine's brief for a form submitted with these fields (no inspiration images)."""
    return Brief.from_record(
        {
            "brand_name": brand_name.strip(),
            "slogan": slogan.strip(),
            "industry": industry.strip(),
            "description": description.strip(),
            "style": [s.strip() for s in style if s.strip()],
            "colors": [_normalise_color(c) for c in colors if c.strip()],
            "logo_type": logo_type,
        }
    )


def candidates(brief: Brief, count: int) -> list[LogoSpec]:
    """The first `count` candidates of `brief`, as the local prompt writer designs them."""
    seed = brief_seed(brief)
    return [design_spec(brief, index=index, seed=seed) for index in range(count)]


SAMPLES: tuple[Brief, ...] = (
    submitted(
        "Northline Coffee",
        slogan="Roasted in small batches",
        industry="coffee roastery",
        description="Specialty roastery and espresso bar; single-origin beans roasted weekly.",
        style=["minimal"],
    ),
    submitted(
        "Ledgerly",
        slogan="Banking that adds up",
        industry="fintech startup",
        description="Business accounts and invoicing for freelancers and small teams.",
        style=["modern", "trustworthy"],
        colors=["#0A2540"],
        logo_type="abstract",
    ),
    submitted(
        "Happy Paws Grooming",
        slogan="Fresh, fluffy and fabulous",
        industry="dog grooming",
        description="A neighbourhood dog grooming salon with a self-wash station.",
        style=["playful", "friendly"],
    ),
    submitted(
        "Whitmore & Hale",
        slogan="Attorneys at law since 1987",
        industry="law firm",
        description="Corporate and family law practice serving the city for three generations.",
        style=["classic", "serif"],
        colors=["navy", "gold"],
        logo_type="lettermark",
    ),
    submitted(
        "Still Water Yoga",
        slogan="Breathe. Move. Be.",
        industry="yoga studio",
        description="Vinyasa, yin and meditation classes in a sunlit studio by the lake.",
        style=["calm", "organic"],
        colors=["#7FA99B"],
    ),
    submitted(
        "Hearth & Crumb",
        slogan="Baked fresh every morning",
        industry="bakery",
        description="Sourdough loaves, croissants and seasonal pies from a wood-fired oven.",
        style=["handmade", "warm"],
        logo_type="emblem",
    ),
    submitted(
        "Synthera AI",
        slogan="Your data, answered",
        industry="SaaS AI tool",
        description="An AI assistant that answers questions about a company's own data.",
        style=["tech", "futuristic"],
        colors=["#6C5CE7", "teal"],
    ),
    submitted(
        "Greenfield Organic Farm",
        slogan="Grown with care, harvested by hand",
        industry="organic farm",
        description="Family farm selling organic vegetables, eggs and honey at the market.",
        style=["eco", "earthy", "green"],
        colors=["forestgreen", "#8B5E3C"],
    ),
    submitted(
        "Bluewater Sailing School",
        slogan="Learn the ropes",
        industry="sailing school",
        description="Dinghy and keelboat courses for beginners and racers on the harbour.",
        style=["nautical"],
        logo_type="emblem",
    ),
    submitted(
        "Atelier Vionne",
        slogan="Quietly extraordinary",
        industry="boutique fashion",
        description="A boutique of small-run womenswear and accessories.",
        style=["elegant", "luxury"],
        colors=["black", "#C9A227"],
        logo_type="wordmark",
    ),
    submitted(
        "Jellybean Toys",
        slogan="Where play begins",
        industry="kids' toy shop",
        description="Wooden toys, puzzles and craft kits for children aged 2 to 10.",
        style=["playful", "bright colours"],
        colors=["#FF595E", "#FFCA3A", "#1982C4"],
    ),
    submitted(
        "Ironclad Construction",
        slogan="Built to last",
        industry="construction company",
        description="Commercial and residential building contractor.",
        style=["bold", "strong"],
        colors=["#F4B400", "#222"],
    ),
    submitted(
        "Café Ærø",
        slogan="Smørrebrød & kaffe",
        industry="café",
        description="A small Danish café serving open sandwiches, pastries and filter coffee.",
        style=["scandinavian", "cosy"],
    ),
    submitted(
        "The Riverside Community Arts and Heritage Foundation",
        slogan=(
            "Celebrating two centuries of music, theatre, painting and storytelling by the river"
        ),
        industry="arts non-profit",
        description="A charity running a community arts centre, a museum and summer festivals.",
        style=["community", "heritage"],
    ),
)
