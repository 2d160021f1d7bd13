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
from dateline.site import markup, searchindex
from dateline.site.catalog import Catalog
from dateline.site.searchindex import SHARD_SIZE
from dateline.site.shell import Fragments, Shells

Kind = Literal["event", "tag", "actor", "place", "tags", "actors", "places"]

TEMPLATES: Final[dict[Kind, str]] = {
    "event": "dateline/event.html",
    "tag": "dateline/tag.html",
    "actor": "dateline/actor.html",
    "place": "dateline/place.html",
    "tags": "dateline/index.html",
    "actors": "dateline/index.html",
    "places": "dateline/index.html",
}
TIMELINE_TEMPLATE: Final = "dateline/timeline.html"
SHELL_TEMPLATE: Final = "dateline/shell.html"
SHELLED: Final = frozenset({"event", "tag", "actor", "place"})  # not in the nav: one chrome each
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


# --- the timeline ------------------------------------------------------------------------


@dataclass
class Month:
    label: str
    key: str  # YYYY-MM, or YYYY-00 where the month is not known
    items: list[EventItem] = field(default_factory=list)


@dataclass
class Year:
    label: str
    key: str
    months: list[Month] = field(default_factory=list)


_FINE: Final = frozenset({"month", "day", "minute", "second"})


def _bucket(item: EventItem) -> tuple[str, str, str, str]:
    """(year key, year label, month key, month label) of an event on the timeline.

    Events are placed by the start of their span, which is what they are sorted by, so the
    groups come out in order. An event known only to a year or coarser goes under "month not
    known"; one with no known start under "start not known", before everything else.
    """
    date = item.date
    if date.start is None:
        return ("0000", "Start not known", "0000-00", "Start not known")
    year, month = date.start[:4], date.start[5:7]
    year_label = str(int(year))
    if date.precision not in _FINE:
        return (year, year_label, f"{year}-00", f"{year_label}, month not known")
    return (year, year_label, f"{year}-{month}", f"{dates.MONTHS[int(month)]} {year_label}")


def timeline(items: Iterable[EventItem], *, newest_first: bool = True) -> list[Year]:
    """Events (given oldest first) grouped by year and month, in the order asked for."""
    years: list[Year] = []
    for item in items:
        year_key, year_label, month_key, month_label = _bucket(item)
        if not years or years[-1].key != year_key:
            years.append(Year(label=year_label, key=year_key))
        months = years[-1].months
        if not months or months[-1].key != month_key:
            months.append(Month(label=month_label, key=month_key))
        months[-1].items.append(item)
    if newest_first:
        years.reverse()
        for year in years:
            year.months.reverse()
            for month in year.months:
                month.items.reverse()
    return years


# --- filter options ------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    depth: int = 0  # places: how deep in the `within` tree, for indenting
    within: str = ""  # places: the parent's id, so the filter can include the places within


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
        parent = place.within.id if place.within else ""
        options.append(Option(place.id, place.name, depth, parent))
        stack.extend((child, depth + 1) for child in reversed(children.get(place.id, [])))
    return options


@dataclass(frozen=True)
class Filters:
    tags: list[Option]
    actors: list[Option]
    places: list[Option]
    statuses: list[Option]


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


@dataclass(frozen=True)
class TagView:
    count: int
    years: list[Year]


@dataclass(frozen=True)
class ActorView:
    actor: ActorResource
    years: list[Year]


@dataclass(frozen=True)
class PlaceView:
    place: PlaceResource
    ancestors: list[PlaceResource]
    children: list[PlaceRef]
    osm_url: str | None
    years: list[Year]


@dataclass(frozen=True)
class IndexEntry:
    url: str
    label: str
    count: int
    note: str = ""
    depth: int = 0


def osm_url(lat: float | None, lon: float | None) -> str | None:
    """A plain link to the point on openstreetmap.org (no tiles are loaded by the site)."""
    if lat is None or lon is None:
        return None
    query = urllib.parse.urlencode({"mlat": f"{lat:g}", "mlon": f"{lon:g}"})
    return f"https://www.openstreetmap.org/?{query}#map=12/{lat:g}/{lon:g}"


# --- the site ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One generated page: what kind it is and which record it shows ("" for an index)."""

    kind: Kind
    key: str


@dataclass(frozen=True)
class Settings:
    """What the site needs to know besides the data (from ``mkdocs.yml``)."""

    edit_base: str | None = None  # e.g. https://github.com/o/r/edit/main/ ; None: no links
    shard_size: int = SHARD_SIZE  # pages per search index shard (dateline/searchindex.py)


