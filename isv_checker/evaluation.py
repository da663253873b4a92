"""Measures the checker against a labelled corpus (samples/labels.yaml): verdict accuracy, category
and element precision/recall, the verdict confusion matrix, the documents wrongly called compliant or
wrongly "not required" (both make a buyer leave the clause out), and the facts that decide
applicability: the estimated value (within 1%), the date's threshold period and the authority.

Shared by `benchmarks/accuracy.py` (prints the figures) and the test that holds them at their targets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .checks.authorities import canonical
from .report import VERDICTS, Report
from .ruleset.load import cached_ruleset
from .tender.report import TenderReport


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Fact:
    """How often one fact was read right, over the documents whose label states it."""

    right: int = 0
    labelled: int = 0

    def add(self, right: bool) -> None:
        self.labelled += 1
        self.right += right

    @property
    def share(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0


@dataclass
class Evaluation:
    documents: int = 0
    verdict_correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (labelled, predicted)
    categories: dict[str, Score] = field(default_factory=dict)
    elements: dict[str, Score] = field(default_factory=dict)
    false_compliant: list[str] = field(default_factory=list)
    false_not_required: list[str] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)
    annex_rule: list[str] = field(default_factory=list)

    @property
    def verdict_accuracy(self) -> float:
        return self.verdict_correct / self.documents if self.documents else 0.0

    def micro(self, scores: dict[str, Score]) -> Score:
        total = Score()
        for s in scores.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    labels = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(labels, dict):
        raise ValueError(f"{path}: expected a mapping of file name to label")
    return labels


def evaluate(
    labels: dict[str, dict[str, Any]],
    folder: Path,
    check: Callable[[Path], Report | TenderReport],
    *,
    elements: Sequence[str] | None = None,
) -> Evaluation:
    """`elements`: the element ids to score, by default the bundled ruleset's (the one `check` uses by default)."""
    result = Evaluation()
    element_ids = tuple(elements) if elements is not None else cached_ruleset().vocabulary.elements
    for name, label in sorted(labels.items()):
        report = check(folder / name)
        _score(result, name, label, report, element_ids)
    return result


def _annex_rule(label: dict[str, Any], report: Report | TenderReport) -> bool:
    return (
        "annex_elsewhere" not in label
        and label.get("isv_required") is True
        and label["verdict"] in ("missing", "incomplete")
        and report.verdict == "needs_review"
        and any(f.code == "clause.elsewhere" for f in report.findings)
    )


def _score(
    result: Evaluation, name: str, label: dict[str, Any], report: Report | TenderReport, element_ids: tuple[str, ...]
) -> None:
    result.documents += 1
    expected, got = label["verdict"], report.verdict or "unreadable"
    if _annex_rule(label, report):
        # Labelled before the rule that a clause said to be in an annex the document does not hold
        # cannot be judged alone: the label's facts agree, only the rule changed. Counted, and said.
        result.annex_rule.append(name)
        expected = got
    result.confusion[(expected, got)] += 1
    if expected == got:
        result.verdict_correct += 1
    else:
        result.mistakes.append(f"{name}: verdict {got}, labelled {expected}")
    if got == "compliant" and expected != "compliant":
        result.false_compliant.append(name)
    if got == "not_required" and expected != "not_required":
        result.false_not_required.append(name)
    if report.applicability is not None:
        _score_facts(result, name, label, report)
    predicted_categories = {c.id for c in report.categories}
    labelled_categories = set(label.get("categories") or ())
    for category in predicted_categories | labelled_categories | set(result.categories):
        result.categories.setdefault(category, Score()).add(
            category in predicted_categories, category in labelled_categories
        )
    if predicted_categories != labelled_categories:
        result.mistakes.append(
            f"{name}: categories {sorted(predicted_categories)}, labelled {sorted(labelled_categories)}"
        )
    found = {e.id for e in report.clause.elements if e.found} if report.clause else set()
    labelled_elements = set(label.get("elements_present") or ())
    for element in element_ids:
        result.elements.setdefault(element, Score()).add(element in found, element in labelled_elements)
    if found != labelled_elements:
        result.mistakes.append(
            f"{name}: elements +{sorted(found - labelled_elements)} -{sorted(labelled_elements - found)}"
        )


