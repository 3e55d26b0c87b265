"""HEAD answered as GET without its body (RFC 9110 §9.3.2), on every GET route.

FastAPI routes answer only the methods they declare, so `curl -I` on a download link was a
405. `HeadAsGet` (a pure ASGI middleware, outside the others) hands the app a GET and sends
the client what the GET answers, status and headers (Content-Length, Content-Type,
Content-Disposition included), without the body. The server's own scope keeps HEAD, so
uvicorn knows to send no body either. A route whose GET never ends (the project stream) asks
`is_head` and answers its headers without starting the stream.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_REQUEST = "logokraft.head"  # set in the scope the app sees when the client sent HEAD


def is_head(request: Request) -> bool:
    """Whether the client sent HEAD (the app sees it as a GET)."""
    return bool(request.scope.get(HEAD_REQUEST))


def scope_method(scope: Scope) -> str:
    """The method the client sent: HEAD for a HEAD the app is answering as a GET."""
    return "HEAD" if scope.get(HEAD_REQUEST) else str(scope["method"])


class HeadAsGet:
    """Answer HEAD with the GET's status and headers, and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def send_headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                await send(message)
            elif not ended:  # the body's first part (or a file to send): end it empty
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET", HEAD_REQUEST: True}, receive, send_headers_only)