class Site:
    """The generated pages of one catalog, and the context each page's template gets."""

    def __init__(self, catalog: Catalog, settings: Settings | None = None) -> None:
        self.catalog = catalog
        self.settings = settings or Settings()
        self.shell = Shells()  # the templates' `shell()`: see dateline/site/shell.py
        self.listed = Fragments()  # and their `listed(...)`
        self.specs: dict[str, Spec] = {}
        for item in catalog.items:
            self.specs[f"events/{item.id}.md"] = Spec("event", item.id)
        self.specs["tags/index.md"] = Spec("tags", "")
        for tag in catalog.tags:
            self.specs[f"tags/{tag.id}.md"] = Spec("tag", tag.id)
        self.specs["actors/index.md"] = Spec("actors", "")
        for actor_id in catalog.actors:
            self.specs[f"actors/{actor_id}.md"] = Spec("actor", actor_id)
        self.specs["places/index.md"] = Spec("places", "")
        for place_id in catalog.places:
            self.specs[f"places/{place_id}.md"] = Spec("place", place_id)

        indexed = sum(1 for spec in self.specs.values() if spec.kind in INDEXED)
        self.search_bundles = searchindex.bundles(indexed, self.settings.shard_size)

    def indexed(self, src_uri: str) -> bool:
        """Whether the search index holds this page."""
        spec = self.specs.get(src_uri)
        return spec is not None and spec.kind in INDEXED

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
                return f"Tag: {spec.key}"
            case "actor":
                return catalog.actors[spec.key].name
            case "place":
                return catalog.places[spec.key].name
            case _:
                return spec.kind.capitalize()

    def description(self, spec: Spec) -> str | None:
        if spec.kind == "event":
            item = self.catalog.by_id[spec.key]
            return f"{item.date.label}: {item.title}"
        return None

    def context(self, spec: Spec, url: str) -> dict[str, Any]:
        """What the page's template gets as ``dateline``, ``root`` and ``flag_text``."""
        root = root_of(url)
        view: Any
        match spec.kind:
            case "event":
                view = self.event(spec.key, root)
            case "tag":
                events = self.catalog.events_of("tag", spec.key)
                view = TagView(count=len(events), years=timeline(events))
            case "actor":
                view = ActorView(
                    actor=self.catalog.actors[spec.key],
                    years=timeline(self.catalog.events_of("actor", spec.key)),
                )
            case "place":
                view = self.place(spec.key)
            case _:
                view = self.index(spec.kind)
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
        }

    def home(self) -> dict[str, Any]:
        """The timeline page: the dataset's introduction, every event (newest first), and the
        filters' options."""
        catalog = self.catalog
        intro = catalog.introduction
        return {
            "introduction": markup.render(intro, top=2) if intro is not None else None,
            "timeline": timeline(catalog.items),
            "filters": Filters(
                tags=[Option(t.id, f"{t.id} ({t.count})") for t in catalog.tags],
                actors=[Option(a.id, a.name) for a in catalog.actors.values() if a.event_count],
                places=place_tree(catalog.places),
                statuses=[Option(s, s.capitalize()) for s in STATUSES],
            ),
            **self.common(""),
        }

    # -- views

    def event(self, event_id: str, root: str) -> EventView:
        catalog = self.catalog
        event = catalog.event(event_id)
        claims = [
            ClaimView(
                claim=claim,
                figure=formats.figure_text(claim.figure) if claim.figure is not None else None,
                source=_source(event.sources, claim.source),
            )
            for claim in event.claims
        ]
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
        )

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

    def place(self, place_id: str) -> PlaceView:
        catalog = self.catalog
        place = catalog.places[place_id]
        return PlaceView(
            place=place,
            ancestors=list(catalog.ancestors(place_id)),
            children=catalog.children(place_id),
            osm_url=osm_url(place.lat, place.lon),
            years=timeline(catalog.events_of("place", place_id)),
        )

    def index(self, kind: Kind) -> list[IndexEntry]:
        catalog = self.catalog
        if kind == "tags":
            return [IndexEntry(f"{t.id}/", t.id, t.count) for t in catalog.tags]
        if kind == "actors":
            return [
                IndexEntry(f"{a.id}/", a.name, a.event_count, a.kind.replace("-", " "))
                for a in catalog.actors.values()
            ]
        return [
            IndexEntry(
                f"{o.value}/",
                o.label,
                catalog.places[o.value].event_count,
                catalog.places[o.value].kind.replace("-", " "),
                o.depth,
            )
            for o in place_tree(catalog.places)
        ]


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
