"""Whole responses kept per (version, URL, content coding), within a bound on memory.

The data changes only with the revision, so a response is a function of the version it was
made from (:func:`dateline.web.app.version`), the path and query, and the content coding:
exactly what its ETag hashes. A worker keeps the last responses it made, as the ASGI messages
it sent, and sends the same messages again for the same key: no query, no encoding, no gzip.
A key never matches a response of another version, so a reload makes every kept response
unreachable at once; the first response of a new version drops them all, since no request can
reach them again. (Left to age out, least recently used first, they grew a soaking worker by
a megabyte or so a reload until the bound: benchmarks/soak.py.) A request that began before a
reload and ends after it drops the new version's few responses in turn; the next response of
the new version drops it again: a reload costs at most a few responses made twice.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from litestar.types import Message

MAX_BYTES: Final = 64 * 1024 * 1024  # per worker
MAX_ENTRY: Final = 1024 * 1024  # larger responses (whole-list formats) are made each time

Key = tuple[str, bytes, str]  # version, path and query, content coding


def _body_size(message: Message) -> int:
    body = message.get("body", b"")
    return len(body) if isinstance(body, bytes | bytearray | memoryview) else 0


class ResponseCache:
    """The least recently used responses of one worker, at most ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self.size = 0
        self._kept: OrderedDict[Key, tuple[list[Message], int]] = OrderedDict()
        self.version: str | None = None  # of every response kept

    def get(self, key: Key) -> list[Message] | None:
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found[0]

    def put(self, key: Key, messages: list[Message]) -> None:
        size = sum(_body_size(m) for m in messages) + 512  # and its headers
        if size > self.max_entry or key in self._kept:
            return
        if key[0] != self.version:  # no request can reach the responses kept
            self._kept.clear()
            self.size = 0
            self.version = key[0]
        self._kept[key] = (messages, size)
        self.size += size
        while self.size > self.max_bytes:
            _, (_, dropped) = self._kept.popitem(last=False)
            self.size -= dropped

    def __len__(self) -> int:
        return len(self._kept)


class Recorder:
    """The messages of one response as they are sent, if it is whole and small enough."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.messages: list[Message] | None = []
        self.size = 0

    def add(self, message: Message) -> None:
        if self.messages is None:
            return
        if message["type"] == "http.response.start" and message["status"] != 200:
            self.messages = None
            return
        self.size += _body_size(message)
        if self.size > self.limit:
            self.messages = None
            return
        self.messages.append(message)

    def complete(self) -> list[Message] | None:
        """The messages, if the response ended (its last body part was sent)."""
        if not self.messages or self.messages[-1].get("more_body", False):
            return None
        if self.messages[-1]["type"] != "http.response.body":
            return None
        return self.messages
