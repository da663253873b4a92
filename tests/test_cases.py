"""The rules stage's case files (tests/cases/*/*.yaml), run by one generic test in the manner of
SQLFluff's rule test cases: a short document text in, the outcome the domain expects out.

A changer of `checks/` or of a rule finds the cases of that rule family in one folder, adds a case by
writing YAML, and sees in a failure which case, which file and which keys differ. The case format is
described in tests/cases/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from isv_checker import check_bytes
from isv_checker.report import Report
from isv_checker.ruleset.load import cached_ruleset

CASES = Path(__file__).resolve().parent / "cases"
CASE_KEYS = frozenset({"description", "text", "out", "xfail"})
FILE_KEYS = frozenset({"preamble", "cases"})


class _UniqueKeyLoader(yaml.SafeLoader):
    """A case name given twice in one file would silently replace the first case: refuse it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"key given twice: {', '.join(twice)}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class Check:
    """One key of a case's `out`: what to read from the report, and when the reading agrees."""

    get: Callable[[Report], Any]
    agrees: Callable[[Any, Any], bool]


def _equal(expected: Any, got: Any) -> bool:
    return bool(expected == got)


def _same_set(expected: list[str], got: list[str]) -> bool:
    return set(expected) == set(got)


def _all_in(expected: list[str], got: list[str]) -> bool:
    return set(expected) <= set(got)


def _none_in(expected: list[str], got: list[str]) -> bool:
    return not set(expected) & set(got)


def _found(report: Report) -> list[str]:
    return sorted(e.id for e in report.clause.elements if e.found) if report.clause else []


def _not_found(report: Report) -> list[str]:
    return sorted(e.id for e in report.clause.elements if not e.found) if report.clause else []


def _decoys(report: Report) -> list[str]:
    return sorted({d.decoy for d in report.decoys})


def _applicability(field: Callable[[Any], Any]) -> Callable[[Report], Any]:
    return lambda report: field(report.applicability) if report.applicability else None


CHECKS: dict[str, Check] = {
    "verdict": Check(lambda r: r.verdict, _equal),
    "language": Check(lambda r: r.language, _equal),
    "categories": Check(lambda r: sorted(c.id for c in r.categories), _same_set),
    "clause_present": Check(lambda r: r.clause.present if r.clause else None, _equal),
    "clause_location": Check(lambda r: r.clause.location if r.clause else None, _equal),
    "elements_found": Check(_found, _all_in),
    "elements_missing": Check(_not_found, _all_in),
    "decoys": Check(_decoys, _same_set),
    "decoys_include": Check(_decoys, _all_in),
    "decoys_exclude": Check(_decoys, _none_in),
    "isv_required": Check(_applicability(lambda a: a.isv_required), _equal),
    "authority": Check(_applicability(lambda a: a.authority.name), _equal),
    "authority_central": Check(_applicability(lambda a: a.authority.central_government), _equal),
    "authority_rule": Check(_applicability(lambda a: a.authority.rule), _equal),
    "value": Check(_applicability(lambda a: a.value_eur.amount), _equal),
    "threshold": Check(_applicability(lambda a: a.threshold_eur), _equal),
    "period": Check(_applicability(lambda a: a.period), _equal),
    "document_date": Check(_applicability(lambda a: a.document_date), _equal),
    "date_origin": Check(_applicability(lambda a: a.date_origin), _equal),
    "works": Check(_applicability(lambda a: a.works), _equal),
    "procedure": Check(_applicability(lambda a: a.procedure), _equal),
    "findings_include": Check(lambda r: sorted({f.code for f in r.findings if f.code}), _all_in),
    "findings_exclude": Check(lambda r: sorted({f.code for f in r.findings if f.code}), _none_in),
}


