"""A whole events folder: every file read (in parallel), then every reference resolved.

:func:`load` never stops at the first problem. Each file is read and typed on its own (a file
that cannot be read contributes its diagnostics and nothing else); then the references between
files are resolved and checked, and warnings are added. The result is a :class:`Dataset`
holding the records that loaded and every :class:`~dateline.diagnostics.Diagnostic` found.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline import dates, loading
from dateline.diagnostics import Diagnostic, Severity
from dateline.loading import DataPath, Document, LoadError, Position
from dateline.model import Actor, Event, Place, Slug, Status

ACTORS_FILE = "actors.yaml"
PLACES_FILE = "places.yaml"
_YEAR_DIR = re.compile(r"^\d{4}$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 100
# `dateline new` writes this where a person must fill something in; `check` warns until then.
PLACEHOLDER = "TODO"
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200

# Positions a worker sends back: only those the cross-file checks point at.
_KEPT_PATHS = frozenset(
    {
        "date",
        "summary",
        "status",
        "tags",
        "actors",
        "places",
        "related",
        "claims",
        "sources",
        "updates",
    }
)


@dataclass
class References:
    """The ids an event file points at, read from its plain data.

    They are read before typing, so that a file with a type error still has its references
    checked in the same run.
    """

    lists: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # field -> (i, id)
    claim_actors: list[tuple[int, str]] = field(default_factory=list)
    claim_sources: list[tuple[int, int]] = field(default_factory=list)
    source_count: int = 0

    @classmethod
    def read(cls, data: dict[str, Any]) -> References:
        def strings(value: Any) -> list[tuple[int, str]]:
            items = value if isinstance(value, list) else []
            return [(i, item) for i, item in enumerate(items) if isinstance(item, str)]

        claims = data.get("claims")
        claims = (
            [c if isinstance(c, dict) else {} for c in claims] if isinstance(claims, list) else []
        )
        sources = data.get("sources")
        return cls(
            lists={
                name: strings(data.get(name)) for name in ("tags", "actors", "places", "related")
            },
            claim_actors=[
                (i, c["by"]) for i, c in enumerate(claims) if isinstance(c.get("by"), str)
            ],
            claim_sources=[
                (i, int(c["source"]))
                for i, c in enumerate(claims)
                if isinstance(c.get("source"), str) and c["source"].isdigit()
            ],
            source_count=len(sources) if isinstance(sources, list) else 0,
        )


@dataclass
class EventFile:
    """What one worker learned from one event file."""

    path: str
    id: str
    event: Event | None
    positions: dict[DataPath, Position]
    diagnostics: list[Diagnostic]
    references: References = field(default_factory=References)

    def at(self, path: DataPath, message: str, severity: Severity = "error") -> Diagnostic:
        line, column = _nearest(self.positions, path)
        return Diagnostic(
            file=self.path, line=line, column=column, message=message, severity=severity
        )


@dataclass
class Dataset:
    """The records that loaded, and every problem found on the way."""

    root: Path
    events: dict[str, Event] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # event id -> file path
    actors: dict[str, Actor] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def _nearest(positions: dict[DataPath, Position], path: DataPath) -> Position:
    while path not in positions and path:
        path = path[:-1]
    return positions.get(path, (1, 1))


def _diagnostic(file: str, document: Document | None, problem: loading.Problem) -> Diagnostic:
    line, column = document.position(problem.path, at_key=problem.at_key) if document else (1, 1)
    return Diagnostic(file=file, line=line, column=column, message=problem.message)


def _read(
    file: str, limits: loading.Limits = loading.EVENT_LIMITS
) -> tuple[Document | None, list[Diagnostic]]:
    """The file's document, or the diagnostic that says why it could not be read."""
    try:
        return loading.read_document(Path(file), limits), []
    except LoadError as error:
        return None, [
            Diagnostic(file=file, line=error.line, column=error.column, message=error.message)
        ]


def _kept(path: DataPath) -> bool:
    return bool(path) and path[0] in _KEPT_PATHS


# --- one event file (runs in worker processes) --------------------------------------------


