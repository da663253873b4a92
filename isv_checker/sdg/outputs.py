"""The SDG contribution table written as .xlsx, .csv, .md, .docx or .html, all from one view model.

Every format holds the same tables in the same order (`view.sdg_view`): per category and SDG target
with its two total rows, per ministry, per year, then the method note. Markdown and HTML render it
through `templates/sdg_table.*.j2`, CSV is written here, Word and Excel in `outputs_docx` and
`outputs_xlsx`. The bar chart (share per category) is a picture in the .docx, .html and .xlsx, and in
the .xlsx also a chart of its own, drawn by Excel from the table's cells.
"""

from __future__ import annotations

import base64
import csv
import io
import os
from pathlib import Path
from typing import Any

from ..render.templates import render_template
from ..ruleset.load import Ruleset
from .chart import Bar, share_chart
from .table import SdgTable
from .view import COUNT_FIELDS, sdg_view

SDG_FORMATS = {
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}


def sdg_format(path: str | os.PathLike[str]) -> str | None:
    return SDG_FORMATS.get(Path(path).suffix.lower())


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


def _csv(view: dict[str, Any]) -> bytes:
    """One rectangular table, so a program reads it whole: a column says which of the tables a row is
    of, and the targets' columns are filled in the rows per category and their totals."""
    t = view["t"]
    targets = [x["target"] for x in view["targets"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            t["col_table"],
            t["col_key"],
            t["col_group"],
            t["col_name"],
            *(t[f"col_{name}"] for name in COUNT_FIELDS),
            t["col_share"],
            t["col_value"],
            t["col_complete_value"],
            *targets,
        ]
    )

    def numbers(row: dict[str, Any]) -> list[Any]:
        share = row["share_complete"]
        return [
            *(row[name] for name in COUNT_FIELDS),
            "" if share is None else f"{share:.4f}",
            f"{row['value_eur']:.2f}",
            f"{row['complete_value_eur']:.2f}",
        ]

    for row in view["by_category"]:
        cells = ["" if c["complete"] is None else c["complete"] for c in row["cells"]]
        writer.writerow([t["h_by_category"], row["key"], row["group"], row["label"], *numbers(row), *cells])
    for heading, rows in (
        (t["h_by_target"], view["by_target"]),
        (t["h_by_ministry"], view["by_ministry"]),
        (t["h_by_year"], view["by_year"]),
    ):
        for row in rows:
            writer.writerow([heading, row["key"], "", row["label"], *numbers(row), *[""] * len(targets)])
    return buffer.getvalue().encode("utf-8")


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
        from .outputs_docx import table_docx

        return table_docx(view, png)
    if fmt == "xlsx":
        from .outputs_xlsx import table_xlsx

        return table_xlsx(view, table, ruleset, png)
    raise ValueError(f"unknown table format {fmt!r}")
