"""`postdrop soak`: prove the delivery guarantees on the embedded emulator.

The workload, in a versioned bucket: N posts of U versions each, in the producer's formats; a
fraction of them junk (never a post, or one whose 300 KB title could never be stored), some
with a twin (``x.html`` beside ``x.md``: one post_id), some large (about 60 KB of text that
does not compress, in three twins: an item near DynamoDB's limit unless what it holds beside
its post is kept out of line) or a stray (``x.docx`` beside: rejected for its type); some lose
an older version for good, some are deleted (a delete marker), and some of those restored (the
marker removed). Every S3 event is delivered R times, shuffled when asked. At the real clients,
a fraction P of calls fail each way AWS fails: throttled before sending; applied and then the
answer lost (GetObject, SendMessageBatch, BatchGetItem, UpdateItem, PublishBatch); one entry of a batch
``Failed`` (PublishBatch, SendMessageBatch); the process dying right after a write (its batch
reappears after the visibility timeout) or a publish (PublishFunction's stream batch is retried
from its checkpoint). The pipeline runs until its queues and the table's stream drain;
then the faults stop, the DLQs are redriven once, and the table and a subscriber queue are read
for real and checked against a model of S3 and of the precedence rule that is written here again, independently of
the code under test:

- lost: a post with changes and no item at all
- stale: an item not showing what its files' newest states say (record type, file, title,
  and its publication status: some versions are saved with ``published: false``, some dated
  in 2099, so scheduled)
- silent_drops: a file whose newest change the item does not hold (its entry in ``files``)
- missing_notifications: posts whose newest notification (by revision) is not their state (a
  post saved unpublished or scheduled: ``post.unpublished`` or ``post.scheduled``, or
  ``post.deleted`` with that ``status`` when it was public)
- schedules_wrong: a scheduled post without its schedule in EventBridge Scheduler, or a schedule
  left for a post that is not scheduled (PublishFunction keeps them, under faults too)
- duplicates_uncaught: two notifications of one state under different notification_ids,
  which a subscriber deduplicating by notification_id would process twice
- one_id_two_bodies: one notification_id delivered with different bodies (the id is an
  idempotency key downstream: every delivery of it must be the same notification)
- folders_stored: an item made of a folder key (``posts/soak/``, as consoles and sync tools
  create them), which is no post and must be ignored
- dlq: messages left in the dead-letter queues after the faults stop and the DLQs are redriven
  once (a message the faults dead-lettered is ``redriven``: the operator's recovery, which must
  work; one that fails again without faults is a permanent failure misjudged as transient), and
  any stream range in PublishDLQ (the publisher's retries never ran out)
(duplicate_deliveries, the same notification_id again, is allowed: subscribers drop those.)
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop_tools.emulator import emulator
from postdrop_tools.events import s3_event
from postdrop_tools.faults import FaultInjector
from postdrop_tools.local import dead_letter_line, drain_queue, scan_table, tap_topic
from postdrop_tools.ops import redrive
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import LocalStack, provision
from postdrop_tools.target import Target

if TYPE_CHECKING:
    import argparse

    from postdrop.aws import Clients

__all__ = ["Change", "SoakConfig", "SoakReport", "run_soak", "verify"]

FORMATS = ("media", "digest", "plain", "markdown")
# The precedence rule as the README states it: post file types in this order, then other files.
PRECEDENCE = (".md", ".markdown", ".html", ".htm", ".txt")


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
    twins: float = 0.15  # posts with an x.html beside x.md
    large: float = 0.02  # posts of about 60 KB of incompressible text, as x.md, x.markdown and x.html
    folders: int = 3  # folder keys (zero bytes, ending in /) put and deleted among the posts
    paired: float = 0.2  # events delivered two records to one event (ParseFunction then sends a batch of two)
    unstorable: float = 0.5  # of the junk posts, those that parse but could never be stored (a 300 KB title)
    strays: float = 0.1  # posts with an x.docx beside x.md
    version_deletes: float = 0.15  # files that lose an older version for good
    restores: float = 0.5  # of the deleted files, those whose delete marker is removed again
    unpublished: float = 0.1  # versions saved with `published: false`: a post leaving public view, or never in it
    scheduled: float = 0.05  # versions dated in 2099: scheduled (a schedule kept for them), leaving public view too


@dataclass(frozen=True)
class Change:
    """One change the model knows of, in S3's order: ``put`` a version, ``delete`` (a delete
    marker), or ``remove`` one version for good (``version_id``; a delete marker too)."""

    key: str
    kind: str  # put | delete | remove
    sequencer: str
    title: str | None  # the title a reader must see for a put of a valid post
    junk: bool = False
    version_id: str | None = None
    size: int = 0
    etag: str = ""
    status: str = "published"  # unpublished: saved with `published: false`; scheduled: dated in 2099


@dataclass
class SoakReport:
    seed: int = 0
    posts: int = 0
    versions: int = 0
    events_delivered: int = 0
    stored: int = 0
    deleted: int = 0
    rejected: int = 0
    notified: int = 0
    lost: int = 0
    stale: int = 0
    silent_drops: int = 0
    missing_notifications: int = 0
    duplicates_uncaught: int = 0
    one_id_two_bodies: int = 0
    folders_stored: int = 0
    schedules_wrong: int = 0
    duplicate_deliveries: int = 0
    dlq: int = 0
    seconds: float = 0.0
    faults_injected: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)  # notifications by event_type, duplicates included
    redriven: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(getattr(self, name) for name in _COUNTS)


def _post_text(
    rng: random.Random, fmt: str, title: str, token: str, large: bool = False, *, status: str = "published"
) -> bytes:
    """A post in one of the producer's formats, unique by ``token``; ``large``: with about 60 KB
    of random CJK text, which zlib cannot shrink much; ``status`` unpublished: saved with
    `published: false`; scheduled: dated in 2099."""
    category = rng.choice(["emnews", "markets", "sitenews"])
    year = "2099" if status == "scheduled" else "2026"
    date = f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 0{rng.randint(0, 9)}:1{rng.randint(0, 9)}:00"
    zone = rng.choice([" +0800", " +08:00", ""])
    hidden = "published: false\n" if status == "unpublished" else ""
    head = f'---\nlayout: post\ntitle: "{title}"\ndate: {date}{zone}\ncategories: {category}\ntags: 滚动新闻\n{hidden}'
    head += "---\n"
    para = f"第{token}段：示例正文，用于浸泡测试。"
    body = {
        "media": f"<p>{para}</p><p><strong>小标题</strong></p><p>{para}二</p>"
        f'<p class="em_media">（文章来源：示例）</p>\n\n<https://example.org/{token}>\n\n'
        "[返回新闻](//posts.example.org/emnews/)｜[返回首页](//posts.example.org/)",
        "digest": f"> 摘要{token}\n\n<p>{para}</p>\n\n<>\n\n[返回新闻](../emnews/)\n[返回首页](../)",
        "plain": f"\n{para}\n\n<https://example.org/{token}>\n",
        "markdown": f"## 标题\n\n{para}\n\n- 要点 {token}\n",
    }[fmt]
    if large:
        noise = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(20_000))
        body += "".join(f"\n\n<p>{noise[i : i + 400]}</p>" for i in range(0, len(noise), 400))
    return (head + body).encode()


def _generate(stack: LocalStack, config: SoakConfig, rng: random.Random) -> list[Change]:
    s3 = stack.client("s3")
    bucket = stack.ref("PostsBucket")
    changes: list[Change] = []

    def record(key: str, kind: str, title: str | None, junk: bool, version_id: str | None, **more: Any) -> None:
        changes.append(Change(key, kind, f"{len(changes) + 1:016X}", title, junk, version_id, **more))

    folder_at = {rng.randrange(max(1, config.posts)): f"posts/soak/f{n}/" for n in range(config.folders)}
    hiding = random.Random(f"{config.seed}-unpublished")  # noqa: S311  # nosec B311  # its own stream: other draws stay
    for i in range(config.posts):
        if i in folder_at:  # a console's "create folder", or a sync tool's, then its removal
            put = s3.put_object(Bucket=bucket, Key=folder_at[i], Body=b"")
            record(folder_at[i], "put", None, True, put.get("VersionId"), size=0, etag=put["ETag"].strip('"'))
            marker = s3.delete_object(Bucket=bucket, Key=folder_at[i]).get("VersionId")
            record(folder_at[i], "delete", None, True, marker)
        stem = f"posts/soak/2026-01-01-p{i:05d}"
        files = [(f"{stem}.md", rng.random() < config.junk)]
        unstorable = files[0][1] and rng.random() < config.unstorable
        large = rng.random() < config.large
        if large:
            files += [(f"{stem}.markdown", False), (f"{stem}.html", False)]
        elif rng.random() < config.twins:
            files.append((f"{stem}.html", False))
        if rng.random() < config.strays:
            files.append((f"{stem}.docx", True))
        fmt = rng.choice(FORMATS)
        for key, junk in files:
            versions = []
            for v in range(1 if key.endswith(".docx") else config.updates):
                token = f"{i}-{v}-{rng.randrange(10**9)}"
                title = f"浸泡 {i} {key.rpartition('.')[2]} 第{v}版 {token}"
                draw = hiding.random()
                status = "unpublished" if draw < config.unpublished else "published"
                if status == "published" and draw < config.unpublished + config.scheduled:
                    status = "scheduled"
                data = _post_text(rng, fmt, title, token, large, status=status) if not junk else (
                    _post_text(rng, fmt, "长" * 100_000, token) if unstorable and key.endswith(".md")
                    else f"---\nnot a post {token}\n".encode()
                )  # fmt: skip
                put = s3.put_object(Bucket=bucket, Key=key, Body=data)
                versions.append(put.get("VersionId"))
                record(key, "put", None if junk else title, junk, put.get("VersionId"),
                       size=len(data), etag=put["ETag"].strip('"'), status="published" if junk else status)  # fmt: skip
            if len(versions) > 1 and rng.random() < config.version_deletes:  # an older version, for good
                older = rng.choice(versions[:-1])
                s3.delete_object(Bucket=bucket, Key=key, VersionId=older)
                record(key, "remove", None, junk, older)
            if rng.random() < config.deletes:
                marker = s3.delete_object(Bucket=bucket, Key=key).get("VersionId")
                record(key, "delete", None, junk, marker)
                if marker and rng.random() < config.restores:  # the marker removed: the last version is back
                    s3.delete_object(Bucket=bucket, Key=key, VersionId=marker)
                    record(key, "remove", None, junk, marker)
    return changes


def _event(bucket: str, change: Change) -> dict[str, Any]:
    """The S3 event of a change, naming the exact version it made or removed."""
    fields: dict[str, Any] = {"versionId": change.version_id} if change.version_id else {}
    if change.kind == "delete":
        return s3_event(bucket, change.key, change.sequencer, "ObjectRemoved:DeleteMarkerCreated", **fields)
    if change.kind == "remove":
        return s3_event(bucket, change.key, change.sequencer, "ObjectRemoved:Delete", **fields)
    return s3_event(bucket, change.key, change.sequencer, size=change.size, eTag=change.etag, **fields)


def _rank(key: str) -> tuple[int, str]:
    lower = key.lower()
    return next((i for i, suffix in enumerate(PRECEDENCE) if lower.endswith(suffix)), len(PRECEDENCE)), key


def _reads_as(changes: list[Change]) -> tuple[dict[str, Change | None], dict[str, str]]:
    """Per key, the put S3 now reads it as (None: gone), and the sequencer of its newest change."""
    stacks: dict[str, list[Change]] = defaultdict(list)
    newest: dict[str, str] = {}
    for change in changes:  # sequencers increase with the changes' order
        newest[change.key] = change.sequencer
        if change.kind == "remove":
            stacks[change.key] = [c for c in stacks[change.key] if c.version_id != change.version_id]
        else:
            stacks[change.key].append(change)
    return {key: (st[-1] if st and st[-1].kind == "put" else None) for key, st in stacks.items()}, newest


def _state(note: dict[str, Any]) -> tuple[Any, ...]:
    """What a notification says the post is: two alike under different ids are a duplicate."""
    kind = note["event_type"]
    if kind in ("post.created", "post.updated"):
        return ("POST", note["key"], note.get("content_hash"))
    if kind == "post.rejected":  # the reason, and the categories and tags its subscribers filter it by
        return (kind, note["key"], note.get("reason"), *(tuple(note.get(n) or ()) for n in ("categories", "tags")))
    if kind != "post.deleted" or note.get("status"):  # a post not public (unpublished, scheduled, or leaving view)
        return (kind, note["key"], note.get("content_hash"), note.get("status"))
    return (kind, None, note.get("reason"))


def verify(stack: LocalStack, changes: list[Change], notifications: list[dict[str, Any]], report: SoakReport) -> None:
    """Check the table and the subscriber's notifications against the model (``changes``)."""
    from postdrop.core.keys import post_id_of

    folders = [c for c in changes if c.key.endswith("/")]
    changes = [c for c in changes if not c.key.endswith("/")]
    reads_as, newest = _reads_as(changes)
    items = {item["post_id"]: item for item in scan_table(stack)}
    for folder in {c.key for c in folders}:
        held = [pid for pid, item in items.items() if folder in (item.get("files") or {}) or item.get("key") == folder]
        report.folders_stored += len(held)
        report.problems += [f"folder stored: {folder} as {pid!r}" for pid in held]
    keys_of: dict[str, list[str]] = defaultdict(list)
    for key in reads_as:
        keys_of[post_id_of(key)].append(key)
    deliveries = Counter(n["notification_id"] for n in notifications)
    report.duplicate_deliveries = sum(c - 1 for c in deliveries.values())
    bodies: dict[str, set[str]] = defaultdict(set)
    for n in notifications:
        bodies[n["notification_id"]].add(json.dumps(n, sort_keys=True, ensure_ascii=False))
    for notification_id, seen in bodies.items():
        if len(seen) > 1:
            report.one_id_two_bodies += 1
            report.problems.append(f"one id, {len(seen)} bodies: {notification_id} ({_differing(seen)})")
    report.notified = len(notifications)
    report.events = dict(sorted(Counter(n["event_type"] for n in notifications).items()))
    told: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # post_id -> notification_id -> it
    for n in notifications:
        told[n["post_id"]][n["notification_id"]] = n
    for post_id, keys in sorted(keys_of.items()):
        live = [k for k in keys if reads_as[k] is not None]
        shows = reads_as[min(live, key=_rank)] if live else None
        expected = "DELETED" if shows is None else ("REJECTED" if shows.junk else "POST")
        item = items.get(post_id)
        if item is None:
            report.lost += 1
            report.problems.append(f"lost: {post_id}")
            continue
        ok = item.get("record_type") == expected
        if ok and shows is not None:
            ok = item.get("key") == shows.key and (expected != "POST" or item.get("title") == shows.title)
            ok = ok and (expected != "POST" or item.get("status") == shows.status)
        if not ok:
            report.stale += 1
            report.problems.append(f"stale: {post_id}: {item.get('record_type')} of {item.get('key')}, not {expected}")
        for key in keys:
            entry = (item.get("files") or {}).get(key)
            if entry is None or entry.get("sequencer") != newest[key]:
                report.silent_drops += 1
                report.problems.append(f"silent drop: {key}: the item holds no change at {newest[key]}")
        ordered = sorted(told[post_id].values(), key=lambda n: int(n.get("revision", 0)))
        for a, b in itertools.pairwise(ordered):
            if _state(a) == _state(b):
                report.duplicates_uncaught += 1
                where = f"{a['event_type']} of {post_id} at revisions {a.get('revision')} and {b.get('revision')}"
                report.problems.append(f"one state, two ids: {a['notification_id']}, {b['notification_id']} ({where})")
        last = ordered[-1] if ordered else None
        if expected == "POST" and shows is not None:  # public: created or updated; else what took it out of view
            public = shows.status == "published"
            wanted = ("post.created", "post.updated") if public else (f"post.{shows.status}", "post.deleted")
            ok = last is not None and last["event_type"] in wanted and last["title"] == shows.title
            ok = ok and last is not None and (public or last.get("status") == shows.status)
        elif expected == "REJECTED":
            ok = last is not None and last["event_type"] == "post.rejected"
        else:  # deleted: subscribers told of the post must also be told it is gone
            ok = last is None or last["event_type"] == "post.deleted"
        if not ok:
            report.missing_notifications += 1
            said = last["event_type"] if last else "nothing"
            report.problems.append(f"missing notification: {post_id}: it is {expected}, the newest told is {said}")
    kinds = Counter(item.get("record_type") for item in items.values())
    report.stored, report.deleted, report.rejected = kinds["POST"], kinds["DELETED"], kinds["REJECTED"]
    _verify_schedules(stack, items, report)


