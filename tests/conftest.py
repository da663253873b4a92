from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


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
