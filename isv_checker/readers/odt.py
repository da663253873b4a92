"""OpenDocument text (.odt): content.xml for the body, styles.xml for headers and footers, meta.xml
for the properties.

The same rules as the DOCX reader, so findings read alike whichever format a tender arrives in:
tracked insertions are in (and marked `inserted`), deletions (kept apart in `text:tracked-changes`)
and comments (`office:annotation`) are out, text boxes follow the paragraph that anchors them, notes
come after the body with their printed citation as label, and `paragraph` counts the body paragraphs
that hold text, table cells and text boxes included. List labels are rendered from the list style
(number format, prefix, suffix, levels shown); numbering of headings by the outline style is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from ..document import BlockKind, ReadMessage, ReadStatus
from ..settings import ReadOptions
from .collector import BlockCollector, InlineText
from .extraction import Extraction, ReadFailure
from .office import MAX_LABEL_CHARS, OfficePackage, format_number

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"

_P, _H, _LIST, _TBL = _TEXT + "p", _TEXT + "h", _TEXT + "list", _TABLE + "table"
_NOTE, _FRAME = _TEXT + "note", _DRAW + "frame"
_CHANGE_START, _CHANGE_END = _TEXT + "change-start", _TEXT + "change-end"
_BLOCK_SKIP = frozenset(
    (
        _TEXT + "tracked-changes",
        _OFFICE + "annotation",
        _OFFICE + "annotation-end",
        _TEXT + "sequence-decls",
        _TEXT + "variable-decls",
        _TEXT + "user-field-decls",
        _OFFICE + "forms",
        _TABLE + "table-columns",
        _TABLE + "table-column",
        _TABLE + "table-header-columns",
        _TEXT + "soft-page-break",
    )
)
_INLINE_SKIP = frozenset(
    (
        _OFFICE + "annotation",
        _OFFICE + "annotation-end",
        _TEXT + "ruby-text",
        _TEXT + "bookmark",
        _TEXT + "bookmark-start",
        _TEXT + "bookmark-end",
        _TEXT + "soft-page-break",
        _TEXT + "change",
        _DRAW + "image",
    )
)
_INLINE_TEXT = {_TEXT + "tab": "\t", _TEXT + "line-break": "\n"}
_ROW_GROUPS = frozenset(_TABLE + t for t in ("table-header-rows", "table-rows", "table-row-group"))
_SHAPES = frozenset(_DRAW + t for t in ("custom-shape", "rect", "ellipse", "polygon", "path", "text-box"))
_HEADERS = {
    _STYLE + "header": BlockKind.HEADER,
    _STYLE + "header-left": BlockKind.HEADER,
    _STYLE + "header-first": BlockKind.HEADER,
    _STYLE + "footer": BlockKind.FOOTER,
    _STYLE + "footer-left": BlockKind.FOOTER,
    _STYLE + "footer-first": BlockKind.FOOTER,
}
_NUM_FORMATS = {
    "1": "decimal",
    "a": "lowerLetter",
    "A": "upperLetter",
    "i": "lowerRoman",
    "I": "upperRoman",
    "": "none",
}
_SPACES = re.compile(r"[ \t\r\n]+")
_MAX_SPACES = 1_000  # text:s c="3000000000" would otherwise be a 3 GB string
_META_KEYS = {
    _DC + "title": "title",
    _META + "initial-creator": "author",
    _DC + "creator": "last_modified_by",
    _META + "creation-date": "created",
    _DC + "date": "modified",
    _DC + "subject": "subject",
}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _ListLevel(NamedTuple):
    bullet: str | None
    fmt: str
    prefix: str
    suffix: str
    shown: int
    start: int


def _list_styles(*roots: etree._Element | None) -> dict[str, dict[int, _ListLevel]]:
    styles: dict[str, dict[int, _ListLevel]] = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(_TEXT + "list-style"):
            levels: dict[int, _ListLevel] = {}
            for level in style:
                number = _int(level.get(_TEXT + "level"), 1)
                if level.tag == _TEXT + "list-level-style-bullet":
                    levels[number] = _ListLevel(level.get(_TEXT + "bullet-char", "•"), "none", "", "", 1, 1)
                elif level.tag == _TEXT + "list-level-style-number":
                    levels[number] = _ListLevel(
                        None,
                        _NUM_FORMATS.get(level.get(_STYLE + "num-format", "1"), "decimal"),
                        level.get(_STYLE + "num-prefix", ""),
                        level.get(_STYLE + "num-suffix", ""),
                        _int(level.get(_TEXT + "display-levels"), 1),
                        _int(level.get(_TEXT + "start-value"), 1),
                    )
            styles[style.get(_STYLE + "name", "")] = levels
    return styles


@dataclass(slots=True)
class _List:
    style: dict[int, _ListLevel]
    counters: list[int | None] = field(default_factory=lambda: [None] * 11)


class _Walker:
    """Walks ODF text in document order and hands its text to a `BlockCollector`, as the DOCX walker does."""

    def __init__(self, list_styles: dict[str, dict[int, _ListLevel]], insertions: set[str], max_blocks: int) -> None:
        self.list_styles = list_styles
        self.insertions = insertions
        self.open_insertions: set[str] = set()
        self.collect = BlockCollector(max_blocks)
        self.notes: list[tuple[str | None, etree._Element]] = []
        self.lists: dict[str, _List] = {}  # per list style, so continue-numbering can pick up

    def block(self, container: etree._Element) -> None:
        for child in container:
            self.node(child)

    def node(self, element: etree._Element) -> None:
        tag = element.tag
        if tag == _P:
            self.paragraph(element, BlockKind.PARAGRAPH)
        elif tag == _H:
            self.paragraph(element, BlockKind.HEADING, level=max(1, _int(element.get(_TEXT + "outline-level"), 1)))
        elif tag == _LIST:
            self.list(element, None, 1)
        elif tag == _TBL:
            self.table(element)
        elif tag == _FRAME or tag in _SHAPES:
            self.text_box(element)
        elif isinstance(tag, str) and tag not in _BLOCK_SKIP and not tag.endswith("-source"):
            self.block(element)

    def list(self, element: etree._Element, parent: _List | None, depth: int) -> None:
        """A list's items as LIST_ITEMs; nested lists share their outermost list's style and counters.

        A new outermost list starts counting afresh unless it says it continues (continue-numbering,
        continue-list), in which case it takes over the counters of the last list in its style.
        """
        current = parent
        if current is None:
            key = element.get(_TEXT + "style-name", "")
            current = self.lists.get(key)
            continues = element.get(_TEXT + "continue-numbering") == "true" or element.get(_TEXT + "continue-list")
            if current is None or not continues:
                current = _List(self.list_styles.get(key, {}))
                self.lists[key] = current
        for item in element:
            if item.tag not in (_TEXT + "list-item", _TEXT + "list-header"):
                continue
            numbered = item.tag == _TEXT + "list-item"
            labelled = False
            for child in item:
                if child.tag == _LIST:
                    self.list(child, current, depth + 1)
                elif child.tag in (_P, _H) and numbered:
                    label = None if labelled else self.label(current, depth, item.get(_TEXT + "start-value"))
                    labelled = True
                    if child.tag == _H:  # a heading numbered by a list stays a heading
                        level = max(1, _int(child.get(_TEXT + "outline-level"), 1))
                        self.paragraph(child, BlockKind.HEADING, level=level, label=label)
                    else:
                        self.paragraph(child, BlockKind.LIST_ITEM, level=depth, label=label)
                else:
                    self.node(child)

    def label(self, current: _List, depth: int, start_value: str | None) -> str | None:
        level = current.style.get(depth)
        counters = current.counters
        index = min(depth, 10)
        start = level.start if level else 1
        previous = counters[index]
        if start_value is not None:
            counters[index] = _int(start_value, start)
        else:
            counters[index] = start if previous is None else previous + 1
        for deeper in range(index + 1, 11):
            counters[deeper] = None
        if level is None:
            return None
        if level.bullet is not None:
            return level.bullet or None
        numbers = []
        for shown in range(max(1, index - level.shown + 1), index + 1):
            ref = current.style.get(shown, level)
            value = counters[shown]
            numbers.append(format_number(ref.start - 1 if value is None else value, ref.fmt))
        label = f"{level.prefix}{'.'.join(numbers)}{level.suffix}"[:MAX_LABEL_CHARS]
        return label if label.strip() else None

    def paragraph(
        self, p: etree._Element, kind: BlockKind, *, level: int | None = None, label: str | None = None
    ) -> None:
        inline = InlineText(inserted=bool(self.open_insertions))
        if p.text:
            inline.parts.append(_SPACES.sub(" ", p.text))
        for child in p:
            self.inline(child, inline)
        text = "".join(inline.parts).strip()
        self.collect.paragraph(text, kind, level=level, label=label, inserted=inline.inserted)
        for box in inline.boxes:
            self.text_box(box)

    def inline(self, element: etree._Element, into: InlineText) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in _INLINE_SKIP:
            pass
        elif tag == _TEXT + "s":
            into.parts.append(" " * min(max(1, _int(element.get(_TEXT + "c"), 1)), _MAX_SPACES))
        elif tag in _INLINE_TEXT:
            into.parts.append(_INLINE_TEXT[tag])
        elif tag == _NOTE:
            citation = element.find(_TEXT + "note-citation")
            label = element.get(_TEXT + "label") or (
                "".join(citation.itertext()).strip() if citation is not None else None
            )
            body = element.find(_TEXT + "note-body")
            if body is not None and self.collect.counting:
                self.notes.append((label or None, body))
        elif tag == _CHANGE_START:
            change = element.get(_TEXT + "change-id", "")
            if change in self.insertions:
                self.open_insertions.add(change)
                into.inserted = True
        elif tag == _CHANGE_END:
            self.open_insertions.discard(element.get(_TEXT + "change-id", ""))
        elif tag == _FRAME or tag in _SHAPES:
            into.boxes.append(element)
        else:
            if element.text:
                into.parts.append(_SPACES.sub(" ", element.text))
            for child in element:
                self.inline(child, into)
        if element.tail:
            into.parts.append(_SPACES.sub(" ", element.tail))

    def table(self, tbl: etree._Element) -> None:
        number = self.collect.table()
        row_number = 0
        for tr in _rows(tbl):
            row_number += 1
            column = 1
            for cell in tr:
                repeat = max(1, _int(cell.get(_TABLE + "number-columns-repeated"), 1))
                if cell.tag == _TABLE + "table-cell":
                    self.collect.cell(self.block, cell, number, row_number, column)
                elif cell.tag != _TABLE + "covered-table-cell":
                    continue
                column += repeat
            row_number += max(1, _int(tr.get(_TABLE + "number-rows-repeated"), 1)) - 1

    def text_box(self, frame: etree._Element) -> None:
        """A frame's text box, or a drawing shape's own paragraphs, as text-box blocks."""
        self.collect.text_box(self.box_content, frame)

    def box_content(self, frame: etree._Element) -> None:
        if frame.tag == _FRAME:
            for child in frame:
                if child.tag == _DRAW + "text-box":
                    self.block(child)
        else:
            self.block(frame)


def _rows(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        if child.tag == _TABLE + "table-row":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def read_odt(data: bytes, options: ReadOptions) -> Extraction:
    """Read an ODT package's bytes; ReadFailure for encrypted, damaged or oversized packages."""
    package = OfficePackage(data, allow_dtd=True)
    if package.has("META-INF/manifest.xml") and b"encryption-data" in package.read("META-INF/manifest.xml"):
        raise ReadFailure(ReadStatus.ENCRYPTED, "password_protected")
    content = package.xml("content.xml")
    text = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise ReadFailure(ReadStatus.CORRUPT, "odt_no_text")
    warnings: list[ReadMessage] = []
    styles = package.optional_xml("styles.xml", warnings)
    insertions = {
        region.get(_TEXT + "id", "")
        for region in text.iterchildren(_TEXT + "tracked-changes")
        for region in region.iterchildren(_TEXT + "changed-region")
        if region.find(_TEXT + "insertion") is not None
    }
    walker = _Walker(_list_styles(styles, content), insertions, options.max_blocks)
    walker.block(text)
    walker.collect.end_body()
    if styles is not None:
        for master in styles.iter(_STYLE + "master-page"):
            for part in master:
                kind = _HEADERS.get(part.tag)
                if kind is not None and part.get(_STYLE + "display") != "false":
                    walker.collect.part(walker.block, part, kind)
    for label, body in walker.notes:
        walker.collect.part(walker.block, body, BlockKind.FOOTNOTE, label)
    return Extraction(
        blocks=walker.collect.blocks(),
        warnings=tuple(warnings),
        properties=_meta_properties(package.optional_xml("meta.xml", warnings)),
    )


def _meta_properties(root: etree._Element | None) -> dict[str, str]:
    properties: dict[str, str] = {}
    meta = root.find(_OFFICE + "meta") if root is not None else None
    if meta is None:
        return properties
    keywords: list[str] = []
    for child in meta:
        value = " ".join("".join(child.itertext()).split()) if isinstance(child.tag, str) else ""
        if not value:
            continue
        if child.tag == _META + "keyword":
            keywords.append(value)
        elif child.tag in _META_KEYS:
            properties[_META_KEYS[child.tag]] = value
    if keywords:
        properties["keywords"] = ", ".join(keywords)
    return properties
