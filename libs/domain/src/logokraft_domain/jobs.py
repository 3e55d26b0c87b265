"""Typed jobs: the work that travels on the JetStream work queue, and who consumes it.

    WritePrompts   prompts        prompt service     write a project's prompts, queue candidates
    DrawCandidate  images-first   imagegen service   draw a project's first candidate (position 0)
                   images                            draw any other candidate
    DrawVariation  refinements    refine service     write one variation's prompt and draw it

Fair scheduling: a candidate's queue is its lane. The imagegen worker serves its lanes in
priority order (logokraft_kit.worker), so every waiting project gets its first logo
(`images-first`) before any project gets its later ones (`images`); each lane is FIFO, so
a user's projects are served in the order they were made. A failed candidate retried is
queued as its project's first logo (`images-first`) while the project has no completed one,
whatever its position, and as a later one (`images`) once it has, even at position 0. A job
without a position (one published before lanes existed) goes to `images`, which the same
worker still drains.
Variations travel on their own queue, served by the refine service, and never wait on
candidates.

Each job type knows its queue (the subject `{namespace}.jobs.<queue>` and the durable
consumer `{namespace}-<durable>` that replicas share), its JSON payload and its
`Nats-Msg-Id`. The id names the work (`image:<asset id>`), so JetStream drops a second
publish of the same job inside its duplicate window; a job the sweeper publishes again
names the state it found stuck (`image:<asset id>:swept:<updated_at in ms>`, see
sweeper.py), and one a retry of a failed candidate publishes names the retry
(`image:<asset id>:retry:<retried_at in ms>`). Publishers and the sweeper build ids only here.

A retried candidate is drawn again from the same asset row, so a job says which drawing of
it it is for (`DrawCandidate.drawing`: the asset's `retried_at` when the job was published,
`drawing_of`); the worker acknowledges and skips a job whose drawing the asset is no longer
on (asset_jobs.AssetJobs.start). Without it, a first drawing's job redelivered after a retry
(its worker died between failing the asset and acknowledging the job) would find the asset
`queued` again and draw it beside the retry's own job. A job that does not say (one
published before the field existed) is for the first drawing.

Delivery is at least once, so every handler is idempotent (see asset_jobs.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, TypeVar

from logokraft_kit.bus import JobPublisher, Subjects
from logokraft_kit.service import Consumer, Lane
from logokraft_kit.worker import Delivery, MalformedJob


@dataclass(frozen=True)
class Queue:
    """One work queue: its subject's last part, its consumer's name, its message-id prefix."""

    name: str
    durable: str
    id_prefix: str

    def subject(self, subjects: Subjects) -> str:
        """The queue's subject under a namespace."""
        return subjects.jobs(self.name)


PROMPTS = Queue(name="prompts", durable="prompt-writer", id_prefix="prompts")
IMAGES = Queue(name="images", durable="imagegen", id_prefix="image")
FIRST_IMAGES = Queue(name="images-first", durable="imagegen-first", id_prefix="image")
REFINEMENTS = Queue(name="refinements", durable="refine", id_prefix="refine")


