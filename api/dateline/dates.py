"""EDTF dates (levels 0 and 1), their spans, their labels, and the hints for human input.

Dateline accepts the Library of Congress Extended Date/Time Format at levels 0 and 1, in ISO
order, for the years 0001-9999:

==============================  ==============================================================
written                         meaning
==============================  ==============================================================
``2021``                        some time in 2021 (precision ``year``)
``2017-08``                     some time in August 2017 (``month``)
``2026-01-20``                  that day (``day``)
``2026-01-20T14:30+03:00``      that minute; ``T14:30:05Z`` that second. ``Z`` or an offset
                                (-12:00 to +14:00) is required, so that moments sort correctly;
                                EDTF allows no qualifier after a time
``201X`` / ``20XX``             some year of that decade / century (unspecified digits may only
                                end the year; ``1XXX-12`` or ``156X-12-25`` are level 2)
``2004-XX``, ``1985-XX-XX``     some month / day of 2004 / 1985 (``year``)
``1985-04-XX``                  some day of April 1985 (``month``)
``2026-01-17~`` ``?`` ``%``     approximate / uncertain / both, for the whole date
``A/B``                         an interval of two dates; an end may be open (``..``, unbounded)
                                or unknown (empty); EDTF allows no time of day in an interval
==============================  ==============================================================

Everything else is refused with a `DateError` whose message says why and what to write:
seasons, level-2 forms, years outside 0001-9999, impossible calendar dates, and human dates
(``20 January 2026`` -> "write 2026-01-20"). `parse_human` is the one place that turns
human input into EDTF, for the CLI, where a person types.

Spans
-----
A date covers the half-open span ``[start, end)``: ``2017-08`` is ``[2017-08-01, 2017-09-01)``.
Calendar dates give `datetime.date` bounds; a time gives aware `datetime.datetime` bounds in
UTC, one minute or one second long. An interval runs from the start of its first date's span to
the end of its last date's span; an open or unknown end is ``None``.

Two edges of the calendar cannot be written as dates, and are handled so:

* A span reaching past 9999 (``9999``, ``99XX``, ``9999-12-31``) would end on 10000-01-01,
  which no `datetime` can hold. Its end is `END_OF_TIME` (9999-12-31T23:59:59.999999 UTC),
  one microsecond short of the true end. No other span ends on a fraction of a second, so the
  value is unambiguous; ``end`` is never ``None`` for a bounded date, because ``None`` means
  open or unknown.
* ``000X`` and ``00XX`` include the year 0, which Dateline does not accept (``0000`` alone is
  refused); their spans start on 0001-01-01.

`EdtfDate.start_key` / `EdtfDate.end_key` give the bounds as ``YYYY-MM-DDTHH:MM:SS`` strings in
UTC that sort and compare correctly across dates and times (a date is its UTC midnight);
`END_OF_TIME` gives ``9999-12-31T23:59:59.999999``, which still sorts last.

Labels
------
English, day-month-year order. ``~`` reads "about ...", ``?`` adds "(uncertain)"; after the
"some ..." wordings, which "about" would garble, both become a note in brackets.

===================================  ==========================================================
written                              label
===================================  ==========================================================
``2021``                             2021
``2017-08``                          August 2017
``2026-01-20``                       20 January 2026
``2026-01-20T14:30+03:00``           20 January 2026, 14:30 UTC+03:00
``2026-01-20T14:30:05Z``             20 January 2026, 14:30:05 UTC
``2026-01-17~``                      about 17 January 2026
``2026-01-17?``                      17 January 2026 (uncertain)
``2026-01-17%``                      about 17 January 2026 (uncertain)
``199X``                             some time in the 1990s
``200X``                             some time in 2000–2009 (not "the 2000s": a century too)
``19XX``                             some time in 1900–1999
``2004-XX``                          some time in 2004
``1985-XX-XX``                       some day in 1985
``1985-04-XX``                       some day in April 1985
``199X~`` / ``199X?`` / ``199X%``    some time in the 1990s (approximate) / (uncertain) /
                                     (approximate, uncertain)
``2026-01-17/2026-01-20``            17–20 January 2026
``2026-01-30/2026-02-02``            30 January – 2 February 2026
``2025-12-30/2026-01-02``            30 December 2025 – 2 January 2026
``2017-08/2017-10``                  August–October 2017
``2017-11/2018-02``                  November 2017 – February 2018
``2017/2021``                        2017–2021
``2017/2021-03``                     2017 – March 2021 (spaced when either side has a space)
``2017~/2021``                       about 2017 – 2021
``2021/2021``                        2021 (both ends the same)
``../2006``                          until 2006
``2006/..``                          from 2006 on
``/2006``                            up to 2006 (start unknown)
``2006/``                            from 2006 (end unknown)
===================================  ==========================================================

Years are written without leading zeros (``800``).
"""

