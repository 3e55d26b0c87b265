from logokraft.v1 import common_pb2 as _common_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GenerateImageRequest(_message.Message):
    __slots__ = ("prompt", "brief", "spec_json", "seed", "width", "height")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    BRIEF_FIELD_NUMBER: _ClassVar[int]
    SPEC_JSON_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    brief: _common_pb2.BrandBrief
    spec_json: str
    seed: int
    width: int
    height: int
    def __init__(self, prompt: _Optional[str] = ..., brief: _Optional[_Union[_common_pb2.BrandBrief, _Mapping]] = ..., spec_json: _Optional[str] = ..., seed: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class GenerateImageResponse(_message.Message):
    __slots__ = ("status", "image", "width", "height", "provider", "error")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    status: _common_pb2.AssetStatus
    image: _common_pb2.StorageRef
    width: int
    height: int
    provider: str
    error: _common_pb2.AssetError
    def __init__(self, status: _Optional[_Union[_common_pb2.AssetStatus, str]] = ..., image: _Optional[_Union[_common_pb2.StorageRef, _Mapping]] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., provider: _Optional[str] = ..., error: _Optional[_Union[_common_pb2.AssetError, _Mapping]] = ...) -> None: ...
