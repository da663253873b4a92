"""Turns a span in a block into the `Evidence` a report shows, so every stage quotes the same way."""

from __future__ import annotations

from ..document import Document
from ..report import Evidence

MAX_QUOTE = 300


def evidence(document: Document, block_index: int, start: int, end: int) -> Evidence:
    block = document.blocks[block_index]
    start = max(0, min(start, len(block.text)))
    end = max(start, min(end, len(block.text)))
    quote = block.text[start:end]
    if len(quote) > MAX_QUOTE:
        quote = quote[: MAX_QUOTE - 1] + "…"
    return Evidence(
        block=block_index,
        start=start,
        end=end,
        quote=quote,
        page=block.page,
        paragraph=block.paragraph,
        line=block.line,
        heading_path=block.heading_path,
        location=block.location(),
        element=block.element,
    )


def whole_block(document: Document, block_index: int) -> Evidence:
    return evidence(document, block_index, 0, len(document.blocks[block_index].text))
