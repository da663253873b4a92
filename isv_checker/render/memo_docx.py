"""The compliance memo as a Word document, built from the same view model as the other memo formats.

Real Word headings (Title, Heading 1/2) and tables, so a buyer can edit the memo, paste it into a
file note, or let Word build a table of contents. No template file: the look is python-docx's default
document with a few paragraph settings.

Headings, and the sentences that lead into a table, a list or the wording to add, are kept with what
follows them (keep with next, set on the paragraph itself, not left to the style a reader's Word or
LibreOffice may have changed), so no heading or lead-in is left alone at the bottom of a page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

HEAD_FILL = "DCE6F1"
TONE_COLOURS = {"ok": RGBColor(0x2E, 0x7D, 0x32), "warn": RGBColor(0xB2, 0x6A, 0x00), "bad": RGBColor(0xB3, 0x26, 0x1E)}
MUTED = RGBColor(0x5A, 0x5A, 0x5A)


def new_document(*, title: str, language: str, landscape: bool = False) -> DocxDocument:
    """A blank A4 document with modest margins, 10 pt body text and the document language set."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    document.styles["Title"].font.size = Pt(20)
    normal.paragraph_format.space_after = Pt(4)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL" if language == "nl" else "en-GB")
    rpr.append(lang)
    document.core_properties.title = title
    document.core_properties.author = "isv-checker"
    document.core_properties.language = "nl-NL" if language == "nl" else "en-GB"
    return document


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _row_flag(row: Any, name: str) -> None:
    """Set a row property such as w:tblHeader (repeat on each page) or w:cantSplit (keep on one page)."""
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths Word and LibreOffice both honour: the grid and every cell."""
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def add_table(
    document: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    *,
    font_pt: float = 9,
    bold_rows: Sequence[int] = (),
    right_columns: Sequence[int] = (),
) -> Table:
    """A bordered table with a shaded header row that repeats on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _row_flag(table.rows[0], "w:tblHeader")
    for index, text in enumerate(header):
        cell = table.rows[0].cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_pt)
        _shade(cell, HEAD_FILL)
    for number, values in enumerate(rows):
        cells = table.add_row().cells
        for index, text in enumerate(values):
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(font_pt)
            run.bold = number in bold_rows
            if index in right_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        _row_flag(row, "w:cantSplit")
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(1)
            cell.paragraphs[0].paragraph_format.space_after = Pt(1)
    set_widths(table, widths_cm)
    return table


def _kept(paragraph: Any) -> Any:
    """The paragraph, kept on the page of the one after it (a heading, or a lead-in to a table or list)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _heading(document: DocxDocument, text: str, level: int) -> Any:
    return _kept(document.add_heading(text, level=level))


def memo_docx(view: dict[str, Any]) -> bytes:
    """The memo of `memo.memo_view` as the bytes of a .docx file."""
    t = view["t"]
    document = new_document(title=view["title"], language=view["lang"])
    document.add_paragraph(view["title"], style="Title")
    subtitle = _kept(document.add_paragraph(view["subtitle"]))
    subtitle.runs[0].font.color.rgb = MUTED
    facts = document.add_table(rows=0, cols=2)
    for fact in view["facts"]:
        cells = facts.add_row().cells
        label = cells[0].paragraphs[0].add_run(fact["label"])
        label.bold = True
        cells[1].paragraphs[0].add_run(fact["value"])
        for cell in cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    set_widths(facts, (5.0, 12.0))

    _heading(document, t["h_verdict"], level=1)
    verdict = document.add_paragraph()
    label = verdict.add_run(view["verdict_label"] + ". ")
    label.bold = True
    label.font.color.rgb = TONE_COLOURS.get(view["tone"], MUTED)
    verdict.add_run(view["verdict_sentence"])

    if view["why"]:
        _heading(document, t["h_why"], level=1)
        for row in view["why"]:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(f"{row['label']}: ").bold = True
            item.add_run(row["text"])
            if row["evidence"]:
                quotes = "; ".join(f"“{e['quote']}” ({e['location']})" for e in row["evidence"])
                evidence = item.add_run(f" — {quotes}")
                evidence.font.color.rgb = MUTED

    if view["elements"]:
        _heading(document, t["h_elements"], level=1)
        if view["elements_note"]:
            _kept(document.add_paragraph(view["elements_note"]))
        add_table(
            document,
            [t["col_element"], t["col_status"], t["col_where"], t["col_quote"]],
            [[e["name"], e["status"], e["where"], f"“{e['quote']}”" if e["found"] else "—"] for e in view["elements"]],
            (5.4, 2.0, 3.0, 6.6),
        )

    _heading(document, t["h_decoys"], level=1)
    if view["decoys"]:
        _kept(document.add_paragraph(t["decoys_intro"]))
        rows = []
        for decoy in view["decoys"]:
            places = "; ".join(f"“{p['quote']}” ({p['location']})" for p in decoy["places"])
            if decoy["more_text"]:
                places += f" {decoy['more_text']}"
            rows.append([places, decoy["reason"]])
        add_table(document, [t["col_quote"], t["col_reason"]], rows, (8.0, 9.0))
    else:
        document.add_paragraph(t["decoys_none"])

    actions = view["actions"]
    _heading(document, t["h_actions"], level=1)
    intro = document.add_paragraph(" ".join(p for p in (actions["intro"], actions["then"]) if p))
    if actions["steps"]:
        _kept(intro)
        if actions["where"]:
            _kept(document.add_paragraph()).add_run(actions["where"]).bold = True
        if actions["wording_note"]:
            note = _kept(
                document.add_paragraph(
                    f"{t['model_wording']}: {actions['wording_note']} ({actions['steps'][0]['wording_lang'].upper()})."
                )
            )
            note.runs[0].font.color.rgb = MUTED
        for step in actions["steps"]:
            _heading(document, step["name"], level=2)
            document.add_paragraph(step["wording"], style="Quote")

    sdg = view["sdg"]
    _heading(document, t["h_sdg"], level=1)
    sdg_intro = document.add_paragraph(sdg["intro"])
    if sdg["targets"]:
        _kept(sdg_intro)
    for target in sdg["targets"]:
        item = document.add_paragraph(style="List Bullet")
        item.add_run(target["target"] + " ").bold = True
        item.add_run(target["title"])
        if sdg["mixed"] and not target["current"]:
            after = item.add_run(f" ({t['sdg_after_completion']})")
            after.italic = True
    if sdg["targets"]:
        note = document.add_paragraph(sdg["note"])
        note.runs[0].font.size = Pt(8.5)
        note.runs[0].font.color.rgb = MUTED

    if view.get("files"):
        _heading(document, t["tender_files"], level=1)
        for text in view["files"]:
            document.add_paragraph(text, style="List Bullet")

    if view["notes"]:
        _heading(document, t["h_notes"], level=1)
        for text in view["notes"]:
            document.add_paragraph(text, style="List Bullet")

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = view["footer"]
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = MUTED
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
