"""isv-checker: checks Dutch government tender documents for the International Social Conditions (ISV).

The public API is small on purpose: `check(path)` gives the `Report` every output is made from,
`check_tender(path)` the `TenderReport` of a dossier of files judged as one, and `read(path)` the
`Document` the checks work on.
Nothing is loaded until it is used: `import isv_checker` (which every `isv-check` command and every
submodule import does first) costs nothing, and each name below loads its module on first access
(PEP 562), so `isv-check --help` loads no report models and a scan loads no reader of another format.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .document import Block, BlockKind, DocFormat, Document, ReadStatus
    from .pipeline import check, check_bytes, check_document, check_tender
    from .readers import read_bytes, read_path
    from .report import Report
    from .settings import ReadOptions
    from .tender.report import TenderReport

    read = read_path

_HOMES = {
    "Block": ".document",
    "BlockKind": ".document",
    "DocFormat": ".document",
    "Document": ".document",
    "ReadStatus": ".document",
    "check": ".pipeline",
    "check_bytes": ".pipeline",
    "check_document": ".pipeline",
    "check_tender": ".pipeline",
    "read_bytes": ".readers",
    "read_path": ".readers",
    "read": ".readers",
    "Report": ".report",
    "ReadOptions": ".settings",
    "TenderReport": ".tender.report",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'isv_checker' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), "read_path" if name == "read" else name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
