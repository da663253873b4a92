"""The exit codes of every `isv-check` command, and the one way a command stops early.

The contract, like a linter's (README.md, "Exit codes", is what users read):
  0    every document is fine: compliant, or ISV not required; for the commands that check no single
       document (sdg-table, batch, results, export, serve, rules, explain): the run completed
  1    a document needs attention: clause missing or incomplete, needs review, empty, or pages that
       need OCR; or a folder `scan` walked holds files of other types (listed as unsupported)
  2    usage error, or a file could not be read (corrupt, encrypted, unsupported, too large, ...)
  130  batch was interrupted (Ctrl-C); what it wrote stays, and a re-run resumes

A document's code comes from the document alone, whichever command checked it: `scan`, `memo` and
`annotate` all give an empty document 1 and a corrupt one 2 (memo and annotate write nothing for
either, since there is no text to comment on). Batch records unreadable files as rows, so a run
that completes gives 0 however its files turned out.
"""

from __future__ import annotations

from typing import NoReturn

import typer

from ..document import ReadStatus
from ..report import Report, Verdict
from ..tender.report import TenderReport

EXIT_OK, EXIT_ATTENTION, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

ATTENTION_VERDICTS: frozenset[Verdict] = frozenset({"incomplete", "missing", "required", "needs_review"})
# read, but with nothing to check: the document needs a person (another copy, or OCR), not a fix of the call
ATTENTION_STATUSES = frozenset({ReadStatus.EMPTY, ReadStatus.NEEDS_OCR})


def exit_code_for_tender(report: TenderReport) -> int:
    """A tender's exit code: its verdict as a document's, and 2 when one of its files could not be read."""
    code = EXIT_ATTENTION if report.verdict in ATTENTION_VERDICTS else EXIT_OK
    for document in report.documents:
        if not document.readable:
            code = max(code, EXIT_ATTENTION if document.status in ATTENTION_STATUSES else EXIT_ERROR)
    return code


def exit_code_for(report: Report) -> int:
    """The exit code one checked document gives, for every command that checks documents."""
    if report.status in ATTENTION_STATUSES:
        return EXIT_ATTENTION
    if not report.readable:
        return EXIT_ERROR
    return EXIT_ATTENTION if report.verdict in ATTENTION_VERDICTS else EXIT_OK


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Stop the command: the message on standard error, prefixed `isv-check: `, and the exit code
    (a usage error unless told otherwise). Never a traceback for something the user can fix."""
    typer.echo(f"isv-check: {message}", err=True)
    raise typer.Exit(code)
