"""isv-checker: checks Dutch government tender documents for the International Social Conditions (ISV).

The public API is small on purpose: `read(path)` gives the `Document` every later stage works from.
Heavy libraries (spaCy, pdfium, python-docx) load only when a stage needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .document import Block, BlockKind, DocFormat, Document, ReadStatus
from .readers import read_bytes, read_path
from .settings import ReadOptions

read = read_path

__all__ = [
    "Block",
    "BlockKind",
    "DocFormat",
    "Document",
    "ReadOptions",
    "ReadStatus",
    "__version__",
    "read",
    "read_bytes",
    "read_path",
]
