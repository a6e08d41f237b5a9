"""What PostsTopic is sent: per-protocol entries, offloading past 256 KB, batches within SNS's limits."""

from __future__ import annotations

import json

import pytest

from postdrop.adapters.topic import MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, Outgoing, _batches, entry_for
from postdrop.notification import POINTER_CLASS, SIZE_ATTRIBUTE, Notification


def _notification(**fields: object) -> Notification:
    base = {"notification_id": "n1", "event_type": "post.created", "post_id": "2026-03-02-a", "key": "posts/a.md",
            "title": "标题", "published_at": "2026-03-02T08:00:00+08:00", "categories": ["emnews"],
            "excerpt": "摘要", "source_url": "https://example.com/a", "sequencer": "01",
            "content_hash": "h"}  # fmt: skip
    return Notification.model_validate(base | fields)


def _no_offload(notification_id: str, body: bytes) -> tuple[str, str]:
    raise AssertionError("nothing this small is offloaded")


def test_a_small_notification_carries_the_post_for_machines_and_text_for_email() -> None:
    # Given a created post, When its entry is made
    post = {"title": "标题", "text": "正文"}
    entry, size = entry_for(Outgoing(_notification(), post_json=json.dumps(post, ensure_ascii=False)), _no_offload)
    # Then SQS, Lambda and HTTP subscribers get the JSON with the post, email a readable text
    assert entry["MessageStructure"] == "json" and entry["Subject"].isascii()
    message = json.loads(entry["Message"])
    assert json.loads(message["default"])["post"] == post
    assert json.loads(message["default"])["title"] == "标题"
    email = message["email"]
    assert (
        email.startswith("标题\npost.created · 2026-03-02T08:00:00+08:00") and "Source: https://example.com/a" in email
    )
    assert not email.lstrip().startswith("{")
    assert entry["MessageAttributes"]["event_type"]["StringValue"] == "post.created"
    assert SIZE_ATTRIBUTE not in entry["MessageAttributes"] and size < MAX_MESSAGE_BYTES


def test_a_notification_over_the_limit_is_offloaded_with_the_extended_clients_pointer() -> None:
    stored: dict[str, bytes] = {}

    def offload(notification_id: str, body: bytes) -> tuple[str, str]:
        stored[notification_id] = body
        return "bucket", f"payloads/{notification_id}.json"

    big = json.dumps({"text": "字" * 100_000}, ensure_ascii=False)  # 300 KB of UTF-8
    entry, size = entry_for(Outgoing(_notification(), load_post=lambda: big), offload)
    message = json.loads(entry["Message"])
    assert json.loads(message["default"]) == [POINTER_CLASS, {"s3BucketName": "bucket", "s3Key": "payloads/n1.json"}]
    assert entry["MessageAttributes"][SIZE_ATTRIBUTE] == {"DataType": "Number",
                                                          "StringValue": str(len(stored["n1"]))}  # fmt: skip
    assert json.loads(stored["n1"])["post"]["text"] == "字" * 100_000
    assert "标题" in message["email"] and size < 2048  # email subscribers still get the readable text


