"""An incremental `dateline build` equals a full one: after random edits (add, retitle and
delete an event, rename an actor, break and fix a file), the site updated in place has every
file a build from scratch has, byte for byte, and no other; its search bundles hold the same
pages, each once, with the new text. And it renders only what changed.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File

from conftest import STORY, build_site, copy_events
from dateline.site import axisindex, builder, filterindex, manifest

REPO = Path(__file__).resolve().parent.parent
OPERATIONS = ("add", "retitle", "retag", "redate", "backdate", "delete", "rename", "break")
RETAGS = ("retagged-0", "retagged-1", "retagged-2", "detention")
RELATED = "2026-01-20-syrian-army-enters-al-hawl-camp"


# With an address, so that what depends on it (canonical links, the sitemap, the feeds' links)
# is compared too.
SITE_URL = "https://timeline.example.org/"


# Lists of a few events a page, so that an edit moves events from one page of a list (and of
# the archive) to another.
PAGED = {"page_size": 4}

# Shards of a few events (the filters' rows, the axis's marks, the map's places), so that an
# edit leaves some as they were, which an update keeps without making them again.
SMALL_SHARDS = ((filterindex, "SHARD_SIZE", 3), (axisindex, "MAP_SHARD_SIZE", 3))


def build(
    events: Path, out: Path, config_file: Path = REPO / "mkdocs.yml", **options: object
) -> builder.Built:
    return builder.build(events, out, config_file=config_file, site_url=SITE_URL, options=options)


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a site but its search bundles (compared by :func:`indexed`)."""
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.relative_to(site).parts[0].startswith("pagefind")
    }


def indexed(site: Path) -> tuple[list[str], int, str]:
    """The pages the site's bundles hold (by its manifest), how many the bundles say they
    hold, and the text of their fragments."""
    kept = manifest.load(manifest.path_of(site))
    assert kept is not None
    pages = sorted(page for bundle in kept.bundles for page in bundle)
    count, text = 0, []
    for entry in site.glob("pagefind*/pagefind-entry.json"):
        languages = json.loads(entry.read_text())["languages"]
        count += sum(language["page_count"] for language in languages.values())
        for fragment in entry.parent.glob("fragment/*.pf_fragment"):
            text.append(gzip.decompress(fragment.read_bytes()).decode(errors="replace"))
    return pages, count, "\n".join(text)


def added(events: Path, n: int) -> Path:
    return events / "2026" / f"2026-01-2{n % 10}-an-added-event-{n}.yaml"


