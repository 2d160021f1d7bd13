"""``dateline serve``: the app on uvicorn, and the watcher that reloads the data under it.

A reload never serves bad data. On a change under the events folder the :class:`Reloader`
opens the folder's store in a worker thread — compiling it if this content was never seen —
and swaps it in whole. If the dataset has errors, nothing is swapped: the last good data is
still served, each problem is logged as ``file:line:col: message``, and ``/api/v1/health``
reports them (``"status": "degraded"``) until a later change fixes them.

When the site is served too, each reload that swaps in new data then asks the
:class:`SiteRebuilder` for a new site, which ``dateline build`` makes in a child process while
the API already serves the new data; the new site is live when the build swaps it in whole.
A reload with errors rebuilds nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from pathlib import Path

import anyio
import uvicorn
import watchfiles
from litestar import Litestar

from dateline import dataset as dataset_module
from dateline.cache import DatasetError, file_digests, open_store
from dateline.dataset import EventFile
from dateline.web.app import Served, create_app, served

logger = logging.getLogger("dateline.serve")


class ParsedFiles:
    """Event files already read, each kept with a hash of the bytes it was read from.

    A reload reads again only the files whose bytes changed, so a one-file change costs one
    file's parsing plus the checks across files and the compile, not the whole folder's parsing.
    Before each load, :meth:`expect` gives the hashes of the folder's files as they are now.
    """

    def __init__(self) -> None:
        self._known: dict[str, tuple[bytes, EventFile]] = {}
        self._digests: dict[str, bytes] = {}

    def expect(self, root: Path, digests: dict[str, bytes]) -> None:
        self._digests = {os.path.normpath(os.path.join(root, f)): d for f, d in digests.items()}

    def __call__(self, files: list[str], jobs: int | None) -> list[EventFile]:
        current = {file: self._digests.get(os.path.normpath(file)) for file in files}
        stale = [
            file
            for file in files
            if current[file] is None or self._known.get(file, (None,))[0] != current[file]
        ]
        fresh = dict(zip(stale, dataset_module.load_files(stale, jobs), strict=True))
        known: dict[str, tuple[bytes, EventFile]] = {}
        for file in files:
            digest = current[file]
            if file in fresh:
                if digest is not None:  # a file that appeared mid-load is read again next time
                    known[file] = (digest, fresh[file])
            else:
                known[file] = self._known[file]
        self._known = known
        return [fresh[file] if file in fresh else known[file][1] for file in files]


class SiteRebuilder:
    """Rebuilds the served site on request, in a child process, one build at a time.

    The build is ``dateline build`` in a child process of lower priority, so the API answers
    (and reloads) at full speed meanwhile and holds nothing the build needs. Requests
    coalesce: while a build runs, any number of requests make one more build, which starts
    when it ends and reads the events as they are then. ``dateline build`` writes the new site
    beside the served one and swaps it in when complete, so a failed build leaves the served
    site as it was (:mod:`dateline.web.sitefiles` says how requests that straddle a swap stay
    whole).
    """

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self._wanted = asyncio.Event()

    @classmethod
    def of(cls, events: Path, site: Path, config_file: Path) -> SiteRebuilder:
        """The rebuilder of ``dateline build --events EVENTS --out SITE --config CONFIG``."""
        command = [sys.executable, "-m", "dateline", "build"]
        for option, path in (("--events", events), ("--out", site), ("--config", config_file)):
            command += [option, os.path.abspath(path)]
        return cls(command)

    def request(self) -> None:
        """Ask for a build of the events as they are when it starts."""
        self._wanted.set()

    async def run(self) -> None:
        """Build on each request until cancelled; cancelling stops a build under way."""
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self.build()
            except Exception:  # say so, and build again on the next request
                logger.exception("could not rebuild the site; still serving the last site")

    async def build(self) -> bool:
        """Run one build; True if the new site is live. Logs the outcome."""
        logger.info("rebuilding the site")
        process = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, Pagefind included, to stop whole
        )
        _lower_priority(process.pid)
        try:
            output, _ = await process.communicate()
        except asyncio.CancelledError:  # the server is stopping
            _stop(process.pid)
            await process.wait()
            raise
        lines = output.decode("utf-8", "replace").strip().splitlines()
        if process.returncode == 0:
            logger.info("site rebuilt; the new site is live: %s", lines[-1] if lines else "")
            return True
        logger.error(
            "site rebuild failed (exit %s); still serving the last site:\n%s",
            process.returncode,
            "\n".join(lines),
        )
        return False


def _lower_priority(pid: int) -> None:
    with suppress(AttributeError, OSError):  # no priorities here, or the child has ended
        os.setpriority(os.PRIO_PROCESS, pid, 10)


def _stop(pid: int) -> None:
    """Stop a build: its process group, Pagefind's processes included."""
    with suppress(AttributeError, OSError):  # no process groups here, or it has ended
        os.killpg(pid, signal.SIGTERM)


