"""Dates: every form the producer writes, always ISO 8601 with the offset kept."""

from __future__ import annotations

from datetime import datetime

import pytest

from postdrop import parse_post
from postdrop.core.dates import parse_date
from tests.conftest import post


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2021-12-08 10:46:18 +0800", "2021-12-08T10:46:18+08:00"),
        ("2021-12-08 10:46:18 +08:00", "2021-12-08T10:46:18+08:00"),
        ("2021-12-08T10:46:18Z", "2021-12-08T10:46:18+00:00"),
        ("2021-12-08 10:46:18 -0530", "2021-12-08T10:46:18-05:30"),
        ("2021-12-08 10:46:18", "2021-12-08T10:46:18+08:00"),  # naive: the producer's zone
        ("2021-12-08 10:46", "2021-12-08T10:46:00+08:00"),
        # Ruby reads seconds of one digit too: 10:46:5 is 10:46:05
        ("2021-12-08 10:46:5", "2021-12-08T10:46:05+08:00"),
        ("2021-12-08 10:46:5 +0100", "2021-12-08T10:46:05+01:00"),
        # a 60th second is the next minute's first, as Ruby's Time.local reads it (Jekyll's date)
        ("2021-12-08 10:46:60", "2021-12-08T10:47:00+08:00"),
        ("'2021-12-31 23:59:60 +0100'", "2022-01-01T00:00:00+01:00"),
        ("2021-12-08", "2021-12-08T00:00:00+08:00"),
        # whole seconds: Jekyll's post.date drops the fraction (it reads the date back from Time#to_s)
        ("2021-12-08 10:46:18.250 +0800", "2021-12-08T10:46:18+08:00"),
        ("'2011-01-18T14:15:00.001+11:00'", "2011-01-18T14:15:00+11:00"),  # a Blogger import's
        ("2021-12-08 10:46:18.999999", "2021-12-08T10:46:18+08:00"),
        ('"2021-12-08 10:46:18 +0800"', "2021-12-08T10:46:18+08:00"),
    ],
)
def test_date_forms(date: str, expected: str) -> None:
    got = parse_post(post(f"title: t\ndate: {date}"), "posts/x.md")
    assert got.published_at == expected
    assert not got.warnings


def test_the_default_zone_is_configurable() -> None:
    got = parse_post(post("title: t\ndate: 2021-12-08 10:46:18"), "posts/x.md", default_zone="Europe/London")
    assert got.published_at == "2021-12-08T10:46:18+00:00"


def test_a_file_name_date_may_have_one_digit_months_and_days() -> None:
    got = parse_post(b"---\ntitle: t\n---\nBody.\n", "posts/2016-8-2-short.md", default_zone="UTC")
    assert (got.published_at, got.slug, got.url) == ("2016-08-02T00:00:00+00:00", "short", "/2016/08/02/short.html")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Jekyll 4.3's reading: a two-digit year is 1969-2068, a three-digit one as written
        ("24-01-05-two.md", ("2024-01-05T00:00:00+00:00", "two", "/2024/01/05/two.html", "Two")),
        ("99-12-31-old.md", ("1999-12-31T00:00:00+00:00", "old", "/1999/12/31/old.html", "Old")),
        ("124-1-5-three.md", ("0124-01-05T00:00:00+00:00", "three", "/0124/01/05/three.html", "Three")),
        ("12024-01-05-five.md", (None, "12024-01-05-five", None, "Body text.")),  # five digits: no date
    ],
)
def test_a_file_name_year_may_have_two_or_three_digits(name: str, expected: tuple[str | None, ...]) -> None:
    got = parse_post(b"---\n---\nBody text.\n", f"posts/{name}", default_zone="UTC")
    assert (got.published_at, got.slug, got.url, got.title) == expected


@pytest.mark.parametrize("date", ["date:  +0800", "date: 2021-13-45 10:00:00", "date: soon"])
def test_an_unusable_date_falls_back_to_the_file_name(date: str) -> None:
    got = parse_post(post(f"title: t\n{date}"), "posts/2022-05-26-abc.md")
    assert got.published_at == "2022-05-26T00:00:00+08:00"
    assert any("from the file name" in w for w in got.warnings)


