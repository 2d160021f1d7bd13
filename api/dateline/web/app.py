"""The read-only JSON API, ``/api/v1``: ``create_app(store) -> Litestar``.

=============================  ====================================================================
``GET /api/v1/events``         events, filtered and paged (see below)
``GET /api/v1/events/{id}``    one event, complete
``GET /api/v1/actors``         actors with their numbers of events, paged; ``kind``
``GET /api/v1/actors/{id}``    one actor and the first page of its events
``GET /api/v1/places``         places with their numbers of events (their own and those within),
                               paged; ``kind``, ``within`` (at any depth)
``GET /api/v1/places/{id}``    one place, the places directly within it, the first page of events
``GET /api/v1/tags``           tags with their numbers of events, most used first, paged
``GET /api/v1/claims``         attributed claims across events, paged: ``by``, ``event``, ``tag``
``GET /api/v1/corrections.atom``  the newest corrections, as Atom
``GET /api/v1/timeline``       counts per ``interval`` (year, month, day) under the event filters
``GET /api/v1/schema/event``   the JSON Schema of the event file format
``GET /api/v1/health``         the dataset revision, counts, and problems of a failed reload
``GET /api/v1/docs``           interactive API docs; ``/api/v1/docs/openapi.json`` the document
=============================  ====================================================================

Filters of ``/events`` (and ``/timeline``): ``from`` and ``to`` take partial dates and select the
events whose span overlaps ``[from's start, to's end)`` — an event in ``2017-08`` matches
``from=2017-08-15``; ``tag``, ``actor`` and ``place`` repeat, alternatives within one (OR) and
all of them across (AND); an actor matches the events that list it or carry its claims, a place
matches the events at it or at any place within it; ``status`` repeats too; ``q`` is
full-text and stemmed, every word must match (``"a phrase"``, ``prefix*``, ``a OR b``), and a
search that finds nothing because of a word in no event gets a ``suggestion``;
``near=lat,lon,km`` keeps events at a place within that radius; ``updated_since`` keeps the
records last modified at or after a time. ``sort`` is ``date`` (the default), ``-date``,
``relevance`` (the default with ``q``, and only with ``q``), ``updated`` or ``-updated`` (by
``last_modified``, from git); ``limit`` is 0-500 (50); each page gives ``total`` and a
``next`` URL carrying an opaque ``cursor``.

Every 4xx is ``application/problem+json`` (see :mod:`dateline.web.problems`); every successful
read has a strong ``ETag``, answers ``If-None-Match`` with a 304, and says
``Cache-Control: public, max-age=60``; responses of 500 bytes or more are gzipped when the
client accepts it, and any origin may read (CORS).

The OpenAPI document (``/api/v1/docs/openapi.json``) is generated from the handlers and the
Structs of :mod:`dateline.resources`. The interactive page at ``/api/v1/docs`` is Swagger UI,
whose script, style sheet and icon the app serves itself from ``/api/v1/docs/assets/`` (never a
CDN), so the page works with no network. They come from the ``openapi-ui-bundles`` package
(Swagger UI 5.17, byte for byte npm's ``swagger-ui-dist``); ``swagger-ui-bundle`` 1.1.0 ships
Swagger UI 4.15, which supports only OpenAPI 3.0 and shows "Unable to render this definition"
for the 3.1 document Litestar generates.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec
import openapi_ui_bundles
from litestar import Litestar, MediaType, Request, Response, Router, get
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware.compression import CompressionMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.params import FromPath
from litestar.types import Message, Scope, Send

from dateline import model, resources
from dateline.loading import did_you_mean
from dateline.store import EventFilter, Key, Page, Records, Sort, Store, unique
from dateline.web import feeds, methods, parameters, query
from dateline.web.conditional import ConditionalGetMiddleware
from dateline.web.openapi import operation_id, refine
from dateline.web.parameters import (
    ActorQuery,
    ActorQueryDependency,
    ClaimQuery,
    ClaimQueryDependency,
    Cursor,
    EventQuery,
    EventQueryDependency,
    Fields,
    IntervalParam,
    Limit,
    PlaceQuery,
    PlaceQueryDependency,
    SortParam,
)
from dateline.web.problems import ERRORS, ERRORS_404, exception_handlers
from dateline.web.query import InvalidParam, InvalidParameters
from dateline.web.responsecache import ResponseCache
from dateline.web.sitefiles import site_router

API: Final = "/api/v1"
DOCS: Final = f"{API}/docs"
DOCS_ASSETS: Final = f"{DOCS}/assets"


class Served:
    """The store an app serves. A live one changes under it, commit by commit (see
    :meth:`Store.snapshot`); the problems of a reload that failed are stored with it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.responses = ResponseCache()  # whole responses, by version and URL

    @contextlib.contextmanager
    def now(self) -> Iterator[tuple[Store, str]]:
        """The store as of now, for one request, and the version its responses are tagged
        by: the revision, and a digest of the last reload's problems if it failed (which
        /health reports)."""
        with self.store.snapshot() as store:
            yield store, version(store)


