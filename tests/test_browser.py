"""The built site in a real browser: Debian's Chromium, driven by Playwright.

The story site (``tests/fixtures/story``) is built once per session (``story_site``) and
served by a stdlib HTTP server on a loopback port; each test opens a fresh browser context.
Every page a test opens is watched: a console error, an uncaught exception, a failed request
or a dialog fails the test.
Screenshots of the home page and an event page are saved to ``build/artifacts/`` (ignored by
git) for people to look at.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from conftest import REPO, Events, StaticServer, api_filter, build_site
from dateline.cache import open_store
from dateline.store import EventFilter, Store

ARTIFACTS = REPO / "build" / "artifacts"
SHADDADI = "2026-01-al-shaddadi-prison-falls-to-government-troops"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"


class Watched:
    """A browser page and everything that went wrong on it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request: Any) -> None:
        # ERR_ABORTED is a request the test cut short by navigating away, not a failure.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} {request.failure}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = Watched(context.new_page())
    yield page
    context.close()
    assert page.problems == []


@pytest.fixture(scope="module")
def store(story_events: Path) -> Store:
    return open_store(story_events)


def ids_oldest_first(store: Store, query: EventFilter | None = None) -> list[str]:
    page = store.events(query or EventFilter(), sort="date", limit=500)
    return [json.loads(item)["id"] for item in page.items]


def shown(page: Page) -> list[str]:
    """The ids of the events the home page shows (the filtered list, or the latest), in order."""
    return page.eval_on_selector_all(
        "[data-dl-list] li[data-id], [data-dl-latest] li[data-id]",
        "items => items.filter(li => li.offsetParent !== null).map(li => li.dataset.id)",
    )


def ready(page: Page, url: str) -> None:
    """Open a page of the site and wait for the filters' script to have started."""
    page.goto(url)
    page.wait_for_selector("[data-dl-ready]", state="attached")
    settled(page)


def settled(page: Page) -> None:
    """Wait until the list shows what the last change of the filters selects."""
    expect(page.locator("[data-dl-results]")).not_to_have_attribute("aria-busy", "true")


def drawn(page: Page) -> None:
    """Wait until the page's time axis and maps, if it has any, have drawn what it shows.

    They draw after the page has loaded, from files they fetch: a test that reads the page
    (its layout, its links, axe) must wait for them, or it reads it half drawn.
    """
    for part in ("axis", "map"):
        sections = page.locator(f"[data-dl-{part}]")
        for n in range(sections.count()):
            expect(sections.nth(n)).to_have_attribute(f"data-dl-{part}-ready", "")
            expect(sections.nth(n)).not_to_have_attribute("aria-busy", "true")


