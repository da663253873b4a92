"""The title area of a document: where a tender names itself, its buyer, its subject and its date."""

from __future__ import annotations

from ..document import BlockKind, Document

TITLE_BLOCKS = 6


def title_blocks(document: Document) -> set[int]:
    """The title area: the first blocks, up to the first heading that opens the body. Headings in a
    row at the very top are one title in several lines ("Nota van Inlichtingen 1" / "Europese
    aanbesteding Mobiele telefonie"); a heading after text opens the body."""
    title: set[int] = set()
    text_seen = False
    for block in document.blocks[:TITLE_BLOCKS]:
        if block.kind is BlockKind.HEADING and block.index > 0 and text_seen:
            break
        if block.kind not in (BlockKind.HEADER, BlockKind.FOOTER):
            title.add(block.index)
            text_seen = text_seen or block.kind is not BlockKind.HEADING
    return title
