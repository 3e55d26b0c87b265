"""Smaller copies of stored images, for grids and lists: made when first asked for, then kept.

A logo is stored at 1024 px; a grid shows it at a fifth of that. Its `thumbnail_url` is its
signed file URL with `?size=THUMBNAIL_SIZE`, and the files route answers it with a copy at
most that many pixels on a side (api/routes/files.py), kept by LocalStorage beside the
objects (`LocalStorage.rendition_path`) and deleted with them. Nothing is resized when a logo
is made: only a logo someone looks at costs a resize, once.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import weakref
from pathlib import Path

from PIL import Image

# Pixels on a side: a grid tile is 140-260 CSS pixels wide, so this is sharp at 1.5x.
THUMBNAIL_SIZE = 384
SIZES = (THUMBNAIL_SIZE,)
# Images the files route makes smaller copies of, by suffix (the stored logos and
# inspiration images are PNG).
RESIZABLE = frozenset({".png", ".jpg", ".jpeg", ".webp"})

# One resize at a time per gateway (in one worker thread): a page of 24 tiles asked for at
# once queues here, on the event loop, instead of taking every core, and every thread of the
# loop's executor, from the request path. One lock per event loop (tests run several).
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _resizing() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


async def rendition(source: Path, target: Path, size: int) -> Path:
    """The file to serve for `source` at most `size` px on a side: `target`, made now unless
    it was made from this version of `source`; `source` itself when it is that small already
    or is not an image Pillow can read."""
    if _fresh(source, target):
        return target
    async with _resizing():
        if _fresh(source, target):  # made by a request that held the lock before this one
            return target
        made = await asyncio.to_thread(_resize, source, target, size)
    return target if made else source


def _fresh(source: Path, target: Path) -> bool:
    try:
        return target.stat().st_mtime_ns >= source.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def _resize(source: Path, target: Path, size: int) -> bool:
    """Write the smaller copy (atomically); False when there is none to make."""
    kind = _FORMATS.get(target.suffix.lower(), "PNG")
    # The modes the format keeps as they are; others become the first (JPEG) or the second.
    modes = ("RGB", "L") if kind == "JPEG" else ("RGB", "RGBA", "L", "LA")
    other = modes[0] if kind == "JPEG" else modes[1]
    try:
        with Image.open(source) as image:
            if max(image.size) <= size:
                return False
            copy = image if image.mode in modes else image.convert(other)
            copy.thumbnail((size, size), Image.Resampling.LANCZOS)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            try:
                with os.fdopen(handle, "wb") as out:
                    copy.save(out, format=kind)
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
    except (OSError, Image.DecompressionBombError, ValueError):
        return False
    return True


_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
