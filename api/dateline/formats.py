"""The dataset in other formats: one serialiser per format, for the API, ``dateline export``
and the site alike, so that they cannot drift.

Every serialiser reads the events as the API publishes them: the encoded
:class:`~dateline.resources.EventResource` of each event, as the Store holds it, decoded back
into that Struct (a date's ``start``/``end`` are the API's strings, ``2017-08-01`` or
``2026-01-21T10:00:00Z``). No field is derived from the event files again.

=========  ==========================  ======================================================
format     media type                  what it holds
=========  ==========================  ======================================================
json       application/json            the ``/events`` list shape, all in one page: the same
                                       bytes as the site's ``data/events.json``
csv        text/csv; charset=utf-8     one row per event (see `CSV_COLUMNS`), RFC 4180
                                       quoting, CRLF line ends, UTF-8 without a BOM
geojson    application/geo+json        a FeatureCollection: one Point Feature per event per
                                       place that has coordinates; ``skipped`` (a foreign
                                       member) counts the events with no such place
ics        text/calendar               one VEVENT per event with a known bound (see `ics`);
                                       ``X-DATELINE-SKIPPED`` counts those with none
atom       application/atom+xml        an Atom 1.0 feed, one entry per event (see `atom`)
sqlite     application/vnd.sqlite3     the compiled Store file itself (export only)
schema     application/schema+json     the JSON Schema of an event file (export only), from
                                       the model: what editors validate files with
=========  ==========================  ======================================================

Output is deterministic: the same events give the same bytes (no wall-clock time anywhere;
the one exception is ``sqlite``, whose file records when it was compiled). Text is never
markup: the XML and iCalendar writers escape it.
"""

from __future__ import annotations

import csv
import datetime
import heapq
import io
import itertools
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, Protocol

import msgspec

from dateline import resources
from dateline.media import Format
from dateline.model import QUALIFIERS, event_schema
from dateline.resources import DateResource as Date
from dateline.resources import EventResource, FigureResource, UpdateResource

if TYPE_CHECKING:
    from dateline.store import EventFilter, Key, Store

# A link to an event, from its id; None where no address is known.
Linker = Callable[[str], str] | None

ATOM: Final = "http://www.w3.org/2005/Atom"
NO_DATE: Final = resources.NO_TIME  # an Atom feed's `updated` when it has no entry
CSV_COLUMNS: Final = (
    "id",
    "title",
    "edtf",
    "start",
    "end",
    "precision",
    "approximate",
    "uncertain",
    "one_of",
    "label",
    "status",
    "tags",
    "actors",
    "places",
    "sources",
    "figures",
    "file",
)

_decode = resources.decoder(EventResource).decode


class TooMany(Exception):
    """More events match than one response may hold."""

    def __init__(self, total: int, limit: int) -> None:
        self.total, self.limit = total, limit
        super().__init__(
            f"{total:,} events match, and this format holds at most {limit:,}; "
            "narrow the list with from, to, tag, actor, place, status, q or near"
        )


class Selected(msgspec.Struct, frozen=True):
    """The matching events: each list item as encoded, and the complete event decoded."""

    items: list[bytes]
    events: list[EventResource]


def select(store: Store, query: EventFilter, *, limit: int | None = None) -> Selected:
    """Every event that matches ``query``, in date order; :class:`TooMany` past ``limit``."""
    cap = limit if limit is not None else max(1, store.counts.events)
    page = store.events(query, sort="date", limit=cap)
    if page.next_key is not None:
        raise TooMany(page.total, cap)
    ids = [msgspec.json.decode(item, type=_Id).id for item in page.items]
    return Selected(page.items, [_decode(record) for record in store.event_records(ids)])


NDJSON_PAGE: Final = 1000  # events read at a time


