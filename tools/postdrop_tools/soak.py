"""`postdrop soak`: prove the delivery guarantees on the embedded emulator.

N synthetic posts in the producer's formats, U versions of each, a fraction F deleted;
every S3 event delivered R times (shuffled when asked); a fraction P of DynamoDB writes
and SNS publishes answered with throttling errors at the client. The pipeline runs until
its queues drain, the DLQs are redriven once, and then the table and a subscriber queue
are read for real and checked against an independent model of what must be true:

- lost: a dropped key with no item at all
- stale: an item not at its key's newest change (wrong record type or sequencer or title)
- duplicate_notifications: deliveries of a notification_id already delivered
- missing_notifications: keys whose newest notification does not announce their newest state
- dlq: messages left in the dead-letter queues after the redrive
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop_tools.emulator import emulator
from postdrop_tools.events import s3_event
from postdrop_tools.faults import FaultInjector
from postdrop_tools.ops import redrive
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.run import drain_queue, scan_table, tap_topic
from postdrop_tools.stack import LocalStack, provision
from postdrop_tools.target import Target

if TYPE_CHECKING:
    import argparse

__all__ = ["Change", "SoakConfig", "SoakReport", "run_soak", "verify"]

FORMATS = ("media", "digest", "plain", "markdown")


@dataclass(frozen=True)
class SoakConfig:
    posts: int = 30
    updates: int = 3
    deletes: float = 0.1
    replay: int = 2
    shuffle: bool = True
    fault_rate: float = 0.1
    seed: int = 1
    junk: float = 0.05  # keys whose every version is not a post (they must end REJECTED)


@dataclass(frozen=True)
class Change:
    """One change the model knows of: what was done to a key, in S3's order."""

    key: str
    kind: str  # put | delete
    sequencer: str
    title: str | None  # the title a reader must see for a put of a valid post
    junk: bool = False
    version_id: str | None = None
    size: int = 0
    etag: str = ""


@dataclass
class SoakReport:
    posts: int = 0
    versions: int = 0
    events_delivered: int = 0
    stored: int = 0
    deleted: int = 0
    rejected: int = 0
    notified: int = 0
    lost: int = 0
    stale: int = 0
    duplicate_notifications: int = 0
    missing_notifications: int = 0
    dlq: int = 0
    seconds: float = 0.0
    faults_injected: dict[str, int] = field(default_factory=dict)
    redriven: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        bad = (self.lost, self.stale, self.duplicate_notifications, self.missing_notifications, self.dlq)
        return not any(bad)


def _post_text(rng: random.Random, fmt: str, title: str, token: str) -> bytes:
    """A post in one of the producer's formats, unique by ``token``."""
    category = rng.choice(["emnews", "markets", "sitenews"])
    date = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 0{rng.randint(0, 9)}:1{rng.randint(0, 9)}:00"
    zone = rng.choice([" +0800", " +08:00", ""])
    head = f'---\nlayout: post\ntitle: "{title}"\ndate: {date}{zone}\ncategories: {category}\ntags: 滚动新闻\n---\n'
    para = f"第{token}段：示例正文，用于浸泡测试。"
    body = {
        "media": f"<p>{para}</p><p><strong>小标题</strong></p><p>{para}二</p>"
        f'<p class="em_media">（文章来源：示例）</p>\n\n<https://example.org/{token}>\n\n'
        "[返回新闻](//posts.example.org/emnews/)｜[返回首页](//posts.example.org/)",
        "digest": f"> 摘要{token}\n\n<p>{para}</p>\n\n<>\n\n[返回新闻](../emnews/)\n[返回首页](../)",
        "plain": f"\n{para}\n\n<https://example.org/{token}>\n",
        "markdown": f"## 标题\n\n{para}\n\n- 要点 {token}\n",
    }[fmt]
    return (head + body).encode()


def _generate(stack: LocalStack, config: SoakConfig, rng: random.Random) -> list[Change]:
    s3 = stack.client("s3")
    bucket = stack.ref("PostsBucket")
    changes: list[Change] = []
    sequence = 0
    for i in range(config.posts):
        key = f"posts/soak/2026-01-01-p{i:05d}.md"
        junk = rng.random() < config.junk
        fmt = rng.choice(FORMATS)
        for v in range(config.updates):
            sequence += 1
            token = f"{i}-{v}-{rng.randrange(10**9)}"
            title = f"浸泡 {i} 第{v}版 {token}"
            data = f"not a post {token}\n".encode() if junk else _post_text(rng, fmt, title, token)
            put = s3.put_object(Bucket=bucket, Key=key, Body=data)
            changes.append(
                Change(key, "put", f"{sequence:016X}", None if junk else title, junk,
                       put.get("VersionId"), len(data), put["ETag"].strip('"'))
            )  # fmt: skip
        if rng.random() < config.deletes:
            sequence += 1
            s3.delete_object(Bucket=bucket, Key=key)
            changes.append(Change(key, "delete", f"{sequence:016X}", None, junk))
    return changes


