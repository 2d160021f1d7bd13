"""Property tests: our spans agree with the `edtf` package (5.x), used here as an oracle only.

edtf gives each date's first and last day (`lower_strict()` / `upper_strict()`, as
`time.struct_time`); our span is half-open, so our end is the day after its last day.

edtf 5.0.2 disagrees with the EDTF specification, or cannot answer, in these places, and the
tests work around each one and no other:

* Unknown interval ends (``/2006``, ``2006/``): edtf invents bounds ten years beyond the known
  end; ours are None (unknown means unbounded). Only the known end is compared.
* Open interval ends (``../2006``): `lower_strict()` raises TypeError. Only the known end is
  compared.
* Unspecified digits in an interval (``2004-XX/2005``, ``201X~/2005``, ``../201X``): edtf
  crashes (AttributeError) or refuses most of them, treating them as level 2. The brief accepts
  them, so each end of such an interval is checked against edtf on its own.
* Zero offsets: edtf refuses ``+00:00`` and ``-00:00`` (it wants ``Z``), which ISO 8601
  allows and Dateline accepts; the generated times write zero as ``Z``.
* Times: edtf needs seconds (``T14:30:05Z``; the format documents ``T14:30+03:00``, which edtf
  refuses) and its bounds are the written calendar day, ignoring the clock. We compare that
  day with our start seen in the written offset.
* ``000X`` / ``00XX`` start in the year 0 in edtf; Dateline has no year 0, so ours start on
  0001-01-01.
* edtf accepts some dates Dateline refuses on purpose; `test_edtf_accepts_what_we_refuse`
  lists them with the reason.
"""

import calendar
import datetime
import time

import edtf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.dates import END_OF_TIME, DateError, EdtfDate, parse

# edtf takes 3-5 ms a parse, so the examples are kept few; the first parse builds its grammar.
ORACLE = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def first_day(bound: time.struct_time) -> datetime.date:
    return datetime.date(max(bound.tm_year, 1), bound.tm_mon, bound.tm_mday)


def day_after(bound: time.struct_time) -> datetime.date:
    last = datetime.date(bound.tm_year, bound.tm_mon, bound.tm_mday)
    return last + datetime.timedelta(days=1) if last != datetime.date.max else END_OF_TIME


def oracle_span(text: str) -> tuple[datetime.date, datetime.date]:
    parsed = edtf.parse_edtf(text)
    return first_day(parsed.lower_strict()), day_after(parsed.upper_strict())


qualifiers = st.sampled_from(["", "~", "?", "%"])


@st.composite
def calendar_dates(draw: st.DrawFn) -> str:
    """Level 0 dates (year, month or day) without a qualifier."""
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}"


@st.composite
def unspecified_dates(draw: st.DrawFn) -> str:
    """The level 1 unspecified-digit forms: 201X, 20XX, 2004-XX, 1985-XX-XX, 1985-04-XX."""
    form = draw(st.sampled_from(["decade", "century", "month", "month-day", "day"]))
    if form == "decade":
        return f"{draw(st.integers(0, 999)):03d}X"
    if form == "century":
        return f"{draw(st.integers(0, 99)):02d}XX"
    year = draw(st.integers(1, 9999))
    if form == "month":
        return f"{year:04d}-XX"
    if form == "month-day":
        return f"{year:04d}-XX-XX"
    return f"{year:04d}-{draw(st.integers(1, 12)):02d}-XX"


def dates() -> st.SearchStrategy[str]:
    """Any level 0/1 date without a time, qualified or not."""
    return st.builds(
        lambda text, mark: text + mark, st.one_of(calendar_dates(), unspecified_dates()), qualifiers
    )


@given(dates())
@ORACLE
def test_dates_span_what_edtf_says(text: str) -> None:
    date = parse(text)
    assert (date.start, date.end) == oracle_span(text)
    assert (date.approximate, date.uncertain) == (text[-1] in "~%", text[-1] in "?%")


def offset_text(minutes: int) -> str:
    # edtf refuses +00:00 (it wants Z), which ISO 8601 allows; zero is written Z here.
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# The first and last days of the calendar can leave it in UTC; the table tests cover them.
inner_days = calendar_dates().filter(
    lambda text: len(text) == 10 and text not in ("0001-01-01", "9999-12-31")
)


@given(
    inner_days,
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
    st.integers(-12 * 60, 14 * 60),
)
@ORACLE
def test_times_fall_on_the_day_edtf_says(
    day: str, hour: int, minute: int, second: int, offset: int
) -> None:
    text = f"{day}T{hour:02d}:{minute:02d}:{second:02d}{offset_text(offset)}"
    date = parse(text)
    assert isinstance(date.start, datetime.datetime)
    written = date.start.astimezone(datetime.timezone(datetime.timedelta(minutes=offset)))
    lower, upper = oracle_span(text)
    assert written.date() == lower == upper - datetime.timedelta(days=1)
    assert written.time() == datetime.time(hour, minute, second)
    assert date.end == date.start + datetime.timedelta(seconds=1)


