"""A whole events folder: every file read (in parallel), then every reference resolved.

:func:`load` never stops at the first problem. Each file is read and typed on its own (a file
that cannot be read contributes its diagnostics and nothing else); then the references between
files are resolved and checked, and warnings are added. The result is a :class:`Dataset`
holding the records that loaded and every :class:`~dateline.diagnostics.Diagnostic` found.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import gc
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline import dates, files, loading, memo, progress
from dateline.diagnostics import Diagnostic, Severity
from dateline.history import History
from dateline.loading import DataPath, Document, LoadError, Position
from dateline.model import Actor, Event, Place, Slug, Status

ACTORS_FILE = "actors.yaml"
PLACES_FILE = "places.yaml"
# The dataset's introduction, in Markdown, for the site's home page (and GitHub's folder view).
INTRODUCTION_FILE = "README.md"
INTRODUCTION_LIMITS = loading.Limits(max_bytes=64 * 1024, max_nodes=0, what="the introduction")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 100
# `dateline new` writes this where a person must fill something in; `check` warns until then.
PLACEHOLDER = "TODO"
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200

Ref = tuple[str, int, int]  # an id, and the line and column where the file names it


def _ref(document: Document, path: DataPath, value: str) -> Ref:
    line, column = document.position(path)
    return (value, line, column)


@dataclass
class References:
    """The ids an event file points at, where it names them, read from its plain data.

    They are read before typing, so that a file with a type error still has its references
    checked in the same run. They are all a worker sends back of a file's positions: the
    checks across files need nothing else, and positions of every value would cost ~5 KB a
    file (half a gigabyte at 100,000 files).
    """

    lists: dict[str, list[Ref]] = field(default_factory=dict)  # actors, places, related
    claim_actors: list[Ref] = field(default_factory=list)

    @classmethod
    def read(cls, document: Document) -> References:
        data = document.data
        lists: dict[str, list[Ref]] = {}
        for name in ("actors", "places", "related"):
            items = data.get(name)
            if isinstance(items, list):
                lists[name] = [
                    _ref(document, (name, i), item)
                    for i, item in enumerate(items)
                    if isinstance(item, str)
                ]
        claims = data.get("claims")
        claim_actors = [
            _ref(document, ("claims", i, "by"), claim["by"])
            for i, claim in enumerate(claims if isinstance(claims, list) else [])
            if isinstance(claim, dict) and isinstance(claim.get("by"), str)
        ]
        return cls(lists=lists, claim_actors=claim_actors)


@dataclass
class EventFile:
    """What one worker learned from one event file."""

    path: str
    id: str
    valid: bool  # it typed as an Event (``event`` may still be None if not kept)
    event: Event | None
    diagnostics: list[Diagnostic]
    references: References = field(default_factory=References)

    def at(
        self, position: Position, code: str, message: str, severity: Severity = "error"
    ) -> Diagnostic:
        line, column = position
        return Diagnostic(
            file=self.path,
            line=line,
            column=column,
            code=code,
            message=message,
            severity=severity,
        )


@dataclass
class Dataset:
    """The records that loaded, and every problem found on the way."""

    root: Path
    events: dict[str, Event] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # event id -> file path
    actors: dict[str, Actor] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    introduction: str | None = None  # the Markdown of README.md, if there is one
    event_files: int = 0  # event files found, valid or not
    references: dict[str, References] = field(default_factory=dict)  # by event file
    partial: bool = False  # only some event files were read (see `load`)
    history: History = field(default_factory=History)  # git times of its files, once read
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What related_by() and counted() worked out, once the dataset was complete;
    # dataclasses.replace() starts them afresh.
    _related_by: dict[str, list[str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _counted: Counter[Severity] | None = field(default=None, init=False, repr=False, compare=False)

    def counted(self) -> Counter[Severity]:
        """How many errors and warnings there are: at 100,000 events, each walk of the
        diagnostics to count them took a tenth of a reload."""
        if self._counted is None:
            self._counted = Counter(d.severity for d in self.diagnostics)
        return self._counted

    def related_by(self) -> dict[str, list[str]]:
        """For each event another names in its ``related``, the ids of those that name it,
        in id order (as often as each names it)."""
        if self._related_by is None:
            found: dict[str, list[str]] = {}
            for event_id in sorted(self.events):
                for other in self.events[event_id].related:
                    found.setdefault(other, []).append(event_id)
            self._related_by = found
        return self._related_by

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def mistakes(file: str, document: Document) -> list[Diagnostic]:
    """What a file's text says besides its data, that YAML would drop (its comments)."""
    return [
        Diagnostic(file=file, line=m.line, column=m.column, code=m.code, message=m.message)
        for m in document.mistakes
    ]


