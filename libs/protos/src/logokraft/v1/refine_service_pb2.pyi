from logokraft.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RefineAssetRequest(_message.Message):
    __slots__ = ("asset_id", "instruction", "num_variations")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    NUM_VARIATIONS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    instruction: str
    num_variations: int
    def __init__(self, asset_id: _Optional[str] = ..., instruction: _Optional[str] = ..., num_variations: _Optional[int] = ...) -> None: ...

class RefineAssetResponse(_message.Message):
    __slots__ = ("variations",)
    VARIATIONS_FIELD_NUMBER: _ClassVar[int]
    variations: _containers.RepeatedCompositeFieldContainer[_common_pb2.Asset]
    def __init__(self, variations: _Optional[_Iterable[_Union[_common_pb2.Asset, _Mapping]]] = ...) -> None: ...

class GetAssetRequest(_message.Message):
    __slots__ = ("asset_id",)
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    def __init__(self, asset_id: _Optional[str] = ...) -> None: ...

class GetAssetResponse(_message.Message):
    __slots__ = ("asset",)
    ASSET_FIELD_NUMBER: _ClassVar[int]
    asset: _common_pb2.Asset
    def __init__(self, asset: _Optional[_Union[_common_pb2.Asset, _Mapping]] = ...) -> None: ...

class GetAssetLineageRequest(_message.Message):
    __slots__ = ("asset_id",)
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    def __init__(self, asset_id: _Optional[str] = ...) -> None: ...

class GetAssetLineageResponse(_message.Message):
    __slots__ = ("assets",)
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedCompositeFieldContainer[_common_pb2.Asset]
    def __init__(self, assets: _Optional[_Iterable[_Union[_common_pb2.Asset, _Mapping]]] = ...) -> None: ...

class GetBrandKitRequest(_message.Message):
    __slots__ = ("asset_id",)
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    def __init__(self, asset_id: _Optional[str] = ...) -> None: ...

class GetBrandKitResponse(_message.Message):
    __slots__ = ("kit", "filename", "size_bytes", "display_filename")
    KIT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_FILENAME_FIELD_NUMBER: _ClassVar[int]
    kit: _common_pb2.StorageRef
    filename: str
    size_bytes: int
    display_filename: str
    def __init__(self, kit: _Optional[_Union[_common_pb2.StorageRef, _Mapping]] = ..., filename: _Optional[str] = ..., size_bytes: _Optional[int] = ..., display_filename: _Optional[str] = ...) -> None: ...
