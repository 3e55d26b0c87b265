"""Server-Sent Events: the project's gRPC event stream as `text/event-stream` frames."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from opentelemetry import trace

from logokraft.v1 import common_pb2, prompt_service_pb2
from logokraft_gateway.convert import (
    UrlSigning,
    asset_public,
    project_public,
    project_status,
    project_summary,
)
from logokraft_gateway.schemas import (
    AssetEventPublic,
    DoneEventPublic,
    ProjectEventPublic,
    QueueEventPublic,
    QueuePositionPublic,
    SnapshotEventPublic,
    stream_event_schema,
)
from logokraft_kit.metrics import SSE_STREAMS_OPEN

log = logging.getLogger(__name__)

# No Connection header: the server says whether the connection stays open (an HTTP/1.0 client
# got `keep-alive` from here and `close` from uvicorn), and HTTP/2 forbids it.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
KEEPALIVE = ": keepalive\n\n"

# The OpenAPI `responses=` entry of a 200 project stream: each event's name, id and JSON data.
STREAM_RESPONSE: dict[str, Any] = {
    "description": "Events `snapshot`, `asset`, `project`, `done` with increasing ids, and "
    "`queue` (places in line of queued assets) without an id. A project deleted while the "
    "stream is open ends it with `done` (`deleted: true`).",
    "content": {"text/event-stream": {"schema": stream_event_schema()}},
}


def frame(*, event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    """One SSE event (JSON data on a single line)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.append(f"data: {json.dumps(data, separators=(',', ':'), default=str)}")
    return "\n".join(lines) + "\n\n"


async def event_frame(
    event: common_pb2.ProjectEvent, signing: UrlSigning, *, with_id: bool = True
) -> str | None:
    """The SSE frame of one project event; None for an event of an unknown kind.

    `with_id=False` leaves the id out, for an event that does not advance the
    stream (a `done` that closes a snapshot of a finished project shares the
    snapshot's sequence), so ids on the wire strictly increase. A `queue` event is
    never recorded, so it never carries an id: a client resuming after it must not
    skip the recorded event that shares its sequence.
    """
    kind = event.WhichOneof("change")
    data: (
        SnapshotEventPublic
        | AssetEventPublic
        | ProjectEventPublic
        | QueueEventPublic
        | DoneEventPublic
    )
    if kind == "snapshot":
        data = SnapshotEventPublic(project=await project_public(event.snapshot, signing))
    elif kind == "asset":
        data = AssetEventPublic(asset=await asset_public(event.asset, signing))
    elif kind == "project":
        data = ProjectEventPublic(project=project_summary(event.project))
    elif kind == "queue":
        data = QueueEventPublic(
            positions=[
                QueuePositionPublic(asset_id=p.asset_id, queue_position=p.queue_position)
                for p in event.queue.positions
                if p.queue_position > 0
            ]
        )
        with_id = False
    elif kind == "done":
        data = DoneEventPublic(
            status=project_status(event.done.status),  # type: ignore[arg-type]
            completed_assets=event.done.completed_assets,
            failed_assets=event.done.failed_assets,
            deleted=event.done.deleted,
        )
    else:
        return None
    return frame(
        event=kind, data=data.model_dump(mode="json"), event_id=event.sequence if with_id else None
    )


def try_again_frames(reason: str, retry_ms: int) -> list[str]:
    """A stream with no event that only tells an EventSource when to connect again.

    Its `Last-Event-ID` stays what it was, so the next connection resumes where it left off.
    """
    return [f": {reason}; connect again\n", f"retry: {retry_ms}\n\n"]


