import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProjectStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROJECT_STATUS_UNSPECIFIED: _ClassVar[ProjectStatus]
    PROJECT_STATUS_PENDING: _ClassVar[ProjectStatus]
    PROJECT_STATUS_GENERATING: _ClassVar[ProjectStatus]
    PROJECT_STATUS_COMPLETED: _ClassVar[ProjectStatus]
    PROJECT_STATUS_FAILED: _ClassVar[ProjectStatus]
    PROJECT_STATUS_CANCELLED: _ClassVar[ProjectStatus]

class AssetStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSET_STATUS_UNSPECIFIED: _ClassVar[AssetStatus]
    ASSET_STATUS_QUEUED: _ClassVar[AssetStatus]
    ASSET_STATUS_GENERATING: _ClassVar[AssetStatus]
    ASSET_STATUS_COMPLETED: _ClassVar[AssetStatus]
    ASSET_STATUS_FAILED: _ClassVar[AssetStatus]
    ASSET_STATUS_CANCELLED: _ClassVar[AssetStatus]

class LogoType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOGO_TYPE_UNSPECIFIED: _ClassVar[LogoType]
    LOGO_TYPE_WORDMARK: _ClassVar[LogoType]
    LOGO_TYPE_LETTERMARK: _ClassVar[LogoType]
    LOGO_TYPE_COMBINATION: _ClassVar[LogoType]
    LOGO_TYPE_EMBLEM: _ClassVar[LogoType]
    LOGO_TYPE_ABSTRACT: _ClassVar[LogoType]
PROJECT_STATUS_UNSPECIFIED: ProjectStatus
PROJECT_STATUS_PENDING: ProjectStatus
PROJECT_STATUS_GENERATING: ProjectStatus
PROJECT_STATUS_COMPLETED: ProjectStatus
PROJECT_STATUS_FAILED: ProjectStatus
PROJECT_STATUS_CANCELLED: ProjectStatus
ASSET_STATUS_UNSPECIFIED: AssetStatus
ASSET_STATUS_QUEUED: AssetStatus
ASSET_STATUS_GENERATING: AssetStatus
ASSET_STATUS_COMPLETED: AssetStatus
ASSET_STATUS_FAILED: AssetStatus
ASSET_STATUS_CANCELLED: AssetStatus
LOGO_TYPE_UNSPECIFIED: LogoType
LOGO_TYPE_WORDMARK: LogoType
LOGO_TYPE_LETTERMARK: LogoType
LOGO_TYPE_COMBINATION: LogoType
LOGO_TYPE_EMBLEM: LogoType
LOGO_TYPE_ABSTRACT: LogoType

class StorageRef(_message.Message):
    __slots__ = ("bucket", "path", "content_type")
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    bucket: str
    path: str
    content_type: str
    def __init__(self, bucket: _Optional[str] = ..., path: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...

class BrandBrief(_message.Message):
    __slots__ = ("brand_name", "slogan", "industry", "description", "style", "colors", "logo_type", "num_candidates", "color_words", "color_names", "color_notes")
    BRAND_NAME_FIELD_NUMBER: _ClassVar[int]
    SLOGAN_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STYLE_FIELD_NUMBER: _ClassVar[int]
    COLORS_FIELD_NUMBER: _ClassVar[int]
    LOGO_TYPE_FIELD_NUMBER: _ClassVar[int]
    NUM_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    COLOR_WORDS_FIELD_NUMBER: _ClassVar[int]
    COLOR_NAMES_FIELD_NUMBER: _ClassVar[int]
    COLOR_NOTES_FIELD_NUMBER: _ClassVar[int]
    brand_name: str
    slogan: str
    industry: str
    description: str
    style: _containers.RepeatedScalarFieldContainer[str]
    colors: _containers.RepeatedScalarFieldContainer[str]
    logo_type: LogoType
    num_candidates: int
    color_words: _containers.RepeatedScalarFieldContainer[str]
    color_names: _containers.RepeatedScalarFieldContainer[str]
    color_notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, brand_name: _Optional[str] = ..., slogan: _Optional[str] = ..., industry: _Optional[str] = ..., description: _Optional[str] = ..., style: _Optional[_Iterable[str]] = ..., colors: _Optional[_Iterable[str]] = ..., logo_type: _Optional[_Union[LogoType, str]] = ..., num_candidates: _Optional[int] = ..., color_words: _Optional[_Iterable[str]] = ..., color_names: _Optional[_Iterable[str]] = ..., color_notes: _Optional[_Iterable[str]] = ...) -> None: ...

