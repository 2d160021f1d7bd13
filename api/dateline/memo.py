"""What reading a file found, kept by the file's bytes from one command to the next.

Every `dateline check` reads actors.yaml and places.yaml whole, whichever file changed: at
10,000 events parsing them took 60 ms, the largest part of a `check --changed` after Python's
imports. :func:`kept` returns what reading such a file returned the last time its bytes were
the same, encoded with msgpack (a tenth of the time), else reads it and keeps the result.

A result is kept under a hash of the file's bytes, of its path (its findings name it) and of
the code that read it: each of Dateline's modules by name, size and modification time, and
the versions of Python, PyYAML and msgspec. A change to any of them is a miss, and a miss
reads the file as before, so what is returned is always what reading it would return (the
tests compare the two).

The results live in the user's cache folder (``$XDG_CACHE_HOME/dateline/memo``, else
``~/.cache/dateline/memo``), not in the ``.cache`` folder beside the events: a pull request
can add files to a repository, and a result planted by one could make `dateline check` pass
a broken file. A kept result that cannot be read or decoded is a miss; one that cannot be
written is not kept; the newest :data:`KEEP` are kept.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec
import yaml

T = TypeVar("T")

KEEP: Final = 32  # results kept; each dataset has two files, each edit of one makes another


def folder() -> Path | None:
    """Where the results are kept; None if there is no home to keep them in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
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
    try:
        if where is None or os.stat(path).st_size > max_bytes:
            return read()
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return read()
    entry = where / f"{_key(path, raw)}.msgpack"
    try:
        found: T = msgspec.msgpack.decode(entry.read_bytes(), type=kind)
        os.utime(entry)  # the newest are kept: this one is used
        return found
    except (OSError, msgspec.DecodeError):
        pass
    result = read()
    try:
        with open(path, "rb") as file:
            if file.read() == raw:  # else it changed while it was read: keep nothing
                _write(where, entry, msgspec.msgpack.encode(result))
    except OSError:
        pass
    return result


def _key(path: str, raw: bytes) -> str:
    digest = hashlib.blake2b(_code(), digest_size=16)
    digest.update(f"{path}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


@functools.cache
def _code() -> bytes:
    """What identifies the code that reads a file: each module of the package (name, size,
    modification time), and the versions of Python and of the libraries that parse."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{yaml.__version__}\0{msgspec.__version__}\0".encode())
    with os.scandir(os.path.dirname(os.path.abspath(__file__))) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                found = entry.stat()
                digest.update(f"{entry.name}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    return digest.digest()


def _write(where: Path, entry: Path, data: bytes) -> None:
    """Write ``entry`` whole or not at all (a reader never sees half of one), then remove all
    but the newest :data:`KEEP`."""
    where.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, entry)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
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
