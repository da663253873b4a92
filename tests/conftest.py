from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
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
# The built matchers go to a cache folder of the test session's own (checks/matcher_cache.py), not the
# user's: a test's rule folders leave no files behind, and a session starts from an empty cache as CI does.
if "ISV_CHECKER_CACHE_DIR" not in os.environ:
    os.environ["ISV_CHECKER_CACHE_DIR"] = tempfile.mkdtemp(prefix="isv-checker-test-cache-")
    atexit.register(shutil.rmtree, os.environ["ISV_CHECKER_CACHE_DIR"], True)


@pytest.fixture
def own_tmp(monkeypatch):
    """A temporary directory of the test's own, and so OCR slots of its own (`readers/ocr_slots.py`;
    tests run side by side); short, for the sockets a batch's fork server makes in it."""
    folder = tempfile.mkdtemp(prefix="slots-")
    monkeypatch.setattr("tempfile.tempdir", folder)
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


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
