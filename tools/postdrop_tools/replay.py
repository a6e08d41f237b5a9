"""`postdrop replay`: catch a late subscriber up with what PostsTopic has announced.

For every post whose state was announced (the ``announcement`` its write recorded; an item of
the version before: its ``told``, when it is what the item shows), replay sends that
announcement to one SQS queue, as the topic delivers it with raw message delivery: the same
body (the same ``notification_id``, ``revision`` and ``previous``; offloaded through the
payload pointer when it passes 256 KB) and the same message attributes.
Only the posts a filter policy selects are sent, when one is given (the subscription's own,
with ``--subscription``). Deleted posts are left out unless asked for, and so is a post whose
last announcement took it out of the filter (the topic's filter matches the state before a change
too, so that a subscriber hears a post leave; a late subscriber never held it): with ``deleted``
both are sent, as the topic sent them.

A subscriber that subscribes first and replays second ends with the table's current state,
whatever overlaps: a post that changes during the replay is announced on the topic too, and
the subscriber keeps, per post, the notification with the highest ``revision``; a state the
stream has not yet published goes out here too, with the same id and body the topic gives it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop.adapters.topic import MAX_MESSAGE_BYTES
from postdrop.item import announced, event_type_for, known, shown, status_of_record
from postdrop.notification import SIZE_ATTRIBUTE, Notification, Previous, pointer_message
from postdrop.store import outgoing_for
from postdrop_tools.read import SEGMENTS, scan_items
from postdrop_tools.target import TargetError

if TYPE_CHECKING:
    from collections.abc import Callable

    from postdrop.notification import EventType
    from postdrop_tools.target import Target

__all__ = ["ReplayReport", "matches", "replay", "subscription_policy", "subscription_target"]

MAX_BATCH = 10  # SendMessageBatch's entries
MAX_BATCH_BYTES = 256 * 1024


@dataclass
class ReplayReport:
    scanned: int = 0
    sent: int = 0
    filtered: int = 0  # announced, but the filter policy does not select it
    deleted: int = 0  # announced as deleted, or as leaving the filter: left out (or, with deleted=True, sent)
    with_deleted: bool = False
    in_flight: int = 0  # an item of the version before, changed since its last announcement: the topic brings it
    never_told: int = 0
    offloaded: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.scanned / self.seconds if self.seconds else 0.0
        return (f"replayed {self.sent} notification(s) of {self.scanned} post(s) in {self.seconds:.1f} s "
                f"({rate:.0f} posts/s): {self.filtered} not selected by the filter, {self._deletions()}, "
                f"{self.in_flight} in flight (the topic brings them), {self.offloaded} offloaded")  # fmt: skip

    def _deletions(self) -> str:
        if self.with_deleted:
            return f"{self.deleted} of them deletion(s) or exits from the filter"
        return f"{self.deleted} deletion(s) or exits from the filter left out (--deleted sends them)"


def check_applicable(policy: dict[str, Any], who: str = "replay") -> None:
    """ValueError naming the first part of ``policy`` that ``matches`` cannot apply, found
    before anything is sent or read (``matches`` stops at the first attribute that fails)."""
    for name, conditions in policy.items():
        if name == "$or":
            for alternative in _alternatives(conditions, who):
                check_applicable(alternative, who)
            continue
        if name.startswith("$"):
            raise ValueError(f"{who} does not apply {name!r}: SNS knows $or alone")
        if not isinstance(conditions, list):
            raise ValueError(f"the filter policy's {name!r} is not a list of conditions {who} can apply")
        for condition in conditions:
            try:
                _condition(condition, [""])  # a value, so that every operator's operand is looked at
            except ValueError:
                raise ValueError(f"{who} cannot apply the filter condition {json.dumps(condition)}") from None


def matches(policy: dict[str, Any], attributes: dict[str, Any]) -> bool:
    """Whether an SNS filter policy (scope MessageAttributes) selects a message with these attributes.

    Exact strings, ``prefix``, ``suffix``, ``anything-but``, ``equals-ignore-case`` and ``exists``;
    an array attribute matches when any of its values does; ``$or`` holds policies one of which
    must match, beside the policy's other attributes. Anything else is refused by name, never
    guessed.
    """
    for name, conditions in policy.items():
        if name == "$or":
            if not any(matches(alternative, attributes) for alternative in _alternatives(conditions)):
                return False
            continue
        if name.startswith("$"):
            raise ValueError(f"replay does not apply {name!r}: SNS knows $or alone")
        if not isinstance(conditions, list):
            raise ValueError(f"the filter policy's {name!r} is not a list of conditions replay can apply")
        attribute = attributes.get(name)
        values = None
        if attribute is not None:
            raw = attribute["StringValue"]
            values = [str(v) for v in json.loads(raw)] if attribute["DataType"] == "String.Array" else [raw]
        if not any(_condition(c, values) for c in conditions):
            return False
    return True


def _alternatives(conditions: Any, who: str = "replay") -> list[dict[str, Any]]:
    """The policies of a ``$or``: a list of two or more, as SNS takes it."""
    if not isinstance(conditions, list) or len(conditions) < 2 or not all(isinstance(c, dict) for c in conditions):
        raise ValueError(f"{who} cannot apply the filter policy's '$or': it is not a list of two or more policies")
    return conditions


def _condition(condition: Any, values: list[str] | None) -> bool:
    if isinstance(condition, str):
        return values is not None and condition in values
    known = ("exists", "prefix", "suffix", "equals-ignore-case", "anything-but")
    if isinstance(condition, dict) and len(condition) == 1 and next(iter(condition)) in known:
        (operator, operand), = condition.items()  # fmt: skip
        if operator == "exists":
            return (values is not None) == bool(operand)
        if values is None:
            return False
        if operator == "prefix":
            return any(v.startswith(operand) for v in values)
        if operator == "suffix":
            return any(v.endswith(operand) for v in values)
        if operator == "equals-ignore-case":
            return any(v.casefold() == str(operand).casefold() for v in values)
        if operator == "anything-but" and not isinstance(operand, dict):
            excluded = set(operand) if isinstance(operand, list) else {operand}
            return any(v not in excluded for v in values)
    raise ValueError(f"replay cannot apply the filter condition {json.dumps(condition)}")


def _subscription(target: Target, subscription_arn: str) -> dict[str, str]:
    """The attributes of a subscription to PostsTopic."""
    try:
        attributes = target.client("sns").get_subscription_attributes(SubscriptionArn=subscription_arn)["Attributes"]
    except Exception as exc:
        raise TargetError(f"cannot read subscription {subscription_arn}: {exc}") from exc
    if attributes.get("TopicArn") != target.topic_arn:
        raise TargetError(f"{subscription_arn} is not a subscription to {target.topic_arn}")
    return dict(attributes)


def subscription_policy(target: Target, subscription_arn: str) -> tuple[dict[str, Any] | None, str]:
    """A subscription's filter policy (None: it has none) and its FilterPolicyScope."""
    attributes = _subscription(target, subscription_arn)
    policy = json.loads(attributes["FilterPolicy"]) if attributes.get("FilterPolicy") else None
    return policy, attributes.get("FilterPolicyScope", "MessageAttributes")


