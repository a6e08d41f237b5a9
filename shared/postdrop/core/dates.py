"""Jekyll-style dates: offset or not, time or not, always returned as ISO 8601 with the offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

__all__ = ["DEFAULT_ZONE", "date_from_filename", "parse_date", "zone"]

# The zone of dates written without an offset, unless configured (POSTDROP_TIMEZONE, the
# template's DefaultTimezone): the first producer's. The Python code reads it from here.
DEFAULT_ZONE = "Asia/Shanghai"

_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt ]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_FILENAME_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-")  # Jekyll: 2016-8-20-title.md too


@cache
def zone(name: str) -> tzinfo:
    """The IANA zone ``name`` (read once per name; the tz database does not change at run time)."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - only a post without an offset needs it

    return ZoneInfo(name)


@cache
def _offset(tz: str) -> timezone:
    if tz in ("Z", "z"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return timezone(sign * timedelta(minutes=minutes))


def parse_date(value: str, default_zone: str) -> datetime | None:
    """Parse a front-matter date; None when it holds no usable calendar date (nor does one that falls
    off the calendar in UTC or in the default zone).

    A value without an offset is wall time in ``default_zone`` (the producer's zone).
    """
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        naive = datetime(
            int(g["y"]),
            int(g["mo"]),
            int(g["d"]),
            int(g["h"] or 0),
            int(g["mi"] or 0),
            int(g["s"] or 0),
            int((g["f"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    aware = naive.replace(tzinfo=_offset(g["tz"]) if g["tz"] else zone(default_zone))
    try:  # in UTC and in the default zone (where the post's URL and the store read it) on the calendar
        aware.astimezone(UTC).astimezone(zone(default_zone))
    except OverflowError:  # 0001-01-01 east of Greenwich, 9999-12-31 west: parse_post raised on it
        return None
    return aware


def date_from_filename(filename: str, default_zone: str) -> datetime | None:
    """Jekyll's post file name date (``YYYY-MM-DD-slug.ext``, or ``YYYY-M-D-``), midnight in the default zone."""
    match = _FILENAME_DATE.match(filename)
    return parse_date("-".join(match.groups()), default_zone) if match else None
