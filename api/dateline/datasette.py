"""A Datasette-ready SQLite file of the dataset: ``dateline export datasette --out FILE``.

The Store is built for the API (encoded responses, positions, facets); this is built for
people exploring the data in Datasette: one row per record in plain columns, a link table for
each list (tags, actors, places, claims, sources, related events) with foreign keys Datasette
follows, and full-text search attached to ``events`` (``events_fts``, FTS5 over the title and
summary, the table Datasette finds for ``?_search=``). Beside it, `metadata` describes each
table and the licences, for ``datasette FILE -m FILE.metadata.json``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Final

import msgspec

from dateline import formats, resources
from dateline.store import EventFilter, Store

SCHEMA: Final = """
CREATE TABLE events(
    id TEXT PRIMARY KEY, title TEXT NOT NULL, edtf TEXT NOT NULL, start TEXT, "end" TEXT,
    precision TEXT NOT NULL, label TEXT NOT NULL, approximate INTEGER NOT NULL,
    uncertain INTEGER NOT NULL, one_of INTEGER NOT NULL, status TEXT NOT NULL,
    summary TEXT NOT NULL, file TEXT NOT NULL, first_published TEXT NOT NULL,
    last_modified TEXT NOT NULL);
CREATE TABLE actors(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL,
    description TEXT, event_count INTEGER NOT NULL);
CREATE TABLE places(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL,
    within TEXT REFERENCES places(id), lat REAL, lon REAL, description TEXT,
    event_count INTEGER NOT NULL);
CREATE TABLE event_tags(
    event_id TEXT NOT NULL REFERENCES events(id), tag TEXT NOT NULL, PRIMARY KEY(event_id, tag));
CREATE TABLE event_actors(
    event_id TEXT NOT NULL REFERENCES events(id), actor_id TEXT NOT NULL REFERENCES actors(id),
    PRIMARY KEY(event_id, actor_id));
CREATE TABLE event_places(
    event_id TEXT NOT NULL REFERENCES events(id), place_id TEXT NOT NULL REFERENCES places(id),
    PRIMARY KEY(event_id, place_id));
CREATE TABLE related(
    event_id TEXT NOT NULL REFERENCES events(id), related_id TEXT NOT NULL REFERENCES events(id),
    PRIMARY KEY(event_id, related_id));
CREATE TABLE sources(
    event_id TEXT NOT NULL REFERENCES events(id), number INTEGER NOT NULL,
    title TEXT NOT NULL, publisher TEXT NOT NULL, url TEXT, published TEXT, archived TEXT,
    note TEXT, PRIMARY KEY(event_id, number));
CREATE TABLE claims(
    event_id TEXT NOT NULL REFERENCES events(id), number INTEGER NOT NULL,
    by TEXT NOT NULL REFERENCES actors(id), text TEXT NOT NULL, figure TEXT,
    source INTEGER, date TEXT, PRIMARY KEY(event_id, number));
CREATE VIRTUAL TABLE events_fts USING fts5(
    title, summary, content="events", tokenize='unicode61 remove_diacritics 2');
"""

TABLES: Final = {
    "events": "One row per event; start and end are the span [start, end) in UTC, empty where "
    "open or unknown; label says the date in words; first_published and last_modified say when "
    "the record appeared and last changed (from git, else from the record).",
    "actors": "Who acts or makes claims; aliases are joined by ' | '.",
    "places": "Where events happen; within is the place it lies in.",
    "event_tags": "Each tag of each event.",
    "event_actors": "Each actor an event names.",
    "event_places": "Each place an event happened at.",
    "related": "Each event an event names as related.",
    "sources": "Each source an event cites, numbered from 1 as claims cite them.",
    "claims": "Each claim, attributed to an actor, with its figure in words and its source.",
}


FTS: Final = {"fts_table": "events_fts", "fts_pk": "rowid"}


def write(store: Store, out: Path) -> None:
    """Write the dataset in ``store`` to a new SQLite file ``out`` (replacing it)."""
    events = formats.select(store, EventFilter()).events
    actors = msgspec.json.decode(store.listing("actors"), type=list[resources.ActorResource])
    places = msgspec.json.decode(store.listing("places"), type=list[resources.PlaceResource])
    out.unlink(missing_ok=True)
    with sqlite3.connect(out) as db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?)",
            [
                (a.id, a.name, a.kind, " | ".join(a.aliases), a.description, a.event_count)
                for a in actors
            ],
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.name,
                    p.kind,
                    " | ".join(p.aliases),
                    p.within.id if p.within else None,
                    p.lat,
                    p.lon,
                    p.description,
                    p.event_count,
                )
                for p in places
            ],
        )
        for event in events:
            _insert(db, event)
        db.execute(
            "INSERT INTO events_fts(rowid, title, summary) SELECT rowid, title, summary FROM events"
        )
    db.close()


def _insert(db: sqlite3.Connection, event: resources.EventResource) -> None:
    date = event.date
    db.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.id,
            event.title,
            date.edtf,
            date.start,
            date.end,
            date.precision,
            date.label,
            date.approximate,
            date.uncertain,
            date.one_of,
            event.status,
            event.summary,
            event.file,
            event.first_published,
            event.last_modified,
        ),
    )
    db.executemany("INSERT INTO event_tags VALUES (?, ?)", [(event.id, t) for t in event.tags])
    db.executemany(
        "INSERT INTO event_actors VALUES (?, ?)", [(event.id, a.id) for a in event.actors]
    )
    db.executemany(
        "INSERT INTO event_places VALUES (?, ?)", [(event.id, p.id) for p in event.places]
    )
    db.executemany("INSERT INTO related VALUES (?, ?)", [(event.id, r) for r in event.related])
    db.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                event.id,
                n,
                s.title,
                s.publisher,
                s.url,
                s.published.label if s.published else None,
                s.archived,
                s.note,
            )
            for n, s in enumerate(event.sources, start=1)
        ],
    )
    db.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                event.id,
                n,
                c.by.id,
                c.text,
                formats.figure_text(c.figure) if c.figure else None,
                c.source,
                c.date.label if c.date else None,
            )
            for n, c in enumerate(event.claims, start=1)
        ],
    )


def metadata(database: str, title: str) -> dict[str, Any]:
    """Datasette's metadata.json for the file named ``database`` (its name without .db)."""
    return {
        "title": title,
        "license": "CC BY 4.0 (the records; the sources they cite keep their own rights)",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "databases": {
            database: {
                "tables": {
                    name: {"description": text} | (FTS if name == "events" else {})
                    for name, text in TABLES.items()
                }
            }
        },
    }


def metadata_path(out: Path) -> Path:
    """Where the metadata of ``out`` goes: ``events.db`` → ``events.metadata.json``."""
    return out.with_name(f"{out.stem}.metadata.json")


def export(store: Store, out: Path, title: str) -> Path:
    """Write ``out`` and its metadata beside it; the metadata's path."""
    write(store, out)
    where = metadata_path(out)
    where.write_text(json.dumps(metadata(out.stem, title), indent=2) + "\n", encoding="utf-8")
    return where
