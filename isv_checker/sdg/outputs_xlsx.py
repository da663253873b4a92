"""The SDG table as an Excel workbook: the same tables as the document, as numbers, one topic a sheet.

The first sheet holds the table per category and SDG target, the table per target, and the chart
twice: as an Excel chart drawn from the table's cells (so it follows an edit, and pastes into Word or
PowerPoint as a chart) and, beside it, as the picture the other formats show. Then a sheet per
ministry, per year (a table of several years), the method note, and every counted contract. Amounts
are whole euros with a thousands format; shares are fractions with a percent format.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..ruleset.load import Ruleset
from .chart import BAR_COLOUR
from .links import target_key
from .table import SdgTable
from .view import COUNT_FIELDS


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, book: Any) -> None:
        border = {"border": 1, "border_color": "#C9CCD1", "valign": "top"}
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#154273"})
        self.heading = book.add_format({"bold": True, "font_size": 11, "font_color": "#154273"})
        self.head = book.add_format({**border, "bold": True, "bg_color": "#DCE6F1", "text_wrap": True})
        self.centre_head = book.add_format({**border, "bold": True, "bg_color": "#DCE6F1", "align": "center"})
        self.note = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#5A5A5A", "font_size": 9})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.money_plain = book.add_format({"num_format": "#,##0"})
        self.cells: dict[tuple[str, bool], Any] = {}
        for kind, props in (
            ("text", {"text_wrap": True}),
            ("count", {"num_format": "0"}),
            ("money", {"num_format": "#,##0"}),
            ("share", {"num_format": "0.0%"}),
            ("centre", {"align": "center"}),
        ):
            for bold in (False, True):
                extra = {"bold": True, "bg_color": "#F2F4F7"} if bold else {}
                self.cells[kind, bold] = book.add_format({**border, **props, **extra})

    def cell(self, kind: str, bold: bool) -> Any:
        return self.cells[kind, bold]


def _share(sheet: Any, row: int, column: int, value: float | None, f: _Formats, bold: bool) -> None:
    if value is None:
        sheet.write(row, column, "—", f.cell("centre", bold))
    else:
        sheet.write_number(row, column, value, f.cell("share", bold))


def _category_sheet(book: Any, view: dict[str, Any], png: bytes, f: _Formats) -> None:
    t = view["t"]
    name = t["sheet_table"][:31]
    sheet = book.add_worksheet(name)
    targets = [x["target"] for x in view["targets"]]
    first_target = 6
    last = first_target + len(targets) - 1
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 4, 11)
    sheet.set_column(5, 5, 16)
    sheet.set_column(first_target, last, 6)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.write(0, 0, view["title"], f.title)
    sheet.write(1, 0, view["subtitle"])
    sheet.write(3, 0, t["h_by_category"], f.heading)

    top = 4
    sheet.merge_range(top, 0, top, 1, "", f.head)
    sheet.merge_range(top, 2, top, 5, t["col_per_category"], f.centre_head)
    if len(targets) > 1:
        sheet.merge_range(top, first_target, top, last, t["col_per_target"], f.centre_head)
    elif targets:
        sheet.write(top, first_target, t["col_per_target"], f.centre_head)
    columns = [t["col_group"], t["col_category"], t["col_required"], t["col_complete"], t["col_share"]]
    sheet.write_row(top + 1, 0, [*columns, t["col_complete_value"], *targets], f.head)
    sheet.set_row(top + 1, 30)
    sheet.freeze_panes(top + 2, 2)
    row_number = top + 2
    first_row = row_number
    for row in view["by_category"]:
        bold = row["total"]
        sheet.write(row_number, 0, row["group"], f.cell("text", bold))
        sheet.write(row_number, 1, row["label"], f.cell("text", bold))
        sheet.write_number(row_number, 2, row["required"], f.cell("count", bold))
        sheet.write_number(row_number, 3, row["complete"], f.cell("count", bold))
        _share(sheet, row_number, 4, row["share_complete"], f, bold)
        sheet.write_number(row_number, 5, row["complete_value_eur"], f.cell("money", bold))
        for offset, cell in enumerate(row["cells"]):
            if cell["complete"] is None:
                sheet.write(row_number, first_target + offset, view["not_linked"], f.cell("centre", bold))
            else:
                sheet.write_number(row_number, first_target + offset, cell["complete"], f.cell("centre", bold))
        row_number += 1
    last_category = row_number - 2  # the row above the total
    sheet.merge_range(row_number, 0, row_number + 1, max(last, 5), t["cells_note"], f.note)
    row_number += 3

    sheet.write(row_number, 0, t["h_by_target"], f.heading)
    row_number += 1
    header = [t["col_target"], t["col_title"], t["col_required"], t["col_complete"], t["col_share"]]
    sheet.write_row(row_number, 0, [*header, t["col_complete_value"]], f.head)
    sheet.set_row(row_number, 30)
    row_number += 1
    for row in view["by_target"]:
        sheet.write(row_number, 0, row["target"], f.cell("text", False))
        sheet.write(row_number, 1, row["label"], f.cell("text", False))
        sheet.write_number(row_number, 2, row["required"], f.cell("count", False))
        sheet.write_number(row_number, 3, row["complete"], f.cell("count", False))
        _share(sheet, row_number, 4, row["share_complete"], f, False)
        sheet.write_number(row_number, 5, row["complete_value_eur"], f.cell("money", False))
        row_number += 1
    row_number += 1

    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": t["chart_axis"],
            "categories": [name, first_row, 1, last_category, 1],
            "values": [name, first_row, 4, last_category, 4],
            "fill": {"color": BAR_COLOUR},
            "gap": 60,
            "data_labels": {"value": True, "num_format": "0%"},
        }
    )
    chart.set_title({"name": t["h_chart"], "name_font": {"size": 11}})
    chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 60 + 28 * max(1, last_category - first_row + 1)})
    sheet.insert_chart(row_number, 1, chart)
    sheet.insert_image(
        row_number, first_target, "chart.png", {"image_data": io.BytesIO(png), "x_scale": 0.8, "y_scale": 0.8}
    )


def _rows_sheet(book: Any, title: str, label: str, rows: list[dict[str, Any]], t: dict[str, str], f: _Formats) -> None:
    sheet = book.add_worksheet(title[:31])
    header = [label, *(t[f"col_{name}"] for name in COUNT_FIELDS), t["col_share"], t["col_value"]]
    sheet.write_row(0, 0, header, f.head)
    sheet.set_row(0, 30)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, len(header) - 2, 12)
    sheet.set_column(len(header) - 1, len(header) - 1, 16)
    sheet.freeze_panes(1, 1)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    for number, row in enumerate(rows, start=1):
        bold = row["total"]
        sheet.write(number, 0, row["label"], f.cell("text", bold))
        for offset, field in enumerate(COUNT_FIELDS, start=1):
            sheet.write_number(number, offset, row[field], f.cell("count", bold))
        _share(sheet, number, len(COUNT_FIELDS) + 1, row["share_complete"], f, bold)
        sheet.write_number(number, len(COUNT_FIELDS) + 2, row["value_eur"], f.cell("money", bold))


def _method_sheet(book: Any, view: dict[str, Any], f: _Formats) -> None:
    t = view["t"]
    sheet = book.add_worksheet(t["sheet_method"][:31])
    sheet.set_column(0, 0, 130)
    sheet.write(0, 0, t["h_method"], f.heading)
    number = 1
    for line in [*view["method"], t["m_links"]]:
        sheet.write(number, 0, line, f.wrap)
        number += 1
    for link in view["links"]:
        sheet.write(number, 0, f"{link['target']} ({link['condition']}): {link['rationale']}", f.wrap)
        number += 1


def _contracts_sheet(book: Any, view: dict[str, Any], table: SdgTable, ruleset: Ruleset, f: _Formats) -> None:
    t = view["t"]
    lang = view["lang"]
    names = {c.category: (c.name_en if lang == "en" else c.name_nl) for c in ruleset.categories}
    sheet = book.add_worksheet(t["sheet_contracts"][:31])
    columns = [
        t["col_file"],
        t["col_verdict"],
        t["col_date"],
        t["col_authority"],
        t["col_ministry"],
        t["col_categories"],
        t["col_value"],
        t["col_targets"],
    ]
    sheet.write_row(0, 0, columns, f.head)
    for number, contract in enumerate(table.contracts, start=1):
        sheet.write(number, 0, Path(contract.file).name)
        sheet.write(number, 1, t.get(f"verdict_{contract.verdict}", contract.verdict))
        sheet.write(number, 2, contract.date or "")
        sheet.write(number, 3, contract.authority or "")
        sheet.write(number, 4, contract.ministry)
        sheet.write(number, 5, ", ".join(names.get(c, c) for c in contract.categories))
        if contract.value_eur is not None:
            sheet.write_number(number, 6, contract.value_eur, f.money_plain)
        sheet.write(number, 7, ", ".join(sorted(contract.targets, key=target_key)))
    for column, width in enumerate((44, 14, 12, 34, 40, 34, 14, 28)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(table.contracts), 1), len(columns) - 1)


def table_xlsx(view: dict[str, Any], table: SdgTable, ruleset: Ruleset, png: bytes) -> bytes:
    """The .xlsx bytes of `view` (`sdg_view`), with the chart `png` and the contracts of `table`."""
    import xlsxwriter

    t = view["t"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": view["title"], "author": "isv-checker"})
    f = _Formats(book)
    _category_sheet(book, view, png, f)
    _rows_sheet(book, t["sheet_ministries"], t["col_ministry"], view["by_ministry"], t, f)
    if view["by_year"]:
        _rows_sheet(book, t["sheet_years"], t["col_year"], view["by_year"], t, f)
    _method_sheet(book, view, f)
    _contracts_sheet(book, view, table, ruleset, f)
    book.close()
    return buffer.getvalue()
