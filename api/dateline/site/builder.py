"""The static site: MkDocs (with the hook in ``site/hooks/``) and Pagefind over its output.

:func:`build` runs MkDocs in this process; the hook runs Pagefind over the pages in shards as
MkDocs writes them (:mod:`dateline.site.searchindex` says why). :func:`ensure_built` is
what ``dateline serve`` calls: it builds only when the inputs changed since the last build,
which it knows from a content hash stored next to the output (``build/site.hash`` for
``build/site``). The hash covers everything the output depends on: the events folder, the
site's sources (``site/``), ``mkdocs.yml``, the ``dateline`` package (which renders the pages)
and the versions of MkDocs, Material and Pagefind.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import importlib.metadata
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from dateline import diagnostics, files
from dateline.cache import DatasetError, open_store
from dateline.site.outputs import Stats
from dateline.site.searchindex import SearchIndexError

DEFAULT_OUT: Final = Path("build/site")
DEFAULT_CONFIG: Final = Path("mkdocs.yml")
_PACKAGE: Final = Path(__file__).resolve().parent.parent  # the whole dateline package
_VERSIONS: Final = ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin")


class BuildError(Exception):
    """The site could not be built; the message says why (for a dataset: every error)."""


def refusal(events: Path, error: DatasetError) -> str:
    """Why a dataset with errors is not built: every error, as ``dateline check`` says it."""
    where = diagnostics.display_path(events)
    return f"{where} has errors; fix them and build again:\n" + error.report().rstrip()


@dataclass(frozen=True)
class Built:
    """What a build did: where, how many pages, how long each stage took."""

    out: Path
    pages: int  # HTML pages MkDocs wrote
    events: int  # of which event pages
    store_seconds: float  # opening the Store (compiling it if the data is new)
    mkdocs_seconds: float  # MkDocs with the hook: every page, the static JSON, the index
    pagefind_seconds: float  # Pagefind's own time, mostly while MkDocs was still rendering
    pagefind_waited: float = 0.0  # of which the build waited for after the last page
    shards: int = 0  # search index shards
    reused: bool = False  # nothing changed since the last build, so it was not rebuilt

    @property
    def render_seconds(self) -> float:
        """MkDocs' time to render and write the pages, without waiting for Pagefind."""
        return self.mkdocs_seconds - self.pagefind_waited

    @property
    def seconds(self) -> float:
        return self.store_seconds + self.mkdocs_seconds


def stamp_path(out: Path) -> Path:
    """Where the content hash of a build's inputs is kept: beside the output folder."""
    return out.with_name(out.name + ".hash")


def content_hash(events: Path, config_file: Path) -> str:
    """A hash of everything a build's output depends on (see the module docstring)."""
    digest = hashlib.blake2b(digest_size=20)
    root = config_file.resolve().parent
    inputs = [
        ("events", events.resolve()),
        ("site", root / "site"),
        ("package", _PACKAGE),
    ]
    digest.update(config_file.read_bytes())
    for name in _VERSIONS:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    for label, folder in inputs:
        for relative in files.walk(folder):
            if label == "package" and not relative.endswith((".py", ".html")):
                continue
            data = (folder / relative).read_bytes()
            digest.update(f"{label}/{relative}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors, to show them when a build fails."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_log() -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    # MkDocs has no handler of its own in this process; without one Python's last-resort
    # handler would print each warning a second time.
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def build(
    events: Path,
    out: Path = DEFAULT_OUT,
    *,
    config_file: Path = DEFAULT_CONFIG,
    options: Mapping[str, Any] | None = None,
    site_url: str | None = None,
) -> Built:
    """Build the site for ``events`` into ``out``; raises BuildError.

    ``options`` override ``extra.dateline`` in the configuration (e.g. ``search_shard_size``);
    ``site_url`` overrides the configuration's.
    """
    if not config_file.is_file():
        raise BuildError(f"{config_file} not found; run from the repository root or pass --config")
    stamp = stamp_path(out)
    stamp.unlink(missing_ok=True)  # a failed build must never look current
    source_hash = content_hash(events, config_file)
    started = time.perf_counter()
    try:
        # The hook opens the Store too; opening it here first compiles it if needed (timed on
        # its own) and reports a broken dataset exactly as `check` does.
        open_store(events)
    except DatasetError as error:
        raise BuildError(refusal(events, error)) from None
    store_seconds = time.perf_counter() - started
    # Build beside the output and swap it in when complete: a failed build leaves the last
    # good site in place (`dateline serve` may be serving it), and MkDocs starts from an
    # empty folder instead of deleting the old site file by file first.
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    overrides: dict[str, Any] = {"site_dir": str(staging.resolve())}
    if site_url is not None:
        overrides["site_url"] = site_url
    config = load_config(config_file=str(config_file), **overrides)
    settings = config.extra.setdefault("dateline", {})
    settings.update(options or {})
    settings["events"] = str(events.resolve())
    started = time.perf_counter()
    with _mkdocs_log() as log:
        try:
            mkdocs_build.build(config)
        except MkDocsException as error:
            messages = [m for m in log.messages if m] or [str(error)]
            raise BuildError("\n".join(messages)) from None
        except SearchIndexError as error:
            raise BuildError(str(error)) from None
    mkdocs_seconds = time.perf_counter() - started
    stats: Stats = settings["stats"]
    pages = sum(1 for _ in staging.rglob("index.html"))
    event_pages = sum(1 for _ in (staging / "events").glob("*/index.html"))
    _swap(staging, out)
    stamp.write_text(source_hash + "\n", encoding="utf-8")
    return Built(
        out=out,
        pages=pages,
        events=event_pages,
        store_seconds=store_seconds,
        mkdocs_seconds=mkdocs_seconds,
        pagefind_seconds=stats.search_seconds,
        pagefind_waited=stats.search_waited,
        shards=stats.search_shards,
    )


def _swap(new: Path, out: Path) -> None:
    """Put the folder ``new`` in the place of ``out``, then delete the old one.

    Where the system can exchange two names in one step (Linux), ``out`` always names a whole
    site, even to a server reading it during the swap; elsewhere, two renames leave a moment
    in which ``out`` does not exist.
    """
    if out.is_dir() and not out.is_symlink() and _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now names the old site
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


def ensure_built(
    events: Path, out: Path = DEFAULT_OUT, *, config_file: Path = DEFAULT_CONFIG
) -> Built:
    """The site for ``events`` in ``out``, built only if its inputs changed since last time."""
    stamp = stamp_path(out)
    current = (
        stamp.is_file()
        and (out / "index.html").is_file()
        and config_file.is_file()
        and stamp.read_text(encoding="utf-8").strip() == content_hash(events, config_file)
    )
    if current:
        return Built(out, 0, 0, 0.0, 0.0, 0.0, reused=True)
    return build(events, out, config_file=config_file)
