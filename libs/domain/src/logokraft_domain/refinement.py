"""A refinement's rules, stated once: what an instruction may be and how many variations.

The gateway derives its request model from these limits; the refine service checks every
refinement that reaches it over gRPC with `validate_instruction` and `validate_count`.
"""

from __future__ import annotations

from logokraft_domain.brief import CONTROL_CHARACTERS, has_visible_characters
from logokraft_kit.errors import InvalidArgument

MAX_INSTRUCTION = 1000
MIN_VARIATIONS = 1
MAX_VARIATIONS = 4
DEFAULT_VARIATIONS = 2


def validate_instruction(instruction: str) -> str:
    """The instruction without outer whitespace; InvalidArgument when it is unusable."""
    text = instruction.strip()
    if not text:
        raise InvalidArgument("instruction is required: say what to change, e.g. 'make it navy'")
    if len(text) > MAX_INSTRUCTION:
        raise InvalidArgument(
            f"instruction is {len(text)} characters long; the limit is {MAX_INSTRUCTION}"
        )
    if CONTROL_CHARACTERS.search(text):
        raise InvalidArgument("instruction must not contain NUL or other control characters")
    if not has_visible_characters(text):
        # Only zero-width or other invisible characters: nothing a person could have meant.
        raise InvalidArgument(
            "instruction has no visible characters: say what to change, e.g. 'make it navy'"
        )
    return text


def validate_count(count: int) -> int:
    """The number of variations; InvalidArgument outside 1..MAX_VARIATIONS."""
    if not MIN_VARIATIONS <= count <= MAX_VARIATIONS:
        raise InvalidArgument(
            f"num_variations must be between {MIN_VARIATIONS} and {MAX_VARIATIONS}"
        )
    return count
