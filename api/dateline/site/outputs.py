"""What a build writes beside the pages: the site's static JSON, its search index, and its
security policy (in each page, and in ``_headers`` for the site: :mod:`dateline.policy`).

MkDocs renders the pages; the hook tells :class:`Outputs` when it starts, hands it each page
to write (:meth:`Outputs.page`), and tells it when it is done. The pages are written by a
child process (:class:`~dateline.site.writer.Sink`), not by MkDocs: creating 14,500 files and
their folders was a tenth of the rendering thread's time at 10,000 events (py-spy), the
kernel's work on a journalling file system, which the child does on another core. Writing a
file per event is mostly waiting on the disk and on SQLite, both of which release the GIL, so
a thread overlaps it with the rendering; Pagefind runs in its own process, shard by shard
(see :mod:`dateline.site.searchindex`).

An incremental build (its :class:`~dateline.site.manifest.Plan`) writes only the changed
events' own files and, of the files made from the whole dataset, those whose bytes changed
(:mod:`dateline.site.writer`); the builder writes its :class:`Downloads` once its pages are
live, and then indexes the search bundles that changed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from dateline import formats, policy, progress
from dateline.resources import EventItem, EventResource
from dateline.site import axisindex, citation, filterindex, sitemap
from dateline.site.manifest import Manifest, Plan, dest_of
from dateline.site.pages import Site
from dateline.site.searchindex import Reindex, SearchIndex
from dateline.site.writer import Sink, Writer
from dateline.store import EventFilter


class _Written(logging.Filter):
    """Leaves out of MkDocs' log the "Page skipped" it says of each page the hook has
    :class:`Outputs` write (it gives MkDocs an empty page, so that MkDocs does not write it).
    One for the process: MkDocs loads the hook module again for every build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Page skipped: ")


WRITTEN: Final = _Written()


@dataclass(frozen=True)
class Stats:
    """What a build did besides the pages, for `dateline build` to report."""

    written_by_hand: int  # the hand-written pages (docs_dir) MkDocs rendered
    search_shards: int
    search_seconds: float  # Pagefind's time, summed over the shards (mostly while rendering)
    search_waited: float  # how long the build waited for Pagefind after the last page
    manifest: Manifest  # what the next build compares with
    previous: Manifest | None  # an incremental build's: the last build's, which it updates
    reindex: Reindex | None  # an incremental build's search bundles, indexed once it is applied
    rendered: int  # generated pages rendered (all of them, unless the build is incremental)
    incremental: bool
    same: frozenset[str]  # an incremental build's files the live site has already
    downloads: Downloads | None  # an incremental build's, written once its pages are live


