"""`make run` keeps its services alive: a service killed mid-work is restarted, and its work ends.

The whole stack runs as `make run` runs it (`python -m logokraft_dev.devstack run`: embedded
NATS and Postgres, the three services and the gateway under the supervisor), driven over
HTTP like a user. Each service is killed with SIGKILL while it holds a job (the
`LOGOKRAFT_HOLD_JOBS_UNTIL` hook pauses the work until a file exists); the supervisor
restarts it, and every asset still ends `completed`, once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from logokraft_dev.devstack import free_port
from logokraft_dev.devstack._process import stop_process
from logokraft_dev.devtokens import dev_token, dev_user_id
from tests.support import stored_files, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEADLINE = 60.0  # seconds any one expected change may take (a restart included)


@dataclass
class Stack:
    """A running `make run` stack: its process, its output so far, and an HTTP client."""

    proc: subprocess.Popen[str]
    data_dir: Path
    http: httpx.AsyncClient
    output: list[str] = field(default_factory=list)

    def said(self, text: str) -> bool:
        return any(text in line for line in list(self.output))

    async def wait_said(self, text: str) -> None:
        async def said() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError("the stack exited:\n" + "".join(self.output[-40:]))
            return self.said(text)

        await wait_for(said, within=DEADLINE, what=f"the stack to say {text!r}")

    def kill(self, service: str) -> int:
        """SIGKILL the service's process (`python -m logokraft_<service>`); its pid."""
        module = f"logokraft_{service}"
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmdline = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if cmdline[1:3] == ["-m", module]:
                child.send_signal(signal.SIGKILL)
                child.wait(10)
                return child.pid
        raise AssertionError(f"no {module} process under the stack")

    async def project(self, project_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/api/v1/projects/{project_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_assets(self, project_id: str, statuses: list[str]) -> list[dict[str, Any]]:
        """Wait until the project's assets have exactly these statuses (by position, then age)."""

        async def reached() -> list[dict[str, Any]] | None:
            assets = (await self.project(project_id))["assets"]
            return assets if [a["status"] for a in assets] == statuses else None

        return await wait_for(reached, within=DEADLINE, what=f"assets to be {statuses}")


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """Outside pytest's tmp dirs: the embedded Postgres may run as another OS user."""
    path = Path(tempfile.mkdtemp(prefix="lk-make-run-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start_stack(data_dir: Path, port: int, settings: dict[str, str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env |= {"LOGOKRAFT_DATA_DIR": str(data_dir), "LOGOKRAFT_HTTP_PORT": str(port), **settings}
    return subprocess.Popen(
        [sys.executable, "-m", "logokraft_dev.devstack", "run"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@asynccontextmanager
async def make_run(data_dir: Path, **settings: str) -> AsyncIterator[Stack]:
    """`make run` in a subprocess on a free port; stopped with SIGTERM, as Ctrl-C would."""
    port = free_port()
    proc = _start_stack(data_dir, port, settings)
    output: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=output.extend, args=(proc.stdout,), daemon=True)
    reader.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            stack = Stack(proc, data_dir, http, output)
            await stack.wait_said("LogoKraft is running at")
            http.headers["Authorization"] = f"Bearer {dev_token(data_dir, 'dev')}"
            yield stack
    finally:
        code = await asyncio.to_thread(stop_process, proc, timeout=60)  # type: ignore[arg-type]
        reader.join(10)
    assert code == 0, "the stack did not stop cleanly:\n" + "".join(output[-40:])


async def test_services_killed_during_make_run_are_restarted_and_every_asset_completes(
    stack_dir: Path,
) -> None:
    gate = stack_dir / "release"
    async with make_run(
        stack_dir / "data",
        LOGOKRAFT_HOLD_JOBS_UNTIL=str(gate),
        LOGOKRAFT_PROMPT_PROVIDER="local",
        LOGOKRAFT_IMAGE_PROVIDER="local",
        LOGOKRAFT_REFINE_PROVIDER="local",
        LOGOKRAFT_PROMPT_ACK_WAIT_S="1",
        LOGOKRAFT_IMAGE_ACK_WAIT_S="1",
        LOGOKRAFT_REFINE_ACK_WAIT_S="1",
    ) as stack:
        brief = {"brand_name": (None, "Harbour Lights"), "num_candidates": (None, "3")}
        created = await stack.http.post("/api/v1/projects", files=brief)  # multipart
        assert created.status_code == 202, created.text
        project_id = created.json()["project_id"]

        # The first prompt is written and its drawing has begun; both services are held.
        await stack.wait_assets(project_id, ["generating"])
        killed = {name: stack.kill(name) for name in ("imagegen", "prompt")}
        for name in killed:
            await stack.wait_said(f"{name} is ready again (restart #1)")
        gate.touch()
        assets = await stack.wait_assets(project_id, ["completed"] * 3)
        project = await stack.project(project_id)
        assert project["status"] == "completed"
        assert [a["position"] for a in assets] == [0, 1, 2], "one candidate per position"

        # A variation: refine is killed mid-drawing, restarted, and the variation completes.
        gate.unlink()
        refined = await stack.http.post(
            f"/api/v1/assets/{assets[0]['id']}/refine",
            json={"instruction": "make it navy", "num_variations": 1},
        )
        assert refined.status_code == 202, refined.text
        [variation] = refined.json()["variations"]
        await stack.wait_assets(project_id, ["completed"] * 3 + ["generating"])
        stack.kill("refine")
        await stack.wait_said("refine is ready again (restart #1)")
        gate.touch()
        assets = await stack.wait_assets(project_id, ["completed"] * 4)

        images = [await stack.http.get(a["image_url"]) for a in assets]
        stored = stored_files(stack.data_dir, dev_user_id("dev"), project_id)
    assert assets[3]["id"] == variation["id"]
    assert assets[3]["parent_asset_id"] == assets[0]["id"]
    assert [image.status_code for image in images] == [200] * 4
    assert all(image.content.startswith(b"\x89PNG") for image in images)
    assert len({image.content for image in images}) == 4
    assert stored == sorted(f"{a['id']}.{ext}" for a in assets for ext in ("png", "svg")), (
        "exactly one image (and its SVG master) per asset"
    )


async def test_a_full_run_writes_no_credential_to_any_log(stack_dir: Path) -> None:
    """Every log of `make run` (the stack's output and each child's log file) after a project,
    its stream (a stream token in the URL), a refinement and image downloads (signed URLs):
    no token, no signature, while the access log did record those requests, redacted."""
    data_dir = stack_dir / "data"
    async with make_run(data_dir, LOGOKRAFT_LOG_LEVEL="DEBUG") as stack:
        user_token = stack.http.headers["Authorization"].removeprefix("Bearer ")
        brief = {"brand_name": (None, "Quiet Harbour"), "num_candidates": (None, "2")}
        created = (await stack.http.post("/api/v1/projects", files=brief)).json()
        stream_url = created["stream_url"]
        async with httpx.AsyncClient(timeout=60) as anonymous:  # the token rides in the URL
            async with anonymous.stream("GET", stream_url) as response:
                assert response.status_code == 200
                body = "".join([chunk async for chunk in response.aiter_text()])
            assert "event: done" in body
            assets = await stack.wait_assets(created["project_id"], ["completed"] * 2)
            images = [await anonymous.get(a["image_url"]) for a in assets]
        assert [image.status_code for image in images] == [200, 200]
    secrets = {
        "the user's access token": user_token,
        "the stream token": stream_url.split("access_token=", 1)[1],
        **{
            f"signature {n}": a["image_url"].split("signature=", 1)[1] for n, a in enumerate(assets)
        },
    }
    logs = {"make run's output": "".join(stack.output)}
    logs |= {path.name: path.read_text() for path in (data_dir / "logs").glob("*.log")}
    for log_name, text in logs.items():
        for secret_name, secret in secrets.items():
            assert secret not in text, f"{secret_name} is in {log_name}"
    access = logs["gateway.log"]
    assert "/stream?access_token=[redacted]" in access, "the stream request was logged"
    assert "signature=[redacted]" in access, "the image downloads were logged"
