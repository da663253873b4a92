"""The block collector both office walkers hand their text to: cells, text boxes, parts outside the
body, paragraph numbers and the block limit, driven here without any XML."""

from __future__ import annotations

import pytest

from isv_checker import BlockKind, ReadStatus
from isv_checker.readers.collector import BlockCollector
from isv_checker.readers.extraction import ReadFailure


def summary(collect: BlockCollector) -> list[tuple]:
    return [
        (b.kind.value, b.text, b.paragraph, b.table, b.row, b.column, b.label, b.heading_path) for b in collect.blocks()
    ]


def test_a_cell_is_one_block_placed_before_what_was_found_inside_it():
    collect = BlockCollector(max_blocks=100)
    collect.paragraph("Artikel 3", BlockKind.HEADING, level=1)

    def inner_cell(texts):
        for text in texts:
            collect.paragraph(text, BlockKind.PARAGRAPH)

    def outer_cell(_):
        collect.paragraph("", BlockKind.PARAGRAPH)  # blank paragraphs are not counted
        collect.paragraph("Eerste regel", BlockKind.PARAGRAPH)
        collect.cell(inner_cell, ["Genest"], collect.table(), 1, 1)
        collect.text_box(inner_cell, ["In een tekstvak"])
        collect.paragraph("Tweede regel", BlockKind.PARAGRAPH, inserted=True)

    collect.cell(outer_cell, None, collect.table(), 2, 3)
    assert summary(collect) == [
        ("heading", "Artikel 3", 1, None, None, None, None, ()),
        ("table_cell", "Eerste regel\nTweede regel", 2, 1, 2, 3, None, ("Artikel 3",)),
        ("table_cell", "Genest", 3, 2, 1, 1, None, ("Artikel 3",)),
        ("text_box", "In een tekstvak", 4, None, None, None, None, ("Artikel 3",)),
    ]
    assert collect.blocks()[1].inserted


def test_parts_after_the_body_take_their_kind_and_label_and_no_number():
    collect = BlockCollector(max_blocks=100)
    collect.paragraph("Bijlage 5", BlockKind.HEADING, level=1)
    collect.end_body()

    def walk(texts):
        for text in texts:
            assert collect.paragraph(text, BlockKind.HEADING, level=1, label="1.") is None

    collect.part(walk, ["Rijkswaterstaat"], BlockKind.HEADER)
    collect.part(walk, ["Zie de OESO-richtlijnen."], BlockKind.FOOTNOTE, "1")
    assert summary(collect) == [
        ("heading", "Bijlage 5", 1, None, None, None, None, ()),
        ("header", "Rijkswaterstaat", None, None, None, None, "1.", ()),
        ("footnote", "Zie de OESO-richtlijnen.", None, None, None, None, "1", ()),
    ]
    assert collect.context is None and collect.context_label is None


def test_more_blocks_than_the_limit_stop_the_read():
    collect = BlockCollector(max_blocks=2)
    collect.paragraph("een", BlockKind.PARAGRAPH)
    collect.paragraph("   ", BlockKind.PARAGRAPH)  # blank: no block, not counted against the limit
    collect.paragraph("twee", BlockKind.PARAGRAPH)
    with pytest.raises(ReadFailure) as failure:
        collect.paragraph("drie", BlockKind.PARAGRAPH)
    assert failure.value.status is ReadStatus.TOO_LARGE