@pytest.mark.parametrize("date", ["", "date:", "date: ''"])
def test_a_post_that_writes_no_date_takes_its_file_names_without_a_warning(date: str) -> None:
    # Jekyll's rule for every post (the front matter's date only overrides the name's): a blog of
    # 2,000 such posts synced at once must not read as 2,000 posts stored with something repaired
    got = parse_post(post(f"title: t\n{date}"), "posts/2022-05-26-abc.md")
    assert got.published_at == "2022-05-26T00:00:00+08:00"
    assert got.warnings == []


def test_no_date_anywhere_is_null_with_a_warning() -> None:
    got = parse_post(post("title: t\ndate:  +0800"), "posts/-202205262391921712.md")
    assert got.published_at is None
    assert any("published_at is null" in w for w in got.warnings)


# Jekyll reads a front-matter date with Ruby's Time.parse; each expectation below is what Jekyll
# 4.3 (Ruby 3.1) gave for the value, quoted, in the zone named.
@pytest.mark.parametrize(
    ("date", "site_zone", "expected"),
    [
        # a zone name Ruby knows, then an offset it never reads
        ("2026-04-22 17:44:08 CDT -0500", "UTC", "2026-04-22T17:44:08-05:00"),
        ("2026-04-22 17:44:08 PDT -0500", "UTC", "2026-04-22T17:44:08-07:00"),
        ("2026-04-22 17:44:08 est", "UTC", "2026-04-22T17:44:08-05:00"),
        ("2026-04-22 17:44:08 utc", "Europe/Berlin", "2026-04-22T17:44:08+00:00"),
        ("2026-04-22 17:44:08 +08:00:30", "Europe/Berlin", "2026-04-22T09:43:38+00:00"),  # an offset's seconds: UTC
        ("2026-04-22 17:44 +0800 (CST)", "UTC", "2026-04-22T17:44:00+08:00"),
        ("2026-04-22T10:00:00+01:00k", "UTC", "2026-04-22T10:00:00+01:00"),
        # the site zone's own names, in January and in July
        ("2026-04-22 17:44:08 CEST", "Europe/Berlin", "2026-04-22T17:44:08+02:00"),
        ("2026-04-22 17:44:08 CET", "Europe/Berlin", "2026-04-22T17:44:08+01:00"),
        # a zone Ruby cannot read: wall time in the site's zone
        ("2026-04-22 17:44:08 CEST", "UTC", "2026-04-22T17:44:08+00:00"),
        ("2026-04-22 17:44:08 GMT+8", "Europe/Berlin", "2026-04-22T17:44:08+02:00"),
        ("2026-04-22 17:44:08 +800", "UTC", "2026-04-22T17:44:08+00:00"),
        ("2026-04-22 17:44:08 Eastern Daylight Time", "UTC", "2026-04-22T17:44:08+00:00"),
        # a zone counts only right after a time
        ("2023-04-14 +0800", "UTC", "2023-04-14T00:00:00+00:00"),
        ("2026-04-22 20:00.000 +08:00", "UTC", "2026-04-22T20:00:00+00:00"),
        ("2026-04-22 18:30:22 2023 -0800", "UTC", "2026-04-22T18:30:22+00:00"),
        # a 12-hour clock
        ("2026-04-22 1:30 pm", "UTC", "2026-04-22T13:30:00+00:00"),
        ("2026-04-22 12:30 am", "UTC", "2026-04-22T00:30:00+00:00"),
        ("2026-04-22 12:30 p.m.", "UTC", "2026-04-22T12:30:00+00:00"),
        ("2026-04-22 1:30 PM +0200", "UTC", "2026-04-22T13:30:00+02:00"),
    ],
)
def test_dates_read_as_rubys_time_parse_reads_them(date: str, site_zone: str, expected: str) -> None:
    got = parse_post(post(f'title: t\ndate: "{date}"'), "posts/2020-01-01-x.md", default_zone=site_zone)
    assert got.published_at == expected
    assert not got.warnings


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2019-05-06 07:08:09 +8", "2019-05-06T07:08:09+08:00"),
        ("2019-05-06 07:08:09 -7", "2019-05-06T07:08:09-07:00"),
        ("2019-05-06 07:08:09+8", "2019-05-06T07:08:09+08:00"),
        ("2019-05-06 07:08:09 +5:30", "2019-05-06T07:08:09+05:30"),
        ("2019-05-06 7:08:09 +09", "2019-05-06T07:08:09+09:00"),
        # quoted, the same text is Time.parse's: "+8" is no zone it knows, so the site's
        ('"2019-05-06 07:08:09 +8"', "2019-05-06T07:08:09+00:00"),
        # without seconds it is no YAML timestamp: Time.parse's reading again
        ("2019-05-06 07:08 +8", "2019-05-06T07:08:00+00:00"),
    ],
)
def test_a_plain_yaml_timestamp_keeps_its_offset_of_hours(date: str, expected: str) -> None:
    # Jekyll's YAML loader reads an unquoted date with seconds as a timestamp, whose offset may be
    # hours alone; a quoted one goes to Time.parse, which does not read "+8"
    got = parse_post(post(f"title: t\ndate: {date}"), "posts/2019-05-06-x.md", default_zone="UTC")
    assert got.published_at == expected


