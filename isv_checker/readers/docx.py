"""Word documents (.docx, .docm, .dotx, .dotm), read by walking the package's XML directly.

python-docx's paragraph API skips content controls, text boxes and tracked insertions, and refuses
.docm/.dotx/.dotm outright, so this reader opens the ZIP package itself and walks `word/document.xml`
in document order with a tag dispatch (no XPath per element), which keeps it close to the speed of
lxml's parse.

What counts as text: what Word prints with all tracked changes accepted. Tracked insertions and
moved-to text are in (a block holding an insertion is marked `inserted`); deletions, moved-from text,
field instructions ("TOC \\o", "PAGE"), hidden runs (`w:vanish`), placeholder text of empty content
controls and the duplicate `mc:Fallback` copy of a text box are out. Comments are not document content.
These rules are in `wordml`, which the marked-up copy shares to find the reader's quotes again.

Locations: `paragraph` counts, 1-based and in reading order, the body paragraphs that hold text,
including those in tables, content controls and text boxes. Blank paragraphs are not counted, as in
Word's own paragraph statistics, so spacing paragraphs do not shift "par. 57". A table cell's block
carries the number of its first counted paragraph. Headers, footers and notes are not counted; their
blocks come after the body, once per header/footer part, and notes carry their printed number as label.

A paragraph's kind, level and label come from its properties and its style: headings from outline
levels and heading style names, list labels as Word prints them (`docx_numbering`).
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote

from lxml import etree

from ..document import BlockKind, ReadMessage, ReadStatus
from ..settings import ReadOptions
from .collector import BlockCollector, InlineText
from .docx_numbering import Numbering, Style, Styles, read_ppr_numbering
from .extraction import Extraction, ReadFailure
from .office import OfficePackage, format_number
from .wordml import (
    ALTERNATE_CONTENT,
    BLOCK_SKIP,
    DEL,
    FLD_CHAR,
    INLINE_SKIP,
    INS,
    MATH_T,
    PPR,
    RPR,
    RUN_SILENT,
    SDT,
    TBL,
    TC,
    TR,
    TXBX_CONTENT,
    VAL,
    P,
    R,
    W,
    alternate_branch,
    decimal,
    is_hidden,
    is_on,
    is_on_attribute,
    printed,
    sdt_content,
)

_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SECTPR = W + "sectPr"
_FOOTNOTEREF, _ENDNOTEREF = W + "footnoteReference", W + "endnoteReference"


class _Relation(NamedTuple):
    kind: str  # the last segment of the relationship type, e.g. "header", "footnotes"
    target: str  # the part name inside the package


def _relations(package: OfficePackage, part: str, warnings: list[ReadMessage]) -> dict[str, _Relation]:
    """The part's relationships by id; none (with a warning) if its .rels part is damaged."""
    folder, base = posixpath.split(part)
    root = package.optional_xml(posixpath.join(folder, "_rels", base + ".rels"), warnings)
    if root is None:
        return {}
    relations: dict[str, _Relation] = {}
    for rel in root.iter(_PR + "Relationship"):
        target = rel.get("Target")
        if not target or rel.get("TargetMode") == "External":
            continue
        target = unquote(target)
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        relations[rel.get("Id", "")] = _Relation(rel.get("Type", "").rsplit("/", 1)[-1], name)
    return relations


# --- the walk -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _NoteRef:
    note_id: str
    custom_mark: bool


