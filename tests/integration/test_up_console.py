"""`postdrop up`'s console goes on showing when PostsTopic is deleted and made again by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from postdrop_tools.local import tap_said
from tests.conftest import SAMPLES

if TYPE_CHECKING:
    from tests.integration.conftest import Harness


def test_a_topic_deleted_then_made_again_is_said_once_each_and_the_console_hears_again(harness: Harness) -> None:
    sns, topic, said = harness.stack.client("sns"), harness.stack.ref("PostsTopic"), set[str]()
    assert tap_said(harness.stack, harness.tap, said) == []

    sns.delete_topic(TopicArn=topic)
    (gone,) = tap_said(harness.stack, harness.tap, said)
    assert "PostsTopic does not exist" in gone and "redrive publish" in gone
    assert tap_said(harness.stack, harness.tap, said) == []  # once, not every two seconds

    assert sns.create_topic(Name=topic.rpartition(":")[2])["TopicArn"] == topic
    (back,) = tap_said(harness.stack, harness.tap, said)
    assert "subscribed again" in back and "subscribe each of your queues again" in back
    assert tap_said(harness.stack, harness.tap, said) == []

    sample = SAMPLES / "2026-03-02-NW0001.md"
    harness.put(f"posts/{sample.name}", sample.read_bytes())
    harness.pipeline.drain()
    assert [n["event_type"] for n in harness.notifications()] == ["post.created"]

    sns.delete_topic(TopicArn=topic)  # a second loss is said again
    assert len(tap_said(harness.stack, harness.tap, said)) == 1
