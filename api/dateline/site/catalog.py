"""What the site shows, read from the Store: the compiled data the API serves, no other copy.

The site never reads the events folder itself. :func:`open_catalog` opens (compiling if
needed) the same :class:`~dateline.store.Store` as ``dateline serve``, so the pages, the
site's static JSON and the API cannot disagree: the JSON files are the Store's bytes, written
as they are, and the lists of events per tag, actor and place are the Store's own facet
queries (an actor's events include those where it only makes a claim; a place's include the
places within it), exactly as ``/api/v1/events?actor=...`` answers them.

Pages need Python objects, so the encoded resources are decoded back into the Structs of
:mod:`dateline.resources`, the one family of published shapes.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from dateline import dataset, resources
from dateline.cache import DatasetError, open_store
from dateline.resources import (
    ActorResource,
    EventItem,
    EventResource,
    PlaceRef,
    PlaceResource,
    TagResource,
)
from dateline.store import Store

__all__ = ["Catalog", "DatasetError", "open_catalog"]

Facet = Literal["tag", "actor", "place"]


_items = resources.decoder(EventItem)
_event = resources.decoder(EventResource)
_refs = resources.decoder(PlaceRef)


class Catalog:
    """Every event in date order (oldest first), the actors, places and tags, from a Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.item_bytes = store.items()
        self.items = [_items.decode(item) for item in self.item_bytes]
        self.by_id = {item.id: item for item in self.items}
        self.position = {item.id: n for n, item in enumerate(self.items)}  # in date order
        actors = resources.decoder(list[ActorResource]).decode(store.listing("actors"))
        places = resources.decoder(list[PlaceResource]).decode(store.listing("places"))
        self.actors = {a.id: a for a in sorted(actors, key=lambda a: (a.name.casefold(), a.id))}
        self.places = {p.id: p for p in sorted(places, key=lambda p: (p.name.casefold(), p.id))}
        self.tags = resources.decoder(list[TagResource]).decode(store.listing("tags"))
        self.parents = {p.id: p.within.id if p.within else None for p in places}
        self.introduction = store.introduction()  # the dataset's README.md, as Markdown

    @functools.cached_property
    def spans(self) -> list[tuple[str, str | None, bool]]:
        """Every event's span keys in date order (:meth:`Store.spans`), read once for the
        files that need them all (the filters', the axis's)."""
        return list(self.store.spans())

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
        return resources.listing(self.item_bytes)

    def claims_json(self) -> bytes:
        """Every claim as ``/api/v1/claims`` lists them: one page holding all.

        The timeline's actor filter needs it: an actor's events include those where it only
        makes a claim, as on the actor's page and in the API.
        """
        page = self.store.claims(limit=max(1, self.store.counts.claims))
        return resources.listing(page.items, page.total)

    def events_of(self, facet: Facet, value: str) -> list[EventItem]:
        """The events with this tag, actor or place (or a place within it), oldest first: the
        Store's facet rows, which ``/api/v1/events?tag=`` (``actor``, ``place``) selects by, read
        as positions in date order (reading the events' items was most of rendering a list of
        tens of thousands)."""
        found = next(self.store.members(facet, (value,)), None)
        return [] if found is None else [self.items[n - 1] for n in found.positions]

    def children(self, place_id: str) -> list[PlaceRef]:
        """The places directly within this one, by name."""
        return [_refs.decode(ref) for ref in self.store.children(place_id)]

    def ancestors(self, place_id: str) -> list[PlaceResource]:
        """The places that hold this one, nearest first."""
        chain, _ = dataset.ancestors(self.parents, place_id)
        return [self.places[parent] for parent in chain]


def open_catalog(events: Path, store: Path | None = None) -> Catalog:
    """The catalog of an events folder; raises :class:`DatasetError` if it has errors.
    ``store``: the compiled Store of that folder, if the caller has opened it already.

    This is the one place the site gets its data from.
    """
    return Catalog(Store(store, mapped=False) if store is not None else open_store(events))
