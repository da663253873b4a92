"""The hostile suite's shared corpus and the skip rule for its slow tests.

Tests marked `slow` run only with ISV_SLOW=1, so CI stays within its time. The corpus is built once
per session into a temporary folder, with a canary (named pipe and loopback listener) that every
file referring to something elsewhere points at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import SAMPLES
from .corpus import Case, build_corpus, default_samples
from .sandbox import Canary

SLOW = os.environ.get("ISV_SLOW") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SLOW:
        return
    skip = pytest.mark.skip(reason="slow; run with ISV_SLOW=1")
    here = Path(__file__).parent
    for item in items:
        if "slow" in item.keywords and Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(skip)


class Corpus:
    def __init__(self, root: Path, cases: list[Case], canary: Canary) -> None:
        self.root = root
        self.cases = cases
        self.canary = canary

    def expected(self) -> dict[str, frozenset[str]]:
        return {str(case.path): case.expected for case in self.cases}


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    canary = Canary(tmp_path_factory.mktemp("canary"))
    yield canary
    canary.close()


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory, canary: Canary) -> Corpus:
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = build_corpus(root, default_samples(SAMPLES), canary_path=canary.path, canary_url=canary.url)
    return Corpus(root, cases, canary)
