"""Run the gateway: `python -m logokraft_gateway` (host and port from the settings)."""

from __future__ import annotations

import logging

import uvicorn

from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.logs import guard_handlers


def server_config(settings: GatewaySettings) -> uvicorn.Config:
    """uvicorn as the gateway runs it, its log handlers (access log included) redacting secrets.

    Stream URLs carry a token and file URLs a signature in their query strings, which the
    access log would otherwise print.
    """
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        # Open SSE streams would otherwise hold a stopping gateway until it is killed.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_s)),
    )
    guard_handlers(*(logging.getLogger(name) for name in ("uvicorn", "uvicorn.access")))
    return config


def main() -> None:
    """Serve the gateway with uvicorn."""
    settings = GatewaySettings()
    logging.basicConfig(level=settings.log_level.upper())
    guard_handlers()
    uvicorn.Server(server_config(settings)).run()


if __name__ == "__main__":
    main()
