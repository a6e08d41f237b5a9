"""The whole pipeline on moto server (127.0.0.1), as `postdrop run` and `postdrop invoke` drive it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from postdrop_tools.emulator import Emulator, emulator
from postdrop_tools.invoke import invoke_event
from postdrop_tools.run import run_pipeline
from tests.conftest import EVENTS, REPO, SAMPLES, corpus_files

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.pipeline, pytest.mark.long(seconds=90)]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One moto server for the invocations of this module, reset before each (a fresh stack each)."""
    with emulator() as running:
        yield running


JUNK = {
    "junk/letter.docx": b"PK\x03\x04",
    "junk/empty.md": b"",
    "junk/notes.md": b"just some notes, no front matter\n",
    "junk/unclosed.md": b"---\ntitle: never closed\n",
    "junk/list.md": b"---\n- a\n- b\n---\nbody\n",
    "junk/NOTES": b"notes",  # no extension: rejected (a README would be a file of the blog's repository)
}
# Files a Jekyll site keeps beside its posts: ignored, neither stored nor rejected (core/sitefiles.py)
SITE = {
    "assets/image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "_layouts/post.html": b"---\nlayout: default\n---\n{{ content }}\n",
    "_config.yml": b"title: blog\n",
    "odd/with space.md~": b"---\ntitle: an editor's backup\n---\nOld.\n",  # its post_id is the post's beside it
}
ODD_NAMES = ["odd/with space.md", "odd/plus+sign.md", "odd/市场 快讯 2026.md"]
WARNED = "odd/blank-line-first.md"  # stored with a warning (a blank line before its front matter), category emnews


def test_corpus_and_junk_end_to_end(tmp_path: Path) -> None:
    # Given the real corpus (or the samples where it is absent), junk files and odd key names
    posts = corpus_files() or sorted(p for p in SAMPLES.glob("2*.md"))
    for path in posts:
        shutil.copy(path, tmp_path / path.name)  # into a temporary folder only, never the project
    for name, data in (JUNK | SITE).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    sample = (SAMPLES / "2026-03-03-0002.md").read_bytes()
    for name in ODD_NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(sample)
    (tmp_path / WARNED).write_bytes((SAMPLES / "2026-03-04-0003.md").read_bytes())

    # When every file is dropped and the pipeline drains
    report = run_pipeline(tmp_path)

    # Then every post is stored once, every junk file rejected with its reason, the site's files
    # ignored, nothing lost
    good = len(posts) + len(ODD_NAMES) + 1
    assert report.dropped == good + len(JUNK) + len(SITE)
    assert report.lost == 0, report.lost_keys
    assert report.stored == good
    assert report.rejected == len(JUNK)
    assert report.ignored == len(SITE)
    assert set(report.reasons) == {f"posts/{name}" for name in JUNK}
    assert "before the front matter" in report.warnings[f"posts/{WARNED}"][0]  # what run prints
    assert "not a post file type (.docx)" in report.reasons["posts/junk/letter.docx"]
    assert "empty" in report.reasons["posts/junk/empty.md"]
    assert "never closed" in report.reasons["posts/junk/unclosed.md"]
    # and one notification each, the example subscriber seeing only its category
    assert report.notified == good + len(JUNK)
    assert report.events == {"post.created": good, "post.rejected": len(JUNK)}
    emnews = sum(1 for p in posts if "categories: emnews" in p.read_text(encoding="utf-8")) + len(ODD_NAMES) + 1
    assert report.subscriber == emnews
    # and the AWS calls of postdrop's code are the batched happy path (counts are exact)
    unread = 2  # .docx and README are rejected by their key, before any GetObject
    assert report.calls["s3.GetObject"] == report.dropped - unread - len(SITE)
    assert report.invocations["ParseFunction"] == report.dropped
    assert report.calls["sqs.SendMessageBatch"] == report.dropped - len(SITE)  # an ignored file sends nothing
    # one consistent read a StoreFunction batch (BatchGetItem), then one conditional write a post (a
    # failed conditional write would be billed by the item's size; the read costs a fifth of that),
    # and the stream's publishes, batched
    assert report.calls["dynamodb.UpdateItem"] == report.stored + report.rejected
    assert report.calls["dynamodb.BatchGetItem"] == report.invocations["StoreFunction"] < report.dropped
    assert "dynamodb.GetItem" not in report.calls
    assert report.calls["sns.PublishBatch"] <= report.invocations["PublishFunction"]
    assert "sns.Publish" not in report.calls and "dynamodb.TransactWriteItems" not in report.calls
    assert report.calls_per_stored_post <= 3.5
    assert report.cost["usd_per_1000_posts"] == pytest.approx(sum(report.cost["breakdown"].values()), abs=1e-5)
    # per post read, as the floor is: the site's files it ignored do not thin the cost below the floor
    assert report.ignored and report.cost["usd_per_1000_posts"] > report.floor_cost["usd_per_1000_posts"]
    # and what the template's defaults add: postdrop's own log lines at INFO (the rejections', a few
    # hundred bytes each; a stored post logs nothing), and no X-Ray traces (TracingMode=PassThrough)
    assert 100 * report.rejected < report.log_bytes < 1000 * report.dropped
    assert report.cost["breakdown"]["logs"] > 0
    assert report.cost["breakdown"]["xray"] == 0


