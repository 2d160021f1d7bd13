"""Where compiled Stores are kept, and which one an events folder needs.

:func:`open_store` fingerprints the events folder (every file's path and bytes, hashed, and the
newest commit that touched the folder, which the events' git times depend on), and opens
``<events>/../.cache/dateline/<folder>-<fingerprint>.sqlite`` if it exists: an unchanged
dataset costs one read of its files and no parsing. Otherwise it loads and checks the dataset
and compiles it (:mod:`dateline.compiler`). A dataset with errors is never compiled:
:class:`DatasetError` carries its diagnostics. The fingerprint is the store's ``revision``,
which the API puts in its ETags.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from dateline import compiler, diagnostics, history
from dateline import dataset as dataset_module
from dateline.dataset import EventFile
from dateline.diagnostics import Diagnostic
from dateline.digests import Digests, folder_digests
from dateline.store import Store

KEEP_STORES: Final = 3  # store files kept in a cache folder (other replicas may use them)


class DatasetError(Exception):
    """The dataset has errors, so it was not compiled; ``diagnostics`` lists every problem."""

    def __init__(self, found: list[Diagnostic]) -> None:
        self.diagnostics = found
        errors = sum(d.severity == "error" for d in found)
        super().__init__(
            f"the dataset has {errors} error{'s' if errors != 1 else ''}; "
            "run `dateline check` to see them"
        )

    def errors(self, base: Path | None = None) -> list[Diagnostic]:
        """The errors, their files named as :func:`dateline.diagnostics.shown` names them."""
        return diagnostics.shown((d for d in self.diagnostics if d.severity == "error"), base)

    def report(self, base: Path | None = None) -> str:
        """Every error as ``dateline check`` prints it: how every command refuses a dataset."""
        return diagnostics.render_text(self.errors(base))


def file_digests(root: Path) -> dict[str, bytes]:
    """A hash of the bytes of every file under ``root``, by path (relative, with ``/``).

    Files whose ``stat`` is the one they were hashed at, by an earlier call, keep their
    digest: the digests are kept in the folder's cache (see :mod:`dateline.digests`), so a
    command run again over 100,000 unchanged files takes their ``stat`` rather than reading
    them all."""
    found = kept_digests(root)
    found.scan()
    found.write(_digests_path(root))
    return found.of


def kept_digests(root: Path) -> Digests:
    """The digests of ``root``'s files as the last :func:`file_digests` left them (none if
    it has not run), to be scanned again before use."""
    return Digests.read(root, _digests_path(root))


def _digests_path(root: Path) -> Path:
    return cache_folder(root) / f"{_folder_key(root)}.digests"


def fingerprint(
    root: Path,
    digests: dict[str, bytes] | None = None,
    head: str | None = None,
    *,
    folders: dict[str, bytes] | None = None,
) -> str:
    """A hash of every file under ``root`` (its path and bytes), of the folder's name (which
    the events' ``file`` paths begin with), of the store format, and of ``head``, the commit
    the files' git times are as of (:func:`dateline.history.head`).

    It hashes the :func:`~dateline.digests.folder_digests` of the files' digests, which the
    engine keeps (``folders``): at 100,000 files, hashing every file's digest again took a
    quarter of a one-file reload."""
    if folders is None:
        folders = folder_digests(digests if digests is not None else file_digests(root))
    digest = hashlib.blake2b(digest_size=16)
    name = os.path.basename(os.path.abspath(root))
    digest.update(f"dateline-store/{compiler.FORMAT}\0{name}\0{head or ''}\0".encode())
    for folder, content in sorted(folders.items()):
        digest.update(f"{folder}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def cache_folder(root: Path) -> Path:
    """Where the stores of an events folder live: ``.cache/dateline`` beside the folder."""
    return Path(os.path.abspath(root)).parent / ".cache" / "dateline"


def open_store(
    root: Path | str,
    *,
    cache: Path | None = None,
    read: Callable[[list[str], int | None], Iterable[EventFile]] = dataset_module.load_files,
    digests: dict[str, bytes] | None = None,
) -> Store:
    """The store of the events folder ``root``, compiled first if it is not cached.

    ``read`` is how event files are read when the dataset must be loaded (see
    :func:`dateline.dataset.load`); ``digests``, the folder's :func:`file_digests` if the
    caller has them already. Raises :class:`DatasetError` if the dataset has errors.
    """
    root = Path(root)
    folder = cache if cache is not None else cache_folder(root)
    if not root.is_dir():
        raise DatasetError(dataset_module.load(root).diagnostics)
    head = history.head(root)
    revision = fingerprint(root, digests, head)
    path = store_path(root, revision, folder)
    if not path.exists():
        loaded = dataset_module.load(root, read=read)
        if loaded.errors:
            raise DatasetError(loaded.diagnostics)
        loaded.history = history.read(root, head)
        compiler.compile_dataset(loaded, path, revision)
        _prune(folder, keep=path)
    return Store(path)


def is_compiled(root: Path, *, digests: dict[str, bytes] | None = None) -> bool:
    """Whether the store of the events folder ``root`` as it is now is compiled already."""
    return store_path(root, fingerprint(root, digests, history.head(root))).exists()


def main(argv: list[str] | None = None) -> int:
    """``python -m dateline.cache EVENTS``: compile the store of an events folder, as
    :func:`open_store` does; if the dataset has errors, print them as ``check`` does and exit
    with `REFUSED`. (The site's build compiles in a child process: :mod:`dateline.site.builder`
    says why.)"""
    from dateline import lifetime  # here: every command imports this module

    lifetime.from_environment()  # it ends with the build that started it
    (root,) = argv if argv is not None else sys.argv[1:]
    try:
        open_store(Path(root))
    except DatasetError as error:
        sys.stdout.write(error.report())
        return REFUSED
    return 0


REFUSED: Final = 3  # the exit status of `main` for a dataset with errors


def store_path(root: Path, revision: str, folder: Path | None = None) -> Path:
    """Where the compiled store of ``root`` at ``revision`` is kept (in ``folder``, or the
    folder's own cache)."""
    where = folder if folder is not None else cache_folder(root)
    return where / f"{_folder_key(root)}-{revision}.sqlite"


def keep(root: Path, path: Path) -> None:
    """Prune the older stores of ``root`` now that ``path`` is one of them."""
    _prune(path.parent, keep=path)


def _folder_key(root: Path) -> str:
    """A short name for an events folder: stores of several folders can share a cache."""
    return hashlib.blake2b(os.path.abspath(root).encode(), digest_size=4).hexdigest()


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the newest few stores of one events folder (open ones stay readable)."""
    prefix = keep.name.split("-", 1)[0]
    stores = sorted(folder.glob(f"{prefix}-*.sqlite"), key=_mtime, reverse=True)
    for old in stores[KEEP_STORES:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
