"""Translation between database rows and logokraft.v1 messages, in one place.

The maps between status and logo-type names (as stored and as the public API spells
them) and their proto enum values live here too, for every caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from logokraft.v1 import common_pb2

PROJECT_STATUS = {
    "pending": common_pb2.PROJECT_STATUS_PENDING,
    "generating": common_pb2.PROJECT_STATUS_GENERATING,
    "completed": common_pb2.PROJECT_STATUS_COMPLETED,
    "failed": common_pb2.PROJECT_STATUS_FAILED,
    "cancelled": common_pb2.PROJECT_STATUS_CANCELLED,
}
ASSET_STATUS = {
    "queued": common_pb2.ASSET_STATUS_QUEUED,
    "generating": common_pb2.ASSET_STATUS_GENERATING,
    "completed": common_pb2.ASSET_STATUS_COMPLETED,
    "failed": common_pb2.ASSET_STATUS_FAILED,
    "cancelled": common_pb2.ASSET_STATUS_CANCELLED,
}
LOGO_TYPE = {
    "wordmark": common_pb2.LOGO_TYPE_WORDMARK,
    "lettermark": common_pb2.LOGO_TYPE_LETTERMARK,
    "combination": common_pb2.LOGO_TYPE_COMBINATION,
    "emblem": common_pb2.LOGO_TYPE_EMBLEM,
    "abstract": common_pb2.LOGO_TYPE_ABSTRACT,
}
LOGO_TYPE_NAME = {value: name for name, value in LOGO_TYPE.items()}
PROJECT_STATUS_NAME = {value: name for name, value in PROJECT_STATUS.items()}
ASSET_STATUS_NAME = {value: name for name, value in ASSET_STATUS.items()}
TERMINAL_ASSET_STATUSES = ("completed", "failed", "cancelled")

Row = Mapping[str, Any]


def _timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _error(code: str | None, message: str | None) -> common_pb2.AssetError | None:
    if not code:
        return None
    return common_pb2.AssetError(code=code, message=message or "")


def brief_from_row(row: Row) -> common_pb2.BrandBrief:
    """The brief stored on a brand_projects row."""
    return common_pb2.BrandBrief(
        brand_name=row["brand_name"],
        slogan=row["slogan"],
        industry=row["industry"],
        description=row["description"],
        style=list(row["style"]),
        colors=list(row["colors"]),
        logo_type=LOGO_TYPE.get(row["logo_type"] or "", common_pb2.LOGO_TYPE_UNSPECIFIED),
        num_candidates=row["num_candidates"],
        color_words=list(row.get("color_words") or ()),
        color_names=list(row.get("color_names") or ()),
        color_notes=list(row.get("color_notes") or ()),
    )


def asset_to_proto(row: Row) -> common_pb2.Asset:
    """A generated_assets row as an Asset message."""
    image = None
    if row["storage_path"]:
        image = common_pb2.StorageRef(
            bucket=row["storage_bucket"], path=row["storage_path"], content_type=row["mime_type"]
        )
    return common_pb2.Asset(
        id=str(row["id"]),
        project_id=str(row["project_id"]),
        parent_asset_id=str(row["parent_asset_id"] or ""),
        status=ASSET_STATUS[row["status"]],
        position=row["position"],
        prompt=row["prompt"],
        instruction=row["instruction"] or "",
        image=image,
        width=row["width"] or 0,
        height=row["height"] or 0,
        provider=row["provider"] or "",
        error=_error(row["error_code"], row["error_message"]),
        metadata_json=json.dumps(row["metadata"] or {}, sort_keys=True),
        created_at=_timestamp(row["created_at"]),
        updated_at=_timestamp(row["updated_at"]),
    )


def project_to_proto(row: Row, assets: Iterable[Row] = ()) -> common_pb2.Project:
    """A brand_projects row (and optionally its assets) as a Project message."""
    return common_pb2.Project(
        id=str(row["id"]),
        user_id=str(row["user_id"]),
        brief=brief_from_row(row),
        status=PROJECT_STATUS[row["status"]],
        error=_error(row["error_code"], row["error_message"]),
        inspiration_images=[
            common_pb2.StorageRef(bucket="inspiration-images", path=path, content_type="image/png")
            for path in row["inspiration_paths"]
        ],
        assets=[asset_to_proto(asset) for asset in assets],
        created_at=_timestamp(row["created_at"]),
        updated_at=_timestamp(row["updated_at"]),
        event_sequence=row["event_sequence"],
    )


def message_to_payload(message: Any) -> dict[str, Any]:
    """A message as JSON-ready data for the event log."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def event_from_log(row: Row) -> common_pb2.ProjectEvent:
    """A project_events row as the ProjectEvent it recorded."""
    event = common_pb2.ProjectEvent(sequence=row["sequence"])
    payload = row["payload"]
    if row["kind"] == "asset":
        json_format.ParseDict(payload, event.asset)
    elif row["kind"] == "project":
        json_format.ParseDict(payload, event.project)
    else:
        json_format.ParseDict(payload, event.done)
    return event
