"""The OpenAPI document, as a generated client and a schema-driven tester should read it.

Litestar describes an optional query parameter as ``string | null`` (and an optional enum as
one that includes ``null``), but a query string cannot send a null: a parameter is there or
not. A client generated from such a document splits each one into several types. So every
query parameter's schema loses its ``null``; that it may be left out is its ``required:
false``. The text parameters the server parses get the patterns it accepts, so a client (or
schemathesis) can tell a well-formed value before sending it. Each read documents the headers
it sends (``ETag``, ``Cache-Control``, and ``Link`` where it pages) and its 304, and belongs
to one of `TAGS`. Operation ids are the handlers' names in lower camel case (``listEvents``,
``getEvent``): what a generated client names its methods.
"""

from __future__ import annotations

from typing import Any, Final

_NUMBER: Final = r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*"
# What the server parses (dateline.web.query); a value that matches may still be refused for
# its meaning (a latitude past 90, a cursor of another sort), never for its shape alone.
_EDTF_CHARACTERS: Final = r"[-0-9X.\[\]{},TZ:+~?%/ ]"
PATTERNS: Final = {
    "near": rf"^{_NUMBER},{_NUMBER},{_NUMBER}$",
    "cursor": r"^[A-Za-z0-9_-]+={0,2}$",
    # An EDTF date (levels 0 and 1) is written with these characters alone.
    "from": rf"^{_EDTF_CHARACTERS}+$",
    "to": rf"^{_EDTF_CHARACTERS}+$",
    "updated_since": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$",
    "fields": r"^\s*[a-z_]+\s*(,\s*[a-z_]+\s*)*$",
}
_HEADERS: Final = {
    "ETag": {
        "description": "A strong tag of the served revision, the URL and the content coding; "
        "send it back in If-None-Match to get a 304 while nothing changed.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`public, max-age=60` (`no-cache` for /health).",
        "schema": {"type": "string"},
    },
}
_LINK: Final = {
    "Link": {
        "description": 'RFC 8288: the first page (rel="first") and, if any, the next '
        '(rel="next"), as the body\'s `next`.',
        "schema": {"type": "string"},
    }
}
_NOT_MODIFIED: Final = {
    "description": "Not modified: the If-None-Match named this representation's ETag.",
    "headers": _HEADERS,
}


TAGS: Final = {
    "events": "The events, filtered and paged, and their counts over time.",
    "formats": "The matching events at once, as NDJSON, GeoJSON, iCalendar, Atom or CSV; "
    "the corrections as Atom.",
    "records": "Actors, places, tags and the claims attributed to them.",
    "service": "What the server serves: its health and the event file's schema.",
}


def _tag(path: str) -> str:
    name = path.removeprefix("/api/v1/").split("/")[0]
    if name.startswith(("events.", "corrections.")):
        return "formats"
    if name in ("events", "timeline"):
        return "events"
    if name in ("actors", "places", "tags", "claims"):
        return "records"
    return "service"


def operation_id(handler: Any, method: str, components: list[str | Any]) -> str:
    """A handler's name in lower camel case: ``list_events`` is ``listEvents``."""
    first, *rest = str(handler.handler_name).split("_")
    return first + "".join(part.capitalize() for part in rest)


def refine(document: dict[str, Any]) -> None:
    """Rewrite, in place, the document Litestar generated."""
    document["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
    for name, path in document.get("paths", {}).items():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            operation["tags"] = [_tag(name)]
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["schema"] = _without_null(parameter["schema"])
                    if parameter["name"] in PATTERNS:
                        parameter["schema"]["pattern"] = PATTERNS[parameter["name"]]
            responses = operation.get("responses", {})
            if "200" in responses:
                paged = any(p["name"] == "cursor" for p in operation.get("parameters", []))
                headers = {**_HEADERS, **(_LINK if paged else {})}
                responses["200"]["headers"] = {**responses["200"].get("headers", {}), **headers}
                responses["304"] = _NOT_MODIFIED


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with no ``null`` among its types, variants or values."""
    schema = dict(schema)
    variants = [v for v in schema.pop("oneOf", []) if v.get("type") != "null"]
    if len(variants) == 1:  # the rest (maxLength, description...) stays beside it
        schema = {**variants[0], **schema}
    elif variants:
        schema["oneOf"] = variants
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    return schema
