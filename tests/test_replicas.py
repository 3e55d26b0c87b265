"""Replicas: several processes of one service behind one gateway target, sharing its work queue.

`make run` with `LOGOKRAFT_IMAGEGEN_REPLICAS=2` runs `imagegen-1` and `imagegen-2`, each on its
own gRPC and metrics port; the gateway gets one target listing both (`ipv4:A,B`), over which
its channels balance round robin. Both replicas pull from the same durable JetStream consumer,
so each job is drawn by one of them; a replica killed mid-drawing loses nothing (its job is
redelivered after the ack wait, kept short here).
"""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from logokraft_dev.devstack.stack import Infra, stack_context
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.clients import ServiceChannels
from logokraft_gateway.config import GatewaySettings
from tests.support import (
    lines_of,
    make_run,
    rows,
    stack_child,
    stored_files,
    wait_for,
)

REPLICAS = ("imagegen-1", "imagegen-2")
PROJECTS = 4
CANDIDATES = 2  # per project: the hold lets each project's first prompt out, then waits
TOTAL = PROJECTS * CANDIDATES
HELD = "holding work until"  # what a drawing held by the fault hook logs (logokraft_dev.faults)
JOBS_OK = "logokraft_job_duration_seconds_count"


class CountingHealth(health.aio.HealthServicer):
    """The standard health service, counting the checks it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.checks = 0

    async def Check(
        self, request: health_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.HealthCheckResponse:
        self.checks += 1
        return await super().Check(request, context)


async def test_the_gateway_channel_reaches_every_replica_of_the_devstack_target(
    tmp_path: Path,
) -> None:
    """The target `make run` gives the gateway for two replicas: the gateway's own channel
    (round robin) spreads calls over both processes."""
    infra = Infra("nats://127.0.0.1:4222", "postgresql://x", True, True)
    context = stack_context(tmp_path, infra, {"LOGOKRAFT_IMAGEGEN_REPLICAS": "2"})
    replicas = [r for r in context.replicas if r.service == "imagegen"]
    target = context.child_env("gateway")["LOGOKRAFT_IMAGEGEN_GRPC"]
    assert target == f"ipv4:{replicas[0].address},{replicas[1].address}"

    servers, counters = [], []
    for replica in replicas:
        server = grpc.aio.server()
        counter = CountingHealth()
        health_pb2_grpc.add_HealthServicer_to_server(counter, server)
        # Each replica listens on its own single host:port, as its own env says.
        assert server.add_insecure_port(context.child_env(replica.name)[replica.variable])
        await server.start()
        servers.append(server)
        counters.append(counter)
    settings = GatewaySettings(
        LOGOKRAFT_DATA_DIR=tmp_path / "gateway", LOGOKRAFT_IMAGEGEN_GRPC=target
    )
    assert settings.imagegen_grpc == target
    channels = ServiceChannels.open(settings, {})
    try:
        stub = health_pb2_grpc.HealthStub(channels.channels["imagegen"])
        calls = 0
        # Round robin uses a replica once its connection is up: bounded by calls, not time.
        while not all(counter.checks for counter in counters):
            answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
            calls += 1
            assert calls < 200, [counter.checks for counter in counters]
        before = [counter.checks for counter in counters]
        for _ in range(10):
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        spread = [c.checks - b for c, b in zip(counters, before, strict=True)]
        assert spread == [5, 5], f"with both up, calls alternate: {spread}"
    finally:
        await channels.close()
        for server in servers:
            await server.stop(None)


@pytest.mark.integration
@pytest.mark.slow
async def test_two_imagegen_replicas_draw_a_burst_once_each_across_a_killed_replica(
    stack_dir: Path,
) -> None:
    gate = stack_dir / "release"
    async with make_run(
        stack_dir / "data",
        LOGOKRAFT_IMAGEGEN_REPLICAS="2",
        LOGOKRAFT_HOLD_JOBS_UNTIL=str(gate),
        LOGOKRAFT_PROMPT_PROVIDER="local",
        LOGOKRAFT_IMAGE_PROVIDER="local",
        LOGOKRAFT_REFINE_PROVIDER="local",
        LOGOKRAFT_IMAGE_ACK_WAIT_S="3",  # a killed replica's job is redelivered within seconds
        LOGOKRAFT_LOCAL_CONCURRENCY="1",  # one drawing per replica at a time
        LOGOKRAFT_LIMIT_PROJECTS_IN_FLIGHT=str(PROJECTS),
    ) as stack:
        # Two processes, each on its own address; the gateway's one target lists both, and
        # the banner names each with its own metrics URL.
        own = {
            name: stack_child(stack, name).environ()["LOGOKRAFT_IMAGEGEN_GRPC"] for name in REPLICAS
        }
        gateway_env = stack_child(stack, "gateway").environ()
        assert gateway_env["LOGOKRAFT_IMAGEGEN_GRPC"] == "ipv4:" + ",".join(own.values())
        assert len(set(own.values())) == 2 and not any("," in a for a in own.values())
        banner = [line.split() for line in stack.output]
        for name in REPLICAS:
            assert [name, "gRPC", own[name]] == next(
                w[:3] for w in banner if w[:2] == [name, "gRPC"]
            )
        metrics = {stack.metrics_url(name) for name in (*REPLICAS, "prompt", "gateway")}
        assert len(metrics) == 4
        database_url = gateway_env["DATABASE_URL"]

        project_ids = []
        for n in range(PROJECTS):
            brief = {"brand_name": (None, f"Twin Kilns {n}"), "num_candidates": (None, "2")}
            created = await stack.http.post("/api/v1/projects", files=brief)  # multipart
            assert created.status_code == 202, created.text
            project_ids.append(created.json()["project_id"])

        # Both replicas are drawing (each holds one drawing until the gate exists).
        async def both_drawing() -> bool:
            return all(any(HELD in line for line in lines_of(stack, n)) for n in REPLICAS)

        await wait_for(both_drawing, within=60, what="both imagegen replicas to be drawing")
        killed = stack_child(stack, "imagegen-1")
        killed.kill()  # SIGKILL, mid-drawing: its job is neither acked nor given back
        killed.wait(10)
        await stack.wait_said("imagegen-1 is ready again (restart #1)")

        # The new imagegen-1 draws again: the killed one's job, redelivered, or a queued one.
        async def drawing_again() -> bool:
            return sum(HELD in line for line in lines_of(stack, "imagegen-1")) >= 2

        await wait_for(drawing_again, within=60, what="the restarted imagegen-1 to draw")
        gate.touch()

        projects = []
        for project_id in project_ids:
            await stack.wait_assets(project_id, ["completed"] * CANDIDATES)
            projects.append(await stack.project(project_id))
        drawn = {
            name: (await stack.scrape(name)).value(JOBS_OK, outcome="ok")  # its lanes
            for name in REPLICAS
        }

        # Attempts: one drawing was interrupted (the killed replica's), every other drew once.
        found = await rows(
            database_url,
            "select id, attempts from generated_assets where project_id = any(%s::uuid[])",
            [project_ids],
        )
        assert sorted(row["attempts"] for row in found) == [1] * (TOTAL - 1) + [2], found
        # Watchers were told of each completion once.
        completions = await rows(
            database_url,
            """
            select asset_id, count(*) as n from project_events
            where project_id = any(%s::uuid[]) and kind = 'asset'
              and payload ->> 'status' = 'ASSET_STATUS_COMPLETED'
            group by asset_id
            """,
            [project_ids],
        )
        assert {str(row["asset_id"]): row["n"] for row in completions} == {
            str(row["id"]): 1 for row in found
        }

    assets = [asset for project in projects for asset in project["assets"]]
    assert [p["status"] for p in projects] == ["completed"] * PROJECTS
    assert len(assets) == TOTAL and len({a["id"] for a in assets}) == TOTAL
    for project in projects:
        ids = [a["id"] for a in project["assets"]]
        expected = sorted(f"{i}.{ext}" for i in ids for ext in ("png", "svg"))
        stored = stored_files(stack.data_dir, dev_user_id("dev"), project["id"])
        assert stored == expected, "exactly one image (and its SVG master) per asset"

    # Every job finished once, on one replica or the other, and both drew: the killed
    # imagegen-1 had finished none (its drawing was held), so its restart's count is its all.
    assert sum(drawn.values()) == TOTAL, drawn
    assert all(count >= 1 for count in drawn.values()), drawn
