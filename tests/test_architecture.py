"""The stages keep to their places: readers and checks never import outputs or runners, and nothing
outside `checks/` decides (the pipeline only calls `judge`). Read from the source's imports and calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "isv_checker"
OUTPUTS_AND_RUNNERS = ("render", "batch", "web", "cli", "sdg")
# checks/ may use sdg/links.py, the one reading of sdg.yaml, and nothing else of sdg/
ALLOWED = {"checks": {"sdg.links"}}
DECIDING = {
    "decide",
    "read_facts",
    "verdict_of",
    "verdict_findings",
    "sdg_targets",
    "find_clause",
    "find_categories",
    "merge",
    "judge",
    "assess",
    "judge_tender",
}
# the pipeline strings the stages together: it calls the rules stage's entry points and nothing else of it
PIPELINE_CALLS = {"judge", "assess", "judge_tender"}
JUDGED_RECORDS = {"Judgement", "Applicability"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _dotted(path: Path) -> list[str]:
    return list(path.relative_to(PACKAGE).with_suffix("").parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module inside isv_checker, names imported from it) for every import in the file, at any depth."""
    here = _dotted(path)
    package = here[:-1] if here[-1] != "__init__" else here[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("isv_checker"):
                target = node.module.removeprefix("isv_checker").lstrip(".")
            else:
                continue
            out.append((target, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend(
                (a.name.removeprefix("isv_checker").lstrip("."), [])
                for a in node.names
                if a.name.startswith("isv_checker")
            )
    return out


@pytest.mark.parametrize("stage", ["readers", "checks"])
def test_readers_and_checks_never_import_outputs_or_runners(stage):
    wrong = []
    for path in (PACKAGE / stage).rglob("*.py"):
        for target, names in _imports(path):
            modules = [target] + [f"{target}.{n}" if target else n for n in names]
            for module in modules:
                top = module.split(".")[0]
                if top in OUTPUTS_AND_RUNNERS and not any(module.startswith(a) for a in ALLOWED.get(stage, ())):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_nothing_outside_checks_decides():
    wrong = []
    for path in _modules():
        parts = _dotted(path)
        if parts[0] == "checks" or parts == ["report"]:
            continue
        for target, names in _imports(path):
            if target.startswith("checks"):
                for name in set(names) & DECIDING:
                    if not (parts == ["pipeline"] and name in PIPELINE_CALLS):
                        wrong.append(f"{'/'.join(parts)} imports {name} from {target}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called in JUDGED_RECORDS:
                    wrong.append(f"{'/'.join(parts)}:{node.lineno} builds a {called}")
    assert not wrong, "\n".join(wrong)


def test_the_check_itself_has_these_import_rules():
    """The test above would pass on an empty tree; make sure it sees the real imports."""
    engine = dict(_imports(PACKAGE / "checks" / "engine.py"))
    assert "checks.applicability" in engine and "decide" in engine["checks.applicability"]
    assert ("checks.engine", ["judge"]) in _imports(PACKAGE / "pipeline.py")


def test_findings_are_made_only_by_the_catalogue():
    """A `Finding` is built only by `checks.findings.finding`, which writes its message from the
    catalogue; a `Finding(...)` anywhere else could carry prose no other language can render."""
    home = PACKAGE / "checks" / "findings.py"
    builders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called == "Finding":
                    builders.append(path)
    assert set(builders) == {home}, [str(p.relative_to(PACKAGE)) for p in builders if p != home]