def _vocabulary() -> dict[str, set[str]]:
    """The ids a list key may hold: a misspelt id in `decoys_exclude` would otherwise always pass."""
    ruleset = cached_ruleset()
    elements = {e.element for e in ruleset.elements}
    decoys = {d.decoy for d in ruleset.decoys}
    return {
        "categories": {c.category for c in ruleset.categories},
        "elements_found": elements,
        "elements_missing": elements,
        "decoys": decoys,
        "decoys_include": decoys,
        "decoys_exclude": decoys,
    }


@dataclass(frozen=True)
class Case:
    file: str  # relative to tests/cases, e.g. "decoys/negation.yaml"
    name: str
    text: str
    out: dict[str, Any]
    xfail: str | None

    def __repr__(self) -> str:
        return self.id  # pytest shows the case in a failure's traceback; its text is in the file

    @property
    def id(self) -> str:
        return f"{self.file.removesuffix('.yaml')}:{self.name}"


def load_cases(folder: Path = CASES) -> list[Case]:
    """Every case of every file; a malformed file or case fails here, naming the file and the case."""
    cases: list[Case] = []
    vocabulary = _vocabulary()
    for path in sorted(folder.glob("*/*.yaml")):
        where = path.relative_to(folder).as_posix()
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except yaml.YAMLError as exc:
            raise ValueError(f"{where}: not valid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("cases"), dict) or set(data) - FILE_KEYS:
            raise ValueError(
                f"{where}: a case file holds `cases:` (a mapping of names to cases) and optionally `preamble:`"
            )
        preamble = data.get("preamble") or ""
        for name, case in data["cases"].items():
            if not isinstance(case, dict) or set(case) - CASE_KEYS or not {"text", "out"} <= set(case):
                raise ValueError(
                    f"{where}: case {name}: needs `text` and `out`, may have `description` and `xfail` only"
                )
            unknown = set(case["out"]) - set(CHECKS)
            if unknown:
                raise ValueError(f"{where}: case {name}: unknown out keys {sorted(unknown)}; known: {sorted(CHECKS)}")
            for key, ids in vocabulary.items():
                strange = set(case["out"].get(key) or ()) - ids
                if strange:
                    raise ValueError(f"{where}: case {name}: {key}: not ids of the rules: {sorted(strange)}")
            text = f"{preamble.rstrip()}\n\n{case['text']}" if preamble else case["text"]
            cases.append(Case(file=where, name=str(name), text=text, out=case["out"], xfail=case.get("xfail")))
    return cases


ALL_CASES = load_cases()


def _params() -> list[Any]:
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else [])
        for case in ALL_CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_case(case: Case) -> None:
    report = check_bytes(case.text.encode("utf-8"), "case.txt")
    wrong = []
    for key, expected in case.out.items():
        check = CHECKS[key]
        got = check.get(report)
        if not check.agrees(expected, got):
            wrong.append(f"  {key}: expected {expected!r}, got {got!r}")
    assert not wrong, f"{case.file}, case {case.name}:\n" + "\n".join(wrong)


def test_every_element_and_decoy_has_cases_both_ways() -> None:
    """A new element or decoy in rules/ needs cases here: one where it is found or fires, one where not."""
    ruleset = cached_ruleset()
    found = {e for c in ALL_CASES for e in c.out.get("elements_found", ())}
    missing = {e for c in ALL_CASES for e in c.out.get("elements_missing", ())}
    fired = {d for c in ALL_CASES for key in ("decoys", "decoys_include") for d in c.out.get(key, ())}
    quiet = {d for c in ALL_CASES for d in c.out.get("decoys_exclude", ())}
    gaps = [
        f"element {e.element}: no case where it is {how}"
        for e in ruleset.elements
        for how, seen in (("found", found), ("missing", missing))
        if e.element not in seen
    ]
    gaps += [
        f"decoy {d.decoy}: no case where it {how}"
        for d in ruleset.decoys
        for how, seen in (("fires", fired), ("does not fire", quiet))
        if d.decoy not in seen
    ]
    assert not gaps, "\n".join(gaps)
