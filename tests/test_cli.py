"""The `logokraft` command line against the real stack: the gateway over HTTP in front of the
real services on real NATS and Postgres, the CLI run as a child process (asynchronously, so the
in-process gateway keeps serving while it runs)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
import pytest
from PIL import Image

from logokraft_dev.devstack import free_port
from logokraft_dev.devtokens import dev_token, dev_user_id
from logokraft_prompt.core import ProjectsCore
from tests.support import create_project, png, rows, serve_gateway, wait_for

pytestmark = pytest.mark.e2e

CLI_TIMEOUT = 90.0


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


async def _true(items: list) -> bool:
    return bool(items)


async def logokraft(
    *args: str,
    api: str | None = None,
    token: str | None = None,
    config_home: Path,
    cwd: Path,
    extra_env: dict[str, str] | None = None,
) -> Run:
    """Run `python -m logokraft_cli ARGS` with only the given API URL, token and config dir."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LOGOKRAFT_") and key not in ("FORCE_COLOR", "NO_COLOR")
    }
    env.update(XDG_CONFIG_HOME=str(config_home), COLUMNS="120", NO_COLOR="1", TERM="dumb")
    if api is not None:
        env["LOGOKRAFT_API_URL"] = api
    if token is not None:
        env["LOGOKRAFT_TOKEN"] = token
    env.update(extra_env or {})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "logokraft_cli",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(), CLI_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return Run(proc.returncode, stdout.decode(), stderr.decode())


async def one_logo_saved(brand: str, api: str, token: str, cli_env: dict) -> dict:
    """`logokraft new <brand> -n 1 --out logos --json`, checked to succeed; its answer."""
    created = await logokraft(
        "new", brand, "-n", "1", "--out", "logos", "--json", api=api, token=token, **cli_env
    )
    assert created.code == 0, created.stderr
    return created.json()


def assert_png(path: Path) -> None:
    with Image.open(io.BytesIO(path.read_bytes())) as picture:
        assert picture.format == "PNG"
        assert picture.size[0] > 0


@pytest.fixture
def cli_env(tmp_path: Path) -> dict:
    work = tmp_path / "work"
    work.mkdir()
    mood = work / "mood.png"
    mood.write_bytes(png())
    return {"config_home": tmp_path / "config", "cwd": work}


async def test_new_follows_the_candidates_live_and_saves_each_logo(
    held_gateway, cli_env, monkeypatch
):
    """The drawings wait until the CLI's stream has read the project (its opening snapshot,
    logos queued): the bars are seen moving whatever the machine's speed (the local engine
    could finish both logos before a slow CLI connected)."""
    gateway, services = held_gateway.url, held_gateway.services
    opened: list[uuid.UUID] = []
    opening = ProjectsCore._opening

    async def watched(self, user_id, project_id, after):
        started = await opening(self, user_id, project_id, after)
        opened.append(project_id)
        return started

    monkeypatch.setattr(ProjectsCore, "_opening", watched)

    async def release_once_followed() -> None:
        await wait_for(lambda: _true(opened), within=60, what="the CLI's stream to open")
        held_gateway.release()

    releasing = asyncio.create_task(release_once_followed())
    token = dev_token(services.data_dir, "dev")
    record = cli_env["cwd"] / "progress.txt"
    run = await logokraft(
        "new",
        "Acme Roasters",
        "--industry",
        "coffee roastery",
        "--slogan",
        "Fresh every morning",
        "--style",
        "minimal, bold",
        "--colors",
        "navy and gold",
        "-n",
        "2",
        "--image",
        "mood.png",
        "--record",
        str(record),
        api=gateway,
        token=token,
        **cli_env,
    )
    await releasing
    assert run.code == 0, run.stderr + run.stdout
    # The default folder: ./<brand slug>-<project id short>/ with candidate-N.png.
    folders = [path for path in cli_env["cwd"].iterdir() if path.is_dir()]
    assert len(folders) == 1 and folders[0].name.startswith("acme-roasters-"), folders
    saved = sorted(p.name for p in folders[0].iterdir())
    assert [name for name in saved if name.endswith(".png")] == [
        "candidate-1.png",
        "candidate-2.png",
    ]
    for name in saved:
        if name.endswith(".png"):
            assert_png(folders[0] / name)
        else:  # the vector logo, when the API offers one (svg_url)
            assert name in ("candidate-1.svg", "candidate-2.svg"), saved
            assert "<svg" in (folders[0] / name).read_text()[:500]
    # What a person sees: the project, each candidate saved, the bars' final state, the end.
    out = run.stdout
    assert "Acme Roasters" in out and "2 candidates" in out
    assert "candidate 1 saved: candidate-1.png" in out
    assert "candidate 2 saved: candidate-2.png" in out
    assert "The project is completed: 2 of 2 candidates done, 0 failed." in out
    assert run.stderr == ""
    # The recorded frames show the bars moving through their states.
    frames = record.read_text()
    assert "While it runs" in frames and "  t = " in frames
    assert "queued" in frames or "generating" in frames
    assert "done" in frames and "candidate-2.png" in frames


