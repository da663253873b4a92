"""isv-checker: checks Dutch government tender documents for the International Social Conditions (ISV).

The public API is small on purpose: `check(path)` gives the `Report` every output is made from,
`check_tender(path)` the `TenderReport` of a dossier of files judged as one, and `read(path)` the
`Document` the checks work on.
Heavy libraries (spaCy, pdfium, python-docx) load only when a stage needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .document import Block, BlockKind, DocFormat, Document, ReadStatus
from .pipeline import check, check_bytes, check_document, check_tender
from .readers import read_bytes, read_path
from .report import Report
from .settings import ReadOptions
from .tender.report import TenderReport

read = read_path

__all__ = [
    "Block",
    "BlockKind",
    "DocFormat",
    "Document",
    "ReadOptions",
    "ReadStatus",
    "Report",
    "TenderReport",
    "__version__",
    "check",
    "check_bytes",
    "check_document",
    "check_tender",
    "read",
    "read_bytes",
    "read_path",
]
