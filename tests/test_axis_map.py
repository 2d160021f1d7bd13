"""The time axis and the map in a real browser (Chromium), on a fixture of every kind of date.

The axis must draw each kind of date its own way, select a range that the list and the URL
follow (and that the URL restores), zoom and select from the keyboard, and count when a view
holds more events than it draws; the map must show the places the filters select and filter
by the one chosen. Screenshots go to build/artifacts/.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, CDPSession, Page, expect

from conftest import ACTORS, PLACES, Events, StaticServer, build_site
from test_browser import ARTIFACTS, Watched, settled, shown, violations

# id -> date; every kind the axis draws, and the classes it must draw each with
KINDS = {
    "2026-01-20-a-day": ("2026-01-20", ["dl-mark--day"]),
    "2026-01-20-a-moment": ("2026-01-20T14:30Z", ["dl-mark--moment"]),
    "2026-01-17-a-duration": ("2026-01-17/2026-01-22", ["dl-mark--span"]),
    "2026-01-17-some-day-between": ("[2026-01-17..2026-01-22]", ["dl-mark--within"]),
    "2026-01-10-about-a-day": ("2026-01-10~", ["dl-mark--day", "dl-mark--approximate"]),
    "2026-01-12-an-uncertain-day": ("2026-01-12?", ["dl-mark--day", "dl-mark--uncertain"]),
    "2026-01-05-an-open-end": ("2026-01-05/..", ["dl-mark--span", "dl-mark--open-end"]),
    "2026-01-08-an-unknown-end": ("2026-01-08/", ["dl-mark--span", "dl-mark--unknown-end"]),
    "2025-12-a-month": ("2025-12", ["dl-mark--within"]),
}
DISPUTED = "2026-01-25-a-disputed-day"
ELSEWHERE = "2025-11-02-somewhere-else"  # the one event at the second place


def _event(date: str, title: str, place: str, status: str = "reported") -> str:
    return f"""\
title: {title}
date: "{date}"
summary: A fixture event.
status: {status}
tags: [fixture]
actors: [syrian-army]
places: [{place}]
sources:
  - url: https://example.org/story
    title: A story
    publisher: Example News
    published: 2026-01-21
"""


@pytest.fixture(scope="module")
def kinds_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Events(tmp_path_factory.mktemp("kinds") / "events")
    folder.write("actors.yaml", ACTORS)
    folder.write("places.yaml", PLACES)
    for n, (event_id, (date, _)) in enumerate(KINDS.items()):
        folder.write(f"{event_id[:4]}/{event_id}.yaml", _event(date, f"Kind {n}", "al-hawl-camp"))
    folder.write(
        f"2026/{DISPUTED}.yaml", _event("2026-01-25", "Disputed", "al-hawl-camp", "disputed")
    )
    folder.write(f"2025/{ELSEWHERE}.yaml", _event("2025-11-02", "Elsewhere", _second_place()))
    return folder.root


def _second_place() -> str:
    ids = [line.split(":")[0] for line in PLACES.splitlines() if line and not line[0].isspace()]
    ids = [i for i in ids if not i.startswith("#") and i != "al-hawl-camp"]
    return ids[0]


def _served(events: Path, out: Path, **options: object) -> Iterator[str]:
    server = StaticServer(build_site(events, out, **options))
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def kinds_url(kinds_events: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _served(kinds_events, tmp_path_factory.mktemp("kinds-site") / "site")


@pytest.fixture(scope="module")
def counted_url(kinds_events: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same site with an axis that draws at most two events one by one."""
    yield from _served(kinds_events, tmp_path_factory.mktemp("counted") / "site", axis_marks=2)