def _event(bucket: str, change: Change) -> dict[str, Any]:
    if change.kind == "delete":
        return s3_event(bucket, change.key, change.sequencer, "ObjectRemoved:DeleteMarkerCreated")
    event = s3_event(bucket, change.key, change.sequencer, size=change.size, eTag=change.etag)
    if change.version_id:  # the exact version this change wrote: the soak's bucket is versioned
        event["Records"][0]["s3"]["object"]["versionId"] = change.version_id
    return event


def verify(stack: LocalStack, changes: list[Change], notifications: list[dict[str, Any]], report: SoakReport) -> None:
    """Check the table and the subscriber's notifications against the model (``changes``)."""
    from postdrop.core.keys import post_id_of

    newest: dict[str, Change] = {}
    for change in changes:  # sequencers increase with the changes' order
        newest[change.key] = change
    items = {item["post_id"]: item for item in scan_table(stack)}
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in notifications:
        by_key[n["key"]].append(n)
    counts = Counter(n["notification_id"] for n in notifications)
    report.duplicate_notifications = sum(c - 1 for c in counts.values())
    report.notified = len(notifications)
    for key, final in newest.items():
        item = items.get(post_id_of(key))
        if item is None:
            report.lost += 1
            report.problems.append(f"lost: {key}")
            continue
        expected_type = "DELETED" if final.kind == "delete" else ("REJECTED" if final.junk else "POST")
        at_newest = item.get("record_type") == expected_type and item.get("sequencer") == final.sequencer
        if at_newest and expected_type == "POST":
            at_newest = item.get("title") == final.title
        if not at_newest:
            report.stale += 1
            report.problems.append(f"stale: {key}: {item.get('record_type')} at {item.get('sequencer')}")
        told = sorted(by_key.get(key, []), key=lambda n: n["sequencer"].rjust(32, "0"))
        if expected_type == "POST":
            ok = bool(told) and told[-1]["sequencer"] == final.sequencer and told[-1]["title"] == final.title
        elif expected_type == "REJECTED":
            ok = bool(told) and told[-1]["event_type"] == "post.rejected"
        else:  # deleted: subscribers told of the post must also be told it is gone
            ok = not told or told[-1]["event_type"] == "post.deleted"
        if not ok:
            report.missing_notifications += 1
            last = told[-1]["event_type"] if told else "nothing"
            report.problems.append(f"missing notification: {key}: newest is {expected_type}, last told {last}")
    kinds = Counter(item.get("record_type") for item in items.values())
    report.stored, report.deleted, report.rejected = kinds["POST"], kinds["DELETED"], kinds["REJECTED"]


def run_soak(config: SoakConfig) -> SoakReport:
    rng = random.Random(config.seed)  # noqa: S311  # a reproducible workload  # nosec B311
    started = time.perf_counter()
    report = SoakReport(posts=config.posts, versions=config.posts * config.updates)
    with emulator() as emu:
        stack = provision(emu)
        s3 = stack.client("s3")
        bucket = stack.ref("PostsBucket")
        # The soak delivers S3's events itself (each R times, in any order), naming exact versions.
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        tap = tap_topic(stack, "soak-subscriber")
        pipeline = Pipeline(stack)
        faults = FaultInjector(config.fault_rate, config.seed)
        from postdrop import aws

        faults.attach(aws.dynamodb(), ["UpdateItem", "BatchWriteItem"])
        faults.attach(aws.sns(), ["PublishBatch"])

        changes = _generate(stack, config, rng)
        events = [_event(bucket, c) for c in changes for _ in range(config.replay)]
        if config.shuffle:
            rng.shuffle(events)
        parse_queue = stack.functions["ParseFunction"].s3_queue
        sqs = stack.client("sqs")
        for start in range(0, len(events), 10):
            chunk = events[start : start + 10]
            sqs.send_message_batch(
                QueueUrl=parse_queue,
                Entries=[{"Id": str(i), "MessageBody": json.dumps(e)} for i, e in enumerate(chunk)],
            )
        report.events_delivered = len(events)
        pipeline.drain(timeout=3600)
        target = Target.local(str(emu.endpoint))
        report.redriven = redrive(target, "parse") + redrive(target, "store")
        pipeline.drain(timeout=3600)
        report.dlq = len(drain_queue(stack, target.parse_dlq)) + len(drain_queue(stack, target.store_dlq))
        verify(stack, changes, drain_queue(stack, tap), report)
        report.faults_injected = dict(faults.injected)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def soak_command(args: argparse.Namespace) -> int:
    config = SoakConfig(
        posts=args.posts, updates=args.updates, deletes=args.deletes, replay=args.replay,
        shuffle=args.shuffle, fault_rate=args.fault_rate, seed=args.seed,
    )  # fmt: skip
    report = run_soak(config)
    public = asdict(report)
    if args.json:
        print(json.dumps({k: v for k, v in public.items() if k != "problems"}, ensure_ascii=False))
    else:
        for name, value in public.items():
            if name != "problems":
                print(f"  {name:24} {value}")
    for problem in report.problems[:20]:
        print(f"postdrop soak: {problem}", file=__import__("sys").stderr)
    return 0 if report.ok else 1
