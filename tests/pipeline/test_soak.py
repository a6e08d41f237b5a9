"""The soak: a small one in every test run, and proof that its verification can fail."""

from __future__ import annotations

import pytest

from postdrop_tools.soak import SoakConfig, run_soak

pytestmark = [pytest.mark.pipeline, pytest.mark.long(seconds=75)]


def test_small_soak_loses_nothing_doubles_nothing_and_ends_at_the_newest() -> None:
    config = SoakConfig(
        posts=12,
        updates=3,
        deletes=0.25,
        replay=2,
        shuffle=True,
        fault_rate=0.1,
        seed=3,
        unpublished=0.3,
        scheduled=0.3,
    )
    report = run_soak(config)
    assert report.problems == []
    assert report.ok
    assert report.events_delivered > 2 * 12 * 3  # every version, removal and twin, twice
    kinds = {name.split(" ")[0] for name in report.faults_injected}
    assert kinds >= {"throttled", "lost", "died"}  # the faults really happened, of each kind
    assert report.stored + report.deleted + report.rejected == 12  # one item per post, twins included
    assert report.notified >= report.stored
    # posts saved with `published: false` were told as what they are, each way (never public, or leaving view)
    assert report.events.get("post.unpublished", 0) >= 1, report.events
    # and posts dated in 2099 as scheduled, each with its schedule (schedules_wrong is 0: report.ok)
    assert report.events.get("post.scheduled", 0) >= 1, report.events
