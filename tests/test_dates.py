"""Dates: every accepted form with its span and label, and every refusal with its message."""

import datetime
import subprocess
import sys

import msgspec
import pytest

from dateline import resources
from dateline.dates import (
    END_OF_TIME,
    DateError,
    EdtfDate,
    Precision,
    earliest_year,
    parse,
    parse_human,
)

D = datetime.date
UTC = datetime.UTC


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# text, start, end (exclusive), precision, approximate, uncertain, label
ACCEPTED = [
    # level 0
    ("2021", D(2021, 1, 1), D(2022, 1, 1), "year", False, False, "2021"),
    ("2017-08", D(2017, 8, 1), D(2017, 9, 1), "month", False, False, "August 2017"),
    ("2017-12", D(2017, 12, 1), D(2018, 1, 1), "month", False, False, "December 2017"),
    ("2026-01-20", D(2026, 1, 20), D(2026, 1, 21), "day", False, False, "20 January 2026"),
    ("2024-02-29", D(2024, 2, 29), D(2024, 3, 1), "day", False, False, "29 February 2024"),
    ("0800", D(800, 1, 1), D(801, 1, 1), "year", False, False, "800"),
    ("0001-01-01", D(1, 1, 1), D(1, 1, 2), "day", False, False, "1 January 1"),
    # times: UTC spans of one minute or one second; the label keeps the written clock
    (
        "2026-01-20T14:30+03:00",
        utc(2026, 1, 20, 11, 30),
        utc(2026, 1, 20, 11, 31),
        "minute",
        False,
        False,
        "20 January 2026, 14:30 UTC+03:00",
    ),
    (
        "2026-01-20T14:30:05Z",
        utc(2026, 1, 20, 14, 30, 5),
        utc(2026, 1, 20, 14, 30, 6),
        "second",
        False,
        False,
        "20 January 2026, 14:30:05 UTC",
    ),
    (
        "2026-01-01T01:00+03",
        utc(2025, 12, 31, 22, 0),
        utc(2025, 12, 31, 22, 1),
        "minute",
        False,
        False,
        "1 January 2026, 01:00 UTC+03:00",
    ),
    (
        "2026-01-20T23:30:00-05:30",
        utc(2026, 1, 21, 5, 0),
        utc(2026, 1, 21, 5, 0, 1),
        "second",
        False,
        False,
        "20 January 2026, 23:30:00 UTC-05:30",
    ),
    # unspecified digits
    ("201X", D(2010, 1, 1), D(2020, 1, 1), "decade", False, False, "some time in the 2010s"),
    ("199X", D(1990, 1, 1), D(2000, 1, 1), "decade", False, False, "some time in the 1990s"),
    ("200X", D(2000, 1, 1), D(2010, 1, 1), "decade", False, False, "some time in 2000–2009"),
    ("080X", D(800, 1, 1), D(810, 1, 1), "decade", False, False, "some time in 800–809"),
    ("000X", D(1, 1, 1), D(10, 1, 1), "decade", False, False, "some time in 1–9"),
    ("20XX", D(2000, 1, 1), D(2100, 1, 1), "century", False, False, "some time in 2000–2099"),
    ("19XX", D(1900, 1, 1), D(2000, 1, 1), "century", False, False, "some time in 1900–1999"),
    ("00XX", D(1, 1, 1), D(100, 1, 1), "century", False, False, "some time in 1–99"),
    ("2004-XX", D(2004, 1, 1), D(2005, 1, 1), "year", False, False, "some time in 2004"),
    ("1985-XX-XX", D(1985, 1, 1), D(1986, 1, 1), "year", False, False, "some day in 1985"),
    (
        "1985-04-XX",
        D(1985, 4, 1),
        D(1985, 5, 1),
        "month",
        False,
        False,
        "some day in April 1985",
    ),
    # qualifiers
    ("2026-01-17~", D(2026, 1, 17), D(2026, 1, 18), "day", True, False, "about 17 January 2026"),
    (
        "2026-01-17?",
        D(2026, 1, 17),
        D(2026, 1, 18),
        "day",
        False,
        True,
        "17 January 2026 (uncertain)",
    ),
    (
        "2026-01-17%",
        D(2026, 1, 17),
        D(2026, 1, 18),
        "day",
        True,
        True,
        "about 17 January 2026 (uncertain)",
    ),
    ("2021~", D(2021, 1, 1), D(2022, 1, 1), "year", True, False, "about 2021"),
    ("2017-08?", D(2017, 8, 1), D(2017, 9, 1), "month", False, True, "August 2017 (uncertain)"),
    (
        "199X~",
        D(1990, 1, 1),
        D(2000, 1, 1),
        "decade",
        True,
        False,
        "some time in the 1990s (approximate)",
    ),
    (
        "2004-XX?",
        D(2004, 1, 1),
        D(2005, 1, 1),
        "year",
        False,
        True,
        "some time in 2004 (uncertain)",
    ),
    (
        "1985-04-XX%",
        D(1985, 4, 1),
        D(1985, 5, 1),
        "month",
        True,
        True,
        "some day in April 1985 (approximate, uncertain)",
    ),
    # intervals
    (
        "2026-01-17/2026-01-20",
        D(2026, 1, 17),
        D(2026, 1, 21),
        "day",
        False,
        False,
        "17–20 January 2026",
    ),
    (
        "2026-01-30/2026-02-02",
        D(2026, 1, 30),
        D(2026, 2, 3),
        "day",
        False,
        False,
        "30 January – 2 February 2026",
    ),
    (
        "2025-12-30/2026-01-02",
        D(2025, 12, 30),
        D(2026, 1, 3),
        "day",
        False,
        False,
        "30 December 2025 – 2 January 2026",
    ),
    ("2017/2021", D(2017, 1, 1), D(2022, 1, 1), "year", False, False, "2017–2021"),
    (
        "2017-08/2017-10",
        D(2017, 8, 1),
        D(2017, 11, 1),
        "month",
        False,
        False,
        "August–October 2017",
    ),
    (
        "2017-11/2018-02",
        D(2017, 11, 1),
        D(2018, 3, 1),
        "month",
        False,
        False,
        "November 2017 – February 2018",
    ),
    # mixed precisions: the coarser end decides
    ("2017/2021-03", D(2017, 1, 1), D(2021, 4, 1), "year", False, False, "2017 – March 2021"),
    (
        "2017-05/2017",
        D(2017, 5, 1),
        D(2018, 1, 1),
        "year",
        False,
        False,
        "May 2017 – 2017",
    ),
    (
        "199X/2005-06-01",
        D(1990, 1, 1),
        D(2005, 6, 2),
        "decade",
        False,
        False,
        "some time in the 1990s – 1 June 2005",
    ),
    ("2021/2021", D(2021, 1, 1), D(2022, 1, 1), "year", False, False, "2021"),
    (
        "2026-01-20/2026-01-20",
        D(2026, 1, 20),
        D(2026, 1, 21),
        "day",
        False,
        False,
        "20 January 2026",
    ),
    # qualifiers in intervals: each end keeps its own, the flags are their union
    ("2017~/2021", D(2017, 1, 1), D(2022, 1, 1), "year", True, False, "about 2017 – 2021"),
    (
        "2017/2021?",
        D(2017, 1, 1),
        D(2022, 1, 1),
        "year",
        False,
        True,
        "2017 – 2021 (uncertain)",
    ),
    (
        "2026-01-17~/2026-01-20",
        D(2026, 1, 17),
        D(2026, 1, 21),
        "day",
        True,
        False,
        "about 17 January 2026 – 20 January 2026",
    ),
    # open and unknown ends
    ("../2006", None, D(2007, 1, 1), "year", False, False, "until 2006"),
    ("2006/..", D(2006, 1, 1), None, "year", False, False, "from 2006 on"),
    ("/2006", None, D(2007, 1, 1), "year", False, False, "up to 2006 (start unknown)"),
    ("2006/", D(2006, 1, 1), None, "year", False, False, "from 2006 (end unknown)"),
    ("../2006~", None, D(2007, 1, 1), "year", True, False, "until about 2006"),
    (
        "2006-05?/..",
        D(2006, 5, 1),
        None,
        "month",
        False,
        True,
        "from May 2006 (uncertain) on",
    ),
    ("199X/..", D(1990, 1, 1), None, "decade", False, False, "from some time in the 1990s on"),
    # the end of the calendar: 10000-01-01 cannot be held, so the end is END_OF_TIME
    ("9999", D(9999, 1, 1), END_OF_TIME, "year", False, False, "9999"),
    ("9999-12", D(9999, 12, 1), END_OF_TIME, "month", False, False, "December 9999"),
    ("9999-12-31", D(9999, 12, 31), END_OF_TIME, "day", False, False, "31 December 9999"),
    ("9999-12-30", D(9999, 12, 30), D(9999, 12, 31), "day", False, False, "30 December 9999"),
    ("99XX", D(9900, 1, 1), END_OF_TIME, "century", False, False, "some time in 9900–9999"),
    (
        "9999-12-31T23:59Z",
        utc(9999, 12, 31, 23, 59),
        END_OF_TIME,
        "minute",
        False,
        False,
        "31 December 9999, 23:59 UTC",
    ),
    ("2006/9999", D(2006, 1, 1), END_OF_TIME, "year", False, False, "2006–9999"),
]


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "approximate", "uncertain", "label"), ACCEPTED
)
def test_accepted(
    text: str,
    start: datetime.date | None,
    end: datetime.date | None,
    precision: Precision,
    approximate: bool,
    uncertain: bool,
    label: str,
) -> None:
    assert parse(text) == EdtfDate(
        edtf=text,
        start=start,
        end=end,
        precision=precision,
        approximate=approximate,
        uncertain=uncertain,
        label=label,
    )


