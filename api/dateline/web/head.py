"""HEAD on every API route: the GET response's status and headers, without its body.

RFC 9110 §9.3.2: a general-purpose server supports HEAD wherever it supports GET. Litestar
routes only the methods a handler declares, and the API's handlers declare GET; the site's
files declare HEAD themselves (they answer it without reading the file). Litestar picks the
handler by method before any middleware runs, so :class:`App` — the Litestar app itself —
runs a HEAD under the API's prefix as the GET it stands for, and drops the body on the way
out: the headers, Content-Length and ETag included, are the GET's.
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
            head = http["method"] == "HEAD"
            if head and prefix is not None and (path == prefix or path.startswith(prefix + "/")):
                http["method"] = "GET"
                send = _without_body(cast("Send", send))
        await super().__call__(scope, receive, send)


def _without_body(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return sending