def test_a_plain_yaml_timestamp_with_an_offset_of_hours_in_a_block_yaml_reads() -> None:
    # the same date in a block the fast reader leaves to YAML (a list of tags)
    got = parse_post(post("title: t\ndate: 2019-05-06 07:08:09 +8\ntags:\n  - a"), "posts/x.md", default_zone="UTC")
    assert got.published_at == "2019-05-06T07:08:09+08:00"


@pytest.mark.parametrize(
    ("key", "date", "expected"),
    [
        # Ruby's Time.local carries a day past the month's end into the next month
        ("posts/2018-06-31-x.md", None, "2018-07-01T00:00:00+00:00"),
        ("posts/2018-02-30-x.md", None, "2018-03-02T00:00:00+00:00"),
        ("posts/2018-01-01-x.md", '"2019-04-31 08:15"', "2019-05-01T08:15:00+00:00"),
        ("posts/2018-01-01-x.md", "2019-02-29", "2019-03-01T00:00:00+00:00"),
        ("posts/2018-01-01-x.md", '"2019-06-30 24:00"', "2019-07-01T00:00:00+00:00"),  # 24:00: next midnight
        ("posts/2018-01-01-x.md", '"2019-12-31 24:00:00"', "2020-01-01T00:00:00+00:00"),
    ],
)
def test_a_day_past_the_months_end_is_carried_into_the_next_month(key: str, date: str | None, expected: str) -> None:
    front = "title: t" if date is None else f"title: t\ndate: {date}"
    got = parse_post(post(front), key, default_zone="UTC")
    assert got.published_at == expected
    assert not got.warnings


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        # the other forms Ruby's Time.parse reads (each checked against Ruby 3.1's)
        ("2017/8/9", "2017-08-09T00:00:00+02:00"),
        ("2017/08/09 14:15", "2017-08-09T14:15:00+02:00"),
        ("9 August 2017", "2017-08-09T00:00:00+02:00"),
        ("Aug 9th, 2017 2:15 PM", "2017-08-09T14:15:00+02:00"),
        ("Wed, 09 Aug 2017 14:15:16 +0900", "2017-08-09T14:15:16+09:00"),
        ("Wednesday, August 9, 2017 at 2:15 pm", "2017-08-09T14:15:00+02:00"),
        ("9-Aug-2017", "2017-08-09T00:00:00+02:00"),
        ("2017 Aug 9", "2017-08-09T00:00:00+02:00"),
        ("Aug 2017", "2017-08-01T00:00:00+02:00"),
        ("09.08.2017", "2017-08-09T00:00:00+02:00"),  # the last number the year: day, month
        ("9/8/2017", "2017-08-09T00:00:00+02:00"),
        ("8/9/17", "2008-09-17T00:00:00+02:00"),  # all short: year, month, day
        ("20170809", "2017-08-09T00:00:00+02:00"),
        ("14:15 2017-08-09", "2017-08-09T14:15:00+02:00"),
        ("2017-08-09 at 14:15", "2017-08-09T14:15:00+02:00"),
        ("2017/08/09 10h20", "2017-08-09T10:20:00+02:00"),
        ("2017/08/09 14:15 EST", "2017-08-09T14:15:00-05:00"),
        ("9 Aug 17", "2017-08-09T00:00:00+02:00"),
        ("12/31/2017", None),  # day 12, month 31: Ruby has no date either
    ],
)
def test_the_other_forms_rubys_time_parse_reads(date: str, expected: str | None) -> None:
    got = parse_post(post(f'title: t\ndate: "{date}"'), "posts/2020-01-01-x.md", default_zone="Europe/Berlin")
    assert got.published_at == (expected or "2020-01-01T00:00:00+01:00")
    assert bool(got.warnings) == (expected is None)


