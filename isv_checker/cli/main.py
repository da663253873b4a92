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
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..document import ReadStatus
from ..report import Report

if TYPE_CHECKING:
    from ..ruleset.load import Ruleset
    from ..ruleset.models import Rule

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
    rules: Annotated[Path | None, typer.Option("--rules", help="Use the rules in this folder (a modified copy of rules/).")] = None,
) -> None:
    """Check documents for the ISV clause: verdict, missing elements and decoys per document."""
    from ..inputs import expand
    from ..pipeline import check
    from ..render.json import report_json
    from ..render.text import summary_lines
    from ..settings import ReadOptions

    ruleset = load_rules(rules)
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
            report = check(path, options, ruleset=ruleset, include_blocks=blocks)
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


def load_rules(folder: Path | None) -> Ruleset:
    """The ruleset to check with; a broken rules folder is a usage error with the loader's message."""
    from ..ruleset.load import RulesError, cached_ruleset

    try:
        return cached_ruleset(str(folder) if folder is not None else None)
    except RulesError as exc:
        typer.echo(f"isv-check: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


@app.command("rules")
def list_rules(
    rules: Annotated[Path | None, typer.Option("--rules", help="List the rules in this folder instead.")] = None,
) -> None:
    """List every rule with its id and one-line description."""
    ruleset = load_rules(rules)
    typer.echo(f"ruleset {ruleset.info.id} {ruleset.info.version} (effective {ruleset.info.effective}) from {ruleset.directory}")
    for kind, group in _rule_groups(ruleset):
        typer.echo(f"\n{kind}:")
        for rule in group:
            typer.echo(f"  {rule.id:<32} {rule.description}")


def _rule_groups(ruleset: Ruleset) -> list[tuple[str, tuple[Rule, ...]]]:
    return [
        ("categories", ruleset.categories),
        ("contracting authorities", ruleset.authorities),
        ("contract value", ruleset.value_contexts),
        ("procedures", ruleset.procedures),
        ("clause anchors", ruleset.anchors),
        ("clause elements", ruleset.elements),
        ("decoys", ruleset.decoys),
    ]


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A rule id, e.g. ISV-EL-ACTION-PLAN.")],
    rules: Annotated[Path | None, typer.Option("--rules", help="Look the rule up in this folder instead.")] = None,
) -> None:
    """Show what a rule matches, with a passing and a failing example from its own YAML."""
    from ..checks.matching import RuleMatcher

    ruleset = load_rules(rules)
    rule = ruleset.rule(rule_id)
    if rule is None:
        known = [r.id for r in ruleset.rules() if rule_id.upper().split("-")[1:2] == r.id.split("-")[1:2]]
        hint = f"; rules of that kind: {', '.join(known)}" if known else "; `isv-check rules` lists them"
        typer.echo(f"isv-check: no rule {rule_id!r}{hint}", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(f"{rule.id}: {rule.description}")
    for field in ("category", "element", "decoy", "strength", "role", "central_government"):
        if hasattr(rule, field):
            typer.echo(f"  {field}: {getattr(rule, field)}")
    spec = rule.match
    if spec.terms:
        typer.echo(f"  matches any of: {', '.join(spec.terms)}")
    for near in spec.near:
        groups = " + ".join("(" + " | ".join(g) + ")" for g in near.groups)
        typer.echo(f"  or, within {near.window} words of each other: {groups}")
    if spec.unless:
        typer.echo(f"  unless the same passage says: {', '.join(spec.unless)}")
    if getattr(rule, "cpv", None):
        typer.echo(f"  CPV code prefixes: {', '.join(rule.cpv)}")  # type: ignore[attr-defined]
    matcher = RuleMatcher([rule])
    for label, examples in (("matches", rule.examples.match), ("does not match", rule.examples.no_match)):
        typer.echo(f"  example that {label}:")
        for text in examples[:2]:
            spans = matcher.matches(text, rule.id, "en" if _looks_english(text) else "nl")
            marked = text
            for start, end in reversed(spans):
                marked = marked[:start] + "[" + marked[start:end] + "]" + marked[end:]
            typer.echo(f"    {marked}")


def _looks_english(text: str) -> bool:
    from ..language import detect_language

    return detect_language([text]) == "en"


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


# Commands of the later stages live in their own modules; they register on the same app, after `scan`,
# `rules` and `explain` so `--help` lists the everyday command first.
from .batch import register as _register_batch  # noqa: E402
from .outputs import register as _register_outputs  # noqa: E402
from .web import register as _register_web  # noqa: E402

_register_outputs(app)
_register_batch(app)
_register_web(app)


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