import calendar
import datetime
import functools
import re
from typing import Annotated, Final, Literal, NamedTuple

import msgspec

from dateline.diagnostics import quote

__all__ = [
    "END_OF_TIME",
    "MONTHS",
    "DateError",
    "EdtfDate",
    "Precision",
    "earliest_year",
    "parse",
    "parse_human",
]

Precision = Literal["century", "decade", "year", "month", "day", "minute", "second"]

END_OF_TIME: Final = datetime.datetime.max.replace(tzinfo=datetime.UTC)
"""The end of every span that would end on 10000-01-01 (see the module docstring)."""


class DateError(ValueError):
    """A date that Dateline does not accept.

    The message is complete and meant for the person who wrote the date; it carries no
    position, because the caller knows the file, line and column and adds them.
    """

    code = "DL301"  # see dateline.codes


class _NotEdtf(DateError):
    """The text is not EDTF-shaped at all, so a human reading of it may be what was meant."""

    code = "DL302"


# msgspec allows one date-like type per union, so `date | datetime | None` could not be
# decoded or given a JSON Schema. `datetime` is a subclass of `date`, so this annotation holds
# both for type checkers, and msgspec encodes the runtime type: "2017-08-01" for a date,
# "2026-01-20T11:30:00Z" for a moment. To rebuild an EdtfDate from JSON, parse its `edtf`.
_Bound = (
    Annotated[
        datetime.date,
        msgspec.Meta(
            description=(
                "A date (YYYY-MM-DD), or a UTC timestamp when the EDTF gives a time of day."
            )
        ),
    ]
    | None
)


