"""One language at a time (issue 18): every text a person reads is in the Dutch and the English
catalogue, with the same placeholders; a Dutch output holds no English catalogue phrase and no raw
status code; `--lang` works on every command that prints to a person and, left out, follows the locale.

The Dutch outputs are made the way a person makes them: the CLI on the bundled samples (documents,
tenders, notices) and on broken files, the web page through its test client."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from string import Formatter

import docx
import lxml.html
import pytest

from isv_checker.cli import main
from isv_checker.i18n.catalogue import catalogue
from isv_checker.i18n.languages import LANGUAGES, environment_lang
from isv_checker.web import create_app

from .conftest import SAMPLES
from .web_pages import finished, post

FIXTURES = Path(__file__).parent / "fixtures"
TENDERS = SAMPLES / "tenders"
NOTICES = SAMPLES / "notices"

# Samples of each verdict and then some: a clause stating none of its six elements ("6 van de zes
# elementen ontbreken"), one whose ISV text is in an annex it lacks, decoys, tables, line numbers. All
# but one are Dutch; the English one (NONE_OF_SIX) is in the scan only, since memos and pages quote
# the document, and its model wording is in the document's language by design.
NONE_OF_SIX = "dev5-11-belastingdienst-calloff-kantoorartikelen.txt"
DUTCH_DOCUMENTS = (
    "rws-bedrijfskleding-2024.pdf",
    "dictu-laptops-2025.docx",
    "arbeidsinspectie-drukwerk-2024.docx",
    "pve-werkplekapparatuur-2023.docx",
    "ilt-gunningsbeslissing-kleding-scan-2024.docx",
    "gemeente-catering-2024.txt",
    "cbr-examentablets-2024.docx",
)
DUTCH_NOTICES = ("ef-cn-dji-catering-2024.xml", "ted-f02-rijkswaterstaat-elektriciteit-2022.xml")
STATUSES = ("ok", "ocr", "empty", "encrypted", "corrupt", "unsupported", "needs_ocr", "too_large", "timeout", "error")
RAW_STATUS = re.compile(r"\((?:" + "|".join(STATUSES) + r")\)")


def _fields(text: str) -> set[tuple[str, str | None]]:
    return {(field, conversion) for _, field, _, conversion in Formatter().parse(text) if field}


def test_every_key_is_in_both_catalogues_with_the_same_placeholders():
    nl, en = catalogue("nl"), catalogue("en")
    assert set(nl) == set(en), f"only Dutch: {sorted(set(nl) - set(en))}; only English: {sorted(set(en) - set(nl))}"
    for key in en:
        assert _fields(nl[key]) == _fields(en[key]), key
        assert nl[key] or key == "read.joined", f"{key} has no Dutch text"


def _english_phrases() -> list[re.Pattern[str]]:
    """Every English text that differs from its Dutch one, cut at its placeholders: its phrases of two
    words or more, and its single words that no Dutch text holds ("pages", "read", not "Status")."""
    nl, en = catalogue("nl"), catalogue("en")
    dutch_words = {w for text in nl.values() for w in re.findall(r"\w+", text.lower())}
    phrases = set()
    for key, text in en.items():
        if text == nl[key]:
            continue
        for literal in re.split(r"\{[^{}]*\}", text):
            literal = literal.strip(" :;,.()-–—+\n")
            words = literal.split()
            if (
                len(words) >= 2
                and literal not in nl[key]
                or len(words) == 1
                and re.fullmatch(r"[A-Za-z]{4,}", literal)
                and literal.lower() not in dutch_words
            ):
                phrases.add(literal)
    return [re.compile(r"(?<![\w/.-])" + re.escape(p) + r"(?![\w/.-])") for p in sorted(phrases, key=len, reverse=True)]


ENGLISH = _english_phrases()


def assert_dutch(text: str, where: str) -> None:
    """No English catalogue phrase, no raw status code, no typo of the old SDG table."""
    english = sorted({m.group(0) for pattern in ENGLISH for m in pattern.finditer(text)})
    assert not english, f"{where}: English in a Dutch output: {english}"
    assert not RAW_STATUS.search(text), f"{where}: a raw status: {RAW_STATUS.search(text)}"
    assert "bij draagt" not in text, f"{where}: the typo 'daadwerkelijk bij draagt'"


def test_the_check_itself_finds_english():
    """The test's own check, on the Dutch page and memo lines of issue 18 before the fix."""
    for old in (
        "Melding van de lezer: the file is empty (0 bytes)",
        "offerte.pdf: Niet te controleren (corrupt)",
        "  read: ok, pdf, 4 pages, Dutch, 72 blocks",
    ):
        with pytest.raises(AssertionError):
            assert_dutch(old, "issue 18")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The Dutch samples beside files that cannot be read, and files of no document type."""
    base = tmp_path_factory.mktemp("nl")
    for name in (*DUTCH_DOCUMENTS, NONE_OF_SIX):
        shutil.copy(SAMPLES / name, base / name)
    for name in DUTCH_NOTICES:
        shutil.copy(NOTICES / name, base / name)
    (base / "leeg.txt").write_bytes(b"")
    (base / "offerte.pdf").write_bytes(b"hello, this is no PDF")
    shutil.copy(FIXTURES / "pdf" / "encrypted.pdf", base / "beveiligd.pdf")
    shutil.copy(FIXTURES / "pdf" / "scanned_nl.pdf", base / "scan.pdf")  # needs OCR, which is off below
    (base / "oud.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (base / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (base / "~$lock.docx").write_bytes(b"x")
    return base


def test_scan_in_dutch(folder, capsys):
    assert main(["scan", str(folder), "--lang", "nl", "--ocr", "never", "--list-skipped"]) == 2
    out = capsys.readouterr().out
    assert_dutch(out, "scan --lang nl")
    assert (
        "rws-bedrijfskleding-2024.pdf: VOLDOET: ISV verplicht; de clausule is aanwezig en noemt alle zes elementen"
        in out
    )
    assert "  gelezen: ok, pdf, 4 pagina's, Nederlands" in out
    assert "  waarde: € 2.400.000 (p. 2); drempel € 143.000 (2024-2025)" in out
    assert (
        "leeg.txt: NIET TE CONTROLEREN: het document kon niet worden gecontroleerd\n  leeg: het bestand is leeg (0 bytes)"
        in out
    )
    assert "  beschadigd: het bestand bevat geen geldig PDF-document" in out
    assert "  OCR nodig: pagina('s) 1-2 hebben geen tekstlaag en moeten met OCR worden gelezen" in out
    assert "foto.png: niet gelezen, niet ondersteund (een .png-bestand, geen documenttype" in out
    assert "overgeslagen (een vergrendelingsbestand van Office)" in out
    assert "document(en) gecontroleerd" in out


def test_scan_in_english_is_unchanged(capsys):
    assert main(["scan", str(SAMPLES / "rws-bedrijfskleding-2024.pdf"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"{SAMPLES / 'rws-bedrijfskleding-2024.pdf'}: COMPLIANT: ISV required; the clause is present and states all"
        " six elements\n  categories: workwear (p. 1, table 1 r2 c1)\n"
    )
    assert "  read: ok, pdf, 4 pages, Dutch, " in out


def test_tender_in_dutch(capsys):
    main(["tender", *(str(p) for p in sorted(TENDERS.iterdir()) if p.is_dir() or p.suffix == ".zip"), "--lang", "nl"])
    out = capsys.readouterr().out
    assert_dutch(out, "tender --lang nl")
    assert "belastingdienst-drukwerk-2018: VOLDOET: ISV verplicht; de clausule van de aanbesteding noemt alle" in out
    assert "voegt toe aan de clausule: Plan van aanpak" in out and "op zichzelf" in out


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    """The text of a workbook's cells, sheet names and chart: what is between its XML's tags."""
    with zipfile.ZipFile(path) as book:
        xml = "\n".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return "\n".join(re.findall(r">([^<>]+)<", xml)) + "\n".join(re.findall(r'name="([^"]+)"', xml))


def _html_text(page: str) -> str:
    """What a reader sees of a page: its text and the text of its attributes, not its tags and style."""
    tree = lxml.html.fromstring(page)
    for element in tree.xpath("//style | //script"):
        element.drop_tree()
    shown = tree.xpath("//@title | //@aria-label | //@alt | //@placeholder | //@data-busy | //@data-too-large")
    return tree.text_content() + "\n" + "\n".join(shown)


@pytest.mark.parametrize("name", DUTCH_DOCUMENTS[:6])
def test_memo_in_dutch(name, tmp_path):
    for fmt in ("md", "html", "docx"):
        out = tmp_path / f"memo.{fmt}"
        main(["memo", str(SAMPLES / name), "-o", str(out), "--lang", "nl"])
        if fmt == "docx":
            text = _docx_text(out.read_bytes())
        elif fmt == "html":
            text = _html_text(out.read_text(encoding="utf-8"))
        else:
            text = out.read_text(encoding="utf-8")
        assert_dutch(text, f"memo {name} .{fmt}")


def test_the_memo_counts_missing_elements_in_words(tmp_path):
    out = tmp_path / "memo.md"
    main(["memo", str(SAMPLES / NONE_OF_SIX), "-o", str(out), "--lang", "nl"])
    assert "er staat een ISV-clausule in, maar die noemt geen van de zes elementen" in out.read_text(encoding="utf-8")
    main(["memo", str(SAMPLES / "dictu-laptops-2025.docx"), "-o", str(out), "--lang", "nl"])
    assert "drie van de zes elementen ontbreken" in out.read_text(encoding="utf-8")


def test_memo_of_a_tender_in_dutch(tmp_path):
    out = tmp_path / "memo.md"
    main(["memo", str(TENDERS / "rws-catering-2023"), "-o", str(out), "--lang", "nl"])
    assert_dutch(out.read_text(encoding="utf-8"), "memo of a tender")


def _post(client, data: bytes, name: str):
    """The page a buyer ends on: the upload's check followed until its result (or why there is none)."""
    return finished(client, post(client, data, name))


