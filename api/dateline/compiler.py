"""Compile a checked dataset into one SQLite file, written once and never changed after.

The tables, and why each is shaped as it is:

* ``events``: per event, its :class:`~dateline.resources.EventResource` and
  :class:`~dateline.resources.EventItem` as encoded JSON (served as they are), and ``n``, its
  position in date order (span start, then id) — so sorting and keyset paging by date are
  walks of the integer primary key. Positions are `GAP` apart, so that an update
  (:mod:`dateline.patch`) can put a new event between two others without moving any; they
  never leave the store (cursors carry dates and ids). ``sort`` is the start key (``''``
  when open, so it sorts first), ``start``/``end`` the span keys (NULL when open or unknown:
  unbounded), ``far`` marks the spans that are open or longer than `NEAR_DAYS` (see below),
  ``modified`` is the record's ``last_modified``, indexed for ``sort=-updated`` and
  ``updated_since``, and ``digest`` a hash of the record's bytes (:func:`record_digest`), so
  the site's build learns which events changed without reading every record;
* ``facets``: one row per (event, tag), (event, actor: listed or claiming), (event, place or
  a place it is within), (event, ``at`` the place itself) and (event, ``all``), keyed by
  (facet, value, far, n), with the span repeated. A date range becomes two tight index ranges
  per facet value: the short spans that start no more than `NEAR_DAYS` before the range, and
  the few far ones — never a scan of everything that started before the range;
* ``search``: FTS5 over title, claims, summary and names (the names and aliases of the event's
  actors and places), ranked by bm25 with weights 10, 5, 2, 1; tokens are `TOKENIZE`:
  ``unicode61 remove_diacritics 2`` with the Porter stemmer over it (``helicopter`` finds
  "helicopters"; it changes only English suffixes, so Arabic words stay whole), and Arabic
  short vowels and tatweel are folded away on both sides, so ``الهَول`` finds ``الهول``;
* ``ranked`` and ``terms``: for every word in at least `RANKED_MIN_EVENTS` events, its events'
  first `RANKED_TOP` places in relevance order, with their bm25 scores (and the first page's
  snippets), and its event count. A word is its indexed token (its stem: :func:`stem`),
  ranked as a word that makes it (:func:`searched_as`: Porter is not idempotent, so the
  token ``refuge`` is ranked as "refuges", since ``"refuge"`` searched is the token
  ``refug``).
  Ranking a word that is in most events costs FTS5 tens of milliseconds at 100k events; read
  from here, the first pages of such a search cost what a rare word's do;
* ``place_boxes``: an R*Tree over place coordinates for ``near``;
* ``corrections``: one row per entry of an event's ``updates`` (its date, event, 1-based
  index), so the corrections feed reads the newest few without walking every event;
* ``claims``, ``actors``, ``places`` and ``tags`` (each record encoded once, with the columns
  ``/actors``, ``/places`` and ``/tags`` filter and page on), and ``lists``: every actor, place
  and tag, and the unfiltered ``/timeline`` responses, encoded once as whole lists (the site
  and the exports read them), and the dataset's ``introduction`` (its README.md, a JSON
  string or null).
"""

from __future__ import annotations

import bisect
import datetime
import functools
import hashlib
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import msgspec

from dateline import resources
from dateline.dataset import Dataset

FORMAT: Final = 12  # bump when what the file holds changes: old caches are then rebuilt
GAP: Final = 1 << 24  # between the positions of neighbouring events, as compiled
WEIGHTS: Final = (10.0, 5.0, 2.0, 1.0)  # title, claims, summary, names
NEAR_DAYS: Final = 400  # spans up to this long are "near"; a year's 366 days is one
RANKED_MIN_EVENTS: Final = 2000
RANKED_TOP: Final = 1000
INTERVALS: Final[dict[resources.Interval, int]] = {
    "year": 4,
    "month": 7,
    "day": 10,
}  # the prefix of a key that names a period

TOKENIZE: Final = "porter unicode61 remove_diacritics 2"
# On any connection to a store (the temp schema is the connection's own, writable even when
# the store is opened read-only): the index's vocabulary (`suggest` in the store).
TEMPORARY: Final = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary USING fts5vocab(main, 'search', 'row')",
)

