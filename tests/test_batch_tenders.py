"""`isv-check batch --tenders` as an auditor runs it: each top-level folder or ZIP of an archive judged as
one tender beside its documents' rows, resumed after kill -9 without checking a file or judging a tender
twice; `results --tenders`, `export --tenders`, metadata rows naming a tender, and `sdg-table` counting
tenders."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import jsonschema
import pytest

from isv_checker.batch import BatchOptions, run_batch
from isv_checker.cli import main
from isv_checker.evaluation import load_labels
from isv_checker.pipeline import check_tender
from isv_checker.schema import report_schema
from isv_checker.tender.report import TenderReport

from .conftest import SAMPLES

TENDERS = SAMPLES / "tenders"
LOOSE = "losse-notitie.txt"


def _archive(root):
    """A copy of the bundled dossiers (folders and ZIPs) and one file outside any of them."""
    archive = root / "archive"
    archive.mkdir()
    for entry in TENDERS.iterdir():
        if entry.is_dir() and entry.name != "source":
            shutil.copytree(entry, archive / entry.name)
        elif entry.suffix == ".zip":
            shutil.copy(entry, archive / entry.name)
    (archive / LOOSE).write_text("Notitie zonder aanbesteding.\n", encoding="utf-8")
    return archive


def _run(args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def _tender_rows(db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {r["name"]: dict(r) for r in conn.execute("SELECT * FROM tenders")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    root = tmp_path_factory.mktemp("tenders")
    archive = _archive(root)
    db = root / "results.sqlite"
    code, err = _run(["batch", "--tenders", str(archive), "--db", str(db), "--workers", "2"])
    return root, archive, db, code, err


def test_each_top_level_folder_or_zip_is_one_tender_judged_as_isv_check_tender_judges_it(judged):
    _, archive, db, code, err = judged
    labels = load_labels(TENDERS / "labels.yaml")
    assert code == 0
    assert f"{len(labels)} tender(s): {len(labels)} judged, 0 already done" in err
    assert "1 file(s) directly in an archive, in no top-level folder or ZIP" in err
    rows = _tender_rows(db)
    assert set(rows) == {p.name for p in archive.iterdir() if p.name != LOOSE}
    for name, row in rows.items():
        alone = check_tender(archive / name)
        stored = TenderReport.model_validate_json(row["report"])
        assert row["status"] == "judged"
        assert row["verdict"] == alone.verdict == labels[name]["verdict"], name
        assert stored.clause == alone.clause and stored.applicability == alone.applicability, name
        assert [f.file for f in stored.files] == [f.file for f in alone.files], name
        assert row["documents"] == len(alone.files) and row["unreadable"] == len(alone.unreadable)
    # the loose file is a document row, in no tender; every file of a tender has its document row too
    conn = sqlite3.connect(db)
    sources = {r[0] for r in conn.execute("SELECT source FROM documents")}
    conn.close()
    assert str(archive / LOOSE) in sources
    assert str(archive / "rws-catering-2023" / "nota-van-inlichtingen-1.pdf") in sources
    assert (
        f"{archive / 'dji-bedrijfskleding-2019.zip'}!Bijlagen/bijlage-6-internationale-sociale-voorwaarden.docx"
        in sources
    )


def test_a_rerun_checks_no_file_and_judges_no_tender_again(judged):
    _, archive, db, _, _ = judged
    before = _tender_rows(db)
    files = len(sqlite3.connect(db).execute("SELECT source FROM documents").fetchall())
    code, err = _run(["batch", "--tenders", str(archive), "--db", str(db)])
    assert code == 0
    assert f"{files} file(s) in, {files} accounted for: 0 checked, {files} already done" in err
    assert f"{len(before)} tender(s): 0 judged, {len(before)} already done" in err
    assert "tender verdict: " in err and "tender verdict: -" not in err
    after = _tender_rows(db)
    assert {n: r["checked_at"] for n, r in after.items()} == {n: r["checked_at"] for n, r in before.items()}


def test_a_changed_file_judges_its_tender_again_and_only_that_one(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("rws-catering-2023", "cjib-dataverbindingen-2026"):
        shutil.copytree(TENDERS / name, archive / name)
    db = tmp_path / "r.sqlite"
    first = run_batch([archive], db, BatchOptions(workers=1, tenders=True))
    assert first.tenders_judged == 2
    notice = archive / "rws-catering-2023" / "01-aankondiging-catering-rijkswaterstaat.txt"
    notice.write_text(notice.read_text(encoding="utf-8") + "\nKenmerk 7.\n", encoding="utf-8")
    again = run_batch([archive], db, BatchOptions(workers=1, tenders=True))
    assert (again.checked, again.tenders_judged, again.tenders_skipped) == (1, 1, 1)
    assert _tender_rows(db)["rws-catering-2023"]["verdict"] == check_tender(archive / "rws-catering-2023").verdict


def _many_tenders(root, count):
    """`count` copies of a dossier, each a tender of its own: the text and PDF files made unique (so each
    is checked), the DOCX the same in every copy (so it is checked once and copied)."""
    source = TENDERS / "rws-catering-2023"
    archive = root / "many"
    for i in range(count):
        folder = archive / f"tender-{i:03d}"
        folder.mkdir(parents=True)
        for path in sorted(source.iterdir()):
            data = path.read_bytes()
            if path.suffix == ".txt":
                data += f"\nKenmerk {i}.\n".encode()
            elif path.suffix == ".pdf":
                data += f"\n%{i}\n".encode()
            (folder / path.name).write_bytes(data)
    return archive


def _count(db, table):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_kill_9_mid_run_then_resume_finishes_the_tenders_not_done(tmp_path):
    archive = _many_tenders(tmp_path, 24)
    files = sum(1 for p in archive.rglob("*") if p.is_file())
    db = tmp_path / "r.sqlite"
    command = [
        sys.executable,
        "-m",
        "isv_checker",
        "batch",
        "--tenders",
        str(archive),
        "--db",
        str(db),
        "-w",
        "2",
        "-q",
    ]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and _count(db, "tenders") >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, f"the batch finished before it could be killed: {process.stderr.read().decode()}"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process.stderr.close()
    documents_before = _count(db, "documents")
    tenders_before = _tender_rows(db)
    assert 3 <= len(tenders_before) < 24 and documents_before < files

    resumed = run_batch([archive], db, BatchOptions(workers=2, tenders=True))
    assert resumed.skipped == documents_before  # no file checked twice
    assert resumed.checked + resumed.copied == files - documents_before
    assert resumed.tenders_skipped == len(tenders_before)  # no tender judged twice
    assert resumed.tenders_judged == 24 - len(tenders_before)
    after = _tender_rows(db)
    assert len(after) == 24 and _count(db, "documents") == files
    for name, row in tenders_before.items():
        assert after[name]["checked_at"] == row["checked_at"] and after[name]["run_id"] == row["run_id"]
    expected = check_tender(archive / "tender-000").verdict
    assert {r["verdict"] for r in after.values()} == {expected}


def test_a_database_of_schema_1_is_migrated_and_its_files_checked_once_more_for_their_tenders(tmp_path, capsys):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copytree(TENDERS / "rws-catering-2023", archive / "rws-catering-2023")
    db = tmp_path / "r.sqlite"
    assert run_batch([archive], db, BatchOptions(workers=1)).checked == 4
    conn = sqlite3.connect(db)  # what a batch before tenders left: no tenders or parts tables, schema 1
    conn.execute("DROP TABLE tenders")
    conn.execute("DROP TABLE parts")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    assert main(["results", "--db", str(db), "--tenders"]) == 0
    captured = capsys.readouterr()
    assert "holds no tenders" in captured.err and captured.out.splitlines()[-1] == "0 tender(s)"
    summary = run_batch([archive], db, BatchOptions(workers=1, tenders=True))
    assert summary.checked == 4 and summary.tenders_judged == 1  # checked once more: schema 1 kept no parts
    assert sqlite3.connect(db).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "2"
    assert run_batch([archive], db, BatchOptions(workers=1, tenders=True)).skipped == 4


def test_results_lists_tenders_with_the_document_filters(judged, capsys):
    db = judged[2]
    assert main(["results", "--db", str(db), "--tenders"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == [
        "verdict",
        "categories",
        "authority",
        "value_eur",
        "documents",
        "unreadable",
        "clause_file",
        "tender",
    ]
    assert out[-1] == f"{len(load_labels(TENDERS / 'labels.yaml'))} tender(s)"
    assert (
        main(["results", "--db", str(db), "--tenders", "--verdict", "compliant", "--category", "Bedrijfskleding"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and "dji-bedrijfskleding-2019.zip" in out[1]
    assert "Bijlagen/bijlage-6-internationale-socia" in out[1]
    assert main(["results", "--db", str(db), "--tenders", "--authority", "rijkswaterstaat"]) == 0
    assert "rws-catering-2023" in capsys.readouterr().out
    assert main(["results", "--db", str(db), "--tenders", "--status", "ok"]) == 2
    assert "tender has no reading status" in capsys.readouterr().err


def test_export_writes_the_tenders_sheet_and_tables(judged, tmp_path, capsys):
    db = judged[2]
    n = len(load_labels(TENDERS / "labels.yaml"))
    out_csv, out_jsonl, out_xlsx = tmp_path / "t.csv", tmp_path / "t.jsonl", tmp_path / "all.xlsx"
    assert main(["export", "--db", str(db), "--tenders", "-o", str(out_csv)]) == 0
    assert f"wrote {n} tender(s)" in capsys.readouterr().err
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert list(rows[0])[:9] == [
        "tender",
        "verdict",
        "categories",
        "authority",
        "value_eur",
        "clause_file",
        "elements_missing",
        "documents",
        "unreadable",
    ]
    catering = next(r for r in rows if r["tender"].endswith("rws-catering-2023"))
    assert catering["verdict"] == "incomplete" and catering["elements_missing"] == "reporting"
    assert catering["clause_file"] == "aanbestedingsleidraad-catering-rijkswaterstaat-2023.docx"
    assert catering["documents"] == "4" and catering["authority"] == "Rijkswaterstaat"
    nfi = next(r for r in rows if r["tender"].endswith("nfi-lab-consumables-2025.zip"))
    assert nfi["unreadable"] == "1"
    assert main(["export", "--db", str(db), "--tenders", "--verdict", "compliant", "-o", str(out_jsonl)]) == 0
    capsys.readouterr()
    schema = report_schema("tender")
    lines = out_jsonl.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["verdict"] == "compliant" for line in lines)
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    assert main(["export", "--db", str(db), "-o", str(out_xlsx)]) == 0
    with zipfile.ZipFile(out_xlsx) as book:
        assert 'name="tenders"' in book.read("xl/workbook.xml").decode()
    assert main(["export", "--db", str(db), "--tenders", "--status", "ok", "-o", str(out_csv)]) == 2


def test_a_metadata_row_may_name_a_tender_folder(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copytree(TENDERS / "rws-catering-2023", archive / "rws-catering-2023")
    notices = tmp_path / "notices.csv"
    notices.write_text("bestand;geraamde waarde\nrws-catering-2023;EUR 100.000\nelders;5\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    code, err = _run(["batch", "--tenders", str(archive), "--db", str(db), "-w", "1", "--metadata", str(notices)])
    assert code == 0
    assert "metadata row notices.csv line 3 (file 'elders') matches no file or tender" in err
    assert "2 row(s), 1 matched a file or tender, 1 matched none" in err
    row = _tender_rows(db)["rws-catering-2023"]
    assert (
        row["verdict"] == "not_required"
        and row["value_eur"] == 100_000
        and row["metadata_facts"] == '["estimated_value"]'
    )
    report = TenderReport.model_validate_json(row["report"])
    given = [f for f in report.findings if f.rule == "ISV-METADATA"]
    assert given and given[0].source is not None and given[0].source.reference == "notices.csv line 2"
    assert report.applicability.value_eur.source.kind == "metadata"
    # the row names the tender, not its files: their own rows keep their own facts
    conn = sqlite3.connect(db)
    assert {r[0] for r in conn.execute("SELECT metadata_key FROM documents")} == {""}
    conn.close()


def test_sdg_table_counts_tenders_and_says_so(judged, tmp_path, capsys):
    _, archive, db, _, _ = judged
    table = tmp_path / "sdg.md"
    assert main(["sdg-table", str(db), "-o", str(table), "--lang", "en"]) == 0
    counted = capsys.readouterr().err
    text = table.read_text(encoding="utf-8")
    assert "(counted: tenders, not files)" in text and "| Tenders |" in text
    assert "Counted: tenders, not files." in text
    compliant_or_not = sum(1 for r in _tender_rows(db).values() if r["verdict"] != "needs_review")
    assert f"{compliant_or_not} tender(s) counted" in counted

    reports = tmp_path / "tenders.jsonl"
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main(
            [
                "tender",
                str(archive / "rws-catering-2023"),
                str(archive / "dji-bedrijfskleding-2019.zip"),
                "--format",
                "json",
            ]
        )
    reports.write_text(out.getvalue(), encoding="utf-8")
    csv_table = tmp_path / "sdg.csv"
    assert main(["sdg-table", str(reports), "-o", str(csv_table), "--lang", "nl"]) == 0
    assert "geschreven" in capsys.readouterr().err
    header = csv_table.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "Aanbestedingen" in header and "Contracten" not in header

    documents = tmp_path / "documents.json"
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main(["scan", str(SAMPLES / "dictu-laptops-2025.docx"), "--format", "json"])
    documents.write_text(out.getvalue(), encoding="utf-8")
    assert main(["sdg-table", str(documents), "-o", str(tmp_path / "d.md")]) == 0
    assert "contract(s) counted" in capsys.readouterr().err
    assert main(["sdg-table", str(documents), str(reports), "-o", str(tmp_path / "mixed.md")]) == 2
    assert "tender results" in capsys.readouterr().err
