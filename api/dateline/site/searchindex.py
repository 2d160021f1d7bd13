"""The Pagefind search index, built in shards while MkDocs is still writing the pages.

Two measurements shaped this (``benchmarks/build.py`` prints them for each run):

* Pagefind's memory grows with the pages it holds while it indexes (about 92 KB an event
  page with Pagefind 1.5.2: 0.26 GB for 2,500 pages, 0.97 GB for 10,000, 1.84 GB for
  20,000), so one index of 100,000 events would need 9 GB. Indexing at most
  :data:`SHARD_SIZE` pages at a time bounds that; the search page merges the shards'
  bundles (``pagefind/``, ``pagefind-1/``, ...) with Pagefind's ``mergeIndex``, which is
  how Pagefind searches several sites at once. The bound is a trade: each bundle is a
  little more for a reader's search to fetch (its 72 KB of WebAssembly and its entry, once;
  then its part of each word's index), and 10,000 pages keeps a build of 100,000 events
  under 2 GB (11 bundles; at 20,000, 6 bundles and 1.84 GB of Pagefind alone).
* MkDocs renders on one core. Pagefind is a separate process, so a shard whose pages are all
  written can be indexed on the other core while MkDocs renders the next ones; only the last
  shard is left to wait for at the end. So a site of more than 2,000 indexed pages gets
  about four shards even when its memory would allow one.

Only the pages that carry ``data-pagefind-body`` are indexed (events, actors, places): the
timeline and the tag lists would only repeat event titles. The pages are written by a child
process (:mod:`dateline.site.outputs` says why); a shard is indexed once it has written them.
A shard's pages are copied into a scratch folder that mirrors the site (in memory if the machine
has a file system there: :func:`scratch_folder`), each cut to what Pagefind reads
(:func:`searchable`), and Pagefind runs over that folder, writing its bundle into the site.

An incremental build (:mod:`dateline.site.manifest`) keeps the last build's bundles and what
each holds (:class:`Reindex`): a new page joins the last bundle, and only the bundles that
gained, lost or changed a page are indexed again. So a bundle may hold other pages than a full
build's would; the pages indexed, and what each says, are the same.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Final

from pagefind.service import get_executable

from dateline import lifetime
from dateline.site.writer import Sink

SHARD_SIZE: Final = 10_000  # at most: ~0.97 GB of Pagefind at a time
MIN_SHARD_SIZE: Final = 2_000  # below this a shard costs more to start than it saves
SHARDS_TO_OVERLAP: Final = 4  # aim for this many, so most of the indexing overlaps rendering
# Pagefind's threads (its thread pool's setting). While MkDocs renders, one: the shards are
# indexed on the other core, and Pagefind's default pool only fought MkDocs for the CPU (on
# 10,000 pages it took longer with it than with one thread, for the same CPU work). Once the
# pages are all written, a shard still to index has every core.
_THREADS: Final = "RAYON_NUM_THREADS"


class SearchIndexError(Exception):
    """Pagefind failed; the message carries its output."""


def bundle(shard: int) -> str:
    """The folder (under the site) of a shard's Pagefind bundle."""
    return "pagefind" if shard == 0 else f"pagefind-{shard}"


def size_of_shards(pages: int, largest: int = SHARD_SIZE) -> int:
    """How many pages a shard holds, for a site of ``pages`` indexed pages.

    A small site gets one shard; a larger one about four, so that all but the last are
    indexed while MkDocs renders; the largest get shards of ``largest``, to bound Pagefind's
    memory.
    """
    return max(1, min(largest, max(MIN_SHARD_SIZE, math.ceil(pages / SHARDS_TO_OVERLAP))))


def bundles(pages: int, largest: int = SHARD_SIZE) -> list[str]:
    """The bundles of a site of ``pages`` indexed pages, in the order the search page merges."""
    return [bundle(i) for i in range(max(1, math.ceil(pages / size_of_shards(pages, largest))))]