def load_event_file(file: str) -> EventFile:
    """Read, type and self-check one ``events/<YYYY>/<id>.yaml`` file; never raise."""
    try:
        return _load_event_file(file)
    except Exception as error:  # a bug of ours must not hide every other file's problems
        return EventFile(
            path=file,
            id=Path(file).stem,
            event=None,
            positions={},
            diagnostics=[
                Diagnostic(
                    file=file,
                    line=1,
                    column=1,
                    message=f"internal error while checking this file ({type(error).__name__}: "
                    f"{error}); please report it",
                )
            ],
        )


def _load_event_file(file: str) -> EventFile:
    path = Path(file)
    result = EventFile(path=file, id=path.stem, event=None, positions={}, diagnostics=[])
    document, result.diagnostics = _read(file)
    if document is None:
        return result
    result.positions = {p: pos for p, pos in document.values.items() if _kept(p)}
    if not isinstance(document.data, dict):
        found = (
            "nothing (the file is empty)"
            if document.data is None
            else ("a list" if isinstance(document.data, list) else "text")
        )
        result.diagnostics.append(
            result.at(
                (),
                (
                    "expected a mapping of fields at the top level (title:, date:, summary:, "
                    f"sources: ...), found {found}"
                ),
            )
        )
        return result
    result.references = References.read(document.data)
    event, problems = loading.convert(document, Event)
    result.diagnostics += [_diagnostic(file, document, p) for p in problems]
    result.event = event
    result.diagnostics += _identity_problems(result, path)
    return result


def _identity_problems(result: EventFile, path: Path) -> list[Diagnostic]:
    """The id (file name), its year prefix and its folder must agree with the date."""
    if not _ID.match(result.id) or len(result.id) > MAX_ID_LENGTH:
        return [
            result.at(
                (),
                (
                    f"file name '{path.name}' is not a valid id: use lower-case a–z, digits and "
                    f"single hyphens, at most {MAX_ID_LENGTH} characters, then '.yaml'"
                ),
            )
        ]
    if result.event is None:
        return []
    year = dates.earliest_year(result.event.when)
    if year is None:
        return []
    expected = f"{year:04d}"
    if result.id != expected and not result.id.startswith(expected + "-"):
        return [
            result.at(
                ("date",),
                (
                    f"the id '{result.id}' must begin with {expected}, the year this date "
                    f"begins in (e.g. rename the file to {expected}-{_strip_year(result.id)}.yaml)"
                ),
            )
        ]
    if path.parent.name != expected:
        return [
            result.at(
                ("date",),
                (
                    f"this event begins in {expected} but its file is in "
                    f"{path.parent.name}/; move it to {expected}/{path.name}"
                ),
            )
        ]
    return []


def _strip_year(identifier: str) -> str:
    return re.sub(r"^\d{4}(?:-\d{2}){0,2}-", "", identifier)


# --- the whole folder ---------------------------------------------------------------------


