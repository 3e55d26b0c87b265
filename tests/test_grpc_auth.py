"""Every RPC of every service authenticates its caller and serves only the caller's data.

The RPCs are found by server reflection on the running services, not listed by hand: a new
RPC fails `test_every_rpc_found_by_reflection_has_its_checks` until it has a sample request
in `CASES`, and from then on every check below runs against it. Calls are made through the
reflected method (its path, streaming and response type), with the sample request.

Alice owns the data; Bob is another valid user. For every RPC:
- no credential, a bare user-id header, an expired, forged, unsigned or misdirected token →
  UNAUTHENTICATED with a message saying what is wrong, and nothing is written;
- Bob (with his own token, or a service acting for him) on Alice's project or asset →
  NOT_FOUND (ListProjects: none of Alice's projects), and nothing of Alice's changes;
- Alice (with her token, or a service token the gateway mints for her) → it works.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import jwt
import pytest
from google.protobuf import descriptor_database, descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.devtokens import dev_user_id, mint_token
from logokraft_gateway.auth import TokenVerifier
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.identity import USER_ID_METADATA_KEY
from logokraft_kit.tokens import SERVICE_AUDIENCE, SERVICE_ISSUER, ServiceTokens
from logokraft_prompt.config import PromptSettings
from tests.support import (
    DEADLINE,
    TEST_JWT_SECRET,
    Services,
    as_user,
    brand_brief,
    create_over_grpc,
    new_project_id,
    rows,
    watch_over_grpc,
)

OK = grpc.StatusCode.OK
NOT_FOUND = grpc.StatusCode.NOT_FOUND
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED
COMPLETED = common_pb2.ASSET_STATUS_COMPLETED
TERMINAL = (common_pb2.ASSET_STATUS_COMPLETED, common_pb2.ASSET_STATUS_FAILED)
ALICE, BOB = "alice", "bob"
OTHER_SECRET = "a-secret-that-is-not-this-deployments-0123456789"
UNGUARDED_PREFIXES = ("grpc.health.v1.", "grpc.reflection.")

Metadata = tuple[tuple[str, str], ...]


# ---- the RPCs, found by reflection ------------------------------------------------------------


@dataclass(frozen=True)
class Rpc:
    """One RPC as server reflection describes it, and the port that serves it."""

    service: str
    name: str
    port: int
    server_streaming: bool
    input_type: str
    response_class: type[Message]

    @property
    def path(self) -> str:
        return f"/{self.service}/{self.name}"


@dataclass
class Reflected:
    """What reflection on each port says: the services listed and their RPCs."""

    services_by_port: dict[int, set[str]] = field(default_factory=dict)
    rpcs: dict[str, Rpc] = field(default_factory=dict)


async def reflection_answers(
    channel: grpc.aio.Channel, request: reflection_pb2.ServerReflectionRequest
) -> list[reflection_pb2.ServerReflectionResponse]:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    answers = [a async for a in stub.ServerReflectionInfo(iter([request]), timeout=DEADLINE)]
    for answer in answers:
        assert not answer.HasField("error_response"), answer.error_response
    return answers


async def reflect(port: int) -> tuple[set[str], dict[str, Rpc]]:
    """The services a port lists (no credentials) and the RPCs of its logokraft services."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        [listing] = await reflection_answers(
            channel, reflection_pb2.ServerReflectionRequest(list_services="")
        )
        names = {service.name for service in listing.list_services_response.service}
        files = descriptor_database.DescriptorDatabase()
        guarded = sorted(n for n in names if not n.startswith(UNGUARDED_PREFIXES))
        for name in guarded:
            request = reflection_pb2.ServerReflectionRequest(file_containing_symbol=name)
            for answer in await reflection_answers(channel, request):
                for blob in answer.file_descriptor_response.file_descriptor_proto:
                    files.Add(descriptor_pb2.FileDescriptorProto.FromString(blob))
    pool = descriptor_pool.DescriptorPool(files)
    rpcs = {}
    for name in guarded:
        for method in pool.FindServiceByName(name).methods:
            assert not method.client_streaming, f"{name}/{method.name}: client streams are new"
            rpc = Rpc(
                service=name,
                name=method.name,
                port=port,
                server_streaming=method.server_streaming,
                input_type=method.input_type.full_name,
                response_class=message_factory.GetMessageClass(method.output_type),
            )
            rpcs[rpc.path] = rpc
    return names, rpcs


