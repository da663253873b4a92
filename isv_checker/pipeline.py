"""The one path a document takes: read, then report. Library callers and the CLI both come here."""

from __future__ import annotations

import os

from .readers import read_path
from .report import Report, build_report
from .settings import ReadOptions


def check(path: str | os.PathLike[str], options: ReadOptions | None = None, *, include_blocks: bool = False) -> Report:
    """Check one file and return its report; bad files give a report with a status, never an exception."""
    return build_report(read_path(path, options), include_blocks=include_blocks)