class Outputs:
    """The static JSON and the search index of one build of a :class:`Site`."""

    def __init__(
        self, site: Site, site_dir: Path, entry: Callable[[EventItem, str], str], plan: Plan
    ) -> None:
        self.site = site
        self.site_dir = site_dir
        self.entry = entry  # an event's list entry, given the event and the way to the root
        self.plan = plan
        indexed = [dest_of(src_uri) for src_uri in site.indexed_pages()]
        self._pages_sink = Sink(site_dir)  # the pages, as MkDocs renders them
        self.search: SearchIndex | Reindex
        if plan.previous is not None and plan.live is not None:
            self.search = Reindex(site_dir, plan.live, plan.previous.bundles, indexed)
        else:
            size = site.settings.shard_size
            self.search = SearchIndex(site_dir, len(indexed), size, sink=self._pages_sink)
        self._pages = progress.Task("Rendering pages", len(site.specs) - len(plan.kept))
        self.writer = Writer(site_dir, plan.live, sink=True)
        self._data = ThreadPoolExecutor(1, thread_name_prefix="dateline-data")
        self._written: Future[None] = self._data.submit(self.write_data)
        # the hashes of every page's inline scripts (an incremental build's pages not rendered
        # again have theirs in the last manifest)
        self._scripts: set[str] = set(plan.previous.scripts if plan.previous else ())
        self._written_by_hand: list[str] = []  # the hand-written pages' addresses

    def secured(self, html: str) -> str:
        """A page (or the 404 page) with its Content-Security-Policy in its ``<head>``."""
        html, hashes = policy.with_meta(html, tiles=self.site.settings.map_tiles)
        self._scripts |= hashes
        return html

    def page(self, src_uri: str, dest_uri: str, html: str) -> None:
        """Write a page MkDocs rendered (with its policy: :meth:`secured`), as MkDocs would."""
        self._pages_sink.file(dest_uri, html.encode("utf-8", errors="xmlcharrefreplace"))
        self.search.page(dest_uri if self.site.indexed(src_uri) else None)
        if src_uri in self.site.specs:
            self._pages.advance()
        else:
            self._written_by_hand.append(address_of(dest_uri))

    def sitemap(self) -> Iterator[sitemap.Entry]:
        """Every page of the site, for its sitemap: the hand-written pages, then the
        generated ones; an event's page with the time its record last changed."""
        for address in self._written_by_hand:
            yield address, None
        modified = {item.id: item.last_modified for item in self.site.catalog.items}
        for src_uri, spec in self.site.specs.items():
            when = modified.get(spec.key) if spec.kind == "event" else None
            yield address_of(dest_of(src_uri)), when

    def finish(self) -> Stats:
        """Wait for the static JSON and the search index; re-raise whatever stopped them."""
        self._pages.close()
        try:
            self._pages_sink.close()  # Pagefind's last shard reads them
            self._written.result()
            if isinstance(self.search, SearchIndex):
                self.search.finish()
        finally:
            self._data.shutdown()
        sitemap.write(self.writer, self.site.settings.site_url, self.sitemap())
        site_policy = policy.site(self._scripts, tiles=self.site.settings.map_tiles)
        self.writer.write(policy.HEADERS_FILE, policy.headers_file(site_policy).encode())
        self.writer.close()
        return Stats(
            written_by_hand=len(self._written_by_hand),
            search_shards=len(self.search.bundles),
            search_seconds=self.search.seconds,
            search_waited=self.search.waited,
            manifest=self.plan.manifest(self.search.members, self._scripts),
            previous=self.plan.previous,
            reindex=self.search if isinstance(self.search, Reindex) else None,
            rendered=len(self.site.specs) - len(self.plan.kept),
            incremental=self.plan.incremental,
            same=frozenset(self.writer.same),
            downloads=self.downloads,
        )

    def abandon(self) -> None:
        """Stop what the build started (it failed): the files' writers."""
        self._pages_sink.abandon()
        self.writer.abandon()

    def write_data(self) -> None:
        """Write the site's static JSON, in the API's shapes, through :attr:`writer`.

        ``data/events/<id>.json`` (each event as ``/api/v1/events/{id}``), each event's
        citation as CSL-JSON (``data/cite/<id>.json``), the filters' index (``data/index/``),
        what the time axis and the map read (``data/axis/``, ``data/map/``), ``robots.txt``;
        and, in a full build, the :class:`Downloads`. An incremental build writes only its
        changed events' files, and the builder writes the downloads once its pages are live.
        """
        catalog, plan, out = self.site.catalog, self.plan, self.writer
        settings = self.site.settings
        for event_id, record in plan.fingerprints.records():
            out.write(f"{EVENTS_FOLDER}/{event_id}.json", record)
            cited = citation.cite(citation.cited(record), settings.name, settings.site_url)
            out.write(f"{citation.FOLDER}/{event_id}.json", cited.csl())
        size, unchanged = filterindex.SHARD_SIZE, plan.unchanged
        filterindex.write(catalog, out, self._entries(), size, unchanged)
        axisindex.write(catalog, out, size, unchanged)
        self.write_robots()
        if not plan.incremental:
            Downloads(self.site).write(out)

    @property
    def downloads(self) -> Downloads | None:
        """An incremental build's downloads, which the builder writes once its pages are live;
        None in a full build, which writes them with the rest."""
        return Downloads(self.site) if self.plan.incremental else None

    def _entries(self) -> Callable[[EventItem], str]:
        """Each event's list entry, with links from the site's root: the last build's for an
        event that did not change (an incremental build), else rendered."""
        plan = self.plan
        kept: filterindex.Entries | dict[str, str] = {}
        if plan.previous is not None and plan.live is not None:
            changed = plan.changed_events
            ids = list(plan.previous.events)  # in the last build's date order
            kept = filterindex.Entries(plan.live, ids, lambda i: i not in changed)

        def entry(item: EventItem) -> str:
            found = kept.get(item.id)
            return found if found is not None else str(self.entry(item, ""))

        return entry

    def write_robots(self) -> None:
        """``robots.txt``: everything may be read; where the sitemap is, if the site knows."""
        lines = ["User-agent: *", "Allow: /"]
        sitemap = _absolute(self.site.settings.site_url, "sitemap.xml")
        if sitemap is not None:
            lines.append(f"Sitemap: {sitemap}")
        self.writer.write("robots.txt", ("\n".join(lines) + "\n").encode())


