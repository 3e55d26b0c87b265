"""GET /api/v1/projects/{id}/stream over a real uvicorn server: events, resume, auth, keepalive."""

from __future__ import annotations

import asyncio
import uuid

import grpc
import httpx
import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_dev.sse import SseEvent, SseReader

DEV = dev_user_id("dev")


def _asset(project_id: str, position: int, status: int, **fields) -> common_pb2.Asset:
    return common_pb2.Asset(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{project_id}/{position}")),
        project_id=project_id,
        position=position,
        prompt=f"prompt {position}",
        status=status,
        **fields,
    )


def _script(fake, project: common_pb2.Project) -> list[common_pb2.ProjectEvent]:
    pid = project.id
    image = common_pb2.StorageRef(
        bucket="generated-assets", path=f"{DEV}/{pid}/asset-0.png", content_type="image/png"
    )
    done_asset = _asset(
        pid,
        0,
        common_pb2.ASSET_STATUS_COMPLETED,
        image=image,
        width=1024,
        height=1024,
        provider="local",
        metadata_json='{"seed": 7}',
    )
    failed = _asset(
        pid,
        1,
        common_pb2.ASSET_STATUS_FAILED,
        error=common_pb2.AssetError(code="content_rejected", message="Try another prompt."),
    )
    summary = common_pb2.Project(
        id=pid, brief=project.brief, status=common_pb2.PROJECT_STATUS_COMPLETED
    )
    events = [
        common_pb2.ProjectEvent(sequence=1, snapshot=project),
        common_pb2.ProjectEvent(sequence=2, asset=_asset(pid, 0, common_pb2.ASSET_STATUS_QUEUED)),
        common_pb2.ProjectEvent(sequence=3, asset=done_asset),
        common_pb2.ProjectEvent(sequence=4, asset=failed),
        common_pb2.ProjectEvent(sequence=5, project=summary),
        common_pb2.ProjectEvent(
            sequence=6,
            done=common_pb2.ProjectDone(
                status=common_pb2.PROJECT_STATUS_COMPLETED, completed_assets=1, failed_assets=1
            ),
        ),
    ]
    fake.events[pid] = events
    project.event_sequence = events[-1].sequence  # what GetProject answers
    return events


async def _collect(url: str, **kwargs) -> tuple[httpx.Response, list[SseEvent]]:
    """The whole answer (read, so `.text` is what was sent) and, for a 200, its events."""
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream("GET", url, **kwargs) as response,
    ):
        await response.aread()
        if response.status_code != 200:
            return response, []
        return response, [event async for event in SseReader().events(response)]


@pytest.fixture
def project(fake) -> common_pb2.Project:
    return fake.add_project(DEV)


async def test_stream_sends_snapshot_assets_project_done_then_closes(live_url, auth, fake, project):
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    response, events = await _collect(url, headers=auth)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text.startswith("retry: 3000\n\n")
    assert [e.event for e in events] == [
        "snapshot",
        "asset",
        "asset",
        "asset",
        "project",
        "done",
    ]
    ids = [e.id for e in events]
    assert ids == sorted(ids) == [1, 2, 3, 4, 5, 6]

    data = [e.data for e in events]
    assert data[0]["project"]["id"] == project.id
    assert data[0]["project"]["assets"] == []
    assert data[0]["project"]["inspiration_images"] == []
    completed = data[2]["asset"]
    assert completed["status"] == "completed"
    assert completed["image_url"].startswith("http://testserver/api/v1/files/generated-assets/")
    assert completed["metadata"] == {"seed": 7}
    assert completed["width"] == 1024
    failed = data[3]["asset"]
    assert failed["error"] == {"code": "content_rejected", "message": "Try another prompt."}
    assert failed["image_url"] is None
    assert "assets" not in data[4]["project"]
    assert data[5] == {
        "status": "completed",
        "completed_assets": 1,
        "failed_assets": 1,
        "deleted": False,
    }
    [(user, request)] = fake.watch_requests
    assert user == str(DEV)
    assert request.after_sequence == 0


