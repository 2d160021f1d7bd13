"""The API's query parameters turned into store queries, or into reasons they are wrong.

Parsing here knows nothing of HTTP: it takes the text of each parameter and returns the
:mod:`dateline.store` objects, or raises :class:`InvalidParameters` naming every parameter
that is wrong and why. The app turns that into a problem+json 400.

Cursors are opaque to clients but not secret: base64url of a small JSON array, the sort it
belongs to followed by the key of the last item served. A cursor that does not decode into
exactly that shape, or that belongs to another sort, is refused rather than guessed at.
Keyset paging keeps pages correct while paging: each page starts strictly after the last key
served, so no item is repeated or skipped, whatever the page size.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import msgspec

from dateline import dates
from dateline.compiler import fold
from dateline.diagnostics import quote
from dateline.loading import did_you_mean
from dateline.store import Key, Near, Sort, Store

MAX_TERMS: Final = 16
_LISTS: Final = {
    "tag": "/api/v1/tags",
    "actor": "/api/v1/actors",
    "place": "/api/v1/places",
    "actor kind": "/api/v1/actors",
    "place kind": "/api/v1/places",
}
_WORD: Final = re.compile(r"[^\W_]+", re.UNICODE)
_CHUNK: Final = re.compile(r'"([^"]*)"(\*?)|(\S+)')


@dataclass(frozen=True)
class InvalidParam:
    name: str
    reason: str


class InvalidParameters(Exception):
    """One or more query parameters are wrong; each names the parameter and says why."""

    def __init__(self, params: Sequence[InvalidParam]) -> None:
        self.params = list(params)
        super().__init__("; ".join(f"{p.name}: {p.reason}" for p in self.params))


class Errors:
    """Invalid parameters collected while parsing, raised together."""

    def __init__(self) -> None:
        self.found: list[InvalidParam] = []

    def add(self, name: str, reason: str) -> None:
        self.found.append(InvalidParam(name, reason))

    def raise_any(self) -> None:
        if self.found:
            raise InvalidParameters(self.found)


def unknown_value(value: str, kind: str, known: Sequence[str]) -> str:
    """Why a filter value is refused: "no tag is 'ISIS'; did you mean 'isis'?" (case aside,
    the closest known value), else how to see them all."""
    lowered = {k.lower(): k for k in known}
    close = did_you_mean(value.lower(), lowered)
    hint = f"did you mean '{lowered[close]}'?" if close else f"see {_LISTS[kind]} for them all"
    return f"no {kind} is '{value}'; {hint}"


def span_bounds(
    start: str | None, end: str | None, errors: Errors
) -> tuple[str | None, str | None]:
    """``from`` and ``to`` as span keys: events must end after the first, start before the second.

    Either may be a partial date: ``from=2017-08`` means from the start of August 2017,
    ``to=2017-08`` up to the end of August 2017.
    """
    after = before = None
    if start is not None:
        try:
            after = dates.parse(start).start_key()
        except dates.DateError as error:
            errors.add("from", str(error))
    if end is not None:
        try:
            before = dates.parse(end).end_key()
        except dates.DateError as error:
            errors.add("to", str(error))
    if after is not None and before is not None and after >= before:
        errors.add("to", f"{quote(end or '')} ends before {quote(start or '')} begins")
    return after, before


def moment(text: str, name: str, errors: Errors) -> str | None:
    """An RFC 3339 moment (``2026-01-21T10:00:00Z``, any offset) or a date (its midnight UTC),
    as ``last_modified`` is written: UTC, to the second; a fraction of a second counts up to
    the next whole one (a record modified at or after 10:00:00.5 was at 10:00:01 or later)."""
    shape = f"{quote(text)} is not a date or an RFC 3339 time, e.g. 2026-01-21T10:00:00Z"
    try:
        if len(text) == 10:
            parsed = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time())
            parsed = parsed.replace(tzinfo=datetime.UTC)
        else:
            parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        errors.add(name, shape)
        return None
    if "T" not in text.upper() and len(text) != 10:
        errors.add(name, shape)
        return None
    if parsed.tzinfo is None:
        errors.add(name, f"{quote(text)} gives no time zone; end it with Z (UTC) or an offset")
        return None
    try:
        utc = parsed.astimezone(datetime.UTC)
        if utc.microsecond:
            utc = utc.replace(microsecond=0) + datetime.timedelta(seconds=1)
    except OverflowError:
        errors.add(name, f"{quote(text)} is out of range")
        return None
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def near(text: str, errors: Errors) -> Near | None:
    """``lat,lon,km``: a point in degrees and a radius in kilometres."""
    parts = text.split(",")
    shape = f"{quote(text)} is not lat,lon,km, e.g. 36.38,41.15,50"
    if len(parts) != 3:
        errors.add("near", shape)
        return None
    try:
        lat, lon, km = (float(part) for part in parts)
    except ValueError:
        errors.add("near", shape)
        return None
    if not all(math.isfinite(x) for x in (lat, lon, km)):
        errors.add("near", f"{quote(text)}: latitude, longitude and radius must be numbers")
    elif not -90 <= lat <= 90:
        errors.add("near", f"latitude {parts[0].strip()} is out of range; it runs from -90 to 90")
    elif not -180 <= lon <= 180:
        errors.add(
            "near", f"longitude {parts[1].strip()} is out of range; it runs from -180 to 180"
        )
    elif not 0 < km <= 20_100:
        errors.add(
            "near",
            f"radius {parts[2].strip()} km is out of range; give more than 0 and at most 20100",
        )
    else:
        return Near(lat, lon, km)
    return None


def search_expression(text: str, errors: Errors) -> str | None:
    """Words people type as an FTS5 expression: every word must match, in any column.

    ``"al hawl"`` (or ``al-hawl``) is a phrase; a trailing ``*`` matches a prefix (``detain*``);
    ``OR`` (in capitals) between two words or phrases matches either, and binds tighter than
    the implicit AND, as on web search engines: ``camp prison OR jail`` is camp AND (prison OR
    jail). Words are stemmed as the index is (``helicopter`` finds "helicopters"). FTS5's own
    syntax (NEAR, NOT, column filters) is not passed through: its errors would be the client's
    puzzle, and quoting each word makes every input a valid query.
    """
    groups: list[list[str]] = []  # alternatives (OR) within, all of them (AND) across
    joined = False  # the last chunk was an OR that joins the next chunk to the last group
    terms = 0
    for quoted, quoted_star, bare in _CHUNK.findall(fold(text)):
        if bare == "OR" and groups and not joined:
            joined = True
            continue
        chunk = quoted if quoted or quoted_star else bare
        prefix = bool(quoted_star) or chunk.endswith("*")
        words = _WORD.findall(chunk)
        if not words:
            continue
        terms += len(words)
        phrase = f'"{" ".join(words)}"' + ("*" if prefix else "")
        if joined:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        joined = False
    if joined:  # a last OR joins nothing: it is the word "or"
        terms += 1
        groups.append(['"or"'])
    if not groups:
        errors.add("q", f"{quote(text)} has no words to search for; give letters or digits")
        return None
    if terms > MAX_TERMS:
        errors.add("q", f"too many words ({terms}); at most {MAX_TERMS} are searched")
        return None
    return " AND ".join(
        group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")" for group in groups
    )


def suggestion(text: str, store: Store) -> str | None:
    """``text`` with each word that is in no event replaced by the closest that is
    (:meth:`Store.closest_word`), if that finds something: "did you mean"."""
    folded = fold(text)
    pieces: list[str] = []
    end = 0
    for match in _WORD.finditer(folded):
        close = store.closest_word(match[0]) if match[0] != "OR" else None
        if close is not None:
            pieces += [folded[end : match.start()], close]
            end = match.end()
    if not pieces:
        return None
    suggested = "".join(pieces) + folded[end:]
    expression = search_expression(suggested, Errors())
    return suggested if expression is not None and store.matches(expression) else None


def fields(text: str, shape: type[msgspec.Struct]) -> frozenset[str]:
    """``fields=id,title``: names of top-level fields of ``shape``, the items of a list."""
    known = [f.encode_name for f in msgspec.structs.fields(shape)]
    names = [name.strip() for name in text.split(",")]
    wrong = []
    for name in names:
        if name not in known:
            close = did_you_mean(name, known)
            hint = f"did you mean '{close}'?" if close else "expected " + ", ".join(known)
            wrong.append(InvalidParam("fields", f"{quote(name)} is not a field of an item; {hint}"))
    if wrong:
        raise InvalidParameters(wrong)
    return frozenset(names)


# --- cursors -------------------------------------------------------------------------------


def encode_cursor(sort: str, key: Key) -> str:
    raw = msgspec.json.encode([sort, *key])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_CURSOR_SHAPES: Final[dict[str, tuple[type, ...]]] = {
    "date": (str, str),
    "-date": (str, str),
    "relevance": (float, str, str),
    "updated": (str, str),
    "-updated": (str, str),
    "claims": (str, str, int),
    "actors": (str,),
    "places": (str,),
    "tags": (int, str),
}


_EVENT_SORTS: Final = ("date", "-date", "relevance", "updated", "-updated")


def decode_cursor(text: str, sort: Sort | str) -> Key:
    """The key a cursor carries, if it is one this API gave out for ``sort``."""
    refused = InvalidParameters(
        [InvalidParam("cursor", "is not a cursor this API gave out; use the `next` link as is")]
    )
    try:
        padded = text + "=" * (-len(text) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        value = msgspec.json.decode(raw)
    except (ValueError, binascii.Error, UnicodeError, msgspec.DecodeError):
        raise refused from None
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        raise refused
    if value[0] != sort:
        if value[0] in _EVENT_SORTS and sort in _EVENT_SORTS:
            reason = f"belongs to sort={value[0]}; keep the sort of the page it came from"
            raise InvalidParameters([InvalidParam("cursor", reason)])
        raise refused
    shape = _CURSOR_SHAPES[sort]
    key = value[1:]
    if len(key) != len(shape) or not all(
        _fits(part, kind) for part, kind in zip(key, shape, strict=True)
    ):
        raise refused
    return tuple(key)


def _fits(part: object, kind: type) -> bool:
    """A cursor part of the right type, and one SQLite can compare (64-bit, finite)."""
    if isinstance(part, bool) or not isinstance(part, kind):
        return False
    if isinstance(part, int):
        return -(2**63) <= part < 2**63
    if isinstance(part, float):
        return math.isfinite(part)
    return True
