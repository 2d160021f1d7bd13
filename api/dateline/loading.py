"""Read one YAML file safely into typed records, with the line and column of every problem.

YAML is read from PyYAML's C parser as a stream of events (each with its position), and a
small walker builds plain data from them. Walking events rather than letting PyYAML construct
objects is what makes the file format safe and predictable:

* anchors and aliases are refused the moment one appears, so a "billion laughs" file costs
  nothing;
* explicit tags (``!!python/object``, ``!foo``) are refused, so nothing is ever constructed
  or executed;
* duplicate keys are refused (PyYAML would silently keep the last one);
* scalars stay as the text the contributor wrote: ``2021``, ``no`` and ``2026-01-20`` are not
  retyped as int, bool and date — the typed model decides what each field means;
* size, depth and node count are bounded.

The plain data is then converted into :mod:`dateline.model` Structs with ``msgspec``. A file
that converts at once costs one ``msgspec.convert``; only a broken file is walked again,
field by field against the types, so that *every* problem in it is reported, each at its own
line and column with a message that says what would be right.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import msgspec
import yaml

from dateline import dates, model, syntax
from dateline.diagnostics import quote

MAX_DEPTH = 16


@dataclass(frozen=True)
class Limits:
    """How big one file may be. Bounds keep a hostile pull request from costing much."""

    max_bytes: int
    max_nodes: int
    what: str  # "an event file"
    header_comments_only: bool = False  # comment lines only before the first field


# One event is small; actors.yaml and places.yaml hold every actor and place, so they grow
# with the dataset (a few thousand records of ~10 values each is ~1 MiB and ~50,000 values).
EVENT_LIMITS = Limits(
    max_bytes=1024 * 1024, max_nodes=50_000, what="an event file", header_comments_only=True
)
MAP_LIMITS = Limits(max_bytes=32 * 1024 * 1024, max_nodes=2_000_000, what="this file")

Key = str | int
DataPath = tuple[Key, ...]
Position = tuple[int, int]  # 1-based line and column

T = TypeVar("T")


class LoadError(Exception):
    """A problem that stops one file from being read at all."""

    def __init__(self, line: int, column: int, message: str, code: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.code = code

    @classmethod
    def of(cls, mistake: syntax.Mistake) -> LoadError:
        return cls(mistake.line, mistake.column, mistake.message, mistake.code)


@dataclass
class Problem:
    """A problem inside a file that was read: where it is (a data path) and what it is."""

    path: DataPath
    message: str
    code: str
    at_key: bool = False  # point at the key itself rather than at its value


@dataclass
class Document:
    """Plain data from one YAML file, with the position of every value and every key."""

    data: Any
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)
    # What the text says besides its data that would be lost: comments (see dateline.syntax).
    mistakes: list[syntax.Mistake] = field(default_factory=list)

    def position(self, path: DataPath, *, at_key: bool = False) -> Position:
        """The nearest known position: the path itself, else its closest ancestor."""
        table = self.keys if at_key else self.values
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.values:
                return self.values[path]
        return (1, 1)


# --- reading -------------------------------------------------------------------------------


def read_text(path: Path, limits: Limits = EVENT_LIMITS) -> str:
    """The file as text: bounded in size, strictly UTF-8 (a leading BOM is allowed)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LoadError(
                1,
                1,
                f"file is too large: {size:,} bytes; {limits.what} may be at most "
                f"{limits.max_bytes:,} bytes ({_size(limits.max_bytes)})",
                "DL102",
            )
        raw = path.read_bytes()
    except OSError as error:
        raise LoadError(1, 1, f"cannot read file: {error.strerror or error}", "DL101") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise LoadError(
            line,
            column,
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            "DL103",
        ) from None


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_KIND_NAMES = {
    yaml.MappingStartEvent: "a mapping",
    yaml.SequenceStartEvent: "a list",
    yaml.ScalarEvent: "text",
}


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def parse_yaml(text: str, limits: Limits = EVENT_LIMITS) -> Document:
    """Build plain data from YAML text; raise :class:`LoadError` for anything unsafe."""
    breaks = syntax.invisible_breaks(text)
    if breaks is not None:
        raise LoadError.of(breaks)
    document = Document(data=None)
    scalars: list[syntax.Scalar] | None = [] if "#" in text else None
    try:
        _walk(yaml.parse(text, Loader=yaml.CSafeLoader), document, limits.max_nodes, scalars)
    except yaml.MarkedYAMLError as error:
        raise LoadError.of(syntax.explain(text, error)) from None
    except yaml.reader.ReaderError as error:
        line, column = syntax.position(text, error.position)
        # The C reader gives the code point as an int, the Python one as a str.
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise LoadError(
            line,
            column,
            f"the control character U+{code:04X} is not allowed in YAML; remove it",
            "DL104",
        ) from None
    except yaml.YAMLError as error:
        message = f"this is not YAML that Dateline can read: {error}"
        raise LoadError(1, 1, message, "DL105") from None
    if scalars is not None:
        document.mistakes = syntax.comments(text, scalars, header_only=limits.header_comments_only)
    return document


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def _walk(
    events: Iterator[yaml.Event],
    document: Document,
    max_nodes: int,
    scalars: list[syntax.Scalar] | None,
) -> None:
    """Consume the event stream, building containers on an explicit stack (no recursion).

    ``scalars``, if given, collects where each scalar's text lies, for the comment check.
    """
    # Each frame: (container, its data path, pending mapping key or None).
    stack: list[list[Any]] = []
    nodes = 0
    documents = 0
    root_set = False

    def attach(value: Any, event: yaml.Event) -> DataPath | None:
        nonlocal root_set
        if not stack:
            document.data = value
            root_set = True
            document.values[()] = _position(event)
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            item_path = (*path, len(container))
            container.append(value)
            document.values[item_path] = _position(event)
            return item_path
        if frame[2] is None:  # this scalar is a key
            if not isinstance(value, str):
                raise LoadError(*_position(event), "a mapping key must be plain text", "DL111")
            key_path = (*path, value)
            if value in container:
                first = document.keys[key_path]
                raise LoadError(
                    *_position(event),
                    f"duplicate key '{value}' (first at line {first[0]}); "
                    "each field may appear once",
                    "DL108",
                )
            document.keys[key_path] = _position(event)
            frame[2] = value
            return None
        key_path = (*path, frame[2])
        container[frame[2]] = value
        document.values[key_path] = _position(event)
        frame[2] = None
        return key_path

    for event in events:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise LoadError(
                *_position(event),
                "anchors and aliases (&name, *name) are not allowed; write the value out",
                "DL106",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise LoadError(
                *_position(event),
                f"explicit tags such as '{tag}' are not allowed; write a plain value",
                "DL107",
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise LoadError(
                    *_position(event),
                    "a file holds one YAML document; remove the second '---'",
                    "DL109",
                )
            continue
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            nodes += 1
            if nodes > max_nodes:
                raise LoadError(
                    *_position(event), f"file has more than {max_nodes:,} values", "DL110"
                )
        if isinstance(event, yaml.ScalarEvent):
            if scalars is not None and event.start_mark and event.end_mark:
                plain = event.style is None or event.style == ""
                scalars.append(syntax.Scalar(event.start_mark.index, event.end_mark.index, plain))
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                attach(event.value, event)  # keys stay text even when they look empty
            else:
                plain = event.implicit[0]
                attach(None if plain and event.value in _NULLS else event.value, event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                kind = _KIND_NAMES[type(event)]
                raise LoadError(
                    *_position(event), f"a mapping key must be plain text, not {kind}", "DL111"
                )
            if len(stack) >= MAX_DEPTH:
                raise LoadError(
                    *_position(event), f"nesting is deeper than {MAX_DEPTH} levels", "DL110"
                )
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = attach(container, event)
            stack.append([container, path, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    if not root_set:
        document.data = None


def read_document(path: Path, limits: Limits = EVENT_LIMITS) -> Document:
    """Read and parse one file; raise :class:`LoadError` where it cannot be read."""
    return parse_yaml(read_text(path, limits), limits)


# --- typed conversion ----------------------------------------------------------------------


def convert(document: Document, target: type[T]) -> tuple[T | None, list[Problem]]:
    """Convert a document's data into ``target``; on failure, find every problem in it."""
    try:
        return msgspec.convert(document.data, target, strict=False), []
    except msgspec.ValidationError:
        pass
    problems: list[Problem] = []
    collect(document.data, target, (), problems)
    if not problems:  # a rule the walk does not see; report msgspec's own words
        try:
            msgspec.convert(document.data, target, strict=False)
        except msgspec.ValidationError as error:
            problems.append(_from_msgspec(error, (), "DL208"))
        else:  # pragma: no cover - the two conversions disagree only on a msgspec bug
            return msgspec.convert(document.data, target, strict=False), []
    return None, problems


_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _from_msgspec(error: msgspec.ValidationError, base: DataPath, code: str) -> Problem:
    match = _AT.match(str(error))
    assert match is not None  # the pattern matches any text
    suffix: list[Key] = []
    for name, index in _PATH_PART.findall(match["path"] or ""):
        suffix.append(int(index) if index else name)
    message = match["message"]
    return Problem((*base, *suffix), message[:1].lower() + message[1:], code)


def _unwrap(annotation: Any) -> tuple[Any, msgspec.Meta | None, bool]:
    """(bare type, its Meta, whether None is allowed) for ``Annotated[X, Meta] | None``."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(members) < len(typing.get_args(annotation))
        annotation = functools.reduce(operator.or_, members)
    meta = None
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        meta = next((m for m in extras if isinstance(m, msgspec.Meta)), None)
    return annotation, meta, optional


def collect(value: Any, annotation: Any, path: DataPath, problems: list[Problem]) -> None:
    """Append a :class:`Problem` for everything wrong with ``value`` as ``annotation``."""
    bare, meta, optional = _unwrap(annotation)
    if value is None:
        if not optional:
            message = _named(path, f"{_expected(bare, meta)}, found nothing")
            problems.append(Problem(path, message, "DL203"))
        return
    before = len(problems)
    container = True
    if isinstance(bare, type) and issubclass(bare, msgspec.Struct) and isinstance(value, dict):
        _collect_struct(value, bare, path, problems)
    elif typing.get_origin(bare) is list and isinstance(value, list):
        (item,) = typing.get_args(bare)
        for index, element in enumerate(value):
            collect(element, item, (*path, index), problems)
    elif typing.get_origin(bare) is dict and isinstance(value, dict):
        key_type, value_type = typing.get_args(bare)
        for key, element in value.items():
            key_problems: list[Problem] = []
            collect(key, key_type, path, key_problems)
            problems.extend(
                Problem((*path, key), f"id {p.message}", p.code, at_key=True) for p in key_problems
            )
            collect(element, value_type, (*path, key), problems)
    else:
        container = False
    if len(problems) > before:
        return
    try:
        msgspec.convert(value, annotation, strict=False)
    except msgspec.ValidationError as error:
        limit = _limit_broken(value, bare, meta) if meta is not None else None
        if limit is not None:
            problems.append(Problem(path, _named(path, limit[0]), limit[1]))
        elif container:  # the parts are fine, so a rule across them is broken (__post_init__)
            problem = _from_msgspec(error, path, "DL208")
            problems.append(Problem(problem.path, _named(problem.path, problem.message), "DL208"))
        else:
            problems.append(_describe(value, bare, meta, path, error))
        return
    if meta is not None and (meta.extra or {}).get("edtf") and isinstance(value, str):
        try:
            dates.parse(value)
        except dates.DateError as error:
            problems.append(Problem(path, _named(path, str(error)), error.code))


def _named(path: DataPath, message: str) -> str:
    """Prefix the message with the field it is about: "title: is too long ..."."""
    name = next((key for key in reversed(path) if isinstance(key, str)), None)
    return f"{name}: {message}" if name is not None else message


def _collect_struct(
    value: dict[str, Any], struct: type[msgspec.Struct], path: DataPath, problems: list[Problem]
) -> None:
    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    for key in value:
        if key not in fields:
            message, code = _unknown_field(key, fields)
            problems.append(Problem((*path, key), message, code, at_key=True))
    for name, info in fields.items():
        if name in value:
            collect(value[name], info.type, (*path, name), problems)
        elif info.required:
            problems.append(Problem(path, f"missing required field '{name}'", "DL201"))


def did_you_mean(value: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, if one is close enough to be the intended word."""
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_message(kind: str, value: str, known: Iterable[str], where: str) -> str:
    """ "unknown actor 'sdff' — did you mean 'sdf'?", or where to add it."""
    close = did_you_mean(value, known)
    if close:
        return f"unknown {kind} '{value}' — did you mean '{close}'?"
    return f"unknown {kind} '{value}'; add it to {where} or fix the id"


def _unknown_field(key: str, fields: dict[str, Any]) -> tuple[str, str]:
    if key.isdigit() and len(key) == 3:
        return (
            f"unknown field '{key}': inside {{ }} a comma separates fields, so a number such as "
            f"1,{key} reads as 1 and a field '{key}'; write numbers without separators: 1{key}",
            "DL132",
        )
    close = did_you_mean(key, fields)
    if close:
        return f"unknown field '{key}' — did you mean '{close}'?", "DL202"
    return f"unknown field '{key}'; expected one of {', '.join(fields)}", "DL202"


_PATTERN_WORDS = {
    model.SLUG_PATTERN: "a slug: lower-case a–z, digits and single hyphens, like 'al-hawl-camp'",
    model.URL_PATTERN: "an http:// or https:// URL",
    model.LINE_PATTERN: "one line of plain text with no leading or trailing spaces",
}


def _expected(bare: Any, meta: msgspec.Meta | None) -> str:
    """What a value of this type looks like, in words."""
    if meta is not None and meta.pattern in _PATTERN_WORDS:
        return "expected " + _PATTERN_WORDS[meta.pattern]
    if typing.get_origin(bare) is Literal:
        return "expected one of " + ", ".join(str(a) for a in typing.get_args(bare))
    if bare is int:
        return "expected a whole number"
    if bare in (float, int | float):
        return "expected a number"
    if typing.get_origin(bare) is list:
        return "expected a list"
    if typing.get_origin(bare) is dict or (
        isinstance(bare, type) and issubclass(bare, msgspec.Struct)
    ):
        return "expected a mapping of fields"
    return "expected text"


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return quote(value)


def _describe(
    value: Any,
    bare: Any,
    meta: msgspec.Meta | None,
    path: DataPath,
    error: msgspec.ValidationError,
) -> Problem:
    """A message for a value that is the wrong shape or breaks a constraint."""
    detail = _from_msgspec(error, path, "DL203")
    if detail.path != path:  # deeper than this value: msgspec's words, at its place
        return Problem(detail.path, _named(detail.path, detail.message), "DL203")
    message = f"{_expected(bare, meta)}, found {_found(value)}"
    code = "DL203"
    if typing.get_origin(bare) is Literal and isinstance(value, str):
        code = "DL204"
        close = did_you_mean(value, (str(a) for a in typing.get_args(bare)))
        if close:
            message += f" — did you mean '{close}'?"
    elif meta is not None and meta.pattern in _PATTERN_WORDS and isinstance(value, str):
        code = "DL205"
    elif bare in _NUMBERS and isinstance(value, str):
        separated = thousands(value)
        if separated is not None:
            code = "DL132"
            message += f" — did you mean {separated}? (write numbers without separators)"
    return Problem(path, _named(path, message), code)


_THOUSANDS = re.compile(r"\d{1,3}(?P<mark>[.,])\d{3}(?:(?P=mark)\d{3})*")


def thousands(text: str) -> str | None:
    """The number ``text`` means if it is written with a thousands separator (``1,500`` or
    ``1.500``: 1500), else None."""
    if _THOUSANDS.fullmatch(text.strip()) is None:
        return None
    return re.sub(r"[.,]", "", text.strip())


_NUMBERS = (int, float, int | float)


def _limit_broken(value: Any, bare: Any, meta: msgspec.Meta) -> tuple[str, str] | None:
    """The message (and code) of a length or range limit the value breaks, if that is what is
    wrong."""
    is_list = typing.get_origin(bare) is list
    if (is_list and isinstance(value, list)) or (bare is str and isinstance(value, str)):
        unit = "items" if is_list else "characters"
        if meta.max_length is not None and len(value) > meta.max_length:
            return (
                f"is too long: {len(value):,} {unit}; at most {meta.max_length:,} allowed",
                "DL206",
            )
        if meta.min_length is not None and len(value) < meta.min_length:
            few = unit[:-1] if meta.min_length == 1 else unit
            return f"needs at least {meta.min_length} {few}", "DL206"
    if bare in _NUMBERS and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        if meta.ge is not None and number < meta.ge:
            return f"must be at least {meta.ge:g}, found {value}", "DL207"
        if meta.le is not None and number > meta.le:
            return f"must be at most {meta.le:g}, found {value}", "DL207"
    return None
