"""`postdrop drop` says what it does not drop (#30): a file ParseFunction would reject unread is
not uploaded, and the report says why, instead of the file landing and being rejected unseen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from moto import mock_aws

from postdrop_tools.emulator import LOCAL_CREDENTIALS, REGION
from postdrop_tools.ops import drop
from tests.conftest import post

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from postdrop_tools.target import Target


class _Bucket:
    """The part of a Target drop uses: a bucket and an S3 client (moto)."""

    bucket = "posts-bucket"

    def __init__(self) -> None:
        self.s3 = boto3.client("s3", region_name=REGION)
        self.s3.create_bucket(Bucket=self.bucket)

    def client(self, name: str) -> Any:
        assert name == "s3"
        return self.s3

    def keys(self) -> list[str]:
        return sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", []))


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Bucket]:
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield _Bucket()


def test_drop_refuses_what_postdrop_would_reject_unread_and_says_why(bucket: _Bucket, tmp_path: Path) -> None:
    # Given a folder with a post, a picture, a file without an extension and a JSON event
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "a.md").write_bytes(post('title: "a"'))
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "README").write_text("notes")
    (tmp_path / "s3-put.json").write_text("{}")
    # When it is dropped
    report = drop(cast("Target", bucket), [tmp_path])
    # Then only the post is uploaded, under posts/, and each other file is named with why
    assert report.dropped == ["posts/2024/a.md"]
    assert bucket.keys() == ["posts/2024/a.md"]
    assert report.skipped == {
        str(tmp_path / "README"): "not a post file type (no extension): postdrop reads .md, .markdown, .html, .htm, "
        ".txt (ParseFunction would reject posts/README unread)",
        str(tmp_path / "photo.jpg"): "not a post file type (.jpg): postdrop reads .md, .markdown, .html, .htm, .txt "
        "(ParseFunction would reject posts/photo.jpg unread)",
        str(tmp_path / "s3-put.json"): "not a post file type (.json): postdrop reads .md, .markdown, .html, .htm, "
        ".txt (ParseFunction would reject posts/s3-put.json unread)",
    }


def test_a_single_file_is_dropped_under_posts(bucket: _Bucket, tmp_path: Path) -> None:
    (tmp_path / "b.html").write_bytes(post('title: "b"'))
    report = drop(cast("Target", bucket), [tmp_path / "b.html"])
    assert report.dropped == ["posts/b.html"] and report.skipped == {}
