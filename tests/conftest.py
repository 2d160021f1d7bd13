"""Fixtures: a small valid events folder in tmp_path, and a CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dateline.cli import main

REPO = Path(__file__).resolve().parent.parent

ACTORS = """\
sdf:
  name: Syrian Democratic Forces
  kind: armed-group
  aliases: [SDF, قوات سوريا الديمقراطية]
syrian-army:
  name: Syrian Arab Army
  kind: military
"""

PLACES = """\
syria:
  name: Syria
  kind: country
  lat: 35.0
  lon: 38.5
al-hawl-camp:
  name: Al-Hawl camp
  kind: camp
  aliases: [al-Hol, مخيم الهول]
  within: syria
  lat: 36.38
  lon: 41.15
"""

EVENT = """\
title: Syrian army enters Al-Hawl camp
date: 2026-01-20
summary: |
  Government troops enter the camp after the SDF withdraws.
status: reported
tags: [al-hawl, detention]
actors: [syrian-army]
places: [al-hawl-camp]
claims:
  - by: sdf
    text: The camp was left unguarded.
    figure: {value: 1500, qualifier: at-least, unit: people}
    source: 1
sources:
  - url: https://example.org/story
    title: A story
    publisher: Example News
    published: 2026-01-21
    archived: https://web.archive.org/web/2026/https://example.org/story
"""

EVENT_PATH = "2026/2026-01-20-syrian-army-enters-al-hawl-camp.yaml"


class Events:
    """An events folder being written by a test."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Events:
    """A valid events folder (two actors, two places, one event); the cwd is its parent."""
    monkeypatch.chdir(tmp_path)
    folder = Events(tmp_path / "events")
    folder.write("actors.yaml", ACTORS)
    folder.write("places.yaml", PLACES)
    folder.write(EVENT_PATH, EVENT)
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dateline(runner: CliRunner):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: ``dateline("check", "--format", "json")``."""

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run
