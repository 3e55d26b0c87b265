"""A vanished database host cannot hold a service's connections for a quarter of an hour.

The kernel is what notices a peer that went silent (no FIN, no RST), so the test reads the
options libpq set on each connection's own socket, rather than only the settings asked for.
"""

from __future__ import annotations

import socket

import pytest

from logokraft_kit.db import DEAD_PEER_LIMITS, Database

TCP_USER_TIMEOUT = getattr(socket, "TCP_USER_TIMEOUT", 18)  # Linux's number


def _socket_options(conn) -> dict[str, int]:
    sock = socket.socket(fileno=conn.pgconn.socket)  # the connection's own; detached below
    try:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            pytest.skip("the test database is reached over a Unix socket")
        return {
            "keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
            "user_timeout_ms": sock.getsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT),
        }
    finally:
        sock.detach()


async def _options_of(url: str) -> tuple[dict[str, int], dict[str, str]]:
    db = Database(url, min_size=1, max_size=1)
    await db.open()
    try:
        async with db.as_service() as conn:
            return _socket_options(conn), conn.info.get_parameters()
    finally:
        await db.close()


@pytest.mark.skipif(not hasattr(socket, "TCP_KEEPIDLE"), reason="Linux's TCP options")
async def test_pooled_connections_give_up_on_a_silent_server(database_url) -> None:
    options, parameters = await _options_of(database_url)
    assert options == {
        "keepalive": 1,
        "idle": int(DEAD_PEER_LIMITS["keepalives_idle"]),
        "interval": int(DEAD_PEER_LIMITS["keepalives_interval"]),
        "count": int(DEAD_PEER_LIMITS["keepalives_count"]),
        "user_timeout_ms": int(DEAD_PEER_LIMITS["tcp_user_timeout"]),
    }
    assert parameters["connect_timeout"] == DEAD_PEER_LIMITS["connect_timeout"]
    # An unanswered statement fails within a minute, an idle connection within 60 s.
    assert options["user_timeout_ms"] <= 60_000
    assert options["idle"] + options["interval"] * options["count"] <= 60


@pytest.mark.skipif(not hasattr(socket, "TCP_KEEPIDLE"), reason="Linux's TCP options")
async def test_what_database_url_sets_wins(database_url) -> None:
    joiner = "&" if "?" in database_url else "?"
    url = f"{database_url}{joiner}tcp_user_timeout=5000&keepalives_idle=120"
    options, _ = await _options_of(url)
    assert (options["user_timeout_ms"], options["idle"]) == (5000, 120)
    assert options["interval"] == int(DEAD_PEER_LIMITS["keepalives_interval"])