@pytest.mark.parametrize("count", [100, 1_000], ids=["long-terms", "many-terms"])
def test_an_update_between_two_heads_at_every_cap_fits_one_sns_message(count: int) -> None:
    # Given a post moved from one widest head to another (its attributes carry both states' terms)
    from postdrop.core.limits import MAX_SOURCE_NAME_CHARS, MAX_TERMS_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS

    wide = "\U0001f600"  # four bytes in UTF-8
    width = MAX_TERMS_CHARS // count

    def terms(tag: str) -> list[str]:
        return [f"{tag}{i:03}"[-width:] + wide * (width - min(width, 4)) for i in range(count)]

    before = {"record_type": "POST", "categories": terms("a"), "tags": terms("b"), "source_name": "s" * 500}
    notification = _notification(
        event_type="post.updated", title=wide * MAX_TITLE_CHARS, categories=terms("c"), tags=terms("d"),
        source_name=wide * MAX_SOURCE_NAME_CHARS, url="/" + "%E6" * (MAX_URL_CHARS // 3), previous=before,
        jekyll_excerpt=wide * 1_000,
    )  # fmt: skip
    # When its entry is made (the post offloaded: it is large)
    entry, size = entry_for(Outgoing(notification, load_post=lambda: "{}" + " " * MAX_MESSAGE_BYTES),
                            lambda notification_id, body: ("bucket", f"payloads/{notification_id}.json"))  # fmt: skip
    # Then the pointer, the email text and the attributes of both states fit one message
    assert json.loads(json.loads(entry["Message"])["default"])[0] == POINTER_CLASS
    assert len(json.loads(entry["MessageAttributes"]["tags"]["StringValue"])) == 2 * count
    assert size < MAX_MESSAGE_BYTES, size


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([100] * 10, [10]),
        ([100] * 11, [10, 1]),
        ([MAX_BATCH_BYTES // 2] * 3, [2, 1]),
        ([MAX_BATCH_BYTES // 2 + 1] * 2, [1, 1]),
        ([MAX_MESSAGE_BYTES, 1, 1], [1, 2]),
        ([], []),
    ],
)
def test_batches_hold_ten_entries_and_256_kb_at_most(sizes: list[int], expected: list[int]) -> None:
    entries = [({"Id": str(i)}, size) for i, size in enumerate(sizes)]
    assert [len(batch) for batch in _batches(entries)] == expected


@pytest.mark.parametrize(
    ("event_type", "fields", "expected"),
    [
        ("post.rejected", {"reason": "no front matter: line 1"}, "was rejected: no front matter: line 1"),
        ("post.deleted", {}, "was removed (posts/a.md)"),
        ("post.deleted", {"status": "unpublished"}, "is no longer public: it is unpublished (posts/a.md)"),
        ("post.scheduled", {"status": "scheduled"}, "Not public yet: scheduled."),
    ],
)
def test_email_text_of_other_changes(event_type: str, fields: dict[str, str], expected: str) -> None:
    assert expected in _notification(event_type=event_type, **fields).email_text()


def test_publish_sends_one_batch_of_the_entries_and_returns_the_refused_ones_with_why() -> None:
    import boto3
    from botocore.stub import Stubber

    from postdrop.adapters.topic import publish_notifications
    from postdrop_tools.emulator import ACCOUNT, REGION

    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:PostsTopic"
    outgoing = [Outgoing(_notification(notification_id=f"n{i}"), post_json="{}") for i in (1, 2)]
    entries = [entry_for(o, _no_offload)[0] for o in outgoing]
    client = boto3.client("sns", region_name=REGION, endpoint_url="http://127.0.0.1:9")  # never reached: stubbed
    with Stubber(client) as stubber:
        stubber.add_response(
            "publish_batch",
            {"Successful": [{"Id": "n1", "MessageId": "m1"}],
             "Failed": [{"Id": "n2", "Code": "InternalError", "Message": "try again", "SenderFault": False}]},
            {"TopicArn": topic, "PublishBatchRequestEntries": entries},
        )  # fmt: skip
        failed = publish_notifications(client, topic, outgoing, _no_offload)
        stubber.assert_no_pending_responses()
    assert failed == {"n2": "SNS refused the notification: InternalError try again"}
    assert [e["Id"] for e in entries] == ["n1", "n2"] and all(e["MessageStructure"] == "json" for e in entries)


def test_the_email_shows_the_authors_excerpt_and_the_url() -> None:
    # Given a post whose author chose an excerpt, with a url
    note = _notification(jekyll_excerpt="作者的摘要", url="https://example.com/2026/03/02/a.html", status="published")
    # Then the email shows that excerpt (not the first 120 characters) and the url
    email = note.email_text()
    assert "作者的摘要" in email and "摘要\n" not in email.replace("作者的摘要", "")
    assert "https://example.com/2026/03/02/a.html" in email
    # and a post without one (stored before the field) still shows its excerpt
    assert "摘要" in _notification().email_text()


@pytest.mark.parametrize(
    ("status", "previous", "expected"),
    [
        ("published", None, {"DataType": "String", "StringValue": "published"}),
        ("unpublished", {"record_type": "POST", "status": "published"},
         {"DataType": "String.Array", "StringValue": '["unpublished", "published"]'}),
        # a post told before postdrop knew its status was told it as published
        ("scheduled", {"record_type": "POST"},
         {"DataType": "String.Array", "StringValue": '["scheduled", "published"]'}),
        (None, {"record_type": "REJECTED"}, None),
    ],
)  # fmt: skip
def test_status_is_a_filter_attribute_of_both_states(
    status: str | None, previous: dict[str, str] | None, expected: dict[str, str] | None
) -> None:
    event = "post.rejected" if status is None else "post.created"
    attributes = _notification(event_type=event, status=status, previous=previous).message_attributes()
    assert attributes.get("status") == expected
