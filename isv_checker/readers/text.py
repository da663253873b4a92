"""Plain text files: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

Tables in text exports are runs of lines with cells between "|" (Markdown and most converters) or
tabs; they become table cells so each row's words stay apart from the next row's.
"""

from __future__ import annotations

import re

from ..document import BlockKind, ReadMessage, ReadStatus
from ..settings import ReadOptions
from .builder import BlockBuilder
from .extraction import Extraction, ReadFailure
from .layout import Line, segment_lines


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Tries the encodings tender archives actually contain."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_text(data: bytes, options: ReadOptions) -> Extraction:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise ReadFailure(ReadStatus.CORRUPT, "undecodable", reason=exc.reason) from None
    if "\x00" in text:
        raise ReadFailure(ReadStatus.UNSUPPORTED, "binary")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [Line(text=t.replace("\f", " "), number=n) for n, t in enumerate(raw_lines, start=1)]
    builder = BlockBuilder()
    table = 0
    for run_is_table, run in _runs(lines):
        if run_is_table:
            table += 1
            _add_table(builder, run, table)
        else:
            for segment in segment_lines(run):
                builder.add(segment.kind, segment.text, level=segment.level, label=segment.label, line=segment.line)
        if len(builder) >= options.max_blocks:
            raise ReadFailure(ReadStatus.TOO_LARGE, "too_many_blocks", limit=options.max_blocks)
    warnings = () if encoding.startswith("utf") else (ReadMessage(code="decoded_as", params={"encoding": encoding}),)
    return Extraction(blocks=builder.blocks, warnings=warnings, properties={"encoding": encoding})


_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str] | None:
    """The cells of a table row, or None when the line is not one (at least two cells)."""
    text = line.strip()
    if text.count("|") >= 2 or (text.count("|") == 1 and not text.startswith("|")):
        cells = [c.strip() for c in text.strip("|").split("|")]
    elif "\t" in text:
        cells = [c.strip() for c in text.split("\t") if c.strip()]
    else:
        return None
    return cells if len(cells) >= 2 else None


def _shape(line: str) -> tuple[str, int] | None:
    """(delimiter, cell count) of a table row: rows of one table share both."""
    cells = _cells(line)
    if cells is None:
        return None
    return ("|" if "|" in line else "\t", len(cells))


def _runs(lines: list[Line]) -> list[tuple[bool, list[Line]]]:
    """Split lines into runs of table rows (two or more consecutive rows) and runs of other lines."""
    runs: list[tuple[bool, list[Line]]] = []
    current: list[Line] = []
    rows: list[Line] = []

    def close_rows() -> None:
        nonlocal rows, current
        if len(rows) >= 2:
            if current:
                runs.append((False, current))
                current = []
            runs.append((True, rows))
        else:
            current.extend(rows)
        rows = []

    shape: tuple[str, int] | None = None
    for line in lines:
        if rows and _SEPARATOR_ROW.match(line.text):
            rows.append(line)
            continue
        this = _shape(line.text)
        if this is not None and rows and this != shape:
            close_rows()
        if this is not None:
            shape = shape if rows else this
            rows.append(line)
        else:
            close_rows()
            current.append(line)
    close_rows()
    if current:
        runs.append((False, current))
    return runs


def _add_table(builder: BlockBuilder, rows: list[Line], table: int) -> None:
    row_number = 0
    for line in rows:
        if _SEPARATOR_ROW.match(line.text):
            continue
        row_number += 1
        for column, cell in enumerate(_cells(line.text) or [], start=1):
            builder.add(BlockKind.TABLE_CELL, cell, line=line.number, table=table, row=row_number, column=column)
