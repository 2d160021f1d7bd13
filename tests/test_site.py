"""The built site, read as files: pages, static JSON, safety, and what `dateline build` says.

The site is built once per session from the story fixture (``story_site``); the browser tests
in ``test_browser.py`` drive the same build.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import typing
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest
from jinja2.runtime import Context
from markupsafe import Markup

from conftest import EDIT_URL, REPO, Events, build_site
from dateline import compiler, dates, formats
from dateline.cache import open_store
from dateline.model import QUALIFIERS, Qualifier
from dateline.resources import FigureResource
from dateline.site import builder as website
from dateline.site import markup, pages, searchindex, shell
from dateline.store import EventFilter, Store

SHADDADI = "2026-01-al-shaddadi-prison-falls-to-government-troops"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"


@pytest.fixture(scope="module")
def store(story_events: Path) -> Store:
    return open_store(story_events)


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


class Tags(HTMLParser):
    """What a page's markup does: its tags, attributes and script text (not its text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def problems(self) -> list[str]:
        found = [f"<script> with {s.strip()[:60]!r}" for s in self.scripts if "alert(" in s]
        for tag, attrs in self.tags:
            if tag in ("iframe", "object", "embed", "img"):  # Material draws icons as <svg>
                found.append(f"<{tag}>")
            for name, value in attrs.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=...>")
                scheme = (value or "").strip().lower()
                dangerous = scheme.startswith(("javascript:", "data:"))
                if name in ("href", "src", "action") and dangerous:
                    found.append(f"<{tag} {name}={value!r}>")
        return found


# --- pages ---------------------------------------------------------------------------------


def test_every_record_has_a_page(story_site: Path, store: Store) -> None:
    ids = [json.loads(i)["id"] for i in store.events(EventFilter(), sort="date", limit=500).items]
    pages = sorted(p.parent.name for p in (story_site / "events").glob("*/index.html"))
    assert pages == sorted(ids)
    for kind in ("actors", "places", "tags"):
        listed = json.loads(store.listing(kind))
        for record in listed:
            assert (story_site / kind / record["id"] / "index.html").is_file(), (kind, record)
        assert (story_site / kind / "index.html").is_file()
    for page in ("index.html", "search/index.html", "about/index.html"):
        assert (story_site / page).is_file()


def test_the_home_page_shows_the_newest_events_with_a_line_each(
    story_site: Path, store: Store
) -> None:
    oldest_first = [
        json.loads(i)["id"] for i in store.events(EventFilter(), sort="date", limit=500).items
    ]
    home = read(story_site, "index.html")
    latest = home[home.index("data-dl-latest") :].split("</section>", 1)[0]
    listed = re.findall(r'<li class="dl-event[^"]*" data-id="([^"]+)"', latest)
    assert listed == oldest_first[::-1][: pages.Settings().latest]
    assert latest.count('<p class="dl-event__line">') == len(listed)


def test_event_pages_are_not_in_the_nav(story_site: Path) -> None:
    # Rendering every event into every page's nav made the build cost grow as n² (README).
    page = read(story_site, f"events/{HAWL}/index.html")
    nav = page[page.index('<nav class="md-nav md-nav--primary') :]
    nav = nav[: nav.index("</nav>")]
    assert "events/" not in nav
    assert 'href="../../tags/"' in nav  # the nav itself is there


def test_the_contested_figures_are_side_by_side_with_their_sources(story_site: Path) -> None:
    page = read(story_site, f"events/{SHADDADI}/index.html")
    figures = page[page.index('<div class="dl-figures">') : page.index('<h3 id="statements">')]
    assert "at least 1,500 people escaped" in figures
    assert "Kurdish media" in figures
    assert "just over 100 people escaped" in figures
    assert "Syrian government (Damascus)" in figures
    assert figures.count('href="#source-1">[1] The Cradle</a>') == 4
    # The source has no URL, and the page says so rather than inventing one.
    sources = page[page.index('<section class="dl-sources"') :]
    assert "No URL given." in sources
    assert "gives no URL and no publication date" in sources


