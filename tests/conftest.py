"""Cross-service fixtures: services started in-process against real NATS and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.config import ImagegenSettings
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings
from tests.support import Services, service_env


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def services(nats_server, database_url, namespace, data_dir) -> AsyncIterator[Services]:
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    prompt = await prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")
    imagegen = await imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")
    refine = await refine_server.start(RefineSettings(**env), address="127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}")
    refine_channel = grpc.aio.insecure_channel(f"127.0.0.1:{refine.port}")
    try:
        yield Services(prompt, imagegen, refine, channel, refine_channel, data_dir, env)
    finally:
        await refine_channel.close()
        await channel.close()
        await refine.stop(grace=1)
        await imagegen.stop(grace=1)
        await prompt.stop(grace=1)
