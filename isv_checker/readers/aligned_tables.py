"""Tables rebuilt from where their text stands on the page, for PDFs, whose text layer has no cells.

pdfium gives a table's text as lines: a row whose cells each fit on one line comes out as one line
("Publicatie 18 september 2023"), a cell that wraps as lines of its own, its neighbours after it.
Read that way, an amount loses the header of its column ("Geraamde waarde") and a row's cells run
into each other. A table is recognised by its layout alone, ruled or not: runs of printed lines
that break into pieces at gaps wider than a word space (`Piece`), whose pieces stand in columns
that no piece crosses. Rows are the cells that start on the same line; a cell is the pieces of one
column on consecutive lines, in the order the producer wrote them. The result has the shape a DOCX
table has (rows of cells, the first row the header), so the rules read both alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .layout import join_lines

_MIN_ROWS = 2
_SAME_LINE = 0.35  # baselines closer than this many font sizes are one printed line
_NEXT_LINE = 1.75  # ... and within this many, the next line of the same cell
_ROW_GAP = 2.5  # font sizes between two printed lines of one table at most


class Piece(NamedTuple):
    """Text on one printed line between gaps too wide for a word space; x in points."""

    x0: float
    x1: float
    text: str


class PlacedLine(NamedTuple):
    """A printed line with its pieces; `number` is how the reader numbers it (the table keeps it in `lines`)."""

    number: int
    y: float
    height: float
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class AlignedTable:
    lines: frozenset[int]  # numbers of the printed lines the table is made of
    first: int  # the first of them in reading order: where the table stands among the blocks
    columns: tuple[float, ...]  # where each column starts, in points from the left edge
    rows: tuple[tuple[str, ...], ...]  # each row's cells by column, "" for an empty cell


class _Row(NamedTuple):
    """A printed line: the pdfium lines on one baseline and their pieces, left to right."""

    y: float
    height: float
    lines: tuple[PlacedLine, ...]
    pieces: tuple[Piece, ...]


def find_tables(lines: list[PlacedLine]) -> list[AlignedTable]:
    """The tables among a page's printed lines (in reading order), top to bottom."""
    printed = _printed_lines(lines)
    tables: list[AlignedTable] = []
    for run in _runs(printed):
        table = _table(run, lines)
        if table is not None:
            tables.append(table)
    return tables


def _printed_lines(lines: list[PlacedLine]) -> list[_Row]:
    """Lines on the same baseline (a row's cells that pdfium gave as separate lines) put together."""
    rows: list[_Row] = []
    for line in sorted((line for line in lines if line.pieces), key=lambda line: line.y):
        if rows and line.y - rows[-1].y <= _SAME_LINE * max(line.height, rows[-1].height):
            last = rows[-1]
            pieces = tuple(sorted((*last.pieces, *line.pieces), key=lambda piece: piece.x0))
            rows[-1] = _Row(last.y, max(last.height, line.height), (*last.lines, line), pieces)
        else:
            rows.append(_Row(line.y, line.height, (line,), line.pieces))
    return rows


def _runs(printed: list[_Row]) -> list[list[_Row]]:
    """Runs of printed lines of several pieces, one under the other, with the lines of one piece
    between and after them that keep inside one of the run's columns (a cell that wraps alone)."""
    runs: list[list[_Row]] = []
    current: list[_Row] = []
    pending: list[_Row] = []
    columns: list[tuple[float, float]] = []
    for row in printed:
        previous = (pending or current)[-1] if current else None
        if len(row.pieces) >= 2:
            if previous is not None and row.y - previous.y <= _ROW_GAP * row.height:
                current.extend(pending)
            else:
                _close(runs, current)
                current = []
            pending = []
            current.append(row)
            columns = _columns(current)
        elif previous is not None and row.y - previous.y <= _NEXT_LINE * row.height and _inside(row, columns):
            pending.append(row)
        else:
            _close(runs, current + pending)
            current, pending = [], []
    _close(runs, current + pending)
    return runs


def _inside(row: _Row, columns: list[tuple[float, float]]) -> bool:
    """A line of one piece that starts in one of the columns and ends before the next."""
    piece = row.pieces[0]
    column = _column_of(piece, columns)
    return column is not None and (column + 1 == len(columns) or piece.x1 < columns[column + 1][0])


def _close(runs: list[list[_Row]], run: list[_Row]) -> None:
    if sum(len(row.pieces) >= 2 for row in run) >= _MIN_ROWS:
        runs.append(run)