class EdtfDate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A parsed date: the text as written, the span it covers, and how to say it.

    This is also the JSON shape of a date everywhere Dateline publishes one. ``start`` is
    inclusive and ``end`` exclusive; both are ``None`` where the interval is open or unknown.
    """

    edtf: str
    start: _Bound
    end: _Bound
    precision: Precision
    approximate: bool
    uncertain: bool
    label: str
    one_of: bool = False  # "[A..B]": one unknown day (month, year) in the span, not all of it

    def start_key(self) -> str | None:
        """The start as a UTC ``YYYY-MM-DDTHH:MM:SS`` string that sorts correctly; None if open."""
        return _key(self.start)

    def end_key(self) -> str | None:
        """The exclusive end, like `start_key`; None if open or unknown."""
        return _key(self.end)


def _key(bound: datetime.date | None) -> str | None:
    return None if bound is None else _sort_key(bound)


def _sort_key(bound: datetime.date) -> str:
    if isinstance(bound, datetime.datetime):
        # Moments are stored in UTC already; drop the zone so the key has no "+00:00".
        timespec = "microseconds" if bound == END_OF_TIME else "seconds"
        return bound.replace(tzinfo=None).isoformat(timespec=timespec)
    return f"{bound.isoformat()}T00:00:00"


# ---------------------------------------------------------------------------------------------
# Parsing

# ASCII only: `\d` would also accept Arabic-Indic digits, which int() reads happily.
_DATE_RE: Final = re.compile(
    r"([0-9]{4}|[0-9]{3}X|[0-9]{2}XX)"  # year, maybe with unspecified final digits
    r"(?:-([0-9]{2}|XX)"  # month
    r"(?:-([0-9]{2}|XX)"  # day
    r"(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"  # time, seconds optional
    r"(Z|[+-][0-9]{2}(?::[0-9]{2})?)?"  # zone
    r")?)?)?"
    r"([~?%])?",  # qualifier
    re.ASCII,
)
_OFFSET_RE: Final = re.compile(r"([+-])([0-9]{2})(?::([0-9]{2}))?", re.ASCII)

# Month names by number (index 0 unused), for labels here and on the site.
MONTHS: Final = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_COARSENESS: Final[dict[str, int]] = {
    "century": 0,
    "decade": 1,
    "year": 2,
    "month": 3,
    "day": 4,
    "minute": 5,
    "second": 6,
}
_ONE_DAY: Final = datetime.timedelta(days=1)
_EXAMPLES: Final = "write an EDTF date such as 2026-01-20, 2017-08 or 2021"
_X_RULE: Final = (
    "X may replace only the last digits: of a year standing alone (201X, 20XX), of the day "
    "(1985-04-XX), or of the month and day (2004-XX, 1985-XX-XX)"
)


class _Part(NamedTuple):
    """One date of the text (the whole of it, or one end of an interval)."""

    start: datetime.date
    end: datetime.date
    precision: Precision
    approximate: bool
    uncertain: bool
    label: str
    timed: bool
    # Set only for an unqualified calendar date (no X, no time), whose label a range may merge.
    ymd: tuple[int, int, int] | None


@functools.lru_cache(maxsize=1 << 16)
def parse(text: str) -> EdtfDate:
    """Parse EDTF text into an `EdtfDate`, or raise `DateError` saying what to write instead.

    Cached, because a dataset repeats the same few thousand dates many times over.
    """
    edtf = text.strip()
    if not edtf:
        raise DateError(f"the date is empty; {_EXAMPLES}")
    if edtf.startswith("[") and edtf.endswith("]"):
        return _one_of(edtf)
    if "/" in edtf:
        return _interval(edtf)
    part = _single(edtf)
    return EdtfDate(
        edtf=edtf,
        start=part.start,
        end=part.end,
        precision=part.precision,
        approximate=part.approximate,
        uncertain=part.uncertain,
        label=part.label,
    )


# Long junk would drown the message; the caller's position points at the full value.
_quote: Final = functools.partial(quote, mark='"')


def _single(text: str) -> _Part:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise _explain(text)
    year, month, day, hour = match.group(1, 2, 3, 4)
    qualifier: str | None = match[8]
    if year[3] == "X":
        if month is not None:
            raise DateError(
                f"{_quote(text)} is EDTF level 2, which Dateline accepts only as [A..B]; {_X_RULE}"
            )
        return _unspecified_year(year, qualifier)
    number = _year(text, year)
    if hour is not None:  # the pattern only allows a time after a day
        if "X" in month + day:
            raise DateError(f"{_quote(text)}: a time needs a complete date, not X digits")
        return _timed(text, match, number)
    if month is None:
        return _calendar(number, 0, 0, qualifier)
    if month == "XX":
        return _unspecified_month(text, number, day, qualifier)
    month_number = _month(text, number, month)
    if day == "XX":
        start, end = _month_span(number, month_number)
        return _vague(
            start, end, "month", f"some day in {MONTHS[month_number]} {number}", qualifier
        )
    day_number = 0 if day is None else _day(text, number, month_number, day)
    return _calendar(number, month_number, day_number, qualifier)


def _flags(qualifier: str | None) -> tuple[bool, bool]:
    """(approximate, uncertain) for a qualifier, where % means both."""
    return qualifier in ("~", "%"), qualifier in ("?", "%")


def _calendar(year: int, month: int, day: int, qualifier: str | None) -> _Part:
    """A plain year, month or day; month and day are 0 where not given."""
    precision: Precision
    if day:
        start = datetime.date(year, month, day)
        end = start + _ONE_DAY if start != datetime.date.max else END_OF_TIME
        core, precision = _day_words(start), "day"
    elif month:
        start, end = _month_span(year, month)
        core, precision = f"{MONTHS[month]} {year}", "month"
    else:
        start, end = _year_span(year, 1)
        core, precision = str(year), "year"
    approximate, uncertain = _flags(qualifier)
    label = _qualified(core, approximate, uncertain, vague=False)
    ymd = (year, month, day) if qualifier is None else None
    return _Part(start, end, precision, approximate, uncertain, label, False, ymd)


def _vague(
    start: datetime.date,
    end: datetime.date,
    precision: Precision,
    core: str,
    qualifier: str | None,
) -> _Part:
    """A date with unspecified digits, whose label is a "some ..." wording."""
    approximate, uncertain = _flags(qualifier)
    label = _qualified(core, approximate, uncertain, vague=True)
    return _Part(start, end, precision, approximate, uncertain, label, False, None)


def _year(text: str, digits: str) -> int:
    number = int(digits)
    if number == 0:
        raise DateError(
            f"{_quote(text)}: the year 0000 is not supported; Dateline accepts years 0001-9999"
        )
    return number


def _year_span(first: int, count: int) -> tuple[datetime.date, datetime.date]:
    # 000X and 00XX include the year 0, which `date` cannot hold: start at 0001 instead.
    start = datetime.date(max(first, 1), 1, 1)
    after = first + count
    return start, (datetime.date(after, 1, 1) if after <= 9999 else END_OF_TIME)


def _month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    if month < 12:
        return start, datetime.date(year, month + 1, 1)
    return start, (datetime.date(year + 1, 1, 1) if year < 9999 else END_OF_TIME)


def _unspecified_year(digits: str, qualifier: str | None) -> _Part:
    if digits[2] == "X":
        first = int(digits[:2]) * 100
        start, end = _year_span(first, 100)
        return _vague(start, end, "century", f"some time in {start.year}–{first + 99}", qualifier)
    first = int(digits[:3]) * 10
    start, end = _year_span(first, 10)
    # "the 1900s" would also name a century, so decades that open a century use a range.
    if first % 100 and first >= 1000:
        core = f"some time in the {first}s"
    else:
        core = f"some time in {start.year}–{first + 9}"
    return _vague(start, end, "decade", core, qualifier)


def _unspecified_month(text: str, year: int, day: str | None, qualifier: str | None) -> _Part:
    if day is None:
        core = f"some time in {year}"
    elif day == "XX":
        core = f"some day in {year}"
    else:
        raise DateError(
            f"{_quote(text)} is EDTF level 2, which Dateline accepts only as [A..B]; {_X_RULE}"
        )
    start, end = _year_span(year, 1)
    return _vague(start, end, "year", core, qualifier)


# Level-1 seasons (21-24) and level-2 ones (25-41), with the months each covers, so that the
# refusal can suggest the interval that says the same thing.
_SEASONS: Final[dict[int, tuple[str, int, int]]] = {
    21: ("spring", 3, 5),
    22: ("summer", 6, 8),
    23: ("autumn", 9, 11),
    24: ("winter", 12, 2),
    25: ("spring, Northern Hemisphere", 3, 5),
    26: ("summer, Northern Hemisphere", 6, 8),
    27: ("autumn, Northern Hemisphere", 9, 11),
    28: ("winter, Northern Hemisphere", 12, 2),
    29: ("spring, Southern Hemisphere", 9, 11),
    30: ("summer, Southern Hemisphere", 12, 2),
    31: ("autumn, Southern Hemisphere", 3, 5),
    32: ("winter, Southern Hemisphere", 6, 8),
    33: ("first quarter", 1, 3),
    34: ("second quarter", 4, 6),
    35: ("third quarter", 7, 9),
    36: ("fourth quarter", 10, 12),
    37: ("first quadrimester", 1, 4),
    38: ("second quadrimester", 5, 8),
    39: ("third quadrimester", 9, 12),
    40: ("first semester", 1, 6),
    41: ("second semester", 7, 12),
}


def _month(text: str, year: int, digits: str) -> int:
    month = int(digits)
    if 1 <= month <= 12:
        return month
    if month not in _SEASONS:
        raise DateError(f"{_quote(text)} is not a valid date: months run from 01 to 12")
    name, first, last = _SEASONS[month]
    end_year = year + 1 if last < first else year
    example = f"{year:04d}-{first:02d}/{end_year:04d}-{last:02d}"
    if end_year > 9999:
        example = f"{year:04d}-{first:02d}"
    level = "" if month <= 24 else ", EDTF level 2"
    raise DateError(
        f"{_quote(text)} is a season ({name}{level}); seasons are not supported; "
        f"write a month or an interval such as {example}"
    )


def _day(text: str, year: int, month: int, digits: str) -> int:
    day = int(digits)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateError(
            f"{_quote(text)} is not a valid date: {MONTHS[month]} {year} has {last} days"
        )
    return day


def _day_words(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def _timed(text: str, match: re.Match[str], year: int) -> _Part:
    _, month, day, hour, minute, second, zone, qualifier = match.groups()
    month_number = _month(text, year, month)
    date = datetime.date(year, month_number, _day(text, year, month_number, day))
    if qualifier is not None:
        date_only = f"{year:04d}-{month}-{day}"
        raise DateError(
            f"{_quote(text)}: EDTF allows no qualifier after a time; qualify the day "
            f"instead ({date_only}{qualifier}) or leave the qualifier out"
        )
    if zone is None:
        raise DateError(
            f"{_quote(text)} has a time but no time zone; add Z for UTC or an offset such "
            f"as +03:00 ({text}Z or {text}+03:00)"
        )
    h, m, s = int(hour), int(minute), int(second or 0)
    if h > 23 or m > 59 or s > 59:
        raise DateError(
            f"{_quote(text)} is not a valid time: hours run from 00 to 23, minutes and "
            "seconds from 00 to 59"
        )
    tz, zone_words = _zone(text, zone)
    local = datetime.datetime.combine(date, datetime.time(h, m, s), tzinfo=tz)
    try:
        start = local.astimezone(datetime.UTC)
    except OverflowError:
        raise DateError(f"{_quote(text)} falls outside the years 0001-9999 in UTC") from None
    step = datetime.timedelta(minutes=1) if second is None else datetime.timedelta(seconds=1)
    end = start + step if start < END_OF_TIME - step else END_OF_TIME
    clock = f"{hour}:{minute}" if second is None else f"{hour}:{minute}:{second}"
    label = f"{_day_words(date)}, {clock} {zone_words}"
    precision: Precision = "minute" if second is None else "second"
    return _Part(start, end, precision, False, False, label, True, None)


def _zone(text: str, zone: str) -> tuple[datetime.tzinfo, str]:
    if zone == "Z":
        return datetime.UTC, "UTC"
    match = _OFFSET_RE.fullmatch(zone)
    assert match is not None  # _DATE_RE only lets through Z or this shape
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    offset = datetime.timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or offset > datetime.timedelta(hours=14 if sign == "+" else 12):
        raise DateError(
            f"{_quote(text)} has an impossible UTC offset; offsets run from -12:00 to +14:00"
        )
    words = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return datetime.timezone(-offset if sign == "-" else offset), words


def _qualified(core: str, approximate: bool, uncertain: bool, *, vague: bool) -> str:
    if vague:
        # "about some time in the 1990s" garbles; a note in brackets does not.
        notes = [
            word for word, on in (("approximate", approximate), ("uncertain", uncertain)) if on
        ]
        return f"{core} ({', '.join(notes)})" if notes else core
    if approximate:
        core = f"about {core}"
    return f"{core} (uncertain)" if uncertain else core


# ---------------------------------------------------------------------------------------------
# Intervals


def _interval(text: str) -> EdtfDate:
    try:
        return _strict_interval(text)
    except DateError as error:
        # 20/01/2026 is a day, not an interval: say so rather than fault its "ends".
        if not isinstance(error, _NotEdtf) and text.count("/") == 1:
            raise
        try:
            readings = _human_readings(text)
        except DateError as human:
            raise _NotEdtf(str(human)) from None
        if readings:
            raise _NotEdtf(_human_hint(text)) from None
        raise


def _strict_interval(text: str) -> EdtfDate:
    if text.count("/") > 1:
        raise DateError(
            f'{_quote(text)} has more than one "/"; an interval is START/END, e.g. 2017-08/2017-10'
        )
    left, right = text.split("/")
    if left in ("", "..") and right in ("", ".."):
        raise DateError(
            f"{_quote(text)} has no date at either end; an interval needs at least one, "
            "e.g. 2006/.. (from 2006 on) or ../2006 (until 2006)"
        )
    first = _interval_end(text, left)
    last = _interval_end(text, right)
    if first is not None and last is not None and _sort_key(first.start) >= _sort_key(last.end):
        raise DateError(f"{_quote(text)} starts after it ends; write the earlier date first")
    known = [part for part in (first, last) if part is not None]
    return EdtfDate(
        edtf=text,
        start=first.start if first is not None else None,
        end=last.end if last is not None else None,
        precision=min((part.precision for part in known), key=_COARSENESS.__getitem__),
        approximate=any(part.approximate for part in known),
        uncertain=any(part.uncertain for part in known),
        label=_interval_label(first, last, left, right),
    )


def _interval_end(text: str, end: str) -> _Part | None:
    if end in ("", ".."):
        return None
    if end != end.strip():
        raise DateError(f'{_quote(text)}: remove the spaces around "/"')
    part = _single(end)
    if part.timed:
        days = "/".join(side.partition("T")[0] for side in text.split("/"))
        raise DateError(
            f"{_quote(text)}: EDTF allows no time of day in an interval; write the days "
            f"({days}), or give the moment that matters as the date"
        )
    return part


def _interval_label(first: _Part | None, last: _Part | None, left: str, right: str) -> str:
    if first is None:
        assert last is not None  # _interval refuses an interval with no date
        return f"until {last.label}" if left == ".." else f"up to {last.label} (start unknown)"
    if last is None:
        return f"from {first.label} on" if right == ".." else f"from {first.label} (end unknown)"
    if first.label == last.label:
        return first.label
    if first.ymd is not None and last.ymd is not None:
        merged = _merged_range(first.ymd, last.ymd)
        if merged is not None:
            return merged
    spaced = " " in first.label or " " in last.label
    return f"{first.label}{' – ' if spaced else '–'}{last.label}"


def _merged_range(first: tuple[int, int, int], last: tuple[int, int, int]) -> str | None:
    """Say a range of two plain dates of one precision the way people write it."""
    (y1, m1, d1), (y2, m2, d2) = first, last
    if (m1 == 0) != (m2 == 0) or (d1 == 0) != (d2 == 0) or m1 == 0:
        return None  # mixed precisions, or years (which the generic "2017–2021" covers)
    if d1 == 0:
        return f"{MONTHS[m1]}–{MONTHS[m2]} {y1}" if y1 == y2 else None
    if y1 != y2:
        return None
    if m1 == m2:
        return f"{d1}–{d2} {MONTHS[m1]} {y1}"
    return f"{d1} {MONTHS[m1]} – {d2} {MONTHS[m2]} {y1}"


# ---------------------------------------------------------------------------------------------
# One of a range (the one EDTF level 2 form accepted)

_ONE_OF_RE: Final = re.compile(r"\[([^\[\],.]+)\.\.([^\[\],.]+)\]", re.ASCII)


def _set_refusal(text: str) -> str:
    return (
        f"{_quote(text)} is EDTF level 2, which Dateline accepts in one form only: a range of "
        "which one day is meant, such as [2026-01-17..2026-01-22] (some day between 17 and "
        "22 January 2026); otherwise write one date, or an interval such as 1667/1668 for "
        "something that lasted"
    )


_ONE_OF_WORD: Final = {"day": "some day", "month": "some month", "year": "some year"}


def _one_of(text: str) -> EdtfDate:
    """``[A..B]``: EDTF level 2 "one of a set", for a contiguous range: a single day (month,
    year) that is not known, somewhere from A to B. Its span is A's start to B's end, as an
    interval's is, but it did not last: ``one_of`` says so, and so does its label."""
    q = _quote(text)
    match = _ONE_OF_RE.fullmatch(text)
    if match is None:
        raise DateError(_set_refusal(text))
    ends = []
    for written in match.groups():
        if written != written.strip():
            raise DateError(f'{q}: remove the spaces around ".."')
        part = _single(written)
        if part.timed or part.ymd is None or part.precision not in _ONE_OF_WORD:
            raise DateError(
                f"{q}: each end of a range must be a plain year, month or day, with no time, "
                "X digits or ~ ? % qualifier, e.g. [2026-01-17..2026-01-22]"
            )
        ends.append(part)
    first, last = ends
    if first.precision != last.precision:
        raise DateError(
            f"{q}: write both ends to the same precision, e.g. [2026-01-17..2026-01-22] or "
            "[2017-08..2017-10]"
        )
    if _sort_key(first.start) >= _sort_key(last.start):
        if first.start == last.start:
            raise DateError(f"{q} is a range of one; write the date itself, {match[1]}")
        raise DateError(f"{q} starts after it ends; write the earlier date first")
    assert first.ymd is not None
    assert last.ymd is not None
    return EdtfDate(
        edtf=text,
        start=first.start,
        end=last.end,
        precision=first.precision,
        approximate=False,
        uncertain=False,
        label=f"{_ONE_OF_WORD[first.precision]} between {_between(first.ymd, last.ymd)}",
        one_of=True,
    )


