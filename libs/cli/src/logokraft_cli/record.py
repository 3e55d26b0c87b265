"""A capture of a run's progress for the docs (`--record FILE`, hidden): snapshots of the bars
while they move, and the screen the run leaves behind, as text (.txt) or an SVG (.svg)."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console, RenderableType
from rich.text import Text

WIDTH = 104


class Recorder:
    def __init__(self, command: str) -> None:
        self.command = command
        self.started = time.monotonic()
        self.frames: list[tuple[float, str]] = []  # the bars (ANSI text) at each change
        self.plain_frames: list[str] = []  # the same without colour
        self.lines: list[str] = []  # what stays on screen above the bars (ANSI text)
        self.footer: list[str] = []  # what is printed after the bars (ANSI text)
        self.bars_done = False

    @staticmethod
    def _ansi(renderable: RenderableType, *, colour: bool = True) -> str:
        """ANSI text, or plain text where a bar's unfinished part is left blank."""
        console = Console(
            width=WIDTH,
            file=io.StringIO(),
            force_terminal=colour,
            color_system="truecolor" if colour else None,
            highlight=False,
            record=True,
        )
        console.print(renderable, soft_wrap=True)
        return console.export_text(styles=colour).rstrip("\n")

    def bars(self, renderable: RenderableType) -> None:
        text = self._ansi(renderable)
        if not self.frames or self.frames[-1][1] != text:
            self.frames.append((time.monotonic() - self.started, text))
            self.plain_frames.append(self._ansi(renderable, colour=False))

    def line(self, markup: str) -> None:
        (self.footer if self.bars_done else self.lines).append(self._ansi(markup))

    def _picks(self) -> list[int]:
        """Up to four snapshots of the bars while running (the last one is the final screen)."""
        moving = len(self.frames) - 1
        if moving <= 4:
            return list(range(moving))
        return sorted({round(i * (moving - 1) / 3) for i in range(4)})

    def _final(self, frame: str | None) -> str:
        return "\n".join([*self.lines, *([frame] if frame else []), *self.footer])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".svg":
            final = self._final(self.frames[-1][1] if self.frames else None)
            console = Console(width=WIDTH, record=True, file=io.StringIO(), force_terminal=True)
            console.print(f"$ {self.command}", highlight=False, markup=False)
            console.print(Text.from_ansi(final))
            console.save_svg(str(path), title="logokraft")
            return
        blocks = [f"$ {self.command}", "", "While it runs (the bars update in place):", ""]
        for index in self._picks():
            rows = self.plain_frames[index].splitlines()
            blocks += [f"  t = {self.frames[index][0]:.1f} s", *(f"  {row}" for row in rows), ""]
        final = self._final(self.plain_frames[-1] if self.plain_frames else None)
        blocks += ["When it is done:", "", Text.from_ansi(final).plain]
        path.write_text("\n".join(blocks).rstrip() + "\n")