@pytest.fixture
def watched(browser: Browser, kinds_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = Watched(context.new_page())
    origin = kinds_url.rstrip("/")
    elsewhere: list[str] = []
    page.page.on("request", lambda r: None if r.url.startswith(origin) else elsewhere.append(r.url))
    yield page
    context.close()
    assert page.problems == []
    assert elsewhere == []  # nothing is loaded from another host


def axis_ready(page: Page, url: str) -> None:
    """Open the home page and wait until its axis, its map and its list show what the URL
    selects (the axis and the map are ready once they have drawn the filters' view)."""
    page.goto(url)
    page.wait_for_selector("[data-dl-axis-ready]", state="attached")
    page.wait_for_selector("[data-dl-map-ready]:not([aria-busy])", state="attached")
    settled(page)


def query_of(page: Page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def classes(page: Page) -> dict[str, list[str]]:
    return page.eval_on_selector_all(
        "a.dl-mark",
        "marks => Object.fromEntries(marks.map(m =>"
        " [m.dataset.id, m.getAttribute('class').split(' ')]))",
    )


def test_the_axis_draws_each_kind_of_date_differently(watched: Watched, kinds_url: str) -> None:
    page = watched.page
    axis_ready(page, kinds_url)
    drawn = classes(page)
    for event_id, (_, expected) in KINDS.items():
        assert set(expected) <= set(drawn[event_id]), event_id
    assert "dl-mark--disputed" in drawn[DISPUTED]
    # "some day between" is hatched, a duration solid: never the same drawing
    between = page.locator('a.dl-mark[data-id="2026-01-17-some-day-between"] rect')
    duration = page.locator('a.dl-mark[data-id="2026-01-17-a-duration"] rect')
    assert between.get_attribute("fill") == "url(#dl-hatch)"
    assert duration.get_attribute("fill") is None
    assert (
        page.locator('a.dl-mark[data-id="2026-01-10-about-a-day"] circle').get_attribute("filter")
        == "url(#dl-soft)"
    )
    assert (
        page.locator('a.dl-mark[data-id="2026-01-12-an-uncertain-day"] text').text_content() == "?"
    )
    assert (
        page.locator('a.dl-mark[data-id="2026-01-05-an-open-end"] rect').get_attribute("fill")
        == "url(#dl-fade-end)"
    )
    # each mark is a focusable link named by its date in words
    label = page.locator('a.dl-mark[data-id="2026-01-17-some-day-between"]').get_attribute(
        "aria-label"
    )
    assert label is not None
    assert label.startswith("some day between 17 and 22 January 2026")
    assert page.locator(".dl-legend li").count() >= 9
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-dl-axis]").screenshot(path=str(ARTIFACTS / "axis-kinds.png"))
    page.locator("[data-dl-map]").screenshot(path=str(ARTIFACTS / "map-overview.png"))


def test_brushing_a_range_filters_the_list_and_the_url_and_the_url_restores_it(
    watched: Watched, kinds_url: str
) -> None:
    page = watched.page
    axis_ready(page, kinds_url)
    plot = page.locator("[data-dl-axis-plot] svg").bounding_box()
    assert plot is not None
    y = plot["y"] + 20
    page.mouse.move(plot["x"] + plot["width"] * 0.02, y)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 0.30, y, steps=8)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).has('from')")
    query = query_of(page)
    settled(page)
    expect(page.locator("[data-dl-results]")).to_be_visible()
    assert ELSEWHERE in shown(page)  # the earliest event is in the first third
    assert "2026-01-25-a-disputed-day" not in shown(page)
    url = page.url
    axis_ready(page, url)
    section = page.locator("[data-dl-axis]")
    assert section.get_attribute("data-dl-axis-from") == _day(query["from"][0])
    assert page.locator(".dl-axis__brush .selection").get_attribute("width") not in (None, "0")
    assert page.locator("[data-dl-axis-selection]").inner_text().startswith("Selected:")


def _day(text: str) -> str:
    return text if len(text) == 10 else (text + "-01-01")[:10]


def test_the_keyboard_zooms_and_selects_the_view(watched: Watched, kinds_url: str) -> None:
    page = watched.page
    axis_ready(page, kinds_url)
    section = page.locator("[data-dl-axis]")
    before = section.get_attribute("data-dl-axis-view")
    page.locator("[data-dl-axis-plot]").focus()
    page.keyboard.press("+")
    page.wait_for_function(
        f"() => document.querySelector('[data-dl-axis]').dataset.dlAxisView !== {before!r}"
    )
    zoomed = section.get_attribute("data-dl-axis-view")
    assert zoomed is not None
    assert before is not None
    assert _width(zoomed) < _width(before)
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).has('to')")
    query = query_of(page)
    assert _day(query["from"][0]) >= zoomed.split("/")[0]
    page.keyboard.press("Escape")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('from')")


def _width(view: str) -> int:
    import datetime

    first, last = (datetime.date.fromisoformat(d) for d in view.split("/"))
    return (last - first).days