def _verify_schedules(stack: LocalStack, items: dict[str, dict[str, Any]], report: SoakReport) -> None:
    """Every scheduled post has its schedule, and no other post has one."""
    from postdrop.adapters.schedules import schedule_name

    scheduler, group = stack.client("scheduler"), stack.ref("ScheduleGroup")
    held: set[str] = set()
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
        held |= {schedule["Name"] for schedule in page["Schedules"]}
    for post_id, item in sorted(items.items()):
        wanted = item.get("record_type") == "POST" and item.get("status") == "scheduled"
        if wanted != (schedule_name(post_id) in held):
            report.schedules_wrong += 1
            report.problems.append(f"schedule {'missing' if wanted else 'left behind'}: {post_id}")


def _inject(config: SoakConfig, clients: Clients) -> FaultInjector:
    """Every fault kind at the handlers' real clients."""
    faults = FaultInjector(config.fault_rate, config.seed)
    s3, sqs, dynamodb, sns = clients.s3, clients.sqs, clients.dynamodb, clients.sns
    faults.throttle(dynamodb, ["BatchGetItem", "UpdateItem"])  # StoreFunction's read ahead, and its write
    faults.throttle(sns, ["PublishBatch"])
    for client, operations in ((s3, ["GetObject"]), (sqs, ["SendMessageBatch"]),
                               (dynamodb, ["BatchGetItem", "UpdateItem"]), (sns, ["PublishBatch"])):  # fmt: skip
        faults.lose_responses(client, operations)
    faults.fail_entries(sns, ["PublishBatch"])
    faults.fail_entries(sqs, ["SendMessageBatch"])
    scheduler = ["CreateSchedule", "UpdateSchedule", "DeleteSchedule"]  # PublishFunction, before it publishes
    faults.throttle(clients.scheduler, scheduler)
    faults.lose_responses(clients.scheduler, scheduler)
    faults.die_after(dynamodb, ["UpdateItem"])  # StoreFunction, between its write and its answer to SQS
    faults.die_after(sns, ["PublishBatch"])  # PublishFunction, between a publish and its answer to the stream
    return faults


