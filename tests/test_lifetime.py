"""A child that must not outlive its parent ends even when it cannot stop by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline import lifetime

# The child asks to die with its parent, then ignores the SIGTERM that asks it to: as a
# server worker does that misses the signal while it starts.
CHILD = """
import signal, sys, time
from dateline import lifetime
lifetime.from_environment()
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(600)
"""

# The parent starts the child with its own pid in the environment and waits to be killed.
PARENT = """
import subprocess, sys, time
from dateline import lifetime
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], env=lifetime.environment(),
                         stdout=subprocess.PIPE, text=True)
assert child.stdout.readline() == "ready\\n"
print(child.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_child_that_ignores_sigterm_is_killed_after_the_grace() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.kill()
        parent.wait(timeout=10)
        killed = time.monotonic()
        time.sleep(lifetime.GRACE_SECONDS / 2)
        assert _alive(child)  # it ignored the SIGTERM and is given its grace
        while _alive(child) and time.monotonic() - killed < lifetime.GRACE_SECONDS + 5:
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its parent"
        assert time.monotonic() - killed >= lifetime.GRACE_SECONDS
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate(timeout=10)


def test_a_process_started_by_hand_is_unaffected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lifetime.PARENT, raising=False)
    before = set(os.listdir(f"/proc/{os.getpid()}/task"))
    lifetime.from_environment()
    assert set(os.listdir(f"/proc/{os.getpid()}/task")) == before  # no watchdog started