def edit(events: Path, operation: str, n: int) -> str | None:
    """Apply one edit; return a title that must now be found by search, if any."""
    if operation == "add":
        title = f"An added event number {n}"
        added(events, n).write_text(
            f"title: {title}\ndate: 2026-01-2{n % 10}\nsummary: Added by a test.\n"
            "tags: [detention, added]\nactors: [sdf]\nplaces: [al-hawl-camp]\n"
            f"related: [{RELATED}]\nsources:\n"
            "  - {title: A story, publisher: Example News, url: 'https://example.org/a'}\n",
            encoding="utf-8",
        )
        return title
    if operation == "retag":  # in place, but on another tag's list and in its filter file
        path = sorted(events.glob("*/*.yaml"))[n % len(list(events.glob("*/*.yaml")))]
        # a new tag's list, or one of two pages (seven of the story's events), where the
        # events after it move to the next page
        tag, text = RETAGS[n % len(RETAGS)], path.read_text()
        found = re.search(r"^tags: \[(.*)\]$", text, flags=re.M)
        assert found is not None, path
        tags = found.group(1).split(", ")
        tags = [t for t in tags if t != tag] if tag in tags else [tag, *tags]  # or it goes
        text = text.replace(found.group(0), f"tags: [{', '.join(tags)}]", 1)
        path.write_text(text, encoding="utf-8")
        return None
    if operation == "redate":  # it moves in the date order: positions shift
        files = sorted(events.glob("2026/*.yaml"))  # its id begins with its date's year
        path = files[n % len(files)]
        text = re.sub(r"^date: .*$", f"date: 2026-01-1{n % 10}", path.read_text(), flags=re.M)
        path.write_text(text, encoding="utf-8")
        return None
    if operation == "backdate":  # into the month before and back, still first in date order
        path = next(events.glob("2017/2017-08-sohr-*.yaml"))
        text, months = path.read_text(), ("date: 2017-08\n", "date: 2017-07\n")
        old, new = months if months[0] in text else months[::-1]
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return None
    if operation == "retitle":
        path = sorted(events.glob("*/*.yaml"))[n % len(list(events.glob("*/*.yaml")))]
        title = f"Retitled by a test, {n}"
        text = re.sub(r"^title: .*$", f"title: {title}", path.read_text(), count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
        return title
    if operation == "delete":
        mine = sorted(events.glob("2026/*-an-added-event-*.yaml"))
        if mine:
            mine[n % len(mine)].unlink()
        return None
    if operation == "rename":
        path = events / "actors.yaml"
        text = re.sub(
            r"^  name: Syrian Democratic Forces.*$",
            f"  name: Syrian Democratic Forces ({n})",
            path.read_text(),
            flags=re.M,
        )
        path.write_text(text, encoding="utf-8")
        return None
    raise AssertionError(operation)


def assert_same(live: Path, scratch: Path, title: str | None) -> None:
    assert tree(live) == tree(scratch)
    pages, count, text = indexed(live)
    assert pages == indexed(scratch)[0]
    assert count == len(pages)  # each page in one bundle
    if title is not None:
        assert title in text


def break_and_fix(events: Path, live: Path) -> None:
    """A file with an error: the build refuses, and the site and its manifest stay as they
    were, so the next build is still incremental."""
    before = tree(live)
    broken = events / "2026" / "2026-01-22-broken.yaml"
    broken.write_text("title: Broken\ndate: 2026-13-40\nsummary: Not a date.\n", "utf-8")
    with pytest.raises(builder.BuildError, match=r"2026-01-22-broken\.yaml"):
        build(events, live, **PAGED)
    assert tree(live) == before
    assert manifest.load(manifest.path_of(live)) is not None
    broken.unlink()


def edits_equal_full_builds(root: Path, steps: list[tuple[str, int]]) -> None:
    """Build, then after each step update the site and build it from scratch: the same."""
    events = copy_events(STORY, root)
    live = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        for module, name, size in SMALL_SHARDS:
            patch.setattr(module, name, size)
        build(events, live, **PAGED)
        for n, (operation, pick) in enumerate(steps):
            _step(events, live, root / f"scratch-{n}", operation, pick)


def _step(events: Path, live: Path, scratch: Path, operation: str, pick: int) -> None:
    if operation == "break":
        break_and_fix(events, live)
        title = None
    else:
        title = edit(events, operation, pick)
    built = build(events, live, **PAGED)
    assert built.incremental
    assert_same(live, build_site(events, scratch, site_url=SITE_URL, **PAGED), title)


@pytest.mark.slow
def test_each_kind_of_edit_updates_the_site_as_a_full_build_would(tmp_path: Path) -> None:
    # the first event file (2017-08-...) is related to others both ways: their pages show
    # its title
    steps = [("add", 1), ("retitle", 0), ("rename", 2), ("add", 3), ("delete", 0), ("break", 0)]
    steps += [("retitle", 5), ("retag", 4), ("redate", 7), ("retag", 6), ("retitle", 9)]
    # the story's seventh file (2026-01-20-trump-...) onto the detention list, among its
    # newest events, and off again: events it does not share a page with move
    steps += [("retag", 39), ("retitle", 1), ("retag", 39)]
    # out of its month's list, with no event moving in date order, and back
    steps += [("backdate", 0), ("backdate", 0)]
    edits_equal_full_builds(tmp_path, steps)


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 99)), min_size=3, max_size=4
    )
)
def test_an_incremental_build_equals_a_full_one(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    edits_equal_full_builds(tmp_path_factory.mktemp("incremental"), steps)


@pytest.mark.slow
def test_an_incremental_build_renders_only_what_changed(tmp_path: Path) -> None:
    events = copy_events(STORY, tmp_path)
    live = tmp_path / "site"
    full = build(events, live)
    assert not full.incremental
    assert full.rendered == full.pages - _hand_written()
    again = build(events, live)
    assert again.incremental
    assert again.rendered == 0  # nothing changed
    title = edit(events, "add", 1)
    built = build(events, live)
    assert built.incremental
    # the event's page, its related event's, the lists it is on (its tags, actor, place and
    # the places holding it, its archive month, year and index, the indexes): not the others
    assert 5 < built.rendered < full.rendered / 2
    assert_same(live, build_site(events, tmp_path / "scratch", site_url=SITE_URL), title)
    # other settings make the next build a full one
    other = builder.build(
        events, live, config_file=REPO / "mkdocs.yml", options={"page_size": 3}, site_url=SITE_URL
    )
    assert not other.incremental
    assert other.rendered > full.rendered  # lists of three a page


@pytest.mark.slow
def test_an_update_writes_only_the_files_that_changed(tmp_path: Path) -> None:
    """Of the static JSON beside the pages, an update replaces only the files whose bytes
    changed: every other one is the same file as before (its inode), never written again."""
    events = copy_events(STORY, tmp_path)
    live = tmp_path / "site"
    build(events, live)
    before = _files(live)
    edit(events, "retitle", 3)
    assert build(events, live).incremental
    after = _files(live)
    assert after.keys() == before.keys()
    same = {path for path in after if after[path][1] == before[path][1]}
    assert len(same) > len(after) / 2  # most of the filters' and the axis's files
    assert {path for path in same if after[path][0] != before[path][0]} == set()
    changed = after.keys() - same
    assert "data/events.json" in changed  # a download: it lists every title
    assert sum(path.startswith("data/events/") for path in changed) == 1  # the event's own
    assert_same(live, build_site(events, tmp_path / "scratch", site_url=SITE_URL), None)


def _files(site: Path) -> dict[str, tuple[int, bytes]]:
    """The site's files beside its pages (its data/ and its root files): inode and bytes."""
    found = [*(site / "data").rglob("*.json"), *site.glob("data/*.*"), site / "robots.txt"]
    return {
        str(p.relative_to(site)): (p.stat().st_ino, p.read_bytes()) for p in found if p.is_file()
    }


def _hand_written() -> int:
    return sum(1 for _ in (REPO / "site" / "docs").rglob("*.md"))


@pytest.mark.slow
def test_the_pages_an_update_keeps_are_still_linked_and_listed(tmp_path: Path) -> None:
    """MkDocs is given only the pages an update renders again; a hand-written page's links to
    generated pages it does not render (which strict mode checks) and the navigation's still
    resolve, and the sitemap still lists every page, an event's with its record's time."""
    shutil.copytree(REPO / "site", tmp_path / "site")
    config = Path(shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml"))
    about = tmp_path / "site" / "docs" / "about.md"
    links = f"\n[Every tag](tags/index.md) and [an event](events/{RELATED}.md#sources).\n"
    about.write_text(about.read_text(encoding="utf-8") + links, encoding="utf-8")
    events = copy_events(STORY, tmp_path)
    live = tmp_path / "out"
    build(events, live, config)
    edit(events, "retitle", 3)
    built = build(events, live, config)
    assert built.incremental
    assert 0 < built.rendered < built.pages / 2
    html = (live / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../tags/"' in html
    assert f'href="../events/{RELATED}/#sources"' in html
    assert 'href="../archive/"' in html  # a tab of the navigation
    sitemap = (live / "sitemap.xml").read_text(encoding="utf-8")
    found = dict(re.findall(r"<loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?", sitemap))
    pages = {str(p.parent.relative_to(live)) for p in live.rglob("index.html")}
    assert set(found) == {SITE_URL + ("" if p == "." else p + "/") for p in pages}
    record = json.loads((live / "data" / "events" / f"{RELATED}.json").read_bytes())
    assert found[f"{SITE_URL}events/{RELATED}/"] == record["last_modified"]
    assert found[f"{SITE_URL}tags/"] == ""  # a list has no time of its own


@pytest.mark.parametrize(
    "src_uri",
    [
        "index.md",
        "about.md",
        "events/2026-01-x.md",
        "tags/isis/index.md",
        "tags/isis/page/2.md",
        "archive/index.md",
        "archive/2026/01/page/3.md",
        "places/al-hawl-camp/index.md",
    ],
)
def test_a_pages_file_is_where_mkdocs_writes_it(src_uri: str, tmp_path: Path) -> None:
    # The manifest names a page's file without asking MkDocs (for every page of an update)
    written = File(src_uri, str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
    assert manifest.dest_of(src_uri) == written.dest_uri
