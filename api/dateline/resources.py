"""The public JSON shapes of a dataset, and the one function that builds each of them.

Everything Dateline publishes as JSON — the API, the site's static data, ``dateline export`` —
is one of these Structs, built here from a loaded :class:`~dateline.dataset.Dataset`, so the
representations cannot drift apart. They differ from the file format (:mod:`dateline.model`)
on purpose:

* every date is a :class:`DateResource` (the text as written, its span and a label), never
  bare EDTF text;
* references are resolved: an actor or place is ``{id, name}`` (a place also carries its
  coordinates), so a client needs no second request to show a name;
* ``related_by`` lists the events that name this one in their ``related``, so a relation can
  be followed in both directions;
* ``file`` is the event file's path from the repository root, for an "edit this file" link;
* ``first_published`` and ``last_modified`` say when the record itself appeared and last
  changed (from the git history of its file, see :mod:`dateline.history`, else from the record:
  :func:`record_times`), for change feeds and ``updated_since``.

The list item, :class:`EventItem`, is the event without its long parts (summary, claims,
sources, updates); its ``snippet`` is set only for a full-text query, and is last so that a
store can append it to an item it encoded once (see :func:`with_snippet`).

These Structs are the one family of published shapes: the API encodes them, and the site and
the exports decode the Store's bytes back into them (:func:`decoder`), so a field added here
reaches every output, and no reader keeps a copy of the shape that could fall behind.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Final, Literal, TypeVar

import msgspec

from dateline import dates
from dateline.dataset import Dataset, ancestors, parents_of
from dateline.dates import EdtfDate, Precision
from dateline.diagnostics import Diagnostic
from dateline.history import Times
from dateline.model import Actor, Event, Figure, Place, Qualifier, Status

Interval = Literal["year", "month", "day"]
T = TypeVar("T")


class Resource(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Base of every published shape: immutable, built by keyword."""


Moment = Annotated[
    str,
    msgspec.Meta(
        description="A UTC timestamp, RFC 3339: 2026-01-21T10:00:00Z.",
        extra_json_schema={"format": "date-time"},
    ),
]
NO_TIME: Final = "1970-01-01T00:00:00Z"  # when a record has no date at all to go by

# A bound as JSON writes it: "2017-08-01" for a date, "2026-01-21T10:00:00Z" for a moment (UTC).
# Text rather than `date | datetime`, which msgspec can neither decode nor describe (it allows
# one date-like type in a union); the schema says which two forms the text takes.
Bound = Annotated[
    str,
    msgspec.Meta(
        description="A date (YYYY-MM-DD), or a UTC timestamp when the EDTF gives a time of day.",
        extra_json_schema={"anyOf": [{"format": "date"}, {"format": "date-time"}]},
    ),
]


class DateResource(Resource, frozen=True):
    """A date: the EDTF text as written, the span ``[start, end)`` it covers, and its label.

    ``start`` and ``end`` are null where the date is open or unknown at that end. ``one_of``
    is true for "some day between A and B" (``[A..B]``): one day of the span, not known
    which, rather than something that lasted the whole span.
    """

    edtf: str
    start: Bound | None
    end: Bound | None
    precision: Precision
    approximate: bool
    uncertain: bool
    one_of: bool
    label: str


class Ref(Resource, frozen=True):
    """A resolved reference to an actor (or an event): its id and its name."""

    id: str
    name: str


class PlaceRef(Resource, frozen=True):
    """A resolved reference to a place, with its WGS 84 coordinates where known."""

    id: str
    name: str
    lat: float | None
    lon: float | None


class FigureResource(Resource, frozen=True):
    """A claimed number: ``value`` (with its ``qualifier``), or a range ``low``-``high``, of
    ``unit`` that ``counts`` says what of: "at least 1,500 people escaped"."""

    unit: str
    counts: str
    value: float | None  # an integer stays an integer in JSON: 1500, not 1500.0
    qualifier: Qualifier | None
    low: float | None
    high: float | None


class ClaimResource(Resource, frozen=True):
    """A statement attributed to an actor. ``source`` is a 1-based index into ``sources``."""

    by: Ref
    text: str
    figure: FigureResource | None
    source: int | None
    date: DateResource | None


class SourceResource(Resource, frozen=True):
    title: str
    publisher: str
    url: str | None
    published: DateResource | None
    archived: str | None
    note: str | None


class UpdateResource(Resource, frozen=True):
    date: DateResource
    note: str
    status: Status | None