def subscription_target(target: Target, subscription_arn: str) -> tuple[str, dict[str, Any] | None]:
    """The queue URL and filter policy of an SQS subscription to PostsTopic (raw delivery only)."""
    attributes = _subscription(target, subscription_arn)
    if attributes.get("Protocol") != "sqs":
        raise TargetError(f"{subscription_arn} is not an SQS subscription to {target.topic_arn}")
    if attributes.get("RawMessageDelivery", "false") != "true":
        raise TargetError(
            f"{subscription_arn} has RawMessageDelivery off: replay sends what raw delivery sends; turn it on"
            f" (aws sns set-subscription-attributes --subscription-arn {subscription_arn}"
            " --attribute-name RawMessageDelivery --attribute-value true)"
        )
    if attributes.get("FilterPolicyScope", "MessageAttributes") != "MessageAttributes":
        raise TargetError(f"{subscription_arn} filters on the message body: replay applies attribute policies only")
    policy = json.loads(attributes["FilterPolicy"]) if attributes.get("FilterPolicy") else None
    return queue_url(target, attributes["Endpoint"]), policy


def queue_url(target: Target, queue: str) -> str:
    """A queue URL, or the URL of the queue an ARN (arn:aws:sqs:region:account:name) names."""
    from botocore.exceptions import ClientError

    sqs = target.client("sqs")
    try:
        if not queue.startswith("arn:"):
            sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])  # there, before the table is read
            return queue
        _, _, _, _, account, name = queue.split(":", 5)
        return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") in _NO_QUEUE:
            raise TargetError(f"no queue {queue}: {error.get('Message') or exc}") from None
        if queue.startswith("arn:"):
            raise
        return queue  # not allowed to read its attributes (a queue policy may grant SendMessage alone)


_NO_QUEUE = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NonExistentQueue"})


