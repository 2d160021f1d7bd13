"""Write a new, valid event file from what a person types: a title and a human date.

The file it writes passes `dateline check` as it stands, but its summary and source are
placeholders beginning with ``TODO``, which `check` reports as warnings (errors under
``--strict``) until a contributor fills them in.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from dateline import dates, loading, phrases
from dateline.dataset import ACTORS_FILE, MAX_ID_LENGTH, PLACEHOLDER, PLACES_FILE
from dateline.model import Event, Slug, Title


class ScaffoldError(Exception):
    """Why the file could not be written, in words for the person who asked."""


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by single hyphens ("Al-Hawl camp" → "al-hawl-camp")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def id_prefix(when: dates.EdtfDate) -> str:
    """The start of the span, as precise as the date is: 2026-01-20, 2017-08 or 2021."""
    year = dates.earliest_year(when)
    start = when.start
    if start is None or year is None or start.year != year:
        return f"{year or 0:04d}"
    if when.precision in ("day", "minute", "second"):
        return f"{start.year:04d}-{start.month:02d}-{start.day:02d}"
    if when.precision == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"


def make_id(title: str, when: dates.EdtfDate) -> str:
    prefix = id_prefix(when)
    words = slugify(title) or "event"
    return f"{prefix}-{words}"[:MAX_ID_LENGTH].rstrip("-")


def _yaml_text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, and quoting every value keeps
    # YAML from reading a title such as "No" or "12:30" as anything but text.
    return json.dumps(value, ensure_ascii=False)


def _flow_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]"


def render(
    title: str,
    edtf: str,
    tags: Sequence[str],
    actors: Sequence[str],
    places: Sequence[str],
    schema: str | None = None,
) -> str:
    """The text of a new event file; ``schema`` is where editors find its JSON Schema."""
    header = [f"# yaml-language-server: $schema={schema}"] if schema is not None else []
    lines = [
        *header,
        f"# Replace each {PLACEHOLDER} with what the source says. Add `url:` to the source only",
        "# where it has one (never guess one), `published:` with its date, and `archived:` with",
        "# an archived copy. `dateline check` says what is still missing.",
        f"title: {_yaml_text(title)}",
        f"date: '{edtf}'" if edtf.startswith("[") else f"date: {edtf}",  # [A..B] is YAML's list
        "summary: |",
        f"  {PLACEHOLDER}: say what happened, who reports it, and what is contested.",
        "status: reported",
    ]
    for name, values in (("tags", tags), ("actors", actors), ("places", places)):
        if values:
            lines.append(f"{name}: {_flow_list(values)}")
    lines += [
        "sources:",
        f'  - title: "{PLACEHOLDER}: the source\'s title, as printed"',
        f'    publisher: "{PLACEHOLDER}: who published it"',
    ]
    return "\n".join(lines) + "\n"


# Where a repository of Dateline events keeps the event file's JSON Schema, from its root (the
# events folder's parent); the site publishes it at /schema/event.json.
SCHEMA_FILE = Path("site/docs/schema/event.json")


def schema_for(path: Path) -> str | None:
    """The schema's path from the new file ``path``, for the editor's modeline, if the
    repository has it."""
    root = path.parent.parent.parent
    schema = root / SCHEMA_FILE
    if not schema.is_file():
        return None
    return Path(os.path.relpath(schema.resolve(), path.parent.resolve())).as_posix()


def known_ids(root: Path, file: str) -> set[str]:
    """The ids of actors.yaml or places.yaml (``file``), for what a new event may name."""
    path = root / file
    if not path.exists():
        return set()
    try:
        data = loading.read_document(path, loading.MAP_LIMITS).data
    except loading.LoadError as error:
        raise ScaffoldError(
            f"{path}:{error.line}:{error.column}: {error.message} (fix it, then try again)"
        ) from None
    return set(data) if isinstance(data, dict) else set()


def _check_references(root: Path, kind: str, file: str, wanted: Sequence[str]) -> None:
    known = known_ids(root, file)
    for value in wanted:
        if value not in known:
            raise ScaffoldError(loading.unknown_message(kind, value, known, f"{root / file}"))


def _check_value(value: object, annotation: object, what: str) -> None:
    problems: list[loading.Problem] = []
    loading.collect(value, annotation, (), problems)
    if problems:
        raise ScaffoldError(f"{what}: {problems[0].message}")


def new_event(
    root: Path,
    title: str,
    date: str,
    *,
    tags: Sequence[str] = (),
    actors: Sequence[str] = (),
    places: Sequence[str] = (),
) -> Path:
    """Write ``root/<YYYY>/<id>.yaml`` and return its path; never overwrite a file."""
    try:
        edtf = phrases.one(date)
        when = dates.parse(edtf)
    except dates.DateError as error:
        raise ScaffoldError(f"--date: {error}") from None
    _check_value(title, Title, "--title")
    for tag in tags:
        _check_value(tag, Slug, f"--tag '{tag}'")
    _check_references(root, "actor", ACTORS_FILE, actors)
    _check_references(root, "place", PLACES_FILE, places)
    event_id = make_id(title, when)
    year = f"{dates.earliest_year(when) or 0:04d}"
    path = root / year / f"{event_id}.yaml"
    taken = sorted(root.glob(f"*/{event_id}.yaml"))
    if taken:
        raise ScaffoldError(f"{taken[0]} already exists; choose another title, or edit that file")
    text = render(title, edtf, tags, actors, places, schema_for(path))
    event, problems = loading.convert(loading.parse_yaml(text), Event)
    if event is None:  # pragma: no cover - render() and the model would disagree
        raise ScaffoldError(f"internal error: the new file would be invalid: {problems}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
