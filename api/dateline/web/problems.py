"""Every error response is one shape: RFC 9457 problem details, ``application/problem+json``.

``type`` is ``about:blank`` (the HTTP status says what kind of problem it is), so ``title`` is
the status phrase; ``detail`` says, for a person, what exactly is wrong; and a 400 lists every
wrong parameter in ``invalid_params`` as ``{name, reason}``::

    HTTP/1.1 400 Bad Request
    Content-Type: application/problem+json

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "limit: must be a whole number from 1 to 500, found '0'",
     "invalid_params": [{"name": "limit",
                         "reason": "must be a whole number from 1 to 500, found '0'"}]}

Litestar's own checks (a parameter that is not a number, a value outside an enum) are turned
into the same shape with Dateline's words; anything unexpected is logged with its traceback
and answered with a 500 problem that gives nothing away (the tests make sure none happens).
"""

from __future__ import annotations

import http
import logging
from typing import Any, Final

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.types import ExceptionHandlersMap

from dateline.diagnostics import quote
from dateline.web import parameters
from dateline.web.query import InvalidParam, InvalidParameters

MEDIA_TYPE: Final = "application/problem+json"

logger = logging.getLogger("dateline.api")


class InvalidParamDetail(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    reason: str


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem; ``invalid_params`` is set for a 400 about parameters."""

    type: str
    title: str
    status: int
    detail: str
    invalid_params: list[InvalidParamDetail] = []


PROBLEM_400: Final = ResponseSpec(
    data_container=Problem,
    media_type=MEDIA_TYPE,
    description="A parameter is wrong: `invalid_params` names each and says why.",
    generate_examples=False,
)
PROBLEM_404: Final = ResponseSpec(
    data_container=Problem,
    media_type=MEDIA_TYPE,
    description="There is no such record.",
    generate_examples=False,
)
MAX_TARGET: Final = 8192  # bytes of path and query: RFC 9112 §3 asks for at least 8000
MAX_HEADERS: Final = 32768  # bytes of header names and values, all together
PROBLEM_414: Final = ResponseSpec(
    data_container=Problem,
    media_type=MEDIA_TYPE,
    description=f"The path and query are longer than {MAX_TARGET} bytes.",
    generate_examples=False,
)
PROBLEM_431: Final = ResponseSpec(
    data_container=Problem,
    media_type=MEDIA_TYPE,
    description=f"The header fields are longer than {MAX_HEADERS} bytes in all.",
    generate_examples=False,
)
# The problems a route may answer, for its OpenAPI `responses`.
ERRORS: Final = {400: PROBLEM_400, 414: PROBLEM_414, 431: PROBLEM_431}
ERRORS_404: Final = {**ERRORS, 404: PROBLEM_404}


def problem_response(
    status: int, detail: str, params: list[InvalidParam] | None = None
) -> Response[Problem]:
    return Response(
        Problem(
            type="about:blank",
            title=http.HTTPStatus(status).phrase,
            status=status,
            detail=detail,
            invalid_params=[InvalidParamDetail(name=p.name, reason=p.reason) for p in params or []],
        ),
        status_code=status,
        media_type=MEDIA_TYPE,
    )


def _invalid(_: Request[Any, Any, Any], error: InvalidParameters) -> Response[Problem]:
    return problem_response(400, str(error), error.params)


def _validation(request: Request[Any, Any, Any], error: ValidationException) -> Response[Problem]:
    """Litestar's parameter checks, reworded from the parameter's declaration: which
    parameter, what was found, and what is right."""
    declared = parameters.declared(request.route_handler)
    params: list[InvalidParam] = []
    for entry in error.extra if isinstance(error.extra, list) else []:
        name = str(entry.get("key", "")) if isinstance(entry, dict) else ""
        message = str(entry.get("message", "")) if isinstance(entry, dict) else str(entry)
        if not name:
            continue
        field = declared.get(name)
        reason = (parameters.expected(field) if field is not None else None) or (
            message[:1].lower() + message[1:]
        )
        allowed = parameters.allowed(field) if field is not None else None
        wrong = [
            v for v in request.query_params.getall(name, []) if not allowed or v not in allowed
        ]
        if wrong:
            reason += ", found " + ", ".join(quote(v) for v in wrong)
        params.append(InvalidParam(name, reason))
    if not params:
        return problem_response(400, error.detail or "the request is not valid")
    return problem_response(400, "; ".join(f"{p.name}: {p.reason}" for p in params), params)


def _http(_: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    status = error.status_code
    phrase = http.HTTPStatus(status).phrase
    detail = (
        error.detail if error.detail and error.detail != phrase else _DEFAULT.get(status, phrase)
    )
    response = problem_response(status, detail)
    if error.headers:
        response.headers.update(error.headers)
    return response


_DEFAULT: Final = {
    404: "there is nothing at this address; the API is described at /api/v1/docs",
    405: "this API is read-only: use GET",
}


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    logger.exception("unexpected error answering %s %s", request.method, request.url)
    return problem_response(500, "the server failed to answer this request; it has been logged")


def exception_handlers() -> ExceptionHandlersMap:
    return {
        InvalidParameters: _invalid,
        ValidationException: _validation,
        HTTPException: _http,
        Exception: _unexpected,
    }