def _announced(
    item: dict[str, Any],
) -> tuple[dict[str, Any], EventType, dict[str, Any] | None, dict[str, Any] | None] | None:
    """The item as it was announced, with its event type, previous and change; None when it
    was never announced (a tombstone nobody was told of) or, for an item of the version before,
    what it shows is not what subscribers were told (in flight). A post that changed and changed
    back shows what was told, at the revision and from the change subscribers were told of."""
    announcement = announced(item)
    if announcement is not None:
        return item, announcement["event_type"], announcement.get("previous"), announcement.get("change")
    told = item.get("told")
    if told is None or known(item)[0] != shown(item):
        return None
    then = item | {"since": int(told["since"])} | ({"origin": told["origin"]} if "origin" in told else {})
    previous = told.get("previous")
    was = (str(previous["record_type"]), None, status_of_record(previous)) if previous else ("DELETED", None, None)
    # a told written before event types were kept: what the change was, from what came before it
    event_type = told.get("event_type") or event_type_for(was, shown(item)) or "post.deleted"
    return then, event_type, previous, told.get("change")


def replay(
    target: Target, queue: str, policy: dict[str, Any] | None = None, *, deleted: bool = False,
    segments: int = SEGMENTS, progress: Callable[[int], None] | None = None,
) -> ReplayReport:  # fmt: skip
    """Send the settled announcement of every post (that ``policy`` selects) to ``queue``."""
    url = queue_url(target, queue)
    if policy:
        check_applicable(policy)  # a condition replay cannot apply is refused before anything is sent
    report, started = ReplayReport(with_deleted=deleted), time.monotonic()
    s3, sqs = target.client("s3"), target.client("sqs")
    batch: list[dict[str, Any]] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch, batch_bytes
        if batch:
            _send(sqs, url, batch, report)
            batch, batch_bytes = [], 0

    for item in scan_items(target, segments=segments):
        report.scanned += 1
        if progress:
            progress(1)
        said = _announced(item)
        if said is None:
            report.never_told += "told" not in item
            report.in_flight += "told" in item
            continue
        then, event_type, previous, change = said
        outgoing = outgoing_for(then, event_type, previous, lambda: s3, change=change)
        attributes = outgoing.notification.message_attributes()
        if policy and not matches(policy, attributes):
            report.filtered += 1
            continue
        if event_type == "post.deleted" or (policy and not matches(policy, _now(outgoing.notification))):
            report.deleted += 1  # gone, or gone from the filter: what a late subscriber never held
            if not deleted:
                continue
        body = outgoing.body()
        data = body.encode()
        if len(data) > MAX_MESSAGE_BYTES:
            body = _offload(target, outgoing.notification.notification_id, data)
            attributes[SIZE_ATTRIBUTE] = {"DataType": "Number", "StringValue": str(len(data))}
            report.offloaded += 1
        entry = {"Id": str(len(batch)), "MessageBody": body, "MessageAttributes": attributes}
        size = len(body.encode()) + sum(len(k) + len(v["StringValue"].encode()) for k, v in attributes.items())
        if len(batch) == MAX_BATCH or batch_bytes + size > MAX_BATCH_BYTES:
            flush()
            entry["Id"] = "0"
        batch.append(entry)
        batch_bytes += size
    flush()
    report.seconds = time.monotonic() - started
    return report


def _now(notification: Notification) -> dict[str, Any]:
    """The message attributes of the post as it is now, without the state before the change."""
    return notification.model_copy(update={"previous": Previous(record_type="DELETED")}).message_attributes()


def _offload(target: Target, notification_id: str, data: bytes) -> str:
    """Store the notification where StoreFunction stores it (the same key, the same bytes); the pointer."""
    from postdrop.adapters.objects import write_archive

    if not target.payload_location:
        raise TargetError("the stack has no PayloadLocation output: cannot offload a large notification")
    bucket, _, prefix = target.payload_location.removeprefix("s3://").partition("/")
    key = f"{prefix}{notification_id}.json"
    write_archive(target.client("s3"), bucket, key, data)
    return pointer_message(bucket, key)


def _send(sqs: Any, url: str, batch: list[dict[str, Any]], report: ReplayReport) -> None:
    """SendMessageBatch, resending the entries it fails (a partial failure is normal) a few times."""
    pending = batch
    for attempt in range(5):
        report.calls["sqs.SendMessageBatch"] = report.calls.get("sqs.SendMessageBatch", 0) + 1
        response = sqs.send_message_batch(QueueUrl=url, Entries=pending)
        report.sent += len(response.get("Successful", []))
        failed = {f["Id"] for f in response.get("Failed", [])}
        if not failed:
            return
        pending = [e for e in pending if e["Id"] in failed]
        time.sleep(0.1 * 2**attempt)
    raise TargetError(f"SQS kept refusing {len(pending)} message(s) of the replay: {response['Failed'][0]}")
