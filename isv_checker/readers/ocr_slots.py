"""A machine-wide limit on running Tesseract processes, shared by every process that reads.

A batch runs one worker process per core, and each OCRs its file's pages on every core: alone, a
worker with a long scan uses all of them; together, the workers would start a Tesseract per core
each. So a page first takes a slot: one of `ISV_CHECKER_OCR_SLOTS` (default: the number of cores;
0: no limit) lock files in a folder of this user's in the temporary directory. A slot is an
exclusive `flock` on its file, held while the page is rendered and its Tesseract runs; the kernel
drops it when the holder's file is closed or its process dies, so a killed worker never leaves a
slot taken. Waiting is a poll every ten milliseconds (a page takes about a second), which needs no
process to coordinate the others.

Work at a higher priority does not wait for work at a lower one: the web page runs long checks at
nice 10 so a quick check gets the cores first, and a quick check's page whose slots are all held by
nicer processes runs at once, without a slot, as it did before there were slots.

When the folder cannot be made or is not this user's own, pages run without a slot: as fast as
before, only without the limit.
"""

from __future__ import annotations

import functools
import os
import random
import stat
import tempfile
import time
from pathlib import Path

SLOTS_VARIABLE = "ISV_CHECKER_OCR_SLOTS"
_POLL_SECONDS = 0.01


@functools.lru_cache(maxsize=4)
def _folder(root: str) -> Path | None:
    """The slots' folder under `root`, made private to this user, or None when it cannot be used."""
    if not hasattr(os, "getuid"):
        return None
    folder = Path(root) / f"isv-checker-ocr-slots-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None  # someone else's folder, a link, or one others may write in
    return folder


def slot_count() -> int:
    """How many Tesseracts may run at once on this machine (0: no limit)."""
    value = os.environ.get(SLOTS_VARIABLE, "").strip()
    if value:
        try:
            return max(0, int(value))
        except ValueError:
            pass
    return os.cpu_count() or 1


class Slot:
    """One Tesseract slot, held until `release` (or the end of this process)."""

    __slots__ = ("_fd",)

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        """Free the slot (closing its file drops the lock); a second call does nothing."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def take_slot() -> Slot:
    """Wait for one of the machine's Tesseract slots and hold it; without a usable folder, or with
    `ISV_CHECKER_OCR_SLOTS=0`, at once and without a limit."""
    count = slot_count()
    folder = _folder(tempfile.gettempdir()) if count else None
    return Slot(_acquire(folder, count) if folder is not None else None)


def _acquire(folder: Path, count: int) -> int | None:
    """Lock a free slot's file and return it open (closing it frees the slot); None: go without one."""
    import fcntl

    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    start = random.randrange(count)  # waiters spread over the slots rather than all trying slot 0 first
    fds: list[int] = []
    try:
        for offset in range(count):
            fds.append(os.open(folder / str((start + offset) % count), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
        while True:
            for index, fd in enumerate(fds):
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(niceness).encode(), 0)
                return fds.pop(index)
            if all(_holder_niceness(fd) > niceness for fd in fds):
                return None  # only lower-priority work holds the cores: the kernel gives them to us
            time.sleep(_POLL_SECONDS)
    except OSError:  # a file we cannot open, or a file system without locks: run without the limit
        return None
    finally:
        for fd in fds:
            os.close(fd)


def _holder_niceness(fd: int) -> int:
    """The niceness its holder wrote into a slot's file (0 when it has not yet, or wrote nonsense)."""
    try:
        return int(os.pread(fd, 16, 0) or b"0")
    except ValueError:
        return 0
