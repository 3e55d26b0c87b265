"""The provider fakes as a process of their own: `python -m logokraft_dev.bench.fakes`.

Serves the fake Gemini API (prompts, refine instructions and Nano Banana edits) and the fake
Seedream images API on two local ports with the latency model, prints one JSON line
{"gemini": url, "seedream": url} once both listen, and runs until SIGTERM or SIGINT. Their
own CPU is kept out of the processes being measured. `POST {gemini}/_bench/latency` with a
latency model's JSON changes the waits of the running fakes (the warm-up runs with none).

Seedream's image is drawn once per size, not per request, so the fake's own CPU stays small.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from logokraft_dev.asgi import serve_asgi
from logokraft_fakes.gemini import FakeGemini
from logokraft_fakes.images import draw_image
from logokraft_fakes.seedream import FakeSeedream, SeedreamImage

GEMINI_KEY = "bench-gemini-key"
ARK_KEY = "bench-ark-key"


@functools.lru_cache(maxsize=8)
def _drawn(size: str, image_format: str) -> bytes:
    if "x" in size.lower():
        width, height = (int(side) for side in size.lower().split("x"))
    else:
        width = height = {"1K": 1024, "2K": 2048, "4K": 4096}.get(size.upper(), 1024)
    return draw_image(width, height, image_format=image_format)


class _BenchSeedream(FakeSeedream):
    """The Seedream fake, drawing each size's image once."""

    def _success(self, reply: SeedreamImage, body: dict[str, Any], base_url: str) -> dict:
        if reply.image is None:
            size = str(body.get("size", "1024x1024"))
            reply = replace(reply, image=_drawn(size, reply.image_format))
        return super()._success(reply, body, base_url)


def _control(
    gemini: FakeGemini, seedream: FakeSeedream
) -> Callable[[dict[str, float]], Awaitable[dict[str, float]]]:
    """The route that changes the running fakes' latency model."""

    async def set_latency(model: dict[str, float]) -> dict[str, float]:
        gemini.text_latency_s = float(model.get("gemini_s", gemini.text_latency_s))
        gemini.image_latency_s = float(model.get("nano_banana_s", gemini.image_latency_s))
        seedream.latency_s = float(model.get("seedream_s", seedream.latency_s))
        jitter = float(model.get("jitter", seedream.jitter))
        gemini.jitter = seedream.jitter = jitter
        return {
            "gemini_s": gemini.text_latency_s,
            "seedream_s": seedream.latency_s,
            "nano_banana_s": gemini.image_latency_s,
            "jitter": jitter,
        }

    return set_latency


async def serve(gemini_s: float, seedream_s: float, nano_banana_s: float, jitter: float) -> None:
    gemini = FakeGemini(
        api_key=GEMINI_KEY,
        text_latency_s=gemini_s,
        image_latency_s=nano_banana_s,
        jitter=jitter,
        seed=1,
    )
    seedream = _BenchSeedream(api_key=ARK_KEY, latency_s=seedream_s, jitter=jitter, seed=2)
    # A benchmark sends thousands of requests: keep no record of them.
    gemini.requests = _Discard()  # type: ignore[assignment]
    seedream.requests = _Discard()  # type: ignore[assignment]
    gemini.app.add_api_route("/_bench/latency", _control(gemini, seedream), methods=["POST"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve_asgi(gemini.app) as gemini_url, serve_asgi(seedream.app) as seedream_url:
        print(json.dumps({"gemini": gemini_url, "seedream": seedream_url}), flush=True)
        await stop.wait()


class _Discard(list):
    """A list that keeps nothing (the fakes' request log, unneeded here)."""

    def append(self, item: object) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m logokraft_dev.bench.fakes")
    parser.add_argument("--gemini-s", type=float, default=0.0)
    parser.add_argument("--seedream-s", type=float, default=0.0)
    parser.add_argument("--nano-banana-s", type=float, default=0.0)
    parser.add_argument("--jitter", type=float, default=0.0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.gemini_s, args.seedream_s, args.nano_banana_s, args.jitter))
    return 0


if __name__ == "__main__":
    sys.exit(main())
