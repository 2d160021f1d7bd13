"""The dataset compiled into one read-only SQLite file, and the queries the API runs on it.

:meth:`Store.open` fingerprints the events folder (every file's path and bytes, hashed), and
opens ``<events>/../.cache/dateline/<fingerprint>.sqlite`` if it exists: an unchanged dataset
costs one read of its files and no parsing. Otherwise it loads and checks the dataset, and
compiles it into a temporary file that is renamed into place when complete, so a reader never
sees half a store. A dataset with errors is never compiled: :class:`DatasetError` carries its
diagnostics. The fingerprint is the store's ``revision``, which the API puts in its ETags.

What the file holds, all of it written once and never changed:

* ``events``: per event, its :class:`~dateline.resources.EventResource` and
  :class:`~dateline.resources.EventItem` as encoded JSON (served as they are), and indexed
  columns: ``sort`` (the span's start key, ``''`` when open, so it sorts first), ``start`` and
  ``end`` (span keys, NULL when open or unknown, meaning unbounded) and ``status``;
* ``facets``: one row per (event, tag), (event, actor), (event, place or a place it is within)
  and (event, the place itself: ``at``), with the event's span repeated so that a filter with a
  date range is answered from the index alone;
* ``search``: FTS5 over title, claims, summary and names (the names and aliases of the event's
  actors and places), ranked by bm25 with weights 10, 5, 2, 1 in that order; tokens are
  ``unicode61 remove_diacritics 2``, and Arabic short vowels and tatweel are folded away on
  both sides, so ``الهَول`` finds ``الهول``;
* ``place_boxes``: an R*Tree over place coordinates for ``near``;
* ``claims``, ``actors``, ``places``, ``tags``, and ``lists`` (the whole ``/actors``,
  ``/places`` and ``/tags`` responses, encoded once).

Reads use one connection per thread, opened ``mode=ro&immutable=1``: nothing ever writes to a
store file after the rename, so SQLite can skip locking altogether.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import msgspec

from dateline import dataset as dataset_module
from dateline import resources
from dateline.dataset import Dataset, EventFile
from dateline.diagnostics import Diagnostic
from dateline.model import Status

FORMAT: Final = 1  # bump when the file's tables change: old caches are then rebuilt
KEEP_STORES: Final = 3  # store files kept in a cache folder (other replicas may use them)
WEIGHTS: Final = (10.0, 5.0, 2.0, 1.0)  # title, claims, summary, names

Sort = Literal["date", "-date", "relevance"]
Key = tuple[str | float, str] | tuple[str, str, int]

_ARABIC_MARKS: Final = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
_SNIPPET_OPEN: Final = "\x01"  # YAML cannot carry C0 controls, so these mark hits unambiguously
_SNIPPET_CLOSE: Final = "\x02"


class DatasetError(Exception):
    """The dataset has errors, so it was not compiled; ``diagnostics`` lists every problem."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = sum(d.severity == "error" for d in diagnostics)
        super().__init__(
            f"the dataset has {errors} error{'s' if errors != 1 else ''}; "
            "run `dateline check` to see them"
        )


def fold(text: str) -> str:
    """Text as the search index sees it: Arabic diacritics (harakat) and tatweel removed."""
    return _ARABIC_MARKS.sub("", text)


# --- the fingerprint -----------------------------------------------------------------------


def file_digests(root: Path) -> dict[str, bytes]:
    """A hash of the bytes of every file under ``root``, by path (relative, with ``/``)."""
    digests: dict[str, bytes] = {}
    for relative in _files(root):
        with open(os.path.join(root, relative), "rb") as file:
            digests[relative] = hashlib.blake2b(file.read(), digest_size=16).digest()
    return digests


