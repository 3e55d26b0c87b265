"""The system benchmark's burst: each simulated user has an HTTP client of its own.

One client shared by the whole burst kept a connection per open stream in one httpcore pool,
whose bookkeeping grows with its connections on every request: with a hundred streams open,
new streams waited up to 3 s before their request was even sent, and the burst counted that
as the stack's time to a first logo. These check the burst's clients without a stack.
"""

from __future__ import annotations

import httpx

from logokraft_dev.bench import load


async def test_each_user_of_a_burst_has_a_client_of_its_own(monkeypatch):
    made: list[httpx.AsyncClient] = []
    used: list[tuple[str, httpx.AsyncClient]] = []
    real_client = load.http_client

    def counted_client() -> httpx.AsyncClient:
        client = real_client()
        made.append(client)
        return client

    async def one_project(client, base_url, token, user, *, candidates, name):
        assert not client.is_closed
        used.append((user, client))
        return load.ProjectRun(user=user)

    monkeypatch.setattr(load, "http_client", counted_client)
    monkeypatch.setattr(load, "one_project", one_project)
    tokens = [("ann", "t-ann"), ("bob", "t-bob"), ("cy", "t-cy")]

    result = await load.burst("http://127.0.0.1:1", tokens, projects=7, candidates=2)

    assert len(result.runs) == 7
    assert len(made) == 3
    by_user: dict[str, set[int]] = {}
    for user, client in used:
        by_user.setdefault(user, set()).add(id(client))
    # one client per user, the same for each of that user's projects, none shared
    assert all(len(clients) == 1 for clients in by_user.values()), by_user
    assert len(set().union(*by_user.values())) == 3
    assert all(client.is_closed for client in made)  # closed when the burst ends


def test_the_clients_share_one_tls_context():
    """Each client of its own loaded the CA bundle (about 25 ms): a burst's 34 clients
    blocked the event loop for most of a second as they were made."""
    first, second = load.http_client(), load.http_client()
    contexts = {
        id(client._transport._pool._ssl_context)  # type: ignore[attr-defined]
        for client in (first, second)
    }
    assert len(contexts) == 1