async def discover(services: Services) -> Reflected:
    """Every RPC of every running service, by reflection over each service's port."""
    reflected = Reflected()
    for runtime in (services.prompt, services.imagegen, services.refine):
        names, rpcs = await reflect(runtime.port)
        reflected.services_by_port[runtime.port] = names
        reflected.rpcs.update(rpcs)
    return reflected


# ---- calling a reflected RPC ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How a call ended: its status and, when it worked, its (first) answer."""

    code: grpc.StatusCode
    details: str
    response: Any = None

    def __repr__(self) -> str:
        return f"<{self.code.name}: {self.details!r}>"


async def call(rpc: Rpc, request: Message, metadata: Metadata) -> Outcome:
    """Call the RPC; a server stream is read up to its first message (or its status) and
    cancelled."""
    assert request.DESCRIPTOR.full_name == rpc.input_type, f"{rpc.path} takes {rpc.input_type}"
    async with grpc.aio.insecure_channel(f"127.0.0.1:{rpc.port}") as channel:
        options = {
            "request_serializer": lambda message: message.SerializeToString(),
            "response_deserializer": rpc.response_class.FromString,
        }
        if not rpc.server_streaming:
            method = channel.unary_unary(rpc.path, **options)
            try:
                response = await method(request, metadata=metadata, timeout=DEADLINE)
            except grpc.aio.AioRpcError as error:
                return Outcome(error.code(), error.details() or "")
            return Outcome(OK, "", response)
        stream = channel.unary_stream(rpc.path, **options)(
            request, metadata=metadata, timeout=DEADLINE
        )
        try:
            first = await stream.read()
        except grpc.aio.AioRpcError as error:
            return Outcome(error.code(), error.details() or "")
        if first is grpc.aio.EOF:
            return Outcome(await stream.code(), await stream.details() or "")
        stream.cancel()
        return Outcome(OK, "", first)


def bearer(token: str) -> Metadata:
    return (("authorization", f"Bearer {token}"),)


# ---- the world: Alice's and Bob's projects ----------------------------------------------------


@dataclass
class World:
    """Running services, their RPCs, and a completed project each for Alice and Bob."""

    services: Services
    reflected: Reflected
    project: common_pb2.Project  # Alice's, completed
    bob_project_id: str
    service_tokens: ServiceTokens  # what the gateway mints in this deployment

    alice = dev_user_id(ALICE)
    bob = dev_user_id(BOB)

    @property
    def asset(self) -> common_pb2.Asset:
        """A completed candidate of Alice's project."""
        return next(a for a in self.project.assets if a.status == COMPLETED)

    def rpc(self, method: str) -> Rpc:
        assert method in self.reflected.rpcs, f"reflection does not list {method}"
        return self.reflected.rpcs[method]

    def as_service_for(self, name: str) -> Metadata:
        return bearer(self.service_tokens.mint(dev_user_id(name)))

    async def written(self) -> dict[str, Any]:
        """Everything the services have written, as counts (the database's owner sees all)."""
        database_url = self.services.env["DATABASE_URL"]
        [counts] = await rows(
            database_url,
            "select (select count(*) from brand_projects) as projects,"
            " (select count(*) from generated_assets) as assets,"
            " (select max(updated_at) from brand_projects) as projects_changed,"
            " (select max(updated_at) from generated_assets) as assets_changed",
        )
        return counts


async def get_project(services: Services, project_id: str, user: str) -> common_pb2.Project:
    request = prompt_pb.GetProjectRequest(project_id=project_id)
    return (await services.prompt_stub.GetProject(request, metadata=as_user(user))).project