@pytest.mark.parametrize(
    ("function", "event", "expected"),
    [
        ("ParseFunction", "s3-put.json", {"parsed": 1, "keys": ["posts/2026-03-07-市场 快讯.md"]}),
        ("ParseFunction", "s3-put-rejected.json", {"rejected": 1, "keys": ["posts/not-a-post.md"]}),
        ("ParseFunction", "s3-delete.json", {"deleted": 1, "keys": ["posts/2026-03-02-NW0001.md"]}),
        ("StoreFunction", "sqs-store.json", {"batchItemFailures": []}),
        ("PublishFunction", "dynamodb-stream.json", {"batchItemFailures": []}),
        ("ParseFunction", "eventbridge-object-created.json", {"parsed": 1, "keys": ["posts/2026-03-04-0003.md"]}),
        (
            "ParseFunction",
            "s3-batch-invocation.json",
            {"invocationSchemaVersion": "2.0", "treatMissingKeysAs": "PermanentFailure"},
        ),
    ],
)
def test_every_event_file_goes_through_its_handler(
    emu: Emulator, function: str, event: str, expected: dict[str, object]
) -> None:
    result = invoke_event(function, json.loads((EVENTS / event).read_text(encoding="utf-8")), emu=emu)
    assert {k: result[k] for k in expected} == expected


@pytest.mark.parametrize("event", ["s3-put.json", "eventbridge-object-created.json"])
def test_an_event_file_naming_another_bucket_reads_the_local_one(emu: Emulator, event: str) -> None:
    # as a user edits an event file: S3's and EventBridge's shapes alike (EventBridge's failed, NoSuchBucket)
    text = (EVENTS / event).read_text(encoding="utf-8").replace("postdrop-local-posts-123456789012-us-east-1", "x")
    assert '"x"' in text
    assert invoke_event("ParseFunction", json.loads(text), emu=emu)["parsed"] == 1


def test_every_event_file_is_covered() -> None:
    covered = {"s3-put.json", "s3-put-rejected.json", "s3-delete.json", "sqs-store.json", "env.json",
               "eventbridge-object-created.json", "s3-batch-invocation.json", "dynamodb-stream.json"}  # fmt: skip
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


def test_run_says_a_twin_was_kept_behind_the_post_s_file_and_a_file_of_another_type_rejected(
    tmp_path: Path,
) -> None:
    # Given a post, its twin in HTML and a document beside them: three files, one post_id
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2026-11-14-twin.md").write_bytes(b"---\ntitle: A\n---\nHello.\n")
    (posts / "2026-11-14-twin.html").write_bytes(b"<p>Hello.</p>\n")
    (posts / "2026-11-14-twin.docx").write_bytes(b"PK\x03\x04")
    # When the folder is run through the pipeline
    report = run_pipeline(tmp_path)
    # Then the post is stored, the HTML kept behind it, the document rejected: nothing lost
    assert (report.stored, report.kept, report.rejected, report.lost) == (1, 1, 1, 0), report.lost_keys
    assert report.kept_keys == {"posts/_posts/2026-11-14-twin.html": "posts/_posts/2026-11-14-twin.md"}
    assert "not a post file type (.docx)" in report.reasons["posts/_posts/2026-11-14-twin.docx"]