def test_web_pages_in_dutch(folder):
    client = create_app().test_client()
    for path in sorted(folder.iterdir()):
        if path.name.startswith("~$") or path.suffix == ".png" or path.name == NONE_OF_SIX:
            continue
        response = _post(client, path.read_bytes(), path.name)
        assert_dutch(_html_text(response.get_data(as_text=True)), f"the web page of {path.name}")
    empty = _post(client, b"", "leeg.txt").get_data(as_text=True)
    assert "leeg.txt: Niet te controleren (leeg)" in empty
    assert "Melding van de lezer: het bestand is leeg (0 bytes)" in empty
    text = _post(client, (SAMPLES / "gemeente-catering-2024.txt").read_bytes(), "catering.txt").get_data(as_text=True)
    assert "dit is een tekstbestand" in text  # issue 18: "dit is een TEXT-bestand"


def test_the_web_tender_page_in_dutch():
    client = create_app().test_client()
    data = (TENDERS / "dji-bedrijfskleding-2019.zip").read_bytes()
    response = _post(client, data, "dji-bedrijfskleding-2019.zip")
    assert_dutch(_html_text(response.get_data(as_text=True)), "the web page of a tender")


@pytest.fixture(scope="module")
def database(folder, tmp_path_factory) -> tuple[Path, str]:
    """A batch run over the Dutch folder and a tender, in Dutch; its database and what it printed."""
    import contextlib

    db = tmp_path_factory.mktemp("db") / "results.sqlite"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(
            ["batch", str(folder), str(TENDERS / "rws-catering-2023"), "--db", str(db), "-w", "1", "--lang", "nl"]
        )
    assert code == 0, err.getvalue()
    return db, err.getvalue()