def loaded_error(file: str, error: LoadError) -> Diagnostic:
    """The diagnostic of a file that could not be read."""
    return Diagnostic(
        file=file, line=error.line, column=error.column, code=error.code, message=error.message
    )


def _diagnostic(file: str, document: Document | None, problem: loading.Problem) -> Diagnostic:
    line, column = document.position(problem.path, at_key=problem.at_key) if document else (1, 1)
    return Diagnostic(
        file=file, line=line, column=column, code=problem.code, message=problem.message
    )


def _read(
    file: str, limits: loading.Limits = loading.EVENT_LIMITS
) -> tuple[Document | None, list[Diagnostic]]:
    """The file's document, or the diagnostic that says why it could not be read."""
    try:
        return loading.read_document(Path(file), limits), []
    except LoadError as error:
        return None, [loaded_error(file, error)]


# --- one event file (runs in worker processes) --------------------------------------------


def load_event_file(file: str, keep_event: bool = True) -> EventFile:
    """Read, type and self-check one ``events/<YYYY>/<id>.yaml`` file; never raise.

    Everything that needs only this file is checked here, in the worker; ``keep_event=False``
    (for `dateline check`) sends back only the diagnostics and references, not the record.
    """
    try:
        result = _load_event_file(file)
    except Exception as error:  # a bug of ours must not hide every other file's problems
        message = (
            f"internal error while checking this file ({type(error).__name__}: {error}); "
            "please report it"
        )
        result = EventFile(path=file, id=Path(file).stem, valid=False, event=None, diagnostics=[])
        result.diagnostics.append(result.at((1, 1), "DL901", message))
    if not keep_event:
        result.event = None
    return result


def _load_event_file(file: str) -> EventFile:
    path = Path(file)
    document, diagnostics = _read(file)
    result = EventFile(path=file, id=path.stem, valid=False, event=None, diagnostics=diagnostics)
    if document is None:
        return result
    if not isinstance(document.data, dict):
        found = (
            "nothing (the file is empty)"
            if document.data is None
            else ("a list" if isinstance(document.data, list) else "text")
        )
        result.diagnostics.append(
            result.at(
                document.position(()),
                "DL112",
                "expected a mapping of fields at the top level (title:, date:, summary:, "
                f"sources: ...), found {found}",
            )
        )
        return result
    result.references = References.read(document)
    result.diagnostics += mistakes(file, document)
    result.diagnostics += _list_problems(result, document)
    event, problems = loading.convert(document, Event)
    result.diagnostics += [_diagnostic(file, document, p) for p in problems]
    result.diagnostics += _identity_problems(result, document, event, path)
    if event is not None:
        result.valid = True
        result.event = event
        result.diagnostics += _update_problems(result, document, event)
        result.diagnostics += _event_warnings(result, document, event)
    return result


def _list_problems(result: EventFile, document: Document) -> list[Diagnostic]:
    """Ids listed twice, an event related to itself, claim sources that do not exist."""
    data = document.data
    problems: list[Diagnostic] = []
    for name, kind in (
        ("tags", "tag"),
        ("actors", "actor"),
        ("places", "place"),
        ("related", "event"),
    ):
        items = data.get(name)
        seen: set[str] = set()
        for index, value in enumerate(items if isinstance(items, list) else []):
            if not isinstance(value, str):
                continue
            here = document.position((name, index))
            if value in seen:
                problems.append(result.at(here, "DL408", f"{kind} '{value}' is listed twice"))
            seen.add(value)
            if name == "related" and value == result.id:
                problems.append(result.at(here, "DL409", "an event cannot be related to itself"))
    sources = data.get("sources")
    count = len(sources) if isinstance(sources, list) else 0
    claims = data.get("claims")
    for index, claim in enumerate(claims if isinstance(claims, list) else []):
        figure = claim.get("figure") if isinstance(claim, dict) else None
        for name in ("value", "low", "high"):
            number = figure.get(name) if isinstance(figure, dict) else None
            # 1,500 is refused by its type; 1.500 would be read as one and a half.
            if not isinstance(number, str) or "." not in number:
                continue
            meant = loading.thousands(number)
            if meant is not None:
                problems.append(
                    result.at(
                        document.position(("claims", index, "figure", name)),
                        "DL132",
                        f"{name}: {number} would be read as {float(number):g}; if it means "
                        f"{meant}, write {meant} (numbers have no thousands separators)",
                    )
                )
        number = claim.get("source") if isinstance(claim, dict) else None
        if isinstance(number, str) and number.isdigit() and int(number) > count:
            problems.append(
                result.at(
                    document.position(("claims", index, "source")),
                    "DL410",
                    f"source {int(number)} does not exist: this event lists {count} "
                    f"source{'s' if count != 1 else ''}, numbered from 1",
                )
            )
    return problems


