"""The one path a document takes: read, judge, report. Library callers, the CLI and batch runs all
come here; nothing else strings the stages together."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .checks.facts import GivenFacts
from .checks.findings import finding
from .document import Document, ReadMessage, ReadStatus
from .readers import read_bytes, read_path
from .report import Report, build_report
from .ruleset.load import Ruleset, cached_ruleset
from .settings import ReadOptions
from .tender.report import TenderFile, TenderReport

if TYPE_CHECKING:
    from .batch.sources import ArchiveLimits
    from .checks.engine import Assessment
    from .checks.tender_parts import Part
    from .tender.dossier import Dossier


def check(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    include_blocks: bool = False,
    given: GivenFacts | None = None,
) -> Report:
    """Check one file and return its report; bad files give a report with a status, never an exception."""
    return check_document(read_path(path, options), ruleset=ruleset, include_blocks=include_blocks, given=given)


def check_bytes(
    data: bytes,
    name: str,
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    include_blocks: bool = False,
    given: GivenFacts | None = None,
) -> Report:
    """Check a file's bytes (a ZIP member, an upload); `name` is reported as the file."""
    return check_document(read_bytes(data, name, options), ruleset=ruleset, include_blocks=include_blocks, given=given)


def check_document(
    document: Document, *, ruleset: Ruleset | None = None, include_blocks: bool = False, given: GivenFacts | None = None
) -> Report:
    """Judge an already-read document (for callers that also need the `Document`, e.g. the web page).
    `given`: facts from outside the document (a notices CSV row) that complete or override its own."""
    from .checks.engine import judge

    rules = ruleset if ruleset is not None else cached_ruleset()
    try:
        judgement = judge(document, rules, given)
    except Exception as exc:  # noqa: BLE001 - a bug in the rules stage must not end a scan of many files
        document = _failed_check(document, exc)
        judgement = judge(document, rules, given)  # an unreadable document: verdict `unreadable` with the message
    return build_report(document, include_blocks=include_blocks, judgement=judgement)


def _failed_check(document: Document, exc: Exception) -> Document:
    """The document whose check raised `exc`: its status says so, as a reader's failure would."""
    from .i18n.reading import english

    status = ReadStatus.TOO_LARGE if isinstance(exc, MemoryError) else ReadStatus.ERROR
    said = ReadMessage(code="check_failed", params={"error": f"{type(exc).__name__}: {exc}"})
    return document.model_copy(update={"status": status, "message": english(said), "coded_message": said})


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One file of a tender, read and judged alone: what judging the tender is made from. `check_tender`
    makes these as it goes; a batch run makes them in its workers and stores them, so that a tender is
    judged from files checked once, whenever and wherever they were checked."""

    name: str  # relative to the tender
    document: Document
    report: Report  # the file's own report, unchanged
    assessment: Assessment | None  # None: the file could not be read, or its check failed
    same_as: str | None = None  # a file of the tender with the same bytes, judged instead of this one


def check_tender(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    ruleset: Ruleset | None = None,
    name: str | None = None,
    limits: ArchiveLimits | None = None,
) -> TenderReport:
    """Check one tender, a folder or a ZIP of its files: read each file once, judge each alone (its own
    report, in `documents`), then judge the tender from what those judgements were made from. `name`:
    the tender as the report names it (default: `path` as given); `limits`: the guards for its ZIPs.
    Raises FileNotFoundError for a missing path and `EmptyTender` for a tender without files; a bad
    file inside gets a status."""
    from .tender.dossier import read_dossier

    rules = ruleset if ruleset is not None else cached_ruleset()
    dossier = read_dossier(path, options, limits)
    files = check_dossier_files(dossier, ruleset=rules)
    tender = name if name is not None else str(path)
    return judge_checked_tender(tender, files, ruleset=rules, passed_over=dossier.passed_over)


def check_dossier_files(dossier: Dossier, *, ruleset: Ruleset | None = None) -> list[CheckedFile]:
    """Each file of a dossier read by `tender.dossier.read_dossier`, judged alone (a copy of another
    file under its own name): what `judge_checked_tender` judges the tender from, with each file's
    `Document` for callers that show its text (the web page)."""
    rules = ruleset if ruleset is not None else cached_ruleset()
    checked: dict[str, CheckedFile] = {}
    files = []
    for dossier_file in dossier.files:
        if dossier_file.same_as is None:
            checked[dossier_file.name] = check_tender_file(dossier_file.name, dossier_file.document, ruleset=rules)
            files.append(checked[dossier_file.name])
        else:
            first = checked[dossier_file.same_as]
            document = first.document.model_copy(update={"path": dossier_file.name})
            files.append(replace(first, name=dossier_file.name, document=document, same_as=dossier_file.same_as))
    return files


def check_tender_file(
    name: str, document: Document, *, ruleset: Ruleset | None = None, given: GivenFacts | None = None
) -> CheckedFile:
    """One file of a tender judged alone: its own report (the same as `check_document` gives) and,
    when it could be read, what the judgement was made from. A failure in the rules stage is the
    file's status, as in `check_document`."""
    from .checks.engine import assess

    rules = ruleset if ruleset is not None else cached_ruleset()
    if document.readable:
        try:
            assessment = assess(document, rules, given)
        except Exception as exc:  # noqa: BLE001 - as in check_document: one file's failure is its status
            document = _failed_check(document, exc)
        else:
            report = build_report(document, judgement=assessment.judgement)
            return CheckedFile(name=name, document=document, report=report, assessment=assessment)
    report = check_document(document, ruleset=rules, given=given)
    return CheckedFile(name=name, document=document, report=report, assessment=None)