def test_batch_summary_in_dutch(database):
    _, printed = database
    assert_dutch(printed, "batch --lang nl")
    assert (
        "gecontroleerd" in printed
        and "overgeslagen, niet meegeteld: 1 bestand(en): 1 een vergrendelingsbestand" in printed
    )


def test_results_and_export_in_dutch(database, tmp_path, capsys):
    db, _ = database
    main(["results", "--db", str(db), "--lang", "nl"])
    lines = capsys.readouterr().out.splitlines()
    # the rows hold the ids --verdict and --status take; the header and the count are Dutch
    assert lines[0].startswith("oordeel       status     categorieën     ")
    assert_dutch(f"{lines[0]}\n{lines[-1]}", "results --lang nl")
    assert lines[-1].endswith("document(en)")
    main(["export", "--db", str(db), "-o", str(tmp_path / "x.xlsx"), "--lang", "nl"])
    with zipfile.ZipFile(tmp_path / "x.xlsx") as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "laatste run begonnen" in strings and "leesstatus" in strings and "last run started" not in strings


def test_sdg_table_in_dutch(database, tmp_path):
    db, _ = database
    for fmt in ("md", "html", "csv", "docx", "xlsx"):
        out = tmp_path / f"table.{fmt}"
        assert main(["sdg-table", str(db), "-o", str(out), "--lang", "nl"]) == 0
        if fmt == "docx":
            text = _docx_text(out.read_bytes())
        elif fmt == "xlsx":
            text = _xlsx_text(out)
        elif fmt == "html":
            text = _html_text(out.read_text(encoding="utf-8"))
        else:
            text = out.read_text(encoding="utf-8")
        assert_dutch(text, f"sdg-table .{fmt}")