def _identity_problems(
    result: EventFile, document: Document, event: Event | None, path: Path
) -> list[Diagnostic]:
    """The id (file name), its year prefix and its folder must agree with the date."""
    if not _ID.match(result.id) or len(result.id) > MAX_ID_LENGTH:
        return [
            result.at(
                (1, 1),
                "DL401",
                f"file name '{path.name}' is not a valid id: use lower-case a–z, digits and "
                f"single hyphens, at most {MAX_ID_LENGTH} characters, then '.yaml'",
            )
        ]
    year = dates.earliest_year(event.when) if event is not None else None
    if year is None:
        return []
    expected = f"{year:04d}"
    if result.id != expected and not result.id.startswith(expected + "-"):
        return [
            result.at(
                document.position(("date",)),
                "DL402",
                f"the id '{result.id}' must begin with {expected}, the year this date "
                f"begins in (e.g. rename the file to {expected}-{_strip_year(result.id)}.yaml)",
            )
        ]
    if path.parent.name != expected:
        return [
            result.at(
                document.position(("date",)),
                "DL403",
                f"this event begins in {expected} but its file is in "
                f"{path.parent.name}/; move it to {expected}/{path.name}",
            )
        ]
    return []


def _strip_year(identifier: str) -> str:
    return re.sub(r"^\d{4}(?:-\d{2}){0,2}-", "", identifier)


# --- the whole folder ---------------------------------------------------------------------


def is_event_path(relative: str) -> bool:
    """Whether a file (its path from the folder, with ``/``) is an event file: <YYYY>/<id>.yaml.

    String tests rather than a split and a pattern: a check runs this on every file.
    """
    return (
        len(relative) > 5
        and relative[4] == "/"
        and relative[:4].isdecimal()  # what the pattern \d matches
        and relative.endswith(".yaml")
        and relative.find("/", 5) < 0
    )


def discover(root: Path, walked: Iterable[str] | None = None) -> tuple[list[str], list[Diagnostic]]:
    """Event files under ``root``, and diagnostics for files that are not where they belong.

    ``walked`` is the folder's :func:`dateline.files.walk`, if the caller has it already.
    """
    events: list[str] = []
    strays: list[Diagnostic] = []
    base = os.path.join(root, "")  # a join per file was a fifth of `check --changed`
    for relative in files.walk(root) if walked is None else walked:
        path = base + relative
        if is_event_path(relative):
            events.append(path)
        elif relative not in (ACTORS_FILE, PLACES_FILE, INTRODUCTION_FILE):
            code, message, severity = _stray_message(relative[relative.rfind("/") + 1 :])
            strays.append(
                Diagnostic(
                    file=path, line=1, column=1, code=code, message=message, severity=severity
                )
            )
    return events, strays


def ancestors(parents: Mapping[str, str | None], place_id: str) -> tuple[list[str], bool]:
    """The places that hold ``place_id`` through ``within``, nearest first, and whether the
    chain comes back to ``place_id`` (a cycle through it).

    ``parents`` maps every known place to its ``within``. The walk stops at a place with no
    parent, at an unknown parent, and before any place it has seen, so it always ends.
    """
    chain: list[str] = []
    parent = parents.get(place_id)
    while parent is not None and parent in parents and parent != place_id and parent not in chain:
        chain.append(parent)
        parent = parents[parent]
    return chain, parent == place_id


def parents_of(places: Mapping[str, Place]) -> dict[str, str | None]:
    """Each place's ``within``, for :func:`ancestors`."""
    return {place_id: place.within for place_id, place in places.items()}