@pytest.mark.parametrize(
    "date", ["2026-03-030303030303 14:02:31", "2026-030303030303030-03", "99999999999999999999-01-01"]
)
def test_a_date_with_a_number_past_cs_int_is_no_date_not_a_crash(date: str) -> None:
    # found by the fault fuzzer: datetime() raised OverflowError, which no rejection caught
    got = parse_post(post(f'title: t\ndate: "{date}"'), "posts/2020-01-01-x.md", default_zone="UTC")
    assert got.published_at == "2020-01-01T00:00:00+00:00" and got.warnings  # the file name's date, said


@pytest.mark.parametrize(
    ("zone_name", "value", "instant"),
    [
        # Ruby 3.1's Time.parse (Jekyll's reading of a date with no offset, in its timezone) gives a
        # wall time the clock shows twice its later instant
        ("America/New_York", "2024-11-03 01:30:00", "2024-11-03T01:30:00-05:00"),
        ("America/New_York", "2024-11-03 00:59:59", "2024-11-03T00:59:59-04:00"),
        ("Europe/Berlin", "2024-10-27 02:30:00", "2024-10-27T02:30:00+01:00"),
        ("Europe/Dublin", "2024-10-27 01:30:00", "2024-10-27T01:30:00+00:00"),
        ("Australia/Lord_Howe", "2024-04-07 01:45:00", "2024-04-07T01:45:00+10:30"),
        ("America/Caracas", "2007-12-09 02:45:00", "2007-12-09T02:45:00-04:30"),
        ("America/Havana", "2023-11-05", "2023-11-05T00:00:00-05:00"),
        # and one it skips the instant at the offset before: 02:30 is 03:30 EDT
        ("America/New_York", "2024-03-10 02:30:00", "2024-03-10T03:30:00-04:00"),
        ("Asia/Pyongyang", "2018-05-04 23:45:00", "2018-05-05T00:15:00+09:00"),
    ],
)
def test_a_wall_time_shown_twice_is_its_later_instant_as_in_ruby(zone_name: str, value: str, instant: str) -> None:
    got = parse_date(value, zone_name)
    # by timestamp: Python's == never finds a time in a repeated hour equal to one of another zone
    assert got is not None and got.timestamp() == datetime.fromisoformat(instant).timestamp()


def test_a_post_dated_in_the_hour_set_back_has_jekylls_instant_and_url() -> None:
    # Jekyll 4.3.1 built it with timezone: America/New_York
    data = post('title: Fold\ndate: "2024-11-03 01:30:00"\npermalink: /:year/:month/:day/:hour/:minute/:title/')
    got = parse_post(data, "posts/2024-11-03-fold.md", default_zone="America/New_York")
    assert (
        datetime.fromisoformat(got.published_at or "").timestamp()
        == datetime.fromisoformat("2024-11-03T06:30:00Z").timestamp()
    )
    assert got.url == "/2024/11/03/01/30/fold/"
