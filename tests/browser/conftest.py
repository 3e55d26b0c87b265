"""Browser fixtures: Debian's Chromium driven by Playwright's **async** API.

The async API, because the stack these tests drive is async too: `gateway` (tests/conftest.py)
yields the base URL of a real gateway in front of the real services on real NATS and Postgres,
all on pytest-asyncio's one session loop, and Playwright's async objects live on that loop.
Write browser tests as `async def` and `await` Playwright's calls (`await page.goto(...)`,
`await expect(locator).to_be_visible()` with `from playwright.async_api import expect`).

Fixtures:

- `chromium_path` (session): Debian's `chromium` (Playwright's own browser download is not
  used). When it is missing, it is installed with apt-get if we are root (`make browser-deps`
  does the same); otherwise every browser test is skipped with the reason.
- `browser` (session): one headless Chromium for the whole session.
- `console` (function): the page's console errors and uncaught exceptions. Each one fails the
  test when it ends, unless the test said it expected it: `console.allow(r"status of 422")`
  (a regular expression searched in the message; Chromium logs every 4xx/5xx response of
  the page, a validation error included, as a console error).
- `context` / `page` (function): a fresh browser context (1280x900 unless the test module or
  test sets `viewport` with `@pytest.mark.parametrize("viewport", [...], indirect=True)` or
  overrides the `viewport` fixture) and a page in it, watched by `console`.
- `screenshots` (function): a directory for screenshots: `--screenshots DIR` (a folder per
  test below it), else the test's tmp dir.
- `held_gateway` (function, from tests/conftest.py): a gateway (`HeldGateway.url`) in front
  of services whose drawings and prompt writing wait (`LOGOKRAFT_HOLD_JOBS_UNTIL`) until the
  test calls `release()`: a project stays in flight for as long as a test needs it to (to
  cancel it, reload the page mid-generation...), without guessing a time. Released at the end.

Options (when running `pytest tests/browser ...`): `--screenshots DIR`, and `--studio-png PATH`
to write the finished-project screenshot of the studio:
`make test-browser PYTEST_ARGS="--studio-png docs/studio.png"` refreshes docs/studio.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
APT_INSTALL_TIMEOUT_S = 900


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("browser", "browser tests (tests/browser)")
    group.addoption("--screenshots", default=None, help="save browser screenshots under DIR")
    group.addoption(
        "--studio-png", default=None, help="write the studio's finished-project screenshot to PATH"
    )


def _option(config: pytest.Config, name: str) -> str | None:
    try:
        return config.getoption(name)
    except ValueError:  # registered too late (tests/browser was not on the command line)
        return None


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _install_chromium() -> str:
    """Install Debian's chromium with apt-get; the reason it could not be, if it could not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "chromium is not installed and we are not root (run `make browser-deps` as root)"
    if not shutil.which("apt-get"):
        return "chromium is not installed and there is no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "install", "-y", "chromium"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium"],
    ):
        try:
            result = subprocess.run(
                command, env=env, capture_output=True, timeout=APT_INSTALL_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"chromium is not installed and `{' '.join(command)}` failed: {error}"
        if command[1] == "install" and result.returncode == 0:
            return ""
    return "chromium is not installed and `apt-get install -y chromium` failed"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium, installed with apt-get when missing and we are root; else skip."""
    path = find_chromium()
    if path is None:
        reason = _install_chromium()
        path = find_chromium()
        if path is None:
            pytest.skip(reason or "chromium could not be installed")
    return path


@pytest.fixture(scope="session")
async def browser(chromium_path: str) -> AsyncIterator[object]:
    """One headless Chromium for the session (playwright.async_api.Browser)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--disable-dev-shm-usage", "--disable-gpu"],
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class ConsoleWatch:
    """Console errors and page errors of a test's pages, and the ones the test expects."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect console errors matching `pattern` (re.search) from now on."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._record(f"page error: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self._record(f"console error: {message.text} ({location.get('url', '')})")

    def _record(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self.allowed):
            self.errors.append(text)

    def check(self) -> None:
        assert not self.errors, "the page logged errors:\n" + "\n".join(self.errors)


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    """The context's viewport: DESKTOP unless parametrized indirectly (PHONE, ...)."""
    return dict(getattr(request, "param", DESKTOP))


@pytest.fixture
async def context(browser, viewport) -> AsyncIterator[object]:
    """A fresh browser context (no cookies or storage from other tests)."""
    created = await browser.new_context(viewport=viewport, locale="en-GB")
    created.set_default_timeout(30_000)
    try:
        yield created
    finally:
        await created.close()


@pytest.fixture
async def page(context, console: ConsoleWatch) -> AsyncIterator[object]:
    """A page that fails the test on any console error or uncaught exception it did not allow."""
    opened = await context.new_page()
    console.watch(opened)
    yield opened
    console.check()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Where this test saves screenshots: `--screenshots DIR`/<test>, else its tmp dir."""
    base = _option(request.config, "--screenshots")
    if base:
        folder = Path(base) / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = tmp_path / "screenshots"
        folder.mkdir()
    yield folder


@pytest.fixture
def studio_png(request: pytest.FixtureRequest) -> Path | None:
    """`--studio-png PATH`: where to write the finished-project screenshot, if anywhere."""
    path = _option(request.config, "--studio-png")
    return Path(path) if path else None
