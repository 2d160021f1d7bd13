"""Each file's digest under a folder, hashed again only where its ``stat`` changed.

What git's index does for ``git status``: a file whose modification time, size and inode are
those it was hashed at keeps its digest; any other is read and hashed again. A file changed
within :data:`RACY_SECONDS` before a scan may change again within the same clock tick without
its ``stat`` changing (git's "racily clean" entries), so its ``stat`` is not trusted next time.

The engine keeps one :class:`Digests` in memory from one load to the next. A process that
starts afresh (``dateline build``, ``dateline serve``) keeps them in a file of the cache
(:func:`dateline.cache.file_digests`): at 100,000 events, hashing every file costs seconds
and taking the ``stat`` of each a few tenths. Like git's index, it trusts a file whose bytes
were changed with its modification time, size and inode put back as they were to be the
same: no editor or checkout does that.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import msgspec

from dateline import files

RACY_SECONDS: Final = 2.0
_FORMAT: Final = 1  # of the kept file; another format is not read

Stat = tuple[int, int, int]  # mtime_ns, size, inode


def stat_of(path: str) -> Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino)


def digest_of(path: str) -> bytes | None:
    """The digest of the bytes of the file at ``path``; None if it cannot be read."""
    try:
        with open(path, "rb") as file:
            return hashlib.blake2b(file.read(), digest_size=16).digest()
    except OSError:
        return None


def folder_digests(of: Mapping[str, bytes]) -> dict[str, bytes]:
    """A digest of each folder's files (their names and digests), by folder (``""`` for the
    top), from the digests of files by relative path: what a digest of the whole is made of,
    so that a change to one file hashes again only its folder."""
    return {folder: _folder_digest(entries) for folder, entries in _grouped(of).items()}


def _grouped(of: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """The digests of files by folder, then by name."""
    grouped: dict[str, dict[str, bytes]] = {}
    for relative, digest in of.items():
        folder, _, name = relative.rpartition("/")
        grouped.setdefault(folder, {})[name] = digest
    return grouped


def _folder_digest(entries: Mapping[str, bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for name, content in sorted(entries.items()):
        digest.update(f"{name}\0".encode())  # names have no NUL; digests are of one size
        digest.update(content)
    return digest.digest()


class _Kept(msgspec.Struct, array_like=True):
    format: int
    root: str
    # relative path, mtime_ns, size, inode, digest; racy entries are not kept
    entries: list[tuple[str, int, int, int, bytes]]


class Digests:
    """The digest of every file of the folder ``root`` (as :func:`dateline.files.walk` lists
    it), by relative path, and the ``stat`` each was hashed at."""

    def __init__(self, root: Path | str) -> None:
        self.root = str(root)
        self.of: dict[str, bytes] = {}  # relative path -> digest of its bytes
        self._stats: dict[str, Stat | None] = {}  # relative path -> stat it was hashed at
        # Counts the changes to which files there are (not to their bytes), so that what
        # is worked out from the names alone is worked out again only when they change.
        self.names = 0
        # folder_digests(self.of), once asked for, and the folders to hash again in it.
        self._folders: dict[str, bytes] | None = None
        self._grouped: dict[str, dict[str, bytes]] = {}  # folder -> name -> digest
        self._stale: set[str] = set()

    def scan(self, changed: Iterable[str] = ()) -> None:
        """Walk the folder again: a file whose ``stat`` is unchanged (and whose absolute
        path is not in ``changed``) keeps its digest, the others are hashed."""
        again = {os.path.abspath(path) for path in changed}
        absolute = os.path.abspath(self.root)
        started = time.time()
        digests: dict[str, bytes] = {}
        stats: dict[str, Stat | None] = {}
        for relative in files.walk(self.root):
            path = os.path.join(self.root, relative)
            stat = stat_of(path)
            known = stat is not None and stat == self._stats.get(relative)
            if known and not (again and os.path.join(absolute, relative) in again):
                digests[relative] = self.of[relative]
                stats[relative] = stat
                continue
            digest = digest_of(path)
            if digest is None:  # gone since the walk
                continue
            digests[relative] = digest
            racy = stat is None or stat[0] / 1e9 > started - RACY_SECONDS
            stats[relative] = None if racy else stat
        if digests.keys() != self.of.keys():
            self.names += 1
        self.of, self._stats = digests, stats
        self._folders = None

    def rehash(self, relative: str) -> None:
        """Hash the file ``relative`` again now (or forget it if it is gone); the next scan
        hashes it again too, as its ``stat`` is not known to go with the digest."""
        digest = digest_of(os.path.join(self.root, relative))
        if (digest is None) == (relative in self.of):
            self.names += 1  # it went, or came
        if digest is None:
            self.of.pop(relative, None)
            self._stats.pop(relative, None)
        else:
            self.of[relative] = digest
            self._stats[relative] = None
        if self._folders is not None:
            folder, _, name = relative.rpartition("/")
            entries = self._grouped.setdefault(folder, {})
            if digest is None:
                entries.pop(name, None)
            else:
                entries[name] = digest
            self._stale.add(folder)

    def folders(self) -> dict[str, bytes]:
        """:func:`folder_digests` of the files, hashing again only the folders that changed
        since it was last asked for (by :meth:`rehash`; a scan starts it afresh)."""
        if self._folders is None:
            self._grouped = _grouped(self.of)
            self._folders = {f: _folder_digest(e) for f, e in self._grouped.items()}
            self._stale = set()
        for folder in self._stale:
            entries = self._grouped.get(folder)
            if entries:
                self._folders[folder] = _folder_digest(entries)
            else:
                self._grouped.pop(folder, None)
                self._folders.pop(folder, None)
        self._stale = set()
        return self._folders

    @classmethod
    def read(cls, root: Path | str, kept: Path) -> Digests:
        """The digests of ``root`` kept in the file ``kept`` by :meth:`write`; none if it is
        missing, unreadable, of another format or of another folder."""
        found = cls(root)
        try:
            data = msgspec.msgpack.decode(kept.read_bytes(), type=_Kept)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return found
        if data.format != _FORMAT or data.root != os.path.abspath(found.root):
            return found
        for relative, mtime, size, inode, digest in data.entries:
            found.of[relative] = digest
            found._stats[relative] = (mtime, size, inode)
        return found

    def write(self, kept: Path) -> None:
        """Keep the digests whose ``stat`` is known in the file ``kept``, replaced whole (a
        reader sees the old file or the new); a cache that cannot be written is not kept."""
        entries = [
            (relative, *stat, self.of[relative])
            for relative, stat in self._stats.items()
            if stat is not None
        ]
        data = msgspec.msgpack.encode(_Kept(_FORMAT, os.path.abspath(self.root), entries))
        with contextlib.suppress(OSError):
            files.write_whole(kept, data)