class EventResource(Resource, frozen=True):
    """One event, complete. ``summary`` is the Markdown source, which is untrusted."""

    id: str
    title: str
    date: DateResource
    summary: str
    status: Status
    tags: list[str]
    actors: list[Ref]
    places: list[PlaceRef]
    claims: list[ClaimResource]
    sources: list[SourceResource]
    related: list[str]
    related_by: list[str]
    updates: list[UpdateResource]
    file: str
    first_published: Moment
    last_modified: Moment


class EventItem(Resource, frozen=True):
    """An event in a list. ``snippet`` is HTML: matched words in ``<mark>``, the rest escaped."""

    id: str
    title: str
    date: DateResource
    status: Status
    tags: list[str]
    actors: list[Ref]
    places: list[PlaceRef]
    first_published: Moment
    last_modified: Moment
    snippet: str | None = None  # last: see with_snippet


class EventPage(Resource, frozen=True, omit_defaults=True):
    """One page of a list of events. ``next`` is the URL of the next page, or null.

    ``suggestion``, only when a search finds nothing, is the query with each word that is in
    no event replaced by the closest one that is (a typo's correction), if that finds some.
    """

    items: list[EventItem]
    total: int
    next: str | None
    suggestion: str | None = None


class ActorResource(Resource, frozen=True):
    id: str
    name: str
    kind: str
    aliases: list[str]
    description: str | None
    event_count: int


class ActorDetail(Resource, frozen=True):
    """An actor, with the first page of its events (``/events?actor=<id>``)."""

    actor: ActorResource
    events: EventPage


