"""Fault-injection hooks that tests switch on through the environment; inert otherwise.

`LOGOKRAFT_HOLD_JOBS_UNTIL=<file>` makes every drawing (and the prompt writer, after its
first prompt) wait until the file exists, so a test can kill, stop or cut off a service
while an asset is `generating` or a project's prompts are half written, and then let the
work go on, without sleeping for a guessed time.

A service applies the hook through `logokraft_kit.service.with_fault_hooks`, which loads
this module only when the setting is on: service images do not have it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)

POLL_S = 0.05


def _exists(path: Path) -> bool:
    return os.path.exists(path)  # one stat: too quick to be worth a thread


async def hold_until(path: Path | None) -> None:
    """Return once `path` exists (at once when it is None)."""
    if path is None or _exists(path):
        return
    log.warning("holding work until %s exists (fault-injection hook)", path)
    while not _exists(path):  # noqa: ASYNC110 - a file, not an event, is the signal
        await asyncio.sleep(POLL_S)


async def hold_after_first(items: AsyncIterator[T], path: Path | None) -> AsyncIterator[T]:
    """Yield `items`, waiting for `path` after the first one."""
    first = True
    async for item in items:
        if not first:
            await hold_until(path)
        first = False
        yield item


class _Held:
    """An adapter whose `method` waits for the hold file; everything else passes through."""

    def __init__(self, inner: Any, *, method: str, path: Path) -> None:
        self._inner = inner
        self._method = method
        self._path = path

    def __getattr__(self, name: str) -> Any:
        original = getattr(self._inner, name)
        if name != self._method:
            return original
        if inspect.isasyncgenfunction(original):
            # A stream (the prompt writer): the first item goes out, then the rest waits.
            return lambda *args, **kwargs: hold_after_first(original(*args, **kwargs), self._path)

        async def call(*args: Any, **kwargs: Any) -> Any:
            await hold_until(self._path)
            return await original(*args, **kwargs)

        return call


def held(adapter: T, *, method: str, path: object) -> T:
    """`adapter` with each call of `method` held until `path` exists (see the module)."""
    return _Held(adapter, method=method, path=Path(str(path)))  # type: ignore[return-value]
