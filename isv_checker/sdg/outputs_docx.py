"""The SDG table as a Word document on portrait A4, to paste into the annual report.

The table per category and SDG target fits the page's width: the category's own figures once, then
one narrow column per target, under two header rows that say which is which; a category's group is a
small second line under its name. The tables per ministry and per year, the chart, and the method
note follow. Tables are built by the memo's `add_table`, so both documents look alike.
"""

from __future__ import annotations

import io
from copy import deepcopy
from typing import Any

PAGE_CM = 21.0
MARGIN_CM = 1.5
CATEGORY_CM = 3.0
FIGURES_CM = 1.65  # each of required, complete, share, value
TARGET_CM = 0.72  # the least a target's column needs for "10.3" and three digits
TARGET_LABEL_CM = 1.6
LABEL_CM = 4.6
FONT_PT = 7.5
HEADER_PT = 7.0
KEPT_ROWS = 20
CELL_MARGIN_TWIPS = 40  # 0.07 cm on either side, where Word's default is 0.19 cm


def _table(
    document: Any,
    header: list[str],
    rows: list[list[str]],
    widths: tuple[float, ...],
    *,
    bold_rows: tuple[int, ...] = (),
    right: tuple[int, ...] = (),
    centre: tuple[int, ...] = (),
) -> Any:
    """The memo's table, set tighter: smaller column names and narrow cell margins, so that figures and
    the words over them fit portrait columns without breaking inside a word."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from ..render.memo_docx import add_table

    table = add_table(document, header, rows, widths, font_pt=FONT_PT, bold_rows=bold_rows, right_columns=right)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)  # the schema's order: tblCellMar before tblLook
    else:
        properties.append(margins)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(HEADER_PT)
    for row in table.rows:
        for index in centre:
            row.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if len(table.rows) <= KEPT_ROWS:  # a short table on one page: its total never alone on the next
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    return table


def _merge(table: Any, row: int, first: int, last: int, text: str) -> None:
    """Merge cells first..last of a header row into one that holds `text` (and only one paragraph:
    python-docx keeps each merged cell's paragraph)."""
    cell = table.cell(row, first).merge(table.cell(row, last)) if last > first else table.cell(row, first)
    for paragraph in cell.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    runs = cell.paragraphs[0].runs
    for run in runs[:-1]:
        run.text = ""
    runs[-1].text = text  # the run `add_table` made bold; the one before it is empty


def _kept(paragraph: Any) -> Any:
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _small(document: Any, text: str, size: float = 8) -> Any:
    from docx.shared import Pt

    from ..render.memo_docx import MUTED

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.color.rgb = MUTED
    return paragraph


def _category_table(document: Any, view: dict[str, Any], width_cm: float) -> Any:
    """Categories down, targets across: two header rows, a row per category, the total row."""
    from docx.shared import Pt

    from ..render.memo_docx import MUTED

    t = view["t"]
    targets = [x["target"] for x in view["targets"]]
    figures = [t["col_required"], t["col_complete"], t["col_share"], t["col_complete_value_mln"]]
    rows = [
        [row["label"], str(row["required"]), str(row["complete"]), row["share"], row["complete_value_mln"]]
        + [c["text"] for c in row["cells"]]
        for row in view["by_category"]
    ]
    target_cm = max(TARGET_CM, (width_cm - CATEGORY_CM - len(figures) * FIGURES_CM) / max(len(targets), 1))
    first_target = 1 + len(figures)
    table = _table(
        document,
        [t["col_category"], *figures, *targets],
        rows,
        (CATEGORY_CM, *([FIGURES_CM] * len(figures)), *([target_cm] * len(targets))),
        bold_rows=(len(rows) - 1,),
        right=tuple(range(1, first_target)),
        centre=tuple(range(first_target, first_target + len(targets))),
    )
    for number, row in enumerate(view["by_category"], start=1):
        if row["group_note"]:
            paragraph = table.rows[number].cells[0].paragraphs[0]
            paragraph.runs[-1].add_break()
            note = paragraph.add_run(row["group_note"])
            note.font.size = Pt(FONT_PT - 1)
            note.font.color.rgb = MUTED
            note.italic = True

    # a header row above the column names: which columns are the category's, which the targets'
    header = table.rows[0]._tr
    header.addprevious(deepcopy(header))
    _merge(table, 0, 1, len(figures), t["col_per_category"])
    _merge(table, 0, first_target, first_target + len(targets) - 1, t["col_per_target"])
    _merge(table, 1, 0, 0, "")
    table.cell(0, 0).merge(table.cell(1, 0))
    _merge(table, 0, 0, 0, t["col_category"])
    return table


def _target_table(document: Any, view: dict[str, Any], width_cm: float) -> None:
    """Per target, its title and every contract that reaches it, once; the first table's legend too."""
    t = view["t"]
    figures = [t["col_required"], t["col_complete"], t["col_share"], t["col_complete_value_mln"]]
    rows = [
        [
            row["target"],
            row["label"],
            str(row["required"]),
            str(row["complete"]),
            row["share"],
            row["complete_value_mln"],
        ]
        for row in view["by_target"]
    ]
    title_cm = width_cm - TARGET_LABEL_CM - len(figures) * FIGURES_CM
    _table(
        document,
        [t["col_target"], t["col_title"], *figures],
        rows,
        (TARGET_LABEL_CM, title_cm, *([FIGURES_CM] * len(figures))),
        right=tuple(range(2, 2 + len(figures))),
    )


def _rows_table(document: Any, view: dict[str, Any], rows: list[dict[str, Any]], label: str, width_cm: float) -> None:
    """Per ministry or per year: each contract in one row, and the total."""
    t = view["t"]
    names = ("contracts", "required", "complete", "incomplete", "missing")
    header = [label, *(t[f"col_{name}"] for name in names), t["col_share"], t["col_value_mln"]]
    cells = [[row["label"], *(str(row[name]) for name in names), row["share"], row["value_mln"]] for row in rows]
    figures = (width_cm - LABEL_CM) / (len(header) - 1)
    _table(
        document,
        header,
        cells,
        (LABEL_CM, *([figures] * (len(header) - 1))),
        bold_rows=tuple(i for i, row in enumerate(rows) if row["total"]),
        right=tuple(range(1, len(header))),
    )


def table_docx(view: dict[str, Any], png: bytes) -> bytes:
    """The .docx bytes of `view` (`sdg_view`) with the chart `png`."""
    from docx.shared import Cm

    from ..render.memo_docx import MUTED, new_document

    t = view["t"]
    document = new_document(title=view["title"], language=view["lang"])
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    width = PAGE_CM - 2 * MARGIN_CM
    document.add_paragraph(view["title"], style="Title")
    subtitle = document.add_paragraph(view["subtitle"])
    subtitle.runs[0].font.color.rgb = MUTED

    _kept(document.add_heading(t["h_by_category"], level=1))
    _category_table(document, view, width)
    _small(document, t["cells_note"])
    _kept(document.add_heading(t["h_by_target"], level=1))
    _target_table(document, view, width)

    _kept(document.add_heading(t["h_by_ministry"], level=1))
    _rows_table(document, view, view["by_ministry"], t["col_ministry"], width)
    if view["by_year"]:
        _kept(document.add_heading(t["h_by_year"], level=1))
        _rows_table(document, view, view["by_year"], t["col_year"], width)

    document.add_picture(io.BytesIO(png), width=Cm(15))  # the chart carries its own title

    _kept(document.add_heading(t["h_method"], level=1))
    for line in view["method"]:
        document.add_paragraph(line, style="List Bullet")
    _kept(document.add_paragraph(t["m_links"]))
    for link in view["links"]:
        item = document.add_paragraph(style="List Bullet 2")
        item.add_run(f"{link['target']} ").bold = True
        item.add_run(f"({link['condition']}): {link['rationale']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