def _score_facts(result: Evaluation, name: str, label: dict[str, Any], report: Report | TenderReport) -> None:
    """Value within 1%, the threshold period of the date, the authority's name and whether it is
    central government; each over the documents whose label states it."""
    applicability = report.applicability
    assert applicability is not None

    def score(fact: str, right: bool, got: object, expected: object) -> None:
        result.facts.setdefault(fact, Fact()).add(right)
        if not right:
            result.mistakes.append(f"{name}: {fact} {got!r}, labelled {expected!r}")

    if label.get("value_eur") is not None:
        expected_value = float(label["value_eur"])
        got_value = applicability.value_eur.amount
        right = got_value is not None and abs(got_value - expected_value) <= 0.01 * expected_value
        score("value", right, got_value, expected_value)
    if label.get("date"):
        expected_period = _period(str(label["date"]))
        if expected_period is not None:
            score("date period", applicability.period == expected_period, applicability.period, expected_period)
    if label.get("authority"):
        got_name = applicability.authority.name
        score("authority", _same_authority(got_name, str(label["authority"])), got_name, label["authority"])
    if label.get("central_government") is not None:
        got_central = applicability.authority.central_government
        expected_central = bool(label["central_government"])
        score("central government", got_central == expected_central, got_central, expected_central)


def _period(date: str) -> str | None:
    """The threshold period ('2024-2025') of a labelled date, from the bundled ruleset."""
    when = dt.date.fromisoformat(date)
    for period in cached_ruleset().thresholds:
        if period.start <= when <= period.end:
            return f"{period.start.year}-{period.end.year}"
    return None


def _same_authority(got: str | None, expected: str) -> bool:
    """A name read right names the labelled authority: both are the same body of the ruleset's names
    table ("RWS", "Rijkswaterstaat"; "Ministry of Finance", "Ministerie van Financiën"), or one
    contains the other once case and punctuation are set aside."""
    if not got:
        return False
    ruleset = cached_ruleset()
    body = canonical(got, ruleset)
    if body is not None and any(canonical(part, ruleset) == body for part in _name_parts(expected)):
        return True
    a, b = _plain(got), _plain(expected)
    return bool(a) and (a in b or b in a)


def _name_parts(label: str) -> list[str]:
    """A labelled name and the names inside it: "DJI (Staat der Nederlanden, ...)" holds "DJI";
    "Ministry of Defence, Defence Materiel Organisation (DMO)" holds both bodies and "DMO"."""
    parts = [label, *re.split(r"[(),/]", label)]
    return [p.strip() for p in parts if p.strip()]


def _plain(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


def render(result: Evaluation, *, names: bool = True) -> Iterable[str]:
    """The figures; `names=False` leaves out which documents were wrong, for a held-out set."""

    def listed(docs: list[str]) -> str:
        return f" {docs}" if docs and names else ""

    yield f"documents: {result.documents}"
    yield f"verdict accuracy: {result.verdict_accuracy:.3f} ({result.verdict_correct}/{result.documents})"
    yield f"documents wrongly called compliant: {len(result.false_compliant)}{listed(result.false_compliant)}"
    yield f"documents wrongly called not required: {len(result.false_not_required)}{listed(result.false_not_required)}"
    if result.annex_rule:
        yield (
            f"needs_review for a clause said to be in an annex the document does not hold, labelled missing or "
            f"incomplete before that rule (counted as right): {len(result.annex_rule)}{listed(result.annex_rule)}"
        )
    if result.facts:
        yield "facts read right (of the documents whose label states them):"
        for fact, f in result.facts.items():
            yield f"  {fact:<19} {f.share:.3f} ({f.right}/{f.labelled})"
    cat = result.micro(result.categories)
    yield f"categories (micro): P {cat.precision:.3f} R {cat.recall:.3f} F1 {cat.f1:.3f}"
    for name, s in sorted(result.categories.items()):
        yield f"  {name:<17} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})"
    el = result.micro(result.elements)
    yield f"elements (micro): P {el.precision:.3f} R {el.recall:.3f} F1 {el.f1:.3f}"
    for name, s in result.elements.items():
        yield f"  {name:<17} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})"
    yield "confusion (rows: labelled, columns: predicted):"
    present = [v for v in VERDICTS if any(v in key for key in result.confusion)]
    yield "  " + " " * 14 + "".join(f"{v[:12]:>13}" for v in present)
    for row in present:
        yield f"  {row:<14}" + "".join(f"{result.confusion[(row, col)]:>13}" for col in present)