def test_a_batch_operations_invocation_is_answered_per_task(emu: Emulator) -> None:
    result = invoke_event(
        "ParseFunction", json.loads((EVENTS / "s3-batch-invocation.json").read_text(encoding="utf-8")), emu=emu
    )
    assert [(r["taskId"], r["resultCode"]) for r in result["results"]] == [
        ("dGFza2lkZ29lc2hlcmUK", "Succeeded"),
        ("dGFza2lkZ29lc2hlcmUL", "Succeeded"),
    ]
    assert result["results"][0]["resultString"] == "posts/2026-03-05-reading-notes.md: parsed"
    assert result["results"][1]["resultString"].startswith("posts/not-a-post.md: rejected: no front matter")


AWS_EVENTS = Path(os.environ.get("POSTDROP_AWS_EVENTS", REPO.parent / "shared" / "aws-events"))
# What each third-party fixture is, by what ParseFunction must make of it (read in place, never copied).
FIXTURE_OUTCOMES: dict[str, dict[str, Any]] = {
    "docs-s3-test-event.json": {"ignored": 1},
    "powertools-s3Event.json": {"parsed": 1},
    "powertools-s3EventDecodedKey.json": {"vanished": 1},  # a made-up versionId: that version does not exist
    "powertools-s3EventDeleteObject.json": {"deleted": 1},
    "powertools-s3EventGlacier.json": {"parsed": 1},
    "powertools-s3SqsEvent.json": {"vanished": 1},  # a made-up versionId
    "powertools-s3EventBridgeNotificationObjectCreatedEvent.json": {"parsed": 1},
    "powertools-s3EventBridgeNotificationObjectDeletedEvent.json": {"deleted": 1},
    "powertools-s3EventBridgeNotificationObjectExpiredEvent.json": {"deleted": 1},
    "powertools-s3EventBridgeNotificationObjectRestoreCompletedEvent.json": {"ignored": 1},
    "sam-s3-put.json": {"parsed": 1},
    "sam-s3-delete.json": {"deleted": 1},
    "sam-sqs-wrapping-s3-put.json": {"parsed": 1},
    "powertools-s3BatchOperationEventSchemaV1.json": {"results": ["PermanentFailure"]},  # version "1" does not exist
    "powertools-s3BatchOperationEventSchemaV2.json": {"results": ["Succeeded"]},
    "sam-s3-batch-invocation.json": {"results": ["PermanentFailure"]},  # its made-up version does not exist
    "powertools-snsEvent.json": {"fails": "is not JSON ('Hello from SNS!')"},
    "powertools-snsSqsEvent.json": {"fails": "carries no S3 change"},
    "powertools-sqsDlqTriggerEvent.json": {"fails": "is not JSON ('hello world')"},
    "powertools-sqsEvent.json": {"fails": "is not JSON"},
    "sam-sns-notification.json": {"fails": "is not JSON ('example message')"},
    "sam-sqs-receive-message.json": {"fails": "is not JSON ('Hello from SQS!')"},
}


@pytest.mark.skipif(not AWS_EVENTS.is_dir(), reason=f"the third-party event fixtures are not at {AWS_EVENTS}")
@pytest.mark.parametrize("name", sorted(FIXTURE_OUTCOMES))
def test_every_aws_event_fixture_through_invoke(emu: Emulator, name: str) -> None:
    """Each fixture is processed (every S3 change counted), answered in Batch Operations' format,
    or fails with one sentence naming the record and what it is: never a silent zero. (What
    `postdrop invoke` prints of each is the next test's.)"""
    event = json.loads((AWS_EVENTS / name).read_text(encoding="utf-8"))
    expected = FIXTURE_OUTCOMES[name]
    if "fails" in expected:
        with pytest.raises(Exception, match="record 0") as failed:
            invoke_event("ParseFunction", event, emu=emu)
        assert str(expected["fails"]) in str(failed.value)
        return
    answer = invoke_event("ParseFunction", event, emu=emu)
    if "results" in expected:
        assert [r["resultCode"] for r in answer["results"]] == expected["results"]
        return
    counted = {k: answer[k] for k in ("parsed", "rejected", "deleted", "vanished", "ignored") if answer[k]}
    assert counted == expected


