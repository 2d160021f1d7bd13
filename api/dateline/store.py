"""The compiled dataset, opened read-only, and the queries the API runs on it.

A Store is one SQLite file written by :mod:`dateline.compiler`;
:func:`dateline.cache.open_store` finds or compiles the one an events folder needs. Reads use
one connection per thread, opened ``mode=ro&immutable=1``: nothing ever writes to a compiled
store file after it is renamed into place, so SQLite can skip locking altogether.

A *live* store (``Store(path, live=True)``) is one that :mod:`dateline.patch` updates in place
(``dateline serve --reload``). Its reads happen in a :meth:`Store.snapshot`: one read
transaction, in which the revision, the counts and every query see the same commit, however
many commits land meanwhile. A request holds one snapshot from its first byte to its last.

Every list is walked in the order of ``events.n`` (date order), forwards or backwards, and a
filter is a set of ``n``: a facet's index range, a full-text match, a status. A page's keyset
is the date and id of its last event, which the next page turns back into an ``n``, so paging
stays correct across pages, and even across a reload.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import itertools
import math
import operator
import queue
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal, cast

import msgspec

from dateline import compiler, resources
from dateline.diagnostics import Diagnostic
from dateline.model import Status

Sort = Literal["date", "-date", "relevance", "updated", "-updated"]
# date, -date: (sort key, id); relevance: (bm25 score, sort key, id);
# updated, -updated: (last modified, id); claims: (sort key, event id, index)
Key = tuple[str, str] | tuple[float, str, str] | tuple[str, str, int]
# Beyond every position an event can have (positions are 64-bit, compiled GAP apart).
BEFORE: Final = -(2**62)
PAST: Final = 2**62


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Near:
    """Within ``km`` kilometres of a point (great-circle distance)."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True)
class EventFilter:
    """What ``/events`` and ``/timeline`` select. Empty tuples and None select everything.

    ``after`` and ``before`` are span keys: an event matches when its span ends after
    ``after`` and starts before ``before`` (overlap; an open end is unbounded). Within one
    facet the values are alternatives (OR); across facets all must hold (AND). ``text`` is an
    FTS5 expression. ``updated_since`` keeps the events whose record was last modified at or
    after that moment (RFC 3339 UTC, as ``last_modified`` is written).
    """

    after: str | None = None
    before: str | None = None
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    text: str | None = None
    near: Near | None = None
    updated_since: str | None = None


@dataclass
class _Sql:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


@dataclass
class _Source:
    """A subquery giving ``n, sort`` for a set of events; ``repeats`` if an ``n`` may repeat."""

    sql: str
    params: list[Any]
    repeats: bool = False


@dataclass
class _Selection:
    """A filter as SQL: each source is a set of ``n`` the event must be in; then its status."""

    sources: list[_Source] = field(default_factory=list)
    statuses: tuple[str, ...] = ()
    text: str | None = None  # an FTS5 expression the event must match
    word: str | None = None  # the token, if the text is one word (`Store._term`)
    # A common word's (events it is in, events ``ranked`` keeps), if it is ranked now.
    ranked: tuple[int, int] | None = None
    # A date range checked on each event the text matches, rather than gathered first as a
    # source: a range of years holds thousands of events, a word's matches far fewer.
    span: _Span | None = None
    # The same range for the text's matches (`matching`): every event from ``inside`` up to the
    # range's end starts within it; of those before, for a common word, the events ``reaching``
    # into it (the short spans that start up to `NEAR_DAYS` before it, and the far ones).
    inside: int = BEFORE
    reaching: _Source | None = None

    def conditions(self, *, text: bool = True) -> _Sql:
        """The WHERE clause on ``events e``; without the text when the query joins it."""
        sql = _Sql()
        for source in self.sources:
            sql.add(f"e.n IN (SELECT n FROM ({source.sql}))", *source.params)
        if self.span is not None:
            # What the "all" facet's two ranges select (Store._facet), said of one event.
            sql.add("e.n < ?", self.span.end)
            if self.span.after is not None:
                sql.add('(e."end" IS NULL OR e."end" > ?)', self.span.after)
        if self.text is not None and text:
            sql.add("e.n IN (SELECT rowid FROM search WHERE search MATCH ?)", self.text)
        if self.statuses:
            sql.add(f"e.status IN ({_marks(self.statuses)})", *self.statuses)
        return sql

    def matching(self) -> tuple[str, _Sql]:
        """The text's matches that pass the other filters, as the FROM and WHERE of a query on
        ``search s``: FTS5 walks the matches (those below the range's end), and each is looked
        for in the sets the other filters make, each made once. Said of ``events e`` instead,
        every match was looked up in that table (14 ms for a word in every event, at 10,000
        events; 1.4 ms this way): only a status still needs it."""
        sql = _Sql()
        sql.add("search MATCH ?", self.text)
        for source in self.sources:
            sql.add(f"+s.rowid IN (SELECT n FROM ({source.sql}))", *source.params)
        if self.span is not None:
            sql.add("s.rowid < ?", self.span.end)
        if self.reaching is not None:
            # Most of a common word's matches start before the range: the few events that
            # reach into it are gathered once.
            sql.add(
                f"(s.rowid >= ? OR +s.rowid IN (SELECT n FROM ({self.reaching.sql})))",
                self.inside,
                *self.reaching.params,
            )
        elif self.span is not None and self.span.after is not None:
            # A rarer word's matches that start before are fewer than those events: each is
            # looked up (gathering them cost a search for a word in 20 events 0.3 ms).
            reaches = 'SELECT "end" IS NULL OR "end" > ? FROM events WHERE n = s.rowid'
            sql.add(f"(s.rowid >= ? OR ({reaches}))", self.inside, self.span.after)
        if not self.statuses:
            return "search s", sql
        sql.add(f"e.status IN ({_marks(self.statuses)})", *self.statuses)
        return "search s JOIN events e ON e.n = s.rowid", sql

    def only_text(self) -> bool:
        return (
            self.text is not None and not self.sources and not self.statuses and self.span is None
        )

    def alone(self) -> _Source | None:
        """The one facet source, if it is the whole filter (so it can be counted by itself)."""
        if len(self.sources) == 1 and not self.statuses and self.text is None:
            return self.sources[0]
        return None


