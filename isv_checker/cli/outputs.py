"""The `memo`, `annotate` and `sdg-table` commands: outputs for buyers and report authors.

`register(app)` adds them to the `isv-check` app. Like `scan`, they parse flags, call the library and
print; heavy libraries load inside the commands so `isv-check --help` stays quick. Every output is
written atomically (a temporary file in the target folder, then a rename), so a failed run never
leaves half a memo behind and never touches the input.

Exit codes (`exits.py`): memo and annotate give the checked document's code, as `scan` does (an
empty document 1, a corrupt one 2, and no output for either); sdg-table gives 0; a usage error (a
PDF to annotate, an unknown extension, an unwritable output) gives 2.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from .command import Command
from .exits import EXIT_OK, exit_code_for, fail
from .options import LangOption, RulesOption, load_rules, output_lang

if TYPE_CHECKING:
    from ..report import Report
    from ..ruleset.load import Ruleset
    from ..tender.report import TenderReport

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="The file to write; its extension sets the format.")]


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        fail(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plain open() would have made it
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        fail(f"cannot write {path}: {exc.strerror or exc}")


def _check_input(path: Path) -> None:
    if not path.exists():
        fail(f"{path}: no such file")
    if path.is_dir():
        fail(f"{path}: a folder; give one document")


def _checked(data: bytes, path: Path, ruleset: Ruleset, lang: str) -> Report:
    from ..i18n.catalogue import catalogue
    from ..i18n.reading import message_text
    from ..pipeline import check_bytes

    report = check_bytes(data, str(path), ruleset=ruleset)
    if not report.readable:
        t = catalogue(lang)
        detail = message_text(report.status_message, report.coded_status_message, lang)
        status = t[f"status.{report.status.value}"]
        said = t["cli.cannot_check"].format(path=path, status=status, detail=detail)
        fail(said.removesuffix(": "), exit_code_for(report))
    return report


def _said(lang: str, key: str, **params: object) -> str:
    from ..i18n.catalogue import catalogue

    return catalogue(lang)[key].format(**params)


def _read(path: Path) -> bytes:
    _check_input(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"{path}: cannot read the file: {exc.strerror or exc}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _is_tender(path: Path) -> bool:
    """A folder or a ZIP archive is a tender dossier; any other path is one document."""
    return path.is_dir() or (path.suffix.lower() == ".zip" and path.is_file())


def _checked_tender(path: Path, ruleset: Ruleset) -> TenderReport:
    from ..pipeline import check_tender
    from ..tender.dossier import EmptyTender

    try:
        return check_tender(path, ruleset=ruleset)
    except (FileNotFoundError, EmptyTender) as exc:
        fail(str(exc))


def memo(
    document: Annotated[
        Path,
        typer.Argument(
            metavar="DOCUMENT",
            help="The tender or contract document to check, or a tender: a folder or ZIP of its files.",
        ),
    ],
    output: OutputOption,
    lang: LangOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", help="A jinja2 template to use instead of templates/memo.<format>.j2 (.md and .html only)."
        ),
    ] = None,
    rules: RulesOption = None,
) -> None:
    """Write a compliance memo for the buyer: .docx, .md or .html (the extension decides)."""
    from ..render.memo import MEMO_FORMATS, memo_format, render_memo
    from ..render.templates import TemplateError

    fmt = memo_format(output)
    if fmt is None:
        fail(
            f"{output}: unknown memo format {output.suffix or '(no extension)'!r}; use one of {', '.join(sorted(MEMO_FORMATS))}"
        )
    if template is not None and fmt == "docx":
        fail("--template applies to .md and .html memos; the .docx memo is built without a template")
    if template is not None and not template.is_file():
        fail(f"{template}: template not found")
    ruleset = load_rules(rules)
    language = output_lang(lang)
    judged: Report | TenderReport
    if _is_tender(document):
        from .exits import exit_code_for_tender

        judged = tender = _checked_tender(document, ruleset)
        verdict = _said(language, f"verdict_word.{tender.verdict}")
        code, done = (
            exit_code_for_tender(tender),
            _said(language, "cli.tender_of", verdict=verdict, n=len(tender.files)),
        )
    else:
        data = _read(document)
        if _same_file(document, output):
            fail(f"{output}: that is the document itself; write the memo to another file")
        judged = report = _checked(data, document, ruleset, language)
        code, done = exit_code_for(report), _said(language, f"verdict_word.{report.verdict}")
    try:
        rendered = render_memo(judged, ruleset, fmt, language, template=template, memo_date=dt.date.today())
    except TemplateError as exc:
        fail(str(exc))
    write_atomic(output, rendered)
    typer.echo(_said(language, "cli.wrote_what", path=output, what=done), err=True)
    raise typer.Exit(code)


def annotate(
    draft: Annotated[
        Path,
        typer.Argument(
            metavar="DRAFT",
            help="The draft as a Word document (.docx), or a tender (a folder or ZIP of its files); never changed.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The copy to write (.docx); for a tender, a folder that gets a commented copy of each Word file "
            "that holds the clause (or of the one where the wording to add belongs).",
        ),
    ],
    lang: LangOption = None,
    rules: RulesOption = None,
    author: Annotated[str, typer.Option("--author", help="The author name the comments carry.")] = "isv-checker",
) -> None:
    """Write a copy of a DOCX draft with Word comments on the ISV evidence and the wording to add."""
    from ..document import DocFormat
    from ..readers.extraction import ReadFailure
    from ..readers.sniff import format_from_name, sniff
    from ..render.annotate import AnnotateError, annotate_docx

    language = output_lang(lang)
    if _is_tender(draft):
        _annotate_tender(draft, output, language, rules, author)
    if output.suffix.lower() != ".docx":
        fail(f"{output}: the marked-up copy is a Word document; give an output name ending in .docx")
    data = _read(draft)
    try:
        fmt = sniff(data, draft.name)
    except ReadFailure:
        fmt = format_from_name(draft.name)
    if fmt is not DocFormat.DOCX:
        kind = fmt.value.upper() if fmt is not DocFormat.UNKNOWN else "not a Word document"
        fail(
            f"{draft}: annotate needs the draft as a Word document (.docx), and this is {kind}. "
            f"Comments cannot be added to it; make a memo instead: isv-check memo {draft} -o memo.docx"
        )
    if _same_file(draft, output):
        fail(f"{output}: that is the draft itself; the original is never changed, write the copy to another file")
    ruleset = load_rules(rules)
    report = _checked(data, draft, ruleset, language)
    try:
        annotated = annotate_docx(data, report, ruleset, language, author=author)
    except AnnotateError as exc:
        fail(f"{draft}: {exc}")
    write_atomic(output, annotated.data)
    verdict = _said(language, f"verdict_word.{report.verdict}")
    done = _said(language, "cli.comments", verdict=verdict, n=len(annotated.comments))
    typer.echo(_said(language, "cli.wrote_what", path=output, what=done), err=True)
    raise typer.Exit(exit_code_for(report))


def _annotate_tender(tender_path: Path, output: Path, lang: str, rules: Path | None, author: str) -> NoReturn:
    """`annotate` for a tender: commented copies of its Word files that hold the clause, in `output`."""
    from ..render.annotate import AnnotateError, annotate_docx
    from ..render.annotate_tender import annotation_targets, file_report
    from ..tender.dossier import file_bytes
    from .exits import exit_code_for_tender

    if output.suffix.lower() == ".docx" or (output.exists() and not output.is_dir()):
        fail(
            f"{output}: for a tender, give a folder for the commented copies (one per Word file that holds the clause)"
        )
    ruleset = load_rules(rules)
    tender = _checked_tender(tender_path, ruleset)
    targets = annotation_targets(tender)
    if not targets:
        fail(
            f"{tender_path}: no readable Word file in this tender to comment; "
            f"make a memo instead: isv-check memo {tender_path} -o memo.docx"
        )
    data = file_bytes(tender_path, set(targets))
    output.mkdir(parents=True, exist_ok=True)
    for name in targets:
        target = output / Path(name.replace("!", "/")).with_suffix(".isv.docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            annotated = annotate_docx(data[name], file_report(tender, name), ruleset, lang, author=author)
        except (AnnotateError, KeyError) as exc:
            fail(f"{tender_path}: {name}: {exc}")
        write_atomic(target, annotated.data)
        done = _said(lang, "cli.comments_only", n=len(annotated.comments))
        typer.echo(_said(lang, "cli.wrote_what", path=target, what=done), err=True)
    verdict = _said(lang, f"verdict_word.{tender.verdict}")
    typer.echo(f"{tender_path}: {_said(lang, 'cli.tender_of', verdict=verdict, n=len(tender.files))}", err=True)
    raise typer.Exit(exit_code_for_tender(tender))


def sdg_table(
    results: Annotated[
        list[Path],
        typer.Argument(
            metavar="RESULTS",
            help="A results database (the SQLite file `batch --db` writes), or JSON or JSON Lines reports"
            " (.json, .jsonl) of `scan --format json`; tender reports (`tender --format json`, a database of"
            " `batch --tenders`) count tenders.",
        ),
    ],
    output: OutputOption,
    year: Annotated[
        int | None, typer.Option("--year", help="Count only reports whose document date is in this year.")
    ] = None,
    lang: LangOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="A jinja2 template to use instead of templates/sdg_table.<format>.j2 (.md and .html only).",
        ),
    ] = None,
    rules: RulesOption = None,
) -> None:
    """Write the SDG table from a results database or JSON reports.

    The SDG contribution table for the annual report counts what earlier runs wrote: a results database (`isv-check batch --db`) or the JSON and JSON
    Lines reports of `isv-check scan --format json` and `isv-check tender --format json`; it checks no
    documents itself. The output's extension sets the format: .xlsx, .csv, .md, .docx or .html. Every
    format holds the same tables: categories by SDG targets, per target, per ministry, per year, and
    the method note, in the language of --lang.
    """
    from ..render.templates import TemplateError
    from ..sdg.outputs import SDG_FORMATS, render_sdg_table, sdg_format
    from ..sdg.sources import ReportSourceError, iter_reports
    from ..sdg.table import MixedResults, aggregate

    fmt = sdg_format(output)
    if fmt is None:
        fail(
            f"{output}: unknown table format {output.suffix or '(no extension)'!r}; use one of {', '.join(sorted(SDG_FORMATS))}"
        )
    if template is not None and fmt not in ("md", "html"):
        fail("--template applies to .md and .html tables")
    if template is not None and not template.is_file():
        fail(f"{template}: template not found")
    if year is not None and not 2000 <= year <= 2100:
        fail(f"--year {year}: give a year such as 2026")
    for path in results:
        _check_input(path)
    ruleset = load_rules(rules)
    language = output_lang(lang)
    try:
        table = aggregate(
            (report for path in results for report in iter_reports(path)), ruleset, year=year, sources=len(results)
        )
    except (ReportSourceError, MixedResults) as exc:
        fail(str(exc))
    try:
        rendered = render_sdg_table(table, ruleset, fmt, language, template=template)
    except TemplateError as exc:
        fail(str(exc))
    write_atomic(output, rendered)
    counted = _said(language, f"cli.counted_{table.unit}", n=table.total.contracts)
    typer.echo(_said(language, "cli.wrote_what", path=output, what=counted), err=True)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add the output commands to the `isv-check` app."""
    app.command("memo", cls=Command)(memo)
    app.command("annotate", cls=Command)(annotate)
    app.command("sdg-table", cls=Command)(sdg_table)
