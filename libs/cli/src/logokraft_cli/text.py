"""Text from the server (or a file name it gives) made safe to print on a terminal.

A brand name, an error message, a status or a file name reaches the terminal as it came:
an ESC starts an escape sequence (colours, a cleared screen, a window title, an OSC 8 link),
and a bidi control (U+202A–U+202E, U+2066–U+2069) reorders the rest of the line, so text
can show something other than what it is (Trojan Source). Rich's `escape` and its console
leave both as they are: `visible` writes each such character as its escape (`\\x1b`,
`\\u202e`), which shows that it is there without acting on it.
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape

# The explicit bidi formatting characters (Unicode UAX #9) and the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Controls (C0, DEL, C1), lone surrogates (unprintable: a UnicodeEncodeError), line and
# paragraph separators (a line break on some terminals).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def is_unsafe(char: str) -> bool:
    """Whether a terminal would act on `char` rather than show it."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def has_unsafe(text: str) -> bool:
    """Whether `text` holds a character a terminal would act on."""
    return not text.isprintable() and any(is_unsafe(char) for char in text)


def visible(text: str) -> str:
    """`text` with every control, bidi control and lone surrogate written as its escape."""
    if not has_unsafe(text):  # isprintable() is True for nearly all text: one C-level pass
        return text
    return "".join(_escaped(char) if is_unsafe(char) else char for char in text)


def shown(value: object) -> str:
    """`value` as Rich markup that prints it literally: unsafe characters visible, and
    square brackets not taken as markup."""
    return escape(visible(str(value)))


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