def _pages(store: Store, query: EventFilter) -> Iterator[list[bytes]]:
    """The records of every matching event, in date order, `NDJSON_PAGE` at a time."""
    after: Key | None = None
    while True:
        page = store.events(query, sort="date", limit=NDJSON_PAGE, after=after)
        ids = [msgspec.json.decode(item, type=_Id).id for item in page.items]
        yield store.event_records(ids)
        if page.next_key is None:
            return
        after = page.next_key


def ndjson(store: Store, query: EventFilter) -> Iterator[bytes]:
    """Every matching event, complete (the bytes of ``/events/{id}``), one per line, in date
    order: read a page at a time, so any number of events stream in bounded memory."""
    for records in _pages(store, query):
        yield b"".join(record + b"\n" for record in records)


def batches(store: Store, query: EventFilter) -> Iterator[list[EventResource]]:
    """Every matching event, decoded, in date order, a page at a time: what the text formats'
    streams are fed to write any number of events in bounded memory."""
    for records in _pages(store, query):
        yield [_decode(record) for record in records]


class _Id(msgspec.Struct):
    id: str


# --- words shared by every text format and the site -----------------------------------------


def number(value: float) -> str:
    """A number as English prose writes it: 1,500; 2.5; 1,234.5."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def figure_text(figure: FigureResource) -> str:
    """``at least 1,500 people escaped``, ``100–150 people held``, ``about 3 km walked``."""
    if figure.value is not None:
        amount = f"{QUALIFIERS[figure.qualifier or 'exact']}{number(figure.value)}"
    else:
        # The model guarantees a range where there is no value.
        assert figure.low is not None
        assert figure.high is not None
        amount = f"{number(figure.low)}–{number(figure.high)}"
    return f"{amount} {figure.unit} {figure.counts}"


def figures(event: EventResource) -> list[str]:
    """Each figure claimed in an event, with who claimed it: "Kurdish media: at least 1,500
    people escaped". Contested figures stand side by side, as on the event's page."""
    return [
        f"{claim.by.name}: {figure_text(claim.figure)}"
        for claim in event.claims
        if claim.figure is not None
    ]


def cited(event: EventResource) -> list[str]:
    """Each source an event cites: "Example News: A story <https://example.org/a>" (the
    address left out where the source has none)."""
    return [f"{s.publisher}: {s.title}" + (f" <{s.url}>" if s.url else "") for s in event.sources]


# --- json ------------------------------------------------------------------------------------


def json(items: Sequence[bytes]) -> bytes:
    """The ``/events`` list holding every item given: ``{"items": [...], "total", "next"}``."""
    return resources.listing(items)


# --- csv -------------------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "true" if value else "false"


_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Contributor text as a CSV cell that a spreadsheet will not run as a formula: a cell
    beginning with = + - @, a tab or a CR gets a leading ' (OWASP's advice)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class TextStream(Protocol):
    """A text format written a batch of events at a time: its :meth:`head`, then a
    :meth:`part` per batch, then its :meth:`tail`, which together are the bytes the format
    gives for all the events at once (`whole`)."""

    def head(self) -> bytes: ...

    def part(self, events: Iterable[EventResource]) -> bytes: ...

    def tail(self) -> bytes: ...


def whole(stream: TextStream, events: Iterable[EventResource]) -> bytes:
    """The events in ``stream``'s format, in one piece."""
    return stream.head() + stream.part(events) + stream.tail()


class CsvStream:
    """One row per event under a header of `CSV_COLUMNS`; lists are joined by ``;``.

    ``actors`` and ``places`` are ids; ``sources`` the sources cited (`cited`); ``figures``
    the claimed figures (`figures`); ``start`` and ``end`` are empty where open. Cells of
    contributor text that a spreadsheet would read as a formula begin with ``'`` (`_cell`).
    """

    def head(self) -> bytes:
        return _csv_rows([CSV_COLUMNS])

    def part(self, events: Iterable[EventResource]) -> bytes:
        return _csv_rows(
            (
                event.id,
                _cell(event.title),
                event.date.edtf,
                event.date.start or "",
                event.date.end or "",
                event.date.precision,
                _flag(event.date.approximate),
                _flag(event.date.uncertain),
                _flag(event.date.one_of),
                event.date.label,
                event.status,
                ";".join(event.tags),
                ";".join(a.id for a in event.actors),
                ";".join(p.id for p in event.places),
                _cell("; ".join(cited(event))),
                _cell("; ".join(figures(event))),
                event.file,
            )
            for event in events
        )

    def tail(self) -> bytes:
        return b""


