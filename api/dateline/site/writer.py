"""Writing a build's files beside the pages: all of them, or only those that changed.

A build writes its static JSON into a folder beside the site (``build/.site.building``). A
full build writes every file. An incremental build (:mod:`dateline.site.manifest`) writes only
the files whose bytes differ from the live site's, and remembers the others as the same: most
of the files made from the whole dataset (the filters' and the axis's indexes) do not change
with one edited event, and on a journalling file system creating a file (then renaming it
into the site) costs far more than reading the old one to compare.
"""

from __future__ import annotations

import os
from pathlib import Path


class Writer:
    """Writes files, by path relative to the site, into ``folder``; given ``live``, the site
    being updated, only those that differ from its copy."""

    def __init__(self, folder: Path, live: Path | None = None) -> None:
        self.folder = folder
        self.live = live
        self.written: set[str] = set()  # relative paths, written into ``folder``
        self.same: set[str] = set()  # relative paths whose live copy has these bytes already
        self._folders: set[str] = set()

    def write(self, relative: str, data: bytes) -> None:
        if self.live is not None and _holds(self.live / relative, data):
            self.same.add(relative)
            return
        parent = os.path.dirname(relative)
        if parent not in self._folders:
            (self.folder / parent).mkdir(parents=True, exist_ok=True)
            self._folders.add(parent)
        (self.folder / relative).write_bytes(data)
        self.written.add(relative)


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` has exactly ``data`` (False if there is none)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