def _stray_message(name: str) -> tuple[str, str, Severity]:
    """Why a file is out of place (its code and message), and whether that is an error (a
    lost event) or not."""
    if name.endswith(".yml"):
        return (
            "DL601",
            f"event files end in .yaml, not .yml; rename it to {name[:-4]}.yaml",
            "error",
        )
    if name.endswith(".yaml"):
        return (
            "DL602",
            "an event file belongs in a year folder, as <events>/<YYYY>/<id>.yaml; "
            "actors and places go in actors.yaml and places.yaml at the top",
            "error",
        )
    return "DL604", "not a Dateline file (events are <YYYY>/<id>.yaml); ignored", "warning"


MapFile = tuple[dict[str, Any], Document, list[Diagnostic]]


def read_map_file(root: Path, name: str, record: type[Any]) -> MapFile:
    """Read ``actors.yaml`` or ``places.yaml``: a mapping from id to record.

    Every record that is valid on its own is kept even when others are broken, so that one
    typo does not turn every reference to every actor into an error too. What reading the
    same bytes returned before is kept (:mod:`dateline.memo`).
    """
    file = str(root / name)
    if not (root / name).exists():
        return {}, Document(data=None), []
    kind = tuple[dict[str, record], Document, list[Diagnostic]]  # type: ignore[valid-type]
    return memo.kept(
        file,
        kind,
        functools.partial(_parsed_map_file, file, record),
        max_bytes=loading.MAP_LIMITS.max_bytes,
    )


def _parsed_map_file(file: str, record: type[Any]) -> MapFile:
    document, diagnostics = _read(file, loading.MAP_LIMITS)
    if document is None or document.data is None:
        return {}, document or Document(data=None), diagnostics
    target: Any = dict[Slug, record]  # type: ignore[valid-type]  # built at run time
    records, problems = loading.convert(document, target)
    diagnostics += mistakes(file, document)
    diagnostics += [_diagnostic(file, document, p) for p in problems]
    if records is None and isinstance(document.data, dict):
        records = {}
        for key, value in document.data.items():
            one, _ = loading.convert(Document(data={key: value}), target)
            records.update(one or {})
    return records or {}, document, diagnostics


def _introduction(root: Path) -> tuple[str | None, list[Diagnostic]]:
    """The dataset's introduction (``README.md``), read as strictly as any file of it."""
    path = root / INTRODUCTION_FILE
    if not path.is_file():
        return None, []
    try:
        text = loading.read_text(path, INTRODUCTION_LIMITS)
    except LoadError as error:
        return None, [loaded_error(str(path), error)]
    return (text if text.strip() else None), []


def load_files(
    files: list[str], jobs: int | None, *, keep_events: bool = True, method: str | None = None
) -> Iterator[EventFile]:
    """Read every event file, in parallel where there are enough of them.

    ``method`` is how worker processes start (see :func:`start_method`).
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    read = functools.partial(load_event_file, keep_event=keep_events)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        yield from map(read, files)
        return
    # Imported here: they are a tenth of `check --changed`'s time, which reads a few files.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(method or start_method())
    chunk = max(8, len(files) // (workers * 16))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(read, files, chunksize=chunk)


def start_method() -> str:
    """How the loader's worker processes start: ``fork`` in a process with one thread (it
    starts workers in milliseconds and shares the imported modules), else ``forkserver``.

    Forking a process that runs other threads copies their locks in whatever state they are
    in, and a child can hang on one forever: a server that reloads must not do it. Threads
    that Python did not start (a file watcher's, in Rust) are not counted here, so such a
    process asks for ``forkserver`` itself.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while loading.

    Loading allocates millions of small objects and frees them by reference counting (it
    makes no cycles), so the collector's passes were pure cost: about a third of the main
    process's time at 10,000 files. Forked workers inherit the pause.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(
    root: Path | str,
    *,
    jobs: int | None = None,
    keep_events: bool = True,
    read: Callable[[list[str], int | None], Iterable[EventFile]] | None = None,
    only: Collection[str] | Callable[[], Collection[str] | None] | None = None,
    walked: Iterable[str] | None = None,
    read_map: Callable[[Path, str, type[Any]], MapFile] | None = None,
) -> Dataset:
    """Load and check every file under ``root`` (an ``events/`` folder).

    ``keep_events=False`` checks everything but keeps no event records (``events`` stays
    empty; ``files`` still lists every valid event), which is all `dateline check` needs.
    ``read`` turns event files into `EventFile` results; a server that reloads passes one that
    reuses the results of files whose bytes have not changed.

    ``only`` (real paths) reads just those event files, and any that share an id with one of
    them: their findings are exactly a full load's, but the findings that need every event
    (places.yaml's own checks, records that no event uses) are left out, and ``partial`` is
    set. `dateline check --changed` uses it. It may be given as a function that returns it (or
    None, for every file), called once the folder is walked and actors.yaml and places.yaml
    are read: what finds the files (git, for `--changed`) can run meanwhile.

    ``walked`` (the folder's :func:`dateline.files.walk`) and ``read_map`` (how actors.yaml
    and places.yaml are read, as :func:`read_map_file` does) let the incremental engine give what it
    knows already.
    """
    with collector_paused():
        return _load(
            Path(root),
            jobs,
            read or functools.partial(load_files, keep_events=keep_events),
            only,
            walked,
            read_map or read_map_file,
        )