def test_edtf_refuses_times_without_seconds_which_dateline_accepts() -> None:
    # The format documents 2026-01-20T14:30+03:00; edtf 5 wants the seconds.
    assert not edtf.is_valid_edtf("2026-01-20T14:30+03:00")
    assert parse("2026-01-20T14:30+03:00").precision == "minute"


interval_ends = st.one_of(dates(), st.sampled_from(["..", ""]))


@given(interval_ends, interval_ends)
@ORACLE
def test_intervals_span_from_the_start_of_one_end_to_the_end_of_the_other(
    left: str, right: str
) -> None:
    text = f"{left}/{right}"
    if left in ("", "..") and right in ("", ".."):
        with pytest.raises(DateError):
            parse(text)
        return
    known_left = left not in ("", "..")
    known_right = right not in ("", "..")
    if known_left and known_right and str(parse(left).start_key()) >= str(parse(right).end_key()):
        with pytest.raises(DateError, match="starts after it ends"):
            parse(text)
        return
    date = parse(text)
    assert date.start == (oracle_span(left)[0] if known_left else None)
    assert date.end == (oracle_span(right)[1] if known_right else None)
    # The whole interval agrees with edtf too, where edtf can read it (see the module docstring).
    if known_left and known_right and "X" not in text:
        assert (date.start, date.end) == oracle_span(text)


plain_dates = calendar_dates()


@given(plain_dates, plain_dates)
@ORACLE
def test_one_of_a_range_spans_what_edtf_says(left: str, right: str) -> None:
    # [A..B], EDTF level 2's "one of a set" for a range: one of the days (months, years) of
    # A..B. Its span is what a filter must match: from A's first day to B's last.
    text = f"[{left}..{right}]"
    if len(left) != len(right) or parse(left).start_key() >= parse(right).start_key():  # type: ignore[operator]
        with pytest.raises(DateError):
            parse(text)
        return
    date = parse(text)
    assert date.one_of
    assert (date.start, date.end) == oracle_span(text)
    assert type(edtf.parse_edtf(text)).__name__ == "OneOfASet"
    assert date.label.startswith(("some day between ", "some month between ", "some year between "))


# Characters that appear in EDTF, so that random text lands near real dates.
EDTF_ALPHABET = "0123456789X-/~?%.TZ:+[]{},SY E"


@given(
    st.one_of(
        st.text(EDTF_ALPHABET, max_size=24),
        st.builds(
            lambda text, at, junk: text[:at] + junk + text[at:],
            dates(),
            st.integers(0, 12),
            st.text(EDTF_ALPHABET, max_size=2),
        ),
    )
)
@ORACLE
def test_any_text_parses_or_is_refused_and_what_parses_is_edtf(text: str) -> None:
    try:
        date = parse(text)
    except DateError:  # refused, with a message; any other exception fails the test
        return
    assert isinstance(date, EdtfDate)
    assert date.label
    start, end = date.start_key(), date.end_key()
    assert start is None or end is None or start < end
    stripped = text.strip()
    minute_time = "T" in stripped and stripped.count(":") == (1 if "Z" in stripped else 2)
    x_interval = "/" in stripped and "X" in stripped
    if not minute_time and not x_interval:  # edtf quirks, see the module docstring
        assert edtf.is_valid_edtf(stripped), stripped


# What edtf 5.0.2 accepts and Dateline refuses, and why.
EDTF_ACCEPTS = [
    ("2023-02-29", "edtf allows 29 February in every year; 2023 is not a leap year"),
    ("1900-02-29", "edtf allows 29 February in every year; 1900 is not a leap year"),
    ("2026-01-20T24:00:00Z", "24:00 is the next day's midnight; write that day's 00:00"),
    ("2018/2017", "edtf does not check that an interval's start comes before its end"),
    ("0000", "year 0 is level 0 EDTF; Dateline has years 0001-9999"),
    ("-1985", "negative years are level 1 EDTF; Dateline has years 0001-9999"),
    ("Y-17000", "long years are level 1 EDTF; Dateline has years 0001-9999"),
    ("2001-21", "seasons are level 1 EDTF; Dateline refuses them"),
    ("2026-01-20T14:30:00", "EDTF allows a local time; Dateline needs a zone to sort moments"),
    ("1950S2", "significant digits are level 2"),
    ("1XXX-12", "unspecified digits inside a date are level 2"),
    ("[1667,1668]", "sets are level 2; Dateline accepts only a range of which one is meant"),
    ("{1667..1668}", "all members of a set are level 2"),
    ("[..1760-12-03]", "an open range of which one is meant: Dateline needs both ends"),
]


@pytest.mark.parametrize(("text", "reason"), EDTF_ACCEPTS)
def test_edtf_accepts_what_we_refuse(text: str, reason: str) -> None:
    assert edtf.is_valid_edtf(text), reason
    with pytest.raises(DateError):
        parse(text)
