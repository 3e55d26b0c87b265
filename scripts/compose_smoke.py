"""`make compose-smoke`: the compose stack, end to end, then torn down.

Starts docker-compose.yml (with `podman-compose` or `docker compose`) under its own project
name with secrets generated for this run, waits for every service's health, runs one project
with two candidates through the gateway container while imagegen is stopped and started
again (the project is in flight across the restart and must still complete), refines one
candidate once, downloads every image through its signed URL, and tears everything down
(volumes too) whatever happened. The last line is the verdict, e.g.
`compose smoke: 2/2 candidates, 1/1 variation completed`.

With SMOKE_IMAGEGEN_REPLICAS=N (N > 1), imagegen runs as N containers (compose's
`deploy.replicas`, from LOGOKRAFT_IMAGEGEN_REPLICAS): all of them must be healthy, stop
gracefully and come back, and after a burst of one more project every replica must have
drawn some of the images (each container's own metrics say how many); the verdict then ends
with e.g. `, imagegen x2 drew 5+3`.

Environment (all optional):
  BASE_IMAGE        base of the NATS/Postgres stand-ins built here (deploy/nats, deploy/postgres)
  NATS_IMAGE, POSTGRES_IMAGE
                    use these images instead of building the stand-ins
  COMPOSE           the compose command, e.g. "docker compose" (default: podman-compose when
                    podman is installed, found on PATH or in .tools/compose, else docker compose)
  CONTAINER_ENGINE  podman or docker (default: podman when installed)
  SMOKE_KEEP=1      leave the stack running (prints how to tear it down)
  SMOKE_TIMEOUT_S   how long each wait may take (default 180)
  SMOKE_IMAGEGEN_REPLICAS
                    how many imagegen containers to run (default 1)
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from logokraft_dev.devstack import free_port
from logokraft_dev.devtokens import mint_token

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "logokraftsmoke"
ISSUER = "logokraft-local"
AUDIENCE = "authenticated"
TIMEOUT_S = float(os.environ.get("SMOKE_TIMEOUT_S", "180"))
SERVICES = ("prompt", "imagegen", "refine")
BURST_CANDIDATES = 6  # the extra project's candidates when imagegen has replicas


def imagegen_replicas() -> int:
    raw = os.environ.get("SMOKE_IMAGEGEN_REPLICAS", "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"SMOKE_IMAGEGEN_REPLICAS must be a positive integer, not {raw!r}")
    return int(raw)


def log(message: str) -> None:
    print(f"compose smoke: {message}", flush=True)


class SmokeError(Exception):
    """The stack did not do what the smoke test expects."""


def run(cmd: list[str], *, check: bool = True, capture: bool = False, quiet: bool = False) -> str:
    if not quiet:
        print("+ " + shlex.join(cmd), flush=True)
    done = subprocess.run(
        cmd, cwd=ROOT, text=True, stdout=subprocess.PIPE if capture else None, check=False
    )
    if check and done.returncode != 0:
        raise SmokeError(f"`{shlex.join(cmd)}` exited with {done.returncode}")
    return done.stdout or ""


def container_engine() -> str:
    engine = os.environ.get("CONTAINER_ENGINE")
    if engine:
        return engine
    if shutil.which("podman"):
        return "podman"
    if shutil.which("docker"):
        return "docker"
    raise SmokeError("neither podman nor docker is installed")


def compose_command(engine: str) -> list[str]:
    if os.environ.get("COMPOSE"):
        return shlex.split(os.environ["COMPOSE"])
    if Path(engine).name == "podman":
        for candidate in (
            shutil.which("podman-compose"),
            ROOT / ".tools/compose/bin/podman-compose",
        ):
            if candidate and Path(candidate).exists():
                return [str(candidate)]
        raise SmokeError(
            "podman-compose not found (make compose-smoke installs it in .tools/compose)"
        )
    return [engine, "compose"]


def generate_env(
    path: Path, *, port: int, nats_image: str, postgres_image: str, replicas: int = 1
) -> dict[str, str]:
    """This run's secrets and settings, in an env file only this user can read."""
    values = {
        "LOGOKRAFT_IMAGEGEN_REPLICAS": str(replicas),
        "NATS_IMAGE": nats_image,
        "POSTGRES_IMAGE": postgres_image,
        "LOGOKRAFT_HTTP_PUBLISH": f"127.0.0.1:{port}",
        "LOGOKRAFT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOGOKRAFT_JWT_SECRET": secrets.token_urlsafe(48),
        "LOGOKRAFT_JWT_ISSUER": ISSUER,
        "LOGOKRAFT_JWT_AUDIENCE": AUDIENCE,
        "LOGOKRAFT_SERVICE_TOKEN_SECRET": secrets.token_urlsafe(48),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    }
    for role in ("MIGRATOR", "GATEWAY", "PROMPT", "IMAGEGEN", "REFINE"):
        values[f"LOGOKRAFT_{role}_DB_PASSWORD"] = secrets.token_urlsafe(24)
    for user in ("PROMPT", "IMAGEGEN", "REFINE"):
        # nats-server types a variable's value as it would a literal in its config: one
        # starting with a digit (or a sign) is read as a number and fails to parse. A
        # leading letter keeps every password a string.
        values[f"LOGOKRAFT_NATS_{user}_PASSWORD"] = "n" + secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.writelines(f"{key}={value}\n" for key, value in values.items())
    return values