def _load(
    root: Path,
    jobs: int | None,
    read: Callable[[list[str], int | None], Iterable[EventFile]],
    only: Collection[str] | Callable[[], Collection[str] | None] | None,
    walked: Iterable[str] | None,
    read_map: Callable[[Path, str, type[Any]], MapFile],
) -> Dataset:
    dataset = Dataset(root=root)
    if not root.is_dir():
        dataset.diagnostics.append(
            Diagnostic(
                file=str(root),
                line=1,
                column=1,
                code="DL603",
                message="no such folder; point --events at the folder that holds the events",
            )
        )
        return dataset
    files, dataset.diagnostics = discover(root, walked)
    dataset.actors, actors_document, problems = read_map(root, ACTORS_FILE, Actor)
    dataset.diagnostics += problems
    dataset.places, places_document, problems = read_map(root, PLACES_FILE, Place)
    dataset.diagnostics += problems
    dataset.introduction, problems = _introduction(root)
    dataset.diagnostics += problems
    dataset.event_files = len(files)
    stems = [file[file.rindex("/") + 1 : -len(".yaml")] for file in files]  # <YYYY>/<id>.yaml
    every_id = set(stems)  # events are known by file, even if broken
    if callable(only):
        only = only()
    if only is not None:
        # realpath costs a stat per folder: only for the few files that may be wanted.
        named = {os.path.basename(path)[: -len(".yaml")] for path in only}
        wanted = {
            stem
            for stem, file in zip(stems, files, strict=True)
            if stem in named and os.path.realpath(file) in only
        }
        files = [file for stem, file in zip(stems, files, strict=True) if stem in wanted]
        dataset.partial = True
    loaded = list(progress.track(read(files, jobs), len(files), "Reading events"))
    for result in loaded:
        dataset.references[result.path] = result.references
        dataset.diagnostics += result.diagnostics
        dataset.diagnostics += _reference_problems(dataset, result, every_id)
    _index_events(dataset, loaded)
    if not dataset.partial:
        dataset.diagnostics += _place_problems(dataset, places_document)
        dataset.diagnostics += _unused_warnings(dataset, loaded, actors_document, places_document)
    dataset.diagnostics.sort(key=Diagnostic.sort_key)
    return dataset


def reread(
    previous: Dataset, results: list[EventFile], every_id: Collection[str]
) -> Dataset | None:
    """``previous`` with the event files of ``results`` read again, or None if that takes a
    whole :func:`load`.

    It is enough when the files were there before (``every_id``, the stems of every event
    file, is unchanged), when no other file has the same id, and when each names the same
    actors and places as before: then no other file's findings can change, nor which records
    are unused. What is returned equals what :func:`load` would return.
    """
    if previous.partial:
        return None
    for result in results:
        before = previous.references.get(result.path)
        if before is None or _uses(before) != _uses(result.references):
            return None
    diagnostics = list(previous.diagnostics)
    counted = None if previous._counted is None else previous._counted.copy()
    for result in results:  # a file's findings lie together, the list being in order
        where = _findings_of(diagnostics, result.path)
        if counted is not None:
            counted.subtract(d.severity for d in diagnostics[where])
        del diagnostics[where]
    kept = len(diagnostics)
    dataset = dataclasses.replace(
        previous,
        events=dict(previous.events),
        files=dict(previous.files),
        references=dict(previous.references),
        diagnostics=diagnostics,
    )
    for result in results:
        dataset.references[result.path] = result.references
        dataset.diagnostics += result.diagnostics
        dataset.diagnostics += _reference_problems(dataset, result, every_id)
        if dataset.files.get(result.id) == result.path:
            del dataset.files[result.id]
            dataset.events.pop(result.id, None)
    _index_events(dataset, results)
    if previous._related_by is not None:
        dataset._related_by = _related_again(previous, dataset, results)
    # Each new finding goes into its place: sorting them all again was most of a reread.
    found = sorted(diagnostics[kept:], key=Diagnostic.sort_key)
    del diagnostics[kept:]
    if counted is not None:
        counted.update(d.severity for d in found)
        dataset._counted = counted
    for diagnostic in found:
        bisect.insort(diagnostics, diagnostic, key=Diagnostic.sort_key)
    return dataset