@dataclass(frozen=True)
class Job:
    """A unit of durable work; subclasses name their queue and the id of what they work on."""

    queue: ClassVar[Queue]  # the job type's main queue (its only one unless `lanes` says more)

    @classmethod
    def lanes(cls) -> tuple[Queue, ...]:
        """Every queue jobs of this type travel on, in the order workers serve them."""
        return (cls.queue,)

    @property
    def lane(self) -> Queue:
        """The queue this job is published on."""
        return self.queue

    @property
    def work_id(self) -> uuid.UUID:
        """The id of the project or asset this job works on."""
        raise NotImplementedError

    @property
    def msg_id(self) -> str:
        """The Nats-Msg-Id the job is first published with."""
        return f"{self.queue.id_prefix}:{self.work_id}"

    def swept_msg_id(self, updated_at: dt.datetime) -> str:
        """The Nats-Msg-Id of the job published again for work stuck since `updated_at`."""
        return f"{self.msg_id}:swept:{int(updated_at.timestamp() * 1000)}"

    def retried_msg_id(self, retried_at: dt.datetime) -> str:
        """The Nats-Msg-Id of the job published again by a retry of failed work (its own
        drawing, not a duplicate of the first one's job within the duplicate window)."""
        return f"{self.msg_id}:retry:{int(retried_at.timestamp() * 1000)}"

    def payload(self) -> dict[str, Any]:
        """The job as JSON-ready data (ids as strings, fields in declaration order).

        An optional field left unset (None by default) is left out, so the payload is the
        one workers deployed before the field existed read.
        """
        return {
            field.name: str(value) if isinstance(value, uuid.UUID) else value
            for field in dataclasses.fields(self)
            for value in [getattr(self, field.name)]
            if value is not None or field.default is not None
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        """The job a payload carries; MalformedJob when it is not one."""
        try:
            return cls(**{f.name: _read(f, payload) for f in dataclasses.fields(cls)})
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MalformedJob(f"not a {cls.__name__} job: {json.dumps(payload)[:200]}") from error

    async def publish(self, jobs: JobPublisher, *, msg_id: str | None = None) -> None:
        """Publish, signed, on the job's lane, once per message id (the job's own by default).

        Every lane of a job type is on the one jobs stream and shares the type's id prefix,
        so JetStream drops a repeat of the same work whichever lane it comes on.
        """
        await jobs.publish(self.lane.name, self.payload(), msg_id=msg_id or self.msg_id)


def _read(field: dataclasses.Field[Any], payload: dict[str, Any]) -> Any:
    if field.name not in payload and field.default is not dataclasses.MISSING:
        return field.default
    value = payload[field.name]
    if field.type in ("uuid.UUID", uuid.UUID):
        return uuid.UUID(str(value))
    if field.type in ("int", int):
        return int(value)
    if field.type in ("int | None", "Optional[int]"):
        return None if value is None else int(value)
    if field.type in ("bool | None", "Optional[bool]") and not isinstance(value, bool | None):
        raise TypeError(f"{field.name} is not true or false")
    return value


@dataclass(frozen=True)
class WritePrompts(Job):
    """Write a project's prompts; each prompt becomes a candidate and a DrawCandidate job."""

    queue: ClassVar[Queue] = PROMPTS
    project_id: uuid.UUID
    user_id: uuid.UUID

    @property
    def work_id(self) -> uuid.UUID:
        """The project."""
        return self.project_id


@dataclass(frozen=True)
class DrawCandidate(Job):
    """Draw one candidate asset from its stored prompt.

    Its lane follows its position: a project's first candidate (position 0) on
    `images-first`, the others (and a job that does not say) on `images`. A retried
    candidate's follows its project instead (`project_has_logo`): on `images-first` while the
    project has no completed logo, whatever its position, else on `images`.
    """

    queue: ClassVar[Queue] = IMAGES
    asset_id: uuid.UUID
    project_id: uuid.UUID
    user_id: uuid.UUID
    position: int | None = None  # the candidate's place in its project; None: not known
    # Which drawing of the asset the job is for: drawing_of(its retried_at); None: the first.
    drawing: int | None = None
    # A retry's: whether the project had a completed logo when it was queued; None: not a
    # retry, the lane follows the position. Workers do not read it (the lane is the publisher's).
    project_has_logo: bool | None = None

    @classmethod
    def lanes(cls) -> tuple[Queue, ...]:
        """First candidates first, then the rest."""
        return (FIRST_IMAGES, IMAGES)

    @property
    def lane(self) -> Queue:
        """`images-first` for a project's first candidate (a retried one: while the project has
        no completed logo), else `images`."""
        if self.project_has_logo is not None:
            return IMAGES if self.project_has_logo else FIRST_IMAGES
        return FIRST_IMAGES if self.position == 0 else IMAGES

    @property
    def work_id(self) -> uuid.UUID:
        """The asset."""
        return self.asset_id


@dataclass(frozen=True)
class DrawVariation(Job):
    """Write one variation's prompt from its instruction, then draw it."""

    queue: ClassVar[Queue] = REFINEMENTS
    asset_id: uuid.UUID
    project_id: uuid.UUID
    user_id: uuid.UUID
    count: int = 1  # how many variations the refinement makes (the refiner varies each)

    @property
    def work_id(self) -> uuid.UUID:
        """The variation (an asset)."""
        return self.asset_id


def drawing_of(retried_at: dt.datetime | None) -> int | None:
    """The drawing an asset is on, as a job names it: its `retried_at` in whole microseconds
    since the epoch (exact, as Postgres stores it), None for the first drawing."""
    if retried_at is None:
        return None
    return (retried_at - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


J = TypeVar("J", bound=Job)


class QueueSettings(Protocol):
    """How hard a service works its queue (each service names these in its config.py)."""

    @property
    def concurrency(self) -> int: ...  # jobs in flight at once per process

    job_ack_wait_s: float  # silence before JetStream hands a job to another worker
    job_max_attempts: int  # attempts before a failing job's work fails for good


def consumer(
    job_type: type[J], handle: Callable[[J, Delivery], Awaitable[None]], settings: QueueSettings
) -> Consumer:
    """The durable consumer that runs `handle` for every job of `job_type`'s queues.

    A type with several lanes (DrawCandidate) gets one worker that serves the lanes ahead of
    its main queue first, sharing its `concurrency` slots (logokraft_kit.worker).
    """

    async def handler(payload: dict[str, Any], delivery: Delivery) -> None:
        await handle(job_type.from_payload(payload), delivery)

    lanes = job_type.lanes()
    ahead = lanes[: lanes.index(job_type.queue)]
    return Consumer(
        queue=job_type.queue.name,
        durable=job_type.queue.durable,
        handler=handler,
        concurrency=settings.concurrency,
        ack_wait=settings.job_ack_wait_s,
        max_attempts=settings.job_max_attempts,
        lanes_ahead=tuple(Lane(queue=q.name, durable=q.durable) for q in ahead),
    )
