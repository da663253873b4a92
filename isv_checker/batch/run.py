"""A batch run: enumerate the sources, skip what the database already has, hand the rest to a runner,
write every outcome down, and account for every file.

Every file found gets a row, whatever its type (a file of no document type is refused as
`unsupported`); hidden files and folders, Office lock files and system files are passed over and
listed in the run's summary (`passed_over`), as are metadata rows that matched no file.

Each file ends the run in exactly one way: `checked` (a worker judged it, or it timed out or its worker
died: either way it has a row), `refused` (it could not even be handed over: a zip bomb, a traversal
member, an unreadable file), `copied` (same content as a file already checked with the same ruleset
and metadata: its result is copied to a row of its own), or `skipped` (its row is already up to
date). Files in = checked + refused + copied + skipped, and the summary says so.

Files are hashed as they are handed over, so hashing overlaps with checking and a re-run of an
unchanged archive costs a read and a hash per file and starts no worker at all. A run that will
check files (a new database, or files it has no row for) starts its runner (`Runner.start`: the
local pool's fork server imports the checker and builds the matchers) before it walks the archive,
so that start-up overlaps the walk and the hashing instead of following them.

With `tenders` (`batch --tenders`), each top-level folder or ZIP of an archive is also one tender,
judged once its files have their rows (`tenders.py`); a file outside any of them is a document only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.facts import GivenFacts
from ..document import ReadStatus
from ..i18n.languages import LANGUAGES
from ..report import RulesetRef
from .metadata import MetadataTable
from .progress import NullProgress, Progress
from .runner import Failure, Runner, TaskFunction, make_runner
from .sources import ArchiveLimits, Item, Refused, collect
from .store import FAILED_STATUSES, Store, name_format_of
from .task import Task, TaskResult, TaskSettings, failure_report, result_of, run_task
from .tenders import Tender, TenderBook, settle_tender

SLOWEST = 5


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch runs. `workers` None: every core; `timeout` seconds per file (None: no limit);
    `memory_mb` address-space cap per worker (None: no cap); `scheduler` a Dask address instead of the
    local pool; `retry_failed` checks again files whose stored status is timeout, error or too_large."""

    workers: int | None = None
    timeout: float | None = 120.0
    memory_mb: int | None = 2048
    scheduler: str | None = None
    ocr: str = "auto"
    rules_dir: str | None = None
    retry_failed: bool = False
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    tenders: bool = False  # each top-level folder or ZIP of an archive is one tender, judged as one


