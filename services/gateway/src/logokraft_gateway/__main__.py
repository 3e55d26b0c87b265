"""Run the gateway: `python -m logokraft_gateway` (host and port from the settings)."""

from __future__ import annotations

import logging

import uvicorn

from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings


def main() -> None:
    """Serve the gateway with uvicorn."""
    settings = GatewaySettings()
    logging.basicConfig(level=settings.log_level.upper())
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        # Open SSE streams would otherwise hold a stopping gateway until it is killed.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_s)),
    )


if __name__ == "__main__":
    main()
