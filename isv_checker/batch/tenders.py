"""Tenders in a batch run (`batch --tenders`): each top-level folder or ZIP of an archive is one tender,
judged once all of its files have rows, in this process, from what its files' checks kept.

The files are checked as every batch file is: one task per file in the worker pool (its time limit,
its memory cap), once per content (sha256, ruleset version, metadata), skipped when already done. A
worker checking a file of a tender also sends back what judging the tender needs (`parts.py`), which
is stored with the file's row. When the last file of a tender has its row, the tender is judged from
those stored parts with `pipeline.judge_checked_tender`, the judging step of `isv-check tender`:
no file is read again and no rule runs over a file again, so the step is small, and it runs here
rather than in a worker because it reads nothing a worker would need to be isolated from. A tender
whose files (names, contents, statuses), metadata and ruleset are those it was judged with is not
judged again.

Names: a tender is its folder's or ZIP's source (`/data/archive/rws-2024`, `/data/archive/t.zip`,
`/data/archive.zip!rws-2024`); a file in it is named relative to it (`bijlagen/bijlage-6.pdf`, a ZIP's
member name, `inner.zip!x.pdf`), as `isv-check tender` names it. A file directly in the archive,
outside any top-level folder or ZIP, belongs to no tender: it gets its document row only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checks.facts import GivenFacts
from ..report import Report, RulesetRef
from ..ruleset.load import Ruleset
from ..tender.report import TenderReport
from .parts import decode_part
from .sources import ARCHIVE_SUFFIXES
from .store import Store
from .task import failure_document


@dataclass(slots=True)
class Tender:
    source: str  # the tender's own source: its folder or ZIP
    names: dict[str, str] = field(default_factory=dict)  # file source -> its name in the tender, in run order
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (name, why): hidden, lock, system files
    waiting: set[str] = field(default_factory=set)  # file sources without a row yet in this run

    @property
    def label(self) -> str:
        return self.source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]


def tender_of(source: str, roots: Sequence[str]) -> tuple[str, str] | None:
    """(the tender, the file's name in it) for a batch source under one of `roots` (absolute inputs),
    or None for a file outside any top-level folder or ZIP."""
    outer, bang, inner = source.partition("!")
    for root in roots:
        if outer == root and bang:  # a ZIP given as the archive: its top-level folders and ZIPs are the tenders
            head, slash, rest = inner.partition("/")
            nested, bang2, member = inner.partition("!")
            if bang2 and "/" not in nested:
                return f"{root}!{nested}", member
            if slash:
                return f"{root}!{head}", rest
            return None
        if outer.startswith(root.rstrip(os.sep) + os.sep):
            relative = Path(os.path.relpath(outer, root))
            top = relative.parts[0]
            tender = os.path.join(root, top)
            if len(relative.parts) > 1:
                name = Path(*relative.parts[1:]).as_posix()
                return tender, f"{name}!{inner}" if bang else name
            if top.lower().endswith(ARCHIVE_SUFFIXES):  # a top-level ZIP: its members (or the ZIP itself, refused)
                return tender, inner if bang else top
            return None
    return None


class TenderBook:
    """The tenders of a run: which files each holds, which still wait for their row, and the judging."""

    def __init__(self, roots: Sequence[str | os.PathLike[str]]) -> None:
        self.roots = [os.path.abspath(r) for r in roots]
        self.tenders: dict[str, Tender] = {}
        self._of: dict[str, str] = {}  # file source -> tender
        self.loose = 0  # files outside any tender

    def add(self, sources: Iterable[str], passed_over: Iterable[tuple[str, str]]) -> None:
        for source in sources:
            found = tender_of(source, self.roots)
            if found is None:
                self.loose += 1
                continue
            tender = self.tenders.setdefault(found[0], Tender(found[0]))
            tender.names[source] = found[1]
            tender.waiting.add(source)
            self._of[source] = found[0]
        for source, why in passed_over:
            found = tender_of(source, self.roots)
            if found is not None:
                self.tenders.setdefault(found[0], Tender(found[0])).passed_over.append((found[1], why))

    def in_tender(self, source: str) -> bool:
        return source in self._of

    def settled(self, source: str) -> Tender | None:
        """Note that `source` has its row; the tender it completes, if it is the last one."""
        key = self._of.get(source)
        if key is None:
            return None
        tender = self.tenders[key]
        tender.waiting.discard(source)
        return tender if not tender.waiting else None

    def complete(self) -> list[Tender]:
        """Tenders with no file to wait for (only passed-over files in them)."""
        return [t for t in self.tenders.values() if not t.waiting and not t.names]


@dataclass(frozen=True, slots=True)
class TenderOutcome:
    kind: str  # judged, skipped or failed
    verdict: str | None


def settle_tender(
    store: Store,
    tender: Tender,
    ruleset: Ruleset,
    ref: RulesetRef,
    given: GivenFacts | None,
    run_id: int,
) -> TenderOutcome:
    """Judge a tender whose files all have rows and write its row, unless it is already done."""
    from .columns import tender_columns

    rows = store.documents_of(list(tender.names))
    metadata_key = given.key if given is not None else ""
    content_key = _content_key(tender, rows, ref, metadata_key)
    done = store.tender_done(tender.source)
    if done is not None and tuple(done)[:3] == (content_key, ref.version, "judged"):
        return TenderOutcome("skipped", done["verdict"])
    values = {
        "tender": tender.source,
        "name": tender.label,
        "content_key": content_key,
        "ruleset_id": ref.id,
        "ruleset_version": ref.version,
        "metadata_key": metadata_key,
        "run_id": run_id,
    }
    started = time.perf_counter()
    try:
        report = judge_stored_tender(store, tender, rows, ruleset, ref, given)
    except Exception as exc:  # noqa: BLE001 - one tender's failure is its row, the run goes on
        message = f"judging the tender failed ({type(exc).__name__}: {exc})"
        store.write_tender({**values, "status": "error", "status_message": message, "report": None})
        return TenderOutcome("failed", None)
    store.write_tender(
        {
            **values,
            **tender_columns(report),
            "status": "judged",
            "status_message": None,
            "seconds": time.perf_counter() - started,
            "report": report.model_dump_json(by_alias=True),
        }
    )
    return TenderOutcome("judged", report.verdict)


def judge_stored_tender(
    store: Store,
    tender: Tender,
    rows: dict[str, sqlite3.Row],
    ruleset: Ruleset,
    ref: RulesetRef,
    given: GivenFacts | None,
) -> TenderReport:
    """The tender's report from its files' rows and stored parts, through the judging step of
    `isv-check tender`. Files with the same bytes are judged once, under the name met first."""
    from ..pipeline import CheckedFile, judge_checked_tender

    files: list[CheckedFile] = []
    first: dict[str, CheckedFile] = {}  # sha256 -> the file judged under that digest
    for source, name in tender.names.items():
        row = rows[source]
        sha256 = row["sha256"]
        if sha256 is not None and sha256 in first:
            same = first[sha256]
            document = same.document.model_copy(update={"path": name})
            files.append(replace(same, name=name, document=document, same_as=same.name))
            continue
        report = Report.model_validate_json(row["report"])
        if report.status.readable:
            data = store.part(sha256, ref.version, row["metadata_key"], row["name"])
            if data is None:
                raise LookupError(f"{name}: what judging the tender needs of this file was not stored; run again")
            document, assessment = decode_part(data)
            checked = CheckedFile(name=name, document=document, report=report, assessment=assessment)
        else:
            failed = failure_document(name, report.status, report.status_message or "", sha256=sha256, size=row["size"])
            checked = CheckedFile(name=name, document=failed, report=report, assessment=None)
        files.append(checked)
        if sha256 is not None:
            first[sha256] = checked
    return judge_checked_tender(tender.source, files, ruleset=ruleset, given=given, passed_over=tender.passed_over)


def _content_key(tender: Tender, rows: dict[str, sqlite3.Row], ref: RulesetRef, metadata_key: str) -> str:
    files = sorted(
        [
            name,
            rows[source]["sha256"],
            rows[source]["status"],
            rows[source]["metadata_key"],
        ]
        for source, name in tender.names.items()
    )
    described = {
        "ruleset": ref.version,
        "metadata": metadata_key,
        "files": files,
        "passed_over": sorted(tender.passed_over),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:32]
