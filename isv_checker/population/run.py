"""Runs `isv-check notices`: reads every notice found, judges those of the chosen countries and dates,
and groups them into procedures. Nothing found is dropped silently: each notice is counted as judged,
of another country, outside the dates, or unreadable (with its status and reason).

Notices are judged in chunks, by this process and the workers it forks, while the archives are still
being read: a TED day holds a few thousand notices, most from other countries, which only need
parsing to be counted.
"""

from __future__ import annotations

import gc
import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ..parent_death import die_with
from ..settings import ReadOptions
from .procedures import NoticeRow, Procedure, group, row_of
from .sources import NoticeFile, find_notices

if TYPE_CHECKING:
    from ..document import Document

# ISO 3166 alpha-2 to alpha-3 for the countries whose buyers publish on TED: eForms writes NLD, R2.0.9 NL.
ALPHA3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CH": "CHE", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GB": "GBR", "UK": "GBR", "GR": "GRC", "EL": "GRC",
    "HR": "HRV", "HU": "HUN", "IE": "IRL", "IS": "ISL", "IT": "ITA", "LI": "LIE", "LT": "LTU", "LU": "LUX",
    "LV": "LVA", "MK": "MKD", "MT": "MLT", "NL": "NLD", "NO": "NOR", "PL": "POL", "PT": "PRT", "RO": "ROU",
    "RS": "SRB", "SE": "SWE", "SI": "SVN", "SK": "SVK", "TR": "TUR", "UA": "UKR", "US": "USA",
}  # fmt: skip
CHUNK = 64
# what became of one notice: its row (None for one only counted: of another country or outside the
# dates) and which count it is in: judged, country, dates, unreadable
Outcome = tuple[NoticeRow | None, str]


def country_codes(wanted: Iterable[str]) -> frozenset[str]:
    """Both spellings of each country asked for ('NL' -> NL, NLD); an empty set means every country."""
    out: set[str] = set()
    for code in wanted:
        upper = code.strip().upper()
        out.add(upper)
        if upper in ALPHA3:
            out.add(ALPHA3[upper])
        out.update(a2 for a2, a3 in ALPHA3.items() if a3 == upper)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Selection:
    countries: frozenset[str] = frozenset({"NL", "NLD"})  # empty: every country
    start: str | None = None  # ISO dates, inclusive, on the notice's dispatch (else publication) date
    end: str | None = None

    def why_not(self, countries: tuple[str, ...], date: str | None) -> str | None:
        """Why a notice (its buyers' countries, its date) is left out of the population, or None."""
        if self.countries and not any(c.upper() in self.countries for c in countries):
            return "country"
        if (self.start and (date is None or date < self.start)) or (self.end and (date is None or date > self.end)):
            return "dates"
        return None


@dataclass
class Population:
    procedures: list[Procedure]
    notices: int = 0
    counted: Counter[str] = field(default_factory=Counter)  # judged, country, dates, unreadable
    unreadable: list[NoticeRow] = field(default_factory=list)


def _judge_chunk(
    items: list[tuple[str, bytes | None, str]], selection: Selection, options: ReadOptions
) -> list[Outcome]:
    """In a worker: read each notice (with the run's reading limits), judge those selected (together:
    `judging.judge_notices`); (row, what happened) per item."""
    from ..readers import read_bytes
    from ..readers.notice_xml import glance, names_none_of
    from ..report import build_report
    from ..ruleset.load import cached_ruleset
    from .judging import judge_notices

    out: list[Outcome | None] = []
    selected: list[tuple[int, Document]] = []
    for name, data, problem in items:
        if data is None:
            out.append((NoticeRow(file=name, status="unsupported", status_message=problem), "unreadable"))
            continue
        if selection.countries and names_none_of(data, options, selection.countries):
            out.append((None, "country"))
            continue
        seen = glance(data, options)
        if seen is not None:
            left_out = selection.why_not(seen.countries, seen.dispatch_date or seen.publication_date)
            if left_out is not None:
                out.append((None, left_out))  # only counted: most of a package, sent back as little as can be
                continue
        document = read_bytes(data, name, options)
        if document.notice is None or not document.readable:
            out.append((row_of(build_report(document)), "unreadable"))
            continue
        selected.append((len(out), document))
        out.append(None)
    if selected:
        rows = judge_notices([document for _, document in selected], cached_ruleset())
        for (at, _), row in zip(selected, rows, strict=True):
            out[at] = (row, "judged")
    return [item for item in out if item is not None]


def _chunks(found: Iterator[NoticeFile]) -> Iterator[list[tuple[str, bytes | None, str]]]:
    while True:
        chunk = [(f.name, f.data, f.problem) for f in islice(found, CHUNK)]
        if not chunk:
            return
        yield chunk


def run_population(
    paths: list[Path], selection: Selection, *, workers: int | None = None, options: ReadOptions | None = None
) -> Population:
    """Every notice under `paths`, judged where selected, grouped into procedures.

    `workers` processes judge (default: one per core), this one among them: it reads the archives and
    hands chunks to the others while they have work queued, and judges the next chunk itself when they
    are busy. It never waits on them before the archives are read, and a chunk it judges itself is not
    copied to another process and back."""
    from .judging import warm_up

    options = options or ReadOptions()
    # Built before any worker is forked, the ruleset and the matcher are shared (importing spaCy is
    # most of building it) instead of each worker building its own on its first chunk.
    warm_up()
    threshold = gc.get_threshold()
    # What is alive now (the ruleset, the matcher, the caller's) lives on: the collector need not walk
    # it again and again, in this process or in the forked ones (where walking it would copy its pages).
    # A notice makes thousands of short-lived objects, few in cycles: collect less often.
    gc.freeze()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        return _run(paths, selection, workers, options)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run(paths: list[Path], selection: Selection, workers: int | None, options: ReadOptions) -> Population:
    found = find_notices(paths, options.max_notice_bytes)
    workers = workers if workers is not None else max(1, os.cpu_count() or 1)
    rows: list[NoticeRow] = []
    population = Population(procedures=[])
    if workers <= 1:
        for items in _chunks(found):
            _count(_judge_chunk(items, selection, options), population, rows)
    else:
        queued = 2 * (workers - 1)  # chunks waiting for the other processes: enough that they never idle
        with ProcessPoolExecutor(max_workers=workers - 1, initializer=die_with, initargs=(os.getpid(),)) as pool:
            pending: deque[Future[list[Outcome]] | list[Outcome]] = deque()
            for items in _chunks(found):
                while pending and (isinstance(pending[0], list) or pending[0].done()):
                    _count(_result(pending.popleft()), population, rows)
                if sum(1 for p in pending if not isinstance(p, list) and not p.done()) < queued:
                    pending.append(pool.submit(_judge_chunk, items, selection, options))
                else:
                    pending.append(_judge_chunk(items, selection, options))
            for entry in pending:
                _count(_result(entry), population, rows)
    population.procedures = group(rows)
    return population


def _result(entry: Future[list[Outcome]] | list[Outcome]) -> list[Outcome]:
    return entry if isinstance(entry, list) else entry.result()


def _count(chunk: list[Outcome], population: Population, rows: list[NoticeRow]) -> None:
    for row, what in chunk:
        population.notices += 1
        population.counted[what] += 1
        if row is None:
            continue
        if what == "judged":
            rows.append(row)
        elif what == "unreadable":
            population.unreadable.append(row)
