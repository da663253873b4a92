"""Runs `isv-check notices`: reads every notice found, judges those of the chosen countries and dates,
and groups them into procedures. Nothing found is dropped silently: each notice is counted as judged,
of another country, outside the dates, or unreadable (with its status and reason).

Notices are judged in worker processes, in chunks, while the archives are still being read: a TED
day holds a few thousand notices, most from other countries, which only need reading to be counted.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
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
) -> list[tuple[NoticeRow, str]]:
    """In a worker: read each notice (with the run's reading limits), judge those selected (together:
    `judging.judge_notices`); (row, what happened) per item."""
    from ..readers import read_bytes
    from ..readers.notice_xml import glance
    from ..report import build_report
    from ..ruleset.load import cached_ruleset
    from .judging import judge_notices

    out: list[tuple[NoticeRow, str] | None] = []
    selected: list[tuple[int, Document]] = []
    for name, data, problem in items:
        if data is None:
            out.append((NoticeRow(file=name, status="unsupported", status_message=problem), "unreadable"))
            continue
        seen = glance(data, options)
        if seen is not None:
            left_out = selection.why_not(seen.countries, seen.dispatch_date or seen.publication_date)
            if left_out is not None:
                country = seen.countries[0] if seen.countries else None
                out.append(
                    (NoticeRow(file=name, status="ok", country=country, dispatch_date=seen.dispatch_date), left_out)
                )
                continue
        document = read_bytes(data, name, options)
        if document.notice is None or not document.readable:
            out.append((row_of(build_report(document)), "unreadable"))
            continue
        selected.append((len(out), document))
        out.append(None)
    if selected:
        reports = judge_notices([document for _, document in selected], cached_ruleset())
        for (at, _), report in zip(selected, reports, strict=True):
            out[at] = (row_of(report), "judged")
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
    """Every notice under `paths`, judged where selected, grouped into procedures."""
    options = options or ReadOptions()
    found = find_notices(paths, options.max_notice_bytes)
    workers = workers if workers is not None else max(1, os.cpu_count() or 1)
    rows: list[NoticeRow] = []
    population = Population(procedures=[])
    if workers <= 1:
        for items in _chunks(found):
            _count(_judge_chunk(items, selection, options), population, rows)
    else:
        # Built here, before the workers are forked, they share one ruleset and matcher (importing
        # spaCy is most of it) instead of each building its own on its first chunk.
        from .judging import warm_up

        warm_up()
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with, initargs=(os.getpid(),)) as pool:
            pending = []
            for items in _chunks(found):
                pending.append(pool.submit(_judge_chunk, items, selection, options))
                if len(pending) >= workers * 4:  # bounded: a month of packages never sits in memory at once
                    _count(pending.pop(0).result(), population, rows)
            for future in pending:
                _count(future.result(), population, rows)
    population.procedures = group(rows)
    return population


def _count(chunk: list[tuple[NoticeRow, str]], population: Population, rows: list[NoticeRow]) -> None:
    for row, what in chunk:
        population.notices += 1
        population.counted[what] += 1
        if what == "judged":
            rows.append(row)
        elif what == "unreadable":
            population.unreadable.append(row)
