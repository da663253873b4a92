"""The file types isv-checker reads, in one table: the reader of each format, the suffixes a name may
carry, and which of them a folder scan picks up. The folder walk (`inputs`, `batch.sources`), the web
page's file picker and the reading stage's guess from a name all take their lists from here.

A file's content decides its format (`sniff`); the name is only a hint. Folder scans take fewer
suffixes than a user may name or upload: `.text` and `.md` files are read when named, not when found.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..document import DocFormat
from ..settings import ReadOptions
from .extraction import Extraction

Reader = Callable[[bytes, ReadOptions], Extraction]


@dataclass(frozen=True, slots=True)
class Suffix:
    suffix: str  # lower case, with its dot
    format: DocFormat
    in_folders: bool = True  # a folder scan (and a batch run's folders and archives) picks such files up


SUFFIXES = (
    Suffix(".docx", DocFormat.DOCX),
    Suffix(".docm", DocFormat.DOCX),
    Suffix(".dotx", DocFormat.DOCX),
    Suffix(".dotm", DocFormat.DOCX),
    Suffix(".pdf", DocFormat.PDF),
    Suffix(".odt", DocFormat.ODT),
    Suffix(".txt", DocFormat.TEXT),
    Suffix(".text", DocFormat.TEXT, in_folders=False),
    Suffix(".md", DocFormat.TEXT, in_folders=False),
)

# The module and function that read each format, imported only when a file of theirs turns up, so
# start-up stays cheap; a format without a reader of its own is read as text.
_READERS = {
    DocFormat.DOCX: (".docx", "read_docx"),
    DocFormat.PDF: (".pdf", "read_pdf"),
    DocFormat.ODT: (".odt", "read_odt"),
    DocFormat.TEXT: (".text", "read_text"),
}

FOLDER_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.in_folders)
"""The suffixes a folder scan takes (`str.endswith` on the lower-cased name)."""

ACCEPT = ",".join(s.suffix for s in SUFFIXES)
"""The web page's file picker (`<input accept=...>`): every suffix the reader knows."""

WORD_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.format is DocFormat.DOCX)

DOCUMENT_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.format is not DocFormat.TEXT)
"""Suffixes of formats with a structure of their own: a file so named that holds text or noise is a
broken document, not a text file."""


def reader_for(fmt: DocFormat) -> Reader:
    module, function = _READERS.get(fmt, _READERS[DocFormat.TEXT])
    reader: Reader = getattr(importlib.import_module(module, __package__), function)
    return reader
