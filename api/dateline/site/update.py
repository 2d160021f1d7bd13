"""Putting a new build in the place of the served site: whole, or by the files that changed.

A full build is made beside the site and :func:`swap` puts the folder in its place in one
step. An incremental build (:mod:`dateline.site.manifest`) is made beside it too, but holds
only what it wrote: the pages rendered again, the changed events' files, those of the files
made from the whole dataset whose bytes changed, the hand-written pages and the theme's
assets. :func:`apply` moves each of those files into the site with a rename, which replaces
a file in one step (a reader gets the old file or the new one, never part of either), and
then deletes what the site no longer has: the pages and event files of what was removed, and
any other file the new build does not have. The downloads (:func:`move`) and the search
bundles indexed again (:func:`swap_bundles`, each bundle's folder exchanged whole) follow.
The site is thus all old or all new file by file, not as a whole: between the first rename
and the last (milliseconds), a page may link to one not yet replaced.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import sys
from collections.abc import Set
from pathlib import Path, PurePosixPath
from typing import Any, Final

from dateline.site.manifest import Manifest, dest_of
from dateline.site.outputs import DOWNLOADS, EVENT_FOLDERS
from dateline.site.searchindex import bundle


def apply(staging: Path, out: Path, old: Manifest, new: Manifest, same: Set[str]) -> None:
    """Move an incremental build in ``staging`` into the site ``out``, then delete what the
    site no longer has; ``same``: the files the build has whose live copies it did not write
    again, having the same bytes. ``staging`` is deleted."""
    bundles = {bundle(shard) for shard in range(len(new.bundles))}
    written = move(staging, out)
    # the downloads are written once the pages are live (dateline.site.outputs.Downloads)
    _delete_stale(out, old, new, written | same | DOWNLOADS, bundles)


def move(staging: Path, out: Path) -> set[str]:
    """Move every file in ``staging`` into its place in ``out``, each in one step; return
    their paths (relative, with ``/``). ``staging`` is deleted."""
    written: set[str] = set()
    for directory, _, names in os.walk(staging):
        relative = PurePosixPath(Path(directory).relative_to(staging).as_posix())
        if names:
            (out / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            path = str(relative / name) if relative.parts else name
            os.replace(staging / path, out / path)
            written.add(path)
    shutil.rmtree(staging, ignore_errors=True)
    return written


def swap_bundles(staging: Path, out: Path, names: list[str]) -> None:
    """Put the search bundles indexed again (in ``staging``) in the place of the site's."""
    for name in names:
        swap(staging / name, out / name)
    shutil.rmtree(staging, ignore_errors=True)


def _delete_stale(
    out: Path, old: Manifest, new: Manifest, written: Set[str], bundles: set[str]
) -> None:
    pages = {dest_of(src_uri) for src_uri in new.pages}
    for src_uri in old.pages.keys() - new.pages.keys():
        _remove(out, dest_of(src_uri))
    for event_id in old.events.keys() - new.events.keys():
        for folder in EVENT_FOLDERS:
            _remove(out, f"{folder}/{event_id}.json")
    # Every other file is written by each build: one the new build did not write is gone.
    # The folders of generated pages only (events/, tags/ ...) are not walked: a page is gone
    # when the manifest no longer has it, above.
    written_in = {path.split("/", 1)[0] for path in written if path not in pages}
    only_pages = {page.split("/", 1)[0] for page in pages} - written_in
    skipped = {*EVENT_FOLDERS, *bundles, *only_pages}
    for directory, folders, names in os.walk(out):
        relative = PurePosixPath(Path(directory).relative_to(out).as_posix())
        folders[:] = [f for f in folders if str(relative / f) not in skipped]
        for name in names:
            path = str(relative / name) if relative.parts else name
            if path not in written and path not in pages:
                _remove(out, path)


def _remove(out: Path, path: str) -> None:
    """Delete a file of the site, and the folders it leaves empty."""
    target = out / path
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def swap(new: Path, out: Path) -> None:
    """Put the folder ``new`` in the place of ``out``, then delete the old one.

    Where the system can exchange two names in one step (Linux), ``out`` always names a whole
    folder, even to a server reading it during the swap; elsewhere, two renames leave a moment
    in which ``out`` does not exist.
    """
    if out.is_dir() and not out.is_symlink() and _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now names the old folder
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2


@functools.cache
def _renameat2() -> Any:
    """Linux's renameat2(2) (glibc 2.28 or newer), or None."""
    if sys.platform != "linux":
        return None
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        number, path = ctypes.c_int, ctypes.c_char_p
        function.argtypes = [number, path, number, path, ctypes.c_uint]
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # not on this file system
            return False
        raise OSError(code, os.strerror(code), str(first), None, str(second))
    return True
