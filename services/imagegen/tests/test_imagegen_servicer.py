"""ImagegenService.GenerateImage in-process: one image from a prompt, with streamed status."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from PIL import Image

from logokraft.v1 import common_pb2
from logokraft.v1 import imagegen_service_pb2 as pb
from logokraft.v1 import imagegen_service_pb2_grpc as pb_grpc
from logokraft_imagegen import server
from logokraft_imagegen.config import ImagegenSettings
from logokraft_kit.identity import USER_ID_METADATA_KEY

USER = str(uuid.uuid4())


@pytest.fixture
async def imagegen(nats_server, database_url, namespace, tmp_path):
    settings = ImagegenSettings(
        NATS_URL=nats_server.url,
        DATABASE_URL=database_url,
        LOGOKRAFT_NAMESPACE=namespace,
        LOGOKRAFT_DATA_DIR=tmp_path,
        LOGOKRAFT_IMAGE_PROVIDER="local",
    )
    runtime = await server.start(settings, address="127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runtime.port}")
    try:
        yield pb_grpc.ImagegenServiceStub(channel), runtime.infra.storage
    finally:
        await channel.close()
        await runtime.stop(grace=1)


def request(**fields) -> pb.GenerateImageRequest:
    base = {
        "prompt": "A minimal logo for a bakery",
        "brief": common_pb2.BrandBrief(brand_name="Crumb", industry="bakery"),
        "width": 512,
        "height": 512,
    }
    return pb.GenerateImageRequest(**(base | fields))


async def test_generate_image_streams_status_and_stores_a_png(imagegen):
    stub, storage = imagegen
    call = stub.GenerateImage(request(), metadata=((USER_ID_METADATA_KEY, USER),))
    updates = [update async for update in call]

    assert [u.status for u in updates] == [
        common_pb2.ASSET_STATUS_QUEUED,
        common_pb2.ASSET_STATUS_GENERATING,
        common_pb2.ASSET_STATUS_COMPLETED,
    ]
    final = updates[-1]
    assert final.image.path.startswith(f"{USER}/")
    data = await storage.get(final.image.bucket, final.image.path)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (final.width, final.height) == (512, 512)


@pytest.mark.parametrize(
    ("fields", "metadata", "code"),
    [
        ({"prompt": ""}, True, grpc.StatusCode.INVALID_ARGUMENT),
        ({"width": 10}, True, grpc.StatusCode.INVALID_ARGUMENT),
        ({"spec_json": "{not json"}, True, grpc.StatusCode.INVALID_ARGUMENT),
        ({}, False, grpc.StatusCode.UNAUTHENTICATED),
    ],
)
async def test_bad_requests_are_refused(imagegen, fields, metadata, code):
    stub, _ = imagegen
    call = stub.GenerateImage(
        request(**fields), metadata=((USER_ID_METADATA_KEY, USER),) if metadata else ()
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in call:
            pass
    assert caught.value.code() == code
