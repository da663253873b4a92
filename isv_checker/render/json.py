"""JSON output: one object for one document, JSON Lines for several (one object per line)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..report import Report


def report_json(report: Report, *, indent: int | None = 2) -> str:
    return report.model_dump_json(by_alias=True, indent=indent, exclude_none=False)


def report_lines(reports: Iterable[Report]) -> Iterator[str]:
    for report in reports:
        yield report_json(report, indent=None)