def query_of(page: Page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


# --- the timeline ------------------------------------------------------------------------


def test_the_home_page_shows_the_newest_events(
    watched: Watched, story_url: str, store: Store
) -> None:
    page = watched.page
    ready(page, story_url)
    expect(page.locator("[data-dl-filters] summary")).to_be_visible()
    assert shown(page) == ids_oldest_first(store)[::-1]  # 11 events: fewer than `latest`
    expect(page.locator("[data-dl-latest] .dl-total")).to_contain_text("The newest 11 of 11 events")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_a_tag_filter_narrows_the_list_and_lives_in_the_url(
    watched: Watched, story_url: str, store: Store
) -> None:
    page = watched.page
    everything = ids_oldest_first(store)[::-1]
    tagged = ids_oldest_first(store, EventFilter(tags=("al-hawl",)))[::-1]
    assert 0 < len(tagged) < len(everything)
    ready(page, story_url)
    page.click("[data-dl-filters] summary")
    page.fill("input[name=tag]", "al-hawl")
    page.press("input[name=tag]", "Enter")
    expect(page.locator("[data-dl-count]")).to_contain_text(f"{len(tagged)} of 11 events match")
    assert shown(page) == tagged
    assert query_of(page) == {"tag": ["al-hawl"]}
    # The URL restores the view in a fresh page.
    shared = page.url
    page.goto("about:blank")
    ready(page, shared)
    expect(page.locator("input[name=tag]")).to_have_value("al-hawl")
    expect(page.locator("[data-dl-count]")).to_contain_text(f"{len(tagged)} of 11")
    assert shown(page) == tagged
    # Clearing restores the newest events, and the query.
    page.click("button.dl-clear")
    expect(page.locator("[data-dl-results]")).to_be_hidden()
    assert shown(page) == everything
    assert query_of(page) == {}
    # Back goes to the filtered view again.
    page.go_back()
    expect(page.locator("input[name=tag]")).to_have_value("al-hawl")
    expect(page.locator("[data-dl-results]")).to_be_visible()
    assert shown(page) == tagged


@pytest.mark.parametrize(
    "query",
    [
        {"place": "hasakah-governorate"},
        {"actor": "kurdish-media"},
        {"actor": "sdf", "status": "disputed"},
        {"from": "2021", "to": "2021"},
        {"from": "2017-09"},
        {"to": "2017-08-15"},
        {"tag": "isis", "from": "2026-01-21", "to": "2026-01-21"},
        {"status": "disputed", "to": "2026-01-19"},
    ],
)
def test_filters_select_what_the_api_selects(
    watched: Watched, story_url: str, store: Store, query: dict[str, str]
) -> None:
    # Same rules in the browser as in the API: spans overlap, a place includes the places
    # within it, an actor includes the events where it only makes a claim.
    want = ids_oldest_first(store, api_filter(query))[::-1]
    page = watched.page
    ready(page, story_url + "?" + urllib.parse.urlencode(query))
    verb = "matches" if len(want) == 1 else "match"
    expect(page.locator("[data-dl-count]")).to_contain_text(f"{len(want)} of 11 events {verb}")
    assert shown(page) == want


def test_the_order_toggle_shows_oldest_first(
    watched: Watched, story_url: str, store: Store
) -> None:
    page = watched.page
    ready(page, story_url)
    page.click("[data-dl-filters] summary")
    page.check("input[name=order][value=oldest]")
    expect(page.locator("[data-dl-count]")).to_have_text("11 events, oldest first.")
    assert shown(page) == ids_oldest_first(store)
    assert query_of(page) == {"order": ["oldest"]}
    ready(page, story_url + "?order=oldest&tag=isis")
    expect(page.locator("[data-dl-count]")).to_contain_text("oldest first")
    assert shown(page) == ids_oldest_first(store, EventFilter(tags=("isis",)))


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        ("from=2021-13", "input[name=from]", "From “2021-13” is not a date"),
        ("tag=nonexistent", "input[name=tag]", "There is no tag “nonexistent”"),
        ("place=atlantis", "input[name=place]", "There is no place “atlantis”"),
        ("actor=nobody&tag=isis", "input[name=actor]", "There is no actor “nobody”"),
    ],
)
def test_a_value_that_is_not_there_is_said_and_not_applied(
    watched: Watched, story_url: str, store: Store, query: str, field: str, said: str
) -> None:
    page = watched.page
    ready(page, story_url + "?" + query)
    expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-dl-problems]")).to_contain_text(said)
    expect(page.locator("[data-dl-problems]")).to_contain_text("it is not applied")
    rest = ids_oldest_first(store, EventFilter(tags=("isis",)) if "tag=isis" in query else None)
    assert shown(page) == rest[::-1]


def test_a_name_typed_in_full_selects_its_actor(
    watched: Watched, story_url: str, store: Store
) -> None:
    page = watched.page
    ready(page, story_url)
    page.click("[data-dl-filters] summary")
    page.fill("input[name=actor]", "kurdish")
    expect(page.locator("#dl-actor-names option[value=kurdish-media]")).to_have_count(1)
    page.fill("input[name=actor]", "Kurdish media")
    page.press("input[name=actor]", "Enter")
    want = ids_oldest_first(store, EventFilter(actors=("kurdish-media",)))[::-1]
    expect(page.locator("[data-dl-count]")).to_contain_text(f"{len(want)} of 11")
    assert shown(page) == want