def _csv_rows(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as RFC 4180 CSV with CRLF line ends, in UTF-8."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_text(events: Iterable[EventResource]) -> bytes:
    """The events as CSV (`CsvStream`)."""
    return whole(CsvStream(), events)


# --- geojson ---------------------------------------------------------------------------------


class Point(msgspec.Struct, frozen=True):
    coordinates: tuple[float, float]  # longitude, latitude (RFC 7946)
    type: Literal["Point"] = "Point"


class FeatureProperties(msgspec.Struct, frozen=True):
    id: str
    title: str
    date: str  # the label: "August 2017"
    edtf: str
    start: str | None
    end: str | None
    status: str
    place: str
    place_name: str
    figures: list[str]  # see `figures`
    url: str | None


class Feature(msgspec.Struct, frozen=True):
    id: str  # <event id>@<place id>
    geometry: Point
    properties: FeatureProperties
    type: Literal["Feature"] = "Feature"


class FeatureCollection(msgspec.Struct, frozen=True):
    features: list[Feature]
    skipped: int  # events with no place that has coordinates
    type: Literal["FeatureCollection"] = "FeatureCollection"


_geo_encoder = msgspec.json.Encoder(order="deterministic")


class GeoJsonStream:
    """A FeatureCollection: a Point per event per place with coordinates, in date order;
    ``skipped`` counts the events with no such place."""

    def __init__(self, link: Linker = None) -> None:
        self.link = link
        self.skipped = 0
        self._first = True
        # The collection's bytes around its features: the encoder orders the keys, so
        # "features" comes first and "skipped" after it.
        self._around = _geo_encoder.encode(FeatureCollection(features=[], skipped=0))
        self._cut = self._around.index(b"[]") + 1

    def head(self) -> bytes:
        return self._around[: self._cut]

    def part(self, events: Iterable[EventResource]) -> bytes:
        features = [_geo_encoder.encode(feature) for feature in self._features(events)]
        if not features:
            return b""
        text = b",".join(features)
        if not self._first:
            text = b"," + text
        self._first = False
        return text

    def tail(self) -> bytes:
        rest = _geo_encoder.encode(FeatureCollection(features=[], skipped=self.skipped))
        return rest[self._cut :]

    def _features(self, events: Iterable[EventResource]) -> Iterator[Feature]:
        for event in events:
            located = False
            for place in event.places:
                if place.lat is None or place.lon is None:
                    continue
                located = True
                yield Feature(
                    id=f"{event.id}@{place.id}",
                    geometry=Point((place.lon, place.lat)),
                    properties=FeatureProperties(
                        id=event.id,
                        title=event.title,
                        date=event.date.label,
                        edtf=event.date.edtf,
                        start=event.date.start,
                        end=event.date.end,
                        status=event.status,
                        place=place.id,
                        place_name=place.name,
                        figures=figures(event),
                        url=self.link(event.id) if self.link else None,
                    ),
                )
            self.skipped += not located


def geojson(events: Iterable[EventResource], link: Linker = None) -> bytes:
    """The events as GeoJSON (`GeoJsonStream`)."""
    return whole(GeoJsonStream(link), events)


# --- dates shared by ics and atom -------------------------------------------------------------


def _bound(text: str) -> datetime.date:
    """A bound as the API writes it: a date, or a UTC moment ending in ``Z``."""
    if len(text) == 10:
        return datetime.date.fromisoformat(text)
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def describe(event: EventResource) -> str:
    """The text of a calendar event or feed entry: date label, status, the summary, then the
    figures claimed."""
    text = f"{event.date.label} ({event.status})\n\n{event.summary.strip()}"
    claimed = figures(event)
    if claimed:
        text += "\n\nFigures claimed:\n" + "\n".join(f"- {line}" for line in claimed)
    return text


# --- ics -------------------------------------------------------------------------------------

_ICS_STATUS: Final = {
    "reported": "TENTATIVE",
    "disputed": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "retracted": "CANCELLED",
}


def _ics_span(date: Date) -> tuple[datetime.date, datetime.date | None] | None:
    """DTSTART and DTEND of a date; a one-bound event on its known bound; None with neither."""
    start = _bound(date.start) if date.start is not None else None
    end = _bound(date.end) if date.end is not None else None
    if start is not None and end is not None:
        if isinstance(start, datetime.datetime) != isinstance(end, datetime.datetime):
            start, end = _moment(start), _moment(end)  # DTSTART and DTEND share one type
        return start, end
    if start is not None:
        return start, None
    if end is not None:  # the end is exclusive: the last day, or the moment itself
        if isinstance(end, datetime.datetime):
            return end, None
        return end - datetime.timedelta(days=1), None
    return None


def _moment(bound: datetime.date) -> datetime.datetime:
    if isinstance(bound, datetime.datetime):
        return bound
    return datetime.datetime(bound.year, bound.month, bound.day, tzinfo=datetime.UTC)


class IcsStream:
    """An iCalendar (RFC 5545) calendar: one VEVENT per event with a known bound.

    UID is ``<id>@dateline``; DTSTART/DTEND are dates (``VALUE=DATE``, the end exclusive, as
    in Dateline) for date spans and UTC date-times for moments. An event with one known bound
    is an event on that bound (its DESCRIPTION starts with the date label, which says what is
    known); one with neither is left out, and ``X-DATELINE-SKIPPED`` counts them: it comes
    before the events, so the stream is told the count (`spanless`) before it starts. DTSTAMP
    is the record's ``last_modified``; STATUS is TENTATIVE for reported and disputed events.

    Written here, line by line, rather than by the ``icalendar`` package, which took 9.7 s
    for 10,000 events (this, 0.5 s): the same properties in the same order, escaped and
    folded as it does (``tests/test_formats.py`` holds the two to the same bytes).
    """

    def __init__(self, link: Linker = None, *, skipped: int) -> None:
        self.link = link
        self.skipped = skipped

    def head(self) -> bytes:
        return _ics_lines(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Dateline//Dateline events//EN",
                "CALSCALE:GREGORIAN",
                f"X-DATELINE-SKIPPED:{self.skipped}",
            ]
        )

    def part(self, events: Iterable[EventResource]) -> bytes:
        entries: list[str] = []
        for event in events:
            span = _ics_span(event.date)
            if span is None:
                continue
            entries += ["BEGIN:VEVENT", "SUMMARY:" + _ics_text(event.title)]
            entries.append("DTSTART" + _ics_time(span[0]))
            if span[1] is not None:
                entries.append("DTEND" + _ics_time(span[1]))
            entries.append("DTSTAMP" + _ics_time(_bound(event.last_modified)))
            entries.append(f"UID:{_ics_text(event.id)}@dateline")
            if event.tags:
                entries.append("CATEGORIES:" + ",".join(_ics_text(tag) for tag in event.tags))
            entries.append("DESCRIPTION:" + _ics_text(describe(event)))
            if event.places:
                entries.append("LOCATION:" + _ics_text("; ".join(p.name for p in event.places)))
            entries.append("STATUS:" + _ICS_STATUS[event.status])
            if self.link is not None:
                entries.append("URL:" + self.link(event.id))
            entries.append("END:VEVENT")
        return _ics_lines(entries)

    def tail(self) -> bytes:
        return _ics_lines(["END:VCALENDAR"])