class Reloader:
    """Reopens the store of ``root`` and swaps it into ``target`` if the data is good.

    With a ``site``, each reload that swaps in new data asks it for a rebuild.
    """

    def __init__(
        self,
        root: Path,
        target: Served,
        *,
        cache: Path | None = None,
        site: SiteRebuilder | None = None,
    ) -> None:
        self.root = root
        self.target = target
        self.cache = cache
        self.site = site
        self.parsed = ParsedFiles()
        self._lock = threading.Lock()  # one reload (or warm-up) at a time

    def warm(self) -> None:
        """Read every event file once, so that the first reload is as quick as the next."""
        started = time.perf_counter()
        with self._lock:
            files, _ = dataset_module.discover(self.root)
            self.parsed.expect(self.root, file_digests(self.root))
            self.parsed(files, None)
        logger.info(
            "watching %s for changes (%d files read in %.2f s)",
            self.root,
            len(files),
            time.perf_counter() - started,
        )

    def reload(self) -> bool:
        """Swap in the store of the folder as it is now; False (and logged) if it has errors."""
        with self._lock:
            return self._reload()

    def _reload(self) -> bool:
        started = time.perf_counter()
        try:
            digests = file_digests(self.root)
            self.parsed.expect(self.root, digests)
            store = open_store(self.root, cache=self.cache, read=self.parsed, digests=digests)
        except DatasetError as error:
            problems = error.errors(base=self.root.parent)  # named from the repository
            for d in problems:
                logger.error("%s:%d:%d: %s", d.file, d.line, d.column, d.message)
            logger.error(
                "reload refused: %s; still serving revision %s",
                error,
                self.target.store.revision,
            )
            self.target.problems = problems
            return False
        if store.revision != self.target.store.revision:
            self.target.swap(store)
            logger.info(
                "reloaded: revision %s, %d events, in %.2f s",
                store.revision,
                store.counts.events,
                time.perf_counter() - started,
            )
        else:
            self.target.problems = []
        return True

    async def watch(self, stop: anyio.Event) -> None:
        """Reload after each burst of changes until ``stop`` is set."""
        async with anyio.create_task_group() as group:
            group.start_soon(self._warm)
            changes = watchfiles.awatch(self.root, stop_event=stop, step=50, debounce=1600)
            async for _ in changes:
                served = self.target.store.revision
                try:
                    await anyio.to_thread.run_sync(self.reload)
                except Exception:  # a reload must never take the server down
                    logger.exception("reload failed; still serving the last good data")
                if self.site is not None and self.target.store.revision != served:
                    self.site.request()

    async def _warm(self) -> None:
        try:
            await anyio.to_thread.run_sync(self.warm)
        except Exception:
            logger.exception("could not read the events ahead of a reload")


def watching(
    root: Path, *, cache: Path | None = None, site: SiteRebuilder | None = None
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A Litestar lifespan that reloads the app's data on each change under ``root``, and
    has ``site`` rebuild the site after each reload that swaps in new data."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        reloader = Reloader(root, served(app), cache=cache, site=site)
        stop = anyio.Event()
        tasks = [asyncio.create_task(reloader.watch(stop))]
        if site is not None:
            tasks.append(asyncio.create_task(site.run()))
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return lifespan


def build(
    events: Path,
    *,
    reload: bool,
    cache: Path | None = None,
    site: Path | None = None,
    site_config: Path | None = None,
) -> Litestar:
    """The app for ``events`` (and the built ``site`` at ``/``); raises :class:`DatasetError`.

    With ``reload`` and a ``site_config`` (the site's mkdocs.yml), reloads rebuild the site.
    """
    store = open_store(events, cache=cache)
    lifespan = []
    if reload:
        rebuilder = None
        if site is not None and site_config is not None:
            rebuilder = SiteRebuilder.of(events, site, site_config)
        lifespan.append(watching(events, cache=cache, site=rebuilder))
    return create_app(store, site=site, lifespan=lifespan)


def serve(
    events: Path,
    *,
    host: str,
    port: int,
    reload: bool,
    access_log: bool = False,
    site: Path | None = None,
    site_config: Path | None = None,
) -> None:
    """Serve the API (and the built ``site``, or a page of links, at ``/``) until interrupted.

    With ``reload`` and ``site_config``, the site is rebuilt after each reload (see ``build``).
    """
    started = time.perf_counter()
    app = build(events, reload=reload, site=site, site_config=site_config)
    store = served(app).store
    logger.info(
        "serving revision %s (%d events) from %s, opened in %.2f s",
        store.revision,
        store.counts.events,
        events,
        time.perf_counter() - started,
    )
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info")
