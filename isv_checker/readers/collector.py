"""What the DOCX and ODT walks do with the text they find, so both place it by the same rules.

A walk goes through the XML in document order and hands each paragraph's text here. In the body a
paragraph becomes a block of its own kind; inside a table cell it joins the cell's text, and the
cell's block comes before the blocks found inside the cell (nested tables, text boxes); in a text
box, header, footer or note every block takes that context's kind. Body paragraphs that hold text
are counted ("par. 57") until the body ends. The blocks are made at the end by `BlockBuilder`, body
first, each part with its own heading path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from ..document import Block, BlockKind, ReadStatus
from .builder import BlockBuilder
from .extraction import ReadFailure

Walk = Callable[[etree._Element], None]


class Spec(NamedTuple):
    """A block as a walk finds it, before the builder gives it its index and heading path."""

    kind: BlockKind
    text: str
    level: int | None
    label: str | None
    paragraph: int | None
    table: int | None
    row: int | None
    column: int | None
    inserted: bool


@dataclass(slots=True)
class InlineText:
    """A paragraph's text as a walk gathers it, and the text boxes anchored in it (read after it)."""

    parts: list[str] = field(default_factory=list)
    inserted: bool = False
    boxes: list[etree._Element] = field(default_factory=list)


@dataclass(slots=True)
class CellText:
    """A table cell's paragraphs so far, the number of its first counted one, and whether any was inserted."""

    texts: list[str] = field(default_factory=list)
    first: int | None = None
    inserted: bool = False


class BlockCollector:
    """Specs in reading order, with where the walk is: the open cells, the context and the counters.

    `context` is None in the body; elsewhere (text boxes, headers, footers, notes) every block takes
    that kind and `context_label` as label. More than `max_blocks` blocks stop the read (TOO_LARGE).
    """

    def __init__(self, max_blocks: int) -> None:
        self.max_blocks = max_blocks
        self.emitted = 0
        self.context: BlockKind | None = None
        self.context_label: str | None = None
        self.counting = True
        self.paragraphs = 0
        self.tables = 0
        self.out: list[Spec] = []
        self.body: list[Spec] = []
        self.cells: list[CellText] = []

    def emit(
        self,
        kind: BlockKind,
        text: str,
        *,
        level: int | None = None,
        label: str | None = None,
        paragraph: int | None = None,
        table: int | None = None,
        row: int | None = None,
        column: int | None = None,
        inserted: bool = False,
    ) -> None:
        if not text or text.isspace():
            return
        self.emitted += 1
        if self.emitted > self.max_blocks:
            raise ReadFailure(ReadStatus.TOO_LARGE, "too_many_blocks", limit=self.max_blocks)
        self.out.append(Spec(kind, text, level, label, paragraph, table, row, column, inserted))

    def paragraph(
        self, text: str, kind: BlockKind, *, level: int | None = None, label: str | None = None, inserted: bool = False
    ) -> int | None:
        """Place a paragraph's stripped text; returns its number when it is a counted body paragraph."""
        number = None
        if text and self.counting:
            self.paragraphs += 1
            number = self.paragraphs
        if self.cells:
            cell = self.cells[-1]
            if text:
                cell.texts.append(text)
                cell.first = cell.first or number
                cell.inserted = cell.inserted or inserted
        elif self.context is not None:
            self.emit(self.context, text, label=self.context_label or label, paragraph=number, inserted=inserted)
        else:
            self.emit(kind, text, level=level, label=label, paragraph=number, inserted=inserted)
        return number

    def table(self) -> int:
        """The next table's number."""
        self.tables += 1
        return self.tables

    def cell(self, walk: Walk, element: etree._Element, table: int, row: int, column: int) -> None:
        """Walk a cell's content into one block, placed before the blocks found inside the cell."""
        cell = CellText()
        outer, self.out = self.out, []
        self.cells.append(cell)
        try:
            walk(element)
        finally:
            self.cells.pop()
            inner, self.out = self.out, outer
        self.emit(
            self.context or BlockKind.TABLE_CELL,
            "\n".join(cell.texts),
            label=self.context_label,
            paragraph=cell.first,
            table=table,
            row=row,
            column=column,
            inserted=cell.inserted,
        )
        self.out.extend(inner)

    def text_box(self, walk: Walk, element: etree._Element) -> None:
        """Walk a text box: its paragraphs are blocks of their own, even when it sits in a table cell."""
        saved = self.context, self.cells
        self.context, self.cells = self.context or BlockKind.TEXT_BOX, []
        try:
            walk(element)
        finally:
            self.context, self.cells = saved

    def part(self, walk: Walk, element: etree._Element, kind: BlockKind, label: str | None = None) -> None:
        """Walk a part outside the body (a header, footer or note), every block of it of `kind`."""
        self.context, self.context_label = kind, label
        walk(element)
        self.context, self.context_label = None, None

    def end_body(self) -> None:
        """The body is done: what follows is not counted and gets a heading path of its own."""
        self.body, self.out = self.out, []
        self.counting = False

    def blocks(self) -> tuple[Block, ...]:
        builder = BlockBuilder()
        for specs in (self.body, self.out):
            for spec in specs:
                builder.add(
                    spec.kind,
                    spec.text,
                    level=spec.level,
                    label=spec.label,
                    paragraph=spec.paragraph,
                    table=spec.table,
                    row=spec.row,
                    column=spec.column,
                    inserted=spec.inserted,
                )
            builder.reset_path()
        return builder.blocks
