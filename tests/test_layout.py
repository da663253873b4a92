"""Structure heuristics for line-based sources: what must and must not count as a heading or list item."""

from __future__ import annotations

import pytest

from isv_checker.document import BlockKind
from isv_checker.readers.layout import Line, classify_line, join_lines, segment_lines


@pytest.mark.parametrize(
    ("line", "kind", "level", "label"),
    [
        ("Bijlage 5 Internationale Sociale Voorwaarden", BlockKind.HEADING, 1, "Bijlage 5"),
        ("Artikel 7. Ketenverantwoordelijkheid", BlockKind.HEADING, 2, "Artikel 7"),
        ("Annex B Supply chain responsibility", BlockKind.HEADING, 1, "Annex B"),
        ("3.2 Uitvoeringsvoorwaarden", BlockKind.HEADING, 2, "3.2"),
        ("4.1.3 Rapportage", BlockKind.HEADING, 3, "4.1.3"),
        ("1 Inleiding", BlockKind.HEADING, 1, "1"),
        ("ALGEMENE BEPALINGEN", BlockKind.HEADING, 1, None),
        ("a) een risicoanalyse uitvoeren;", BlockKind.LIST_ITEM, 2, "a)"),
        ("• leefbaar loon", BlockKind.LIST_ITEM, 1, "•"),
        ("- dwangarbeid en kinderarbeid", BlockKind.LIST_ITEM, 1, "-"),
        (
            "2. De Opdrachtnemer rapporteert jaarlijks over de voortgang van het plan van aanpak.",
            BlockKind.LIST_ITEM,
            1,
            "2.",
        ),
        ("1) within three months", BlockKind.LIST_ITEM, 1, "1)"),
    ],
)
def test_markers(line, kind, level, label):
    marker = classify_line(line)
    assert marker is not None
    assert (marker.kind, marker.level, marker.label) == (kind, level, label)


@pytest.mark.parametrize(
    "line",
    [
        "Artikel 2.81 Aanbestedingswet 2012 is op deze opdracht van toepassing.",
        "De Opdrachtnemer past gepaste zorgvuldigheid toe.",
        "2024 was het jaar waarin de raamovereenkomst is gesloten, zoals bekend.",
        "EUR",
        "NEN-EN-ISO 20345",
        "",
    ],
)
def test_not_markers(line):
    assert classify_line(line) is None


def test_join_lines_undoes_hyphenation_only_inside_words():
    assert join_lines(["gepaste zorg-", "vuldigheid"]) == "gepaste zorgvuldigheid"
    assert join_lines(["de ILO-", "verdragen"]) == "de ILO- verdragen"
    assert join_lines(["soft\xad", "hyphen"]) == "softhyphen"
    assert join_lines(["  een  ", "", "twee "]) == "een twee"


def test_geometry_gap_splits_paragraphs():
    lines = [
        Line("De Opdrachtnemer voert een risicoanalyse uit en", 1, y=100, height=10),
        Line("stelt een plan van aanpak op", 2, y=112, height=10),
        Line("binnen drie maanden na gunning.", 3, y=124, height=10),
        Line("Jaarlijks rapporteert de Opdrachtnemer over de", 4, y=150, height=10),
        Line("voortgang.", 5, y=162, height=10),
    ]
    segments = segment_lines(lines)
    assert [s.line for s in segments] == [1, 4]
    assert segments[0].text.endswith("na gunning.")


def test_larger_font_makes_a_heading():
    lines = [
        Line("Internationale Sociale Voorwaarden", 1, y=80, height=16, bold=True),
        Line("De Opdrachtnemer past gepaste zorgvuldigheid toe in zijn keten, volgens de", 2, y=110, height=10),
        Line("OESO-richtlijnen en de UNGP's.", 3, y=122, height=10),
        Line("Hij doet dat gedurende de looptijd van de overeenkomst en rapporteert", 4, y=134, height=10),
    ]
    segments = segment_lines(lines)
    assert segments[0].kind is BlockKind.HEADING
    assert segments[1].kind is BlockKind.PARAGRAPH
