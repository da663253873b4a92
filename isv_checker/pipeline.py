"""The one path a document takes: read, judge, report. Library callers and the CLI both come here."""

from __future__ import annotations

import os

from .readers import read_path
from .report import Report, build_report
from .ruleset.load import Ruleset, cached_ruleset
from .settings import ReadOptions


def check(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    include_blocks: bool = False,
) -> Report:
    """Check one file and return its report; bad files give a report with a status, never an exception."""
    from .checks.engine import judge

    document = read_path(path, options)
    rules = ruleset if ruleset is not None else cached_ruleset()
    return build_report(document, include_blocks=include_blocks, judged=judge(document, rules))
