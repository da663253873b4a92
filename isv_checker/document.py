"""The normalised document model every reader produces and every later stage reads.

A reader turns a DOCX, PDF, scan or text file into one `Document`: an ordered tuple of `Block`s, each
with its exact text and where it sits (page, paragraph or line, table cell, heading path). Later stages
quote evidence as (block index, start, end) into `Block.text`, so a block's text is never altered
after it is built. The model says nothing about ISV: readers describe, rules judge.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .notice import Notice


class ReadStatus(StrEnum):
    """How reading a file went; every outcome, good or bad, is one of these, never an exception."""

    OK = "ok"
    OCR = "ocr"  # readable, but some or all text came from optical character recognition
    EMPTY = "empty"  # a valid file with no text in it
    ENCRYPTED = "encrypted"  # password-protected: the text cannot be read without the password
    CORRUPT = "corrupt"  # damaged or not what its format says
    UNSUPPORTED = "unsupported"  # a format isv-checker does not read
    NEEDS_OCR = "needs_ocr"  # pages without a text layer and no OCR engine to read them
    TOO_LARGE = "too_large"  # over a configured size or page limit
    TIMEOUT = "timeout"  # reading took longer than the configured limit (batch runs)
    ERROR = "error"  # an unexpected failure inside isv-checker; the message says what

    @property
    def readable(self) -> bool:
        """True when the document's text is there to be checked."""
        return self in (ReadStatus.OK, ReadStatus.OCR)


class DocFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    TEXT = "text"
    ODT = "odt"
    DOC = "doc"  # legacy binary Word (97-2003), read through antiword
    RTF = "rtf"  # Rich Text Format, read through catdoc
    NOTICE = "notice"  # a procurement notice as XML: eForms (UBL) or TED R2.0.9
    UNKNOWN = "unknown"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    HEADER = "header"
    FOOTER = "footer"
    FOOTNOTE = "footnote"
    TEXT_BOX = "text_box"


class Block(BaseModel):
    """One unit of text with its location.

    Locations follow the source format: `page` for PDFs and scans (1-based), `paragraph` for DOCX/ODT
    (1-based index over the body's paragraphs and table-cell paragraphs in reading order), `line` for
    plain text (1-based line where the block starts). A table cell also carries `table` (1-based,
    counted in reading order, nested tables included), `row` and `column` (1-based).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(description="position of the block in the document's reading order, 0-based")
    kind: BlockKind
    text: str
    level: int | None = Field(default=None, description="heading level (1 = top) or list nesting level (1 = top)")
    label: str | None = Field(default=None, description="list or heading numbering as printed, e.g. '3.2', 'a)', '•'")
    page: int | None = None
    paragraph: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    heading_path: tuple[str, ...] = Field(default=(), description="headings this block sits under, outermost first")
    ocr: bool = Field(default=False, description="text came from optical character recognition")
    inserted: bool = Field(default=False, description="text of a tracked insertion not yet accepted")
    element: str | None = Field(
        default=None, description="in a notice, the path of the XML element the text is (with `line`, where it starts)"
    )

    def location(self) -> str:
        """A short human label of where the block is, e.g. 'p. 3', 'par. 12, table 2 r3 c1'."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.paragraph is not None:
            parts.append(f"par. {self.paragraph}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.element is not None:
            parts.append(_element_label(self.element))
        if self.table is not None:
            parts.append(f"table {self.table} r{self.row} c{self.column}")
        if self.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.FOOTNOTE, BlockKind.TEXT_BOX):
            parts.append(self.kind.value.replace("_", " "))
        return ", ".join(parts) or f"block {self.index}"


@lru_cache(maxsize=4096)
def _element_label(element: str) -> str:
    """An XML element's path as a location shows it, a long one cut to its last three steps. Every
    fact of every notice is quoted with its location, and a bulk package's notices repeat the same
    few hundred paths: each is cut once."""
    steps = element.split("/")
    return element if len(steps) <= 5 else "…/" + "/".join(steps[-3:])


MessageParam = str | int | float | None


class ReadMessage(BaseModel):
    """What reading says about a file, as a code and its parameters, so that every output says it in
    its own language (the catalogue's `read.<code>`, rendered by `i18n.reading`). `because` holds the
    messages that give its reasons, said after it ("...: reason; reason"). `Document.message` and
    `warnings` keep the English text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="e.g. 'empty_file', 'pdf_encrypted'; the catalogue's key is 'read.<code>'")
    params: dict[str, MessageParam] = Field(default_factory=dict)
    because: tuple[ReadMessage, ...] = ()


class Document(BaseModel):
    """A read file: its identity, how reading went, and its blocks in reading order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    sha256: str | None = Field(default=None, description="hex digest of the file's bytes; None if it could not be read")
    size: int | None = Field(default=None, description="file size in bytes")
    format: DocFormat
    status: ReadStatus
    message: str = Field(default="", description="what a person should know about how reading went")
    coded_message: ReadMessage | None = Field(
        default=None, description="`message` as a code with parameters, for every language"
    )
    pages: int | None = Field(default=None, description="page count for PDFs; None where the format has no pages")
    language: Literal["nl", "en"] | None = None
    blocks: tuple[Block, ...] = ()
    ocr_pages: tuple[int, ...] = Field(default=(), description="pages whose text came from OCR")
    warnings: tuple[str, ...] = ()
    coded_warnings: tuple[ReadMessage, ...] = Field(
        default=(), description="`warnings` as codes with parameters, for every language"
    )
    properties: dict[str, str] = Field(
        default_factory=dict, description="document properties such as title, author, created, modified"
    )
    notice: Notice | None = Field(default=None, description="a procurement notice's facts as data (format notice)")

    @property
    def readable(self) -> bool:
        return self.status.readable

    def kind_counts(self) -> dict[str, int]:
        """Blocks per kind, kinds in order of first appearance."""
        return {kind.value: n for kind, n in Counter(block.kind for block in self.blocks).items()}

    @property
    def char_count(self) -> int:
        return sum(len(b.text) for b in self.blocks)


def page_ranges(pages: tuple[int, ...]) -> str:
    """Pages as a reader names them, runs collapsed: (1, 2, 3, 5) -> '1-3, 5'. The reader's status
    message and the OCR finding both say which pages were read by OCR, in the same words."""
    ranges: list[str] = []
    start: int | None = None
    prev = 0
    for page in sorted(pages):
        if start is None:
            start = prev = page
        elif page == prev + 1:
            prev = page
        else:
            ranges.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = page
    if start is not None:
        ranges.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(ranges)
