"""Lists cut into pages of bounded size, and the links between those pages.

No page of the site may grow with the dataset: a tag with 30,000 events, an archive month
with thousands, or an index of 5,000 actors is cut into pages of at most ``size`` entries.
The first page of a list keeps the list's own address (``tags/security/``); page ``n`` is
``tags/security/page/n/``, so a link to a record's page never breaks as its list grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

T = TypeVar("T")

NEAR: Final = 2  # page links shown on each side of the current one


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (one empty slice if none)."""
    if size < 1:
        raise ValueError(f"a page holds at least one entry, not {size}")
    return [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]


def entries(items: Sequence[T], number: int, size: int) -> Sequence[T]:
    """The entries of page ``number`` (from 1) of ``items``, ``size`` a page."""
    return items[(number - 1) * size : number * size]


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def src_uri(base: str, number: int) -> str:
    """The Markdown path of page ``number`` of the list at ``base`` (``tags/x``)."""
    return f"{base}/index.md" if number == 1 else f"{base}/page/{number}.md"


def url(base: str, number: int) -> str:
    """The address of page ``number`` of the list at ``base``, relative to the site's root."""
    return f"{base}/" if number == 1 else f"{base}/page/{number}/"


@dataclass(frozen=True)
class Link:
    number: int
    url: str  # relative to the site's root
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its list: its number, how many there are, and links to others."""

    number: int
    count: int
    first: int  # the position (from 1) of the page's first entry in the list
    last: int
    total: int
    newer: str | None  # the previous page (lists run newest first), None on the first
    older: str | None
    links: tuple[Link | None, ...]  # None: a gap ("…")

    @property
    def paged(self) -> bool:
        return self.count > 1


def pager(base: str, number: int, total: int, size: int) -> Pager:
    """The pager of page ``number`` of a list of ``total`` entries at ``base``."""
    count = page_count(total, size)
    shown = sorted({1, count, *range(max(1, number - NEAR), min(count, number + NEAR) + 1)})
    links: list[Link | None] = []
    for previous, n in zip([0, *shown], shown, strict=False):
        if n - previous > 1:
            links.append(None)
        links.append(Link(n, url(base, n), n == number))
    return Pager(
        number=number,
        count=count,
        first=min(total, (number - 1) * size + 1),
        last=min(total, number * size),
        total=total,
        newer=url(base, number - 1) if number > 1 else None,
        older=url(base, number + 1) if number < count else None,
        links=tuple(links),
    )
