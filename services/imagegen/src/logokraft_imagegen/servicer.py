"""ImagegenService over gRPC: one image from a prompt, for internal callers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import grpc

from logokraft.v1 import common_pb2
from logokraft.v1 import imagegen_service_pb2 as pb
from logokraft.v1 import imagegen_service_pb2_grpc as pb_grpc
from logokraft_imagegen.adapters.base import ImageRequest
from logokraft_imagegen.core import ImagesCore, brief_from_proto
from logokraft_kit.errors import InvalidArgument
from logokraft_kit.grpc_server import caller_id
from logokraft_kit.providers import ProviderError
from logokraft_kit.storage import GENERATED_BUCKET

MAX_SIDE = 2048


def _request(request: pb.GenerateImageRequest) -> ImageRequest:
    if not request.prompt.strip() or len(request.prompt) > 4000:
        raise InvalidArgument("prompt must be 1 to 4000 characters")
    if not request.brief.brand_name.strip():
        raise InvalidArgument("brief.brand_name is required")
    width, height = request.width or 1024, request.height or 1024
    if not (64 <= width <= MAX_SIDE and 64 <= height <= MAX_SIDE):
        raise InvalidArgument(f"width and height must be between 64 and {MAX_SIDE}")
    try:
        spec = json.loads(request.spec_json) if request.spec_json else None
    except ValueError:
        raise InvalidArgument("spec_json is not valid JSON") from None
    return ImageRequest(
        prompt=request.prompt,
        brief=brief_from_proto(request.brief),
        spec=spec,
        seed=request.seed,
        width=width,
        height=height,
    )


class ImagegenServicer(pb_grpc.ImagegenServiceServicer):
    """Translates ImagegenService calls to the images core."""

    def __init__(self, core: ImagesCore, *, provider: str) -> None:
        self._core = core
        self._provider = provider

    async def GenerateImage(
        self, request: pb.GenerateImageRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.GenerateImageResponse]:
        user_id = caller_id(context)
        image_request = _request(request)
        yield pb.GenerateImageResponse(status=common_pb2.ASSET_STATUS_QUEUED)
        try:
            async for update in self._core.generate_one(user_id, image_request):
                yield self._response(update)
        except ProviderError as error:
            yield pb.GenerateImageResponse(
                status=common_pb2.ASSET_STATUS_FAILED,
                provider=self._provider,
                error=common_pb2.AssetError(code=error.code, message=error.message),
            )

    def _response(self, update) -> pb.GenerateImageResponse:
        if not isinstance(update, tuple):
            return pb.GenerateImageResponse(status=update, provider=self._provider)
        path, image = update
        return pb.GenerateImageResponse(
            status=common_pb2.ASSET_STATUS_COMPLETED,
            image=common_pb2.StorageRef(
                bucket=GENERATED_BUCKET, path=path, content_type="image/png"
            ),
            width=image.width,
            height=image.height,
            provider=self._provider,
        )