def test_without_javascript_every_event_is_in_the_archive(
    browser: Browser, story_url: str, store: Store
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(story_url + "?tag=al-hawl")
    expect(page.locator("input[name=tag]")).to_be_disabled()
    assert len(shown(page)) == 11  # the latest, unfiltered
    page.click("#archive ~ p a[href$='archive/'], .md-tabs a[href$='archive/']")
    page.wait_for_url("**/archive/")  # loaded: the click does not wait for the navigation
    years = page.eval_on_selector_all(".dl-years__year > a", "as => as.map(a => a.href)")
    found: set[str] = set()
    for year in years:
        page.goto(year)
        for month in page.eval_on_selector_all(".dl-index__entry a", "as => as.map(a => a.href)"):
            page.goto(month)
            found.update(
                page.eval_on_selector_all("li[data-id]", "ls => ls.map(l => l.dataset.id)")
            )
    page.goto(story_url + "archive/undated/")
    found.update(page.eval_on_selector_all("li[data-id]", "ls => ls.map(l => l.dataset.id)"))
    assert found == set(ids_oldest_first(store))
    context.close()


# --- event, tag, actor and place pages -----------------------------------------------------


def test_the_contested_escape_figures_are_shown_with_their_sources(
    watched: Watched, story_url: str
) -> None:
    page = watched.page
    page.goto(f"{story_url}events/{SHADDADI}/")
    kurdish = page.locator("figure.dl-figure", has_text="Kurdish media")
    expect(kurdish.locator(".dl-figure__value")).to_have_text("at least 1,500 people escaped")
    expect(kurdish.locator(".dl-cite")).to_have_text("[1] The Cradle")
    damascus = page.locator("figure.dl-figure", has_text="Syrian government (Damascus)")
    expect(damascus.locator(".dl-figure__value")).to_have_text("just over 100 people escaped")
    expect(damascus).to_contain_text("A little over 100 ISIS members escaped.")
    expect(damascus.locator(".dl-cite")).to_have_text("[1] The Cradle")
    # Side by side on a wide screen: the two cards share a row.
    first, second = (page.locator("figure.dl-figure").nth(i).bounding_box() for i in range(2))
    assert first is not None
    assert second is not None
    assert abs(first["y"] - second["y"]) < 1
    assert second["x"] > first["x"]
    expect(page.locator("#source-1")).to_contain_text("No URL given.")
    page.screenshot(path=str(ARTIFACTS / "event.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "event-phone.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "",
        f"events/{HAWL}/",
        "tags/",
        "tags/al-hawl/",
        "actors/",
        "actors/sdf/",
        "places/",
        "places/al-hawl-camp/",
        "search/",
        "search/?q=Hawl",
        "about/",
        "security/",
        "404.html",
    ],
)
def test_no_page_type_logs_an_error(watched: Watched, story_url: str, path: str) -> None:
    watched.page.goto(story_url + path)
    watched.page.wait_for_load_state("networkidle")
    expect(watched.page.locator("h1").first).to_be_visible()


def test_arabic_aliases_read_right_to_left(watched: Watched, story_url: str) -> None:
    page = watched.page
    page.goto(f"{story_url}places/al-hawl-camp/")
    arabic = page.locator(".dl-alias-list .dl-alias", has_text="مخيم الهول")
    assert arabic.evaluate("name => getComputedStyle(name).direction") == "rtl"
    expect(arabic).to_have_attribute("lang", "ar")
    english = page.locator(".dl-alias-list .dl-alias", has_text="al-Hol camp")
    assert english.evaluate("name => getComputedStyle(name).direction") == "ltr"
    assert english.get_attribute("lang") is None  # the page's own language
    osm = page.locator("a", has_text="Show on OpenStreetMap")
    expect(osm).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=36.38&mlon=41.15#map=12/36.38/41.15"
    )


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["Hawl", "مخيم الهول", "al-Hol"])
def test_search_finds_the_al_hawl_event(watched: Watched, story_url: str, words: str) -> None:
    page = watched.page
    page.goto(f"{story_url}search/")
    page.fill(".pagefind-ui__search-input", words)
    result = page.locator(f'.pagefind-ui__result-link[href$="/events/{HAWL}/"]')
    expect(result).to_have_text("Syrian army enters Al-Hawl camp after the SDF withdraws")
    assert query_of(page) == {"q": [words]}  # a search can be shared


