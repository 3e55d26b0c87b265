"""The brand-project store: projects and their assets (candidates and variations).

Every function takes a connection opened by `Database.as_user`, so Row Level
Security applies. Each state change appends to the project's event log (events.py) in
the same transaction.

Per-user limits are checked in `limits.py`, in the same transaction as the insert they
guard.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from logokraft_domain import events
from logokraft_domain.brief import ValidBrief
from logokraft_domain.records import (
    TERMINAL_ASSET_STATUSES,
    Row,
)
from logokraft_kit.db import Connection


@dataclass(frozen=True)
class NewProject:
    """What creating a project stores."""

    project_id: uuid.UUID
    user_id: uuid.UUID
    brief: ValidBrief
    inspiration_paths: list[str]


@dataclass(frozen=True)
class PageCursor:
    """Where a page of projects starts: after (created_at, id)."""

    created_at: dt.datetime
    project_id: uuid.UUID


def project_columns(new: NewProject) -> dict[str, Any]:
    """The brand_projects columns creating the project writes."""
    return {
        "id": new.project_id,
        "user_id": new.user_id,
        **new.brief.columns(),
        "inspiration_paths": new.inspiration_paths,
    }


async def insert_project(conn: Connection, new: NewProject) -> tuple[Row, bool]:
    """Insert the project; a repeat with the same id returns the stored row and False."""
    columns = project_columns(new)
    statement = sql.SQL(
        "insert into brand_projects ({columns}) values ({values})"
        " on conflict (id) do nothing returning *"
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    cursor = await conn.execute(statement, list(columns.values()))
    row = await cursor.fetchone()
    if row is not None:
        return row, True
    existing = await get_project(conn, new.project_id)
    if existing is None:  # the id belongs to another user
        raise LookupError("project id taken")
    return existing, False


# Row locks are FOR NO KEY UPDATE, the lock an UPDATE itself takes: FOR UPDATE would also wait
# for the KEY SHARE locks that foreign-key checks take when another transaction inserts an
# asset or event of the project, and deadlock with it.
_LOCK = " for no key update"


# The columns the update functions may set: names are checked against these and composed as
# identifiers (psycopg.sql), never interpolated into the SQL text.
PROJECT_COLUMNS = frozenset(
    {
        *("brand_name", "slogan", "industry", "description", "style", "colors", "logo_type"),
        *("color_words", "color_names", "color_notes"),
        *("num_candidates", "inspiration_paths", "status", "prompts_written", "prompt_attempts"),
        *("error_code", "error_message", "event_sequence", "updated_at"),
    }
)
ASSET_COLUMNS = frozenset(
    {
        *("parent_asset_id", "position", "status", "prompt", "instruction", "spec", "provider"),
        *("storage_bucket", "storage_path", "mime_type", "width", "height"),
        *("error_code", "error_message", "attempts", "metadata", "updated_at", "retried_at"),
    }
)


def _update_statement(
    table: str, fields: dict[str, Any], allowed: frozenset[str], *, next_event: bool = False
) -> str:
    """`update <table> set <col> = %s, ... where id = %s`, for known columns only (moving a
    project's `event_sequence` on by one with `next_event`); the caller adds conditions and
    `returning *`."""
    if not fields:
        raise ValueError("no columns to update")
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValueError(f"unknown columns of {table}: {', '.join(unknown)}")
    return _update_text(table, tuple(fields), next_event)


@functools.lru_cache(maxsize=256)
def _update_text(table: str, columns: tuple[str, ...], next_event: bool) -> str:
    """The statement's text, made once per shape: psycopg then finds it in its caches (and
    prepares it) by its text, where a statement composed anew is quoted and joined per call.
    Table and columns come from the allowlists above, plain lower-case names, so quoting
    them here is exact."""
    names = [table, *columns]
    if not all(_PLAIN_NAME.fullmatch(name) for name in names):
        raise ValueError(f"not a plain name among {names}")
    assignments = [f'"{name}" = %s' for name in columns]
    if next_event:
        assignments.append("event_sequence = event_sequence + 1")
    return f'update "{table}" set {", ".join(assignments)} where id = %s'


_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _by_id(table: str, lock: bool) -> str:
    """`select * from <table> where id = %s`, locked FOR NO KEY UPDATE with `lock`."""
    return f"select * from {table} where id = %s" + (_LOCK if lock else "")


async def get_project(conn: Connection, project_id: uuid.UUID, *, lock: bool = False) -> Row | None:
    """One project, or None when RLS hides it or it does not exist."""
    cursor = await conn.execute(_by_id("brand_projects", lock), [project_id])
    return await cursor.fetchone()


async def list_assets(conn: Connection, project_id: uuid.UUID) -> list[Row]:
    """The project's assets: candidates by position, then variations by age."""
    cursor = await conn.execute(_LIST_ASSETS, [project_id])
    return await cursor.fetchall()