def version(store: Store) -> str:
    """What a response of ``store`` depends on: its revision, and its problems if any."""
    if not store.problems:
        return store.revision
    digest = hashlib.blake2b(store.revision.encode(), digest_size=8)
    for problem in store.problems:
        digest.update(
            f"{problem.file}:{problem.line}:{problem.column}:{problem.message}\0".encode()
        )
    return f"{store.revision}~{digest.hexdigest()}"


def served(app: Litestar) -> Served:
    """The :class:`Served` of an app made by :func:`create_app`."""
    value: Served = app.state["served"]
    return value


def _raw(encoded: bytes) -> Any:
    """JSON the store encoded once, served as it is (typed as the Struct it encodes)."""
    return msgspec.Raw(encoded)


async def _check_parameters(request: Request[Any, Any, Any]) -> None:
    """Refuse unknown and repeated parameters: a typo must not silently widen a query.

    A coroutine, though it awaits nothing: Litestar runs a plain function given as a
    ``before_request`` hook in a thread, and the hand-off there and back cost every request
    more than the check itself."""
    declared = _declared(request.route_handler)
    wrong: list[InvalidParam] = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in declared:
            close = did_you_mean(name, declared)
            hint = f"did you mean '{close}'?" if close else f"expected {_listing(declared)}"
            wrong.append(InvalidParam(name, f"unknown parameter; {hint}"))
        elif not declared[name] and len(request.query_params.getall(name)) > 1:
            wrong.append(InvalidParam(name, "give this parameter once"))
    if wrong:
        raise InvalidParameters(wrong)


@cache
def _declared(handler: HTTPRouteHandler) -> dict[str, bool]:
    """The query parameters of a route, each with whether it may repeat."""
    fields = parameters.declared(handler)
    return {name: field.is_non_string_sequence for name, field in fields.items()}


def _listing(names: dict[str, bool]) -> str:
    return ", ".join(names) if names else "no parameters"


class ReproducibleCompression(CompressionMiddleware):
    """Litestar's gzip, with no time in the gzip header (RFC 1952: MTIME 0, none given), so
    the body under a strong ETag is the same bytes from one request to the next. Litestar
    builds its gzip compressor itself, so the time is cleared from the bytes it sends."""

    def create_compression_send_wrapper(
        self, send: Send, compression_encoding: Any, scope: Scope
    ) -> Send:
        return super().create_compression_send_wrapper(
            _without_gzip_time(send), compression_encoding, scope
        )


def _without_gzip_time(send: Send) -> Send:
    first = False  # the next body message is a gzip stream's first

    async def wrapped(message: Message) -> None:
        nonlocal first
        if message["type"] == "http.response.start":
            first = (b"content-encoding", b"gzip") in message.get("headers", [])
        elif message["type"] == "http.response.body" and first and message.get("body"):
            first = False
            body = message["body"]
            if body[:3] == b"\x1f\x8b\x08":  # the header: ID1 ID2 CM FLG MTIME(4) XFL OS
                message = {**message, "body": body[:4] + bytes(4) + body[8:]}
        await send(message)

    return wrapped


def _store(scope: Scope) -> Store:
    store: Store = scope["state"]["store"]
    return store


T = TypeVar("T")
P = TypeVar("P", resources.ActorPage, resources.PlacePage, resources.TagPage)

# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Links:
    """The URLs of a list's first page and of the next (None after the last): the request's
    own, without its cursor, then with the next page's."""

    first: str
    next: str | None


def _links(request: Request[Any, Any, Any], sort: str, key: Key | None) -> _Links:
    given = urllib.parse.parse_qsl(request.url.query, keep_blank_values=True)
    params = [(k, v) for k, v in given if k != "cursor"]
    first = _url(request.url.path, params)
    return _Links(first, _link(request.url.path, params, sort, key))