def _between(first: tuple[int, int, int], last: tuple[int, int, int]) -> str:
    """Two plain dates of one precision as "A and B", sharing what they share."""
    (y1, m1, d1), (y2, m2, d2) = first, last
    if not m1:
        return f"{y1} and {y2}"
    if not d1:
        return (
            f"{MONTHS[m1]} and {MONTHS[m2]} {y1}"
            if y1 == y2
            else (f"{MONTHS[m1]} {y1} and {MONTHS[m2]} {y2}")
        )
    if y1 != y2:
        return f"{d1} {MONTHS[m1]} {y1} and {d2} {MONTHS[m2]} {y2}"
    if m1 != m2:
        return f"{d1} {MONTHS[m1]} and {d2} {MONTHS[m2]} {y1}"
    return f"{d1} and {d2} {MONTHS[m1]} {y1}"


def earliest_year(d: EdtfDate) -> int | None:
    """The year of the earliest known bound, as written; None if no end is known.

    This is the year an event's id and folder must begin with, so it is read from the text:
    ``2026-01-01T01:00+03:00`` is 2026 even though it starts on 31 December 2025 in UTC, and
    ``../2006`` is 2006. Unspecified digits count as 0 (``201X`` is 2010), except that ``000X``
    and ``00XX`` give 1, the first year there is.
    """
    for end in d.edtf.strip("[]").replace("..", "/").split("/") if d.one_of else d.edtf.split("/"):
        if end not in ("", ".."):
            return max(int(end[:4].replace("X", "0")), 1)
    return None


