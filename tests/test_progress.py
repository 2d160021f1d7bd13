"""Progress bars: shown on a terminal, never when piped or in CI (``dateline.progress``)."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import termios

import pytest

from dateline import progress


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Standard error on a pseudo-terminal, and what was written to it.

    Call it first in the test: pytest's capture sets ``sys.stderr`` again after fixtures run.
    """
    leader, follower = pty.openpty()
    # A real terminal has a size; a new pseudo-terminal has 0 columns, on which rich draws
    # nothing.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    stream = open(follower, "w", buffering=1, closefd=True)  # noqa: SIM115
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(progress, "THRESHOLD", 1)
    monkeypatch.setattr(progress, "_enabled", True)

    attached = False

    def written() -> str:
        nonlocal attached
        if not attached:
            monkeypatch.setattr("sys.stderr", stream)
            attached = True
            return ""
        stream.flush()
        os.set_blocking(leader, False)
        try:
            return os.read(leader, 65536).decode("utf-8", "replace")
        except BlockingIOError:
            return ""

    yield written
    stream.close()
    os.close(leader)


def test_a_terminal_sees_the_step_and_its_count(terminal) -> None:  # type: ignore[no-untyped-def]
    terminal()  # attach
    assert list(progress.track(iter(range(5)), 5, "Reading events")) == [0, 1, 2, 3, 4]
    assert terminal() != ""  # the bar, drawn and then cleared (it is transient)


def test_ci_and_pipes_see_nothing(terminal, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    terminal()  # attach
    monkeypatch.setenv("CI", "true")
    assert list(progress.track(range(3), 3, "Reading events")) == [0, 1, 2]
    assert terminal() == ""
    monkeypatch.delenv("CI")
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    assert list(progress.track(range(3), 3, "Reading events")) == [0, 1, 2]
    assert piped.getvalue() == ""


def test_nothing_unless_a_command_asks(terminal, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    terminal()  # attach
    monkeypatch.setattr(progress, "_enabled", False)  # a server never enables it
    task = progress.Task("Rendering pages", 10)
    task.advance(10)
    task.close()
    assert terminal() == ""


def test_small_steps_need_no_bar(terminal, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    terminal()  # attach
    monkeypatch.setattr(progress, "THRESHOLD", 100)
    assert not progress.shown(99)
    assert progress.shown(100)
