"""The batch commands of `isv-check`: `batch` (check archives into a results database), `results`
(query it) and `export` (hand it over as XLSX, CSV or JSON Lines). Flags map onto
`isv_checker.batch`; nothing here checks anything.

Exit codes (`exits.py`):
  batch    0 the run completed (files that could not be read are recorded with their status, not
           failures of the run); 2 usage error (a missing input, the database's folder missing or
           the file not a results database, a bad metadata CSV or rules folder, workers or the Dask
           scheduler unreachable); 130 interrupted (Ctrl-C; what was written stays, re-run to resume)
  results  0 rows printed (or none matched); 2 usage error (no such database, a filter value that is
           not a verdict, status or category; --status with --tenders)
  export   0 written; 2 usage error (no such database, unknown output type, cannot write)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..document import ReadStatus
from ..report import Verdict
from .command import Command
from .exits import EXIT_INTERRUPTED, EXIT_OK, fail
from .options import LangOption, OcrOption, RulesOption, load_rules, output_lang, unusable_rules

if TYPE_CHECKING:
    from ..batch.store import Filters


DbOption = Annotated[Path, typer.Option("--db", help="The results database (SQLite).")]
VerdictOption = Annotated[Verdict | None, typer.Option("--verdict", help="Only documents with this verdict.")]
StatusOption = Annotated[
    ReadStatus | None,
    typer.Option("--status", help="Only documents with this reading status (ok, corrupt, unsupported, timeout, ...)."),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category", help="Only documents in this ISV category: its id or Dutch or English name (energy, Energie)."
    ),
]
AuthorityOption = Annotated[
    str | None, typer.Option("--authority", help="Only documents whose authority contains this text.")
]


def _filters(
    verdict: Verdict | None, status: ReadStatus | None, category: str | None, authority: str | None, rules: Path | None
) -> Filters:
    """The row filters; a category is looked up by id or name, and one that names none stops the
    command with the valid choices (a filter that cannot match would print 0 rows as if none did)."""
    from ..batch.store import Filters

    category_id = None
    if category is not None:
        ruleset = load_rules(rules)
        category_id = ruleset.category(category)
        if category_id is None:
            choices = "; ".join(f"{r.category} ({r.name_nl}, {r.name_en})" for r in ruleset.categories)
            fail(f"--category {category!r} is not an ISV category; use an id or its Dutch or English name: {choices}")
    return Filters(verdict=verdict, status=status.value if status else None, category=category_id, authority=authority)


def batch(
    archives: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files, folders (searched recursively) and ZIP archives.")
    ],
    db: DbOption,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", min=1, help="Worker processes (default: every core).")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds one file may take (0: no limit); over it: status timeout.")
    ] = 120.0,
    memory: Annotated[
        int, typer.Option("--memory", help="MB of memory one worker may use (0: no cap); over it: status too_large.")
    ] = 2048,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            help="CSV of tender notices whose facts complete or override the documents'. Columns: file (a name or"
            " path ending) or reference (found in the path), and any of authority, central_government (yes/no),"
            " estimated_value (euros), cpv, publication_date; Dutch headers (bestand, kenmerk, aanbestedende_dienst,"
            " geraamde_waarde, publicatiedatum) too. A row that matches no file is reported.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on a Dask cluster, e.g. tcp://host:8786, instead of local workers."),
    ] = None,
    ocr: OcrOption = "auto",
    rules: RulesOption = None,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="Check again files recorded as timeout, error or too_large (e.g. with a longer --timeout or more --memory).",
        ),
    ] = False,
    tenders: Annotated[
        bool,
        typer.Option(
            "--tenders",
            help="Each top-level folder or ZIP of an archive is one tender, judged as one (as `isv-check tender`"
            " does) beside its documents' rows; a file directly in the archive is a document only.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
    lang: LangOption = None,
) -> None:
    """Check whole archives into a results database; a re-run resumes and skips what is done."""
    if scheduler is None:  # a first run: the workers' fork server starts before the rest is imported
        from ..batch.fork_server import start_if_new

        start_if_new(db, archives)
    from ..batch.metadata import MetadataError, load_metadata
    from ..batch.progress import progress_for, summary_lines
    from ..batch.run import BatchOptions, run_batch
    from ..batch.runner import RunnerError
    from ..batch.store import StoreError
    from ..i18n.catalogue import catalogue
    from ..ruleset.load import RulesError

    table = None
    if metadata is not None:
        try:
            table = load_metadata(metadata)
        except MetadataError as exc:
            fail(str(exc))
    options = BatchOptions(
        workers=workers,
        timeout=timeout or None,
        memory_mb=memory or None,
        scheduler=scheduler,
        ocr=ocr,
        rules_dir=str(rules) if rules is not None else None,
        retry_failed=retry_failed,
        tenders=tenders,
    )
    language = output_lang(lang)
    t = catalogue(language)
    progress = progress_for(sys.stderr, quiet=quiet, lang=language)
    try:
        summary = run_batch(archives, db, options, metadata=table, progress=progress)
    except RulesError as exc:
        unusable_rules(exc)
    except (FileNotFoundError, StoreError, RunnerError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; the results written so far are kept, run the same command again to resume", EXIT_INTERRUPTED)
    if not quiet:
        unmatched = t["batch.metadata_unmatched_tenders" if tenders else "batch.metadata_unmatched"]
        for row in summary.metadata_unmatched:
            typer.echo(unmatched.format(row=row), err=True)
        for line in summary_lines(summary, language):
            typer.echo(line, err=True)
        typer.echo(t["batch.results_in"].format(db=db), err=True)
    raise typer.Exit(EXIT_OK)


_TABLE = (("verdict", 12), ("status", 9), ("categories", 22), ("authority", 28), ("value_eur", 13), ("source", 0))
_TENDER_TABLE = (
    ("verdict", 12),
    ("categories", 22),
    ("authority", 28),
    ("value_eur", 13),
    ("documents", 5),
    ("unreadable", 5),
    ("clause_file", 40),
    ("tender", 0),
)
TendersOption = Annotated[
    bool,
    typer.Option("--tenders", help="Tenders (from `batch --tenders`) instead of documents: one row per tender."),
]


def results(
    db: DbOption,
    verdict: VerdictOption = None,
    status: StatusOption = None,
    category: CategoryOption = None,
    authority: AuthorityOption = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Print at most this many rows.")] = None,
    tenders: TendersOption = False,
    notices: Annotated[
        bool,
        typer.Option(
            "--notices",
            help="The procedures of `isv-check notices --db` instead of documents, each with the batch results"
            " that belong to it: which mandatory tenders have been checked, and which not.",
        ),
    ] = False,
    unchecked: Annotated[
        bool,
        typer.Option("--unchecked", help="With --notices: only procedures that need ISV (or may) and have no result."),
    ] = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Print the documents (or, with --tenders, the tenders; with --notices, the procedures) of a results
    database as a table, filtered. The columns are named in the language of --lang; the verdicts and
    statuses in them are the ids --verdict and --status take."""
    from ..batch.store import Store, StoreError
    from ..i18n.catalogue import catalogue

    if tenders and status is not None:
        fail(
            "--status filters documents by how reading went; a tender has no reading status (drop --tenders or --status)"
        )
    if unchecked and not notices:
        fail("--unchecked goes with --notices")
    if notices and (tenders or status is not None or verdict is not None):
        fail("--notices lists procedures; --tenders, --status and --verdict are about checked files")
    filters = _filters(verdict, status, category, authority, rules)
    try:
        store = Store(db, create=False)
    except StoreError as exc:
        fail(str(exc))
    language = output_lang(lang)
    if notices:
        with store:
            _procedure_results(store, filters, limit, unchecked, db, language)
        raise typer.Exit(EXIT_OK)
    if tenders:
        with store:
            _tender_results(store, filters, limit, db, language)
        raise typer.Exit(EXIT_OK)
    t = catalogue(language)
    with store:
        total = store.count(filters)
        typer.echo(_header(_TABLE, language))
        for row in store.rows(filters, limit=limit):
            typer.echo("  ".join(_cell(name, row[name], width, language) for name, width in _TABLE).rstrip())
        shown = min(total, limit) if limit else total
        counted = t["results.documents"].format(n=total)
        typer.echo(t["results.shown_of"].format(shown=shown, of=counted) if shown < total else counted)
    raise typer.Exit(EXIT_OK)


