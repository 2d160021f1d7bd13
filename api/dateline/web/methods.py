"""HEAD and OPTIONS on every API route, as HTTP and CORS expect of a read-only API.

* HEAD: RFC 9110 §9.3.2 — a general-purpose server supports HEAD wherever it supports GET.
  Litestar routes only the methods a handler declares, and the API's handlers declare GET;
  the site's files declare HEAD themselves (they answer it without reading the file). So a
  HEAD under the API's prefix runs as the GET it stands for, and its body is dropped on the
  way out: the headers, Content-Length and ETag included, are the GET's.
* A CORS preflight (OPTIONS with ``Access-Control-Request-Method``) is answered here, 204,
  with the methods the API has (GET, HEAD, OPTIONS): for another method the browser then
  refuses the request itself, as the Fetch standard has it, instead of a text/plain 400.
* A plain OPTIONS says what the route allows (204, ``Allow``) whatever its query: the query
  belongs to a GET, so it is not checked here.

* A request target longer than `MAX_TARGET` is a 414, and header fields longer than
  `MAX_HEADERS` in all a 431 (RFC 9110 §15.5.15, RFC 6585 §5), as problem+json, before any
  routing. Past what the HTTP server itself reads (granian: a 64 KiB target, 100 fields) it
  answers the same statuses, with an empty body.

* Every response carries the security headers of :mod:`dateline.policy`; one that sets no
  Content-Security-Policy of its own (the site's files do) gets the API's, or for an HTML
  page (the docs, the page of links) the docs' policy.

* With an access log (``dateline serve --access-log``), each request is logged here, one line
  each: the request target as the client sent it, with every byte that is not printable ASCII
  escaped, so that no request can write a line of its own into the log (``%0a`` in a path
  is a newline once decoded, and the server's own access log writes the decoded path).

Litestar picks the handler by method before any middleware runs, so :class:`App` — the
Litestar app itself — does this on the way in.
"""

from __future__ import annotations

import logging
import time
from http import HTTPStatus
from typing import Final, cast

import msgspec
from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import (
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

from dateline import policy
from dateline.web.problems import MAX_HEADERS, MAX_TARGET, MEDIA_TYPE, Problem

PREFIX_KEY = "dateline_head_prefix"
ACCESS_LOG_KEY = "dateline_access_log"  # True: log each request (see `_logged`)

access = logging.getLogger("dateline.access")


class App(Litestar):
    """Litestar, answering HEAD under ``app.state[PREFIX_KEY]`` as GET without a body."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if scope["type"] == ScopeType.HTTP:
            http = cast("HTTPScope", scope)
            http_send = _secured(cast("Send", send))
            if self.state.get(ACCESS_LOG_KEY):
                http_send = _logged(http, http_send)
            refused = _too_large(http)
            if refused is not None:
                await _refuse(http_send, *refused)
                return
            prefix = self.state.get(PREFIX_KEY)
            path = http["path"]
            if prefix is not None and (path == prefix or path.startswith(prefix + "/")):
                method = http["method"]
                if method == "HEAD":
                    http["method"] = "GET"
                    http_send = _without_body(http_send)
                elif method == "OPTIONS":
                    if _preflight(http):
                        await _allow_preflight(http, http_send)
                        return
                    http["query_string"] = b""
            send = http_send
        await super().__call__(scope, receive, send)


def _too_large(scope: HTTPScope) -> tuple[int, str] | None:
    target = len(scope["raw_path"] or b"") + len(scope["query_string"])
    if target > MAX_TARGET:
        return 414, f"the request target is {target} bytes long; at most {MAX_TARGET} are read"
    headers = sum(len(name) + len(value) for name, value in scope["headers"])
    if headers > MAX_HEADERS:
        return 431, f"the header fields are {headers} bytes long; at most {MAX_HEADERS} are read"
    return None


async def _refuse(send: Send, status: int, detail: str) -> None:
    title = HTTPStatus(status).phrase
    body = msgspec.json.encode(
        Problem(type="about:blank", title=title, status=status, detail=detail)
    )
    headers = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def printable(raw: bytes) -> str:
    """``raw`` with every byte outside printable ASCII written as ``\\xNN``: one log line."""
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in raw)


def _logged(scope: HTTPScope, send: Send) -> Send:
    """``send``, logging the request once its response has started: who, what, status, time."""
    started = time.perf_counter()
    raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    target = raw + (b"?" + scope["query_string"] if scope["query_string"] else b"")
    client = scope.get("client")
    who = client[0] if client else "-"
    method = scope["method"]  # read now: HEAD is answered as a GET further in

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            access.info(
                '%s - "%s %s" %d %.1f ms',
                who,
                method,
                printable(target),
                message["status"],
                (time.perf_counter() - started) * 1000,
            )
        await send(message)

    return sending


_COMMON: Final = [(name.lower().encode(), value.encode()) for name, value in policy.COMMON]
_CSP: Final = policy.CSP.lower().encode()


def _secured(send: Send) -> Send:
    """``send``, adding the security headers to the response's start."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            names = {bytes(name).lower(): bytes(value) for name, value in headers}
            if _CSP not in names:
                html = names.get(b"content-type", b"").startswith(b"text/html")
                headers.append((_CSP, (policy.DOCS if html else policy.API).encode()))
            headers += [(name, value) for name, value in _COMMON if name not in names]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _without_body(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return sending


METHODS = "GET, HEAD, OPTIONS"
EXPOSED = ("ETag", "Link")  # beyond the CORS-safelisted ones, what a client script may read
PREFLIGHT_MAX_AGE = "600"


def _preflight(scope: HTTPScope) -> bool:
    names = {name for name, _ in scope["headers"]}
    return b"origin" in names and b"access-control-request-method" in names


async def _allow_preflight(scope: HTTPScope, send: Send) -> None:
    asked = dict(scope["headers"]).get(b"access-control-request-headers")
    headers = [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-methods", METHODS.encode()),
        (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
        (b"vary", b"Access-Control-Request-Headers"),
    ]
    if asked:
        headers.append((b"access-control-allow-headers", asked))
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
