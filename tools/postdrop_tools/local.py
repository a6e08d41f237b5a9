"""Acting on a provisioned local stack: drop files into its bucket, tap its topic, drain a
queue, scan its table. The toolkit the verbs, the soak, the benchmarks and the tests share
(`run.py` is only the `run` command)."""

from __future__ import annotations

import json
import mimetypes
import shlex
from typing import TYPE_CHECKING, Any, get_args
from urllib.parse import unquote_plus

from postdrop.core.keys import POSTS_PREFIX
from postdrop.notification import EventType
from postdrop_tools.stack import local_name

if TYPE_CHECKING:
    from pathlib import Path

    from postdrop_tools.stack import LocalStack

__all__ = [
    "SHOWN_LABELS", "content_type", "dead_letter_line", "drain_queue", "drop_files", "file_line", "ignored_line",
    "labels_of", "new_dead_letters", "notification_line", "notification_lines", "outside_said", "peek_queue",
    "post_files", "range_posts", "read_notification", "scan_table", "subscribe_queue", "tap_topic", "versioning_said",
]  # fmt: skip

CONTENT_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain"}


def content_type(path: Path) -> str:
    guessed = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "text/plain"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def post_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def drop_files(stack: LocalStack, folder: Path, files: list[Path], on_drop: Any = None) -> dict[str, Path]:
    """Upload each file under posts/ (its path below ``folder`` kept); returns key -> file."""
    s3 = stack.client("s3")
    bucket = stack.ref("PostsBucket")
    keys = {}
    for path in files:
        key = "posts/" + path.relative_to(folder).as_posix()
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type(path))
        keys[key] = path
        if on_drop:
            on_drop(1)
    return keys


def subscribe_queue(
    sqs: Any, sns: Any, topic_arn: str, queue_name: str, filter_policy: dict[str, Any] | None = None
) -> tuple[str, str]:
    """A queue subscribed to ``topic_arn`` with raw delivery, as a subscriber would make it.

    Its policy lets only that topic send to it. Returns the queue URL and the subscription ARN.
    """
    url = str(sqs.create_queue(QueueName=queue_name)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                       "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}],
    }  # fmt: skip
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    attributes = {"RawMessageDelivery": "true"}
    if filter_policy:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url, str(subscription["SubscriptionArn"])


def tap_topic(stack: LocalStack, name: str = "tap", filter_policy: dict[str, Any] | None = None) -> str:
    """A queue subscribed to PostsTopic, to read what subscribers receive."""
    return subscribe_queue(
        stack.client("sqs"), stack.client("sns"), stack.ref("PostsTopic"), local_name(name), filter_policy
    )[0]


