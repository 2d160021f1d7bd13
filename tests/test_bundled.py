"""The bundled dataset, ``events/``: checked, never counted.

Contributors change ``events/`` with every pull request, so this is the only test module that
reads it, and it says nothing about it that is not derived from its files. Every other test
builds from data of its own (``conftest.py``, ``tests/fixtures/``); ``test_no_other_test_reads
_the_bundled_events`` keeps it so. The proof that growth cannot break the suite: a copy of the
bundled events with one more valid event, and one with a single event, both check clean and
build a site that works in a browser.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, expect

import mutations
from conftest import CHROMIUM, REPO, StaticServer, build_site
from dateline import dataset
from test_browser import drawn

BUNDLED = REPO / "events"
TESTS = Path(__file__).resolve().parent


def event_files(events: Path) -> list[Path]:
    return sorted(p for p in events.glob("[0-9][0-9][0-9][0-9]/*.yaml"))


def test_the_bundled_events_pass_check(dateline) -> None:
    result = dateline("check", "--events", str(BUNDLED), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == 0, report["diagnostics"]
    assert all(d["severity"] == "warning" for d in report["diagnostics"])


def test_the_bundled_events_are_all_loaded() -> None:
    loaded = dataset.load(BUNDLED)
    assert sorted(loaded.files) == sorted(p.stem for p in event_files(BUNDLED))
    with (BUNDLED / "actors.yaml").open(encoding="utf-8") as file:
        assert sorted(loaded.actors) == sorted(yaml.safe_load(file))
    with (BUNDLED / "places.yaml").open(encoding="utf-8") as file:
        assert sorted(loaded.places) == sorted(yaml.safe_load(file))


def test_no_other_test_reads_the_bundled_events() -> None:
    # `REPO / "events"`, or running a command in the repository without --events, would read
    # the live dataset; fixtures and tmp_path are the place for test data.
    readers = re.compile(r'REPO\s*/\s*"events"|chdir\(REPO\)|BUNDLED')
    offenders = [
        path.name
        for path in TESTS.glob("*.py")
        if path.name != Path(__file__).name and readers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _first_id(path: Path) -> str:
    with path.open(encoding="utf-8") as file:
        return next(iter(yaml.safe_load(file)))


@pytest.fixture(params=["one more event", "a single event"])
def grown(request: pytest.FixtureRequest, tmp_path: Path, dateline) -> tuple[Path, str]:
    """A copy of the bundled events changed as contributions change it; the id to look for."""
    events = Path(shutil.copytree(BUNDLED, tmp_path / "events"))
    if request.param == "one more event":
        actor, place = _first_id(events / "actors.yaml"), _first_id(events / "places.yaml")
        result = dateline(
            "new",
            "--events",
            str(events),
            "--title",
            "A contributor adds an event",
            "--date",
            "3 March 2026",
            "--actor",
            actor,
            "--place",
            place,
        )
        assert result.exit_code == 0, result.output
        wanted = Path(result.output.strip()).stem
    else:
        keep, *rest = event_files(events)
        for path in rest:
            path.unlink()
        # The others' ids are gone, so its `related` list goes too (a top-level block).
        text = keep.read_text(encoding="utf-8")
        keep.write_text(re.sub(r"(?m)^related:.*\n(?:[ \t].*\n)*", "", text), encoding="utf-8")
        wanted = keep.stem
    return events, wanted


@pytest.mark.slow
def test_growth_never_breaks_the_site(grown: tuple[Path, str], browser: Browser, dateline) -> None:
    events, wanted = grown
    result = dateline("check", "--events", str(events))
    assert result.exit_code == 0, result.output
    site = build_site(events, events.parent / "site")
    built = sorted(p.parent.name for p in (site / "events").glob("*/index.html"))
    assert built == sorted(p.stem for p in event_files(events))
    assert CHROMIUM.exists()
    server = StaticServer(site)
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url)
        expect(page.locator(f"li[data-id='{wanted}']")).to_be_visible()
        page.click(f"li[data-id='{wanted}'] a")
        expect(page).to_have_url(re.compile(rf"/events/{wanted}/$"))
        expect(page.locator("h1")).to_be_visible()
        drawn(page)  # its map draws after the page has loaded: count its errors too
        assert errors == []
    finally:
        context.close()
        server.close()


def test_no_comment_typed_into_a_bundled_event_is_lost_silently(tmp_path: Path) -> None:
    # Every way of typing a `#` into every bundled event file is reported, or loses nothing.
    silent = [m for path in event_files(BUNDLED) for m in mutations.lost(path, tmp_path)]
    assert silent == []
