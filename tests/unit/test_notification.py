"""Notification ids and message attributes: what subscribers filter and de-duplicate on."""

from __future__ import annotations

import json

from postdrop.notification import Notification, notification_id


def test_notification_id_is_stable_for_a_change_and_differs_between_changes() -> None:
    one = notification_id("p", "0A", "post.updated", "hash1")
    assert one == notification_id("p", "0A", "post.updated", "hash1")  # a retried publish
    assert one != notification_id("p", "0B", "post.updated", "hash1")  # a newer S3 change
    assert one != notification_id("p", "0A", "post.updated", "hash2")  # a backfill after a parser fix
    assert one != notification_id("p", "0A", "post.created", "hash1")
    assert len(one) == 32


def test_message_attributes_carry_what_filter_policies_match_and_leave_out_empties() -> None:
    note = Notification(
        notification_id="x", event_type="post.created", post_id="p", key="posts/p.md", sequencer="01",
        categories=["emnews", "markets"], tags=["滚动新闻"], source_name="示例日报",
    )  # fmt: skip
    attributes = note.message_attributes()
    assert attributes["event_type"] == {"DataType": "String", "StringValue": "post.created"}
    assert json.loads(attributes["category"]["StringValue"]) == ["emnews", "markets"]
    assert attributes["category"]["DataType"] == attributes["tags"]["DataType"] == "String.Array"
    assert attributes["source"]["StringValue"] == "示例日报"
    bare = Notification(notification_id="x", event_type="post.deleted", post_id="p", key="k", sequencer="01")
    assert set(bare.message_attributes()) == {"event_type"}