def test_an_event_page_links_everything_it_names(story_site: Path, store: Store) -> None:
    event = json.loads(store.event(SHADDADI) or b"")
    page = read(story_site, f"events/{SHADDADI}/index.html")
    for actor in event["actors"]:
        assert f'href="../../actors/{actor["id"]}/"' in page
    for place in event["places"]:
        assert f'href="../../places/{place["id"]}/"' in page
    for tag in event["tags"]:
        assert f'href="../../tags/{tag}/" data-pagefind-filter="tag"' in page
    for related in event["related"] + event["related_by"]:
        assert f'href="../../events/{related}/"' in page
    assert f'href="../../data/events/{SHADDADI}.json"' in page
    assert f'href="{EDIT_URL}{event["file"]}"' in page
    assert 'data-pagefind-filter="status:disputed"' in page


def test_an_event_page_says_when_its_record_was_published_and_changed(
    story_site: Path, store: Store
) -> None:
    for event_id in (SHADDADI, HAWL):
        event = json.loads(store.event(event_id) or b"")
        footer = read(story_site, f"events/{event_id}/index.html").split('class="dl-record"')[1]
        words = dates.parse(event["first_published"][:10]).label
        assert f'first published on <time datetime="{event["first_published"]}">{words}</time>' in (
            footer
        )
        changed = dates.parse(event["last_modified"][:10]).label
        assert ("last changed on" in footer) is (changed != words)


def test_related_events_show_in_both_directions(story_site: Path, store: Store) -> None:
    # The Al-Hawl release event lists the army's entry; the entry's page shows it back.
    back = "2026-01-20-isis-members-released-from-al-hawl-camp"
    assert HAWL in json.loads(store.event(back) or b"")["related"]
    page = read(story_site, f"events/{HAWL}/index.html")
    related = page[page.index('<section class="dl-related"') :]
    assert f'href="../../events/{back}/"' in related


def test_aliases_are_indexed_and_laid_out_in_their_own_direction(story_site: Path) -> None:
    page = read(story_site, f"events/{HAWL}/index.html")
    # Arabic script: lang="ar"; isolated by U+2068 and U+2069, which a search excerpt keeps.
    assert '\u2068<span class="dl-alias" dir="auto" lang="ar">مخيم الهول</span>\u2069' in page
    place = read(story_site, "places/al-hawl-camp/index.html")
    assert (
        '<li>\u2068<span class="dl-alias" dir="auto" lang="ar">مخيم الهول</span>\u2069</li>'
        in place
    )
    assert "https://www.openstreetmap.org/?mlat=36.38&amp;mlon=41.15" in place
    assert 'href="../../places/hasakah-governorate/"' in place  # its parent


def test_a_place_page_lists_the_places_within_it(story_site: Path) -> None:
    page = read(story_site, "places/hasakah-governorate/index.html")
    children = page[page.index('<ul class="dl-children">') :]
    children = children[: children.index("</ul>")]
    for child in ("al-hawl-camp", "al-hasakah", "al-roj-camp", "al-shaddadi"):
        assert f'href="../../places/{child}/"' in children
    # ... and the events at them, since a place includes the places within it.
    assert f'href="../../events/{HAWL}/"' in page


def test_the_site_loads_nothing_from_other_servers(story_site: Path) -> None:
    # No fonts, scripts, styles, images or API calls from elsewhere: links are fine.
    for page in story_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|img|iframe)[^>]+src="(https?:)?//', html), page
        assert not re.search(r'<link[^>]+rel="(stylesheet|preconnect)"[^>]+//', html), page
        assert "api.github.com" not in html, page


# --- static data ---------------------------------------------------------------------------


def test_static_json_is_the_stores_bytes(story_site: Path, store: Store) -> None:
    # The site, the API and export share one serialiser, so the JSON cannot drift.
    for path in (story_site / "data" / "events").glob("*.json"):
        assert path.read_bytes() == store.event(path.stem)
    listing = json.loads(read(story_site, "data/events.json"))
    page = store.events(EventFilter(), sort="date", limit=500)
    assert listing == {
        "items": [json.loads(item) for item in page.items],
        "total": page.total,
        "next": None,
    }


# --- safety --------------------------------------------------------------------------------

