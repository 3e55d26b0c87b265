"""Schemathesis against the real gateway: its OpenAPI document, real services, real data.

The gateway runs under uvicorn (the `gateway` fixture) in front of the in-process prompt,
imagegen and refine services with their local providers, NATS and Postgres. Schemathesis
loads `/openapi.json` from it and runs what its CLI runs (the document's examples; coverage
of boundaries, missing and malformed parts and unexpected methods; then random fuzzing;
positive and negative data), authenticated with a dev token, and checks every answer:

- not_a_server_error: no 5xx;
- status_code_conformance, content_type_conformance, response_headers_conformance,
  response_schema_conformance (each event of a stream too) and allow_header_conformance:
  every answer is one the document describes, in its shape;
- ignored_auth: an operation that answered 2xx with the token is retried without it and
  with an invalid one, and must refuse both (401/403);
- negative_data_rejection and missing_required_header: invalid requests get a 4xx;
- foreign_resources_are_not_found (below): another user's project or asset is never served;
- and nothing fails behind the answers: no ERROR is logged by the gateway, uvicorn or the
  services (their jobs run on what the fuzzer sent) while it runs.

Left out, with reason: positive_data_acceptance, which wants every schema-valid request
accepted. Some are refused by design in ways a schema cannot state: an opaque page cursor
that was never issued, a Last-Event-ID ahead of the project's stream, a refinement of an
asset that failed. The stateful phase needs OpenAPI links, which the document does not have.

Path parameters draw half the time from real ids (the caller's finished project and its
assets, another user's project and asset), so requests get past 404 into the handlers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
import jsonschema_rs
import psycopg
import pytest
import schemathesis
from schemathesis import engine
from schemathesis.engine import Status, events

from logokraft_dev.devtokens import dev_token, dev_user_id
from logokraft_gateway.sse import STREAM_RESPONSE
from tests.support import create_project, read_stream

pytestmark = pytest.mark.e2e

# Per operation and phase; the whole test stays under a minute on two cores. Set
# LOGOKRAFT_FUZZ_EXAMPLES to fuzz deeper locally.
MAX_EXAMPLES = int(os.environ.get("LOGOKRAFT_FUZZ_EXAMPLES", "30"))
SEED = 20261126

# Failures found in files other teams own, reported to them (see the report of the change
# that added this test). Each must still occur: once fixed, delete its entry.
KNOWN_ISSUES: dict[tuple[str, str], str] = {}


@dataclass
class Fixtures:
    """Real ids the fuzzer draws from, and the ids that belong to somebody else."""

    projects: list[str]
    assets: list[str]
    foreign: set[str]
    file_url: str


@dataclass
class FuzzReport:
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # label, title, text
    errors: list[str] = field(default_factory=list)
    statuses: dict[str, Counter] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return sum(sum(counter.values()) for counter in self.statuses.values())

    def merge(self, other: FuzzReport) -> None:
        """Add another run's failures, errors and statuses to this report."""
        self.failures += other.failures
        self.errors += other.errors
        for label, counter in other.statuses.items():
            self.statuses.setdefault(label, Counter()).update(counter)


FOREIGN_IDS: set[str] = set()


@schemathesis.check
def foreign_resources_are_not_found(ctx, response, case) -> None:
    """Another user's project or asset must answer 404, never its data."""
    path = urlsplit(response.request.url).path
    if any(foreign in path for foreign in FOREIGN_IDS) and response.status_code < 300:
        raise AssertionError(f"another user's resource was served: {response.status_code} {path}")


def load_schema(base_url: str, token: str, fixtures: Fixtures) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "request-timeout": 20,
            "continue-on-failure": True,
            # A stream of a project still generating ends only with `done`: read a few events.
            "max-stream-events": 20,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
            "checks": {"positive_data_acceptance": {"enabled": False}, "max_response_time": 20},
            "phases": {"stateful": {"enabled": False}},
            "dictionaries": {
                "projects": {"values": fixtures.projects},
                "assets": {"values": fixtures.assets},
            },
            "parameters": {
                "path.project_id": {"dictionary": "projects", "probability": 0.5},
                "path.asset_id": {"dictionary": "assets", "probability": 0.5},
            },
        }
    )
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)


