"""The one text/event-stream parser of the tests: reads the gateway's project streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx


@dataclass
class SseEvent:
    event: str
    data: dict
    id: int | None = None


@dataclass
class SseReader:
    """Parses a text/event-stream response into events (comments are counted, not returned)."""

    comments: int = 0
    _lines: list[str] = field(default_factory=list)

    async def events(self, response: httpx.Response) -> AsyncIterator[SseEvent]:
        async for line in response.aiter_lines():
            if line.startswith(":"):
                self.comments += 1
            elif line:
                self._lines.append(line)
            elif self._lines:
                event = self._parse(self._lines)
                self._lines = []
                if event is not None:
                    yield event

    @staticmethod
    def _parse(lines: list[str]) -> SseEvent | None:
        fields = dict(line.split(": ", 1) for line in lines if ": " in line)
        if "event" not in fields:
            return None
        event_id = int(fields["id"]) if "id" in fields else None
        return SseEvent(fields["event"], json.loads(fields["data"]), event_id)
