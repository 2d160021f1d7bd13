"""What a build writes beside the pages: the site's static JSON and its search index.

MkDocs renders and writes the pages; the hook tells :class:`Outputs` when it starts, as each
page is written, and when it is done. Writing a file per event is mostly waiting on the disk
and on SQLite, both of which release the GIL, so a thread overlaps it with the rendering;
Pagefind runs in its own process, shard by shard (see :mod:`dateline.site.searchindex`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from dateline import formats, progress
from dateline.resources import EventItem
from dateline.site import axisindex, citation, filterindex, sitemap
from dateline.site.pages import Site
from dateline.site.searchindex import SearchIndex
from dateline.store import EventFilter


@dataclass(frozen=True)
class Stats:
    """What a build did besides the pages, for `dateline build` to report."""

    data_files: int
    search_shards: int
    search_seconds: float  # Pagefind's time, summed over the shards (mostly while rendering)
    search_waited: float  # how long the build waited for Pagefind after the last page


class Outputs:
    """The static JSON and the search index of one build of a :class:`Site`."""

    def __init__(self, site: Site, site_dir: Path, entry: Callable[[EventItem, str], str]) -> None:
        self.site = site
        self.site_dir = site_dir
        self.entry = entry  # an event's list entry, given the event and the way to the root
        indexed = sum(1 for src_uri in site.specs if site.indexed(src_uri))
        self.search = SearchIndex(site_dir, indexed, site.settings.shard_size)
        self._pages = progress.Task("Rendering pages", len(site.specs))
        self._data = ThreadPoolExecutor(1, thread_name_prefix="dateline-data")
        self._written: Future[int] = self._data.submit(self.write_data)

    def rendered(self, src_uri: str, dest_uri: str) -> None:
        """Called as MkDocs finishes rendering each page (it writes the page right after)."""
        self.search.page(dest_uri if self.site.indexed(src_uri) else None)
        self._pages.advance()

    def finish(self) -> Stats:
        """Wait for the static JSON and the search index; re-raise whatever stopped them."""
        self._pages.close()
        try:
            files = self._written.result()
            self.search.finish()
        finally:
            self._data.shutdown()
        # MkDocs wrote the sitemap before the pages; past 50,000 addresses it becomes an index.
        files += sitemap.split(self.site_dir, self.site.settings.site_url)
        return Stats(
            data_files=files,
            search_shards=len(self.search.bundles),
            search_seconds=self.search.seconds,
            search_waited=self.search.waited,
        )

    def write_data(self) -> int:
        """Write the site's static JSON, in the API's shapes; return the files written.

        ``data/events.json`` (every event as ``/api/v1/events`` lists them),
        ``data/events/<id>.json`` (each as ``/api/v1/events/{id}``), ``data/claims.json``
        (every claim as ``/api/v1/claims``), the filters' index, ``data/index/``, and what the
        time axis and the map read, ``data/axis/`` and ``data/map/``.
        """
        site_dir, catalog = self.site_dir, self.site.catalog
        # The pages' folders first: creating a folder is the slowest part of writing a page
        # on a journalling file system, and here it happens off the rendering thread.
        for src_uri in self.site.specs:
            path = PurePosixPath(src_uri)
            (site_dir / (path.parent if path.stem == "index" else path.with_suffix(""))).mkdir(
                parents=True, exist_ok=True
            )
        folder = site_dir / "data" / "events"
        folder.mkdir(parents=True, exist_ok=True)
        (site_dir / "data" / "events.json").write_bytes(catalog.events_json())
        (site_dir / "data" / "claims.json").write_bytes(catalog.claims_json())
        for item in catalog.items:
            (folder / f"{item.id}.json").write_bytes(catalog.event_json(item.id))
        index = filterindex.write(
            catalog, site_dir, lambda item: str(self.entry(item, "")), filterindex.SHARD_SIZE
        )
        index += axisindex.write(catalog, site_dir, filterindex.SHARD_SIZE)
        return len(catalog.items) + 2 + index + self.write_formats() + self.write_robots()

    def write_formats(self) -> int:
        """Static copies of the API's other formats, from the one serialiser (``formats``).

        The whole dataset as ``data/events.{csv,geojson,ics}``; the `FEED_SIZE` most recently
        changed events as ``data/events.atom`` and the newest corrections as
        ``data/corrections.atom``; each event's citation as CSL-JSON, ``data/cite/<id>.json``.
        Links go to the site's pages when ``site_url`` is set.
        """
        site_url = self.site.settings.site_url
        link = formats.site_links(site_url)
        selected = formats.select(self.site.catalog.store, EventFilter())
        folder = self.site_dir / "data"
        for fmt in ("csv", "geojson", "ics"):
            name = FILES[fmt]
            (folder / name).write_bytes(formats.render(fmt, selected, link))
        cites = self.site_dir / citation.FOLDER
        cites.mkdir(parents=True, exist_ok=True)
        settings = self.site.settings
        for event in selected.events:
            cited = citation.cite(event, settings.name, settings.site_url)
            (cites / f"{event.id}.json").write_bytes(cited.csl())
        newest = formats.newest(selected.events, FEED_SIZE)
        (folder / FILES["atom"]).write_bytes(
            formats.atom(
                newest,
                link,
                title=f"{self.site.settings.name}: latest events",
                self_url=_absolute(site_url, "data/" + FILES["atom"]),
            )
        )
        (folder / FILES["corrections"]).write_bytes(
            formats.corrections(
                selected.events,
                link,
                limit=FEED_SIZE,
                self_url=_absolute(site_url, "data/" + FILES["corrections"]),
            )
        )
        # Material's script fetches "sitemap.xml" beside every <link rel="alternate"> of a page
        # (for its language switcher), so the feeds' folder has one: empty, a few bytes,
        # instead of a 404 on every page or the site's whole sitemap.
        (folder / "sitemap.xml").write_text(EMPTY_SITEMAP, encoding="utf-8")
        return len(FILES) + 1 + len(selected.events)

    def write_robots(self) -> int:
        """``robots.txt``: everything may be read; where the sitemap is, if the site knows."""
        lines = ["User-agent: *", "Allow: /"]
        sitemap = _absolute(self.site.settings.site_url, "sitemap.xml")
        if sitemap is not None:
            lines.append(f"Sitemap: {sitemap}")
        (self.site_dir / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 1


EMPTY_SITEMAP: Final = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)
FEED_SIZE: Final = 50  # entries in each static Atom feed
# The static copies of the formats, in data/ (linked from every page's <head>).
FILES: Final = {
    "csv": "events.csv",
    "geojson": "events.geojson",
    "ics": "events.ics",
    "atom": "events.atom",
    "corrections": "corrections.atom",
}


def _absolute(site_url: str | None, path: str) -> str | None:
    return None if site_url is None else site_url.rstrip("/") + "/" + path
