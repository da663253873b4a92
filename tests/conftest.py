from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# A command's language, without --lang, is the locale's (i18n/languages.py). The tests run in an English
# locale, so they read the same on a Dutch machine; tests of the default set the locale themselves.
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def blank_pdf_bytes() -> bytes:
    """A valid one-page PDF without text, made with pdfium itself."""
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


@pytest.fixture
def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Bijlage 5 Internationale Sociale Voorwaarden", level=1)
    document.add_paragraph("De Opdrachtnemer past gepaste zorgvuldigheid toe in de keten.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