def _header(columns: tuple[tuple[str, int], ...], lang: str) -> str:
    from ..i18n.catalogue import catalogue

    t = catalogue(lang)
    return "  ".join(t[f"results.col.{name}"].ljust(width) for name, width in columns).rstrip()


def _tender_results(store: Any, filters: Filters, limit: int | None, db: Path, lang: str) -> None:
    from ..i18n.catalogue import catalogue

    t = catalogue(lang)
    total = store.tender_count(filters)
    if not total and not store.tender_count():
        typer.echo(t["results.no_tenders"].format(db=db), err=True)
    typer.echo(_header(_TENDER_TABLE, lang))
    for row in store.tender_rows(filters, limit=limit):
        typer.echo("  ".join(_cell(name, row[name], width, lang) for name, width in _TENDER_TABLE).rstrip())
    shown = min(total, limit) if limit else total
    counted = t["results.tenders"].format(n=total)
    typer.echo(t["results.shown_of"].format(shown=shown, of=counted) if shown < total else counted)


def _procedure_results(store: Any, filters: Filters, limit: int | None, unchecked: bool, db: Path, lang: str) -> None:
    from ..i18n.catalogue import catalogue
    from ..population.store import procedures_with_checks

    t = catalogue(lang)
    listed = procedures_with_checks(store)
    if not listed:
        typer.echo(t["results.no_procedures"].format(db=db), err=True)
    rows = []
    for row, checks in listed:
        if filters.category and filters.category not in row["categories"]:
            continue
        if filters.authority and filters.authority.lower() not in (row["buyer"] or "").lower():
            continue
        if unchecked and (row["isv_mandatory"] == "no" or checks):
            continue
        rows.append((row, checks))
    widths = (("isv", 9), ("checked", 22), ("first_date", 10), ("categories", 22), ("buyer", 34), ("procedure", 0))
    typer.echo(_header(widths, lang))
    for row, checks in rows[:limit]:
        seen = f"{checks[0].what}: {checks[0].verdict or '-'}" if checks else t["results.not_checked"]
        cells = (
            t[f"results.isv.{row['isv_mandatory']}"],
            seen,
            row["first_date"] or "-",
            ",".join(row["categories"]) or "-",
            row["buyer"] or "-",
            row["procedure"],
        )
        typer.echo("  ".join(_cell("", c, w, lang) for c, (_, w) in zip(cells, widths, strict=True)).rstrip())
    mandatory = [(r, c) for r, c in listed if r["isv_mandatory"] == "yes"]
    done = sum(1 for _, c in mandatory if c)
    shown = min(len(rows), limit) if limit else len(rows)
    typer.echo(
        t["results.procedures"].format(
            shown=shown, n=len(rows), mandatory=len(mandatory), done=done, undone=len(mandatory) - done
        )
    )