# ---------------------------------------------------------------------------------------------
# Explaining refusals: only reached when the text is not a level 0/1 date, so speed is no object.

_LONG_YEAR_RE: Final = re.compile(r"Y(-?)[0-9]+", re.ASCII)
_SIGNIFICANT_RE: Final = re.compile(r".*[0-9X]S[0-9]+[~?%]?", re.ASCII)
_FRACTION_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+[.,][0-9]", re.ASCII)
_TIMED_RE: Final = re.compile(r"[0-9X]{4}(-[0-9X]{2}){0,2}T", re.ASCII)


def _explain(text: str) -> DateError:
    for explain in (_explain_level2, _explain_range, _explain_digits, _explain_time):
        message = explain(text)
        if message is not None:
            return DateError(message)
    if re.fullmatch(r"[0-9]{5,}[~?%]?", text) and not _human_readings(text):
        # Not 20260120 (a basic-format date, which the human hint rewrites) but a long year.
        return DateError(_out_of_range(text, "after 9999"))
    try:
        return _NotEdtf(_human_hint(text))
    except DateError as error:  # a human date, but one that lacks something (a year, say)
        return _NotEdtf(str(error))


def _explain_level2(text: str) -> str | None:
    q = _quote(text)
    refused = f"{q} is EDTF level 2, which Dateline accepts only as [A..B]"
    if text[0] in "[{":
        return _set_refusal(text)
    if _LONG_YEAR_RE.fullmatch(text) is None and text.startswith("Y") and "E" in text:
        return f"{refused}: it has an exponent; write a year from 0001 to 9999"
    if _SIGNIFICANT_RE.fullmatch(text):
        return (
            f"{refused}: it gives significant digits; write the year alone, or its decade or "
            "century with X (195X, 19XX)"
        )
    qualifiers = [i for i, char in enumerate(text) if char in "~?%"]
    bare = "".join(char for char in text if char not in "~?%")
    if qualifiers and qualifiers != [len(text) - 1] and _DATE_RE.fullmatch(bare):
        return f"{refused}: it qualifies part of the date; {_whole_qualifier(text)}"
    if "X" in text and _DATE_RE.fullmatch(text.replace("X", "0")):
        return f"{refused}; {_X_RULE}"
    return None