def test_zoomed_out_the_axis_counts_events_per_period(browser: Browser, counted_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    axis_ready(page, counted_url)
    buckets = page.locator("rect.dl-bucket[data-count]")
    assert buckets.count() > 0
    total = sum(
        int(buckets.nth(i).get_attribute("data-count") or 0) for i in range(buckets.count())
    )
    assert total == len(KINDS) + 2  # every event here has a known start
    assert page.locator("a.dl-mark").count() == 0
    assert "counting the events" in page.locator("[data-dl-axis-summary]").inner_text()
    context.close()


def test_the_map_shows_the_filtered_places_and_choosing_one_filters_by_it(
    watched: Watched, kinds_url: str
) -> None:
    page = watched.page
    axis_ready(page, kinds_url)
    places = page.eval_on_selector_all(".dl-map__point", "ps => ps.map(p => p.dataset.place)")
    assert len(places) >= 1
    axis_ready(page, kinds_url + "?from=2025-11&to=2025-11")
    page.wait_for_function("() => document.querySelectorAll('.dl-map__point').length === 1")
    point = page.locator(".dl-map__point")
    assert point.get_attribute("data-count") == "1"
    chosen = point.get_attribute("data-place")
    point.click()
    page.wait_for_function("() => new URLSearchParams(location.search).has('place')")
    assert query_of(page)["place"] == [chosen]
    settled(page)
    assert shown(page) == [ELSEWHERE]


def test_axe_finds_nothing_on_the_axis_and_the_map(watched: Watched, kinds_url: str) -> None:
    page = watched.page
    axis_ready(page, kinds_url)
    assert violations(page) == []
    page.goto(kinds_url + "places/al-hawl-camp/")
    page.wait_for_selector("[data-dl-map-ready]", state="attached")
    page.wait_for_selector("[data-dl-axis-ready]", state="attached")
    assert violations(page) == []


@pytest.mark.parametrize("by", ["mouse", "touch"])
def test_clicking_a_counted_bar_selects_its_period(
    browser: Browser, counted_url: str, by: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=by == "touch")
    page = context.new_page()
    axis_ready(page, counted_url)
    bar = page.locator("rect.dl-bucket[data-count]").last
    period = bar.get_attribute("data-period")
    assert period is not None
    box = bar.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    if by == "touch":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    page.wait_for_function("() => new URLSearchParams(location.search).has('from')")
    page.wait_for_function(
        "() => document.querySelector('[data-dl-axis]').dataset.dlAxisFrom !== ''"
    )
    section = page.locator("[data-dl-axis]")
    first, last = period.split("/")
    assert section.get_attribute("data-dl-axis-from") == first
    assert section.get_attribute("data-dl-axis-to") == last
    settled(page)
    assert DISPUTED in shown(page)  # the latest event, in the last bar
    assert ELSEWHERE not in shown(page)
    context.close()


def _touch(cdp: CDPSession, kind: str, *points: tuple[float, float]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)],
        },
    )


def test_a_pinch_zooms_and_a_finger_pans(browser: Browser, kinds_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    page = context.new_page()
    axis_ready(page, kinds_url)
    cdp = context.new_cdp_session(page)
    section = page.locator("[data-dl-axis]")
    box = page.locator("[data-dl-axis-plot] svg").bounding_box()
    assert box is not None
    middle, y = box["x"] + box["width"] / 2, box["y"] + 40  # on the plot, not the scale

    def view_changed(before: str | None) -> str:
        page.wait_for_function(
            f"() => document.querySelector('[data-dl-axis]').dataset.dlAxisView !== {before!r}"
        )
        after = section.get_attribute("data-dl-axis-view")
        assert after is not None
        return after

    before = section.get_attribute("data-dl-axis-view")
    assert before is not None
    _touch(cdp, "touchStart", (middle - 20, y), (middle + 20, y))
    for step in range(1, 9):
        _touch(cdp, "touchMove", (middle - 20 - 25 * step, y), (middle + 20 + 25 * step, y))
    _touch(cdp, "touchEnd")
    pinched = view_changed(before)
    assert _width(pinched) < _width(before)  # fingers apart: zoomed in
    assert "from" not in query_of(page)  # a pinch is not a selection
    _touch(cdp, "touchStart", (middle, y))
    for step in range(1, 9):
        _touch(cdp, "touchMove", (middle + 30 * step, y))
    _touch(cdp, "touchEnd")
    panned = view_changed(pinched)
    assert abs(_width(panned) - _width(pinched)) <= 1  # the same span, moved
    assert panned.split("/")[0] < pinched.split("/")[0]  # dragged right: earlier times
    assert "from" not in query_of(page)  # a finger pans; it does not brush
    context.close()


def test_the_axis_and_the_map_are_told_a_view_once_the_list_shows_it(
    watched: Watched, kinds_url: str
) -> None:
    """The list comes first: the view is told (and the axis and the map draw it) after the list
    says its count, so their drawing never holds up the list's rows."""
    page = watched.page
    axis_ready(page, kinds_url)
    page.evaluate(
        "() => { window.__told = [];"
        " document.addEventListener('dateline:view', (e) => window.__told.push(["
        "  document.querySelector('[data-dl-count]').textContent,"
        "  document.querySelector('[data-dl-results]').hidden,"
        "  e.detail.matched === null ? null : e.detail.matched.length])); }"
    )
    page.click("[data-dl-filters] summary")
    page.select_option("select[name=status]", "reported")  # one change
    page.wait_for_function("() => window.__told.length >= 1")
    settled(page)
    assert page.evaluate("() => window.__told.length") == 1
    said, hidden, matched = page.evaluate("() => window.__told[0]")
    assert hidden is False
    assert said == page.text_content("[data-dl-count]")
    assert said.startswith(f"{matched} of ")
