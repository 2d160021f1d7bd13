"""Dates as people say them, turned into the EDTF a careful editor would write.

:func:`readings` gives every EDTF date a phrase may mean, each with its label. One reading is
written as it is; several are a choice the person makes (``dateline new`` asks on a terminal
and refuses without one), never a silent guess:

=================================  ============================================================
phrase                             readings
=================================  ============================================================
``20 January 2026``, ``Aug 2017``  ``2026-01-20``, ``2017-08`` (python-dateutil reads them)
``January 2026?``                  ``2026-01?`` (uncertain)
``c. 2017``, ``circa``, ``about``  ``2017~`` (approximate)
``3 days before 23 January 2026``  ``2026-01-20`` (also ``after``, weeks)
``17 to 22 January 2026``          ``2026-01-17/2026-01-22`` (lasted) or
                                   ``[2026-01-17..2026-01-22]`` (one day of them)
``20-22 January 2026``             the same (not a two-digit year)
``Aug–Oct 2017``, ``2017-2021``    an interval of months or years, or one of them
``mid-January 2026``               ``2026-01-15~``, ``2026-01-11/2026-01-20`` or
                                   ``[2026-01-11..2026-01-20]`` (early: 1-10, late: 21-end)
``early 2026``                     ``2026-01/2026-04`` or ``[2026-01..2026-04]`` (mid: May to
                                   August, late: September to December)
``Monday 20 January 2026``         refused: that day was a Tuesday
=================================  ============================================================
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import NamedTuple

from dateline import dates


class Reading(NamedTuple):
    """One thing a phrase may mean: the EDTF, its label, and what kind of date it is."""

    edtf: str
    label: str
    meaning: str  # "something that lasted", "one unknown day of the range", ...


def _reading(edtf: str, meaning: str = "") -> Reading:
    return Reading(edtf, dates.parse(edtf).label, meaning)


_MONTHS = {name.lower(): n for n, name in enumerate(dates.MONTHS) if name}
_MONTHS |= {name[:3].lower(): n for name, n in list(_MONTHS.items())}
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*(?:-|–|—|to|until|till)\s*"
_WEEKDAYS = [name.lower() for name in calendar.day_name]
_CIRCA = re.compile(r"^(?:c\.|ca\.|circa|about|around|approximately)\s*(.+)$", re.IGNORECASE)
_UNCERTAIN = re.compile(r"^(.+?)\s*\?$")
_SHIFT = re.compile(r"^(\d+)\s+(day|days|week|weeks)\s+(before|after)\s+(.+)$", re.IGNORECASE)
_DAY_RANGE = re.compile(rf"^(\d{{1,2}}){_DASH}(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})$", re.IGNORECASE)
_MONTH_RANGE = re.compile(rf"^{_MONTH}{_DASH}{_MONTH}\s+(\d{{4}})$", re.IGNORECASE)
_YEAR_RANGE = re.compile(rf"^(\d{{4}}){_DASH}(\d{{4}})$", re.IGNORECASE)
_PART_OF_MONTH = re.compile(rf"^(early|mid|late)[-\s]+{_MONTH}\s+(\d{{4}})$", re.IGNORECASE)
_PART_OF_YEAR = re.compile(r"^(early|mid|late)[-\s]+(\d{4})$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(" + "|".join(_WEEKDAYS) + r"),?\s+(.+)$", re.IGNORECASE)


def readings(text: str) -> list[Reading]:
    """Every EDTF date ``text`` may mean; raises `dates.DateError` when it means none."""
    phrase = " ".join(text.split())
    try:
        dates.parse(phrase)
    except dates.DateError:
        pass
    else:
        return [_reading(phrase)]  # EDTF already
    for read in (_weekday, _circa, _uncertain, _shift, _ranges, _parts):
        found = read(phrase)
        if found is not None:
            return found
    return [_reading(dates.parse_human(phrase))]


def _weekday(phrase: str) -> list[Reading] | None:
    match = _WEEKDAY.match(phrase)
    if match is None:
        return None
    found = readings(match[2])
    day = dates.parse(found[0].edtf)
    if len(found) != 1 or day.precision != "day" or day.start is None:
        raise dates.DateError(
            f"{match[1]} is a weekday; give it with a day, as in Monday 19 January 2026"
        )
    actual = calendar.day_name[day.start.weekday()]
    if actual.lower() != match[1].lower():
        raise dates.DateError(
            f"{day.label} was a {actual}, not a {match[1].capitalize()}; check the date"
        )
    return found


def _circa(phrase: str) -> list[Reading] | None:
    return _marked(_CIRCA.match(phrase), "~")


def _uncertain(phrase: str) -> list[Reading] | None:
    return _marked(_UNCERTAIN.match(phrase), "?")


def _marked(match: re.Match[str] | None, mark: str) -> list[Reading] | None:
    """The readings of the phrase a qualifying word or mark surrounds, qualified by it."""
    if match is None:
        return None
    return [_qualified(reading, mark) for reading in readings(match[1])]


def _qualified(reading: Reading, mark: str) -> Reading:
    if "/" in reading.edtf or reading.edtf.startswith("["):
        raise dates.DateError(
            f"qualify a single date ({reading.edtf} is a range); write ~ or ? after one date"
        )
    edtf = reading.edtf.rstrip("~?%")
    both = {"~", "?"} == {mark, reading.edtf[-1:]} or reading.edtf.endswith("%")
    return _reading(edtf + ("%" if both else mark))


def _shift(phrase: str) -> list[Reading] | None:
    match = _SHIFT.match(phrase)
    if match is None:
        return None
    found = readings(match[4])
    day = dates.parse(found[0].edtf)
    if len(found) != 1 or day.precision != "day" or day.start is None or day.approximate:
        raise dates.DateError("count days from a single day, as in 3 days before 23 January 2026")
    count = int(match[1]) * (7 if match[2].lower().startswith("week") else 1)
    sign = -1 if match[3].lower() == "before" else 1
    return [_reading((day.start + datetime.timedelta(days=sign * count)).isoformat())]


def _range(first: str, last: str) -> list[Reading]:
    """Two dates as the two things they may mean: lasted, or one unknown day of them."""
    return [
        _reading(f"{first}/{last}", "something that lasted the whole range"),
        _reading(f"[{first}..{last}]", "one unknown day (month, year) of the range"),
    ]


def _ranges(phrase: str) -> list[Reading] | None:
    day = _DAY_RANGE.match(phrase)
    if day is not None:
        month, year = _MONTHS[day[3].lower()], int(day[4])
        return _range(
            f"{year:04d}-{month:02d}-{int(day[1]):02d}", f"{year:04d}-{month:02d}-{int(day[2]):02d}"
        )
    months = _MONTH_RANGE.match(phrase)
    if months is not None:
        year = int(months[3])
        first, last = _MONTHS[months[1].lower()], _MONTHS[months[2].lower()]
        return _range(f"{year:04d}-{first:02d}", f"{year:04d}-{last:02d}")
    years = _YEAR_RANGE.match(phrase)
    if years is not None:
        return _range(years[1], years[2])
    return None


_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


def _parts(phrase: str) -> list[Reading] | None:
    month = _PART_OF_MONTH.match(phrase)
    if month is not None:
        part, number, year = month[1].lower(), _MONTHS[month[2].lower()], int(month[3])
        low, high = _PART_DAYS[part]
        high = min(high, calendar.monthrange(year, number)[1])
        prefix = f"{year:04d}-{number:02d}"
        found = (
            [_reading(f"{prefix}-15~", "about the middle of the month")] if part == "mid" else []
        )
        return found + _range(f"{prefix}-{low:02d}", f"{prefix}-{high:02d}")
    whole = _PART_OF_YEAR.match(phrase)
    if whole is not None:
        low, high = _PART_MONTHS[whole[1].lower()]
        return _range(f"{int(whole[2]):04d}-{low:02d}", f"{int(whole[2]):04d}-{high:02d}")
    return None


def one(text: str) -> str:
    """The EDTF of a phrase that has one reading; `dates.DateError` listing the choices when
    it has several."""
    found = readings(text)
    if len(found) == 1:
        return found[0].edtf
    choices = "; ".join(f"{r.edtf} ({r.label}: {r.meaning})" for r in found)
    raise dates.DateError(
        f"{text.strip()!r} could mean more than one date; write the one you mean: {choices}"
    )