REFUSED = [
    ("", "the date is empty; write an EDTF date such as 2026-01-20, 2017-08 or 2021"),
    ("   ", "the date is empty; write an EDTF date such as 2026-01-20, 2017-08 or 2021"),
    # seasons, level 1 and level 2
    (
        "2001-21",
        '"2001-21" is a season (spring); seasons are not supported; write a month or an '
        "interval such as 2001-03/2001-05",
    ),
    (
        "2001-24",
        '"2001-24" is a season (winter); seasons are not supported; write a month or an '
        "interval such as 2001-12/2002-02",
    ),
    (
        "2001-22~",
        '"2001-22~" is a season (summer); seasons are not supported; write a month or an '
        "interval such as 2001-06/2001-08",
    ),
    (
        "2001-25",
        '"2001-25" is a season (spring, Northern Hemisphere, EDTF level 2); seasons are not '
        "supported; write a month or an interval such as 2001-03/2001-05",
    ),
    (
        "2001-33",
        '"2001-33" is a season (first quarter, EDTF level 2); seasons are not supported; '
        "write a month or an interval such as 2001-01/2001-03",
    ),
    (
        "2001-41",
        '"2001-41" is a season (second semester, EDTF level 2); seasons are not supported; '
        "write a month or an interval such as 2001-07/2001-12",
    ),
    # level 2
    (
        "[1667,1668]",
        '"[1667,1668]" is EDTF level 2, which Dateline accepts in one form only: a range of '
        "which one day is meant, such as [2026-01-17..2026-01-22] (some day between 17 and "
        "22 January 2026); otherwise write one date, or an interval such as 1667/1668 for "
        "something that lasted",
    ),
    (
        "{1667,1668}",
        '"{1667,1668}" is EDTF level 2, which Dateline accepts in one form only: a range of '
        "which one day is meant, such as [2026-01-17..2026-01-22] (some day between 17 and "
        "22 January 2026); otherwise write one date, or an interval such as 1667/1668 for "
        "something that lasted",
    ),
    (
        "Y17E7",
        '"Y17E7" is EDTF level 2, which Dateline accepts only as [A..B]: it has an exponent; '
        "write a year from 0001 to 9999",
    ),
    (
        "1950S2",
        '"1950S2" is EDTF level 2, which Dateline accepts only as [A..B]: it gives significant '
        "digits; write the year alone, or its decade or century with X (195X, 19XX)",
    ),
    (
        "2004?-06-11",
        '"2004?-06-11" is EDTF level 2, which Dateline accepts only as [A..B]: it qualifies '
        "part of the date; put one qualifier at the end, for the whole date: 2004-06-11?",
    ),
    (
        "?2004-06",
        '"?2004-06" is EDTF level 2, which Dateline accepts only as [A..B]: it qualifies part of '
        "the date; put one qualifier at the end, for the whole date: 2004-06?",
    ),
    (
        "2004-06~-11?",
        '"2004-06~-11?" is EDTF level 2, which Dateline accepts only as [A..B]: it qualifies '
        "part of the date; put one qualifier at the end, for the whole date: 2004-06-11%",
    ),
    *(
        (
            text,
            f'"{text}" is EDTF level 2, which Dateline accepts only as [A..B]; X may replace '
            "only the last digits: of a year standing alone (201X, 20XX), of the day "
            "(1985-04-XX), or of the month and day (2004-XX, 1985-XX-XX)",
        )
        for text in ("1XXX-12", "156X-12-25", "XXXX", "20X4", "201X-05", "2004-XX-05", "2004-X2")
    ),
    # out of range years (EDTF level 1 has them; Dateline does not)
    (
        "Y17000",
        '"Y17000": years after 9999 are not supported; Dateline accepts years 0001-9999',
    ),
    ("17000", '"17000": years after 9999 are not supported; Dateline accepts years 0001-9999'),
    (
        "Y-17000",
        '"Y-17000": years before 0001 are not supported; Dateline accepts years 0001-9999',
    ),
    ("-0100", '"-0100": years before 0001 are not supported; Dateline accepts years 0001-9999'),
    ("0000", '"0000": the year 0000 is not supported; Dateline accepts years 0001-9999'),
    (
        "0000-05-01",
        '"0000-05-01": the year 0000 is not supported; Dateline accepts years 0001-9999',
    ),
    # impossible calendar dates
    ("2026-02-30", '"2026-02-30" is not a valid date: February 2026 has 28 days'),
    ("2023-02-29", '"2023-02-29" is not a valid date: February 2023 has 28 days'),
    ("1900-02-29", '"1900-02-29" is not a valid date: February 1900 has 28 days'),
    ("2026-04-31", '"2026-04-31" is not a valid date: April 2026 has 30 days'),
    ("2026-01-00", '"2026-01-00" is not a valid date: January 2026 has 31 days'),
    ("2026-13", '"2026-13" is not a valid date: months run from 01 to 12'),
    ("2026-00", '"2026-00" is not a valid date: months run from 01 to 12'),
    ("2026-42-01", '"2026-42-01" is not a valid date: months run from 01 to 12'),
    # times
    (
        "2026-01-20T14:30",
        '"2026-01-20T14:30" has a time but no time zone; add Z for UTC or an offset such as '
        "+03:00 (2026-01-20T14:30Z or 2026-01-20T14:30+03:00)",
    ),
    (
        "2026-01-20T14:30:05",
        '"2026-01-20T14:30:05" has a time but no time zone; add Z for UTC or an offset such '
        "as +03:00 (2026-01-20T14:30:05Z or 2026-01-20T14:30:05+03:00)",
    ),
    (
        "2026-01-20T14:30Z~",
        '"2026-01-20T14:30Z~": EDTF allows no qualifier after a time; qualify the day instead '
        "(2026-01-20~) or leave the qualifier out",
    ),
    (
        "2026-01-20T24:00Z",
        '"2026-01-20T24:00Z" is not a valid time: hours run from 00 to 23, minutes and '
        "seconds from 00 to 59",
    ),
    (
        "2026-01-20T14:60Z",
        '"2026-01-20T14:60Z" is not a valid time: hours run from 00 to 23, minutes and '
        "seconds from 00 to 59",
    ),
    (
        "2026-01-20T14:30+15:00",
        '"2026-01-20T14:30+15:00" has an impossible UTC offset; offsets run from -12:00 to +14:00',
    ),
    (
        "2026-01-20T14:30-13:00",
        '"2026-01-20T14:30-13:00" has an impossible UTC offset; offsets run from -12:00 to +14:00',
    ),
    (
        "2026-01-20T14:30+03:75",
        '"2026-01-20T14:30+03:75" has an impossible UTC offset; offsets run from -12:00 to +14:00',
    ),
    (
        "2026-01-20T14:30:05.5Z",
        '"2026-01-20T14:30:05.5Z": fractions of a second are not supported; give the time to '
        "the second",
    ),
    (
        "2026-01T10:00Z",
        '"2026-01T10:00Z": a time needs a complete date (YYYY-MM-DDTHH:MM)',
    ),
    (
        "1985-04-XXT10:00Z",
        '"1985-04-XXT10:00Z": a time needs a complete date, not X digits',
    ),
    (
        "2026-01-20T1430Z",
        '"2026-01-20T1430Z" has a time Dateline cannot read; write THH:MM or THH:MM:SS and '
        "then Z or an offset, e.g. 2026-01-20T14:30+03:00",
    ),
    (
        "9999-12-31T23:30-05:00",
        '"9999-12-31T23:30-05:00" falls outside the years 0001-9999 in UTC',
    ),
    (
        "0001-01-01T00:30+03:00",
        '"0001-01-01T00:30+03:00" falls outside the years 0001-9999 in UTC',
    ),
    # intervals
    (
        "/",
        '"/" has no date at either end; an interval needs at least one, e.g. 2006/.. (from '
        "2006 on) or ../2006 (until 2006)",
    ),
    (
        "../..",
        '"../.." has no date at either end; an interval needs at least one, e.g. 2006/.. '
        "(from 2006 on) or ../2006 (until 2006)",
    ),
    (
        "../",
        '"../" has no date at either end; an interval needs at least one, e.g. 2006/.. (from '
        "2006 on) or ../2006 (until 2006)",
    ),
    ("2018/2017", '"2018/2017" starts after it ends; write the earlier date first'),
    (
        "2026-01-21/2026-01-20",
        '"2026-01-21/2026-01-20" starts after it ends; write the earlier date first',
    ),
    (
        "2017-08/2017-10/2018",
        '"2017-08/2017-10/2018" has more than one "/"; an interval is START/END, e.g. '
        "2017-08/2017-10",
    ),
    (
        "2026-01-20T10:00Z/2026-01-21",
        '"2026-01-20T10:00Z/2026-01-21": EDTF allows no time of day in an interval; write the '
        "days (2026-01-20/2026-01-21), or give the moment that matters as the date",
    ),
    ("2017 / 2018", '"2017 / 2018": remove the spaces around "/"'),
    ("2026-02-30/2026-03", '"2026-02-30" is not a valid date: February 2026 has 28 days'),
    (
        "2001-21/2001-23",
        '"2001-21" is a season (spring); seasons are not supported; write a month or an '
        "interval such as 2001-03/2001-05",
    ),
    ("..", '".." alone is not a date; ".." is the open end of an interval, as in 2006/..'),
    # human dates: the ISO form they would mean
    ("20 January 2026", '"20 January 2026" is not an ISO date; write 2026-01-20'),
    ("Jan 20, 2026", '"Jan 20, 2026" is not an ISO date; write 2026-01-20'),
    ("January 20th, 2026", '"January 20th, 2026" is not an ISO date; write 2026-01-20'),
    ("Tuesday, 20 January 2026", '"Tuesday, 20 January 2026" is not an ISO date; write 2026-01-20'),
    ("August 2017", '"August 2017" is not an ISO date; write 2017-08'),
    ("Aug 2017", '"Aug 2017" is not an ISO date; write 2017-08'),
    ("20/01/2026", '"20/01/2026" is not an ISO date; write 2026-01-20'),
    ("20.01.2026", '"20.01.2026" is not an ISO date; write 2026-01-20'),
    ("2026/01/20", '"2026/01/20" is not an ISO date; write 2026-01-20'),
    ("2026-1-5", '"2026-1-5" is not an ISO date; write 2026-01-05'),
    ("20260120", '"20260120" is not an ISO date; write 2026-01-20'),
    ("2026-01-20t14:30z", '"2026-01-20t14:30z" is not an ISO date; write 2026-01-20T14:30Z'),
    (
        "2026-01-20 14:30+03:00",
        '"2026-01-20 14:30+03:00" is not an ISO date; write 2026-01-20T14:30+03:00',
    ),
    (
        "20 January 2026 14:30",
        '"20 January 2026 14:30" is not an ISO date; write 2026-01-20T14:30Z if the time is '
        "UTC, or add its offset, e.g. 2026-01-20T14:30+03:00",
    ),
    (
        "01/02/2026",
        '"01/02/2026" is not an ISO date, and could mean either of two days; write 2026-01-02 '
        "or 2026-02-01",
    ),
    (
        "1.2.2026",
        '"1.2.2026" is not an ISO date, and could mean either of two days; write 2026-01-02 '
        "or 2026-02-01",
    ),
    ("20 Jan 2026/22 Jan 2026", '"20 Jan 2026" is not an ISO date; write 2026-01-20'),
    (
        "20 January",
        '"20 January" has no year; Dateline needs at least a year, e.g. 2026-01-20',
    ),
    ("01/02/26", '"01/02/26": write the year in full, e.g. 2026 rather than 26'),
    (
        "20 January 2026 14:30 BST",
        '"20 January 2026 14:30 BST": the time zone "BST" could mean more than one offset, or '
        "none; write Z for UTC or an offset such as +03:00",
    ),
    (
        "three days ago",
        '"three days ago" is not a date Dateline can read; write an EDTF date such as '
        "2026-01-20, 2017-08 or 2021",
    ),
    (
        "2021/foo",
        '"foo" is not a date Dateline can read; write an EDTF date such as 2026-01-20, '
        "2017-08 or 2021",
    ),
    ("201x", '"201x": write unspecified digits as a capital X: 201X'),
    ("1985-04-xx", '"1985-04-xx": write unspecified digits as a capital X: 1985-04-XX'),
    ("٢٠٢١", '"٢٠٢١" is not an ISO date; write 2021'),  # Arabic-Indic digits
    (
        "x" * 80,
        f'"{"x" * 57}..." is not a date Dateline can read; write an EDTF date such as '
        "2026-01-20, 2017-08 or 2021",
    ),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


def test_surrounding_whitespace_is_stripped_from_the_text() -> None:
    assert parse("  2017-08\n").edtf == "2017-08"


def test_parse_is_cached() -> None:
    assert parse("2017-08") is parse("2017-08")


# start_key / end_key: one sortable UTC string for dates and moments alike
KEYS = [
    ("2017-08", "2017-08-01T00:00:00", "2017-09-01T00:00:00"),
    ("0800", "0800-01-01T00:00:00", "0801-01-01T00:00:00"),
    ("2026-01-20T14:30+03:00", "2026-01-20T11:30:00", "2026-01-20T11:31:00"),
    ("2026-01-20T14:30:05Z", "2026-01-20T14:30:05", "2026-01-20T14:30:06"),
    ("../2006", None, "2007-01-01T00:00:00"),
    ("2006/", "2006-01-01T00:00:00", None),
    ("9999", "9999-01-01T00:00:00", "9999-12-31T23:59:59.999999"),
]


@pytest.mark.parametrize(("text", "start_key", "end_key"), KEYS)
def test_keys(text: str, start_key: str | None, end_key: str | None) -> None:
    date = parse(text)
    assert (date.start_key(), date.end_key()) == (start_key, end_key)


def test_keys_sort_dates_and_moments_together() -> None:
    texts = ["2026-01-21", "2026-01-20T23:30+03:00", "2026-01-20", "2026-01-20T21:00Z", "2026"]
    ordered = sorted(texts, key=lambda text: parse(text).start_key() or "")
    assert ordered == [
        "2026",
        "2026-01-20",
        "2026-01-20T23:30+03:00",
        "2026-01-20T21:00Z",
        "2026-01-21",
    ]


def test_the_end_of_9999_sorts_after_every_start() -> None:
    last_start = parse("9999-12-31T23:59:59Z").start_key()
    assert last_start == "9999-12-31T23:59:59"
    assert parse("9999").end_key() == "9999-12-31T23:59:59.999999" > last_start
    assert parse("9999-12-31").end_key() == parse("9999").end_key()


EARLIEST = [
    ("2026-01-20", 2026),
    ("2026-01-01T01:00+03:00", 2026),  # the written year, although it begins in 2025 in UTC
    ("201X", 2010),
    ("19XX", 1900),
    ("000X", 1),
    ("0800-05", 800),
    ("2017/2021", 2017),
    ("../2006", 2006),
    ("/2006-12-31", 2006),
    ("2006/..", 2006),
]


@pytest.mark.parametrize(("text", "year"), EARLIEST)
def test_earliest_year(text: str, year: int) -> None:
    assert earliest_year(parse(text)) == year


def test_earliest_year_of_a_date_with_no_known_end() -> None:
    # parse refuses these, but an EdtfDate built by hand can still say it
    date = EdtfDate(
        edtf="../..",
        start=None,
        end=None,
        precision="year",
        approximate=False,
        uncertain=False,
        label="",
    )
    assert earliest_year(date) is None


HUMAN = [
    ("20 January 2026", "2026-01-20"),
    ("17 Jan 2026", "2026-01-17"),
    ("Jan 20, 2026", "2026-01-20"),
    ("Tuesday 20 January 2026", "2026-01-20"),
    ("August 2017", "2017-08"),
    ("Aug 2017", "2017-08"),
    ("20/01/2026", "2026-01-20"),
    ("2026/01/02", "2026-01-02"),
    ("2026-1-5", "2026-01-05"),
    ("20260120", "2026-01-20"),
    ("20 January 2026 14:30 +03:00", "2026-01-20T14:30+03:00"),
    ("20 January 2026 14:30:05 UTC", "2026-01-20T14:30:05Z"),
    ("20 Jan 2026 2pm Z", "2026-01-20T14:00Z"),
    ("  20 January 2026 ", "2026-01-20"),
    # EDTF passes through unchanged
    ("2021", "2021"),
    ("2026-01-20", "2026-01-20"),
    ("201X~", "201X~"),
    ("2017-08/2017-10", "2017-08/2017-10"),
    ("../2006", "../2006"),
    ("2026-01-20T14:30+03:00", "2026-01-20T14:30+03:00"),
]


@pytest.mark.parametrize(("text", "edtf"), HUMAN)
def test_parse_human(text: str, edtf: str) -> None:
    assert parse_human(text) == edtf
    parse(edtf)


HUMAN_REFUSED = [
    (
        "01/02/2026",
        '"01/02/2026" could mean either of two days (2026-01-02 or 2026-02-01); write it with '
        "the month as a word, e.g. 2 January 2026, or as YYYY-MM-DD",
    ),
    (
        "20 January 2026 14:30",
        '"20 January 2026 14:30" gives a time but no time zone; add Z for UTC or an offset '
        "such as +03:00",
    ),
    ("20 January", '"20 January" has no year; Dateline needs at least a year, e.g. 2026-01-20'),
    ("Jan 20", '"Jan 20" has no year; Dateline needs at least a year, e.g. 2026-01-20'),
    ("1/2/26", '"1/2/26": write the year in full, e.g. 2026 rather than 26'),
    (
        "three days ago",
        '"three days ago" is not a date Dateline can read; write an EDTF date such as '
        "2026-01-20, 2017-08 or 2021",
    ),
    (
        "",
        "the date is empty; write an EDTF date such as 2026-01-20, 2017-08 or 2021",
    ),
    # EDTF-shaped input gets the EDTF complaint, not a guess
    ("2026-02-30", '"2026-02-30" is not a valid date: February 2026 has 28 days'),
    (
        "2001-21",
        '"2001-21" is a season (spring); seasons are not supported; write a month or an '
        "interval such as 2001-03/2001-05",
    ),
    (
        "2026-01-20T14:30",
        '"2026-01-20T14:30" has a time but no time zone; add Z for UTC or an offset such as '
        "+03:00 (2026-01-20T14:30Z or 2026-01-20T14:30+03:00)",
    ),
    (
        "20 January 2026 14:30 +15:00",
        '"2026-01-20T14:30+15:00" has an impossible UTC offset; offsets run from -12:00 to +14:00',
    ),
]


@pytest.mark.parametrize(("text", "message"), HUMAN_REFUSED)
def test_parse_human_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_human(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "label"),
    [
        (
            "[2026-01-17..2026-01-22]",
            "2026-01-17",
            "2026-01-23",
            "day",
            "some day between 17 and 22 January 2026",
        ),
        (
            "[2026-01-30..2026-02-02]",
            "2026-01-30",
            "2026-02-03",
            "day",
            "some day between 30 January and 2 February 2026",
        ),
        (
            "[2025-12-30..2026-01-02]",
            "2025-12-30",
            "2026-01-03",
            "day",
            "some day between 30 December 2025 and 2 January 2026",
        ),
        (
            "[2017-08..2017-10]",
            "2017-08-01",
            "2017-11-01",
            "month",
            "some month between August and October 2017",
        ),
        (
            "[2017-11..2018-02]",
            "2017-11-01",
            "2018-03-01",
            "month",
            "some month between November 2017 and February 2018",
        ),
        ("[2017..2021]", "2017-01-01", "2022-01-01", "year", "some year between 2017 and 2021"),
    ],
)
def test_one_of_a_range(text: str, start: str, end: str, precision: str, label: str) -> None:
    date = parse(text)
    assert (date.start.isoformat(), date.end.isoformat()) == (start, end)  # type: ignore[union-attr]
    assert (date.precision, date.label, date.one_of) == (precision, label, True)
    assert not date.approximate
    assert not date.uncertain
    assert earliest_year(date) == int(start[:4])