async def test_last_event_id_is_forwarded_as_after_sequence(live_url, auth, fake, project):
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    _, events = await _collect(url, headers={**auth, "Last-Event-ID": "3"})
    assert fake.watch_requests[0][1].after_sequence == 3
    assert [e.id for e in events] == [4, 5, 6]


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1_0", "+1", "1 2"])
async def test_invalid_last_event_id_is_400(live_url, auth, fake, project, value):
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    response, _ = await _collect(url, headers={**auth, "Last-Event-ID": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_last_event_id"
    assert "must be a non-negative integer in the digits 0-9" in error["message"]
    assert fake.watch_requests == []


async def test_two_last_event_ids_are_400(live_url, auth, fake, project):
    """Only the first was read: which one resumes the stream is the client's to say."""
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    headers = [*auth.items(), ("Last-Event-ID", "2"), ("Last-Event-ID", "5")]
    response, _ = await _collect(url, headers=headers)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_last_event_id"
    assert "sent more than once" in error["message"]
    assert fake.watch_requests == []


@pytest.mark.parametrize("value", ["9" * 5000, "1" + "0" * 20])
async def test_a_last_event_id_of_very_many_digits_is_400(live_url, auth, fake, project, value):
    """Not a 500 from int()'s 4300-digit limit: ahead of any project, and said so."""
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    response, _ = await _collect(url, headers={**auth, "Last-Event-ID": value})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_last_event_id"
    assert "larger than any event id; reconnect without it" in error["message"]
    assert fake.watch_requests == []


async def test_a_last_event_id_ahead_of_the_project_is_400_before_the_stream(
    live_url, auth, fake, project
):
    """Refused with a status, not a stream that ends at once (an EventSource would reconnect
    with the same id for ever)."""
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    response, _ = await _collect(url, headers={**auth, "Last-Event-ID": "7"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_last_event_id"
    assert "ahead of the project's latest event 6" in error["message"]
    assert fake.watch_requests == []


@pytest.mark.parametrize("code", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED])
async def test_a_reconnection_while_the_service_is_away_is_told_to_connect_again(
    live_url, auth, fake, project, code
):
    """A browser EventSource gives up on any answer but 200; a first connection gets the error."""
    fake.get_error = code
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    response, events = await _collect(url, headers={**auth, "Last-Event-ID": "3"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text == f": {code.name.lower()}; connect again\nretry: 3000\n\n"
    assert events == []
    assert fake.watch_requests == []

    first, _ = await _collect(url, headers=auth)
    assert first.status_code in (503, 504)
    assert first.json()["error"]["code"] in ("service_unavailable", "service_timeout")


async def test_a_project_deleted_mid_stream_ends_it_with_a_done_saying_so(
    live_url, auth, fake, project
):
    """The watch ends NOT_FOUND (the project and its log are gone, and the cancel's own
    `done` did not reach it): the stream still ends with a `done` a client can act on."""
    pid = project.id
    project.assets.extend(
        [
            _asset(pid, 0, common_pb2.ASSET_STATUS_COMPLETED),
            _asset(pid, 1, common_pb2.ASSET_STATUS_GENERATING),
            _asset(pid, 2, common_pb2.ASSET_STATUS_QUEUED),
        ]
    )
    fake.events[pid] = [
        common_pb2.ProjectEvent(sequence=4, snapshot=project),
        common_pb2.ProjectEvent(sequence=5, asset=_asset(pid, 1, common_pb2.ASSET_STATUS_FAILED)),
    ]
    fake.watch_ends_with = grpc.StatusCode.NOT_FOUND
    response, events = await _collect(f"{live_url}/api/v1/projects/{pid}/stream", headers=auth)

    assert response.status_code == 200
    assert [e.event for e in events] == ["snapshot", "asset", "done"]
    done = events[-1]
    assert done.data == {
        "status": "cancelled",
        "completed_assets": 1,
        "failed_assets": 1,
        "deleted": True,
    }
    assert done.id is None  # recorded nowhere: a client keeps the last real id


async def test_a_project_deleted_with_its_cancels_done_ends_with_that_done(
    live_url, auth, fake, project
):
    pid = project.id
    done = common_pb2.ProjectDone(
        status=common_pb2.PROJECT_STATUS_CANCELLED, completed_assets=2, deleted=True
    )
    fake.events[pid] = [
        common_pb2.ProjectEvent(sequence=3, snapshot=project),
        common_pb2.ProjectEvent(sequence=4, done=done),
    ]
    fake.hold_open = True  # the stream must end on the done, not on the watch ending
    _, events = await _collect(f"{live_url}/api/v1/projects/{pid}/stream", headers=auth)

    assert [(e.event, e.id) for e in events] == [("snapshot", 3), ("done", 4)]
    assert events[-1].data == {
        "status": "cancelled",
        "completed_assets": 2,
        "failed_assets": 0,
        "deleted": True,
    }


async def test_unknown_and_foreign_projects_are_404_json(live_url, auth, fake):
    foreign = fake.add_project(dev_user_id("bob"))
    for project_id in (str(uuid.uuid4()), foreign.id):
        response, _ = await _collect(
            f"{live_url}/api/v1/projects/{project_id}/stream", headers=auth
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"
    assert fake.watch_requests == []


async def test_stream_url_from_create_works_without_headers(live_url, auth, fake):
    async with httpx.AsyncClient(base_url=live_url) as http:
        created = await http.post(
            "/api/v1/projects",
            data={"brand_name": "Acme"},
            files=[("inspiration_images", ("", b"", "application/octet-stream"))],
            headers=auth,
        )
    assert created.status_code == 202, created.text
    body = created.json()
    fake.events[body["project_id"]] = [
        common_pb2.ProjectEvent(sequence=1, snapshot=fake.projects[body["project_id"]]),
        common_pb2.ProjectEvent(sequence=2, done=common_pb2.ProjectDone(status=4)),
    ]
    stream_url = body["stream_url"].replace("http://testserver", live_url)
    response, events = await _collect(stream_url)
    assert response.status_code == 200
    assert [e.event for e in events] == ["snapshot", "done"]

    other = fake.add_project(DEV)
    token = stream_url.split("access_token=")[1]
    response, _ = await _collect(
        f"{live_url}/api/v1/projects/{other.id}/stream?access_token={token}"
    )
    assert response.status_code == 401
    assert len(fake.watch_requests) == 1


async def test_user_token_in_query_is_refused(live_url, token_for, fake, project):
    # Only stream tokens may travel in a URL (see test_gateway_token_hygiene.py).
    _script(fake, project)
    url = f"{live_url}/api/v1/projects/{project.id}/stream?access_token={token_for('dev')}"
    response, _ = await _collect(url)
    assert response.status_code == 401
    assert fake.watch_requests == []


async def test_stream_without_token_is_401(live_url, fake, project):
    response, _ = await _collect(f"{live_url}/api/v1/projects/{project.id}/stream")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_keepalive_while_idle_and_disconnect_cancels_the_call(live_url, auth, fake, project):
    fake.events[project.id] = [common_pb2.ProjectEvent(sequence=1, snapshot=project)]
    fake.hold_open = True
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    reader = SseReader()
    async with httpx.AsyncClient(timeout=10) as http, http.stream("GET", url, headers=auth) as r:
        assert r.status_code == 200
        events = reader.events(r)
        assert (await anext(events)).event == "snapshot"
        with pytest.raises(TimeoutError):
            # Idle: no event comes, only keepalive comments (every 0.05 s here).
            await asyncio.wait_for(anext(events), timeout=0.5)
        assert reader.comments > 0
    await asyncio.wait_for(fake.watch_cancelled.wait(), timeout=5)


async def test_the_snapshot_signs_the_projects_inspiration_images(live_url, auth, fake, project):
    path = f"{DEV}/{project.id}/inspiration-1.png"
    project.inspiration_images.append(
        common_pb2.StorageRef(bucket="inspiration-images", path=path, content_type="image/png")
    )
    fake.events[project.id] = [
        common_pb2.ProjectEvent(sequence=1, snapshot=project),
        common_pb2.ProjectEvent(
            sequence=2, done=common_pb2.ProjectDone(status=common_pb2.PROJECT_STATUS_COMPLETED)
        ),
    ]
    url = f"{live_url}/api/v1/projects/{project.id}/stream"
    _, events = await _collect(url, headers=auth)
    [image] = events[0].data["project"]["inspiration_images"]
    assert f"/api/v1/files/inspiration-images/{path}?" in image["url"]
    assert "signature=" in image["url"]


async def test_a_fresh_stream_reads_the_project_once(live_url, auth, fake, project):
    """The watch's snapshot answers what a separate read of the project would (a 404 before
    the 200 included): opening a stream costs the prompt service one read, not two."""
    _script(fake, project)
    response, events = await _collect(
        f"{live_url}/api/v1/projects/{project.id}/stream", headers=auth
    )
    assert response.status_code == 200
    assert events[0].event == "snapshot" and events[-1].event == "done"
    assert fake.calls.count("WatchProject") == 1
    assert "GetProject" not in fake.calls

    missing = await _collect(f"{live_url}/api/v1/projects/{uuid.uuid4()}/stream", headers=auth)
    assert missing[0].status_code == 404
    assert missing[0].json()["error"]["code"] == "not_found"


async def test_a_fresh_stream_whose_service_does_not_answer_is_504(settings, auth, fake, project):
    """Without a read of its own first, the stream's opening keeps the services' deadline."""
    from logokraft_dev.asgi import serve_asgi
    from logokraft_gateway.app import create_app

    fake.hold_open = True  # no event at all: the watch never sends its snapshot
    app = create_app(settings.model_copy(update={"grpc_deadline_seconds": 0.3}))
    async with serve_asgi(app, lifespan="on") as base_url:
        url = f"{base_url}/api/v1/projects/{project.id}/stream"
        response, _ = await asyncio.wait_for(_collect(url, headers=auth), 10)
        assert response.status_code == 504
        assert response.json()["error"]["code"] == "service_timeout"
        await asyncio.wait_for(fake.watch_cancelled.wait(), 10)  # the watch was let go


async def test_an_http_1_0_stream_is_told_close_once_not_keep_alive_too(
    live_url, auth, fake, project
):
    """The stream set `Connection: keep-alive` itself, so an HTTP/1.0 client (which the
    server closes on) got both `keep-alive` and `close`. Connection is the server's to say
    (HTTP/2 forbids the header outright): the stream no longer sends it."""
    _script(fake, project)
    host, port = live_url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    request = (
        f"GET /api/v1/projects/{project.id}/stream HTTP/1.0\r\nHost: {host}\r\n"
        f"Authorization: {auth['Authorization']}\r\n\r\n"
    )
    writer.write(request.encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    writer.close()
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].endswith("200 OK"), lines
    connection = [
        line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("connection:")
    ]
    assert connection == ["close"], lines
