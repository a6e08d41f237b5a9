"""What `postdrop replay` sends of an item: the announcement subscribers were told, as it was told."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from postdrop_tools.emulator import LOCAL_CREDENTIALS
from postdrop_tools.replay import _announced, queue_url
from postdrop_tools.target import Target, TargetError

TOLD = {"record_type": "POST", "content_hash": "a", "since": 1, "event_type": "post.created",
        "origin": {"key": "posts/x.md", "sequencer": "01"}}  # fmt: skip


def _item(**more: object) -> dict[str, object]:
    return {"post_id": "x", "key": "posts/x.md", "sequencer": "03", "record_type": "POST", "content_hash": "a",
            "since": 1, "told": TOLD} | more  # fmt: skip


def test_a_settled_post_is_replayed_as_it_was_told() -> None:
    announced = _announced(_item())
    assert announced is not None
    then, event_type, previous, change = announced
    assert (then["since"], then["origin"], event_type, previous, change) == (
        1,
        TOLD["origin"],
        "post.created",
        None,
        None,
    )


def test_a_post_changed_and_changed_back_is_replayed_at_the_revision_subscribers_heard() -> None:
    # Given a post that showed b (never announced) and shows a again, at a later revision: nothing new is owed
    announced = _announced(_item(since=3, origin={"key": "posts/x.md", "sequencer": "03"}))
    # Then replay sends a, as it was told: its revision and the change that made it
    assert announced is not None and announced[0]["since"] == 1 and announced[0]["origin"]["sequencer"] == "01"


def test_a_post_whose_change_is_still_being_announced_is_left_to_the_topic() -> None:
    assert _announced(_item(content_hash="b", since=2)) is None
    assert _announced({k: v for k, v in _item().items() if k != "told"}) is None


def test_a_post_is_replayed_as_its_write_recorded_the_announcement() -> None:
    announcement = {"since": 4, "event_type": "post.updated", "previous": {"record_type": "POST"},
                    "change": {"cause": "source"}}  # fmt: skip
    item = {k: v for k, v in _item(since=4, rev=5).items() if k != "told"} | {"announcement": announcement}
    assert _announced(item) == (item, "post.updated", {"record_type": "POST"}, {"cause": "source"})
    tombstone = {"post_id": "x", "record_type": "DELETED", "since": 1, "rev": 1}
    assert _announced(tombstone) is None  # nobody was told of it


def test_an_or_of_policies_matches_as_sns_applies_it() -> None:
    from postdrop_tools.replay import matches

    news = {"category": {"DataType": "String.Array", "StringValue": '["news"]'},
            "source": {"DataType": "String", "StringValue": "wire"}}  # fmt: skip
    tagged = {"tags": {"DataType": "String.Array", "StringValue": '["a"]'},
              "source": {"DataType": "String", "StringValue": "desk"}}  # fmt: skip
    either = {"$or": [{"category": ["news"]}, {"tags": ["a"]}]}
    assert matches(either, news) and matches(either, tagged) and not matches(either, {})
    # beside another attribute, both must hold; and an $or may hold another
    assert matches(either | {"source": ["wire"]}, news) and not matches(either | {"source": ["wire"]}, tagged)
    nested = {"$or": [{"source": ["nobody"]}, {"$or": [{"tags": ["b"]}, {"category": [{"prefix": "ne"}]}]}]}
    assert matches(nested, news) and not matches(nested, tagged)


def test_a_policy_replay_cannot_apply_is_refused_by_what_it_holds() -> None:
    import pytest

    from postdrop_tools.replay import matches

    attributes = {"category": {"DataType": "String.Array", "StringValue": '["news"]'}}
    assert matches({"category": [{"prefix": "ne"}]}, attributes)
    with pytest.raises(ValueError, match=r"does not apply '\$not': SNS knows \$or alone"):
        matches({"$not": [{"category": ["news"]}]}, attributes)
    with pytest.raises(ValueError, match="not a list of conditions"):
        matches({"category": "news"}, attributes)


def test_a_queue_whose_attributes_the_operator_may_not_read_is_still_sent_to(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a subscriber's queue whose policy grants SendMessage alone (GetQueueAttributes refused),
    # and one that is not there
    sqs = boto3.client("sqs", region_name="us-east-1", aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
    target = Target("b", "t", "arn:aws:sns:us-east-1:1:t", "q", "d", "p", None, None, region="us-east-1")
    monkeypatch.setattr(target, "client", lambda service: sqs)
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/theirs"
    with Stubber(sqs) as stub:
        stub.add_client_error("get_queue_attributes", "AccessDenied", http_status_code=403)
        stub.add_client_error("get_queue_attributes", "AWS.SimpleQueueService.NonExistentQueue", "gone")
        # Then the first is the queue to send to (SendMessage decides), the second is named as missing
        assert queue_url(target, url) == url
        with pytest.raises(TargetError, match=f"no queue {url}: gone"):
            queue_url(target, url)
