"""`dateline check --changed`: what a change touches is reported, exactly as a full check
reports it, in a git repository of its own."""

from __future__ import annotations

import json
import threading

import pytest

from conftest import EVENT_PATH, Events, git
from dateline import changes, dataset

RELATED = """\
title: Another event
date: 2026-01-21
summary: It follows the first.
related: [2026-01-20-syrian-army-enters-al-hawl-camp]
actors: [sdf]
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/another
    archived: https://web.archive.org/web/2026/https://example.org/another
"""
RELATED_PATH = "2026/2026-01-21-another-event.yaml"


@pytest.fixture
def repo(events: Events) -> Events:
    """The events folder in a git repository whose main holds it as it is now."""
    events.write(RELATED_PATH, RELATED)
    root = events.root.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-q", "-b", "change")
    return events


def findings(dateline, *args: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    result = dateline("check", *args, "--format", "json")
    return {(d["file"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]}


def test_an_unchanged_dataset_reports_nothing(repo: Events, dateline) -> None:
    assert findings(dateline, "--changed") == set()


def test_an_edited_file_is_reported_as_a_full_check_reports_it(repo: Events, dateline) -> None:
    repo.write(RELATED_PATH, RELATED.replace("status", "x") + "colour: red\n")
    changed = findings(dateline, "--changed")
    assert changed == {(f"events/{RELATED_PATH}", "DL202")}
    assert changed <= findings(dateline)


def test_deleting_an_event_touches_the_events_related_to_it(repo: Events, dateline) -> None:
    (repo.root / EVENT_PATH).unlink()
    assert findings(dateline, "--changed") == {
        (f"events/{RELATED_PATH}", "DL407"),
        # and the actor and place only it named are now unused
        ("events/actors.yaml", "DL704"),
        ("events/places.yaml", "DL705"),
    }


def test_renaming_an_actor_touches_the_events_that_name_it(repo: Events, dateline) -> None:
    actors = (repo.root / "actors.yaml").read_text(encoding="utf-8")
    (repo.root / "actors.yaml").write_text(actors.replace("sdf:", "sdf-forces:"))
    changed = findings(dateline, "--changed")
    assert (f"events/{RELATED_PATH}", "DL405") in changed
    assert (f"events/{EVENT_PATH}", "DL405") in changed  # its claim is by sdf
    assert changed == findings(dateline)  # here everything is touched


def test_an_added_file_and_a_base_revision(repo: Events, dateline) -> None:
    repo.write("2026/2026-02-01-new.yaml", RELATED.replace("related: [", "related: [nope, "))
    base = git(repo.root.parent, "rev-parse", "main").strip()
    expected = {("events/2026/2026-02-01-new.yaml", "DL407")}
    assert findings(dateline, f"--changed={base}") == expected
    assert findings(dateline, "--changed") == expected


def test_no_git_or_no_such_revision_is_a_usage_error(events: Events, dateline) -> None:
    result = dateline("check", "--changed")
    assert result.exit_code == 2
    assert "--changed:" in result.output  # git says why, in its own words


def test_a_base_that_is_no_commit_is_a_usage_error(repo: Events, dateline) -> None:
    result = dateline("check", "--changed=no-such-branch")
    assert result.exit_code == 2
    assert "--changed: no-such-branch is not a commit of this repository" in result.output


def test_without_main_the_base_must_be_given(repo: Events, dateline) -> None:
    git(repo.root.parent, "branch", "-q", "-m", "main", "trunk")
    result = dateline("check", "--changed")
    assert result.exit_code == 2
    assert "no branch main or origin/main to compare with; give --changed BASE" in result.output
    assert dateline("check", "--changed=trunk").exit_code == 0


def test_an_edit_reads_only_what_it_touches(repo: Events) -> None:
    repo.write(RELATED_PATH, RELATED.replace("It follows the first.", "It follows."))
    change = changes.find(repo.root, None)
    assert changes.to_read(change) == {str((repo.root / RELATED_PATH).resolve())}
    # a change to what an event names, or to actors.yaml, needs every event
    repo.write(RELATED_PATH, RELATED.replace("actors: [sdf]", "actors: [syrian-army]"))
    assert changes.to_read(changes.find(repo.root, None)) is None


def test_a_partial_check_finds_what_a_full_one_finds_for_its_files(repo: Events, dateline) -> None:
    broken = RELATED.replace("It follows the first.", "It follows.") + "colour: red\n"
    repo.write(RELATED_PATH, broken)
    repo.write("2026/2026-03-01-also-new.yaml", RELATED.replace("related: [", "related: [x-, "))
    changed = findings(dateline, "--changed")
    full = findings(dateline)
    files = {file for file, _ in changed}
    assert changed == {f for f in full if f[0] in files}
    assert files == {f"events/{RELATED_PATH}", "events/2026/2026-03-01-also-new.yaml"}


def test_a_missing_events_folder_is_named(repo: Events, dateline) -> None:
    missing = repo.root.parent / "elsewhere"
    result = dateline("check", "--changed", "--events", str(missing))
    assert result.exit_code == 2
    assert f"--changed: there is no folder {missing}" in result.output  # not "no git"


def test_git_runs_beside_the_reading_and_has_ended_when_the_files_are_read(
    repo: Events,
) -> None:
    """`check --changed` asks git in a thread while it walks the folder; by the time it reads
    event files (perhaps in forked workers) that thread is gone, and its errors come out."""
    repo.write(RELATED_PATH, RELATED.replace("Another event", "Another event, edited"))
    before = threading.active_count()  # other tests' servers may be running
    pending = changes.Pending(repo.root, None)
    seen: list[int] = []

    def wanted() -> set[str] | None:
        found = pending.to_read()
        seen.append(threading.active_count())
        return found

    loaded = dataset.load(repo.root, keep_events=False, only=wanted)
    assert seen == [before]
    assert loaded.partial
    assert set(loaded.references) == {str(repo.root / RELATED_PATH)}
    with pytest.raises(changes.ChangesError, match="not a commit"):
        changes.Pending(repo.root, "no-such-branch").result()
