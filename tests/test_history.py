"""The change feed: each event's first-published and last-modified times from git history.

A repository of its own per test, with commits dated on purpose: an event is first published
by the first commit that touched its file and last modified by the last one, on the
first-parent line (a merge counts when it lands); a file no commit has touched takes its
times from the record. ``updated_since`` and ``sort=-updated`` select and order by them, and
the Atom feed dates its entries by them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from conftest import EVENT_PATH, WORLD, Events, build_site, git, world_event
from dateline import history
from dateline.cache import open_store
from dateline.web.app import create_app
from test_serve import _start, wait_for

DAY = 86_400
START = 1_767_225_600  # 2026-01-01T00:00:00Z
SOHR = "2017-08-sohr-reports-helicopters"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
NEW_2017 = "2017-03-new-old-event"
NS = {"a": "http://www.w3.org/2005/Atom"}


def moment(days: int) -> str:
    return history._utc(START + days * DAY)


@pytest.fixture
def repo(world: Events) -> Events:
    """The `world` folder in a repository: every event committed on day 0, the Al-Hawl event
    edited on day 3, and an event of 2017 added on day 5."""
    root = world.root.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first", when=START)
    path = next(p for p in WORLD if HAWL in p)
    world.write(path, WORLD[path].replace("summary: ", "summary: Corrected. ", 1))
    git(root, "commit", "-qam", "correct", when=START + 3 * DAY)
    world.write(f"2017/{NEW_2017}.yaml", world_event("A new record of an old event", "2017-03"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "add", when=START + 5 * DAY)
    return world


def get(client: TestClient[Any], url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def test_times_come_from_the_commits_of_each_file(repo: Events) -> None:
    with TestClient(create_app(open_store(repo.root))) as client:
        items = {i["id"]: i for i in get(client, "/api/v1/events?limit=50")["items"]}
        event = get(client, f"/api/v1/events/{HAWL}")
    assert (items[SOHR]["first_published"], items[SOHR]["last_modified"]) == (moment(0),) * 2
    assert (items[HAWL]["first_published"], items[HAWL]["last_modified"]) == (moment(0), moment(3))
    assert (event["first_published"], event["last_modified"]) == (moment(0), moment(3))
    new = items[NEW_2017]
    assert (new["first_published"], new["last_modified"]) == (moment(5), moment(5))


def test_the_latest_changes_come_first_and_page_to_the_end(repo: Events) -> None:
    with TestClient(create_app(open_store(repo.root))) as client:
        first = get(client, "/api/v1/events?sort=-updated&limit=2")
        assert [i["id"] for i in first["items"]] == [NEW_2017, HAWL]
        seen: list[str] = []
        url: str | None = "/api/v1/events?sort=-updated&limit=3"
        while url is not None:
            page = get(client, url)
            seen += [i["id"] for i in page["items"]]
            url = page["next"]
        oldest_first = [i["id"] for i in get(client, "/api/v1/events?sort=updated")["items"]]
    assert len(seen) == len(set(seen)) == len(WORLD) + 1
    assert oldest_first == seen[::-1]  # ties broken by id, both ways


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-01-04", {HAWL, NEW_2017}),
        (f"{moment(3)}", {HAWL, NEW_2017}),
        ("2026-01-04T00:00:00.5Z", {NEW_2017}),  # after day 3's commit: only day 5's
        ("2026-01-06T01:00:00+02:00", {NEW_2017}),  # 2026-01-05T23:00Z
        ("2026-01-07", set()),
    ],
)
def test_updated_since_keeps_what_changed_from_then(
    repo: Events, since: str, expected: set[str]
) -> None:
    with TestClient(create_app(open_store(repo.root))) as client:
        response = client.get("/api/v1/events", params={"updated_since": since})
        body = response.json()
        with_tag = get(client, f"/api/v1/events?updated_since={since[:10]}&tag=isis")
    assert response.status_code == 200
    assert {i["id"] for i in body["items"]} == expected
    assert body["total"] == len(expected)
    assert {i["id"] for i in with_tag["items"]} <= expected


@pytest.mark.parametrize(
    ("since", "reason"),
    [
        ("yesterday", "is not a date or an RFC 3339 time"),
        ("2026-01-04T10:00:00", "gives no time zone"),
        ("2026-13-01", "is not a date or an RFC 3339 time"),
    ],
)
def test_a_wrong_updated_since_is_a_problem(repo: Events, since: str, reason: str) -> None:
    with TestClient(create_app(open_store(repo.root))) as client:
        response = client.get("/api/v1/events", params={"updated_since": since})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    [param] = response.json()["invalid_params"]
    assert param["name"] == "updated_since"
    assert reason in param["reason"]


def test_atom_entries_are_dated_by_the_history(repo: Events) -> None:
    with TestClient(create_app(open_store(repo.root))) as client:
        body = client.get("/api/v1/events.atom?from=2017&to=2017").content
    feed = ET.fromstring(body)
    entries = {
        e.findtext("a:id", namespaces=NS): (
            e.findtext("a:published", namespaces=NS),
            e.findtext("a:updated", namespaces=NS),
        )
        for e in feed.findall("a:entry", NS)
    }
    # An event of 2017 recorded on day 5 is new on day 5, whatever its date.
    assert entries[f"urn:dateline:event:{NEW_2017}"] == (moment(5), moment(5))
    assert entries[f"urn:dateline:event:{SOHR}"] == (moment(0), moment(0))
    assert feed.findtext("a:updated", namespaces=NS) == moment(5)


def test_uncommitted_work_is_not_yet_published(repo: Events) -> None:
    # A new file has no history: its times come from the record (its start, here). An edited
    # file keeps its commits' times until the edit is committed.
    repo.write("2026/2026-01-30-not-committed.yaml", world_event("Not committed", "2026-01-30"))
    sohr = next(p for p in WORLD if SOHR in p)
    repo.write(sohr, WORLD[sohr].replace("summary: ", "summary: Edited. ", 1))
    with TestClient(create_app(open_store(repo.root))) as client:
        items = {i["id"]: i for i in get(client, "/api/v1/events?limit=50")["items"]}
    new = items["2026-01-30-not-committed"]
    assert (new["first_published"], new["last_modified"]) == ("2026-01-30T00:00:00Z",) * 2
    assert (items[SOHR]["first_published"], items[SOHR]["last_modified"]) == (moment(0),) * 2


def test_a_merge_counts_when_it_lands(repo: Events) -> None:
    root = repo.root.parent
    git(root, "checkout", "-q", "-b", "branch")
    repo.write("2026/2026-01-31-from-a-branch.yaml", world_event("From a branch", "2026-01-31"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "written on a branch", when=START + 6 * DAY)
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "merged", "branch", when=START + 9 * DAY)
    found = history.read(repo.root, history.head(repo.root))
    assert found.times["2026/2026-01-31-from-a-branch.yaml"] == (moment(9), moment(9))


def test_reading_on_from_the_last_head_equals_reading_everything(repo: Events) -> None:
    before = history.read(repo.root, history.head(repo.root))
    sohr = next(p for p in WORLD if SOHR in p)
    repo.write(sohr, WORLD[sohr].replace("summary: ", "summary: Again. ", 1))
    git(repo.root.parent, "commit", "-qam", "again", when=START + 7 * DAY)
    head = history.head(repo.root)
    on = history.read(repo.root, head, before)
    assert on == history.read(repo.root, head)
    assert on.times[sohr] == (moment(0), moment(7))
    # A rewritten history (the last commit amended) is read again from the start.
    git(repo.root.parent, "commit", "-q", "--amend", "-m", "again", when=START + 8 * DAY)
    amended = history.read(repo.root, history.head(repo.root), on)
    assert amended.times[sohr] == (moment(0), moment(8))
    assert amended == history.read(repo.root, history.head(repo.root))


def test_a_folder_outside_git_has_no_history(tmp_path: Path) -> None:
    assert history.head(tmp_path) is None
    assert history.read(tmp_path, None) == history.NONE


def test_the_corrections_feed_holds_the_newest_updates(world: Events) -> None:
    for number, (day, notes) in enumerate(
        [("2026-01-22", 2), ("2026-01-25", 1), ("2026-01-23", 1)]
    ):
        updates = "".join(
            f"  - date: {day}\n    note: Correction {n} of {number}.\n" for n in range(1, notes + 1)
        )
        world.write(
            f"2026/2026-01-0{number + 1}-corrected-{number}.yaml",
            world_event(f"Corrected {number}", f"2026-01-0{number + 1}") + "updates:\n" + updates,
        )
    with TestClient(create_app(open_store(world.root), base_url="https://api.example")) as client:
        response = client.get("/api/v1/corrections.atom?limit=3")
        everything = client.get("/api/v1/corrections.atom").content
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = [
        (e.findtext("a:id", namespaces=NS), e.findtext("a:updated", namespaces=NS))
        for e in feed.findall("a:entry", NS)
    ]
    assert entries == [
        ("urn:dateline:event:2026-01-02-corrected-1:update:1", "2026-01-25T00:00:00Z"),
        ("urn:dateline:event:2026-01-03-corrected-2:update:1", "2026-01-23T00:00:00Z"),
        ("urn:dateline:event:2026-01-01-corrected-0:update:2", "2026-01-22T00:00:00Z"),
    ]
    [link] = feed.findall("a:entry", NS)[0].findall("a:link", NS)
    assert link.get("href") == "https://api.example/api/v1/events/2026-01-02-corrected-1"
    assert len(ET.fromstring(everything).findall("a:entry", NS)) == 4


def test_a_served_dataset_sees_a_commit_that_changes_no_file(events: Events) -> None:
    # `dateline serve --reload` watches the repository's reflog beside the folder: the edit is
    # served at once with its old times, and the commit of it (no file changes) moves them.
    root = events.root.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first", when=START)
    running, _ = _start(events, "--reload", "--no-site")
    try:
        url = f"/api/v1/events/{HAWL}"
        assert running.get(url)["last_modified"] == moment(0)
        path = events.root / EVENT_PATH
        path.write_text(path.read_text(encoding="utf-8").replace("enters", "reaches"), "utf-8")
        edited = wait_for(
            lambda: (e := running.get(url))["title"].startswith("Syrian army reaches") and e
        )
        assert edited["last_modified"] == moment(0)  # not yet committed
        git(root, "commit", "-qam", "second", when=START + 2 * DAY)
        wait_for(lambda: running.get(url)["last_modified"] == moment(2))
        assert running.get(f"/api/v1/events?updated_since={moment(1)}")["total"] == 1
    finally:
        assert "Traceback" not in running.log()


def test_an_event_page_says_when_its_record_last_changed(repo: Events, tmp_path: Path) -> None:
    site = build_site(repo.root, tmp_path / "site")
    footer = (site / "events" / HAWL / "index.html").read_text(encoding="utf-8")
    footer = footer.split('class="dl-record"')[1]
    assert f'first published on <time datetime="{moment(0)}">1 January 2026</time>' in footer
    assert f'last changed on <time datetime="{moment(3)}">4 January 2026</time>' in footer


def test_a_shallow_clone_has_no_history(repo: Events, tmp_path: Path) -> None:
    # Its oldest commit seems to add every file: the times would all be that commit's.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root.parent}", str(clone))
    assert history.head(clone / "events") is None
    assert history.head(repo.root) is not None
