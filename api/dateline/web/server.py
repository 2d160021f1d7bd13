"""``dateline serve``: the app on granian's worker processes, and the engine that reloads.

``dateline serve`` opens (or compiles) the events folder's store, then runs granian, whose
workers (one per core by default, ``--workers``) each serve the app of
:mod:`dateline.web.worker`. Granian starts them fresh (``spawn``), never by forking a process
that runs threads.

With ``--reload``, the store served is a *live* copy of it, and a separate engine process
(:func:`run_engine`, also spawned) watches the events folder and commits each change into
it in place (:class:`dateline.engine.LiveStore`): every worker sees the new revision at its
next request, and no request sees half of one (each reads one snapshot). A change with
errors commits nothing but its problems: the last good data is still served, each problem
is logged as ``file:line:col: message``, and ``/api/v1/health`` reports them (``"status":
"degraded"``) until a later change fixes them.

When the site is served too, each reload that commits new data then asks the
:class:`SiteRebuilder` for a new site, which ``dateline build`` makes in a child process of
the engine while the API already serves the new data; the new site is live when the build
swaps it in whole. A reload with errors rebuilds nothing.

Stopping: SIGTERM (or SIGINT) stops the workers, then the engine, which stops a build under
way; every child also dies with its parent if that is killed (:mod:`dateline.lifetime`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Final

import watchfiles

from dateline import history, lifetime
from dateline.cache import cache_folder, open_store
from dateline.engine import Engine, LiveStore, Outcome
from dateline.web import worker

logger = logging.getLogger("dateline.serve")

QUIET_SECONDS: Final = 1.0  # after the last change, rank the common words again
LOG_FORMAT: Final = "[%(levelname)s] %(message)s"  # as granian logs
STOP_SECONDS: Final = 10.0  # how long the engine has to stop before it is killed


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
            env=lifetime.environment(),  # it stops if this process is killed
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


class Reloads:
    """The engine process's work: each burst of changes under ``root`` committed into
    ``store``, then (for a ``site``) a rebuild requested."""

    def __init__(self, store: LiveStore, site: SiteRebuilder | None) -> None:
        self.store = store
        self.site = site
        self.pending: asyncio.Queue[set[str]] = asyncio.Queue()
        # Set while a change waits to be reloaded: the re-ranking of common words (in a worker
        # thread) stops for it, so a change never waits for seconds of ranking.
        self.waiting = threading.Event()

    def first(self) -> bool:
        """Read every file once, and commit if the folder changed since it was compiled;
        True if a new revision was committed."""
        outcome = self.store.update()
        logger.info(
            "read %s: %d files in %.2f s",
            self.store.engine.root,
            self.store.engine.read_files,
            outcome.seconds,
        )
        self._report(outcome)
        return outcome.changed

    def reload(self, changed: set[str] | None) -> bool:
        """Commit the folder as it is now; True if a new revision was committed. ``changed``
        names the paths the watcher saw change (None: scan them all)."""
        outcome = self.store.update(changed)
        self._report(outcome)
        return outcome.changed

    def _report(self, outcome: Outcome) -> None:
        if outcome.problems:
            for d in outcome.problems:
                logger.error("%s:%d:%d: %s", d.file, d.line, d.column, d.message)
            logger.error(
                "reload refused: the dataset has %d error%s; still serving revision %s",
                len(outcome.problems),
                "" if len(outcome.problems) == 1 else "s",
                outcome.revision,
            )
        elif outcome.changed:
            logger.info(
                "reloaded: revision %s, %d event%s rewritten, in %.2f s",
                outcome.revision,
                outcome.events,
                "" if outcome.events == 1 else "s",
                outcome.seconds,
            )

    async def run(self, stop: asyncio.Event) -> None:
        """Reload after each burst of changes until ``stop`` is set."""
        watcher = asyncio.create_task(self._watch(stop))
        try:
            committed = await asyncio.to_thread(self.first)
            # A change made while the watcher was starting (after the first read saw the
            # file, before the watcher did) is found by a scan now that it watches.
            committed = await asyncio.to_thread(self.reload, None) or committed
            # Only now is a change served within a reload's time (the scan takes seconds at
            # 100,000 files): the log says so when it is true.
            logger.info("watching %s for changes", self.store.engine.root)
            # Either may commit an edit made after the site was built: it is rebuilt too.
            unsettled = committed and not await self._committed()
            while not stop.is_set():
                try:
                    changed = await asyncio.wait_for(self.pending.get(), QUIET_SECONDS)
                except TimeoutError:
                    if unsettled:
                        unsettled = not await self._settle()
                    continue
                self.waiting.clear()  # before the queue is drained: a later change sets it
                while not self.pending.empty():
                    changed |= self.pending.get_nowait()
                try:
                    committed = await asyncio.to_thread(self.reload, changed)
                except Exception:  # a reload must never take the server down
                    logger.exception("reload failed; still serving the last good data")
                    continue
                if committed:
                    unsettled = not await self._committed()
        finally:
            watcher.cancel()
            with suppress(asyncio.CancelledError):
                await watcher

    async def _committed(self) -> bool:
        """After a commit: with a site, settle at once (it is rebuilt as soon as the store is
        ready); without, after a quiet second. True if settled."""
        return self.site is not None and await self._settle()

    async def _settle(self) -> bool:
        """Rank the common words again, stopping for a change that waits; once all are ranked,
        publish the store and request a rebuild of the site, if one is served (the build opens
        the folder's store: it finds this one, not compiling). True when done; else it is
        done again after the next change, or a quiet second."""
        if not await asyncio.to_thread(self.store.rerank, self.waiting.is_set):
            return False
        if self.site is not None:
            await asyncio.to_thread(self.store.publish)
            self.site.request()
        return True

    async def _watch(self, stop: asyncio.Event) -> None:
        root = self.store.engine.root
        # And the repository's reflog: a commit changes no file of the folder, but it moves
        # the events' git times (the engine reads them again on every load).
        log = history.log_file(root)
        paths = [root] if log is None else [root, log]
        default = watchfiles.DefaultFilter()  # which skips what is under .git: not the log

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return path == str(log) or default(change, path)

        async for changes in watchfiles.awatch(
            *paths, watch_filter=wanted, stop_event=stop, step=50, debounce=1600
        ):
            await self.pending.put({path for _, path in changes})
            self.waiting.set()


def run_engine(events: str, live: str, site_command: Sequence[str] | None, parent: int) -> None:
    """The engine process: watch ``events``, commit each change into the store ``live``."""
    lifetime.die_with_parent(parent)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    asyncio.run(_engine(Path(events), Path(live), site_command))


async def _engine(events: Path, live: Path, site_command: Sequence[str] | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    store = LiveStore(live, Engine(events))
    site = SiteRebuilder(site_command) if site_command is not None else None
    reloads = Reloads(store, site)
    tasks = [asyncio.create_task(reloads.run(stop))]
    if site is not None:
        tasks.append(asyncio.create_task(site.run()))
    stopped = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
        for task in done - {stopped}:
            if not task.cancelled() and task.exception() is not None:
                logger.error("the reload engine stopped", exc_info=task.exception())
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        store.close()


def _live_path(events: Path) -> Path:
    """This server's live store: one per server, beside the folder's compiled stores."""
    folder = cache_folder(events)
    for old in folder.glob("live-*.sqlite"):  # left by a server that was killed
        pid = old.stem.removeprefix("live-")
        if pid.isdigit() and not _alive(int(pid)):
            _remove_store(old)
    return folder / f"live-{os.getpid()}.sqlite"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def serve(
    events: Path,
    *,
    host: str,
    port: int,
    reload: bool,
    access_log: bool = False,
    site: Path | None = None,
    site_config: Path | None = None,
    workers: int | None = None,
    base_url: str | None = None,
) -> None:
    """Serve the API (and the built ``site``, or a page of links, at ``/``) until stopped.

    With ``reload``, an engine process reloads each change (and, with ``site_config``,
    rebuilds the site after it). Absolute links start with ``base_url`` (by default the
    address listened on), never with the request's ``Host``. Raises :class:`DatasetError` if
    the dataset has errors.
    """
    from granian.constants import Interfaces
    from granian.server import Server

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    started = time.perf_counter()
    store = open_store(events)
    environment = {
        worker.STORE: str(store.path),
        worker.LIVE: "0",
        worker.SITE: str(site.resolve()) if site is not None else "",
        worker.BASE_URL: base_url or listening_url(host, port),
        worker.ACCESS_LOG: "1" if access_log else "",
        lifetime.PARENT: str(os.getpid()),
    }
    spawn = multiprocessing.get_context("spawn")
    engine: multiprocessing.process.BaseProcess | None = None
    live: Path | None = None
    if reload:
        live = _live_path(events)
        LiveStore.create(live, Engine(events), store.path).close()
        environment.update({worker.STORE: str(live), worker.LIVE: "1"})
        command = None
        if site is not None and site_config is not None:
            command = SiteRebuilder.of(events, site, site_config).command
        engine = spawn.Process(
            target=run_engine,
            args=(str(events), str(live), command, os.getpid()),
            name="dateline-engine",
        )
        engine.start()
    os.environ.update(environment)
    count = workers or os.cpu_count() or 1
    logger.info(
        "serving revision %s (%d events) from %s on %d worker%s, opened in %.2f s",
        store.revision,
        store.counts.events,
        events,
        count,
        "" if count == 1 else "s",
        time.perf_counter() - started,
    )
    # Workers start fresh: forking this process (granian's default on Linux) would copy it
    # mid-way with its supervisor threads running.
    multiprocessing.set_start_method("spawn", force=True)
    try:
        Server(
            "dateline.web.worker:app",
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            workers=count,
            factory=True,
            log_access=False,  # the app logs each request itself, escaped (web.methods)
            workers_kill_timeout=int(STOP_SECONDS),
        ).serve()
    finally:
        if engine is not None:
            _stop_process(engine)
        if live is not None:
            _remove_store(live)


def listening_url(host: str, port: int) -> str:
    """The URL of the address a server listens on (an IPv6 address in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _stop_process(process: multiprocessing.process.BaseProcess) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `STOP_SECONDS`."""
    if process.is_alive():
        process.terminate()
        process.join(STOP_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
