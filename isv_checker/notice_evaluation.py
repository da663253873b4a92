"""Scores the checker on labelled procurement notices (samples/notices, benchmarks/heldout-notices).

The labels (written by people who never saw the checker; `labels.yaml` beside the notices) give each
notice's facts as the notice states them and the applicability outcome. `facts_of` puts a report in
the labels' terms, so that a test and the benchmark compare the same things; `evaluate` counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import Report

FACTS = (
    "format",
    "kind",
    "publication_number",
    "procedure_id",
    "previous_notice",
    "buyer",
    "legal_type",
    "country",
    "central_government",
    "contract_type",
    "cpv_main",
    "value_eur",
    "dispatch_date",
    "publication_date",
    "categories",
    "lots",
    "isv_lots",
    "isv_required",
)


def facts_of(report: Report) -> dict[str, Any]:
    """The labelled facts as the checker gives them; a notice with one lot counts as not divided."""
    notice = report.notice
    if notice is None or report.applicability is None:
        return {"format": None, "isv_required": None}
    lead = notice.buyers[0] if notice.buyers else None
    many = len(notice.lots) > 1
    return {
        "format": notice.format,
        "kind": notice.kind,
        "publication_number": notice.publication_number,
        "procedure_id": notice.procedure_id,
        "previous_notice": notice.previous_notice,
        "buyer": lead.name if lead else None,
        "legal_type": lead.legal_type if lead else None,
        "country": lead.country if lead else None,
        "central_government": report.applicability.authority.central_government,
        "contract_type": notice.contract_type,
        "cpv_main": notice.cpv_main,
        "value_eur": report.applicability.value_eur.amount,
        "dispatch_date": notice.dispatch_date,
        "publication_date": notice.publication_date,
        "categories": sorted(c.id for c in report.categories),
        "lots": [lot.id for lot in notice.lots] if many else [],
        "isv_lots": sorted(lot.id for lot in report.lots if lot.categories),
        "isv_required": report.applicability.isv_required,
    }


def expected_of(label: dict[str, Any]) -> dict[str, Any]:
    out = {key: label.get(key) for key in FACTS}
    out["value_eur"] = float(label["value_eur"]) if label.get("value_eur") is not None else None
    out["categories"] = sorted(label.get("categories") or [])
    out["lots"] = [lot["id"] for lot in label.get("lots") or []]
    out["isv_lots"] = sorted(label.get("isv_lots") or [])
    return out


@dataclass
class NoticeScores:
    notices: int = 0
    right: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[Any, Any]] = field(default_factory=Counter)  # (expected, got) isv_required
    mistakes: list[str] = field(default_factory=list)

    def share(self, fact: str) -> float:
        return self.right[fact] / self.notices if self.notices else 0.0

    @property
    def false_not_required(self) -> int:
        return sum(n for (expected, got), n in self.outcomes.items() if expected is not False and got is False)

    @property
    def false_required(self) -> int:
        return sum(n for (expected, got), n in self.outcomes.items() if expected is not True and got is True)


def evaluate(labels: dict[str, dict[str, Any]], folder: Path, check: Callable[[Path], Report]) -> NoticeScores:
    scores = NoticeScores()
    for name, label in sorted(labels.items()):
        got, expected = facts_of(check(folder / name)), expected_of(label)
        scores.notices += 1
        scores.outcomes[(expected["isv_required"], got.get("isv_required"))] += 1
        for fact in FACTS:
            if got.get(fact) == expected[fact]:
                scores.right[fact] += 1
            else:
                scores.mistakes.append(f"{name}: {fact}: got {got.get(fact)!r}, label {expected[fact]!r}")
    return scores


def render(scores: NoticeScores, *, names: bool = True) -> Iterable[str]:
    yield f"notices: {scores.notices}"
    yield f"applicability (isv_required) accuracy: {scores.share('isv_required'):.3f}"
    yield f"wrongly not required: {scores.false_not_required}; wrongly required: {scores.false_required}"
    yield "facts read right:"
    for fact in FACTS:
        yield f"  {fact:<20} {scores.share(fact):.3f}"
    yield "outcomes (label -> checker): " + ", ".join(
        f"{e}->{g}: {n}" for (e, g), n in sorted(scores.outcomes.items(), key=str)
    )
    if names:
        yield from (f"  {line}" for line in scores.mistakes)