def spanless(dates: Iterable[Date]) -> int:
    """How many of ``dates`` have no known bound: the events a calendar leaves out."""
    return sum(date.start is None and date.end is None for date in dates)


def ics(events: Iterable[EventResource], link: Linker = None) -> bytes:
    """The events as an iCalendar calendar (`IcsStream`)."""
    listed = list(events)
    return whole(IcsStream(link, skipped=spanless(e.date for e in listed)), listed)


def _ics_lines(lines: Iterable[str]) -> bytes:
    return "".join(_folded(line) + "\r\n" for line in lines).encode()


def _ics_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, and every
    line break (CRLF, LF or a lone CR) written as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _ics_time(bound: datetime.date) -> str:
    """``;VALUE=DATE:20260120`` for a day, ``:20260120T143000Z`` for a moment (UTC)."""
    if not isinstance(bound, datetime.datetime):
        return f";VALUE=DATE:{bound.year:04d}{bound.month:02d}{bound.day:02d}"
    utc = bound.astimezone(datetime.UTC)
    day = f"{utc.year:04d}{utc.month:02d}{utc.day:02d}"
    return f":{day}T{utc.hour:02d}{utc.minute:02d}{utc.second:02d}Z"


_FOLD: Final = 75  # octets: a line reaching it is folded before (as icalendar folds)


