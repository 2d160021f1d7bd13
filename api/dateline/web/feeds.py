"""The event list in other formats: ``/api/v1/events.{ndjson,geojson,ics,atom,csv}``.

Each takes the filters of ``/events`` (``from``, ``to``, ``tag``, ``actor``, ``place``,
``status``, ``q``, ``near``) and answers with every matching event in date order, in one
response: no paging. NDJSON streams any number; for the others at most `MAX_EVENTS` may
match, and past that the answer is a problem+json 400 that says to filter. The bytes come
from :mod:`dateline.formats`, the serialisers that ``dateline export`` uses too; links in
them point at ``/api/v1/events/{id}`` under the app's base URL (``dateline serve
--base-url``), never under the request's ``Host``. ETags, 304s, gzip and CORS are those of
every other read.

``/api/v1/corrections.atom`` is the feed of corrections: the ``limit`` newest entries of the
events' ``updates``, newest first, read from the store's ``corrections`` table.
"""

from typing import Any, Final

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.response import Stream

from dateline import formats, resources
from dateline.media import MEDIA_TYPES, Format
from dateline.store import Store
from dateline.web import query
from dateline.web.parameters import EventQuery, EventQueryDependency, Limit
from dateline.web.problems import ERRORS

MAX_EVENTS: Final = 10_000
BASE_URL_KEY: Final = "base_url"  # in the app's state: the address clients reach it at

_ABOUT: Final[dict[Format, str]] = {
    "geojson": (
        "Matching events as a GeoJSON FeatureCollection: one Point Feature per event per "
        "place with coordinates; `skipped` counts the events with none."
    ),
    "ics": (
        "Matching events as an iCalendar calendar: one VEVENT per event with a known date "
        "bound (UID `<id>@dateline`); X-DATELINE-SKIPPED counts those with none."
    ),
    "atom": "Matching events as an Atom 1.0 feed, one entry per event, in date order.",
    "csv": (
        "Matching events as CSV, one row per event: id, title, edtf, start, end, precision, "
        "approximate, uncertain, one_of, label, status, tags, actors, places, sources, figures, "
        "file."
    ),
}


def _feed(
    fmt: Format, request: Request[Any, Any, Any], store: Store, event_query: EventQuery
) -> Response[Any]:
    errors = query.Errors()
    selected = event_query.select(errors)
    errors.raise_any()
    try:
        chosen = formats.select(store, selected, limit=MAX_EVENTS)
    except formats.TooMany as error:
        raise ClientException(detail=str(error)) from None
    path = request.url.path  # .../events.atom
    here = request.app.state[BASE_URL_KEY] + path
    events = here.rsplit(".", 1)[0]  # .../events, the list these are the feeds of

    def link(event_id: str) -> str:
        return f"{events}/{event_id}"

    if fmt == "atom":
        params = request.url.query
        body = formats.atom(
            chosen.events,
            link,
            feed_id=f"urn:dateline:events?{params}" if params else "urn:dateline:events",
            self_url=f"{here}?{params}" if params else here,
        )
    else:
        body = formats.render(fmt, chosen, link)
    content: Any = msgspec.Raw(body) if fmt == "geojson" else body
    # Litestar adds "; charset=utf-8" to a text/ type itself.
    return Response(content, media_type=MEDIA_TYPES[fmt].split(";")[0])


def _handler(fmt: Format, returns: Any) -> HTTPRouteHandler:
    def handler(
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        event_query: EventQueryDependency,
    ) -> Response[Any]:
        return _feed(fmt, request, store, event_query)

    handler.__annotations__["return"] = Response[returns]
    handler.__name__ = handler.__qualname__ = f"list_events_{fmt}"
    return get(
        f"/events.{fmt}",
        media_type=MEDIA_TYPES[fmt],
        sync_to_thread=True,
        responses=ERRORS,
        summary=f"Events as {fmt}",
        description=_ABOUT[fmt],
    )(handler)


@get(
    "/events.ndjson",
    media_type=MEDIA_TYPES["ndjson"],
    responses=ERRORS,
    summary="Events as NDJSON",
    description=(
        "Every matching event, complete (as /events/{event_id} gives it), one JSON object per "
        "line, in date order: streamed, with no cap on how many."
    ),
)
async def list_events_ndjson(
    store: NamedDependency[Store], event_query: EventQueryDependency
) -> Stream:
    errors = query.Errors()
    selected = event_query.select(errors)
    errors.raise_any()
    # Read a page at a time in a worker thread, from the request's one snapshot.
    return Stream(formats.ndjson(store, selected), media_type=MEDIA_TYPES["ndjson"])


@get(
    "/corrections.atom",
    media_type=MEDIA_TYPES["atom"],
    sync_to_thread=True,
    responses=ERRORS,
    summary="Corrections as Atom",
    description=(
        "The `limit` newest corrections across events, newest first: one Atom entry per entry "
        "of an event's `updates` (id `urn:dateline:event:<id>:update:<n>`), dated by it."
    ),
)
def list_corrections_atom(
    request: Request[Any, Any, Any], store: NamedDependency[Store], limit: Limit = 50
) -> Response[str]:
    decode = resources.decoder(resources.EventResource).decode
    here = request.app.state[BASE_URL_KEY] + request.url.path
    events = here.rsplit("/", 1)[0] + "/events"
    body: Any = formats.corrections(  # bytes, served as they are
        [decode(record) for record in store.corrected(limit)],
        lambda event_id: f"{events}/{event_id}",
        limit=limit,
        self_url=f"{here}?{request.url.query}" if request.url.query else here,
    )
    return Response(body, media_type=MEDIA_TYPES["atom"].split(";")[0])


HANDLERS: Final = [
    list_events_ndjson,
    list_corrections_atom,
    _handler("geojson", formats.FeatureCollection),
    _handler("ics", str),
    _handler("atom", str),
    _handler("csv", str),
]