def _whole_qualifier(text: str) -> str:
    approximate = any(char in "~%" for char in text)
    uncertain = any(char in "?%" for char in text)
    mark = "%" if approximate and uncertain else "~" if approximate else "?"
    suggestion = "".join(char for char in text if char not in "~?%") + mark
    try:
        _single(suggestion)
    except DateError:
        return "put one qualifier at the end, for the whole date, e.g. 2004-06-11?"
    return f"put one qualifier at the end, for the whole date: {suggestion}"


def _explain_range(text: str) -> str | None:
    q = _quote(text)
    long_year = _LONG_YEAR_RE.fullmatch(text)
    if text.startswith("-") or (long_year is not None and long_year.group(1)):
        return _out_of_range(text, "before 0001")
    if long_year is not None:
        return _out_of_range(text, "after 9999")
    if text == "..":
        return f'{q} alone is not a date; ".." is the open end of an interval, as in 2006/..'
    return None


def _out_of_range(text: str, where: str) -> str:
    return f"{_quote(text)}: years {where} are not supported; Dateline accepts years 0001-9999"


def _explain_digits(text: str) -> str | None:
    if "x" in text:
        capital = text.replace("x", "X")
        try:
            _single(capital)
        except DateError:
            return None
        return f"{_quote(text)}: write unspecified digits as a capital X: {capital}"
    return None