def test_postdrop_invoke_prints_the_result_alone_or_one_line_of_why(tmp_path: Path) -> None:
    """`postdrop invoke` as a user runs it: the result as JSON on stdout, what was published and the
    function's log lines on stderr; an event the function cannot take is one line and exit code 1."""
    postdrop = Path(sys.executable).parent / "postdrop"
    result = subprocess.run(
        [str(postdrop), "invoke", "ParseFunction", str(EVENTS / "s3-put.json")],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["parsed"] == 1  # the result alone: log lines go to stderr
    assert "Traceback" not in result.stderr
    not_s3 = tmp_path / "sqs-hello.json"  # an SQS message whose body is no S3 event
    not_s3.write_text(json.dumps({"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "body": "hello"}]}))
    result = subprocess.run(
        [str(postdrop), "invoke", "ParseFunction", str(not_s3)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("postdrop: ")]
    assert line.startswith(f"postdrop: ParseFunction failed on {not_s3}:") and "record 0" in line


def test_every_aws_event_fixture_is_named() -> None:
    if AWS_EVENTS.is_dir():
        assert {p.name for p in AWS_EVENTS.glob("*.json")} == set(FIXTURE_OUTCOMES)


def test_the_eventbridge_choice_runs_the_same_pipeline() -> None:
    """NotificationSource=EventBridge: the bucket sends EventBridge events, the template's rule
    (prefix posts/) brings them to ParseFunction, and posts are stored, rejected and deleted alike."""
    from postdrop_tools.emulator import emulator
    from postdrop_tools.local import drain_queue, scan_table, tap_topic
    from postdrop_tools.pipeline import Pipeline
    from postdrop_tools.stack import provision

    with emulator() as emu:
        # Given the stack deployed with the EventBridge choice
        stack = provision(emu, {"NotificationSource": "EventBridge"})
        tap, pipeline, s3 = tap_topic(stack), Pipeline(stack), stack.client("s3")
        bucket = stack.ref("PostsBucket")
        assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
        # When posts are dropped, one outside posts/, and one is deleted again
        s3.put_object(
            Bucket=bucket, Key="posts/2026-03-02-NW0001.md", Body=(SAMPLES / "2026-03-02-NW0001.md").read_bytes()
        )
        s3.put_object(Bucket=bucket, Key="posts/not-a-post.md", Body=(SAMPLES / "not-a-post.md").read_bytes())
        s3.put_object(
            Bucket=bucket, Key="drafts/2026-03-03-0002.md", Body=(SAMPLES / "2026-03-03-0002.md").read_bytes()
        )
        odd = "posts/2026-03-04-c++ tips 100%.md"  # a name S3 URL-encodes in its events, as AWS sends them
        s3.put_object(Bucket=bucket, Key=odd, Body=(SAMPLES / "2026-03-02-NW0001.md").read_bytes())
        pipeline.drain()
        first = sorted(n["event_type"] for n in drain_queue(stack, tap))
        s3.delete_object(Bucket=bucket, Key="posts/2026-03-02-NW0001.md")
        pipeline.drain()
        # Then the rule's events went through ParseFunction as S3's notifications do
        assert first == ["post.created", "post.created", "post.rejected"]
        assert [n["event_type"] for n in drain_queue(stack, tap)] == ["post.deleted"]
        records = {item["post_id"]: item["record_type"] for item in scan_table(stack)}
        assert records == {"2026-03-02-NW0001": "DELETED", "not-a-post": "REJECTED", "2026-03-04-c++ tips 100%": "POST"}
