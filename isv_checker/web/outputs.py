"""What one upload becomes: its report and every download, made at once by the existing renderers.

The upload is not kept, so everything the result page offers is made while its bytes are at hand:
the memo as Word and HTML and the marked-up Word copy (for a DOCX), each in Dutch and English so
the page's language switch needs nothing from the upload, and the JSON report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from ..document import DocFormat
from ..pipeline import check_document
from ..readers import read_bytes
from ..render.annotate import AnnotateError, annotate_docx
from ..render.json import report_json
from ..render.memo import render_memo
from ..render.messages import LANGUAGES
from ..ruleset.load import Ruleset
from ..settings import ReadOptions
from .results import Download, Result

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OUTPUTS = ("memo-docx", "memo-html", "annotated-docx", "report-json")  # in the order the page lists them
PER_LANGUAGE = frozenset(("memo-docx", "memo-html", "annotated-docx"))
NAME_CHARS = 120


def display_name(filename: str) -> str:
    """The upload's file name as the report names it: no folders, no control characters, not too long."""
    name = PurePath(filename.replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable()).strip() or "document"
    if len(name) > NAME_CHARS:
        suffix = PurePath(name).suffix[:10]
        name = name[: NAME_CHARS - len(suffix)] + suffix
    return name


def download_key(output: str, lang: str) -> str:
    return f"{output}:{lang}" if output in PER_LANGUAGE else output


def check_upload(data: bytes, name: str, ruleset: Ruleset, options: ReadOptions | None = None) -> Result:
    """Read and judge an upload and make its downloads (none for a document that could not be read)."""
    document = read_bytes(data, name, options)
    report = check_document(document, ruleset=ruleset)
    downloads: dict[str, Download] = {}
    notes: dict[str, str] = {}
    if not report.readable:
        return Result(document, report, downloads, notes)
    stem = PurePath(name).stem or "document"
    today = dt.date.today()
    downloads["report-json"] = Download(
        f"{stem}-isv-report.json", "application/json", report_json(report).encode("utf-8")
    )
    for lang in LANGUAGES:
        downloads[download_key("memo-docx", lang)] = Download(
            f"{stem}-isv-memo.docx", DOCX_TYPE, render_memo(report, ruleset, "docx", lang, memo_date=today)
        )
        downloads[download_key("memo-html", lang)] = Download(
            f"{stem}-isv-memo.html", "text/html", render_memo(report, ruleset, "html", lang, memo_date=today)
        )
        if report.document.format is not DocFormat.DOCX:
            continue
        try:
            annotated = annotate_docx(data, report, ruleset, lang)
        except AnnotateError as exc:
            notes["annotated-docx"] = str(exc)
            continue
        downloads[download_key("annotated-docx", lang)] = Download(
            f"{stem}-isv-annotated.docx", DOCX_TYPE, annotated.data
        )
    return Result(document, report, downloads, notes)