class AssetError(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class Asset(_message.Message):
    __slots__ = ("id", "project_id", "parent_asset_id", "status", "position", "prompt", "instruction", "image", "width", "height", "provider", "error", "metadata_json", "created_at", "updated_at", "queue_position")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    parent_asset_id: str
    status: AssetStatus
    position: int
    prompt: str
    instruction: str
    image: StorageRef
    width: int
    height: int
    provider: str
    error: AssetError
    metadata_json: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    queue_position: int
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., parent_asset_id: _Optional[str] = ..., status: _Optional[_Union[AssetStatus, str]] = ..., position: _Optional[int] = ..., prompt: _Optional[str] = ..., instruction: _Optional[str] = ..., image: _Optional[_Union[StorageRef, _Mapping]] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., provider: _Optional[str] = ..., error: _Optional[_Union[AssetError, _Mapping]] = ..., metadata_json: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., queue_position: _Optional[int] = ...) -> None: ...

class Project(_message.Message):
    __slots__ = ("id", "user_id", "brief", "status", "error", "inspiration_images", "assets", "created_at", "updated_at", "event_sequence", "asset_counts")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    BRIEF_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    INSPIRATION_IMAGES_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ASSET_COUNTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    user_id: str
    brief: BrandBrief
    status: ProjectStatus
    error: AssetError
    inspiration_images: _containers.RepeatedCompositeFieldContainer[StorageRef]
    assets: _containers.RepeatedCompositeFieldContainer[Asset]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    event_sequence: int
    asset_counts: AssetCounts
    def __init__(self, id: _Optional[str] = ..., user_id: _Optional[str] = ..., brief: _Optional[_Union[BrandBrief, _Mapping]] = ..., status: _Optional[_Union[ProjectStatus, str]] = ..., error: _Optional[_Union[AssetError, _Mapping]] = ..., inspiration_images: _Optional[_Iterable[_Union[StorageRef, _Mapping]]] = ..., assets: _Optional[_Iterable[_Union[Asset, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event_sequence: _Optional[int] = ..., asset_counts: _Optional[_Union[AssetCounts, _Mapping]] = ...) -> None: ...

class AssetCounts(_message.Message):
    __slots__ = ("candidates_completed", "candidates_failed", "candidates_cancelled", "variations", "variations_completed", "variations_failed")
    CANDIDATES_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FAILED_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    VARIATIONS_FIELD_NUMBER: _ClassVar[int]
    VARIATIONS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    VARIATIONS_FAILED_FIELD_NUMBER: _ClassVar[int]
    candidates_completed: int
    candidates_failed: int
    candidates_cancelled: int
    variations: int
    variations_completed: int
    variations_failed: int
    def __init__(self, candidates_completed: _Optional[int] = ..., candidates_failed: _Optional[int] = ..., candidates_cancelled: _Optional[int] = ..., variations: _Optional[int] = ..., variations_completed: _Optional[int] = ..., variations_failed: _Optional[int] = ...) -> None: ...

class ProjectDone(_message.Message):
    __slots__ = ("status", "completed_assets", "failed_assets", "deleted")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_ASSETS_FIELD_NUMBER: _ClassVar[int]
    FAILED_ASSETS_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    status: ProjectStatus
    completed_assets: int
    failed_assets: int
    deleted: bool
    def __init__(self, status: _Optional[_Union[ProjectStatus, str]] = ..., completed_assets: _Optional[int] = ..., failed_assets: _Optional[int] = ..., deleted: _Optional[bool] = ...) -> None: ...

class ProjectEvent(_message.Message):
    __slots__ = ("sequence", "snapshot", "asset", "project", "done", "queue")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    snapshot: Project
    asset: Asset
    project: Project
    done: ProjectDone
    queue: QueuePositions
    def __init__(self, sequence: _Optional[int] = ..., snapshot: _Optional[_Union[Project, _Mapping]] = ..., asset: _Optional[_Union[Asset, _Mapping]] = ..., project: _Optional[_Union[Project, _Mapping]] = ..., done: _Optional[_Union[ProjectDone, _Mapping]] = ..., queue: _Optional[_Union[QueuePositions, _Mapping]] = ...) -> None: ...

class QueuePositions(_message.Message):
    __slots__ = ("positions",)
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    positions: _containers.RepeatedCompositeFieldContainer[AssetQueuePosition]
    def __init__(self, positions: _Optional[_Iterable[_Union[AssetQueuePosition, _Mapping]]] = ...) -> None: ...

class AssetQueuePosition(_message.Message):
    __slots__ = ("asset_id", "queue_position")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    queue_position: int
    def __init__(self, asset_id: _Optional[str] = ..., queue_position: _Optional[int] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("images_used", "images_limit", "projects_in_flight", "projects_in_flight_limit", "window_seconds", "resets_at")
    IMAGES_USED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_LIMIT_FIELD_NUMBER: _ClassVar[int]
    PROJECTS_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    PROJECTS_IN_FLIGHT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RESETS_AT_FIELD_NUMBER: _ClassVar[int]
    images_used: int
    images_limit: int
    projects_in_flight: int
    projects_in_flight_limit: int
    window_seconds: int
    resets_at: _timestamp_pb2.Timestamp
    def __init__(self, images_used: _Optional[int] = ..., images_limit: _Optional[int] = ..., projects_in_flight: _Optional[int] = ..., projects_in_flight_limit: _Optional[int] = ..., window_seconds: _Optional[int] = ..., resets_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
