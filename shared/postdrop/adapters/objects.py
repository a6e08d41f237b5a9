"""Reading post objects from the bucket, with a size cap that is checked without reading more."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, NamedTuple

from botocore.exceptions import ClientError

from postdrop.exceptions import PermanentFailure

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = [
    "ARCHIVE_PREFIX", "MAX_KEY_BYTES",
    "ObjectBody", "ObjectGone", "ObjectTooLarge", "archive_key", "current_version", "read_archive", "read_object",
    "require_archive", "write_archive",
]  # fmt: skip

_TOTAL = re.compile(r"/(\d+)$")
_GONE = frozenset({"NoSuchKey", "NoSuchVersion", "404"})


class ObjectGone(Exception):
    """The object (or that version of it) does not exist; ``code`` is S3's (NoSuchKey, NoSuchVersion)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ObjectTooLarge(Exception):
    def __init__(self, size: int, cap: int) -> None:
        super().__init__(f"the object is {size} bytes; the cap is {cap} bytes (the stack's MaxObjectBytes)")
        self.size = size
        self.cap = cap


class ObjectBody(NamedTuple):
    data: bytes
    size: int
    etag: str | None
    version_id: str | None


def read_object(client: S3Client, bucket: str, key: str, version_id: str | None, max_bytes: int) -> ObjectBody:
    """One GetObject of at most ``max_bytes + 1`` bytes: enough to know whether the cap is exceeded."""
    request = {"Bucket": bucket, "Key": key, "Range": f"bytes=0-{max_bytes}"}
    if version_id:
        request["VersionId"] = version_id
    try:
        response = client.get_object(**request)  # type: ignore[arg-type]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _GONE:
            what = f"version {version_id} of s3://{bucket}/{key}" if code == "NoSuchVersion" else f"s3://{bucket}/{key}"
            raise ObjectGone(f"{what} does not exist ({code})", code) from exc
        if code == "InvalidRange":  # an empty object has no byte 0
            return ObjectBody(b"", 0, None, version_id)
        raise
    total = _TOTAL.search(response.get("ContentRange") or "")
    size = int(total.group(1)) if total else int(response.get("ContentLength", 0))
    if size > max_bytes:
        response["Body"].close()
        raise ObjectTooLarge(size, max_bytes)
    data = response["Body"].read()
    return ObjectBody(data, size, (response.get("ETag") or "").strip('"') or None, response.get("VersionId"))


def current_version(client: S3Client, bucket: str, key: str) -> tuple[str | None, str | None] | None:
    """(version id, etag) of the object ``key`` now reads as; None when it reads as gone (no
    object, or a delete marker on top)."""
    try:
        response = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code", "") in _GONE | {"NotFound", "405", "MethodNotAllowed"}:
            return None
        raise
    return response.get("VersionId"), (response.get("ETag") or "").strip('"') or None


ARCHIVE_PREFIX = "archive/posts/"  # outside posts/: writing here never triggers ParseFunction
MAX_KEY_BYTES = 1024  # S3's limit on an object key


def archive_key(post_id: str, content_hash: str) -> str:
    """Where a post's JSON is archived, by content: under its post_id, or, when that would make a
    key past S3's limit (a post_id near it), under the post_id's sha256."""
    key = f"{ARCHIVE_PREFIX}{post_id}/{content_hash}.json"
    if len(key.encode()) <= MAX_KEY_BYTES:
        return key
    return f"{ARCHIVE_PREFIX}{hashlib.sha256(post_id.encode()).hexdigest()}/{content_hash}.json"


def write_archive(client: S3Client, bucket: str, key: str, body: str | bytes) -> str:
    """Store a large post's or notification's JSON (its caller names it by content or by
    notification_id, so a retry rewrites the same object); return its s3:// address."""
    data = body.encode() if isinstance(body, str) else body
    client.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
    return f"s3://{bucket}/{key}"


def _missing_archive(ref: str, exc: ClientError) -> PermanentFailure | None:
    code = exc.response.get("Error", {}).get("Code", "")
    if code in ("NoSuchKey", "404", "NotFound"):
        return PermanentFailure(f"the post's archive {ref} does not exist ({code}): the post it names cannot be read")
    return None


def require_archive(client: S3Client, ref: str) -> None:
    """Raise PermanentFailure when the archive ``ref`` names does not exist (one HeadObject): what
    StoreFunction can ask before it writes an item that points to it."""
    bucket, _, key = ref.removeprefix("s3://").partition("/")
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        missing = _missing_archive(ref, exc)
        if missing is not None:
            raise missing from exc
        raise


def read_archive(client: S3Client, ref: str) -> str:
    """The JSON ``write_archive`` stored at ``ref`` (s3://bucket/key).

    Raises PermanentFailure when there is no such object: no retry can bring it back (an archive
    is written before the envelope naming it is sent, so a missing one was removed or never made).
    """
    bucket, _, key = ref.removeprefix("s3://").partition("/")
    try:
        response = client.get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        missing = _missing_archive(ref, exc)
        if missing is not None:
            raise missing from exc
        raise
    return response["Body"].read().decode("utf-8")