_ARABIC_MARKS: Final = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
_SNIPPET_OPEN: Final = "\x01"  # YAML cannot carry C0 controls, so these mark hits unambiguously
_SNIPPET_CLOSE: Final = "\x02"
SNIPPET: Final = f"snippet(search, -1, '{_SNIPPET_OPEN}', '{_SNIPPET_CLOSE}', '…', 16)"
SNIPPET_TOP: Final = 50  # the first page of a ranked word keeps its snippets too


def fold(text: str) -> str:
    """Text as the search index sees it: Arabic diacritics (harakat) and tatweel removed."""
    return _ARABIC_MARKS.sub("", text)


def snippet_html(text: str | None) -> str | None:
    """A `SNIPPET` as HTML: the hits in ``<mark>``, everything else escaped."""
    if text is None:
        return None
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace(_SNIPPET_OPEN, "<mark>").replace(_SNIPPET_CLOSE, "</mark>")


def record_digest(record: bytes) -> str:
    """The digest of an event's encoded record, kept beside it (``events.digest``)."""
    return hashlib.blake2b(record, digest_size=16).hexdigest()


def is_far(start: str | None, end: str | None) -> bool:
    """Whether a span (as keys) is open at either end or longer than `NEAR_DAYS`."""
    if start is None or end is None:
        return True
    length = datetime.datetime.fromisoformat(end) - datetime.datetime.fromisoformat(start)
    return length > datetime.timedelta(days=NEAR_DAYS)


_SCHEMA: Final = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sort TEXT NOT NULL, start TEXT, "end" TEXT,
    far INTEGER NOT NULL, status TEXT NOT NULL, modified TEXT NOT NULL, resource BLOB NOT NULL,
    item BLOB NOT NULL, digest TEXT NOT NULL);
CREATE INDEX events_by_sort ON events(sort, id);
CREATE INDEX events_by_modified ON events(modified, id);
CREATE INDEX events_by_status ON events(status, n);
CREATE TABLE facets(
    facet TEXT NOT NULL, value TEXT NOT NULL, far INTEGER NOT NULL, n INTEGER NOT NULL,
    sort TEXT NOT NULL, "end" TEXT, PRIMARY KEY(facet, value, far, n)) WITHOUT ROWID;
CREATE INDEX facets_by_event ON facets(n);
CREATE VIRTUAL TABLE search USING fts5(title, claims, summary, names, tokenize='{TOKENIZE}');
INSERT INTO search(search, rank) VALUES('rank', 'bm25({", ".join(map(str, WEIGHTS))})');
CREATE TABLE ranked(
    term TEXT NOT NULL, score REAL NOT NULL, n INTEGER NOT NULL, snippet TEXT,
    PRIMARY KEY(term, score, n)) WITHOUT ROWID;
