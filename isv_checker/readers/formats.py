"""The file types isv-checker reads, in one table: the reader of each format, the suffixes a name may
carry, and which of them a folder scan picks up. The folder walk (`inputs`, `batch.sources`), the web
page's file picker and the reading stage's guess from a name all take their lists from here.

A file's content decides its format (`sniff`); the name is only a hint. Folder scans take fewer
suffixes than a user may name or upload: `.text` and `.md` files are read when named, not when found.

Every file a folder walk or an archive turns up is accounted for (`found_file`): a document type is
read; any other file (an image, a spreadsheet, a `.md` note, a name without a suffix) is reported as
`unsupported` without being read; only hidden files, Office lock files and the operating system's own
files (`.DS_Store`, `Thumbs.db`, `desktop.ini`, `__MACOSX/`) are passed over, and counted as such.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..document import DocFormat, ReadMessage
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
    Suffix(".doc", DocFormat.DOC),
    Suffix(".dot", DocFormat.DOC),
    Suffix(".rtf", DocFormat.RTF),
    Suffix(".xml", DocFormat.NOTICE),
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
    DocFormat.DOC: (".legacy", "read_doc"),
    DocFormat.RTF: (".legacy", "read_rtf"),
    DocFormat.NOTICE: (".notice_xml", "read_notice"),
}

FOLDER_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.in_folders)
"""The suffixes a folder scan takes (`str.endswith` on the lower-cased name)."""

ACCEPT = ",".join(s.suffix for s in SUFFIXES)
"""The web page's file picker (`<input accept=...>`): every suffix the reader knows."""

WORD_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.format is DocFormat.DOCX)

DOCUMENT_SUFFIXES = tuple(s.suffix for s in SUFFIXES if s.format is not DocFormat.TEXT)
"""Suffixes of formats with a structure of their own: a file so named that holds text or noise is a
broken document, not a text file."""


SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
"""Files an operating system leaves in folders (lower case); with hidden files (a leading dot) and Office
lock files (`~$name.docx`) they are passed over, not reported as documents."""


def passed_over(name: str) -> str | None:
    """Why a file found in a folder or archive is left out of a run, as the code of its words (the
    catalogue's `read.<code>`: "lock_file" is "an Office lock file"), or None when it gets a result.

    `name` is the file's own name, without its folder."""
    if name.startswith("~$"):
        return "lock_file"
    if name.lower() in SYSTEM_FILES:
        return "system_file"
    if name.startswith("."):
        return "hidden_file"
    return None


def not_a_document(name: str, *, archives: bool = False) -> ReadMessage | None:
    """Why a file found in a folder or archive is not read (it is recorded as `unsupported`), or None
    for a document type (and, with `archives`, for a ZIP archive, which a batch opens)."""
    lower = name.lower()
    if lower.endswith(FOLDER_SUFFIXES) or (archives and lower.endswith(".zip")):
        return None
    if lower.endswith(".zip"):
        return ReadMessage(code="zip_in_folder")
    suffix = "." + lower.rsplit(".", 1)[-1] if "." in lower.strip(".") else ""
    types = ", ".join(_FOLDER_TYPES)
    if not suffix:
        return ReadMessage(code="no_suffix", params={"types": types})
    return ReadMessage(code="other_type", params={"suffix": suffix, "types": types})


# one suffix per format, as a person names them: .docx, .pdf, .odt, .doc, .rtf, .txt
_FOLDER_TYPES = tuple({s.format: s.suffix for s in reversed(SUFFIXES) if s.in_folders}.values())[::-1]


def reader_for(fmt: DocFormat) -> Reader:
    module, function = _READERS.get(fmt, _READERS[DocFormat.TEXT])
    reader: Reader = getattr(importlib.import_module(module, __package__), function)
    return reader
