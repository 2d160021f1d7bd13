"""What a build of the site made, and from what: the record the next build compares with.

A build keeps a manifest beside its output (``build/site.manifest`` for ``build/site``): a
fingerprint of the inputs of every generated page, a digest of every event's record, the
records each event is listed under, the pages of each search bundle and the hashes of the
pages' inline scripts. The next build, when nothing but the events changed (the same site
sources, configuration and settings: :attr:`Manifest.key`), renders only the pages whose
fingerprint changed, writes only the changed events' files and indexes only the search
bundles that hold a changed page (:mod:`dateline.site.builder` says how the output is
updated). Tests build both ways after random edits and compare every file.

A page's fingerprint digests what its template is given, without rendering it:

* an event's page: its record, the list entries of its related events, the names of its actors
  and places (not their counts, which its page does not show), and its archive page;
* a tag's, actor's or place's list page: the record, the entries on that page, how many there
  are; a place's also its ancestors and the places within it. Finding a record's events is a
  query, so only the records a changed event is (or was) listed under are looked at again;
  any change to the actors or places themselves makes every record be looked at;
* the indexes and the archive: their entries and counts.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence, Set
from pathlib import Path
from typing import Any, Final

import msgspec

from dateline.resources import EventItem
from dateline.site import paging
from dateline.site.pages import Site, Spec

_encode: Final = msgspec.msgpack.Encoder().encode
RECORDS_AT_ONCE: Final = 1000  # records read from the Store at a time


class Manifest(msgspec.Struct, frozen=True):
    key: str  # the site's sources, configuration, settings and search bundles; not the events
    pages: dict[str, str]  # src_uri -> fingerprint
    events: dict[str, str]  # event id -> digest of its record (its files in data/)
    # event id -> the records it is listed under, "tag:x\nactor:y\nplace:z" (one string, not a
    # list: a list per event was most of the time to read a manifest of 100,000 events)
    refs: dict[str, str]
    entities: str  # digest of every actor and place, without their counts
    positions: dict[str, str]  # event id -> the archive page it is on ("2026-01 2")
    bundles: list[list[str]]  # the pages (dest_uri) of each search bundle, in order
    scripts: list[str]  # the hashes of the pages' inline scripts (the CSP)


def path_of(out: Path) -> Path:
    """Where the manifest of a build into ``out`` is kept: beside it."""
    return out.with_name(out.name + ".manifest")


def load(path: Path) -> Manifest | None:
    """The manifest at ``path``, or None if there is none or it cannot be read (then the next
    build is a full one)."""
    try:
        return msgspec.msgpack.decode(path.read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None


def save(manifest: Manifest, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(_encode(manifest))
    partial.replace(path)


def dest_of(src_uri: str) -> str:
    """A generated page's file in the output (``events/x.md`` -> ``events/x/index.html``), as
    MkDocs names it with directory URLs. (String operations: pathlib took a tenth of an
    update's time at 10,000 events, and this is done for every page, twice, in an update.)"""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


def digest(*parts: Any) -> str:
    return hashlib.blake2b(_encode(parts), digest_size=16).hexdigest()


class _Links(msgspec.Struct):
    """What of an event's record says where else it appears (the rest is skipped unread)."""

    tags: list[str]
    actors: list[_Id]
    places: list[_Id]
    claims: list[_Claim]
    related: list[str]
    related_by: list[str]


class _Id(msgspec.Struct):
    id: str


class _Claim(msgspec.Struct):
    by: _Id


_links: Final = msgspec.json.Decoder(_Links)


class Fingerprints:
    """The fingerprints of every generated page of a :class:`Site`, given the last build's
    manifest (or None)."""

    def __init__(self, site: Site, previous: Manifest | None) -> None:
        self.site = site
        catalog = site.catalog
        # The Store keeps each record's digest: only the changed records are read (reading
        # and digesting every one was a third of an update's time at 100,000 events).
        self.events = catalog.store.record_digests()  # in date order
        ids = list(self.events)
        before = previous.events if previous is not None else {}
        # new, changed or gone since the last build
        self.changed = {
            i for i in self.events.keys() | before.keys() if self.events.get(i) != before.get(i)
        }
        # the events whose records the build writes to data/, in date order (`records`)
        self.written = [i for i in ids if i in self.changed]
        self._items: dict[str, str | None] = {}  # digests of list entries: see item()
        self._pages_of: dict[tuple[str, str], set[int]] = {}  # see _changed_pages
        # Names only: an event's page shows its actors' and places' names, not their counts.
        self.names = {
            **{f"actor:{a.id}": digest(a.name, a.aliases) for a in catalog.actors.values()},
            **{f"place:{p.id}": digest(p.name, p.aliases) for p in catalog.places.values()},
        }
        self.entities = digest(
            [msgspec.structs.replace(a, event_count=0) for a in catalog.actors.values()],
            [msgspec.structs.replace(p, event_count=0) for p in catalog.places.values()],
        )
        self.tags = {t.id: t for t in catalog.tags}
        self.previous = previous
        # What an event's record says of where else it appears: read from every record on a
        # first build, or when an actor or place changed (the places holding a place are in
        # its refs); else from the changed records only, the others' refs being the last
        # build's (decoding every record was a third of an update's time at 100,000 events).
        known = previous is not None and previous.entities == self.entities
        self.links = {i: _links.decode(r) for i, r in self._read(self.written if known else ids)}
        kept = previous.refs if previous is not None else {}
        self.refs = {
            i: "\n".join(self._refs_of(self.links[i])) if i in self.links else kept[i] for i in ids
        }
        self.positions = {i: _position(*site.archive.page_of(i)) for i in ids}
        self.touched = self._touched(previous)
        self.recheck = self._recheck() if known else None
        if self.recheck is not None:  # their pages' fingerprints need their links
            self._read_links(self.recheck)

    def records(self) -> Iterator[tuple[str, bytes]]:
        """The records the build writes to data/ (new or changed: every one in a full build),
        in date order, with their ids."""
        return self._read(self.written)

    def _read(self, ids: list[str]) -> Iterator[tuple[str, bytes]]:
        """The records of ``ids``, read from the Store `RECORDS_AT_ONCE` at a time: every one
        at once was 218 MB at 100,000 events, held for the whole build."""
        store = self.site.catalog.store
        for start in range(0, len(ids), RECORDS_AT_ONCE):
            chunk = ids[start : start + RECORDS_AT_ONCE]
            yield from zip(chunk, store.event_records(chunk), strict=True)

    def item(self, event_id: str) -> str | None:
        """The digest of an event's list entry (its item's bytes); None if there is no such
        event. Made when first asked for: few are, in an incremental build."""
        if event_id not in self._items:
            catalog = self.site.catalog
            n = catalog.position.get(event_id)
            self._items[event_id] = None if n is None else digest(catalog.item_bytes[n])
        return self._items[event_id]

    def _refs_of(self, links: _Links) -> list[str]:
        catalog = self.site.catalog
        refs = [f"tag:{t}" for t in links.tags]
        refs += sorted({f"actor:{a.id}" for a in [*links.actors, *(c.by for c in links.claims)]})
        places: set[str] = set()
        for place in links.places:
            places.add(place.id)
            places.update(p.id for p in catalog.ancestors(place.id))
        return refs + [f"place:{p}" for p in sorted(places)]

    def _recheck(self) -> set[str]:
        """The events whose pages may have changed: the changed ones, those their pages list
        as related (whose pages show their entries), and those now on another archive page;
        every other event's page has the last build's fingerprint."""
        assert self.previous is not None
        ids = set(self.links)
        for links in self.links.values():
            ids.update(links.related)
            ids.update(links.related_by)
        before = self.previous.positions
        ids.update(i for i, position in self.positions.items() if before.get(i) != position)
        return ids

    def _read_links(self, ids: set[str]) -> None:
        """Decode the links of those of ``ids`` that are events and not decoded yet."""
        missing = [i for i in ids if i not in self.links and i in self.events]
        self.links.update((i, _links.decode(r)) for i, r in self._read(missing))

    def _touched(self, previous: Manifest | None) -> set[str] | None:
        """The records whose list pages may have changed; None: every one."""
        if previous is None or previous.entities != self.entities:
            return None
        touched: set[str] = set()
        for event_id in self.changed:
            for refs in (self.refs.get(event_id), previous.refs.get(event_id)):
                touched.update(refs.split("\n") if refs else ())
        return touched

    def pages(self) -> dict[str, str]:
        before = self.previous.pages if self.previous is not None else {}
        found: dict[str, str] = {}
        for src_uri, spec in self.site.specs.items():
            kept = before.get(src_uri)
            found[src_uri] = kept if kept is not None and self._same(spec) else self.page(spec)
        return found

    def _same(self, spec: Spec) -> bool:
        """Whether the page of ``spec`` is known to have the last build's fingerprint without
        making it again."""
        match spec.kind:
            case "event":
                return not self._rechecked(spec.key)  # see _recheck
            case "tag" | "actor" | "place":
                record = f"{spec.kind}:{spec.key}"
                if self.touched is not None and record not in self.touched:
                    return True  # none of its events changed, nor did it
                # its events are those it had, in order: only the pages showing one that
                # changed may differ
                return self.stable and spec.page not in self._changed_pages(spec)
            case "month":
                return self.stable and f"{spec.key} {spec.page}" not in self._moved
            case _:
                return False

    @functools.cached_property
    def in_place(self) -> bool:
        """Whether every event is where the last build had it: none came, went or moved in
        date order."""
        return self.previous is not None and list(self.previous.events) == list(self.events)

    @functools.cached_property
    def stable(self) -> bool:
        """Whether every list of events (a tag's, an actor's, a place's, a month's) holds the
        events it held, in the same order, on the same pages: no event came, went or moved in
        date order, and each changed event is listed under the records it was, and on the same
        archive page (then a list's pages that show no changed event are as they were)."""
        previous = self.previous
        if previous is None or self.touched is None or not self.in_place:
            return False
        return all(
            previous.refs.get(i) == self.refs.get(i)
            and previous.positions.get(i) == self.positions.get(i)
            for i in self.changed
        )

    @functools.cached_property
    def _moved(self) -> set[str]:
        """The archive pages ("2026-01 2") that show a changed event."""
        return {self.positions[i] for i in self.changed if i in self.positions}

    def _changed_pages(self, spec: Spec) -> set[int]:
        """The numbers of the pages of a tag's, actor's or place's list that show a changed
        event."""
        key = (spec.kind, spec.key)
        if key not in self._pages_of:
            events = self.site.events_of(spec.kind, spec.key)  # newest first, as paged
            size = self.site.settings.page_size
            self._pages_of[key] = {
                n // size + 1 for n, item in enumerate(events) if item.id in self.changed
            }
        return self._pages_of[key]

    def _rechecked(self, event_id: str) -> bool:
        return self.recheck is None or event_id in self.recheck

    def page(self, spec: Spec) -> str:
        site, catalog = self.site, self.site.catalog
        match spec.kind:
            case "event":
                links = self.links[spec.key]
                related = [*links.related, *links.related_by]
                month, number = site.archive.page_of(spec.key)
                return digest(
                    spec.kind,
                    self.events[spec.key],
                    [(r, self.item(r)) for r in related],
                    [self.names.get(f"actor:{a.id}") for a in links.actors],
                    [self.names.get(f"place:{p.id}") for p in links.places],
                    month.key,
                    number,
                )
            case "tag" | "actor" | "place":
                events = site.events_of(spec.kind, spec.key)
                return digest(
                    spec,
                    self._record(spec),
                    self._chunk(events, spec.page),
                    len(events),
                )
            case "archive":
                return digest(spec, len(catalog.items), [_year(y) for y in site.archive.years])
            case "year":
                return digest(spec, _year(site.archive.by_key[spec.key]))
            case "month":
                month = site.archive.months[spec.key]
                year = site.archive.year_of[spec.key]
                events = site.archive.newest_first(month)
                return digest(
                    spec,
                    (month.key, month.label, month.base),
                    (year.key, year.label),
                    self._chunk(events, spec.page),
                    len(events),
                )
            case _:
                return digest(spec, site.index(spec))

    def _record(self, spec: Spec) -> Any:
        catalog = self.site.catalog
        if spec.kind == "tag":
            return self.tags[spec.key]
        if spec.kind == "actor":
            return catalog.actors[spec.key]
        return (
            catalog.places[spec.key],
            list(catalog.ancestors(spec.key)),
            catalog.children(spec.key),
        )

    def _chunk(self, newest_first: Sequence[EventItem], number: int) -> list[str | None]:
        chunk = paging.entries(newest_first, number, self.site.settings.page_size)
        return [self.item(item.id) for item in chunk]


def _position(month: Any, number: int) -> str:
    return f"{month.key} {number}"


def _year(year: Any) -> Any:
    months = [(m.key, m.label, m.short, m.base, len(m.items)) for m in year.months]
    return (year.key, year.label, year.base, months)


class Unchanged:
    """What an incremental build knows has not changed since the last build, for the static
    files each made of many events (shards of the filters' rows, of the axis's marks, the
    filters' file per tag, actor and place): the files made only of what has not changed have
    the live site's bytes already, and are neither made nor compared again.

    ``ids``: this build's events in date order; ``in_place``: whether each is where the last
    build had it (:attr:`Fingerprints.in_place`); ``changed``: the events new, changed or
    gone; ``touched``: the refs ("tag:x") of the changed events, before and after, or None if
    the actors or places changed (then every ref may have).
    """

    def __init__(
        self,
        ids: list[str],
        in_place: bool,
        changed: Set[str],
        touched: set[str] | None,
        live: Path,
    ) -> None:
        self.in_place = in_place
        self._changed = sorted(n for n, i in enumerate(ids) if i in changed)
        self.touched = touched if self.in_place else None
        self.live = live

    def run(self, first: int, stop: int) -> bool:
        """Whether positions ``first`` to ``stop - 1`` hold the events they held, none changed."""
        if not self.in_place:
            return False
        at = bisect.bisect_left(self._changed, first)
        return at == len(self._changed) or self._changed[at] >= stop

    def values(self, facet: str) -> set[str] | None:
        """The values of ``facet`` ("tag", "actor", "place") that a changed event had or has;
        None if any may have changed."""
        if self.touched is None or facet not in {"tag", "actor", "place"}:
            return None
        prefix = f"{facet}:"
        return {ref.removeprefix(prefix) for ref in self.touched if ref.startswith(prefix)}

    def files(self, folder: str, facet: str) -> list[str] | None:
        """The files ``<value>.json`` of the live site's ``folder``, one per value of ``facet``,
        whose value no changed event had or has; None if that cannot be known."""
        touched = self.values(facet)
        if touched is None:
            return None
        try:
            names = os.listdir(self.live / folder)
        except OSError:
            return None
        return [n for n in names if n.endswith(".json") and n[: -len(".json")] not in touched]


class Plan:
    """What a build renders and writes: everything, or, given the last build's manifest and the
    site it made (``live``), only what changed since.

    ``key`` digests the site's sources and configuration (from the builder); the plan adds the
    settings and the search bundles, which every page's template is given. A manifest of
    another key, or none, makes the build a full one.
    """

    def __init__(self, site: Site, key: str, previous: Manifest | None, live: Path | None) -> None:
        self.site = site
        self.key = digest(key, site.settings, site.search_bundles)
        usable = previous is not None and previous.key == self.key and live is not None
        self.previous = previous if usable else None
        self.live = live if usable else None
        self.fingerprints = Fingerprints(site, self.previous)
        self.pages = self.fingerprints.pages()
        # What the records say of where else they appear was for the fingerprints only, and
        # is left for the pages' objects to be made in its place (110 MB at 100,000 events).
        self.fingerprints.links.clear()
        before = self.previous.pages if self.previous is not None else {}
        # the pages whose inputs did not change: the live site's copy stays
        self.kept = {src for src, print_ in self.pages.items() if before.get(src) == print_}
        # the events whose files in data/ are written: new or changed records
        self.changed_events = frozenset(self.fingerprints.written)
        found = self.fingerprints
        self.unchanged = (
            Unchanged(list(found.events), found.in_place, found.changed, found.touched, live)
            if self.previous is not None and live is not None
            else None
        )

    @property
    def incremental(self) -> bool:
        return self.previous is not None

    def manifest(self, bundles: list[list[str]], scripts: Iterable[str]) -> Manifest:
        """This build's manifest, once its search bundles and scripts are known."""
        found = self.fingerprints
        return Manifest(
            key=self.key,
            pages=self.pages,
            events=found.events,
            refs=found.refs,
            entities=found.entities,
            positions=found.positions,
            bundles=bundles,
            scripts=sorted(scripts),
        )
