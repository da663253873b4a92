"""`isv-check batch`, `results` and `export` as an auditor uses them, and their exit codes."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import subprocess
import sys
import zipfile

import pytest

from isv_checker.cli import main
from isv_checker.report import Report

from .conftest import SAMPLES

FILES = [
    "gemeente-catering-2024.txt",
    "rvb-elektriciteit-2025.txt",
    "dictu-laptops-2025.docx",
    "minbuza-energy-2026.pdf",
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """An archive checked once with metadata; the tests below query and export it."""
    root = tmp_path_factory.mktemp("cli")
    archive = root / "archive"
    (archive / "2024-000042").mkdir(parents=True)
    for name in FILES:
        shutil.copy(SAMPLES / name, archive / ("2024-000042" if name.endswith(".docx") else "") / name)
    notices = root / "notices.csv"
    notices.write_text(
        "reference;authority;estimated_value;cpv;publication_date\n"
        "2024-000042;Gemeente Utrecht;€ 2.000.000;30213100;2024-05-01\n",
        encoding="utf-8",
    )
    db = root / "results.sqlite"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["batch", str(archive), "--db", str(db), "--workers", "1", "--metadata", str(notices)])
    return root, archive, notices, db, code, err.getvalue()


def test_batch_then_rerun(checked, capsys):
    _, archive, notices, db, code, err = checked
    assert code == 0
    assert f"isv-check batch: {len(FILES)} file(s), 1 local worker process" in err  # plain lines: not a terminal
    assert f"{len(FILES)} file(s) in, {len(FILES)} accounted for: {len(FILES)} checked" in err
    assert "verdict: " in err and "slowest:\n" in err
    assert main(["batch", str(archive), "--db", str(db), "--metadata", str(notices), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["batch", str(archive), "--db", str(db), "--metadata", str(notices)]) == 0
    assert f"{len(FILES)} already done" in capsys.readouterr().err


def test_results_table_and_filters(checked, capsys):
    db = checked[3]
    assert main(["results", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["verdict", "status", "categories", "authority", "value_eur", "source"]
    assert out[-1] == f"{len(FILES)} document(s)"
    assert main(["results", "--db", str(db), "--authority", "utrecht"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and "dictu-laptops-2025.docx" in out[1] and "Gemeente Utrecht" in out[1]
    assert main(["results", "--db", str(db), "--category", "energy"]) == 0
    out = capsys.readouterr().out
    assert "minbuza-energy-2026.pdf" in out and "dictu" not in out
    assert main(["results", "--db", str(db), "--verdict", "compliant", "--limit", "1"]) == 0


def test_metadata_reached_the_report(checked):
    db = checked[3]
    from isv_checker.batch import iter_stored_reports

    reports = {r.file.rsplit("/", 1)[-1]: r for r in iter_stored_reports(db)}
    laptops = reports["dictu-laptops-2025.docx"]
    assert laptops.applicability.authority.name == "Gemeente Utrecht"
    assert laptops.verdict == "not_required"
    assert any(f.rule == "ISV-METADATA" and "notices.csv line 2" in f.message for f in laptops.findings)
    assert not any(f.rule == "ISV-METADATA" for f in reports["minbuza-energy-2026.pdf"].findings)


def test_exports(checked, tmp_path, capsys):
    db = checked[3]
    xlsx, csv_path, jsonl = tmp_path / "out.xlsx", tmp_path / "out.csv", tmp_path / "out.jsonl"
    for out in (xlsx, csv_path, jsonl):
        assert main(["export", "--db", str(db), "-o", str(out)]) == 0
        assert f"wrote {len(FILES)} document(s)" in capsys.readouterr().err
    with zipfile.ZipFile(xlsx) as book:
        workbook = book.read("xl/workbook.xml").decode()
        sheets = [part for part in book.namelist() if part.startswith("xl/worksheets/sheet")]
        assert 'name="summary"' in workbook
        assert "autoFilter" in book.read("xl/worksheets/sheet2.xml").decode()
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert len(rows) == len(FILES) and "report" not in rows[0]
    verdicts = {r["verdict"] for r in rows}
    assert len(sheets) == 1 + len(verdicts)
    assert all(f'name="{v}"' in workbook for v in verdicts)
    laptops = next(r for r in rows if r["name"] == "dictu-laptops-2025.docx")
    assert laptops["authority"] == "Gemeente Utrecht" and "authority" in laptops["metadata_facts"]
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(FILES)
    assert {Report.model_validate_json(line).file for line in lines} == {r["source"] for r in rows}
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "missing.jsonl"), "--verdict", "missing"]) == 0


def test_usage_errors_exit_2(checked, tmp_path, capsys):
    archive, db = checked[1], checked[3]
    assert main(["batch", str(tmp_path / "nope"), "--db", str(tmp_path / "r.sqlite")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["batch", str(archive), "--db", str(tmp_path / "no-folder" / "r.sqlite")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("authority\nX\n", encoding="utf-8")
    assert main(["batch", str(archive), "--db", str(tmp_path / "r.sqlite"), "--metadata", str(bad)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    not_db = tmp_path / "not.sqlite"
    not_db.write_text("hello", encoding="utf-8")
    assert main(["results", "--db", str(not_db)]) == 2
    assert main(["results", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "out.pdf")]) == 2
    assert "xlsx" in capsys.readouterr().err


def test_batch_help_does_not_import_spacy():
    code = (
        "import sys; from isv_checker.cli import main\n"
        "rc = main(['batch', '--help'])\n"
        "assert rc == 0, rc\n"
        "heavy = [m for m in ('spacy', 'pypdfium2', 'docx', 'distributed', 'xlsxwriter') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "--scheduler" in result.stdout and "--metadata" in result.stdout


def test_a_first_batch_run_starts_its_fork_server_before_the_app_is_imported(tmp_path):
    """The workers wait for the fork server (a few tenths of a second of imports and warm-up); it used
    to start only after the app had imported typer and the report models."""
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SAMPLES / FILES[0], archive / FILES[0])
    code = (
        "import sys\n"
        "from multiprocessing import forkserver\n"
        "started = []\n"
        "ensure_running = forkserver.ensure_running\n"
        "forkserver.ensure_running = lambda: started.append(sorted(m for m in ('typer', 'pydantic') if m in sys.modules)) or ensure_running()\n"
        "from isv_checker.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print(rc, started[0] if started else None)\n"
    )

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
        return done.stdout.strip().splitlines()[-1]

    db = tmp_path / "r.sqlite"
    assert run("batch", str(archive), "--db", str(db), "-w", "1", "-q") == "0 []"
    assert run("batch", str(archive), "--db", str(db), "-q") == "0 None"  # a re-run: no fork server
    other = str(tmp_path / "other.sqlite")
    assert run("batch", str(archive), f"--db={other}", "--scheduler", "127.0.0.1:9", "-q") == "2 None"


def test_an_unchanged_rerun_imports_no_spacy_and_starts_no_fork_server(tmp_path):
    """A re-run of an unchanged archive hashes its files and finds every row up to date: it must not
    pay spaCy's import or a fork server's start-up (the checker's warm-up) for nothing. Once a file
    has changed, the run does start them."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, archive / name)
    db = tmp_path / "r.sqlite"
    code = (
        "import sys\n"
        "from multiprocessing import forkserver\n"
        "from isv_checker.cli import main\n"
        f"rc = main(['batch', {str(archive)!r}, '--db', {str(db)!r}, '-w', '1', '-q'])\n"
        "assert rc == 0, rc\n"
        "print('spacy' in sys.modules, forkserver._forkserver._forkserver_pid is not None)\n"
    )

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[-2:]

    assert run() == ["False", "True"]  # the first run: the fork server checks, the parent needs no spaCy
    assert run() == ["False", "False"]  # unchanged: nothing started, nothing imported
    (archive / FILES[0]).write_text("Een gewijzigd document.\n", encoding="utf-8")
    assert run() == ["False", "True"]
