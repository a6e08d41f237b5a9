"""Dates at the calendar's ends: parse_post raised OverflowError on "0001-01-01-x.md" (a Hugo
blog's template post), which in Lambda fails ParseFunction three times and lands in ParseDLQ."""

from __future__ import annotations

import pytest

from postdrop import parse_post


@pytest.mark.parametrize(
    ("key", "head"),
    [
        ("posts/0001-01-01-x.md", ""),
        ("posts/x.md", "date: 0001-01-01\n"),
        ("posts/x.md", "date: 9999-12-31 23:00 -05:00\n"),
        ("posts/x.md", "date: 0001-01-01 00:30 +14:00\n"),
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Pacific/Kiritimati"])
def test_a_date_at_the_calendars_ends_is_read_or_no_usable_date(key: str, head: str, zone: str) -> None:
    post = parse_post(f"---\ntitle: x\n{head}---\nhi\n".encode(), key, default_zone=zone)
    if post.published_at is None:  # off the calendar in UTC or in the zone
        assert any("published_at is null" in warning for warning in post.warnings)
    else:
        assert post.published_at[:4] in {"0001", "9999"}


def test_a_date_off_the_calendar_in_the_default_zone_is_no_usable_date() -> None:
    post = parse_post(b"---\ntitle: x\n---\nhi\n", "posts/0001-01-01-x.md")  # +08:00: UTC is in year 0
    assert post.published_at is None


@pytest.mark.parametrize("date", ["0001-01-02 00:00 +00:00", "9999-12-31 23:59:59 +0800", "0002-01-01"])
def test_a_date_on_the_calendar_in_every_zone_is_read(date: str) -> None:
    post = parse_post(f"---\ntitle: x\ndate: {date}\n---\nhi\n".encode(), "posts/x.md")
    assert post.published_at is not None and post.published_at.startswith(date[:10])
