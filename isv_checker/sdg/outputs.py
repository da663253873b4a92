"""The SDG contribution table written as .xlsx, .csv, .md, .docx or .html, all from one view model.

`sdg_view(table, ruleset, lang)` holds the rows with their numbers formatted for people, the column
names, the method note and the links with their rationale; the Markdown and HTML outputs render it
through `templates/sdg_table.*.j2`, the others are written here. The bar chart (share per category)
is embedded in the .docx, .html and .xlsx outputs; CSV carries the plain numbers only.
"""

from __future__ import annotations

import base64
import csv
import io
import os
from pathlib import Path
from typing import Any

from ..render.messages import format_eur, format_number, format_share, messages
from ..render.templates import render_template
from ..ruleset.load import Ruleset
from .chart import Bar, share_chart
from .table import NO_CATEGORY, Counts, Row, SdgTable

SDG_FORMATS = {
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
COUNT_FIELDS = ("contracts", "required", "complete", "incomplete", "missing")
LISTED_FILES = 10


def sdg_format(path: str | os.PathLike[str]) -> str | None:
    return SDG_FORMATS.get(Path(path).suffix.lower())


def _category_names(ruleset: Ruleset, lang: str) -> dict[str, str]:
    names = {c.category: (c.name_en if lang == "en" else c.name_nl) for c in ruleset.categories}
    names[NO_CATEGORY] = messages(lang, ruleset.vocabulary)["no_category_row"]
    return names


def _row_view(row: Row, names: dict[str, str], lang: str, total_label: str) -> dict[str, Any]:
    counts = row.counts
    return {
        "target": row.target or "",
        "category": row.category,
        "label": names.get(row.category, row.category) if row.category else total_label,
        "total": row.category is None,
        **{name: getattr(counts, name) for name in COUNT_FIELDS},
        "value": format_number(counts.value_eur, lang),
        "share": format_share(counts.share_complete, lang),
        "value_eur": counts.value_eur,
        "share_complete": counts.share_complete,
    }


def _files(files: tuple[str, ...], t: dict[str, str]) -> str:
    shown = [Path(f).name for f in files[:LISTED_FILES]]
    if len(files) > LISTED_FILES:
        shown.append(t["more_files"].format(n=len(files) - LISTED_FILES))
    return ", ".join(shown)


def _phrases(table: SdgTable, ruleset: Ruleset, lang: str) -> dict[str, str]:
    """The phrases for `table`: a table of tenders says so in its subtitle, its count column and its sheet."""
    t = messages(lang, ruleset.vocabulary)
    if table.unit == "tenders":
        t = {
            **t,
            "sdg_subtitle": t["sdg_subtitle_tenders"],
            "col_contracts": t["col_tenders"],
            "sheet_contracts": t["sheet_tenders"],
            "m_counting": t["m_counting_tenders"],
            "m_duplicates": t["m_duplicates_tenders"],
        }
    return t


def _method(table: SdgTable, ruleset: Ruleset, lang: str) -> list[str]:
    t = _phrases(table, ruleset, lang)
    ex = table.exclusions
    total: Counts = table.total
    lines = [t["m_counting"]]
    if ex.duplicates:
        lines.append(t["m_duplicates"].format(n=ex.duplicates))
    lines += [t["m_population"], t["m_rows"], t["m_columns"]]
    lines.append(t["m_value"].format(n=total.without_value) if total.without_value else t["m_value_all"])
    if total.voluntary:
        lines.append(t["m_voluntary"].format(n=total.voluntary))
    if table.year is not None:
        lines.append(t["m_year"].format(year=table.year, other=ex.other_year))
        lines.append(
            t["m_undated"].format(n=len(ex.undated), files=_files(ex.undated, t)) if ex.undated else t["m_undated_none"]
        )
    elif ex.undated_counted:
        lines.append(t["m_undated_all_years"].format(n=ex.undated_counted))
    if table.unit == "tenders" and not ex.unreadable:
        lines.append(t["m_not_counted_tenders"].format(review=len(ex.needs_review)))
    else:
        lines.append(t["m_not_counted"].format(unreadable=len(ex.unreadable), review=len(ex.needs_review)))
    if ex.outside:
        lines.append(t["m_outside"].format(n=ex.outside))
    lines.append(t["m_inputs"].format(n=table.reports, files=table.sources, ruleset=table.ruleset))
    return lines


def _links(table: SdgTable, ruleset: Ruleset, lang: str) -> list[dict[str, str]]:
    t = messages(lang, ruleset.vocabulary)
    names = _category_names(ruleset, lang)
    elements = {e.element: (e.name_en if lang == "en" else e.name_nl) for e in ruleset.elements}
    present = {c for contract in table.contracts for c in contract.categories}
    out = []
    for target in table.targets:
        for link in target.links:
            if link.when == "category" and link.category not in present:
                continue
            if link.when == "isv_applied":
                condition = t["m_link_isv"]
            elif link.when == "element":
                condition = t["m_link_element"].format(element=elements.get(link.element or "", link.element))
            else:
                condition = t["m_link_category"].format(category=names.get(link.category or "", link.category))
            out.append({"target": target.target, "rule": link.id, "condition": condition, "rationale": link.rationale})
    return out


def sdg_view(table: SdgTable, ruleset: Ruleset, lang: str = "nl") -> dict[str, Any]:
    """Everything the table outputs show, in `lang`."""
    t = _phrases(table, ruleset, lang)
    names = _category_names(ruleset, lang)
    titles = {x.target: (x.title_en if lang == "en" else x.title_nl) for x in table.targets}
    by_target = []
    for row in table.by_target:
        view = _row_view(row, names, lang, t["total_target"].format(target=row.target))
        view["title"] = titles.get(row.target or "", "")
        by_target.append(view)
    return {
        "lang": lang,
        "t": t,
        "title": t["sdg_title_year"].format(year=table.year) if table.year is not None else t["sdg_title"],
        "subtitle": t["sdg_subtitle"],
        "year": table.year,
        "targets": [{"target": x.target, "title": titles[x.target]} for x in table.targets],
        "by_target": by_target,
        "by_category": [_row_view(row, names, lang, t["total"]) for row in table.by_category],
        "method": _method(table, ruleset, lang),
        "links": _links(table, ruleset, lang),
        "total_value": format_eur(table.total.value_eur, lang),
    }


def chart_png(view: dict[str, Any]) -> bytes:
    t = view["t"]
    bars = [
        Bar(row["label"], row["share_complete"], row["complete"], row["required"])
        for row in view["by_category"]
        if not row["total"]
    ]
    return share_chart(
        bars, title=t["h_chart"], xlabel="", none_label=t["chart_none_required"], empty_label=t["chart_empty"]
    )


def _header(t: dict[str, str]) -> list[str]:
    return [
        t["col_contracts"],
        t["col_required"],
        t["col_complete"],
        t["col_incomplete"],
        t["col_missing"],
        t["col_value"],
        t["col_share"],
    ]


def _csv(view: dict[str, Any]) -> bytes:
    t = view["t"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([t["col_target"], t["col_title"], t["col_category"], "category_id", *_header(t)])

    def numbers(row: dict[str, Any]) -> list[Any]:
        share = row["share_complete"]
        return [
            *(row[name] for name in COUNT_FIELDS),
            f"{row['value_eur']:.2f}",
            "" if share is None else f"{share:.4f}",
        ]

    for row in view["by_target"]:
        writer.writerow([row["target"], row["title"], row["label"], row["category"] or "", *numbers(row)])
    for row in view["by_category"]:
        writer.writerow([t["all_targets"], "", row["label"], row["category"] or "", *numbers(row)])
    return buffer.getvalue().encode("utf-8")


def _xlsx(view: dict[str, Any], table: SdgTable, png: bytes) -> bytes:
    import xlsxwriter

    t = view["t"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": view["title"], "author": "isv-checker"})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#154273"})
    heading = book.add_format({"bold": True, "font_size": 11, "font_color": "#154273"})
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"})
    text = book.add_format({"border": 1, "valign": "top"})
    count = book.add_format({"border": 1, "num_format": "0"})
    money = book.add_format({"border": 1, "num_format": "#,##0"})
    share = book.add_format({"border": 1, "num_format": "0.0%"})
    bold = {
        name: book.add_format({**props, "bold": True, "bg_color": "#F2F4F7"})
        for name, props in (
            ("text", {"border": 1, "valign": "top"}),
            ("count", {"border": 1, "num_format": "0"}),
            ("money", {"border": 1, "num_format": "#,##0"}),
            ("share", {"border": 1, "num_format": "0.0%"}),
        )
    }
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet = book.add_worksheet(t["sheet_table"][:31])
    labels = [r["label"] for r in view["by_target"] + view["by_category"]]
    sheet.set_column(0, 0, max(12, len(t["all_targets"]) + 4))
    sheet.set_column(1, 1, min(80, max([20, *(len(label) + 2 for label in labels)])))
    sheet.set_column(2, 6, 12)
    sheet.set_column(7, 7, 16)
    sheet.set_column(8, 8, 12)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.write(0, 0, view["title"], title)
    sheet.write(1, 0, view["subtitle"])
    row_number = 3

    def table_rows(rows: list[dict[str, Any]], first_label: str, first_value: Any) -> None:
        nonlocal row_number
        sheet.write_row(row_number, 0, [first_label, t["col_category"], *_header(t)], head)
        sheet.set_row(row_number, 30)
        row_number += 1
        for row in rows:
            is_total = row["total"]
            sheet.write(row_number, 0, first_value(row), bold["text"] if is_total else text)
            sheet.write(row_number, 1, row["label"], bold["text"] if is_total else text)
            for offset, name in enumerate(COUNT_FIELDS):
                sheet.write_number(row_number, 2 + offset, row[name], bold["count"] if is_total else count)
            sheet.write_number(row_number, 7, row["value_eur"], bold["money"] if is_total else money)
            if row["share_complete"] is None:
                sheet.write(row_number, 8, "—", bold["text"] if is_total else text)
            else:
                sheet.write_number(row_number, 8, row["share_complete"], bold["share"] if is_total else share)
            row_number += 1
        row_number += 1

    sheet.write(row_number - 1, 0, t["h_by_target"], heading)
    row_number += 1
    table_rows(view["by_target"], t["col_target"], lambda r: r["target"])
    sheet.write(row_number, 0, t["h_by_category"], heading)
    row_number += 2
    table_rows(view["by_category"], t["col_target"], lambda r: t["all_targets"])
    sheet.insert_image(3, 10, "chart.png", {"image_data": io.BytesIO(png), "x_scale": 0.9, "y_scale": 0.9})
    sheet.write(row_number, 0, t["h_method"], heading)
    row_number += 1
    for line in view["method"]:
        sheet.merge_range(row_number, 0, row_number, 8, line, wrap)
        sheet.set_row(row_number, 15 * max(1, len(line) // 105 + 1))
        row_number += 1
    sheet.write(row_number, 0, t["m_links"])
    row_number += 1
    for link in view["links"]:
        line = f"{link['target']} ({link['condition']}): {link['rationale']}"
        sheet.merge_range(row_number, 0, row_number, 8, line, wrap)
        sheet.set_row(row_number, 15 * max(1, len(line) // 105 + 1))
        row_number += 1

    contracts = book.add_worksheet(t["sheet_contracts"][:31])
    columns = [t["col_file"], t["col_verdict"], t["col_date"], t["col_categories"], t["col_value"], t["col_targets"]]
    contracts.write_row(0, 0, columns, head)
    for number, contract in enumerate(table.contracts, start=1):
        contracts.write(number, 0, Path(contract.file).name)
        contracts.write(number, 1, t.get(f"verdict_{contract.verdict}", contract.verdict))
        contracts.write(number, 2, contract.date or "")
        contracts.write(number, 3, ", ".join(contract.categories))
        if contract.value_eur is not None:
            contracts.write_number(number, 4, contract.value_eur, book.add_format({"num_format": "#,##0"}))
        contracts.write(
            number,
            5,
            ", ".join(sorted(contract.targets, key=lambda x: tuple(int(p) for p in x.split(".") if p.isdigit()))),
        )
    contracts.set_column(0, 0, 44)
    contracts.set_column(1, 2, 14)
    contracts.set_column(3, 3, 30)
    contracts.set_column(4, 4, 14)
    contracts.set_column(5, 5, 28)
    contracts.autofilter(0, 0, max(len(table.contracts), 1), len(columns) - 1)
    book.close()
    return buffer.getvalue()


def _docx(view: dict[str, Any], png: bytes) -> bytes:
    from docx.shared import Cm, Pt

    from ..render.memo_docx import MUTED, add_table, new_document

    t = view["t"]
    document = new_document(title=view["title"], language=view["lang"], landscape=True)
    document.add_paragraph(view["title"], style="Title")
    subtitle = document.add_paragraph(view["subtitle"])
    subtitle.runs[0].font.color.rgb = MUTED
    widths = (2.0, 6.4, 2.1, 2.0, 2.4, 2.5, 2.3, 3.0, 2.4)
    numeric = tuple(range(2, 9))

    def rows_of(rows: list[dict[str, Any]], first: Any) -> tuple[list[list[str]], list[int]]:
        cells, totals = [], []
        for index, row in enumerate(rows):
            cells.append([first(row), row["label"], *(str(row[n]) for n in COUNT_FIELDS), row["value"], row["share"]])
            if row["total"]:
                totals.append(index)
        return cells, totals

    document.add_heading(t["h_by_target"], level=1)
    if view["targets"]:
        titles = "; ".join(f"{x['target']} {x['title']}" for x in view["targets"])
        note = document.add_paragraph(titles)
        note.runs[0].font.size = Pt(8.5)
        note.runs[0].font.color.rgb = MUTED
    cells, totals = rows_of(view["by_target"], lambda r: "" if r["total"] else r["target"])
    add_table(
        document,
        [t["col_target"], t["col_category"], *_header(t)],
        cells,
        widths,
        bold_rows=totals,
        right_columns=numeric,
    )
    document.add_heading(t["h_by_category"], level=1)
    cells, totals = rows_of(view["by_category"], lambda r: t["all_targets"] if not r["total"] else "")
    add_table(
        document,
        [t["col_target"], t["col_category"], *_header(t)],
        cells,
        widths,
        bold_rows=totals,
        right_columns=numeric,
    )
    document.add_picture(io.BytesIO(png), width=Cm(16))
    document.add_heading(t["h_method"], level=1)
    for line in view["method"]:
        document.add_paragraph(line, style="List Bullet")
    document.add_paragraph(t["m_links"])
    for link in view["links"]:
        item = document.add_paragraph(style="List Bullet 2")
        item.add_run(f"{link['target']} ").bold = True
        item.add_run(f"({link['condition']}): {link['rationale']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_sdg_table(
    table: SdgTable, ruleset: Ruleset, fmt: str, lang: str = "nl", *, template: str | os.PathLike[str] | None = None
) -> bytes:
    """The table in `fmt` ('xlsx', 'csv', 'md', 'docx' or 'html') as bytes, ready to write."""
    view = sdg_view(table, ruleset, lang)
    if fmt == "csv":
        return _csv(view)
    if fmt == "md":
        return render_template("sdg_table.md.j2", view, template=template).encode("utf-8")
    png = chart_png(view)
    if fmt == "html":
        view["chart"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return render_template("sdg_table.html.j2", view, template=template).encode("utf-8")
    if fmt == "docx":
        return _docx(view, png)
    if fmt == "xlsx":
        return _xlsx(view, table, png)
    raise ValueError(f"unknown table format {fmt!r}")
