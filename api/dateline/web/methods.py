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

Litestar picks the handler by method before any middleware runs, so :class:`App` — the
Litestar app itself — does this on the way in.
"""

from __future__ import annotations

from typing import cast

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

PREFIX_KEY = "dateline_head_prefix"


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
            prefix = self.state.get(PREFIX_KEY)
            path = http["path"]
            if prefix is not None and (path == prefix or path.startswith(prefix + "/")):
                method = http["method"]
                if method == "HEAD":
                    http["method"] = "GET"
                    send = _without_body(cast("Send", send))
                elif method == "OPTIONS":
                    if _preflight(http):
                        await _allow_preflight(http, cast("Send", send))
                        return
                    http["query_string"] = b""
        await super().__call__(scope, receive, send)


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