@dataclass(frozen=True)
class _Span:
    """A date range as positions in date order, for the facets' (far, n) index."""

    after: str | None  # events must end after this key
    first_near: int  # no short span before this n can reach `after`
    end: int  # events at or past this n start too late


_CHUNK: Final = 500  # parameters in one IN (...), well under SQLite's limit


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


EARTH_RADIUS_KM: Final = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula, on the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _box(near: Near) -> tuple[float, float, float, float]:
    """A lat/lon box holding the circle (whole bands of longitude near a pole or ±180°)."""
    degrees = math.degrees(near.km / EARTH_RADIUS_KM)
    min_lat, max_lat = near.lat - degrees, near.lat + degrees
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90), min(max_lat, 90), -180, 180
    spread = math.degrees(
        math.asin(min(1.0, math.sin(math.radians(degrees)) / math.cos(math.radians(near.lat))))
    )
    min_lon, max_lon = near.lon - spread, near.lon + spread
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, -180, 180
    return min_lat, max_lat, min_lon, max_lon


def _earlier(key: str, days: int) -> str | None:
    """The key ``days`` before ``key``, or None before the year 1."""
    try:
        moment = datetime.datetime.fromisoformat(key) - datetime.timedelta(days=days)
    except OverflowError:
        return None
    return moment.isoformat(timespec="seconds")


@dataclass
class Page:
    """Encoded items (served as they are), the total that match, and the key after the last."""

    items: list[bytes]
    total: int
    next_key: Key | None


_ONE_WORD: Final = re.compile(r'"([a-z0-9]+)"', re.ASCII)
# One matched token as it is written, between the snippet's marks.
_ONE_TOKEN_SQL: Final = (
    "SELECT snippet(search, -1, char(1), char(2), '', 1) FROM search WHERE search MATCH ? LIMIT 1"
)
_MARKED: Final = re.compile("\x01([^\x02]+)\x02")
CLOSE: Final = 0.7
MAPPED: Final = 1 << 30  # bytes of the file a connection maps into memory