def _folded(line: str) -> str:
    """A content line folded (RFC 5545 §3.1) into lines of at most 74 octets, each one after
    the first starting with a space; never inside a character, nor right after a backslash
    (which would split an escape), as icalendar folds."""
    if len(line) < _FOLD and line.isascii():  # most lines: short, a character an octet
        return line
    data = line.encode()
    pieces = []
    start = 0
    while len(data) - start >= _FOLD:
        end = start + _FOLD - 1  # data[end] begins the next line
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: inside a character
            end -= 1
        if data[end - 1] == 0x5C and end - 1 > start:  # ends with a backslash: carry it
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


# --- atom ------------------------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom(
    events: Iterable[EventResource],
    link: Linker = None,
    *,
    feed_id: str = "urn:dateline:events",
    title: str = "Dateline events",
    self_url: str | None = None,
) -> bytes:
    """An Atom 1.0 (RFC 4287) feed, one entry per event, in the order given (the API's: date
    order; the site's latest-changes feed: `newest` first).

    An entry's id is ``urn:dateline:event:<id>`` (ids are permanent); its ``published`` and
    ``updated`` are the record's ``first_published`` and ``last_modified`` (so an event of 2017
    added today is a new entry today); its summary is plain text (`describe`), its categories
    the tags, its alternate link the event's address where known. The feed's ``updated`` is
    the newest entry's (`NO_DATE` with no entry), so the bytes depend on the data alone.
    """
    feed = ET.Element("feed", xmlns=ATOM)  # the default namespace of every element
    entries = list(events)
    _add(feed, "id", feed_id)
    _add(feed, "title", title, type="text")
    _add(feed, "updated", max((e.last_modified for e in entries), default=NO_DATE))
    author = _add(feed, "author")
    _add(author, "name", "Dateline")
    _add(feed, "generator", "Dateline")
    if self_url is not None:
        _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    for event in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:dateline:event:{event.id}")
        _add(entry, "title", event.title, type="text")
        _add(entry, "published", event.first_published)
        _add(entry, "updated", event.last_modified)
        if link is not None:
            _add(entry, "link", rel="alternate", href=link(event.id))
        for tag in event.tags:
            _add(entry, "category", term=tag)
        _add(entry, "summary", describe(event), type="text")
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text


def newest(
    events: Iterable[EventResource], limit: int, kept: Iterable[EventResource] = ()
) -> list[EventResource]:
    """The ``limit`` events most recently changed (``last_modified``), newest first; of
    ``events`` and ``kept`` (the newest of the batches before, for a stream of batches)."""
    return heapq.nlargest(
        limit, itertools.chain(kept, events), key=lambda e: (e.last_modified, e.id)
    )


# One entry of an event's ``updates``: when, the event, its number (from 1) and the update.
Correction = tuple[str, EventResource, int, UpdateResource]


