"""`isv-check notices`: the population of a notice archive, one row per procedure, and its counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from .command import Command
from .exits import EXIT_ERROR, EXIT_OK, fail
from .options import LangOption, output_lang


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        fail(f"{option} {value!r} is not a date; write it as YYYY-MM-DD")
    return None


def notices(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Notice XML files (eForms or TED R2.0.9), folders of them, ZIPs, and TED's bulk packages (.tar.gz).",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write the procedures to this file: .jsonl, .csv or .xlsx."
        ),
    ] = None,
    country: Annotated[
        list[str] | None,
        typer.Option(
            "--country",
            metavar="CODE",
            help="Buyers of this country only (NL or NLD; repeat for several). Default NL; 'all' for every country.",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Notices sent on or after this date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Notices sent on or before this date (YYYY-MM-DD).")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Also store the procedures in this results database (new, or made by `batch`), so that"
            " `isv-check results --notices` shows which mandatory tenders have been checked.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Processes that judge notices, this one among them (default: every core)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
    lang: LangOption = None,
) -> None:
    """Which procedures needed ISV: every notice of an archive, one row per procedure, with the counts
    per category, buyer and year."""
    from ..i18n.catalogue import catalogue
    from ..population.outputs import FORMATS, summarise, summary_lines, write_rows
    from ..population.procedures import as_dict
    from ..population.run import Selection, country_codes, run_population

    if output is not None and output.suffix.lower() not in FORMATS:
        fail(f"{output.name}: write .jsonl, .csv or .xlsx")
    if output is not None and not output.parent.is_dir():
        fail(f"{output}: the folder {output.parent} does not exist")
    wanted = country or ["NL"]
    countries = frozenset() if any(c.lower() == "all" for c in wanted) else country_codes(wanted)
    selection = Selection(countries=countries, start=_date(start, "--from"), end=_date(end, "--to"))
    language = output_lang(lang)
    t = catalogue(language)
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        typer.echo(t["cli.no_such_path"].format(path=path), err=True)
    population = run_population([p for p in paths if p.exists()], selection, workers=workers)
    rows = [procedure.row() for procedure in population.procedures]
    summary = summarise(population, rows)
    if output is not None:
        write_rows(rows, summary, output, (as_dict(r) for r in population.unreadable))
    if db is not None:
        _store(db, rows)
    if not quiet:
        for line in summary_lines(summary, lang=language):
            typer.echo(line)
        if output is None:
            _mandatory(rows, language)
        else:
            typer.echo("\n" + t["notices.wrote"].format(n=len(rows), path=output))
    for item in population.unreadable[:20]:
        typer.echo(f"{item.file}: {item.status}: {item.status_message}", err=True)
    if len(population.unreadable) > 20:
        typer.echo(t["notices.more_unreadable"].format(n=len(population.unreadable) - 20), err=True)
    raise typer.Exit(EXIT_ERROR if missing or population.unreadable else EXIT_OK)


def _mandatory(rows: list[dict[str, Any]], lang: str) -> None:
    from ..i18n.catalogue import catalogue
    from ..i18n.notation import format_eur

    t = catalogue(lang)
    shown = [r for r in rows if r["isv_mandatory"] != "no"]
    if not shown:
        return
    typer.echo("\n" + t["notices.mandatory"])
    for row in shown:
        amount = row["estimated_value_eur"]
        value = format_eur(amount, lang) if amount is not None else t["notices.no_value"]
        lots = t["notices.lots"].format(lots=", ".join(row["isv_lots"])) if row["isv_lots"] and row["lots"] > 1 else ""
        answer = t[f"results.isv.{row['isv_mandatory']}"]
        typer.echo(
            f"  {answer:<9} {row['first_date'] or '-':<10}  {row['procedure']}  {row['buyer']}: "
            f"{', '.join(row['categories'])}{lots}; {value}"
        )


def _store(db: Path, rows: list[dict[str, Any]]) -> None:
    from ..batch.store import Store, StoreError
    from ..population.store import save_procedures

    try:
        with Store(db) as store:
            save_procedures(store, rows)
    except StoreError as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    app.command("notices", cls=Command)(notices)
