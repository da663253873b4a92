"""What one upload becomes: its report and every download, made at once by the existing renderers.

The upload is not kept, so everything the result page offers is made while its bytes are at hand:
the memo as Word and HTML and the marked-up Word copy (for a DOCX), each in Dutch and English so
the page's language switch needs nothing from the upload, and the JSON report.

Several files, or one ZIP, are one tender (`check_tender_upload`): the tender's memo and report, and
each file's own report and text for its own page. A tender's files get no memos of their own (a
dossier of many files would wait minutes for them); checking one file alone gives them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import PurePath

from ..batch.sources import ArchiveLimits
from ..document import DocFormat
from ..i18n.languages import LANGUAGES
from ..pipeline import check_document, check_dossier_files, judge_checked_tender
from ..readers import read_bytes
from ..render.annotate import AnnotateError, annotate_docx
from ..render.json import report_json
from ..render.memo import render_memo
from ..ruleset.load import Ruleset
from ..settings import ReadOptions
from ..tender.dossier import read_dossier
from .progress import ProgressReport
from .results import Download, Result, TenderResult

ZIP_SUFFIX = ".zip"
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


def unique_names(names: list[str]) -> list[str]:
    """The uploaded files' names, a second "a.pdf" becoming "a (2).pdf": files of one tender sit in one folder."""
    seen: set[str] = set()
    out = []
    for name in names:
        path = PurePath(name)
        unique, number = name, 1
        while unique.lower() in seen:
            number += 1
            unique = f"{path.stem} ({number}){path.suffix}"
        seen.add(unique.lower())
        out.append(unique)
    return out


def tender_name(names: list[str]) -> str:
    """What a tender of several uploaded files is called in its report: its files' names, shortened."""
    joined = " + ".join(names)
    if len(joined) <= NAME_CHARS:
        return joined
    return f"{names[0]} and {len(names) - 1} other files"


def download_key(output: str, lang: str) -> str:
    return f"{output}:{lang}" if output in PER_LANGUAGE else output


def check_upload(
    data: bytes,
    name: str,
    ruleset: Ruleset,
    options: ReadOptions | None = None,
    progress: ProgressReport | None = None,
) -> Result:
    """Read and judge an upload and make its downloads (none for a document that could not be read);
    `progress` hears when the reading is done."""
    document = read_bytes(data, name, options)
    if progress is not None:
        progress.file_read(document)
        progress.checking()
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
            notes[download_key("annotated-docx", lang)] = str(exc)  # in the page's language
            continue
        downloads[download_key("annotated-docx", lang)] = Download(
            f"{stem}-isv-annotated.docx", DOCX_TYPE, annotated.data
        )
    return Result(document, report, downloads, notes)


def is_zip(name: str) -> bool:
    """An upload named .zip is a tender's dossier (a DOCX is a ZIP inside too, so the name decides)."""
    return PurePath(name).suffix.lower() == ZIP_SUFFIX


def check_tender_upload(
    path: str | os.PathLike[str],
    name: str,
    ruleset: Ruleset,
    options: ReadOptions | None = None,
    limits: ArchiveLimits | None = None,
    progress: ProgressReport | None = None,
) -> TenderResult:
    """Read and judge the tender at `path` (the folder of the uploaded files, or the uploaded ZIP) and
    keep each file's text and own report for its page. Raises `EmptyTender` when it holds no files.
    The files are read one at a time (not `ahead`): `progress` follows one file's OCR at a time."""
    dossier = read_dossier(path, options, limits, ahead=False)
    if progress is not None:
        progress.checking()
    files = check_dossier_files(dossier, ruleset=ruleset)
    report = judge_checked_tender(name, files, ruleset=ruleset, passed_over=dossier.passed_over)
    own = {r.file: r for r in report.documents}
    documents = {f.name: f.document for f in files}
    results: dict[int, Result] = {}
    for index, entry in enumerate(report.files):
        file_report = own.get(entry.file)
        if file_report is None:
            continue  # the same bytes as another file: its page is that file's
        json = Download(
            f"{PurePath(entry.file).stem or 'document'}-isv-report.json",
            "application/json",
            report_json(file_report).encode("utf-8"),
        )
        results[index] = Result(documents[entry.file], file_report, {"report-json": json})
    stem = PurePath(name).stem if is_zip(name) else "tender"
    downloads = {
        "report-json": Download(
            f"{stem}-isv-tender.json",
            "application/json",
            report.model_dump_json(by_alias=True, indent=2).encode("utf-8"),
        )
    }
    today = dt.date.today()
    for lang in LANGUAGES:
        downloads[download_key("memo-docx", lang)] = Download(
            f"{stem}-isv-memo.docx", DOCX_TYPE, render_memo(report, ruleset, "docx", lang, memo_date=today)
        )
        downloads[download_key("memo-html", lang)] = Download(
            f"{stem}-isv-memo.html", "text/html", render_memo(report, ruleset, "html", lang, memo_date=today)
        )
    return TenderResult(report, results, downloads)
