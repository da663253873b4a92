"""The `isv-check` app and its everyday commands: `scan`, `tender`, `rules` and `explain`.

The later stages' commands register on the same app from `outputs.py`, `batch.py` and `web.py`.
Exit codes are `exits.py`'s contract.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal, TextIO

import typer

from .. import __version__
from .batch import register as _register_batch
from .command import Command
from .exits import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, exit_code_for, fail
from .notices import register as _register_notices
from .options import LangOption, OcrOption, QuietOption, RulesOption, load_rules, output_lang
from .outputs import register as _register_outputs
from .web import register as _register_web

app = typer.Typer(
    name="isv-check",
    help="Check Dutch government tender documents for the International Social Conditions (ISV).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

OutputFormat = Literal["text", "json"]


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


@app.command(cls=Command)
def scan(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files or folders (folders are searched recursively).")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text: a summary; json: full reports.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
    blocks: Annotated[bool, typer.Option("--blocks", help="Include every text block in the JSON report.")] = False,
    ocr: OcrOption = "auto",
    quiet: QuietOption = False,
    list_skipped: Annotated[
        bool,
        typer.Option(
            "--list-skipped",
            help="Name each file in the folders that was not read: other types (unsupported), and hidden, "
            "lock or system files (passed over).",
        ),
    ] = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Check documents for the ISV clause: verdict, missing elements and decoys per document."""
    from ..document import Document, ReadStatus
    from ..i18n.catalogue import messages
    from ..i18n.reading import code_text, reading_text
    from ..inputs import expand
    from ..pipeline import check_document
    from ..readers import not_read, read_path
    from ..readers.ocr_ahead import read_ahead
    from ..render.json import report_json
    from ..render.text import summary_lines
    from ..settings import ReadOptions

    ruleset = load_rules(rules)
    language = output_lang(lang)
    t = messages(language, ruleset.vocabulary)
    inputs = expand(paths)
    for name in inputs.missing:  # a usage error, said at once; the other paths are still checked
        typer.echo(f"isv-check: {t['cli.no_such_path'].format(path=name)}", err=True)
    if not inputs.files and not inputs.missing:
        passed = t["cli.no_documents_passed_over"].format(n=len(inputs.skipped)) if inputs.skipped else ""
        fail(t["cli.no_documents"] + passed)
    options = ReadOptions(ocr=ocr)
    sink = _open_output(output)
    reports_out = output is not None or not quiet  # -q keeps the terminal quiet; a file named by -o is written
    worst = EXIT_ERROR if inputs.missing else EXIT_OK
    several = len(inputs.files) > 1

    def read(path: Path) -> Document:
        why = inputs.not_documents.get(path)
        return read_path(path, options) if why is None else not_read(path, ReadStatus.UNSUPPORTED, why)

    try:
        # read_ahead: the next file is read while this one's last scanned pages are in Tesseract
        with read_ahead(inputs.files, read) as documents:
            for path, document in zip(inputs.files, documents, strict=True):
                why = inputs.not_documents.get(path)
                report = check_document(document, ruleset=ruleset, include_blocks=blocks and why is None)
                # a file of another type met in a folder (a spreadsheet, an image) is listed for a person to
                # look at, not a failure of the check: exit 1, as a document that needs attention
                worst = max(worst, exit_code_for(report) if why is None else EXIT_ATTENTION)
                if not reports_out:
                    continue
                if output_format == "json":
                    sink.write(report_json(report, indent=None if several else 2) + "\n")
                elif why is None:
                    sink.write("\n".join(summary_lines(report, ruleset.vocabulary, language)) + "\n")
                elif list_skipped:  # files of other types: counted below, named one per line on request
                    status = t[f"status.{ReadStatus.UNSUPPORTED.value}"]
                    said = reading_text(why, language)
                    sink.write(t["summary.not_read"].format(path=path, status=status, why=said) + "\n")
                sink.flush()
        if reports_out and output_format == "text":
            if list_skipped:
                for path, code in inputs.skipped:
                    sink.write(t["summary.skipped_file"].format(path=path, why=code_text(code, language)) + "\n")
            unread = len(inputs.not_documents)
            sink.write(t["summary.checked"].format(n=len(inputs.files) - unread))
            if unread:
                kinds = Counter(p.suffix.lower() or t["summary.no_suffix"] for p in inputs.not_documents)
                shown = ", ".join(f"{n} {suffix}" for suffix, n in kinds.most_common())
                hint = "" if list_skipped else t["summary.other_files_hint"]
                sink.write(t["summary.other_files"].format(n=unread, kinds=shown, hint=hint))
            if inputs.skipped:
                reasons = Counter(code_text(code, language) for _, code in inputs.skipped)
                detail = "; ".join(f"{n} {why}" for why, n in reasons.most_common())
                hint = "" if list_skipped else t["summary.skipped_hint"]
                sink.write(t["summary.skipped"].format(n=len(inputs.skipped), detail=detail, hint=hint))
            if inputs.missing:
                sink.write(t["summary.paths_missing"].format(n=len(inputs.missing)))
            sink.write("\n")
    finally:
        if sink is not sys.stdout:
            sink.close()
    if output is not None and not quiet:
        typer.echo(t["cli.wrote"].format(path=output), err=True)
    raise typer.Exit(worst)