class Stack:
    """The compose project of this run: start in order, find containers, check health."""

    def __init__(
        self, engine: str, compose: list[str], env_file: Path, *, replicas: int = 1
    ) -> None:
        self.engine = engine
        self.podman = Path(engine).name == "podman"
        self.replicas = {"imagegen": replicas}  # containers expected per service (default 1)
        self.base = [
            *compose,
            "-p",
            PROJECT,
            "--env-file",
            str(env_file),
            "-f",
            "docker-compose.yml",
        ]

    def compose(self, *args: str, check: bool = True, capture: bool = False) -> str:
        return run([*self.base, *args], check=check, capture=capture)

    def exec(self, service: str, *cmd: str) -> str:
        """Run a command in a service's running container; its output."""
        return run([self.engine, "exec", self.container(service), *cmd], capture=True, quiet=True)

    def container(self, service: str) -> str:
        """The service's (first) container."""
        return self.containers(service)[0]

    def containers(self, service: str) -> list[str]:
        """Every container of the service (one per replica), ordered by container number."""
        out = run(
            [
                self.engine,
                "ps",
                "-a",
                "-q",
                "--filter",
                f"label=com.docker.compose.project={PROJECT}",
                "--filter",
                f"label=com.docker.compose.service={service}",
            ],
            capture=True,
            quiet=True,
        ).split()
        if not out:
            raise SmokeError(f"no container for service {service}")
        if len(out) == 1:
            return out
        names = run(
            [self.engine, "inspect", "--format", "{{.Name}}", *out], capture=True, quiet=True
        ).split()
        return [cid for _, cid in sorted(zip(names, out, strict=True))]  # <project>_<service>_<n>

    def inspect(self, service: str, template: str, cid: str | None = None) -> str:
        cid = cid or self.container(service)
        out = run([self.engine, "inspect", "--format", template, cid], capture=True, quiet=True)
        return out.strip()

    def healthy(self, service: str) -> bool:
        """Every container of the service is healthy, and there are as many as expected."""
        cids = self.containers(service)
        if len(cids) != self.replicas.get(service, 1):
            return False
        return all(self._healthy(service, cid) for cid in cids)

    def _healthy(self, service: str, cid: str) -> bool:
        if self.podman:
            # Podman runs HEALTHCHECKs from systemd timers, which this kind of machine may not
            # have; `healthcheck run` runs the image's check now and records its result.
            done = subprocess.run(
                [self.engine, "healthcheck", "run", cid], capture_output=True, check=False
            )
            return done.returncode == 0
        return self.inspect(service, "{{.State.Health.Status}}", cid) == "healthy"

    def wait_healthy(self, *services: str) -> None:
        for service in services:
            wait(f"{service} healthy", lambda s=service: self.healthy(s))  # type: ignore[misc]
            log(f"{service} is healthy")

    def wait_exited_ok(self, service: str) -> None:
        cid = self.container(service)
        code = run([self.engine, "wait", cid], capture=True, quiet=True).strip().splitlines()[-1]
        if code != "0":
            self.compose("logs", service, check=False)
            raise SmokeError(f"{service} exited with {code}")
        log(f"{service} completed")


