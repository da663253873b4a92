"""Collects blocks in reading order and keeps the heading path, so no reader tracks headings itself.

Headings in the body open a section; page headers, footers, footnotes and text boxes never do,
because a running header such as "Bijlage 5" on every page would otherwise reset the structure.
"""

from __future__ import annotations

import re

from ..document import Block, BlockKind

_PATH_NEUTRAL = (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.FOOTNOTE)
MAX_HEADING_CHARS = 160
_ANNEX = re.compile(r"^(bijlage|annex|appendix|schedule|addendum)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\(?\d{1,2}(\.\d{1,2})*[.)]?\s")


class BlockBuilder:
    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._stack: list[tuple[int, str]] = []  # (level, heading text), outermost first
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
        if kind is BlockKind.HEADING:
            level = self._nested_level(text, max(1, level or 1))
            while self._stack and self._stack[-1][0] >= level:
                self._stack.pop()
            self._path = tuple(h for _, h in self._stack)
        block = Block(
            index=len(self._blocks),
            kind=kind,
            text=text,
            level=level,
            label=label,
            page=page,
            paragraph=paragraph,
            line=line,
            table=table,
            row=row,
            column=column,
            heading_path=() if kind in _PATH_NEUTRAL else self._path,
            ocr=ocr,
            inserted=inserted,
        )
        self._blocks.append(block)
        if kind is BlockKind.HEADING:
            self._stack.append((level, _heading_title(text)))
            self._path = tuple(h for _, h in self._stack)
        return block

    def _nested_level(self, text: str, level: int) -> int:
        """Annexes restart their numbering ("Bijlage 5", then "1 Gepaste zorgvuldigheid"); such numbered
        headings belong inside the open annex even when printed at the annex's own level."""
        if not _NUMBERED.match(text.lstrip()) or _ANNEX.match(text.lstrip()):
            return level
        for open_level, title in reversed(self._stack):
            if _ANNEX.match(title):
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

