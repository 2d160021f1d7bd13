"""The incremental engine: what one run learned about an events folder, kept for the next.

An :class:`Engine` keeps, from one :meth:`Engine.load` to the next, each file's digest (and
the ``stat`` it was read with), each event file's typed record and references, and the
dataset they make. A load re-hashes only the files whose ``stat`` changed (and those it is
told changed), re-reads only the event files whose bytes changed, and checks the whole
dataset again from the records it kept, so its findings are always a full check's.

A :class:`LiveStore` is the store the engine keeps up to date (``dateline serve --reload``):
each good load is written into it in place, in one transaction (:mod:`dateline.patch`), and a
load with errors leaves its data as it was and stores the problems beside it, for /health.

The engine reads files in worker processes started by ``forkserver``, never by forking
itself: it runs beside a file watcher's threads (see :func:`dateline.dataset.start_method`).
"""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import msgspec

from dateline import cache, files, history, patch
from dateline import dataset as dataset_module
from dateline.dataset import Dataset, EventFile
from dateline.diagnostics import Diagnostic

# A change to more than this share of the events is compiled afresh (in place) rather than
# patched row by row.
PATCH_SHARE: Final = 0.25


class Engine:
    """An events folder, loaded again and again at the cost of what changed."""

    def __init__(self, root: Path | str, *, jobs: int | None = None) -> None:
        self.root = Path(root)
        self.jobs = jobs
        # The digests an earlier command kept (dateline.cache.file_digests): the first load
        # then takes each file's stat rather than reading every file.
        self._digests = cache.kept_digests(self.root)
        self._scanned = False
        self._parsed: dict[str, tuple[bytes, EventFile]] = {}  # absolute path -> result
        self._maps: dict[str, tuple[bytes, dataset_module.MapFile]] = {}  # by file name
        self.revision = ""
        self.history = history.NONE  # the files' git times, as of the last load
        self.dataset: Dataset | None = None
        self.read_files = 0  # event files read by the last load
        # The ids of the files the last load read again alone, when that was enough.
        self.reread: set[str] | None = None
        self._stems_of = -1  # the digests' names the stems were counted from
        self._stem_counts: Counter[str] = Counter()

    @property
    def digests(self) -> dict[str, bytes]:
        """The digest of each file of the folder's content, by relative path."""
        return self._digests.of

    def load(self, changed: Iterable[str] | None = None) -> Dataset:
        """The dataset as the folder holds it now.

        ``changed`` names the paths a watcher saw change: only those are looked at again
        (a folder among them, or the first load, means a scan of everything, which hashes
        again only the files whose ``stat`` changed). Without it, everything is scanned.
        """
        paths = None if changed is None else {os.path.abspath(p) for p in changed}
        names = self._digests.names
        if paths is None or not self._scanned or not self._update(paths):
            self._digests.scan(paths or ())
            self._scanned = True  # kept digests are trusted only once their stats are checked
        head = history.head(self.root)
        self.history = history.read(self.root, head, self.history)
        self.revision = cache.fingerprint(self.root, head=head, folders=self._digests.folders())
        self.read_files = 0
        self.reread = None
        if paths is not None and self.dataset is not None and self._digests.names == names:
            edited = self._edited(paths)
            if edited is not None:
                quick = self._reread(self.dataset, edited)
                if quick is not None:
                    quick.history = self.history
                    self.dataset = quick
                    return quick
        self.dataset = dataset_module.load(
            self.root,
            read=self._read,
            jobs=self.jobs,
            walked=sorted(self.digests),
            read_map=self._read_map,
        )
        self.dataset.history = self.history
        return self.dataset

    def _edited(self, paths: set[str]) -> list[str] | None:
        """The event files among ``paths``, if nothing else changed and each has an id no
        other file has; else None."""
        edited = []
        for path in paths:
            relative = self._relative(path)
            if relative is None:
                continue
            if not dataset_module.is_event_path(relative):
                return None  # actors.yaml, places.yaml, the introduction, a stray file
            edited.append(os.path.join(str(self.root), relative))
        stems = self._stems()
        if any(stems[os.path.basename(path)[: -len(".yaml")]] != 1 for path in edited):
            return None
        return edited

    def _stems(self) -> Counter[str]:
        """How many event files have each id, for the folder's files as the digests list
        them (worked out again only when that list changes)."""
        if self._stems_of != self._digests.names:
            self._stem_counts = Counter(
                name[len("YYYY/") : -len(".yaml")]
                for name in self.digests
                if dataset_module.is_event_path(name)
            )
            self._stems_of = self._digests.names
        return self._stem_counts

    def _reread(self, previous: Dataset, edited: list[str]) -> Dataset | None:
        """The dataset with just the ``edited`` event files read again, when that is enough
        (see :func:`dateline.dataset.reread`)."""
        stale = [
            path for path in edited if self._parsed.get(path, (None,))[0] != self._digest_of(path)
        ]
        results = list(dataset_module.load_files(stale, self.jobs, method="forkserver"))
        quick = dataset_module.reread(previous, results, self._stems().keys())
        if quick is None:
            return None
        for path, result in zip(stale, results, strict=True):
            digest = self._digest_of(path)
            if digest is not None:
                self._parsed[path] = (digest, result)
        self.read_files = len(stale)
        self.reread = {result.id for result in results}
        return quick

    def _relative(self, path: str) -> str | None:
        """``path`` relative to the folder, if it is a file of the folder's content."""
        relative = os.path.relpath(path, self.root).replace(os.sep, "/")
        if relative.startswith("../") or any(files.skipped(part) for part in relative.split("/")):
            return None
        return relative

    def _update(self, paths: set[str]) -> bool:
        """Hash again just ``paths``; False if that is not enough (a folder changed)."""
        for path in paths:
            relative = self._relative(path)
            if relative is None:
                continue
            if os.path.isdir(path) or (relative not in self.digests and not os.path.isfile(path)):
                return False  # a folder appeared, went or moved: what is in it is unknown
            self._digests.rehash(relative)
        return True

    def _digest_of(self, path: str) -> bytes | None:
        # The loader names files os.path.join(root, relative), as the walk found them.
        prefix = len(str(self.root)) + 1
        return self.digests.get(path[prefix:].replace(os.sep, "/"))

    def _read(self, paths: list[str], jobs: int | None) -> list[EventFile]:
        """The results of ``paths``: kept ones where the bytes are the same, else read."""
        current = {path: self._digest_of(path) for path in paths}
        stale = [
            path
            for path in paths
            if current[path] is None or self._parsed.get(path, (None,))[0] != current[path]
        ]
        self.read_files = len(stale)
        fresh = dict(
            zip(stale, dataset_module.load_files(stale, jobs, method="forkserver"), strict=True)
        )
        parsed: dict[str, tuple[bytes, EventFile]] = {}
        for path in paths:
            digest = current[path]
            if path in fresh:
                if digest is not None:
                    parsed[path] = (digest, fresh[path])
            else:
                parsed[path] = self._parsed[path]
        self._parsed = parsed
        return [fresh[path] if path in fresh else parsed[path][1] for path in paths]

    def _read_map(self, root: Path, name: str, record: type[Any]) -> dataset_module.MapFile:
        """actors.yaml or places.yaml, read again only when its bytes changed."""
        digest = self.digests.get(name)
        kept = self._maps.get(name)
        if digest is not None and kept is not None and kept[0] == digest:
            return kept[1]
        found = dataset_module.read_map_file(root, name, record)
        if digest is not None:
            self._maps[name] = (digest, found)
        return found