def _related_again(
    previous: Dataset, dataset: Dataset, results: list[EventFile]
) -> dict[str, list[str]]:
    """``previous.related_by()`` with the events of ``results`` as ``dataset`` has them: at
    100,000 events, working it out whole was a sixth of a reload."""
    found = dict(previous.related_by())
    for result in results:
        before = previous.events.get(result.id)
        if before is not None and previous.files.get(result.id) == result.path:
            for other in set(before.related):
                kept = [event_id for event_id in found[other] if event_id != result.id]
                if kept:
                    found[other] = kept
                else:
                    del found[other]
        after = dataset.events.get(result.id)
        if after is not None and dataset.files.get(result.id) == result.path:
            for other in after.related:
                found[other] = sorted([*found.get(other, ()), result.id])
    return found


def _findings_of(diagnostics: list[Diagnostic], file: str) -> slice:
    """Where the findings of ``file`` are in ``diagnostics`` (in :meth:`Diagnostic.sort_key`
    order)."""
    start = bisect.bisect_left(diagnostics, (file, -math.inf), key=_file_line)
    end = bisect.bisect_left(diagnostics, (file, math.inf), key=_file_line)
    return slice(start, end)


def _file_line(diagnostic: Diagnostic) -> tuple[str, float]:
    return (diagnostic.file, diagnostic.line)


def _uses(references: References) -> tuple[set[str], set[str]]:
    """The actors and places a file names (what decides which records are unused)."""
    actors = {ref[0] for ref in references.lists.get("actors", ())}
    actors.update(ref[0] for ref in references.claim_actors)
    return actors, {ref[0] for ref in references.lists.get("places", ())}


def _index_events(dataset: Dataset, loaded: list[EventFile]) -> None:
    for result in loaded:
        if not result.valid:
            continue
        if result.id in dataset.files:
            first = dataset.files[result.id]
            dataset.diagnostics.append(
                result.at(
                    (1, 1),
                    "DL404",
                    f"the id '{result.id}' is already used by {first}; ids must be unique",
                )
            )
            continue
        dataset.files[result.id] = result.path
        if result.event is not None:
            dataset.events[result.id] = result.event


def _reference_problems(
    dataset: Dataset, result: EventFile, every_id: Collection[str]
) -> list[Diagnostic]:
    """Every id the file points at must exist (events are known by file, even if broken)."""
    references = result.references
    actors_where = ACTORS_FILE if dataset.actors else f"{ACTORS_FILE} (which is empty)"
    places_where = PLACES_FILE if dataset.places else f"{PLACES_FILE} (which is empty)"
    targets: dict[str, tuple[str, str, Collection[str], str]] = {
        "actors": ("DL405", "actor", dataset.actors, actors_where),
        "places": ("DL406", "place", dataset.places, places_where),
        "related": ("DL407", "event", every_id, "the events folder"),
    }
    checks = [(references.lists.get(name, []), *target) for name, target in targets.items()]
    checks.append((references.claim_actors, *targets["actors"]))
    problems: list[Diagnostic] = []
    for refs, code, kind, known, where in checks:
        for value, line, column in refs:
            if value not in known:
                message = loading.unknown_message(kind, value, known, where)
                problems.append(result.at((line, column), code, message))
    return problems


