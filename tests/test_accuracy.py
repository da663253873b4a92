"""Holds the checker's accuracy on the labelled corpus at or above issue 3's targets, so a rule change
that breaks a verdict, a category or an element fails here. `python benchmarks/accuracy.py --mistakes`
shows the figures and every disagreement."""

from __future__ import annotations

import pytest

from isv_checker.evaluation import evaluate, load_labels
from isv_checker.pipeline import check

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def result():
    return evaluate(load_labels(SAMPLES / "labels.yaml"), SAMPLES, check)


def test_corpus_is_large_and_varied(result):
    assert result.documents >= 40
    labelled = {row for row, _ in result.confusion}
    assert {"compliant", "incomplete", "missing", "not_required", "needs_review"} <= labelled


def test_verdict_accuracy(result):
    assert result.verdict_accuracy >= 0.95, result.mistakes


def test_nothing_wrongly_called_compliant(result):
    assert result.false_compliant == []


def test_category_f1(result):
    assert result.micro(result.categories).f1 >= 0.95, result.mistakes
    for name, score in result.categories.items():
        assert score.f1 >= 0.85, (name, score)


def test_element_f1(result):
    assert result.micro(result.elements).f1 >= 0.95, result.mistakes
    for name, score in result.elements.items():
        assert score.f1 >= 0.9, (name, score)
