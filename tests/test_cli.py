"""The CLI as a person uses it: real files in, summaries and JSON out, documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from isv_checker import __version__
from isv_checker.cli import main

from .conftest import SAMPLES

CLAUSE = "Artikel 3 Gepaste zorgvuldigheid\nDe Opdrachtnemer past gepaste zorgvuldigheid toe in de keten.\n"


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"isv-check {__version__}"


def test_help_does_not_import_spacy():
    code = (
        "import sys; from isv_checker.cli import main\n"
        "rc = main(['--help'])\n"
        "assert rc == 0, rc\n"
        "heavy = [m for m in ('spacy', 'pypdfium2', 'docx', 'pdfplumber') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "scan" in result.stdout


def test_a_scan_in_english_loads_no_dutch_texts(tmp_path):
    """Each catalogue is some 60 KB of source, and every start-up loaded both. The report's reasons are
    English whatever the output's language, so a Dutch scan needs both, an English one only its own."""
    path = tmp_path / "clausule.txt"
    path.write_text(CLAUSE, encoding="utf-8")
    code = (
        "import sys; from isv_checker.cli import main\n"
        f"rc = main(['scan', {str(path)!r}, '--lang', 'en'])\n"
        "print(rc, sorted(m for m in ('isv_checker.i18n.nl', 'isv_checker.i18n.en') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "NEEDS_REVIEW" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "1 ['isv_checker.i18n.en']"


def test_scan_text_summary(tmp_path, capsys):
    path = tmp_path / "clausule.txt"
    path.write_text(CLAUSE, encoding="utf-8")
    assert main(["scan", str(path)]) == 1  # a verdict that asks for action
    out = capsys.readouterr().out
    # a clause imposed on a purchase in no recognised category, by no recognised authority: undecided
    assert f"{path}: NEEDS_REVIEW" in out
    assert "read: ok, text, Dutch, 2 blocks" in out


def test_scan_json_single_document(tmp_path, capsys):
    path = tmp_path / "clausule.txt"
    path.write_text(CLAUSE, encoding="utf-8")
    assert main(["scan", str(path), "--format", "json", "--blocks"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["schema"] == "isv-checker/report/1"
    assert report["status"] == "ok"
    assert report["blocks"][1]["heading_path"] == ["Artikel 3 Gepaste zorgvuldigheid"]


def test_scan_folder_writes_json_lines_and_accounts_for_every_file(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(CLAUSE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "sub" / "notes.xlsx").write_bytes(b"PK")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    out_file = tmp_path / "out.jsonl"
    rc = main(["scan", str(tmp_path), "-f", "json", "-o", str(out_file)])
    assert rc == 2  # b.pdf cannot be read
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [(r["file"].rsplit("/", 1)[-1], r["status"]) for r in rows] == [
        ("a.txt", "ok"),
        ("b.pdf", "corrupt"),
        ("notes.xlsx", "unsupported"),
    ]
    capsys.readouterr()
    main(["scan", str(tmp_path)])
    out = capsys.readouterr().out
    # notes.xlsx and out.jsonl: counted by type, named with --list-skipped
    assert (
        "2 document(s) checked, 2 other file(s) not read, of types isv-checker does not read (1 .jsonl, 1 .xlsx;" in out
    )
    assert "notes.xlsx" not in out
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    main(["scan", str(tmp_path), "--list-skipped"])
    out = capsys.readouterr().out
    assert f"{tmp_path / '.DS_Store'}: skipped (an operating system file)" in out
    assert f"{tmp_path / 'sub' / 'notes.xlsx'}: not read, unsupported (a .xlsx file, not a document type" in out
    assert "1 skipped: 1 an operating system file\n" in out


def test_exit_code_one_for_empty_document(tmp_path):
    path = tmp_path / "leeg.txt"
    path.write_text("\n\n")
    assert main(["scan", str(path), "-q"]) == 1


def test_quiet_prints_nothing_but_still_writes_the_output_file(tmp_path, capsys):
    """Regression: `scan -f json -o FILE -q` left FILE empty, so a script asking for a quiet run lost
    its reports. -q keeps the terminal quiet; the file named by -o is written as without it."""
    sample = str(SAMPLES / "dictu-laptops-2025.txt")
    assert main(["scan", sample, "-f", "json", "-o", str(tmp_path / "r.json"), "-q"]) == 1
    assert main(["scan", sample, "-o", str(tmp_path / "r.txt"), "-q"]) == 1
    assert main(["scan", sample, "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert json.loads((tmp_path / "r.json").read_text())["verdict"] == "incomplete"
    assert "INCOMPLETE" in (tmp_path / "r.txt").read_text()
    assert "checked" in (tmp_path / "r.txt").read_text().splitlines()[-1]


def test_scan_memo_and_annotate_agree_on_an_empty_or_corrupt_document(tmp_path, capsys):
    """Regression: `memo` exited 2 on an empty document where `scan` exits 1. A document's exit code is
    the document's, whichever command checked it; memo and annotate write nothing for either."""
    import docx

    empty_text, empty_docx, corrupt = tmp_path / "leeg.txt", tmp_path / "leeg.docx", tmp_path / "kapot.docx"
    empty_text.write_text("\n\n")
    docx.Document().save(str(empty_docx))
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    for document, code in ((empty_text, 1), (empty_docx, 1), (corrupt, 2)):
        assert main(["scan", str(document), "-q"]) == code, document
        assert main(["memo", str(document), "-o", str(tmp_path / "memo.md")]) == code, document
        assert f"{document}: cannot be checked: " in capsys.readouterr().err
        if document.suffix == ".docx":
            assert main(["annotate", str(document), "-o", str(tmp_path / "copy.docx")]) == code, document
    assert not (tmp_path / "memo.md").exists() and not (tmp_path / "copy.docx").exists()


def test_usage_errors_exit_two(tmp_path, capsys):
    assert main(["scan"]) == 2
    assert main(["scan", str(tmp_path / "empty-dir-does-not-exist"), "--format", "xml"]) == 2
    (tmp_path / "d").mkdir()
    assert main(["scan", str(tmp_path / "d")]) == 2
    assert "no documents found" in capsys.readouterr().err


def test_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "isv_checker", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_rules_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id in ("ISV-CAT-ENERGY", "ISV-EL-ACTION-PLAN", "ISV-DECOY-SROI", "ISV-CLAUSE-NAME", "ISV-AUTH-MINISTRY"):
        assert rule_id in out


def test_explain_shows_matches_and_examples(capsys):
    assert main(["explain", "isv-el-action-plan"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ISV-EL-ACTION-PLAN: ")
    assert "[plan van aanpak]" in out  # the passing example, with the matched words marked
    assert "does not match" in out
    assert main(["explain", "ISV-EL-NOPE"]) == 2
    assert "ISV-EL-REMEDY" in capsys.readouterr().err


def test_broken_rules_folder_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "c.txt").write_text(CLAUSE)
    assert main(["scan", str(tmp_path / "c.txt"), "--rules", str(tmp_path)]) == 2
    assert "ruleset.yaml: missing" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["scan", "{doc}"],
        ["rules"],
        ["explain", "ISV-EL-REMEDY"],
        ["memo", "{doc}", "-o", "{tmp}/m.md"],
        ["annotate", "{draft}", "-o", "{tmp}/a.docx"],
        ["sdg-table", "{tmp}/r.jsonl", "-o", "{tmp}/t.md"],
        ["batch", "{doc}", "--db", "{tmp}/r.sqlite", "-q"],
        ["serve"],
    ],
    ids=lambda command: command[0],
)
def test_every_command_stops_on_a_broken_rules_folder_with_the_same_words(command, tmp_path, capsys):
    (tmp_path / "c.txt").write_text(CLAUSE)
    (tmp_path / "r.jsonl").write_text("")
    values = {"doc": tmp_path / "c.txt", "draft": SAMPLES / "rws-bedrijfskleding-2024.docx", "tmp": tmp_path}
    args = [part.format(**values) for part in command]
    assert main([*args, "--rules", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("isv-check: the rules cannot be used: ") and "ruleset.yaml: missing" in err
