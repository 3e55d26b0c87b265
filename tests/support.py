"""Helpers for cross-service tests: settings for in-process services, caller metadata, ids."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import grpc

from logokraft.v1 import prompt_service_pb2_grpc, refine_service_pb2_grpc
from logokraft_dev.devtokens import dev_user_id
from logokraft_kit.identity import USER_ID_METADATA_KEY
from logokraft_kit.service import ServiceRuntime


def service_env(*, nats_url: str, database_url: str, namespace: str, data_dir: Path) -> dict:
    """Settings shared by the services of one test, forcing the local providers."""
    return {
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "LOGOKRAFT_NAMESPACE": namespace,
        "LOGOKRAFT_DATA_DIR": data_dir,
        "LOGOKRAFT_PROMPT_PROVIDER": "local",
        "LOGOKRAFT_IMAGE_PROVIDER": "local",
        "LOGOKRAFT_REFINE_PROVIDER": "local",
        "LOGOKRAFT_WATCH_POLL_S": 2.0,
    }


@dataclass
class Services:
    """Running prompt, imagegen and refine services and channels to prompt and refine."""

    prompt: ServiceRuntime
    imagegen: ServiceRuntime
    refine: ServiceRuntime
    channel: grpc.aio.Channel
    refine_channel: grpc.aio.Channel
    data_dir: Path
    env: dict

    @property
    def prompt_stub(self) -> prompt_service_pb2_grpc.PromptServiceStub:
        return prompt_service_pb2_grpc.PromptServiceStub(self.channel)

    @property
    def refine_stub(self) -> refine_service_pb2_grpc.RefineServiceStub:
        return refine_service_pb2_grpc.RefineServiceStub(self.refine_channel)


def as_user(name: str) -> tuple[tuple[str, str], ...]:
    """gRPC metadata that makes a call on behalf of the named dev user."""
    return ((USER_ID_METADATA_KEY, str(dev_user_id(name))),)


def new_project_id() -> str:
    return str(uuid.uuid4())