HOSTILE = """\
title: "<img src=x onerror=alert('title')> Hostile <b>title</b>"
date: 2026-01-17~
summary: |
  Hello <script>alert('script')</script> and <img src=x onerror="alert('img')">.

  [click](javascript:alert('link')) <a href="javascript:alert('a')">raw</a>
  [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [fine](https://example.org/ok)
  <iframe src="https://example.org"></iframe> <svg onload=alert('svg')>
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
HOSTILE_PATH = "2026/2026-01-17-hostile.yaml"


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[x](javascript:alert(1))", "href"),
        ("[x](JaVaScRiPt:alert(1))", "href"),
        ("<javascript:alert(1)>", "href"),
        ('<a href="javascript:alert(1)">x</a>', "<a"),
        ("[x](data:text/html,<script>alert(1)</script>)", "href"),
        ("![x](https://tracker.example/pixel.png)", "<img"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("<svg onload=alert(1)>", "<svg"),
    ],
)
def test_markup_renders_untrusted_markdown_inert(markdown: str, forbidden: str) -> None:
    assert forbidden not in markup.render(markdown).lower()


def test_markup_keeps_plain_markdown_and_marks_links() -> None:
    html = markup.render("**Bold**, *em*, [a link](https://example.org), `code`\n\n- one\n- two")
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">a link</a>' in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    ("markdown", "top", "html"),
    [
        ("# A\n\n## B", 3, "<h3>A</h3>\n<h4>B</h4>"),
        ("# A\n\n## B", 2, "<h2>A</h2>\n<h3>B</h3>"),
        ("###### Deep", 3, "<h6>Deep</h6>"),  # there is no h8
    ],
)
def test_markup_moves_headings_below_the_page_s(markdown: str, top: int, html: str) -> None:
    assert str(markup.render(markdown, top=top)).strip() == html


INTRODUCTION = """\
# About this dataset

