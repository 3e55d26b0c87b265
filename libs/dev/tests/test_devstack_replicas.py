"""`make run` with replicas: LOGOKRAFT_<SERVICE>_REPLICAS=N runs N processes of a service.

The children, their environments, ports and names, the gateway's one target over all of a
service's replicas, the banner, each replica's own readiness probe, and refused counts.
(tests/test_replicas.py runs the real stack with two imagegen replicas.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health, health_pb2_grpc

from logokraft_dev.devstack.stack import (
    MAX_REPLICAS,
    DevstackError,
    Infra,
    StackContext,
    banner,
    logokraft_children,
    replica_counts,
    run_stack,
    stack_context,
)

INFRA = Infra("nats://127.0.0.1:4222", "postgresql://x", True, True)


def context_with(tmp_path: Path, **environ: str) -> StackContext:
    return stack_context(tmp_path, INFRA, environ, terminal=False)


def test_two_imagegen_replicas_are_two_children_with_their_own_ports_and_names(
    tmp_path: Path,
) -> None:
    context = context_with(tmp_path, LOGOKRAFT_IMAGEGEN_REPLICAS="2")
    children = logokraft_children(context)
    names = [child.name for child in children]
    assert names == ["prompt", "imagegen-1", "imagegen-2", "refine", "gateway"]
    envs = {child.name: dict(child.env or {}) for child in children}

    imagegen = {name: envs[name] for name in ("imagegen-1", "imagegen-2")}
    for name, env in imagegen.items():
        assert children[names.index(name)].argv == [sys.executable, "-m", "logokraft_imagegen"]
        assert env["OTEL_SERVICE_NAME"] == f"logokraft-{name}"
        host, port = env["LOGOKRAFT_IMAGEGEN_GRPC"].rsplit(":", 1)  # its own listen address
        assert host == "127.0.0.1" and port.isdigit()
    listen = [env["LOGOKRAFT_IMAGEGEN_GRPC"] for env in imagegen.values()]
    assert len(set(listen)) == 2, "each replica listens on a port of its own"

    grpc_ports = {env["LOGOKRAFT_PROMPT_GRPC"] for env in envs.values()}
    metrics = [env["LOGOKRAFT_METRICS_ADDRESS"] for env in envs.values()]
    assert len(set(metrics)) == 5, "one metrics port per process"
    assert not set(metrics) & set(listen) and not set(metrics) & grpc_ports
    assert len({env["OTEL_SERVICE_NAME"] for env in envs.values()}) == 5

    # The gateway (and the shared env) gets one target over both; a single replica's service
    # keeps its plain host:port, the same in every child.
    target = f"ipv4:{listen[0]},{listen[1]}"
    assert envs["gateway"]["LOGOKRAFT_IMAGEGEN_GRPC"] == target
    assert context.env["LOGOKRAFT_IMAGEGEN_GRPC"] == target
    for variable in ("LOGOKRAFT_PROMPT_GRPC", "LOGOKRAFT_REFINE_GRPC"):
        assert len({env[variable] for env in envs.values()}) == 1
        assert "," not in envs["gateway"][variable]


def test_one_replica_keeps_the_plain_service_name_and_address(tmp_path: Path) -> None:
    context = context_with(tmp_path, LOGOKRAFT_IMAGEGEN_REPLICAS="1")
    names = [child.name for child in logokraft_children(context)]
    assert names == ["prompt", "imagegen", "refine", "gateway"]
    assert names == [child.name for child in logokraft_children(context_with(tmp_path))]
    address = context.child_env("imagegen")["LOGOKRAFT_IMAGEGEN_GRPC"]
    assert context.child_env("gateway")["LOGOKRAFT_IMAGEGEN_GRPC"] == address
    assert not address.startswith("ipv4:")


def test_replicas_of_every_service_at_once(tmp_path: Path) -> None:
    context = context_with(
        tmp_path,
        LOGOKRAFT_PROMPT_REPLICAS="3",
        LOGOKRAFT_IMAGEGEN_REPLICAS="2",
        LOGOKRAFT_REFINE_REPLICAS="2",
    )
    names = [child.name for child in logokraft_children(context)]
    assert names == [
        *("prompt-1", "prompt-2", "prompt-3", "imagegen-1", "imagegen-2"),
        *("refine-1", "refine-2", "gateway"),
    ]
    gateway = context.child_env("gateway")
    for service, count in (("prompt", 3), ("imagegen", 2), ("refine", 2)):
        variable = f"LOGOKRAFT_{service.upper()}_GRPC"
        own = [context.child_env(f"{service}-{n}")[variable] for n in range(1, count + 1)]
        assert gateway[variable] == "ipv4:" + ",".join(own)


def test_the_banner_lists_every_replica_with_its_metrics_and_the_gateway_target(
    tmp_path: Path,
) -> None:
    context = context_with(tmp_path, LOGOKRAFT_IMAGEGEN_REPLICAS="2")
    text = banner(context)
    lines = [line.split() for line in text.splitlines()]
    for name in ("imagegen-1", "imagegen-2"):
        env = context.child_env(name)
        metrics = f"http://{env['LOGOKRAFT_METRICS_ADDRESS']}/metrics"
        assert [name, "gRPC", env["LOGOKRAFT_IMAGEGEN_GRPC"], "metrics", metrics] in lines
    assert not any(words[:1] == ["imagegen"] for words in lines), "no un-numbered imagegen"
    target = context.env["LOGOKRAFT_IMAGEGEN_GRPC"]
    assert (
        f"the gateway calls 2 imagegen replicas round robin (LOGOKRAFT_IMAGEGEN_GRPC={target})"
        in text
    )
    assert "prompt replicas" not in text


async def test_each_replica_is_probed_at_its_own_address(tmp_path: Path) -> None:
    context = context_with(tmp_path, LOGOKRAFT_IMAGEGEN_REPLICAS="2")
    probes = {child.name: child.ready for child in logokraft_children(context)}
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    assert server.add_insecure_port(context.child_env("imagegen-1")["LOGOKRAFT_IMAGEGEN_GRPC"])
    await server.start()
    try:
        first, second = probes["imagegen-1"], probes["imagegen-2"]
        assert first is not None and second is not None
        assert await first()
        assert not await second(), "imagegen-2 is not ready just because imagegen-1 is"
    finally:
        await server.stop(None)


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5", "2x", "³", str(MAX_REPLICAS + 1)])
def test_a_replica_count_that_is_not_a_positive_whole_number_is_refused(raw: str) -> None:
    with pytest.raises(DevstackError) as error:
        replica_counts({"LOGOKRAFT_REFINE_REPLICAS": raw})
    message = str(error.value)
    assert message.startswith("LOGOKRAFT_REFINE_REPLICAS must be a whole number from 1 to")
    assert repr(raw) in message
    assert "make run LOGOKRAFT_REFINE_REPLICAS=2" in message


def test_replica_counts_default_to_one_and_accept_padding() -> None:
    assert replica_counts({}) == {"prompt": 1, "imagegen": 1, "refine": 1}
    counts = replica_counts({"LOGOKRAFT_PROMPT_REPLICAS": " 2 ", "LOGOKRAFT_IMAGEGEN_REPLICAS": ""})
    assert counts == {"prompt": 2, "imagegen": 1, "refine": 1}


def test_run_refuses_a_bad_replica_count_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = {"LOGOKRAFT_DATA_DIR": str(tmp_path / "data"), "LOGOKRAFT_IMAGEGEN_REPLICAS": "0"}
    assert run_stack(environ) == 1
    err = capsys.readouterr().err
    assert err.startswith("devstack: LOGOKRAFT_IMAGEGEN_REPLICAS must be a whole number"), err
    assert not (tmp_path / "data").exists(), "nothing was started, not even the data dir"
