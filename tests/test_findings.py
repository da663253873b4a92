"""The findings catalogue (checks/findings.py): every code in both languages with the same placeholders,
and every finding the checks give on real documents rendered in Dutch and English from its code and
parameters, the English being the finding's own message."""

from __future__ import annotations

from string import Formatter

import pytest

import isv_checker
from isv_checker.checks.facts import GivenFacts
from isv_checker.checks.findings import RULES, finding_text
from isv_checker.document import ReadStatus
from isv_checker.i18n.catalogue import catalogue
from isv_checker.pipeline import check_document, check_tender
from isv_checker.readers import read_path
from isv_checker.report import Report, Source
from isv_checker.tender.report import TenderReport

from .conftest import SAMPLES

SAMPLE_FILES = (
    "cjib-glasvezelverbindingen-2024.docx",  # needs review; a clause with elements missing
    "dtv-schoonmaak-2022.txt",  # a clause where ISV is not mandatory
    "arbeidsinspectie-drukwerk-2024.txt",  # mandatory, no clause
    "dictu-laptops-2025.docx",  # an incomplete clause
    "ilt-gunningsbeslissing-kleding-scan-2024.docx",  # the ISV text is in an annex this letter does not hold
)
TENDERS = SAMPLES / "tenders"
SAMPLE_TENDERS = (
    "rws-catering-2023",  # a note deletes an element
    "belastingdienst-drukwerk-2018",  # notes add elements
    "cjib-dataverbindingen-2026",  # a note withdraws the clause
    "defensie-afvalinzameling-2017",  # the ISV annex is not in the dossier
    "nfi-lab-consumables-2025.zip",  # an unreadable price schedule
    "rivm-labbenodigdheden-2022",  # two copies of the guidelines disagree on the value
)
GUIDELINES = """Aanbestedingsleidraad Levering bedrijfskleding

Aanbestedende dienst: Rijkswaterstaat. Datum: 3 maart 2025.

2.1 Opdracht

Europese openbare aanbesteding voor de levering van bedrijfskleding. De geraamde opdrachtwaarde bedraagt EUR 400.000 exclusief btw.
"""
NOTE = """Nota van Inlichtingen 1

Datum: 20 maart 2025.

Antwoord 1: De geraamde opdrachtwaarde in paragraaf 2.1 wordt gewijzigd in EUR 600.000 exclusief btw.

Antwoord 2: Aan de overeenkomst wordt een artikel toegevoegd. De Internationale Sociale Voorwaarden zijn van toepassing. Opdrachtnemer past gepaste zorgvuldigheid toe in zijn keten volgens de OESO-richtlijnen en rapporteert jaarlijks over zijn inspanningen.
"""


def tender_reports(tmp_path) -> list[TenderReport]:
    """Tender reports that give every tender finding: the sample dossiers, and one written here whose
    note corrects the value and adds the clause, with a copy of the note under a second name."""
    reports = [check_tender(TENDERS / name) for name in SAMPLE_TENDERS]
    dossier = tmp_path / "dossier"
    dossier.mkdir()
    (dossier / "Aanbestedingsleidraad.txt").write_text(GUIDELINES, encoding="utf-8")
    (dossier / "Nota van Inlichtingen 1.txt").write_text(NOTE, encoding="utf-8")
    (dossier / "kopie.txt").write_text(NOTE, encoding="utf-8")
    reports.append(check_tender(dossier))
    return reports


METADATA = Source(kind="metadata", reference="notices.csv line 3")


def _conversions(template: str) -> set[tuple[str, str | None]]:
    return {(field, conversion) for _, field, _, conversion in Formatter().parse(template) if field}


CODES = {key.removeprefix("finding."): text for key, text in catalogue("en").items() if key.startswith("finding.")}


def test_every_code_has_both_languages_with_the_same_placeholders():
    dutch = catalogue("nl")
    for code, english in CODES.items():
        assert _conversions(english) == _conversions(dutch[f"finding.{code}"]), code
        assert dutch[f"finding.{code}"] != english or english == "{reasons}", f"{code} is not translated"


def test_every_code_is_filed_under_a_rule():
    """Only the element findings take their rule from the data (the element's rule)."""
    assert set(CODES) - set(RULES) == {"element.missing"}
    assert set(RULES) <= set(CODES)