It records **one** story. <script>alert("intro")</script>
"""


def test_the_dataset_introduction_opens_the_home_page(events: Events, tmp_path: Path) -> None:
    events.write("README.md", INTRODUCTION)
    site = build_site(events.root, tmp_path / "site")
    home = read(site, "index.html")
    intro = home[home.index('<section class="dl-intro"') :].split("</section>", 1)[0]
    assert "<h2>About this dataset</h2>" in intro
    assert "<strong>one</strong>" in intro
    assert "&lt;script&gt;" in intro  # contributor Markdown: raw HTML is text
    assert Tags(home).problems() == []
    assert home.index("data-dl-latest") < home.index("dl-intro") < home.index('id="archive"')


def test_a_dataset_without_an_introduction_has_none(events: Events, tmp_path: Path) -> None:
    site = build_site(events.root, tmp_path / "site")
    assert "dl-intro" not in read(site, "index.html")


def test_hostile_text_is_escaped_everywhere(events: Events, tmp_path: Path) -> None:
    events.write(HOSTILE_PATH, HOSTILE)
    site = build_site(events.root, tmp_path / "site")
    page = read(site, "events/2026-01-17-hostile/index.html")
    assert Tags(page).problems() == []
    assert "<b>title</b>" not in page
    title = "&lt;img src=x onerror=alert(&#39;title&#39;)&gt; Hostile &lt;b&gt;title&lt;/b&gt;"
    assert title in page
    assert '<a href="https://example.org/ok" rel="nofollow noopener">fine</a>' in page
    for other in ("index.html", "actors/sdf/index.html", "places/al-hawl-camp/index.html"):
        assert Tags(read(site, other)).problems() == [], other


# --- what the pages say --------------------------------------------------------------------


def figure(**fields: Any) -> FigureResource:
    given = {"value": None, "qualifier": None, "low": None, "high": None, **fields}
    return FigureResource(unit="people", counts="escaped", **given)


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        (figure(value=1500, qualifier="at-least"), "at least 1,500 people escaped"),
        (figure(value=100, qualifier="at-most"), "at most 100 people escaped"),
        (figure(value=100, qualifier="just-over"), "just over 100 people escaped"),
        (figure(value=100, qualifier="just-under"), "just under 100 people escaped"),
        (figure(value=100, qualifier="more-than"), "more than 100 people escaped"),
        (figure(value=100, qualifier="fewer-than"), "fewer than 100 people escaped"),
        (figure(value=120), "120 people escaped"),
        (figure(value=120, qualifier="exact"), "120 people escaped"),
        (figure(value=2.5, qualifier="about"), "about 2.5 people escaped"),
        (figure(value=3000.0), "3,000 people escaped"),
        (figure(low=100, high=150), "100–150 people escaped"),
    ],
)
def test_figures_read_as_prose(figure: FigureResource, text: str) -> None:
    assert formats.figure_text(figure) == text


def test_every_qualifier_has_its_words() -> None:
    assert set(QUALIFIERS) == set(typing.get_args(Qualifier))


def test_the_timeline_groups_by_year_and_month_newest_first(store: Store) -> None:
    from dateline.resources import EventItem

    decode = msgspec.json.Decoder(EventItem).decode
    items = [decode(i) for i in store.events(EventFilter(), sort="date", limit=500).items]
    years = pages.timeline(items)
    assert [y.label for y in years] == ["2026", "2021", "2017", "Start not known"]
    assert [m.label for m in years[0].months] == ["January 2026"]
    assert [m.label for m in years[1].months] == ["2021, month not known"]
    oldest = pages.timeline(items, newest_first=False)
    assert [y.label for y in oldest] == ["Start not known", "2017", "2021", "2026"]


def test_the_place_tree_puts_each_place_under_its_parent(store: Store) -> None:
    from dateline.resources import PlaceResource as Place

    places = msgspec.json.decode(store.listing("places"), type=list[Place])
    tree = pages.place_tree({p.id: p for p in sorted(places, key=lambda p: p.name)})
    depth = {o.value: o.depth for o in tree}
    order = [o.value for o in tree]
    assert depth["syria"] == 0
    assert depth["hasakah-governorate"] == 1
    assert depth["al-hawl-camp"] == 2
    assert depth["al-shaddadi-prison"] == 3
    assert order.index("syria") < order.index("hasakah-governorate") < order.index("al-hawl-camp")


def test_shells_are_byte_for_byte_what_the_full_templates_render(
    story_site: Path, story_events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Render every page whole through its template instead, and compare every file.
    def whole(self: shell.Shells, context: Context) -> Markup:
        variables = context.get_all()
        template = context.environment.get_template(variables["dateline_template"])
        return Markup(template.render(variables))

    def each(self: shell.Fragments, key: str, root: str, render: Any, *args: Any) -> Markup:
        return Markup(render(*args, root=root))

    monkeypatch.setattr(shell.Shells, "__call__", shell.pass_context(whole))
    monkeypatch.setattr(shell.Fragments, "__call__", each)
    fresh = build_site(story_events, tmp_path / "site", edit_url=EDIT_URL)
    compared = 0
    for page in story_site.rglob("*.html"):
        assert page.read_bytes() == (fresh / page.relative_to(story_site)).read_bytes(), page
        compared += 1
    assert compared > 50


# --- dateline build ------------------------------------------------------------------------


def test_the_build_compiles_the_store_in_a_child_process(
    events: Events, dateline, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling takes memory the build's process would keep until the build ends.
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Store was compiled in the build's own process")

    monkeypatch.setattr(compiler, "compile_dataset", refuse)
    assert not list((events.root.parent / ".cache" / "dateline").glob("*.sqlite"))
    result = dateline("build", "--out", "out", "--config", str(REPO / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert (events.root.parent / "out" / "events").is_dir()
    assert len(list((events.root.parent / ".cache" / "dateline").glob("*.sqlite"))) == 1


def test_build_refuses_a_dataset_with_errors_and_says_what_check_says(
    events: Events, dateline
) -> None:
    events.write("2026/2026-01-21-broken.yaml", "title: Broken\ndate: 21 January 2026\n")
    result = dateline("build", "--out", "out", "--config", str(REPO / "mkdocs.yml"))
    assert result.exit_code == 1
    assert (
        "events/2026/2026-01-21-broken.yaml:1:1: error DL201: missing required field"
        in result.output
    )
    assert (
        'events/2026/2026-01-21-broken.yaml:2:7: error DL302: date: "21 January 2026" '
        "is not an ISO date; write 2026-01-21"
    ) in result.output
    assert "the site was not built" in result.output
    assert not Path("out.hash").exists()


def test_build_reports_what_it_built(events: Events, dateline) -> None:
    out = events.root.parent / "out"
    result = dateline("build", "--out", str(out), "--config", str(REPO / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert re.match(r"built \d+ pages \(1 events\) into .* in [\d.]+ s", result.output)
    assert (out / "pagefind" / "pagefind-ui.js").is_file()
    assert (out / "data" / "events.json").is_file()
    events.write("2026/2026-01-22-another.yaml", EVENT_2)
    again = dateline("build", "--out", str(out), "--config", str(REPO / "mkdocs.yml"))
    assert again.exit_code == 0, again.output
    said = r"updated \d+ of \d+ pages \(2 events\) in .*: on the site after [\d.]+ s"
    assert re.match(said, again.output), again.output
    assert "Pagefind indexed 1 of 1 shard again" in again.output


def test_a_build_is_reused_until_its_inputs_change(events: Events, tmp_path: Path) -> None:
    out = tmp_path / "site"
    config = REPO / "mkdocs.yml"
    first = website.ensure_built(events.root, out, config_file=config)
    assert not first.reused
    assert first.events == 1
    assert website.stamp_path(out).read_text().strip() == website.content_hash(events.root, config)
    assert website.ensure_built(events.root, out, config_file=config).reused
    events.write("2026/2026-01-22-another.yaml", EVENT_2)
    again = website.ensure_built(events.root, out, config_file=config)
    assert not again.reused
    assert again.events == 2


EVENT_2 = """\
title: Another event
date: 2026-01-22
summary: Something else happened.
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/another
"""


def test_the_search_index_is_built_in_shards(story_events: Path, tmp_path: Path) -> None:
    # The story's 11 events, 21 actors and 12 places are indexed: 44 pages, in shards of 10.
    site = build_site(story_events, tmp_path / "site", search_shard_size=10)
    bundles = ["pagefind", "pagefind-1", "pagefind-2", "pagefind-3", "pagefind-4"]
    for bundle in bundles:
        assert (site / bundle / "pagefind-entry.json").is_file(), bundle
    assert not (site / "pagefind-5").exists()
    assert f'data-bundles="{" ".join(f"../{b}/" for b in bundles)}"' in read(
        site, "search/index.html"
    )
    pages = sum(
        json.loads((site / b / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for b in bundles
    )
    assert pages == 44
    staging = tmp_path / ".site.building"  # the folder the build writes, then swaps in
    scratch = [searchindex.scratch_folder(staging, n) for n in range(len(bundles))]
    assert len(set(scratch)) == len(bundles)
    assert not any(folder.exists() for folder in scratch)  # the scratch folders are gone
    assert not list(tmp_path.glob(".site*.search-*"))


def test_the_hook_writes_the_pages_and_mkdocs_says_nothing_of_it(
    story_events: Path, tmp_path: Path
) -> None:
    # The hook hands MkDocs an empty page once it has had the page written (so that MkDocs
    # does not write it again); MkDocs' "Page skipped" for each is kept out of its log.
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    logger = logging.getLogger("mkdocs.commands.build")
    handler, level = Keep(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        site = build_site(story_events, tmp_path / "site")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert said  # MkDocs logged as it built (its "Building documentation" and others)
    assert not [message for message in said if message.startswith("Page skipped")]
    for page in ("index.html", "about/index.html", "search/index.html"):
        assert "</html>" in read(site, page), page
    event_pages = list((site / "events").glob("*/index.html"))
    assert len(event_pages) == 11
    assert all(p.read_text(encoding="utf-8").rstrip().endswith("</html>") for p in event_pages)


def test_the_scratch_folders_are_in_memory_if_the_machine_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(searchindex, "MEMORY", memory)
    site = tmp_path / "out" / "site"
    inside = searchindex.scratch_folder(site, 2)
    assert inside.parent == memory
    assert inside != searchindex.scratch_folder(tmp_path / "other" / "site", 2)
    # too little room there (a container's /dev/shm may be 64 MB): beside the site
    free = os.statvfs(memory)
    more = free.f_bavail * free.f_frsize + 1
    assert searchindex.scratch_folder(site, 2, more) == tmp_path / "out" / ".site.search-2"
    monkeypatch.setattr(searchindex, "MEMORY", tmp_path / "none")
    assert searchindex.scratch_folder(site, 2) == tmp_path / "out" / ".site.search-2"
    index = searchindex.SearchIndex(site, pages=1)
    index.page("a/index.html")
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="en"><body><div data-pagefind-body><p>hello</p></div></body></html>'
    )
    index.finish()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not searchindex.scratch_folder(site, 0).exists()


@pytest.mark.parametrize(
    ("pages", "largest", "size"),
    [
        (44, 20_000, 2_000),  # one shard
        (2_000, 20_000, 2_000),
        (11_000, 20_000, 2_750),  # about four, so that three are built while rendering
        (110_000, 20_000, 20_000),  # the largest: ~2.2 GB of Pagefind at a time
        (44, 10, 10),
        (0, 20_000, 2_000),
    ],
)
def test_shard_sizes(pages: int, largest: int, size: int) -> None:
    assert searchindex.size_of_shards(pages, largest) == size


def test_every_page_lands_in_a_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    indexed: list[list[str]] = []

    def record(
        site_dir: Path, shard: int, files: list[tuple[str, Path]], *, threads: int | None
    ) -> float:
        indexed.append([page for page, _ in files])
        return 0.0

    monkeypatch.setattr(searchindex, "index_shard", record)
    monkeypatch.setattr(searchindex, "MIN_SHARD_SIZE", 3)
    index = searchindex.SearchIndex(tmp_path, pages=14)
    assert index.bundles == ["pagefind", "pagefind-1", "pagefind-2", "pagefind-3"]
    for n in range(14):
        index.page(f"events/e{n}/index.html")
        index.page(None)  # a page that is not indexed
    index.finish()
    assert [len(shard) for shard in indexed] == [4, 4, 4, 2]
    assert index.members == indexed  # what the manifest keeps
    every = sorted(page for shard in indexed for page in shard)
    assert every == sorted(f"events/e{n}/index.html" for n in range(14))


def _bundle(folder: Path) -> dict[str, Any]:
    """What a Pagefind bundle holds, leaving out the order of its maps (not stable from one
    run to the next): its page fragments and word index (named by their content), and each
    filter file's bytes, sorted."""
    return {
        "fragments": sorted(p.name for p in (folder / "fragment").iterdir()),
        "index": sorted(p.name for p in (folder / "index").iterdir()),
        "filters": sorted(
            sorted(gzip.decompress(p.read_bytes())) for p in (folder / "filter").iterdir()
        ),
    }


