"""A fake Supabase Storage API (`/storage/v1/object/...`) holding objects in memory.

It speaks the wire format supabase-py's storage3 client uses: multipart upload with
`x-upsert`, download, bulk remove, signed URLs (and serves them), and JSON errors of
the form {"statusCode", "error", "message"}. Every call must carry the service key.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile


@dataclass(frozen=True)
class StoredObject:
    """One object's bytes and content type."""

    data: bytes
    content_type: str


def storage_error(status: int, error: str, message: str) -> JSONResponse:
    """Supabase Storage's JSON error body (statusCode is a string there)."""
    body = {"statusCode": str(status), "error": error, "message": message}
    return JSONResponse(body, status_code=status)


class FakeSupabaseStorage:
    """The fake storage API: `app` to serve, `objects` to inspect, `requests` to assert on."""

    def __init__(
        self, *, service_role_key: str = "fake-service-role-key", buckets: Iterable[str] = ()
    ) -> None:
        self.service_role_key = service_role_key
        self.buckets = set(buckets)
        self.objects: dict[tuple[str, str], StoredObject] = {}
        self.requests: list[tuple[str, str]] = []
        self._tokens: dict[str, tuple[str, str, float]] = {}
        self.app = FastAPI(title="fake Supabase Storage")
        prefix = "/storage/v1/object"
        self.app.add_api_route(prefix + "/sign/{bucket}/{path:path}", self._sign, methods=["POST"])
        self.app.add_api_route(prefix + "/sign/{bucket}/{path:path}", self._signed, methods=["GET"])
        self.app.add_api_route(prefix + "/{bucket}/{path:path}", self._upload, methods=["POST"])
        self.app.add_api_route(prefix + "/{bucket}/{path:path}", self._download, methods=["GET"])
        self.app.add_api_route(prefix + "/{bucket}", self._remove, methods=["DELETE"])

    def _denied(self, request: Request, bucket: str) -> JSONResponse | None:
        self.requests.append((request.method, request.url.path))
        bearer = request.headers.get("authorization", "")
        if bearer != f"Bearer {self.service_role_key}" or (
            request.headers.get("apikey") != self.service_role_key
        ):
            return storage_error(403, "Unauthorized", "invalid signature")
        if self.buckets and bucket not in self.buckets:
            return storage_error(404, "Bucket not found", "Bucket not found")
        return None

    async def _upload(self, bucket: str, path: str, request: Request) -> Response:
        if denied := self._denied(request, bucket):
            return denied
        async with request.form() as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                return storage_error(400, "InvalidRequest", "No file was sent in field 'file'")
            data, content_type = await upload.read(), upload.content_type
        upsert = request.headers.get("x-upsert", "false").lower() == "true"
        if (bucket, path) in self.objects and not upsert:
            return storage_error(409, "Duplicate", "The resource already exists")
        self.objects[(bucket, path)] = StoredObject(
            data, content_type or "application/octet-stream"
        )
        return JSONResponse({"Key": f"{bucket}/{path}", "Id": secrets.token_hex(8)})

    async def _download(self, bucket: str, path: str, request: Request) -> Response:
        if denied := self._denied(request, bucket):
            return denied
        return self._serve(bucket, path)

    def _serve(self, bucket: str, path: str) -> Response:
        stored = self.objects.get((bucket, path))
        if stored is None:
            return storage_error(404, "not_found", "Object not found")
        return Response(stored.data, media_type=stored.content_type)

    async def _remove(self, bucket: str, request: Request) -> Response:
        if denied := self._denied(request, bucket):
            return denied
        prefixes = (await request.json()).get("prefixes", [])
        removed = [path for path in prefixes if self.objects.pop((bucket, path), None)]
        return JSONResponse([{"bucket_id": bucket, "name": path} for path in removed])

    async def _sign(self, bucket: str, path: str, request: Request) -> Response:
        if denied := self._denied(request, bucket):
            return denied
        if (bucket, path) not in self.objects:
            return storage_error(404, "not_found", "Object not found")
        expires_in = int((await request.json())["expiresIn"])
        token = secrets.token_urlsafe(24)
        self._tokens[token] = (bucket, path, time.time() + expires_in)
        return JSONResponse({"signedURL": f"/object/sign/{bucket}/{path}?token={token}"})

    async def _signed(self, bucket: str, path: str, token: str = "") -> Response:
        grant = self._tokens.get(token)
        if grant is None or grant[:2] != (bucket, path):
            return storage_error(400, "InvalidJWT", "invalid signature")
        if grant[2] < time.time():
            return storage_error(400, "InvalidJWT", '"exp" claim timestamp check failed')
        return self._serve(bucket, path)
