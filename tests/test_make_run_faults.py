"""`make run` keeps its services alive: a service killed mid-work is restarted, and its work ends.

The whole stack runs as `make run` runs it (`python -m logokraft_dev.devstack run`: embedded
NATS and Postgres, the three services and the gateway under the supervisor), driven over
HTTP like a user. Each service is killed with SIGKILL while it holds a job (the
`LOGOKRAFT_HOLD_JOBS_UNTIL` hook pauses the work until a file exists); the supervisor
restarts it, and every asset still ends `completed`, once.
"""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import psutil
import pytest

from logokraft_dev.devtokens import dev_user_id
from tests.support import make_run, stored_files

pytestmark = [pytest.mark.integration, pytest.mark.slow]


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


async def test_make_run_says_when_its_nats_or_postgres_dies(stack_dir: Path) -> None:
    """The embedded NATS and Postgres are not restarted. Before, when one died `make run`
    said nothing: the banner stood, the services logged their errors into their files, and
    nothing told the developer that the stack needed a restart."""
    async with make_run(stack_dir / "data") as stack:
        for server in ("nats-server", "postgres"):
            [proc] = [
                child
                for child in psutil.Process(stack.proc.pid).children()
                if Path(child.cmdline()[0]).name == server
            ]
            proc.send_signal(signal.SIGKILL)  # reaped by the stack, its parent
            name = "nats" if server == "nats-server" else server
            await stack.wait_said(f"{name} exited with code -9; it is not restarted")
