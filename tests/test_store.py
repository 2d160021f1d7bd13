"""The Store: compiled once per content, opened read-only, queried by the API."""

from __future__ import annotations

import math
import os
import sqlite3
import time

import msgspec
import pytest

from conftest import EVENT_PATH, Events
from dateline import compiler, dates
from dateline import store as store_module
from dateline.cache import DatasetError, fingerprint, open_store
from dateline.store import EventFilter, Near, Store, distance_km


def ids(page: store_module.Page) -> list[str]:
    return [msgspec.json.decode(item)["id"] for item in page.items]


def test_an_unchanged_dataset_opens_the_cached_file(events: Events) -> None:
    first = open_store(events.root)
    built = first.path.stat().st_mtime_ns
    started = time.perf_counter()
    second = open_store(events.root)
    assert time.perf_counter() - started < 0.5
    assert second.path == first.path
    assert second.path.stat().st_mtime_ns == built
    assert second.revision == first.revision
    assert first.path.parent == events.root.parent / ".cache" / "dateline"


def test_the_revision_follows_content_not_mtime(events: Events) -> None:
    before = fingerprint(events.root)
    path = events.root / EVENT_PATH
    os.utime(path, (1, 1))
    assert fingerprint(events.root) == before
    path.write_text(path.read_text().replace("enters", "reaches"), encoding="utf-8")
    assert fingerprint(events.root) != before


def test_a_changed_dataset_is_recompiled(events: Events) -> None:
    first = open_store(events.root)
    path = events.root / EVENT_PATH
    path.write_text(path.read_text().replace("enters", "reaches"), encoding="utf-8")
    second = open_store(events.root)
    assert second.revision != first.revision
    event = msgspec.json.decode(second.event("2026-01-20-syrian-army-enters-al-hawl-camp") or b"")
    assert event["title"] == "Syrian army reaches Al-Hawl camp"
    leftovers = [p.name for p in second.path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_old_store_files_are_pruned(events: Events) -> None:
    path = events.root / EVENT_PATH
    for n in range(5):
        path.write_text(path.read_text() + "\n" * (n + 1), encoding="utf-8")
        open_store(events.root)
    assert len(list((events.root.parent / ".cache" / "dateline").glob("*.sqlite"))) == 3


def test_a_dataset_with_errors_is_not_compiled(events: Events) -> None:
    events.write("2026/2026-01-21-broken.yaml", "title: Broken\n")
    with pytest.raises(DatasetError) as raised:
        open_store(events.root)
    assert str(raised.value) == "the dataset has 3 errors; run `dateline check` to see them"
    messages = [d.message for d in raised.value.diagnostics if d.severity == "error"]
    assert "missing required field 'date'" in messages
    assert not list((events.root.parent / ".cache").glob("**/*.sqlite"))


def test_a_missing_folder_is_a_dataset_error(tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(DatasetError) as raised:
        open_store(os.path.join(tmp_path, "nowhere"))
    assert "no such folder" in raised.value.diagnostics[0].message


def test_the_file_is_read_only(store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._db().execute("DELETE FROM events")


def test_counts_and_warnings(store: Store) -> None:
    assert store.counts.events == 1
    assert store.counts.actors == 2
    assert store.counts.places == 2
    assert store.counts.tags == 2
    assert store.counts.claims == 1
    assert store.warnings == 0


def test_arabic_alias_is_searchable(world: Events) -> None:
    store = open_store(world.root)
    page = store.events(EventFilter(text='"مخيم" "الهول"'), sort="relevance", limit=10)
    assert ids(page) == ["2026-01-20-syrian-army-enters-al-hawl-camp"]
    folded = compiler.fold("مُخَيَّم الهَوْل")
    assert folded == "مخيم الهول"


def test_search_weights_rank_titles_above_summaries(world: Events) -> None:
    store = open_store(world.root)
    page = store.events(EventFilter(text='"helicopters"'), sort="relevance", limit=10)
    # In the title of one, in the claims of another, only in the summary of none else.
    assert ids(page) == ["2017-08-sohr-reports-helicopters", "2021-pmu-thermal-cameras"]


def test_near_uses_great_circle_distance(world: Events) -> None:
    store = open_store(world.root)
    hawl = Near(lat=36.38, lon=41.15, km=10)
    assert ids(store.events(EventFilter(near=hawl), sort="date", limit=10)) == [
        "2026-01-20-syrian-army-enters-al-hawl-camp"
    ]
    wide = Near(lat=36.38, lon=41.15, km=80)  # Al-Shaddadi is 52 km away, Hasakah 38 km
    assert ids(store.events(EventFilter(near=wide), sort="date", limit=10)) == [
        "2026-01-17-al-shaddadi-prison-falls",
        "2026-01-20-syrian-army-enters-al-hawl-camp",
        "2026-01-21-centcom-transfer-begins",
    ]
    assert round(distance_km(36.38, 41.15, 36.06, 40.73)) == 52
    assert round(distance_km(0, 0, 0, 1), 1) == 111.2


@pytest.mark.parametrize(
    ("near", "box"),
    [
        (Near(0, 0, 111.2), (-1.0, 1.0, -1.0, 1.0)),
        (Near(89.5, 0, 200), (87.7, 90, -180, 180)),  # a pole inside: every longitude
        (Near(0, 179.5, 200), (-1.8, 1.8, -180, 180)),  # across ±180°: every longitude
    ],
)
def test_the_search_box_holds_the_circle(
    near: Near, box: tuple[float, float, float, float]
) -> None:
    assert [round(x, 1) for x in store_module._box(near)] == list(box)


def test_claims_pages_in_event_order(world: Events) -> None:
    store = open_store(world.root)
    first = store.claims(limit=2)
    assert first.total == 4
    rest = store.claims(limit=2, after=first.next_key)
    texts = [msgspec.json.decode(i)["text"] for i in first.items + rest.items]
    assert texts == [
        "Thermal cameras recorded US helicopters.",
        "At least 1,500 escaped from the prison.",
        "A little over 100 escaped.",
        "The camp was left unguarded.",
    ]
    assert rest.next_key is None


def test_ranked_words_page_exactly_as_fts5_ranks_them(
    events: Events, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(40):
        words = " ".join(
            ["camp"] * (1 + n % 4)
            + ["prison"] * (n % 3)
            + ["camps"] * (n % 2)
            # Porter turns "agreed" into "agre", and "agre" into "agr": "agre" is ranked ahead
            # as a word that makes it ("agree"), never as "agre".
            + ["agreed"] * (n % 3 == 0)
        )
        events.write(
            f"2020/2020-01-{1 + n % 28:02d}-event-{n:02d}.yaml",
            f"title: Event {n} {'camp' if n % 5 == 0 else 'report'}\ndate: 2020-01-{1 + n % 28:02d}"
            f"\nsummary: {words} and more words.\nsources:\n  - title: A\n    publisher: B\n"
            + ("tags: [even]\n" if n % 2 == 0 else ""),
        )
    # A common word's search within filters starts from its ranked events too.
    mid_january = {
        "after": dates.parse("2020-01-10").start_key(),
        "before": dates.parse("2020-01-20").end_key(),
    }
    filters = [{}, mid_january, {"tags": ("even",)}, {**mid_january, "tags": ("even",)}]

    def kept(event_id: str, narrowed: dict[str, object]) -> bool:
        number = int(event_id.rsplit("-", 1)[1]) if "-event-" in event_id else None
        if number is None:  # the fixture's own event, in 2026 with other tags
            return not narrowed
        in_range = "after" not in narrowed or 10 <= 1 + number % 28 <= 20
        return in_range and ("tags" not in narrowed or number % 2 == 0)

    def pages(store: Store, text: str, limit: int, narrowed: dict[str, object]) -> list[bytes]:
        seen: list[bytes] = []  # whole items: snippets ranked ahead must be the live ones
        after = None
        query = EventFilter(text=text, **narrowed)  # type: ignore[arg-type]
        while True:
            page = store.events(query, sort="relevance", limit=limit, after=after)
            seen += page.items
            if page.next_key is None:
                return seen
            after = page.next_key

    plain = open_store(events.root, cache=events.root.parent / "plain")
    monkeypatch.setattr(compiler, "RANKED_MIN_EVENTS", 5)
    monkeypatch.setattr(compiler, "RANKED_TOP", 7)  # pages run past the ranked ones
    ranked = open_store(events.root, cache=events.root.parent / "ranked")
    assert ranked._db().execute("SELECT count(*) FROM ranked WHERE term = 'camp'").fetchone()[0]
    terms = {row[0] for row in ranked._db().execute("SELECT term FROM terms")}
    assert {"camp", "prison", "agre"} <= terms
    assert "agr" not in terms
    # ranked from a search that finds it: its rows are there (a search for "agre" finds none)
    rows = ranked._db().execute("SELECT count(*) FROM ranked WHERE term = 'agre'").fetchone()[0]
    assert rows == compiler.RANKED_TOP
    db = plain._db()
    for text in ('"camp"', '"Camp"', '"camps"', '"prison"', '"prisons"', '"agreed"', '"agre"'):
        # SQLite's own sort by (rank, rowid): FTS5, asked to sort by rank alone (as the store
        # does for a search with no other filter), orders a tie as it likes.
        ids = [
            row[0]
            for row in db.execute(
                "SELECT e.id FROM search s JOIN events e ON e.n = s.rowid "
                "WHERE search MATCH ? ORDER BY s.rank, e.n",
                (text,),
            )
        ]
        for narrowed in filters:
            wanted = [event_id for event_id in ids if kept(event_id, narrowed)]
            for limit in (*range(1, 13), 50):
                found = pages(plain, text, limit, narrowed)
                got = [msgspec.json.decode(item)["id"] for item in found]
                assert got == wanted, (text, limit, narrowed)
                assert pages(ranked, text, limit, narrowed) == found, (text, limit, narrowed)
            for store in (plain, ranked):
                query = EventFilter(text=text, **narrowed)  # type: ignore[arg-type]
                for sort in ("relevance", "date"):
                    page = store.events(query, sort=sort, limit=3)  # type: ignore[arg-type]
                    assert page.total == len(wanted), (text, narrowed, sort)
    # Events that say the same tie: some first page ends inside a tie, which the store then
    # ranks the slow way (both ways are compared above).
    first = (-math.inf, store_module.BEFORE)
    tied = [plain._ranked_by_fts5('"prison"', limit, first) is None for limit in range(1, 13)]
    assert any(tied)
    assert not all(tied)
    total = ranked.events(EventFilter(text='"camp"'), sort="relevance", limit=1).total
    assert total == plain.events(EventFilter(text='"camp"'), sort="relevance", limit=1).total
    assert total == 41  # 40 here and the fixture's "Al-Hawl camp"
