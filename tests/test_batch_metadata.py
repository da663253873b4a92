"""Metadata from a notices CSV: loading (English or Dutch headers, `,` or `;`), matching rows to
files, and facts that complete or override the document's, named in ISV-METADATA findings.
The facts are given to the check (`check(path, given=...)`), which decides once from the merged facts."""

from __future__ import annotations

import pytest

import isv_checker
from isv_checker.batch.columns import report_columns
from isv_checker.batch.metadata import MetadataError, facts_used, load_metadata
from isv_checker.checks.facts import GivenFacts
from isv_checker.checks.findings import GIVEN_RULE
from isv_checker.report import Source

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
    assert first == GivenFacts(
        source=Source(kind="metadata", reference="notices.csv line 2"),
        authority="Gemeente Utrecht",
        central_government=False,
        estimated_value=1_250_000.0,
        cpv=("18100000", "18222000"),
        publication_date="2024-03-15",
    )
    assert second.estimated_value == 250_000.0 and second.publication_date == "2023-01-31" and second.cpv == ()
    assert first.key != second.key and len(first.key) == 16


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("authority,value\nX,1\n", "needs a `file` or `reference` column"),
        ("file,comment\nx.pdf,hi\n", "no fact columns"),
        ("file,publication_date\nx.pdf,gisteren\n", "line 2: publication date 'gisteren' is not a date"),
        ("file,estimated_value\nx.pdf,veel\n", "line 2: estimated value 'veel' is not an amount"),
        ("file,central_government\nx.pdf,misschien\n", "line 2: central_government must be yes/no"),
        ("file,authority\n,Rijkswaterstaat\n", "line 2: neither a file nor a reference"),
    ],
)
def test_bad_csv_is_refused_with_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MetadataError, match="bad.csv") as error:
        load_metadata(path)
    assert message in str(error.value)


def test_rows_match_by_file_name_path_ending_or_reference(tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(
        "file,reference,authority\nleidraad.pdf,,Generic\nlot-2/leidraad.pdf,,Specific\n,2024-123456,By reference\n",
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
    return path


def _given(line: int, **facts) -> GivenFacts:
    return GivenFacts(source=Source(kind="metadata", reference=f"n.csv line {line}"), **facts)


def test_cpv_codes_complete_the_categories_and_the_verdict_follows(tmp_path):
    report = isv_checker.check(_tender(tmp_path))
    assert report.verdict == "not_required" and report.categories == ()
    merged = isv_checker.check(_tender(tmp_path), given=_given(7, cpv=("18100000",)))
    assert [c.id for c in merged.categories] == ["workwear"] and merged.categories[0].evidence == ()
    assert merged.applicability.isv_required is True
    assert merged.verdict == "missing"
    assert any(f.rule == "ISV-VERDICT-MISSING" for f in merged.findings)
    notes = [f for f in merged.findings if f.rule == GIVEN_RULE]
    assert len(notes) == 1 and "n.csv line 7" in notes[0].message and "workwear" in notes[0].message
    assert notes[0].source == Source(kind="metadata", reference="n.csv line 7")
    assert notes[0].params == {"fact": "cpv", "cpv": ("18100000",), "categories": ("workwear",)}
    assert merged.categories[0].source == notes[0].source
    assert facts_used(merged) == ["cpv"]
    assert report_columns(merged)["metadata_facts"] == '["cpv"]'


def test_authority_value_and_date_override_the_document(tmp_path):
    facts = _given(
        3, authority="Gemeente Utrecht", estimated_value=90_000.0, cpv=("18100000",), publication_date="2019-06-01"
    )
    merged = isv_checker.check(_tender(tmp_path), given=facts)
    applicability = merged.applicability
    assert applicability.authority.name == "Gemeente Utrecht"
    assert applicability.authority.central_government is False  # recognised by the authority rules
    assert applicability.value_eur.amount == 90_000.0 and applicability.document_date == "2019-06-01"
    assert applicability.period == "2018-2019"
    assert merged.verdict == "not_required"
    assert sorted(facts_used(merged)) == ["authority", "cpv", "estimated_value", "publication_date"]
    said = next(f for f in merged.findings if f.params.get("fact") == "authority")
    assert "the document: Rijkswaterstaat" in said.message and str(said.params["document"]).startswith(
        "Rijkswaterstaat"
    )
    # the decision's reasons say where each fact came from
    assert applicability.reason("authority").source == facts.source
    assert applicability.reason("value").code == "value.below" and applicability.reason("value").source == facts.source
    assert applicability.reason("date").source == facts.source


def test_central_government_column_decides_for_an_unknown_name(tmp_path):
    facts = _given(2, authority="Dienst Onbekend", central_government=True, cpv=("18100000",))
    merged = isv_checker.check(_tender(tmp_path), given=facts)
    assert merged.applicability.authority.central_government is True and merged.verdict == "missing"


def test_unreadable_reports_only_get_a_note(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 nonsense")
    merged = isv_checker.check(path, given=_given(2, authority="X"))
    assert merged.verdict == "unreadable" and merged.findings[-1].rule == GIVEN_RULE
    assert merged.findings[-1].message == "n.csv line 2 matched this file, but it could not be checked"


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_a_row_that_gives_no_fact_changes_nothing(sample):
    """Given facts go through the same decision as the document's own: with none given, nothing moves."""
    alone = isv_checker.check(SAMPLES / sample)
    given = isv_checker.check(SAMPLES / sample, given=_given(2))
    assert given.verdict == alone.verdict and given.applicability == alone.applicability
    assert given.findings == alone.findings and given.sdg_targets == alone.sdg_targets