def run_schemathesis(schema: schemathesis.BaseSchema) -> FuzzReport:
    """Run schemathesis's engine (blocking: call it off the event loop serving the gateway)."""
    report = FuzzReport()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(report, event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            report.errors.append(f"{type(event).__name__}: {getattr(event, 'value', event)!r}")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                report.failures.append(
                    (failure.operation or "", failure.title, f"{failure.title}: {failure.message}")
                )
    return report


def _record(report: FuzzReport, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    statuses = report.statuses.setdefault(recorder.label, Counter())
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            statuses[interaction.response.status_code] += 1
    for nodes in recorder.checks.values():
        for node in nodes:
            if node.status != Status.FAILURE or node.failure_info is None:
                continue
            failure = node.failure_info.failure
            text = (
                f"{recorder.label} [{event.phase.value}] {failure.title}: {failure.message}\n"
                f"    {node.failure_info.code_sample}"
            )
            report.failures.append((recorder.label, failure.title, text))


def check_a_signed_file(schema: schemathesis.BaseSchema, file_url: str) -> None:
    """A real signed URL: fuzzed ones never carry a valid signature, so check one 200 here."""
    parts = urlsplit(file_url)
    bucket, path = parts.path.removeprefix("/api/v1/files/").split("/", 1)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    operation = schema["/api/v1/files/{bucket}/{path}"]["GET"]
    case = operation.Case(path_parameters={"bucket": bucket, "path": path}, query=query)
    response = case.call_and_validate(base_url=f"{parts.scheme}://{parts.netloc}")
    assert response.status_code == 200, response.text


def split_known(report: FuzzReport) -> tuple[list[str], set[tuple[str, str]]]:
    """The failures no known issue explains, and the known issues that occurred."""
    unexplained, seen = [], set()
    for label, title, text in report.failures:
        if (label, title) in KNOWN_ISSUES:
            seen.add((label, title))
        else:
            unexplained.append(text)
    return list(dict.fromkeys(unexplained)), seen


async def _fixtures(gateway: str, services, database_url: str) -> Fixtures:
    """A finished project of the caller's (with its image URL) and another user's project."""
    token = dev_token(services.data_dir, "dev")
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, token, num_candidates="2")
        streamed = await read_stream(client, created["stream_url"])
        assert streamed[-1].event == "done"
        project = (
            await client.get(f"{gateway}/api/v1/projects/{created['project_id']}", headers=auth)
        ).json()
    completed = [a for a in project["assets"] if a["status"] == "completed"]
    assert completed, project
    bob_project, bob_asset, bob = uuid.uuid4(), uuid.uuid4(), dev_user_id("bob")
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "insert into brand_projects (id, user_id, brand_name, status, prompts_written)"
            " values (%s, %s, 'Bob', 'completed', true)",
            [bob_project, bob],
        )
        await conn.execute(
            "insert into generated_assets (id, project_id, user_id, position, status)"
            " values (%s, %s, %s, 0, 'failed')",
            [bob_asset, bob_project, bob],
        )
    return Fixtures(
        projects=[project["id"], str(bob_project)],
        assets=[a["id"] for a in completed] + [str(bob_asset)],
        foreign={str(bob_project), str(bob_asset)},
        file_url=completed[0]["image_url"],
    )


