"""The adapters' requests, exactly as they go to AWS (botocore's Stubber), and how they read answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from postdrop.adapters.queue import MAX_BATCH_BYTES, _batches
from postdrop.adapters.table import mark_announcing, mark_told, write_first, write_next
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


def test_the_first_write_is_one_conditional_update_that_returns_the_item(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    entry = {"M": {"seq": {"S": RECORD["seq"]}, "sequencer": {"S": "0A"}, "record_type": {"S": "POST"},
                   "content_hash": {"S": "h1"}}}  # fmt: skip
    expected = {
        "TableName": "T",
        "Key": {"post_id": {"S": "x"}},
        "UpdateExpression": (
            "SET #seq = :seq, #sequencer = :sequencer, #key = :key, #record_type = :record_type, "
            "#title = :title, #content_hash = :content_hash, #files = :files, #origin = :origin, "
            "#rev = if_not_exists(#rev, :zero) + :one, #since = if_not_exists(#rev, :zero) + :one "
            "REMOVE #bucket, #version_id, #etag, #updated_at, #published_at, #categories, #tags, #source_name, "
            "#source_url, #excerpt, #jekyll_excerpt, #url, #status, #field_hashes, #published_utc, #category, "
            "#post_zlib, #post_ref, #reason, #post, #pending, "
            "#prev_record_type, #prev_content_hash, #prev_reason"
        ),
        "ConditionExpression": (
            "attribute_not_exists(post_id) OR (attribute_exists(#files) AND size(#files) = :one AND "
            "#files.#file.#seq < :seq AND (attribute_not_exists(#content_hash) OR #content_hash <> :content_hash) AND "
            "(attribute_not_exists(#announcing) OR #announcing.#since <= #told.#since))"  # else: the general path
        ),
        "ExpressionAttributeNames": {
            "#file": "posts/x.md",
            "#announcing": "announcing",
            "#told": "told",
            **{
                f"#{n}": n
                for n in (
                    "seq",
                    "sequencer",
                    "key",
                    "bucket",
                    "version_id",
                    "etag",
                    "updated_at",
                    "record_type",
                    "title",
                    "published_at",
                    "categories",
                    "tags",
                    "source_name",
                    "source_url",
                    "excerpt",
                    "content_hash",
                    "jekyll_excerpt",
                    "url",
                    "status",
                    "field_hashes",
                    "published_utc",
                    "category",
                    "post_zlib",
                    "post_ref",
                    "reason",
                    "files",
                    "origin",
                    "rev",
                    "since",
                    "post",
                    "pending",
                    "prev_record_type",
                    "prev_content_hash",
                    "prev_reason",
                )
            },
        },
        "ExpressionAttributeValues": {
            ":one": {"N": "1"},
            ":zero": {"N": "0"},
            ":seq": {"S": RECORD["seq"]},
            ":sequencer": {"S": "0A"},
            ":key": {"S": "posts/x.md"},
            ":record_type": {"S": "POST"},
            ":content_hash": {"S": "h1"},
            ":title": {"S": "t"},
            ":files": {"M": {"posts/x.md": entry}},
            ":origin": {"M": {"key": {"S": "posts/x.md"}, "sequencer": {"S": "0A"}}},
        },
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    stubber.add_response("update_item", {"Attributes": {"post_id": {"S": "x"}, "rev": {"N": "1"}}}, expected)
    written = write_first(client, "T", RECORD)
    assert written.written and written.item == {"post_id": "x", "rev": 1}


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


def test_told_marks_go_in_one_transaction_and_a_later_told_is_left_alone(dynamodb: tuple[Any, Stubber]) -> None:
    client, stubber = dynamodb
    update = {
        "TableName": "T", "Key": {"post_id": {"S": "a"}}, "UpdateExpression": "SET #told = :told",
        "ConditionExpression": "attribute_exists(post_id) AND (attribute_not_exists(#told) OR #told.#since < :since)",
        "ExpressionAttributeNames": {"#told": "told", "#since": "since"},
        "ExpressionAttributeValues": {
            ":told": {"M": {"record_type": {"S": "POST"}, "since": {"N": "3"}, "content_hash": {"S": "h"},
                            "categories": {"L": [{"S": "emnews"}]}}},  # what filters matched it by
            ":since": {"N": "3"},
        },
    }  # fmt: skip
    deleted = {**update, "Key": {"post_id": {"S": "b"}}, "ExpressionAttributeValues": {
        ":told": {"M": {"record_type": {"S": "DELETED"}, "since": {"N": "5"}, "event_type": {"S": "post.deleted"}}},
        ":since": {"N": "5"}}}  # fmt: skip
    stubber.add_client_error(
        "transact_write_items", "TransactionCanceledException", http_status_code=400,
        expected_params={"TransactItems": [{"Update": update}, {"Update": deleted}]},
        modeled_fields={"CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}]},
    )  # fmt: skip
    stubber.add_response("transact_write_items", {}, {"TransactItems": [{"Update": update}]})  # only a, again
    told = {"a": {"record_type": "POST", "since": 3, "content_hash": "h", "categories": ["emnews"], "tags": []},
            "b": {"record_type": "DELETED", "since": 5, "event_type": "post.deleted"}}  # fmt: skip
    mark_told(client, "T", told)


def test_announcing_is_recorded_only_where_the_item_still_shows_it_and_bumps_rev(
    dynamodb: tuple[Any, Stubber],
) -> None:
    client, stubber = dynamodb
    update = {
        "TableName": "T", "Key": {"post_id": {"S": "a"}},
        "UpdateExpression": "SET #announcing = :announcing, #rev = #rev + :one",  # a write planned before replans
        "ConditionExpression": (
            "#since = :since AND (attribute_not_exists(#announcing) OR #announcing.#since = :since OR "
            "(attribute_exists(#told) AND #announcing.#since <= #told.#since))"
        ),
        "ExpressionAttributeNames": {"#announcing": "announcing", "#told": "told", "#since": "since", "#rev": "rev"},
        "ExpressionAttributeValues": {
            ":announcing": {"M": {"record_type": {"S": "DELETED"}, "since": {"N": "4"},
                                  "event_type": {"S": "post.deleted"},
                                  "previous": {"M": {"record_type": {"S": "POST"}, "tags": {"L": [{"S": "t"}]}}}}},
            ":since": {"N": "4"}, ":one": {"N": "1"},
        },
    }  # fmt: skip
    stubber.add_client_error(
        "transact_write_items", "TransactionCanceledException", http_status_code=400,
        expected_params={"TransactItems": [{"Update": update}]},
        modeled_fields={"CancellationReasons": [{"Code": "ConditionalCheckFailed"}]},
    )  # fmt: skip
    state = {"record_type": "DELETED", "since": 4, "event_type": "post.deleted",
             "previous": {"record_type": "POST", "tags": ["t"]}}  # fmt: skip
    assert mark_announcing(client, "T", {"a": state}) == {"a"}


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