def test_pagefind_indexes_the_cut_pages_as_it_indexes_the_whole_ones(
    story_site: Path, tmp_path: Path
) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    indexed = [p for p in story_site.rglob("index.html") if b"data-pagefind-body" in p.read_bytes()]
    assert len(indexed) > 20  # events, actors, places
    for page in indexed:
        for folder, data in (
            (whole, page.read_bytes()),
            (cut, searchindex.searchable(page.read_bytes())),
        ):
            target = folder / page.relative_to(story_site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        assert len(searchindex.searchable(page.read_bytes())) < len(page.read_bytes())
    searchindex.run(whole, tmp_path / "whole-bundle")
    searchindex.run(cut, tmp_path / "cut-bundle")
    assert _bundle(tmp_path / "cut-bundle") == _bundle(tmp_path / "whole-bundle")


# Pages that are not Dateline's templates, but HTML of the kinds a cut must get right: an
# ignored element nested in one of its own name, inline between two words, holding a filter
# or a meta field (which Pagefind still reads), a void element marked ignored, a tag whose
# name starts with the ignored one's, an ignored element inside another, and a body element
# that never ends.
_TRICKY_PAGES = {
    "nested/index.html": (
        '<html lang="en"><head><title>t</title></head><body><nav>Menu words</nav>'
        '<div class="x" data-pagefind-body><h1>Nested</h1>'
        "<div data-pagefind-ignore><div>hidden <div>deeper</div> still</div> gone</div>"
        "<p>after the nested block</p></div><footer>footer words</footer></body></html>"
    ),
    "inline/index.html": (
        '<html lang="en"><body><main data-pagefind-body><h1>Inline</h1>'
        "<p>before<span data-pagefind-ignore>tip <b>bold</b></span>after, and "
        "<b data-pagefind-ignore>x<br>y<button>z</button></b> buttons "
        "<span data-pagefind-ignore><span>a</span><span data-pagefind-ignore>b</span></span>"
        "</p></main></body></html>"
    ),
    "kept/index.html": (
        '<html lang="en"><body><article data-pagefind-body><h1>Kept</h1>'
        '<section data-pagefind-ignore><p>ignored text</p><span data-pagefind-filter="k:v">'
        '</span></section><section data-pagefind-ignore><span data-pagefind-meta="m:w"></span>'
        'more</section><img data-pagefind-ignore alt="alt" src="a.png"><p>body text</p>'
        "</article></body></html>"
    ),
    "unended/index.html": (
        '<html lang="en"><body><div data-pagefind-body><h1>Unended</h1><p>words'
        "<div data-pagefind-ignore>never closed</body></html>"
    ),
}


def test_pagefind_indexes_cut_html_of_every_kind_as_it_indexes_the_whole(
    tmp_path: Path,
) -> None:
    for folder, cut in (("whole", False), ("cut", True)):
        for relative, page in _TRICKY_PAGES.items():
            target = tmp_path / folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            data = page.encode()
            target.write_bytes(searchindex.searchable(data) if cut else data)
        searchindex.run(tmp_path / folder, tmp_path / f"{folder}-bundle")
    assert _bundle(tmp_path / "cut-bundle") == _bundle(tmp_path / "whole-bundle")
    cut = {name: searchindex.searchable(page.encode()) for name, page in _TRICKY_PAGES.items()}
    assert b"deeper" not in cut["nested/index.html"]
    assert b"footer words" not in cut["nested/index.html"]
    assert b"before<span data-pagefind-ignore></span>after" in cut["inline/index.html"]
    assert b"<button>" not in cut["inline/index.html"]
    assert b"ignored text" in cut["kept/index.html"]  # it holds a filter: kept whole
    assert b'alt="alt"' in cut["kept/index.html"]
    assert cut["unended/index.html"].endswith(b"never closed</body></html>")


def test_events_of_a_year_and_of_its_first_day_are_each_archived_once(
    events: Events, tmp_path: Path
) -> None:
    # Sorted by start, then id: "2026" (a year) starts on 1 January, so the year's "month not
    # known" events and 1 January's come interleaved.
    from conftest import world_event

    events.write("2026/2026-a-year-event.yaml", world_event("A year", "2026"))
    events.write("2026/2026-01-01-b-new-year.yaml", world_event("New year", "2026-01-01"))
    events.write("2026/2026-c-another-year-event.yaml", world_event("Another year", "2026"))
    site = build_site(events.root, tmp_path / "site")

    def listed(page: str) -> list[str]:
        body = read(site, page)
        body = body[body.index('class="dl-page') :]
        return re.findall(r'<li class="dl-event[^"]*" data-id="([^"]+)"', body)

    assert listed("archive/2026/undated/index.html") == [
        "2026-c-another-year-event",
        "2026-a-year-event",
    ]
    assert listed("archive/2026/01/index.html") == [
        "2026-01-20-syrian-army-enters-al-hawl-camp",
        "2026-01-01-b-new-year",
    ]
    year = read(site, "archive/2026/index.html")
    assert year.count("archive/2026/undated/") == 1


def test_a_sitemap_past_the_protocols_limit_becomes_an_index(tmp_path: Path) -> None:
    from dateline.site import sitemap
    from dateline.site.writer import Writer

    pages = [(f"p{n}/", "2026-01-01T00:00:00Z" if n % 2 else None) for n in range(7)]
    sitemap.write(Writer(tmp_path), "https://t.example/", pages, limit=3)
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == index
    parts = re.findall(r"<loc>([^<]+)</loc>", index)
    assert parts == [f"https://t.example/sitemaps/{n}.xml" for n in (1, 2, 3)]
    assert "<sitemapindex" in index
    found = [
        re.findall(r"<url><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?</url>", text)
        for n in (1, 2, 3)
        for text in [(tmp_path / "sitemaps" / f"{n}.xml").read_text("utf-8")]
    ]
    assert [entry for part in found for entry in part] == [
        (f"https://t.example/{address}", when or "") for address, when in pages
    ]
    sitemap.write(Writer(tmp_path / "none"), None, pages, limit=3)  # no site_url: no addresses
    assert "<loc>" not in (tmp_path / "none" / "sitemap.xml").read_text(encoding="utf-8")