def _explain_time(text: str) -> str | None:
    if _TIMED_RE.match(text) is None:
        return None
    q = _quote(text)
    if _FRACTION_RE.match(text):
        return f"{q}: fractions of a second are not supported; give the time to the second"
    if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T", text) is None:
        return f"{q}: a time needs a complete date (YYYY-MM-DDTHH:MM)"
    return (
        f"{q} has a time Dateline cannot read; write THH:MM or THH:MM:SS and then Z or an "
        "offset, e.g. 2026-01-20T14:30+03:00"
    )


# ---------------------------------------------------------------------------------------------
# Human dates

# Two defaults that differ in every field: a field that comes out the same under both was
# written by the person; one that differs was filled in by dateutil.
_DEFAULTS: Final = (
    datetime.datetime(2000, 1, 1, 0, 0, 0),
    datetime.datetime(2004, 2, 2, 1, 1, 1),
)


class _Reading(NamedTuple):
    edtf: str
    zoned: bool  # False when a time was given without a zone


def _human_hint(text: str) -> str:
    q = _quote(text)
    readings = _human_readings(text)
    if not readings:
        return f"{q} is not a date Dateline can read; {_EXAMPLES}"
    if len(readings) > 1:
        both = " or ".join(reading.edtf for reading in readings)
        return f"{q} is not an ISO date, and could mean either of two days; write {both}"
    reading = readings[0]
    if not reading.zoned:
        return (
            f"{q} is not an ISO date; write {reading.edtf}Z if the time is UTC, or add its "
            f"offset, e.g. {reading.edtf}+03:00"
        )
    return f"{q} is not an ISO date; write {reading.edtf}"