async def project_stream(
    call: grpc.aio.UnaryStreamCall,
    *,
    signing: UrlSigning,
    heartbeat_seconds: float,
    retry_ms: int,
    after_sequence: int = 0,
    first: prompt_service_pb2.WatchProjectResponse | None = None,
) -> AsyncIterator[str]:
    """SSE frames of a WatchProject call, with keepalives while idle; cancels the call on exit.

    A stream resumed after `after_sequence` (the client's Last-Event-ID) sends no id up to
    it again: resumed after a settled project's last event, it sends `done` at that sequence.
    `first` is the call's first message when the caller has read it already.
    """
    _cancel_when_streaming_ends(call)
    messages = _starting_with(first, aiter(call))
    last_id = after_sequence if after_sequence > 0 else -1
    request_span = trace.get_current_span()
    seen = _AssetsSeen()
    SSE_STREAMS_OPEN.inc()
    try:
        yield f"retry: {retry_ms}\n\n"
        async for message in _with_heartbeats(messages.__anext__, heartbeat_seconds):
            if message is None:
                yield KEEPALIVE
                continue
            advances = message.event.sequence > last_id
            text = await event_frame(message.event, signing, with_id=advances)
            last_id = max(last_id, message.event.sequence)
            seen.note(message.event)
            if text is not None:
                _record_event(request_span, message.event)
                yield text
            if message.event.WhichOneof("change") == "done":
                return
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            # Deleted while streaming, and the cancel's `done` did not reach this watch (the
            # log went with the project): end with a `done` that says so. Reconnecting would
            # only meet a 404.
            log.info("project stream ended: the project was deleted")
            yield deleted_frame(seen)
            return
        # The response has started; the client reconnects with Last-Event-ID.
        log.warning("project stream ended early: %s %s", error.code(), error.details())
    finally:
        SSE_STREAMS_OPEN.dec()
        call.cancel()


async def _starting_with(
    first: prompt_service_pb2.WatchProjectResponse | None,
    rest: AsyncIterator[prompt_service_pb2.WatchProjectResponse],
) -> AsyncIterator[prompt_service_pb2.WatchProjectResponse]:
    if first is not None:
        yield first
    async for message in rest:
        yield message


class _AssetsSeen:
    """The status of every asset a stream reported (its snapshot and asset events)."""

    def __init__(self) -> None:
        self._status: dict[str, int] = {}

    def note(self, event: common_pb2.ProjectEvent) -> None:
        kind = event.WhichOneof("change")
        if kind == "snapshot":
            self._status.update({asset.id: asset.status for asset in event.snapshot.assets})
        elif kind == "asset":
            self._status[event.asset.id] = event.asset.status

    def count(self, status: int) -> int:
        return sum(1 for seen in self._status.values() if seen == status)


def deleted_frame(seen: _AssetsSeen) -> str:
    """The `done` of a project found deleted mid-stream: cancelled (a delete cancels first),
    `deleted`, with the counts of what the stream had reported; no id, as nothing recorded it."""
    data = DoneEventPublic(
        status="cancelled",
        completed_assets=seen.count(common_pb2.ASSET_STATUS_COMPLETED),
        failed_assets=seen.count(common_pb2.ASSET_STATUS_FAILED),
        deleted=True,
    )
    return frame(event="done", data=data.model_dump(mode="json"))


def _record_event(span: trace.Span, event: Any) -> None:
    """Note an event sent on the stream's span: which change, its sequence, its asset."""
    if not span.is_recording():
        return
    change = event.WhichOneof("change") or "unknown"
    attributes: dict[str, str | int] = {"logokraft.sequence": event.sequence}
    if change == "asset":
        attributes["logokraft.asset_id"] = event.asset.id
    span.add_event(f"sse {change}", attributes)


def _cancel_when_streaming_ends(call: grpc.aio.UnaryStreamCall) -> None:
    """Cancel the call as soon as the task writing the response ends, however it ends.

    A client that disconnects while a frame is being written to it leaves this generator
    suspended at its `yield`, and its `finally` runs only when the generator is closed or
    collected; the service's watch (and the NATS subscription it holds) must not wait for that.
    """
    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(lambda _: call.cancel())


async def _with_heartbeats(
    next_message: Callable[[], Awaitable[prompt_service_pb2.WatchProjectResponse]],
    interval: float,
) -> AsyncIterator[prompt_service_pb2.WatchProjectResponse | None]:
    """Messages as they come, and None whenever `interval` passes without one."""
    pending: asyncio.Future | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(next_message())
            done, _ = await asyncio.wait({pending}, timeout=interval)
            if not done:
                yield None
                continue
            try:
                message = pending.result()
            except StopAsyncIteration:
                return
            pending = None
            yield message
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, grpc.RpcError):
                await pending