async def test_refine_says_what_the_editor_did_not_understand(gateway, services, cli_env):
    """The local editor's `metadata.editor.not_understood`, said under the saved variation."""
    token = dev_token(services.data_dir, "dev")
    first = (await one_logo_saved("Initech", gateway, token, cli_env))["assets"][0]["id"]
    refined = await logokraft(
        "refine", first, "make it navy and add a gradient", "-n", "1", "--out", "logos",
        api=gateway, token=token, **cli_env,
    )  # fmt: skip
    assert refined.code == 0, refined.stderr
    assert "not understood or not possible here: “gradient”" in refined.stdout, refined.stdout


async def test_refining_a_logo_again_keeps_the_first_refinements_files(gateway, services, cli_env):
    """`logokraft refine A "make it navy"` then `logokraft refine A "make it gold"` saved both
    as variation-<A>-1.png: the gold one replaced the navy one on disk. A second refinement
    of the same logo numbers its files after those already in the folder."""
    token = dev_token(services.data_dir, "dev")
    first = (await one_logo_saved("Hooli", gateway, token, cli_env))["assets"][0]["id"]
    folder = cli_env["cwd"] / "logos"
    saved: dict[str, bytes] = {}
    for instruction, names in (("make it navy", [1]), ("make it gold", [2, 3])):
        refined = await logokraft(
            "refine", first, instruction, "-n", str(len(names)), "--out", "logos", "--json",
            api=gateway, token=token, **cli_env,
        )  # fmt: skip
        assert refined.code == 0, refined.stderr
        pngs = sorted(Path(name).name for name in refined.json()["files"] if ".png" in name)
        assert pngs == [f"variation-{first[:8]}-{n}.png" for n in names], refined.stdout
        for name in pngs:
            saved[name] = (folder / name).read_bytes()
    for name, content in saved.items():  # the navy file is still the navy logo
        assert (folder / name).read_bytes() == content, name


async def test_json_new_refine_list_show_usage_cancel_delete(gateway, services, cli_env):
    token = dev_token(services.data_dir, "dev")

    async def cli(*args: str) -> Run:
        return await logokraft(*args, api=gateway, token=token, **cli_env)

    created = await cli(
        "new", "Globex", "-n", "2", "--image", "mood.png", "--out", "logos", "--json"
    )
    assert created.code == 0, created.stderr
    result = created.json()  # stdout is one JSON document, no progress bars
    assert result["status"] == "completed"
    assert result["completed_assets"] == 2
    pngs = [name for name in result["files"] if name.endswith(".png")]
    assert sorted(Path(name).name for name in pngs) == ["candidate-1.png", "candidate-2.png"]
    for name in pngs:
        assert_png(cli_env["cwd"] / name)
    for asset in result["assets"]:
        assert asset["status"] == "completed"
        assert len(asset["files"]) == (2 if asset["svg_url"] else 1)
    project_id = result["project_id"]
    first = result["assets"][0]["id"]

    refined = await cli("refine", first, "make it navy", "-n", "2", "--out", "logos", "--json")
    assert refined.code == 0, refined.stderr
    variations = refined.json()
    assert variations["status"] == "completed" and variations["completed"] == 2
    assert len(variations["assets"]) == 2
    assert all(a["parent_asset_id"] == first for a in variations["assets"])
    pngs = [name for name in variations["files"] if name.endswith(".png")]
    assert sorted(Path(name).name for name in pngs) == [
        f"variation-{first[:8]}-1.png",
        f"variation-{first[:8]}-2.png",
    ]
    for name in pngs:
        assert_png(cli_env["cwd"] / name)

    listed = await cli("list", "--json")
    assert listed.code == 0, listed.stderr
    assert project_id in [p["id"] for p in listed.json()["projects"]]
    table = await cli("list")
    assert table.code == 0 and project_id in table.stdout and "Globex" in table.stdout
    [row] = [line for line in table.stdout.splitlines() if project_id in line]
    assert "2 logos, 2 variations" in row, table.stdout  # the list's counts

    shown = await cli("show", project_id, "--json")
    assert shown.code == 0 and len(shown.json()["assets"]) == 4
    human = await cli("show", project_id)
    assert human.code == 0, human.stderr
    assert "Globex" in human.stdout and "4 logos" in human.stdout and first in human.stdout

    kit = await cli("kit", first, "--out", "kit.zip", "--json")
    assert kit.code == 0, kit.stderr
    assert kit.json()["file"] == "kit.zip"
    assert zipfile.is_zipfile(cli_env["cwd"] / "kit.zip")
    named = await cli("kit", first)  # the name the API gives it (Content-Disposition)
    assert named.code == 0 and "Saved the brand kit to globex" in named.stdout, named.stdout

    used = await cli("usage", "--json")
    assert used.code == 0 and used.json()["images_used"] >= 4
    assert "images" in (await cli("usage")).stdout

    # A finished project cannot be cancelled: the API's 409 message, exit 1.
    cancelled = await cli("cancel", project_id)
    assert cancelled.code == 1
    assert "Error:" in cancelled.stderr and "Traceback" not in cancelled.stderr

    started = await cli("new", "Initech", "-n", "1", "--no-wait", "--json")
    assert started.code == 0, started.stderr
    stopped = await cli("cancel", started.json()["project_id"], "--json")
    assert stopped.code in (0, 1), stopped.stderr  # it may have finished already

    deleted = await cli("delete", project_id, "--json")
    assert deleted.code == 0 and deleted.json() == {"deleted": project_id}
    gone = await cli("show", project_id)
    assert gone.code == 1 and "Error:" in gone.stderr


