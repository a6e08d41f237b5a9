"""The whole pipeline on moto server (127.0.0.1), as `postdrop run` and `postdrop invoke` drive it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from postdrop_tools.invoke import invoke_event
from postdrop_tools.run import run_pipeline
from tests.conftest import EVENTS, REPO, SAMPLES, corpus_files

pytestmark = pytest.mark.pipeline

JUNK = {
    "junk/image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "junk/empty.md": b"",
    "junk/notes.md": b"just some notes, no front matter\n",
    "junk/unclosed.md": b"---\ntitle: never closed\n",
    "junk/list.md": b"---\n- a\n- b\n---\nbody\n",
    "junk/photo.jpg": b"\xff\xd8\xff\xe0",
}
ODD_NAMES = ["odd/with space.md", "odd/plus+sign.md", "odd/市场 快讯 2026.md"]


def test_corpus_and_junk_end_to_end(tmp_path: Path) -> None:
    # Given the real corpus (or the samples where it is absent), junk files and odd key names
    posts = corpus_files() or sorted(p for p in SAMPLES.glob("2*.md"))
    for path in posts:
        shutil.copy(path, tmp_path / path.name)  # into a temporary folder only, never the project
    for name, data in JUNK.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    sample = (SAMPLES / "2026-03-03-0002.md").read_bytes()
    for name in ODD_NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(sample)

    # When every file is dropped and the pipeline drains
    report = run_pipeline(tmp_path)

    # Then every post is stored once, every junk file rejected with its reason, nothing lost
    good = len(posts) + len(ODD_NAMES)
    assert report.dropped == good + len(JUNK)
    assert report.lost == 0, report.lost_keys
    assert report.stored == good
    assert report.rejected == len(JUNK)
    assert set(report.reasons) == {f"posts/{name}" for name in JUNK}
    assert "not a post file type (.png)" in report.reasons["posts/junk/image.png"]
    assert "empty" in report.reasons["posts/junk/empty.md"]
    assert "never closed" in report.reasons["posts/junk/unclosed.md"]
    # and one notification each, the example subscriber seeing only its category
    assert report.notified == good + len(JUNK)
    assert report.events == {"post.created": good, "post.rejected": len(JUNK)}
    emnews = sum(1 for p in posts if "categories: emnews" in p.read_text(encoding="utf-8")) + len(ODD_NAMES)
    assert report.subscriber == emnews
    # and the AWS calls of postdrop's code are the batched happy path (counts are exact)
    unread = 2  # .png and .jpg are rejected by their key, before any GetObject
    assert report.calls["s3.GetObject"] == report.dropped - unread
    assert report.calls["sqs.SendMessageBatch"] == report.invocations["ParseFunction"] == report.dropped
    assert report.calls["dynamodb.UpdateItem"] == report.dropped  # one conditional write, no read before it
    assert report.calls["sns.PublishBatch"] <= report.invocations["StoreFunction"]
    assert "sns.Publish" not in report.calls and "dynamodb.GetItem" not in report.calls
    assert report.calls_per_stored_post <= 3.5
    assert report.cost["usd_per_1000_posts"] == pytest.approx(sum(report.cost["breakdown"].values()), abs=1e-5)


@pytest.mark.parametrize(
    ("function", "event", "expected"),
    [
        ("ParseFunction", "s3-put.json", {"parsed": 1, "keys": ["posts/2026-03-07-市场 快讯.md"]}),
        ("ParseFunction", "s3-put-rejected.json", {"rejected": 1, "keys": ["posts/not-a-post.md"]}),
        ("ParseFunction", "s3-delete.json", {"deleted": 1, "keys": ["posts/2026-03-02-NW0001.md"]}),
        ("StoreFunction", "sqs-store.json", {"batchItemFailures": []}),
    ],
)
def test_every_event_file_goes_through_its_handler(function: str, event: str, expected: dict[str, object]) -> None:
    result = invoke_event(function, json.loads((EVENTS / event).read_text(encoding="utf-8")))
    assert {k: result[k] for k in expected} == expected


def test_every_event_file_is_covered() -> None:
    covered = {"s3-put.json", "s3-put-rejected.json", "s3-delete.json", "sqs-store.json", "env.json"}
    assert {p.name for p in EVENTS.glob("*.json")} == covered


def test_postdrop_run_json_on_the_samples() -> None:
    postdrop = Path(sys.executable).parent / "postdrop"
    result = subprocess.run([str(postdrop), "run", "--json"], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary | {"seconds": 0} == summary | {
        "dropped": 7, "stored": 6, "rejected": 1, "deleted": 0, "notified": 7, "lost": 0, "seconds": 0,
    }  # fmt: skip
    assert "Traceback" not in result.stderr
