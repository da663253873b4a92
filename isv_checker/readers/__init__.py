"""The reading stage: any file in, one `Document` out, never an exception.

Format readers (`docx`, `pdf`, `text`, `odt`, listed in `formats`) are imported only when a file of
theirs turns up, so start-up stays cheap. Each takes the file's bytes, which lets batch runs hand over
ZIP members without writing them to disk.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..document import DocFormat, Document, ReadStatus, page_ranges
from ..language import detect_language
from ..settings import ReadOptions
from .extraction import Extraction, ReadFailure

# a module-level name, which tests replace to simulate a reader that crashes
from .formats import reader_for as _reader_for
from .sniff import format_from_name, sniff


def read_path(path: str | os.PathLike[str], options: ReadOptions | None = None) -> Document:
    """Read a file from disk. Missing, unreadable or oversized files come back as a status."""
    options = options or ReadOptions()
    p = Path(path)
    name = str(p)
    fmt = format_from_name(name)
    try:
        info = p.stat()
    except OSError as exc:
        return _failed(name, fmt, ReadStatus.ERROR, f"cannot open the file: {exc.strerror or exc}")
    size = info.st_size
    if stat.S_ISDIR(info.st_mode):
        return _failed(name, fmt, ReadStatus.UNSUPPORTED, "a folder, not a file", size=None)
    if not stat.S_ISREG(info.st_mode):
        # A named pipe would block the read for ever, a device such as /dev/zero never ends.
        return _failed(name, fmt, ReadStatus.UNSUPPORTED, "not a regular file (a pipe, device or socket)", size=None)
    if size > options.max_bytes:
        return _failed(
            name, fmt, ReadStatus.TOO_LARGE, f"{size:,} bytes is over the {options.max_bytes:,}-byte limit", size=size
        )
    try:
        with open(p, "rb") as handle:
            data = handle.read(options.max_bytes + 1)  # the file may grow between stat and read
    except OSError as exc:
        return _failed(name, fmt, ReadStatus.ERROR, f"cannot read the file: {exc.strerror or exc}", size=size)
    return read_bytes(data, name, options)


def read_bytes(data: bytes, name: str, options: ReadOptions | None = None) -> Document:
    """Read a file's bytes; `name` is the path to report and a hint to the format (content wins)."""
    options = options or ReadOptions()
    sha256 = hashlib.sha256(data).hexdigest()
    size = len(data)
    by_name = format_from_name(name)
    if size > options.max_bytes:
        return _failed(
            name,
            by_name,
            ReadStatus.TOO_LARGE,
            f"{size:,} bytes is over the {options.max_bytes:,}-byte limit",
            size=size,
            sha256=sha256,
        )
    if size == 0:
        return _failed(name, by_name, ReadStatus.EMPTY, "the file is empty (0 bytes)", size=0, sha256=sha256)
    try:
        fmt = sniff(data, name)
    except ReadFailure as failure:
        return _failed(name, by_name, failure.status, failure.message, size=size, sha256=sha256)
    except Exception as exc:  # noqa: BLE001 - as for the readers below: a status, never an exception
        return _failed(
            name,
            by_name,
            ReadStatus.ERROR,
            f"isv-checker failed telling the file's format ({type(exc).__name__}: {exc})",
            size=size,
            sha256=sha256,
        )
    warnings: list[str] = []
    if by_name not in (DocFormat.UNKNOWN, fmt):
        warnings.append(
            f"the name says {by_name.value.upper()} but the content is {fmt.value.upper()}; read as {fmt.value.upper()}"
        )
    try:
        extraction = _reader_for(fmt)(data, options)
    except ReadFailure as failure:
        return _failed(name, fmt, failure.status, failure.message, size=size, sha256=sha256, warnings=tuple(warnings))
    except MemoryError:
        return _failed(name, fmt, ReadStatus.TOO_LARGE, "ran out of memory reading the file", size=size, sha256=sha256)
    except RecursionError:
        return _failed(
            name, fmt, ReadStatus.CORRUPT, "the file's structure nests too deeply to read", size=size, sha256=sha256
        )
    except Exception as exc:  # noqa: BLE001 - the contract is: no exception leaves the reading stage
        return _failed(
            name,
            fmt,
            ReadStatus.ERROR,
            f"isv-checker failed reading the file ({type(exc).__name__}: {exc})",
            size=size,
            sha256=sha256,
        )
    status, message = _status_of(extraction, options)
    return Document(
        path=name,
        sha256=sha256,
        size=size,
        format=fmt,
        status=status,
        message=message,
        pages=extraction.pages,
        language=extraction.language or detect_language(b.text for b in extraction.blocks),
        blocks=extraction.blocks,
        ocr_pages=extraction.ocr_pages,
        warnings=tuple(warnings) + extraction.warnings,
        properties=extraction.properties,
        notice=extraction.notice,
    )


def not_read(path: str | os.PathLike[str], status: ReadStatus, message: str) -> Document:
    """The `Document` of a file left unread on purpose (a file of no document type found in a folder):
    its name, size and why, so it is reported like any other file."""
    name = str(path)
    try:
        size: int | None = Path(path).stat().st_size
    except OSError:
        size = None
    return _failed(name, format_from_name(name), status, message, size=size)


def _status_of(extraction: Extraction, options: ReadOptions) -> tuple[ReadStatus, str]:
    if extraction.needs_ocr_pages:
        pages = page_ranges(extraction.needs_ocr_pages)
        return ReadStatus.NEEDS_OCR, (
            f"page(s) {pages} have no text layer and need OCR, which is not available: "
            f"{extraction.message or 'install Tesseract (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-nld)'}"
        )
    if not extraction.blocks:
        return ReadStatus.EMPTY, extraction.message or "the document contains no text"
    if extraction.ocr_pages:
        return (
            ReadStatus.OCR,
            f"text of page(s) {page_ranges(extraction.ocr_pages)} was read by OCR; check quotes against the scan",
        )
    return ReadStatus.OK, extraction.message


def _failed(
    name: str,
    fmt: DocFormat,
    status: ReadStatus,
    message: str,
    *,
    size: int | None = None,
    sha256: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Document:
    return Document(path=name, sha256=sha256, size=size, format=fmt, status=status, message=message, warnings=warnings)


__all__ = ["Extraction", "ReadFailure", "not_read", "read_bytes", "read_path"]
