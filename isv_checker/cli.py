"""The `isv-check` command: parses flags, calls the library, prints. No checking logic lives here.

Exit codes, like a linter's:
  0  every document is fine: compliant, or ISV not required
  1  a document needs attention: clause missing or incomplete, needs review, empty, or needs OCR
  2  usage error, or a file could not be read (corrupt, encrypted, unsupported, too large, error)
"""

from __future__ import annotations

import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .document import ReadStatus
from .report import Report

app = typer.Typer(
    name="isv-check",
    help="Check Dutch government tender documents for the International Social Conditions (ISV).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

EXIT_OK, EXIT_ATTENTION, EXIT_ERROR = 0, 1, 2


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class OcrMode(str, Enum):
    auto = "auto"
    never = "never"
    always = "always"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"isv-check {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Check Dutch government tender documents for the International Social Conditions (ISV)."""


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (folders are searched recursively).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text: a summary; json: full reports.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    blocks: Annotated[bool, typer.Option("--blocks", help="Include every text block in the JSON report.")] = False,
    ocr: Annotated[OcrMode, typer.Option("--ocr", help="OCR pages without a text layer: auto, never, always.")] = OcrMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; only the exit code tells.")] = False,
    list_skipped: Annotated[bool, typer.Option("--list-skipped", help="Name each file in the folders that was not a document.")] = False,
) -> None:
    """Read documents and report what was found in them."""
    from .inputs import expand
    from .pipeline import check
    from .render.json import report_json
    from .render.text import summary_lines
    from .settings import ReadOptions

    inputs = expand(paths)
    if not inputs.files:
        typer.echo("isv-check: no documents found in the given paths", err=True)
        raise typer.Exit(EXIT_ERROR)
    options = ReadOptions(ocr=ocr.value)
    sink = _open_output(output)
    worst = EXIT_OK
    several = len(inputs.files) > 1
    try:
        for path in inputs.files:
            report = check(path, options, include_blocks=blocks)
            worst = max(worst, exit_code_for(report))
            if quiet:
                continue
            if output_format is OutputFormat.json:
                sink.write(report_json(report, indent=None if several else 2) + "\n")
            else:
                sink.write("\n".join(summary_lines(report)) + "\n")
            sink.flush()
        if not quiet and output_format is OutputFormat.text:
            if list_skipped:
                for path, why in inputs.skipped:
                    sink.write(f"{path}: skipped ({why})\n")
            sink.write(f"{len(inputs.files)} document(s) checked")
            if inputs.skipped:
                reasons = Counter(why for _, why in inputs.skipped)
                detail = "; ".join(f"{n} {why}" for why, n in reasons.most_common())
                hint = "" if list_skipped else " (--list-skipped lists them)"
                sink.write(f", {len(inputs.skipped)} other file(s) skipped: {detail}{hint}")
            sink.write("\n")
    finally:
        if sink is not sys.stdout:
            sink.close()
    if output is not None and not quiet:
        typer.echo(f"wrote {output}", err=True)
    raise typer.Exit(worst)


def exit_code_for(report: Report) -> int:
    if report.status in (ReadStatus.EMPTY, ReadStatus.NEEDS_OCR):
        return EXIT_ATTENTION
    if not report.status.readable:
        return EXIT_ERROR
    return EXIT_ATTENTION if report.verdict in ("incomplete", "missing", "needs_review") else EXIT_OK


def _open_output(output: Path | None):  # type: ignore[no-untyped-def]
    if output is None:
        return sys.stdout
    try:
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        typer.echo(f"isv-check: cannot write {output}: {exc.strerror or exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def main(argv: list[str] | None = None) -> int:
    """Entry point; `argv` lets tests call the CLI in-process, as yamllint's `cli.run` does."""
    try:
        app(args=argv, prog_name="isv-check", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_ERROR)
    return EXIT_OK


def console() -> None:
    sys.exit(main())
