"""Tenders judged as one (`isv-check tender`, `check_tender`): the bundled dossiers against their labels,
the reasoning of docs/tenders.md on small dossiers written here, and bad input."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from isv_checker.cli import main
from isv_checker.evaluation import evaluate, load_labels
from isv_checker.pipeline import check_tender
from isv_checker.schema import report_schema
from isv_checker.tender.dossier import EmptyTender

from .conftest import SAMPLES

TENDERS = SAMPLES / "tenders"

GUIDELINES = """Aanbestedingsleidraad Levering bedrijfskleding

Aanbestedende dienst: Rijkswaterstaat. Datum: 3 maart 2025.

2 De opdracht

Europese openbare aanbesteding voor de levering van bedrijfskleding. De geraamde opdrachtwaarde bedraagt {value} exclusief btw.

6 Internationale Sociale Voorwaarden

Op deze opdracht zijn de Internationale Sociale Voorwaarden van toepassing, zie Bijlage 6.
"""
ANNEX = """Bijlage 6 Internationale Sociale Voorwaarden

1. Opdrachtnemer past gepaste zorgvuldigheid toe in zijn keten volgens de OESO-richtlijnen.
2. Het gaat om de fundamentele arbeidsnormen van de ILO: geen dwangarbeid en geen kinderarbeid.
3. Opdrachtnemer voert binnen drie maanden een risicoanalyse uit van zijn keten.
4. Opdrachtnemer stelt een plan van aanpak op met maatregelen om de risico's te voorkomen.
5. Opdrachtnemer rapporteert jaarlijks over zijn inspanningen aan Opdrachtgever.
6. Bij niet-naleving stelt Opdrachtnemer een verbeterplan op; blijft herstel uit, dan kan Opdrachtgever de overeenkomst ontbinden.
"""


def _dossier(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# -- the bundled dossiers ----------------------------------------------------------------------------


def test_bundled_dossiers_agree_with_their_labels():
    labels = load_labels(TENDERS / "labels.yaml")
    assert len(labels) >= 8
    result = evaluate(labels, TENDERS, check_tender)
    verdicts = [m for m in result.mistakes if ": verdict " in m]
    assert not verdicts, verdicts
    assert not result.false_compliant and not result.false_not_required


def test_the_cli_writes_a_tender_report_that_validates(capsys):
    code = main(["tender", str(TENDERS / "dji-bedrijfskleding-2019.zip"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(report_schema("tender")).validate(report)
    assert code == 0 and report["schema"] == "isv-checker/tender/1" and report["verdict"] == "compliant"
    assert {f["file"] for f in report["files"]} >= {"Bijlagen/bijlage-6-internationale-sociale-voorwaarden.docx"}
    quotes = [e for element in report["clause"]["elements"] for e in element["evidence"]]
    assert quotes and all(e["file"] for e in quotes)  # every quote of the tender names its file
    assert report["applicability"]["value_eur"]["evidence"][0]["file"].startswith("aanbestedingsleidraad")
    # each file's own report is unchanged: a document report, no file on its quotes
    own = [e for d in report["documents"] if d["clause"] for el in d["clause"]["elements"] for e in el["evidence"]]
    assert own and all(e.get("file") is None for e in own)
    jsonschema.Draft202012Validator(report_schema()).validate(report["documents"][0])


def test_several_tenders_give_json_lines_and_the_worst_exit_code(capsys):
    code = main(
        ["tender", str(TENDERS / "rws-catering-2023"), str(TENDERS / "nfi-lab-consumables-2025.zip"), "-f", "json"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["tender"] for line in lines] == [
        str(TENDERS / "rws-catering-2023"),
        str(TENDERS / "nfi-lab-consumables-2025.zip"),
    ]
    assert code == 2  # the NFI dossier holds a corrupt price schedule


def test_a_note_that_deletes_an_element_is_an_amendment():
    report = check_tender(TENDERS / "rws-catering-2023")
    assert report.verdict == "incomplete"
    assert [(a.change, a.element, a.file) for a in report.amendments] == [
        ("removes_element", "reporting", "nota-van-inlichtingen-1.pdf")
    ]
    own = {d.file: d.verdict for d in report.documents}
    assert own["aanbestedingsleidraad-catering-rijkswaterstaat-2023.docx"] == "compliant"


def test_notes_that_add_elements_complete_the_clause():
    report = check_tender(TENDERS / "belastingdienst-drukwerk-2018")
    assert report.verdict == "compliant"
    added = {(a.element, a.file) for a in report.amendments if a.change == "adds_element"}
    assert ("action_plan", "nota-van-inlichtingen-1.docx") in added and (
        "remedy",
        "nota-van-inlichtingen-2.pdf",
    ) in added


def test_a_note_that_withdraws_the_clause_leaves_none():
    report = check_tender(TENDERS / "cjib-dataverbindingen-2026")
    assert report.verdict == "missing" and not report.clause.present
    assert [a.change for a in report.amendments] == ["removes_clause"]


def test_an_absent_annex_and_an_unreadable_annex_are_no_verdict_of_missing():
    absent = check_tender(TENDERS / "defensie-afvalinzameling-2017")
    assert absent.verdict == "needs_review"
    assert any(f.code == "tender.annex_absent" and f.params["annex"] == "Bijlage 6" for f in absent.findings)
    unreadable = check_tender(TENDERS / "dictu-datacenterapparatuur-2020.zip")
    assert unreadable.verdict == "needs_review"
    assert [f.file for f in unreadable.unreadable] == ["Bijlage 6 Internationale Sociale Voorwaarden.pdf"]


def test_an_unreadable_price_schedule_does_not_hold_up_the_verdict():
    report = check_tender(TENDERS / "nfi-lab-consumables-2025.zip")
    assert report.verdict == "incomplete"
    entry = next(f for f in report.files if f.file == "Annex 5 Price Schedule.pdf")
    assert entry.role == "form" and entry.status.value == "corrupt"


# -- the reasoning, on dossiers written here ---------------------------------------------------------


def test_the_annex_completes_the_guidelines(tmp_path):
    dossier = _dossier(
        tmp_path / "t",
        {"Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000"), "Bijlage 6 ISV.txt": ANNEX},
    )
    report = check_tender(dossier)
    assert report.verdict == "compliant"
    own = {d.file: d.verdict for d in report.documents}
    assert own["Aanbestedingsleidraad.txt"] == "needs_review"  # alone: the ISV text is in an annex it lacks
    assert {e.file for el in report.clause.elements for e in el.evidence} == {"Bijlage 6 ISV.txt"}


def test_a_conflict_that_changes_the_outcome_is_needs_review(tmp_path):
    files = {
        "01 Aankondiging.txt": "Aankondiging van een opdracht\n\nAanbestedende dienst: Rijkswaterstaat. Datum: 1 maart 2025.\n\n"
        "Levering van bedrijfskleding. Geraamde waarde exclusief btw: EUR 1.200.000.\n",
        "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 120.000"),
        "Bijlage 6 ISV.txt": ANNEX,
    }
    report = check_tender(_dossier(tmp_path / "t", files))
    assert report.verdict == "needs_review"
    assert report.applicability.value_eur.amount == 1_200_000  # the notice weighs most
    assert report.applicability.reason("decision").code == "decision.conflict"
    conflict = next(f for f in report.findings if f.code == "tender.conflict")
    assert conflict.params["chosen_file"] == "01 Aankondiging.txt" and len(conflict.evidence) == 2


def test_a_conflict_that_does_not_change_the_outcome_is_only_reported(tmp_path):
    files = {
        "01 Aankondiging.txt": "Aankondiging van een opdracht\n\nAanbestedende dienst: Rijkswaterstaat. Datum: 1 maart 2025.\n\n"
        "Levering van bedrijfskleding. Geraamde waarde exclusief btw: EUR 1.200.000.\n",
        "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 1.500.000"),
        "Bijlage 6 ISV.txt": ANNEX,
    }
    report = check_tender(_dossier(tmp_path / "t", files))
    assert report.verdict == "compliant"
    assert any(f.code == "tender.conflict" for f in report.findings)


def test_notes_are_applied_in_the_order_of_the_number_in_their_name(tmp_path):
    files = {
        "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000"),
        "Bijlage 6 ISV.txt": ANNEX,
        # note 10 adds back what note 2 deletes: applied as 2 then 10, the element stays
        "NvI 10.txt": "Nota van Inlichtingen 10\n\nAntwoord: Aan Bijlage 6 wordt toegevoegd: Opdrachtnemer rapporteert "
        "jaarlijks over zijn inspanningen aan Opdrachtgever.\n",
        "NvI 2.txt": "Nota van Inlichtingen 2\n\nAntwoord: Artikel 5 van Bijlage 6 over de jaarlijkse rapportage vervalt.\n",
    }
    report = check_tender(_dossier(tmp_path / "t", files))
    notes = {f.file: f.amends_order for f in report.files if f.amends_order}
    assert notes == {"NvI 2.txt": 1, "NvI 10.txt": 2}
    assert [(a.change, a.file) for a in report.amendments] == [
        ("removes_element", "NvI 2.txt"),
        ("adds_element", "NvI 10.txt"),
    ]
    assert report.verdict == "compliant"


def test_a_municipality_with_isv_wording_is_not_required(tmp_path):
    guidelines = GUIDELINES.format(value="EUR 900.000").replace("Rijkswaterstaat", "Gemeente Utrecht")
    report = check_tender(
        _dossier(tmp_path / "t", {"Aanbestedingsleidraad.txt": guidelines, "Bijlage 6 ISV.txt": ANNEX})
    )
    assert report.verdict == "not_required" and report.clause.present


def test_the_same_bytes_under_two_names_are_read_once(tmp_path):
    files = {
        "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000"),
        "a/Bijlage 6.txt": ANNEX,
        "b/kopie.txt": ANNEX,
    }
    report = check_tender(_dossier(tmp_path / "t", files))
    assert len(report.files) == 3 and len(report.documents) == 2
    copy = next(f for f in report.files if f.file == "b/kopie.txt")
    assert copy.same_as == "a/Bijlage 6.txt"
    assert any(f.code == "tender.duplicate" for f in report.findings)


# -- bad input ---------------------------------------------------------------------------------------


def test_an_empty_folder_or_zip_is_a_usage_error(tmp_path, capsys):
    empty = tmp_path / "leeg"
    empty.mkdir()
    with pytest.raises(EmptyTender):
        check_tender(empty)
    archive = _zip(tmp_path / "leeg.zip", {})
    assert main(["tender", str(empty), str(archive), str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "no files in this tender" in err and "no such file or folder" in err


def test_hostile_zip_members_are_listed_with_a_status(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("diep.zip", b"PK\x05\x06" + b"\x00" * 18)  # a ZIP in a ZIP in the tender: too deep
        nested.writestr("Bijlage 6 ISV.txt", ANNEX)
    bomb = b"0" * (3 * 1024 * 1024)  # compresses over 100 times: refused as a zip bomb
    archive = _zip(
        tmp_path / "tender.zip",
        {
            "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000").encode(),
            "../../etc/passwd.txt": b"x",
            "bom.txt": bomb,
            "bijlagen.zip": inner.getvalue(),
        },
    )
    report = check_tender(archive)
    status = {f.file: f.status.value for f in report.files}
    assert status["../../etc/passwd.txt"] == "corrupt"
    assert status["bom.txt"] == "too_large"
    assert status["bijlagen.zip!diep.zip"] == "unsupported"
    assert status["bijlagen.zip!Bijlage 6 ISV.txt"] == "ok"  # one level of nesting is read
    assert report.verdict == "compliant"  # the clause is complete in the files read: unread ones cannot take from it


def test_hidden_and_system_files_are_passed_over_not_unreadable(tmp_path):
    files: dict[str, str | bytes] = {
        "Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000").replace(", zie Bijlage 6", ""),
        ".DS_Store": b"\0\0\0\1Bud1",
        "~$nbestedingsleidraad.docx": b"lock",
        "Thumbs.db": b"\0",
    }
    report = check_tender(_dossier(tmp_path / "t", files))
    assert report.verdict == "incomplete"  # a stray system file is no file that could hold the clause
    assert [f.file for f in report.files] == ["Aanbestedingsleidraad.txt"]
    assert report.passed_over == (".DS_Store", "Thumbs.db", "~$nbestedingsleidraad.docx")


def test_a_tender_of_500_files(tmp_path):
    files = {f"stukken/bijlage-{i:03d}.txt": f"Bijlage {i}\n\nOverzicht van locaties, deel {i}.\n" for i in range(498)}
    files |= {"Aanbestedingsleidraad.txt": GUIDELINES.format(value="EUR 900.000"), "Bijlage 6 ISV.txt": ANNEX}
    report = check_tender(_dossier(tmp_path / "t", files))
    assert len(report.files) == 500 and report.verdict == "compliant"
