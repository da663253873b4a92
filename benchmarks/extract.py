"""How fast isv-checker reads PDFs and DOCX files, against the raw libraries, in one run.

    python benchmarks/extract.py [--files 50 --pages 40] [--workdir benchmarks/_work]

Generates (once; later runs reuse them from the work folder) tender-like DOCX files with headings,
bullets, a table and a running header and footer, and their PDF exports made by LibreOffice, then
measures on the same files, best of three interleaved repetitions each, on one core:

- raw pypdfium2: read the bytes, open, `get_text_range()` on every page (the ceiling);
- `isv_checker.read_path` on the PDFs (the whole reading stage: hashing, sniffing, the PDF reader,
  language detection), and the PDF reader alone (`read_pdf` on bytes already in memory);
- pdfplumber `extract_text` on a subset (it is about 50 times slower);
- `isv_checker.read_path` on the DOCX files against python-docx's paragraph text.

The target is reader pages/s >= 70% of raw pypdfium2.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET = 0.70
REPEATS = 3

_SENTENCES = [
    "De aanbestedende dienst besteedt de opdracht aan volgens de openbare procedure.",
    "Inschrijvers dienen hun inschrijving uiterlijk op de sluitingsdatum via TenderNed in te dienen.",
    "De opdrachtnemer voert de werkzaamheden uit conform het programma van eisen en de planning.",
    "Vragen over deze leidraad kunnen tot de in de planning genoemde datum worden gesteld.",
    "De gunning vindt plaats op basis van de beste prijs-kwaliteitverhouding.",
    "Alle bedragen in deze leidraad zijn exclusief omzetbelasting, tenzij anders vermeld.",
    "De opdrachtnemer draagt zorg voor voldoende gekwalificeerd personeel gedurende de looptijd.",
    "Opdrachtnemer neemt de Internationale Sociale Voorwaarden in acht en past due diligence toe.",
    "Het contract heeft een looptijd van vier jaar met twee optionele verlengingen van elk een jaar.",
    "De inschrijver vermeldt in zijn plan van aanpak hoe hij de continuiteit van de dienstverlening borgt.",
    "Bij strijdigheid tussen documenten gaat de nota van inlichtingen voor op deze leidraad.",
    "De beoordelingscommissie beoordeelt de kwalitatieve criteria onafhankelijk van de prijs.",
]
_PARAGRAPHS_PER_PAGE = 4.0  # of seven sentences, in the default python-docx template exported by LibreOffice


# --------------------------------------------------------------------------------------------------
# corpus


def _field(paragraph, instr: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("value", "1"), ("end", None)):
        run = OxmlElement("w:r")
        if kind == "instr":
            child = OxmlElement("w:instrText")
            child.set(qn("xml:space"), "preserve")
            child.text = f" {text} "
        elif kind == "value":
            child = OxmlElement("w:t")
            child.text = text
        else:
            child = OxmlElement("w:fldChar")
            child.set(qn("w:fldCharType"), kind)
        run.append(child)
        paragraph._p.append(run)


def make_docx(path: Path, seed: int, pages: int) -> None:
    from docx import Document

    rng = random.Random(seed)
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Aanbestedingsleidraad {seed:03d} \u2013 Gemeente Voorbeeldstad"
    footer = section.footer.paragraphs[0]
    footer.add_run("Pagina ")
    _field(footer, "PAGE")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES")
    document.add_paragraph(f"Aanbestedingsleidraad {seed:03d}", style="Title")
    paragraphs = int(pages * _PARAGRAPHS_PER_PAGE)
    chapter = 0
    for i in range(paragraphs):
        if i % 12 == 0:
            chapter += 1
            document.add_heading(f"{chapter} Hoofdstuk {chapter}", level=1)
        elif i % 4 == 0:
            document.add_heading(f"{chapter}.{i % 12 // 4} Paragraaf", level=2)
        if i % 17 == 5:
            for _ in range(3):
                document.add_paragraph(rng.choice(_SENTENCES), style="List Bullet")
        if i % 40 == 20:
            table = document.add_table(rows=4, cols=3)
            table.style = "Table Grid"
            for r in range(4):
                for c in range(3):
                    table.cell(r, c).text = f"Eis {r}.{c}" if r else f"Kolom {c}"
        document.add_paragraph(" ".join(rng.choice(_SENTENCES) for _ in range(7)))
    document.save(path)


def build_corpus(workdir: Path, files: int, pages: int) -> tuple[list[Path], list[Path]]:
    """Return (pdfs, docx files); the first run writes them, later runs reuse them."""
    corpus = workdir / f"corpus_{pages}p"
    corpus.mkdir(parents=True, exist_ok=True)
    variants = min(files, 10)
    sources = [corpus / f"tender_{v:02d}.docx" for v in range(variants)]
    missing = [s for s in sources if not s.with_suffix(".pdf").exists()]
    if missing:
        if shutil.which("soffice") is None:
            sys.exit("soffice (LibreOffice) is needed once to make the benchmark PDFs")
        print(f"generating {len(missing)} DOCX and converting them to PDF with LibreOffice ...", flush=True)
        for source in missing:
            make_docx(source, seed=int(source.stem.split("_")[1]), pages=pages)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(corpus),
                    *map(str, missing),
                ],
                check=True,
                capture_output=True,
                timeout=1800,
            )
    pdfs = []
    for n in range(files):
        copy = corpus / f"file_{n:03d}.pdf"
        if not copy.exists():
            shutil.copy(sources[n % variants].with_suffix(".pdf"), copy)
        pdfs.append(copy)
    return pdfs, sources


# --------------------------------------------------------------------------------------------------
# measurements


def best_of(
    repeats: int, runs: dict[str, Callable[[], int]], clock: Callable[[], float] = time.perf_counter
) -> dict[str, tuple[float, int]]:
    """Per run: (best time in seconds, units processed) over `repeats` rounds; wall time, or
    `clock` (`time.process_time`: the process's CPU time, for work in one thread on a busy machine).

    Rounds interleave the runs (a, b, c, a, b, c, ...), so a busy spell on a shared machine slows
    all of them rather than whichever happened to be timed then.
    """
    results = {name: (float("inf"), 0) for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = clock()
            units = run()
            elapsed = clock() - start
            results[name] = (min(results[name][0], elapsed), units)
    return results


def raw_pypdfium2(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path.read_bytes())
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return pages


def reader_read_path(paths: list[Path]) -> int:
    from isv_checker import ReadStatus, read_path

    pages = 0
    for path in paths:
        document = read_path(path)
        if document.status is not ReadStatus.OK:
            raise SystemExit(f"{path}: {document.status} {document.message}")
        pages += document.pages or 0
    return pages


def reader_read_pdf(blobs: list[bytes]) -> int:
    from isv_checker import ReadOptions
    from isv_checker.readers.pdf import read_pdf

    options = ReadOptions()
    return sum(read_pdf(data, options).pages or 0 for data in blobs)


def plumber(paths: list[Path]) -> int:
    if not paths:
        return 0
    try:
        import pdfplumber
    except ImportError:
        raise SystemExit('pdfplumber is not installed: pip install -e ".[bench]" (or --plumber-files 0)') from None

    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return pages


def raw_python_docx(paths: list[Path]) -> int:
    from docx import Document

    chars = 0
    for path in paths:
        document = Document(str(path))
        chars += sum(len(p.text) for p in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    chars += len(cell.text)
    return chars


def docx_read_path(paths: list[Path]) -> int:
    from isv_checker import read_path

    chars = 0
    for path in paths:
        document = read_path(path)
        if not document.readable:
            raise RuntimeError(f"{document.status.value}: {document.message}")
        chars += document.char_count
    return chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50, help="PDF files to read (default 50)")
    parser.add_argument("--pages", type=int, default=40, help="pages per generated document, roughly (default 40)")
    parser.add_argument("--plumber-files", type=int, default=1, help="files for the slow pdfplumber run (default 1)")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "_work")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)

    pdfs, docx_files = build_corpus(args.workdir, args.files, args.pages)
    blobs = [p.read_bytes() for p in pdfs]
    megabytes = sum(map(len, blobs)) / 1e6
    print(f"corpus: {len(pdfs)} PDFs, {megabytes:.1f} MB; {len(docx_files)} DOCX; best of {args.repeats}; one core")

    reader_read_path(pdfs[:2])  # warm up imports (pydantic models, regexes) outside the timings
    timed = best_of(
        args.repeats,
        {
            "raw": lambda: raw_pypdfium2(pdfs),
            "read_path": lambda: reader_read_path(pdfs),
            "read_pdf": lambda: reader_read_pdf(blobs),
        },
    )
    subset = pdfs[: args.plumber_files]
    timed.update(best_of(args.repeats, {"plumber": lambda: plumber(subset)}))

    raw_s, raw_pages = timed["raw"]
    raw_rate = raw_pages / raw_s
    labels = {
        "raw": "raw pypdfium2 (open + get_text_range)",
        "read_path": "isv_checker.read_path (PDF)",
        "read_pdf": "readers.pdf.read_pdf (bytes in memory)",
        "plumber": f"pdfplumber extract_text ({len(subset)} file(s))",
    }
    print(f"\n{'PDF':44} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'vs raw':>7}")
    for key, label in labels.items():
        seconds, pages = timed[key]
        rate = pages / seconds
        print(f"{label:44} {pages:7d} {seconds:8.3f} {rate:8.1f} {rate / raw_rate:7.0%}")
    path_s, path_pages = timed["read_path"]
    ratio = (path_pages / path_s) / raw_rate
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"\ntarget read_path >= {TARGET:.0%} of raw pypdfium2: {ratio:.0%} -> {verdict}")

    print(f"\n{'DOCX':44} {'chars':>9} {'seconds':>8} {'files/s':>8} {'vs raw':>7}")
    try:
        docx = best_of(
            args.repeats, {"raw": lambda: raw_python_docx(docx_files), "read_path": lambda: docx_read_path(docx_files)}
        )
    except RuntimeError as exc:
        print(f"{'isv_checker.read_path (DOCX)':44} not measured: {exc}")
    else:
        docx_raw_s, docx_raw_chars = docx["raw"]
        docx_s, docx_chars = docx["read_path"]
        print(
            f"{'raw python-docx (paragraph + cell text)':44} {docx_raw_chars:9d} {docx_raw_s:8.3f} "
            f"{len(docx_files) / docx_raw_s:8.1f} {'100%':>7}"
        )
        print(
            f"{'isv_checker.read_path (DOCX)':44} {docx_chars:9d} {docx_s:8.3f} "
            f"{len(docx_files) / docx_s:8.1f} {docx_raw_s / docx_s:7.0%}"
        )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
