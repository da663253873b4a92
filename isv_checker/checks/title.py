"""The title area of a document: where a tender names itself, its buyer, its subject and its date."""

from __future__ import annotations

import re

from ..document import BlockKind, Document

TITLE_BLOCKS = 6
# "1 Background", "Artikel 1 Partijen": a numbered heading is the body's first section, not a title line
_OPENS_BODY = re.compile(
    r"\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s|(?:artikel|article|hoofdstuk|chapter|paragraaf|section)\s+\d)", re.IGNORECASE
)


def title_blocks(document: Document) -> set[int]:
    """The title area: the first blocks, up to the first heading that opens the body. Headings in a
    row at the very top are one title in several lines ("Nota van Inlichtingen 1" / "Europese
    aanbesteding Mobiele telefonie"); a heading after text, or a numbered one, opens the body."""
    title: set[int] = set()
    text_seen = False
    for block in document.blocks[:TITLE_BLOCKS]:
        if block.kind is BlockKind.HEADING and block.index > 0 and (text_seen or _OPENS_BODY.match(block.text)):
            break
        if block.kind not in (BlockKind.HEADER, BlockKind.FOOTER):
            title.add(block.index)
            text_seen = text_seen or block.kind is not BlockKind.HEADING
    return title


KIND_LINES = 6


def document_kinds(document: Document) -> str:
    """The title area, the first lines and the page headers, lowercase: where a document says what kind
    it is ("Inkooporder" under a letterhead), for rules that hold only in some kinds of document."""
    shown = title_blocks(document) | set(range(min(KIND_LINES, len(document.blocks))))
    shown.update(b.index for b in document.blocks if b.kind in (BlockKind.HEADER, BlockKind.FOOTER))
    return " ".join(document.blocks[i].text.lower() for i in sorted(shown))
