"""The archive: every event under its year and month, each month a list of bounded pages.

An event is filed by the start of its span (what the timeline sorts by). One known only to a
year or coarser is filed under its year's "month not known"; one whose start is not known at
all under "start not known", apart from the years. Addresses:

* ``archive/``: every year, with its months and counts;
* ``archive/2026/``: one year's months;
* ``archive/2026/01/`` (then ``archive/2026/01/page/2/``...): a month's events, newest first;
* ``archive/2026/undated/`` and ``archive/undated/``: the two kinds of "not known".

So every event is reachable without JavaScript from the home page in a few clicks, and no
archive page grows with the dataset: a page holds at most ``page_size`` events, and the year
and month lists are bounded by the calendar, not by the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from dateline import dates
from dateline.resources import EventItem
from dateline.site import paging

ROOT: Final = "archive"
UNDATED: Final = "undated"
_FINE: Final = frozenset({"month", "day", "minute", "second"})


@dataclass
class Month:
    key: str  # "2026-01"; "2026-undated" (month not known); "undated" (start not known)
    label: str  # "January 2026"
    short: str  # "Jan", for the archive's compact lists
    base: str  # "archive/2026/01": the address of its first page, without the slash
    items: list[EventItem] = field(default_factory=list)  # oldest first


@dataclass
class Year:
    key: str  # "2026", or "undated"
    label: str
    base: str
    months: list[Month] = field(default_factory=list)  # oldest first

    @property
    def count(self) -> int:
        return sum(len(month.items) for month in self.months)


def month_of(item: EventItem) -> tuple[str, str, str, str]:
    """(year key, year label, month key, month label) of the month an event is filed under."""
    start = item.date.start
    if start is None:
        return (UNDATED, "Start not known", UNDATED, "Start not known")
    year, month = start[:4], start[5:7]
    label = str(int(year))
    if item.date.precision not in _FINE:
        return (year, label, f"{year}-{UNDATED}", f"{label}, month not known")
    return (year, label, f"{year}-{month}", f"{dates.MONTHS[int(month)]} {label}")


class Archive:
    """The archive of a list of events given oldest first (the Store's date order)."""

    def __init__(self, items: Iterable[EventItem], page_size: int) -> None:
        self.page_size = page_size
        self.years: list[Year] = []  # oldest first; "start not known" first of all
        self.months: dict[str, Month] = {}
        self.by_key: dict[str, Year] = {}  # a year by its key
        self.year_of: dict[str, Year] = {}  # a month's year, by the month's key
        self._filed: dict[str, tuple[Month, int]] = {}  # event id -> (month, index in it)
        for item in items:
            year_key, year_label, month_key, month_label = month_of(item)
            year = self.by_key.get(year_key)
            if year is None:
                year = self.by_key[year_key] = Year(year_key, year_label, f"{ROOT}/{year_key}")
                self.years.append(year)
            # Looked up, not taken from the end: a year's "month not known" events start on
            # 1 January, so they sort among that day's events and may come and go.
            month = self.months.get(month_key)
            if month is None:
                month = self.months[month_key] = _new_month(year, month_key, month_label)
                year.months.append(month)
                self.year_of[month_key] = year
            self._filed[item.id] = (month, len(month.items))
            month.items.append(item)

    @property
    def undated(self) -> Month | None:
        """The events whose start is not known, if there are any."""
        return self.months.get(UNDATED)

    @property
    def dated_years(self) -> list[Year]:
        """The years, newest first."""
        return [year for year in reversed(self.years) if year.key != UNDATED]

    def newest_first(self, month: Month) -> list[EventItem]:
        return month.items[::-1]

    def page_of(self, event_id: str) -> tuple[Month, int]:
        """The month an event is filed under and the number of the page it is on."""
        month, index = self._filed[event_id]
        from_newest = len(month.items) - 1 - index
        return month, from_newest // self.page_size + 1

    def page_url(self, event_id: str) -> str:
        month, number = self.page_of(event_id)
        return paging.url(month.base, number)


def _new_month(year: Year, key: str, label: str) -> Month:
    if key == UNDATED:
        return Month(key, label, label, f"{ROOT}/{UNDATED}")
    part = key.split("-", 1)[1]
    short = "month not known" if part == UNDATED else dates.MONTHS[int(part)][:3]
    return Month(key, label, short, f"{year.base}/{part}")