_LIST_ASSETS = """
    select * from generated_assets where project_id = %s
    order by (parent_asset_id is not null), created_at, position, id
"""


async def get_asset(conn: Connection, asset_id: uuid.UUID, *, lock: bool = False) -> Row | None:
    """One asset, or None when RLS hides it or it does not exist."""
    cursor = await conn.execute(_by_id("generated_assets", lock), [asset_id])
    return await cursor.fetchone()


async def get_project_with_assets(
    conn: Connection, project_id: uuid.UUID, *, lock: bool = False
) -> tuple[Row | None, list[Row]]:
    """The project (locked with `lock`) and then its assets (as `list_assets` orders them);
    None and [] when RLS hides it or it does not exist. Two statements sent together: in a
    pipelined transaction (Database.as_user) one round trip."""
    projects = await conn.execute(_by_id("brand_projects", lock), [project_id])
    assets = await conn.execute(_LIST_ASSETS, [project_id])
    return await projects.fetchone(), await assets.fetchall()


async def has_completed_asset(conn: Connection, project_id: uuid.UUID) -> bool:
    """Whether the project has a completed logo (candidate or variation) yet."""
    cursor = await conn.execute(
        "select exists (select 1 from generated_assets where project_id = %s"
        " and status = 'completed') as found",
        [project_id],
    )
    row = await cursor.fetchone()
    return bool(row and row["found"])


async def get_asset_with_project(
    conn: Connection, asset_id: uuid.UUID, *, lock: bool = False
) -> tuple[Row | None, Row | None]:
    """The asset (locked with `lock`, as `get_asset` locks it) and then its project; Nones
    when RLS hides them or they do not exist. Two statements sent together: in a pipelined
    transaction (Database.as_user) one round trip."""
    assets = await conn.execute(_by_id("generated_assets", lock), [asset_id])
    projects = await conn.execute(
        "select * from brand_projects"
        " where id = (select project_id from generated_assets where id = %s)",
        [asset_id],
    )
    return await assets.fetchone(), await projects.fetchone()


# One page of projects, then each one's assets counted (the counts of ListProjects). The page
# is chosen first (brand_projects_user_created_idx, the LIMIT applied there), then one
# aggregate per project of the page over generated_assets_project_idx: one statement for the
# page, never a query per project, and the assets of projects off the page are not read. RLS
# applies to both tables as to any read of the caller's.
_LIST_PROJECTS = """
    select p.*, counts.*
    from (
        select * from brand_projects {where}
        order by created_at desc, id desc limit %(limit)s
    ) p
    cross join lateral (
        select
            count(*) filter (where a.parent_asset_id is null and a.status = 'completed')
                as candidates_completed,
            count(*) filter (where a.parent_asset_id is null and a.status = 'failed')
                as candidates_failed,
            count(*) filter (where a.parent_asset_id is null and a.status = 'cancelled')
                as candidates_cancelled,
            count(*) filter (where a.parent_asset_id is not null) as variations,
            count(*) filter (where a.parent_asset_id is not null and a.status = 'completed')
                as variations_completed,
            count(*) filter (where a.parent_asset_id is not null and a.status = 'failed')
                as variations_failed
        from generated_assets a where a.project_id = p.id
    ) counts
    order by p.created_at desc, p.id desc
"""

# The columns of a list_projects row that count its assets (common_pb2.AssetCounts).
ASSET_COUNT_COLUMNS = (
    "candidates_completed",
    "candidates_failed",
    "candidates_cancelled",
    "variations",
    "variations_completed",
    "variations_failed",
)


