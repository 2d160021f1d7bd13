"""The incremental engine equals a from-scratch run, after every step of random edit sequences.

Each example writes a small events folder of its own, then applies edits one at a time (add,
edit, delete and rename events, rename an actor, move a place, break a file and fix it, commit
what is there to git, or amend the last commit, which rewrites history). After
each edit the engine updates a live store in place, and the test compiles the folder from
scratch beside it: the findings must be the same, every table must hold the same rows (with
positions replaced by date order, since an update places events between others), and the API
must give the same bytes for the same requests, ``next`` links included. A change with errors
must leave the live store's data as it was and store the problems `check` reports.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from conftest import git
from dateline import cache, compiler, dataset, engine, history, patch
from dateline.store import EventFilter, Store
from dateline.web.app import create_app

ACTORS = {
    "sdf": ("Syrian Democratic Forces", ["SDF"]),
    "syrian-army": ("Syrian Arab Army", []),
    "centcom": ("US Central Command", ["CENTCOM"]),
    "sohr": ("Syrian Observatory for Human Rights", []),
}
PLACES = {  # id: (name, within, lat, lon)
    "syria": ("Syria", None, 35.0, 38.5),
    "iraq": ("Iraq", None, 33.0, 44.0),
    "hasakah": ("Hasakah", "syria", 36.5, 40.7),
    "al-hawl-camp": ("Al-Hawl camp", "hasakah", 36.38, 41.15),
    "baghdad": ("Baghdad", "iraq", 33.3, 44.4),
}
TAGS = ["detention", "security", "transfer", "camp", "prison"]
WORDS = ["forces", "camp", "detainees", "border", "transfer", "prison", "escape", "convoy"]
YEARS = [2017, 2021, 2026]


def _actors_yaml(names: dict[str, str]) -> str:
    lines = []
    for actor_id, (name, aliases) in ACTORS.items():
        lines += [f"{actor_id}:", f"  name: {names.get(actor_id, name)}", "  kind: organisation"]
        if aliases:
            lines.append(f"  aliases: [{', '.join(aliases)}]")
    return "\n".join(lines) + "\n"


def _places_yaml(within: dict[str, str | None]) -> str:
    lines = []
    for place_id, (name, parent, lat, lon) in PLACES.items():
        lines += [
            f"{place_id}:",
            f"  name: {name}",
            "  kind: area",
            f"  lat: {lat}",
            f"  lon: {lon}",
        ]
        parent = within.get(place_id, parent)
        if parent is not None:
            lines.append(f"  within: {parent}")
    return "\n".join(lines) + "\n"


events_st = st.fixed_dictionaries(
    {
        "year": st.sampled_from(YEARS),
        "month": st.one_of(st.none(), st.integers(1, 12)),
        "day": st.integers(1, 28),
        "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
        "tags": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
        "actors": st.lists(st.sampled_from(sorted(ACTORS)), max_size=2, unique=True),
        "places": st.lists(st.sampled_from(sorted(PLACES)), max_size=2, unique=True),
        "claim": st.one_of(st.none(), st.sampled_from(sorted(ACTORS))),
        "related": st.lists(st.integers(0, 30), max_size=2, unique=True),
        "status": st.sampled_from(["reported", "confirmed", "disputed"]),
        "corrected": st.lists(st.integers(1, 28), max_size=2),  # days of its updates
    }
)


def _event_yaml(spec: dict[str, Any], known: list[str]) -> str:
    date = str(spec["year"])
    if spec["month"] is not None:
        date += f"-{spec['month']:02d}-{spec['day']:02d}"
    related = sorted({known[i % len(known)] for i in spec["related"]}) if known else []
    lines = [
        f"title: {' '.join(spec['words']).capitalize()}",
        f"date: {date}",
        f"summary: The {' and the '.join(spec['words'])} were reported.",
        f"status: {spec['status']}",
        f"tags: [{', '.join(spec['tags'])}]",
        f"actors: [{', '.join(spec['actors'])}]",
        f"places: [{', '.join(spec['places'])}]",
        f"related: [{', '.join(related)}]",
    ]
    if spec["claim"] is not None:
        lines += ["claims:", f"  - by: {spec['claim']}", f"    text: {spec['words'][0]} seen."]
    if spec.get("corrected"):
        lines.append("updates:")
        for day in sorted(spec["corrected"]):
            lines += [f"  - date: 2026-02-{day:02d}", "    note: Corrected."]
    lines += [
        "sources:",
        "  - url: https://example.org/story",
        "    title: A story",
        "    publisher: Example News",
    ]
    return "\n".join(lines) + "\n"


edit_st = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 10_000), events_st),
    st.tuples(st.just("edit"), st.integers(0, 30), events_st),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 10_000)),
    st.tuples(st.just("rename-actor"), st.sampled_from(sorted(ACTORS)), st.sampled_from(WORDS)),
    st.tuples(st.just("move-place"), st.sampled_from(["hasakah", "al-hawl-camp", "baghdad"])),
    st.tuples(st.just("retitle"), st.integers(0, 30), st.sampled_from(WORDS)),
    st.tuples(st.just("break"), st.integers(0, 30)),
    st.tuples(
        st.just("fix"),
    ),
    st.tuples(st.just("commit")),
    st.tuples(st.just("amend")),
)


class Folder:
    """An events folder the test edits, remembering what it broke."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commits = 0  # each one a minute after the one before
        self.actor_names: dict[str, str] = {}
        self.within: dict[str, str | None] = {}
        self.broken: dict[Path, str] = {}
        (root / "actors.yaml").write_text(_actors_yaml({}), encoding="utf-8")
        (root / "places.yaml").write_text(_places_yaml({}), encoding="utf-8")

    def files(self) -> list[Path]:
        return sorted(self.root.glob("*/*.yaml"))

    def ids(self) -> list[str]:
        return [path.stem for path in self.files()]

    def write_event(self, number: int, spec: dict[str, Any]) -> Path:
        path = self.root / str(spec["year"]) / f"{spec['year']}-event-{number}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(_event_yaml(spec, self.ids()), encoding="utf-8")
        return path

    def pick(self, index: int) -> Path | None:
        found = self.files()
        return found[index % len(found)] if found else None

    def commit(self, *, amend: bool = False) -> None:
        """Commit everything in the folder (git's times are the events' history)."""
        if not (self.root / ".git").exists():
            git(self.root, "init", "-q")
            amend = False  # nothing to amend yet
        self.commits += 1
        git(self.root, "add", "-A")
        extra = ["--amend"] if amend else []
        git(self.root, "commit", "-q", "--allow-empty", "-m", "step", *extra, when=self.when())

    def when(self) -> int:
        return 1_767_225_600 + 60 * self.commits  # from 2026-01-01

    def apply(self, edit: tuple[Any, ...]) -> set[str]:
        """Make one edit; the paths it touched (what a watcher would report)."""
        kind = edit[0]
        if kind in ("commit", "amend"):
            self.commit(amend=kind == "amend")
            return set()  # a commit changes no file in the folder
        if kind == "add":
            return {str(self.write_event(edit[1], edit[2]))}
        if kind == "rename-actor":
            self.actor_names[edit[1]] = f"The {edit[2]} people"
            path = self.root / "actors.yaml"
            path.write_text(_actors_yaml(self.actor_names), encoding="utf-8")
            return {str(path)}
        if kind == "move-place":
            place = edit[1]
            current = self.within.get(place, PLACES[place][1])
            self.within[place] = "iraq" if current != "iraq" else "syria"
            path = self.root / "places.yaml"
            path.write_text(_places_yaml(self.within), encoding="utf-8")
            return {str(path)}
        if kind == "fix":
            fixed = {str(p) for p in self.broken}
            for path, text in self.broken.items():
                path.write_text(text, encoding="utf-8")
            self.broken.clear()
            return fixed
        path = self.pick(edit[1])
        if path is None or path in self.broken:
            return set()
        if kind == "edit":
            spec = {**edit[2], "year": int(path.parent.name)}
            number = int(path.stem.rsplit("-", 1)[1])
            return {str(self.write_event(number, spec))}
        if kind == "retitle":  # names the same actors and places: only this file is read
            lines = path.read_text(encoding="utf-8").split("\n")
            lines[0] = f"title: {edit[2].capitalize()} news"
            path.write_text("\n".join(lines), encoding="utf-8")
            return {str(path)}
        if kind == "delete":
            path.unlink()
            return {str(path)}
        if kind == "move":  # a rename: the event gets another id
            target = path.with_name(f"{path.parent.name}-event-{edit[2]}.yaml")
            if target.exists():
                return set()
            path.rename(target)
            return {str(path), str(target)}
        assert kind == "break"
        self.broken[path] = path.read_text(encoding="utf-8")
        path.write_text(self.broken[path] + "colour: red\n", encoding="utf-8")
        return {str(path)}