CREATE TABLE terms(term TEXT PRIMARY KEY, events INTEGER NOT NULL, kept INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE claims(
    n INTEGER PRIMARY KEY, event INTEGER NOT NULL, event_id TEXT NOT NULL, idx INTEGER NOT NULL,
    by TEXT NOT NULL, sort TEXT NOT NULL, item BLOB NOT NULL);
CREATE INDEX claims_by_sort ON claims(sort, event_id, idx);
CREATE INDEX claims_by_actor ON claims(by, sort, event_id, idx);
CREATE INDEX claims_by_event ON claims(event_id, idx);
CREATE TABLE corrections(
    date TEXT NOT NULL, event_id TEXT NOT NULL, idx INTEGER NOT NULL,
    PRIMARY KEY(date, event_id, idx)) WITHOUT ROWID;
CREATE INDEX corrections_by_event ON corrections(event_id);
CREATE TABLE actors(id TEXT PRIMARY KEY, kind TEXT NOT NULL, resource BLOB NOT NULL)
    WITHOUT ROWID;
CREATE INDEX actors_by_kind ON actors(kind, id);
CREATE TABLE places(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, within TEXT, name TEXT NOT NULL,
    kind TEXT NOT NULL, lat REAL, lon REAL, resource BLOB NOT NULL, ref BLOB NOT NULL);
CREATE INDEX places_by_parent ON places(within, name, id);
CREATE INDEX places_by_kind ON places(kind, id);
CREATE TABLE tags(id TEXT PRIMARY KEY, event_count INTEGER NOT NULL, resource BLOB NOT NULL)
    WITHOUT ROWID;
CREATE INDEX tags_by_count ON tags(event_count DESC, id);
CREATE VIRTUAL TABLE place_boxes USING rtree(n, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE lists(name TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
"""


def compile_dataset(dataset: Dataset, path: Path, revision: str, *, live: bool = False) -> None:
    """Write ``dataset`` (which must have no errors) into a new store file at ``path``.

    The file is built under a temporary name in the same folder and renamed into place when
    complete, so no reader ever sees half a store. A ``live`` store is left in WAL mode, for
    :mod:`dateline.patch` to update in place while readers keep their snapshots.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".building-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192; "
                "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
            )
            connection.executescript("BEGIN;" + _SCHEMA)
            fill(connection, dataset, revision)
            connection.execute("INSERT INTO search(search) VALUES('optimize')")
            connection.execute("COMMIT")
            connection.execute("ANALYZE")
            if live:
                connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fill(db: sqlite3.Connection, dataset: Dataset, revision: str) -> None:
    """Write every row of ``dataset`` into the empty tables of ``db``."""
    Compiler(dataset, db).write(revision)
    rank_common_words(db)
    count_periods(db)


def prepare(db: sqlite3.Connection) -> None:
    """Make the `TEMPORARY` tables on a connection to a store."""
    for statement in TEMPORARY:
        db.execute(statement)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str | None:
    """The one token the index's tokenizer makes of ``word`` (lower case, stemmed), or None
    if it makes none or several.

    The tokenizer is `TOKENIZE` whatever the store, so a word's token is worked out once per
    process, in an index of one row on a connection of the stemmer's own, and remembered: a
    search for one word asked for its token twice, 0.17 ms each (at 10,000 events, a tenth of
    the search)."""
    with _STEMMER.lock:
        db = _STEMMER.connection()
        db.execute("INSERT INTO stemming(rowid, word) VALUES (1, ?)", (word,))
        try:
            tokens = db.execute("SELECT term FROM stems").fetchall()
        finally:
            db.execute("DELETE FROM stemming")
    return str(tokens[0][0]) if len(tokens) == 1 else None


# What Porter takes off a word, tried in turn to find a word whose token is a given token.
_PUT_BACK: Final = ("", "s", "e", "es", "ed", "ing", "ion", "ions", "er", "ers", "al", "ly", "y")


def searched_as(term: str) -> str | None:
    """A word whose token is ``term``: itself if it is its own stem, else ``term`` with an
    ending Porter takes off put back (``refuge`` is the token of "refuges"); None if none of
    those makes it. A common word's rankings are made by searching for this word, which
    finds and scores exactly what a search that makes the token does."""
    for ending in _PUT_BACK:
        if stem(term + ending) == term:
            return term + ending
    return None


class _Stemmer:
    """The in-memory index `stem` tokenizes in, one per process (a forked child makes its
    own: a connection must not cross a fork), used under ``lock`` by one thread at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._made: tuple[int, sqlite3.Connection] | None = None

    def connection(self) -> sqlite3.Connection:
        if self._made is None or self._made[0] != os.getpid():
            db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            db.execute(f"CREATE VIRTUAL TABLE stemming USING fts5(word, tokenize='{TOKENIZE}')")
            db.execute("CREATE VIRTUAL TABLE stems USING fts5vocab(stemming, 'row')")
            self._made = (os.getpid(), db)
        return self._made[1]


_STEMMER: Final = _Stemmer()


def rank_common_words(db: sqlite3.Connection) -> None:
    """Fill ``ranked`` and ``terms`` (see the module docstring); they must be empty."""
    for words in unranked_words(db):
        for term, events in words:
            rank_word(db, term, events)


VOCABULARY_CHUNK: Final = 2000  # terms of the index read at a time (a few milliseconds)


def unranked_words(db: sqlite3.Connection) -> Iterator[list[tuple[str, int]]]:
    """The common words (in at least `RANKED_MIN_EVENTS` events) with their event counts,
    that have no rankings in ``ranked`` yet; only tokens some word makes (:func:`searched_as`).
    They come a few thousand terms of the index at a time, in term order, so that a caller can
    stop between reads: reading every term took 0.6 s at 100,000 events, a wait for any change
    that came meanwhile."""
    prepare(db)
    after = ""
    while True:
        rows = db.execute(
            "SELECT term, doc FROM temp.vocabulary WHERE term > ? ORDER BY term LIMIT ?",
            (after, VOCABULARY_CHUNK),
        ).fetchall()
        if not rows:
            return
        after = rows[-1][0]
        common = [(term, events) for term, events in rows if events >= RANKED_MIN_EVENTS]
        ranked = {
            term
            for (term,) in db.execute(
                f"SELECT term FROM terms WHERE term IN ({', '.join('?' * len(common))})",
                [term for term, _ in common],
            )
        }
        yield [
            (term, events)
            for term, events in common
            if term not in ranked and searched_as(term) is not None
        ]


def rank_word(db: sqlite3.Connection, term: str, events: int) -> None:
    """The rankings of one common word (its token, ``term``), in ``ranked`` and ``terms``."""
    word = searched_as(term)
    assert word is not None, f"{term!r} is the token of no word: unranked_words leaves it out"
    phrase = '"' + word.replace('"', '""') + '"'
    ranked = db.execute(
        "SELECT rank, rowid FROM search WHERE search MATCH ? ORDER BY rank, rowid LIMIT ?",
        (phrase, RANKED_TOP),
    ).fetchall()
    first = [n for _, n in ranked[:SNIPPET_TOP]]
    snippets = dict(
        db.execute(
            f"SELECT rowid, {SNIPPET} FROM search WHERE search MATCH ? "
            f"AND rowid IN ({', '.join('?' * len(first))})",
            [phrase, *first],
        ).fetchall()
    )
    db.executemany(
        "INSERT INTO ranked VALUES (?, ?, ?, ?)",
        ((term, score, n, snippet_html(snippets.get(n))) for score, n in ranked),
    )
    db.execute("INSERT INTO terms VALUES (?, ?, ?)", (term, events, min(events, RANKED_TOP)))


def count_periods(db: sqlite3.Connection) -> None:
    """The unfiltered timeline in each interval, as whole lists."""
    interval: resources.Interval
    for interval, width in INTERVALS.items():
        rows = db.execute(
            f"SELECT substr(sort, 1, {width}) AS period, count(*) FROM events "
            "GROUP BY period ORDER BY period"
        ).fetchall()
        db.execute(
            "INSERT OR REPLACE INTO lists VALUES (?, ?)",
            (f"timeline-{interval}", resources.encode(resources.timeline(interval, rows))),
        )


def adjust_periods(db: sqlite3.Connection, removed: list[str], added: list[str]) -> None:
    """The unfiltered timelines of :func:`count_periods`, changed by events removed and
    added (their sort keys), without counting every event again: each one's period is found
    in the stored buckets by bisection."""
    interval: resources.Interval
    for interval, width in INTERVALS.items():
        name = f"timeline-{interval}"
        (body,) = db.execute("SELECT body FROM lists WHERE name = ?", (name,)).fetchone()
        stored = msgspec.json.decode(body, type=resources.Timeline)
        buckets, open_start = stored.buckets, stored.open_start
        for keys, step in ((removed, -1), (added, 1)):
            for key in keys:
                period = key[:width]
                if not period:
                    open_start += step
                    continue
                at = bisect.bisect_left(buckets, period, key=_period)
                if at < len(buckets) and buckets[at].period == period:
                    count = buckets[at].count + step
                    if count:
                        buckets[at] = resources.Bucket(period=period, count=count)
                    else:
                        del buckets[at]
                else:  # only an added event's period can be new
                    buckets.insert(at, resources.Bucket(period=period, count=step))
        timeline = resources.Timeline(
            interval=interval,
            buckets=buckets,
            open_start=open_start,
            total=stored.total - len(removed) + len(added),
        )
        db.execute("UPDATE lists SET body = ? WHERE name = ?", (resources.encode(timeline), name))


def _period(bucket: resources.Bucket) -> str:
    return bucket.period


_SEARCH: Final = "search(rowid, title, claims, summary, names)"
_CLAIMS: Final = "claims(event, event_id, idx, by, sort, item)"


class Compiler:
    def __init__(self, dataset: Dataset, connection: sqlite3.Connection) -> None:
        self.dataset = dataset
        self.db = connection
        self.build = resources.Builder(dataset)
        # Rows by table (with its columns), inserted together once every event is built.
        self.rows: dict[str, list[tuple[Any, ...]]] = {
            "events": [],
            "facets": [],
            _SEARCH: [],
            _CLAIMS: [],
            "corrections": [],
        }

    def write(self, revision: str) -> None:
        dataset = self.dataset
        order = sorted(dataset.events, key=lambda i: (dataset.events[i].when.start_key() or "", i))
        for n, event_id in enumerate(order, start=1):
            self.event(n * GAP, event_id)
        self.insert_rows()
        self.records()
        self.meta(revision)

    def insert_rows(self) -> None:
        """Insert the rows that :meth:`event` made, and forget them."""
        for table, rows in self.rows.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
                rows.clear()

    def records(self) -> None:
        """The tables of actors and places, and the whole lists (the timeline's apart)."""
        dataset, build = self.dataset, self.build
        # Counted from the facets just written: the very rows /events?actor= (place=, tag=)
        # selects, and a few index range scans rather than a walk of every event.
        actor_counts, place_counts = _counts(self.db, "actor"), _counts(self.db, "place")
        actors = [build.actor(a, actor_counts.get(a, 0)) for a in sorted(dataset.actors)]
        self.db.executemany(
            "INSERT INTO actors VALUES (?, ?, ?)",
            ((a.id, a.kind, resources.encode(a)) for a in actors),
        )
        places = [build.place(p, place_counts.get(p, 0)) for p in sorted(dataset.places)]
        self.db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    n,
                    place.id,
                    dataset.places[place.id].within,
                    place.name,
                    place.kind,
                    place.lat,
                    place.lon,
                    resources.encode(place),
                    resources.encode(build.place_ref(place.id)),
                )
                for n, place in enumerate(places, start=1)
            ),
        )
        self.db.executemany(
            "INSERT INTO place_boxes VALUES (?, ?, ?, ?, ?)",
            (
                (n, place.lat, place.lat, place.lon, place.lon)
                for n, place in enumerate(places, start=1)
                if place.lat is not None and place.lon is not None
            ),
        )
        self.lists()

    def recount(self, actors: set[str], places: set[str], tags: set[str]) -> None:
        """Rewrite the records of ``actors``, ``places`` and ``tags`` (their counts changed;
        nothing else of them did), then the whole lists."""
        for table, facet, ids, make in (
            ("actors", "actor", actors, self.build.actor),
            ("places", "place", places, self.build.place),
        ):
            for record_id in sorted(ids):
                self.db.execute(
                    f"UPDATE {table} SET resource = ? WHERE id = ?",  # ours
                    (resources.encode(make(record_id, self._count(facet, record_id))), record_id),
                )
        for tag in sorted(tags):
            count = self._count("tag", tag)
            if count:
                self.db.execute(
                    "INSERT OR REPLACE INTO tags VALUES (?, ?, ?)",
                    (
                        tag,
                        count,
                        resources.encode(resources.TagResource(id=tag, event_count=count)),
                    ),
                )
            else:
                self.db.execute("DELETE FROM tags WHERE id = ?", (tag,))
        self._lists()

    def _count(self, facet: str, value: str) -> int:
        (count,) = self.db.execute(
            "SELECT count(*) FROM facets WHERE facet = ? AND value = ?", (facet, value)
        ).fetchone()
        return int(count)

    def lists(self) -> None:
        """The tags, counted, and the whole /actors, /places and /tags lists and the
        introduction."""
        tags = resources.tag_resources(_counts(self.db, "tag"))
        self.db.execute("DELETE FROM tags")
        self.db.executemany(
            "INSERT INTO tags VALUES (?, ?, ?)",
            ((tag.id, tag.event_count, resources.encode(tag)) for tag in tags),
        )
        self._lists()

    def _lists(self) -> None:
        """The whole lists from their tables' encoded records, joined: the same bytes as
        encoding the list (tags most used first, as tag_resources orders them)."""
        for name, order in (("actors", "id"), ("places", "id"), ("tags", "event_count DESC, id")):
            rows = self.db.execute(f"SELECT resource FROM {name} ORDER BY {order}")  # ours
            body = b"[" + b",".join(bytes(row[0]) for row in rows) + b"]"
            self.db.execute("INSERT OR REPLACE INTO lists VALUES (?, ?)", (name, body))
        self.db.execute(
            "INSERT OR REPLACE INTO lists VALUES (?, ?)",
            ("introduction", msgspec.json.encode(self.dataset.introduction)),
        )

    def meta(self, revision: str) -> None:
        dataset = self.dataset
        (claims,) = self.db.execute("SELECT count(*) FROM claims").fetchone()
        (tags,) = self.db.execute(
            "SELECT count(DISTINCT value) FROM facets WHERE facet = 'tag'"
        ).fetchone()
        counts = resources.Counts(
            events=len(dataset.events),
            actors=len(dataset.actors),
            places=len(dataset.places),
            tags=tags,
            claims=claims,
        )
        meta = {
            "revision": revision,
            "counts": resources.encode(counts).decode(),
            "warnings": str(dataset.counted()["warning"]),
            "compiled": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())

    def event(self, n: int, event_id: str) -> None:
        """Make the rows of one event, at position ``n``, for :meth:`insert_rows`."""
        event = self.dataset.events[event_id]
        when = event.when
        start, end = when.start_key(), when.end_key()
        sort = start or ""
        far = int(is_far(start, end))
        resource = self.build.event(event_id)
        record = resources.encode(resource)
        self.rows["events"].append(
            (
                n,
                event_id,
                sort,
                start,
                end,
                far,
                event.status,
                resource.last_modified,
                record,
                resources.encode(
                    self.build.item(event_id, (resource.first_published, resource.last_modified))
                ),
                record_digest(record),
            )
        )
        actors = dict.fromkeys([*event.actors, *(c.by for c in event.claims)])
        facets = [
            ("all", ""),
            *(("tag", t) for t in dict.fromkeys(event.tags)),
            *(("actor", a) for a in actors),
            *(("place", p) for p in self.build.event_places(event)),
            *(("at", p) for p in dict.fromkeys(event.places)),
        ]
        self.rows["facets"].extend((facet, value, far, n, sort, end) for facet, value in facets)
        names = [
            *(_names(self.dataset.actors.get(a)) for a in actors),
            *(_names(self.dataset.places.get(p)) for p in dict.fromkeys(event.places)),
        ]
        self.rows[_SEARCH].append(
            (
                n,
                fold(event.title),
                fold("\n".join(c.text for c in event.claims)),
                fold(event.summary),
                fold("\n".join(name for name in names if name)),
            )
        )
        self.rows["corrections"].extend(
            (resources.corrected_at(update), event_id, index)
            for index, update in enumerate(resource.updates, start=1)
        )
        self.rows[_CLAIMS].extend(
            (
                n,
                event_id,
                index + 1,
                claim.by,
                sort,
                resources.encode(self.build.claim_item(event_id, index)),
            )
            for index, claim in enumerate(event.claims)
        )


def _counts(db: sqlite3.Connection, facet: str) -> dict[str, int]:
    """Events per value of a facet."""
    rows = db.execute("SELECT value, count(*) FROM facets WHERE facet = ? GROUP BY value", (facet,))
    return dict(rows.fetchall())


def _names(record: Any) -> str:
    if record is None:
        return ""
    return " ; ".join([record.name, *record.aliases])