def test_search_results_filter_by_status(watched: Watched, story_url: str) -> None:
    page = watched.page
    status = page.locator(".pagefind-ui__filter-name", has_text="Status")

    def load() -> None:
        page.goto(f"{story_url}search/?q=Hawl")
        expect(page.locator(".pagefind-ui__result-link").first).to_be_visible()

    # Pagefind loads the filters after the first results. Now and then (about one full run
    # in five, never alone) its UI shows results and never the filters; a reload shows them.
    _until(status, load, timeout=30_000)
    # The filter's name opens its group (a <details>). Once in a CI run the click came while
    # Pagefind drew its filters again, and the group stayed shut: click until it is open.
    disputed = page.locator(".pagefind-ui__filter-checkbox[id$='disputed']")
    _until(disputed, status.click, timeout=5_000)
    disputed.check()
    links = page.locator(".pagefind-ui__result-link")
    expect(links).to_have_count(1, timeout=60_000)  # Pagefind refilters in the background
    expect(links).to_have_attribute("href", f"/events/{SHADDADI}/")


def _until(shown: Locator, action: Callable[[], None], *, timeout: float, tries: int = 3) -> None:
    """Do ``action`` until ``shown`` is visible within ``timeout`` ms after it, ``tries``
    times at most."""
    for attempt in range(tries):
        action()
        try:
            expect(shown).to_be_visible(timeout=timeout)
            return
        except AssertionError:
            if attempt == tries - 1:
                raise


# --- safety and honest marks ---------------------------------------------------------------

HOSTILE = """\
title: "<img src=x onerror=alert('title')> Hostile title"
date: 2026-01-17~
summary: |
  Hello <script>alert('script')</script> <img src=x onerror="alert('img')">
  [click me](javascript:alert('link')) <a href="javascript:alert('a')">raw</a>
  <svg onload=alert('svg')></svg> [fine](https://example.org/ok)
status: disputed
actors: [sdf]
places: [al-hawl-camp]
claims:
  - by: sdf
    text: "<script>alert('claim')</script>"
    source: 1
sources:
  - title: "</cite><script>alert('source')</script>"
    publisher: "<b onmouseover=alert('publisher')>x</b>"
    url: https://example.org/story
"""
RETRACTED = """\
title: A report later withdrawn
date: 2026-01-15?
summary: A report that was withdrawn.
status: retracted
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/withdrawn
updates:
  - date: 2026-01-16
    status: retracted
    note: The outlet withdrew the report.
"""


