"""`postdrop drop` says what it does not drop (#30): a file ParseFunction would reject unread, or
ignore as a file of a Jekyll site, is not uploaded, and the report says why, instead of the file
landing and being rejected unseen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from moto import mock_aws

from postdrop_tools.emulator import LOCAL_CREDENTIALS, REGION
from postdrop_tools.ops import drop
from tests.conftest import post

if TYPE_CHECKING:
    from collections.abc import Iterator

    from postdrop_tools.target import Target


class _Bucket:
    """The part of a Target drop uses: a bucket and an S3 client (moto)."""

    bucket = "posts-bucket"
    max_object_bytes = 5 * 1024 * 1024  # the template's default MaxObjectBytes

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
    (tmp_path / "NOTES").write_text("notes")
    (tmp_path / "s3-put.json").write_text("{}")
    # When it is dropped
    report = drop(cast("Target", bucket), [tmp_path])
    # Then only the post is uploaded, under posts/, and each other file is named with why
    assert report.dropped == ["posts/2024/a.md"]
    assert bucket.keys() == ["posts/2024/a.md"]
    assert report.skipped == {
        str(tmp_path / "NOTES"): "not a post file type (no extension): postdrop reads .md, .markdown, .html, .htm, "
        ".txt, .mkd, .mkdn, .mkdown (ParseFunction would reject posts/NOTES unread)",
        str(tmp_path / "photo.jpg"): "a file of the site (.jpg), which Jekyll reads as no post (a page or a copy) "
        "(ParseFunction would ignore posts/photo.jpg)",
        str(tmp_path / "s3-put.json"): "a file of the site (.json), which Jekyll reads as no post (a page or a copy) "
        "(ParseFunction would ignore posts/s3-put.json)",
    }
    assert report.refused == [str(tmp_path / "NOTES")]  # of those, the one ParseFunction would reject


def test_drop_refuses_a_file_past_the_stacks_object_cap(bucket: _Bucket, tmp_path: Path) -> None:
    # Given a post one byte past the stack's MaxObjectBytes, beside one at it
    bucket.max_object_bytes = 1024
    (tmp_path / "2024-01-01-big.md").write_bytes(post('title: "big"') + b"x" * (1025 - len(post('title: "big"'))))
    (tmp_path / "2024-01-02-fits.md").write_bytes(post('title: "fits"') + b"x" * (1024 - len(post('title: "fits"'))))
    # When the folder is dropped, the one ParseFunction would reject unread stays here, with why
    report = drop(cast("Target", bucket), [tmp_path])
    assert report.dropped == ["posts/2024-01-02-fits.md"]
    assert report.refused == [str(tmp_path / "2024-01-01-big.md")]
    assert report.skipped[str(tmp_path / "2024-01-01-big.md")] == (
        "the file is 1,025 bytes; the stack's cap (MaxObjectBytes) is 1,024 bytes"
        " (ParseFunction would reject posts/2024-01-01-big.md unread)"
    )


def test_drop_of_a_whole_blog_uploads_its_posts_and_drafts_alone(bucket: _Bucket, tmp_path: Path) -> None:
    # Given a Jekyll blog as it sits in its repository
    for name, body in {
        "_posts/2026-01-05-a.md": post('title: "a"'),
        "_drafts/b.md": post('title: "b"'),
        "_layouts/post.html": post("layout: default", "{{ content }}"),
        "_config.yml": b"title: blog",
        "assets/cat.png": b"\x89PNG",
        "index.html": post("layout: default"),
        ".gitignore": b"_site",  # a dot file, and a repository's own folder: counted, not listed one by one
        ".git/config": b"[core]",
        "README.md": b"# my blog",  # the repository's own files
        "Dockerfile": b"FROM ruby",
        "scripts/new-post.sh": b"#!/bin/sh",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    # When the whole folder is dropped
    report = drop(cast("Target", bucket), [tmp_path])
    # Then its posts and drafts are uploaded, and each of the site's other files is named with why
    assert bucket.keys() == ["posts/_drafts/b.md", "posts/_posts/2026-01-05-a.md"]
    assert sorted(Path(path).relative_to(tmp_path).as_posix() for path in report.skipped) == [
        "Dockerfile",
        "README.md",
        "_config.yml",
        "_layouts/post.html",
        "assets/cat.png",
        "index.html",
        "scripts/new-post.sh",
    ]
    assert report.refused == []
    hidden = sorted(Path(path).relative_to(tmp_path).as_posix() for path in report.hidden)
    assert hidden == [".git/config", ".gitignore"]
    assert report.skipped[str(tmp_path / "_layouts" / "post.html")] == (
        "Jekyll reads no posts under _layouts/ (ParseFunction would ignore posts/_layouts/post.html)"
    )


def test_a_single_file_is_dropped_under_posts(bucket: _Bucket, tmp_path: Path) -> None:
    (tmp_path / "b.html").write_bytes(post('title: "b"'))
    report = drop(cast("Target", bucket), [tmp_path / "b.html"])
    assert report.dropped == ["posts/b.html"] and report.skipped == {}


def test_the_drop_command_fails_only_for_files_parsefunction_would_reject(
    bucket: _Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from postdrop_tools import cli

    monkeypatch.setattr(cli, "_target", lambda _args: bucket)
    # Given a blog whose repository holds its README and a theme's files beside the posts
    (tmp_path / "blog" / "_posts").mkdir(parents=True)
    (tmp_path / "blog" / "_posts" / "2026-01-05-a.md").write_bytes(post('title: "a"'))
    (tmp_path / "blog" / "README.md").write_text("# my blog")
    (tmp_path / "blog" / "main.scss").write_text("body {}")
    # When it is dropped whole, it succeeds: leaving out the site's own files is no failure
    assert cli.main(["drop", str(tmp_path / "blog")]) == 0
    assert "skipped" in capsys.readouterr().err  # each still named, with why
    # And a file ParseFunction would reject unread fails the command
    (tmp_path / "NW0009").write_text("no extension")
    assert cli.main(["drop", str(tmp_path / "NW0009")]) == 1
