"""docs/examples/grpc_client.py, run as a reader of docs/GRPC.md would run it, against the
in-process services: the whole flow over gRPC with a user's token, and a bad token refused."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from logokraft.v1 import common_pb2, prompt_service_pb2
from tests.support import user_token

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "grpc_client.py"


async def run_example(services, token: str) -> tuple[int, str, str]:
    """The example's exit code, stdout and stderr (run without blocking the services' loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        "--prompt",
        f"127.0.0.1:{services.prompt.port}",
        "--refine",
        f"127.0.0.1:{services.refine.port}",
        "--token",
        token,
        "--brand",
        "Example Roasters",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
        output = f"{out.decode()}\n{err.decode()}"
        raise AssertionError(f"the example did not finish:\n{output}") from None
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_example_runs_the_whole_flow_over_grpc(services):
    code, out, err = await run_example(services, user_token("dev"))

    assert code == 0, f"stdout:\n{out}\nstderr:\n{err}"
    assert re.search(r"^  #\d+ snapshot: ", out, re.MULTILINE), out
    assert re.search(r"^  #\d+ done: completed \(2 completed, 0 failed\)$", out, re.MULTILINE), out
    assert re.search(r"^  variation \S+ completed$", out, re.MULTILINE), out
    # docs/GRPC.md shows each status once: RefineAsset sends every variation each time one
    # changes (its prompt stored while it is generating, too), and the example printed
    # "generating" twice.
    statuses = re.findall(r"^  variation \S+ (\w+)$", out, re.MULTILINE)
    assert len(statuses) == len(set(statuses)), out
    lineage = re.search(r"^lineage of (\S+) \((\d+) assets\):\n((?:  .*\n)+)", out, re.MULTILINE)
    assert lineage is not None, out
    assert lineage.group(2) == "2", out
    chain = lineage.group(3).splitlines()
    assert chain[0].endswith(" candidate"), out
    assert chain[1] == f'  {lineage.group(1)} "make it navy"', out


async def test_the_example_exits_1_with_unauthenticated_for_a_bad_token(services):
    code, out, err = await run_example(services, user_token("dev") + "forged")

    assert code == 1, f"stdout:\n{out}\nstderr:\n{err}"
    assert "gRPC call failed: UNAUTHENTICATED: " in err, err
    assert "created project" not in out, out


@pytest.mark.parametrize("token", ["\u201ceyJ.x.y\u201d", "eyJ.x\ny"], ids=["quoted", "two lines"])
def test_the_example_refuses_a_token_metadata_cannot_carry(token: str) -> None:
    """grpcio refuses such a value before sending it: the example died with a traceback of
    "ExecuteBatchError: Failed execute_batch" instead of saying what was wrong."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--prompt", "127.0.0.1:1", "--refine", "127.0.0.1:1"],
        env={**os.environ, "LOGOKRAFT_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "the token has characters a token never has" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def load_example():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("grpc_client_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    return example


class InterruptedWatches:
    """A PromptService stub whose first watch ends UNAVAILABLE (a service stopping) after two
    events; a watch resumed after a sequence sends the events after it."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.events = [
            common_pb2.ProjectEvent(sequence=0, snapshot=common_pb2.Project()),
            common_pb2.ProjectEvent(sequence=1, asset=common_pb2.Asset(id="a1")),
            common_pb2.ProjectEvent(sequence=2, project=common_pb2.Project()),
            common_pb2.ProjectEvent(sequence=3, done=common_pb2.ProjectDone()),
        ]

    def WatchProject(self, request, metadata, timeout):  # type: ignore[no-untyped-def]
        self.asked.append(request.after_sequence)
        first = len(self.asked) == 1
        return self._events(request.after_sequence, interrupted=first)

    async def _events(self, after: int, *, interrupted: bool):  # type: ignore[no-untyped-def]
        for number, event in enumerate(e for e in self.events if after == 0 or e.sequence > after):
            if interrupted and number == 2:
                raise grpc.aio.AioRpcError(
                    grpc.StatusCode.UNAVAILABLE,
                    grpc.aio.Metadata(),
                    grpc.aio.Metadata(
                        ("logokraft-reason", "service_stopping"), ("retry-after", "0")
                    ),
                    details="This service is stopping; call again",
                )
            yield prompt_service_pb2.WatchProjectResponse(event=event)


async def test_the_example_resumes_an_interrupted_watch_after_its_last_event(capsys) -> None:
    """GRPC.md says to resume a watch with `after_sequence`; the example's own watch ended
    the whole run with "gRPC call failed: UNAVAILABLE" when a service stopped mid-watch."""
    stub = InterruptedWatches()
    await load_example().watch_to_done(stub, "p1", ())
    assert stub.asked == [0, 1]
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed if line.startswith("  #")] == [
        "#0",
        "#1",
        "#2",
        "#3",
    ]
    assert "  (watch interrupted: This service is stopping; call again; resuming after #1)" in (
        printed
    )


def test_the_example_names_every_kind_of_watch_event():
    """A `queue` event (places in line) is not a `done`: the example printed
    "done: unspecified (0 completed, 0 failed)" for it, mid-stream."""
    example = load_example()
    queue = common_pb2.ProjectEvent(
        sequence=3,
        queue=common_pb2.QueuePositions(
            positions=[common_pb2.AssetQueuePosition(asset_id="a1", queue_position=2)]
        ),
    )
    done = common_pb2.ProjectEvent(
        done=common_pb2.ProjectDone(
            status=common_pb2.PROJECT_STATUS_COMPLETED, completed_assets=2, failed_assets=0
        )
    )

    assert example.describe(queue) == "queue: a1 #2"
    assert example.describe(common_pb2.ProjectEvent(queue=common_pb2.QueuePositions())) == (
        "queue: nothing waiting"
    )
    assert example.describe(done) == "done: completed (2 completed, 0 failed)"
    assert example.describe(common_pb2.ProjectEvent()) == "unknown event"
