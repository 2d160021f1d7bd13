"""The one walk of a folder's files, shared by everything that reads a folder whole.

The loader (which files are events), the Store's fingerprint (which bytes it was compiled
from) and the site's content hash (what a build depends on) must agree on what a folder
holds, so they all walk it here: names that start with ``.`` (``.git``, editor swap files,
the cache) and ``__pycache__`` are not part of any folder's content.
"""

from __future__ import annotations

import os
from pathlib import Path


def skipped(name: str) -> bool:
    """Whether a file or folder of this name is left out of every walk."""
    return name.startswith(".") or name == "__pycache__"


def walk(root: Path | str) -> list[str]:
    """Every file under ``root`` as a relative path with ``/``, sorted.

    Uses ``os.scandir`` and no per-file ``Path`` objects: at 100,000 files the walk is a
    visible part of a check.
    """
    found: list[str] = []
    stack = [""]
    while stack:
        folder = stack.pop()
        prefix = f"{folder}/" if folder else ""
        with os.scandir(os.path.join(root, folder) if folder else root) as entries:
            for entry in entries:
                name = entry.name
                if skipped(name):
                    continue
                if entry.is_dir():
                    stack.append(prefix + name)
                elif entry.is_file():
                    found.append(prefix + name)
    found.sort()
    return found


def write_whole(path: Path, data: bytes) -> None:
    """Write the file ``path`` so that a reader sees the old file or the new, never half of
    one: ``data`` goes to a name of this process's own beside it (a ``.`` name, which no walk
    counts), then is renamed over it. Raises ``OSError``, with nothing left behind."""
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging.write_bytes(data)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
