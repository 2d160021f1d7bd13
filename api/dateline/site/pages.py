"""The site's generated pages: which there are, and what each one's template is given.

The MkDocs hook (``site/hooks/timeline.py``) is glue: it asks a :class:`Site` for the pages
to add, and for each page's title, template and context. This module decides what a page
says; the templates in ``site/overrides/dateline/`` decide how it looks.

Every page is rendered from the :class:`~dateline.site.catalog.Catalog`, that is from the Store the
API serves. Contributor Markdown goes through :func:`dateline.site.markup.render`; every other text
is plain and is escaped by the templates (they are autoescaped; see the hook's ``on_env``).

Links between generated pages are relative (``../../events/<id>/``), so the built site works
from any folder or sub-path, and MkDocs need not rewrite them.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from markupsafe import Markup

from dateline import dates, formats
from dateline.model import STATUSES, Status
from dateline.resources import (
    ActorResource,
    ClaimResource,
    EventItem,
    EventResource,
    PlaceRef,
    PlaceResource,
    SourceResource,
)
from dateline.site import archive as archive_module
from dateline.site import citation as citation_module
from dateline.site import markup, paging, searchindex
from dateline.site.catalog import Catalog, Facet
from dateline.site.searchindex import SHARD_SIZE
from dateline.site.shell import Fragments, Shells

Kind = Literal[
    "event", "tag", "actor", "place", "tags", "actors", "places", "archive", "year", "month"
]

TEMPLATES: Final[dict[Kind, str]] = {
    "event": "dateline/event.html",
    "tag": "dateline/tag.html",
    "actor": "dateline/actor.html",
    "place": "dateline/place.html",
    "tags": "dateline/index.html",
    "actors": "dateline/index.html",
    "places": "dateline/index.html",
    "archive": "dateline/archive.html",
    "year": "dateline/year.html",
    "month": "dateline/month.html",
}
TIMELINE_TEMPLATE: Final = "dateline/timeline.html"
SHELL_TEMPLATE: Final = "dateline/shell.html"
# Not in the nav, so one chrome fits every page of a kind and depth (dateline/site/shell.py).
SHELLED: Final = frozenset({"event", "tag", "actor", "place", "year", "month"})
INDEXED: Final = frozenset({"event", "actor", "place"})  # the pages the search index holds


# Shown on hover and on keyboard focus next to a marked date (see the `flag` macro).
FLAG_TEXT: Final = {
    "approximate": (
        "approximate",
        "The sources give this date as approximate (“about”); the true date may be earlier "
        "or later.",
    ),
    "uncertain": (
        "uncertain",
        "The sources are not sure of this date; it may be wrong.",
    ),
    "one_of": (
        "one day",
        "It happened on one day in this range, and the sources do not say which; it did not "
        "last the whole range.",
    ),
}
STATUS_TEXT: Final[dict[Status, str]] = {
    "reported": "Reported: one or more sources report it; not independently confirmed.",
    "confirmed": "Confirmed by independent sources.",
    "disputed": "Disputed: parties or sources contradict this account.",
    "retracted": "Retracted: the source withdrew this report, or it was shown to be false.",
}


def root_of(url: str) -> str:
    """The relative path from a page at ``url`` (``events/x/``) back to the site's root."""
    return "../" * url.count("/")


# --- lists of events on a page -------------------------------------------------------------


@dataclass
class Month:
    label: str
    key: str  # YYYY-MM, or YYYY-undated where the month is not known
    items: list[EventItem] = field(default_factory=list)


@dataclass
class Year:
    label: str
    key: str
    months: list[Month] = field(default_factory=list)


def timeline(items: Iterable[EventItem], *, newest_first: bool = True) -> list[Year]:
    """Events (given oldest first) grouped by year and month, in the order asked for."""
    years: list[Year] = []
    by_key: dict[str, Year] = {}
    month_by_key: dict[str, Month] = {}
    for item in items:
        year_key, year_label, month_key, month_label = archive_module.month_of(item)
        if year_key not in by_key:
            by_key[year_key] = Year(label=year_label, key=year_key)
            years.append(by_key[year_key])
        if month_key not in month_by_key:  # looked up: see archive.Archive
            month_by_key[month_key] = Month(label=month_label, key=month_key)
            by_key[year_key].months.append(month_by_key[month_key])
        month_by_key[month_key].items.append(item)
    if newest_first:
        years.reverse()
        for year in years:
            year.months.reverse()
            for month in year.months:
                month.items.reverse()
    return years


