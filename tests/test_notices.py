"""Procurement notices (eForms and TED R2.0.9 XML): every fact the reader extracts and every
applicability outcome, held against the labels of samples/notices/ (written by someone who never saw
the checker), and a notice's report as a person reads it (`isv-check scan notice.xml`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import isv_checker
from isv_checker.cli.app import app
from isv_checker.notice_evaluation import evaluate, expected_of, facts_of
from isv_checker.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "samples" / "notices"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notices"
LABELS: dict[str, dict] = yaml.safe_load((NOTICES / "labels.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_every_labelled_fact_and_outcome(name):
    report = isv_checker.check(NOTICES / name)
    assert report.status == "ok", report.status_message
    assert report.document.format == "notice"
    assert facts_of(report) == expected_of(LABELS[name])


@pytest.mark.parametrize("name", sorted(LABELS))
def test_each_lot_as_labelled(name):
    label = LABELS[name]
    notice = isv_checker.check(NOTICES / name).notice
    assert notice is not None
    lots = {lot.id: lot for lot in notice.lots}
    for expected in label.get("lots") or []:
        lot = lots[expected["id"]]
        assert sorted(lot.cpv) == sorted(expected["cpv"]), expected["id"]
        if expected.get("value_eur") is not None:
            amount = lot.estimated or lot.awarded
            assert amount is not None and amount.amount == pytest.approx(expected["value_eur"])


def test_the_benchmark_counts_what_the_tests_hold():
    """benchmarks/notice_accuracy.py scores from the same facts: on the development set, all right."""
    scores = evaluate(LABELS, NOTICES, check)
    assert scores.notices == len(LABELS) and scores.mistakes == []
    assert scores.share("isv_required") == 1.0 and scores.false_not_required == 0


def test_the_verdict_of_a_notice_is_required_not_missing():
    """A notice never holds the clause: mandatory ISV is `required`, with a finding that says where to look."""
    report = isv_checker.check(FIXTURES / "eforms-cn-dictu-lots.xml")
    assert report.verdict == "required"
    assert report.clause is not None and not report.clause.present
    assert "notice.no_clause" in {f.code for f in report.findings}
    lots = {lot.id: lot for lot in report.lots}
    assert lots["LOT-0001"].categories == ("ict_workplace",) and lots["LOT-0001"].isv_required is True
    assert lots["LOT-0002"].isv_required is False and lots["LOT-0003"].isv_required is False
    lot_finding = next(f for f in report.findings if f.code == "notice.lots")
    assert lot_finding.params["lots"] == ("LOT-0001",)
    # the value: the lots added up, each quoted at its element
    value = report.applicability.value_eur
    assert value.amount == 3_650_000 and value.basis == "lots_summed"
    assert all("EstimatedOverallContractAmount" in e.location for e in value.evidence)


def test_evidence_points_at_the_xml_element():
    report = isv_checker.check(FIXTURES / "eforms-cn-dictu-lots.xml")
    authority = report.applicability.authority
    assert authority.name == "Dienst ICT Uitvoering (DICTU)" and authority.central_government is True
    quoted = authority.evidence[0]
    assert quoted.line is not None and quoted.location.startswith(f"line {quoted.line}, …/")
    assert quoted.location.endswith("efac:Company/cac:PartyName/cbc:Name")
    assert quoted.element is not None and quoted.element.startswith("/ContractNotice/ext:UBLExtensions/")
    assert authority.evidence[1].quote == "cga"


def test_scan_prints_the_applicability_of_a_notice():
    result = CliRunner().invoke(app, ["scan", str(FIXTURES / "eforms-cn-dictu-lots.xml")])
    assert result.exit_code == 1, result.output
    assert "REQUIRED" in result.output and "LOT-0001" in result.output
    result = CliRunner().invoke(app, ["scan", "--format", "json", str(FIXTURES / "eforms-cn-dictu-lots.xml")])
    data = json.loads(result.output)
    assert data["verdict"] == "required" and data["notice"]["format"] == "eforms"
    assert [lot["id"] for lot in data["lots"] if lot["isv_required"]] == ["LOT-0001"]


TENDER = ROOT / "samples" / "tenders" / "cjib-dataverbindingen-2026"


def _tender_with_notice(tmp_path: Path, lot_values: tuple[str, str, str]) -> Path:
    """The CJIB dossier of samples/tenders with an eForms notice of the same procedure added (its lots'
    values as given: in the dossier's text the value is EUR 2,750,000)."""
    import shutil

    folder = tmp_path / "cjib"
    shutil.copytree(TENDER, folder)
    xml = (FIXTURES / "eforms-cn-dictu-lots.xml").read_text(encoding="utf-8")
    xml = xml.replace("Dienst ICT Uitvoering (DICTU)", "Centraal Justitieel Incassobureau")
    xml = xml.replace("2024-11-25", "2026-01-20").replace("2024-11-27", "2026-01-22")
    for old, new in zip((">2400000<", ">350000<", ">900000<"), lot_values, strict=True):
        xml = xml.replace(old, f">{new}<", 1)
    (folder / "ted-00712345-2026.xml").write_text(xml, encoding="utf-8")
    return folder


def test_in_a_tender_the_notice_gives_the_facts(tmp_path):
    report = isv_checker.check_tender(_tender_with_notice(tmp_path, ("2000000", "400000", "350000")))
    roles = {f.file: f.role for f in report.files}
    assert roles["ted-00712345-2026.xml"] == "notice"
    value = report.applicability.value_eur
    assert value.amount == 2_750_000 and {e.file for e in value.evidence} == {"ted-00712345-2026.xml"}
    assert report.applicability.authority.evidence[0].file == "ted-00712345-2026.xml"
    assert report.verdict == "missing"  # the clause is withdrawn by the first note, as without the notice
    assert [lot.id for lot in report.lots if lot.isv_required] == ["LOT-0001"]
    assert not [f for f in report.findings if f.code == "tender.conflict"]


def test_a_document_that_disagrees_with_the_notice_is_a_finding(tmp_path):
    """The notice says EUR 120,000 (below the 2026 threshold), the dossier's text EUR 2,750,000: the
    notice counts, and since the other value would make ISV mandatory, a person decides."""
    report = isv_checker.check_tender(_tender_with_notice(tmp_path, ("60000", "40000", "20000")))
    assert report.applicability.value_eur.amount == 120_000
    conflict = next(f for f in report.findings if f.code == "tender.conflict")
    assert conflict.params["fact"] == "value" and conflict.params["chosen_file"] == "ted-00712345-2026.xml"
    assert report.verdict == "needs_review"
    assert report.applicability.reason("decision").code == "decision.conflict"


def test_a_tender_of_only_a_notice_says_required(tmp_path):
    folder = tmp_path / "only-notice"
    folder.mkdir()
    (folder / "notice.xml").write_bytes((FIXTURES / "eforms-cn-dictu-lots.xml").read_bytes())
    report = isv_checker.check_tender(folder)
    assert report.verdict == "required"
    result = CliRunner().invoke(app, ["tender", str(folder)])
    assert result.exit_code == 1 and "REQUIRED" in result.output


def test_a_lots_empty_cpv_element_does_not_shift_its_codes():
    """A lot whose main CPV element is empty: its additional code is still read, with its own block
    (the codes and blocks were once paired by position, and an empty element dropped the next code)."""
    from isv_checker.readers import read_bytes

    xml = (NOTICES / "ef-cn-belastingdienst-laptops-2024.xml").read_text(encoding="utf-8")
    lot_main = '<cbc:ItemClassificationCode listName="cpv">30213100</cbc:ItemClassificationCode>\n\t\t\t</cac:MainCommodityClassification>'
    assert xml.count(lot_main) == 1, "the sample's first lot holds this main CPV code"
    changed = xml.replace(
        lot_main,
        '<cbc:ItemClassificationCode listName="cpv"> </cbc:ItemClassificationCode>\n\t\t\t</cac:MainCommodityClassification>\n'
        "\t\t\t<cac:AdditionalCommodityClassification>\n"
        '\t\t\t\t<cbc:ItemClassificationCode listName="cpv">30213100</cbc:ItemClassificationCode>\n'
        "\t\t\t</cac:AdditionalCommodityClassification>",
    )
    document = read_bytes(changed.encode("utf-8"), "lot.xml")
    assert document.notice is not None
    lot = document.notice.lots[0]
    assert lot.cpv == ("30213100",)
    (block,) = lot.cpv_blocks
    assert document.blocks[block].text == "30213100"
    assert (
        document.blocks[block].element is not None
        and "AdditionalCommodityClassification" in document.blocks[block].element
    )
