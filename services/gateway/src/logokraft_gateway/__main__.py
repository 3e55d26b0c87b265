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
    )


if __name__ == "__main__":
    main()