def _cell(name: str, value: Any, width: int, lang: str = "en") -> str:
    import json

    from ..i18n.notation import format_number

    if value is None:
        text = "-"
    elif name == "categories":
        text = ",".join(json.loads(value)) or "-"
    elif name == "value_eur":
        text = format_number(value, lang)
    else:
        text = str(value)
    return _fit(text, width)


def _fit(text: str, width: int) -> str:
    if not width:
        return text
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def export(
    db: DbOption,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="out.xlsx, out.csv or out.jsonl (the suffix chooses).")
    ],
    verdict: VerdictOption = None,
    status: StatusOption = None,
    category: CategoryOption = None,
    authority: AuthorityOption = None,
    tenders: Annotated[
        bool,
        typer.Option(
            "--tenders",
            help="CSV and JSON Lines: the tenders (one row or tender report each) instead of the documents."
            " An XLSX export always has a tenders sheet when the database holds tenders.",
        ),
    ] = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Export a results database: XLSX (a summary, a sheet per verdict, a tenders sheet), CSV or JSON Lines.
    The XLSX summary sheet is in the language of --lang; the rows keep their column names and ids."""
    from ..batch.export import ExportError
    from ..batch.export import export as write_export
    from ..batch.store import StoreError
    from ..i18n.catalogue import catalogue

    if tenders and status is not None:
        fail(
            "--status filters documents by how reading went; a tender has no reading status (drop --tenders or --status)"
        )
    try:
        language = output_lang(lang)
        filters = _filters(verdict, status, category, authority, rules)
        count = write_export(db, output, filters, tenders=tenders, lang=language)
    except (StoreError, ExportError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    unit = "results.tenders" if tenders and output.suffix.lower() != ".xlsx" else "results.documents"
    t = catalogue(language)
    typer.echo(t["results.wrote"].format(what=t[unit].format(n=count), path=output), err=True)
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `batch`, `results` and `export` to the `isv-check` app."""
    app.command("batch", cls=Command)(batch)
    app.command("results", cls=Command)(results)
    app.command("export", cls=Command)(export)