def _linked(body: T, links: _Links) -> Response[T]:
    """``body`` with an RFC 8288 ``Link`` header: the ``first`` page and, if any, the ``next``
    (the body's ``next`` too), so a client can page on headers alone, as on GitHub's API."""
    header = f'<{links.first}>; rel="first"'
    if links.next is not None:
        header += f', <{links.next}>; rel="next"'
    return Response(body, headers={"Link": header})


def _link(path: str, params: list[tuple[str, str]], sort: str, key: Key | None) -> str | None:
    if key is None:
        return None
    return _url(path, [*params, ("cursor", query.encode_cursor(sort, key))])


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{path}?{urllib.parse.urlencode(pairs)}" if pairs else path


def _page(
    page: Page, next_link: str | None, fields: frozenset[str] | None = None
) -> resources.EventPage:
    return resources.EventPage(items=_items(page, fields), total=page.total, next=next_link)


def _items(page: Page, fields: frozenset[str] | None) -> list[Any]:
    """A page's items as encoded, or with only the ``fields`` asked for."""
    if fields is None:
        return [_raw(i) for i in page.items]
    return [_raw(resources.only(i, fields)) for i in page.items]


def _fields(text: str | None, shape: type[msgspec.Struct]) -> frozenset[str] | None:
    return query.fields(text, shape) if text is not None else None


def _sort(requested: str | None, text: str | None) -> Sort:
    if requested == "relevance" and text is None:
        raise InvalidParameters(
            [InvalidParam("sort", "sort=relevance needs q, the words to rank by")]
        )
    if requested is None:
        return "relevance" if text is not None else "date"
    return requested  # type: ignore[return-value]  # a Literal checked by Litestar


# --- handlers ----------------------------------------------------------------------------------

# The JSON handlers run on the worker's event loop (``sync_to_thread=False``), not in a thread:
# most pages are read from the memory-mapped store in well under a millisecond, and handing
# one to a thread and back cost more than the query (0.8 ms of a tag filter's 1.6 ms, profiled
# at 10,000 events; 29% -> 35% of the hello app on the distinct-query mix of serve.py). The
# server runs a worker per core, so threads added no parallelism. The price: a slow search
# (common words at 100,000 events) holds up its worker's other requests until it ends, where
# a thread would have shared the core with them. Measured at 100,000 events (serve.py, on two
# days, each beside the hello app), threads were worse on every count: the distinct mix 9% of
# the hello app, p99 323 ms, RSS 6.8 GB, against 16%, p99 149 ms, 1.6 GB inline (the threads'
# pages waited on the interpreter lock, and each thread opens its own SQLite connection).
# The whole-list formats (feeds.py), which take up to seconds, still run in a thread.


@get("/events", name="events", sync_to_thread=False, responses=ERRORS)
def list_events(
    request: Request[Any, Any, Any],
    store: NamedDependency[Store],
    event_query: EventQueryDependency,
    sort: SortParam = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    fields: Fields = None,
) -> Response[resources.EventPage]:
    """Events that match every filter given, one page at a time."""
    errors = query.Errors()
    try:
        chosen_fields = _fields(fields, resources.EventItem)
    except InvalidParameters as error:
        errors.found.extend(error.params)
    after: Key | None = None
    chosen = _sort(sort, event_query.q)
    if cursor is not None:
        try:
            after = query.decode_cursor(cursor, chosen)
        except InvalidParameters as error:
            errors.found.extend(error.params)
    selected = event_query.select(errors)
    errors.raise_any()
    page = store.events(selected, sort=chosen, limit=limit, after=after)
    links = _links(request, chosen, page.next_key)
    body = _page(page, links.next, chosen_fields)
    if event_query.q is not None and page.total == 0:
        body = msgspec.structs.replace(body, suggestion=query.suggestion(event_query.q, store))
    return _linked(body, links)


@get("/events/{event_id:str}", name="event", sync_to_thread=False, responses=ERRORS_404)
def get_event(event_id: FromPath[str], store: NamedDependency[Store]) -> resources.EventResource:
    """One event, with its claims, sources, updates and relations both ways."""
    found = store.event(event_id)
    if found is None:
        raise NotFoundException(detail=f"there is no event '{event_id}'")
    return _raw(found)  # type: ignore[no-any-return]


def _first_events(
    store: Store, selected: EventFilter, parameter: tuple[str, str]
) -> resources.EventPage:
    """The first page of a record's events, with the `/events` link that pages on."""
    page = store.events(selected, sort="date", limit=50)
    return _page(page, _link(f"{API}/events", [parameter], "date", page.next_key))