def _human_readings(text: str) -> list[_Reading]:
    """The EDTF strings a human date can mean: none, one, or (day and month unclear) two."""
    if len(text) > 100:
        return []
    # A leading year fixes the order as year-month-day; only otherwise can 01/02 go both ways.
    orders = (False,) if re.match(r"\s*[0-9]{3,4}\b", text) else (False, True)
    readings: list[_Reading] = []
    for dayfirst in orders:
        reading = _human_reading(text, dayfirst)
        if reading is not None and reading not in readings:
            readings.append(reading)
    return sorted(readings)


def _human_reading(text: str, dayfirst: bool) -> _Reading | None:
    # Imported here: it is a quarter of the command line's start, and only a date that is not
    # EDTF needs it.
    from dateutil import parser as dateutil_parser

    q = _quote(text)
    try:
        a, b = (
            dateutil_parser.parse(text, default=default, dayfirst=dayfirst, tzinfos=_tzinfo)
            for default in _DEFAULTS
        )
    except _NamedZone as zone:
        raise DateError(
            f'{q}: the time zone "{zone}" could mean more than one offset, or none; write Z '
            "for UTC or an offset such as +03:00"
        ) from None
    except (ValueError, OverflowError):
        return None
    if a.year != b.year:
        raise DateError(f"{q} has no year; Dateline needs at least a year, e.g. 2026-01-20")
    # dateutil reads 26 as 2026, a guess. (It reads other scripts' digits too, like ٢٠٢١.)
    if str(a.year) not in re.sub(r"\d", lambda digit: str(int(digit[0])), text):
        raise DateError(f"{q}: write the year in full, e.g. 2026 rather than 26")
    if a.month != b.month:
        # A day or a time with no month is no date; a year alone is.
        known = a.day == b.day or a.hour == b.hour
        return None if known else _Reading(f"{a.year:04d}", True)
    edtf = f"{a.year:04d}-{a.month:02d}"
    if a.day != b.day:
        return None if a.hour == b.hour else _Reading(edtf, True)
    edtf += f"-{a.day:02d}"
    if a.hour != b.hour:
        return _Reading(edtf, True)
    if a.microsecond:
        raise DateError(f"{q}: fractions of a second are not supported")
    edtf += f"T{a.hour:02d}:{a.minute:02d}"
    if a.second == b.second:
        edtf += f":{a.second:02d}"
    offset = a.utcoffset()
    if offset is None:
        return _Reading(edtf, False)
    return _Reading(edtf + _offset_text(offset), True)


def _offset_text(offset: datetime.timedelta) -> str:
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


class _NamedZone(Exception):
    """A zone name such as BST: not a ValueError, so that dateutil's failures stay apart."""


def _tzinfo(name: str | None, offset: int | None) -> datetime.tzinfo | None:
    """Resolve a zone dateutil found, refusing names (BST, EST) whose offset is a guess."""
    if offset is not None:
        return datetime.timezone(datetime.timedelta(seconds=offset))
    if name is None:
        return None
    raise _NamedZone(name)


def parse_human(text: str) -> str:
    """Turn a date a person typed (``20 January 2026``, ``Aug 2017``) into EDTF.

    The result keeps the precision the person gave: ``Aug 2017`` is ``2017-08``. EDTF passes
    through unchanged. Raises `DateError` for input with no year, a time with no zone, a
    day and month that could be read either way round, or nothing recognisable.
    """
    stripped = text.strip()
    try:
        parse(stripped)
    except _NotEdtf as error:
        return _from_human(stripped, error)
    return stripped


def _from_human(text: str, error: DateError) -> str:
    readings = _human_readings(text)
    if not readings:
        raise error
    q = _quote(text)
    if len(readings) > 1:
        both = " or ".join(reading.edtf for reading in readings)
        raise DateError(
            f"{q} could mean either of two days ({both}); write it with the month as a word, "
            "e.g. 2 January 2026, or as YYYY-MM-DD"
        )
    reading = readings[0]
    if not reading.zoned:
        raise DateError(
            f"{q} gives a time but no time zone; add Z for UTC or an offset such as +03:00"
        )
    parse(reading.edtf)  # a reading can still be refused, e.g. a UTC offset out of range
    return reading.edtf
