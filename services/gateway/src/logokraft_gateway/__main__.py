"""Run the gateway: `python -m logokraft_gateway` (host and port from the settings)."""

from __future__ import annotations

import logging

import uvicorn

from logokraft_gateway.app import NAME, create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.logs import configure_logging, guard_handlers
from logokraft_kit.metrics import serve_metrics, set_build_info
from logokraft_kit.settings import load_settings
from logokraft_kit.telemetry import configure_tracing, shutdown_tracing


def server_config(settings: GatewaySettings) -> uvicorn.Config:
    """uvicorn as the gateway runs it, its log handlers (access log included) redacting secrets.

    Stream URLs carry a token and file URLs a signature in their query strings, which the
    access log would otherwise print. uvicorn installs no handlers of its own (`log_config`
    is None): its lines go through the process's handlers, as JSON or text like every other.
    """
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        log_config=None,
        proxy_headers=True,
        # Open SSE streams would otherwise hold a stopping gateway until it is killed.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_s)),
    )
    guard_handlers(*(logging.getLogger(name) for name in ("uvicorn", "uvicorn.access")))
    return config


def main() -> None:
    """Serve the gateway with uvicorn, its metrics on LOGOKRAFT_METRICS_ADDRESS."""
    settings = load_settings(NAME, GatewaySettings)
    configure_logging(NAME, settings.log_level, settings.log_format)
    configure_tracing(NAME, settings.otel_environment)
    metrics = None
    if settings.metrics_address is not None:
        set_build_info(NAME)
        metrics = serve_metrics(settings.metrics_address)
    try:
        uvicorn.Server(server_config(settings)).run()
    finally:
        if metrics is not None:
            metrics.stop()
        shutdown_tracing()


if __name__ == "__main__":
    main()
