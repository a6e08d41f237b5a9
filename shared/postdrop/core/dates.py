"""Jekyll-style dates: offset or not, time or not, always returned as ISO 8601 with the offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any

__all__ = ["DEFAULT_ZONE", "YamlTime", "date_from_filename", "parse_date", "written_offset", "yaml_time", "zone"]

# The zone of dates written without an offset, unless configured (POSTDROP_TIMEZONE, the
# template's DefaultTimezone): the first producer's. The Python code reads it from here.
DEFAULT_ZONE = "Asia/Shanghai"

# A date, then perhaps a time (12-hour with am/pm too), then perhaps a zone right after the time,
# as Ruby's Date._parse (Jekyll's Time.parse) finds them; text after them is ignored, as there.
_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)"
    r"(?:[Tt ]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d{1,6})\d*)?)?(?!\d)"
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


# YAML's timestamp as Jekyll's loader (Psych, or SafeYAML before it) reads a plain scalar: a
# date, a time with seconds, perhaps a fraction, perhaps Z or an offset of hours (``+8``,
# ``-07``, ``+8:30``, ``+0800``); the whole scalar, nothing after it. Three digits (``+800``)
# are left out: SafeYAML reads eight hours, Psych 80, which it refuses (the text goes to
# Time.parse, as a quoted date does).
_YAML_TIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?\s*(?P<tz>Z|[-+](?:\d{1,2}(?::\d\d)?|\d{4}))?"
)


class YamlTime(str):
    """A front-matter value written as a plain (unquoted) YAML timestamp with a time of day:
    ``2015-03-01 12:00:00 +8``. Its text is what was written. Jekyll's YAML loader reads its
    offset as hours (``+8``, ``-7``, ``+8:30``), which ``Time.parse`` reads in a quoted date as
    no zone at all."""

    __slots__ = ()


def yaml_time(text: str) -> str:
    """``text``, a plain YAML scalar, as a YamlTime when YAML reads it as a timestamp with a time."""
    return YamlTime(text) if text[:1].isdigit() and _YAML_TIME.fullmatch(text) else text


def written_offset(value: YamlTime) -> str | None:
    """The zone a YamlTime writes (``Z``, ``+8``, ``-07:00``); None when it writes none."""
    match = _YAML_TIME.fullmatch(value.strip())
    return match["tz"] if match is not None else None


def _yaml_instant(text: str) -> datetime | None:
    """A YamlTime at the offset it writes (``+8``: eight hours), as Jekyll's YAML loader reads
    it; None when it writes none, or ``Z`` (which ``parse_date`` reads alike)."""
    match = _YAML_TIME.fullmatch(text.strip())
    if match is None or not match["tz"] or match["tz"] == "Z":
        return None
    wall = parse_date(text.strip()[: match.start("tz")], "UTC")
    sign, written = match["tz"][0], match["tz"][1:]
    if ":" in written or len(written) <= 2:
        hours, _, minutes = written.partition(":")
    else:  # +0800
        hours, minutes = written[:2], written[2:]
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    try:
        return wall and wall.replace(tzinfo=timezone(-offset if sign == "-" else offset))
    except ValueError:  # an offset of a day or more
        return None


# Other forms Ruby's Date._parse (under Time.parse) reads, when the value does not start with
# YYYY-MM-DD: a time anywhere (10:20, 10:20:30.5, 10h20, 10 pm, then perhaps a zone), a weekday
# (dropped), then the date: "1 March 2015", "March 1st, 2015", "2015/3/1", "1/3/2015", "1.3.2015",
# "20150301". Three numbers are year, month, day unless the last is the one with more than two
# digits (then it is the year: "1/3/2015" is March 1st); a year of two digits is 1969-2068.
_MON = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[^-\d\s']*"
_ANY_TIME = re.compile(
    r"(?:(?P<h>\d+)\s*:\s*(?P<mi>\d+)(?:\s*:\s*(?P<s>\d+)(?:[,.](?P<f>\d*))?)?"
    r"|(?P<hh>\d+)\s*h(?:\s*(?P<hmi>\d+)m?(?:\s*(?P<hs>\d+)s?)?)?)(?:\s*(?P<ap>[ap](?:m\b|\.m\.)))?"
    r"|(?P<h12>\d+)\s*(?P<ap12>[ap](?:m\b|\.m\.))",
    re.IGNORECASE,
)
_ZONE_AFTER = re.compile(r"\s*((?i:(?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?)|[^\W\d_]+(?:\sdst)?\b)")
_WEEKDAY = re.compile(r"\b(?:sun|mon|tue|wed|thu|fri|sat)[^-/\d\s]*", re.IGNORECASE)
_DAY_FORMS = (
    ("dmy", re.compile(r"'?\b(?P<d>\d+)[^-\d\s']*\s*" + _MON + r"(?:\s*(?P<y>'?-?\d+))?", re.IGNORECASE)),
    ("mdy", re.compile(r"\b" + _MON + r"\s*(?P<d>'?\d+)[^-\d\s']*(?:\s*,?\s*(?P<y>'?-?\d+))?", re.IGNORECASE)),
    ("ymd", re.compile(r"(?P<y>'?[-+]?\d+)-(?P<m>\d+)-(?P<d>'?-?\d+)")),
    ("dmy", re.compile(r"(?P<d>'?-?\d+)-" + _MON + r"-(?P<y>'?-?\d+)", re.IGNORECASE)),
    ("ymd", re.compile(r"(?P<y>'?-?\d+)/\s*(?P<m>'?\d+)(?:\D\s*(?P<d>'?-?\d+))?")),
    ("ymd", re.compile(r"(?P<y>'?-?\d+)\.\s*(?P<m>'?\d+)\.\s*(?P<d>'?-?\d+)")),
    ("ymd", re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)(?!\d)")),
)
_DIGIT = re.compile(r"\d")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBER = {name: n for n, name in enumerate(_MONTHS, 1)}


def _other_forms(value: str) -> dict[str, str | None] | None:
    """``value`` read as Ruby's Date._parse reads the forms _DATE does not: the parts _DATE's
    groups name, or None without a year, month and day."""
    text = _WEEKDAY.sub(" ", re.sub(r"[^-+',./:@\w\[\]]+", " ", value), count=1)
    parts, text = _clock(text)
    for kind, form in _DAY_FORMS:
        found = form.search(text)
        if found is None:
            continue
        names = found.groupdict()
        month = str(_MONTH_NUMBER[names["mon"].lower()]) if kind != "ymd" else names["m"]
        year, day = _year_and_day(names["y"], month, names["d"], spelled=kind != "ymd")
        if year is None or month is None or day is None:
            return None
        return {**parts, "y": year, "mo": month.lstrip("'"), "d": day}
    return None


def _clock(text: str) -> tuple[dict[str, str | None], str]:
    """The first time of day in ``text`` (and the zone right after it), as Date._parse finds it,
    and the text without them."""
    parts: dict[str, str | None] = dict.fromkeys(("h", "mi", "s", "f", "ap", "tz"))
    clock = _ANY_TIME.search(text)
    if clock is None:
        return parts, text
    parts["h"] = clock["h"] or clock["hh"] or clock["h12"]
    parts["mi"] = clock["mi"] or clock["hmi"]
    parts["s"] = clock["s"] or clock["hs"]
    parts["f"] = clock["f"] or None
    parts["ap"] = clock["ap"] or clock["ap12"]
    end = clock.end()
    if (written := _ZONE_AFTER.match(text, end)) is not None:
        parts["tz"], end = written[1], written.end()
    return parts, text[: clock.start()] + " " + text[end:]


def _year_and_day(y: str | None, m: str | None, d: str | None, *, spelled: bool) -> tuple[str | None, str | None]:
    """Ruby's s3e, for a date of three numbers (or a month by name): which is the year, which the
    day; a year of two digits written without a quote is 1969-2068."""
    if y is not None and m is not None and d is None and not spelled:
        y, m, d = d, y, m  # "3/1": month, day
    if y is None and d is not None and (d.startswith("'") or len(d.lstrip("-")) > 2):
        y, d = d, None
    if not spelled and m is not None and (m.startswith("'") or len(m) > 2):
        y, m, d = m, d, y
    if d is not None and (d.startswith("'") or len(d.lstrip("-")) > 2):
        y, d = d, y
    if y is None:
        return None, None
    d = "1" if d is None else d  # "Mar 2015": the 1st
    digits = y.lstrip("'")
    if not y.startswith("'") and len(digits.lstrip("-")) <= 2 and not digits.startswith("-"):
        digits = str(int(digits) + (1900 if int(digits) >= 69 else 2000))
    return digits.zfill(4) if not digits.startswith("-") else None, d.lstrip("'")


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

    A YamlTime (a plain YAML timestamp) with an offset is at that offset, read as Jekyll's YAML
    loader reads it (``+8`` is eight hours).
    """
    if isinstance(value, YamlTime) and (instant := _yaml_instant(value)) is not None:
        return instant
    match = _DATE.match(value.strip())
    g: dict[str, Any] | None = match.groupdict() if match is not None else _other_forms(value)
    if g is None or not g["y"] or not g["mo"] or not g["d"]:
        return None
    if match is not None and g["h"] is None and _DIGIT.search(value, match.end()):  # "2015-11-05 at 10:00"
        later, _ = _clock(re.sub(r"[^-+',./:@\w\[\]]+", " ", value[match.end() :]))
        if later["h"] is not None:
            g = {**g, **later}
    hour = int(g["h"] or 0)
    if g["ap"]:  # Ruby: 12 am is 0, 1 pm is 13 (and 13 pm stays 13)
        hour = hour % 12 + (12 if g["ap"][0] in "Pp" else 0)
    year, month, day = int(g["y"]), int(g["mo"]), int(g["d"])
    clock = (hour, int(g["mi"] or 0), int(g["s"] or 0), int((g["f"] or "0").ljust(6, "0")))
    midnight_after = clock == (24, 0, 0, 0)  # Ruby's Time.local: 24:00 is the next day's midnight
    leap = clock[2] == 60  # and a 60th second (a leap second's) the next minute's first
    if midnight_after:
        clock = (0, 0, 0, 0)
    elif leap:
        clock = (*clock[:2], 0, clock[3])
    try:
        naive = datetime(year, month, day, *clock)
    except (ValueError, OverflowError):  # OverflowError: a number past C's int (a day of 12 digits)
        if not 1 <= day <= 31 or not 1 <= month <= 12:
            return None
        try:  # Ruby's Time.local carries a day past the month's end over: 2015-09-31 is October 1st
            naive = datetime(year, month, 1, *clock) + timedelta(days=day - 1)
        except (ValueError, OverflowError):
            return None
    if midnight_after or leap:
        try:
            naive += timedelta(days=1) if midnight_after else timedelta(minutes=1)
        except OverflowError:
            return None
    written = _offset(g["tz"], naive.year, default_zone) if g["tz"] else None
    aware = naive.replace(tzinfo=written or zone(default_zone))
    if written is None and default_zone != "UTC":
        aware = _later_when_twice(aware)
    if written is not None and (aware.utcoffset() or timedelta()) % timedelta(minutes=1):
        aware = aware.astimezone(UTC)  # ISO 8601 (RFC 3339) offsets have no seconds: the instant in UTC
    try:  # in UTC and in the default zone (where the post's URL and the store read it) on the calendar
        aware.astimezone(UTC).astimezone(zone(default_zone))
    except OverflowError:  # 0001-01-01 east of Greenwich, 9999-12-31 west: parse_post raised on it
        return None
    return aware


def _later_when_twice(aware: datetime) -> datetime:
    """A wall time the zone's clock shows twice (the hour a clock is set back) at its later
    instant, as Ruby's ``Time.local`` reads it (2024-11-03 01:30 in New York is -05:00); a time
    the clock skips (set forward) stays at the offset before (zoneinfo's fold 0, and Ruby's)."""
    later = aware.replace(fold=1)
    before, after = aware.utcoffset(), later.utcoffset()
    return later if before is not None and after is not None and after < before else aware


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