def _records(
    request: Request[Any, Any, Any],
    store: Store,
    table: Records,
    page_type: type[P],
    *,
    limit: int,
    cursor: str | None,
    fields: str | None,
    kinds: list[str] | None = None,
    within: list[str] | None = None,
) -> Response[P]:
    """A page of actors, places or tags, with its ``next`` link and ``Link`` header."""
    chosen = _fields(fields, _ITEMS[table])
    after = query.decode_cursor(cursor, table) if cursor is not None else None
    page = store.records(
        table, kinds=unique(kinds or ()), within=unique(within or ()), limit=limit, after=after
    )
    links = _links(request, table, page.next_key)
    body = page_type(items=_items(page, chosen), total=page.total, next=links.next)
    return _linked(body, links)


_ITEMS: Final[dict[str, type[msgspec.Struct]]] = {
    "actors": resources.ActorResource,
    "places": resources.PlaceResource,
    "tags": resources.TagResource,
}


@get("/actors", sync_to_thread=False, responses=ERRORS)
def list_actors(
    request: Request[Any, Any, Any],
    store: NamedDependency[Store],
    actor_query: ActorQueryDependency,
    limit: Limit = 50,
    cursor: Cursor = None,
    fields: Fields = None,
) -> Response[resources.ActorPage]:
    """Actors by id, of the kinds given, one page at a time."""
    return _records(
        request,
        store,
        "actors",
        resources.ActorPage,
        limit=limit,
        cursor=cursor,
        fields=fields,
        kinds=actor_query.kind,
    )


@get("/actors/{actor_id:str}", sync_to_thread=False, responses=ERRORS_404)
def get_actor(actor_id: FromPath[str], store: NamedDependency[Store]) -> resources.ActorDetail:
    """One actor and the first page of its events (the `next` link pages on)."""
    found = store.actor(actor_id)
    if found is None:
        raise NotFoundException(detail=f"there is no actor '{actor_id}'")
    events = _first_events(store, EventFilter(actors=(actor_id,)), ("actor", actor_id))
    return resources.ActorDetail(actor=_raw(found), events=events)


@get("/places", sync_to_thread=False, responses=ERRORS)
def list_places(
    request: Request[Any, Any, Any],
    store: NamedDependency[Store],
    place_query: PlaceQueryDependency,
    limit: Limit = 50,
    cursor: Cursor = None,
    fields: Fields = None,
) -> Response[resources.PlacePage]:
    """Places by id, of the kinds given and within the places given, one page at a time."""
    return _records(
        request,
        store,
        "places",
        resources.PlacePage,
        limit=limit,
        cursor=cursor,
        fields=fields,
        kinds=place_query.kind,
        within=place_query.within,
    )


@get("/places/{place_id:str}", sync_to_thread=False, responses=ERRORS_404)
def get_place(place_id: FromPath[str], store: NamedDependency[Store]) -> resources.PlaceDetail:
    """One place, the places directly within it, and the first page of its events."""
    found = store.place(place_id)
    if found is None:
        raise NotFoundException(detail=f"there is no place '{place_id}'")
    return resources.PlaceDetail(
        place=_raw(found),
        children=[_raw(child) for child in store.children(place_id)],
        events=_first_events(store, EventFilter(places=(place_id,)), ("place", place_id)),
    )


@get("/tags", sync_to_thread=False, responses=ERRORS)
def list_tags(
    request: Request[Any, Any, Any],
    store: NamedDependency[Store],
    limit: Limit = 50,
    cursor: Cursor = None,
    fields: Fields = None,
) -> Response[resources.TagPage]:
    """Tags with their numbers of events, most used first, one page at a time."""
    return _records(
        request, store, "tags", resources.TagPage, limit=limit, cursor=cursor, fields=fields
    )


@get("/claims", sync_to_thread=False, responses=ERRORS)
def list_claims(
    request: Request[Any, Any, Any],
    store: NamedDependency[Store],
    claim_query: ClaimQueryDependency,
    limit: Limit = 50,
    cursor: Cursor = None,
    fields: Fields = None,
) -> Response[resources.ClaimPage]:
    """Attributed claims across events, in the order of their events' dates."""
    chosen = _fields(fields, resources.ClaimItem)
    after = query.decode_cursor(cursor, "claims") if cursor is not None else None
    page = store.claims(
        by=unique(claim_query.by or ()),
        events=unique(claim_query.event or ()),
        tags=unique(claim_query.tag or ()),
        limit=limit,
        after=after,
    )
    links = _links(request, "claims", page.next_key)
    body = resources.ClaimPage(items=_items(page, chosen), total=page.total, next=links.next)
    return _linked(body, links)


