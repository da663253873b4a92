"""The buyer's outputs for a tender (`isv-check memo TENDER`, `isv-check annotate TENDER -o FOLDER`), and
for a document whose ISV text is in an annex it does not hold: no model wording to paste, but the
advice to check the tender as a whole."""

from __future__ import annotations

import docx

from isv_checker.cli import main
from isv_checker.render.annotate import comment_ranges

from .conftest import SAMPLES

TENDERS = SAMPLES / "tenders"


def test_the_memo_of_a_tender_speaks_of_the_tender_and_names_the_files(tmp_path, capsys):
    out = tmp_path / "memo.md"
    assert main(["memo", str(TENDERS / "rws-catering-2023"), "-o", str(out), "--lang", "nl"]) == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ISV-toets aanbesteding: rws-catering-2023")
    assert "**Bestanden:** 4 bestand(en)" in text
    # quotes name their file, the note's deletion is reported, and every file is listed with its own verdict
    assert "(01-aankondiging-catering-rijkswaterstaat.txt, regel 39)" in text
    assert "nota-van-inlichtingen-1.pdf schrapt uit de clausule: Rapportage aan de opdrachtgever" in text
    assert "- nota-van-inlichtingen-1.pdf (nota van inlichtingen): Onvolledig op zichzelf" in text
    assert "**Rapportage aan de opdrachtgever**" in text  # the wording to add back


def test_the_memo_of_a_tender_in_english_and_as_docx(tmp_path):
    out = tmp_path / "memo.docx"
    assert main(["memo", str(TENDERS / "dji-bedrijfskleding-2019.zip"), "-o", str(out), "--lang", "en"]) == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "ISV check of a tender: dji-bedrijfskleding-2019.zip" in text
    assert "The tender's files" in text and "Bijlagen/bijlage-6-internationale-sociale-voorwaarden.docx (annex)" in text


def test_annotate_a_tender_comments_the_word_file_that_holds_the_clause(tmp_path):
    out = tmp_path / "copies"
    assert main(["annotate", str(TENDERS / "dji-bedrijfskleding-2019.zip"), "-o", str(out), "--lang", "nl"]) == 0
    copies = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx"))
    assert copies == ["Bijlagen/bijlage-6-internationale-sociale-voorwaarden.isv.docx"]
    comments = comment_ranges((out / copies[0]).read_bytes())
    assert len(comments) >= 7  # the verdict, the clause, six elements found, decoys
    assert any("Gepaste zorgvuldigheid" in docx_comment for docx_comment in _comment_texts(out / copies[0]))


def test_annotate_a_tender_without_a_clause_comments_where_the_wording_belongs(tmp_path):
    out = tmp_path / "copies"
    assert main(["annotate", str(TENDERS / "cjib-dataverbindingen-2026"), "-o", str(out), "--lang", "nl"]) == 1
    copies = sorted(p.name for p in out.rglob("*.docx"))
    assert copies == ["aanbestedingsleidraad-dataverbindingen-cjib-2026.isv.docx"]
    texts = _comment_texts(out / copies[0])
    assert sum(t.count("Ontbrekend ISV-element") for t in texts) == 6  # the six model paragraphs, in one comment


def test_annotate_a_tender_needs_a_folder(tmp_path, capsys):
    assert main(["annotate", str(TENDERS / "rws-catering-2023"), "-o", str(tmp_path / "x.docx")]) == 2
    assert "give a folder" in capsys.readouterr().err


def test_a_document_whose_isv_text_is_in_an_annex_it_lacks_gets_no_wording_to_paste(tmp_path):
    memo = tmp_path / "memo.md"
    assert (
        main(["memo", str(SAMPLES / "ilt-gunningsbeslissing-kleding-scan-2024.docx"), "-o", str(memo), "--lang", "nl"])
        == 1
    )
    text = memo.read_text(encoding="utf-8")
    assert "De ISV zijn verplicht, maar of de clausule compleet is, valt hier niet te beoordelen" in text
    assert "Bijlage 4" in text and "Voeg nog geen tekst toe" in text
    assert "> Opdrachtnemer" not in text  # no model paragraphs
    copy = tmp_path / "copy.docx"
    assert (
        main(
            [
                "annotate",
                str(SAMPLES / "ilt-gunningsbeslissing-kleding-scan-2024.docx"),
                "-o",
                str(copy),
                "--lang",
                "nl",
            ]
        )
        == 1
    )
    texts = _comment_texts(copy)
    assert any("Bijlage 4" in t for t in texts)
    assert not any("Opdrachtnemer past gepaste zorgvuldigheid" in t for t in texts)


def _comment_texts(path) -> list[str]:
    document = docx.Document(str(path))
    return [c.text for c in document.comments]