class PlaceResource(Resource, frozen=True):
    """A place; ``event_count`` counts the events at it or at any place within it."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    within: PlaceRef | None
    lat: float | None
    lon: float | None
    description: str | None
    event_count: int


class PlaceDetail(Resource, frozen=True):
    """A place, the places directly within it, and the first page of its events."""

    place: PlaceResource
    children: list[PlaceRef]
    events: EventPage


class TagResource(Resource, frozen=True):
    id: str
    event_count: int  # as actors and places name it


class ClaimItem(Resource, frozen=True):
    """A claim in the list of claims across events; ``index`` is 1-based within its event."""

    event: Ref
    index: int
    by: Ref
    text: str
    figure: FigureResource | None
    source: int | None
    date: DateResource | None


class ClaimPage(Resource, frozen=True):
    items: list[ClaimItem]
    total: int
    next: str | None


class ActorPage(Resource, frozen=True):
    """One page of actors, by id. ``next`` is the URL of the next page, or null."""

    items: list[ActorResource]
    total: int
    next: str | None


class PlacePage(Resource, frozen=True):
    """One page of places, by id. ``next`` is the URL of the next page, or null."""

    items: list[PlaceResource]
    total: int
    next: str | None


class TagPage(Resource, frozen=True):
    """One page of tags, most used first. ``next`` is the URL of the next page, or null."""

    items: list[TagResource]
    total: int
    next: str | None


class Bucket(Resource, frozen=True):
    """Events whose span starts in one year, month or day (``period`` as YYYY, YYYY-MM...)."""

    period: str
    count: int


class Timeline(Resource, frozen=True):
    """Counts per period of the events that match; ``open_start`` counts those with no start."""

    interval: Interval
    buckets: list[Bucket]
    open_start: int
    total: int


class Counts(Resource, frozen=True):
    events: int
    actors: int
    places: int
    tags: int
    claims: int


class Health(Resource, frozen=True):
    """``status`` is "degraded" when the last reload found errors and old data is served."""

    status: Literal["ok", "degraded"]
    revision: str
    counts: Counts
    warnings: int
    problems: list[Diagnostic]


# --- building --------------------------------------------------------------------------------


def date(parsed: EdtfDate) -> DateResource:
    """The published shape of a parsed date."""
    return DateResource(
        edtf=parsed.edtf,
        start=_bound(parsed.start),
        end=_bound(parsed.end),
        precision=parsed.precision,
        approximate=parsed.approximate,
        uncertain=parsed.uncertain,
        one_of=parsed.one_of,
        label=parsed.label,
    )


def _bound(bound: datetime.date | None) -> str | None:
    # msgspec's own text for the value: a date's ISO form, a UTC moment's RFC 3339 with "Z".
    return None if bound is None else str(msgspec.to_builtins(bound))


def _date(text: str | None) -> DateResource | None:
    return None if text is None else date(dates.parse(text))


def _figure(figure: Figure | None) -> FigureResource | None:
    if figure is None:
        return None
    return FigureResource(
        unit=figure.unit,
        counts=figure.counts,
        value=figure.value,
        qualifier=figure.qualifier,
        low=figure.low,
        high=figure.high,
    )


def record_times(event: Event) -> Times:
    """(first published, last modified) from the record alone, for a file git has no history
    of: last modified is the newest of its updates' dates, else of its sources' publication
    dates, else the start of the event (or its end if the start is open), else `NO_TIME`;
    first published is the oldest of its sources' publication dates (no record is older than
    its first source), if that is not later. Each date counts from its start, at midnight UTC.
    """
    published = [_moment(s.published) for s in event.sources if s.published is not None]
    last = NO_TIME
    for found in (
        [_moment(u.date) for u in event.updates],
        published,
        [_bound(event.when.start or event.when.end)],
    ):
        known = [moment for moment in found if moment is not None]
        if known:
            last = max(_rfc3339(moment) for moment in known)
            break
    known_published = [_rfc3339(moment) for moment in published if moment is not None]
    first = min([*known_published, last])
    return first, last


def corrected_at(update: UpdateResource) -> str:
    """When a correction was made, as RFC 3339: the start of its date (`NO_TIME` if open)."""
    bound = update.date.start or update.date.end
    return NO_TIME if bound is None else _rfc3339(bound)


def _moment(text: str) -> str | None:
    parsed = dates.parse(text)
    return _bound(parsed.start or parsed.end)


def _rfc3339(bound: str) -> str:
    return f"{bound}T00:00:00Z" if len(bound) == 10 else bound


def repo_path(dataset: Dataset, file: str) -> str:
    """A file's path from the repository root (the events folder's parent), with ``/``."""
    root = os.path.abspath(dataset.root.parent)
    return Path(os.path.relpath(os.path.abspath(file), root)).as_posix()


class Builder:
    """Builds the resources of one dataset; it indexes the dataset once for all of them."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.related_by = dataset.related_by()
        parents = parents_of(dataset.places)
        self.ancestors = {p: ancestors(parents, p)[0] for p in dataset.places}
        # Event files are all under the root, so their repository paths share one prefix.
        self._root = str(dataset.root)
        self._prefix = repo_path(dataset, self._root)

    def file(self, event_id: str) -> str:
        """The event file's path from the repository root."""
        file = self.dataset.files[event_id]
        if file.startswith(self._root + os.sep):
            relative = file[len(self._root) + 1 :].replace(os.sep, "/")
            return relative if self._prefix == "." else f"{self._prefix}/{relative}"
        return repo_path(self.dataset, file)

    def actor_ref(self, actor_id: str) -> Ref:
        actor = self.dataset.actors.get(actor_id)
        return Ref(id=actor_id, name=actor.name if actor is not None else actor_id)

    def place_ref(self, place_id: str) -> PlaceRef:
        place = self.dataset.places.get(place_id)
        if place is None:
            return PlaceRef(id=place_id, name=place_id, lat=None, lon=None)
        return PlaceRef(id=place_id, name=place.name, lat=place.lat, lon=place.lon)

    def claim(self, event: Event, index: int) -> ClaimResource:
        claim = event.claims[index]
        return ClaimResource(
            by=self.actor_ref(claim.by),
            text=claim.text,
            figure=_figure(claim.figure),
            source=claim.source,
            date=_date(claim.date),
        )

    def times(self, event_id: str) -> Times:
        """(first published, last modified): from git if its file has a history, else from the
        record."""
        file = self.dataset.files[event_id]
        relative = os.path.relpath(file, self._root).replace(os.sep, "/")
        found = self.dataset.history.times.get(relative)
        return found if found is not None else record_times(self.dataset.events[event_id])

    def event(self, event_id: str) -> EventResource:
        event = self.dataset.events[event_id]
        first, last = self.times(event_id)
        return EventResource(
            id=event_id,
            title=event.title,
            date=date(event.when),
            summary=event.summary,
            status=event.status,
            tags=list(event.tags),
            actors=[self.actor_ref(a) for a in event.actors],
            places=[self.place_ref(p) for p in event.places],
            claims=[self.claim(event, i) for i in range(len(event.claims))],
            sources=[
                SourceResource(
                    title=s.title,
                    publisher=s.publisher,
                    url=s.url,
                    published=_date(s.published),
                    archived=s.archived,
                    note=s.note,
                )
                for s in event.sources
            ],
            related=list(event.related),
            related_by=self.related_by.get(event_id, []),
            updates=[
                UpdateResource(date=date(dates.parse(u.date)), note=u.note, status=u.status)
                for u in event.updates
            ],
            file=self.file(event_id),
            first_published=first,
            last_modified=last,
        )

    def item(self, event_id: str, times: Times | None = None) -> EventItem:
        """The event as a list item; ``times``, its :meth:`times` if the caller has them."""
        event = self.dataset.events[event_id]
        first, last = times if times is not None else self.times(event_id)
        return EventItem(
            id=event_id,
            title=event.title,
            date=date(event.when),
            status=event.status,
            tags=list(event.tags),
            actors=[self.actor_ref(a) for a in event.actors],
            places=[self.place_ref(p) for p in event.places],
            first_published=first,
            last_modified=last,
        )

    def claim_item(self, event_id: str, index: int) -> ClaimItem:
        event = self.dataset.events[event_id]
        claim = self.claim(event, index)
        return ClaimItem(
            event=Ref(id=event_id, name=event.title),
            index=index + 1,
            by=claim.by,
            text=claim.text,
            figure=claim.figure,
            source=claim.source,
            date=claim.date,
        )

    def event_places(self, event: Event) -> list[str]:
        """The event's places and every place they are within, each once."""
        seen: dict[str, None] = {}
        for place_id in event.places:
            seen[place_id] = None
            for parent in self.ancestors.get(place_id, []):
                seen[parent] = None
        return list(seen)

    def actor(self, actor_id: str, event_count: int) -> ActorResource:
        actor: Actor = self.dataset.actors[actor_id]
        return ActorResource(
            id=actor_id,
            name=actor.name,
            kind=actor.kind,
            aliases=list(actor.aliases),
            description=actor.description,
            event_count=event_count,
        )

    def place(self, place_id: str, event_count: int) -> PlaceResource:
        place: Place = self.dataset.places[place_id]
        return PlaceResource(
            id=place_id,
            name=place.name,
            kind=place.kind,
            aliases=list(place.aliases),
            within=self.place_ref(place.within) if place.within is not None else None,
            lat=place.lat,
            lon=place.lon,
            description=place.description,
            event_count=event_count,
        )

    def events(self) -> Iterator[EventResource]:
        for event_id in sorted(self.dataset.events):
            yield self.event(event_id)