@dataclass
class BatchSummary:
    files_in: int = 0
    checked: int = 0
    refused: int = 0
    copied: int = 0
    skipped: int = 0
    other_files: int = 0  # passed over: hidden files and folders, Office lock files, system files
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    metadata_rows: int = 0
    metadata_unmatched: list[str] = field(default_factory=list)  # CSV rows that gave their facts to no file
    statuses: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    elapsed: float = 0.0
    check_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    run_id: int = 0
    runner: str = ""  # in English, as the database records it
    runner_in: dict[str, str] = field(default_factory=dict)  # in each language, for the summary
    ruleset: str = ""
    tenders: bool = False
    tenders_in: int = 0
    tenders_judged: int = 0
    tenders_skipped: int = 0  # unchanged since they were judged
    tenders_failed: int = 0  # judging raised: the tender's row says why
    tender_verdicts: Counter[str] = field(default_factory=Counter)
    outside_tenders: int = 0  # files directly in an archive, in no top-level folder or ZIP

    @property
    def accounted(self) -> int:
        return self.checked + self.refused + self.copied + self.skipped

    def as_dict(self) -> dict[str, Any]:
        return {
            "files_in": self.files_in,
            "checked": self.checked,
            "refused": self.refused,
            "copied": self.copied,
            "skipped": self.skipped,
            "accounted": self.accounted,
            "other_files": self.other_files,
            "passed_over": [[source, why] for source, why in self.passed_over],
            "metadata_rows": self.metadata_rows,
            "metadata_unmatched": self.metadata_unmatched,
            "statuses": dict(self.statuses),
            "verdicts": dict(self.verdicts),
            "pages": self.pages,
            "elapsed": round(self.elapsed, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "slowest": [[source, round(seconds, 3)] for seconds, source in self.slowest],
            "runner": self.runner,
            "ruleset": self.ruleset,
            **(
                {
                    "tenders_in": self.tenders_in,
                    "tenders_judged": self.tenders_judged,
                    "tenders_skipped": self.tenders_skipped,
                    "tenders_failed": self.tenders_failed,
                    "tender_verdicts": dict(self.tender_verdicts),
                    "outside_tenders": self.outside_tenders,
                }
                if self.tenders
                else {}
            ),
        }


@dataclass(slots=True)
class _Pending:
    item: Item
    sha256: str
    size: int
    metadata_key: str


def run_batch(
    paths: Sequence[str | os.PathLike[str]],
    db_path: str | os.PathLike[str],
    options: BatchOptions | None = None,
    *,
    metadata: MetadataTable | None = None,
    progress: Progress | None = None,
    runner: Runner | None = None,
    task_function: TaskFunction = run_task,
) -> BatchSummary:
    """Check every document under `paths` into the database at `db_path`; see the module docstring.

    Raises FileNotFoundError for a missing path, `store.StoreError` for an unusable database,
    `RulesError` for a bad rules folder and `runner.RunnerError` when workers cannot run at all.
    """
    from ..ruleset.load import cached_ruleset

    options = options or BatchOptions()
    progress = progress or NullProgress()
    rules = cached_ruleset(options.rules_dir)
    ref = RulesetRef(id=rules.info.id, version=rules.info.version)
    settings = TaskSettings(
        ocr=options.ocr,
        rules_dir=options.rules_dir,
        max_bytes=options.limits.max_member_bytes,
        tender_parts=options.tenders,
    )
    started = time.perf_counter()
    summary = BatchSummary(ruleset=f"{ref.id} {ref.version}", tenders=options.tenders)
    with ExitStack() as stack:
        store = stack.enter_context(Store(db_path))
        known = store.known()
        if runner is None:
            runner = make_runner(
                workers=options.workers,
                timeout=options.timeout,
                memory_mb=options.memory_mb,
                scheduler=options.scheduler,
                settings=settings,
                task_function=task_function,
            )
            stack.callback(runner.close)
        if not known and all(os.path.lexists(p) for p in paths):
            runner.start()  # a new database: every file will need checking
        sources = stack.enter_context(collect([Path(p) for p in paths], options.limits))
        if any(item.source not in known and item.refused is None for item in sources.items):
            runner.start()
        summary.files_in, summary.other_files = len(sources.items), len(sources.skipped)
        summary.passed_over = list(sources.skipped)
        book = TenderBook(paths) if options.tenders else None
        if book is not None:
            book.add((i.source for i in sources.items), sources.skipped)
            summary.tenders_in, summary.outside_tenders = len(book.tenders), book.loose
            store.drop_parts_except(ref.version)
        if metadata is not None:
            summary.metadata_rows = len(metadata)
            named = [i.source for i in sources.items] + (list(book.tenders) if book is not None else [])
            summary.metadata_unmatched = [row.describe() for row in metadata.unmatched(named)]
        summary.runner = runner.description
        summary.runner_in = {lang: runner.describe(lang) for lang in LANGUAGES}
        summary.run_id = store.begin_run(
            ruleset_id=ref.id,
            ruleset_version=ref.version,
            runner=runner.description,
            inputs=[os.path.abspath(p) for p in paths],
        )
        pending: dict[int, _Pending] = {}
        in_flight: dict[tuple[str, str, str], int] = {}
        waiting: dict[tuple[str, str, str], list[tuple[Item, GivenFacts | None]]] = {}

        def base_row(item: Item, sha256: str | None, size: int | None, metadata_key: str) -> dict[str, Any]:
            return {
                "source": item.source,
                "name": item.name,
                "size": size,
                "sha256": sha256,
                "ruleset_id": ref.id,
                "ruleset_version": ref.version,
                "metadata_key": metadata_key,
                "run_id": summary.run_id,
            }

        def count(source: str, kind: str, status: str, verdict: str | None, pages: int = 0) -> None:
            setattr(summary, kind, getattr(summary, kind) + 1)
            summary.statuses[status] += 1
            summary.verdicts[verdict or "none"] += 1
            progress.advance(kind=kind, status=status, verdict=verdict, pages=pages)
            tender = book.settled(source) if book is not None else None
            if tender is not None:
                judge(tender)

        def judge(tender: Tender) -> None:
            given = metadata.match(tender.source) if metadata is not None else None
            outcome = settle_tender(store, tender, rules, ref, given, summary.run_id)
            setattr(summary, f"tenders_{outcome.kind}", getattr(summary, f"tenders_{outcome.kind}") + 1)
            if outcome.verdict is not None:
                summary.tender_verdicts[outcome.verdict] += 1

        def needs_part(source: str, sha256: str | None, facts_key: str, name: str, status: str) -> bool:
            """A file of a tender whose row is done but whose part for judging the tender is not stored
            (a run without --tenders checked it): it is checked once more, for the part."""
            return (
                book is not None
                and book.in_tender(source)
                and sha256 is not None
                and ReadStatus(status).readable
                and not store.has_part(sha256, ref.version, facts_key, name)
            )

        def refuse(item: Item, refusal: Refused) -> None:
            stored = known.get(item.source)
            if (
                stored is not None
                and stored.sha256 is None
                and stored.status == refusal.status.value
                and stored.ruleset_version == ref.version
            ):
                count(item.source, "skipped", stored.status, stored.verdict)
                return
            report = failure_report(item.source, refusal.status, refusal.message, size=item.size, ruleset=ref)
            result = result_of(-1, report, peak_rss_mb=0.0)
            store.write({**base_row(item, None, item.size, ""), **result.columns, "report": result.report_json})
            count(item.source, "refused", refusal.status.value, "unreadable")

        def copy(item: Item, facts_key: str, sha256: str, size: int, row: Any) -> None:
            report = json.loads(row["report"])
            report["file"] = item.source
            columns = row.keys()  # an sqlite3.Row iterates its values, not its keys
            values = {
                name: row[name] for name in columns if name not in ("source", "name", "report", "run_id", "checked_at")
            }
            store.write(
                {
                    **values,
                    **base_row(item, sha256, size, facts_key),
                    "copied_from": row["source"],
                    "report": json.dumps(report, ensure_ascii=False, separators=(",", ":")),
                }
            )
            count(item.source, "copied", row["status"], row["verdict"])

        def tasks() -> Iterator[Task]:
            for key, item in enumerate(checking_order(sources.items, tenders=book is not None)):
                facts = metadata.match(item.source) if metadata is not None else None
                facts_key = facts.key if facts is not None else ""
                if item.refused is not None:
                    refuse(item, item.refused)
                    continue
                try:
                    data = item.load()
                except Refused as refusal:
                    refuse(item, refusal)
                    continue
                sha256 = hashlib.sha256(data).hexdigest()
                stored = known.get(item.source)
                if (
                    stored is not None
                    and stored.sha256 == sha256
                    and stored.ruleset_version == ref.version
                    and stored.metadata_key == facts_key
                    and not (options.retry_failed and stored.status in FAILED_STATUSES)
                    and not needs_part(item.source, sha256, facts_key, item.name, stored.status)
                ):
                    count(item.source, "skipped", stored.status, stored.verdict)
                    continue
                content = (sha256, facts_key, name_format_of(item.name))
                if content in in_flight:
                    waiting.setdefault(content, []).append((item, facts))
                    continue
                row = store.done_elsewhere(
                    sha256, ref.version, facts_key, content[2], retry_failed=options.retry_failed
                )
                if row is not None and not needs_part(item.source, sha256, facts_key, item.name, row["status"]):
                    copy(item, facts_key, sha256, len(data), row)
                    continue
                in_flight[content] = key
                pending[key] = _Pending(item, sha256, len(data), facts_key)
                yield Task(key=key, source=item.source, data=data, settings=settings, metadata=facts)

        progress.start(total=summary.files_in, description=runner.describe(progress.lang))
        for tender in book.complete() if book is not None else ():
            judge(tender)
        try:
            for outcome in runner.run(tasks()):
                job = pending.pop(outcome.key)
                if isinstance(outcome, Failure):
                    seconds = outcome.seconds
                    report = failure_report(
                        job.item.source, outcome.status, outcome.message, sha256=job.sha256, size=job.size, ruleset=ref
                    )
                    result: TaskResult = result_of(outcome.key, report, read_seconds=outcome.seconds, peak_rss_mb=0.0)
                else:
                    result, seconds = outcome, outcome.read_seconds + outcome.check_seconds
                row = {
                    **base_row(job.item, job.sha256, job.size, job.metadata_key),
                    **result.columns,
                    "read_seconds": result.read_seconds,
                    "check_seconds": result.check_seconds,
                    "seconds": seconds,
                    "peak_rss_mb": result.peak_rss_mb or None,
                    "report": result.report_json,
                }
                store.write(row, part=result.part if isinstance(outcome, TaskResult) else None)
                summary.pages += result.pages
                summary.check_seconds += seconds
                summary.peak_rss_mb = max(summary.peak_rss_mb, result.peak_rss_mb)
                summary.slowest = sorted([*summary.slowest, (seconds, job.item.source)], reverse=True)[:SLOWEST]
                count(job.item.source, "checked", result.columns["status"], result.columns["verdict"], result.pages)
                content = (job.sha256, job.metadata_key, name_format_of(job.item.name))
                in_flight.pop(content, None)
                for item, _facts in waiting.pop(content, []):
                    copy(item, job.metadata_key, job.sha256, job.size, _stored(store, job.item.source))
        finally:
            progress.close()
        if pending or waiting:  # a runner that lost a task is a bug; say so rather than undercount
            raise RuntimeError(f"the runner returned no outcome for {len(pending)} file(s)")
        summary.elapsed = time.perf_counter() - started
        store.finish_run(summary.run_id, summary.as_dict())
    return summary


def checking_order(items: Sequence[Item], *, tenders: bool) -> list[Item]:
    """The order files are handed to the workers: largest first, so that the run ends on small files
    and no worker is left with a long one while the others have nothing to do (over 40 PDFs of 5-60
    pages in archive order, the run's last file kept one of two workers busy alone). The sort is
    stable: of files with the same content (and so the same size) the first found is still the one
    checked and the others copied from it. A run with tenders keeps the archive's order, in which a
    tender's files come together, so that each tender is judged as soon as its files are done rather
    than most of them at the end of the run, with the workers idle. Which order the files are checked
    in changes no report, and every listing of the database is ordered by source."""
    if tenders:
        return list(items)
    return sorted(items, key=lambda item: -(item.size or 0))


def _stored(store: Store, source: str) -> Any:
    return store.conn.execute("SELECT * FROM documents WHERE source = ?", (source,)).fetchone()
