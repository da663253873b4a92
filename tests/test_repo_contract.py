"""README.md's first two commands are what CI runs: a new user gets exactly what CI tested."""

from __future__ import annotations

import re

from .conftest import ROOT


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```(?:sh|bash)\n(.*?)```", readme, re.DOTALL)[:2]]


def test_ci_runs_readme_commands():
    install, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in ci.splitlines()]
    for step in install.split("&&"):
        assert any(line.startswith(step.strip()) for line in ci_lines), f"CI does not run {step.strip()!r}"
    assert tests in ci_lines, f"CI does not run README's test command {tests!r}"
