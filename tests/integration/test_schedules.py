"""A scheduled post is published at its date by its schedule alone (#27, item 2).

Through the real handlers on moto (its EventBridge Scheduler keeps the schedules): a post
dated in the future is announced as post.scheduled and gets one one-time schedule, named from
its post_id, that sends StoreQueue a recheck at its date; the recheck publishes it
(post.created); a late or second firing writes nothing; moving the date moves the schedule,
and a post that stops being scheduled loses it.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from postdrop.adapters.schedules import at_expression, schedule_name
from postdrop.core.dates import DEFAULT_ZONE, zone
from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

KEY, POST_ID = "posts/2026-03-01-story.md", "2026-03-01-story"


SCHEDULED_AHEAD_S = 8  # seconds: a post dated this far ahead is scheduled when stored


def _dated(when: datetime | str, title: str = "标题") -> bytes:
    date = when if isinstance(when, str) else when.isoformat()
    return post(f'title: "{title}"\ndate: {date}\ncategories: [partners]', "<p>正文。</p>\n\n<p>后文。</p>\n")


def _drop(h: Harness, body: bytes | None, n: int) -> None:
    """One change of KEY (None: its deletion) through ParseFunction and StoreFunction."""
    if body is None:
        h.delete(KEY)
        event = s3_event(h.bucket, KEY, f"{n:04X}", "ObjectRemoved:Delete")
    else:
        h.put(KEY, body)
        event = s3_event(h.bucket, KEY, f"{n:04X}")
    h.pipeline.functions["ParseFunction"].invoke(event)
    assert h.store_envelopes(*h.envelopes_sent()) == {"batchItemFailures": []}


def _schedule(h: Harness) -> dict[str, Any] | None:
    scheduler = h.stack.client("scheduler")
    try:
        return dict(scheduler.get_schedule(Name=schedule_name(POST_ID), GroupName=h.stack.ref("ScheduleGroup")))
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException"
        return None


def _heard(h: Harness) -> list[dict[str, Any]]:
    return sorted(h.notifications(), key=lambda n: n["revision"])


def test_a_scheduled_post_is_published_by_its_schedule_at_its_date(harness: Harness) -> None:
    # Given a post dated a few seconds from now
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=SCHEDULED_AHEAD_S)
    _drop(harness, _dated(due), 1)
    # Then it is announced as scheduled, and has one schedule at its date that rechecks it through StoreQueue
    (scheduled,) = _heard(harness)
    assert (scheduled["event_type"], scheduled["status"]) == ("post.scheduled", "scheduled")
    schedule = _schedule(harness)
    assert schedule is not None and schedule["ScheduleExpression"] == at_expression(due)
    assert schedule["Target"]["Arn"] == harness.stack.ref("StoreQueue", "Arn")
    assert schedule["Target"]["RoleArn"] == harness.stack.ref("SchedulerRole", "Arn")
    assert schedule["ActionAfterCompletion"] == "DELETE"
    recheck = schedule["Target"]["Input"]
    assert json.loads(recheck) == {"action": "recheck", "post_id": POST_ID, "due": due.isoformat()}
    rev = harness.items()[POST_ID]["rev"]

    # When the schedule fires at the post's date (Scheduler sends its input to StoreQueue)
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.2)
    assert harness.store_envelopes(recheck) == {"batchItemFailures": []}
    # Then subscribers are told it is published: post.created, the post's own status too
    (created,) = _heard(harness)
    assert (created["event_type"], created["status"]) == ("post.created", "published")
    assert created["post"]["status"] == "published" and created["previous"]["status"] == "scheduled"
    assert created["revision"] > scheduled["revision"] and created["key"] == KEY
    day = due.astimezone(zone(DEFAULT_ZONE)).strftime("%Y/%m/%d")  # the url's date is in the site's zone, as Jekyll's
    assert created["jekyll_excerpt"] == "正文。" and created["url"] == f"/partners/{day}/story.html"
    item = harness.items()[POST_ID]
    assert item["status"] == "published" and item["announcement"]["event_type"] == "post.created"

    # And a late or second firing writes nothing and tells nobody
    assert harness.store_envelopes(recheck, recheck) == {"batchItemFailures": []}
    assert harness.items()[POST_ID]["rev"] == item["rev"] > rev and _heard(harness) == []


def test_the_schedule_moves_with_the_date_and_goes_when_the_post_is_deleted(harness: Harness) -> None:
    # Given a post scheduled for March 2099
    _drop(harness, _dated("2099-03-01 09:00:00 +0800"), 1)
    first = _schedule(harness)
    assert first is not None and first["ScheduleExpression"] == "at(2099-03-01T01:00:00)"
    # When its author moves it to April, Then its one schedule moves there
    _drop(harness, _dated("2099-04-01 09:00:00 +0800"), 2)
    moved = _schedule(harness)
    assert moved is not None and moved["ScheduleExpression"] == "at(2099-04-01T01:00:00)"
    assert harness.stack.client("scheduler").list_schedules(GroupName=harness.stack.ref("ScheduleGroup"))[
        "Schedules"
    ][0]["Name"] == schedule_name(POST_ID)  # fmt: skip
    # When the March schedule fires anyway (it was in flight), nothing is written
    rev = harness.items()[POST_ID]["rev"]
    assert harness.store_envelopes(first["Target"]["Input"]) == {"batchItemFailures": []}
    assert harness.items()[POST_ID]["rev"] == rev
    # When the post is deleted, Then its schedule goes, and subscribers hear it is gone
    _drop(harness, None, 3)
    assert _schedule(harness) is None
    assert [n["event_type"] for n in _heard(harness)] == ["post.scheduled", "post.scheduled", "post.deleted"]


def test_a_post_published_before_its_date_loses_its_schedule(harness: Harness) -> None:
    _drop(harness, _dated("2099-03-01 09:00:00 +0800"), 1)
    assert _schedule(harness) is not None
    _drop(harness, _dated("2026-03-01 09:00:00 +0800"), 2)  # its author dates it in the past
    assert _schedule(harness) is None
    assert [(n["event_type"], n["status"]) for n in _heard(harness)] == [
        ("post.scheduled", "scheduled"), ("post.created", "published"),
    ]  # fmt: skip


@pytest.mark.parametrize("early_by", [timedelta(hours=1)])
def test_a_schedule_that_fires_before_the_date_is_retried_and_writes_nothing(
    harness: Harness, early_by: timedelta
) -> None:
    due = datetime.now(UTC).replace(microsecond=0) + early_by
    _drop(harness, _dated(due), 1)
    schedule = _schedule(harness)
    assert schedule is not None
    rev = harness.items()[POST_ID]["rev"]
    # SQS brings the record back (it fails); nothing is written or announced
    assert harness.store_envelopes(schedule["Target"]["Input"]) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert harness.items()[POST_ID]["rev"] == rev
    assert [n["event_type"] for n in _heard(harness)] == ["post.scheduled"]


def _fail_once(client: Any, event: str) -> dict[str, int]:
    left = {"left": 1}

    def refuse(**_: Any) -> None:
        if left["left"]:
            left["left"] -= 1
            raise ClientError({"Error": {"Code": "InternalServerException", "Message": "injected"}}, event)

    client.meta.events.register(f"before-call.{event}", refuse)
    return left


def test_a_recheck_whose_publish_fails_is_announced_when_the_stream_retries_it(harness: Harness) -> None:
    # far enough ahead that the post is still scheduled when a loaded machine has stored it (2 s was not)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=SCHEDULED_AHEAD_S)
    _drop(harness, _dated(due), 1)
    schedule = _schedule(harness)
    assert schedule is not None
    harness.notifications()
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.2)
    # When the recheck is written but its publish fails once, the stream retries the record
    left = _fail_once(harness.pipeline.clients.sns, "sns.PublishBatch")
    recheck = schedule["Target"]["Input"]
    assert harness.store_envelopes(recheck) == {"batchItemFailures": []} and left["left"] == 0
    # Then the announcement goes out, once; a second firing writes and announces nothing
    assert [(n["event_type"], n["status"]) for n in _heard(harness)] == [("post.created", "published")]
    assert harness.store_envelopes(recheck) == {"batchItemFailures": []} and _heard(harness) == []


def test_a_scheduler_failure_announces_nothing_until_the_schedule_is_made(harness: Harness) -> None:
    # When Scheduler fails to make the schedule, the stream record fails before anything is announced
    left = _fail_once(harness.pipeline.clients.scheduler, "scheduler.CreateSchedule")
    harness.put(KEY, _dated("2099-03-01 09:00:00 +0800"))
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, KEY, "0001"))
    (sent,) = harness.envelopes_sent()
    assert harness.store_envelopes(sent, publish=False) == {"batchItemFailures": []}  # the write never waits on it
    reader_at = harness.pipeline._streams.get("PublishFunction")
    harness.pipeline.pump_streams()  # one delivery of the stream: the schedule fails, nothing is published
    assert left["left"] == 0 and _heard(harness) == [] and _schedule(harness) is None
    assert reader_at is None or harness.pipeline._streams["PublishFunction"].attempts == 1
    # Then the retried record makes it, and subscribers hear the post is scheduled
    harness.publish()
    assert _schedule(harness) is not None
    assert [n["event_type"] for n in _heard(harness)] == ["post.scheduled"]