@pytest.mark.slow  # about half a minute on two cores
async def test_fuzzing_the_api_finds_no_server_errors_or_schema_breaks(
    gateway, services, database_url, caplog
):
    caplog.set_level(logging.WARNING)
    fixtures = await _fixtures(gateway, services, database_url)
    FOREIGN_IDS.clear()
    FOREIGN_IDS.update(fixtures.foreign)
    token = dev_token(services.data_dir, "dev")

    started = time.monotonic()
    schema = await asyncio.to_thread(load_schema, gateway, token, fixtures)
    # The operations that end a project (cancel, delete) run last, so every other operation
    # meets the fixture project alive, and the signed file is checked before it is deleted.
    ending = {"method": "DELETE"}, {"path_regex": r"/cancel$"}
    rest = schema.exclude(**ending[0]).exclude(**ending[1])
    report = await asyncio.to_thread(run_schemathesis, rest)
    await asyncio.to_thread(check_a_signed_file, schema, fixtures.file_url)
    for only in ending:
        report.merge(await asyncio.to_thread(run_schemathesis, schema.include(**only)))
    elapsed = time.monotonic() - started

    assert not report.errors, "\n".join(report.errors)
    unexplained, seen = split_known(report)
    assert not unexplained, "\n\n".join(unexplained)
    fixed = set(KNOWN_ISSUES) - seen
    assert not fixed, f"fixed, so delete from KNOWN_ISSUES: {sorted(fixed)}"
    # The run reached every operation, and got past authentication and 404s.
    assert len(report.statuses) >= 10, sorted(report.statuses)
    for label, counter in report.statuses.items():
        if label.startswith(("GET /api/v1/projects/", "GET /api/v1/assets/")):
            assert counter[200], f"{label} never answered 200: {dict(counter)}"
    # Whatever the requests were, nothing failed behind the answers (jobs, streams).
    crashes = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name.startswith(("logokraft", "uvicorn"))
    ]
    assert not crashes, "\n".join(crashes)
    print(f"\nschemathesis: {report.requests} requests in {elapsed:.1f} s")


# ---- what the fuzzing found, pinned down ---------------------------------------------------


async def test_a_brand_name_without_visible_characters_is_refused(gateway, services):
    """Found by fuzzing: such a name passed every check, was accepted (202), and the prompt
    job then failed on every delivery (the engine drops non-printing characters)."""
    auth = {"Authorization": f"Bearer {dev_token(services.data_dir, 'dev')}"}
    async with httpx.AsyncClient() as client:
        for name in ["\u200b", "\u00ad\u2060", "\u200b \u200c"]:
            response = await client.post(
                f"{gateway}/api/v1/projects", headers=auth, files={"brand_name": (None, name)}
            )
            assert response.status_code == 422, (name, response.text)
            assert response.json()["error"]["details"] == [
                {"field": "brand_name", "message": "has no visible characters"}
            ]
        listing = await client.get(f"{gateway}/api/v1/projects", headers=auth)
        assert listing.json()["projects"] == []


async def test_stream_events_match_the_documented_event_schema(gateway, services):
    """Every event of a real stream validates against `STREAM_RESPONSE`, the schema the
    stream's 200 should document (and that schemathesis then checks on every stream)."""
    media = STREAM_RESPONSE["content"]["text/event-stream"]
    variants = {v["properties"]["event"]["const"]: v for v in media["schema"]["oneOf"]}
    event_validator = jsonschema_rs.Draft202012Validator(media["schema"])
    token = dev_token(services.data_dir, "dev")
    async with httpx.AsyncClient() as client:
        created = await create_project(client, gateway, token, num_candidates="2")
        streamed = await read_stream(client, created["stream_url"])
    kinds = []
    for parsed in streamed:
        # The event as the schema describes it: its fields as text, as they were on the wire.
        event = {"event": parsed.event, "data": json.dumps(parsed.data)}
        if parsed.id is not None:
            event["id"] = str(parsed.id)
        event_validator.validate(event)
        content = variants[event["event"]]["properties"]["data"]["contentSchema"]
        jsonschema_rs.Draft202012Validator(content).validate(json.loads(event["data"]))
        kinds.append(event["event"])
    assert kinds[0] == "snapshot" and kinds[-1] == "done"
    assert {"asset", "project"} <= set(kinds)
