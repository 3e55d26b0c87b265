"""Workers act only on jobs a LogoKraft service signed: a job published by anyone else who
can reach NATS is dropped, never run, against the real services."""

from __future__ import annotations

import json
import uuid
from typing import Any

from logokraft_dev.devtokens import dev_user_id
from logokraft_domain import store
from logokraft_domain.brief import validate_brief
from logokraft_domain.jobs import WritePrompts
from logokraft_kit.bus import SIGNATURE_HEADER, JobSigner
from tests.support import brand_brief, wait_for

DEADLINE = 30.0


async def _queue_is_drained(services: Any, durable: str) -> Any:
    infra = services.prompt.infra

    async def drained() -> Any:
        info = await infra.js.consumer_info(infra.subjects.jobs_stream, durable)
        return info if info.num_pending == 0 and info.num_ack_pending == 0 else None

    return await wait_for(drained, within=DEADLINE, what=f"{durable} to drain")


async def test_a_job_no_service_signed_is_dropped_and_the_signed_one_runs(services) -> None:
    infra = services.prompt.infra
    user, project_id = dev_user_id("dev"), uuid.uuid4()
    new = store.NewProject(
        project_id=project_id,
        user_id=user,
        brief=validate_brief(brand_brief(count=2)),
        inspiration_paths=[],
    )
    async with infra.db.as_user(user) as conn:  # stored, but no job queued for it yet
        await store.insert_project(conn, new)

    job = WritePrompts(project_id=project_id, user_id=user)
    subject, payload = job.queue.subject(infra.subjects), json.dumps(job.payload()).encode()
    forged = JobSigner("a secret that is not this deployment's, 32+ chars").sign(
        subject, "forged", payload
    )
    await infra.js.publish(subject, payload, headers={"Nats-Msg-Id": "unsigned"})
    await infra.js.publish(
        subject, payload, headers={"Nats-Msg-Id": "forged", SIGNATURE_HEADER: forged}
    )
    durable = f"{infra.subjects.namespace}-{job.queue.durable}"
    info = await _queue_is_drained(services, durable)
    assert info.delivered.consumer_seq == 2, "both were delivered to the prompt writer"
    async with infra.db.as_user(user) as conn:
        project = await store.get_project(conn, project_id)
        assert await store.list_assets(conn, project_id) == []
    assert (
        project is not None and not project["prompts_written"] and project["prompt_attempts"] == 0
    )

    await job.publish(infra.jobs)  # as the prompt service publishes it: signed

    async def candidates() -> list[Any]:
        async with infra.db.as_user(user) as conn:
            assets = await store.list_assets(conn, project_id)
        return assets if len(assets) == 2 else []

    assert len(await wait_for(candidates, within=DEADLINE, what="the two candidates")) == 2
