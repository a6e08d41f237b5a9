"""Operator verbs against a local stack on moto server, as `postdrop up` runs it."""

from __future__ import annotations

import json
import signal
import subprocess  # nosec B404
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from postdrop_tools.emulator import ACCOUNT, REGION, emulator
from postdrop_tools.local import (
    drain_queue,
    new_dead_letters,
    scan_table,
    subscribe_queue,
    tap_topic,
    versioning_said,
)
from postdrop_tools.ops import backfill, dead_letters, drop, redrive, safe_key, tail
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import provision
from postdrop_tools.target import Target, TargetError
from tests.conftest import SAMPLES, eventually

if TYPE_CHECKING:
    from collections.abc import Iterator

    from postdrop_tools.stack import LocalStack

pytestmark = [pytest.mark.pipeline, pytest.mark.long(seconds=22)]


@pytest.fixture(scope="module")
def up() -> Iterator[tuple[LocalStack, Pipeline, str, Target]]:
    with emulator() as emu:
        stack = provision(emu)
        tap = tap_topic(stack)
        yield stack, Pipeline(stack), tap, Target.local(str(emu.endpoint))


def test_safe_keys() -> None:
    assert safe_key("a\\b/./c d.md") == "posts/a/b/c d.md"
    with pytest.raises(ValueError, match="below"):
        safe_key("../x.md")
    with pytest.raises(ValueError, match="control"):
        safe_key("x\x07.md")


def test_drop_then_backfill_is_idempotent_and_redrive_returns_dead_letters(
    up: tuple[LocalStack, Pipeline, str, Target], tmp_path: Path
) -> None:
    stack, pipeline, tap, target = up
    # drop: a folder, kept below posts/
    folder = tmp_path / "drop"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a post.md").write_bytes((SAMPLES / "2026-03-02-NW0001.md").read_bytes())
    (folder / "b.md").write_bytes((SAMPLES / "2026-03-03-0002.md").read_bytes())
    report = drop(target, [folder])
    assert sorted(report.dropped) == ["posts/b.md", "posts/sub/a post.md"]
    pipeline.drain()
    assert sorted(n["event_type"] for n in drain_queue(stack, tap)) == ["post.created", "post.created"]

    # backfill: every object through parsing again; nothing changed, so nobody is told
    assert backfill(target) == 2
    pipeline.drain()
    assert drain_queue(stack, tap) == []
    items = {i["post_id"]: i for i in scan_table(stack)}
    assert {"b", "sub/a post"} <= set(items)

    # after a parser fix the stored form differs (simulated: stored with an older hash, by a write that
    # moved nothing to announce, rev past since): backfill updates it
    stack.client("dynamodb").update_item(
        TableName=target.table, Key={"post_id": {"S": "b"}},
        UpdateExpression="SET content_hash = :h, #files.#key.content_hash = :h, #rev = #rev + :one",
        ExpressionAttributeNames={"#files": "files", "#key": "posts/b.md", "#rev": "rev"},
        ExpressionAttributeValues={":h": {"S": "from-an-older-parser"}, ":one": {"N": "1"}},
    )  # fmt: skip
    backfill(target)
    pipeline.drain()
    assert [(n["event_type"], n["post_id"]) for n in drain_queue(stack, tap)] == [("post.updated", "b")]
    assert {i["post_id"]: i for i in scan_table(stack)}["b"]["content_hash"] == items["b"]["content_hash"]

    # redrive: dead letters go back and are processed
    sqs = stack.client("sqs")
    envelope_body = _an_envelope(stack, pipeline, "posts/c.md")
    sqs.send_message(QueueUrl=target.store_dlq, MessageBody=envelope_body, MessageAttributes={
        "reason": {"DataType": "String", "StringValue": "the item would pass 400 KB"}})  # fmt: skip
    seen: set[str] = set()
    assert new_dead_letters(stack, seen) == [  # what `postdrop up` prints; the message stays for the redrive
        "dead-letter    posts/c.md  the item would pass 400 KB  (postdrop redrive store, after a fix)"
    ]
    assert new_dead_letters(stack, seen) == []  # said once
    # versioning turned on by hand: said once, as deletes would go unheard here; again if turned on anew
    s3, bucket = stack.client("s3"), stack.ref("PostsBucket")
    warned: set[str] = set()
    assert versioning_said(stack, warned) == []
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    try:
        (warning,) = versioning_said(stack, warned)
        assert "sends no event for a delete marker" in warning and f"--bucket {bucket}" in warning
        assert versioning_said(stack, warned) == []
    finally:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert versioning_said(stack, warned) == []
    # a dozen at once (one receive returns at most ten): each is said once, and each stays
    for n in range(12):
        sqs.send_message(QueueUrl=stack.ref("ScheduleDLQ"), MessageBody=json.dumps({"post_id": f"burst-{n:02}"}))
    burst = new_dead_letters(stack, seen)
    assert sorted(line.split()[1] for line in burst) == [f"burst-{n:02}" for n in range(12)]
    assert new_dead_letters(stack, seen) == []
    assert len(dead_letters(target, "schedule")) == 12
    sqs.purge_queue(QueueUrl=stack.ref("ScheduleDLQ"))
    # a stream range PublishFunction failed on every retry is said too, with its command
    failed_range = {"DDBStreamBatchInfo": {"startSequenceNumber": "7", "endSequenceNumber": "9"}}
    sqs.send_message(QueueUrl=stack.ref("PublishDLQ"), MessageBody=json.dumps(failed_range))
    (line,) = new_dead_letters(stack, seen)
    assert line.startswith("dead-letter    stream records 7..9") and "postdrop redrive publish" in line
    sqs.purge_queue(QueueUrl=stack.ref("PublishDLQ"))
    assert redrive(target, "store") == 1
    assert drain_queue(stack, target.store_dlq) == []
    pipeline.drain()
    assert [n["key"] for n in drain_queue(stack, tap)] == ["posts/c.md"]