# --- options and the places' tree -----------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    depth: int = 0  # places: how deep in the `within` tree, for indenting


def place_tree(places: dict[str, PlaceResource]) -> list[Option]:
    """Every place, each followed by the places within it, by name at every level."""
    children: dict[str | None, list[PlaceResource]] = {}
    for place in places.values():  # already sorted by name
        parent = place.within.id if place.within and place.within.id in places else None
        children.setdefault(parent, []).append(place)
    options: list[Option] = []
    stack: list[tuple[PlaceResource, int]] = [(p, 0) for p in reversed(children.get(None, []))]
    seen: set[str] = set()
    while stack:
        place, depth = stack.pop()
        if place.id in seen:  # a cycle cannot get past `check`; never loop on one anyway
            continue
        seen.add(place.id)
        options.append(Option(place.id, place.name, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(place.id, [])))
    return options


@dataclass(frozen=True)
class Filters:
    statuses: list[Option]  # the one facet with a fixed, short list; the others are typed


# --- event pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimView:
    claim: ClaimResource
    figure: str | None  # "at least 1,500 people"
    source: SourceResource | None


@dataclass(frozen=True)
class Related:
    item: EventItem
    direction: Literal["to", "from", "both"]  # this event lists it, it lists this one, or both


@dataclass(frozen=True)
class EventView:
    event: EventResource
    summary: Markup
    figures: list[ClaimView]
    statements: list[ClaimView]
    related: list[Related]
    actors: list[ActorResource]
    places: list[PlaceResource]
    edit_url: str | None
    json_url: str
    month: archive_module.Month  # the archive month it is filed under
    month_url: str  # the archive page it is on, relative to the site's root
    citation: citation_module.Citation
    cite_url: str  # its CSL-JSON
    published: str  # the record's first_published, as a day in words
    modified: str  # its last_modified, so


@dataclass(frozen=True)
class Listing:
    """One page of a list of events: its events grouped by year and month, and its pager."""

    count: int
    years: list[Year]
    pager: paging.Pager


@dataclass(frozen=True)
class TagView:
    tag: str
    listing: Listing


@dataclass(frozen=True)
class ActorView:
    actor: ActorResource
    listing: Listing


@dataclass(frozen=True)
class PlaceView:
    place: PlaceResource
    ancestors: list[PlaceResource]
    children: list[PlaceRef]
    osm_url: str | None
    listing: Listing


@dataclass(frozen=True)
class IndexEntry:
    url: str
    label: str
    count: int
    note: str = ""
    depth: int = 0


@dataclass(frozen=True)
class IndexView:
    entries: Sequence[IndexEntry]
    pager: paging.Pager


@dataclass(frozen=True)
class MonthView:
    month: archive_module.Month
    year: archive_module.Year | None  # None: "start not known"
    listing: Listing


@dataclass(frozen=True)
class Latest:
    item: EventItem
    line: str  # the summary's first sentence, as plain text


def osm_url(lat: float | None, lon: float | None) -> str | None:
    """A plain link to the point on openstreetmap.org (no tiles are loaded by the site)."""
    if lat is None or lon is None:
        return None
    query = urllib.parse.urlencode({"mlat": f"{lat:g}", "mlon": f"{lon:g}"})
    return f"https://www.openstreetmap.org/?{query}#map=12/{lat:g}/{lon:g}"


# --- the site ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One generated page: its kind, the record it shows ("" for an index) and its page."""

    kind: Kind
    key: str
    page: int = 1


