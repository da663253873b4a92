"""What the worker checking an upload tells the page while it runs, through a small file.

The check runs in a worker process of its own (`isolation`), whose pipe carries only the finished
result back. So the worker writes its progress to `progress.json` in the upload's temporary folder,
replaced whole at each change so that a reader never sees half of it: the worker's process id (the
server stops a cancelled check by it), the phase, pages read of pages total, OCR pages done of OCR
pages to do and when the OCR began, files read for a tender, and whether the check turned long.

The readers have no progress hook, so the worker watches the calls that take the time (`watching`):
`readers.ocr.ocr_pdf_pages`, called once per PDF with the pages to OCR, `readers.ocr.recognise`,
once per OCR page, and for a tender `tender.dossier.read_bytes`, once per file. The worker is a
process that checks one upload and then ends, so what it wraps there is seen by no other check; the
wrapping is undone when the check is done. The watched names are checked when the wrapping is put in
place, so a change in the readers fails the web tests instead of leaving the page without progress.

The fairness policy's rule for a PDF that turns out long is applied here too, before its OCR begins:
the worker lowers its CPU priority (its OCR threads and Tesseract inherit it), or, in the extra
worker that is only for quick checks, stops with `TurnedLong` so the server puts the check back in
the queue.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..document import Document
from .fairness import LONG_NICENESS, LONG_OCR_PAGES

PROGRESS_FILE = "progress.json"


class Phase(StrEnum):
    STARTING = "starting"
    READING = "reading"
    CHECKING = "checking"


@dataclass(frozen=True)
class Progress:
    pid: int | None = None
    phase: str = Phase.STARTING
    pages_read: int = 0
    pages_total: int | None = None  # None until a paged document (a PDF) has been opened
    ocr_done: int = 0
    ocr_total: int = 0
    ocr_started: float | None = None  # time.time() when the first OCR page was handed over
    files_read: int = 0
    long: bool = False
    updated: float = field(default_factory=time.time)


def read_progress(folder: str | os.PathLike[str]) -> Progress | None:
    """The progress a worker last wrote in `folder`, or None (not started, or gone with the folder)."""
    try:
        raw = json.loads((Path(folder) / PROGRESS_FILE).read_text(encoding="utf-8"))
        return Progress(**{**raw, "phase": Phase(raw["phase"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None


class TurnedLong(BaseException):
    """The check turned out long in the worker that only quick checks may use. A BaseException, so
    that the readers' "a status, never an exception" net lets it through to the worker's function."""

    def __init__(self, ocr_pages: int) -> None:
        super().__init__(f"{ocr_pages} pages to OCR")
        self.ocr_pages = ocr_pages


class ProgressReport:
    """The worker's side: keeps the progress and writes it to `folder/progress.json` on each change."""

    def __init__(self, folder: str | os.PathLike[str], *, long: bool = False, may_turn_long: bool = True) -> None:
        self._path = Path(folder) / PROGRESS_FILE
        # re-entrant: a count goes up (read, add one, write) under the lock `_update` takes again, since
        # one file's pages finish in parallel threads and an increment outside it could be lost
        self._lock = threading.RLock()
        self._may_turn_long = may_turn_long
        self._done_pages = 0  # pages of the files already read (a tender's earlier files)
        self._file_total = 0  # pages of the PDF being read now
        self._file_read = 0
        self._progress = Progress(pid=os.getpid())
        if long:
            self._turn_long()
        self._write()

    @property
    def progress(self) -> Progress:
        return self._progress

    def _turn_long(self) -> None:
        # Linux sets the priority of the calling thread; the OCR threads and the Tesseracts they
        # start are made after this, from this thread, and inherit it
        os.nice(LONG_NICENESS)
        self._progress = replace(self._progress, long=True)

    def _update(self, **changes: Any) -> None:
        with self._lock:
            pages_total = self._done_pages + self._file_total if self._file_total or self._done_pages else None
            self._progress = replace(
                self._progress,
                **{"pages_total": pages_total, "pages_read": self._done_pages + self._file_read, **changes},
                updated=time.time(),
            )
            self._write()

    def _write(self) -> None:
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self._progress)), encoding="utf-8")
        os.replace(temporary, self._path)

    # --- what the watched calls report ----------------------------------------------------------

    def reading(self) -> None:
        self._update(phase=Phase.READING)

    def ocr_begins(self, pages: int, to_ocr: int) -> None:
        """A PDF of `pages` pages is open, its text layer read, and `to_ocr` of them go to OCR."""
        total = self._progress.ocr_total + to_ocr
        if total > LONG_OCR_PAGES and not self._progress.long:
            if not self._may_turn_long:
                raise TurnedLong(total)
            self._turn_long()
        with self._lock:
            self._file_total, self._file_read = pages, pages - to_ocr
            started = self._progress.ocr_started or (time.time() if to_ocr else None)
            self._update(ocr_total=total, ocr_started=started)

    def page_recognised(self) -> None:
        with self._lock:
            self._file_read += 1
            self._update(ocr_done=self._progress.ocr_done + 1)

    def file_read(self, document: Document) -> None:
        """One file is read: its pages count as read (all of them, whatever the OCR made of them)."""
        with self._lock:
            self._done_pages += document.pages or 0
            self._file_total = self._file_read = 0
            self._update(files_read=self._progress.files_read + 1)

    def checking(self) -> None:
        self._update(phase=Phase.CHECKING)

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Report progress from the readers' slow calls for as long as the block runs (see the module)."""
        from ..readers import ocr
        from ..tender import dossier

        originals: list[tuple[Any, str, Callable[..., Any]]] = []

        def wrap(module: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
            original = getattr(module, name)  # an AttributeError here: the readers changed; see the module
            originals.append((module, name, original))
            setattr(module, name, make(original))

        def ocr_pdf_pages(original: Callable[..., Any]) -> Callable[..., Any]:
            def watched(pdf: Any, pages: Any, *args: Any, **kwargs: Any) -> Any:
                self.ocr_begins(len(pdf), len(pages))
                return original(pdf, pages, *args, **kwargs)

            return watched

        def recognise(original: Callable[..., Any]) -> Callable[..., Any]:
            def watched(*args: Any, **kwargs: Any) -> Any:
                try:
                    return original(*args, **kwargs)
                finally:
                    self.page_recognised()

            return watched

        def read_bytes(original: Callable[..., Any]) -> Callable[..., Any]:
            def watched(*args: Any, **kwargs: Any) -> Any:
                document = original(*args, **kwargs)
                self.file_read(document)
                return document

            return watched

        wrap(ocr, "ocr_pdf_pages", ocr_pdf_pages)
        wrap(ocr, "recognise", recognise)
        wrap(dossier, "read_bytes", read_bytes)
        self.reading()
        try:
            yield
        finally:
            for module, name, original in reversed(originals):
                setattr(module, name, original)
