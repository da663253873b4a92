"""Processes that die with the process that started them: batch workers and the programs they run
(Tesseract, antiword, catdoc).

A batch killed with SIGKILL cannot clean up, and its workers did not notice: a worker, forked by
multiprocessing's fork server, finished its file first (a scan of many pages: minutes), its Tesseract
with it. The fork server is no help: it ends when the last process holding its pipe does, and the
workers hold it. So a worker watches the batch itself (`die_with`): a thread waits on the batch's
process (a pidfd on Linux, a poll elsewhere) and, when it ends, kills the worker's process group,
which holds the worker and the programs it started. Each such program also asks the kernel for
SIGKILL when its parent ends (`die_with_parent`, `prctl(PR_SET_PDEATHSIG)`, Linux only), so a worker
killed by anything else (the OOM killer, a timeout) leaves no Tesseract behind either.

The kernel's signal follows the *thread* that started the child, so a program started from a thread
pool dies if that thread ends first; the OCR pool's threads outlive every Tesseract they start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the running program's own C library (no `ldconfig -p`)
    except OSError:
        return None
    function = libc.prctl
    function.argtypes = (ctypes.c_int, ctypes.c_ulong)
    function.restype = ctypes.c_int
    return function


# resolved once, at import, so the child of a fork (`preexec_fn`) only makes one foreign call
_PRCTL = _prctl()


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux; elsewhere nothing).

    Used as `subprocess`'s `preexec_fn`, so it runs in the child between fork and exec."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def die_with(pid: int, *, poll: float = 0.5) -> None:
    """Kill this process, and its process group when it leads one, as soon as process `pid` ends.

    A daemon thread waits for the end; a `pid` already gone kills at once."""
    import threading

    threading.Thread(target=_watch, args=(pid, poll), name="die-with-parent", daemon=True).start()


def _watch(pid: int, poll: float) -> None:
    import select
    import time

    try:
        handle = os.pidfd_open(pid)  # readable once the process has ended, reaped or not
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        while not _gone(pid):
            time.sleep(poll)
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