class Downloads:
    """The files made from the whole dataset for readers and apps to download, in the API's
    shapes and from its one serialiser (``formats``): every event as ``/api/v1/events`` lists
    them (``data/events.json``) and as CSV, GeoJSON and iCalendar; every claim
    (``data/claims.json``); the `FEED_SIZE` most recently changed events
    (``data/events.atom``) and the newest corrections (``data/corrections.atom``). Links go to
    the site's pages when ``site_url`` is set.

    No page reads them, so an incremental build puts its pages on the site first and these
    after, as it does its search bundles: writing them is most of what an update's time grows
    with the events.
    """

    def __init__(self, site: Site) -> None:
        self.site = site

    def write(self, out: Writer) -> None:
        settings, catalog = self.site.settings, self.site.catalog
        link = formats.site_links(settings.site_url)
        out.write(f"data/{FILES['events']}", catalog.events_json())
        out.write(f"data/{FILES['claims']}", catalog.claims_json())
        # Every event decoded at once was 0.8 GB at 100,000 events: the formats are written
        # a batch at a time, each into its file, and the feeds keep only their newest.
        streams: dict[str, formats.TextStream] = {
            "csv": formats.CsvStream(),
            "geojson": formats.GeoJsonStream(link),
            "ics": formats.IcsStream(
                link, skipped=formats.spanless(item.date for item in catalog.items)
            ),
        }
        newest: list[EventResource] = []
        corrected: list[formats.Correction] = []
        with contextlib.ExitStack() as opened:
            files = {f: opened.enter_context(out.streaming(f"data/{FILES[f]}")) for f in streams}
            for fmt, stream in streams.items():
                files[fmt].write(stream.head())
            for events in formats.batches(catalog.store, EventFilter()):
                for fmt, stream in streams.items():
                    files[fmt].write(stream.part(events))
                newest = formats.newest(events, FEED_SIZE, kept=newest)
                corrected = formats.latest_corrections(events, FEED_SIZE, kept=corrected)
            for fmt, stream in streams.items():
                files[fmt].write(stream.tail())
        feed = formats.atom(
            newest,
            link,
            title=f"{settings.name}: latest events",
            self_url=_absolute(settings.site_url, f"data/{FILES['atom']}"),
        )
        out.write(f"data/{FILES['atom']}", feed)
        corrections = formats.corrections_feed(
            corrected,
            link,
            self_url=_absolute(settings.site_url, f"data/{FILES['corrections']}"),
        )
        out.write(f"data/{FILES['corrections']}", corrections)
        # Material's script fetches "sitemap.xml" beside every <link rel="alternate"> of a page
        # (for its language switcher), so the feeds' folder has one: empty, a few bytes,
        # instead of a 404 on every page or the site's whole sitemap.
        out.write("data/sitemap.xml", EMPTY_SITEMAP.encode())


EVENTS_FOLDER: Final = "data/events"  # data/events/<id>.json: each as /api/v1/events/{id}
# The folders of files of one event each: an incremental build writes a changed event's only.
EVENT_FOLDERS: Final = (EVENTS_FOLDER, citation.FOLDER)
EMPTY_SITEMAP: Final = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)
FEED_SIZE: Final = 50  # entries in each static Atom feed
# The downloads, in data/ (the formats' are linked from every page's <head>).
FILES: Final = {
    "events": "events.json",
    "claims": "claims.json",
    "csv": "events.csv",
    "geojson": "events.geojson",
    "ics": "events.ics",
    "atom": "events.atom",
    "corrections": "corrections.atom",
}


# Every file the downloads write, relative to the site.
DOWNLOADS: Final = frozenset({*(f"data/{name}" for name in FILES.values()), "data/sitemap.xml"})


def address_of(dest_uri: str) -> str:
    """A page's address from the site's root, given its file (``about/index.html`` ->
    ``about/``), as MkDocs makes it with directory URLs."""
    return dest_uri.removesuffix("index.html")


def _absolute(site_url: str | None, path: str) -> str | None:
    return None if site_url is None else site_url.rstrip("/") + "/" + path
