"""The static index the site's filters read: small files, fetched only as a filter needs them.

The timeline's filters (tag, actor, place, status, a date range, any combination) run in the
reader's browser without a server, and must not download the dataset to do it: at 100,000
events ``data/events.json`` is ~10 MB. They read, under ``data/index/``:

``manifest.json``
    the number of events, the shard size, and per row shard the span keys of its *near*
    events (min and max start, min and max end), so that a date range decides most shards
    — all in, or all out — without loading them;
``rows/<k>.json``
    events ``k·size`` to ``(k+1)·size - 1`` in date order (the Store's ``n``, from 0), each as
    ``[entry, start key, end key]``: ``entry`` is the event's list entry, the HTML every
    list on the site shows (rendered once, by the same template), with links relative to the
    site's root;
``far.json``
    ``[position, start key, end key]`` of the events whose span is open or longer than
    ``NEAR_DAYS``: the few a date range must check one by one, as the Store's own query does;
``tag/<id>.json``, ``actor/<id>.json``, ``place/<id>.json``, ``status/<value>.json``
    the positions of the events each value selects, ascending, as differences from the
    previous one (the first from -1): read from the Store's own facet rows, so an actor's
    events include those where it only makes a claim and a place's those of the places
    within it, exactly as ``/api/v1/events`` selects them;
``tags.json``, ``actors.json``, ``places.json``
    ``[id, name, count]`` of every value, for the form's suggestions and to tell a reader
    that a link names a value that does not exist.

A date range compares span keys (``YYYY-MM-DDTHH:MM:SS``, UTC) as strings, as the Store does:
an event matches when it starts before the range's end and ends after its start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec

from dateline.resources import EventItem
from dateline.site.catalog import Catalog
from dateline.site.manifest import Unchanged
from dateline.site.writer import Writer
from dateline.store import Facet

SHARD_SIZE: Final = 250  # events per row shard: ~15 KB gzipped at 100k
FOLDER: Final = "data/index"
FACETS: Final[tuple[Facet, ...]] = ("tag", "actor", "place", "status")

_encode = msgspec.json.Encoder().encode


@dataclass
class _Near:
    """The span keys of a shard's near events."""

    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)

    def add(self, start: str, end: str) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def encoded(self) -> list[Any] | None:
        """[min start, max start, min end, max end, count], or None if it has none."""
        if not self.starts:
            return None
        starts, ends = self.starts, self.ends
        return [min(starts), max(starts), min(ends), max(ends), len(starts)]


def deltas(positions: list[int]) -> list[int]:
    """Ascending positions as differences from the previous one (the first from -1)."""
    return [b - a for a, b in zip([-1, *positions], positions, strict=False)]


class Entries:
    """The list entries in the rows of the site in ``site_dir``, by event id, of the events
    ``keep`` says: ``ids`` are the events of that site in its date order. A shard of rows is
    read when one of its entries is first asked for, and a shard that cannot be read gives
    none (each of its events' entries is then rendered again).

    An incremental build reuses the entries of the events that did not change, since rendering
    every event's entry again was most of its time (an entry depends on its event only).
    """

    def __init__(self, site_dir: Path, ids: list[str], keep: Callable[[str], bool]) -> None:
        self.folder = site_dir / FOLDER
        self.ids = ids
        self._read: dict[int, dict[str, str]] = {}
        try:
            manifest = msgspec.json.decode((self.folder / "manifest.json").read_bytes())
            self.size = int(manifest["shard_size"])
        except (OSError, msgspec.DecodeError, KeyError, TypeError, ValueError):
            self._shard_of: dict[str, int] = {}  # not as expected: every entry is rendered
            return
        self._shard_of = {i: n // self.size for n, i in enumerate(ids) if keep(i)}

    def get(self, event_id: str) -> str | None:
        shard = self._shard_of.get(event_id)
        if shard is None:
            return None
        if shard not in self._read:
            self._read[shard] = self._rows(shard)
        return self._read[shard].get(event_id)

    def _rows(self, shard: int) -> dict[str, str]:
        ids = self.ids[shard * self.size : (shard + 1) * self.size]
        try:
            rows = msgspec.json.decode((self.folder / "rows" / f"{shard}.json").read_bytes())
            return {i: row[0] for i, row in zip(ids, rows, strict=True) if i in self._shard_of}
        except (OSError, msgspec.DecodeError, KeyError, TypeError, ValueError, IndexError):
            return {}


def write(
    catalog: Catalog,
    out: Writer,
    entry: Callable[[EventItem], str],
    shard_size: int,
    unchanged: Unchanged | None = None,
) -> None:
    """Write the filter index of ``catalog`` (through ``out``, into the site's folder); given
    ``unchanged`` (an incremental build's), not the files it says the live site has already."""
    shards: list[list[Any] | None] = []
    far: list[list[Any]] = []
    spans = catalog.spans
    total = len(catalog.items)
    for first in range(0, total, shard_size):
        near = _Near()
        stop = min(first + shard_size, total)
        for position in range(first, stop):
            start, end, is_far = spans[position]
            if is_far or end is None:
                far.append([position, start, end])
            else:
                near.add(start, end)
        shards.append(near.encoded())
        path = f"{FOLDER}/rows/{first // shard_size}.json"
        if unchanged is not None and unchanged.run(first, stop):
            out.keep(path)
            continue
        rows = [[entry(catalog.items[p]), *spans[p][:2]] for p in range(first, stop)]
        out.write(path, _encode(rows))
    for facet in FACETS:
        # The events of a value no changed event had or has are the same, at the positions
        # they had: its file stays. Only the others are read and written.
        same = unchanged.files(f"{FOLDER}/{facet}", facet) if unchanged is not None else None
        chosen = None
        if same is not None and unchanged is not None:
            for name in same:
                out.keep(f"{FOLDER}/{facet}/{name}")
            chosen = unchanged.values(facet)
        for member in catalog.store.members(facet, chosen):
            positions = [n - 1 for n in member.positions]  # n counts from 1
            out.write(f"{FOLDER}/{facet}/{member.value}.json", _encode(deltas(positions)))
    names = {
        "tags": [[t.id, t.id, t.event_count] for t in catalog.tags],
        "actors": [[a.id, a.name, a.event_count] for a in catalog.actors.values()],
        "places": [[p.id, p.name, p.event_count] for p in catalog.places.values()],
    }
    for name, values in names.items():
        out.write(f"{FOLDER}/{name}.json", _encode(values))
    out.write(f"{FOLDER}/far.json", _encode(far))
    manifest = {
        "version": 1,
        "total": len(catalog.items),
        "shard_size": shard_size,
        "shards": shards,
    }
    out.write(f"{FOLDER}/manifest.json", _encode(manifest))