def _columns(run: list[_Row]) -> list[tuple[float, float]]:
    """The x ranges that the run's pieces cover, left to right; the gaps between them no piece crosses."""
    spans = sorted((p.x0, p.x1) for row in run for p in row.pieces)
    columns: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] + 1.0:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _column_of(piece: Piece, columns: list[tuple[float, float]]) -> int | None:
    for i, (x0, x1) in enumerate(columns):
        if x0 - 1.0 <= piece.x0 <= x1:
            return i
    return None


def _table(run: list[_Row], lines: list[PlacedLine]) -> AlignedTable | None:
    columns = _columns(run)
    if len(columns) < 2:
        return None
    if sum(len({_column_of(p, columns) for p in row.pieces}) >= 2 for row in run) < _MIN_ROWS:
        return None  # pieces that only happen to leave a gap, not columns
    members = {line.number for row in run for line in row.lines}
    written = [line for line in lines if line.number in members]
    cells = _cells(written, columns)
    by_line = all(a.y <= b.y + _SAME_LINE * b.height for a, b in zip(written, written[1:], strict=False))
    rows = _rows(cells, len(columns), by_line)
    if len(rows) < _MIN_ROWS or _contents_list(rows) or _list(rows):
        return None
    return AlignedTable(
        lines=frozenset(members),
        first=min(members),
        columns=tuple(x0 for x0, _ in columns),
        rows=tuple(tuple(join_lines(parts) for parts in row) for row in rows),
    )


class _Cell(NamedTuple):
    column: int
    top: float
    bottom: float
    height: float
    parts: list[str]


def _cells(lines: list[PlacedLine], columns: list[tuple[float, float]]) -> list[_Cell]:
    """Pieces in the order they were written, a piece on the line below the previous one in the
    same column continuing its cell."""
    cells: list[_Cell] = []
    for line in lines:
        for piece in line.pieces:
            column = _column_of(piece, columns)
            if column is None:
                continue
            last = cells[-1] if cells else None
            if last is not None and last.column == column and abs(line.y - last.bottom) <= _SAME_LINE * line.height:
                last.parts.append(piece.text)  # pieces of one column on one line: a cell's words apart
            elif (
                last is not None
                and last.column == column
                and 0 < line.y - last.bottom <= _NEXT_LINE * max(line.height, last.height)
            ):
                last.parts.append(piece.text)
                cells[-1] = last._replace(bottom=line.y)
            else:
                cells.append(_Cell(column, line.y, line.y, line.height, [piece.text]))
    return cells


def _rows(cells: list[_Cell], width: int, by_line: bool) -> list[list[list[str]]]:
    """Cells that start on the same line make a row. Where the table was written line by line
    (`by_line`: no line above the one before it), a wrapped cell is a row of its own: a row without
    a first cell directly under a row with one continues that row."""
    tops: list[tuple[float, float, float, list[list[str]]]] = []  # top, bottom, height, parts per column
    for cell in sorted(cells, key=lambda cell: cell.top):
        if tops and cell.top - tops[-1][0] <= _SAME_LINE * cell.height:
            top, bottom, height, row = tops[-1]
            row[cell.column].extend(cell.parts)
            tops[-1] = (top, max(bottom, cell.bottom), height, row)
            continue
        row = [[] for _ in range(width)]
        row[cell.column].extend(cell.parts)
        if (
            by_line
            and tops
            and not row[0]
            and tops[-1][3][0]
            and -_SAME_LINE * cell.height < cell.top - tops[-1][1] <= _NEXT_LINE * cell.height
        ):
            top, bottom, height, previous = tops[-1]
            for column, parts in enumerate(row):
                previous[column].extend(parts)
            tops[-1] = (top, max(bottom, cell.bottom), height, previous)
            continue
        tops.append((cell.top, cell.bottom, cell.height, row))
    return [row for _, _, _, row in tops]


def _contents_list(rows: list[list[list[str]]]) -> bool:
    """Two columns, the second only page numbers: a table of contents set without leader dots."""
    if len(rows[0]) != 2:
        return False
    numbers = [" ".join(row[1]) for row in rows if row[1]]
    return bool(numbers) and all(number.isdigit() for number in numbers)


_MARKER = re.compile(r"^(?:[•●▪■◦‣∙·*□☐➢►o\-–—\uf000-\uf0ff]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])$")


def _list(rows: list[list[list[str]]]) -> bool:
    """Two columns, the first only bullets or list numbers ("•", "1.", "a)"): a list set with a
    hanging indent, which the layout of lines reads as list items."""
    return len(rows[0]) == 2 and all(_MARKER.match(" ".join(row[0])) for row in rows)
