"""Every rule's own examples, run as tests: what it must match and what it must not (SQLFluff-style
yaml cases, here kept inside the rule). Plus the loader's errors for broken rule folders."""

from __future__ import annotations

import shutil

import pytest
import yaml

from isv_checker.checks.matching import RuleMatcher
from isv_checker.ruleset.load import RulesError, load_ruleset

RULESET = load_ruleset()
RULES = RULESET.rules()
MATCHER = RuleMatcher(RULES)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule, language):
    """With every rule in one matcher, as the checker runs them, and with both tokenizers."""
    for text in rule.examples.match:
        assert MATCHER.matches(text, rule.id, language), f"{rule.id} [{language}] should match: {text!r}"
    for text in rule.examples.no_match:
        spans = MATCHER.matches(text, rule.id, language)
        assert not spans, f"{rule.id} [{language}] should not match: {text!r} (matched {[text[s:e] for s, e in spans]})"


def test_ids_are_stable_and_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for expected in ("ISV-CAT-ENERGY", "ISV-EL-ACTION-PLAN", "ISV-DECOY-SROI", "ISV-CLAUSE-NAME"):
        assert expected in ids
    assert {e.element for e in RULESET.elements} == {
        "due_diligence",
        "standards",
        "risk_analysis",
        "action_plan",
        "reporting",
        "remedy",
    }
    assert len(RULESET.categories) == 10


def _copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULESET.directory, target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_missing_file_is_named(tmp_path):
    rules = _copy(tmp_path)
    (rules / "decoys.yaml").unlink()
    with pytest.raises(RulesError, match=r"decoys\.yaml: missing"):
        load_ruleset(rules)


def test_bad_yaml_is_named(tmp_path):
    rules = _copy(tmp_path)
    (rules / "elements.yaml").write_text("elements:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"elements\.yaml: not valid YAML"):
        load_ruleset(rules)


def test_rule_error_names_file_rule_and_field(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "decoys.yaml", lambda d: d["decoys"][0].pop("examples"))
    with pytest.raises(RulesError, match=r"decoys\.yaml: rule ISV-DECOY-SROI: examples: Field required"):
        load_ruleset(rules)


def test_bad_rule_id(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "elements.yaml", lambda d: d["elements"][0].update(id="isv el dd"))
    with pytest.raises(RulesError, match=r"rule isv el dd: id: .*must look like ISV-WORD-WORD"):
        load_ruleset(rules)


def test_duplicate_id(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "decoys.yaml", lambda d: d["decoys"][1].update(id="ISV-DECOY-SROI"))
    with pytest.raises(RulesError, match="ISV-DECOY-SROI is used twice"):
        load_ruleset(rules)


def test_overlapping_threshold_periods(tmp_path):
    rules = _copy(tmp_path)
    _edit(rules / "thresholds.yaml", lambda d: d["thresholds"][1].update({"from": "2017-06-01"}))
    with pytest.raises(RulesError, match="overlap"):
        load_ruleset(rules)


def test_a_new_rule_needs_no_python(tmp_path):
    """Adding a decoy to a copy of the rules makes the checker report it, with no code change."""
    from isv_checker.pipeline import check

    rules = _copy(tmp_path)
    _edit(
        rules / "decoys.yaml",
        lambda d: d["decoys"].append(
            {
                "id": "ISV-DECOY-PSO",
                "decoy": "pso",
                "effect": "passage",
                "description": "The PSO ladder rates social enterprise.",
                "reason_nl": "De PSO gaat over sociaal ondernemen.",
                "reason_en": "The PSO is about social enterprise.",
                "match": {"terms": ["pso-keurmerk"]},
                "examples": {"match": ["Het PSO-keurmerk telt mee."], "no_match": ["De ISV zijn van toepassing."]},
            }
        ),
    )
    doc = tmp_path / "pso.txt"
    doc.write_text("Artikel 4 Sociaal ondernemen\nHet PSO-keurmerk telt mee bij de gunning.\n", encoding="utf-8")
    report = check(doc, ruleset=load_ruleset(rules))
    assert [d.rule for d in report.decoys] == ["ISV-DECOY-PSO"]
