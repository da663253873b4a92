"""Word documents (.docx, .docm, .dotx, .dotm), read by walking the package's XML directly.

python-docx's paragraph API skips content controls, text boxes and tracked insertions, and refuses
.docm/.dotx/.dotm outright, so this reader opens the ZIP package itself and walks `word/document.xml`
in document order with a tag dispatch (no XPath per element), which keeps it close to the speed of
lxml's parse.

What counts as text: what Word prints with all tracked changes accepted. Tracked insertions and
moved-to text are in (a block holding an insertion is marked `inserted`); deletions, moved-from text,
field instructions ("TOC \\o", "PAGE"), hidden runs (`w:vanish`), placeholder text of empty content
controls and the duplicate `mc:Fallback` copy of a text box are out. Comments are not document content.

Locations: `paragraph` counts, 1-based and in reading order, the body paragraphs that hold text,
including those in tables, content controls and text boxes. Blank paragraphs are not counted, as in
Word's own paragraph statistics, so spacing paragraphs do not shift "par. 57". A table cell's block
carries the number of its first counted paragraph. Headers, footers and notes are not counted; their
blocks come after the body, once per header/footer part, and notes carry their printed number as label.

Labels are the numbering Word prints, rendered from numbering.xml: counters are kept per abstract
numbering definition (numIds sharing one continue each other, as in Word), a `startOverride` restarts
its level the first time its numId appears there, and deeper levels restart after a higher one unless
`lvlRestart` says otherwise.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from lxml import etree

from ..document import BlockKind, ReadStatus
from ..settings import ReadOptions
from .builder import BlockBuilder
from .extraction import Extraction, ReadFailure
from .office import MAX_LABEL_CHARS, CellText, InlineText, OfficePackage, Spec, format_number

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_VAL = _W + "val"
_P, _R, _T, _TBL, _TR, _TC = (_W + t for t in ("p", "r", "t", "tbl", "tr", "tc"))
_PPR, _RPR, _SDT, _SDTPR, _SDTCONTENT = (_W + t for t in ("pPr", "rPr", "sdt", "sdtPr", "sdtContent"))
_INS, _DEL, _MOVEFROM, _TXBX = (_W + t for t in ("ins", "del", "moveFrom", "txbxContent"))
_ALT, _CHOICE, _FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
_SECTPR, _FLDCHAR, _SYM = _W + "sectPr", _W + "fldChar", _W + "sym"
_FOOTNOTEREF, _ENDNOTEREF = _W + "footnoteReference", _W + "endnoteReference"
_RUN_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_RUN_SILENT = frozenset(_W + t for t in ("softHyphen", "instrText", "delText", "delInstrText", "lastRenderedPageBreak",
                                         "footnoteRef", "endnoteRef", "annotationRef", "commentReference", "separator",
                                         "continuationSeparator", "pgNum", "dayShort", "monthShort", "yearShort"))
_INLINE_SKIP = frozenset((_DEL, _MOVEFROM, _W + "rPr", _W + "rt", _W + "bookmarkStart", _W + "bookmarkEnd",
                          _W + "proofErr", _W + "commentRangeStart", _W + "commentRangeEnd", _W + "sdtPr",
                          _W + "sdtEndPr", _W + "smartTagPr", _W + "customXmlPr", _FALLBACK))
_BLOCK_SKIP = frozenset((_DEL, _MOVEFROM, _W + "tcPr", _W + "tblPr", _W + "tblGrid", _W + "trPr", _W + "tblPrEx",
                         _W + "sdtPr", _W + "sdtEndPr", _W + "bookmarkStart", _W + "bookmarkEnd", _W + "customXmlPr",
                         _W + "proofErr", _W + "permStart", _W + "permEnd", _FALLBACK))
_HEADING_NAME = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = frozenset(("title", "titel"))
_LEVEL_REF = re.compile(r"%([1-9])")
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖", "\uf0a8": "◦"}


class _Relation(NamedTuple):
    kind: str  # the last segment of the relationship type, e.g. "header", "footnotes"
    target: str  # the part name inside the package


def _relations(package: OfficePackage, part: str, warnings: list[str]) -> dict[str, _Relation]:
    """The part's relationships by id; none (with a warning) if its .rels part is damaged."""
    folder, base = posixpath.split(part)
    root = _optional_xml(package, posixpath.join(folder, "_rels", base + ".rels"), warnings)
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


