"""Jekyll-style dates: offset or not, time or not, always returned as ISO 8601 with the offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

__all__ = ["DEFAULT_ZONE", "date_from_filename", "parse_date", "zone"]

# The zone of dates written without an offset, unless configured (POSTDROP_TIMEZONE, the
# template's DefaultTimezone): the first producer's. The Python code reads it from here.
DEFAULT_ZONE = "Asia/Shanghai"

# A date, then perhaps a time (12-hour with am/pm too), then perhaps a zone right after the time,
# as Ruby's Date._parse (Jekyll's Time.parse) finds them; text after them is ignored, as there.
_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)"
    r"(?:[Tt ]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?(?!\d)"
    r"(?:\s*+(?P<ap>[AaPp](?:[Mm]\b|\.[Mm]\.)))?"
    r"(?:\s*+(?P<tz>(?i:(?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?|[^\W\d_]+(?:\sdst\b)?)))?)?"
)
# The zones Ruby's Time.zone_offset knows by name (RFC 822's, and the military letters), in hours.
_NAMED_ZONES = {
    "UTC": 0, "Z": 0, "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    **{letter: hours for hours, letter in enumerate("ABCDEFGHIKLM", 1)},
    **{letter: -hours for hours, letter in enumerate("NOPQRSTUVWXY", 1)},
}  # fmt: skip
_NUMERIC_ZONE = re.compile(r"([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?|([+-]\d\d)")
# Jekyll's DATE_FILENAME_MATCHER: 2016-8-20-title.md too, and a year of two or three digits
_FILENAME_DATE = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-")


@cache
def zone(name: str) -> tzinfo:
    """The IANA zone ``name`` (read once per name; the tz database does not change at run time)."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - only a post without an offset needs it

    return ZoneInfo(name)


@cache
def _known_offset(name: str) -> tzinfo | None:
    """A zone Ruby's ``Time.zone_offset`` reads by itself: ``±hh[:]mm[:ss]``, ``±hh``, or a name
    it knows (``UTC``, ``EST``, ``CDT``, ...); None for any other."""
    if numeric := _NUMERIC_ZONE.fullmatch(name):
        if numeric[6]:
            return timezone(timedelta(hours=int(numeric[6])))
        sign = -1 if numeric[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(numeric[2]), minutes=int(numeric[4]), seconds=int(numeric[5] or 0)))
    hours = _NAMED_ZONES.get(name)
    if hours is None:
        return None
    return UTC if hours == 0 else timezone(timedelta(hours=hours))


def _offset(name: str, year: int, default_zone: str) -> tzinfo | None:
    """Ruby's ``Time.zone_offset`` of the zone written after a time: ``_known_offset``, else the
    default zone's own name in January or July of ``year`` (``CET``, ``CEST`` in Europe/Berlin);
    None for any other (``+8``, ``GMT+8``, ``JST`` outside Japan), which Jekyll reads as wall time
    in the site's zone."""
    name = name.upper()
    known = _known_offset(name)
    if known is not None:
        return known
    local = zone(default_zone)
    for month in (1, 7):
        probe = datetime(year, month, 1, tzinfo=local)
        if (probe.tzname() or "").upper() == name:
            return timezone(probe.utcoffset() or timedelta())
    return None


def parse_date(value: str, default_zone: str) -> datetime | None:
    """Parse a front-matter date as Jekyll's ``Time.parse`` reads ``YYYY-MM-DD[ hh:mm[:ss]]``; None
    when it holds no usable calendar date (nor does one that falls off the calendar in UTC or in
    the default zone).

    A value without an offset is wall time in ``default_zone`` (the producer's zone), and so is
    one whose zone Ruby does not know (``_offset``). A zone counts only right after a time: a
    date alone (``2023-04-14 +0800``) is midnight in the default zone; text after what is read
    (``17:44:08 CDT -0500``: ``-0500``) is ignored.
    """
    match = _DATE.match(value.strip())
    if match is None:
        return None
    g = match.groupdict()
    hour = int(g["h"] or 0)
    if g["ap"]:  # Ruby: 12 am is 0, 1 pm is 13 (and 13 pm stays 13)
        hour = hour % 12 + (12 if g["ap"][0] in "Pp" else 0)
    try:
        naive = datetime(
            int(g["y"]),
            int(g["mo"]),
            int(g["d"]),
            hour,
            int(g["mi"] or 0),
            int(g["s"] or 0),
            int((g["f"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    written = _offset(g["tz"], naive.year, default_zone) if g["tz"] else None
    aware = naive.replace(tzinfo=written or zone(default_zone))
    if written is not None and (aware.utcoffset() or timedelta()) % timedelta(minutes=1):
        aware = aware.astimezone(UTC)  # ISO 8601 (RFC 3339) offsets have no seconds: the instant in UTC
    try:  # in UTC and in the default zone (where the post's URL and the store read it) on the calendar
        aware.astimezone(UTC).astimezone(zone(default_zone))
    except OverflowError:  # 0001-01-01 east of Greenwich, 9999-12-31 west: parse_post raised on it
        return None
    return aware


def date_from_filename(filename: str, default_zone: str) -> datetime | None:
    """Jekyll's post file name date (``YYYY-MM-DD-slug.ext``, or ``YYYY-M-D-``), midnight in the
    default zone. Its ``Time.parse`` reads a year of two digits as 1969-2068 (``24-01-05-``: 2024,
    ``99-12-31-``: 1999) and one of three as written (``124-1-5-``: the year 124)."""
    match = _FILENAME_DATE.match(filename)
    if match is None:
        return None
    year, month, day = match.groups()
    if len(year) == 2:
        year = str(int(year) + (1900 if int(year) >= 69 else 2000))
    return parse_date(f"{year.zfill(4)}-{month}-{day}", default_zone)
