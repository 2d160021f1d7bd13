"""Child processes that end with the process that started them, however it ends.

``dateline serve`` starts a reload engine, server workers and site builds. When it is stopped
by SIGTERM it stops them itself; when it is killed (SIGKILL, an OOM kill) it cannot, so each
child asks the kernel to send it SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``),
and checks that the parent is still there at the moment it asks (it may have died already).

SIGTERM asks a child to stop gracefully, and a child may not manage it: a server worker that
was still starting when the signal came can miss it and serve on. So a watchdog thread waits
for the parent to end too, gives the child `GRACE_SECONDS` to stop by itself, and then ends
it with SIGKILL. A child learns its parent from the environment (`PARENT`), so a process
started by hand is unaffected. Elsewhere than Linux this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
import time
from typing import Final

PARENT: Final = "DATELINE_PARENT_PID"  # the pid a child must not outlive
GRACE_SECONDS: Final = 5.0  # how long a child whose parent died may take to stop by itself
_PR_SET_PDEATHSIG: Final = 1
_POLL_SECONDS: Final = 0.25  # how often to look for the parent where pidfd_open is refused


def die_with_parent(parent: int) -> None:
    """Have this process end soon after ``parent`` (its parent) dies: SIGTERM at once, and
    SIGKILL if it is still running `GRACE_SECONDS` later."""
    if not sys.platform.startswith("linux"):
        return
    ask_kernel(parent)
    threading.Thread(
        target=_end_after, args=(parent,), name="dateline-lifetime", daemon=True
    ).start()


def ask_kernel(parent: int) -> None:
    """Have the kernel send this process SIGTERM when ``parent`` dies (Linux only; no
    watchdog: also usable between fork and exec, for a child that is not Python)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent:  # it died before we asked: end now, whatever handles SIGTERM
        os.kill(os.getpid(), signal.SIGKILL)


def _end_after(parent: int) -> None:
    _wait_for_end(parent)
    time.sleep(GRACE_SECONDS)
    os.kill(os.getpid(), signal.SIGKILL)


def _wait_for_end(parent: int) -> None:
    """Return once ``parent`` has ended: woken by the kernel, or by polling if need be."""
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):  # before Linux 5.3, or refused by a sandbox
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        return
    try:
        select.select([handle], [], [])  # readable once the process has ended
    finally:
        os.close(handle)


def from_environment() -> None:
    """:func:`die_with_parent` if the environment names a parent (see `PARENT`)."""
    value = os.environ.get(PARENT)
    if value and value.isdigit():
        die_with_parent(int(value))


def environment() -> dict[str, str]:
    """The environment for a child of this process that must not outlive it."""
    return {**os.environ, PARENT: str(os.getpid())}