async def completed_project(services: Services, user: str, count: int) -> str:
    project_id = await create_over_grpc(services, user=user, count=count)
    events = await watch_over_grpc(services, project_id, user=user)
    assert events[-1].HasField("done") and events[-1].done.completed_assets == count, events[-1]
    return project_id


@pytest.fixture
async def world(services: Services) -> World:
    alice_project = await completed_project(services, ALICE, 2)
    bob_project = await completed_project(services, BOB, 1)
    return World(
        services=services,
        reflected=await discover(services),
        project=await get_project(services, alice_project, ALICE),
        bob_project_id=bob_project,
        service_tokens=PromptSettings(**services.env).service_tokens("gateway"),
    )


# ---- what each RPC is asked, and what working means -------------------------------------------


def not_found(world: World, outcome: Outcome) -> None:
    assert outcome.code == NOT_FOUND, outcome
    assert "not found" in outcome.details, outcome


def works_create_project(world: World, answer: Any) -> None:
    assert answer.project.user_id == str(world.alice)
    assert answer.project.status == common_pb2.PROJECT_STATUS_PENDING


def works_get_project(world: World, answer: Any) -> None:
    assert answer.project.id == world.project.id
    assert answer.project.user_id == str(world.alice)
    assert [a.id for a in answer.project.assets] == [a.id for a in world.project.assets]


def works_list_projects(world: World, answer: Any) -> None:
    assert world.project.id in [p.id for p in answer.projects]
    assert {p.user_id for p in answer.projects} == {str(world.alice)}


def others_list_projects(world: World, outcome: Outcome) -> None:
    assert outcome.code == OK, outcome
    ids = [p.id for p in outcome.response.projects]
    assert world.bob_project_id in ids, "Bob's own project is listed"
    assert world.project.id not in ids, f"Alice's project is listed for Bob: {ids}"
    assert {p.user_id for p in outcome.response.projects} == {str(world.bob)}


def works_watch_project(world: World, answer: Any) -> None:
    assert answer.event.HasField("snapshot"), answer
    assert answer.event.snapshot.id == world.project.id
    assert answer.event.snapshot.user_id == str(world.alice)


def works_refine_asset(world: World, answer: Any) -> None:
    [variation] = answer.variations
    assert variation.parent_asset_id == world.asset.id
    assert variation.project_id == world.project.id


def works_get_asset(world: World, answer: Any) -> None:
    assert answer.asset.id == world.asset.id
    assert answer.asset.project_id == world.project.id


def works_get_asset_lineage(world: World, answer: Any) -> None:
    assert [a.id for a in answer.assets] == [world.asset.id]


def works_get_brand_kit(world: World, answer: Any) -> None:
    assert answer.kit.path.endswith(f"/{world.project.id}/{world.asset.id}.kit.zip")
    assert answer.filename.endswith("-brand-kit.zip") and answer.size_bytes > 0
    assert answer.display_filename.endswith("-brand-kit.zip")


def works_get_usage(world: World, answer: Any) -> None:
    assert answer.usage.images_used == len(world.project.assets)


def others_get_usage(world: World, outcome: Outcome) -> None:
    assert outcome.code == OK, outcome
    assert outcome.response.usage.images_used == 1, "Bob's own image only, not Alice's"


@dataclass(frozen=True)
class Case:
    """A valid request for Alice's data, what a working answer is, and what Bob gets."""

    request: Callable[[World], Message]
    works: Callable[[World, Any], None]
    others: Callable[[World, Outcome], None] = not_found
    # Bob's request on Alice's data, when it is not `request` (CreateProject: her project id)
    others_request: Callable[[World], Message] | None = None
    # What Alice's own request answers when not OK: her project is finished, and deleting it
    # would take it from the other checks (tests/test_project_control.py covers both working).
    alice_code: grpc.StatusCode = grpc.StatusCode.OK