class _Walker:
    """Walks WordprocessingML in document order and hands its text to a `BlockCollector`.

    Body paragraphs, text-box paragraphs included, are counted while the collector is counting.
    """

    def __init__(self, styles: Styles, numbering: Numbering, max_blocks: int, *, honour_fields: bool = True) -> None:
        self.styles = styles
        self.numbering = numbering
        self.honour_fields = honour_fields
        self.collect = BlockCollector(max_blocks)
        self.fields: list[bool] = []  # per open field: True while in its instruction part
        self.sections: list[etree._Element] = []
        self.footnote_refs: list[_NoteRef] = []
        self.endnote_refs: list[_NoteRef] = []
        self.alt_chunks = 0
        self.counted: list[CountedParagraph] | None = None  # filled only for `counted_paragraphs`

    # block level

    def block(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:
                content = sdt_content(child)
                if content is not None:
                    self.block(content)
            elif tag == _SECTPR:
                self.sections.append(child)
            elif tag == ALTERNATE_CONTENT:
                branch = alternate_branch(child)
                if branch is not None:
                    self.block(branch)
            elif tag == W + "altChunk":
                self.alt_chunks += 1
            elif isinstance(tag, str) and tag not in BLOCK_SKIP:
                self.block(child)

    def paragraph(self, p: etree._Element) -> None:
        ppr = None
        inline = InlineText()
        for child in p:
            if child.tag == PPR:
                ppr = child
            else:
                self.inline(child, inline)
        text = "".join(inline.parts).strip()
        kind, level, label = self.structure(ppr, bool(text))
        number = self.collect.paragraph(text, kind, level=level, label=label, inserted=inline.inserted)
        if number is not None and self.counted is not None:
            plain = not self.collect.cells and self.collect.context is None
            self.counted.append(CountedParagraph(number, p, level if plain and kind is BlockKind.HEADING else None))
        for box in inline.boxes:
            self.collect.text_box(self.block, box)

    def structure(self, ppr: etree._Element | None, has_text: bool) -> tuple[BlockKind, int | None, str | None]:
        """Kind, level and label of a paragraph from its own properties and its style.

        A paragraph deleted whole (tracked deletion of its text and its mark) takes no number.
        """
        own = Style()
        style_id = None
        deleted = False
        if ppr is not None:
            for child in ppr:
                if child.tag == W + "pStyle":
                    style_id = child.get(VAL)
                elif child.tag == _SECTPR:
                    self.sections.append(child)
                elif child.tag == RPR:
                    deleted = not has_text and child.find(DEL) is not None
            if deleted:
                return BlockKind.PARAGRAPH, None, None
            read_ppr_numbering(ppr, own)
        style_id = style_id or self.styles.default_paragraph
        if own.outline_level is not None:
            heading = own.outline_level + 1 if own.outline_level < 9 else None
        else:
            heading = self.styles.heading_level(style_id)
        label = None
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = own.num_id if own.num_id is not None else style_num
        if num_id is not None and num_id != "0":
            if own.ilvl is not None:
                ilvl = own.ilvl
            elif own.num_id is None:  # numbered through its style: the level naming that style wins (17.9.23)
                linked = self.numbering.level_for_style(num_id, style_id)
                ilvl = linked if linked is not None else style_ilvl or 0
            else:
                ilvl = 0
            label = self.numbering.label(num_id, ilvl)
            if label is not None and heading is None:
                return BlockKind.LIST_ITEM, min(max(ilvl, 0), 8) + 1, label
        if heading is not None:
            return BlockKind.HEADING, heading, label
        return BlockKind.PARAGRAPH, None, None

    def table(self, tbl: etree._Element) -> None:
        number = self.collect.table()
        for row_number, tr in enumerate(_wrapped(tbl, TR), start=1):
            column = 1
            trpr = tr.find(W + "trPr")
            if trpr is not None:
                before = trpr.find(W + "gridBefore")
                if before is not None:
                    column += max(decimal(before.get(VAL), 0) or 0, 0)
            for tc in _wrapped(tr, TC):
                span = 1
                tcpr = tc.find(W + "tcPr")
                if tcpr is not None:
                    grid_span = tcpr.find(W + "gridSpan")
                    if grid_span is not None:
                        span = max(decimal(grid_span.get(VAL), 1) or 1, 1)
                self.collect.cell(self.block, tc, number, row_number, column)
                column += span

    # inline level

    def inline(self, element: etree._Element, into: InlineText) -> None:
        tag = element.tag
        if tag == R:
            self.run(element, into)
        elif tag in INLINE_SKIP or not isinstance(tag, str):
            return
        elif tag == INS:
            into.inserted = True
            for child in element:
                self.inline(child, into)
        elif tag == SDT:
            content = sdt_content(element)
            if content is not None:
                for child in content:
                    self.inline(child, into)
        elif tag == ALTERNATE_CONTENT:
            branch = alternate_branch(element)
            if branch is not None:
                for child in branch:
                    self.inline(child, into)
        elif tag == TXBX_CONTENT:
            into.boxes.append(element)
        elif tag == MATH_T:
            if not self.in_instruction():
                into.parts.append(element.text or "")
        else:
            for child in element:
                self.inline(child, into)

    def run(self, r: etree._Element, into: InlineText) -> None:
        hidden = False
        for child in r:
            tag = child.tag
            if tag == RPR:
                hidden = is_hidden(child)
                continue
            text = printed(child)
            if text is not None:
                if not hidden and not self.in_instruction():
                    into.parts.append(text)
            elif tag in RUN_SILENT:
                continue
            elif tag == FLD_CHAR:
                self.field_char(child.get(W + "fldCharType"))
            elif tag in (_FOOTNOTEREF, _ENDNOTEREF):
                if self.collect.counting and not hidden:
                    refs = self.footnote_refs if tag == _FOOTNOTEREF else self.endnote_refs
                    refs.append(_NoteRef(child.get(W + "id", ""), is_on_attribute(child.get(W + "customMarkFollows"))))
            elif isinstance(tag, str):
                self.inline(child, into)  # drawings, VML and AlternateContent may hold text boxes

    def field_char(self, kind: str | None) -> None:
        """Track field nesting, so results of fields nested in an instruction stay out.

        The stack lives across paragraphs because a TOC field's result spans many of them.
        """
        if not self.honour_fields:
            return
        if kind == "begin":
            self.fields.append(True)
        elif kind == "separate" and self.fields:
            self.fields[-1] = False
        elif kind == "end" and self.fields:
            self.fields.pop()

    def in_instruction(self) -> bool:
        return True in self.fields


def _wrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with `tag`, looking through content controls and custom XML that wrap rows or cells."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = sdt_content(child)
            if content is not None:
                yield from _wrapped(content, tag)
        elif child.tag == W + "customXml":
            yield from _wrapped(child, tag)


# --- paragraph numbers for tools that edit a copy -------------------------------------------------


class CountedParagraph(NamedTuple):
    number: int  # the `paragraph` the reader gives this paragraph's block ("par. 57")
    element: etree._Element  # its w:p, in the tree that was walked
    heading_level: int | None  # set when the reader makes it a heading block (not in tables or text boxes)


def counted_paragraphs(
    body: etree._Element, styles: etree._Element | None = None, numbering: etree._Element | None = None
) -> list[CountedParagraph]:
    """The body's counted paragraphs, numbered exactly as `read_docx` numbers them.

    For tools that change a copy of the document (the annotated copy puts Word comments on the
    evidence) and must find "par. 57" as the reader counted it: `body` is the w:body of any lxml tree
    of the same document.xml (python-docx's included), `styles` and `numbering` the roots of its
    styles and numbering parts (needed only for `heading_level`).
    """

    def walk(honour_fields: bool) -> _Walker:
        style_table = Styles(styles)
        walker = _Walker(style_table, Numbering(numbering, style_table), sys.maxsize, honour_fields=honour_fields)
        walker.counted = []
        walker.block(body)
        return walker

    walker = walk(True)
    if True in walker.fields:  # as read_docx does when a field never ends
        walker = walk(False)
    return walker.counted or []


# --- reading ------------------------------------------------------------------------------------

_CORE_PROPERTIES = {
    "title": "title",
    "creator": "author",
    "created": "created",
    "modified": "modified",
    "lastModifiedBy": "last_modified_by",
    "subject": "subject",
    "keywords": "keywords",
}


def read_docx(data: bytes, options: ReadOptions) -> Extraction:
    """Read a DOCX package's bytes; ReadFailure for damaged or oversized packages."""
    package = OfficePackage(data)
    warnings: list[ReadMessage] = []
    package_rels = _relations(package, "", warnings)
    main = next((r.target for r in package_rels.values() if r.kind == "officeDocument"), "word/document.xml")
    if not package.has(main):
        main = "word/document.xml"
    body = package.xml(main).find(W + "body")
    if body is None:
        raise ReadFailure(ReadStatus.CORRUPT, "no_body", part=main)
    rels = _relations(package, main, warnings)

    def part(kind: str) -> etree._Element | None:
        name = next((r.target for r in rels.values() if r.kind == kind), None)
        return package.optional_xml(name, warnings)

    styles, numbering = Styles(part("styles")), part("numbering")
    walker = _Walker(styles, Numbering(numbering, styles), options.max_blocks)
    walker.block(body)
    if True in walker.fields:
        warnings.append(ReadMessage(code="field_never_ends"))
        walker = _Walker(styles, Numbering(numbering, styles), options.max_blocks, honour_fields=False)
        walker.block(body)
    if walker.alt_chunks:
        warnings.append(ReadMessage(code="alt_chunks", params={"count": walker.alt_chunks}))
    walker.collect.end_body()
    settings = part("settings")
    for kind, name in _header_footer_parts(walker.sections, rels, settings):
        content = package.optional_xml(name, warnings)
        if content is not None:
            _walk_part(walker, content, kind)
    _walk_notes(walker, part("footnotes"), "footnote", walker.footnote_refs, _note_format(walker, settings, "footnote"))
    _walk_notes(walker, part("endnotes"), "endnote", walker.endnote_refs, _note_format(walker, settings, "endnote"))
    core = next((r.target for r in package_rels.values() if r.kind == "core-properties"), "docProps/core.xml")
    return Extraction(
        blocks=walker.collect.blocks(),
        warnings=tuple(warnings),
        properties=_core_properties(package.optional_xml(core, warnings)),
    )


def _walk_part(walker: _Walker, root: etree._Element, kind: BlockKind, label: str | None = None) -> None:
    walker.fields = []
    walker.collect.part(walker.block, root, kind, label)


def _header_footer_parts(
    sections: list[etree._Element], rels: dict[str, _Relation], settings: etree._Element | None
) -> list[tuple[BlockKind, str]]:
    """Each header/footer part a section shows, once, in the order the sections first use them."""
    even_pages = settings is not None and any(is_on(e) for e in settings.iterchildren(W + "evenAndOddHeaders"))
    parts: dict[str, BlockKind] = {}
    for section in sections:
        title_page = any(is_on(e) for e in section.iterchildren(W + "titlePg"))
        for reference in section:
            if reference.tag == W + "headerReference":
                kind = BlockKind.HEADER
            elif reference.tag == W + "footerReference":
                kind = BlockKind.FOOTER
            else:
                continue
            use = reference.get(W + "type", "default")
            if (use == "first" and not title_page) or (use == "even" and not even_pages):
                continue
            rel = rels.get(reference.get(_R_ID, ""))
            if rel is not None and rel.target not in parts:
                parts[rel.target] = kind
    return [(kind, name) for name, kind in parts.items()]


def _note_format(walker: _Walker, settings: etree._Element | None, note: str) -> tuple[str, int]:
    """(numFmt, numStart) for foot- or endnote numbers: last section first, then settings, then Word's default."""
    fmt, start = None, None
    for holder in (walker.sections[-1] if walker.sections else None, settings):
        properties = holder.find(f"{W}{note}Pr") if holder is not None else None
        if properties is None:
            continue
        num_fmt, num_start = properties.find(W + "numFmt"), properties.find(W + "numStart")
        fmt = fmt or (num_fmt.get(VAL) if num_fmt is not None else None)
        start = start or (decimal(num_start.get(VAL)) if num_start is not None else None)
    return fmt or ("decimal" if note == "footnote" else "lowerRoman"), start or 1


def _walk_notes(
    walker: _Walker, root: etree._Element | None, note: str, refs: list[_NoteRef], number_format: tuple[str, int]
) -> None:
    """Notes in the order the body refers to them, each labelled with the number printed at its mark."""
    if root is None or not refs:
        return
    notes = {
        element.get(W + "id", ""): element
        for element in root.iterchildren(W + note)
        if element.get(W + "type", "normal") == "normal"
    }
    fmt, number = number_format
    done: set[str] = set()
    for ref in refs:
        label = None
        if not ref.custom_mark:
            label = format_number(number, fmt)
            number += 1
        if ref.note_id in notes and ref.note_id not in done:
            done.add(ref.note_id)
            _walk_part(walker, notes[ref.note_id], BlockKind.FOOTNOTE, label)


def _core_properties(root: etree._Element | None) -> dict[str, str]:
    properties: dict[str, str] = {}
    if root is None:
        return properties
    for child in root:
        if not isinstance(child.tag, str):
            continue
        key = _CORE_PROPERTIES.get(etree.QName(child).localname)
        value = " ".join("".join(child.itertext()).split())
        if key and value:
            properties[key] = value
    return properties