def _reports(tmp_path) -> list[Report]:
    reports = [isv_checker.check(SAMPLES / name) for name in SAMPLE_FILES]
    given = GivenFacts(
        source=METADATA,
        authority="Gemeente Utrecht",
        estimated_value=90_000.0,
        cpv=("18100000", "30213000"),
        publication_date="2025-01-05",
    )
    reports.append(isv_checker.check(SAMPLES / "dictu-laptops-2025.docx", given=given))
    central = GivenFacts(source=Source(kind="notice"), central_government=True, cpv=("55520000",))
    reports.append(isv_checker.check(SAMPLES / "gemeente-catering-2024.txt", given=central))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nonsense")
    reports.append(isv_checker.check(broken, given=GivenFacts(source=METADATA, authority="X")))
    # a document partly read by OCR, as the reader reports one (no Tesseract needed here)
    scanned = read_path(SAMPLES / "arbeidsinspectie-drukwerk-2024.txt").model_copy(
        update={
            "status": ReadStatus.OCR,
            "ocr_pages": (1, 2, 4),
            "message": "text of page(s) 1-2, 4 was read by OCR; check quotes against the scan",
        }
    )
    reports.append(check_document(scanned))
    notices = SAMPLES.parent / "tests" / "fixtures" / "notices"
    reports.extend(isv_checker.check(path) for path in sorted(notices.glob("*.xml")))
    return reports


def test_every_finding_renders_in_both_languages_and_its_english_is_its_message(tmp_path):
    reports: list[Report | TenderReport] = [*_reports(tmp_path), *tender_reports(tmp_path)]
    seen = set()
    for report in reports:
        stored = type(report).model_validate_json(report.model_dump_json(by_alias=True))  # as stored and read back
        for finding, kept in zip(report.findings, stored.findings, strict=True):
            assert finding.code in CODES, finding
            seen.add(finding.code)
            english = finding_text(finding, "en", report)
            dutch = finding_text(finding, "nl", report)
            assert english == finding.message
            assert dutch and dutch != english and "{" not in dutch
            assert finding_text(kept, "nl", stored) == dutch and finding_text(kept, "en", stored) == english
    assert seen == set(CODES), f"codes never given on these documents: {set(CODES) - seen}"


def test_the_texts_of_given_facts(tmp_path):
    given = GivenFacts(source=METADATA, authority="Gemeente Utrecht", estimated_value=90_000.0, cpv=("18100000",))
    report = isv_checker.check(SAMPLES / "dictu-laptops-2025.docx", given=given)
    texts = {f.code: (f.message, finding_text(f, "nl", report)) for f in report.findings if f.rule == "ISV-METADATA"}
    assert texts["metadata.authority"] == (
        "authority 'Gemeente Utrecht' (not central government) from notices.csv line 3; the document: DICTU",
        "aanbestedende dienst 'Gemeente Utrecht' (niet de rijksoverheid) uit notices.csv line 3; het document: DICTU",
    )
    assert texts["metadata.estimated_value"] == (
        "estimated value EUR 90,000 from notices.csv line 3; the document: EUR 1,200,000",
        "geraamde waarde EUR 90.000 uit notices.csv line 3; het document: EUR 1.200.000",
    )
    assert texts["metadata.cpv"] == (
        "CPV 18100000 from notices.csv line 3: workwear",
        "CPV 18100000 uit notices.csv line 3: workwear",
    )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nonsense")
    unread = isv_checker.check(broken, given=GivenFacts(source=Source(kind="notice"), authority="X"))
    failed, unchecked = unread.findings
    assert failed.message == f"the document could not be checked: {unread.status.value}: {unread.status_message}"
    assert finding_text(failed, "nl", unread) == (  # issue 18: no raw status, no English reader message
        "het document kon niet worden gecontroleerd: beschadigd: de PDF is beschadigd of onvolledig en kan niet"
        " worden geopend"
    )
    assert unchecked.message == "notice matched this file, but it could not be checked"
    assert (
        finding_text(unchecked, "nl", unread)
        == "aankondiging hoort bij dit bestand, maar het kon niet worden gecontroleerd"
    )


def test_review_and_element_findings_follow_the_report_in_dutch():
    report = isv_checker.check(SAMPLES / "cjib-glasvezelverbindingen-2024.docx")
    review = next(f for f in report.findings if f.code == "verdict.needs_review")
    assert review.message == "; ".join(report.applicability.reasons)
    assert review.params == dict(report.applicability.reason("decision").params)
    assert "onbeslist:" in finding_text(review, "nl", report)
    names = {e.id: e.name_nl for e in report.clause.elements}
    for missing in (f for f in report.findings if f.code == "element.missing"):
        assert finding_text(missing, "nl", report) == f"de clausule vermeldt niet: {names[missing.params['element']]}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_finding_without_a_code_keeps_its_english_text(lang):
    """Reports stored before findings had codes (a batch database) still show their findings."""
    report = isv_checker.check(SAMPLES / "arbeidsinspectie-drukwerk-2024.txt")
    old = report.findings[0].model_copy(update={"code": None})
    assert finding_text(old, lang, report) == report.findings[0].message