def _rows(db: sqlite3.Connection) -> dict[str, list[Any]]:
    """Every table's rows, positions replaced by the event's id (date order is kept)."""
    queries = {
        "events": 'SELECT id, sort, start, "end", far, status, modified, resource, item '
        "FROM events ORDER BY n",
        "facets": 'SELECT f.facet, f.value, f.far, e.id, f.sort, f."end" FROM facets f '
        "JOIN events e ON e.n = f.n ORDER BY f.facet, f.value, f.far, f.n",
        "unjoined facets": "SELECT count(*) FROM facets WHERE n NOT IN (SELECT n FROM events)",
        "search": "SELECT e.id, s.title, s.claims, s.summary, s.names FROM search s "
        "JOIN events e ON e.n = s.rowid ORDER BY e.n",
        "search rows": "SELECT count(*) FROM search",
        "claims": "SELECT c.event_id, e.id, c.idx, c.by, c.sort, c.item FROM claims c "
        "JOIN events e ON e.n = c.event ORDER BY c.sort, c.event_id, c.idx",
        "claim rows": "SELECT count(*) FROM claims",
        "actors": "SELECT id, resource FROM actors ORDER BY id",
        "places": "SELECT p.id, p.within, p.name, p.lat, p.lon, p.resource, p.ref, "
        "b.min_lat, b.min_lon FROM places p LEFT JOIN place_boxes b ON b.n = p.n ORDER BY p.id",
        "lists": "SELECT name, body FROM lists ORDER BY name",
        "meta": "SELECT key, value FROM meta WHERE key NOT IN ('compiled', 'problems') "
        "ORDER BY key",
        "ranked": "SELECT r.term, r.score, e.id, r.snippet FROM ranked r "
        "JOIN events e ON e.n = r.n ORDER BY r.term, r.score, r.n",
        "terms": "SELECT term, events, kept FROM terms ORDER BY term",
        "corrections": "SELECT date, event_id, idx FROM corrections ORDER BY date, event_id, idx",
    }
    found = {name: db.execute(sql).fetchall() for name, sql in queries.items()}
    for word in WORDS:  # bm25 over the whole index: the global statistics must agree too
        found[f"bm25 {word}"] = db.execute(
            "SELECT e.id, s.rank FROM search s JOIN events e ON e.n = s.rowid "
            "WHERE search MATCH ? ORDER BY s.rank, e.n",
            (word,),
        ).fetchall()
    return found


