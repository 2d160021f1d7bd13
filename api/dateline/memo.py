"""What reading a file found, kept by the file's bytes from one command to the next.

Every `dateline check` reads actors.yaml and places.yaml whole, whichever file changed: at
10,000 events parsing them took 60 ms, the largest part of a `check --changed` after Python's
imports. :func:`kept` returns what reading such a file returned the last time its bytes were
the same, encoded with msgpack (a fifth of the time), else reads it and keeps the result.

A result is kept under a hash of the file's bytes, of its path (its findings name it) and of
the code that read it: the bytes of each of Dateline's modules, and the versions of Python,
PyYAML and msgspec. A change to any of them is a miss, and a miss reads the file as before,
so what is returned is always what reading it would return (the tests compare the two).

The results live in the user's cache folder (``$XDG_CACHE_HOME/dateline/memo`` if that is an
absolute path, as the XDG specification asks, else ``~/.cache/dateline/memo``), not in the
``.cache`` folder beside the events: a pull request can add files to a repository, and a
result planted by one could make `dateline check` pass a broken file. Whatever goes wrong
with the memo, the file is read: a kept result that cannot be read or decoded is a miss, and
one that cannot be written is not kept. The newest :data:`KEEP` are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec
import yaml

from dateline import files

T = TypeVar("T")

KEEP: Final = 32  # results kept; each dataset has two files, each edit of one makes another


def folder() -> Path | None:
    """Where the results are kept; None if there is no home to keep them in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "dateline" / "memo"


def kept(path: str, kind: Any, read: Callable[[], T], *, max_bytes: int) -> T:
    """``read()``, which reads the file at ``path``, or what it returned when the file's
    bytes were the same. ``kind`` is its type, for decoding. A file larger than
    ``max_bytes`` is left to ``read`` (which says it is too large)."""
    where = folder()
    found = _entry(where, path, max_bytes) if where is not None else None
    if found is None:
        return read()
    entry, raw = found
    try:
        result: T = msgspec.msgpack.decode(entry.read_bytes(), type=kind)
    except (OSError, msgspec.DecodeError):
        pass
    else:
        with contextlib.suppress(OSError):  # a read-only cache still answers
            os.utime(entry)  # the newest are kept: this one is used
        return result
    result = read()
    with contextlib.suppress(OSError):
        with open(path, "rb") as file:
            unchanged = file.read() == raw  # else it changed while it was read: keep nothing
        if unchanged:
            files.write_whole(entry, msgspec.msgpack.encode(result))
            _prune(entry.parent)
    return result


def _entry(where: Path, path: str, max_bytes: int) -> tuple[Path, bytes] | None:
    """Where the result for the file at ``path`` is kept, and the bytes it is kept for; None
    if the file is too large or cannot be read, or the code's own files cannot be."""
    try:
        if os.stat(path).st_size > max_bytes:
            return None
        with open(path, "rb") as file:
            raw = file.read()
        digest = hashlib.blake2b(_code(), digest_size=16)
        digest.update(f"{path}\0".encode())
        digest.update(raw)
    except OSError:
        return None
    return where / f"{digest.hexdigest()}.msgpack", raw


@functools.cache
def _code() -> bytes:
    """What identifies the code that reads a file: the bytes of each module of the package
    (read once a process, about a millisecond), and the versions of Python and of the
    libraries that parse."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{yaml.__version__}\0{msgspec.__version__}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as file:
                digest.update(f"{name}\0".encode())
                digest.update(hashlib.blake2b(file.read(), digest_size=16).digest())
    return digest.digest()


def _prune(where: Path) -> None:
    """Remove all but the newest :data:`KEEP` results."""
    results = [e for e in os.scandir(where) if e.name.endswith(".msgpack")]
    if len(results) > KEEP:
        results.sort(key=_modified, reverse=True)
        for old in results[KEEP:]:
            Path(old.path).unlink(missing_ok=True)


def _modified(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat().st_mtime_ns
    except OSError:
        return 0