ONE_DAY = """\
title: Something happened on one of three days
date: '[2026-01-10..2026-01-12]'
summary: One day of three, not known which.
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/one-day
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    events = Events(root / "events")
    from conftest import ACTORS, EVENT, EVENT_PATH, PLACES

    events.write("actors.yaml", ACTORS)
    events.write("places.yaml", PLACES)
    events.write(EVENT_PATH, EVENT)
    events.write("2026/2026-01-17-hostile.yaml", HOSTILE)
    events.write("2026/2026-01-15-withdrawn.yaml", RETRACTED)
    events.write("2026/2026-01-10-one-of-three-days.yaml", ONE_DAY)
    server = StaticServer(build_site(events.root, root / "site"))
    yield server.url
    server.close()


@pytest.mark.parametrize("path", ["", "events/2026-01-17-hostile/", "actors/sdf/"])
def test_hostile_markup_is_inert_in_the_browser(
    watched: Watched, hostile_url: str, path: str
) -> None:
    page = watched.page
    page.goto(hostile_url + path)
    page.wait_for_load_state("networkidle")
    drawn(page)  # the axis's marks and the map are links and markup too
    page.mouse.move(10, 10)
    for link in page.locator("article a:visible").all():
        link.hover()  # an onmouseover that slipped through would fire here
    scripts = page.eval_on_selector_all("script", "ss => ss.map(s => s.textContent)")
    assert not [s for s in scripts if "alert(" in s]
    # An SVG link's href is an SVGAnimatedString (the time axis's marks): its baseVal.
    hrefs = page.eval_on_selector_all(
        "[href], [src]",
        "es => es.map(e => (e.href && e.href.baseVal !== undefined)"
        " ? e.href.baseVal : (e.href || e.src))",
    )
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).map(a => a.name)"
    )
    assert handlers == []
    # watched fails the test if any dialog (alert) opened


def test_uncertain_approximate_and_one_day_dates_are_marked_and_explained(
    watched: Watched, hostile_url: str
) -> None:
    page = watched.page
    page.goto(hostile_url)
    approximate = page.locator("li[data-id='2026-01-17-hostile'] .dl-flag--approximate")
    expect(approximate).to_contain_text("approximate")
    tip = approximate.locator(".dl-tip")
    expect(tip).to_have_css("clip-path", "inset(50%)")  # visually hidden until wanted ...
    approximate.focus()  # ... and shown on keyboard focus, not only on hover
    expect(tip).to_have_css("clip-path", "none")
    assert (tip.bounding_box() or {"width": 0})["width"] > 100
    uncertain = page.locator("li[data-id='2026-01-15-withdrawn'] .dl-flag--uncertain")
    expect(uncertain).to_contain_text("uncertain")
    expect(page.locator("li[data-id='2026-01-15-withdrawn'] .dl-status--retracted")).to_be_visible()
    expect(page.locator("li[data-id='2026-01-17-hostile'] .dl-status--disputed")).to_be_visible()
    one_day = page.locator("li[data-id='2026-01-10-one-of-three-days']")
    expect(one_day.locator(".dl-event__date")).to_contain_text(
        "some day between 10 and 12 January 2026"
    )
    mark = one_day.locator(".dl-flag--one_of")
    expect(mark).to_contain_text("one day")
    mark.focus()
    expect(mark.locator(".dl-tip")).to_contain_text("did not last the whole range")
    page.goto(hostile_url + "events/2026-01-10-one-of-three-days/")
    expect(page.locator(".dl-flag--one_of")).to_contain_text("one day")
    page.goto(hostile_url + "events/2026-01-15-withdrawn/")
    expect(page.locator(".dl-notice--retracted")).to_contain_text("Retracted.")
    expect(page.locator(".dl-history")).to_contain_text("The outlet withdrew the report.")


@pytest.fixture(scope="module")
def sharded_url(story_events: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The story site with its search index in shards of 10 pages (44 pages: 5 shards)."""
    out = tmp_path_factory.mktemp("sharded") / "site"
    server = StaticServer(build_site(story_events, out, search_shard_size=10))
    yield server.url
    server.close()


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("مخيم الهول", f"/events/{HAWL}/"),
        ("Hawl", f"/events/{HAWL}/"),
        ("Hawl", "/places/al-hawl-camp/"),  # places come after every event: the last shard
        ("1,500", f"/events/{SHADDADI}/"),
    ],
)
def test_search_finds_pages_in_every_shard(
    watched: Watched, sharded_url: str, words: str, found: str
) -> None:
    page = watched.page
    page.goto(f"{sharded_url}search/?q={urllib.parse.quote(words)}")
    expect(page.locator(f'.pagefind-ui__result-link[href$="{found}"]')).to_be_visible()


# --- accessibility -------------------------------------------------------------------------

# Every kind of page the site has, by a path on the story site.
PAGE_TYPES = {
    "home": "",
    "filtered home": "?tag=isis&from=2026",
    "archive": "archive/",
    "archive year": "archive/2026/",
    "archive month": "archive/2026/01/",
    "event": f"events/{SHADDADI}/",
    "retracted event": "events/2024-former-syrian-government-says-isis-fighters-moved-to-us-base/",
    "tag": "tags/isis/",
    "actor": "actors/sdf/",
    "place": "places/hasakah-governorate/",
    "tags": "tags/",
    "actors": "actors/",
    "places": "places/",
    "search": "search/?q=hawl",
    "about": "about/",
    "security": "security/",
    "404": "404.html",
}


