"""ImagegenService over gRPC: the service's name for health checks; it has no RPC of its own.

Candidates reach this service as image jobs on the work queue (see core.py), never as
calls: a drawing always belongs to an asset row created under its owner's limits.
"""

from __future__ import annotations

from logokraft.v1 import imagegen_service_pb2_grpc as pb_grpc


class ImagegenServicer(pb_grpc.ImagegenServiceServicer):
    """Registers ImagegenService, so health and clients know the service by name."""
