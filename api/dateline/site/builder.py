"""The static site: MkDocs (with the hook in ``site/hooks/``) and Pagefind over its output.

:func:`build` runs MkDocs in this process; the hook has each page written as MkDocs renders
it (:mod:`dateline.site.outputs`) and runs Pagefind over the pages in shards as they are
written (:mod:`dateline.site.searchindex` says why). :func:`ensure_built` is
what ``dateline serve`` calls: it builds only when the inputs changed since the last build,
which it knows from a content hash stored next to the output (``build/site.hash`` for
``build/site``). The hash covers everything the output depends on: the events folder, the
site's sources (``site/``), ``mkdocs.yml``, the ``dateline`` package (which renders the pages)
and the versions of MkDocs, Material and Pagefind.

When the last build's output and its manifest are there, and only the events changed since,
the build is incremental: it renders only the pages whose inputs changed and updates the site
file by file (:mod:`dateline.site.manifest` says what is compared, :mod:`dateline.site.update`
how the site is updated). Its output equals a full build's (the tests compare them).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from dateline import diagnostics, files, lifetime
from dateline.cache import REFUSED, DatasetError, file_digests, is_compiled, open_store
from dateline.site import manifest, update
from dateline.site.outputs import Downloads, Stats
from dateline.site.searchindex import SearchIndexError
from dateline.site.writer import SinkError, Writer
from dateline.store import Store

DEFAULT_OUT: Final = Path("build/site")
DEFAULT_CONFIG: Final = Path("mkdocs.yml")
_PACKAGE: Final = Path(__file__).resolve().parent.parent  # the whole dateline package
_VERSIONS: Final = ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin")


class BuildError(Exception):
    """The site could not be built; the message says why (for a dataset: every error)."""


def refusal(events: Path, error: DatasetError) -> str:
    """Why a dataset with errors is not built: every error, as ``dateline check`` says it."""
    return _refused(events, error.report())


def _refused(events: Path, report: str) -> str:
    where = diagnostics.display_path(events)
    return f"{where} has errors; fix them and build again:\n" + report.rstrip()


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
    incremental: bool = False  # only what changed was rendered and written
    rendered: int = 0  # generated pages rendered
    # From the start until the new pages were in the site's place (the Store's opening
    # included); an incremental build indexes its search bundles after.
    live_seconds: float = 0.0
    reindexed: int = 0  # search bundles indexed (an incremental build's: again, after)
    downloads_seconds: float = 0.0  # an incremental build's downloads, written after

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


def content_hash(
    events: Path,
    config_file: Path,
    digests: dict[str, bytes] | None = None,
    sources: str | None = None,
) -> str:
    """A hash of everything a build's output depends on (see the module docstring);
    ``digests``, the events folder's :func:`dateline.cache.file_digests`, and ``sources``,
    :func:`sources_hash`, if known already."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update((sources if sources is not None else sources_hash(config_file)).encode())
    found = digests if digests is not None else file_digests(events)
    for relative, content in sorted(found.items()):
        digest.update(f"events/{relative}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def sources_hash(config_file: Path) -> str:
    """A hash of what a build's output depends on but the events: an incremental build
    needs the last build's to be the same."""
    return _hash(config_file)


def template_cache(out: Path, sources: str) -> Path:
    """Where Jinja keeps the templates it compiled for builds into ``out`` of the sources whose
    hash is ``sources`` (the folders of other sources are removed): compiling them again was
    a few tenths of a second of every build. Jinja checks each template's source against its
    compiled copy, but not how its environment is set (autoescaping is set by the hook, in
    the sources), hence a folder per sources hash."""
    root = out.with_name(f".{out.name}.templates")
    if root.is_dir():
        for other in root.iterdir():
            if other.name != sources:
                shutil.rmtree(other, ignore_errors=True)
    folder = root / sources
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _hash(config_file: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    root = config_file.resolve().parent
    inputs = [("site", root / "site"), ("package", _PACKAGE)]
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
    began = time.perf_counter()
    stamp = stamp_path(out)
    stamp.unlink(missing_ok=True)  # a failed build must never look current
    # The events folder is read once: its digests make the build's hash and the Store's
    # revision, and the hook opens that Store rather than reading the folder again.
    digests = file_digests(events) if events.is_dir() else {}
    sources = sources_hash(config_file)
    source_hash = content_hash(events, config_file, digests, sources)
    manifest_path = manifest.path_of(out)
    previous = manifest_path.is_file() and (out / "index.html").is_file()
    started = time.perf_counter()
    # Opened here (and given to the hook) to compile it if needed, timed on its own, and to
    # report a broken dataset exactly as `check` does.
    store = _open(events, digests)
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
    settings["store"] = str(store.path)
    settings["key"] = f"{sources} {site_url}"
    settings["templates"] = str(template_cache(out, sources))
    if previous:
        settings["previous"] = str(manifest_path)
        settings["live"] = str(out.resolve())
    started = time.perf_counter()
    with _mkdocs_log() as log:
        try:
            # Into an empty folder: in an incremental build the hook gives MkDocs only the
            # pages to render again (site/hooks/timeline.py).
            mkdocs_build.build(config)
        except BaseException as error:
            if "outputs" in settings:  # the hook started writing: stop it
                settings["outputs"].abandon()
            if isinstance(error, MkDocsException):
                messages = [m for m in log.messages if m] or [str(error)]
                raise BuildError("\n".join(messages)) from None
            if isinstance(error, SearchIndexError | SinkError):
                raise BuildError(str(error)) from None
            raise
    mkdocs_seconds = time.perf_counter() - started
    stats: Stats = settings["stats"]
    pages = len(stats.manifest.pages) + stats.written_by_hand
    event_pages = sum(1 for src_uri in stats.manifest.pages if src_uri.startswith("events/"))
    manifest_path.unlink(missing_ok=True)  # until the site and it agree again
    search_seconds, search_waited = stats.search_seconds, stats.search_waited
    reindexed = stats.search_shards
    downloads_seconds = 0.0
    if stats.previous is not None:
        update.apply(staging, out, stats.previous, stats.manifest, stats.same)
        live_seconds = time.perf_counter() - began
        # The pages are live; the downloads and the search bundles follow, together: Pagefind
        # works in its own process while this one writes the downloads.
        with ThreadPoolExecutor(1, thread_name_prefix="dateline-downloads") as pool:
            written = pool.submit(_follow, stats.downloads, out)
            if stats.reindex is not None:
                try:
                    done = stats.reindex.finish()
                except SearchIndexError as error:  # no manifest: the next build is a full one
                    raise BuildError(str(error)) from None
                update.swap_bundles(stats.reindex.site_dir, out, done)
                search_seconds, search_waited = stats.reindex.seconds, 0.0
                reindexed = len(done)
            downloads_seconds = written.result()
    else:
        update.swap(staging, out)
        live_seconds = time.perf_counter() - began
    manifest.save(stats.manifest, manifest_path)
    stamp.write_text(source_hash + "\n", encoding="utf-8")
    return Built(
        out=out,
        pages=pages,
        events=event_pages,
        store_seconds=store_seconds,
        mkdocs_seconds=mkdocs_seconds,
        pagefind_seconds=search_seconds,
        pagefind_waited=search_waited,
        shards=stats.search_shards,
        incremental=stats.incremental,
        rendered=stats.rendered,
        live_seconds=live_seconds,
        reindexed=reindexed,
        downloads_seconds=downloads_seconds,
    )


def _open(events: Path, digests: dict[str, bytes]) -> Store:
    """The Store of ``events``; raises BuildError for a dataset with errors.

    A Store not compiled yet is compiled by a child process (``python -m dateline.cache``):
    compiling 100,000 events took 1.4 GB, which this process would have kept for the rest of
    the build (Python gives little of what it frees back to the system), under the pages'
    objects and beside Pagefind."""
    if events.is_dir() and not is_compiled(events, digests=digests):
        done = subprocess.run(
            [sys.executable, "-m", "dateline.cache", str(events)],
            capture_output=True,
            text=True,
            env=lifetime.environment(),  # it ends if this process is killed
            check=False,
        )
        if done.returncode == REFUSED:
            raise BuildError(_refused(events, done.stdout))
        if done.returncode != 0:
            raise BuildError(f"compiling {events} failed:\n{done.stderr.rstrip()}")
    try:
        return open_store(events, digests=digests)
    except DatasetError as error:
        raise BuildError(refusal(events, error)) from None


def _follow(downloads: Downloads | None, out: Path) -> float:
    """Write an incremental build's downloads into the live site ``out``, each file that
    changed with a rename; return the seconds it took."""
    started = time.perf_counter()
    if downloads is not None:
        follow = Writer(out.with_name(f".{out.name}.downloads"), live=out)
        shutil.rmtree(follow.folder, ignore_errors=True)
        downloads.write(follow)
        update.move(follow.folder, out)
    return time.perf_counter() - started


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
