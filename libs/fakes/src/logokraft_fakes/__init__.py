"""Local fakes of LogoKraft's paid providers, each speaking the provider's exact wire format.

`serve_asgi` runs any of them on 127.0.0.1 with a free port:

    fake = FakeGemini(api_key="k")
    async with serve_asgi(fake.app) as base_url:
        ...
"""

from logokraft_dev.asgi import serve_asgi, serve_asgi_in_thread

__all__ = ["serve_asgi", "serve_asgi_in_thread"]