CASES: dict[str, Case] = {
    "/logokraft.v1.PromptService/CreateProject": Case(
        request=lambda w: prompt_pb.CreateProjectRequest(
            project_id=new_project_id(), brief=brand_brief(count=1)
        ),
        works=works_create_project,
        others_request=lambda w: prompt_pb.CreateProjectRequest(
            project_id=w.project.id, brief=brand_brief(name="Bob's Bakery", count=1)
        ),
    ),
    "/logokraft.v1.PromptService/GetProject": Case(
        request=lambda w: prompt_pb.GetProjectRequest(project_id=w.project.id),
        works=works_get_project,
    ),
    "/logokraft.v1.PromptService/ListProjects": Case(
        request=lambda w: prompt_pb.ListProjectsRequest(page_size=100),
        works=works_list_projects,
        others=others_list_projects,
    ),
    "/logokraft.v1.PromptService/WatchProject": Case(
        request=lambda w: prompt_pb.WatchProjectRequest(project_id=w.project.id),
        works=works_watch_project,
    ),
    "/logokraft.v1.PromptService/CancelProject": Case(
        request=lambda w: prompt_pb.CancelProjectRequest(project_id=w.project.id),
        works=lambda w, answer: None,
        alice_code=grpc.StatusCode.FAILED_PRECONDITION,  # reached: a finished project
    ),
    "/logokraft.v1.PromptService/DeleteProject": Case(
        request=lambda w: prompt_pb.DeleteProjectRequest(project_id=new_project_id()),
        others_request=lambda w: prompt_pb.DeleteProjectRequest(project_id=w.project.id),
        works=lambda w, answer: None,
        alice_code=grpc.StatusCode.NOT_FOUND,  # reached: no such project of hers
    ),
    "/logokraft.v1.PromptService/RetryAsset": Case(
        request=lambda w: prompt_pb.RetryAssetRequest(asset_id=w.asset.id),
        works=lambda w, answer: None,
        alice_code=grpc.StatusCode.FAILED_PRECONDITION,  # reached: a completed candidate
    ),
    "/logokraft.v1.PromptService/GetUsage": Case(
        request=lambda w: prompt_pb.GetUsageRequest(),
        works=works_get_usage,
        others=others_get_usage,
    ),
    "/logokraft.v1.RefineService/RefineAsset": Case(
        request=lambda w: refine_pb.RefineAssetRequest(
            asset_id=w.asset.id, instruction="make it bolder", num_variations=1
        ),
        works=works_refine_asset,
    ),
    "/logokraft.v1.RefineService/GetAsset": Case(
        request=lambda w: refine_pb.GetAssetRequest(asset_id=w.asset.id),
        works=works_get_asset,
    ),
    "/logokraft.v1.RefineService/GetAssetLineage": Case(
        request=lambda w: refine_pb.GetAssetLineageRequest(asset_id=w.asset.id),
        works=works_get_asset_lineage,
    ),
    "/logokraft.v1.RefineService/GetBrandKit": Case(
        request=lambda w: refine_pb.GetBrandKitRequest(asset_id=w.asset.id),
        works=works_get_brand_kit,
    ),
}


