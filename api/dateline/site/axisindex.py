"""The static files the time axis and the map read: counts and marks, never the dataset.

The home page's time axis (``assets/dateline/axis.js``) draws how many events began in each
year, month or day when zoomed out, and the events themselves when zoomed in; the map
(``assets/dateline/map.js``) draws how many events each place has. Both show what the
filters select, and at 100,000 events neither may download the events to do it. They read,
under ``data/axis/`` and ``data/map/``, beside the filters' ``data/index/``
(:mod:`dateline.site.filterindex`), whose positions they share: an event's position is the
Store's ``n - 1``, in date order (span start, then id; open and unknown starts first).

Because positions are in date order, the events that began in any period are a run of
consecutive positions, so a period is described by the first position of its run:

``data/axis/months.json``
    ``{"total", "unstarted", "months": [[month, first], ...]}``: ``unstarted`` events (open or
    unknown start) hold positions ``0`` to ``unstarted - 1``; then, for each month in which
    events began (``month`` = year·12 + month − 1), the first position that began in it. The
    events of a month run to the next month's first (or ``total``). The count of any
    selection per month — a tag's positions, a filter's — is one merge of two sorted lists.
``data/axis/days/<year>.json``
    ``[[day, first], ...]`` the same for each day of that year (``day`` = days since
    1970-01-01), fetched only once the axis shows days.
``data/axis/marks/<k>.json``
    for the events of row shard ``k`` (the filters' shard size), what the axis draws of each:
    ``[start key, end key, kind, qualifiers, status, label, title, id]`` (see `mark`),
    fetched only for the few hundred events a zoomed-in view shows.
``data/map/places.json``
    ``{"total", "shard_size", "places", "mapped", "levels"}``: the events, the events per
    place shard, and ``[id, name, lat, lon, parent, depth, count]`` for every place, where
    ``parent`` is the index of the place it is within (or -1), and ``count`` its events, those
    of the places within it included (as the place filter selects them). A place without
    coordinates is on the map through the nearest place it is within that has them (see
    `drawn_at`). ``levels[d]`` is what the map draws of every event when places deeper than
    ``d`` are rolled up: ``[[place index, events], ...]``, each event counted once at each
    point; ``mapped`` counts the events drawn at some point when nothing is rolled up.
``data/map/at/<k>.json``
    for each event of a map shard (``MAP_SHARD_SIZE`` positions), the indexes of its places
    in ``places.json``: fetched only when a filter is applied, for the shards its events are
    in; with no filter the map reads ``levels`` (at 100,000 events, 104 KB rather than
    another 260 KB of shards).
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

import msgspec

from dateline.resources import DateResource, EventItem
from dateline.site.catalog import Catalog
from dateline.site.manifest import Unchanged
from dateline.site.writer import Writer

AXIS: Final = "data/axis"
MAP: Final = "data/map"
MAP_SHARD_SIZE: Final = 5000  # events per place shard: ~8 KB gzipped

_encode = msgspec.json.Encoder().encode
_EPOCH: Final = datetime.date(1970, 1, 1).toordinal()


def kind(date: DateResource) -> str:
    """How the axis draws a date: ``moment`` and ``day`` are points, ``span`` a bar for
    something that lasted, ``within`` a bar drawn differently for one day or moment somewhere
    in the span, not known which ("some day between", "August 2017", "199X")."""
    if date.one_of:
        return "within"
    if "/" in date.edtf:
        return "span"
    if date.precision in ("minute", "second"):
        return "moment"
    if date.precision == "day":
        return "day"
    return "within"


def qualifiers(date: DateResource) -> list[str]:
    """What else the axis marks on a date: ``approximate``, ``uncertain``, and for each end of
    an interval that is not known, ``open-start`` / ``open-end`` (``..``: it has no bound) or
    ``unknown-start`` / ``unknown-end`` (empty: it has one, not known)."""
    marks = [name for name in ("approximate", "uncertain") if getattr(date, name)]
    if "/" in date.edtf and not date.one_of:
        first, last = date.edtf.split("/", 1)
        for side, written in (("start", first), ("end", last)):
            if written == "..":
                marks.append(f"open-{side}")
            elif written == "":
                marks.append(f"unknown-{side}")
    return marks


def mark(item: EventItem, start: str, end: str | None) -> list[Any]:
    """What the axis draws of an event, with its date in words for its accessible name."""
    return [
        start or None,
        end,
        kind(item.date),
        qualifiers(item.date),
        item.status,
        item.date.label,
        item.title,
        item.id,
    ]


def _month(key: str) -> int:
    return int(key[:4]) * 12 + int(key[5:7]) - 1


@functools.lru_cache(maxsize=4096)  # events share days: one date made per day, not per event
def _day_of(day: str) -> int:
    return datetime.date(int(day[:4]), int(day[5:7]), int(day[8:10])).toordinal() - _EPOCH


def _day(key: str) -> int:
    return _day_of(key[:10])


def write(
    catalog: Catalog, out: Writer, shard_size: int, unchanged: Unchanged | None = None
) -> None:
    """Write the axis's and the map's files of ``catalog`` (through ``out``); given
    ``unchanged`` (an incremental build's), not the shards it says the live site has."""
    spans = catalog.spans
    unstarted = 0
    months: list[list[int]] = []
    days: dict[str, list[list[int]]] = {}
    for position, (start, _end, _far) in enumerate(spans):
        if not start:
            unstarted += 1
            continue
        month = _month(start)
        if not months or months[-1][0] != month:
            months.append([month, position])
        day = _day(start)
        year = days.setdefault(start[:4], [])
        if not year or year[-1][0] != day:
            year.append([day, position])
    total = len(spans)
    out.write(
        f"{AXIS}/months.json", _encode({"total": total, "unstarted": unstarted, "months": months})
    )
    for year_key, runs in days.items():
        out.write(f"{AXIS}/days/{int(year_key)}.json", _encode(runs))
    for first in range(0, total, shard_size):
        path, stop = f"{AXIS}/marks/{first // shard_size}.json", min(first + shard_size, total)
        if unchanged is not None and unchanged.run(first, stop):
            out.keep(path)
            continue
        marks = [mark(catalog.items[p], spans[p][0], spans[p][1]) for p in range(first, stop)]
        out.write(path, _encode(marks))
    _write_map(catalog, out, unchanged)


def _write_map(catalog: Catalog, out: Writer, unchanged: Unchanged | None) -> None:
    places = list(catalog.places.values())
    index = {place.id: n for n, place in enumerate(places)}

    def depth(n: int) -> int:
        within, steps = places[n].within, 0
        while within is not None and within.id in index and steps < len(places):
            within, steps = places[index[within.id]].within, steps + 1
        return steps

    rows: list[list[Any]] = [
        [
            p.id,
            p.name,
            p.lat,
            p.lon,
            index[p.within.id] if p.within is not None and p.within.id in index else -1,
            depth(n),
            p.event_count,
        ]
        for n, p in enumerate(places)
    ]
    events = [
        [index[place.id] for place in item.places if place.id in index] for item in catalog.items
    ]
    deepest = max((int(row[5]) for row in rows), default=0)
    # where each place is drawn at each level: walked once per place, not once per event
    drawn = [[drawn_at(rows, n, level) for n in range(len(rows))] for level in range(deepest + 1)]
    # and each set of places counted once, with its events (a quarter as many at 100,000)
    combined = Counter(tuple(at) for at in events)
    levels = range(deepest + 1)
    map_index = {
        "total": len(events),
        "shard_size": MAP_SHARD_SIZE,
        "places": rows,
        "mapped": sum(k for at, k in combined.items() if _drawn(drawn[deepest], at)),
        "levels": [sorted(_counted(drawn[level], combined).items()) for level in levels],
    }
    out.write(f"{MAP}/places.json", _encode(map_index))
    # a shard holds indexes into the places, whose order is the same unless they changed
    same_places = unchanged is not None and unchanged.touched is not None
    for first in range(0, len(events), MAP_SHARD_SIZE):
        path, stop = f"{MAP}/at/{first // MAP_SHARD_SIZE}.json", first + MAP_SHARD_SIZE
        if same_places and unchanged is not None and unchanged.run(first, min(stop, len(events))):
            out.keep(path)
            continue
        out.write(path, _encode(events[first:stop]))


def drawn_at(rows: list[list[Any]], n: int, level: int) -> int:
    """The place that place ``n`` is drawn at when places deeper than ``level`` are rolled up:
    its ancestor at that depth (or itself), or the nearest above that with coordinates; -1 if
    none has any. map.js's ``drawnAt`` is the same walk."""
    while rows[n][5] > level:
        n = rows[n][4]
    while n >= 0 and rows[n][2] is None:
        n = rows[n][4]
    return n


def _drawn(drawn: list[int], places: Iterable[int]) -> set[int]:
    """The points an event of ``places`` is drawn at, given where each place is drawn."""
    return {at for at in (drawn[n] for n in places) if at >= 0}


def _counted(drawn: list[int], combined: Counter[tuple[int, ...]]) -> dict[int, int]:
    """The events drawn at each point, given how many events have each set of places."""
    counts: dict[int, int] = {}
    for places, events in combined.items():
        for at in _drawn(drawn, places):
            counts[at] = counts.get(at, 0) + events
    return counts