def fingerprint(root: Path, digests: dict[str, bytes] | None = None) -> str:
    """A hash of every file under ``root`` (its path and bytes) and of the store format."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"dateline-store/{FORMAT}\0".encode())
    for relative, content in sorted((digests or file_digests(root)).items()):
        digest.update(f"{relative}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def _files(root: Path) -> list[str]:
    found: list[str] = []
    stack = [""]
    while stack:
        folder = stack.pop()
        with os.scandir(os.path.join(root, folder)) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relative = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir():
                    stack.append(relative)
                elif entry.is_file():
                    found.append(relative)
    return sorted(found)


def cache_folder(root: Path) -> Path:
    """Where the stores of an events folder live: ``.cache/dateline`` beside the folder."""
    return Path(os.path.abspath(root)).parent / ".cache" / "dateline"


# --- compiling -----------------------------------------------------------------------------

_SCHEMA: Final = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sort TEXT NOT NULL, start TEXT, "end" TEXT,
    status TEXT NOT NULL, resource BLOB NOT NULL, item BLOB NOT NULL);
CREATE INDEX events_by_sort ON events(sort, id);
CREATE TABLE facets(
    facet TEXT NOT NULL, value TEXT NOT NULL, sort TEXT NOT NULL, "end" TEXT, n INTEGER NOT NULL,
    PRIMARY KEY(facet, value, sort, n)) WITHOUT ROWID;
CREATE VIRTUAL TABLE search USING fts5(
    title, claims, summary, names, tokenize='unicode61 remove_diacritics 2');
INSERT INTO search(search, rank) VALUES('rank', 'bm25({", ".join(map(str, WEIGHTS))})');
CREATE TABLE claims(
    n INTEGER PRIMARY KEY, event INTEGER NOT NULL, event_id TEXT NOT NULL, idx INTEGER NOT NULL,
    by TEXT NOT NULL, sort TEXT NOT NULL, item BLOB NOT NULL);
CREATE INDEX claims_by_sort ON claims(sort, event_id, idx);
CREATE INDEX claims_by_actor ON claims(by, sort, event_id, idx);
CREATE INDEX claims_by_event ON claims(event_id, idx);
CREATE TABLE actors(id TEXT PRIMARY KEY, resource BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE places(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, within TEXT, name TEXT NOT NULL,
    lat REAL, lon REAL, resource BLOB NOT NULL, ref BLOB NOT NULL);
CREATE INDEX places_by_parent ON places(within, name, id);
CREATE VIRTUAL TABLE place_boxes USING rtree(n, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE lists(name TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
"""


def compile_dataset(dataset: Dataset, path: Path, revision: str) -> None:
    """Write ``dataset`` (which must have no errors) into a new store file at ``path``."""
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
            _Compiler(dataset, connection).write(revision)
            connection.execute("INSERT INTO search(search) VALUES('optimize')")
            connection.execute("COMMIT")
            connection.execute("ANALYZE")
            connection.execute("VACUUM")
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_SEARCH: Final = "search(rowid, title, claims, summary, names)"
_CLAIMS: Final = "claims(event, event_id, idx, by, sort, item)"


class _Compiler:
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
        }

    def write(self, revision: str) -> None:
        dataset, build = self.dataset, self.build
        order = sorted(dataset.events, key=lambda i: (dataset.events[i].when.start_key() or "", i))
        for n, event_id in enumerate(order, start=1):
            self._event(n, event_id)
        for table, rows in self.rows.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        claim_count = len(self.rows[_CLAIMS])
        actor_counts, place_counts = build.actor_counts(), build.place_counts()
        actors = [build.actor(a, actor_counts[a]) for a in sorted(dataset.actors)]
        self.db.executemany(
            "INSERT INTO actors VALUES (?, ?)", ((a.id, resources.encode(a)) for a in actors)
        )
        places = [build.place(p, place_counts[p]) for p in sorted(dataset.places)]
        for n, place in enumerate(places, start=1):
            ref = build.place_ref(place.id)
            self.db.execute(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    n,
                    place.id,
                    dataset.places[place.id].within,
                    place.name,
                    place.lat,
                    place.lon,
                    resources.encode(place),
                    resources.encode(ref),
                ),
            )
            if place.lat is not None and place.lon is not None:
                self.db.execute(
                    "INSERT INTO place_boxes VALUES (?, ?, ?, ?, ?)",
                    (n, place.lat, place.lat, place.lon, place.lon),
                )
        tags = build.tags()
        encoder = msgspec.json.Encoder()
        for name, body in (("actors", actors), ("places", places), ("tags", tags)):
            self.db.execute("INSERT INTO lists VALUES (?, ?)", (name, encoder.encode(body)))
        counts = resources.Counts(
            events=len(dataset.events),
            actors=len(dataset.actors),
            places=len(dataset.places),
            tags=len(tags),
            claims=claim_count,
        )
        meta = {
            "revision": revision,
            "counts": resources.encode(counts).decode(),
            "warnings": str(len(dataset.warnings)),
            "compiled": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())

    def _event(self, n: int, event_id: str) -> None:
        event = self.dataset.events[event_id]
        when = event.when
        start, end = when.start_key(), when.end_key()
        sort = start or ""
        self.rows["events"].append(
            (
                n,
                event_id,
                sort,
                start,
                end,
                event.status,
                resources.encode(self.build.event(event_id)),
                resources.encode(self.build.item(event_id)),
            )
        )
        actors = dict.fromkeys([*event.actors, *(c.by for c in event.claims)])
        facets = [
            *(("tag", t) for t in dict.fromkeys(event.tags)),
            *(("actor", a) for a in actors),
            *(("place", p) for p in self.build.event_places(event)),
            *(("at", p) for p in dict.fromkeys(event.places)),
        ]
        self.rows["facets"].extend((facet, value, sort, end, n) for facet, value in facets)
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


