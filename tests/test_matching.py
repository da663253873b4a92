"""The matcher's shortcuts leave its hits as they were: terms of a `near` that cannot be complete in a
block are not looked for, and the names table is looked up by a name's beginnings."""

from __future__ import annotations

import pytest

from isv_checker.checks.authorities import canonical, plain
from isv_checker.checks.engine import rules_matcher
from isv_checker.checks.matching import RuleMatcher, _block_hits
from isv_checker.readers import read_path
from isv_checker.ruleset.load import cached_ruleset

from .conftest import SAMPLES


def _unpruned(matcher: RuleMatcher, language: str) -> object:
    """The matcher's compiled rules for `language` as they were before near groups were pruned."""
    compiled = matcher._compiled(language)
    compiled.terms.know_nears([0] * len(compiled.code_part), [])
    return compiled


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pruned_near_groups_give_the_same_hits_on_every_sample(language):
    ruleset = cached_ruleset()
    pruned = rules_matcher(ruleset)
    unpruned = _unpruned(RuleMatcher([*ruleset.rules(), *pruned._specs[len(ruleset.rules()) :]]), language)
    documents = [read_path(p) for p in sorted(SAMPLES.glob("*.txt"))]
    compared = 0
    for document in documents:
        hits = pruned.run(document.blocks, language)
        assert hits == [h for b in document.blocks for h in _block_hits(unpruned, b.index, b.text)]  # type: ignore[arg-type]
        compared += len(hits)
    assert compared > 1000


def test_a_near_with_one_group_alone_is_no_hit_and_with_all_is_one():
    ruleset = cached_ruleset()
    matcher = rules_matcher(ruleset)
    rule = next(r for r in ruleset.rules() if r.match.near and not r.match.terms and len(r.match.near[0].groups) == 2)
    first, second = (group[0].rstrip("*") for group in rule.match.near[0].groups)
    assert matcher.matches(f"alleen {second} hier", rule.id) == []
    assert matcher.matches(f"{first} {second}", rule.id) != []


def _canonical_by_scanning(name: str, ruleset: object) -> object:
    """The names table's entry as it was found before: every alias, longest first."""
    pairs = [(plain(a), e) for e in ruleset.authority_names for a in (e.name, *e.aliases)]  # type: ignore[attr-defined]
    key = plain(name)
    for alias, entry in sorted(pairs, key=lambda pair: -len(pair[0])):
        if key == alias or key.startswith(alias + " "):
            return entry
    return None


def test_names_table_lookup_finds_what_scanning_every_alias_found():
    ruleset = cached_ruleset()
    names = [a for e in ruleset.authority_names for a in (e.name, *e.aliases)]
    tried = [
        *names,
        *(f"{n} en de Belastingdienst" for n in names),
        *(f"de Staat der Nederlanden, vertegenwoordigd door de {n}" for n in names),
        *(n.upper() + ", afdeling Inkoop" for n in names),
        *(n[: len(n) // 2] for n in names),
        "Minister van Defensie",
        "",
        "Gemeente",
    ]
    for name in tried:
        assert canonical(name, ruleset) == _canonical_by_scanning(name, ruleset), name
