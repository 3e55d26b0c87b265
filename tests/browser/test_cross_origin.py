"""A page of another origin uses the API from a real browser (Debian's chromium, Playwright).

The page is served by a tiny HTTP server on a kernel-chosen port; the gateway under test (in
front of the in-process services, real NATS and Postgres, local providers) allows that
origin in LOGOKRAFT_CORS_ORIGINS. From the page, with fetch and EventSource only, as a web
front end would: create a project (multipart, Authorization and Idempotency-Key headers:
a preflight), replay it (the exposed Idempotent-Replayed header is readable), follow it with
an EventSource on its `stream_url` (which carries its own stream token: an EventSource
cannot send headers), fetch a finished logo's signed image, refine it, follow the variations,
and read a 401's WWW-Authenticate. A page of an origin not allowed is refused by the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from logokraft_dev.devtokens import dev_token
from tests.support import serve_gateway

pytestmark = pytest.mark.e2e

JOURNEY_TIMEOUT_S = 120

PAGE = Path(__file__).with_name("cross_origin.html")  # fetch and EventSource, nothing else


@contextlib.contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a kernel-chosen loopback port; yields the site's origin."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="cross-origin-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(PAGE, folder / "index.html")
    with static_site(folder) as origin:
        yield origin


async def test_a_page_of_an_allowed_origin_uses_the_api(services, page, console, site):
    token = dev_token(services.data_dir, "dev")
    # Chromium logs every 4xx answer as a console error: the page's deliberate 401 is expected.
    console.allow(r"status of 401 \(Unauthorized\)")
    async with serve_gateway(services, LOGOKRAFT_CORS_ORIGINS=site) as api:
        assert site != api  # another port: another origin
        await page.goto(f"{site}/index.html")
        try:
            result = await asyncio.wait_for(
                page.evaluate("([api, token]) => journey(api, token)", [api, token]),
                timeout=JOURNEY_TIMEOUT_S,
            )
        except Exception as error:
            raise AssertionError(f"{error}\nthe page's console: {console.errors}") from None

    assert result["origin"] == site
    assert result["create_status"] == 202
    assert (result["replay_status"], result["replayed_header"]) == (202, "true")
    assert result["replay_project_id"] == result["project_id"]
    assert result["events"][0] == "snapshot" and result["events"][-1] == "done"
    assert result["done"]["status"] == "completed"
    assert result["candidates"] == result["done"]["completed_assets"] == 2
    assert result["image_status"] == 200 and result["image_type"] == "image/png"
    assert result["image_bytes"] > 0
    assert result["refine_status"] == 202
    assert len(result["variations"]) == 1
    assert result["refine_done"]["status"] == "completed"
    assert (result["project_status"], result["project_assets"]) == (200, 3)
    assert result["anonymous_status"] == 401
    assert result["www_authenticate"].startswith("Bearer")
    assert result["anonymous_code"] == "unauthenticated"


async def test_a_page_of_another_origin_is_refused_by_the_browser(services, page, console, site):
    console.allow(r"CORS policy|net::ERR_FAILED")  # what this test is about
    async with serve_gateway(services, LOGOKRAFT_CORS_ORIGINS="https://studio.example.com") as api:
        await page.goto(f"{site}/index.html")
        token = dev_token(services.data_dir, "dev")
        outcome = await page.evaluate("([api, token]) => refused(api, token)", [api, token])
    assert outcome == "TypeError"  # fetch's network error: the preflight was refused
