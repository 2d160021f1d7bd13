"""The API's query parameters, each declared once.

A query is a frozen dataclass whose fields are its parameters: each field's type and its
``QueryParameter`` (name, description, bounds) say everything about it. :func:`provide` turns
a query class into a Litestar dependency whose signature is those fields, so that

* the OpenAPI document describes every parameter of every route that uses the query
  (Litestar documents a dependency's parameters on each route that takes it);
* Litestar checks the types and bounds, and :func:`expected` words its refusals from the same
  declaration;
* ``before_request`` refuses parameters that no declaration names (:func:`declared`);
* the handler receives one object, and its ``select`` method turns the text into a Store query.

``/events``, ``/timeline`` and the list formats (``/events.csv`` ...) share :class:`EventQuery`;
``/claims`` has :class:`ClaimQuery`. Adding a filter to all of them is one field here and its
meaning in ``select`` (and :class:`~dateline.store.EventFilter` if the Store must learn it).
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal, TypeVar

from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg, QueryParameter, SkipValidation
from litestar.typing import FieldDefinition

from dateline import model
from dateline.store import EventFilter, Named, Store, unique
from dateline.web import query
from dateline.web.query import Errors

Q = TypeVar("Q")

EVENT_QUERY: Final = "event_query"  # the dependency's name, as handlers take it
CLAIM_QUERY: Final = "claim_query"
ACTOR_QUERY: Final = "actor_query"
PLACE_QUERY: Final = "place_query"


@dataclass(frozen=True)
class Names:
    """Marks a parameter whose values name a tag, actor or place: a value that names none is
    refused (with the closest one), where it would otherwise select nothing, silently."""

    kind: Named


@dataclass(frozen=True, kw_only=True)
class EventQuery:
    """What ``/events``, ``/timeline`` and the list formats select."""

    from_: Annotated[
        str | None,
        QueryParameter(
            name="from",
            max_length=100,
            description="Events that end after the start of this (partial) EDTF date: 2017-08.",
        ),
    ] = None
    to: Annotated[
        str | None,
        QueryParameter(
            max_length=100,
            description="Events that start before the end of this (partial) EDTF date: 2021.",
        ),
    ] = None
    tag: Annotated[
        list[str] | None,
        QueryParameter(description="Tag slug; repeatable (OR)."),
        Names("tag"),
    ] = None
    actor: Annotated[
        list[str] | None,
        QueryParameter(
            description="Actor id, matching events that list it or carry its claims; "
            "repeatable (OR)."
        ),
        Names("actor"),
    ] = None
    place: Annotated[
        list[str] | None,
        QueryParameter(description="Place id, also matching places within it; repeatable (OR)."),
        Names("place"),
    ] = None
    status: Annotated[
        list[model.Status] | None, QueryParameter(description="Status; repeatable (OR).")
    ] = None
    q: Annotated[
        str | None,
        QueryParameter(
            max_length=200,
            description='Full-text search, stemmed; every word must match. "a phrase", '
            "prefix*, and OR between words or phrases (either; binds tighter than AND).",
        ),
    ] = None
    near: Annotated[
        str | None,
        QueryParameter(
            max_length=100, description="lat,lon,km: events at a place within km of the point."
        ),
    ] = None
    updated_since: Annotated[
        str | None,
        QueryParameter(
            max_length=40,
            description="Events whose record was last modified at or after this RFC 3339 time "
            "(2026-01-21T10:00:00Z) or date: see `last_modified`.",
        ),
    ] = None

    def select(self, errors: Errors) -> EventFilter:
        """The Store's filter; each wrong value is added to ``errors``, which the caller raises."""
        after, before = query.span_bounds(self.from_, self.to, errors)
        return EventFilter(
            after=after,
            before=before,
            tags=unique(self.tag or ()),
            actors=unique(self.actor or ()),
            places=unique(self.place or ()),
            statuses=unique(self.status or ()),  # type: ignore[arg-type]  # checked by Litestar
            text=query.search_expression(self.q, errors) if self.q is not None else None,
            near=query.near(self.near, errors) if self.near is not None else None,
            updated_since=(
                query.moment(self.updated_since, "updated_since", errors)
                if self.updated_since is not None
                else None
            ),
        )


@dataclass(frozen=True, kw_only=True)
class ClaimQuery:
    """What ``/claims`` selects."""

    by: Annotated[
        list[str] | None, QueryParameter(description="Actor id; repeatable (OR)."), Names("actor")
    ] = None
    event: Annotated[list[str] | None, QueryParameter(description="Event id; repeatable (OR).")] = (
        None
    )
    tag: Annotated[
        list[str] | None, QueryParameter(description="Tag slug; repeatable (OR)."), Names("tag")
    ] = None


@dataclass(frozen=True, kw_only=True)
class ActorQuery:
    """What ``/actors`` selects."""

    kind: Annotated[
        list[str] | None,
        QueryParameter(description="Kind of actor (as in its record); repeatable (OR)."),
        Names("actor kind"),
    ] = None


