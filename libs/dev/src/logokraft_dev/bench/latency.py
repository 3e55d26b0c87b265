"""The latency model of the paid providers, as the fakes play it.

Defaults: a Gemini prompt-writing answer takes 3 s, a Seedream image 6 s, a Nano Banana
edit 5 s (each optionally jittered by a uniform fraction). Command-line flags override them,
and so does the environment (LOGOKRAFT_BENCH_GEMINI_S, LOGOKRAFT_BENCH_SEEDREAM_S,
LOGOKRAFT_BENCH_NANO_BANANA_S, LOGOKRAFT_BENCH_JITTER); `--quick` uses 0.3 / 0.6 / 0.5.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass

ENV = {
    "gemini_s": "LOGOKRAFT_BENCH_GEMINI_S",
    "seedream_s": "LOGOKRAFT_BENCH_SEEDREAM_S",
    "nano_banana_s": "LOGOKRAFT_BENCH_NANO_BANANA_S",
    "jitter": "LOGOKRAFT_BENCH_JITTER",
}


@dataclass(frozen=True)
class LatencyModel:
    """Seconds each provider call takes at the fakes (text, image, image edit) and a jitter."""

    gemini_s: float = 3.0  # one prompt-writing (or refine instruction) answer from Gemini
    seedream_s: float = 6.0  # one image from Seedream
    nano_banana_s: float = 5.0  # one image edit from Nano Banana
    jitter: float = 0.0  # each wait is latency * uniform(1 - jitter, 1 + jitter)

    @classmethod
    def quick(cls) -> LatencyModel:
        return cls(gemini_s=0.3, seedream_s=0.6, nano_banana_s=0.5)

    @classmethod
    def from_environment(
        cls, base: LatencyModel, environ: Mapping[str, str] | None = None
    ) -> LatencyModel:
        """`base` with what the LOGOKRAFT_BENCH_* variables set."""
        environ = os.environ if environ is None else environ
        values = asdict(base)
        for name, variable in ENV.items():
            raw = environ.get(variable)
            if raw:
                try:
                    values[name] = float(raw)
                except ValueError:
                    message = f"{variable} must be a number of seconds, not {raw!r}"
                    raise SystemExit(message) from None
        return cls(**values)

    def with_overrides(self, **values: float | None) -> LatencyModel:
        """This model with every value given (not None) replaced."""
        given = {name: value for name, value in values.items() if value is not None}
        return LatencyModel(**(asdict(self) | given))

    @property
    def critical_path_s(self) -> float:
        """The least a project's first logo can take: its prompts, then one image."""
        return round(self.gemini_s + self.seedream_s, 6)

    @property
    def refine_critical_path_s(self) -> float:
        """The least a variation can take: Gemini rewrites the instruction, Nano Banana edits."""
        return round(self.gemini_s + self.nano_banana_s, 6)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
