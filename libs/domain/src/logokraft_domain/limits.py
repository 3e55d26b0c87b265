"""Per-user limits (images per day, projects in flight) and a global daily image budget,
checked race-free.

A new project or refinement must fit its owner's limits, or nothing is created
(ResourceExhausted, with a readable message and when to retry). Each check runs in the
transaction of the insert it guards, after `lock_user_limits`, so two concurrent
requests cannot both see room for the last image or project. The daily count reads the
`image_usage` ledger, which keeps counting an image after its project is deleted. Each
refusal counts in `logokraft_limit_refusals_total{limit=<reason>}`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ParamSpec

from pydantic import Field

from logokraft_kit.db import Connection
from logokraft_kit.errors import ResourceExhausted
from logokraft_kit.metrics import LIMIT_REFUSALS
from logokraft_kit.settings import EnvSettings

DAY_SECONDS = 24 * 3600
# The advisory-lock namespace of per-user limits ("LKLM"); the two-int key space does not
# overlap the single-bigint one the migration runner locks with.
_LIMITS_LOCK_CLASS = 0x4C4B_4C4D
# The one advisory lock of the global daily budget ("LKBG", key 0), always taken after the
# user's lock, so the order is the same in every transaction.
_BUDGET_LOCK_CLASS = 0x4C4B_4247


@dataclass(frozen=True)
class UserLimits:
    """How much one user may ask for; 0 means unlimited."""

    images_per_day: int = 200
    projects_in_flight: int = 3
    in_flight_retry_after_s: int = 30
    window_s: int = DAY_SECONDS
    daily_image_budget: int = 0  # images a day across ALL users; 0 = unlimited


async def lock_user_limits(conn: Connection, user_id: uuid.UUID) -> None:
    """Serialise the user's limit checks and inserts until this transaction ends.

    Every transaction that checks a limit and then inserts what the limit counts takes
    this lock first (before any row lock), so two concurrent requests cannot both see
    room for the last image or project.
    """
    await conn.execute(
        "select pg_advisory_xact_lock(%s::int, hashtext(%s::text))",
        [_LIMITS_LOCK_CLASS, str(user_id)],
    )


P = ParamSpec("P")


def _counting_refusals(check: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """The check, counting each refusal by its reason."""

    @functools.wraps(check)
    async def checked(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await check(*args, **kwargs)
        except ResourceExhausted as refusal:
            LIMIT_REFUSALS.labels(refusal.reason or "limit").inc()
            raise

    return checked


@_counting_refusals
async def check_projects_in_flight(
    conn: Connection, user_id: uuid.UUID, limits: UserLimits
) -> None:
    """ResourceExhausted when the user already has the most projects pending or generating."""
    if not limits.projects_in_flight:
        return
    cursor = await conn.execute(
        """
        select count(*) as n from brand_projects
        where user_id = %s and status in ('pending', 'generating')
        """,
        [user_id],
    )
    row = await cursor.fetchone()
    in_flight = int(row["n"]) if row else 0
    if in_flight < limits.projects_in_flight:
        return
    noun = "project" if in_flight == 1 else "projects"
    raise ResourceExhausted(
        f"You have {in_flight} {noun} in progress; wait for one to finish, then try again "
        f"(at most {limits.projects_in_flight} at a time).",
        reason="projects_in_flight_limit",
        retry_after=limits.in_flight_retry_after_s,
    )


@_counting_refusals
async def check_images_per_day(
    conn: Connection, user_id: uuid.UUID, limits: UserLimits, *, requested: int
) -> None:
    """ResourceExhausted when `requested` more images would pass the user's daily limit.

    Counted: every candidate and variation created in the window (from the `image_usage`
    ledger, which keeps counting an image after its project is deleted), plus the candidates
    of projects whose prompts are still being written (asked for, not yet inserted).
    `retry_after` is when enough of the oldest counted images leave the window.
    """
    limit = limits.images_per_day
    if not limit:
        return
    if requested > limit:
        raise ResourceExhausted(
            f"This asks for {requested} images, more than your limit of {limit} a day; "
            f"ask for at most {limit}.",
            reason="daily_image_limit",
        )
    cursor = await conn.execute(
        """
        select
          (select count(*) from image_usage
           where user_id = %(user)s
             and created_at > now() - make_interval(secs => %(window)s)) as made,
          (select coalesce(sum(greatest(p.num_candidates - (
                select count(*) from generated_assets a
                where a.project_id = p.id and a.parent_asset_id is null), 0)), 0)
           from brand_projects p
           where p.user_id = %(user)s and not p.prompts_written and p.status <> 'cancelled'
             and p.created_at > now() - make_interval(secs => %(window)s)) as pending
        """,
        {"user": user_id, "window": limits.window_s},
    )
    counts = await cursor.fetchone()
    assert counts is not None
    made, used = int(counts["made"]), int(counts["made"]) + int(counts["pending"])
    excess = used + requested - limit
    if excess <= 0:
        return
    wait = float(limits.window_s)  # images not made yet leave the window a day after they are
    if excess <= made:
        cursor = await conn.execute(
            """
            select extract(epoch from created_at + make_interval(secs => %(window)s) - now())
                   as wait
            from image_usage
            where user_id = %(user)s
              and created_at > now() - make_interval(secs => %(window)s)
            order by created_at offset %(skip)s limit 1
            """,
            {"user": user_id, "window": limits.window_s, "skip": excess - 1},
        )
        oldest = await cursor.fetchone()
        if oldest is not None:
            wait = float(oldest["wait"])
    wait = max(1, math.ceil(wait))
    if used >= limit:
        situation = f"You have used {used} of your {limit} images for today"
        advice = f"more are available in {describe_wait(wait)}"
    else:
        situation = (
            f"You have used {used} of your {limit} images for today and this asks for {requested}"
        )
        advice = (
            f"ask for at most {limit - used}, or wait {describe_wait(wait)} for more to be "
            "available"
        )
    raise ResourceExhausted(f"{situation}; {advice}.", reason="daily_image_limit", retry_after=wait)


@_counting_refusals
async def check_daily_budget(conn: Connection, limits: UserLimits, *, requested: int) -> None:
    """ResourceExhausted when `requested` more images would pass the daily budget of everyone.

    The budget caps what the providers are paid for in a day, whoever asks: every image in
    the `image_usage` ledger within the window, plus the candidates of projects whose prompts
    are still being written, across all users. Call it in the transaction of the insert it
    guards, after `lock_user_limits`: it takes one global advisory lock, so two concurrent
    requests cannot both take the last images. `retry_after` is when enough of the oldest
    images of the window leave it.
    """
    budget = limits.daily_image_budget
    if not budget:
        return
    await conn.execute("select pg_advisory_xact_lock(%s::int, 0)", [_BUDGET_LOCK_CLASS])
    # The count spans every user, which RLS hides from the caller's role: read it with the
    # service's own role for these statements only, then act for the user again.
    await conn.execute("set local role none")
    try:
        cursor = await conn.execute(
            """
            select
              (select count(*) from public.image_usage
               where created_at > now() - make_interval(secs => %(window)s)) as made,
              (select coalesce(sum(greatest(p.num_candidates - (
                    select count(*) from public.generated_assets a
                    where a.project_id = p.id and a.parent_asset_id is null), 0)), 0)
               from public.brand_projects p
               where not p.prompts_written and p.status <> 'cancelled'
                 and p.created_at > now() - make_interval(secs => %(window)s)) as pending
            """,
            {"window": limits.window_s},
        )
        counts = await cursor.fetchone()
        assert counts is not None
        made, used = int(counts["made"]), int(counts["made"]) + int(counts["pending"])
        excess = used + requested - budget
        if excess <= 0:
            return
        wait = float(limits.window_s)
        if 0 < excess <= made:
            cursor = await conn.execute(
                """
                select extract(epoch from created_at + make_interval(secs => %(window)s) - now())
                       as wait
                from public.image_usage
                where created_at > now() - make_interval(secs => %(window)s)
                order by created_at offset %(skip)s limit 1
                """,
                {"window": limits.window_s, "skip": excess - 1},
            )
            oldest = await cursor.fetchone()
            if oldest is not None:
                wait = float(oldest["wait"])
    finally:
        await conn.execute("set local role authenticated")
    wait = max(1, math.ceil(wait))
    raise ResourceExhausted(
        "LogoKraft has made as many images as it can today; more are available in "
        f"{describe_wait(wait)}.",
        reason="daily_budget_exhausted",
        retry_after=wait,
    )


@dataclass(frozen=True)
class Usage:
    """What a user has used of their limits (0 limits mean unlimited)."""

    images_used: int
    images_limit: int
    projects_in_flight: int
    projects_in_flight_limit: int
    window_s: int
    resets_at: dt.datetime | None  # when the oldest counted image leaves the window


async def usage(conn: Connection, user_id: uuid.UUID, limits: UserLimits) -> Usage:
    """The user's usage, counted as `check_images_per_day` and `check_projects_in_flight` count.

    `resets_at` is when the oldest image counted leaves the rolling window: the oldest ledger
    row's time (or, for candidates not yet written, their project's) plus the window.
    """
    cursor = await conn.execute(
        """
        with window_start as (select now() - make_interval(secs => %(window)s) as t),
        made as (
          select count(*) as n, min(created_at) as oldest from image_usage
          where user_id = %(user)s and created_at > (select t from window_start)
        ),
        pending as (
          select coalesce(sum(greatest(p.num_candidates - (
                   select count(*) from generated_assets a
                   where a.project_id = p.id and a.parent_asset_id is null), 0)), 0) as n,
                 min(p.created_at) filter (where p.num_candidates > (
                   select count(*) from generated_assets a
                   where a.project_id = p.id and a.parent_asset_id is null)) as oldest
          from brand_projects p
          where p.user_id = %(user)s and not p.prompts_written and p.status <> 'cancelled'
            and p.created_at > (select t from window_start)
        )
        select made.n as made, pending.n as pending,
               least(made.oldest, pending.oldest) + make_interval(secs => %(window)s)
                 as resets_at,
               (select count(*) from brand_projects
                where user_id = %(user)s and status in ('pending', 'generating')) as in_flight
        from made, pending
        """,
        {"user": user_id, "window": limits.window_s},
    )
    row = await cursor.fetchone()
    assert row is not None
    return Usage(
        images_used=int(row["made"]) + int(row["pending"]),
        images_limit=limits.images_per_day,
        projects_in_flight=int(row["in_flight"]),
        projects_in_flight_limit=limits.projects_in_flight,
        window_s=limits.window_s,
        resets_at=row["resets_at"],
    )


async def give_back_images(conn: Connection, user_id: uuid.UUID, asset_ids: list[uuid.UUID]) -> int:
    """Uncount images that were never drawn (assets cancelled while queued); how many.

    Only the ledger's trigger writes `image_usage` for users, so the rows are deleted with
    the service's own login role for this statement only (as `check_daily_budget` reads),
    in the caller's transaction, then the transaction acts for the user again. The login
    needs DELETE on public.image_usage (deploy/postgres/service-grants.sql).
    """
    if not asset_ids:
        return 0
    await conn.execute("set local role none")
    try:
        cursor = await conn.execute(
            # An asset retried has a row per drawing: only its latest was never drawn.
            "delete from public.image_usage u where user_id = %s and asset_id = any(%s)"
            " and created_at = (select max(created_at) from public.image_usage m"
            " where m.asset_id = u.asset_id) returning asset_id",
            [user_id, list(asset_ids)],
        )
        removed = len(await cursor.fetchall())  # not rowcount: it is known once results are read
    finally:
        await conn.execute("set local role authenticated")
    return removed


def describe_wait(seconds: float) -> str:
    """A wait for people: "45 s", "12 min", "3 h", "3 h 12 min" (rounded up)."""
    seconds = max(0, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class LimitSettings(EnvSettings):
    """Per-user limits (0 = unlimited), as the services that create work read them."""

    limit_images_per_day: int = Field(200, alias="LOGOKRAFT_LIMIT_IMAGES_PER_DAY", ge=0)
    limit_projects_in_flight: int = Field(3, alias="LOGOKRAFT_LIMIT_PROJECTS_IN_FLIGHT", ge=0)
    limit_in_flight_retry_after_s: int = Field(
        30, alias="LOGOKRAFT_LIMIT_IN_FLIGHT_RETRY_AFTER_S", ge=1, le=3600
    )
    daily_image_budget: int = Field(
        0,
        alias="LOGOKRAFT_DAILY_IMAGE_BUDGET",
        ge=0,
        description="Images created a day across all users (candidates and variations), so "
        "the providers' bill has a ceiling; 0 = unlimited.",
    )

    @property
    def limits(self) -> UserLimits:
        """The limits as the checks apply them."""
        return UserLimits(
            images_per_day=self.limit_images_per_day,
            projects_in_flight=self.limit_projects_in_flight,
            in_flight_retry_after_s=self.limit_in_flight_retry_after_s,
            daily_image_budget=self.daily_image_budget,
        )
