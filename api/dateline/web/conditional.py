"""Conditional GET for a read-only API: strong ETags, ``If-None-Match`` → 304, Cache-Control.

Every response of the API is a function of the served version and the URL, so its ETag is a
hash of the two. The version is the dataset revision, and what a failed reload found: /health
then says "degraded" while the data stays the same. The tag is computed before the handler
runs, which lets a matching ``If-None-Match`` be answered with a 304 at once, without a
query. The tag also names the content coding (identity or gzip), because a strong validator
promises identical bytes, and a gzipped body differs from the plain one. /health is sent with
``Cache-Control: no-cache``, so a poller asks every time and sees a failure at once.

A 200 to a GET is kept whole (:mod:`dateline.web.responsecache`) under the same three things
its tag hashes, and sent again as it is while the version stays the same.

The middleware also pins the store for the request (``scope["state"]["store"]``): a snapshot
of it, held until the last byte is sent, because a reload may commit at any moment, and the
tag and the body must come from the same revision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Final

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from dateline.store import Store
from dateline.web.responsecache import Recorder, ResponseCache

CACHE_CONTROL: Final = "public, max-age=60"
NO_CACHE: Final = "no-cache"  # may be stored, but asked again (If-None-Match) every time


def etag(revision: str, target: bytes, coding: str) -> str:
    """A strong ETag: a hash of the revision, the path and query, and the content coding."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{revision}\0{coding}\0".encode())
    digest.update(target)
    return f'"{digest.hexdigest()}"'


def matches(header: str, tag: str) -> bool:
    """RFC 9110 If-None-Match: a list of tags; weak comparison (W/ is ignored)."""
    candidates = (part.strip().removeprefix("W/") for part in header.split(","))
    return tag in candidates


def _accepts_gzip(value: str) -> bool:
    """RFC 9110 §12.5.3: gzip is acceptable if named (any case) with q > 0, or, if not named,
    if ``*`` is, with q > 0."""
    weights: dict[str, float] = {}
    for part in value.lower().split(","):
        coding, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0  # an unreadable weight is not a yes
        weights.setdefault(coding.strip(), weight)
    return weights.get("gzip", weights.get("*", 0.0)) > 0


class ConditionalGetMiddleware(ASGIMiddleware):
    """ETag, 304 and Cache-Control for GET and HEAD; other methods pass through untouched."""

    scopes = (ScopeType.HTTP,)

    def __init__(
        self,
        current: Callable[[], AbstractContextManager[tuple[Store, str]]],
        *,
        responses: Callable[[], ResponseCache],
        uncached: frozenset[bytes] = frozenset(),
    ) -> None:
        # The store served as of now (held while the block runs), and the version its
        # responses are tagged by.
        self.current = current
        self.uncached = uncached  # paths a cache must revalidate each time (health)
        # A function, so that every route's copy of this middleware shares one cache.
        self.responses = responses

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        with self.current() as (store, version):
            await self._handle(scope, receive, send, next_app, store, version)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        store: Store,
        version: str,
    ) -> None:
        scope.setdefault("state", {})["store"] = store
        if scope.get("method") not in ("GET", "HEAD"):
            await next_app(scope, receive, send)
            return
        target = scope["raw_path"] + b"?" + scope["query_string"]
        headers = MutableScopeHeaders(scope)
        tags = {"": etag(version, target, "")}
        # The compression further in matches "gzip" in the header as text (so "gzip;q=0" and
        # "GZIP" went wrong): it gets the answer decided here, and only that.
        if _accepts_gzip(headers.get("accept-encoding", "")):
            tags["gzip"] = etag(version, target, "gzip")
            headers["accept-encoding"] = "gzip"
        else:
            headers["accept-encoding"] = "identity"
        ScopeState.from_scope(scope).headers = Empty  # Litestar's parsed copy, made earlier
        cache_control = NO_CACHE if scope["raw_path"] in self.uncached else CACHE_CONTROL
        wanted = headers.get("if-none-match")
        # "*" matches only a representation that exists (RFC 9110 §13.1.2): that is known
        # once the handler has answered 200, not before routing; a listed tag can only be
        # one this URL was served with at this version, so it is answered at once.
        anything = wanted is not None and wanted.strip() == "*"
        if wanted is not None and not anything:
            for tag in tags.values():
                if matches(wanted, tag):
                    await _not_modified(send, tag, cache_control)
                    return
        coding = headers["accept-encoding"]
        key = (version, target, coding if coding == "gzip" else "")
        cacheable = scope.get("method") == "GET" and not anything
        if cacheable:
            kept = self.responses().get(key)
            if kept is not None:
                for message in kept:
                    await send(message)
                return
        recorder = Recorder(self.responses().max_entry)
        replaced = False

        async def send_with_tag(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableScopeHeaders.from_message(message)
                coding = out.get("content-encoding", "")
                tag = tags.get(coding) or etag(version, target, coding)
                if anything:
                    replaced = True
                    await _not_modified(send, tag, cache_control)
                    return
                out["ETag"] = tag
                out["Cache-Control"] = cache_control
                if "vary" not in out:
                    out["Vary"] = "Accept-Encoding"
            elif replaced:
                return  # the body of a 200 that went out as a 304
            recorder.add(message)
            await send(message)

        await next_app(scope, receive, send_with_tag)
        whole = recorder.complete()
        if cacheable and whole is not None:
            self.responses().put(key, whole)


async def _not_modified(send: Send, tag: str, cache_control: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 304,
            "headers": [
                (b"etag", tag.encode()),
                (b"cache-control", cache_control.encode()),
                (b"vary", b"Accept-Encoding"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})
