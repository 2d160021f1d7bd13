"""Writing a build's files beside the pages: all of them, or only those that changed.

A build writes its static JSON into a folder beside the site (``build/.site.building``). A
full build writes every file. An incremental build (:mod:`dateline.site.manifest`) writes only
the files whose bytes differ from the live site's, and remembers the others as the same: most
of the files made from the whole dataset (the filters' and the axis's indexes) do not change
with one edited event, and on a journalling file system creating a file (then renaming it
into the site) costs far more than reading the old one to compare.

A build's writer hands the files to a child process (:class:`Sink`, this module run as a
program) rather than creating them itself. Creating tens of thousands of small files is
mostly the kernel's work, and done from a thread of the build's process it cost far more:
at every call the thread waited for the interpreter behind MkDocs rendering on the main thread,
and MkDocs then waited for it in turn (at 10,000 events, a build spent as much time in the
kernel as in Python, and its threads made 127,000 futex calls fighting over the interpreter).
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from dateline import lifetime

# A record sent to the sink: its kind (a file or a mark), the length of its path (UTF-8) and
# of its bytes, then the path and the bytes.
_HEADER: Final = struct.Struct(">cIQ")
_FILE: Final = b"F"
_MARK: Final = b"M"  # answered with a byte on the sink's standard output once reached
_BUFFER: Final = 1 << 20  # bytes sent to the sink at a time


class SinkError(OSError):
    """The sink could not write a file; the message says which and why."""


class Sink:
    """A child process that creates the files it is sent (and their folders) under ``folder``, in
    the order sent. :meth:`close` waits until all are written; :meth:`mark` and :meth:`wait`
    let another thread wait until those sent so far are."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._process = subprocess.Popen(
            [sys.executable, "-m", "dateline.site.writer", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=_BUFFER,
            env=lifetime.environment(),  # it ends if this process is killed
        )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._pipe: IO[bytes] = self._process.stdin
        self._answers: IO[bytes] = self._process.stdout
        self._marks = 0  # marks sent
        self._passed = 0  # marks the sink has answered
        self._waiting = threading.Lock()

    def file(self, relative: str, data: bytes) -> None:
        self._send(_FILE, relative, data)

    def mark(self) -> int:
        """Mark the files sent so far; :meth:`wait` with the number returned waits until they
        are written."""
        self._send(_MARK, "", b"")
        self._marks += 1
        return self._marks

    def wait(self, mark: int) -> None:
        """Wait until the files sent before ``mark`` are written (from any one thread)."""
        with self._waiting:
            while self._passed < mark:
                if self._answers.closed or not self._answers.read(1):
                    raise SinkError("the files' writer stopped before writing them all")
                self._passed += 1

    def _send(self, kind: bytes, relative: str, data: bytes) -> None:
        path = relative.encode()
        try:
            self._pipe.write(_HEADER.pack(kind, len(path), len(data)) + path)
            self._pipe.write(data)
            if kind == _MARK:  # the sink is to reach it without waiting for more
                self._pipe.flush()
        except BrokenPipeError:  # the sink stopped: say why
            self.close()
            raise SinkError(f"the files' writer stopped before {relative or 'a mark'}") from None

    def close(self) -> None:
        """Wait until every file sent is written; raise :class:`SinkError` if one was not."""
        with contextlib.suppress(BrokenPipeError):
            self._pipe.close()
        assert self._process.stderr is not None
        with self._process.stderr as errors:
            detail = errors.read().decode(errors="replace").strip()
        returncode = self._process.wait()
        with self._waiting:  # not while another thread reads an answer
            if not self._answers.closed:  # the marks no one waited for yet are passed
                self._passed += len(self._answers.read())
                self._answers.close()
        if returncode != 0:
            raise SinkError(detail or f"the files' writer failed ({returncode})")

    def abandon(self) -> None:
        """Stop the sink at once (the build failed)."""
        self._process.kill()
        for stream in (self._pipe, self._answers, self._process.stderr):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()
        self._process.wait()


class Writer:
    """Writes files, by path relative to the site, into ``folder``; given ``live``, the site
    being updated, only those that differ from its copy. With ``sink``, a :class:`Sink`
    writes them, and :meth:`close` waits for it."""

    def __init__(self, folder: Path, live: Path | None = None, *, sink: bool = False) -> None:
        self.folder = folder
        self.live = live
        self.written: set[str] = set()  # relative paths, written into ``folder``
        self.same: set[str] = set()  # relative paths whose live copy has these bytes already
        self._folders: set[str] = set()
        self._sink = Sink(folder) if sink else None

    def write(self, relative: str, data: bytes) -> None:
        if self.live is not None and _holds(self.live / relative, data):
            self.same.add(relative)
            return
        if self._sink is not None:
            self._sink.file(relative, data)
        else:
            parent = os.path.dirname(relative)
            if parent not in self._folders:
                (self.folder / parent).mkdir(parents=True, exist_ok=True)
                self._folders.add(parent)
            (self.folder / relative).write_bytes(data)
        self.written.add(relative)

    @contextlib.contextmanager
    def streaming(self, relative: str) -> Iterator[IO[bytes]]:
        """A file to write ``relative`` into a piece at a time, for a file too large to hold
        whole (a download of every event); written by this thread, not the sink. As
        :meth:`write`, a file the live site has the same bytes of is left out."""
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as file:
            yield file
        if self.live is not None and _same_file(path, self.live / relative):
            path.unlink()
            self.same.add(relative)
        else:
            self.written.add(relative)

    def keep(self, relative: str) -> None:
        """Leave the live site's copy of ``relative``, which the build knows has the bytes it
        would write (:class:`dateline.site.manifest.Unchanged`)."""
        assert self.live is not None, "only a site being updated has files to keep"
        self.same.add(relative)

    def close(self) -> None:
        """Wait until every file is written (raises :class:`SinkError` if one was not)."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            sink.close()

    def abandon(self) -> None:
        """Stop writing at once (the build failed)."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            sink.abandon()


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` has exactly ``data`` (False if there is none)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _same_file(path: Path, other: Path) -> bool:
    """Whether the file ``other`` exists and has the bytes of ``path``."""
    try:
        return filecmp.cmp(path, other, shallow=False)
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    """``python -m dateline.site.writer FOLDER``: the :class:`Sink`, reading its records
    from standard input until it ends."""
    parent = os.environ.get(lifetime.PARENT)
    if parent and parent.isdigit() and sys.platform.startswith("linux"):
        lifetime.ask_kernel(int(parent))
    (root,) = argv if argv is not None else sys.argv[1:]
    stream = sys.stdin.buffer
    answers = sys.stdout.buffer
    made: set[str] = set()
    relative = ""
    try:
        while header := stream.read(_HEADER.size):
            kind, size, length = _HEADER.unpack(header)
            relative = stream.read(size).decode()
            data = stream.read(length)
            if len(data) != length:  # its sender stopped in the middle
                raise OSError(f"cut short after {len(data)} of {length} bytes")
            if kind == _MARK:
                answers.write(b".")
                answers.flush()
                continue
            parent_folder = os.path.dirname(relative)
            if parent_folder not in made:
                os.makedirs(os.path.join(root, parent_folder), exist_ok=True)
                made.add(parent_folder)
            with open(os.path.join(root, relative), "wb") as file:
                file.write(data)
    except (OSError, struct.error, UnicodeDecodeError) as error:
        print(f"{relative}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