def drain_queue(stack: LocalStack, url: str) -> list[dict[str, Any]]:
    """Every message now in the queue, parsed (an offloaded notification read through its
    pointer) and deleted. A message that cannot be read stays in the queue, and the error says why."""
    sqs, s3 = stack.client("sqs"), stack.client("s3")
    bodies: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(read_notification(s3, message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def read_notification(s3: Any, body: str) -> dict[str, Any]:
    """A PostsTopic message as a subscriber reads it: the notification, or the one its pointer
    names (AWS's payload-offloading convention: ``[class, {s3BucketName, s3Key}]``)."""
    from postdrop.notification import POINTER_CLASS

    message = json.loads(body)
    if isinstance(message, list) and len(message) == 2 and message[0] == POINTER_CLASS:
        where = message[1]
        stored = s3.get_object(Bucket=where["s3BucketName"], Key=where["s3Key"])["Body"].read()
        return dict(json.loads(stored))
    return dict(message)


# The widest event type (post.unpublished), so the keys line up under each other.
_EVENT_WIDTH = max(len(name) for name in get_args(EventType))


def notification_line(notification: dict[str, Any]) -> str:
    """One readable line for a notification, whatever its size: what happened, to which file, its title
    (or why it was rejected), and what subscribers filter it by."""
    what = notification.get("title") or notification.get("reason") or ""
    why = _why(notification)
    if why:  # after the title, or in its place (a deletion carries none)
        what = f"{what}  ({why})" if what else f"({why})"
    line = f"{notification.get('event_type', '?'):{_EVENT_WIDTH}} {notification.get('key', '?')}  {what}"
    for label, state in (("", notification), ("was ", notification.get("previous") or {})):
        filters = labels_of(state)
        if filters:
            return line + f"  [{label}{filters}]"
    return line


def _why(notification: dict[str, Any]) -> str:
    """What a line adds to the event type: the fields an update changed, why a post was taken
    out (its status now), or what a file that is gone had been."""
    event, previous = notification.get("event_type"), notification.get("previous") or {}
    if event == "post.updated" and notification.get("changed"):
        return "changed: " + ", ".join(notification["changed"])
    if event != "post.deleted":
        return ""
    if notification.get("status"):  # the post is there, no longer public
        return f"now {notification['status']}"
    if previous.get("record_type") == "REJECTED":
        return "file gone; it was rejected"
    status = previous.get("status")
    if status in (None, "published"):
        return "file gone"
    return f"file gone; it was {'a draft' if status == 'draft' else status}"


SHOWN_LABELS = 12  # categories and #tags on a line a person reads; a release note may carry 128 tags


def labels_of(state: dict[str, Any]) -> str:
    """A post's categories and #tags, as a line shows them: the first SHOWN_LABELS, then how many more."""
    labels = [*state.get("categories", []), *(f"#{t}" for t in state.get("tags", []))]
    more = len(labels) - SHOWN_LABELS
    return " ".join(labels[:SHOWN_LABELS]) + (f" (+{more} more)" if more > 0 else "")


def ignored_line(key: str, why: str) -> str:
    """One line for a file ParseFunction ignored (a synced site's image or layout), aligned with
    the notifications' lines."""
    return file_line("ignored", key, why)


def file_line(what: str, key: str, why: str) -> str:
    """One line for a file no notification names (ignored; kept, removed or rejected behind the
    post's shown file; unchanged), aligned with the notifications' lines."""
    return f"{what:{_EVENT_WIDTH}} {key}  {why}"


def notification_lines(notification: dict[str, Any]) -> list[str]:
    """``notification_line``, then one indented line per warning of its post (a date dropped,
    an encoding guessed: what postdrop repaired or assumed), where the notification carries it."""
    warnings = (notification.get("post") or {}).get("warnings") or []
    return [notification_line(notification), *(f"    warning: {warning}" for warning in warnings)]


def dead_letter_line(which: str, message: dict[str, Any], posts: list[str] | None = None) -> str:
    """One readable line for a message of ParseDLQ (a Lambda on-failure record: the S3 event and
    the error), StoreDLQ (an envelope, with the reason StoreFunction gave where it gave one) or
    PublishDLQ (a stream range PublishFunction failed on every retry: ``posts`` names the posts
    its records change, when the stream could be read for them)."""
    try:
        body = json.loads(message["Body"])
    except ValueError:
        body = {}
    if which == "publish":  # a stream event source's on-failure record: the range, not the records
        info = body.get("DDBStreamBatchInfo") or {}
        what = f"stream records {info.get('startSequenceNumber', '?')}..{info.get('endSequenceNumber', '?')}"
        if posts:
            what = f"{', '.join(posts)} ({what})"
        return (
            f"dead-letter    {what}  PublishFunction failed every retry (its error: PublishFunction's log)"
            "  (postdrop redrive publish, after a fix, within the stream's 24 h)"
        )
    if which == "schedule":  # a scheduled post's recheck that Scheduler could not bring to StoreQueue
        what = (body.get("change") or {}).get("key") or body.get("post_id") or "a recheck"
        why = "its scheduled recheck could not reach StoreQueue"
        return f"dead-letter    {what}  {why}  (postdrop redrive schedule, after a fix)"
    if which == "parse":
        event = body.get("requestPayload") or {}
        # the event's keys as S3 and EventBridge write them, URL-encoded: shown as the file is named
        keys = [unquote_plus(r.get("s3", {}).get("object", {}).get("key", "?")) for r in event.get("Records") or []]
        keys += [unquote_plus(event["detail"]["object"]["key"])] if "detail" in event else []
        reason = (body.get("responsePayload") or {}).get("errorMessage", "ParseFunction failed on every retry")
        what = ", ".join(keys) or "an event"
    else:
        what = (body.get("change") or {}).get("key") or body.get("post_id") or "an envelope"
        attribute = (message.get("MessageAttributes") or {}).get("reason") or {}
        reason = attribute.get("StringValue") or (
            "StoreFunction failed on every receive (maxReceiveCount; its error: StoreFunction's log, by this key)"
        )
    return f"dead-letter    {what}  {reason}  (postdrop redrive {which}, after a fix)"


def new_dead_letters(stack: LocalStack, seen: set[str]) -> list[str]:
    """A line for each message that reached one of the stack's dead-letter queues (ParseDLQ,
    StoreDLQ, PublishDLQ, ScheduleDLQ) since ``seen`` (updated), left where it is (peek_queue),
    so a redrive still finds it."""
    sqs, lines = stack.client("sqs"), []
    queues = (("parse", "ParseDLQ"), ("store", "StoreDLQ"), ("publish", "PublishDLQ"), ("schedule", "ScheduleDLQ"))
    for which, logical in queues:
        for message in peek_queue(sqs, stack.ref(logical)):
            if message["MessageId"] not in seen:
                seen.add(message["MessageId"])
                posts = range_posts(stack.client("dynamodbstreams"), message) if which == "publish" else None
                lines.append(dead_letter_line(which, message, posts))
    return lines


def versioning_said(stack: LocalStack, said: set[str]) -> list[str]:
    """A line, once, when the posts bucket's versioning is turned on (PostsBucket on AWS is
    versioned; the local one is not, because the emulator sends no event for a delete marker:
    with versioning on, a delete here would go unheard and its post stay)."""
    bucket = stack.ref("PostsBucket")
    if stack.client("s3").get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        said.discard(bucket)
        return []
    if bucket in said:
        return []
    said.add(bucket)
    return [
        "warning        the bucket's versioning is on: the emulator (moto) sends no event for a delete marker, so"
        " a delete here is not heard and its post stays (on AWS each is heard). Suspend it: aws s3api"
        f" put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Suspended"
    ]


def tap_said(stack: LocalStack, tap: str, said: set[str]) -> list[str]:
    """A line, once, when the tap queue no longer hears PostsTopic: the topic was deleted (each
    notification then fails PublishFunction and waits in its DLQ) or deleted and made again by
    hand, and SNS deleted every subscription with it. In the second case the tap subscribes
    again, so the console goes on showing."""
    from botocore.exceptions import ClientError

    sns, sqs, topic = stack.client("sns"), stack.client("sqs"), stack.ref("PostsTopic")
    arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
        if any(s["Endpoint"] == arn for page in pages for s in page["Subscriptions"]):
            return []
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFound":
            raise
        if topic in said:
            return []  # said once, not every two seconds
        said.add(topic)
        return [
            "warning        PostsTopic does not exist: no subscriber hears a change, and each waits in"
            " PublishDLQ (make the topic again, then postdrop redrive publish)"
        ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    said.clear()  # the topic is back: a second loss is said again
    return [
        "warning        up's console was no longer subscribed to PostsTopic (a topic deleted and made again"
        " loses every subscription): it subscribed again; if the topic was made again, subscribe each of your"
        " queues again, then postdrop replay --subscription ARN --deleted brings it what it missed"
    ]


# What the bucket holds outside posts/ by postdrop's own hand: offloaded notifications, archived
# posts, Batch Operations' reports. Anything else there was dropped where nothing reads it.
_OWN_PREFIXES = ("posts/", "payloads/", "archive/", "batch-reports/")


def outside_said(stack: LocalStack, said: set[str]) -> list[str]:
    """A line, once for each, for a file or folder dropped at the bucket's root outside posts/
    (``aws s3 sync blog/_posts s3://BUCKET/_posts/``): the bucket's notification covers posts/
    alone, so nothing reads it, and nothing else would say so."""
    bucket = stack.ref("PostsBucket")
    listed = stack.client("s3").list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=1000)
    names = [p["Prefix"] for p in listed.get("CommonPrefixes", [])] + [o["Key"] for o in listed.get("Contents", [])]
    lines = []
    for name in names:
        if name in _OWN_PREFIXES or name in said:
            continue
        said.add(name)
        folder = name.endswith("/")
        # posts/ written in another case (Posts/) is a typo of posts/ itself, not a folder to keep under it
        into = "posts/" if folder and name.lower() == POSTS_PREFIX else f"posts/{name}"
        move = f"aws s3 mv{' --recursive' if folder else ''} {shlex.quote(f's3://{bucket}/{name}')} " + shlex.quote(
            f"s3://{bucket}/{into}"
        )
        how = " (a blog's _posts/ as posts/_posts/)" if folder else ""
        lines.append(
            f"warning        s3://{bucket}/{name} is outside posts/: nothing reads it. Drop posts under posts/{how}:"
            f" {move}"
        )
    return lines


# A Jekyll _config.yml's settings that change a post's fields -> the template parameter that carries each
SITE_PARAMETERS = {
    "timezone": "DefaultTimeZone", "url": "SiteUrl", "baseurl": "SiteBaseUrl", "title": "SiteTitle",
    "permalink": "SitePermalink", "excerpt_separator": "SiteExcerptSeparator", "defaults": "SiteDefaults",
    "kramdown": "SiteKramdown", "future": "SiteFuture", "unpublished": "SiteUnpublished",
    "show_drafts": "SiteShowDrafts",
}  # fmt: skip


# _config.yml's settings that are Jekyll's own (or its plugins'), about building the site, not what
# a post shows: never in SiteVariables
_BUILD_SETTINGS = frozenset({
    "source", "destination", "collections_dir", "cache_dir", "plugins_dir", "layouts_dir", "data_dir",
    "includes_dir", "collections", "safe", "include", "exclude", "keep_files", "encoding", "markdown_ext",
    "strict_front_matter", "limit_posts", "lsi", "incremental", "profile", "port", "host", "livereload",
    "detach", "webrick", "show_dir_listing", "markdown", "highlighter", "liquid", "sass", "plugins", "gems",
    "whitelist", "theme", "remote_theme", "paginate", "paginate_path", "quiet", "verbose",
})  # fmt: skip
PARAMETER_BYTES = 4096  # the most a CloudFormation parameter's value holds


def site_variables(settings: dict[str, Any]) -> str | None:
    """_config.yml's other settings, as the SiteVariables parameter carries them (JSON); within
    PARAMETER_BYTES its settings of one value (a setting of many, a menu or a list of links, left
    out when all would not fit); None when it has none."""
    skipped = SITE_PARAMETERS.keys() | _BUILD_SETTINGS
    others = {k: v for k, v in settings.items() if isinstance(k, str) and k not in skipped and v is not None}
    for kept in (others, {k: v for k, v in others.items() if not isinstance(v, dict | list)}):
        text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"), default=str)
        if kept and len(text.encode()) <= PARAMETER_BYTES:
            return text
    return None


def site_overrides(config: bytes) -> list[str]:
    """The ``--parameter-overrides`` that give a stack the settings of this Jekyll ``_config.yml``
    (shell-quoted, as ``sam deploy`` and ``postdrop up`` take them); [] when it sets none or
    cannot be read."""
    import yaml

    try:
        settings = yaml.safe_load(config.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return []
    if not isinstance(settings, dict):
        return []
    overrides = []
    for key, parameter in SITE_PARAMETERS.items():
        value = settings.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            text = str(value).lower()
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
        else:
            text = str(value)
        overrides.append(shlex.quote(f"{parameter}={text}"))
    if (variables := site_variables(settings)) is not None:
        overrides.append(shlex.quote(f"SiteVariables={variables}"))
    return overrides


def config_line(key: str, config: bytes) -> str | None:
    """What a person who dropped a blog's ``_config.yml`` should hear: ParseFunction reads no
    settings from the bucket, the stack's parameters are the site's; and the ones that carry
    this file's. None when it sets nothing a post's fields follow."""
    overrides = site_overrides(config)
    if not overrides:
        return None
    return (
        f"{key}: a site's settings are the stack's parameters, not read from the bucket; to read the posts as"
        f" this blog's Jekyll does: postdrop up --parameter-overrides {' '.join(overrides)} (sam deploy takes the same)"
    )


# how long a message looked at is out of sight, should making it visible again fail
_LOOK_SECONDS = 30


def peek_queue(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message waiting in the queue at ``url``, left there: each is received out of sight
    (so the next receive returns the next ten) and made visible again once all are read."""
    seen: dict[str, dict[str, Any]] = {}
    try:
        while messages := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0,
            VisibilityTimeout=_LOOK_SECONDS,
        ).get("Messages", []):  # fmt: skip
            seen.update((m["MessageId"], m) for m in messages)
    finally:
        handles = [m["ReceiptHandle"] for m in seen.values()]
        for start in range(0, len(handles), 10):
            sqs.change_message_visibility_batch(
                QueueUrl=url,
                Entries=[{"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                         for i, h in enumerate(handles[start : start + 10])],
            )  # fmt: skip
    return list(seen.values())


def range_posts(streams: Any, message: dict[str, Any]) -> list[str] | None:
    """The post_ids a PublishDLQ record's stream range changes (its markers' records aside), read
    from the table's stream; None when the range cannot be read (past the stream's 24 hours, or
    no rights to read it)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from postdrop.adapters.table import MARKER_PREFIX
    from postdrop_tools.target import stream_range

    try:
        info = json.loads(message["Body"])["DDBStreamBatchInfo"]
        records = stream_range(streams, info)
    except (ValueError, KeyError, TypeError, BotoCoreError, ClientError):
        return None
    ids = (((r.get("dynamodb") or {}).get("Keys") or {}).get("post_id") or {} for r in records)
    return list(dict.fromkeys(i["S"] for i in ids if "S" in i and not i["S"].startswith(MARKER_PREFIX))) or None


def scan_table(stack: LocalStack) -> list[dict[str, Any]]:
    """Every post item of PostsTable (POST, REJECTED, DELETED), without earlier versions' markers."""
    from boto3.dynamodb.types import TypeDeserializer

    from postdrop.adapters.table import MARKER_PREFIX

    deserializer = TypeDeserializer()
    items = []
    paginator = stack.client("dynamodb").get_paginator("scan")
    for page in paginator.paginate(TableName=stack.ref("PostsTable")):
        items += [
            {k: deserializer.deserialize(v) for k, v in item.items()}
            for item in page["Items"]
            if not item["post_id"]["S"].startswith(MARKER_PREFIX)
        ]
    return items