def _an_envelope(stack: LocalStack, pipeline: Pipeline, key: str) -> str:
    """An envelope ParseFunction made, taken off StoreQueue before StoreFunction saw it."""
    stack.client("s3").put_object(
        Bucket=stack.ref("PostsBucket"), Key=key, Body=(SAMPLES / "2026-03-04-0003.md").read_bytes()
    )
    parse = pipeline.functions["ParseFunction"]
    eventually(lambda: pipeline.pump_s3(parse), what="the put's S3 event")
    (body,) = [json.dumps(m) for m in drain_queue(stack, stack.ref("StoreQueue"))]
    return body


def test_tail_prints_what_its_filter_lets_through(up: tuple[LocalStack, Pipeline, str, Target]) -> None:
    stack, pipeline, tap, target = up
    seen: list[dict[str, Any]] = []
    subscribed, stop = threading.Event(), threading.Event()
    # as SNS reads it: a prefix of any of a list's values, anything-but (the emulator's own filter
    # matches no prefix on a list, and its anything-but let everything through)
    policy = {"category": [{"prefix": "mark"}], "event_type": [{"anything-but": ["post.deleted"]}]}
    thread = threading.Thread(
        target=tail, args=(target, policy, seen.append),
        kwargs={"seconds": 60, "subscribed": subscribed.set, "stop": stop},
    )  # fmt: skip
    thread.start()
    try:
        assert subscribed.wait(30), "tail never subscribed"
        drop(target, [SAMPLES / "2026-03-05-reading-notes.md", SAMPLES / "2026-03-06-0004.md"])
        pipeline.drain()
        eventually(lambda: seen, what="the notes notification reaching tail")
    finally:
        stop.set()
        thread.join()
    drain_queue(stack, tap)
    assert [n["post_id"] for n in seen] == ["2026-03-05-reading-notes"]
    # and it cleaned up after itself
    queues = stack.client("sqs").list_queues().get("QueueUrls", [])
    assert not [q for q in queues if "postdrop-tail-" in q]


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP"])
def test_tail_killed_or_hung_up_removes_its_queue_and_subscription(
    up: tuple[LocalStack, Pipeline, str, Target], how: str
) -> None:
    stack, _, _, target = up
    cli = [sys.executable, "-m", "postdrop_tools.cli", "tail", "--endpoint", target.endpoint or ""]
    tailing = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # nosec
    try:
        assert tailing.stderr is not None and "listening" in tailing.stderr.readline()
        tailing.send_signal(getattr(signal, how))  # a killed process, a closed terminal or ssh session
        assert tailing.wait(timeout=30) == 0
    finally:
        tailing.kill()
        tailing.wait()
    assert not [q for q in stack.client("sqs").list_queues().get("QueueUrls", []) if "postdrop-tail-" in q]
    subscriptions = stack.client("sns").list_subscriptions_by_topic(TopicArn=target.topic_arn)["Subscriptions"]
    assert not [s for s in subscriptions if "postdrop-tail-" in s["Endpoint"]]


