"""Golden outputs: files under tests/golden/ that rendered outputs must equal byte for byte.

Regenerate after an intended change with `ISV_UPDATE_GOLDEN=1 python -m pytest tests/test_memo.py
tests/test_sdg_table.py`, then read the diff before committing it. The inputs in `reports/` are frozen
reports (written once from samples/ by `isv-check scan --format json`), so the goldens change when a
renderer, a template or the rules' wording changes, not when the rules engine judges a sample anew.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
UPDATE = os.environ.get("ISV_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; run with ISV_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{name}",
                "actual",
                n=2,
            )
        )
        raise AssertionError(f"{name} differs from its golden file (ISV_UPDATE_GOLDEN=1 regenerates):\n{diff[:6000]}")
