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


def _terms_by_trying_each(terms: object, words: list[str]) -> list[tuple[int, int, int]]:
    """Every (code, start, end) of the term tables in `words`, found by trying each term wherever its
    first word stands: the slow path that the anchors and their neighbours stand in for."""
    by_first: dict[str, list[tuple[tuple[str, ...], list[int]]]] = {}
    for term, codes in terms._plain.items():  # type: ignore[attr-defined]
        by_first.setdefault(term[0], []).append((term, codes))
    found = []
    for at in range(len(words)):
        for term, codes in by_first.get(words[at], ()):
            if tuple(words[at : at + len(term)]) == term:
                found.extend((code, at, at + len(term)) for code in codes)
        for (first, is_stem), entries in terms._wild.items():  # type: ignore[attr-defined]
            if not (words[at].startswith(first) if is_stem else words[at] == first):
                continue
            for code, rest in entries:
                tail = words[at + 1 : at + 1 + len(rest)]
                if len(tail) == len(rest) and all(
                    token.startswith(stem) if stem_of else token == stem
                    for token, (stem, stem_of) in zip(tail, rest, strict=True)
                ):
                    found.append((code, at, at + 1 + len(rest)))
    return sorted(found)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_terms_are_found_where_trying_every_term_at_its_first_word_finds_them(language):
    """The terms a word anchors are compared in place only where the word beside the anchor stands
    beside it; near groups are not pruned here, so every term is looked for."""
    ruleset = cached_ruleset()
    matcher = rules_matcher(ruleset)
    compiled = _unpruned(RuleMatcher([*ruleset.rules(), *matcher._specs[len(ruleset.rules()) :]]), language)
    tokenizer, terms = compiled.tokenizer, compiled.terms  # type: ignore[attr-defined]
    compared = 0
    for path in sorted(SAMPLES.glob("*.txt"))[::4]:  # a quarter of them: the slow path is slow
        for block in read_path(path).blocks:
            words = tokenizer.words(block.text)
            expected = _terms_by_trying_each(terms, words)
            assert sorted(terms.find(words)) == expected, block.text[:80]
            compared += len(expected)
    assert compared > 1000