async def list_projects(conn: Connection, *, limit: int, after: PageCursor | None) -> list[Row]:
    """The caller's projects, newest first (RLS scopes them to the caller), each with its
    assets counted (`ASSET_COUNT_COLUMNS`), in one statement."""
    if after is None:
        query = _LIST_PROJECTS.format(where="")
        params: dict[str, Any] = {"limit": limit}
    else:
        query = _LIST_PROJECTS.format(where="where (created_at, id) < (%(after)s, %(after_id)s)")
        params = {"limit": limit, "after": after.created_at, "after_id": after.project_id}
    cursor = await conn.execute(query, params)
    return await cursor.fetchall()


@dataclass(frozen=True)
class CandidatePrompt:
    """A written prompt, to be queued as the candidate at `position`."""

    position: int
    prompt: str
    spec: dict[str, Any] | None


async def insert_candidates(
    conn: Connection, *, project_id: uuid.UUID, user_id: uuid.UUID, prompts: list[CandidatePrompt]
) -> list[tuple[Row, bool]]:
    """Queue a candidate for each prompt, in one statement; for each, in the order given, the
    stored candidate and whether this call made it (a repeat returns the one stored before).

    Each new candidate is recorded as an event, in position order.
    """
    if not prompts:
        return []
    rows = sql.SQL(", ").join(sql.SQL("(%s, %s, %s, %s, %s)") for _ in prompts)
    values = [
        value
        for p in prompts
        for value in (project_id, user_id, p.position, p.prompt, _jsonb_or_none(p.spec))
    ]
    cursor = await conn.execute(
        sql.SQL(
            "insert into generated_assets (project_id, user_id, position, prompt, spec)"
            " values {} on conflict (project_id, position) where parent_asset_id is null"
            " do nothing returning *"
        ).format(rows),
        values,
    )
    made = {row["position"]: row for row in await cursor.fetchall()}
    for position in sorted(made):
        await events.record_asset(conn, made[position])
    repeats = [p.position for p in prompts if p.position not in made]
    stored: dict[int, Row] = {}
    if repeats:
        cursor = await conn.execute(
            "select * from generated_assets where project_id = %s and position = any(%s)"
            " and parent_asset_id is null",
            [project_id, repeats],
        )
        stored = {row["position"]: row for row in await cursor.fetchall()}
    return [
        (made[p.position], True) if p.position in made else (stored[p.position], False)
        for p in prompts
    ]


def _jsonb_or_none(value: dict[str, Any] | None) -> Jsonb | None:
    return Jsonb(value) if value is not None else None


async def insert_variations(
    conn: Connection, parent: Row, *, instruction: str, count: int
) -> list[Row]:
    """Queue `count` variations of `parent`, linked to it, and record each as an event.

    Their prompts are written later, by the job that makes each one.
    """
    rows = []
    for position in range(count):
        cursor = await conn.execute(
            """
            insert into generated_assets
                (project_id, user_id, parent_asset_id, position, prompt, instruction)
            values (%s, %s, %s, %s, '', %s)
            returning *
            """,
            [parent["project_id"], parent["user_id"], parent["id"], position, instruction],
        )
        row = await cursor.fetchone()
        assert row is not None
        await events.record_asset(conn, row)
        rows.append(row)
    return rows


async def lineage(conn: Connection, asset_id: uuid.UUID) -> list[Row]:
    """The chain from the original candidate down to the asset; empty when RLS hides it."""
    cursor = await conn.execute(
        """
        with recursive chain as (
            select a.*, 0 as depth from generated_assets a where a.id = %s
            union all
            select p.*, c.depth + 1 from generated_assets p
            join chain c on p.id = c.parent_asset_id
            where c.depth < 1000
        )
        select * from chain order by depth desc
        """,
        [asset_id],
    )
    rows = await cursor.fetchall()
    return [{k: v for k, v in row.items() if k != "depth"} for row in rows]


async def update_asset(conn: Connection, asset_id: uuid.UUID, **fields: Any) -> Row:
    """Change an asset's columns and record the change as an event."""
    row = await _change_asset(conn, asset_id, fields)
    if row is None:
        raise LookupError(f"asset {asset_id} not found")
    return row


