"""The document's text with the report's evidence marked: which words the verdict relies on.

Evidence points into a block's text as (block, start, end). Spans of one block that overlap are
merged into one mark, so the text is cut into plain and marked pieces that never nest; each mark gets
an id (`ev-1`, `ev-2`, ... in reading order) that the checklist links to. A mark keeps the kinds of
evidence it holds; its look comes from the strongest (an element's words over the clause's name over
context such as the category, the authority or the value, over a decoy set aside).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..document import Block
from ..report import Evidence

KINDS = ("element", "clause", "context", "decoy")  # strongest first


@dataclass(frozen=True)
class Tagged:
    """One piece of evidence and what it is evidence of (a kind of KINDS and a label for the mark's title)."""

    kind: str
    label: str
    evidence: Evidence


@dataclass(frozen=True)
class Mark:
    id: str
    block: int
    start: int
    end: int
    kinds: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if k in self.kinds)


@dataclass(frozen=True)
class Piece:
    text: str
    mark: Mark | None = None


@dataclass(frozen=True)
class Highlights:
    marks: dict[int, tuple[Mark, ...]]  # by block index, in text order
    spans: dict[tuple[int, int, int], str]  # (block, start, end) of each evidence -> its mark's id

    def anchor(self, evidence: Evidence) -> str | None:
        """The id of the mark that holds `evidence`, or None when it points outside the text."""
        return self.spans.get((evidence.block, evidence.start, evidence.end))

    def pieces(self, block: Block) -> list[Piece]:
        """The block's text cut into plain and marked pieces, in order."""
        out: list[Piece] = []
        position = 0
        for mark in self.marks.get(block.index, ()):
            if mark.start > position:
                out.append(Piece(block.text[position : mark.start]))
            out.append(Piece(block.text[mark.start : mark.end], mark))
            position = mark.end
        if position < len(block.text) or not out:
            out.append(Piece(block.text[position:]))
        return out

    @property
    def count(self) -> int:
        return sum(len(m) for m in self.marks.values())


def _clamped(evidence: Evidence, blocks: Sequence[Block]) -> tuple[int, int] | None:
    if not 0 <= evidence.block < len(blocks):
        return None
    length = len(blocks[evidence.block].text)
    start, end = max(0, evidence.start), min(evidence.end, length)
    return (start, end) if start < end else None


def highlight(blocks: Sequence[Block], tagged: Iterable[Tagged]) -> Highlights:
    """Merge the evidence spans of each block into marks and number them in reading order."""
    by_block: dict[int, list[tuple[int, int, Tagged]]] = {}
    for item in tagged:
        span = _clamped(item.evidence, blocks)
        if span is not None:
            by_block.setdefault(item.evidence.block, []).append((*span, item))
    marks: dict[int, tuple[Mark, ...]] = {}
    spans: dict[tuple[int, int, int], str] = {}
    number = 0
    for block in sorted(by_block):
        merged: list[tuple[int, int, list[Tagged]]] = []
        for start, end, item in sorted(by_block[block], key=lambda s: (s[0], s[1])):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end), [*merged[-1][2], item])
            else:
                merged.append((start, end, [item]))
        block_marks = []
        for start, end, items in merged:
            number += 1
            mark = Mark(
                id=f"ev-{number}",
                block=block,
                start=start,
                end=end,
                kinds=tuple(dict.fromkeys(i.kind for i in items)),
                labels=tuple(dict.fromkeys(i.label for i in items)),
            )
            block_marks.append(mark)
            for item in items:
                spans[(item.evidence.block, item.evidence.start, item.evidence.end)] = mark.id
        marks[block] = tuple(block_marks)
    return Highlights(marks, spans)