def _update_problems(result: EventFile, document: Document, event: Event) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    previous: str | None = None
    for index, update in enumerate(event.updates):
        key = dates.parse(update.date).start_key()
        if previous is not None and key is not None and key < previous:
            problems.append(
                result.at(
                    document.position(("updates", index, "date")),
                    "DL501",
                    "updates are listed oldest first; move this one up",
                )
            )
        previous = key or previous
    statuses: list[tuple[int, Status]] = [
        (i, u.status) for i, u in enumerate(event.updates) if u.status is not None
    ]
    if statuses and statuses[-1][1] != event.status:
        index, status = statuses[-1]
        problems.append(
            result.at(
                document.position(("updates", index, "status")),
                "DL502",
                f"status is '{event.status}' but the latest update (updates[{index + 1}]) sets "
                f"'{status}'; make them agree",
            )
        )
    return problems


def _event_warnings(result: EventFile, document: Document, event: Event) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []

    def warn(path: DataPath, code: str, message: str) -> None:
        warnings.append(result.at(document.position(path), code, message, "warning"))

    placeholder = f"replace the {PLACEHOLDER} placeholder with what the source says"
    if event.summary.startswith(PLACEHOLDER):
        warn(("summary",), "DL706", placeholder)
    for index, source in enumerate(event.sources):
        if source.title.startswith(PLACEHOLDER) or source.publisher.startswith(PLACEHOLDER):
            warn(("sources", index), "DL706", placeholder)
        if source.url is None:
            warn(
                ("sources", index),
                "DL701",
                f"source {index + 1} has no url; add one if the source is online",
            )
        elif source.archived is None:
            warn(
                ("sources", index),
                "DL702",
                f"source {index + 1} has no archived copy; add `archived:` with a "
                "web.archive.org or archive.today link",
            )
    for index, claim in enumerate(event.claims):
        if claim.source is None:
            warn(
                ("claims", index),
                "DL703",
                "this claim names no source; add `source:` with the number of the source "
                "that reports it",
            )
    return warnings


def _place_problems(dataset: Dataset, document: Document) -> list[Diagnostic]:
    file = str(dataset.root / PLACES_FILE)

    def at(path: DataPath, code: str, message: str) -> Diagnostic:
        line, column = document.position(path)
        return Diagnostic(file=file, line=line, column=column, code=code, message=message)

    problems: list[Diagnostic] = []
    parents = parents_of(dataset.places)
    for place_id, place in dataset.places.items():
        if place.within is None:
            continue
        if place.within not in dataset.places:
            problems.append(
                at(
                    (place_id, "within"),
                    "DL411",
                    loading.unknown_message("place", place.within, dataset.places, PLACES_FILE),
                )
            )
            continue
        chain, cycle = ancestors(parents, place_id)
        if cycle:
            route = " → ".join([place_id, *chain, place_id])
            problems.append(
                at(
                    (place_id, "within"),
                    "DL412",
                    f"places form a cycle through `within`: {route}; "
                    "a place cannot be inside itself",
                )
            )
    return problems


def _unused_warnings(
    dataset: Dataset,
    loaded: list[EventFile],
    actors_document: Document,
    places_document: Document,
) -> list[Diagnostic]:
    used_actors: set[str] = set()
    used_places: set[str] = set()
    parents = parents_of(dataset.places)
    for result in loaded:  # broken files count too: fixing them must not be the only use
        references = result.references
        used_actors.update(ref[0] for ref in references.lists.get("actors", ()))
        used_actors.update(ref[0] for ref in references.claim_actors)
        for place_id, _, _ in references.lists.get("places", ()):
            # A used place's parents are used too: its page links up to them.
            if place_id in dataset.places and place_id not in used_places:
                used_places.add(place_id)
                used_places.update(ancestors(parents, place_id)[0])
    warnings: list[Diagnostic] = []
    for records, used, file, document, kind in (
        (dataset.actors, used_actors, ACTORS_FILE, actors_document, "actor"),
        (dataset.places, used_places, PLACES_FILE, places_document, "place"),
    ):
        for record_id in records:
            if record_id not in used:
                line, column = document.position((record_id,), at_key=True)
                warnings.append(
                    Diagnostic(
                        file=str(dataset.root / file),
                        line=line,
                        column=column,
                        severity="warning",
                        code="DL704" if kind == "actor" else "DL705",
                        message=f"no event uses the {kind} '{record_id}'; remove it or refer to it",
                    )
                )
    return warnings