def judge_checked_tender(
    tender: str,
    files: Sequence[CheckedFile],
    *,
    ruleset: Ruleset | None = None,
    given: GivenFacts | None = None,
    passed_over: Sequence[tuple[str, str]] = (),
) -> TenderReport:
    """The judging step of a tender, from files already read and judged alone (`check_tender_file`),
    in any order. `tender`: the name the report gives it; `given`: facts from outside the tender (a
    notices CSV row naming it), laid over the facts gathered from its files."""
    from .checks.engine import ruleset_ref
    from .checks.tender import judge_tender
    from .checks.tender_parts import Part, in_order
    from .checks.tender_roles import role_of
    from .tender.report import with_file

    rules = ruleset if ruleset is not None else cached_ruleset()
    files = sorted(files, key=lambda f: f.name)
    parts = [
        Part(
            file=f.name,
            role=role_of(f.name, f.document, rules.tender),
            document=f.document,
            report=f.report,
            assessment=with_file(f.assessment, f.name) if f.assessment is not None else None,
        )
        for f in files
        if f.same_as is None
    ]
    ordered = in_order(parts)
    judgement = judge_tender(ordered, rules, given)
    by_file = {p.file: p for p in ordered}
    entries = []
    for checked in files:
        part = by_file[checked.same_as or checked.name]
        role = part.role if checked.same_as is None else role_of(checked.name, part.document, rules.tender)
        entries.append(
            TenderFile(
                file=checked.name,
                role=role.id,
                status=part.report.status,
                verdict=part.report.verdict,
                sha256=part.report.sha256,
                same_as=checked.same_as,
                amends_order=_note_number(part, ordered) if checked.same_as is None else None,
            )
        )
    duplicates = tuple(
        finding("tender.duplicate", "info", {"file": f.name, "same_as": f.same_as}) for f in files if f.same_as
    )
    return TenderReport(
        tender=tender,
        ruleset=ruleset_ref(rules),
        verdict=judgement.verdict,
        categories=judgement.categories,
        applicability=judgement.applicability,
        clause=judgement.clause,
        decoys=judgement.decoys,
        sdg_targets=judgement.sdg_targets,
        findings=judgement.findings + duplicates,
        files=tuple(entries),
        amendments=judgement.amendments,
        lots=judgement.lots,
        documents=tuple(p.report for p in sorted(ordered, key=lambda p: p.file)),
        passed_over=tuple(sorted(name for name, _ in passed_over)),
    )


def _note_number(part: Part, ordered: tuple[Part, ...]) -> int | None:
    """A note's place among the tender's notes of information (1 first); None for other files."""
    if not part.role.amends:
        return None
    return part.order - sum(not p.role.amends for p in ordered)