def test_dead_letters_lists_what_waits_names_a_ranges_posts_and_leaves_all_for_redrive(
    up: tuple[LocalStack, Pipeline, str, Target],
) -> None:
    stack, pipeline, tap, target = up
    drop(target, [SAMPLES / "2026-03-07-市场 快讯.md"])
    pipeline.drain()
    drain_queue(stack, tap)
    # the stream range of every change so far, as Lambda's on-failure record names it
    streams, table = stack.client("dynamodbstreams"), stack.client("dynamodb").describe_table(TableName=target.table)
    arn = table["Table"]["LatestStreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    ids = {r["dynamodb"]["Keys"]["post_id"]["S"] for r in records}
    assert "2026-03-07-市场 快讯" in ids
    first, last = records[0]["dynamodb"]["SequenceNumber"], records[-1]["dynamodb"]["SequenceNumber"]
    info = {"shardId": shard["ShardId"], "streamArn": arn, "startSequenceNumber": first, "endSequenceNumber": last}
    sqs = stack.client("sqs")
    sqs.send_message(QueueUrl=target.publish_dlq, MessageBody=json.dumps({"DDBStreamBatchInfo": info}))
    sqs.send_message(QueueUrl=target.parse_dlq, MessageBody=json.dumps({
        "requestPayload": {"Records": [{"s3": {"object": {"key": "posts/x%2By.md"}}}]},
        "responsePayload": {"errorMessage": "Task timed out after 30.00 seconds"}}))  # fmt: skip
    try:
        (publish,) = dead_letters(target, "publish")
        assert publish.startswith("dead-letter    ") and "2026-03-07-市场 快讯" in publish
        assert f"(stream records {first}..{last})" in publish and all(i in publish for i in ids)
        assert dead_letters(target, "parse") == [
            "dead-letter    posts/x+y.md  Task timed out after 30.00 seconds  (postdrop redrive parse, after a fix)"
        ]
        assert dead_letters(target, "store") == []
        # listed, not taken: a second look and a redrive find them all at once
        assert len(dead_letters(target, "publish")) == len(dead_letters(target, "parse")) == 1
        cli = [sys.executable, "-m", "postdrop_tools.cli", "dead-letters", "--endpoint", target.endpoint or ""]
        listing = subprocess.run(cli, capture_output=True, text=True, timeout=60, check=False)  # nosec
        assert listing.returncode == 1, listing.stderr
        assert listing.stdout.splitlines()[:2] == [
            "parse DLQ: 1 waiting", "  dead-letter    posts/x+y.md  Task timed out after 30.00 seconds"
            "  (postdrop redrive parse, after a fix)"]  # fmt: skip
        assert "store DLQ: 0 waiting" in listing.stdout and "publish DLQ: 1 waiting" in listing.stdout
        assert len(sqs.receive_message(QueueUrl=target.parse_dlq, MaxNumberOfMessages=10).get("Messages", [])) == 1
        # a scheduled post's recheck Scheduler could not deliver: listed, then sent where Scheduler would have
        recheck = {"action": "recheck", "post_id": "2099-01-01-later", "due": "2099-01-01T00:00:00+00:00"}
        sqs.send_message(QueueUrl=target.schedule_dlq or "", MessageBody=json.dumps(recheck))
        assert dead_letters(target, "schedule") == [
            "dead-letter    2099-01-01-later  its scheduled recheck could not reach StoreQueue"
            "  (postdrop redrive schedule, after a fix)"
        ]
        assert redrive(target, "schedule") == 1
        assert dead_letters(target, "schedule") == []
        assert drain_queue(stack, stack.ref("StoreQueue")) == [recheck]
    finally:  # (a purge of PublishDLQ was made less than 60 seconds ago: SQS would refuse another)
        drain_queue(stack, target.publish_dlq or "")
        drain_queue(stack, target.parse_dlq)


def test_policy_of_a_local_subscription_says_what_the_emulator_will_not_deliver(
    up: tuple[LocalStack, Pipeline, str, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    from postdrop_tools.cli import main

    stack, _pipeline, _tap, target = up
    sqs, sns = stack.client("sqs"), stack.client("sns")
    _, by_prefix = subscribe_queue(sqs, sns, target.topic_arn, "by-prefix", {"tags": [{"prefix": "py"}]})
    _, by_name = subscribe_queue(sqs, sns, target.topic_arn, "by-name", {"tags": ["python"]})
    _, by_event = subscribe_queue(sqs, sns, target.topic_arn, "by-event", {"event_type": [{"prefix": "post.d"}]})
    _, but = subscribe_queue(sqs, sns, target.topic_arn, "but", {"tags": [{"anything-but": ["boring"]}]})
    endpoint = ["--endpoint", target.endpoint or ""]
    assert main(["policy", "--subscription", by_prefix, *endpoint]) == 0  # a right policy...
    said = capsys.readouterr().err  # ...that moto never matches
    assert "on the local emulator, tags: prefix never matches (always a list)" in said
    assert main(["policy", "--subscription", but, *endpoint]) == 0  # one moto lets too much through
    assert "tags: anything-but reads the list's JSON text" in capsys.readouterr().err
    for matched_as_sns_does in (by_name, by_event):  # a prefix on a String attribute moto applies right
        assert main(["policy", "--subscription", matched_as_sns_does, *endpoint]) == 0
        assert "emulator" not in capsys.readouterr().err


def test_no_local_stack_is_a_clear_error() -> None:
    with pytest.raises(TargetError, match="start one with `make up`"):
        Target.local()
    with pytest.raises(TargetError, match=r"start one with `postdrop up --port 9` \(or pass --stack"):
        Target.local("http://127.0.0.1:9")  # make up listens on 4566: the command that starts one here


def test_up_refuses_a_busy_port() -> None:
    import socket

    from postdrop_tools.emulator import EmulatorError, emulator

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EmulatorError, match="in use"), emulator(port=port):
            pass


def test_backfill_through_batch_operations_is_idempotent_and_reports_every_task(
    up: tuple[LocalStack, Pipeline, str, Target],
) -> None:
    from postdrop_tools.batchjob import create_job_request, invalid_request

    stack, pipeline, tap, target = up
    s3 = stack.client("s3")
    # Given posts already stored and announced
    for name in ("2026-03-04-0003.md", "2026-03-06-0004.md"):
        s3.put_object(Bucket=target.bucket, Key=f"batch/{name}", Body=(SAMPLES / name).read_bytes())
    drop(target, [SAMPLES / "2026-03-04-0003.md", SAMPLES / "not-a-post.md"])
    pipeline.drain()
    drain_queue(stack, tap)
    # When a backfill job runs over posts/ (the runner does Batch Operations' part)
    job_id = target.start_backfill_job("posts/")
    pipeline.drain()
    status = target.job_status(job_id)
    # Then every object was a task, the rejected file too; nothing changed, so nobody is told
    assert status is not None and status.status == "Complete"
    assert status.total >= 2 and status.succeeded == status.total and status.failed == 0
    assert drain_queue(stack, tap) == []
    # and the completion report is in the bucket, one row per task, as Batch Operations writes it
    folder = status.report.removeprefix(f"s3://{target.bucket}/") if status.report else ""
    manifest = json.loads(s3.get_object(Bucket=target.bucket, Key=f"{folder}manifest.json")["Body"].read())
    (result,) = manifest["Results"]
    rows = s3.get_object(Bucket=target.bucket, Key=result["Key"])["Body"].read().decode().splitlines()
    assert len(rows) == status.total and all(",succeeded," in row for row in rows)
    assert any("posts/not-a-post.md" in row and "rejected" in row for row in rows)
    assert not any(",batch/" in row for row in rows)  # only the manifest's prefix
    # The deployed request is what S3 Control takes
    function_arn, role_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f", f"arn:aws:iam::{ACCOUNT}:role/r"
    request = create_job_request(account=ACCOUNT, bucket="b", function_arn=function_arn, role_arn=role_arn)
    assert invalid_request(request) is None
    assert "Unknown parameter" in (invalid_request(request | {"Bogus": 1}) or "")


def test_a_deployed_stack_is_read_by_its_outputs_as_the_local_one_is() -> None:
    import boto3
    from moto import mock_aws

    from postdrop_tools.template import load_template

    template = load_template(stack="deployed", account=ACCOUNT, region=REGION)
    names = [name for name in template.body["Outputs"] if name != "ExampleSubscriberQueueUrl"]
    body = {"Resources": {"Nothing": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {name: {"Value": f"value-of-{name}"} for name in names}}  # fmt: skip
    with mock_aws():
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName="deployed", TemplateBody=json.dumps(body)
        )
        target = Target.deployed("deployed", REGION)
    assert (target.bucket, target.topic_arn, target.store_dlq) == (
        "value-of-PostsBucketName", "value-of-PostsTopicArn", "value-of-StoreDLQUrl",
    )  # fmt: skip
    assert target.parse_function == "value-of-ParseFunctionArn" and target.endpoint is None


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal is Linux's")
def test_the_emulator_stops_when_the_process_that_started_it_is_killed() -> None:
    """A soak worker or `postdrop up` killed outright (SIGKILL: no finally runs) leaves no moto server."""
    script = "from postdrop_tools.emulator import emulator\nwith emulator():\n    print('up', flush=True)\n    input()"
    owner = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None and owner.stdout.readline() == "up\n"
        children = Path(f"/proc/{owner.pid}/task/{owner.pid}/children").read_text().split()
        (server,) = (int(pid) for pid in children)
        assert "moto.server" in Path(f"/proc/{server}/cmdline").read_text()
        owner.kill()
        owner.wait()
        eventually(lambda: not _running(server), what=f"moto server {server} stopping with its owner", timeout=10)
    finally:
        owner.kill()
        owner.wait()


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (gone, or a zombie nobody reaped yet, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_parameter_overrides_cloudformation_or_the_functions_would_refuse_stop_the_stack() -> None:
    # Given values `sam deploy` refuses, and a zone name CloudFormation takes but ParseFunction cannot read
    with emulator() as emu:
        # When a local stack is made with them, it says so, once, where every file would have ended in ParseDLQ
        with pytest.raises(ValueError, match=r"MaxObjectBytes=10 is below its MinValue 1024; SiteFuture='maybe'"):
            provision(emu, {"MaxObjectBytes": "10", "SiteFuture": "maybe"})
        with pytest.raises(ValueError, match=r"ParseFunction would fail every event: .*POSTDROP_TIMEZONE: must be an"):
            provision(emu, {"DefaultTimeZone": "Asia/Shangai"})


def test_dead_letters_and_redrive_count_the_ones_another_reader_holds_out_of_sight(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from postdrop_tools.cli import main

    with emulator() as emu:  # a stack of its own: the module's has dead letters of the tests above
        stack, target = provision(emu), Target.local(str(emu.endpoint))
        assert target.parse_dlq is not None
        sqs = stack.client("sqs")
        sqs.send_message(QueueUrl=target.parse_dlq, MessageBody=json.dumps({"requestPayload": {"Records": []}}))
        # Given another reader (up's console, a second operator) holding the dead letter out of sight
        held = sqs.receive_message(QueueUrl=target.parse_dlq, VisibilityTimeout=120)["Messages"][0]
        # Then the listing still counts it, and exits 1 as when anything waits
        assert main(["dead-letters", "parse", "--endpoint", str(target.endpoint)]) == 1
        assert "parse DLQ: 1 waiting (1 of them out of sight, read elsewhere now" in capsys.readouterr().out
        # and a redrive says it left one it could not see
        assert main(["redrive", "parse", "--endpoint", str(target.endpoint)]) == 0
        assert "redrove 0 message(s) from the parse DLQ (1 more out of sight" in capsys.readouterr().out
        sqs.delete_message(QueueUrl=target.parse_dlq, ReceiptHandle=held["ReceiptHandle"])
        assert main(["dead-letters", "parse", "--endpoint", str(target.endpoint)]) == 0
        assert capsys.readouterr().out == "parse DLQ: 0 waiting\n"
