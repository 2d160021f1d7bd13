"""Child processes that end with the process that started them, however it ends.

``dateline serve`` starts a reload engine, server workers and site builds. When it is stopped
by SIGTERM it stops them itself; when it is killed (SIGKILL, an OOM kill) it cannot, so each
child asks the kernel to send it SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``),
and checks that the parent is still there at the moment it asks (it may have died already).
A child learns its parent from the environment (`PARENT`), so a process started by hand is
unaffected. Elsewhere than Linux this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Final

PARENT: Final = "DATELINE_PARENT_PID"  # the pid a child must not outlive
_PR_SET_PDEATHSIG: Final = 1


def die_with_parent(parent: int) -> None:
    """Have this process receive SIGTERM when ``parent`` (its parent) dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent:  # it died before we asked: end now, whatever handles SIGTERM
        os.kill(os.getpid(), signal.SIGKILL)


def from_environment() -> None:
    """:func:`die_with_parent` if the environment names a parent (see `PARENT`)."""
    value = os.environ.get(PARENT)
    if value and value.isdigit():
        die_with_parent(int(value))


def environment() -> dict[str, str]:
    """The environment for a child of this process that must not outlive it."""
    return {**os.environ, PARENT: str(os.getpid())}
