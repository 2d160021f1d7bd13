"""What the site shows, read from the Store: the compiled data the API serves, no other copy.

The site never reads the events folder itself. :func:`open_catalog` opens (compiling if
needed) the same :class:`~dateline.store.Store` as ``dateline serve``, so the pages, the
site's static JSON and the API cannot disagree: the JSON files are the Store's bytes, written
as they are, and the lists of events per tag, actor and place are the Store's own facet
queries (an actor's events include those where it only makes a claim; a place's include the
places within it), exactly as ``/api/v1/events?actor=...`` answers them.

Pages need Python objects, so the encoded resources are decoded into the view types below.
They mirror :mod:`dateline.resources` with one difference: a date's ``start`` and ``end`` stay
the strings the API sends (``2017-08-01`` or ``2026-01-20T11:30:00Z``), because msgspec
cannot decode one field as either a date or a timestamp. Fields the site does not use are
ignored, so the API can grow without breaking the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import msgspec

from dateline import store as store_module
from dateline.model import Figure, Status
from dateline.store import DatasetError, EventFilter, Store

__all__ = [
    "Catalog",
    "DatasetError",
    "Date",
    "EventItem",
    "EventResource",
    "open_catalog",
]

Facet = Literal["tag", "actor", "place"]


class View(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the decoded shapes: immutable; unknown fields are ignored (see the docstring)."""


class Date(View, frozen=True):
    edtf: str
    start: str | None
    end: str | None
    precision: str
    approximate: bool
    uncertain: bool
    label: str


class Ref(View, frozen=True):
    id: str
    name: str


class PlaceRef(View, frozen=True):
    id: str
    name: str
    lat: float | None = None
    lon: float | None = None


class Claim(View, frozen=True):
    by: Ref
    text: str
    figure: Figure | None = None
    source: int | None = None
    date: Date | None = None


class Source(View, frozen=True):
    title: str
    publisher: str
    url: str | None = None
    published: Date | None = None
    archived: str | None = None
    note: str | None = None


class Update(View, frozen=True):
    date: Date
    note: str
    status: Status | None = None


class EventItem(View, frozen=True):
    id: str
    title: str
    date: Date
    status: Status
    tags: list[str]
    actors: list[Ref]
    places: list[PlaceRef]


class EventResource(View, frozen=True):
    id: str
    title: str
    date: Date
    summary: str
    status: Status
    tags: list[str]
    actors: list[Ref]
    places: list[PlaceRef]
    claims: list[Claim]
    sources: list[Source]
    related: list[str]
    related_by: list[str]
    updates: list[Update]
    file: str


class Actor(View, frozen=True):
    id: str
    name: str
    kind: str
    aliases: list[str]
    description: str | None = None
    event_count: int = 0


class Place(View, frozen=True):
    id: str
    name: str
    kind: str
    aliases: list[str]
    within: PlaceRef | None = None
    lat: float | None = None
    lon: float | None = None
    description: str | None = None
    event_count: int = 0


class Tag(View, frozen=True):
    id: str
    count: int


class _Id(View, frozen=True):
    id: str


_items = msgspec.json.Decoder(EventItem)
_event = msgspec.json.Decoder(EventResource)
_ids = msgspec.json.Decoder(_Id)
_refs = msgspec.json.Decoder(PlaceRef)


class Catalog:
    """Every event in date order (oldest first), the actors, places and tags, from a Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        everything = self._page(EventFilter())
        self.item_bytes = everything.items
        self.items = [_items.decode(item) for item in everything.items]
        self.by_id = {item.id: item for item in self.items}
        self.position = {item.id: n for n, item in enumerate(self.items)}  # in date order
        actors = msgspec.json.decode(store.listing("actors"), type=list[Actor])
        places = msgspec.json.decode(store.listing("places"), type=list[Place])
        self.actors = {a.id: a for a in sorted(actors, key=lambda a: (a.name.casefold(), a.id))}
        self.places = {p.id: p for p in sorted(places, key=lambda p: (p.name.casefold(), p.id))}
        self.tags = msgspec.json.decode(store.listing("tags"), type=list[Tag])

    def _page(self, query: EventFilter) -> store_module.Page:
        limit = max(1, self.store.counts.events)
        return self.store.events(query, sort="date", limit=limit)

    @property
    def revision(self) -> str:
        return self.store.revision

    def event(self, event_id: str) -> EventResource:
        return _event.decode(self.event_json(event_id))

    def event_json(self, event_id: str) -> bytes:
        """The event exactly as ``/api/v1/events/{id}`` serves it."""
        body = self.store.event(event_id)
        if body is None:
            raise KeyError(event_id)
        return body

    def events_json(self) -> bytes:
        """Every event as ``/api/v1/events`` lists them: one page holding all, oldest first."""
        # The Store's items are already encoded; joining them spares decoding and re-encoding
        # every event, and the result is byte for byte what the API's serialiser would write.
        items = b",".join(self.item_bytes)
        return b'{"items":[%b],"total":%d,"next":null}' % (items, len(self.item_bytes))

    def claims_json(self) -> bytes:
        """Every claim as ``/api/v1/claims`` lists them: one page holding all.

        The timeline's actor filter needs it: an actor's events include those where it only
        makes a claim, as on the actor's page and in the API.
        """
        page = self.store.claims(limit=max(1, self.store.counts.claims))
        items = b",".join(page.items)
        return b'{"items":[%b],"total":%d,"next":null}' % (items, page.total)

    def events_of(self, facet: Facet, value: str) -> list[EventItem]:
        """The events with this tag, actor or place (or a place within it), oldest first."""
        query = {
            "tag": EventFilter(tags=(value,)),
            "actor": EventFilter(actors=(value,)),
            "place": EventFilter(places=(value,)),
        }[facet]
        return [self.by_id[_ids.decode(item).id] for item in self._page(query).items]

    def children(self, place_id: str) -> list[PlaceRef]:
        """The places directly within this one, by name."""
        return [_refs.decode(ref) for ref in self.store.children(place_id)]

    def ancestors(self, place_id: str) -> Iterator[Place]:
        """The places that hold this one, nearest first."""
        seen = {place_id}
        parent = self.places[place_id].within
        while parent is not None and parent.id in self.places and parent.id not in seen:
            seen.add(parent.id)
            yield self.places[parent.id]
            parent = self.places[parent.id].within


def open_catalog(events: Path) -> Catalog:
    """The catalog of an events folder; raises :class:`DatasetError` if it has errors.

    This is the one place the site gets its data from.
    """
    return Catalog(Store.open(events))
