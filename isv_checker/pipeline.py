"""The one path a document takes: read, judge, report. Library callers, the CLI and batch runs all
come here; nothing else strings the stages together."""

from __future__ import annotations

import os

from .checks.facts import GivenFacts
from .document import Document, ReadStatus
from .readers import read_bytes, read_path
from .report import Report, build_report
from .ruleset.load import Ruleset, cached_ruleset
from .settings import ReadOptions


def check(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    include_blocks: bool = False,
    given: GivenFacts | None = None,
) -> Report:
    """Check one file and return its report; bad files give a report with a status, never an exception."""
    return check_document(read_path(path, options), ruleset=ruleset, include_blocks=include_blocks, given=given)


def check_bytes(
    data: bytes,
    name: str,
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    include_blocks: bool = False,
    given: GivenFacts | None = None,
) -> Report:
    """Check a file's bytes (a ZIP member, an upload); `name` is reported as the file."""
    return check_document(read_bytes(data, name, options), ruleset=ruleset, include_blocks=include_blocks, given=given)


def check_document(
    document: Document, *, ruleset: Ruleset | None = None, include_blocks: bool = False, given: GivenFacts | None = None
) -> Report:
    """Judge an already-read document (for callers that also need the `Document`, e.g. the web page).
    `given`: facts from outside the document (a notices CSV row) that complete or override its own."""
    from .checks.engine import judge

    rules = ruleset if ruleset is not None else cached_ruleset()
    try:
        judgement = judge(document, rules, given)
    except Exception as exc:  # noqa: BLE001 - a bug in the rules stage must not end a scan of many files
        status = ReadStatus.TOO_LARGE if isinstance(exc, MemoryError) else ReadStatus.ERROR
        message = f"isv-checker failed checking the document ({type(exc).__name__}: {exc})"
        document = document.model_copy(update={"status": status, "message": message})
        judgement = judge(document, rules, given)  # an unreadable document: verdict `unreadable` with the message
    return build_report(document, include_blocks=include_blocks, judgement=judgement)