async def test_bad_input_shows_the_apis_message(gateway, services, cli_env):
    token = dev_token(services.data_dir, "dev")

    too_many = await logokraft("new", "Acme", "-n", "99", api=gateway, token=token, **cli_env)
    assert too_many.code == 1
    assert "num_candidates" in too_many.stderr and "8" in too_many.stderr
    assert "Traceback" not in too_many.stderr

    empty = await logokraft("new", "", api=gateway, token=token, **cli_env)
    assert empty.code == 1
    assert "brand_name" in empty.stderr

    as_json = await logokraft(
        "new", "Acme", "-n", "99", "--json", api=gateway, token=token, **cli_env
    )
    assert as_json.code == 1
    assert as_json.json()["error"]["code"] == "invalid_brief"

    refine = await logokraft(
        "refine", "not-an-id", "make it navy", api=gateway, token=token, **cli_env
    )
    # Refused before any request, saying what an id looks like (a usage error).
    assert refine.code == 2 and "'not-an-id' is not an asset id" in refine.stderr
    short = await logokraft("show", "3715d73f", api=gateway, token=token, **cli_env)
    assert short.code == 2 and "`logokraft list` shows them" in short.stderr

    usage_error = await logokraft("new", api=gateway, token=token, **cli_env)
    assert usage_error.code == 2


async def test_no_token_or_a_refused_one_says_to_log_in(gateway, cli_env):
    missing = await logokraft("list", api=gateway, **cli_env)
    assert missing.code == 4
    assert "logokraft login" in missing.stderr

    refused = await logokraft("usage", api=gateway, token="not-a-token", **cli_env)
    assert refused.code == 4
    assert "logokraft login" in refused.stderr and "Traceback" not in refused.stderr


async def test_an_unreachable_api_is_named_with_a_hint(cli_env):
    url = f"http://127.0.0.1:{free_port()}"
    run = await logokraft("list", api=url, token="x", **cli_env)
    assert run.code == 3
    assert f"not reachable at {url}" in run.stderr and "make run" in run.stderr
    assert "Traceback" not in run.stderr
    as_json = await logokraft("usage", "--json", api=url, token="x", **cli_env)
    assert as_json.code == 3 and as_json.json()["error"]["code"] == "api_unreachable"


async def test_login_stores_the_token_privately(gateway, services, cli_env):
    token = dev_token(services.data_dir, "dev")
    login = await logokraft("login", "--token", token, "--api", gateway, **cli_env)
    assert login.code == 0, login.stderr
    path = cli_env["config_home"] / "logokraft" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    stored = json.loads(path.read_text())
    assert stored == {"api_url": gateway, "token": token}
    # Later commands use the stored URL and token.
    usage = await logokraft("usage", "--json", **cli_env)
    assert usage.code == 0, usage.stderr

    # A refused token is not stored.
    refused = await logokraft("login", "--token", "nope", **cli_env)
    assert refused.code == 4 and "logokraft login" not in refused.stdout
    assert json.loads(path.read_text())["token"] == token

    # --dev asks a stack on its embedded defaults for the dev user's token (the studio's
    # `make token`): the same user as `make token`'s, so it sees the same projects.
    path.unlink()
    dev = await logokraft("login", "--dev", "--api", gateway, **cli_env)
    assert dev.code == 0, dev.stderr
    assert "Signed in" in dev.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    minted = json.loads(path.read_text())["token"]
    claims = jwt.decode(minted, options={"verify_signature": False})
    assert claims["sub"] == str(dev_user_id("dev"))

    logout = await logokraft("logout", **cli_env)
    assert logout.code == 0
    again = await logokraft("usage", **cli_env)
    assert again.code == 4


