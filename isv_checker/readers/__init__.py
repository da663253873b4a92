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

from ..document import DocFormat, Document, MessageParam, ReadMessage, ReadStatus, page_ranges
from ..i18n.reading import english
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
        return unread_document(name, fmt, ReadStatus.ERROR, _said("cannot_open", error=exc.strerror or str(exc)))
    size = info.st_size
    if stat.S_ISDIR(info.st_mode):
        return unread_document(name, fmt, ReadStatus.UNSUPPORTED, _said("folder"), size=None)
    if not stat.S_ISREG(info.st_mode):
        # A named pipe would block the read for ever, a device such as /dev/zero never ends.
        return unread_document(name, fmt, ReadStatus.UNSUPPORTED, _said("not_regular"), size=None)
    if size > options.max_bytes:
        return unread_document(
            name, fmt, ReadStatus.TOO_LARGE, _said("over_size", size=size, limit=options.max_bytes), size=size
        )
    try:
        with open(p, "rb") as handle:
            data = handle.read(options.max_bytes + 1)  # the file may grow between stat and read
    except OSError as exc:
        return unread_document(
            name, fmt, ReadStatus.ERROR, _said("cannot_read", error=exc.strerror or str(exc)), size=size
        )
    return read_bytes(data, name, options)


def read_bytes(data: bytes, name: str, options: ReadOptions | None = None) -> Document:
    """Read a file's bytes; `name` is the path to report and a hint to the format (content wins)."""
    options = options or ReadOptions()
    sha256 = hashlib.sha256(data).hexdigest()
    size = len(data)
    by_name = format_from_name(name)
    if size > options.max_bytes:
        return unread_document(
            name,
            by_name,
            ReadStatus.TOO_LARGE,
            _said("over_size", size=size, limit=options.max_bytes),
            size=size,
            sha256=sha256,
        )
    if size == 0:
        return unread_document(name, by_name, ReadStatus.EMPTY, _said("empty_file"), size=0, sha256=sha256)
    try:
        fmt = sniff(data, name)
    except ReadFailure as failure:
        return unread_document(name, by_name, failure.status, failure.said, size=size, sha256=sha256)
    except Exception as exc:  # noqa: BLE001 - as for the readers below: a status, never an exception
        return unread_document(
            name,
            by_name,
            ReadStatus.ERROR,
            _said("sniff_failed", error=f"{type(exc).__name__}: {exc}"),
            size=size,
            sha256=sha256,
        )
    warnings: list[ReadMessage] = []
    if by_name not in (DocFormat.UNKNOWN, fmt):
        warnings.append(_said("name_mismatch", named=by_name.value.upper(), content=fmt.value.upper()))
    try:
        extraction = _reader_for(fmt)(data, options)
    except ReadFailure as failure:
        return unread_document(
            name, fmt, failure.status, failure.said, size=size, sha256=sha256, warnings=tuple(warnings)
        )
    except MemoryError:
        return unread_document(name, fmt, ReadStatus.TOO_LARGE, _said("out_of_memory"), size=size, sha256=sha256)
    except RecursionError:
        return unread_document(name, fmt, ReadStatus.CORRUPT, _said("nests_too_deeply"), size=size, sha256=sha256)
    except Exception as exc:  # noqa: BLE001 - the contract is: no exception leaves the reading stage
        return unread_document(
            name,
            fmt,
            ReadStatus.ERROR,
            _said("reader_failed", error=f"{type(exc).__name__}: {exc}"),
            size=size,
            sha256=sha256,
        )
    status, message = _status_of(extraction, options)
    warned = (*warnings, *extraction.warnings)
    return Document(
        path=name,
        sha256=sha256,
        size=size,
        format=fmt,
        status=status,
        message=english(message) if message is not None else "",
        coded_message=message,
        pages=extraction.pages,
        language=extraction.language or detect_language(b.text for b in extraction.blocks),
        blocks=extraction.blocks,
        ocr_pages=extraction.ocr_pages,
        warnings=tuple(english(w) for w in warned),
        coded_warnings=warned,
        properties=extraction.properties,
        notice=extraction.notice,
    )


def not_read(path: str | os.PathLike[str], status: ReadStatus, message: ReadMessage) -> Document:
    """The `Document` of a file left unread on purpose (a file of no document type found in a folder):
    its name, size and why, so it is reported like any other file."""
    name = str(path)
    try:
        size: int | None = Path(path).stat().st_size
    except OSError:
        size = None
    return unread_document(name, format_from_name(name), status, message, size=size)


def _said(code: str, **params: MessageParam) -> ReadMessage:
    return ReadMessage(code=code, params=params)


def _status_of(extraction: Extraction, options: ReadOptions) -> tuple[ReadStatus, ReadMessage | None]:
    if extraction.needs_ocr_pages:
        why = extraction.message or _said("ocr_install")
        needs = ReadMessage(code="needs_ocr", params={"pages": page_ranges(extraction.needs_ocr_pages)}, because=(why,))
        return ReadStatus.NEEDS_OCR, needs
    if not extraction.blocks:
        return ReadStatus.EMPTY, extraction.message or _said("no_text")
    if extraction.ocr_pages:
        return ReadStatus.OCR, _said("read_by_ocr", pages=page_ranges(extraction.ocr_pages))
    return ReadStatus.OK, extraction.message


def unread_document(
    name: str,
    fmt: DocFormat,
    status: ReadStatus,
    message: ReadMessage,
    *,
    size: int | None = None,
    sha256: str | None = None,
    warnings: tuple[ReadMessage, ...] = (),
) -> Document:
    """The `Document` of a file whose text was not read: who it is, how reading went and why, in the
    catalogue's code and in English."""
    return Document(
        path=name,
        sha256=sha256,
        size=size,
        format=fmt,
        status=status,
        message=english(message),
        coded_message=message,
        warnings=tuple(english(w) for w in warnings),
        coded_warnings=warnings,
    )


__all__ = ["Extraction", "ReadFailure", "not_read", "read_bytes", "read_path", "unread_document"]
