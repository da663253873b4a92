"""Metadata from a notices CSV: loading (English or Dutch headers, `,` or `;`), matching rows to
files, and facts that complete or override the document's, named in ISV-METADATA findings."""

from __future__ import annotations

import pytest

import isv_checker
from isv_checker.batch.columns import report_columns
from isv_checker.batch.metadata import (
    METADATA_RULE,
    MetadataError,
    MetadataFacts,
    apply_metadata,
    decide_from_facts,
    load_metadata,
    metadata_facts_used,
)
from isv_checker.ruleset.load import cached_ruleset

from .conftest import SAMPLES

TENDER = (
    "Aanbestedingsleidraad Beveiligingsdiensten\n"
    "Aanbestedende dienst: Rijkswaterstaat\n"
    "Datum: 1 maart 2024\n"
    "De geraamde waarde van de opdracht bedraagt € 500.000 exclusief btw.\n"
    "Deze opdracht betreft beveiliging van objecten.\n"
)


def test_loads_dutch_headers_semicolons_and_a_bom(tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(
        "\ufeffBestand;Kenmerk;Aanbestedende dienst;Geraamde waarde;CPV-code hoofdopdracht;Publicatiedatum;Rijksoverheid\n"
        "leidraad.pdf;2024-123456;Gemeente Utrecht;€ 1.250.000,00;18100000-0, 18222000;15-03-2024;nee\n"
        ";2023-999;Rijkswaterstaat;250000;;2023-01-31;\n",
        encoding="utf-8",
    )
    table = load_metadata(path)
    assert len(table) == 2
    first, second = (row.facts for row in table.rows)
    assert first == MetadataFacts(csv="notices.csv", line=2, authority="Gemeente Utrecht", central_government=False,
                                  estimated_value=1_250_000.0, cpv=("18100000", "18222000"), publication_date="2024-03-15")
    assert second.estimated_value == 250_000.0 and second.publication_date == "2023-01-31" and second.cpv == ()
    assert first.key != second.key and len(first.key) == 16


@pytest.mark.parametrize("content, message", [
    ("", "empty"),
    ("authority,value\nX,1\n", "needs a `file` or `reference` column"),
    ("file,comment\nx.pdf,hi\n", "no fact columns"),
    ("file,publication_date\nx.pdf,gisteren\n", "line 2: publication date 'gisteren' is not a date"),
    ("file,estimated_value\nx.pdf,veel\n", "line 2: estimated value 'veel' is not an amount"),
    ("file,central_government\nx.pdf,misschien\n", "line 2: central_government must be yes/no"),
    ("file,authority\n,Rijkswaterstaat\n", "line 2: neither a file nor a reference"),
])
def test_bad_csv_is_refused_with_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MetadataError, match="bad.csv") as error:
        load_metadata(path)
    assert message in str(error.value)


def test_rows_match_by_file_name_path_ending_or_reference(tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(
        "file,reference,authority\n"
        "leidraad.pdf,,Generic\n"
        "lot-2/leidraad.pdf,,Specific\n"
        ",2024-123456,By reference\n",
        encoding="utf-8",
    )
    table = load_metadata(path)
    assert table.match("/data/x/leidraad.pdf").authority == "Generic"
    assert table.match("/data/lot-2/leidraad.pdf").authority == "Specific"
    assert table.match("/data/archive.zip!lot-2/Leidraad.PDF").authority == "Specific"
    assert table.match("/data/2024-123456/bijlage.docx").authority == "By reference"
    assert table.match("/data/x2024-1234567/bijlage.docx") is None  # a reference matches whole, not inside others
    assert table.match("/data/other.pdf") is None


def _tender(tmp_path):
    path = tmp_path / "tender.txt"
    path.write_text(TENDER, encoding="utf-8")
    return isv_checker.check(path)


def test_cpv_codes_complete_the_categories_and_the_verdict_follows(tmp_path):
    report = _tender(tmp_path)
    assert report.verdict == "not_required" and report.categories == ()
    merged = apply_metadata(report, MetadataFacts(csv="n.csv", line=7, cpv=("18100000",)), cached_ruleset())
    assert [c.id for c in merged.categories] == ["workwear"] and merged.categories[0].evidence == ()
    assert merged.applicability.isv_required is True
    assert merged.verdict == "missing"
    assert any(f.rule == "ISV-VERDICT-MISSING" for f in merged.findings)
    notes = [f for f in merged.findings if f.rule == METADATA_RULE]
    assert len(notes) == 1 and "n.csv line 7" in notes[0].message and "workwear" in notes[0].message
    assert metadata_facts_used(merged) == ["cpv"]
    assert report_columns(merged)["metadata_facts"] == '["cpv"]'


def test_authority_value_and_date_override_the_document(tmp_path):
    report = _tender(tmp_path)
    facts = MetadataFacts(csv="n.csv", line=3, authority="Gemeente Utrecht", estimated_value=90_000.0,
                          cpv=("18100000",), publication_date="2019-06-01")
    merged = apply_metadata(report, facts, cached_ruleset())
    applicability = merged.applicability
    assert applicability.authority.name == "Gemeente Utrecht"
    assert applicability.authority.central_government is False  # recognised by the authority rules
    assert applicability.value_eur.amount == 90_000.0 and applicability.document_date == "2019-06-01"
    assert applicability.period == "2018-2019"
    assert merged.verdict == "not_required"
    assert sorted(metadata_facts_used(merged)) == ["authority", "cpv", "estimated_value", "publication_date"]
    said = next(f.message for f in merged.findings if f.message.startswith("authority"))
    assert "the document: Rijkswaterstaat" in said


def test_central_government_column_decides_for_an_unknown_name(tmp_path):
    report = _tender(tmp_path)
    facts = MetadataFacts(csv="n.csv", line=2, authority="Dienst Onbekend", central_government=True, cpv=("18100000",))
    merged = apply_metadata(report, facts, cached_ruleset())
    assert merged.applicability.authority.central_government is True and merged.verdict == "missing"


def test_unreadable_reports_only_get_a_note(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 nonsense")
    report = isv_checker.check(path)
    merged = apply_metadata(report, MetadataFacts(csv="n.csv", line=2, authority="X"), cached_ruleset())
    assert merged.verdict == "unreadable" and merged.findings[-1].rule == METADATA_RULE


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_deciding_again_from_a_reports_own_facts_changes_nothing(sample):
    """`decide_from_facts` mirrors `checks.applicability.decide`; this keeps them in step."""
    report = isv_checker.check(SAMPLES / sample)
    a = report.applicability
    if a is None:
        pytest.skip("unreadable sample")
    again = decide_from_facts(
        cached_ruleset(), authority=a.authority, value=a.value_eur, document_date=a.document_date,
        categories=report.categories, works=a.works, procedure_id=a.procedure,
    )
    assert again == a
