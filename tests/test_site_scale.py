"""The site at a size where growth shows: a generated dataset of a few thousand events.

Built once for the module (``large``) with small pages, so that every list, index and archive
month is cut into several: no page may grow with the dataset, every event must be reachable
without JavaScript, and the filters (which read ``data/index/``, never the dataset) must
select exactly what the API selects. The generator is ``benchmarks/generate.py``, the
benchmarks' own; its output passes ``dateline check``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
import sys
import urllib.parse
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import REPO, StaticServer, api_filter, build_site
from dateline.cache import open_store
from dateline.site import filterindex
from dateline.store import EventFilter, Store

pytestmark = pytest.mark.slow

EVENTS = 2500
PAGE_SIZE = 40
INDEX_SIZE = 60
SITE_URL = "https://timeline.example.org/dateline/"
# The targets of the site-scale issue, for any page of the site.
MAX_GZIP = 150_000
MAX_ELEMENTS = 5_000


@pytest.fixture(scope="module")
def large_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large") / "events"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate.py"),
            "--events",
            str(EVENTS),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def large_store(large_events: Path) -> Store:
    return open_store(large_events)


@pytest.fixture(scope="module")
def large(large_events: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large-site") / "site"
    return build_site(
        large_events, out, site_url=SITE_URL, page_size=PAGE_SIZE, index_size=INDEX_SIZE
    )


@pytest.fixture(scope="module")
def large_url(large: Path):  # type: ignore[no-untyped-def]
    server = StaticServer(large)
    yield server.url
    server.close()


def ids(store: Store, query: EventFilter | None = None) -> list[str]:
    """The ids of the events a query selects, oldest first."""
    page = store.events(query or EventFilter(), sort="date", limit=EVENTS + 1)
    return [json.loads(item)["id"] for item in page.items]


class Links(HTMLParser):
    """A page's links, how many elements it has, and how many list entries of each kind."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.elements = 0
        self.events = 0
        self.entries = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        classes = (values.get("class") or "").split()
        self.events += tag == "li" and "dl-event" in classes
        self.entries += tag == "li" and "dl-index__entry" in classes


def pages_of(site: Path) -> dict[str, Path]:
    """Every HTML page of a built site by its address relative to the root ("" for home)."""
    found = {}
    for path in site.rglob("index.html"):
        relative = path.parent.relative_to(site).as_posix()
        found["" if relative == "." else relative + "/"] = path
    return found


# --- bounded pages -------------------------------------------------------------------------


def test_no_page_grows_with_the_dataset(large: Path) -> None:
    pages = pages_of(large)
    assert len(pages) > EVENTS  # an event page each, and the lists' pages
    worst: dict[str, tuple[int, str]] = {}
    for address, path in pages.items():
        data = path.read_bytes()
        links = Links(data.decode("utf-8"))
        figures = {
            "gzip bytes": len(gzip.compress(data)),
            "elements": links.elements,
            "events listed": links.events,
            "index entries": links.entries,
        }
        for name, value in figures.items():
            if value > worst.get(name, (-1, ""))[0]:
                worst[name] = (value, address)
    assert worst["gzip bytes"][0] <= MAX_GZIP, worst
    assert worst["elements"][0] <= MAX_ELEMENTS, worst
    assert worst["events listed"][0] <= PAGE_SIZE + 10, worst  # + related events on a page
    assert worst["index entries"][0] <= INDEX_SIZE, worst