class Store:
    """A compiled dataset, read-only, safe to share between threads."""

    def __init__(self, path: Path, *, live: bool = False, mapped: bool = True) -> None:
        self.path = path
        self.live = live
        # The file is memory-mapped for a server, whose requests read the same pages again
        # and again; a reader that reads each record once (the site's build) reads through
        # SQLite's own small cache instead, rather than map the whole file into its memory.
        self.mapped = mapped
        self._local = threading.local()
        self._rank_cache: tuple[tuple[int, int], dict[int, int] | None] | None = None
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._read_meta(self._db())

    def _read_meta(self, db: sqlite3.Connection) -> None:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        self.revision: str = meta["revision"]
        self.counts = msgspec.json.decode(meta["counts"], type=resources.Counts)
        self.warnings = int(meta["warnings"])
        self.problems: list[Diagnostic] = msgspec.json.decode(
            meta.get("problems", "[]"), type=list[Diagnostic]
        )

    def _connect(self) -> sqlite3.Connection:
        mode = "mode=ro" if self.live else "mode=ro&immutable=1"
        uri = f"file:{urllib.parse.quote(str(self.path))}?{mode}"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        connection.execute(f"PRAGMA mmap_size={MAPPED if self.mapped else 0}")
        connection.create_function("distance_km", 4, distance_km, deterministic=True)
        compiler.prepare(connection)
        return connection

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        return connection

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Store]:
        """The store as of one commit, for as long as the block runs.

        A compiled store never changes, so it is its own snapshot; a live one lends a
        connection holding one read transaction (used from one thread at a time).
        """
        if not self.live:
            yield self
            return
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            connection = self._connect()
        try:
            connection.execute("BEGIN")
            yield _Snapshot(self, connection)
        finally:
            connection.execute("ROLLBACK")
            self._idle.put(connection)

    # -- single records

    def event(self, event_id: str) -> bytes | None:
        return self._one("SELECT resource FROM events WHERE id = ?", event_id)

    def items(self) -> list[bytes]:
        """Every event's item (as ``/events`` lists it, without a snippet), in date order."""
        return [item for (item,) in self._db().execute("SELECT item FROM events ORDER BY n")]

    def record_digests(self) -> dict[str, str]:
        """Every event's id and the digest of its record (``compiler.record_digest``), in date
        order."""
        return dict(self._db().execute("SELECT id, digest FROM events ORDER BY n"))

    def event_records(self, event_ids: Sequence[str]) -> list[bytes]:
        """The records of the events ``event_ids`` (each one here), in that order: read a
        chunk at a time, as one query per event costs more than the rest of an export."""
        db = self._db()
        found: dict[str, bytes] = {}
        for start in range(0, len(event_ids), _CHUNK):
            chunk = event_ids[start : start + _CHUNK]
            sql = f"SELECT id, resource FROM events WHERE id IN ({_marks(chunk)})"
            found.update(db.execute(sql, chunk))
        return [found[event_id] for event_id in event_ids]

    def actor(self, actor_id: str) -> bytes | None:
        return self._one("SELECT resource FROM actors WHERE id = ?", actor_id)

    def place(self, place_id: str) -> bytes | None:
        return self._one("SELECT resource FROM places WHERE id = ?", place_id)

    def unknown(self, kind: Named, values: Iterable[str]) -> list[str]:
        """The ``values`` that name no ``kind`` here (a tag no event has, an actor or place
        not declared), in order."""
        sql = _IS_KNOWN[kind]
        db = self._db()
        return [v for v in values if db.execute(sql, (v,)).fetchone() is None]

    def known(self, kind: Named) -> list[str]:
        """Every tag some event has, or every actor or place declared."""
        return [value for (value,) in self._db().execute(_KNOWN[kind])]

    def children(self, place_id: str) -> list[bytes]:
        rows = self._db().execute(
            "SELECT ref FROM places WHERE within = ? ORDER BY name, id", (place_id,)
        )
        return [row[0] for row in rows]

    def listing(self, name: str) -> bytes:
        """A whole list encoded once: ``actors``, ``places``, ``tags``, ``timeline-year``..."""
        body = self._one("SELECT body FROM lists WHERE name = ?", name)
        assert body is not None
        return body

    def introduction(self) -> str | None:
        """The dataset's introduction (its README.md), as Markdown, if it has one."""
        text: str | None = msgspec.json.decode(self.listing("introduction"))
        return text

    def _one(self, sql: str, *params: Any) -> bytes | None:
        row = self._db().execute(sql, params).fetchone()
        return None if row is None else bytes(row[0])

    # -- filters

    def _position(self, key: str, *, past: bool = False) -> int:
        """The ``n`` of the first event whose span starts at or after ``key`` (``past``: after)."""
        order = ">" if past else ">="
        row = (
            self._db()
            .execute(f"SELECT n FROM events WHERE sort {order} ? ORDER BY sort, id LIMIT 1", (key,))
            .fetchone()
        )
        return int(row[0]) if row is not None else PAST

    def _span(self, query: EventFilter) -> _Span | None:
        if query.after is None and query.before is None:
            return None
        end = self._position(query.before) if query.before is not None else PAST
        first_near = BEFORE
        if query.after is not None:
            earliest = _earlier(query.after, compiler.NEAR_DAYS)
            first_near = self._position(earliest) if earliest is not None else BEFORE
        return _Span(query.after, first_near, end)

    def _facet(self, facet: str, values: Sequence[str], span: _Span | None) -> _Source:
        base = f"SELECT n, sort FROM facets WHERE facet = ? AND value IN ({_marks(values)})"
        params: list[Any] = [facet, *values]
        repeats = len(values) > 1
        if span is None:
            return _Source(base, params, repeats)
        if span.after is None:
            return _Source(f"{base} AND n < ?", [*params, span.end], repeats)
        near = f'{base} AND far = 0 AND n >= ? AND n < ? AND "end" > ?'
        far = f'{base} AND far = 1 AND n < ? AND ("end" IS NULL OR "end" > ?)'
        return _Source(
            f"{near} UNION ALL {far}",
            [*params, span.first_near, span.end, span.after, *params, span.end, span.after],
            repeats,
        )

    def _places_near(self, near: Near) -> list[str]:
        min_lat, max_lat, min_lon, max_lon = _box(near)
        rows = self._db().execute(
            "SELECT p.id FROM place_boxes b JOIN places p ON p.n = b.n "
            "WHERE b.min_lat <= ? AND b.max_lat >= ? AND b.min_lon <= ? AND b.max_lon >= ? "
            "AND distance_km(p.lat, p.lon, ?, ?) <= ?",
            (max_lat, min_lat, max_lon, min_lon, near.lat, near.lon, near.km),
        )
        return [row[0] for row in rows]

    def _select(self, query: EventFilter) -> _Selection:
        span = self._span(query)
        selection = _Selection(statuses=query.statuses, text=query.text)
        if query.text is not None:
            selection.word = self._term(query.text)
        if selection.word is not None:
            row = self._db().execute(
                "SELECT events, kept FROM terms WHERE term = ?", (selection.word,)
            )
            selection.ranked = row.fetchone()
        for facet, values in (
            ("tag", query.tags),
            ("actor", query.actors),
            ("place", query.places),
        ):
            if values:
                selection.sources.append(self._facet(facet, values, span))
        if query.near is not None:
            places = self._places_near(query.near) or [""]  # no place there: no event either
            selection.sources.append(self._facet("at", places, span))
        if query.updated_since is not None:
            selection.sources.append(
                _Source("SELECT n, sort FROM events WHERE modified >= ?", [query.updated_since])
            )
        if span is not None and not selection.sources:
            if query.text is not None:
                selection.span = span
                if span.after is not None:
                    selection.inside = self._position(span.after, past=True)
                    if selection.ranked is not None:
                        reaching = replace(span, end=selection.inside)
                        selection.reaching = self._facet("all", ("",), reaching)
            else:
                selection.sources.append(self._facet("all", ("",), span))
        return selection

    def _total(self, selection: _Selection) -> int:
        db = self._db()
        alone = selection.alone()
        if not selection.sources and not selection.statuses and selection.text is None:
            return self.counts.events
        if alone is not None:
            count = "count(DISTINCT n)" if alone.repeats else "count(*)"
            return int(db.execute(f"SELECT {count} FROM ({alone.sql})", alone.params).fetchone()[0])
        if selection.only_text() and selection.ranked is not None:
            return selection.ranked[0]
        if selection.text is not None:
            tables, matching = selection.matching()
            return int(
                db.execute(
                    f"SELECT count(*) FROM {tables} WHERE {matching.clause()}", matching.params
                ).fetchone()[0]
            )
        where = selection.conditions()
        return int(
            db.execute(
                f"SELECT count(*) FROM events e WHERE {where.clause()}", where.params
            ).fetchone()[0]
        )

    # -- lists

    def events(
        self, query: EventFilter, *, sort: Sort, limit: int, after: Key | None = None
    ) -> Page:
        """One page of matching events in ``sort`` order, starting after the key ``after``."""
        selection = self._select(query)
        total: int | None = None
        scores: dict[int, float] = {}
        snippets: dict[int, str | None] = {}
        if sort == "relevance" and query.text is not None:
            ranked, total = self._by_relevance(selection, limit, after)
            numbers = [n for n, _, _ in ranked]
            scores = {n: score for n, score, _ in ranked}
            snippets = {n: snippet for n, _, snippet in ranked if snippet is not None}
        elif sort in ("updated", "-updated"):
            numbers = self._by_updated(selection, sort == "-updated", limit, after)
        else:
            numbers = self._by_date(selection, sort == "-date", limit, after)
        if total is None:
            total = self._total(selection)
        page = numbers[:limit]
        db = self._db()
        rows = {
            n: (modified if sort in ("updated", "-updated") else sort_key, event_id, item)
            for n, sort_key, modified, event_id, item in db.execute(
                f"SELECT n, sort, modified, id, item FROM events WHERE n IN ({_marks(page)})", page
            )
        }
        missing = [n for n in page if n not in snippets]
        if selection.text is not None and missing:
            snippets.update(self._snippets(selection, missing))
        items = [resources.with_snippet(rows[n][2], snippets.get(n)) for n in page]
        next_key: Key | None = None
        if page and len(numbers) > limit:  # limit 0: the total alone, no next page
            last = page[-1]
            sort_key, event_id = rows[last][0], rows[last][1]
            next_key = (scores[last], sort_key, event_id) if scores else (sort_key, event_id)
        return Page(items, total, next_key)

    def _snippets(
        self, selection: _Selection, numbers: list[int]
    ) -> Iterator[tuple[int, str | None]]:
        """The snippets of the events ``numbers`` (each a match of the selection's text).

        Asked for a rowid in a list, FTS5 looks each one up in the matches of the text. In a
        long list of matches (a common word's, or a search of several words) that is a jump
        by its index; in a short one a walk from its start, each time: for a word in 1,000
        events, one walk through all of them (the ``+`` keeps the list from FTS5) cost a
        third of the lookups (profiled at 10,000 and 100,000 events).
        """
        rowid = "+rowid" if selection.word is not None and selection.ranked is None else "rowid"
        found = self._db().execute(
            f"SELECT rowid, {compiler.SNIPPET} FROM search WHERE search MATCH ? "
            f"AND {rowid} IN ({_marks(numbers)})",
            [selection.text, *numbers],
        )
        return ((n, compiler.snippet_html(text)) for n, text in found)

    def _by_date(
        self, selection: _Selection, backwards: bool, limit: int, after: Key | None
    ) -> list[int]:
        """The ``n`` of up to ``limit + 1`` events in date order (or backwards) after ``after``."""
        db = self._db()
        bound: tuple[str, int] | None = None
        if after is not None:
            if backwards:
                row = db.execute(
                    "SELECT n FROM events WHERE (sort, id) >= (?, ?) ORDER BY sort, id LIMIT 1",
                    after,
                ).fetchone()
                bound = ("<", row[0] if row is not None else PAST)
            else:
                row = db.execute(
                    "SELECT n FROM events WHERE (sort, id) <= (?, ?) "
                    "ORDER BY sort DESC, id DESC LIMIT 1",
                    after,
                ).fetchone()
                bound = (">", row[0] if row is not None else BEFORE)
        order = "n DESC" if backwards else "n"
        alone = selection.alone()
        if alone is not None:  # straight from the facet's index, in n order
            where = f"WHERE n {bound[0]} ?" if bound is not None else ""
            distinct = "DISTINCT " if alone.repeats else ""
            sql = f"SELECT {distinct}n FROM ({alone.sql}) {where} ORDER BY {order} LIMIT ?"
            params = [*alone.params, *([bound[1]] if bound is not None else []), limit + 1]
        else:
            conditions = selection.conditions()
            if bound is not None:
                conditions.add(f"e.n {bound[0]} ?", bound[1])
            sql = f"SELECT e.n FROM events e WHERE {conditions.clause()} ORDER BY e.{order} LIMIT ?"
            params = [*conditions.params, limit + 1]
        return [row[0] for row in db.execute(sql, params)]

    def _by_updated(
        self, selection: _Selection, backwards: bool, limit: int, after: Key | None
    ) -> list[int]:
        """The ``n`` of up to ``limit + 1`` events in order of ``last_modified`` (then id),
        or backwards (newest first), after ``after``."""
        conditions = selection.conditions()
        if after is not None:
            conditions.add(f"(e.modified, e.id) {'<' if backwards else '>'} (?, ?)", *after)
        order = " DESC" if backwards else ""
        sql = (
            f"SELECT e.n FROM events e WHERE {conditions.clause()} "
            f"ORDER BY e.modified{order}, e.id{order} LIMIT ?"
        )
        return [row[0] for row in self._db().execute(sql, [*conditions.params, limit + 1])]

    def _term(self, text: str) -> str | None:
        """The indexed token of a search for one plain word (``"word"``), if it is one."""
        word = _ONE_WORD.fullmatch(text.lower())
        return compiler.stem(word[1]) if word is not None else None

    def closest_word(self, word: str) -> str | None:
        """The indexed word closest to ``word`` (as it is written in some event), if ``word``
        itself is in no event and one is close: a typo's correction. Candidates share its
        first letter, and their stems are compared (difflib's ratio, at least `CLOSE`)."""
        db = self._db()
        token = compiler.stem(word)
        if token is None or self._indexed(token):
            return None
        candidates = [
            term
            for (term,) in db.execute(
                "SELECT term FROM temp.vocabulary WHERE term >= ? AND term < ?",
                (token[0], token[0] + "\U0010ffff"),
            )
            if abs(len(term) - len(token)) <= 2
        ]
        for close in difflib.get_close_matches(token, candidates, n=3, cutoff=CLOSE):
            if compiler.stem(close) != close:
                continue  # searched, it would be another token
            row = db.execute(_ONE_TOKEN_SQL, (f'"{close}"',)).fetchone()
            written = _MARKED.search(row[0]) if row is not None else None
            if written is not None:
                return written[1].lower()
        return None

    def _indexed(self, token: str) -> bool:
        found = self._db().execute("SELECT 1 FROM temp.vocabulary WHERE term = ?", (token,))
        return found.fetchone() is not None

    def matches(self, text: str) -> bool:
        """Whether the FTS5 expression ``text`` matches any event."""
        found = self._db().execute("SELECT 1 FROM search WHERE search MATCH ? LIMIT 1", (text,))
        return found.fetchone() is not None

    def _relevance_bound(self, after: Key) -> tuple[float, int]:
        """A relevance cursor (score, date, id) as (score, position): what comes after it is
        above that pair. The event it names may be gone (a reload): then its place is."""
        score, sort_key, event_id = cast(tuple[float, str, str], after)
        row = (
            self._db()
            .execute(
                "SELECT n, id FROM events WHERE (sort, id) >= (?, ?) ORDER BY sort, id LIMIT 1",
                (sort_key, event_id),
            )
            .fetchone()
        )
        if row is None:
            return float(score), PAST
        return float(score), int(row[0]) if row[1] == event_id else int(row[0]) - 1

    def _by_relevance(
        self, selection: _Selection, limit: int, after: Key | None
    ) -> tuple[list[tuple[int, float, str | None]], int | None]:
        """(n, score, snippet if known) of up to ``limit + 1`` events, best first; and how
        many match in all, where that came with them."""
        assert selection.text is not None
        db = self._db()
        start = (-math.inf, BEFORE) if after is None else self._relevance_bound(after)
        if selection.ranked is not None:
            where = selection.conditions(text=False)
            # A common word's best matches, in order, that pass the other filters: they are
            # the page if there are enough of them (every match past the ranked ones ranks
            # below them all), or if every match is ranked.
            joined = (
                "ranked r JOIN events e ON e.n = r.n WHERE " if where.where else "ranked r WHERE "
            )
            ranked = db.execute(
                f"SELECT r.n, r.score, r.snippet FROM {joined} r.term = ? "
                f"AND {where.clause()} AND (r.score, r.n) > (?, ?) ORDER BY r.score, r.n LIMIT ?",
                [selection.word, *where.params, *start, limit + 1],
            ).fetchall()
            events, kept = selection.ranked
            if len(ranked) > limit or events == kept:
                return ranked, None
        if selection.only_text():
            found = self._ranked_by_fts5(selection.text, limit, start)
            if found is not None:
                return found, None
        # The matches are counted as they are ranked: on the first page that count is the
        # total, so they are walked once, not twice (the count alone took 0.3-0.7 ms of a
        # search within filters at 10,000 events).
        tables, matching = selection.matching()
        rows = db.execute(
            f"SELECT s.rowid, s.rank, count(*) OVER () FROM {tables} WHERE {matching.clause()} "
            "AND (s.rank, s.rowid) > (?, ?) ORDER BY s.rank, s.rowid LIMIT ?",
            [*matching.params, *start, limit + 1],
        ).fetchall()
        counted = (int(rows[0][2]) if rows else 0) if after is None else None
        return [(n, score, None) for n, score, _ in rows], counted

    def _ranked_by_fts5(
        self, text: str, limit: int, start: tuple[float, int]
    ) -> list[tuple[int, float, str | None]] | None:
        """A search with no other filter, ranked by FTS5 itself with the page's snippets: None
        where a tie across the page's end makes its order uncertain.

        Asked to order by rank alone, FTS5 sorts its matches itself and makes the snippets of
        the rows returned only: a third cheaper than sorting by (rank, n) and asking for the
        page's snippets after (profiled at 10,000 events). With another filter it would rank
        every match, where the join ranks only those that pass it. Its order within a tie is
        its own, so the page is sorted by (rank, n) here; a tie across the page's end would
        need the rows past it.
        """
        found = (
            self._db()
            .execute(
                f"SELECT rowid, rank, {compiler.SNIPPET} FROM search WHERE search MATCH ? "
                "AND (rank, rowid) > (?, ?) ORDER BY rank LIMIT ?",
                [text, *start, limit + 1],
            )
            .fetchall()
        )
        if limit > 0 and len(found) > limit and found[limit - 1][1] == found[limit][1]:
            return None
        found.sort(key=lambda row: (row[1], row[0]))
        return [(n, score, compiler.snippet_html(snippet)) for n, score, snippet in found]

    def timeline(self, query: EventFilter, interval: resources.Interval) -> bytes:
        """The encoded :class:`~dateline.resources.Timeline` of the matching events (UTC)."""
        selection = self._select(query)
        if not selection.sources and not selection.statuses and selection.text is None:
            return self.listing(f"timeline-{interval}")
        db = self._db()
        width = compiler.INTERVALS[interval]
        alone = selection.alone()
        if alone is not None:
            distinct = "DISTINCT " if alone.repeats else ""
            rows = db.execute(
                f"SELECT substr(sort, 1, {width}) AS period, count(*) FROM "
                f"(SELECT {distinct}n, sort FROM ({alone.sql})) GROUP BY period ORDER BY period",
                alone.params,
            ).fetchall()
        else:
            where = selection.conditions()
            rows = db.execute(
                f"SELECT substr(e.sort, 1, {width}) AS period, count(*) FROM events e "
                f"WHERE {where.clause()} GROUP BY period ORDER BY period",
                where.params,
            ).fetchall()
        return resources.encode(resources.timeline(interval, rows))

    def claims(
        self,
        *,
        by: Sequence[str] = (),
        events: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int,
        after: Key | None = None,
    ) -> Page:
        """Claims in the order of their events (then as listed), filtered by author, event, tag."""
        sql = _Sql()
        if by:
            sql.add(f"c.by IN ({_marks(by)})", *by)
        if events:
            sql.add(f"c.event_id IN ({_marks(events)})", *events)
        if tags:
            sql.add(
                "c.event IN (SELECT n FROM facets WHERE facet = 'tag' "
                f"AND value IN ({_marks(tags)}))",
                *tags,
            )
        db = self._db()
        total = db.execute(f"SELECT count(*) FROM claims c WHERE {sql.clause()}", sql.params)
        count = total.fetchone()[0]
        if after is not None:
            sql.add("(c.sort, c.event_id, c.idx) > (?, ?, ?)", *after)
        rows = db.execute(
            f"SELECT c.item, c.sort, c.event_id, c.idx FROM claims c WHERE {sql.clause()} "
            "ORDER BY c.sort, c.event_id, c.idx LIMIT ?",
            [*sql.params, limit + 1],
        ).fetchall()
        next_key: Key | None = None
        if limit and len(rows) > limit:  # limit 0: the total alone, no next page
            _, sort, event_id, index = rows[limit - 1]
            next_key = (sort, event_id, index)
        return Page([row[0] for row in rows[:limit]], count, next_key)

    def records(
        self,
        table: Records,
        *,
        kinds: Sequence[str] = (),
        within: Sequence[str] = (),
        limit: int,
        after: Key | None = None,
    ) -> Page:
        """A page of actors or places (by id) or tags (most used first, then by id), of the
        ``kinds`` given, and for places, ``within`` any of the places given (at any depth)."""
        sql = _Sql()
        if kinds:
            sql.add(f"kind IN ({_marks(kinds)})", *kinds)
        if within:
            sql.add(
                "id IN (WITH RECURSIVE inside(id) AS ("
                f"SELECT id FROM places WHERE within IN ({_marks(within)}) "
                "UNION SELECT p.id FROM places p JOIN inside i ON p.within = i.id) "
                "SELECT id FROM inside)",
                *within,
            )
        db = self._db()
        total = db.execute(f"SELECT count(*) FROM {table} WHERE {sql.clause()}", sql.params)
        count = int(total.fetchone()[0])
        by_count = table == "tags"
        if after is not None:
            if by_count:
                count_after, id_after = cast(tuple[int, str], after)
                sql.add(
                    "(event_count < ? OR (event_count = ? AND id > ?))",
                    count_after,
                    count_after,
                    id_after,
                )
            else:
                sql.add("id > ?", after[0])
        order = "event_count DESC, id" if by_count else "id"
        key = "event_count, id" if by_count else "id"
        rows = db.execute(
            f"SELECT resource, {key} FROM {table} WHERE {sql.clause()} ORDER BY {order} LIMIT ?",
            [*sql.params, limit + 1],
        ).fetchall()
        next_key: Key | None = None
        if limit and len(rows) > limit:  # limit 0: the total alone, no next page
            next_key = tuple(rows[limit - 1][1:])
        return Page([row[0] for row in rows[:limit]], count, next_key)

    def corrected(self, limit: int) -> list[bytes]:
        """The records of the events that the ``limit`` newest corrections (``updates``
        entries) belong to, each once: every entry of the corrections feed is among theirs."""
        rows = self._db().execute(
            "SELECT e.resource FROM events e WHERE e.id IN (SELECT event_id FROM corrections "
            "ORDER BY date DESC, event_id DESC, idx DESC LIMIT ?) ORDER BY e.id",
            (limit,),
        )
        return [row[0] for row in rows]

    # -- whole indexes, for the site's static filters

    def members(self, facet: Facet, values: Iterable[str] | None = None) -> Iterator[Member]:
        """Each value of a facet (or each of ``values`` that selects an event) with the places
        in date order of the events it selects.

        Read from the very rows ``/events?tag=...`` (``actor``, ``place``) and ``status=`` filter
        on, so the site's filters cannot select other events than the API.
        """
        db = self._db()
        rank = self._ranks(db)
        # the values as one JSON parameter: there may be more than SQLite takes one by one
        chosen = None if values is None else msgspec.json.encode(sorted(set(values))).decode()
        if facet == "status":
            sql = "SELECT status, n FROM events{} ORDER BY status, n"
            where = "" if chosen is None else " WHERE status IN (SELECT value FROM json_each(?))"
            rows = db.execute(sql.format(where), () if chosen is None else (chosen,))
        else:
            sql = "SELECT value, n FROM facets WHERE facet = ?{} ORDER BY value, n"
            where = "" if chosen is None else " AND value IN (SELECT value FROM json_each(?))"
            rows = db.execute(sql.format(where), (facet,) if chosen is None else (facet, chosen))
        for value, group in itertools.groupby(rows, key=operator.itemgetter(0)):
            numbers = [n for _, n in group]
            yield Member(value, numbers if rank is None else [rank[n] for n in numbers])

    def _ranks(self, db: sqlite3.Connection) -> dict[int, int] | None:
        """Each event's place in date order, from 1, by its ``n``; None where ``n`` is that
        already. A compiled store numbers its events 1, 2, 3 ...; one updated in place may have
        gaps. Kept until the data changes: a site's build asks once per facet and per list."""
        key = (id(db), db.execute("PRAGMA data_version").fetchone()[0])
        if self._rank_cache is not None and self._rank_cache[0] == key:
            return self._rank_cache[1]
        count, first, last = db.execute("SELECT count(*), min(n), max(n) FROM events").fetchone()
        rank = None
        if count and (first, last) != (1, count):
            rank = {n: i for i, (n,) in enumerate(db.execute("SELECT n FROM events ORDER BY n"), 1)}
        self._rank_cache = (key, rank)
        return rank

    def spans(self) -> Iterator[tuple[str, str | None, bool]]:
        """Every event's span keys in date order: (sort key, end key or None, far)."""
        rows = self._db().execute('SELECT sort, "end", far FROM events ORDER BY n')
        for sort, end, far in rows:
            yield sort, end, bool(far)