# --- styles and numbering -----------------------------------------------------------------------


def _on(element: etree._Element) -> bool:
    """Word's boolean properties: present means on, unless w:val says 0/false/off."""
    return element.get(_VAL, "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(slots=True)
class _Style:
    name: str = ""
    based_on: str | None = None
    outline_level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None


class _Styles:
    """Paragraph and numbering styles, with Word's basedOn inheritance resolved on demand."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self._levels: dict[str, int | None] = {}
        if root is None:
            return
        for element in root.iterchildren(_W + "style"):
            style_id = element.get(_W + "styleId")
            if not style_id or element.get(_W + "type", "paragraph") not in ("paragraph", "numbering"):
                continue
            style = _Style()
            for child in element:
                if child.tag == _W + "name":
                    style.name = child.get(_VAL, "")
                elif child.tag == _W + "basedOn":
                    style.based_on = child.get(_VAL)
                elif child.tag == _PPR:
                    _read_ppr_numbering(child, style)
            self._styles[style_id] = style
            if element.get(_W + "type", "paragraph") == "paragraph" and _on_attr(element.get(_W + "default")):
                self.default_paragraph = style_id

    def _chain(self, style_id: str | None) -> Iterator[tuple[str, _Style]]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style_id, style
            style_id = style.based_on

    def heading_level(self, style_id: str | None) -> int | None:
        """The nearest outline level or heading/Kop/Title name along the basedOn chain."""
        if style_id is None:
            return None
        if style_id not in self._levels:
            self._levels[style_id] = self._heading_level(style_id)
        return self._levels[style_id]

    def _heading_level(self, style_id: str) -> int | None:
        for sid, style in self._chain(style_id):
            if style.outline_level is not None:
                return style.outline_level + 1 if style.outline_level < 9 else None
            for name in (style.name, sid):
                match = _HEADING_NAME.match(name)
                if match:
                    return int(match.group(1))
                if name.lower() in _TITLE_NAMES:
                    return 1
        return None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) from the nearest style in the chain that sets a numId."""
        for _, style in self._chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _read_ppr_numbering(ppr: etree._Element, into: _Style) -> None:
    for child in ppr:
        if child.tag == _W + "outlineLvl":
            into.outline_level = _int(child.get(_VAL))
        elif child.tag == _W + "numPr":
            for item in child:
                if item.tag == _W + "numId":
                    into.num_id = item.get(_VAL)
                elif item.tag == _W + "ilvl":
                    into.ilvl = _int(item.get(_VAL), 0)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    style: str | None = None


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # full w:lvl overrides


class _Numbering:
    """Renders list and heading labels as Word prints them, keeping the running counters."""

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._links: dict[str, str] = {}  # abstractNumId -> numbering style id (numStyleLink)
        self._nums: dict[str, _Num] = {}
        self._styles = styles
        self._counters: dict[str, list[int | None]] = {}
        self._seen: set[tuple[str, int]] = set()
        if root is None:
            return
        for element in root:
            if element.tag == _W + "abstractNum":
                abstract_id = element.get(_W + "abstractNumId", "")
                self._abstracts[abstract_id] = {
                    _int(lvl.get(_W + "ilvl"), 0) or 0: _read_level(lvl) for lvl in element.iterchildren(_W + "lvl")
                }
                link = element.find(_W + "numStyleLink")
                if link is not None and link.get(_VAL):
                    self._links[abstract_id] = link.get(_VAL, "")
            elif element.tag == _W + "num":
                ref = element.find(_W + "abstractNumId")
                num = _Num(abstract=ref.get(_VAL, "") if ref is not None else "")
                for override in element.iterchildren(_W + "lvlOverride"):
                    ilvl = _int(override.get(_W + "ilvl"), 0) or 0
                    for child in override:
                        if child.tag == _W + "startOverride":
                            num.starts[ilvl] = _int(child.get(_VAL), 1) or 0
                        elif child.tag == _W + "lvl":
                            num.levels[ilvl] = _read_level(child)
                self._nums[element.get(_W + "numId", "")] = num

    def _resolve(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        num = self._nums.get(num_id)
        if num is None:
            return None
        abstract_id = num.abstract
        for _ in range(5):  # follow numStyleLink to the definition that holds the levels
            link = self._links.get(abstract_id)
            if link is None:
                break
            linked_num, _ = self._styles.numbering(link)
            if linked_num is None or linked_num not in self._nums:
                break
            abstract_id = self._nums[linked_num].abstract
        levels = self._abstracts.get(abstract_id)
        if levels is None:
            return None
        return abstract_id, {**levels, **num.levels} if num.levels else levels

    def level_for_style(self, num_id: str, style_id: str | None) -> int | None:
        resolved = self._resolve(num_id)
        if resolved is None or style_id is None:
            return None
        for ilvl, level in resolved[1].items():
            if level.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter for (numId, ilvl) and return the label printed there, or None."""
        resolved = self._resolve(num_id)
        if resolved is None:
            return None
        abstract_id, levels = resolved
        ilvl = min(max(ilvl, 0), 8)
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(abstract_id, [None] * 9)
        if (num_id, ilvl) not in self._seen:
            self._seen.add((num_id, ilvl))
            start = self._nums[num_id].starts.get(ilvl)
            if start is not None:
                counters[ilvl] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return _bullet(level.text)

        def number(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            ref = levels.get(n, _Level())
            value = counters[n]
            return format_number(ref.start - 1 if value is None else value, "decimal" if level.legal else ref.fmt)

        label = _LEVEL_REF.sub(number, level.text)[:MAX_LABEL_CHARS]
        return label if label.strip() else None


def _read_level(element: etree._Element) -> _Level:
    level = _Level()
    for child in element:
        tag = child.tag
        if tag == _W + "start":
            level.start = _int(child.get(_VAL), 1) or 0
        elif tag == _W + "numFmt":
            level.fmt = child.get(_VAL, "decimal")
        elif tag == _W + "lvlText":
            level.text = child.get(_VAL, "")[:MAX_LABEL_CHARS]
        elif tag == _W + "lvlRestart":
            level.restart = _int(child.get(_VAL))
        elif tag == _W + "isLgl":
            level.legal = _on(child)
        elif tag == _W + "pStyle":
            level.style = child.get(_VAL)
    return level


def _bullet(text: str) -> str | None:
    if not text.strip():
        return None
    return "".join(_SYMBOL_BULLETS.get(c, "•" if "\ue000" <= c <= "\uf8ff" else c) for c in text)


# --- the walk -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _NoteRef:
    note_id: str
    custom_mark: bool


class _Walker:
    """Walks WordprocessingML in document order and collects block specs.

    `context` is None in the body; elsewhere (text boxes, headers, footers, notes) every block takes
    that kind. Body paragraphs, text-box paragraphs included, are counted while `counting` is on.
    Inside a table cell, paragraphs gather into the cell's text, and blocks found inside the cell
    (nested tables, text boxes) wait in `out` until the cell's own block is emitted before them.
    """

    def __init__(
        self, styles: _Styles, numbering: _Numbering, max_blocks: int, *, honour_fields: bool = True
    ) -> None:
        self.styles = styles
        self.numbering = numbering
        self.max_blocks = max_blocks
        self.honour_fields = honour_fields
        self.emitted = 0
        self.context: BlockKind | None = None
        self.context_label: str | None = None
        self.counting = True
        self.paragraphs = 0
        self.tables = 0
        self.fields: list[bool] = []  # per open field: True while in its instruction part
        self.out: list[Spec] = []
        self.cells: list[CellText] = []
        self.sections: list[etree._Element] = []
        self.footnote_refs: list[_NoteRef] = []
        self.endnote_refs: list[_NoteRef] = []
        self.alt_chunks = 0
        self.counted: list[CountedParagraph] | None = None  # filled only for `counted_paragraphs`

    def emit(self, kind: BlockKind, text: str, *, level: int | None = None, label: str | None = None,
             paragraph: int | None = None, table: int | None = None, row: int | None = None,
             column: int | None = None, inserted: bool = False) -> None:
        if not text or text.isspace():
            return
        self.emitted += 1
        if self.emitted > self.max_blocks:
            raise ReadFailure(ReadStatus.TOO_LARGE, f"more than {self.max_blocks} text blocks")
        self.out.append(Spec(kind, text, level, label, paragraph, table, row, column, inserted))

    # block level

    def block(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag == _SDT:
                content = _sdt_content(child)
                if content is not None:
                    self.block(content)
            elif tag == _SECTPR:
                self.sections.append(child)
            elif tag == _ALT:
                branch = _alternate_branch(child)
                if branch is not None:
                    self.block(branch)
            elif tag == _W + "altChunk":
                self.alt_chunks += 1
            elif isinstance(tag, str) and tag not in _BLOCK_SKIP:
                self.block(child)

    def paragraph(self, p: etree._Element) -> None:
        ppr = None
        inline = InlineText()
        for child in p:
            if child.tag == _PPR:
                ppr = child
            else:
                self.inline(child, inline)
        text = "".join(inline.parts).strip()
        has_text = bool(text)
        number = None
        if has_text and self.counting:
            self.paragraphs += 1
            number = self.paragraphs
        kind, level, label = self.structure(ppr, has_text)
        if number is not None and self.counted is not None:
            plain = not self.cells and self.context is None
            self.counted.append(CountedParagraph(number, p, level if plain and kind is BlockKind.HEADING else None))
        if self.cells:
            cell = self.cells[-1]
            if has_text:
                cell.texts.append(text)
                cell.first = cell.first or number
                cell.inserted = cell.inserted or inline.inserted
        elif self.context is not None:
            self.emit(self.context, text, label=self.context_label or label, paragraph=number, inserted=inline.inserted)
        else:
            self.emit(kind, text, level=level, label=label, paragraph=number, inserted=inline.inserted)
        for box in inline.boxes:
            self.text_box(box)

    def structure(self, ppr: etree._Element | None, has_text: bool) -> tuple[BlockKind, int | None, str | None]:
        """Kind, level and label of a paragraph from its own properties and its style.

        A paragraph deleted whole (tracked deletion of its text and its mark) takes no number.
        """
        own = _Style()
        style_id = None
        deleted = False
        if ppr is not None:
            for child in ppr:
                if child.tag == _W + "pStyle":
                    style_id = child.get(_VAL)
                elif child.tag == _SECTPR:
                    self.sections.append(child)
                elif child.tag == _RPR:
                    deleted = not has_text and child.find(_DEL) is not None
            if deleted:
                return BlockKind.PARAGRAPH, None, None
            _read_ppr_numbering(ppr, own)
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
        self.tables += 1
        number = self.tables
        for row_number, tr in enumerate(_wrapped(tbl, _TR), start=1):
            column = 1
            trpr = tr.find(_W + "trPr")
            if trpr is not None:
                before = trpr.find(_W + "gridBefore")
                if before is not None:
                    column += max(_int(before.get(_VAL), 0) or 0, 0)
            for tc in _wrapped(tr, _TC):
                span = 1
                tcpr = tc.find(_W + "tcPr")
                if tcpr is not None:
                    grid_span = tcpr.find(_W + "gridSpan")
                    if grid_span is not None:
                        span = max(_int(grid_span.get(_VAL), 1) or 1, 1)
                self.cell(tc, number, row_number, column)
                column += span

    def cell(self, tc: etree._Element, table: int, row: int, column: int) -> None:
        cell = CellText()
        outer, self.out = self.out, []
        self.cells.append(cell)
        try:
            self.block(tc)
        finally:
            self.cells.pop()
            inner, self.out = self.out, outer
        self.emit(self.context or BlockKind.TABLE_CELL, "\n".join(cell.texts), label=self.context_label,
                  paragraph=cell.first, table=table, row=row, column=column, inserted=cell.inserted)
        self.out.extend(inner)

    def text_box(self, content: etree._Element) -> None:
        saved = self.context, self.cells
        self.context, self.cells = self.context or BlockKind.TEXT_BOX, []
        try:
            self.block(content)
        finally:
            self.context, self.cells = saved

    # inline level

    def inline(self, element: etree._Element, into: InlineText) -> None:
        tag = element.tag
        if tag == _R:
            self.run(element, into)
        elif tag in _INLINE_SKIP or not isinstance(tag, str):
            return
        elif tag == _INS:
            into.inserted = True
            for child in element:
                self.inline(child, into)
        elif tag == _SDT:
            content = _sdt_content(element)
            if content is not None:
                for child in content:
                    self.inline(child, into)
        elif tag == _ALT:
            branch = _alternate_branch(element)
            if branch is not None:
                for child in branch:
                    self.inline(child, into)
        elif tag == _TXBX:
            into.boxes.append(element)
        elif tag == _M_T:
            if not self.in_instruction():
                into.parts.append(element.text or "")
        else:
            for child in element:
                self.inline(child, into)

    def run(self, r: etree._Element, into: InlineText) -> None:
        hidden = False
        for child in r:
            tag = child.tag
            if tag == _T:
                if not hidden and not self.in_instruction():
                    into.parts.append(child.text or "")
            elif tag == _RPR:
                vanish = child.find(_W + "vanish")
                hidden = vanish is not None and _on(vanish)
            elif tag in _RUN_TEXT:
                if not hidden and not self.in_instruction():
                    into.parts.append(_RUN_TEXT[tag])
            elif tag in _RUN_SILENT:
                continue
            elif tag == _FLDCHAR:
                self.field_char(child.get(_W + "fldCharType"))
            elif tag == _SYM:
                if not hidden and not self.in_instruction():
                    into.parts.append(_symbol(child.get(_W + "char")))
            elif tag in (_FOOTNOTEREF, _ENDNOTEREF):
                if self.counting and not hidden:
                    refs = self.footnote_refs if tag == _FOOTNOTEREF else self.endnote_refs
                    refs.append(_NoteRef(child.get(_W + "id", ""), _on_attr(child.get(_W + "customMarkFollows"))))
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


def _sdt_content(sdt: etree._Element) -> etree._Element | None:
    """The content of a content control, or None while it only shows its placeholder text."""
    content = None
    for child in sdt:
        if child.tag == _SDTPR:
            placeholder = child.find(_W + "showingPlcHdr")
            if placeholder is not None and _on(placeholder):
                return None
        elif child.tag == _SDTCONTENT:
            content = child
    return content


def _alternate_branch(alternate: etree._Element) -> etree._Element | None:
    """mc:AlternateContent holds the same content twice; read the first Choice (else the Fallback)."""
    choice = alternate.find(_CHOICE)
    return choice if choice is not None else alternate.find(_FALLBACK)


def _wrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with `tag`, looking through content controls and custom XML that wrap rows or cells."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = _sdt_content(child)
            if content is not None:
                yield from _wrapped(content, tag)
        elif child.tag == _W + "customXml":
            yield from _wrapped(child, tag)


def _symbol(code: str | None) -> str:
    """The character of a w:sym; symbol fonts keep theirs in the private-use range F000-F0FF."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        return _SYMBOL_BULLETS.get(chr(value), chr(value - 0xF000))
    try:
        return chr(value)
    except (ValueError, OverflowError):
        return ""


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
        style_table = _Styles(styles)
        walker = _Walker(style_table, _Numbering(numbering, style_table), sys.maxsize, honour_fields=honour_fields)
        walker.counted = []
        walker.block(body)
        return walker

    walker = walk(True)
    if True in walker.fields:  # as read_docx does when a field never ends
        walker = walk(False)
    return walker.counted or []


# --- reading ------------------------------------------------------------------------------------

_CORE_PROPERTIES = {
    "title": "title", "creator": "author", "created": "created", "modified": "modified",
    "lastModifiedBy": "last_modified_by", "subject": "subject", "keywords": "keywords",
}


def read_docx(data: bytes, options: ReadOptions) -> Extraction:
    """Read a DOCX package's bytes; ReadFailure for damaged or oversized packages."""
    package = OfficePackage(data)
    warnings: list[str] = []
    package_rels = _relations(package, "", warnings)
    main = next((r.target for r in package_rels.values() if r.kind == "officeDocument"), "word/document.xml")
    if not package.has(main):
        main = "word/document.xml"
    body = package.xml(main).find(_W + "body")
    if body is None:
        raise ReadFailure(ReadStatus.CORRUPT, f"{main} has no document body")
    rels = _relations(package, main, warnings)

    def part(kind: str) -> etree._Element | None:
        name = next((r.target for r in rels.values() if r.kind == kind), None)
        return _optional_xml(package, name, warnings)

    styles, numbering = _Styles(part("styles")), part("numbering")
    walker = _Walker(styles, _Numbering(numbering, styles), options.max_blocks)
    walker.block(body)
    if True in walker.fields:
        warnings.append("a field code in the body never ends; read again without hiding field instructions")
        walker = _Walker(styles, _Numbering(numbering, styles), options.max_blocks, honour_fields=False)
        walker.block(body)
    if walker.alt_chunks:
        warnings.append(f"{walker.alt_chunks} embedded document(s) (altChunk) were not read")
    body_specs, walker.out = walker.out, []
    walker.counting = False
    settings = part("settings")
    for kind, name in _header_footer_parts(walker.sections, rels, settings):
        content = _optional_xml(package, name, warnings)
        if content is not None:
            _walk_part(walker, content, kind)
    _walk_notes(walker, part("footnotes"), "footnote", walker.footnote_refs, _note_format(walker, settings, "footnote"))
    _walk_notes(walker, part("endnotes"), "endnote", walker.endnote_refs, _note_format(walker, settings, "endnote"))
    builder = BlockBuilder()
    for specs in (body_specs, walker.out):
        for spec in specs:
            builder.add(spec.kind, spec.text, level=spec.level, label=spec.label, paragraph=spec.paragraph,
                        table=spec.table, row=spec.row, column=spec.column, inserted=spec.inserted)
        builder.reset_path()
    core = next((r.target for r in package_rels.values() if r.kind == "core-properties"), "docProps/core.xml")
    return Extraction(
        blocks=builder.blocks,
        warnings=tuple(warnings),
        properties=_core_properties(_optional_xml(package, core, warnings)),
    )


def _optional_xml(package: OfficePackage, name: str | None, warnings: list[str]) -> etree._Element | None:
    """A part the text does not hinge on: when damaged, skip it with a warning instead of failing."""
    if name is None or not package.has(name):
        return None
    try:
        return package.xml(name)
    except ReadFailure as failure:
        warnings.append(f"{failure.message}; skipped")
        return None


def _walk_part(walker: _Walker, root: etree._Element, kind: BlockKind, label: str | None = None) -> None:
    walker.context, walker.context_label, walker.fields = kind, label, []
    walker.block(root)
    walker.context, walker.context_label = None, None


def _header_footer_parts(
    sections: list[etree._Element], rels: dict[str, _Relation], settings: etree._Element | None
) -> list[tuple[BlockKind, str]]:
    """Each header/footer part a section shows, once, in the order the sections first use them."""
    even_pages = settings is not None and any(_on(e) for e in settings.iterchildren(_W + "evenAndOddHeaders"))
    parts: dict[str, BlockKind] = {}
    for section in sections:
        title_page = any(_on(e) for e in section.iterchildren(_W + "titlePg"))
        for reference in section:
            if reference.tag == _W + "headerReference":
                kind = BlockKind.HEADER
            elif reference.tag == _W + "footerReference":
                kind = BlockKind.FOOTER
            else:
                continue
            use = reference.get(_W + "type", "default")
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
        properties = holder.find(f"{_W}{note}Pr") if holder is not None else None
        if properties is None:
            continue
        num_fmt, num_start = properties.find(_W + "numFmt"), properties.find(_W + "numStart")
        fmt = fmt or (num_fmt.get(_VAL) if num_fmt is not None else None)
        start = start or (_int(num_start.get(_VAL)) if num_start is not None else None)
    return fmt or ("decimal" if note == "footnote" else "lowerRoman"), start or 1


def _walk_notes(walker: _Walker, root: etree._Element | None, note: str, refs: list[_NoteRef],
                number_format: tuple[str, int]) -> None:
    """Notes in the order the body refers to them, each labelled with the number printed at its mark."""
    if root is None or not refs:
        return
    notes = {
        element.get(_W + "id", ""): element
        for element in root.iterchildren(_W + note)
        if element.get(_W + "type", "normal") == "normal"
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
