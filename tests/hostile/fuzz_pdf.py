"""Coverage-guided fuzzing of the PDF reader (atheris, libFuzzer's engine for Python).

    python tests/hostile/fuzz_pdf.py -max_total_time=60 CORPUS_DIR      # a short run, as CI does
    python tests/hostile/fuzz_pdf.py -max_total_time=3600 -jobs=2 CORPUS_DIR   # a long local run

An empty CORPUS_DIR is seeded from the bundled samples. An input's first byte says what the rest is:
0 the whole file (pdfium's parser; it is C, so coverage guides only through the Python around it),
1 the content stream of a valid one-page PDF (what text, lines and positions reach the layout code).
OCR is off. A crash is an exception out of `read_bytes`, the status `error`, or pdfium killing the
process; libFuzzer saves the input as crash-*, which becomes a file in regressions/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["isv_checker"]):
    from isv_checker import ReadOptions, ReadStatus, read_bytes
    from isv_checker.readers import layout, pdf  # noqa: F401 - imported to be instrumented

from tests.hostile import forge, fuzzing  # noqa: E402
from tests.hostile.corpus import ISV_TEXT  # noqa: E402

OPTIONS = ReadOptions(ocr="never", max_pages=200, max_blocks=20_000)


def package(data: bytes) -> bytes:
    mode, rest = (data[0] % 2, data[1:]) if data else (0, b"")
    if mode == 1:
        return forge.pdf_file(
            {
                1: b"<< /Type /Catalog /Pages 2 0 R >>",
                2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                3: forge.FONT,
                4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
                5: forge.stream(rest),
            }
        )
    return rest


def test_one_input(data: bytes) -> None:
    document = read_bytes(package(data), "fuzz.pdf", OPTIONS)
    if document.status is ReadStatus.ERROR:
        raise AssertionError(f"the PDF reader failed: {document.message}")


def seeds() -> list[bytes]:
    found = [
        b"\x00" + path.read_bytes()
        for path in sorted((ROOT / "samples").glob("*.pdf"))
        if not path.name.endswith(".scan.pdf")
    ][:6]
    found.append(b"\x01" + forge.text_content(ISV_TEXT))
    found.append(b"\x01" + forge.text_content(["1. Inleiding", "", "Pagina 1 van 3", "- opsomming", "a) punt"]))
    return found


if __name__ == "__main__":
    fuzzing.run(test_one_input, seeds)