def violations(page: Page) -> list[str]:
    """What axe-core finds on the page, one line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:300]}"
        for v in found
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page_type(
    browser: Browser, story_url: str, path: str, scheme: str
) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(story_url + path)
    if path.startswith("search/"):
        # Pagefind draws each result as a placeholder first, then fills it in.
        expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=30_000)
        expect(page.locator(".pagefind-ui__result .pagefind-ui__loading")).to_have_count(0)
    if "?" in path and not path.startswith("search/"):
        expect(page.locator("[data-dl-results]")).to_be_visible()
        settled(page)
    drawn(page)
    found = violations(page)
    context.close()
    assert found == []
    assert watched.problems == []


# --- phones, citing, printing ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["", f"events/{SHADDADI}/", "archive/2026/01/", "places/"])
def test_on_a_phone_nothing_scrolls_sideways(browser: Browser, story_url: str, path: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(story_url + path)
    drawn(page)  # the axis and the map take their place once drawn
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], width
    if path == "":
        # The first screen shows an event, not only the introduction and the filters.
        top = page.evaluate(
            "() => document.querySelector('[data-dl-latest] li').getBoundingClientRect().top"
        )
        assert top < 844 - 40
    context.close()


def test_an_event_page_offers_its_permalink_and_a_citation(
    watched: Watched, story_url: str
) -> None:
    page = watched.page
    page.goto(story_url + f"events/{HAWL}/")
    permalink = f"{story_url}events/{HAWL}/"
    expect(page.locator("[data-dl-permalink]")).to_have_text(permalink)
    citation = page.locator(".dl-citation")
    expect(citation).to_contain_text("Syrian army enters Al-Hawl camp")
    expect(citation).to_contain_text("Dateline")
    expect(citation).to_contain_text("20 January 2026")
    expect(citation).to_contain_text(permalink)
    expect(citation).not_to_contain_text("on the day you read it")  # today's date, filled in
    expect(page.locator(".dl-bibtex")).to_contain_text(f"@misc{{dateline:{HAWL},")
    csl = page.request.get(story_url + f"data/cite/{HAWL}.json").json()
    assert csl[0]["title"].startswith("Syrian army enters Al-Hawl camp")
    assert csl[0]["type"] == "webpage"


def test_printing_leaves_out_the_controls_and_writes_out_source_addresses(
    watched: Watched, story_url: str
) -> None:
    page = watched.page
    page.goto(story_url)
    page.emulate_media(media="print")
    expect(page.locator("[data-dl-filters]")).to_be_hidden()
    expect(page.locator(".dl-search-form")).to_be_hidden()
    expect(page.locator(".md-tabs")).to_be_hidden()
    page.goto(story_url + f"events/{HAWL}/")
    # The story's sources have no address; give its list one, styled by the real stylesheet.
    after = page.evaluate(
        """() => {
            const link = document.createElement("a");
            link.href = "https://example.org/report";
            link.textContent = "a report";
            document.querySelector(".dl-sources ol li").appendChild(link);
            return getComputedStyle(link, "::after").content;
        }"""
    )
    assert "https://example.org/report" in after


def test_the_keyboard_focus_is_visible_on_every_control(watched: Watched, story_url: str) -> None:
    page = watched.page
    page.goto(story_url)
    page.wait_for_selector("[data-dl-ready]", state="attached")
    page.click("[data-dl-filters] summary")
    outlines = {}
    for selector in (
        "#dl-q",
        "input[name=tag]",
        "select[name=status]",
        "input[name=from]",
        "input[name=order][value=oldest]",
        "button.dl-clear",
        "[data-dl-filters] summary",
    ):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")  # arrive by keyboard, so :focus-visible applies
        page.keyboard.press("Tab")
        outlines[selector] = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
    assert all(style != "none" and width >= 2 for style, width in outlines.values()), outlines
