"""Progress on a terminal for the long steps of `check`, `build` and `export`; quiet otherwise.

At 100,000 events reading the files takes seconds and building the site minutes, and a
command that says nothing until the end looks hung. So the commands a person runs turn
progress on (:func:`enable`), and the steps report through :func:`track` and :class:`Task`.
It is shown only where a person watches: standard error is a terminal and ``CI`` is not set
(a piped, redirected or CI run prints nothing more than before), and only for steps of at
least `THRESHOLD` items. A server never enables it: its reloads would write bars into logs.

The bars are rich's, written to standard error, so standard output stays the command's own
(``dateline export csv > file``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, Final, TypeVar

T = TypeVar("T")

THRESHOLD: Final = 2_000  # items below which a step is quick enough to need no bar
REDRAW_SECONDS: Final = 0.1

_enabled = False


def enable() -> None:
    """Show progress from now on, where a person watches (see the module docstring)."""
    global _enabled
    _enabled = True


def shown(total: int) -> bool:
    return (
        _enabled
        and total >= THRESHOLD
        and not os.environ.get("CI")
        and sys.stderr.isatty()
        and os.environ.get("TERM") != "dumb"
    )


class Task:
    """A step of ``total`` items; ``advance`` as they are done, ``close`` at the end."""

    def __init__(self, label: str, total: int) -> None:
        self._bar: Any = None
        if shown(total):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,  # the bar goes once done; the command's summary stays
                auto_refresh=False,  # drawn by `advance`, in this thread: no timer thread
            )
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)
            self._bar.refresh()  # drawn at once
            self._drawn = time.monotonic()

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, steps)
            now = time.monotonic()
            if now - self._drawn >= REDRAW_SECONDS:
                self._bar.refresh()
                self._drawn = now

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def track(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """The items, one by one, with a bar while they are consumed."""
    task = Task(label, total)
    try:
        for item in items:
            yield item
            task.advance()
    finally:
        task.close()
