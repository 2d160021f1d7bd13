"""When each event file was first published and last changed, from the git history.

When the events folder is in a git repository, an event's ``first_published`` is the time of
the first commit that touched its file and ``last_modified`` that of the last one, on the
first-parent line of ``HEAD`` (so a branch merged into ``main`` counts from the merge, the
moment it was published there, and not from when it was written on the branch). Times are
committer times, in UTC.

A file no commit has touched yet (not in git, or added but not committed) has no history, nor
has any file of a shallow clone, whose history is cut short:
:mod:`dateline.resources` then takes both times from the record itself (see
:func:`dateline.resources.record_times`). A file edited but not committed keeps the times of
its commits: the edit is not published until it is committed.

:class:`History` is keyed by ``head``, the newest commit that touched the folder: the times of
every file are a function of it, so it goes into the store's fingerprint, and a new ``head``
that descends from the old one is read as the commits between them only (the first time is
the earliest and the last the latest: the same as reading everything again).
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

Times = tuple[str, str]  # (first published, last modified), RFC 3339 UTC: 2026-01-21T10:00:00Z

_MARK: Final = "\x01"  # begins a commit's line in the log: no file name holds it
_TIMEOUT: Final = 300


@dataclass(frozen=True)
class History:
    """The times of the folder's files, by path relative to it (``2026/some-event.yaml``)."""

    head: str | None = None  # None: the folder is not in git, or no commit touched it
    times: Mapping[str, Times] = field(default_factory=dict)


NONE: Final = History()


def _git(root: Path, *args: str) -> str | None:
    """git's output, run in ``root``; None when git is missing or refuses (not a repository)."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):  # no git, or no such folder to run it in
        return None
    return done.stdout if done.returncode == 0 else None


def head(root: Path) -> str | None:
    """The newest commit on HEAD's first-parent line that touched ``root``, if any; None in a
    shallow clone too, whose oldest commit seems to add every file it holds (a publishing job
    must fetch the whole history: ``fetch-depth: 0`` on GitHub Actions)."""
    if _git(root, "rev-parse", "--is-shallow-repository") == "true\n":
        return None
    found = _git(root, "log", "-1", "--first-parent", "--format=%H", "--", ".")
    if found is None:
        return None
    return found.strip() or None


def log_file(root: Path) -> Path | None:
    """The file git appends to on every commit, checkout, merge or reset of the repository
    that holds ``root`` (its HEAD's reflog), for a watcher to see the history move."""
    found = _git(root, "rev-parse", "--absolute-git-dir")
    if found is None:
        return None
    path = Path(found.strip()) / "logs" / "HEAD"
    return path if path.is_file() else None


def read(root: Path, newest: str | None, previous: History = NONE) -> History:
    """The history of the folder ``root`` as of ``newest``, its :func:`head`, reading only the
    commits since ``previous`` when it can."""
    if newest is None:
        return NONE
    if newest == previous.head:
        return previous
    since = previous.head
    if since is not None and _git(root, "merge-base", "--is-ancestor", since, newest) is None:
        since = None  # history was rewritten (a reset, a rebase): read it all again
    commits = f"{since}..{newest}" if since is not None else newest
    log = _git(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--relative",
        "--name-only",
        f"--format={_MARK}%ct",
        commits,
        "--",
        ".",
    )
    if log is None:
        return NONE
    times = dict(previous.times) if since is not None else {}
    moment = ""
    for line in log.splitlines():
        if line.startswith(_MARK):
            moment = _utc(int(line[1:]))
        elif line:
            first, last = times.get(line, (moment, moment))
            times[line] = (min(first, moment), max(last, moment))
    return History(newest, times)


def _utc(seconds: int) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def changed_ids(old: History, new: History) -> set[str]:
    """The ids of the events (file names) whose times differ between two histories."""
    if old is new:
        return set()
    paths = old.times.keys() | new.times.keys()
    return {
        path.rsplit("/", 1)[-1].removesuffix(".yaml")
        for path in paths
        if old.times.get(path) != new.times.get(path)
    }