@dataclass(frozen=True, kw_only=True)
class PlaceQuery:
    """What ``/places`` selects."""

    kind: Annotated[
        list[str] | None,
        QueryParameter(description="Kind of place (as in its record); repeatable (OR)."),
        Names("place kind"),
    ] = None
    within: Annotated[
        list[str] | None,
        QueryParameter(
            description="Place id: the places within it, at any depth; repeatable (OR)."
        ),
        Names("place"),
    ] = None


# How a handler takes a query. Litestar would convert the value to the annotated class again,
# which refuses a subclass (one that adds a filter); it is built from checked values already.
EventQueryDependency = NamedDependency[SkipValidation[EventQuery]]
ClaimQueryDependency = NamedDependency[SkipValidation[ClaimQuery]]
ActorQueryDependency = NamedDependency[SkipValidation[ActorQuery]]
PlaceQueryDependency = NamedDependency[SkipValidation[PlaceQuery]]

# Parameters of one route each: how a list is ordered and paged, and the timeline's buckets.
SortParam = Annotated[
    Literal["date", "-date", "relevance", "updated", "-updated"] | None,
    QueryParameter(
        description="date (default), -date, relevance (default with q; needs q), or "
        "updated / -updated (by `last_modified`; -updated: the latest changes first)."
    ),
]
Limit = Annotated[
    int, QueryParameter(ge=0, le=500, description="Items per page, 0-500 (0: only the total).")
]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=2000, description="From the `next` link of the previous page."),
]
Fields = Annotated[
    str | None,
    QueryParameter(
        max_length=500,
        description="Top-level fields of each item to keep, comma-separated (id,title,date): "
        "the items then hold only those fields.",
    ),
]
IntervalParam = Annotated[
    Literal["year", "month", "day"], QueryParameter(description="Bucket size: year, month or day.")
]


def provide(cls: type[Q]) -> Provide:
    """A Litestar dependency that builds ``cls`` from the query parameters its fields declare."""
    hints = typing.get_type_hints(cls, include_extras=True)
    parameters = [
        inspect.Parameter(
            field.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None if field.default is dataclasses.MISSING else field.default,
            annotation=hints[field.name],
        )
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]  # a dataclass
    ]

    names = _marks(hints)
    store = inspect.Parameter(
        "store", inspect.Parameter.KEYWORD_ONLY, annotation=NamedDependency[Store]
    )

    def build(store: Store, **values: Any) -> Q:
        errors = Errors()
        for field, (name, kind) in names.items():
            for value in store.unknown(kind, values.get(field) or ()):
                errors.add(name, query.unknown_value(value, kind, store.known(kind)))
        errors.raise_any()
        return cls(**values)

    build.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*parameters, store], return_annotation=cls
    )
    build.__annotations__ = {p.name: p.annotation for p in [*parameters, store]} | {"return": cls}
    build.__name__ = build.__qualname__ = f"provide_{cls.__name__}"
    return Provide(build, sync_to_thread=False)


def _marks(hints: dict[str, Any]) -> dict[str, tuple[str, Named]]:
    """The fields marked `Names`: each with the name clients use and what it names."""
    found = {}
    for field, hint in hints.items():
        metadata = getattr(hint, "__metadata__", ())
        for mark in metadata:
            if isinstance(mark, Names):
                given = [m.name for m in metadata if isinstance(m, QueryParameter) and m.name]
                found[field] = (given[0] if given else field, mark.kind)
    return found


def declared(handler: HTTPRouteHandler) -> dict[str, FieldDefinition]:
    """The query parameters of a route, by the name clients use, from its handler's own
    parameters and from the queries it depends on."""
    found: dict[str, FieldDefinition] = {}
    providers = handler.resolve_dependencies()

    def visit(fields: dict[str, FieldDefinition]) -> None:
        for name, field in fields.items():
            kwarg = field.kwarg_definition
            if isinstance(kwarg, QueryParameter):
                found[kwarg.name or name] = field
            elif name in providers:
                visit(providers[name].parsed_fn_signature.parameters)

    visit(handler.parsed_fn_signature.parameters)
    return found


def _one_value(annotation: Any) -> Any:
    """The type of one value of a parameter: ``X`` of ``X | None``, ``list[X]`` and so on."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        elif origin is list:
            (annotation,) = typing.get_args(annotation)
        else:
            return annotation


def allowed(field: FieldDefinition) -> frozenset[str] | None:
    """The values a parameter allows, if it allows a fixed set."""
    one = _one_value(field.annotation)
    if typing.get_origin(one) is Literal:
        return frozenset(str(a) for a in typing.get_args(one))
    return None


def expected(field: FieldDefinition) -> str | None:
    """What a parameter's values must be, in words, from its declaration (for a 400)."""
    one = _one_value(field.annotation)
    if typing.get_origin(one) is Literal:
        return "expected one of " + ", ".join(str(a) for a in typing.get_args(one))
    kwarg = field.kwarg_definition
    bounds = kwarg if isinstance(kwarg, ParameterKwarg) else None
    if one is int:
        if bounds is not None and bounds.ge is not None and bounds.le is not None:
            return f"must be a whole number from {bounds.ge} to {bounds.le}"
        return "must be a whole number"
    if bounds is not None and bounds.max_length is not None:
        return f"must be at most {bounds.max_length} characters"
    return None
