"""The adapters' requests, exactly as they go to AWS (botocore's Stubber), and how they read answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from postdrop.adapters.queue import MAX_BATCH_BYTES, _batches
from postdrop.adapters.table import from_stream_image, read_items, write_first, write_next
from postdrop.exceptions import PermanentFailure
from postdrop_tools.emulator import REGION

if TYPE_CHECKING:
    from collections.abc import Iterator

RECORD = {"post_id": "x", "seq": "0" * 30 + "0A", "sequencer": "0A", "key": "posts/x.md", "record_type": "POST",
          "content_hash": "h1", "title": "t"}  # fmt: skip


@pytest.fixture
def dynamodb() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url="http://127.0.0.1:9")  # never reached: stubbed
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_the_first_write_is_one_update_made_only_where_the_post_has_no_item(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    from postdrop.item import ITEM_FIELDS, first_item

    item = first_item(RECORD)
    entry = {"M": {"seq": {"S": RECORD["seq"]}, "sequencer": {"S": "0A"}, "record_type": {"S": "POST"},
                   "content_hash": {"S": "h1"}}}  # fmt: skip
    held = ("seq", "sequencer", "key", "record_type", "title", "content_hash", "files", "rev", "since", "origin",
            "announcement")  # fmt: skip
    expected = {
        "TableName": "T",
        "Key": {"post_id": {"S": "x"}},
        "UpdateExpression": (
            "SET "
            + ", ".join(f"#{n} = :{n}" for n in ITEM_FIELDS if n in held)
            + " REMOVE "
            + ", ".join(f"#{n}" for n in ITEM_FIELDS if n not in held)
        ),
        "ConditionExpression": "attribute_not_exists(post_id)",  # an item already there: the general path
        "ExpressionAttributeNames": {f"#{n}": n for n in ITEM_FIELDS},
        "ExpressionAttributeValues": {
            ":seq": {"S": RECORD["seq"]},
            ":sequencer": {"S": "0A"},
            ":key": {"S": "posts/x.md"},
            ":record_type": {"S": "POST"},
            ":content_hash": {"S": "h1"},
            ":title": {"S": "t"},
            ":files": {"M": {"posts/x.md": entry}},
            ":origin": {"M": {"key": {"S": "posts/x.md"}, "sequencer": {"S": "0A"}}},
            ":rev": {"N": "1"},
            ":since": {"N": "1"},
            ":announcement": {"M": {"since": {"N": "1"}, "event_type": {"S": "post.created"}}},
        },
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    stubber.add_response("update_item", {"Attributes": {"post_id": {"S": "x"}, "rev": {"N": "1"}}}, expected)
    written = write_first(client, "T", item)
    assert written.written and written.item == {"post_id": "x", "rev": 1}


def _keys(*post_ids: str) -> list[dict[str, Any]]:
    return [{"post_id": {"S": post_id}} for post_id in post_ids]


def test_a_batch_s_items_are_read_in_one_consistent_request_each_key_once(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    request = {"RequestItems": {"T": {"Keys": _keys("a", "b", "c"), "ConsistentRead": True}}}
    answer = {"Responses": {"T": [{"post_id": {"S": "a"}, "rev": {"N": "2"}}]}, "UnprocessedKeys": {}}
    stubber.add_response("batch_get_item", answer, request)
    assert read_items(client, "T", ["a", "b", "a", "c", "b"]) == {"a": {"post_id": "a", "rev": 2}, "b": None,
                                                                    "c": None}  # fmt: skip


def test_unprocessed_keys_are_asked_again_then_read_one_by_one(
    dynamodb: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, stubber = dynamodb
    from postdrop.adapters import table

    monkeypatch.setattr(table, "BATCH_GET_BACKOFF", 0.0)
    left = {"UnprocessedKeys": {"T": {"Keys": _keys("b"), "ConsistentRead": True}}}
    stubber.add_response("batch_get_item", {"Responses": {"T": [{"post_id": {"S": "a"}}]}, **left},
                         {"RequestItems": {"T": {"Keys": _keys("a", "b"), "ConsistentRead": True}}})  # fmt: skip
    for _ in range(table.BATCH_GET_TRIES - 1):  # DynamoDB keeps leaving it out
        stubber.add_response("batch_get_item", {"Responses": {"T": []}, **left},
                             {"RequestItems": {"T": {"Keys": _keys("b"), "ConsistentRead": True}}})  # fmt: skip
    stubber.add_response("get_item", {"Item": {"post_id": {"S": "b"}}},
                         {"TableName": "T", "Key": {"post_id": {"S": "b"}}, "ConsistentRead": True})  # fmt: skip
    assert read_items(client, "T", ["a", "b"]) == {"a": {"post_id": "a"}, "b": {"post_id": "b"}}


def test_more_than_100_posts_are_read_100_keys_a_request(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    post_ids = [f"p{n:03}" for n in range(150)]
    for chunk in (post_ids[:100], post_ids[100:]):
        stubber.add_response("batch_get_item", {"Responses": {"T": []}},
                             {"RequestItems": {"T": {"Keys": _keys(*chunk), "ConsistentRead": True}}})  # fmt: skip
    assert read_items(client, "T", post_ids) == dict.fromkeys(post_ids)


def test_a_stream_image_reads_as_the_item_it_is() -> None:
    image = {"post_id": {"S": "x"}, "rev": {"N": "2"}, "post_zlib": {"B": b"z"}, "files": {"M": {}}}
    assert from_stream_image(image) == {"post_id": "x", "rev": 2, "post_zlib": b"z", "files": {}}


def test_a_failed_condition_hands_back_the_item_as_it_was(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    stubber.add_client_error(
        "update_item", "ConditionalCheckFailedException", http_status_code=400,
        response_meta={}, modeled_fields={"Item": {"post_id": {"S": "x"}, "rev": {"N": "7"}}},
    )  # fmt: skip
    written = write_first(client, "T", RECORD)
    assert not written.written and written.item == {"post_id": "x", "rev": 7}


def test_the_general_write_is_conditional_on_the_rev_it_was_planned_from(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    planned = {**RECORD, "files": {}, "rev": 8, "since": 8}
    expected = {
        "TableName": "T", "Key": {"post_id": {"S": "x"}}, "UpdateExpression": ANY,
        "ConditionExpression": "#rev = :rev_was", "ExpressionAttributeNames": ANY, "ExpressionAttributeValues": ANY,
        "ReturnValues": "ALL_NEW", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }  # fmt: skip
    stubber.add_response("update_item", {"Attributes": {"post_id": {"S": "x"}}}, expected)
    assert write_next(client, "T", planned, {"post_id": "x", "rev": 7}).written


def test_an_item_over_400_kb_is_a_permanent_failure_before_any_request(dynamodb: tuple[Any, Stubber]) -> None:
    client, _ = dynamodb
    with pytest.raises(PermanentFailure, match="DynamoDB holds 409600"):
        write_first(client, "T", {**RECORD, "title": "x" * 410_000})


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([10] * 10, [10]),
        ([10] * 11, [10, 1]),
        ([MAX_BATCH_BYTES // 2] * 3, [2, 1]),
        ([MAX_BATCH_BYTES // 2 + 1] * 2, [1, 1]),
        ([MAX_BATCH_BYTES], [1]),
    ],
)
def test_envelopes_go_in_batches_of_ten_and_the_sqs_byte_limit(sizes: list[int], expected: list[int]) -> None:
    assert [len(batch) for batch in _batches(["x" * n for n in sizes])] == expected


def test_an_envelope_sqs_leaves_out_fails_the_send_naming_its_key() -> None:
    from postdrop.adapters.queue import send_envelopes
    from postdrop.envelope import Envelope
    from postdrop.exceptions import TransientError
    from postdrop.s3events import S3Change

    def envelope(key: str) -> Envelope:
        change = S3Change(bucket="b", key=key, kind="removed", event_name="ObjectRemoved:Delete", sequencer="01")
        return Envelope(action="delete", post_id=key, change=change)

    client = boto3.client("sqs", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    with Stubber(client) as stubber:
        stubber.add_response(
            "send_message_batch",
            {"Successful": [{"Id": "0", "MessageId": "m", "MD5OfMessageBody": "x"}],
             "Failed": [{"Id": "1", "SenderFault": False, "Code": "InternalError"}]},
            {"QueueUrl": "q", "Entries": [{"Id": "0", "MessageBody": ANY}, {"Id": "1", "MessageBody": ANY}]},
        )  # fmt: skip
        with pytest.raises(TransientError, match=r"did not take 1 envelope.*: posts/b\.md$"):
            send_envelopes(client, "q", [envelope("posts/a.md"), envelope("posts/b.md")])
