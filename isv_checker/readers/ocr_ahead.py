"""Reading the next file while this one's last pages are in Tesseract (`read_ahead`).

`isv-check scan` reads its files one after another, and a file is read only once its last page is.
A scan of two or three pages, the usual length, leaves a core idle while its last page's Tesseract
runs, and the next file waits for it: over the 63 scanned samples (116 pages) `scan` ran 1.28
Tesseracts at once on two cores, against 1.99 for bare `tesseract` on the same page images, and so
reached 0.69 of its pages/s (CPU per page: 0.95 of bare). So the next file is read as soon as this
one has handed its last page to Tesseract and only waits: the next file's pages take the core this
one no longer needs. A tender's files are read the same way (`tender/dossier.read_dossier`, for
`isv-check tender` and `check_tender`; the web page's worker reads them one at a time, as its progress
follows one file at a time).

Only then. A file that sends no page to OCR is read when the caller comes to it, in the caller's own
thread, as before: reading a text layer in a second thread would gain nothing (the interpreter lock)
and lose some (each of pdfium's many small calls lets go of the lock and waits to get it back while
the caller's thread runs the rules stage).

pdfium is not thread-safe, so the files being read take turns with it: a reader holds the turn for
its whole read and lets go of it only while it waits for Tesseract (`waiting_for_tesseract`, which
`ocr.py` calls around its waits; outside `read_ahead` it does nothing).

Bounds: at most two files are being read or wait to be handed over at once (memory: their
documents, and a page image per running Tesseract; the caller holds the one it works on). Results
come in the order of the items, each read once. When the caller stops (Ctrl-C, an error writing the
output, leaving the loop), a reader ahead starts no further page (`Cancelled`): the pages already in
Tesseract finish (or die with the terminal's Ctrl-C), and the loop ends once they have. SIGTERM ends
the process as before, and its Tesseracts with it (`parent_death`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

IN_HAND = 2  # files being read, or read and not yet handed to the caller, at most


class Cancelled(BaseException):
    """The caller of `read_ahead` has stopped, so a reader ahead starts no further page. Not an
    `Exception`: the reading stage makes every Exception a file's status, and this must end the read."""


@contextlib.contextmanager
def read_ahead(items: Sequence[T], read: Callable[[T], R]) -> Iterator[Iterator[R]]:
    """An iterator of `read(item)` for each item, in order; an item's read starts early, in a thread
    of its own, when the read before it has sent its last page to Tesseract. Leaving the `with` block
    stops the readers ahead and waits for them. `read` should not raise for a bad file (the reading
    stage never does); if it does, the exception comes out of the iterator, in the item's turn."""
    run = _Run(items, read)
    try:
        yield run.results()
    finally:
        run.stop()


def waiting_for_tesseract(*, last: bool = False) -> contextlib.AbstractContextManager[None]:
    """Around a wait for Tesseract in the OCR of a file's pages: another file's reader may use pdfium
    meanwhile. `last`: the file has no page left to render, so the next file may start. Raises
    `Cancelled` (before a page, not after the last) when the caller of `read_ahead` has stopped."""
    run = _reading.run
    if run is None:
        return contextlib.nullcontext()
    if not last:
        run.go_on()
    return run.waiting(_reading.index, last=last)


def go_on() -> None:
    """Raise `Cancelled` when the caller of `read_ahead` has stopped: called before a page is rendered."""
    run = _reading.run
    if run is not None:
        run.go_on()


class _Reading(threading.local):
    """The run and item this thread reads, if it reads for `read_ahead`."""

    run: _Run[object, object] | None = None
    index: int = -1


_reading = _Reading()


class _Turn:
    """Whose turn it is to call pdfium. The owner is a thread id in shared state, taken and given
    inside `with` blocks, so a Ctrl-C landing in the caller's thread never leaves the turn taken by a
    thread that no longer reads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._owner: int | None = None

    def take(self) -> None:
        me = threading.get_ident()
        with self._changed:
            while self._owner not in (None, me):
                self._changed.wait()
            self._owner = me

    def give(self) -> None:
        with self._changed:
            if self._owner == threading.get_ident():
                self._owner = None
                self._changed.notify_all()


class _Run(Generic[T, R]):
    def __init__(self, items: Sequence[T], read: Callable[[T], R]) -> None:
        self._items = items
        self._read = read
        self._turn = _Turn()
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # guards what follows
        self._started = 0  # items whose read has started (0 .. _started - 1)
        self._handed = 0  # items handed to the caller
        self._sent_last = -1  # the latest item whose read has sent its last page to Tesseract
        self._ahead: dict[int, Future[R]] = {}  # read or being read ahead, not yet handed
        self._readers: dict[int, threading.Thread] = {}  # reading ahead now

    def results(self) -> Iterator[R]:
        for index in range(len(self._items)):
            with self._lock:
                future = self._ahead.pop(index, None)
                if future is None:
                    self._started = index + 1
            result = self._read_one(index) if future is None else future.result()
            with self._lock:
                self._handed = index + 1
                self._start_next()
            yield result

    def stop(self) -> None:
        """No reader ahead starts another page; returns once they have all ended."""
        self._stopped.set()
        with self._lock:
            threads = list(self._readers.values())
        for thread in threads:
            thread.join()

    def go_on(self) -> None:
        if self._stopped.is_set():
            raise Cancelled

    @contextlib.contextmanager
    def waiting(self, index: int, *, last: bool) -> Iterator[None]:
        if last:
            with self._lock:
                self._sent_last = max(self._sent_last, index)
                self._start_next()
        self._turn.give()
        try:
            yield
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl-C in the caller's thread: no reader ahead starts a page now
                self._stopped.set()
            raise
        finally:
            self._turn.take()

    def _start_next(self) -> None:
        """Under `_lock`: start the next item's read in a thread of its own, when the read before it
        has sent its last page to Tesseract and fewer than IN_HAND items are being read or wait.

        Reads start in the items' order, and only the item started last can let the next one start,
        so the latest item to have sent its last page is all there is to remember of those events: a
        run of thousands of files holds nothing for the files it has handed over (their reader
        threads leave `_readers` as they end, their futures `_ahead` as they are handed)."""
        index = self._started
        if (
            index < len(self._items)
            and index - 1 == self._sent_last
            and index - self._handed < IN_HAND
            and not self._stopped.is_set()
        ):
            from concurrent.futures import Future  # here: `scan` of text files does without its import (logging)

            self._started = index + 1
            future: Future[R] = Future()
            self._ahead[index] = future
            thread = threading.Thread(target=self._read_into, args=(index, future), name=f"read-ahead-{index}")
            self._readers[index] = thread
            thread.start()

    def _read_one(self, index: int) -> R:
        try:
            _reading.run, _reading.index = self, index  # type: ignore[assignment]
            self._turn.take()
            return self._read(self._items[index])
        finally:
            self._turn.give()
            _reading.run = None

    def _read_into(self, index: int, future: Future[R]) -> None:
        """A reader thread's work. It leaves `_readers` before it hands its result over: `stop` waits
        only for readers that have work left, and a thread that has left has none."""
        try:
            result = self._read_one(index)
        except BaseException as exc:  # noqa: BLE001 - `Cancelled`, or a bug: the caller meets it at this item
            self._leave(index)
            future.set_exception(exc)
        else:
            self._leave(index)
            future.set_result(result)

    def _leave(self, index: int) -> None:
        with self._lock:
            del self._readers[index]
