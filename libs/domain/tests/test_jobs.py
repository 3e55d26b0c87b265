"""Typed jobs keep the wire format every deployed worker reads, and build every message id."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from types import SimpleNamespace

import pytest

from logokraft_domain.jobs import DrawCandidate, DrawVariation, WritePrompts, consumer, drawing_of
from logokraft_kit.bus import Subjects
from logokraft_kit.worker import Delivery, MalformedJob

ASSET = uuid.UUID("11111111-1111-4111-8111-111111111111")
PROJECT = uuid.UUID("22222222-2222-4222-8222-222222222222")
USER = uuid.UUID("33333333-3333-4333-8333-333333333333")


def wire(job) -> str:
    """The bytes `publish_job` sends for a job's payload."""
    return json.dumps(job.payload(), separators=(",", ":"))


def test_payloads_are_the_json_workers_have_always_read() -> None:
    # The exact bytes of the hand-built dicts these types replaced: a worker deployed from an
    # older commit reads jobs published by a newer one, and the other way round.
    assert wire(WritePrompts(project_id=PROJECT, user_id=USER)) == (
        f'{{"project_id":"{PROJECT}","user_id":"{USER}"}}'
    )
    assert wire(DrawCandidate(asset_id=ASSET, project_id=PROJECT, user_id=USER)) == (
        f'{{"asset_id":"{ASSET}","project_id":"{PROJECT}","user_id":"{USER}"}}'
    )
    assert wire(DrawVariation(asset_id=ASSET, project_id=PROJECT, user_id=USER, count=3)) == (
        f'{{"asset_id":"{ASSET}","project_id":"{PROJECT}","user_id":"{USER}","count":3}}'
    )


def test_message_ids_name_the_work_and_a_sweep_names_the_state_it_found() -> None:
    moment = dt.datetime(2026, 12, 4, 12, 0, 0, 250_000, tzinfo=dt.UTC)
    millis = int(moment.timestamp() * 1000)
    assert WritePrompts(project_id=PROJECT, user_id=USER).msg_id == f"prompts:{PROJECT}"
    candidate = DrawCandidate(asset_id=ASSET, project_id=PROJECT, user_id=USER)
    assert candidate.msg_id == f"image:{ASSET}"
    assert candidate.swept_msg_id(moment) == f"image:{ASSET}:swept:{millis}"
    variation = DrawVariation(asset_id=ASSET, project_id=PROJECT, user_id=USER)
    assert variation.msg_id == f"refine:{ASSET}"


def test_each_job_type_has_its_own_queue_subject() -> None:
    subjects = Subjects("ns")
    assert WritePrompts.queue.subject(subjects) == "ns.jobs.prompts"
    assert DrawCandidate.queue.subject(subjects) == "ns.jobs.images"
    assert DrawVariation.queue.subject(subjects) == "ns.jobs.refinements"
    durables = {WritePrompts.queue.durable, DrawCandidate.queue.durable}
    assert len(durables | {DrawVariation.queue.durable}) == 3


@pytest.mark.parametrize(
    "job", [WritePrompts(PROJECT, USER), DrawCandidate(ASSET, PROJECT, USER)], ids=repr
)
def test_a_payload_reads_back_as_the_same_job(job) -> None:
    assert type(job).from_payload(json.loads(wire(job))) == job


def test_a_variation_job_without_a_count_is_one_of_one() -> None:
    payload = {"asset_id": str(ASSET), "project_id": str(PROJECT), "user_id": str(USER)}
    assert DrawVariation.from_payload(payload).count == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"project_id": str(PROJECT)},
        {"project_id": "not-a-uuid", "user_id": str(USER)},
        {"project_id": str(PROJECT), "user_id": None},
    ],
)
def test_a_payload_that_is_not_the_job_is_malformed(payload) -> None:
    with pytest.raises(MalformedJob):
        WritePrompts.from_payload(payload)


async def test_a_consumer_hands_its_handler_the_typed_job() -> None:
    seen: list[DrawCandidate] = []

    async def handle(job: DrawCandidate, delivery: Delivery) -> None:
        seen.append(job)

    knobs = SimpleNamespace(concurrency=3, job_ack_wait_s=7.0, job_max_attempts=2)
    declared = consumer(DrawCandidate, handle, knobs)
    assert (declared.queue, declared.durable) == ("images", "imagegen")
    assert (declared.concurrency, declared.ack_wait, declared.max_attempts) == (3, 7.0, 2)
    job = DrawCandidate(asset_id=ASSET, project_id=PROJECT, user_id=USER)
    await declared.handler(job.payload(), Delivery(attempt=1, max_attempts=2))
    assert seen == [job]
    with pytest.raises(MalformedJob):
        await declared.handler({"asset_id": "x"}, Delivery(attempt=1, max_attempts=2))


def test_a_candidate_job_names_the_drawing_it_is_for_and_an_old_one_the_first() -> None:
    retried_at = dt.datetime(2026, 12, 7, 2, 17, 58, 23_675, tzinfo=dt.UTC)
    drawing = drawing_of(retried_at)
    assert drawing == int(retried_at.timestamp()) * 1_000_000 + 23_675  # exact to the µs
    assert drawing_of(retried_at.astimezone(dt.timezone(dt.timedelta(hours=5)))) == drawing
    assert drawing_of(None) is None
    retry = DrawCandidate(ASSET, PROJECT, USER, position=0, drawing=drawing)
    assert json.loads(wire(retry))["drawing"] == drawing
    assert DrawCandidate.from_payload(json.loads(wire(retry))) == retry
    # A job published before the field existed is for the first drawing.
    old = {"asset_id": str(ASSET), "project_id": str(PROJECT), "user_id": str(USER)}
    assert DrawCandidate.from_payload(old).drawing is None


@pytest.mark.parametrize(
    ("position", "project_has_logo", "lane"),
    [
        (0, None, "images-first"),  # a first drawing: by position
        (2, None, "images"),
        (None, None, "images"),
        (2, False, "images-first"),  # a retry: by whether its project has a logo yet
        (0, True, "images"),
    ],
)
def test_a_retried_candidates_lane_follows_its_project_not_its_position(
    position, project_has_logo, lane
) -> None:
    job = DrawCandidate(ASSET, PROJECT, USER, position=position, project_has_logo=project_has_logo)
    assert job.lane.name == lane
    assert DrawCandidate.from_payload(json.loads(wire(job))) == job
    if project_has_logo is None:
        assert "project_has_logo" not in job.payload()  # the job as it always was


def test_a_candidate_job_whose_project_has_logo_is_not_a_boolean_is_malformed() -> None:
    payload = {"asset_id": str(ASSET), "project_id": str(PROJECT), "user_id": str(USER)}
    with pytest.raises(MalformedJob):
        DrawCandidate.from_payload({**payload, "project_has_logo": "yes"})
