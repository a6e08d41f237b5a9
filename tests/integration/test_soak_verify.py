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


def test_verify_counts_stale_missing_duplicate_and_lost(harness: Harness) -> None:
    _store(harness, "v1", "0001")
    told = harness.notifications()
    model = [
        Change(KEY, "put", "0001", "v1"),
        Change(KEY, "put", "0002", "v2"),  # the model knows a newer version the table never got
        Change("posts/soak/never-stored.md", "put", "0001", "x"),
    ]
    report = SoakReport()
    verify(harness.stack, model, told + told, report)  # and every notification delivered twice
    assert (report.stale, report.missing_notifications, report.lost, report.duplicate_notifications) == (1, 1, 1, 1)
    assert not report.ok
