"""Property-based tests of the text stages: whatever blocks a reader hands over, the rules stage
gives a valid report; amount and CPV parsing never raise and point at what they found; the text
reader and the dispatcher take any bytes."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isv_checker import ReadStatus, read_bytes
from isv_checker.checks.amounts import find_amounts, parse_number
from isv_checker.checks.categories import find_cpv_codes
from isv_checker.document import BlockKind, DocFormat, Document
from isv_checker.pipeline import check_document
from isv_checker.readers.builder import BlockBuilder
from isv_checker.readers.layout import Line, segment_lines

from ..conftest import ROOT
from .corpus import STATUSES

SCHEMA = json.loads((ROOT / "schema" / "report.schema.json").read_text())
WORDS = [
    "Internationale",
    "Sociale",
    "Voorwaarden",
    "ISV",
    "gepaste",
    "zorgvuldigheid",
    "OESO-richtlijnen",
    "UNGP",
    "Opdrachtnemer",
    "keten",
    "risicoanalyse",
    "plan",
    "van",
    "aanpak",
    "rapportage",
    "bedrijfskleding",
    "laptops",
    "energie",
    "EUR",
    "€",
    "2.400.000",
    "1,2",
    "miljoen",
    "CPV",
    "18110000-3",
    "30213100",
    "Bijlage",
    "5",
    "Artikel",
    "3",
    "niet",
    "Social",
    "Return",
    "due",
    "diligence",
    "supplier",
    "shall",
    "the",
    "of",
    "en",
    "de",
    "het",
    "in",
    ".",
    ",",
    ";",
    ":",
    "(",
    ")",
    "\n",
    "\t",
    "",
    "-",
    "–",
    "•",
]
texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("0123456789.,€EURmk -"), max_size=80),
)
kinds = st.sampled_from(list(BlockKind))
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def documents(draw: st.DrawFn) -> Document:
    builder = BlockBuilder()
    fmt = draw(st.sampled_from([DocFormat.PDF, DocFormat.DOCX, DocFormat.TEXT, DocFormat.ODT]))
    for number, (kind, text, level) in enumerate(
        draw(st.lists(st.tuples(kinds, texts, st.integers(1, 9)), max_size=25)), 1
    ):
        location = (
            {"page": number}
            if fmt is DocFormat.PDF
            else {"line": number}
            if fmt is DocFormat.TEXT
            else {"paragraph": number}
        )
        table = {"table": 1, "row": number, "column": 1} if kind is BlockKind.TABLE_CELL else {}
        builder.add(
            kind, text, level=level if kind in (BlockKind.HEADING, BlockKind.LIST_ITEM) else None, **location, **table
        )
    language = draw(st.sampled_from(["nl", "en", None]))
    blocks = builder.blocks
    return Document(
        path="hypothesis.bin",
        sha256="0" * 64,
        size=1,
        format=fmt,
        status=ReadStatus.OK if blocks else ReadStatus.EMPTY,
        language=language,
        blocks=blocks,
        pages=len(blocks) if fmt is DocFormat.PDF else None,
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_block_sequence_yields_a_valid_report(document: Document) -> None:
    report = check_document(document, include_blocks=True)
    assert report.status is document.status, report.status_message  # else the rules stage failed
    payload = json.loads(report.model_dump_json(by_alias=True))
    jsonschema.validate(payload, SCHEMA)
    assert report.verdict in ("compliant", "incomplete", "missing", "not_required", "needs_review", "unreadable")
    texts_by_index = {block.index: block.text for block in document.blocks}
    for evidence in _evidence(payload):
        block, start, end = evidence.get("block"), evidence.get("start"), evidence.get("end")
        if block is not None and start is not None and end is not None:
            assert 0 <= start <= end <= len(texts_by_index[block]), evidence


def _evidence(node: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if {"block", "start", "end"} <= node.keys():
            found.append(node)
        for value in node.values():
            found.extend(_evidence(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_evidence(value))
    return found


@PROPERTIES
@given(st.one_of(st.text(), texts, st.text(alphabet=st.sampled_from("0123456789.,\u00a0 €EURmkK-—"), max_size=200)))
def test_amounts_never_raise_and_point_at_what_they_found(text: str) -> None:
    for amount in find_amounts(text):
        assert text[amount.start : amount.end] == amount.text
        assert isinstance(amount.euros, Decimal) and amount.euros >= 0


@PROPERTIES
@given(st.text(alphabet=st.sampled_from("0123456789., \u00a0x"), max_size=60))
def test_parse_number_never_raises(raw: str) -> None:
    value = parse_number(raw)
    assert value is None or isinstance(value, Decimal)


@PROPERTIES
@given(documents())
def test_cpv_codes_never_raise_and_are_eight_digits(document: Document) -> None:
    for code in find_cpv_codes(document):
        text = document.blocks[code.block].text
        assert len(code.code) == 8 and code.code.isdigit()
        assert text[code.start : code.start + 8] == code.code


@PROPERTIES
@given(
    st.lists(
        st.tuples(
            st.text(max_size=120),
            st.one_of(st.none(), st.floats(-1e6, 1e6)),
            st.one_of(st.none(), st.floats(0, 500)),
            st.booleans(),
        ),
        max_size=40,
    )
)
def test_layout_segments_any_lines(rows: list) -> None:
    lines = [
        Line(text=text, number=n, y=y, height=height, bold=bold) for n, (text, y, height, bold) in enumerate(rows, 1)
    ]
    for segment in segment_lines(lines):
        assert segment.text.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(["x.txt", "x.pdf", "x.docx", "x.odt", "x", "x.md"]))
def test_any_bytes_under_any_name_give_a_status(data: bytes, name: str) -> None:
    document = read_bytes(data, name)
    assert document.status.value in STATUSES - {"timeout", "error"}, document.message
    assert document.status.readable or document.message


@pytest.mark.parametrize(
    "prefix", [b"PK\x03\x04", b"%PDF-1.7\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
)
@settings(max_examples=100, deadline=None)
@given(tail=st.binary(max_size=2048))
def test_any_bytes_after_a_magic_number_give_a_status(prefix: bytes, tail: bytes) -> None:
    document = read_bytes(prefix + tail, "x.docx")
    assert document.status.value in STATUSES - {"timeout", "error"}, document.message
