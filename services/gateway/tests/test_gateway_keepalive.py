"""A service connection that dies without a word ends the project streams on it.

Between the gateway and the fake services sits a TCP proxy that can go silent
(logokraft_dev.silent_proxy). Only the gateway's HTTP/2 pings can tell; without them a quiet
watch waits for good while its browser is sent keepalive comments and never reconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError

from logokraft.v1 import common_pb2
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_user_id
from logokraft_dev.silent_proxy import SilentableProxy
from logokraft_dev.sse import SseReader
from logokraft_gateway.app import create_app
from logokraft_gateway.clients import channel_options
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.grpc_server import MIN_CLIENT_PING_INTERVAL_MS, keepalive_pings

DEV = dev_user_id("dev")


@pytest.fixture
async def proxy(fake_server) -> AsyncIterator[SilentableProxy]:
    async with SilentableProxy(fake_server.address) as running:
        yield running


async def test_a_stream_on_a_connection_gone_silent_ends_so_its_client_reconnects(
    settings: GatewaySettings, proxy: SilentableProxy, auth, fake
):
    project = fake.add_project(DEV)
    fake.events[project.id] = [common_pb2.ProjectEvent(sequence=1, snapshot=project)]
    fake.hold_open = True  # the watch stays open and quiet, as between a project's events
    quick = settings.model_copy(
        update={"prompt_grpc": proxy.address, "grpc_keepalive_s": 5.0}  # the shortest allowed
    )
    async with serve_asgi(create_app(quick), lifespan="on") as base_url:
        url = f"{base_url}/api/v1/projects/{project.id}/stream"
        reader = SseReader()
        async with (
            httpx.AsyncClient(timeout=None) as http,
            http.stream("GET", url, headers=auth) as response,
        ):
            assert response.status_code == 200
            events = reader.events(response)
            assert (await anext(events)).event == "snapshot"
            proxy.go_silent()
            # A ping every 5 s, unanswered for 2.5 s: the stream ends within about 7.5 s.
            # Without pings it never ends (the bound only keeps a failure from hanging).
            async with asyncio.timeout(60):
                rest = [event async for event in events]
        assert rest == []  # ended, with nothing made up; the client resumes from its last id
        assert reader.comments > 0  # keepalive comments went on until it ended


def test_the_channels_ping_quiet_streams_no_faster_than_the_services_take():
    options = dict(channel_options("127.0.0.1:50051", keepalive_s=20))
    assert options["grpc.keepalive_time_ms"] == 20_000
    assert options["grpc.keepalive_timeout_ms"] == options["grpc.http2.ping_timeout_ms"] == 10_000
    assert options["grpc.http2.max_pings_without_data"] == 0  # pings go on while quiet
    # Faster pings would have the services answer GOAWAY "too_many_pings", ending every
    # stream on the connection: the setting refuses them.
    shortest = dict(keepalive_pings(GatewaySettings(LOGOKRAFT_GRPC_KEEPALIVE_S=5).grpc_keepalive_s))
    assert shortest["grpc.keepalive_time_ms"] > MIN_CLIENT_PING_INTERVAL_MS
    with pytest.raises(ValidationError, match="LOGOKRAFT_GRPC_KEEPALIVE_S"):
        GatewaySettings(LOGOKRAFT_GRPC_KEEPALIVE_S=4.9)
