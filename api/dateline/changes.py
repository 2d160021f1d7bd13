"""What a change to the events folder touches: ``dateline check --changed [BASE]``.

A change is what git says differs between the revision ``BASE`` (by default the merge base
with ``main``) and the working tree, untracked files included; a rename is a deletion and an
addition. It touches, besides its own files:

* the events that relate to an event it adds or deletes (their ``related`` now resolves, or
  no longer does);
* the events that name an actor or place it adds to or removes from actors.yaml or
  places.yaml;
* actors.yaml and places.yaml, when it changes them, or when a changed event starts or stops
  naming one of their records (which may now be used, or unused).

The findings reported are a full check's findings for those files, so they cannot disagree
with ``dateline check``.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dateline import dataset as dataset_module


class ChangesError(Exception):
    """The change could not be worked out (no git, no such revision); the message says why."""


@dataclass
class Changes:
    """Paths (absolute) under the events folder that differ from the base revision."""

    root: Path
    top: Path  # the repository's top folder
    present: set[str] = field(default_factory=set)  # added or modified
    deleted: set[str] = field(default_factory=set)
    base: str = ""

    def maps(self) -> dict[str, str]:
        """The paths of actors.yaml and places.yaml, by the kind of record they hold."""
        root = str(self.root)
        return {
            "actor": os.path.join(root, dataset_module.ACTORS_FILE),
            "place": os.path.join(root, dataset_module.PLACES_FILE),
        }

    def all(self) -> set[str]:
        return self.present | self.deleted


def _git(folder: Path, *args: str, unsaid: str | None = None) -> str:
    """What a git command prints; ``unsaid`` is the error when it fails without a word."""
    return _gits(folder, args, unsaid=unsaid)[0]


def _gits(folder: Path, *commands: tuple[str, ...], unsaid: str | None = None) -> list[str]:
    """What each git command prints, run side by side (each one stats the whole work tree)."""
    try:
        running = [
            subprocess.Popen(
                ["git", *args],
                cwd=folder,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in commands
        ]
    except FileNotFoundError:
        raise ChangesError("git is not installed; --changed needs it") from None
    printed: list[tuple[str | None, str]] = []
    for process in running:  # every one ends before any error is raised
        try:
            printed.append(process.communicate(timeout=120))
        except subprocess.TimeoutExpired:
            process.kill()
            printed.append((None, process.communicate()[1]))
    for args, process, (out, err) in zip(commands, running, printed, strict=True):
        if out is None:
            raise ChangesError(f"git {' '.join(args)} took over 2 minutes")
        if process.returncode != 0:
            raise ChangesError(err.strip() or unsaid or f"git {' '.join(args)} failed")
    return [out or "" for out, _ in printed]


def _top_and_base(folder: Path) -> tuple[str, str]:
    """The repository's top folder, and the merge base of HEAD and ``main`` (or else
    ``origin/main``): where a branch began."""
    top = ("rev-parse", "--show-toplevel")
    for branch in ("main", "origin/main"):
        try:
            found = _gits(folder, top, ("merge-base", "HEAD", branch))
        except ChangesError:
            continue
        return found[0].strip(), found[1].strip()
    _git(folder, *top)  # if this is no repository, git says so
    raise ChangesError("no branch main or origin/main to compare with; give --changed BASE")


def find(root: Path, base: str | None) -> Changes:
    """The files under the events folder ``root`` that differ from ``base``."""
    root = Path(os.path.realpath(root))
    if not root.is_dir():  # else git, run in it, could not start: "git is not installed"
        raise ChangesError(f"there is no folder {root}; point --events at the events")
    if base is None:
        top, revision = _top_and_base(root)
    else:  # one process for both: where the repository is, and that the base is a commit
        top, revision = _git(
            root,
            *("rev-parse", "--show-toplevel", "--verify", "--quiet", f"{base}^{{commit}}"),
            unsaid=f"{base} is not a commit of this repository",
        ).splitlines()
    listed, untracked = _gits(
        Path(top),
        ("diff", "--name-only", "--no-renames", "-z", revision, "--", str(root)),
        ("ls-files", "--others", "--exclude-standard", "-z", "--", str(root)),
    )
    changes = Changes(root=root, top=Path(top), base=revision)
    for name in [*listed.split("\0"), *untracked.split("\0")]:
        if not name:
            continue
        path = os.path.realpath(os.path.join(top, name))
        (changes.present if os.path.exists(path) else changes.deleted).add(path)
    return changes


def _old_text(changes: Changes, path: str) -> str | None:
    """The file as it was at the base revision, if it existed."""
    relative = Path(os.path.relpath(path, changes.top)).as_posix()
    try:
        return _git(changes.top, "show", f"{changes.base}:{relative}")
    except ChangesError:
        return None


def _tolerant(text: str | None) -> Any:
    """The data of a file's text as PyYAML reads it, or None if it cannot: what a change
    touches is read from files that may be broken (their findings come from the loader)."""
    try:
        # CSafeLoader is PyYAML's SafeLoader in C: plain data only, in an eighth of the time.
        return yaml.load(text, Loader=yaml.CSafeLoader) if text else None
    except yaml.YAMLError:
        return None


def _ids(text: str | None) -> set[str]:
    """The ids of a map file's records (a tolerant read: the file may be broken)."""
    data = _tolerant(text)
    return {str(key) for key in data} if isinstance(data, dict) else set()


