"""Following a project's SSE stream: one live progress bar per asset, files saved as they finish.

The stream sends a `snapshot`, then `asset` changes, `queue` places in line, `project` status
changes and finally `done`. A dropped connection is resumed with Last-Event-ID (the id of the
last event read), after the `retry:` delay the gateway asked for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource, SSEError
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from logokraft_cli.api import Api, CliError, error_from, retry_after
from logokraft_cli.record import Recorder
from logokraft_cli.text import shown

MAX_RECONNECTS = 10  # consecutive attempts without reading an event
DEFAULT_RETRY_MS = 2000
_IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg")

# asset status -> (bar completed of 2, how the status column shows it)
_STATES = {
    "queued": (0, "[yellow]queued[/]"),
    "generating": (1, "[cyan]generating[/]"),
    "completed": (2, "[green]done[/]"),
    "failed": (2, "[red]failed[/]"),
    "cancelled": (2, "[magenta]cancelled[/]"),
}


@dataclass
class Tracked:
    """One asset the command waits for: its bar, its latest state, what was saved of it."""

    label: str
    stem: str
    asset: dict[str, Any]
    task: TaskID | None = None
    queue_position: int | None = None
    files: list[Path] = field(default_factory=list)
    download_error: str | None = None

    @property
    def status(self) -> str:
        return str(self.asset.get("status", "queued"))

    def as_json(self) -> dict[str, Any]:
        error = self.asset.get("error")
        return {
            "id": self.asset.get("id"),
            "label": self.label,
            "status": self.status,
            "position": self.asset.get("position"),
            "parent_asset_id": self.asset.get("parent_asset_id"),
            "image_url": self.asset.get("image_url"),
            "svg_url": self.asset.get("svg_url"),
            "files": [str(path) for path in self.files],
            "error": error,
            "download_error": self.download_error,
        }


# Given an asset, its (label, file stem) when the command follows it, else None.
Selector = Callable[[dict[str, Any]], tuple[str, str] | None]


class Follower:
    """Reads one project's stream to `done`, showing and saving the selected assets."""

    def __init__(
        self,
        api: Api,
        project_id: str,
        *,
        select: Selector,
        out_dir: Path | None,
        console: Console | None,
        slots: list[tuple[str, str]] | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self.api = api
        self.project_id = project_id
        self.select = select
        self.out_dir = out_dir
        self.console = console
        self.recorder = recorder  # snapshots of the bars, for the docs (--record)
        self.tracked: dict[str, Tracked] = {}
        self.project: dict[str, Any] | None = None
        self.done: dict[str, Any] | None = None
        self.reconnects = 0
        self.progress = (
            Progress(
                TextColumn("{task.description:<13}"),
                BarColumn(bar_width=24),
                TextColumn("{task.fields[state]}"),
                _Elapsed(),
                console=console,
                refresh_per_second=8,
            )
            if console is not None
            else None
        )
        # Bars known from the start (label -> task), waiting for their asset to appear.
        self.slots: dict[str, TaskID] = {}
        if self.progress is not None:
            for label, _stem in slots or []:
                self.slots[label] = self.progress.add_task(label, total=2, state="[dim]waiting[/]")

    # ---- the stream ---------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Follow to `done` (its data), reconnecting after drops; CliError when it cannot."""
        if self.progress is not None:
            self.progress.start()
        try:
            self._follow()
            self._collect_missed()
        finally:
            if self.progress is not None:
                self.progress.stop()
                if self.recorder is not None:
                    self.recorder.bars_done = True
        assert self.done is not None
        return self.done

    def _follow(self) -> None:
        last_id: str | None = None
        retry_ms = DEFAULT_RETRY_MS
        failures = 0
        path = f"/projects/{self.project_id}/stream"
        while True:
            try:
                with self.api.stream(path, last_event_id=last_id) as response:
                    if response.status_code != 200:
                        wait = retry_after(response)
                        if response.status_code in (429, 503) and wait is not None:
                            failures += 1
                            if failures > MAX_RECONNECTS:
                                raise error_from(response)
                            self._say(f"[yellow]{shown(error_from(response).message)}[/]")
                            time.sleep(min(max(wait, 0.5), 60.0))
                            continue
                        raise error_from(response)
                    for sse in EventSource(response).iter_sse():
                        if sse.retry is not None:
                            retry_ms = sse.retry
                        if sse.id:
                            last_id = sse.id
                        if not sse.data:
                            continue
                        failures = 0
                        self._handle(sse.event, json.loads(sse.data))
                        if self.done is not None:
                            return
            except (httpx.TransportError, SSEError, ValueError) as error:
                reason = type(error).__name__
            except CliError as error:
                if error.code != "api_unreachable" or self.project is None:
                    raise  # refused, or never reached: nothing to resume
                reason = "connection refused"
            else:
                reason = "stream ended early"
            failures += 1
            if failures > MAX_RECONNECTS:
                raise CliError(
                    f"Lost the project's stream ({reason}) and could not resume it.",
                    code="stream_lost",
                    hint=f"The project goes on; see it with `logokraft show {self.project_id}`.",
                )
            self.reconnects += 1
            where = f" after event {last_id}" if last_id else ""
            self._say(f"[dim]connection dropped ({shown(str(reason))}); resuming{where}…[/]")
            time.sleep(retry_ms / 1000 * min(failures, 5))

    def _handle(self, event: str, data: dict[str, Any]) -> None:
        if event == "snapshot":
            self.project = data["project"]
            for asset in data["project"].get("assets", []):
                self._update(asset)
        elif event == "asset":
            self._update(data["asset"])
        elif event == "queue":
            for place in data.get("positions", []):
                tracked = self.tracked.get(place.get("asset_id"))
                if tracked is not None and tracked.status == "queued":
                    tracked.queue_position = place.get("queue_position")
                    self._show(tracked)
        elif event == "project":
            if self.project is not None:
                self.project.update(data["project"])
            else:
                self.project = dict(data["project"])
        elif event == "done":
            self.done = data

    # ---- assets ---------------------------------------------------------------------------

    def _update(self, asset: dict[str, Any]) -> None:
        asset_id = asset.get("id")
        tracked = self.tracked.get(asset_id)
        if tracked is None:
            chosen = self.select(asset)
            if chosen is None:
                return
            tracked = Tracked(label=chosen[0], stem=chosen[1], asset=asset)
            self.tracked[asset_id] = tracked
            if self.progress is not None:
                tracked.task = self.slots.pop(tracked.label, None)
                if tracked.task is None:
                    tracked.task = self.progress.add_task(tracked.label, total=2, state="")
        tracked.asset = asset
        if asset.get("status") == "queued" and asset.get("queue_position"):
            tracked.queue_position = asset["queue_position"]
        if asset.get("status") == "completed" and not tracked.files and self.out_dir:
            self._download(tracked)
        self._show(tracked)
        if asset.get("status") == "completed" and tracked.files:
            names = ", ".join(path.name for path in tracked.files)
            self._say(f"[green]✓[/] {tracked.label} saved: {shown(names)}")
            missed = ((asset.get("metadata") or {}).get("editor") or {}).get("not_understood")
            if missed:  # the local editor's: else the variation looks like an unrelated change
                quoted = ", ".join(f"“{shown(str(part))}”" for part in missed)
                self._say(f"  [yellow]![/] not understood or not possible here: {quoted}")
        elif asset.get("status") == "failed":
            reason = (asset.get("error") or {}).get("message", "no reason given")
            self._say(f"[red]✗[/] {tracked.label} failed: {shown(str(reason))}")

    def _show(self, tracked: Tracked) -> None:
        if self.progress is None or tracked.task is None:
            return
        completed, state = _STATES.get(tracked.status, (0, shown(tracked.status)))
        if tracked.status == "queued" and tracked.queue_position:
            state = f"{state} [dim]· #{shown(tracked.queue_position)} in line[/]"
        if tracked.status == "completed" and tracked.files:
            more = " + svg" if any(p.suffix == ".svg" for p in tracked.files) else ""
            state = f"{state} [dim]→ {shown(tracked.files[0].name)}{more}[/]"
        if tracked.download_error:
            state = f"{state} [red](not saved: {shown(str(tracked.download_error))})[/]"
        finished = tracked.status in ("completed", "failed", "cancelled")
        self.progress.update(tracked.task, completed=completed, state=state)
        if finished:
            self.progress.stop_task(tracked.task)
        self._snapshot()

    def _download(self, tracked: Tracked) -> None:
        """Save the image (and its SVG when there is one); a stale link is fetched anew once."""
        assert self.out_dir is not None
        try:
            self._save(tracked, tracked.asset)
        except CliError as error:
            if error.status in (403, 404):
                try:
                    fresh = self.api.get_json(f"/assets/{tracked.asset['id']}")
                    self._save(tracked, fresh)
                    return
                except CliError as again:
                    error = again
            tracked.download_error = error.message

    def _save(self, tracked: Tracked, asset: dict[str, Any]) -> None:
        assert self.out_dir is not None
        saved: list[Path] = []
        image_url = asset.get("image_url")
        if image_url:
            suffix = PurePosixPath(urlsplit(image_url).path).suffix.lower()
            saved.append(self._write(f"{tracked.stem}{_suffix(suffix)}", image_url))
        if asset.get("svg_url"):
            saved.append(self._write(f"{tracked.stem}.svg", asset["svg_url"]))
        tracked.files = saved
        tracked.download_error = None

    def _write(self, name: str, url: str) -> Path:
        assert self.out_dir is not None
        content = self.api.download(url)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / name
        partial = path.with_name(f".{name}.part")
        partial.write_bytes(content)
        partial.replace(path)
        return path

    def _collect_missed(self) -> None:
        """After `done`: save completed assets the stream showed without a usable link."""
        if not self.out_dir:
            return
        missed = [t for t in self.tracked.values() if t.status == "completed" and not t.files]
        if not missed:
            return
        try:
            project = self.api.get_json(f"/projects/{self.project_id}")
        except CliError:
            return
        for asset in project.get("assets", []):
            tracked = self.tracked.get(asset.get("id"))
            if tracked in missed:
                tracked.asset = asset
                self._download(tracked)
                self._show(tracked)

    # ---- output ---------------------------------------------------------------------------

    def _say(self, markup: str) -> None:
        if self.console is not None:
            self.console.print(markup, highlight=False)
        if self.recorder is not None:
            self.recorder.line(markup)

    def _snapshot(self) -> None:
        if self.recorder is not None and self.progress is not None:
            self.recorder.bars(self.progress.make_tasks_table(self.progress.tasks))


class _Elapsed(ProgressColumn):
    """Seconds since the bar appeared, to a tenth (logos take from 0.1 s to a minute)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if elapsed is None:
            return Text("", style="progress.elapsed")
        minutes, seconds = divmod(elapsed, 60)
        text = f"{int(minutes)}:{seconds:04.1f}" if minutes else f"{seconds:.1f}s"
        return Text(text, style="progress.elapsed")


def _suffix(suffix: str) -> str:
    return suffix if suffix in _IMAGE_SUFFIXES else ".png"