def bad_credentials(world: World) -> dict[str, tuple[Metadata, str]]:
    """Credentials that must not let anyone in, and what the refusal must say."""
    alice, now = world.alice, int(time.time())
    stream_claims = {
        "sub": str(alice),
        "pid": world.project.id,
        "aud": "logokraft-stream",
        "iss": "logokraft-gateway",
        "iat": now,
        "exp": now + 3600,
    }
    gateway = GatewaySettings(
        LOGOKRAFT_DATA_DIR=world.services.data_dir, LOGOKRAFT_JWT_SECRET=TEST_JWT_SECRET
    )
    stream_token = TokenVerifier(
        users=gateway.user_tokens(), stream_key=gateway.stream_token_key
    ).mint_stream_token(user_id=alice, project_id=uuid.UUID(world.project.id), ttl=3600)
    unsigned = jwt.encode(
        jwt.decode(mint_token(TEST_JWT_SECRET, alice), options={"verify_signature": False}),
        key=None,
        algorithm="none",
    )
    posing_as_service = mint_token(
        TEST_JWT_SECRET, alice, audience=SERVICE_AUDIENCE, issuer=SERVICE_ISSUER
    )
    return {
        "no credentials": ((), "carries no credentials"),
        "another scheme": (
            (("authorization", f"Token {mint_token(TEST_JWT_SECRET, alice)}"),),
            "uses the Token scheme; this API takes bearer tokens only: send `authorization: "
            "Bearer <access token>`",
        ),
        "a token without its scheme": (
            (("authorization", mint_token(TEST_JWT_SECRET, alice)),),
            "carries a token without its scheme; put `Bearer ` before it",
        ),
        "only x-logokraft-user-id": (
            ((USER_ID_METADATA_KEY, str(alice)),),
            "a bare user-id header is not a credential",
        ),
        "an expired user token": (
            bearer(mint_token(TEST_JWT_SECRET, alice, now=now - 7200, ttl_seconds=3600)),
            "expired",
        ),
        "a user token signed with another secret": (
            bearer(mint_token(OTHER_SECRET, alice)),
            "invalid",
        ),
        "an unsigned user token": (bearer(unsigned), "algorithm we do not accept"),
        "a stream-token-like JWT (user secret, stream audience)": (
            bearer(jwt.encode(stream_claims, TEST_JWT_SECRET, algorithm="HS256")),
            "not issued for this service",
        ),
        "the gateway's stream token": (bearer(stream_token), "invalid"),
        "a user token claiming the service audience": (bearer(posing_as_service), "invalid"),
        "a service token signed with another secret": (
            bearer(ServiceTokens(OTHER_SECRET, service="gateway").mint(alice)),
            "invalid",
        ),
    }


# ---- the checks, for every RPC ----------------------------------------------------------------


async def test_every_rpc_found_by_reflection_has_its_checks(services: Services) -> None:
    reflected = await discover(services)
    expected = {
        services.prompt.port: "logokraft.v1.PromptService",
        services.imagegen.port: "logokraft.v1.ImagegenService",
        services.refine.port: "logokraft.v1.RefineService",
    }
    for port, name in expected.items():
        assert name in reflected.services_by_port[port], (name, reflected.services_by_port[port])
    unchecked = sorted(set(reflected.rpcs) - set(CASES))
    assert not unchecked, f"RPCs without a sample request in CASES, so never checked: {unchecked}"
    gone = sorted(set(CASES) - set(reflected.rpcs))
    assert not gone, f"CASES lists RPCs that reflection does not find: {gone}"


@pytest.mark.parametrize("method", CASES)
async def test_every_rpc_refuses_a_call_without_a_valid_credential(world: World, method: str):
    rpc, case = world.rpc(method), CASES[method]
    before = await world.written()
    wrong = {}
    for what, (metadata, says) in bad_credentials(world).items():
        outcome = await call(rpc, case.request(world), metadata)
        if outcome.code != UNAUTHENTICATED or says not in outcome.details:
            wrong[what] = f"{outcome!r}, expected UNAUTHENTICATED saying {says!r}"
    assert wrong == {}
    assert await world.written() == before, "a refused call wrote something"


@pytest.mark.parametrize("method", CASES)
async def test_every_rpc_serves_a_caller_only_their_own_data(world: World, method: str):
    rpc, case = world.rpc(method), CASES[method]
    others_request = case.others_request or case.request
    before = await world.written()
    for how, metadata in {"own token": as_user(BOB), "service": world.as_service_for(BOB)}.items():
        outcome = await call(rpc, others_request(world), metadata)
        try:
            case.others(world, outcome)
        except AssertionError as error:
            raise AssertionError(f"Bob ({how}) on Alice's data: {error}") from None
    assert await world.written() == before, "Bob's calls on Alice's data wrote something"
    assert await get_project(world.services, world.project.id, ALICE) == world.project

    for how, metadata in {
        "own token": as_user(ALICE),
        "service": world.as_service_for(ALICE),
    }.items():
        outcome = await call(rpc, case.request(world), metadata)
        assert outcome.code == case.alice_code, f"Alice ({how}): {outcome!r}"
        if outcome.code == OK:
            case.works(world, outcome.response)


