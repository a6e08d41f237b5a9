"""The soak's verification reads the table and the notifications for real, and can fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from postdrop_tools.soak import Change, SoakReport, verify
from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

KEY = "posts/soak/2026-01-01-p00001.md"


def _store(h: Harness, title: str, sequencer: str) -> None:
    h.put(KEY, post(f'title: "{title}"\ncategories: emnews'))
    h.pipeline.functions["ParseFunction"].invoke(s3_event(h.bucket, KEY, sequencer))
    h.store_envelopes(*h.envelopes_sent())


def test_verify_passes_when_the_table_and_notifications_match_the_model(harness: Harness) -> None:
    _store(harness, "v1", "0001")
    report = SoakReport()
    verify(harness.stack, [Change(KEY, "put", "0001", "v1")], harness.notifications(), report)
    assert report.ok, report.problems
    assert report.stored == 1 and report.notified == 1


def test_verify_counts_each_broken_invariant(harness: Harness) -> None:
    _store(harness, "v1", "0001")
    told = harness.notifications()
    model = [
        Change(KEY, "put", "0001", "v1"),
        Change(KEY, "put", "0002", "v2"),  # the model knows a newer version the table never got
        Change("posts/soak/never-stored.md", "put", "0001", "x"),
    ]
    report = SoakReport()
    verify(harness.stack, model, told, report)
    assert (report.stale, report.missing_notifications, report.lost, report.silent_drops) == (1, 1, 1, 1)
    assert report.duplicates_uncaught == 0 and not report.ok


def test_verify_tells_a_redelivery_from_a_duplicate_a_subscriber_cannot_catch(harness: Harness) -> None:
    _store(harness, "v1", "0001")
    (note,) = harness.notifications()
    model = [Change(KEY, "put", "0001", "v1")]
    redelivered = SoakReport()
    verify(harness.stack, model, [note, note], redelivered)  # the same notification_id twice: dropped by it
    assert redelivered.duplicate_deliveries == 1 and redelivered.ok
    renamed = SoakReport()  # the same state again under another id and a later revision
    verify(harness.stack, model, [note, {**note, "notification_id": "other", "revision": 9}], renamed)
    assert renamed.duplicates_uncaught == 1 and not renamed.ok
    rejected = {**note, "event_type": "post.rejected", "reason": "the title is past its cap", "categories": ["a"]}
    moved = SoakReport()  # rejected again for the same reason under another category: a state of its own
    verify(harness.stack, model, [rejected, {**rejected, "notification_id": "o", "revision": 9, "categories": ["b"]},
                                  {**note, "notification_id": "p", "revision": 10}], moved)  # fmt: skip
    assert moved.duplicates_uncaught == 0, moved.problems
    again = SoakReport()
    verify(harness.stack, model, [rejected, {**rejected, "notification_id": "o", "revision": 9},
                                  {**note, "notification_id": "p", "revision": 10}], again)  # fmt: skip
    assert again.duplicates_uncaught == 1 and "one state, two ids" in again.problems[0]
    reworded = SoakReport()  # the same notification_id again with another body: an idempotency key broken
    verify(harness.stack, model, [note, {**note, "sequencer": "0003"}], reworded)
    assert reworded.one_id_two_bodies == 1 and reworded.duplicates_uncaught == 0 and not reworded.ok


def test_verify_knows_which_twin_a_post_shows_and_what_versions_s3_reads(harness: Harness) -> None:
    html = KEY.removesuffix(".md") + ".html"
    harness.put(html, post('title: "twin"\ncategories: emnews'))
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, html, "0001"))
    harness.store_envelopes(*harness.envelopes_sent())
    _store(harness, "v1", "0002")
    notes = harness.notifications()
    both = [Change(html, "put", "0001", "twin", version_id="h1"), Change(KEY, "put", "0002", "v1", version_id="m1")]
    report = SoakReport()
    verify(harness.stack, both, notes, report)
    assert report.ok, report.problems  # .md shows before .html
    removed = [*both, Change(KEY, "remove", "0003", None, version_id="m1")]  # x.md's only version, for good
    report = SoakReport()
    verify(harness.stack, removed, notes, report)
    assert report.stale == 1 and report.silent_drops == 1  # the model now expects the twin


def test_verify_counts_a_folder_key_the_table_made_an_item_of(harness: Harness) -> None:
    _store(harness, "v1", "0001")
    folder = "posts/soak/"
    model = [Change(KEY, "put", "0001", "v1"), Change(folder, "put", "0002", None, junk=True)]
    report = SoakReport()
    verify(harness.stack, model, harness.notifications(), report)
    assert report.ok, report.problems  # the folder is no post: nothing expected of it
    harness.stack.client("dynamodb").put_item(
        TableName=harness.stack.ref("PostsTable"),
        Item={"post_id": {"S": "soak/"}, "key": {"S": folder}, "files": {"M": {folder: {"M": {}}}}},
    )  # what a table that took the folder for a post would hold
    report = SoakReport()
    verify(harness.stack, model, [], report)
    assert report.folders_stored == 1 and not report.ok


def test_verify_counts_a_scheduled_post_without_its_schedule(harness: Harness) -> None:
    # Given a post dated in 2099, stored and announced: PublishFunction made its schedule
    harness.put(KEY, post('title: "v1"\ndate: 2099-03-01 09:00:00 +0800\ncategories: emnews'))
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, KEY, "0001"))
    harness.store_envelopes(*harness.envelopes_sent())
    told = harness.notifications()
    model = [Change(KEY, "put", "0001", "v1", status="scheduled")]
    report = SoakReport()
    verify(harness.stack, model, told, report)
    assert report.ok, report.problems
    # When the schedule goes away, the soak says so
    scheduler = harness.stack.client("scheduler")
    (schedule,) = scheduler.list_schedules(GroupName=harness.stack.ref("ScheduleGroup"))["Schedules"]
    scheduler.delete_schedule(Name=schedule["Name"], GroupName=harness.stack.ref("ScheduleGroup"))
    report = SoakReport()
    verify(harness.stack, model, told, report)
    assert report.schedules_wrong == 1 and not report.ok