def _urls(ids: list[str]) -> list[str]:
    urls = [
        "/api/v1/events?limit=2",
        "/api/v1/events?sort=-date&limit=3",
        "/api/v1/events?q=forces&limit=2",
        "/api/v1/events?q=camp%20OR%20prison&limit=1",
        "/api/v1/events?tag=detention&from=2020&to=2026",
        "/api/v1/events?place=syria",
        "/api/v1/events?actor=sdf",
        "/api/v1/events?near=36.4,41.1,100",
        "/api/v1/timeline?interval=month",
        "/api/v1/timeline?tag=security",
        "/api/v1/claims?limit=2",
        "/api/v1/actors",
        "/api/v1/actors/sdf",
        "/api/v1/places",
        "/api/v1/places/syria",
        "/api/v1/tags",
        "/api/v1/tags?limit=2",
        "/api/v1/places?within=syria&limit=1",
        "/api/v1/actors?limit=1",
        "/api/v1/health",
        "/api/v1/events?sort=-updated&limit=2",
        "/api/v1/events?updated_since=2026-01-01T00:03:00Z",
        "/api/v1/corrections.atom?limit=2",
        "/api/v1/events.csv",
        "/api/v1/events.ics",
    ]
    return urls + [f"/api/v1/events/{i}" for i in ids]


def _responses(store: Store, ids: list[str]) -> dict[str, tuple[int, bytes, str | None]]:
    """Each URL's status, body and ETag, following ``next`` links to the end."""
    found: dict[str, tuple[int, bytes, str | None]] = {}
    with TestClient(create_app(store)) as client:
        queue = _urls(ids)
        while queue:
            url = queue.pop()
            if url in found:
                continue
            response = client.get(url)
            found[url] = (response.status_code, response.content, response.headers.get("etag"))
            if response.headers.get("content-type", "").startswith("application/json"):
                body = response.json()
                if isinstance(body, dict) and body.get("next"):
                    queue.append(body["next"])
    return found


def _from_scratch(root: Path, where: Path) -> tuple[dataset.Dataset, Path]:
    loaded = dataset.load(root)
    head = history.head(root)
    loaded.history = history.read(root, head)
    path = where / f"scratch-{len(list(where.iterdir()))}.sqlite"
    if not loaded.errors:
        compiler.compile_dataset(loaded, path, cache.fingerprint(root, None, head))
    return loaded, path