FEED_WINDOW = 40  # messages waiting on the pipeline's queues (S3 events and envelopes) at most


def _paired(events: list[dict[str, Any]], fraction: float, rng: random.Random) -> list[dict[str, Any]]:
    """Some neighbours joined into one event of two records, as an event may hold: ParseFunction
    then sends two envelopes in one SendMessageBatch, whose entries fail one by one."""
    joined: list[dict[str, Any]] = []
    for event in events:
        if joined and len(joined[-1]["Records"]) == 1 and rng.random() < fraction:
            joined[-1] = {"Records": [*joined[-1]["Records"], *event["Records"]]}
        else:
            joined.append(event)
    return joined


def _feed(sqs: Any, stack: LocalStack, events: list[dict[str, Any]], pipeline: Pipeline) -> None:
    """Put the events on ParseFunction's queue in their order, keeping a few dozen messages
    waiting in the pipeline while it runs: moto's ReceiveMessage costs the square of the
    messages a queue holds, so all of them at once (or a backlog of envelopes on StoreQueue)
    would make the emulator, not postdrop, the soak's bottleneck."""
    parse_queue = stack.functions["ParseFunction"].s3_queue
    queues = [url for url in (parse_queue, stack.functions["StoreFunction"].sqs_source) if url]
    sent = 0
    while sent < len(events):
        waiting = sum(
            int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                ["Attributes"]["ApproximateNumberOfMessages"])
            for url in queues
        )  # fmt: skip
        for start in range(sent, min(len(events), sent + max(FEED_WINDOW - waiting, 0)), 10):
            chunk = events[start : min(start + 10, len(events))]
            entries = [{"Id": str(i), "MessageBody": json.dumps(e)} for i, e in enumerate(chunk)]
            sqs.send_message_batch(QueueUrl=parse_queue, Entries=entries)
            sent += len(chunk)
        pipeline.pump()


