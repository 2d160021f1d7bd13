"""`dateline export FORMAT`: the serialisers of `dateline.formats`, behind a thin command."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import icalendar
import pytest

from conftest import Events
from dateline import formats
from dateline.cache import open_store


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "geojson", "ics", "atom"])
def test_export_writes_the_format(world: Events, dateline, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = dateline("export", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"".join(formats.export(world.root, fmt))  # type: ignore[arg-type]
    assert dateline("export", fmt, "--out", "-").stdout_bytes == result.stdout_bytes


@pytest.mark.parametrize(
    ("fmt", "parse", "count"),
    [
        ("json", lambda b: json.loads(b)["items"], 7),
        ("ndjson", lambda b: [json.loads(line) for line in b.splitlines()], 7),
        ("csv", lambda b: list(csv.DictReader(io.StringIO(b.decode(), newline=""))), 7),
        ("geojson", lambda b: json.loads(b)["features"], 7),  # BASE none, CENTCOM two
        ("ics", lambda b: icalendar.Calendar.from_ical(b).walk("VEVENT"), 7),
    ],
)
def test_export_to_a_file(world: Events, dateline, tmp_path: Path, fmt, parse, count) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"events.{fmt}"
    result = dateline("export", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(parse(out.read_bytes())) == count


def test_export_sqlite(world: Events, dateline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dateline.sqlite"
    assert dateline("export", "sqlite", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == open_store(world.root).path.read_bytes()
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (7,)


def test_export_sqlite_needs_a_file(world: Events, dateline) -> None:  # type: ignore[no-untyped-def]
    result = dateline("export", "sqlite")
    assert result.exit_code == 2
    assert "sqlite is a binary file: give --out FILE" in result.stderr


def test_export_base_url(world: Events, dateline) -> None:  # type: ignore[no-untyped-def]
    result = dateline("export", "atom", "--base-url", "https://example.org")
    assert b'href="https://example.org/events/2017-08-sohr-reports-helicopters/"' in (
        result.stdout_bytes
    )


def test_export_refuses_a_dataset_with_errors(events: Events, dateline) -> None:  # type: ignore[no-untyped-def]
    events.write("2026/2026-02-01-broken.yaml", "title: Broken\ndate: 2026-02-01\n")
    result = dateline("export", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "events/2026/2026-02-01-broken.yaml:1:1: error DL201: " in result.stderr
    assert result.stderr.endswith("run `dateline check` to see them; nothing exported\n")


def test_export_refuses_an_unknown_format(events: Events, dateline) -> None:  # type: ignore[no-untyped-def]
    result = dateline("export", "xml")
    assert result.exit_code == 2
    expected = "'json', 'ndjson', 'csv', 'geojson', 'ics', 'atom', 'sqlite', 'datasette'"
    assert f"'xml' is not one of {expected}" in result.stderr