async def update_unfinished_asset(conn: Connection, asset: Row, **fields: Any) -> Row | None:
    """`update_asset` for an asset still queued or generating, and on the drawing `asset`
    was read on (its `retried_at`: a retry draws the row again), checked and changed in one
    statement (which locks it); None, and nothing changed, when it is gone, finished
    (completed, failed or cancelled) or drawn again since."""
    return await _change_asset(conn, asset["id"], fields, drawing=asset)


async def _change_asset(
    conn: Connection, asset_id: uuid.UUID, fields: dict[str, Any], *, drawing: Row | None = None
) -> Row | None:
    """Change the asset (only while it is unfinished on `drawing`'s drawing, when given)."""
    values = [Jsonb(v) if isinstance(v, dict) else v for v in fields.values()]
    statement = _update_statement("generated_assets", fields, ASSET_COLUMNS)
    params = [*values, asset_id]
    if drawing is not None:
        statement += " and status <> all(%s) and retried_at is not distinct from %s"
        params += [list(TERMINAL_ASSET_STATUSES), drawing["retried_at"]]
    cursor = await conn.execute(statement + " returning *", params)
    row = await cursor.fetchone()
    if row is not None:
        await events.record_asset(conn, row)
    return row


async def update_project(
    conn: Connection, project_id: uuid.UUID, *, locked: Row | None = None, **fields: Any
) -> Row:
    """Change a project's columns; record an event when its status changes.

    `locked` is the project as this transaction read it under lock, when the caller did
    (spares reading it again); otherwise, when the status is to change, it is read and locked
    here (the UPDATE alone locks it otherwise).
    """
    news = False
    if "status" in fields:
        before = locked if locked is not None else await get_project(conn, project_id, lock=True)
        if before is None:
            raise LookupError(f"project {project_id} not found")
        # A status change numbers its event in the same statement, so the event is sent along
        # without a read of its own.
        news = fields["status"] != before["status"]
    cursor = await conn.execute(
        _update_statement("brand_projects", fields, PROJECT_COLUMNS, next_event=news)
        + " returning *",
        [*fields.values(), project_id],
    )
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"project {project_id} not found")
    if news:
        await events.record_project(conn, row)
    return row


async def reopen(conn: Connection, project_id: uuid.UUID) -> Row:
    """Mark a settled project as generating again, because new work was queued for it.

    A cancelled project too (a refinement of one of its completed logos): it settles again
    as any project does, `completed` or `failed` by its assets. Its prompts stay written, so
    no more candidates are made for it (a prompt writer still running stops at
    ProjectsCore._queue_candidates), and its cancelled assets stay cancelled.
    """
    project = await get_project(conn, project_id, lock=True)
    if project is None:
        raise LookupError(f"project {project_id} not found")
    if project["status"] in ("completed", "failed", "cancelled"):
        return await update_project(conn, project_id, locked=project, status="generating")
    return project


async def requeue_failed_asset(
    conn: Connection, asset_id: uuid.UUID, *, first_lane: bool
) -> Row | None:
    """Queue a failed asset to be drawn again (a retry), and record the change as an event.

    In one statement, only while it is `failed`: its error and attempts are cleared,
    `retried_at` set, which counts one more image in the `image_usage` ledger (the trigger of
    20261207000000_candidate_retry.sql), and `first_lane` to the lane its job is queued on
    (jobs.DrawCandidate), which the queue board places it in. None, and nothing changed, when
    it is not failed.
    """
    cursor = await conn.execute(
        "update generated_assets set status = 'queued', error_code = null,"
        " error_message = null, attempts = 0, provider = null, retried_at = now(),"
        " first_lane = %s where id = %s and status = 'failed' returning *",
        [first_lane, asset_id],
    )
    row = await cursor.fetchone()
    if row is not None:
        await events.record_asset(conn, row)
    return row


# The error of a project settled without any logo (a retry that re-opens it clears it).
NO_ASSETS = ("no_assets", "No logo could be generated for this brief; see each asset's error.")


