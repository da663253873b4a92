"""Turns a span in a block into the `Evidence` a report shows, so every stage quotes the same way."""

from __future__ import annotations

from ..document import Document
from ..records import trusted_maker
from ..report import Evidence

MAX_QUOTE = 300


def evidence(document: Document, block_index: int, start: int, end: int) -> Evidence:
    block = document.blocks[block_index]
    start = max(0, min(start, len(block.text)))
    end = max(start, min(end, len(block.text)))
    quote = block.text[start:end]
    if len(quote) > MAX_QUOTE:
        quote = quote[: MAX_QUOTE - 1] + "…"
    return _make_evidence(
        {
            "block": block_index,
            "start": start,
            "end": end,
            "quote": quote,
            "page": block.page,
            "paragraph": block.paragraph,
            "line": block.line,
            "heading_path": block.heading_path,
            "location": block.location(),
            "element": block.element,
            "file": None,
        }
    )


def whole_block(document: Document, block_index: int) -> Evidence:
    return evidence(document, *whole_span(document, block_index))


def whole_span(document: Document, block_index: int) -> tuple[int, int, int]:
    """(block, start, end) of a whole block: the span `whole_block` quotes."""
    return block_index, 0, len(document.blocks[block_index].text)


# Every value comes from a `Block` (validated when it was made) or is an int or str made here, and the
# quote is cut to its limit above: evidence is made for every fact and hit, so it is not validated again.
_make_evidence = trusted_maker(
    Evidence,
    {
        "block": 3,
        "start": 0,
        "end": 20,
        "quote": "Levering van laptops",
        "page": 2,
        "paragraph": None,
        "line": 12,
        "heading_path": ("Lot LOT-0001",),
        "location": "p. 2, line 12",
        "element": "/ContractNotice/cac:ProcurementProject/cbc:Name",
        "file": None,
    },
)