def _dead_letters(stack: LocalStack) -> list[str]:
    """A line for every message in ParseDLQ, StoreDLQ and PublishDLQ: what failed and why (each received once)."""
    sqs, lines = stack.client("sqs"), []
    for which, logical in (("parse", "ParseDLQ"), ("store", "StoreDLQ"), ("publish", "PublishDLQ")):
        url = stack.ref(logical)
        while True:
            response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600,
                                           MessageAttributeNames=["All"])  # fmt: skip
            if not response.get("Messages"):
                break
            lines += [dead_letter_line(which, message) for message in response["Messages"]]
    return lines


def run_soak(config: SoakConfig) -> SoakReport:
    rng = random.Random(config.seed)  # noqa: S311  # a reproducible workload  # nosec B311
    started = time.perf_counter()
    report = SoakReport(seed=config.seed, posts=config.posts)
    with emulator() as emu:
        stack = provision(emu)
        s3 = stack.client("s3")
        bucket = stack.ref("PostsBucket")
        # The soak delivers S3's events itself (each R times, in any order), naming exact versions.
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        sqs = stack.client("sqs")
        tap = tap_topic(stack, "soak-subscriber")
        pipeline = Pipeline(stack)
        from postdrop.observability import logger

        logger.setLevel("CRITICAL")  # every fault is injected on purpose: its log lines would drown the figures
        faults = _inject(config, pipeline.clients)

        changes = _generate(stack, config, rng)
        report.versions = sum(c.kind == "put" for c in changes)
        events = [_event(bucket, c) for c in changes for _ in range(config.replay)]
        if config.shuffle:
            rng.shuffle(events)
        events = _paired(events, config.paired, rng)
        _feed(sqs, stack, events, pipeline)
        report.events_delivered = sum(len(e["Records"]) for e in events)
        pipeline.drain(timeout=3600)
        # The faults pass (AWS's do), then the operator redrives what they dead-lettered: whatever
        # is still in a DLQ failed without any fault, which no retry would ever fix.
        faults.rate = 0.0
        target = Target.local(str(emu.endpoint))
        report.redriven = redrive(target, "parse") + redrive(target, "store") + redrive(target, "publish")
        pipeline.drain(timeout=3600)
        left = _dead_letters(stack)
        report.dlq = len(left)
        report.problems += left
        verify(stack, changes, drain_queue(stack, tap), report)
        report.faults_injected = dict(sorted(faults.injected.items()))
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _differing(bodies: set[str]) -> str:
    """What differs between the bodies of one notification_id: each differing field's values."""
    parsed = [json.loads(b) for b in sorted(bodies)]
    fields = sorted({k for p in parsed for k in p if len({json.dumps(q.get(k), sort_keys=True) for q in parsed}) > 1})
    shown = (" | ".join(json.dumps(p.get(k), ensure_ascii=False)[:200] for p in parsed) for k in fields)
    return "; ".join(f"{k}: {values}" for k, values in zip(fields, shown, strict=True))


