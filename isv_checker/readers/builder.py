"""Collects blocks in reading order and keeps the heading path, so no reader tracks headings itself.

Headings in the body open a section; page headers, footers, footnotes and text boxes never do,
because a running header such as "Bijlage 5" on every page would otherwise reset the structure.
"""

from __future__ import annotations

import re

from ..document import Block, BlockKind
from ..records import trusted_maker

_PATH_NEUTRAL = (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.FOOTNOTE)
MAX_HEADING_CHARS = 160
_ANNEX = re.compile(r"^(bijlage|annex|appendix|schedule|addendum)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\(?\d{1,2}(\.\d{1,2})*[.)]?\s")


class BlockBuilder:
    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._stack: list[tuple[int, str, bool]] = []  # (level, heading text, listed), outermost first
        self._path: tuple[str, ...] = ()  # the stack's headings, made once per change, shared by blocks

    def add(
        self,
        kind: BlockKind,
        text: str,
        *,
        level: int | None = None,
        label: str | None = None,
        page: int | None = None,
        paragraph: int | None = None,
        line: int | None = None,
        table: int | None = None,
        row: int | None = None,
        column: int | None = None,
        ocr: bool = False,
        inserted: bool = False,
    ) -> Block | None:
        """Add a block; blank text is dropped (returns None) so no stage meets empty blocks."""
        if not text or text.isspace():
            return None
        opened = 0  # the level of the heading this block opens
        if kind is BlockKind.HEADING:
            level = opened = self._nested_level(text, max(1, level or 1))
            while self._stack and self._stack[-1][0] >= opened:
                self._stack.pop()
            self._path = tuple(h for _, h, _ in self._stack)
        # An annex heading right after another one, nothing between them: a list of the annexes (a table
        # of contents without page numbers), not an annex whose own numbered sections follow.
        listed = (
            kind is BlockKind.HEADING
            and bool(self._blocks)
            and self._blocks[-1].kind is BlockKind.HEADING
            and bool(_ANNEX.match(text.lstrip()))
            and bool(_ANNEX.match(self._blocks[-1].text.lstrip()))
        )
        block = _make_block(
            {
                "index": len(self._blocks),
                "kind": kind,
                "text": text,
                "level": level,
                "label": label,
                "page": page,
                "paragraph": paragraph,
                "line": line,
                "table": table,
                "row": row,
                "column": column,
                "heading_path": () if kind in _PATH_NEUTRAL else self._path,
                "ocr": ocr,
                "inserted": inserted,
                "element": None,
            }
        )
        self._blocks.append(block)
        if kind is BlockKind.HEADING:
            self._stack.append((opened, _heading_title(text), listed))
            self._path = tuple(h for _, h, _ in self._stack)
        return block

    def _nested_level(self, text: str, level: int) -> int:
        """Annexes restart their numbering ("Bijlage 5", then "1 Gepaste zorgvuldigheid"); such numbered
        headings belong inside the open annex even when printed at the annex's own level."""
        if not _NUMBERED.match(text.lstrip()) or _ANNEX.match(text.lstrip()):
            return level
        for open_level, title, listed in reversed(self._stack):
            if _ANNEX.match(title) and not listed:
                return max(level, open_level + 1) if level <= open_level else level
        return level

    def reset_path(self) -> None:
        """Forget open headings, e.g. when a reader moves from the body to its footnotes."""
        self._stack.clear()
        self._path = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(self._blocks)

    def __len__(self) -> int:
        return len(self._blocks)


def _heading_title(text: str) -> str:
    title = " ".join(text.split())
    if len(title) > MAX_HEADING_CHARS:
        title = title[: MAX_HEADING_CHARS - 1] + "…"
    return title


# Blocks are made from values the builder has already made right (an int index, a `BlockKind`, a str,
# a tuple of str), so pydantic need not validate them again: 1.3 µs instead of 2-4.5 µs, paid for every
# block of every page (`records.trusted_maker`, checked on this sample of every field).
_make_block = trusted_maker(
    Block,
    {
        "index": 0,
        "kind": BlockKind.HEADING,
        "text": "1 Doel",
        "level": 1,
        "label": "1",
        "page": 1,
        "paragraph": None,
        "line": None,
        "table": None,
        "row": None,
        "column": None,
        "heading_path": ("Bijlage 5",),
        "ocr": False,
        "inserted": False,
        "element": None,
    },
)
