"""Cross-service fixtures: services started in-process against real NATS and Postgres, the real
gateway in front of them over HTTP, the fault stack, and a data dir for `make run` stacks.
The helpers behind them are in `tests/support.py`, which is also where test modules import
helpers from."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import (
    HOLD_JOBS_UNTIL,
    FaultStack,
    Services,
    running_services,
    serve_gateway,
    service_env,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def services(nats_server, database_url, namespace, data_dir) -> AsyncIterator[Services]:
    """Prompt, imagegen and refine in-process with their local providers."""
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    async with running_services(env) as running:
        yield running


@pytest.fixture
def limit_env(request: pytest.FixtureRequest) -> dict[str, int]:
    """LOGOKRAFT_LIMIT_* settings a test asks for with `tests.support.limits(...)`."""
    return getattr(request, "param", {})


@pytest.fixture
async def gateway(services) -> AsyncIterator[str]:
    """The gateway's base URL, on a kernel-chosen port, wired to the in-process services."""
    async with serve_gateway(services) as url:
        yield url


@dataclass
class HeldGateway:
    """A gateway whose services hold every drawing and prompt writing until `release()`
    (`LOGOKRAFT_HOLD_JOBS_UNTIL`): a project stays in flight for as long as a test needs."""

    url: str
    services: Services
    gate: Path

    def release(self) -> None:
        self.gate.touch()


@pytest.fixture
async def held_gateway(
    request: pytest.FixtureRequest,
    nats_server,
    database_url,
    namespace,
    data_dir: Path,
    tmp_path: Path,
) -> AsyncIterator[HeldGateway]:
    """Parametrized indirectly with a dict, it overrides the gateway's settings by alias
    (`{"LOGOKRAFT_MAX_STREAMS_PER_USER": 1}`)."""
    settings = dict(getattr(request, "param", {}))
    gate = tmp_path / "release-held-jobs"
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    env[HOLD_JOBS_UNTIL] = str(gate)
    async with running_services(env) as services, serve_gateway(services, **settings) as url:
        try:
            yield HeldGateway(url=url, services=services, gate=gate)
        finally:
            gate.touch()  # held work finishes, so the services stop at once


@pytest.fixture
async def fault_stack(nats_server, database_url, namespace, tmp_path) -> AsyncIterator[FaultStack]:
    """A fault test's settings, services and servers (see `FaultStack`), stopped at its end."""
    async with FaultStack(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, tmp_path=tmp_path
    ) as stack:
        yield stack


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """Outside pytest's tmp dirs: the embedded Postgres may run as another OS user."""
    path = Path(tempfile.mkdtemp(prefix="lk-make-run-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
