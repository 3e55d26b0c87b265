"""Logging set-up for service processes: one line per record, level from settings."""

from __future__ import annotations

import logging


def configure_logging(service: str, level: str = "INFO") -> None:
    """Log to stderr as `time level service logger: message`."""
    logging.basicConfig(
        level=level.upper(),
        format=f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
