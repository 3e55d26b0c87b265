"""Text blocks: letter case, line breaking, fitting to a box and placing outlined text."""

from __future__ import annotations

from dataclasses import dataclass

from logokraft_engine._fonts import EM, Outline, cap_height, outline
from logokraft_engine._geometry import num

LINE_GAP = 0.28  # between lines, in em


@dataclass(frozen=True)
class Element:
    """One placed piece of the drawing: its SVG markup and ink box (x0, y0, x1, y1)."""

    svg: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class TextBlock:
    """One or more lines of outlined text, measured in 1/1000 em."""

    lines: tuple[Outline, ...]
    cap: float

    def _above(self, line: Outline) -> float:
        return max(self.cap, -line.bounds[1])

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

    def place(self, scale: float, x: float, top: float, color: str, align: str = "center"):
        """An Element with the block's top at `top`, centred on or starting at `x`."""
        parts, y = [], top
        x0 = y0 = float("inf")
        x1 = y1 = float("-inf")
        for line in self.lines:
            baseline = y + scale * self._above(line)
            b = line.bounds
            left = x - scale * (b[0] + b[2]) / 2 if align == "center" else x - scale * b[0]
            paths = "".join(f'<path d="{d}"/>' for _, d in line.glyphs)
            transform = f"translate({num(left)} {num(baseline)}) scale({scale:.5f})"
            parts.append(f'<g transform="{transform}">{paths}</g>')
            x0, x1 = min(x0, left + scale * b[0]), max(x1, left + scale * b[2])
            y0, y1 = min(y0, baseline + scale * b[1]), max(y1, baseline + scale * b[3])
            y = baseline + scale * (max(0.0, b[3]) + LINE_GAP * EM)
        return Element(f'<g fill="{color}">{"".join(parts)}</g>', (x0, y0, x1, y1))


def apply_case(text: str, case: str) -> str:
    """`text` in letter case `case` ('upper', 'lower', 'title' or 'as-is')."""
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    if case == "title":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def split_lines(text: str, longest: int) -> tuple[str, ...]:
    """`text` as one line, or two balanced lines at a space when longer than `longest`."""
    words = text.split()
    if len(text) <= longest or len(words) < 2:
        return (" ".join(words) or text,)
    cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return min(cuts, key=lambda pair: max(len(pair[0]), len(pair[1])))


def text_block(
    text: str, font: str, weight: int, tracking: float = 0.0, longest: int = 10**6
) -> TextBlock:
    """`text` set as a TextBlock, broken into two lines past `longest` characters."""
    lines = tuple(outline(line, font, weight, tracking) for line in split_lines(text, longest))
    return TextBlock(lines, cap_height(font))