_COUNTS = ("lost", "stale", "silent_drops", "missing_notifications", "duplicates_uncaught", "one_id_two_bodies",
           "folders_stored", "schedules_wrong", "dlq")  # fmt: skip


def _line(report: SoakReport) -> str:
    counts = " ".join(f"{name} {getattr(report, name)}" for name in _COUNTS)
    faults = sum(report.faults_injected.values())
    return f"  seed {report.seed}: {counts} · {report.events_delivered} events, {faults} faults, {report.seconds} s"


def soak_command(args: argparse.Namespace) -> int:
    """One seed, or ``--seeds N`` seeds from ``--seed`` on (``--jobs`` at once, each in its own
    process with its own emulator: a soak mostly waits out retries' backoff), then the totals."""
    from concurrent.futures import ProcessPoolExecutor

    configs = [
        SoakConfig(
            posts=args.posts, updates=args.updates, deletes=args.deletes, replay=args.replay,
            shuffle=args.shuffle, fault_rate=args.fault_rate, seed=seed,
        )
        for seed in range(args.seed, args.seed + args.seeds)
    ]  # fmt: skip
    reports: list[SoakReport] = []
    with ProcessPoolExecutor(max_workers=max(1, min(args.jobs, len(configs)))) as pool:
        for report in pool.map(run_soak, configs):
            reports.append(report)
            public = {k: v for k, v in asdict(report).items() if k != "problems"}
            if args.json:
                print(json.dumps(public, ensure_ascii=False), flush=True)
            elif len(configs) == 1:
                for name, value in public.items():
                    print(f"  {name:24} {value}")
            else:
                print(_line(report), flush=True)
            for problem in report.problems[:20]:
                print(f"postdrop soak: seed {report.seed}: {problem}", file=sys.stderr)
    if len(reports) > 1:
        totals = " ".join(f"{name} {sum(getattr(r, name) for r in reports)}" for name in _COUNTS)
        print(f"  {len(reports)} seeds: {totals}")
    return 0 if all(r.ok for r in reports) else 1