async def test_health_and_reflection_answer_without_credentials(services: Services) -> None:
    names = {
        services.prompt.port: "logokraft.v1.PromptService",
        services.imagegen.port: "logokraft.v1.ImagegenService",
        services.refine.port: "logokraft.v1.RefineService",
    }
    for port, name in names.items():
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for service in ("", name):
                request = health_pb2.HealthCheckRequest(service=service)
                answer = await health.Check(request, timeout=DEADLINE)
                assert answer.status == health_pb2.HealthCheckResponse.SERVING, (port, service)
            [listing] = await reflection_answers(
                channel, reflection_pb2.ServerReflectionRequest(list_services="")
            )
            listed = {s.name for s in listing.list_services_response.service}
            assert {name, "grpc.health.v1.Health"} <= listed
            request = reflection_pb2.ServerReflectionRequest(file_containing_symbol=name)
            [described] = await reflection_answers(channel, request)
            assert described.file_descriptor_response.file_descriptor_proto


# ---- an internal caller's whole flow, over gRPC alone -----------------------------------------


async def test_an_internal_caller_with_a_user_token_does_the_whole_flow(services: Services):
    alice = as_user(ALICE)
    prompt, refine = services.prompt_stub, services.refine_stub
    project_id = new_project_id()
    created = await prompt.CreateProject(
        prompt_pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=2)),
        metadata=alice,
        timeout=DEADLINE,
    )
    assert created.project.id == project_id
    assert created.project.user_id == str(dev_user_id(ALICE))

    watch = prompt.WatchProject(
        prompt_pb.WatchProjectRequest(project_id=project_id), metadata=alice, timeout=60
    )
    events = [answer.event async for answer in watch]
    assert events[0].HasField("snapshot")
    assert events[-1].HasField("done"), "the stream ends with done"
    assert events[-1].done.completed_assets == 2
    ahead = prompt.WatchProject(
        prompt_pb.WatchProjectRequest(project_id=project_id, after_sequence=10**12),
        metadata=alice,
        timeout=DEADLINE,
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await ahead.read()
    # It named Last-Event-ID, an HTTP header this caller never sent.
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith("after_sequence (Last-Event-ID) 1000000000000 is")
    assert refused.value.details().endswith("; watch again from 0 for a snapshot")

    project = (
        await prompt.GetProject(
            prompt_pb.GetProjectRequest(project_id=project_id), metadata=alice, timeout=DEADLINE
        )
    ).project
    assert project.status == common_pb2.PROJECT_STATUS_COMPLETED
    assert [a.status for a in project.assets] == [COMPLETED, COMPLETED]
    chosen = project.assets[0]

    refinement = refine.RefineAsset(
        refine_pb.RefineAssetRequest(
            asset_id=chosen.id, instruction="make the mark heavier", num_variations=2
        ),
        metadata=alice,
        timeout=60,
    )
    states = [list(answer.variations) async for answer in refinement]
    assert states, "RefineAsset answered nothing"
    final = states[-1]
    assert len(final) == 2
    assert all(v.status in TERMINAL for v in final), final
    assert [v.status for v in final] == [COMPLETED, COMPLETED]
    assert {v.parent_asset_id for v in final} == {chosen.id}
    variation = final[0]

    lineage = await refine.GetAssetLineage(
        refine_pb.GetAssetLineageRequest(asset_id=variation.id), metadata=alice, timeout=DEADLINE
    )
    assert [a.id for a in lineage.assets] == [chosen.id, variation.id]
    assert lineage.assets[0].parent_asset_id == "", "the root comes first"

    bobs = await create_over_grpc(services, user=BOB, count=1)
    alices_list = await prompt.ListProjects(
        prompt_pb.ListProjectsRequest(page_size=100), metadata=alice, timeout=DEADLINE
    )
    assert [p.id for p in alices_list.projects] == [project_id]
    bobs_list = await prompt.ListProjects(
        prompt_pb.ListProjectsRequest(page_size=100), metadata=as_user(BOB), timeout=DEADLINE
    )
    assert [p.id for p in bobs_list.projects] == [bobs]
    await watch_over_grpc(services, bobs, user=BOB)  # let Bob's project settle before teardown