@dataclass
class Outcome:
    """What one update of a live store did."""

    revision: str  # the revision served after it
    changed: bool  # a new revision was committed
    events: int  # events rewritten (all of them when compiled afresh)
    problems: list[Diagnostic]  # the errors that refused the change, if any
    seconds: float


class LiveStore:
    """The store file an engine keeps up to date in place, for readers in other processes."""

    def __init__(self, path: Path, engine: Engine, *, share: float = PATCH_SHARE) -> None:
        self.path = path
        self.engine = engine
        self.share = share  # above this share of the events rewritten, compile afresh
        self.served: Dataset | None = None  # what the store holds, once known
        # Used from one thread at a time (the engine's reloads run in a worker thread).
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=60000")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA cache_size=-65536")
        (mode,) = self._db.execute("PRAGMA journal_mode=WAL").fetchone()
        assert mode == "wal", mode

    @classmethod
    def create(
        cls, path: Path, engine: Engine, compiled: Path, *, share: float = PATCH_SHARE
    ) -> LiveStore:
        """A live store at ``path``, begun as a copy of the compiled store ``compiled``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        temporary = path.with_name(f".{path.name}.copy")
        with open(compiled, "rb") as source, open(temporary, "wb") as target:
            os.sendfile(target.fileno(), source.fileno(), 0, os.fstat(source.fileno()).st_size)
        os.replace(temporary, path)
        return cls(path, engine, share=share)

    def revision(self) -> str:
        (value,) = self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return str(value)

    def update(self, changed: Iterable[str] | None = None) -> Outcome:
        """Load the folder again and commit what changed; on errors, keep the data and
        store the problems (for /health) instead."""
        started = time.perf_counter()
        # What the last update made is frozen (below), so this pass is over what came since.
        gc.collect()
        with dataset_module.collector_paused():
            outcome = self._update(changed, started)
            # What a load made stays until the next one and makes no cycles: frozen, the
            # collector's passes leave it out. Each pass over it took 1-2 s at 100,000
            # events, which a change made just then waited for.
            gc.freeze()
        return outcome

    def _update(self, changed: Iterable[str] | None, started: float) -> Outcome:
        # The cycle collector stays off: the records kept make a heap of millions of objects
        # that it would walk again and again (2.7 s of a 4.6 s update at 100k events), and
        # an update makes no cycles.
        previous = self.engine.dataset
        loaded = self.engine.load(changed)
        # Which events the load read again tells what changed since the last load: since
        # what is served only if that load was served (not refused for its errors).
        hint = self.engine.reread if previous is self.served else None
        if loaded.counted()["error"]:
            # Named from the repository, as `dateline check` run there names them.
            problems = cache.DatasetError(loaded.diagnostics).errors(base=loaded.root.parent)
            self._store_problems(problems)
            return Outcome(self.revision(), False, 0, problems, time.perf_counter() - started)
        # Worked out whole now, if this load did not move it from the last: the next change
        # then moves it too (at 100,000 events, working it out took 0.1-0.2 s of a change).
        loaded.related_by()
        revision = self.engine.revision
        if revision == self.revision():
            self._store_problems([])
            self.served = loaded
            return Outcome(revision, False, 0, [], time.perf_counter() - started)
        events = self._write(loaded, revision, hint)
        self.served = loaded
        return Outcome(revision, True, events, [], time.perf_counter() - started)

    def _write(self, loaded: Dataset, revision: str, hint: set[str] | None) -> int:
        old = self.served
        if old is None:
            patch.rewrite(self._db, loaded, revision)
            return len(loaded.events)
        ids = patch.affected(old, loaded, hint)
        if len(ids) <= self.share * max(1, len(loaded.events)):
            try:
                return patch.apply(self._db, old, loaded, revision, ids)
            except patch.NoRoom:
                pass
        patch.rewrite(self._db, loaded, revision)
        return len(loaded.events)

    def _store_problems(self, problems: list[Diagnostic]) -> None:
        if problems:
            encoded = msgspec.json.encode(problems).decode()
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('problems', ?)", (encoded,))
        else:
            self._db.execute("DELETE FROM meta WHERE key = 'problems'")

    def publish(self) -> Path:
        """Copy the store as it is now into the folder's cache of compiled stores, where
        ``open_store`` (and so ``dateline build``) finds it instead of compiling again."""
        revision = self.revision()
        target = cache.store_path(self.engine.root, revision)
        if target.exists():
            return target
        temporary = target.with_name(f".publishing-{os.getpid()}.sqlite")
        copy = sqlite3.connect(temporary)
        try:
            self._db.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # compiled stores are read immutable
        finally:
            copy.close()
        os.replace(temporary, target)
        cache.keep(self.engine.root, target)
        return target

    def rerank(self, stop: Callable[[], bool] = lambda: False) -> bool:
        """Rank the common words again where an update dropped their rankings, until
        ``stop`` says a change is waiting; True when all are ranked."""
        return patch.rerank(self._db, stop)

    def close(self) -> None:
        self._db.close()
