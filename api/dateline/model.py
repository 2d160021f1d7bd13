"""The typed records a Dateline dataset is made of, exactly as contributors write them.

Every Struct here is strict, for the same reasons:

* ``forbid_unknown_fields`` — a typo such as ``sumary:`` must be an error, never a field
  silently dropped;
* ``frozen`` — a loaded dataset is shared by the checker, the API and the site builder, and
  nothing downstream may change it behind the others' backs;
* ``kw_only`` — records are built from mappings, and keyword-only fields let required and
  defaulted fields appear in the order a reader expects.

Constraints that one field can carry live in its type (``Annotated[..., Meta(...)]``) so that
the JSON Schema generated from these types says the same as the checker. Rules that tie
several fields of one record together live in ``__post_init__``. Rules that need the whole
dataset (references between files) live in :mod:`dateline.dataset`.

Dates are kept as the EDTF text the contributor wrote; :func:`dateline.dates.parse` (cached)
turns them into spans, and ``__post_init__`` makes sure that it can.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import msgspec

from dateline import dates

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
# Plain text on one line: no control characters (newlines included), no surrounding spaces.
LINE_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"

Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, max_length=100)]
Url = Annotated[str, msgspec.Meta(pattern=URL_PATTERN, max_length=2000)]
Title = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN, max_length=200)]
Name = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN, max_length=200)]
Unit = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN, max_length=50)]
# What a figure counts, as a short phrase read after its unit: escaped, detained, let out,
# transferred, held, killed, displaced ...
Counts = Annotated[
    str,
    msgspec.Meta(
        pattern=LINE_PATTERN,
        max_length=60,
        description="What is counted, read after the unit: escaped, detained, held ...",
    ),
]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Markdown = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
# `extra` marks EDTF text, so the loader can point a bad date at its own line and column.
Edtf = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        extra={"edtf": True},
        description=(
            "An EDTF level 0/1 date, e.g. 2026-01-20, 2017-08, 2021, 2026-01-17~, "
            "2026-01-17/2026-01-22, or one unknown day of a range: [2026-01-17..2026-01-22]"
        ),
    ),
]
SourceIndex = Annotated[int, msgspec.Meta(ge=1)]
Number = int | float  # int first, so that 1500 stays 1500 in JSON
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]

Status = Literal["reported", "confirmed", "disputed", "retracted"]
STATUSES: tuple[Status, ...] = ("reported", "confirmed", "disputed", "retracted")
# How a source words a number, so that each figure reads as its claimant said it ("a little
# over 100" is just-over, not at-least: at least 100 would not contradict at least 1,500).
Qualifier = Literal[
    "exact", "about", "at-least", "at-most", "more-than", "fewer-than", "just-over", "just-under"
]
QUALIFIERS: dict[Qualifier, str] = {  # the words before the number
    "exact": "",
    "about": "about ",
    "at-least": "at least ",
    "at-most": "at most ",
    "more-than": "more than ",
    "fewer-than": "fewer than ",
    "just-over": "just over ",
    "just-under": "just under ",
}


class Record(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Base of every record: strict, immutable, keyword-only (see the module docstring).

    Subclasses repeat ``frozen=True``: msgspec inherits it anyway, but type checkers reading
    the dataclass transform only see it when it is written on the class.
    """


def _check_date(text: str | None) -> None:
    # DateError is a ValueError, so msgspec reports it at this record's path.
    if text is not None:
        dates.parse(text)


class Figure(Record, frozen=True):
    """A number someone claimed: ``{value, qualifier}`` or a range ``{low, high}``, of
    ``unit``, and what it ``counts``: ``{value: 1500, qualifier: at-least, unit: people,
    counts: escaped}`` reads "at least 1,500 people escaped"."""

    unit: Unit
    counts: Counts
    value: Number | None = None
    qualifier: Qualifier | None = None
    low: Number | None = None
    high: Number | None = None

    def __post_init__(self) -> None:
        has_value = self.value is not None
        has_range = self.low is not None or self.high is not None
        if has_value == has_range:
            raise ValueError("a figure has either `value` or both `low` and `high`")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("a range figure needs both `low` and `high`")
            if self.qualifier is not None:
                raise ValueError("`qualifier` goes with `value`, not with a `low`/`high` range")
            if self.low > self.high:
                raise ValueError(f"`low` ({self.low:g}) is greater than `high` ({self.high:g})")
        for number in (self.value, self.low, self.high):
            if number is not None and not math.isfinite(number):
                raise ValueError("figures must be finite numbers")


class Claim(Record, frozen=True):
    """A statement attributed to one actor, possibly contradicting another claim."""

    by: Slug
    text: Text
    figure: Figure | None = None
    source: SourceIndex | None = None
    date: Edtf | None = None  # when the claim was made, if the source says

    def __post_init__(self) -> None:
        _check_date(self.date)


class Source(Record, frozen=True):
    """Where the record's facts come from. ``url`` is omitted where no address is known."""

    title: Title
    publisher: Name
    url: Url | None = None
    published: Edtf | None = None
    archived: Url | None = None
    note: Text | None = None  # e.g. why there is no URL, or how the source was read

    def __post_init__(self) -> None:
        _check_date(self.published)


class Update(Record, frozen=True):
    """One entry of an event's public correction history."""

    date: Edtf
    note: Text
    status: Status | None = None  # the event's status from this date on

    def __post_init__(self) -> None:
        _check_date(self.date)


class Event(Record, frozen=True):
    """One event file, ``events/<YYYY>/<id>.yaml``; the id is the file name."""

    title: Title
    date: Edtf
    summary: Markdown
    sources: Annotated[list[Source], msgspec.Meta(min_length=1)]
    status: Status = "reported"
    tags: list[Slug] = []
    actors: list[Slug] = []
    places: list[Slug] = []
    claims: list[Claim] = []
    related: list[Slug] = []
    updates: list[Update] = []

    def __post_init__(self) -> None:
        _check_date(self.date)

    @property
    def when(self) -> dates.EdtfDate:
        return dates.parse(self.date)


class Actor(Record, frozen=True):
    """A person, group, government, outlet or other party an event or claim names."""

    name: Name
    kind: Slug
    aliases: list[Name] = []
    description: Text | None = None


class Place(Record, frozen=True):
    """A place; ``within`` names its parent place. Coordinates are WGS 84 degrees."""

    name: Name
    kind: Slug
    aliases: list[Name] = []
    within: Slug | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    description: Text | None = None

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both `lat` and `lon`, or neither")
        for number in (self.lat, self.lon):
            if number is not None and not math.isfinite(number):
                raise ValueError("coordinates must be finite numbers")


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def event_schema() -> bytes:
    """The JSON Schema of an event file, from these types: what editors validate as you type
    (``dateline export schema``; ``/api/v1/schema/event``). The bytes depend on the model
    alone."""
    schema = {
        "$schema": SCHEMA_DIALECT,
        "title": "Dateline event file",
        "description": "events/<YYYY>/<id>.yaml: one event, its claims and its sources.",
        **msgspec.json.schema(Event),
    }
    return msgspec.json.format(msgspec.json.encode(schema), indent=2) + b"\n"