@get("/timeline", sync_to_thread=False, responses=ERRORS)
def timeline(
    store: NamedDependency[Store],
    event_query: EventQueryDependency,
    interval: IntervalParam = "year",
) -> resources.Timeline:
    """How many matching events start in each year, month or day (UTC)."""
    errors = query.Errors()
    selected = event_query.select(errors)
    errors.raise_any()
    return _raw(store.timeline(selected, interval))  # type: ignore[no-any-return]


_EVENT_SCHEMA: Final = model.event_schema()


@get("/schema/event", media_type="application/schema+json", responses=ERRORS)
async def event_schema() -> dict[str, Any]:
    """The JSON Schema of an event file (events/<YYYY>/<id>.yaml), from the model."""
    return _raw(_EVENT_SCHEMA)  # type: ignore[no-any-return]


@get("/health", responses=ERRORS)
async def health(
    request: Request[Any, Any, Any], store: NamedDependency[Store]
) -> resources.Health:
    """The revision served, its counts, and the problems of a reload that failed."""
    problems = store.problems
    return resources.Health(
        status="degraded" if problems else "ok",
        revision=store.revision,
        counts=store.counts,
        warnings=store.warnings,
        problems=problems,
    )


DESCRIPTION: Final = """\
Read-only JSON API over a timeline of real-world events kept as YAML files.

* Every date is `{edtf, start, end, precision, approximate, uncertain, one_of, label}`; a
  span is `[start, end)`, and a null end is open or unknown; `one_of` marks "some day between
  A and B" (`[A..B]`): one unknown day of the span, not something that lasted it.
* `/events` filters: `from`/`to` (partial EDTF dates; an event matches when its span overlaps),
  `tag`, `actor`, `place` (repeatable; OR within one, AND across), `status`, `q` (full-text,
  stemmed, `"phrases"`, `prefix*`, `a OR b`, with `<mark>` snippets and a `suggestion` when
  nothing matches), `near=lat,lon,km`, `updated_since`;
  `sort=date|-date|relevance|updated|-updated`; `limit` 0-500; follow `next` (or the `Link`
  header) for the next page.
* `first_published` and `last_modified` come from the git history of each event's file (the
  record's own dates until it is committed): page `sort=-updated` or poll `updated_since` for
  changes, or read `/corrections.atom`.
* Errors are `application/problem+json` (RFC 9457) with `invalid_params`.
* Reads carry a strong `ETag` (send `If-None-Match` for a 304) and `Cache-Control`.
"""

INDEX: Final = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dateline</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Dateline</h1>
<p>A timeline of real-world events, kept as YAML files and served read-only.</p>
<ul>
<li><a href="{DOCS}">API documentation</a> (interactive)</li>
<li><a href="{DOCS}/openapi.json">OpenAPI document</a></li>
<li><a href="{API}/events">Events</a>, <a href="{API}/tags">tags</a>,
<a href="{API}/actors">actors</a>, <a href="{API}/places">places</a>,
<a href="{API}/timeline">timeline</a>, <a href="{API}/health">health</a></li>
</ul></body></html>
"""


@get("/", media_type=MediaType.HTML, include_in_schema=False)
async def index() -> str:
    return INDEX


# --- the interactive docs' own files -----------------------------------------------------------

SWAGGER_UI: Final = Path(openapi_ui_bundles.swagger_ui.static_path)
# Only the files the page uses: the package's folder also has a demo index.html that loads
# an example API from the internet.
DOCS_FILES: Final = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "dateline-docs.js": "text/javascript",  # DOCS_START: the page's own, made here
}


# The page's one script of its own, as a file: the Content-Security-Policy of the docs allows
# no inline script (Litestar's page has one, with the whole document in it).
DOCS_START: Final = "dateline-docs.js"
_START_SCRIPT: Final = f"""SwaggerUIBundle({{
  url: "{DOCS}/openapi.json",
  dom_id: "#swagger-container",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
}});
"""


@cache
def _docs_file(name: str) -> bytes:
    if name == DOCS_START:
        return _START_SCRIPT.encode()
    return (SWAGGER_UI / name).read_bytes()


@get(
    f"{DOCS_ASSETS.removeprefix(DOCS)}/{{name:str}}", sync_to_thread=False, include_in_schema=False
)
def docs_asset(name: FromPath[str]) -> Response[bytes]:
    """A file of Swagger UI, served here so that the docs page needs no network."""
    media_type = DOCS_FILES.get(name)
    if media_type is None:
        raise NotFoundException(detail=f"there is no file '{name}' of the API docs")
    return Response(_docs_file(name), media_type=media_type)


class _Refined(OpenAPIRenderPlugin):
    """A render plugin that refines the document (:func:`refine`) as it renders it: Litestar
    builds the document on the first docs request and keeps it, so an app starts without
    building it. Refining twice changes nothing, and costs a walk over the paths."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        refine(openapi_schema)
        return super().render(request, openapi_schema)  # type: ignore[safe-super]