def discover(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """Event files under ``root``, and diagnostics for files that are not where they belong."""
    events: list[str] = []
    strays: list[Diagnostic] = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        folder = Path(directory)
        for name in sorted(names):
            if name.startswith("."):
                continue
            file = folder / name
            stray = _stray_message(root, file)
            if stray is None:
                events.append(str(file))
            elif stray:
                severity: Severity = "warning" if stray.endswith("ignored") else "error"
                strays.append(
                    Diagnostic(file=str(file), line=1, column=1, message=stray, severity=severity)
                )
    return events, strays


def _stray_message(root: Path, file: Path) -> str | None:
    """None for an event file, "" for a known map file, else why the file is out of place."""
    relative = file.relative_to(root)
    parts = relative.parts
    if parts in ((ACTORS_FILE,), (PLACES_FILE,)):
        return ""
    if len(parts) == 2 and _YEAR_DIR.match(parts[0]) and file.suffix == ".yaml":
        return None
    if file.suffix == ".yml":
        return f"event files end in .yaml, not .yml; rename it to {file.stem}.yaml"
    if file.suffix == ".yaml":
        return (
            "an event file belongs in a year folder, as <events>/<YYYY>/<id>.yaml; "
            "actors and places go in actors.yaml and places.yaml at the top"
        )
    return "not a Dateline file (events are <YYYY>/<id>.yaml); ignored"


def _map_file(
    root: Path, name: str, record: type[Any]
) -> tuple[dict[str, Any], Document, list[Diagnostic]]:
    """Read ``actors.yaml`` or ``places.yaml``: a mapping from id to record.

    Every record that is valid on its own is kept even when others are broken, so that one
    typo does not turn every reference to every actor into an error too.
    """
    file = str(root / name)
    if not (root / name).exists():
        return {}, Document(data=None), []
    document, diagnostics = _read(file, loading.MAP_LIMITS)
    if document is None or document.data is None:
        return {}, document or Document(data=None), diagnostics
    target: Any = dict[Slug, record]  # type: ignore[valid-type]  # built at run time
    records, problems = loading.convert(document, target)
    diagnostics += [_diagnostic(file, document, p) for p in problems]
    if records is None and isinstance(document.data, dict):
        records = {}
        for key, value in document.data.items():
            one, _ = loading.convert(Document(data={key: value}), target)
            records.update(one or {})
    return records or {}, document, diagnostics


def load_files(files: list[str], jobs: int | None) -> Iterator[EventFile]:
    """Read every event file, in parallel where there are enough of them."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        yield from map(load_event_file, files)
        return
    # fork starts workers in milliseconds and shares the imported modules.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    chunk = max(8, len(files) // (workers * 16))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(load_event_file, files, chunksize=chunk)


def load(
    root: Path | str,
    *,
    jobs: int | None = None,
    read: Callable[[list[str], int | None], Iterable[EventFile]] = load_files,
) -> Dataset:
    """Load and check every file under ``root`` (an ``events/`` folder).

    ``read`` turns event files into `EventFile` results; a server that reloads passes one that
    reuses the results of files whose bytes have not changed.
    """
    root = Path(root)
    dataset = Dataset(root=root)
    if not root.is_dir():
        dataset.diagnostics.append(
            Diagnostic(
                file=str(root),
                line=1,
                column=1,
                message="no such folder; point --events at the folder that holds the events",
            )
        )
        return dataset
    files, dataset.diagnostics = discover(root)
    dataset.actors, actors_document, problems = _map_file(root, ACTORS_FILE, Actor)
    dataset.diagnostics += problems
    dataset.places, places_document, problems = _map_file(root, PLACES_FILE, Place)
    dataset.diagnostics += problems
    loaded = list(read(files, jobs))
    for result in loaded:
        dataset.diagnostics += result.diagnostics
    _index_events(dataset, loaded)
    every_id = {Path(file).stem for file in files}
    for result in loaded:
        dataset.diagnostics += _reference_problems(dataset, result, every_id)
        if result.event is not None and dataset.files.get(result.id) == result.path:
            dataset.diagnostics += _update_problems(result, result.event)
            dataset.diagnostics += _event_warnings(result)
    dataset.diagnostics += _place_problems(dataset, places_document)
    dataset.diagnostics += _unused_warnings(dataset, actors_document, places_document)
    dataset.diagnostics.sort(key=Diagnostic.sort_key)
    return dataset


def _index_events(dataset: Dataset, loaded: list[EventFile]) -> None:
    for result in loaded:
        if result.event is None:
            continue
        if result.id in dataset.files:
            first = dataset.files[result.id]
            dataset.diagnostics.append(
                result.at(
                    (), (f"the id '{result.id}' is already used by {first}; ids must be unique")
                )
            )
            continue
        dataset.events[result.id] = result.event
        dataset.files[result.id] = result.path


def _reference_problems(
    dataset: Dataset, result: EventFile, every_id: set[str]
) -> list[Diagnostic]:
    """Every id the file points at must exist (events are known by file, even if broken)."""
    references = result.references
    actors_where = ACTORS_FILE if dataset.actors else f"{ACTORS_FILE} (which is empty)"
    places_where = PLACES_FILE if dataset.places else f"{PLACES_FILE} (which is empty)"
    targets: dict[str, tuple[str, Iterable[str], str]] = {
        "actors": ("actor", dataset.actors, actors_where),
        "places": ("place", dataset.places, places_where),
        "related": ("event", every_id, "the events folder"),
    }
    problems: list[Diagnostic] = []
    for name, values in references.lists.items():
        kind, known, where = targets.get(name, ("tag", (), ""))
        seen: set[str] = set()
        for index, value in values:
            if value in seen:
                problems.append(result.at((name, index), f"{kind} '{value}' is listed twice"))
            seen.add(value)
            if name == "related" and value == result.id:
                problems.append(result.at((name, index), "an event cannot be related to itself"))
            elif name in targets and value not in known:
                message = loading.unknown_message(kind, value, known, where)
                problems.append(result.at((name, index), message))
    for index, actor in references.claim_actors:
        if actor not in dataset.actors:
            message = loading.unknown_message("actor", actor, dataset.actors, actors_where)
            problems.append(result.at(("claims", index, "by"), message))
    count = references.source_count
    for index, source in references.claim_sources:
        if source > count:
            problems.append(
                result.at(
                    ("claims", index, "source"),
                    (
                        f"source {source} does not exist: this event lists {count} "
                        f"source{'s' if count != 1 else ''}, numbered from 1"
                    ),
                )
            )
    return problems


def _update_problems(result: EventFile, event: Event) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    previous: str | None = None
    for index, update in enumerate(event.updates):
        key = dates.parse(update.date).start_key()
        if previous is not None and key is not None and key < previous:
            problems.append(
                result.at(
                    ("updates", index, "date"), "updates are listed oldest first; move this one up"
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
                ("updates", index, "status"),
                (
                    f"status is '{event.status}' but the latest update (updates[{index + 1}]) sets "
                    f"'{status}'; make them agree"
                ),
            )
        )
    return problems


def _event_warnings(result: EventFile) -> list[Diagnostic]:
    event = result.event
    assert event is not None
    warnings: list[Diagnostic] = []
    placeholder = f"replace the {PLACEHOLDER} placeholder with what the source says"
    if event.summary.startswith(PLACEHOLDER):
        warnings.append(result.at(("summary",), placeholder, "warning"))
    for index, source in enumerate(event.sources):
        if source.title.startswith(PLACEHOLDER) or source.publisher.startswith(PLACEHOLDER):
            warnings.append(result.at(("sources", index), placeholder, "warning"))
        if source.url is None:
            warnings.append(
                result.at(
                    ("sources", index),
                    (f"source {index + 1} has no url; add one if the source is online"),
                    "warning",
                )
            )
        elif source.archived is None:
            warnings.append(
                result.at(
                    ("sources", index),
                    (
                        f"source {index + 1} has no archived copy; add `archived:` with a "
                        "web.archive.org or archive.today link"
                    ),
                    "warning",
                )
            )
    for index, claim in enumerate(event.claims):
        if claim.source is None:
            warnings.append(
                result.at(
                    ("claims", index),
                    (
                        "this claim names no source; add `source:` with the number of the source "
                        "that reports it"
                    ),
                    "warning",
                )
            )
    return warnings


def _place_problems(dataset: Dataset, document: Document) -> list[Diagnostic]:
    file = str(dataset.root / PLACES_FILE)

    def at(path: DataPath, message: str) -> Diagnostic:
        line, column = document.position(path)
        return Diagnostic(file=file, line=line, column=column, message=message)

    problems: list[Diagnostic] = []
    for place_id, place in dataset.places.items():
        if place.within is None:
            continue
        if place.within not in dataset.places:
            problems.append(
                at(
                    (place_id, "within"),
                    loading.unknown_message("place", place.within, dataset.places, PLACES_FILE),
                )
            )
            continue
        chain = [place_id]
        current: str | None = place.within
        while current is not None and current in dataset.places and current not in chain:
            chain.append(current)
            current = dataset.places[current].within
        if current == place_id:
            cycle = " → ".join([*chain, place_id])
            problems.append(
                at(
                    (place_id, "within"),
                    (
                        f"places form a cycle through `within`: {cycle}; "
                        "a place cannot be inside itself"
                    ),
                )
            )
    return problems


def _unused_warnings(
    dataset: Dataset,
    actors_document: Document,
    places_document: Document,
) -> list[Diagnostic]:
    used_actors: set[str] = set()
    used_places: set[str] = set()
    for event in dataset.events.values():
        used_actors.update(event.actors)
        used_actors.update(claim.by for claim in event.claims)
        for place_id in event.places:
            # A used place's parents are used too: its page links up to them.
            while place_id in dataset.places and place_id not in used_places:
                used_places.add(place_id)
                parent = dataset.places[place_id].within
                if parent is None:
                    break
                place_id = parent
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
                        message=f"no event uses the {kind} '{record_id}'; remove it or refer to it",
                    )
                )
    return warnings