def _names(text: str | None) -> set[tuple[str, str]]:
    """(kind, id) of the actors and places an event file's text names (tolerant)."""
    data = _tolerant(text)
    if not isinstance(data, dict):
        return set()
    found = {("place", str(p)) for p in data.get("places") or [] if isinstance(p, str)}
    found |= {("actor", str(a)) for a in data.get("actors") or [] if isinstance(a, str)}
    for claim in data.get("claims") or []:
        if isinstance(claim, dict) and isinstance(claim.get("by"), str):
            found.add(("actor", claim["by"]))
    return found


def touched(loaded: dataset_module.Dataset, changes: Changes) -> set[str]:
    """The files whose findings a change can alter (see the module docstring)."""
    root = str(changes.root)
    maps = changes.maps()
    report = set(changes.present)
    event_ids: set[str] = set()
    named: set[tuple[str, str]] = set()
    for path in changes.all():
        if path in maps.values():
            kind = "actor" if path == maps["actor"] else "place"
            old, new = _ids(_old_text(changes, path)), _ids(_read(path))
            named |= {(kind, i) for i in old ^ new}
            continue
        if _is_event(root, path):
            event_ids.add(Path(path).stem)
            before, after = _names(_old_text(changes, path)), _names(_read(path))
            for kind, _ in before ^ after:
                report.add(maps[kind])
    for result_path, references in loaded.references.items():
        relates = {value for value, _, _ in references.lists.get("related", ())}
        names = {("actor", v) for v, _, _ in references.lists.get("actors", ())}
        names |= {("actor", v) for v, _, _ in references.claim_actors}
        names |= {("place", v) for v, _, _ in references.lists.get("places", ())}
        if relates & event_ids or names & named:
            report.add(os.path.realpath(result_path))
    return report


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def to_read(changes: Changes) -> set[str] | None:
    """The event files a change needs read, when it needs only some: its own, and those that
    mention an event it adds or deletes (found with ``git grep``, then confirmed from their
    references). None when it needs every event: when it changes actors.yaml or places.yaml,
    or what a changed event names from them (a record may now be used, or unused)."""
    root = str(changes.root)
    maps = set(changes.maps().values())
    appeared_or_gone: set[str] = set()
    for path in changes.all():
        if path in maps:
            return None
        if not _is_event(root, path):
            continue
        old = _old_text(changes, path)
        if _names(old) != _names(_read(path)):
            return None
        if old is None or path in changes.deleted:
            appeared_or_gone.add(Path(path).stem)
    wanted = set(changes.present)
    if appeared_or_gone:
        patterns = [argument for i in sorted(appeared_or_gone) for argument in ("-e", i)]
        try:
            found = _git(changes.root, "grep", "-l", "-F", "-z", *patterns, "--", root)
        except ChangesError:  # git grep exits 1 when nothing matches
            found = ""
        names = found.split("\0")
        wanted |= {os.path.realpath(os.path.join(changes.top, n)) for n in names if n}
    return wanted


class Pending:
    """A change being worked out (:func:`find`, then :func:`to_read`) in a thread of its own.

    Most of that is waiting for git, which takes 50-100 ms at 10,000 files (each command stats
    the work tree), so `check --changed` walks the folder and reads actors.yaml and places.yaml
    meanwhile. :meth:`result` waits for the thread, which has then ended: a process that reads
    the files with forked workers afterwards does so with no other thread running.
    """

    def __init__(self, root: Path, base: str | None) -> None:
        self._found: tuple[Changes, set[str] | None] | None = None
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._work, args=(root, base), daemon=True)
        self._thread.start()

    def _work(self, root: Path, base: str | None) -> None:
        try:
            change = find(root, base)
            self._found = (change, to_read(change))
        except Exception as error:  # raised again in the caller's thread, by result()
            self._error = error

    def result(self) -> tuple[Changes, set[str] | None]:
        """The change, and the event files it needs read (None for all); raises
        what :func:`find` or :func:`to_read` raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._found is not None, "the thread ended without a result"
        return self._found

    def to_read(self) -> set[str] | None:
        """:func:`to_read` of the change, once it is known."""
        return self.result()[1]


def _is_event(root: str, path: str) -> bool:
    return path.endswith(".yaml") and os.path.dirname(os.path.dirname(path)) == root


def reported(loaded: dataset_module.Dataset, changes: Changes) -> set[str]:
    """The files whose findings ``--changed`` reports: :func:`touched` after a full load;
    after a partial one, the changed files and those whose references name an event the
    change adds or deletes."""
    if not loaded.partial:
        return touched(loaded, changes)
    root = str(changes.root)
    ids = {Path(p).stem for p in changes.all() if _is_event(root, p)}
    report = set(changes.present)
    for path, references in loaded.references.items():
        if {value for value, _, _ in references.lists.get("related", ())} & ids:
            report.add(os.path.realpath(path))
    return report
