"""The whole LogoKraft flow over gRPC alone, as an internal caller does it with a user's token.

    python docs/examples/grpc_client.py --prompt 127.0.0.1:PORT --refine 127.0.0.1:PORT \
        --token "$(make -s token)" [--brand NAME]

Creates a project (a brief, no images), watches it until `done`, reads it, refines its first
completed logo ("make it navy", one variation) until the variation is completed or failed,
and prints the variation's lineage. Exits 0 on success; prints the status and exits 1 when
a call fails (for example UNAUTHENTICATED with a bad token). `make run` prints the two
addresses in its banner; the token defaults to the LOGOKRAFT_TOKEN environment variable.
See docs/GRPC.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid

import grpc

from logokraft.v1 import common_pb2, prompt_service_pb2, refine_service_pb2
from logokraft.v1.prompt_service_pb2_grpc import PromptServiceStub
from logokraft.v1.refine_service_pb2_grpc import RefineServiceStub

UNARY_DEADLINE_S = 10.0  # every unary call gets a deadline
STREAM_DEADLINE_S = 300.0  # a watch or a refinement lasts as long as the drawing takes
TERMINAL = (common_pb2.ASSET_STATUS_COMPLETED, common_pb2.ASSET_STATUS_FAILED)
MAX_RESUMES = 5  # how many times an interrupted (UNAVAILABLE) watch is resumed


def asset_status(value: int) -> str:
    return common_pb2.AssetStatus.Name(value).removeprefix("ASSET_STATUS_").lower()


def project_status(value: int) -> str:
    return common_pb2.ProjectStatus.Name(value).removeprefix("PROJECT_STATUS_").lower()


def describe(event: common_pb2.ProjectEvent) -> str:
    """One line for one WatchProject event."""
    change = event.WhichOneof("change")
    if change == "snapshot":
        project = event.snapshot
        return f"snapshot: {project_status(project.status)}, {len(project.assets)} assets"
    if change == "asset":
        return f"asset {event.asset.id} {asset_status(event.asset.status)}"
    if change == "project":
        return f"project {project_status(event.project.status)}"
    if change == "queue":  # queued candidates' places in line; 1 is drawn next
        places = ", ".join(
            f"{place.asset_id} #{place.queue_position}" for place in event.queue.positions
        )
        return f"queue: {places or 'nothing waiting'}"
    if change == "done":
        done = event.done
        return (
            f"done: {project_status(done.status)} "
            f"({done.completed_assets} completed, {done.failed_assets} failed)"
        )
    return f"{change or 'unknown'} event"  # a kind this example predates: skip it


async def watch_to_done(prompt: PromptServiceStub, project_id: str, auth: tuple) -> None:
    """Print every event of the project until `done`. A watch that ends UNAVAILABLE (a
    dropped connection, a service stopping: reason `service_stopping`) is resumed after the
    last sequence seen, so no event is missed or shown twice."""
    after = 0
    for attempt in range(1, MAX_RESUMES + 2):
        watch = prompt.WatchProject(
            prompt_service_pb2.WatchProjectRequest(project_id=project_id, after_sequence=after),
            metadata=auth,
            timeout=STREAM_DEADLINE_S,
        )
        try:
            async for response in watch:
                print(f"  #{response.event.sequence} {describe(response.event)}")
                after = max(after, response.event.sequence)
            return
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or attempt > MAX_RESUMES:
                raise
            trailers = dict(error.trailing_metadata() or ())
            wait = float(trailers.get("retry-after") or attempt)
            print(f"  (watch interrupted: {error.details()}; resuming after #{after})")
            await asyncio.sleep(wait)


async def run(prompt_address: str, refine_address: str, token: str, brand: str) -> int:
    # Every call carries the user's access token; the services verify it themselves.
    auth = (("authorization", f"Bearer {token}"),)
    async with (
        grpc.aio.insecure_channel(prompt_address) as prompt_channel,
        grpc.aio.insecure_channel(refine_address) as refine_channel,
    ):
        prompt = PromptServiceStub(prompt_channel)
        refine = RefineServiceStub(refine_channel)

        # 1. Create a project: the caller chooses its id (a repeat with the same id is a no-op).
        brief = common_pb2.BrandBrief(
            brand_name=brand,
            industry="coffee roastery",
            style=["minimal"],
            colors=["#0a2540"],
            num_candidates=2,
        )
        created = await prompt.CreateProject(
            prompt_service_pb2.CreateProjectRequest(project_id=str(uuid.uuid4()), brief=brief),
            metadata=auth,
            timeout=UNARY_DEADLINE_S,
        )
        project_id = created.project.id
        print(f"created project {project_id} ({project_status(created.project.status)})")

        # 2. Watch it: a snapshot, then every change, then `done`, where the stream ends.
        await watch_to_done(prompt, project_id, auth)

        # 3. Read it with its assets.
        answer = await prompt.GetProject(
            prompt_service_pb2.GetProjectRequest(project_id=project_id),
            metadata=auth,
            timeout=UNARY_DEADLINE_S,
        )
        project = answer.project
        print(f"project {project.id}: {project_status(project.status)}")
        for asset in project.assets:
            print(f"  asset {asset.id} {asset_status(asset.status)} {asset.image.path}")
        completed = [a for a in project.assets if a.status == common_pb2.ASSET_STATUS_COMPLETED]
        if not completed:
            print("no completed asset to refine", file=sys.stderr)
            return 1

        # 4. Refine the first completed asset; the stream ends when every variation has.
        parent = completed[0]
        print(f'refining asset {parent.id}: "make it navy", 1 variation')
        refinement = refine.RefineAsset(
            refine_service_pb2.RefineAssetRequest(
                asset_id=parent.id, instruction="make it navy", num_variations=1
            ),
            metadata=auth,
            timeout=STREAM_DEADLINE_S,
        )
        variations: list[common_pb2.Asset] = []
        shown: dict[str, int] = {}  # each message has every variation: print what changed
        async for response in refinement:
            variations = list(response.variations)
            for variation in variations:
                if shown.get(variation.id) != variation.status:
                    shown[variation.id] = variation.status
                    print(f"  variation {variation.id} {asset_status(variation.status)}")
            if all(v.status in TERMINAL for v in variations):
                break  # cancelling the stream would not cancel the jobs; here they are over
        if not variations or variations[0].status != common_pb2.ASSET_STATUS_COMPLETED:
            print("the variation did not complete", file=sys.stderr)
            return 1

        # 5. Its lineage: from the original candidate down to the variation.
        lineage = await refine.GetAssetLineage(
            refine_service_pb2.GetAssetLineageRequest(asset_id=variations[0].id),
            metadata=auth,
            timeout=UNARY_DEADLINE_S,
        )
        print(f"lineage of {variations[0].id} ({len(lineage.assets)} assets):")
        for asset in lineage.assets:
            made_by = f'"{asset.instruction}"' if asset.instruction else "candidate"
            print(f"  {asset.id} {made_by}")
    return 0


def explain(error: grpc.aio.AioRpcError) -> str:
    """The status, its message and LogoKraft's trailers (reason, retry-after)."""
    trailers = dict(error.trailing_metadata() or ())
    keys = ("logokraft-reason", "retry-after")
    extra = "".join(f" [{key}: {trailers[key]}]" for key in keys if key in trailers)
    return f"gRPC call failed: {error.code().name}: {error.details()}{extra}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", required=True, help="the prompt service, HOST:PORT")
    parser.add_argument("--refine", required=True, help="the refine service, HOST:PORT")
    parser.add_argument(
        "--token",
        default=os.environ.get("LOGOKRAFT_TOKEN"),
        help="a user's access token (default: $LOGOKRAFT_TOKEN)",
    )
    parser.add_argument("--brand", default="Acme Roasters", help="the brand name of the brief")
    args = parser.parse_args()
    token = (args.token or "").strip()  # a token read from a file ends with a newline
    if not token:
        parser.error("give --token or set LOGOKRAFT_TOKEN (e.g. `make -s token`)")
    if not token.isascii() or not token.isprintable():
        # gRPC metadata carries printable ASCII only: grpcio would refuse it with a traceback.
        parser.error(
            "the token has characters a token never has (quotes from a copy, a line break?); "
            "copy it again, e.g. from `make -s token`"
        )
    try:
        return asyncio.run(run(args.prompt, args.refine, token, args.brand))
    except grpc.aio.AioRpcError as error:
        print(explain(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