class SearchIndex:
    """Collects the pages to index as they are written, and indexes them shard by shard.

    With ``sink``, the :class:`~dateline.site.writer.Sink` that writes the pages: a shard's
    Pagefind waits until the sink has written its pages (a mark sent after them)."""

    def __init__(
        self,
        site_dir: Path,
        pages: int,
        shard_size: int = SHARD_SIZE,
        *,
        sink: Sink | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.shard_size = size_of_shards(pages, shard_size)
        self.bundles = bundles(pages, shard_size)
        self._sink = sink
        self._sent: list[str] = []  # sent to be written, not yet in a shard
        self._shards: list[Future[float]] = []
        self.members: list[list[str]] = []  # the pages of each bundle, for the manifest
        self._runner = ThreadPoolExecutor(1, thread_name_prefix="dateline-pagefind")
        self._rendering = True  # while MkDocs renders, Pagefind keeps to one thread
        self.seconds = 0.0  # Pagefind's own time, summed over the shards
        self.waited = 0.0  # the part of it the build waited for at the end

    def page(self, dest_uri: str | None) -> None:
        """Called as each page is sent to ``sink`` (or, without one, once it is written),
        with its path if it is to be indexed."""
        if dest_uri is not None:
            self._sent.append(dest_uri)
        while len(self._sent) >= self.shard_size and len(self._shards) < len(self.bundles):
            mark = self._sink.mark() if self._sink is not None else None
            self._cut(self._sent[: self.shard_size], mark)
            del self._sent[: self.shard_size]

    def finish(self) -> None:
        """Index what is left (every page is written by now), wait for every shard, and
        raise if one failed."""
        started = time.perf_counter()
        self._rendering = False  # the shards still to index may have every core
        while len(self._shards) < len(self.bundles):
            self._cut(self._sent[: self.shard_size], None)
            del self._sent[: self.shard_size]
        try:
            if self._sent:  # the search page lists the bundles already: never drop pages
                raise SearchIndexError(
                    f"{len(self._sent)} pages more than the {len(self.bundles)} shards "
                    "planned for were written; none of them would be found"
                )
            self.seconds = sum(shard.result() for shard in self._shards)
        finally:
            self._runner.shutdown()
            self.waited = time.perf_counter() - started

    def _cut(self, pages: list[str], mark: int | None) -> None:
        shard = len(self._shards)
        self.members.append(list(pages))
        files = [(page, self.site_dir / page) for page in pages]
        self._shards.append(self._runner.submit(self._index, shard, files, mark))

    def _index(self, shard: int, files: list[tuple[str, Path]], mark: int | None) -> float:
        if self._sink is not None and mark is not None:
            self._sink.wait(mark)  # until the shard's pages are on disk
        return index_shard(self.site_dir, shard, files, threads=1 if self._rendering else None)


class Reindex:
    """The search index of an incremental build: the last build's bundles (``members``, the
    pages of each), each indexed again only if one of its pages was rendered, added or
    removed. :meth:`finish` runs once the build's pages are in the ``live`` site, so that a
    change is on the site before Pagefind has indexed it again; it writes the bundles into
    ``site_dir``, for the builder to put in the site's place."""

    def __init__(
        self, site_dir: Path, live: Path, members: list[list[str]], pages: list[str]
    ) -> None:
        self.site_dir = site_dir
        self.live = live
        current = set(pages)
        known = {page for bundle in members for page in bundle}
        self.members = [[page for page in bundle if page in current] for bundle in members]
        self.members[-1].extend(page for page in pages if page not in known)  # the new ones
        self.bundles = [bundle(shard) for shard in range(len(members))]
        pairs = enumerate(zip(members, self.members, strict=True))
        self._dirty = {n for n, (before, now) in pairs if before != now}
        self._rendered: set[str] = set()
        self.seconds = 0.0
        self.waited = 0.0

    def page(self, dest_uri: str | None) -> None:
        if dest_uri is not None:
            self._rendered.add(dest_uri)

    def finish(self) -> list[str]:
        """Index the bundles that changed; return their names."""
        started = time.perf_counter()
        done = []
        self.site_dir.mkdir(parents=True, exist_ok=True)
        for shard, pages in enumerate(self.members):
            if shard in self._dirty or not self._rendered.isdisjoint(pages):
                files = [(page, self.live / page) for page in pages]
                self.seconds += index_shard(self.site_dir, shard, files)
                done.append(bundle(shard))
        self.waited = time.perf_counter() - started
        return done


def index_shard(
    site_dir: Path, shard: int, files: list[tuple[str, Path]], *, threads: int | None = None
) -> float:
    """Index the pages ``files`` (each its path in the site, and where it is now) into the
    shard's bundle in ``site_dir``; return how long it took. Pagefind uses ``threads``
    threads (None: one a core).

    The work is done by a child process (:func:`main`): copying thousands of small files from
    a thread of the build's process, the thread waited for the interpreter at every call,
    behind MkDocs rendering on the main thread (12.7 s to copy a shard of 2,750 pages at
    10,000 events, where Pagefind itself took 8.7 s)."""
    started = time.perf_counter()
    scratch = scratch_folder(site_dir, shard, _room_for(source for _, source in files))
    listing = b"".join(f"{page}\0{source}\0".encode() for page, source in files)
    command = [sys.executable, "-m", "dateline.site.searchindex", str(scratch)]
    environment = lifetime.environment()  # it ends if this process is killed
    if threads is not None:
        environment[_THREADS] = str(threads)
    result = subprocess.run(
        [*command, str(site_dir / bundle(shard))],
        input=listing,
        capture_output=True,
        check=False,
        env=environment,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).decode(errors="replace").strip()
        raise SearchIndexError(detail or f"indexing {bundle(shard)} failed ({result.returncode})")
    return time.perf_counter() - started


# Where the scratch folders go if this machine has it: a file system in memory (Linux's).
MEMORY: Final = Path("/dev/shm")


def scratch_folder(site_dir: Path, shard: int, room: int = 0) -> Path:
    """Where a shard's cut pages are put for Pagefind to read: in memory if the machine has a
    file system there (``/dev/shm``) with ``room`` bytes free, else beside the site.

    They are read once and deleted. Creating them on disk was the kernel's work, and a large
    part of a shard's time on a journalling file system: 2,750 pages took 2.5-4.5 s to copy
    onto this machine's disk, 0.4 s into memory (the cut pages of 20,000 events take 54 MB,
    80 MB in whole memory pages; a container's ``/dev/shm`` may hold only 64 MB). The name is
    the site's, so that the next build of the site removes what a build that was killed left
    there."""
    try:
        usable = os.access(MEMORY, os.W_OK | os.X_OK)
        free = os.statvfs(MEMORY) if usable else None
    except OSError:
        free = None
    if free is not None and free.f_bavail * free.f_frsize >= room:
        site = hashlib.blake2b(str(site_dir.resolve()).encode(), digest_size=8).hexdigest()
        return MEMORY / f"dateline-{site}.search-{shard}"
    return site_dir.with_name(f".{site_dir.name}.search-{shard}")


def _room_for(pages: Iterable[Path]) -> int:
    """At most what the cut copies of ``pages`` take: each page whole, in whole memory pages."""
    return sum((os.stat(page).st_size // 4096 + 1) * 4096 for page in pages)


def _index(scratch: Path, output: Path, files: list[tuple[str, Path]]) -> None:
    """Copy the pages ``files``, cut to what Pagefind reads, into ``scratch``, and index
    them into the bundle ``output``; ``scratch`` is deleted."""
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for page, source in files:
            target = scratch / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(searchable(source.read_bytes()))
        run(scratch, output, tied=sys.platform.startswith("linux"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m dateline.site.searchindex SCRATCH OUTPUT``, with the pages on standard
    input (each its path in the site and its file, NUL-terminated): :func:`index_shard`'s
    child. It ends if its parent dies, and Pagefind with it."""
    parent = os.environ.get(lifetime.PARENT)
    if parent and parent.isdigit() and sys.platform.startswith("linux"):
        lifetime.ask_kernel(int(parent))  # no watchdog thread: Pagefind is forked below
    scratch, output = argv if argv is not None else sys.argv[1:]
    fields = sys.stdin.buffer.read().split(b"\0")[:-1]
    pairs = zip(fields[::2], fields[1::2], strict=True)
    files = [(page.decode(), Path(os.fsdecode(source))) for page, source in pairs]
    try:
        _index(Path(scratch), Path(output), files)
    except (SearchIndexError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def searchable(page: bytes) -> bytes:
    """What Pagefind needs of a page: its ``<html>`` tag (which says its language), and the
    element marked ``data-pagefind-body``, with what Pagefind would ignore in it emptied.

    Material's header and navigation before that element and its footer after are two thirds
    of an event page, and the parts marked ``data-pagefind-ignore`` (an actor's or a place's
    list of events, an event's "cite this") most of the rest: Pagefind would parse them only to
    leave them out. Cut to this, pages are a fifth of their size, and Pagefind writes the same
    index from them (compared over a shard of 2,750 pages at 10,000 events, and by the tests)
    with a quarter to a third less work.
    """
    body = page.find(b"data-pagefind-body")
    if body < 0:
        return page
    html = page.find(b"<html")
    opening = page[html : page.index(b">", html) + 1] if html >= 0 else b"<html>"
    start = page.rfind(b"<", 0, body)
    end = _element_end(page, start)
    if end is None:  # not the HTML Dateline writes: keep the rest of the page as it is
        return opening + _HEAD + page[start:]
    return opening + _HEAD + _unignored(page[start:end]) + b"</body></html>"


_HEAD: Final = b'<head><meta charset="utf-8"></head><body>'
_IGNORE: Final = b"data-pagefind-ignore"
_ATTRIBUTE: Final = b"data-pagefind-"
_AFTER_NAME: Final = frozenset(b" \t\n\r\f/>")
# Elements with no end tag: one of them marked ignored is left as it is.
_VOID: Final = frozenset(b"area base br col embed hr img input link meta source track wbr".split())


def _unignored(element: bytes) -> bytes:
    """``element`` with each element in it marked ``data-pagefind-ignore`` left empty (an
    empty element of its kind, still marked, so that the text around it is split as it was).
    One that holds another of Pagefind's attributes (a filter, a meta field) is kept whole:
    Pagefind still reads those in an ignored element."""
    out: list[bytes] = []
    at = 0  # copied up to here
    search = 0
    while (found := element.find(_IGNORE, search)) >= 0:
        search = found + len(_IGNORE)
        start = element.rfind(b"<", 0, found)
        end = _element_end(element, start) if start >= at else None
        name = _name(element, start)
        region = element[start:end]
        if end is None or name in _VOID or region.count(_ATTRIBUTE) != region.count(_IGNORE):
            continue
        out.append(element[at:start])
        out.append(b"<%s %s></%s>" % (name, _IGNORE, name))
        at = search = end
    out.append(element[at:])
    return b"".join(out)


def _name(page: bytes, start: int) -> bytes:
    """The name of the tag that opens at ``start`` (lower case)."""
    end = start + 1
    while end < len(page) and page[end] not in _AFTER_NAME:
        end += 1
    return page[start + 1 : end].lower()


def _element_end(page: bytes, start: int) -> int | None:
    """Where the element whose start tag opens at ``start`` ends (after its end tag), counting
    the elements of its name nested in it; None if it does not end. Text in Dateline's pages
    is escaped, so every ``<`` opens a tag."""
    name = _name(page, start)
    opening, closing = b"<" + name, b"</" + name
    depth = 0
    at = start
    closes = _tag(page, closing, at)
    while closes >= 0:
        opens = _tag(page, opening, at)
        if 0 <= opens < closes:  # the next end tag is still ahead: not searched for again
            depth += 1
            at = opens + len(opening)
            continue
        depth -= 1
        at = closes + len(closing)
        if depth == 0:
            end = page.find(b">", at)
            return None if end < 0 else end + 1
        closes = _tag(page, closing, at)
    return None


def _tag(page: bytes, prefix: bytes, at: int) -> int:
    """The next tag from ``at`` that starts with ``prefix`` and then its name ends, or -1."""
    while (found := page.find(prefix, at)) >= 0:
        after = found + len(prefix)
        if after < len(page) and page[after] in _AFTER_NAME:
            return found
        at = after
    return -1


def run(site: Path, output: Path, *, tied: bool = False) -> None:
    """Run Pagefind over the HTML under ``site``, writing its bundle into ``output``;
    ``tied``: Pagefind ends if this process dies (only in a process with no other thread, as
    it is set between fork and exec)."""
    executable = get_executable()
    if executable is None:
        raise SearchIndexError("the Pagefind binary is missing; install pagefind[bin]")
    shutil.rmtree(output, ignore_errors=True)
    if not any(site.rglob("*.html")):
        site.mkdir(parents=True, exist_ok=True)  # nothing to index: an empty, working bundle
        (site / "index.html").write_text('<html lang="en"><body data-pagefind-body></body></html>')
    result = subprocess.run(
        [str(executable), "--site", str(site), "--output-path", str(output), "--silent"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=functools.partial(lifetime.ask_kernel, os.getpid()) if tied else None,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed on {site}:\n{result.stdout}{result.stderr}")


if __name__ == "__main__":
    sys.exit(main())
