"""`dateline export datasette`: a SQLite file Datasette opens as its users expect, tested by
opening it with Datasette itself (full-text search, foreign keys as labels, the metadata)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sqlite3
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from conftest import Events

HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
CENTCOM = "2026-01-21-centcom-transfer-begins"


def _get(database: Path, metadata: Path, *paths: str) -> list[Any]:
    """Each path's JSON, as Datasette serves it over that file and its metadata."""

    async def read() -> list[Any]:
        ds = Datasette([str(database)], metadata=json.loads(metadata.read_text("utf-8")))
        answers = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text)
            answers.append(response.json())
        return answers

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright may hold this loop
        return pool.submit(asyncio.run, read()).result()


def test_datasette_opens_the_export(world: Events, dateline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "timeline.db"
    result = dateline("export", "datasette", "--out", str(out))
    assert result.exit_code == 0, result.output
    metadata = tmp_path / "timeline.metadata.json"
    searched, tags, claims, about, tables = _get(
        out,
        metadata,
        "/timeline/events.json?_search=camp&_shape=array",
        "/timeline/event_tags.json?tag=isis&_shape=array&_labels=on",
        "/timeline/claims.json?event_id=" + HAWL + "&_shape=array&_labels=on",
        "/-/metadata.json",
        "/timeline.json",
    )
    assert [row["id"] for row in searched] == [HAWL]  # ?_search= on events, as Datasette does
    assert len(tags) == 3
    assert all(row["event_id"]["label"] for row in tags)  # the foreign key, labelled
    (claim,) = claims
    assert claim["by"] == {"value": "sdf", "label": "Syrian Democratic Forces"}
    assert claim["figure"] == "at least 1,500 people escaped"
    assert about["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    described = {t["name"]: t for t in tables["tables"]}
    assert described["events"]["fts_table"] == "events_fts"
    assert described["events"]["count"] == 7
    with sqlite3.connect(out) as db:  # one row per record, in plain columns
        row = db.execute("SELECT title, start, status FROM events WHERE id = ?", (CENTCOM,))
        assert row.fetchone() == ("CENTCOM transfer begins", "2026-01-21T10:00:00Z", "reported")
        places = db.execute("SELECT place_id FROM event_places WHERE event_id = ?", (CENTCOM,))
        assert sorted(p for (p,) in places) == ["hasakah", "iraq"]
    db.close()


def test_datasette_needs_a_file(world: Events, dateline) -> None:  # type: ignore[no-untyped-def]
    result = dateline("export", "datasette")
    assert result.exit_code == 2
    assert "datasette is a binary file: give --out FILE" in result.stderr