def test_an_interval_is_not_one_of_a_range() -> None:
    lasted = parse("2026-01-17/2026-01-22")
    one_day = parse("[2026-01-17..2026-01-22]")
    assert (lasted.start, lasted.end) == (one_day.start, one_day.end)  # the same span ...
    assert not lasted.one_of  # ... but only one of them lasted
    assert lasted.label == "17–22 January 2026"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[2026-01-17..2026-01]",
            '"[2026-01-17..2026-01]": write both ends to the same precision, e.g. '
            "[2026-01-17..2026-01-22] or [2017-08..2017-10]",
        ),
        (
            "[2026-01-22..2026-01-17]",
            '"[2026-01-22..2026-01-17]" starts after it ends; write the earlier date first',
        ),
        (
            "[2026-01-17..2026-01-17]",
            '"[2026-01-17..2026-01-17]" is a range of one; write the date itself, 2026-01-17',
        ),
        (
            "[2026-01-17~..2026-01-22]",
            '"[2026-01-17~..2026-01-22]": each end of a range must be a plain year, month or day, '
            "with no time, X digits or ~ ? % qualifier, e.g. [2026-01-17..2026-01-22]",
        ),
        (
            "[2026-01-17 .. 2026-01-22]",
            '"[2026-01-17 .. 2026-01-22]": remove the spaces around ".."',
        ),
        *(
            (
                text,
                f'"{text}" is EDTF level 2, which Dateline accepts in one form only: a range of '
                "which one day is meant, such as [2026-01-17..2026-01-22] (some day between 17 "
                "and 22 January 2026); otherwise write one date, or an interval such as "
                "1667/1668 for something that lasted",
            )
            for text in ("[..2026-01-22]", "[2026-01-17..]", "[2026-01-17,2026-01-22]", "[]")
        ),
    ],
)
def test_one_of_a_range_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse(text)
    assert str(caught.value) == message