def _names(record: Any) -> str:
    if record is None:
        return ""
    return " ; ".join([record.name, *record.aliases])


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
    FTS5 expression.
    """

    after: str | None = None
    before: str | None = None
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    text: str | None = None
    near: Near | None = None


@dataclass
class _Sql:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _filter_sql(query: EventFilter) -> _Sql:
    sql = _Sql()
    span: list[str] = []
    span_params: list[Any] = []
    if query.before is not None:
        span.append("f.sort < ?")
        span_params.append(query.before)
    if query.after is not None:
        span.append('(f."end" IS NULL OR f."end" > ?)')
        span_params.append(query.after)
    facets = [("tag", query.tags), ("actor", query.actors), ("place", query.places)]
    for facet, values in facets:
        if values:
            sql.add(
                "e.n IN (SELECT f.n FROM facets f WHERE f.facet = ? "
                f"AND f.value IN ({_marks(values)}){''.join(' AND ' + s for s in span)})",
                facet,
                *values,
                *span_params,
            )
    if query.before is not None:
        sql.add("e.sort < ?", query.before)
    if query.after is not None:
        sql.add('(e."end" IS NULL OR e."end" > ?)', query.after)
    if query.statuses:
        sql.add(f"e.status IN ({_marks(query.statuses)})", *query.statuses)
    if query.near is not None:
        min_lat, max_lat, min_lon, max_lon = _box(query.near)
        sql.add(
            "e.n IN (SELECT f.n FROM place_boxes b JOIN places p ON p.n = b.n "
            "JOIN facets f ON f.facet = 'at' AND f.value = p.id "
            "WHERE b.min_lat <= ? AND b.max_lat >= ? AND b.min_lon <= ? AND b.max_lon >= ? "
            "AND distance_km(p.lat, p.lon, ?, ?) <= ?)",
            max_lat,
            min_lat,
            max_lon,
            min_lon,
            query.near.lat,
            query.near.lon,
            query.near.km,
        )
    return sql


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


@dataclass
class Page:
    """Encoded items (served as they are), the total that match, and the key after the last."""

    items: list[bytes]
    total: int
    next_key: Key | None


def _snippet(text: str | None) -> str | None:
    if text is None:
        return None
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace(_SNIPPET_OPEN, "<mark>").replace(_SNIPPET_CLOSE, "</mark>")


_ORDER: Final[dict[str, tuple[str, str]]] = {
    # sort: (ORDER BY, keyset condition for "after this key")
    "date": ("e.sort, e.id", "(e.sort, e.id) > (?, ?)"),
    "-date": ("e.sort DESC, e.id DESC", "(e.sort, e.id) < (?, ?)"),
    "relevance": ("s.rank, e.id", "(s.rank, e.id) > (?, ?)"),
}


class Store:
    """A compiled dataset, read-only, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        meta = dict(self._db().execute("SELECT key, value FROM meta").fetchall())
        self.revision: str = meta["revision"]
        self.counts = msgspec.json.decode(meta["counts"], type=resources.Counts)
        self.warnings = int(meta["warnings"])

    @classmethod
    def open(
        cls,
        root: Path | str,
        *,
        cache: Path | None = None,
        read: Callable[[list[str], int | None], Iterable[EventFile]] = dataset_module.load_files,
        digests: dict[str, bytes] | None = None,
    ) -> Store:
        """The store of the events folder ``root``, compiled first if it is not cached.

        ``read`` is how event files are read when the dataset must be loaded (see
        :func:`dateline.dataset.load`); ``digests``, the folder's :func:`file_digests` if the
        caller has them already. Raises :class:`DatasetError` if the dataset has errors.
        """
        root = Path(root)
        folder = cache if cache is not None else cache_folder(root)
        if not root.is_dir():
            raise DatasetError(dataset_module.load(root).diagnostics)
        revision = fingerprint(root, digests)
        path = folder / f"{revision}.sqlite"
        if not path.exists():
            loaded = dataset_module.load(root, read=read)
            if loaded.errors:
                raise DatasetError(loaded.diagnostics)
            compile_dataset(loaded, path, revision)
            _prune(folder, keep=path)
        return cls(path)

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            uri = f"file:{urllib.parse.quote(str(self.path))}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            connection.execute("PRAGMA mmap_size=1073741824")
            connection.create_function("distance_km", 4, distance_km, deterministic=True)
            self._local.connection = connection
        return connection

    # -- single records

    def event(self, event_id: str) -> bytes | None:
        return self._one("SELECT resource FROM events WHERE id = ?", event_id)

    def actor(self, actor_id: str) -> bytes | None:
        return self._one("SELECT resource FROM actors WHERE id = ?", actor_id)

    def place(self, place_id: str) -> bytes | None:
        return self._one("SELECT resource FROM places WHERE id = ?", place_id)

    def children(self, place_id: str) -> list[bytes]:
        rows = self._db().execute(
            "SELECT ref FROM places WHERE within = ? ORDER BY name, id", (place_id,)
        )
        return [row[0] for row in rows]

    def listing(self, name: Literal["actors", "places", "tags"]) -> bytes:
        body = self._one("SELECT body FROM lists WHERE name = ?", name)
        assert body is not None
        return body

    def _one(self, sql: str, *params: Any) -> bytes | None:
        row = self._db().execute(sql, params).fetchone()
        return None if row is None else bytes(row[0])

    # -- lists

    def events(
        self, query: EventFilter, *, sort: Sort, limit: int, after: Key | None = None
    ) -> Page:
        """One page of matching events in ``sort`` order, starting after the key ``after``."""
        sql = _filter_sql(query)
        source = "events e"
        columns = "e.item, NULL, e.sort, e.id"
        if query.text is not None:
            source = "search s JOIN events e ON e.n = s.rowid"
            sql.where.insert(0, "search MATCH ?")
            sql.params.insert(0, query.text)
            snippet = f"snippet(search, -1, '{_SNIPPET_OPEN}', '{_SNIPPET_CLOSE}', '…', 16)"
            key = "s.rank" if sort == "relevance" else "e.sort"
            columns = f"e.item, {snippet}, {key}, e.id"
        db = self._db()
        total = db.execute(
            f"SELECT count(*) FROM {source} WHERE {sql.clause()}", sql.params
        ).fetchone()[0]
        order, keyset = _ORDER[sort]
        page = _Sql(list(sql.where), list(sql.params))
        if after is not None:
            page.add(keyset, *after)
        rows = db.execute(
            f"SELECT {columns} FROM {source} WHERE {page.clause()} ORDER BY {order} LIMIT ?",
            [*page.params, limit + 1],
        ).fetchall()
        items = [resources.with_snippet(item, _snippet(snip)) for item, snip, _, _ in rows[:limit]]
        next_key: Key | None = None
        if len(rows) > limit:
            _, _, last_key, last_id = rows[limit - 1]
            next_key = (last_key, last_id)
        return Page(items, total, next_key)

    def timeline(self, query: EventFilter, interval: resources.Interval) -> resources.Timeline:
        """Counts of matching events per period of their span's start (UTC)."""
        sql = _filter_sql(query)
        source = "events e"
        if query.text is not None:
            source = "search s JOIN events e ON e.n = s.rowid"
            sql.where.insert(0, "search MATCH ?")
            sql.params.insert(0, query.text)
        width = {"year": 4, "month": 7, "day": 10}[interval]
        rows = (
            self._db()
            .execute(
                f"SELECT substr(e.sort, 1, {width}) AS period, count(*) FROM {source} "
                f"WHERE {sql.clause()} GROUP BY period ORDER BY period",
                sql.params,
            )
            .fetchall()
        )
        buckets = [resources.Bucket(period=p, count=c) for p, c in rows if p]
        open_start = sum(c for p, c in rows if not p)
        return resources.Timeline(
            interval=interval,
            buckets=buckets,
            open_start=open_start,
            total=open_start + sum(b.count for b in buckets),
        )

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
        if len(rows) > limit:
            _, sort, event_id, index = rows[limit - 1]
            next_key = (sort, event_id, index)
        return Page([row[0] for row in rows[:limit]], count, next_key)


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the newest few store files (open ones stay readable on POSIX)."""
    stores = sorted(folder.glob("*.sqlite"), key=_mtime, reverse=True)
    for old in stores[KEEP_STORES:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values in order, each once."""
    return tuple(dict.fromkeys(values))