async def settle_if_done(conn: Connection, project_id: uuid.UUID) -> bool:
    """Finish the project when its prompts are written and no asset is in flight.

    Sets the final status, records it and records a `done` event; returns True
    when this call settled the project. Every caller has just changed the project's row
    (recorded an event, or updated it) in this transaction, so it holds the row's lock:
    concurrent workers settle one after another, each counting what the one before
    committed, and the project is settled exactly once. Counting first spares the project
    read while assets are still in flight, as they are for all but the last one.
    """
    cursor = await conn.execute(
        """
        select count(*) filter (where status = 'completed') as completed,
               count(*) filter (where status = 'failed') as failed,
               count(*) filter (where status not in ('completed', 'failed', 'cancelled'))
                 as in_flight
        from generated_assets where project_id = %s
        """,
        [project_id],
    )
    counts = await cursor.fetchone()
    assert counts is not None
    if counts["in_flight"]:
        return False
    project = await get_project(conn, project_id, lock=True)
    if project is None or not project["prompts_written"]:
        return False
    if project["status"] in ("completed", "failed", "cancelled"):
        return False  # a cancelled project was settled by cancel_project, and stays cancelled
    status = "completed" if counts["completed"] else "failed"
    fields: dict[str, Any] = {"status": status}
    if status == "failed" and not project["error_code"]:
        fields["error_code"], fields["error_message"] = NO_ASSETS
    await update_project(conn, project_id, locked=project, **fields)
    done = events.project_done(status, completed=counts["completed"], failed=counts["failed"])
    await events.append_later(conn, project_id, kind="done", message=done)
    return True


def is_settled(project: Row, assets: list[Row]) -> bool:
    """True when nothing of the project is in flight."""
    return (
        project["status"] in ("completed", "failed", "cancelled")
        and project["prompts_written"]
        and all(asset["status"] in TERMINAL_ASSET_STATUSES for asset in assets)
    )


@dataclass(frozen=True)
class Cancelled:
    """What cancel_project changed: the project, and the assets it cancelled."""

    project: Row
    assets: list[Row]  # every asset it cancelled, as it is now
    never_drawn: list[uuid.UUID]  # those of them still queued: no provider was asked for them


async def lock_unfinished_assets(conn: Connection, project_id: uuid.UUID) -> None:
    """Lock the project's queued and generating assets, before the project is locked.

    Workers lock an asset and then its project (appending an event updates the project row),
    so a cancel that locked the project first and then waited for an asset could deadlock
    with a worker: a cancel takes the same order.
    """
    await conn.execute(
        "select id from generated_assets where project_id = %s"
        " and status not in ('completed', 'failed', 'cancelled') order by id" + _LOCK,
        [project_id],
    )


async def cancel_project(conn: Connection, project: Row) -> Cancelled:
    """Cancel the (locked, unsettled) project: every queued or generating asset becomes
    `cancelled`, the project `cancelled` with its prompts written (nothing more is written for
    it), and a `done` event ends its watches; each change is recorded as an event."""
    project_id = project["id"]
    cursor = await conn.execute(
        "select * from generated_assets where project_id = %s"
        " and status not in ('completed', 'failed', 'cancelled')"
        " order by created_at, position, id" + _LOCK,
        [project_id],
    )
    pending = await cursor.fetchall()
    assets = [await update_asset(conn, a["id"], status="cancelled") for a in pending]
    never_drawn = [a["id"] for a in pending if a["status"] == "queued"]
    updated = await update_project(conn, project_id, status="cancelled", prompts_written=True)
    cursor = await conn.execute(
        """
        select count(*) filter (where status = 'completed') as completed,
               count(*) filter (where status = 'failed') as failed
        from generated_assets where project_id = %s
        """,
        [project_id],
    )
    counts = await cursor.fetchone()
    assert counts is not None
    done = events.project_done("cancelled", completed=counts["completed"], failed=counts["failed"])
    sequence = await events.append(conn, project_id, kind="done", message=done)
    return Cancelled({**updated, "event_sequence": sequence}, assets, never_drawn)


async def delete_project(conn: Connection, project_id: uuid.UUID) -> bool:
    """Delete the project with its assets and events (cascade); its stored files are queued
    for removal by the storage_garbage triggers. False when RLS hides it or it is gone."""
    cursor = await conn.execute(
        "delete from brand_projects where id = %s returning id", [project_id]
    )
    return await cursor.fetchone() is not None