class _CutStream(httpx.SyncByteStream):
    """A response body that breaks (as a dropped connection does) after `events` SSE ids."""

    def __init__(self, inner: httpx.SyncByteStream, events: int) -> None:
        self.inner = inner
        self.events = events

    def __iter__(self):
        seen = 0
        for chunk in self.inner:
            yield chunk
            seen += chunk.count(b"id: ")
            if seen >= self.events:
                raise httpx.RemoteProtocolError("peer closed connection (test)")

    def close(self) -> None:
        self.inner.close()


class _DropFirstStream(httpx.BaseTransport):
    """Real HTTP, except that the first project stream is cut after two events."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.streams: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path.endswith("/stream"):
            self.streams.append(request)
            if len(self.streams) == 1:
                assert isinstance(response.stream, httpx.SyncByteStream)
                response.stream = _CutStream(response.stream, events=2)
        return response

    def close(self) -> None:
        self.real.close()


async def test_a_dropped_stream_is_resumed_with_last_event_id(gateway, services, tmp_path):
    # Imported here: ruff's first-party list of the root pyproject does not name the CLI yet.
    from logokraft_cli.api import Api
    from logokraft_cli.follow import Follower

    token = dev_token(services.data_dir, "dev")
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, token, num_candidates="3")
    transport = _DropFirstStream()
    api = Api(gateway, token)
    api.http = httpx.Client(transport=transport, timeout=30)
    follower = Follower(
        api,
        created["project_id"],
        select=lambda asset: (f"c{asset['position']}", f"candidate-{asset['position'] + 1}"),
        out_dir=tmp_path / "logos",
        console=None,
    )
    try:
        done = await asyncio.wait_for(asyncio.to_thread(follower.run), CLI_TIMEOUT)
    finally:
        api.close()
    assert done["status"] == "completed" and done["completed_assets"] == 3
    assert follower.reconnects == 1
    assert len(transport.streams) == 2
    assert "Last-Event-ID" not in transport.streams[0].headers
    assert int(transport.streams[1].headers["Last-Event-ID"]) >= 1
    names = sorted(path.name for path in (tmp_path / "logos").glob("*.png"))
    assert names == ["candidate-1.png", "candidate-2.png", "candidate-3.png"]


async def test_rate_limits_are_waited_out_when_short_and_reported_when_long(services, cli_env):
    token = dev_token(services.data_dir, "dev")
    headers = {"Authorization": f"Bearer {token}"}

    async def exhaust(url: str) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                answer = await client.get(f"{url}/api/v1/usage", headers=headers)
            assert answer.status_code == 429, answer.text

    async with serve_gateway(services, LOGOKRAFT_RATE_LIMIT_PER_USER="2 per 5 seconds") as url:
        await exhaust(url)
        waited = await logokraft("usage", "--json", api=url, token=token, **cli_env)
        assert waited.code == 0, waited.stderr
        assert "images_used" in waited.json()
        assert "Retrying in" in waited.stderr

    async with serve_gateway(services, LOGOKRAFT_RATE_LIMIT_PER_USER="2 per 10 minutes") as url:
        await exhaust(url)
        refused = await logokraft("usage", api=url, token=token, **cli_env)
        assert refused.code == 1
        assert "Too many requests" in refused.stderr and "Try again in" in refused.stderr


async def test_retry_draws_a_failed_candidate_again_and_saves_it(
    gateway, services, cli_env, database_url
):
    """`logokraft retry` on a candidate left failed (set so: the local engine does not fail)
    draws it again, follows it and saves it; a second retry says why it cannot."""

    token = dev_token(services.data_dir, "dev")
    created = await one_logo_saved("Initech", gateway, token, cli_env)
    asset_id = created["assets"][0]["id"]
    await rows(
        database_url,
        "update generated_assets set status = 'failed', error_code = 'content_rejected',"
        " error_message = 'refused', storage_path = null where id = %s returning id",
        [asset_id],
    )
    await rows(
        database_url,
        "update brand_projects set status = 'failed' where id = %s returning id",
        [created["project_id"]],
    )

    retried = await logokraft(
        "retry", asset_id, "--out", "again", "--json", api=gateway, token=token, **cli_env
    )

    assert retried.code == 0, retried.stderr
    answer = retried.json()
    assert (answer["status"], answer["completed"], answer["failed"]) == ("completed", 1, 0)
    assert [a["id"] for a in answer["assets"]] == [asset_id]
    assert any(path.endswith(".png") for path in answer["files"]), answer["files"]
    again = await logokraft("retry", asset_id, api=gateway, token=token, **cli_env)
    assert again.code != 0
    assert "only a failed logo" in again.stderr, again.stderr
