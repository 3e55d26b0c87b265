"""JSON request bodies read strictly: an object naming the same key twice is refused.

RFC 8259 leaves duplicate names to the parser, and parsers differ (Python's json keeps the
last, others the first or refuse), so a body like `{"instruction": "a", "instruction": "b"}`
can mean one thing to a proxy or a log and another to us: a 400 `duplicate_key` instead.

`StrictJsonRoute` is the route class of the API's routers: FastAPI reads a route's JSON body
through `Request.json()`, which its request here parses with the check. The check is one
`object_pairs_hook` call per JSON object, within the 64 KB a JSON body may have.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

_SHOWN_KEY_LENGTH = 64


class DuplicateKey(HTTPException):
    """A JSON object in the body has `key` more than once.

    An HTTPException, so that FastAPI, reading the body, passes it on as it is rather than as
    "There was an error parsing the body"; errors.py answers it with its `code`.
    """

    code = "duplicate_key"

    def __init__(self, key: str) -> None:
        shown = key if len(key) <= _SHOWN_KEY_LENGTH else f"{key[:_SHOWN_KEY_LENGTH]}…"
        super().__init__(
            400,
            f"The JSON body has the key {json.dumps(shown)} more than once in the same "
            "object; send each key once.",
        )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return obj


def loads_strict(body: bytes | str) -> Any:
    """`json.loads`, refusing an object with a duplicate key (DuplicateKey)."""
    return json.loads(body, object_pairs_hook=_unique_keys)


class StrictJsonRequest(Request):
    """A request whose `json()` refuses duplicate keys."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_strict(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """An API route reading its JSON body with `StrictJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict
