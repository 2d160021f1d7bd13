"""Update a live store in place, in one transaction: the rows a change to the dataset rewrites.

A live store is a compiled store (:mod:`dateline.compiler`) in WAL mode. Readers keep the
snapshot they began with; the change is visible at once, whole, at the commit, together with
its new revision (so ETags change exactly then).

What a change rewrites, given the dataset before and after it:

* every event whose record is not the very same object as before (the engine reuses the
  record of a file whose bytes did not change, so this is exactly the events of the files
  that changed, and those whose file won or lost a duplicated id), and every event whose
  file's git times changed (a commit);
* the events that one of those relates to, before or after (their ``related_by`` changes);
* the events that name an actor whose record changed, or are at a place whose record, or
  whose ancestors' records, changed (names, aliases and coordinates are copied into events,
  and a place's ancestors are among its events' facets);
* the actors, places and whole lists (counts change with any event), the unfiltered timeline
  (its counts moved by the events removed and added) and the meta rows; the common words'
  precomputed rankings are dropped, because every bm25 score moves with the dataset's size,
  and made again by :func:`rerank` after the commit, a word at a time (until then a search
  ranks with FTS5 itself, to the same result, only slower).

An event keeps its position ``n`` when its date does not change; otherwise it gets one
between its neighbours (positions are compiled `compiler.GAP` apart). When there is no room
left, :class:`NoRoom` says so and the caller compiles afresh. Every row is made by the
compiler's own code, so a patched store and one compiled from scratch hold the same data:
``tests/test_engine.py`` proves it over random sequences of edits.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from dateline import compiler, history
from dateline.dataset import Dataset, ancestors, parents_of

GAP: Final = compiler.GAP


class NoRoom(Exception):
    """Two neighbouring events have no free position between them: compile afresh."""


def affected(old: Dataset, new: Dataset, candidates: set[str] | None = None) -> set[str]:
    """The ids of the events whose rows may differ between ``old`` and ``new``.

    ``candidates``, if given, holds every id whose record may not be the same object in both
    (the engine knows which files it read again): the others are not compared one by one.
    """
    ids = old.events.keys() | new.events.keys() if candidates is None else candidates
    changed = {i for i in ids if old.events.get(i) is not new.events.get(i)}
    changed |= history.changed_ids(old.history, new.history)
    result = set(changed)
    for dataset in (old, new):
        for event_id in changed:
            event = dataset.events.get(event_id)
            if event is not None:
                result.update(event.related)
    actors = {
        a for a in old.actors.keys() | new.actors.keys() if old.actors.get(a) != new.actors.get(a)
    }
    places = _places_changed(old, new)
    if actors or places:
        for event_id, event in new.events.items():
            if (
                places.intersection(event.places)
                or actors.intersection(event.actors)
                or any(claim.by in actors for claim in event.claims)
            ):
                result.add(event_id)
    return {i for i in result if i in old.events or i in new.events}


def _places_changed(old: Dataset, new: Dataset) -> set[str]:
    """The places whose record changed, and those within them (before or after)."""
    changed = {
        p for p in old.places.keys() | new.places.keys() if old.places.get(p) != new.places.get(p)
    }
    if not changed:
        return changed
    result = set(changed)
    for dataset in (old, new):
        parents = parents_of(dataset.places)
        for place_id in dataset.places:
            if changed.intersection(ancestors(parents, place_id)[0]):
                result.add(place_id)
    return result


def apply(
    db: sqlite3.Connection, old: Dataset, new: Dataset, revision: str, ids: set[str] | None = None
) -> int:
    """Rewrite in ``db`` (a live store holding ``old``) what differs in ``new``, in one
    transaction, and return how many events were rewritten. ``ids`` is :func:`affected`, if
    the caller has it. Raises :class:`NoRoom`."""
    ids = affected(old, new) if ids is None else ids
    writer = compiler.Compiler(new, db)
    with _transaction(db):
        kept = _remove(db, ids)
        placed = sorted(ids & new.events.keys(), key=lambda i: (_sort(new, i), i))
        moved = []
        # First the events whose date is unchanged, back where they were; then the others,
        # each between its neighbours (those included, so no two take one position).
        for event_id in placed:
            before = kept.get(event_id)
            if before is not None and before[1] == _sort(new, event_id):
                writer.event(before[0], event_id)
            else:
                moved.append(event_id)
        writer.insert_rows()
        for event_id in moved:
            writer.event(_position(db, _sort(new, event_id), event_id), event_id)
            writer.insert_rows()
        for table in ("ranked", "terms"):
            db.execute(f"DELETE FROM {table}")  # our own table names
        if old.actors == new.actors and old.places == new.places:
            writer.recount(*_named(old, new, ids))
        else:
            for table in ("actors", "places", "place_boxes"):
                db.execute(f"DELETE FROM {table}")
            writer.records()
        compiler.adjust_periods(
            db, [sort for _, sort in kept.values()], [_sort(new, i) for i in placed]
        )
        db.execute("DELETE FROM meta WHERE key = 'problems'")
        writer.meta(revision)
    return len(ids)


def _named(old: Dataset, new: Dataset, ids: set[str]) -> tuple[set[str], set[str], set[str]]:
    """The actors and places (with those they are within) that the events ``ids`` name, and
    their tags, before or after: the records whose counts may have changed."""
    actors: set[str] = set()
    places: set[str] = set()
    tags: set[str] = set()
    for dataset in (old, new):
        parents = parents_of(dataset.places)
        for event_id in ids:
            event = dataset.events.get(event_id)
            if event is None:
                continue
            actors.update(event.actors)
            actors.update(claim.by for claim in event.claims)
            tags.update(event.tags)
            for place_id in event.places:
                places.add(place_id)
                places.update(ancestors(parents, place_id)[0])
    return actors & new.actors.keys(), places & new.places.keys(), tags


def _sort(dataset: Dataset, event_id: str) -> str:
    return dataset.events[event_id].when.start_key() or ""


def _remove(db: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Delete the rows of the events ``ids``; return the position and sort key each had."""
    kept: dict[str, tuple[int, str]] = {}
    for event_id in ids:
        row = db.execute("SELECT n, sort FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            continue
        n = row[0]
        kept[event_id] = (n, row[1])
        db.execute("DELETE FROM events WHERE n = ?", (n,))
        db.execute("DELETE FROM facets WHERE n = ?", (n,))
        db.execute("DELETE FROM search WHERE rowid = ?", (n,))
        db.execute("DELETE FROM claims WHERE event_id = ?", (event_id,))
        db.execute("DELETE FROM corrections WHERE event_id = ?", (event_id,))
    return kept


def _position(db: sqlite3.Connection, sort: str, event_id: str) -> int:
    """A free position between the neighbours of (``sort``, ``event_id``) in date order."""
    before = db.execute(
        "SELECT n FROM events WHERE (sort, id) < (?, ?) ORDER BY sort DESC, id DESC LIMIT 1",
        (sort, event_id),
    ).fetchone()
    after = db.execute(
        "SELECT n FROM events WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT 1",
        (sort, event_id),
    ).fetchone()
    if before is None and after is None:
        return GAP
    if before is None:
        return int(after[0]) - GAP
    if after is None:
        return int(before[0]) + GAP
    low, high = int(before[0]), int(after[0])
    if high - low < 2:
        raise NoRoom(f"no position left between {low} and {high}")
    return (low + high) // 2


_TABLES: Final = (
    "events",
    "facets",
    "search",
    "ranked",
    "terms",
    "claims",
    "corrections",
    "actors",
    "places",
    "place_boxes",
    "tags",
    "lists",
    "meta",
)


def rewrite(db: sqlite3.Connection, dataset: Dataset, revision: str) -> None:
    """Replace everything in ``db`` with ``dataset``, compiled afresh, in one transaction."""
    with _transaction(db):
        for table in _TABLES:
            db.execute(f"DELETE FROM {table}")  # our own table names
        compiler.fill(db, dataset, revision)


def rerank(db: sqlite3.Connection, stop: Callable[[], bool] = lambda: False) -> bool:
    """Make the common words' rankings again where a patch dropped them, one word a
    transaction, asking ``stop`` before each, and before each read of the index's terms: a
    change that is waiting is committed after at most one word's ranking or one read, never
    after all of them (seconds at 100k events). True when every common word is ranked; False
    if stopped first.

    Readers see each word's rankings appear at its commit; a word not ranked yet is ranked by
    FTS5 itself, to the same result, so no response depends on how far this went.
    """
    reads = compiler.unranked_words(db)
    while not stop():
        with _transaction(db):
            words = next(reads, None)
        if words is None:
            return True
        for term, events in words:
            if stop():
                return False
            with _transaction(db):
                compiler.rank_word(db, term, events)
    return False


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed if the block ends, rolled back if it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
