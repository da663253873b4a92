"""Runs each fuzz harness for a short, bounded time: ISV_FUZZ_SECONDS each (default 15, at most 20
here; 0 skips). Longer runs are for local use, straight from the scripts (README.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .campaign import run_harness

HERE = Path(__file__).parent
SECONDS = min(float(os.environ.get("ISV_FUZZ_SECONDS", "15")), 20.0)


@pytest.mark.skipif(SECONDS <= 0, reason="ISV_FUZZ_SECONDS=0")
@pytest.mark.parametrize("harness", ["fuzz_docx.py", "fuzz_pdf.py"])
def test_fuzzing_finds_no_crash(harness: str, tmp_path: Path) -> None:
    pytest.importorskip(
        "atheris",
        reason="atheris is not installed (pip install atheris); "
        "test_text_properties.py still fuzzes the readers with hypothesis",
    )
    code, output, executions = run_harness(HERE / harness, SECONDS, tmp_path)
    crashes = sorted(p.name for p in tmp_path.glob("crash-*")) + sorted(p.name for p in tmp_path.glob("timeout-*"))
    assert code == 0 and not crashes, (
        f"{harness} crashed after {executions} runs; put the input (minus its first, mode byte) in "
        f"tests/hostile/regressions/ under the bug's name:\n{crashes}\n{output[-4000:]}"
    )
    assert executions > 0, output[-2000:]