@pytest.fixture
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="dateline-engine-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    first=st.lists(events_st, min_size=1, max_size=6),
    edits=st.lists(edit_st, min_size=1, max_size=8),
    watched=st.booleans(),
    share=st.sampled_from([1.0, 1.0, 1.0, 0.0]),
)
def test_every_step_equals_a_run_from_scratch(
    workdir: Path,
    first: list[dict[str, Any]],
    edits: list[tuple[Any, ...]],
    watched: bool,
    share: float,
) -> None:
    # share 1.0: every change is patched row by row; 0.0: every change is compiled afresh.
    run = Path(tempfile.mkdtemp(dir=workdir))
    root = run / "events"
    root.mkdir()
    folder = Folder(root)
    for number, spec in enumerate(first):
        folder.write_event(number, spec)
    loaded, compiled = _from_scratch(root, run)
    assert not loaded.errors, loaded.diagnostics
    live = engine.LiveStore.create(run / "live.sqlite", engine.Engine(root), compiled, share=share)
    try:
        live.update()
        good = compiled
        for edit in edits:
            touched = folder.apply(edit)
            # With a watcher, the engine is told what changed; without, it finds out itself.
            outcome = live.update(touched if watched else None)
            expected, scratch = _from_scratch(root, run)
            assert live.engine.dataset is not None
            assert live.engine.dataset.diagnostics == expected.diagnostics, edit
            assert live.engine.dataset.events == expected.events, edit
            assert live.engine.dataset.related_by() == expected.related_by(), edit
            assert live.engine.dataset.counted() == expected.counted(), edit
            if expected.errors:
                assert not outcome.changed
                shown = cache.DatasetError(expected.diagnostics).errors(base=root.parent)
                assert outcome.problems == shown
                served = Store(live.path, live=True)
                assert served.problems == shown
            else:
                assert outcome.problems == []
                good = scratch
            live.rerank()
            with sqlite3.connect(good) as a, sqlite3.connect(live.path) as b:
                assert _rows(b) == _rows(a), edit
            if not expected.errors:
                ids = sorted(expected.events)
                assert _responses(Store(live.path, live=True), ids) == _responses(
                    Store(good), ids
                ), edit
    finally:
        live.close()


def test_a_position_is_found_between_neighbours_until_there_is_no_room(workdir: Path) -> None:
    db = sqlite3.connect(workdir / "positions.sqlite")
    db.execute("CREATE TABLE events(n INTEGER PRIMARY KEY, id TEXT, sort TEXT)")
    db.execute("CREATE INDEX events_by_sort ON events(sort, id)")
    assert patch._position(db, "2026", "a") == patch.GAP
    db.executemany("INSERT INTO events VALUES (?, ?, ?)", [(10, "a", "2020"), (11, "c", "2020")])
    assert patch._position(db, "2019", "x") == 10 - patch.GAP
    assert patch._position(db, "2021", "x") == 11 + patch.GAP
    with pytest.raises(patch.NoRoom):
        patch._position(db, "2020", "b")
    db.execute("UPDATE events SET n = 14 WHERE id = 'c'")
    assert patch._position(db, "2020", "b") == 12


SPEC: dict[str, Any] = {  # an event of the hand-written tests below
    "words": ["camp"],
    "tags": [],
    "actors": [],
    "places": [],
    "claim": None,
    "related": [],
    "status": "reported",
    "year": 2026,
    "month": 1,
    "day": 1,
}


def _folder(workdir: Path) -> tuple[Path, Folder]:
    root = workdir / "events"
    root.mkdir()
    return root, Folder(root)


def _check(root: Path, run: Path, live: engine.LiveStore) -> None:
    """The live store holds what a compile from scratch holds."""
    expected, scratch = _from_scratch(root, run)
    assert not expected.errors, expected.diagnostics
    live.rerank()
    with sqlite3.connect(scratch) as a, sqlite3.connect(live.path) as b:
        assert _rows(b) == _rows(a)


def test_a_new_event_beside_one_it_relates_to_takes_a_position_of_its_own(workdir: Path) -> None:
    # The related event is rewritten too, back at its old position, which is exactly between
    # its neighbours: the new event must not be given the same one.
    root, folder = _folder(workdir)
    spec = SPEC
    for number, month in enumerate([1, 3, 5]):
        folder.write_event(number, {**spec, "month": month})
    _, compiled = _from_scratch(root, workdir)
    live = engine.LiveStore.create(
        workdir / "live.sqlite", engine.Engine(root), compiled, share=1.0
    )
    live.update()
    related_to_second = {**spec, "month": 2, "related": [1]}  # ids sorted: event-1 is March
    folder.write_event(9, related_to_second)
    assert live.update().changed
    _check(root, workdir, live)
    live.close()