def published(text: str) -> dict[str, object]:
    """A date as every Dateline output publishes it."""
    decoded: dict[str, object] = msgspec.json.decode(resources.encode(resources.date(parse(text))))
    return decoded


def test_json_shape_is_the_one_in_the_design() -> None:
    assert published("2017-08") == {
        "edtf": "2017-08",
        "start": "2017-08-01",
        "end": "2017-09-01",
        "precision": "month",
        "approximate": False,
        "uncertain": False,
        "one_of": False,
        "label": "August 2017",
    }


def test_json_of_one_day_in_a_range_says_so() -> None:
    assert published("[2026-01-17..2026-01-22]") == {
        "edtf": "[2026-01-17..2026-01-22]",
        "start": "2026-01-17",
        "end": "2026-01-23",
        "precision": "day",
        "approximate": False,
        "uncertain": False,
        "one_of": True,
        "label": "some day between 17 and 22 January 2026",
    }


def test_json_gives_timestamps_in_utc_where_a_time_is_given() -> None:
    encoded = published("2026-01-20T14:30+03:00")
    assert (encoded["start"], encoded["end"]) == ("2026-01-20T11:30:00Z", "2026-01-20T11:31:00Z")


def test_json_of_open_ends_is_null() -> None:
    encoded = published("../2006")
    assert (encoded["start"], encoded["end"]) == (None, "2007-01-01")


def test_msgspec_can_describe_the_published_date() -> None:
    schema = msgspec.json.schema(resources.DateResource)
    properties = schema["$defs"]["DateResource"]["properties"]
    assert set(properties) == set(published("2021"))
    assert {"format": "date-time"} in properties["start"]["anyOf"][0]["anyOf"]


def test_edtf_is_not_imported_at_run_time() -> None:
    code = "import sys, dateline.dates; sys.exit('edtf' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