@app.command(cls=Command)
def tender(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="DOSSIER", help="One tender each: a folder (searched recursively) or a ZIP of its files."
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text: a summary; json: the tender report (JSON Lines for several)."),
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
    ocr: OcrOption = "auto",
    quiet: QuietOption = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Check tenders: one verdict per tender dossier, its facts and its clause gathered across its files
    (notice, guidelines, annexes, contract, notes of information), with each file's own verdict."""
    from ..i18n.catalogue import messages
    from ..pipeline import check_tender
    from ..render.tender_text import tender_lines
    from ..settings import ReadOptions
    from ..tender.dossier import EmptyTender
    from .exits import exit_code_for_tender

    ruleset = load_rules(rules)
    language = output_lang(lang)
    options = ReadOptions(ocr=ocr)
    sink = _open_output(output)
    reports_out = output is not None or not quiet  # -q keeps the terminal quiet; a file named by -o is written
    worst = EXIT_OK
    several = len(paths) > 1
    try:
        for path in paths:
            try:
                report = check_tender(path, options, ruleset=ruleset)
            except (FileNotFoundError, EmptyTender) as exc:
                typer.echo(f"isv-check: error: {exc}", err=True)
                worst = EXIT_ERROR
                continue
            worst = max(worst, exit_code_for_tender(report))
            if not reports_out:
                continue
            if output_format == "json":
                sink.write(report.model_dump_json(by_alias=True, indent=None if several else 2) + "\n")
            else:
                sink.write("\n".join(tender_lines(report, ruleset, language)) + "\n")
            sink.flush()
    finally:
        if sink is not sys.stdout:
            sink.close()
    if output is not None and not quiet:
        typer.echo(messages(language, ruleset.vocabulary)["cli.wrote"].format(path=output), err=True)
    raise typer.Exit(worst)


@app.command("rules", cls=Command)
def list_rules(lang: LangOption = None, rules: RulesOption = None) -> None:
    """List every rule with its id and one-line description (the descriptions are English, as the rule
    files hold them)."""
    from ..i18n.catalogue import catalogue

    ruleset = load_rules(rules)
    t = catalogue(output_lang(lang))
    info = ruleset.info
    typer.echo(
        t["rules.header"].format(
            id=info.id, version=info.version, effective=info.effective, directory=ruleset.directory
        )
    )
    if t["rules_lang_note"]:
        typer.echo(t["rules_lang_note"])
    for kind, group in ruleset.rule_groups():
        typer.echo(f"\n{t[f'rules.group.{kind}']}:")
        for rule in group:
            typer.echo(f"  {rule.id:<32} {rule.description}")


@app.command(cls=Command)
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A rule id, e.g. ISV-EL-ACTION-PLAN.")],
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Show what a rule matches, with a passing and a failing example from its own YAML."""
    from ..checks.matching import RuleMatcher
    from ..i18n.catalogue import catalogue

    ruleset = load_rules(rules)
    t = catalogue(output_lang(lang))
    rule = ruleset.rule(rule_id)
    if rule is None:
        known = [r.id for r in ruleset.rules() if rule_id.upper().split("-")[1:2] == r.id.split("-")[1:2]]
        hint = t["rules.kind_hint"].format(rules=", ".join(known)) if known else t["rules.list_hint"]
        fail(t["rules.no_rule"].format(rule=repr(rule_id), hint=hint))
    typer.echo(f"{rule.id}: {rule.description}")
    for field in ("category", "element", "decoy", "effect", "strength", "role", "central_government"):
        if hasattr(rule, field):
            typer.echo(f"  {field}: {getattr(rule, field)}")
    for field in ("reach", "toc_lines", "sections"):  # a decoy's optional fields, when set
        value = getattr(rule, field, None)
        if value:
            typer.echo(f"  {field}: {', '.join(value) if isinstance(value, tuple) else str(value).lower()}")
    spec = rule.match
    if spec.terms:
        typer.echo(t["rules.terms"].format(terms=", ".join(spec.terms)))
    for near in spec.near:
        groups = " + ".join("(" + " | ".join(g) + ")" for g in near.groups)
        typer.echo(t["rules.near"].format(window=near.window, groups=groups))
    if spec.unless:
        typer.echo(t["rules.unless"].format(terms=", ".join(spec.unless)))
    if getattr(rule, "cpv", None):
        typer.echo(t["rules.cpv"].format(prefixes=", ".join(rule.cpv)))  # type: ignore[attr-defined]
    matcher = RuleMatcher([rule])
    for label, examples in (
        ("rules.example_match", rule.examples.match),
        ("rules.example_no_match", rule.examples.no_match),
    ):
        typer.echo(t[label])
        for text in examples[:2]:
            spans = matcher.matches(text, rule.id, "en" if _looks_english(text) else "nl")
            marked = text
            for start, end in reversed(spans):
                marked = marked[:start] + "[" + marked[start:end] + "]" + marked[end:]
            typer.echo(f"    {marked}")


def _looks_english(text: str) -> bool:
    from ..language import detect_language

    return detect_language([text]) == "en"


def _open_output(output: Path | None) -> TextIO:
    if output is None:
        return sys.stdout
    try:
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


# after `scan`, `rules` and `explain`, so `--help` lists the everyday command first
_register_outputs(app)
_register_batch(app)
_register_notices(app)
_register_web(app)


def run(argv: list[str] | None) -> int:
    """Run the app on `argv` (None: the command line) and give its exit code."""
    try:
        app(args=argv, prog_name="isv-check", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_ERROR)
    return EXIT_OK