def test_ranking_again_stops_for_a_waiting_change_and_resumes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every word in two events or more is ranked ahead here, so there are several to rank.
    monkeypatch.setattr(compiler, "RANKED_MIN_EVENTS", 2)
    root, folder = _folder(workdir)
    for number in range(6):
        folder.write_event(number, {**SPEC, "words": WORDS[number % 3 : number % 3 + 3]})
    _, compiled = _from_scratch(root, workdir)
    live = engine.LiveStore.create(
        workdir / "live.sqlite", engine.Engine(root), compiled, share=1.0
    )
    live.update()
    folder.write_event(9, {**SPEC, "words": ["border"]})
    assert live.update().changed  # the patch drops every ranking: the scores move
    store = Store(live.path, live=True)

    def ranked() -> int:
        with store.snapshot() as now:
            return int(now._db().execute("SELECT count(*) FROM terms").fetchone()[0])

    assert ranked() == 0
    assert live.rerank(lambda: True) is False  # a change waits: nothing is ranked
    assert ranked() == 0
    asked = iter([False, False, False, True])
    # A read of the index's terms, two words, then a change waits.
    assert live.rerank(lambda: next(asked)) is False
    assert ranked() == 2
    for query in ("forces", "camp", "detainees", "forces camp"):
        words = " AND ".join(f'"{w}"' for w in query.split())
        page = store.events(EventFilter(text=words), sort="relevance", limit=3)
        scratch = Store(_from_scratch(root, workdir)[1]).events(
            EventFilter(text=words), sort="relevance", limit=3
        )
        assert (page.items, page.total) == (scratch.items, scratch.total), query
    # The rest, reading the index a term at a time: a change waits for one read at most.
    monkeypatch.setattr(compiler, "VOCABULARY_CHUNK", 1)
    asked_again: list[bool] = []
    assert live.rerank(lambda: asked_again.append(False) or False) is True
    with sqlite3.connect(live.path) as db:
        compiler.prepare(db)
        (terms,) = db.execute("SELECT count(*) FROM temp.vocabulary").fetchone()
    assert len(asked_again) > terms  # before each read, and before each word
    _check(root, workdir, live)
    live.close()


def test_the_response_cache_never_serves_an_older_revision(workdir: Path) -> None:
    from dateline.web.app import served

    root, folder = _folder(workdir)
    spec = {**SPEC, "tags": ["camp"]}
    folder.write_event(0, spec)
    _, compiled = _from_scratch(root, workdir)
    live = engine.LiveStore.create(workdir / "live.sqlite", engine.Engine(root), compiled)
    live.update()
    app = create_app(Store(live.path, live=True))
    url = "/api/v1/events?tag=camp"
    with TestClient(app) as client:
        for coding in ("gzip", "identity"):
            first = client.get(url, headers={"accept-encoding": coding})
            again = client.get(url, headers={"accept-encoding": coding})
            assert again.content == first.content
            assert again.headers == first.headers
        assert len(served(app).responses) == 2  # kept once per coding
        assert first.json()["total"] == 1
        folder.write_event(1, {**spec, "day": 2})
        assert live.update().changed
        after = client.get(url, headers={"accept-encoding": "identity"})
        assert after.json()["total"] == 2
        assert after.headers["etag"] != first.headers["etag"]
        # the older revision's responses are dropped, not left to age out
        assert len(served(app).responses) == 1
        # A CORS request gets the kept bytes with its CORS headers added.
        cors = client.get(url, headers={"accept-encoding": "identity", "origin": "http://x"})
        assert cors.content == after.content
        assert cors.headers["access-control-allow-origin"] == "*"
    live.close()


def test_a_published_store_is_the_one_open_store_finds(workdir: Path) -> None:
    root, folder = _folder(workdir)
    spec = {**SPEC, "tags": ["camp"], "actors": ["sdf"], "places": ["syria"]}
    folder.write_event(0, spec)
    compiled = cache.open_store(root).path
    live = engine.LiveStore.create(workdir / "live.sqlite", engine.Engine(root), compiled)
    live.update()
    folder.write_event(1, {**spec, "day": 2})
    assert live.update().changed
    live.rerank()
    published = live.publish()
    assert cache.open_store(root).path == published  # found, not compiled again
    _, scratch = _from_scratch(root, workdir)
    with sqlite3.connect(scratch) as a, sqlite3.connect(published) as b:
        assert _rows(b) == _rows(a)
        assert b.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    live.close()