class _Swagger(SwaggerRenderPlugin):
    """Swagger UI's page with no inline script or style: it loads the document from
    ``openapi.json`` (refined there) and starts from :data:`DOCS_START`."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(openapi_schema["info"]["title"])
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title>{self.favicon}"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link href="{self.css_url}" rel="stylesheet">'
            f'<script src="{self.js_url}"></script>'
            f'<script src="{self.standalone_preset_js_url}"></script>'
            '</head><body><div id="swagger-container"></div>'
            f'<script src="{DOCS_ASSETS}/{DOCS_START}"></script></body></html>'
        ).encode()


class _Json(_Refined, JsonRenderPlugin):
    pass


SWAGGER: Final = _Swagger(
    path="/",
    js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
    css_url=f"{DOCS_ASSETS}/swagger-ui.css",
    standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
    favicon=f'<link rel="icon" type="image/png" href="{DOCS_ASSETS}/favicon-32x32.png">',
)


API_HANDLERS: Final = [
    list_events,
    get_event,
    list_actors,
    get_actor,
    list_places,
    get_place,
    list_tags,
    list_claims,
    timeline,
    event_schema,
    health,
]


def create_app(
    store: NamedDependency[Store],
    *,
    site: Path | None = None,
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = (),
    event_query: type[EventQuery] = EventQuery,
    base_url: str = "http://127.0.0.1:8000",
) -> Litestar:
    """The API at ``/api/v1``, and at ``/`` the built site (``site``) or a page of links.

    Absolute links (in the Atom and iCalendar feeds) start with ``base_url``, the address
    clients reach the app at: never the request's ``Host`` header, which a client chooses, so
    the bytes of a response depend on the revision and URL alone (and can be cached so).

    ``lifespan`` runs alongside the app (``dateline serve --reload`` watches the events there).
    ``event_query`` declares the filters of the event lists (a subclass may add one).
    """
    state = Served(store)
    # A function, not the bound method: Litestar copies middleware deeply, per route.
    conditional = ConditionalGetMiddleware(
        lambda: state.now(),
        responses=lambda: state.responses,
        uncached=frozenset({f"{API}/health".encode()}),
    )
    api = Router(
        API,
        route_handlers=[*API_HANDLERS, *feeds.HANDLERS],
        dependencies={
            "store": Provide(_store, sync_to_thread=False),
            parameters.EVENT_QUERY: parameters.provide(event_query),
            parameters.CLAIM_QUERY: parameters.provide(ClaimQuery),
            parameters.ACTOR_QUERY: parameters.provide(ActorQuery),
            parameters.PLACE_QUERY: parameters.provide(PlaceQuery),
        },
        middleware=[conditional],
        before_request=_check_parameters,
    )
    root: Any = site_router(site) if site is not None else index
    app = methods.App(
        route_handlers=[api, root],
        exception_handlers=exception_handlers(),
        compression_config=CompressionConfig(
            backend="gzip",
            gzip_compress_level=6,
            minimum_size=500,
            middleware_class=ReproducibleCompression,
        ),
        cors_config=CORSConfig(
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "OPTIONS"],
            expose_headers=list(methods.EXPOSED),
        ),
        openapi_config=OpenAPIConfig(
            title="Dateline API",
            version="1",
            description=DESCRIPTION,
            operation_id_creator=operation_id,
            # The docs and the OpenAPI document get ETags, 304s and the cache as reads do.
            openapi_router=Router(
                DOCS, route_handlers=[docs_asset], middleware=[conditional], include_in_schema=False
            ),
            render_plugins=[SWAGGER, _Json()],
        ),
        lifespan=list(lifespan),
        debug=False,
    )
    app.state["served"] = state
    app.state[feeds.BASE_URL_KEY] = base_url.rstrip("/")
    app.state[methods.PREFIX_KEY] = API
    return app