def tag_resources(counts: Mapping[str, int]) -> list[TagResource]:
    """Tags with their numbers of events, most used first (then by id)."""
    return [TagResource(id=t, event_count=n) for t, n in sorted(counts.items(), key=_by_count)]


def timeline(interval: Interval, rows: list[tuple[str, int]]) -> Timeline:
    """The timeline from (period, count) rows in period order; period '' has no start."""
    buckets = [Bucket(period=period, count=count) for period, count in rows if period]
    open_start = sum(count for period, count in rows if not period)
    return Timeline(
        interval=interval,
        buckets=buckets,
        open_start=open_start,
        total=open_start + sum(b.count for b in buckets),
    )


def _by_count(pair: tuple[str, int]) -> tuple[int, str]:
    return (-pair[1], pair[0])


# --- encoding --------------------------------------------------------------------------------

_encoder = msgspec.json.Encoder()
_NULL_END = b"null}"


def encode(resource: msgspec.Struct) -> bytes:
    """The JSON of a resource, as every Dateline output writes it."""
    return _encoder.encode(resource)


def decoder(shape: type[T]) -> msgspec.json.Decoder[T]:
    """A decoder of the Store's encoded bytes back into a published shape (site, exports)."""
    return msgspec.json.Decoder(shape)


def listing(items: Sequence[bytes], total: int | None = None, next: str | None = None) -> bytes:
    """The bytes of a list envelope (:class:`EventPage`, :class:`ClaimPage`) around items
    encoded already, as encoding the Struct would write them: ``{"items", "total", "next"}``."""
    count = len(items) if total is None else total
    return b'{"items":[%b],"total":%d,"next":%b}' % (b",".join(items), count, _encoder.encode(next))


def only(item: bytes, names: frozenset[str]) -> bytes:
    """An encoded object with only the top-level fields ``names``, in its own order."""
    decoded: dict[str, msgspec.Raw] = msgspec.json.decode(item, type=dict[str, msgspec.Raw])
    return _encoder.encode({k: v for k, v in decoded.items() if k in names})


def with_snippet(item: bytes, snippet: str | None) -> bytes:
    """An encoded :class:`EventItem` (snippet null) with its snippet set."""
    if snippet is None:
        return item
    assert item.endswith(_NULL_END), "an EventItem encodes its snippet last"
    return item[: -len(_NULL_END)] + _encoder.encode(snippet) + b"}"
