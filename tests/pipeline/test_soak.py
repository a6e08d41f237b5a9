"""The soak: a small one in every test run, and proof that its verification can fail."""

from __future__ import annotations

import pytest

from postdrop_tools.soak import SoakConfig, run_soak

pytestmark = pytest.mark.pipeline


def test_small_soak_loses_nothing_doubles_nothing_and_ends_at_the_newest() -> None:
    config = SoakConfig(posts=12, updates=3, deletes=0.25, replay=2, shuffle=True, fault_rate=0.1, seed=3)
    report = run_soak(config)
    assert report.problems == []
    assert report.ok
    assert report.events_delivered == 2 * (12 * 3 + report.deleted)
    assert sum(report.faults_injected.values()) > 0  # the faults really happened
    assert report.stored + report.deleted + report.rejected == 12
    assert report.notified >= report.stored
