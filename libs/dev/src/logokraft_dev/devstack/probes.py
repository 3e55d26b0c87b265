"""Readiness probes: async callables answering "is this process ready to serve?" once.

The supervisor calls a probe repeatedly with a short backoff until it answers
True; a probe never raises for "not yet".
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

Probe = Callable[[], Awaitable[bool]]


def grpc_health_probe(target: str, *, service: str = "", timeout: float = 1.0) -> Probe:
    """Ready when the standard `grpc.health.v1.Health/Check` at `target` answers SERVING."""

    async def probe() -> bool:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                answer = await stub.Check(
                    health_pb2.HealthCheckRequest(service=service), timeout=timeout
                )
            except grpc.aio.AioRpcError:
                return False
            return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)

    return probe


def http_probe(url: str, *, timeout: float = 1.0) -> Probe:
    """Ready when `GET url` answers 200."""

    async def probe() -> bool:
        async with httpx.AsyncClient(timeout=timeout) as client:
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                return False
            return response.status_code == 200

    return probe


def tcp_probe(host: str, port: int, *, timeout: float = 1.0) -> Probe:
    """Ready when a TCP connection to host:port succeeds."""

    async def probe() -> bool:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except (OSError, TimeoutError):
            return False
        writer.close()
        await writer.wait_closed()
        return True

    return probe