def test_notices_rules_and_explain_in_dutch(capsys):
    main(["notices", str(NOTICES), "--lang", "nl"])
    notices = capsys.readouterr().out
    assert_dutch(notices, "notices --lang nl")
    assert "aankondigingen gelezen: 27" in notices and "procedures waarvoor de ISV verplicht zijn" in notices
    # the rules' descriptions and examples are data, in the words of the rule files: the rest is Dutch
    main(["rules", "--lang", "nl"])
    listed = capsys.readouterr().out
    assert "De beschrijvingen staan in het Engels, zoals in de regelbestanden." in listed
    assert_dutch("\n".join(line for line in listed.splitlines() if not line.startswith("  ISV-")), "rules")
    main(["explain", "ISV-EL-ACTION-PLAN", "--lang", "nl"])
    explained = capsys.readouterr().out.splitlines()
    assert "  voorbeeld dat wordt herkend:" in explained
    assert_dutch("\n".join(line for line in explained[1:] if not line.startswith("    ")), "explain")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "C", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LC_ALL": "nl_NL", "LC_MESSAGES": "en_US"}, "nl"),
    ],
)
def test_the_locale_chooses_the_language(environ, lang):
    assert environment_lang(environ) == lang


def test_every_command_that_prints_to_a_person_follows_the_locale(monkeypatch, capsys, tmp_path):
    sample = str(SAMPLES / "gemeente-catering-2024.txt")
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    main(["scan", sample])
    assert "NIET VERPLICHT: ISV niet verplicht voor dit document" in capsys.readouterr().out
    main(["memo", sample, "-o", str(tmp_path / "memo.md")])
    assert (tmp_path / "memo.md").read_text(encoding="utf-8").startswith("# ISV-toets")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL outranks LANG
    main(["scan", sample])
    assert "NOT_REQUIRED: ISV is not mandatory for this document" in capsys.readouterr().out
    main(["memo", sample, "-o", str(tmp_path / "memo.md")])
    assert (tmp_path / "memo.md").read_text(encoding="utf-8").startswith("# ISV check")


def test_lang_is_an_option_of_every_command_that_prints_to_a_person(capsys):
    commands = ("scan", "tender", "memo", "annotate", "sdg-table", "batch", "results", "export", "notices")
    for command in (*commands, "rules", "explain", "serve"):
        assert main([command, "--help"]) == 0
        assert "--lang" in capsys.readouterr().out, command


def test_serve_opens_in_the_language_asked_for():
    english = create_app({"ISV_LANG": "en"}).test_client()
    page = english.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Check a tender document" in page
    assert '<html lang="nl">' in english.get("/?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in create_app().test_client().get("/").get_data(as_text=True)
    with pytest.raises(ValueError, match="ISV_LANG"):
        create_app({"ISV_LANG": "de"})


def test_the_report_keeps_its_english_fields_and_adds_codes(tmp_path):
    """Statuses and reader messages have a translatable form beside the English the report had."""
    empty = tmp_path / "leeg.txt"
    empty.write_bytes(b"")
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        main(["scan", str(empty), "--format", "json"])
    report = json.loads(out.getvalue())
    assert report["status"] == "empty" and report["status_message"] == "the file is empty (0 bytes)"
    assert report["coded_status_message"] == {"code": "empty_file", "params": {}, "because": []}
    assert set(LANGUAGES) == {"nl", "en"}
