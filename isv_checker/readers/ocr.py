"""Optical character recognition of PDF pages with the Tesseract command-line program.

OCR is about a thousand times slower than reading a text layer, so the PDF reader hands over only
the pages that lack one. Pages are rendered here with pdfium in the calling thread (pdfium is not
thread-safe) and recognised by `tesseract` subprocesses in a thread pool; each subprocess runs with
`OMP_THREAD_LIMIT=1`, because Tesseract's own OpenMP threads make a page about eight times slower on
a small machine, and the pool already keeps the cores busy. Tesseract's TSV output gives words with
their block, paragraph and line numbers, which become `layout.Line`s, so OCR text is segmented into
headings and paragraphs by the same rules as a text layer.

A page goes to Tesseract as an uncompressed TIFF in an in-memory file (`memfd`) named by its
`/proc/self/fd` path: Leptonica reads a PGM a byte at a time, and Tesseract reads standard input a
character at a time, which together cost about 8% of a page's recognition (90 ms of Tesseract's CPU
per A4 page at 200 dpi; elsewhere than Linux the TIFF goes on standard input). The pixels, and so
the text, are the same.

Tesseract processes are limited machine-wide to one per core (`ocr_slots.py`), across every process
that reads: batch workers each OCR a file's pages on every core, so a long scan keeps every core
busy when the other workers have nothing to OCR, and workers OCR-ing at once share the cores
instead of running a Tesseract per core each.

`isv-check scan` and a tender's reading (`tender/dossier.py`) read the next file while this one's
last pages are in Tesseract (`ocr_ahead.py`): a file of two or three pages would otherwise leave a
core idle for its last page. So the waits here let another file's reader use pdfium, and say when a
file has sent its last page.

Each Tesseract dies with the worker that started it (`parent_death`): a batch or a worker killed
outright leaves no OCR running.

Nothing here raises for a page that fails: the page comes back with an `error` for the reader to
report, and the rest of the document is still read.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document import MessageParam, ReadMessage
from ..parent_death import die_with_parent
from .layout import Line
from .ocr_ahead import go_on, waiting_for_tesseract
from .ocr_slots import Slot, take_slot

if TYPE_CHECKING:
    import pypdfium2 as pdfium

    from ..settings import ReadOptions

MAX_RENDER_PIXELS = 64_000_000  # an A0 page at 200 dpi is 62 million pixels
LOW_CONFIDENCE = 60.0  # mean word confidence (0-100) below which OCR text is flagged as unreliable
_LIST_LANGS_TIMEOUT = 30.0


class OcrUnavailable(Exception):
    """Tesseract cannot be used at all; `said` says what to install."""

    def __init__(self, code: str, /, **params: MessageParam) -> None:
        self.said = ReadMessage(code=code, params=params)
        super().__init__(code)


@dataclass(frozen=True, slots=True)
class Engine:
    """A usable Tesseract: the resolved program and the installed subset of the requested languages."""

    command: str
    languages: str
    warning: ReadMessage | None = None


@dataclass(frozen=True, slots=True)
class OcrPage:
    """What OCR made of one page: lines in reading order (a blank line between paragraphs)."""

    page: int
    lines: tuple[Line, ...] = ()
    confidence: float | None = None
    error: ReadMessage | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def find_engine(tesseract_cmd: str, languages: str) -> Engine:
    """Resolve the Tesseract program and the languages to ask it for, or raise `OcrUnavailable`."""
    command = shutil.which(tesseract_cmd)
    if command is None:
        raise OcrUnavailable("tesseract_missing", program=tesseract_cmd)
    installed = installed_languages(command)
    if installed is None:
        raise OcrUnavailable("tesseract_broken", program=command)
    wanted = [code for code in languages.split("+") if code]
    usable = [code for code in wanted if code in installed]
    missing = [code for code in wanted if code not in installed]
    packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
    if not usable:
        raise OcrUnavailable("tesseract_no_language", languages="+".join(wanted) or "-", packages=packages)
    warning = None
    if missing:
        warning = ReadMessage(
            code="tesseract_some_languages",
            params={"missing": ", ".join(missing), "used": "+".join(usable), "packages": packages},
        )
    return Engine(command=command, languages="+".join(usable), warning=warning)


@functools.lru_cache(maxsize=8)
def installed_languages(command: str) -> frozenset[str] | None:
    """Languages `tesseract --list-langs` reports, asked once per program per process; None if it fails."""
    try:
        result = subprocess.run(
            [command, "--list-langs"],
            capture_output=True,
            timeout=_LIST_LANGS_TIMEOUT,
            env=_tesseract_env(),
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    output = (result.stdout or result.stderr).decode("utf-8", errors="replace").splitlines()
    return frozenset(line.strip() for line in output[1:] if line.strip() and " " not in line.strip())


def ocr_pdf_pages(
    pdf: pdfium.PdfDocument, pages: Sequence[int], options: ReadOptions, engine: Engine
) -> dict[int, OcrPage]:
    """OCR the given 1-based pages of an open document; every page gets a result, failed or not.

    Rendering happens here, in the caller's thread, while earlier pages are being recognised. A page
    is rendered only once a pool thread is free for it and it holds a Tesseract slot (`ocr_slots`):
    the slot stands for the core that renders the page and then runs its Tesseract, and no page
    waits in memory for a core (a large page's image is up to 64 MB). Under `ocr_ahead.read_ahead`
    (`isv-check scan`, a tender's files) another file's reader may use pdfium while this one waits
    for a slot or for Tesseract, and the next file starts once this one's last page is sent.
    """
    results: dict[int, OcrPage] = {}
    if not pages:
        return results
    workers = max(1, min(options.ocr_workers, len(pages)))
    submitted: list[tuple[int, Future[OcrPage]]] = []
    running: set[Future[OcrPage]] = set()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tesseract") as pool:
        for number in pages:
            with waiting_for_tesseract():
                if len(running) >= workers:
                    running = wait(running, return_when=FIRST_COMPLETED).not_done
                slot = take_slot()
            try:
                go_on()
                image, dpi = _render(pdf, number, options.ocr_dpi)
            except BaseException:
                slot.release()
                raise
            if isinstance(image, ReadMessage):
                slot.release()
                results[number] = OcrPage(page=number, error=image)
                continue
            future = pool.submit(_recognise_in, slot, image, number, engine, dpi, options.ocr_page_timeout)
            submitted.append((number, future))
            running.add(future)
        with waiting_for_tesseract(last=True):
            for number, future in submitted:
                results[number] = future.result()
    return results


def _recognise_in(slot: Slot, image: bytes, page: int, engine: Engine, dpi: int, timeout: float) -> OcrPage:
    """`recognise` in a pool thread, freeing the page's slot as soon as its Tesseract is done."""
    try:
        return recognise(image, page, engine, dpi=dpi, timeout=timeout)
    finally:
        slot.release()


def _render(pdf: pdfium.PdfDocument, number: int, dpi: int) -> tuple[bytes | ReadMessage, int]:
    """(TIFF image bytes, dpi rendered at) of one page, or (what went wrong, dpi) when pdfium cannot
    render it. A page too large for `dpi` within MAX_RENDER_PIXELS is rendered at a lower dpi: a
    tiny PDF may declare a page of 5 by 5 metres, which at 200 dpi is a bitmap of 1.6 GB."""
    import pypdfium2 as pdfium

    page = bitmap = None
    used = dpi
    try:
        page = pdf.get_page(number - 1)
        width, height = page.get_size()
        pixels = abs(width * height) * (dpi / 72) ** 2
        if not pixels <= MAX_RENDER_PIXELS:  # also for NaN
            used = max(1, int(dpi * math.sqrt(MAX_RENDER_PIXELS / pixels))) if pixels > 0 else 1
        bitmap = page.render(scale=used / 72, grayscale=True)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="TIFF")  # uncompressed: the cheapest for Leptonica to read
        return buffer.getvalue(), used
    except (pdfium.PdfiumError, OSError, ValueError, OverflowError, MemoryError) as exc:
        return ReadMessage(code="ocr_render_failed", params={"page": number, "error": str(exc)}), used
    finally:
        if bitmap is not None:
            bitmap.close()
        if page is not None:
            page.close()


def _said(code: str, **params: MessageParam) -> ReadMessage:
    return ReadMessage(code=code, params=params)


def recognise(image: bytes, page: int, engine: Engine, *, dpi: int, timeout: float) -> OcrPage:
    """Run Tesseract on one encoded page image (PNG, PNM, TIFF...) and parse its TSV output."""
    try:
        with _image_file(image) as (source, stdin, fds):
            command = [engine.command, source, "stdout", "-l", engine.languages, "--psm", "3", "--dpi", str(dpi), "tsv"]
            result = subprocess.run(
                command,
                input=b"" if stdin is None else stdin,
                capture_output=True,
                timeout=timeout,
                env=_tesseract_env(),
                check=False,
                pass_fds=fds,
                preexec_fn=die_with_parent,  # a killed worker must not leave Tesseract running
            )
    except subprocess.TimeoutExpired:
        return OcrPage(page=page, error=_said("ocr_page_timeout", page=page, seconds=float(timeout)))
    except OSError as exc:
        return OcrPage(page=page, error=_said("ocr_not_started", page=page, error=str(exc)))
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit code {result.returncode}"
        return OcrPage(page=page, error=_said("ocr_page_failed", page=page, reason=reason))
    lines, confidence = parse_tsv(result.stdout.decode("utf-8", errors="replace"), dpi=dpi)
    return OcrPage(page=page, lines=lines, confidence=confidence)


@contextlib.contextmanager
def _image_file(image: bytes) -> Iterator[tuple[str, bytes | None, tuple[int, ...]]]:
    """Where Tesseract reads `image` from: (its input argument, bytes for its standard input, the file
    descriptors it inherits).

    On Linux an in-memory file, named by its /proc path in the child; it needs no clean-up after a
    crash and is read as fast as any file. Elsewhere standard input."""
    if not _PROC_FDS:
        yield "stdin", image, ()
        return
    try:
        fd = os.memfd_create("isv-checker-page", os.MFD_CLOEXEC)
    except OSError:
        yield "stdin", image, ()
        return
    try:
        view = memoryview(image)
        while view:
            view = view[os.write(fd, view) :]
        yield f"/proc/self/fd/{fd}", None, (fd,)
    finally:
        os.close(fd)


_PROC_FDS = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")


def parse_tsv(tsv: str, *, dpi: int) -> tuple[tuple[Line, ...], float | None]:
    """Turn Tesseract TSV into lines (y in points from the top of the page) and the mean word confidence.

    A blank line separates Tesseract's paragraphs so `layout.segment_lines` never joins them.
    Line heights are left out: a line box's height depends on which letters it holds (ascenders,
    descenders), which would make font-size comparisons split paragraphs at random.
    """
    to_points = 72.0 / dpi
    line_top: dict[tuple[str, str, str], float] = {}
    words: dict[tuple[str, str, str], list[str]] = {}
    confidence_sum = 0.0
    confidence_words = 0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        key = (cols[2], cols[3], cols[4])
        if cols[0] == "4":
            line_top[key] = float(cols[7]) * to_points
        elif cols[0] == "5":
            text = cols[11].strip()
            if not text:
                continue
            words.setdefault(key, []).append(text)
            try:
                conf = float(cols[10])
            except ValueError:
                continue
            if conf >= 0:
                confidence_sum += conf
                confidence_words += 1
    lines: list[Line] = []
    previous_paragraph: tuple[str, str] | None = None
    number = 0
    for key, line_words in words.items():
        paragraph = key[:2]
        if previous_paragraph is not None and paragraph != previous_paragraph:
            number += 1
            lines.append(Line(text="", number=number))
        previous_paragraph = paragraph
        number += 1
        lines.append(Line(text=" ".join(line_words), number=number, y=line_top.get(key)))
    confidence = confidence_sum / confidence_words if confidence_words else None
    return tuple(lines), confidence


def _tesseract_env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}