def test_lists_are_cut_into_pages_that_hold_every_event_once(
    large: Path, large_store: Store
) -> None:
    tag = json.loads(large_store.listing("tags"))[0]["id"]  # the most used tag
    want = ids(large_store, EventFilter(tags=(tag,)))[::-1]
    assert len(want) > 2 * PAGE_SIZE
    pages: list[list[str]] = []
    while True:
        number = len(pages) + 1
        address = f"tags/{tag}/" if number == 1 else f"tags/{tag}/page/{number}/"
        path = large / address / "index.html"
        if not path.is_file():
            break
        html = path.read_text(encoding="utf-8")
        body = html[html.index('class="dl-page') :]
        pages.append(re.findall(r'<li class="dl-event[^"]*" data-id="([^"]+)"', body))
    # Page n holds the n-th slice of the list, newest first; on the page they are grouped
    # by month (an event known only to its year is under its year's "month not known").
    for n, listed in enumerate(pages):
        assert sorted(listed) == sorted(want[n * PAGE_SIZE : (n + 1) * PAGE_SIZE]), n
    assert len(pages) == -(-len(want) // PAGE_SIZE)


def test_every_event_is_reachable_without_javascript_in_a_few_clicks(
    large: Path, large_store: Store
) -> None:
    pages = pages_of(large)
    clicks = {"": 0}
    queue = deque([""])
    while queue:
        address = queue.popleft()
        if clicks[address] >= 5:
            continue
        for href in Links(pages[address].read_text(encoding="utf-8")).links:
            target = urllib.parse.urljoin("/" + address, href.split("#")[0].split("?")[0])
            target = target.lstrip("/")
            if target in pages and target not in clicks and not target.startswith("events/"):
                clicks[target] = clicks[address] + 1
                queue.append(target)
            elif target.startswith("events/") and target not in clicks:
                clicks[target] = clicks[address] + 1
    reached = {t.split("/")[1] for t in clicks if t.startswith("events/") and t.count("/") == 2}
    assert reached == set(ids(large_store))
    deepest = max(n for t, n in clicks.items() if t.startswith("events/"))
    assert deepest <= 5  # home, archive, a year, a month, a page of it, the event


# --- addresses, previews, feeds --------------------------------------------------------------


def test_the_sitemap_lists_every_page_and_each_page_names_itself(large: Path) -> None:
    sitemap = (large / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = pages_of(large)
    assert listed == {SITE_URL + address for address in pages}
    for address in ("", "archive/", next(a for a in pages if a.startswith("events/"))):
        html = pages[address].read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{SITE_URL}{address}">' in html
        assert f'<meta property="og:url" content="{SITE_URL}{address}">' in html
        assert '<meta property="og:title" content="' in html
        assert '<meta name="twitter:card" content="summary">' in html
    robots = (large / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots


def test_event_previews_give_the_date_in_words_and_the_summary(large: Path) -> None:
    page = next(iter((large / "events").glob("*/index.html"))).read_text(encoding="utf-8")
    description = re.search(r'<meta property="og:description" content="([^"]+)"', page)
    assert description is not None
    label = re.search(r'<span class="dl-date" data-pagefind-meta="date">([^<]+)</span>', page)
    assert label is not None
    assert description[1].startswith(label[1] + ". ")
    assert len(description[1]) > len(label[1]) + 10


def test_every_page_links_the_static_feeds(large: Path) -> None:
    for address, path in list(pages_of(large).items())[:: max(1, EVENTS // 20)]:
        html = path.read_text(encoding="utf-8")
        for kind, name in [
            ("application/atom+xml", "events.atom"),
            ("application/atom+xml", "corrections.atom"),
            ("text/calendar", "events.ics"),
            ("application/geo+json", "events.geojson"),
            ("text/csv", "events.csv"),
        ]:
            link = re.search(
                rf'<link rel="alternate" type="{re.escape(kind)}"[^>]*'
                rf'href="([^"]*data/{re.escape(name)})"',
                html,
            )
            assert link is not None, (address, name)
            resolved = urllib.parse.urljoin("/" + address, link[1]).lstrip("/")
            assert (large / resolved).is_file(), (address, link[1])


def test_the_static_feeds_parse_with_real_consumers(large: Path, large_store: Store) -> None:
    import feedparser
    import icalendar

    data = large / "data"
    events = feedparser.parse((data / "events.atom").read_bytes())
    assert not events.bozo, events.bozo_exception
    assert len(events.entries) == 50
    assert all(e.link.startswith(SITE_URL + "events/") for e in events.entries)
    corrections = feedparser.parse((data / "corrections.atom").read_bytes())
    assert not corrections.bozo, corrections.bozo_exception
    assert 0 < len(corrections.entries) <= 50
    assert all(e.title.startswith("Correction: ") for e in corrections.entries)
    assert all(":update:" in e.id for e in corrections.entries)

    calendar = icalendar.Calendar.from_ical((data / "events.ics").read_bytes())
    entries = calendar.walk("VEVENT")
    skipped = int(calendar.get("x-dateline-skipped", 0))
    assert len(entries) + skipped == EVENTS
    rows = list(csv.DictReader(io.StringIO((data / "events.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ids(large_store)
    geo = json.loads((data / "events.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) > 0


# --- the filters' index ----------------------------------------------------------------------


def decoded(steps: list[int]) -> list[int]:
    out, at = [], -1
    for step in steps:
        at += step
        out.append(at)
    return out


def test_the_filter_index_holds_the_stores_own_selections(large: Path, large_store: Store) -> None:
    folder = large / filterindex.FOLDER
    order = {event_id: n for n, event_id in enumerate(ids(large_store))}
    queries: dict[str, Any] = {
        "tag": lambda v: EventFilter(tags=(v,)),
        "actor": lambda v: EventFilter(actors=(v,)),
        "place": lambda v: EventFilter(places=(v,)),
        "status": lambda v: EventFilter(statuses=(v,)),
    }
    for facet, query in queries.items():
        files = sorted((folder / facet).glob("*.json"))
        assert files, facet
        for path in files[:: max(1, len(files) // 25)]:  # a sample of each facet's values
            got = decoded(json.loads(path.read_bytes()))
            want = sorted(order[i] for i in ids(large_store, query(path.stem)))
            assert got == want, (facet, path.stem)
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest["total"] == EVENTS
    rows = [
        row
        for k in range(len(manifest["shards"]))
        for row in json.loads((folder / "rows" / f"{k}.json").read_bytes())
    ]
    assert [re.search(r'data-id="([^"]+)"', r[0])[1] for r in rows] == ids(large_store)  # type: ignore[index]


# --- the filters in a browser ----------------------------------------------------------------

QUERIES = [
    {"from": "2020", "to": "2021-06"},
    {"from": "2025-03-10"},
    {"to": "1990"},
    {"status": "disputed", "from": "2010"},
]


def shown(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-dl-list] li[data-id]", "items => items.map(li => li.dataset.id)"
    )


def _facet_queries(store: Store) -> list[dict[str, str]]:
    tags = json.loads(store.listing("tags"))
    actors = sorted(json.loads(store.listing("actors")), key=lambda a: -a["event_count"])
    places = sorted(json.loads(store.listing("places")), key=lambda p: -p["event_count"])
    return [
        {"tag": tags[0]["id"]},
        {"tag": tags[-1]["id"], "status": "reported"},
        {"actor": actors[0]["id"], "from": "2015"},
        {"place": places[0]["id"]},
        {"place": places[0]["id"], "tag": tags[1]["id"], "to": "2024-12-31"},
    ]


def test_filters_select_what_the_api_selects_at_scale(
    browser: Browser, large_url: str, large_store: Store
) -> None:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    for query in QUERIES + _facet_queries(large_store):
        want = ids(large_store, api_filter(query))[::-1]
        page.goto(large_url + "?" + urllib.parse.urlencode(query))
        expect(page.locator("[data-dl-count]")).to_contain_text(
            f"{len(want):,} of {EVENTS:,} events", timeout=20_000
        )
        while page.locator("[data-dl-more]").is_visible():
            before = len(shown(page))
            page.click("[data-dl-more]")
            page.wait_for_function(
                f"() => document.querySelectorAll('[data-dl-list] li').length > {before}"
            )
        assert shown(page) == want, query
    context.close()
    assert failed == []
    assert not any(url.endswith("data/events.json") for url in fetched)
    assert not any(url.endswith("data/claims.json") for url in fetched)


# --- the map ---------------------------------------------------------------------------------


def _map_at_each_level(page: Page, deepest: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The map's summary and points (place, events) at each level of roll-up, from the
    countries (zoomed out as far as it goes) to the deepest places."""
    section = page.locator("[data-dl-map]")
    out = page.locator(".leaflet-control-zoom-out")
    while out.get_attribute("aria-disabled") != "true":  # as far out as it goes
        out.click()
    expect(section).to_have_attribute("data-dl-map-level", "0")
    seen = []
    for level in range(deepest + 1):
        while section.get_attribute("data-dl-map-level") != str(level):
            page.click(".leaflet-control-zoom-in")
        points = page.eval_on_selector_all(
            ".dl-map__point", "ps => ps.map(p => [p.dataset.place, p.dataset.count])"
        )
        summary = page.locator("[data-dl-map-summary]").inner_text()
        seen.append((summary, sorted(map(tuple, points))))
    return seen


def test_the_map_of_every_event_is_precomputed_and_equals_its_count_by_shards(
    browser: Browser, large: Path, large_url: str
) -> None:
    # With no filter the map reads places.json's levels; a filter that selects every event
    # counts the places of each event from the shards in the browser: the two must agree.
    deepest = max(
        row[5] for row in json.loads((large / "data/map/places.json").read_bytes())["places"]
    )
    assert deepest >= 2
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(large_url)
    page.wait_for_selector("[data-dl-map-ready]", state="attached")
    every = _map_at_each_level(page, deepest)
    assert not any("data/map/at/" in url for url in fetched)
    page.goto(large_url + "?to=2999")  # every event began before 2999
    expect(page.locator("[data-dl-count]")).to_contain_text(
        f"{EVENTS:,} of {EVENTS:,} events", timeout=20_000
    )
    page.wait_for_selector("[data-dl-map-ready]:not([aria-busy])", state="attached")
    assert any("data/map/at/" in url for url in fetched)
    assert _map_at_each_level(page, deepest) == every
    assert len({len(points) for _, points in every}) > 1  # the levels draw differently
    context.close()