@dataclass(frozen=True)
class Settings:
    """What the site needs to know besides the data (from ``mkdocs.yml``)."""

    name: str = "Dateline"  # the site's name (`site_name`)
    site_url: str | None = None  # the site's address (`site_url`): canonical links, feeds
    edit_base: str | None = None  # e.g. https://github.com/o/r/edit/main/ ; None: no links
    shard_size: int = SHARD_SIZE  # pages per search index shard (dateline/searchindex.py)
    page_size: int = 100  # events on a page of any list (archive month, tag, actor, place)
    index_size: int = 500  # entries on a page of the tags, actors and places indexes
    latest: int = 20  # events the home page shows, newest first
    axis_marks: int = 300  # the most events the time axis draws one by one (else it counts)
    map_tiles: str | None = None  # a tile server's URL template; None: the shipped outlines
    map_attribution: str = ""  # what the tile server asks to be credited with


# The folder of each kind's pages, relative to the site's root.
_BASES: Final[dict[Kind, str]] = {
    "tag": "tags",
    "actor": "actors",
    "place": "places",
    "tags": "tags",
    "actors": "actors",
    "places": "places",
}


class Site:
    """The generated pages of one catalog, and the context each page's template gets."""

    def __init__(self, catalog: Catalog, settings: Settings | None = None) -> None:
        self.catalog = catalog
        self.settings = settings or Settings()
        self.archive = archive_module.Archive(catalog.items, self.settings.page_size)
        self.shell = Shells()  # the templates' `shell()`: see dateline/site/shell.py
        self.listed = Fragments()  # and their `listed(...)`
        self.specs: dict[str, Spec] = {}
        size, index_size = self.settings.page_size, self.settings.index_size
        for item in catalog.items:
            self.specs[f"events/{item.id}.md"] = Spec("event", item.id)
        self._paged("tags", "", len(catalog.tags), index_size)
        for tag in catalog.tags:
            self._paged("tag", tag.id, tag.event_count, size)
        self._paged("actors", "", len(catalog.actors), index_size)
        for actor in catalog.actors.values():
            self._paged("actor", actor.id, actor.event_count, size)
        self._paged("places", "", len(catalog.places), index_size)
        for place in catalog.places.values():
            self._paged("place", place.id, place.event_count, size)
        self.specs["archive/index.md"] = Spec("archive", "")
        for year in self.archive.dated_years:
            self.specs[f"{year.base}/index.md"] = Spec("year", year.key)
        for month in self.archive.months.values():
            for number in range(1, paging.page_count(len(month.items), size) + 1):
                self.specs[paging.src_uri(month.base, number)] = Spec("month", month.key, number)

        indexed = len(self.indexed_pages())
        self.search_bundles = searchindex.bundles(indexed, self.settings.shard_size)

    def _paged(self, kind: Kind, key: str, total: int, size: int) -> None:
        base = self.base(kind, key)
        for number in range(1, paging.page_count(total, size) + 1):
            self.specs[paging.src_uri(base, number)] = Spec(kind, key, number)

    @staticmethod
    def base(kind: Kind, key: str) -> str:
        """The address of the first page of a record's (or an index's) list, without a slash."""
        folder = _BASES[kind]
        return f"{folder}/{key}" if key else folder

    def indexed(self, src_uri: str) -> bool:
        """Whether the search index holds this page."""
        spec = self.specs.get(src_uri)
        return spec is not None and _indexed(spec)

    def indexed_pages(self) -> list[str]:
        """The ``src_uri`` of every page the search index holds, in order."""
        return [src_uri for src_uri, spec in self.specs.items() if _indexed(spec)]

    def sources(self) -> Iterator[str]:
        """The ``src_uri`` of every generated page (they do not exist in ``docs_dir``)."""
        return iter(self.specs)

    def title(self, spec: Spec) -> str:
        """The page's title as plain text (the hook escapes it for Material's templates)."""
        catalog = self.catalog
        match spec.kind:
            case "event":
                return catalog.by_id[spec.key].title
            case "tag":
                title = f"Tag: {spec.key}"
            case "actor":
                title = catalog.actors[spec.key].name
            case "place":
                title = catalog.places[spec.key].name
            case "archive":
                return "Archive"
            case "year":
                return f"Archive: {int(spec.key)}"
            case "month":
                title = f"Archive: {self.archive.months[spec.key].label}"
            case _:
                title = spec.kind.capitalize()
        return title if spec.page == 1 else f"{title}, page {spec.page}"

    def description(self, spec: Spec) -> str | None:
        """What a link preview and a search engine show under the title: for an event, its
        date in words and the first sentence of its summary."""
        if spec.kind == "event":
            item = self.catalog.by_id[spec.key]
            line = markup.first_sentence(self._event(spec.key).summary)
            return f"{item.date.label}. {line}"
        return None

    def context(self, spec: Spec, url: str) -> dict[str, Any]:
        """What the page's template gets as ``dateline``, ``root`` and ``flag_text``."""
        root = root_of(url)
        catalog = self.catalog
        view: Any
        match spec.kind:
            case "event":
                view = self.event(spec.key, root)
            case "tag":
                view = TagView(spec.key, self._listing(spec))
            case "actor":
                view = ActorView(catalog.actors[spec.key], self._listing(spec))
            case "place":
                view = self.place(spec)
            case "archive":
                view = self.archive
            case "year":
                view = self.archive.by_key[spec.key]
            case "month":
                view = self.month(spec)
            case _:
                view = self.index(spec)
        return {
            "dateline": view,
            "dateline_kind": spec.kind,
            "dateline_key": spec.key,
            "dateline_template": TEMPLATES[spec.kind],
            **self.common(root),
        }

    def template(self, spec: Spec) -> str:
        """The template MkDocs renders the page with (the shell, for the pages it fits)."""
        return SHELL_TEMPLATE if spec.kind in SHELLED else TEMPLATES[spec.kind]

    def common(self, root: str) -> dict[str, Any]:
        """What every Dateline template needs, generated or hand-written."""
        return {
            "root": root,
            "catalog": self.catalog,
            "flag_text": FLAG_TEXT,
            "status_text": STATUS_TEXT,
            "search_bundles": self.search_bundles,
            "page_size": self.settings.page_size,
            "lang_of": markup.lang_of,
            "settings": self.settings,
        }

    def home(self) -> dict[str, Any]:
        """The home page: the newest events, the filters' options, the dataset's introduction
        and the archive's years."""
        catalog = self.catalog
        intro = catalog.introduction
        newest = catalog.items[: -self.settings.latest - 1 : -1]
        return {
            "introduction": markup.render(intro, top=2) if intro is not None else None,
            "latest": [
                Latest(item, markup.first_sentence(catalog.event(item.id).summary))
                for item in newest
            ],
            "archive": self.archive,
            "filters": Filters(statuses=[Option(s, s.capitalize()) for s in STATUSES]),
            **self.common(""),
        }

    # -- views

    def event(self, event_id: str, root: str) -> EventView:
        catalog = self.catalog
        event = self._event(event_id)
        claims = [
            ClaimView(
                claim=claim,
                figure=formats.figure_text(claim.figure) if claim.figure is not None else None,
                source=_source(event.sources, claim.source),
            )
            for claim in event.claims
        ]
        month, _ = self.archive.page_of(event_id)
        return EventView(
            event=event,
            summary=markup.render(event.summary),
            figures=[c for c in claims if c.figure is not None],
            statements=[c for c in claims if c.figure is None],
            related=self._related(event),
            actors=[catalog.actors[a.id] for a in event.actors if a.id in catalog.actors],
            places=[catalog.places[p.id] for p in event.places if p.id in catalog.places],
            edit_url=(self.settings.edit_base + event.file if self.settings.edit_base else None),
            json_url=f"{root}data/events/{event.id}.json",
            month=month,
            month_url=self.archive.page_url(event_id),
            citation=citation_module.cite(event, self.settings.name, self.settings.site_url),
            cite_url=f"{root}{citation_module.FOLDER}/{event.id}.json",
            published=dates.parse(event.first_published[:10]).label,
            modified=dates.parse(event.last_modified[:10]).label,
        )

    @functools.lru_cache(maxsize=2)  # noqa: B019  # asked for the page's description, then its context
    def _event(self, event_id: str) -> EventResource:
        return self.catalog.event(event_id)

    def _related(self, event: EventResource) -> list[Related]:
        directions: dict[str, Literal["to", "from", "both"]] = {}
        for other in event.related:
            directions[other] = "to"
        for other in event.related_by:
            directions[other] = "both" if other in directions else "from"
        found = [
            Related(self.catalog.by_id[i], d)
            for i, d in directions.items()
            if i in self.catalog.by_id
        ]
        return sorted(found, key=lambda r: self.catalog.position[r.item.id])

    @functools.lru_cache(maxsize=4)  # noqa: B019  # a record's pages are rendered in a row
    def events_of(self, kind: Kind, key: str) -> list[EventItem]:
        """A record's events, newest first."""
        facet: Facet = kind  # type: ignore[assignment]
        return self.catalog.events_of(facet, key)[::-1]

    def _listing(self, spec: Spec) -> Listing:
        events = self.events_of(spec.kind, spec.key)
        return self._page(events, self.base(spec.kind, spec.key), spec.page)

    def _page(self, newest_first: Sequence[EventItem], base: str, number: int) -> Listing:
        size = self.settings.page_size
        chunk = paging.entries(newest_first, number, size)
        return Listing(
            count=len(newest_first),
            years=timeline(chunk[::-1]),
            pager=paging.pager(base, number, len(newest_first), size),
        )

    def place(self, spec: Spec) -> PlaceView:
        catalog = self.catalog
        place = catalog.places[spec.key]
        return PlaceView(
            place=place,
            ancestors=list(catalog.ancestors(spec.key)),
            children=catalog.children(spec.key),
            osm_url=osm_url(place.lat, place.lon),
            listing=self._listing(spec),
        )

    def month(self, spec: Spec) -> MonthView:
        month = self.archive.months[spec.key]
        year = self.archive.year_of[spec.key]
        return MonthView(
            month=month,
            year=year if year.key != archive_module.UNDATED else None,
            listing=self._page(self.archive.newest_first(month), month.base, spec.page),
        )

    def index(self, spec: Spec) -> IndexView:
        entries = self._index_entries(spec.kind)
        size = self.settings.index_size
        chunk = paging.entries(entries, spec.page, size)
        base = self.base(spec.kind, "")
        return IndexView(chunk, paging.pager(base, spec.page, len(entries), size))

    @functools.lru_cache(maxsize=3)  # noqa: B019  # one list per index, its pages in a row
    def _index_entries(self, kind: Kind) -> list[IndexEntry]:
        """Every entry of an index; ``url`` is relative to the site's root."""
        catalog = self.catalog
        if kind == "tags":
            return [IndexEntry(f"tags/{t.id}/", t.id, t.event_count) for t in catalog.tags]
        if kind == "actors":
            return [
                IndexEntry(f"actors/{a.id}/", a.name, a.event_count, a.kind.replace("-", " "))
                for a in catalog.actors.values()
            ]
        return [
            IndexEntry(
                f"places/{o.value}/",
                o.label,
                catalog.places[o.value].event_count,
                catalog.places[o.value].kind.replace("-", " "),
                o.depth,
            )
            for o in place_tree(catalog.places)
        ]


def _indexed(spec: Spec) -> bool:
    """Whether the search index holds a page: a record's own page, not its list's others."""
    return spec.kind in INDEXED and spec.page == 1


def _source(sources: Sequence[SourceResource], number: int | None) -> SourceResource | None:
    if number is None or not 1 <= number <= len(sources):
        return None
    return sources[number - 1]


__all__ = [
    "TEMPLATES",
    "TIMELINE_TEMPLATE",
    "ClaimView",
    "EventView",
    "Filters",
    "Listing",
    "Month",
    "Option",
    "PlaceView",
    "Related",
    "Settings",
    "Site",
    "Spec",
    "Year",
    "osm_url",
    "place_tree",
    "root_of",
    "timeline",
]
