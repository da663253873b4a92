"""Measures the checker against a labelled corpus (samples/labels.yaml): verdict accuracy, category
and element precision/recall, the verdict confusion matrix, and documents wrongly called compliant.

Shared by `benchmarks/accuracy.py` (prints the figures) and the test that holds them at their targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .report import VERDICTS, Report
from .ruleset.load import cached_ruleset


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
class Evaluation:
    documents: int = 0
    verdict_correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (labelled, predicted)
    categories: dict[str, Score] = field(default_factory=dict)
    elements: dict[str, Score] = field(default_factory=dict)
    false_compliant: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)

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
    check: Callable[[Path], Report],
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


def _score(result: Evaluation, name: str, label: dict[str, Any], report: Report, element_ids: tuple[str, ...]) -> None:
    result.documents += 1
    expected, got = label["verdict"], report.verdict or "unreadable"
    result.confusion[(expected, got)] += 1
    if expected == got:
        result.verdict_correct += 1
    else:
        result.mistakes.append(f"{name}: verdict {got}, labelled {expected}")
    if got == "compliant" and expected != "compliant":
        result.false_compliant.append(name)
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


def render(result: Evaluation) -> Iterable[str]:
    yield f"documents: {result.documents}"
    yield f"verdict accuracy: {result.verdict_accuracy:.3f} ({result.verdict_correct}/{result.documents})"
    yield f"documents wrongly called compliant: {len(result.false_compliant)} {result.false_compliant or ''}".rstrip()
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