Facet = Literal["tag", "actor", "place", "status"]
Records = Literal["actors", "places", "tags"]
# What a filter's values name: a tag, an actor, a place, or a kind of actor or place.
Named = Literal["tag", "actor", "place", "actor kind", "place kind"]
_IS_KNOWN: Final[dict[str, str]] = {
    "tag": "SELECT 1 FROM tags WHERE id = ?",
    "actor": "SELECT 1 FROM actors WHERE id = ?",
    "place": "SELECT 1 FROM places WHERE id = ?",
    "actor kind": "SELECT 1 FROM actors WHERE kind = ? LIMIT 1",
    "place kind": "SELECT 1 FROM places WHERE kind = ? LIMIT 1",
}
_KNOWN: Final[dict[str, str]] = {
    "tag": "SELECT id FROM tags ORDER BY id",
    "actor": "SELECT id FROM actors ORDER BY id",
    "place": "SELECT id FROM places ORDER BY id",
    "actor kind": "SELECT DISTINCT kind FROM actors ORDER BY kind",
    "place kind": "SELECT DISTINCT kind FROM places ORDER BY kind",
}


@dataclass(frozen=True)
class Member:
    value: str
    positions: list[int]  # the events' places in date order, counted from 1, ascending


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values in order, each once."""
    return tuple(dict.fromkeys(values))


class _Snapshot(Store):
    """A live store as of one commit: every read on one connection, in one transaction."""

    def __init__(self, store: Store, connection: sqlite3.Connection) -> None:
        self.path = store.path
        self.live = True
        self._connection = connection
        self._rank_cache = None
        self._read_meta(connection)

    def _db(self) -> sqlite3.Connection:
        return self._connection

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Store]:
        yield self