def wait(what: str, ready: Callable[[], Any], timeout_s: float = TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = ready()
        except (httpx.HTTPError, SmokeError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise SmokeError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(1)


def tiny_png() -> bytes:
    """An 8x8 navy PNG, the inspiration image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes((10, 37, 64)) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def build_standins(engine: str, base_image: str | None) -> tuple[str, str]:
    nats = os.environ.get("NATS_IMAGE")
    postgres = os.environ.get("POSTGRES_IMAGE")
    flags = ["--network", "host"] if Path(engine).name == "podman" else []
    if flags and Path("/etc/ssl/certs/ca-certificates.crt").exists():
        flags += ["-v", "/etc/ssl/certs:/etc/ssl/certs:ro"]
    base = ["--build-arg", f"BASE_IMAGE={base_image}"] if base_image else []
    for name, given in (("nats", nats), ("postgres", postgres)):
        if not given:
            run([engine, "build", *flags, *base, "-t", f"logokraft-{name}", f"deploy/{name}"])
    return nats or "localhost/logokraft-nats", postgres or "localhost/logokraft-postgres"


PRIVILEGE_QUERY = """
select 'tables owned by ' || string_agg(distinct tableowner, ',')
  from pg_tables where schemaname in ('public', 'auth', 'storage')
union all
select 'logokraft_service members: ' || string_agg(r.rolname, ',' order by r.rolname)
  from pg_roles r where r.rolname like 'logokraft\\_%' and r.rolname <> 'logokraft_service'
   and pg_has_role(r.rolname, 'logokraft_service', 'member')
union all
select 'superusers: ' || string_agg(rolname, ',') from pg_roles where rolsuper
union all
select 'sessions: ' || string_agg(distinct usename, ',' order by usename)
  from pg_stat_activity where datname = 'logokraft' and pid <> pg_backend_pid()
"""


def check_least_privilege(stack: Stack) -> None:
    """Each process logs in as its own role; only the migrator owns the schema."""
    facts = stack.exec(
        "postgres", "psql", "-U", "postgres", "-d", "logokraft", "-Atc", PRIVILEGE_QUERY
    ).split("\n")
    for fact in filter(None, facts):
        log(f"postgres: {fact}")
    expected = [
        "tables owned by logokraft_migrator",
        "logokraft_service members: logokraft_imagegen,logokraft_migrator,logokraft_prompt,"
        "logokraft_refine",
        "superusers: postgres",
    ]
    if facts[:3] != expected:
        raise SmokeError(f"Postgres roles are not as deployed: {facts[:3]} != {expected}")
    sessions = set(facts[3].removeprefix("sessions: ").split(","))
    wanted = {"logokraft_gateway", "logokraft_prompt", "logokraft_imagegen", "logokraft_refine"}
    if not wanted <= sessions or "postgres" in sessions:
        raise SmokeError(f"unexpected Postgres sessions: {sorted(sessions)}")
    listing = stack.exec("gateway", "python", "-c", "import os; print(os.listdir('/data/storage'))")
    if "secrets" in listing:
        raise SmokeError("a secrets folder is on the shared blob volume")
    log("no secrets on the shared blob volume")


def project_of(client: httpx.Client, project_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/projects/{project_id}")
    response.raise_for_status()
    return response.json()


def download_all(client: httpx.Client, assets: list[dict[str, Any]]) -> int:
    """Fetch each asset's signed URL without credentials; count the PNGs."""
    fetched = 0
    for asset in assets:
        url = asset.get("image_url")
        if not url:
            raise SmokeError(f"asset {asset['id']} has no image_url")
        response = httpx.get(url, timeout=30)
        response.raise_for_status()
        if not response.content.startswith(b"\x89PNG"):
            raise SmokeError(f"asset {asset['id']}: {url} is not a PNG")
        log(f"downloaded {asset['id']} ({len(response.content)} bytes)")
        fetched += 1
    return fetched


def smoke(stack: Stack, values: dict[str, str]) -> tuple[int, int]:
    # The order things start in (docs/DEPLOY.md): infrastructure, the schema, services, gateway.
    stack.compose("up", "-d", "nats", "postgres")
    stack.wait_healthy("postgres")
    stack.compose("up", "-d", "--no-deps", "migrate", "blobs-init")
    stack.wait_exited_ok("migrate")
    stack.wait_exited_ok("blobs-init")
    stack.compose("up", "-d", "--no-deps", *SERVICES)
    stack.wait_healthy(*SERVICES)
    stack.compose("up", "-d", "--no-deps", "gateway")
    stack.wait_healthy("gateway")
    check_least_privilege(stack)

    base_url = values["LOGOKRAFT_PUBLIC_URL"]
    user = uuid.uuid4()
    token = mint_token(values["LOGOKRAFT_JWT_SECRET"], user, issuer=ISSUER, audience=AUDIENCE)
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    if client.get("/api/v1/projects").status_code != 200:
        raise SmokeError("the gateway refused a token signed with LOGOKRAFT_JWT_SECRET")
    forged = mint_token(secrets.token_urlsafe(48), user, issuer=ISSUER, audience=AUDIENCE)
    status = httpx.get(
        f"{base_url}/api/v1/projects", headers={"Authorization": f"Bearer {forged}"}
    ).status_code
    if status != 401:
        raise SmokeError(f"a token signed with another key got {status}, not 401")
    log("gateway accepts the deployment's user tokens and refuses others")

    replicas = stack.replicas["imagegen"]
    log(f"imagegen runs as {len(stack.containers('imagegen'))} container(s), {replicas} expected")

    # Imagegen goes away (every replica) while the project is in flight ...
    stack.compose("stop", "imagegen")
    for cid in stack.containers("imagegen"):
        code = stack.inspect("imagegen", "{{.State.ExitCode}}", cid)
        if code != "0":
            raise SmokeError(f"imagegen did not stop gracefully on SIGTERM (exit code {code})")
    log(f"imagegen stopped gracefully (exit code 0, {replicas} container(s))")
    response = client.post(
        "/api/v1/projects",
        data={
            "brand_name": "Compose Coffee",
            "industry": "coffee roastery",
            "colors": "navy",
            "num_candidates": "2",
        },
        files={"inspiration_images": ("inspiration.png", tiny_png(), "image/png")},
    )
    if response.status_code != 202:
        raise SmokeError(f"POST /api/v1/projects: {response.status_code} {response.text}")
    project_id = response.json()["project_id"]
    log(f"project {project_id} created with imagegen stopped")
    queued = wait(
        "the project's two candidates to be queued",
        lambda: len(project_of(client, project_id)["assets"]) == 2,
    )
    assert queued
    state = project_of(client, project_id)
    log("candidates while imagegen is down: " + ", ".join(a["status"] for a in state["assets"]))
    # ... and comes back as a new container (a rebuilt image would be picked up the same way),
    # alone: the other services keep running.
    others = {s: stack.container(s) for s in ("nats", "postgres", "prompt", "refine", "gateway")}
    stack.compose("up", "-d", "--no-deps", "--force-recreate", "imagegen")
    stack.wait_healthy("imagegen")
    if {s: stack.container(s) for s in others} != others:
        raise SmokeError("rolling imagegen replaced other containers")
    log("imagegen rolled alone: the other containers kept running")

    def project_done() -> dict[str, Any] | None:
        project = project_of(client, project_id)
        return project if project["status"] in ("completed", "failed", "partial") else None

    project = wait("the project to finish", project_done)
    candidates = [a for a in project["assets"] if a["parent_asset_id"] is None]
    completed = [a for a in candidates if a["status"] == "completed"]
    log(f"project {project['status']}: {len(completed)}/{len(candidates)} candidates completed")
    if len(completed) != 2:
        raise SmokeError(f"candidates: {[(a['status'], a['error']) for a in candidates]}")
    download_all(client, completed)

    parent = completed[0]
    response = client.post(
        f"/api/v1/assets/{parent['id']}/refine",
        json={"instruction": "make it navy", "num_variations": 1},
    )
    if response.status_code != 202:
        raise SmokeError(f"POST refine: {response.status_code} {response.text}")
    variation_id = response.json()["variations"][0]["id"]

    def variation_done() -> dict[str, Any] | None:
        for asset in project_of(client, project_id)["assets"]:
            if asset["id"] == variation_id and asset["status"] in ("completed", "failed"):
                return asset
        return None

    variation = wait("the variation to finish", variation_done)
    if variation["status"] != "completed":
        raise SmokeError(f"variation {variation_id}: {variation['error']}")
    if variation["parent_asset_id"] != parent["id"]:
        raise SmokeError("the variation is not linked to its parent")
    download_all(client, [variation])
    return len(completed), 1


READ_METRICS = (
    "import urllib.request; "
    "print(urllib.request.urlopen('http://127.0.0.1:9100/metrics', timeout=5).read().decode())"
)


def images_drawn(stack: Stack, cid: str) -> int:
    """How many image jobs one imagegen container finished, from its own /metrics (every
    lane: `images-first`, `images`)."""
    text = run([stack.engine, "exec", cid, "python", "-c", READ_METRICS], capture=True, quiet=True)
    total = 0.0
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name.startswith("logokraft_job_duration_seconds_count{") and all(
            label in name for label in ('outcome="ok"', 'queue="images')
        ):
            total += float(value)
    return int(total)


# In the gateway's container: how many addresses its imagegen target (dns:///imagegen:50052)
# resolves to; its channels balance round robin over all of them.
RESOLVE_TARGET = (
    "import os, socket; "
    "host, port = os.environ['LOGOKRAFT_IMAGEGEN_GRPC'].removeprefix('dns:///').rsplit(':', 1); "
    "print(len({a[4][0] for a in socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)}))"
)


def burst_over_replicas(stack: Stack, values: dict[str, str]) -> list[int]:
    """One more project, drawn by the imagegen replicas together; what each drew in all
    (since `imagegen` was recreated: the first project's candidates and the burst)."""
    replicas = stack.replicas["imagegen"]
    resolved = stack.exec("gateway", "python", "-c", RESOLVE_TARGET).strip()
    if resolved != str(replicas):
        raise SmokeError(f"the gateway's imagegen target resolves to {resolved} addresses")
    log(f"the gateway's imagegen target resolves to {resolved} addresses, one per replica")
    token = mint_token(
        values["LOGOKRAFT_JWT_SECRET"], uuid.uuid4(), issuer=ISSUER, audience=AUDIENCE
    )
    client = httpx.Client(
        base_url=values["LOGOKRAFT_PUBLIC_URL"],
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    brief = {
        "brand_name": (None, "Replica Roasters"),
        "num_candidates": (None, str(BURST_CANDIDATES)),
    }
    response = client.post("/api/v1/projects", files=brief)  # multipart
    if response.status_code != 202:
        raise SmokeError(f"POST /api/v1/projects: {response.status_code} {response.text}")
    project_id = response.json()["project_id"]

    def done() -> dict[str, Any] | None:
        project = project_of(client, project_id)
        return project if project["status"] in ("completed", "failed", "partial") else None

    project = wait("the burst project to finish", done)
    statuses = [a["status"] for a in project["assets"]]
    if statuses != ["completed"] * BURST_CANDIDATES:
        raise SmokeError(f"burst over the imagegen replicas: {statuses}")
    drawn = [images_drawn(stack, cid) for cid in stack.containers("imagegen")]
    log(f"burst of {BURST_CANDIDATES} completed; images drawn per imagegen replica: {drawn}")
    if len(drawn) != replicas or not all(drawn):
        raise SmokeError(f"not every imagegen replica drew: {drawn}")
    if sum(drawn) != 2 + BURST_CANDIDATES:
        raise SmokeError(f"{sum(drawn)} drawings for {2 + BURST_CANDIDATES} candidates: {drawn}")
    return drawn


def main() -> int:
    replicas = imagegen_replicas()
    engine = container_engine()
    compose = compose_command(engine)
    nats_image, postgres_image = build_standins(engine, os.environ.get("BASE_IMAGE") or None)
    workdir = Path(tempfile.mkdtemp(prefix="logokraft-smoke-"))
    env_file = workdir / "compose.env"
    values = generate_env(
        env_file,
        port=free_port(),
        nats_image=nats_image,
        postgres_image=postgres_image,
        replicas=replicas,
    )
    stack = Stack(engine, compose, env_file, replicas=replicas)
    # Leftovers of an interrupted run (quietly: normally there are none).
    subprocess.run(
        [*stack.base, "down", "-v", "-t", "5"], cwd=ROOT, capture_output=True, check=False
    )
    verdict = "compose smoke: FAILED"
    try:
        candidates, variations = smoke(stack, values)
        verdict = f"compose smoke: {candidates}/2 candidates, {variations}/1 variation completed"
        if replicas > 1:
            drawn = burst_over_replicas(stack, values)
            verdict += f", imagegen x{replicas} drew " + "+".join(map(str, drawn))
        return 0
    except (SmokeError, httpx.HTTPError, KeyError) as exc:
        print(f"compose smoke: error: {exc}", file=sys.stderr, flush=True)
        stack.compose("ps", check=False)
        stack.compose("logs", "--tail", "40", check=False)
        verdict = f"compose smoke: FAILED ({exc})"
        return 1
    finally:
        if os.environ.get("SMOKE_KEEP") == "1":
            log(f"left running; tear down with: {shlex.join(stack.base)} down -v")
        else:
            stack.compose("down", "-v", "-t", "10", check=False)
            shutil.rmtree(workdir, ignore_errors=True)
        print(verdict, flush=True)


if __name__ == "__main__":
    sys.exit(main())