def latest_corrections(
    events: Iterable[EventResource], limit: int, kept: Iterable[Correction] = ()
) -> list[Correction]:
    """The ``limit`` newest corrections of ``events`` and ``kept`` (as `newest`), newest
    first."""
    found = (
        (resources.corrected_at(update), event, n, update)
        for event in events
        for n, update in enumerate(event.updates, start=1)
    )
    return heapq.nlargest(limit, itertools.chain(kept, found), key=lambda f: (f[0], f[1].id, f[2]))


def corrections(
    events: Iterable[EventResource],
    link: Linker = None,
    *,
    limit: int,
    self_url: str | None = None,
) -> bytes:
    """An Atom feed of the ``limit`` newest corrections (`corrections_feed`)."""
    return corrections_feed(latest_corrections(events, limit), link, self_url=self_url)


def corrections_feed(
    found: Sequence[Correction], link: Linker = None, *, self_url: str | None = None
) -> bytes:
    """An Atom feed of the corrections ``found`` (`latest_corrections`), newest first: one
    entry per entry of ``updates``.

    An entry's id is ``urn:dateline:event:<id>:update:<n>`` (``n`` from 1, in the record's
    order: updates are only ever appended), its ``updated`` the correction's date, its summary
    the note (and the status it set, if any), its link the event's page where known.
    """
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "id", "urn:dateline:corrections")
    _add(feed, "title", "Dateline corrections", type="text")
    _add(feed, "updated", found[0][0] if found else NO_DATE)
    _add(_add(feed, "author"), "name", "Dateline")
    _add(feed, "generator", "Dateline")
    if self_url is not None:
        _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    for when, event, n, update in found:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:dateline:event:{event.id}:update:{n}")
        _add(entry, "title", f"Correction: {event.title}", type="text")
        _add(entry, "updated", when)
        if link is not None:
            _add(entry, "link", rel="alternate", href=link(event.id))
        status = f" Status now: {update.status}." if update.status else ""
        _add(entry, "summary", f"{update.date.label}: {update.note}{status}", type="text")
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text


# --- every format ----------------------------------------------------------------------------


def render(fmt: Format, selected: Selected, link: Linker = None) -> bytes:
    """The selected events in a text format (every format but ``sqlite``)."""
    if fmt == "json":
        return json(selected.items)
    if fmt == "csv":
        return csv_text(selected.events)
    if fmt == "geojson":
        return geojson(selected.events, link)
    if fmt == "ics":
        return ics(selected.events, link)
    if fmt == "atom":
        return atom(selected.events, link)
    raise ValueError(f"{fmt} is not a text format")


def export(events: Path, fmt: Format, *, base_url: str | None = None) -> Iterator[bytes]:
    """The whole dataset of an events folder in ``fmt`` (not ``sqlite``: see `copy_store`),
    in pieces to write one after the other (``ndjson`` streams; the rest come whole).

    ``base_url`` is the site's address: links then go to its event pages
    (``<base_url>/events/<id>/``). ``schema`` is the JSON Schema of the event file, which
    needs no dataset. Raises :class:`~dateline.store.DatasetError`.
    """
    if fmt == "schema":
        return iter([event_schema()])
    from dateline.cache import open_store  # not at the top: every command imports this module
    from dateline.store import EventFilter

    store = open_store(events)  # here, not when the pieces are read: errors come first
    if fmt == "ndjson":
        return ndjson(store, EventFilter())
    return iter([render(fmt, select(store, EventFilter()), site_links(base_url))])


def copy_store(events: Path, out: Path) -> None:
    """Copy the compiled Store of an events folder to ``out`` (an SQLite file)."""
    from dateline.cache import open_store

    shutil.copyfile(open_store(events).path, out)


def site_links(base_url: str | None) -> Linker:
    if base_url is None:
        return None
    base = base_url.rstrip("/")
    return lambda event_id: f"{base}/events/{event_id}/"
