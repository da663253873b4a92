"""The reading of `rules/sdg.yaml` on its own: conditions in, targets out.

The links here are made up for the test (the targets need not match the UN's), so a change to the
links an author keeps in `rules/sdg.yaml` does not move these tables; the last test takes the real
links and holds the report and the SDG table to the same reading.
"""

from __future__ import annotations

import dataclasses

import pytest

from isv_checker.checks.verdict import sdg_targets
from isv_checker.report import CategoryResult, Clause, ElementResult
from isv_checker.ruleset.load import Ruleset, cached_ruleset
from isv_checker.ruleset.models import SdgLink
from isv_checker.sdg.links import Conditions, reached, target_key
from isv_checker.sdg.table import NO_CATEGORY, contract_links


def link(rule: str, target: str, when: str, *, element: str | None = None, category: str | None = None) -> SdgLink:
    return SdgLink(
        id=rule,
        target=target,
        goal=int(target.split(".")[0]),
        title_nl=f"doel {target}",
        title_en=f"target {target}",
        when=when,
        element=element,
        category=category,
        rationale_nl="verzonnen voor de test van het lezen van koppelingen",
        rationale_en="made up for the test of the reading of links",
    )


# In sdg.yaml order, which is not target order; 8.7 is reached by ISV and again by a category.
LINKS = (
    link("APPLIED-12-7", "12.7", "isv_applied"),
    link("APPLIED-8-A", "8.a", "isv_applied"),
    link("APPLIED-8-7", "8.7", "isv_applied"),
    link("APPLIED-8-10", "8.10", "isv_applied"),
    link("STANDARDS-10-3", "10.3", "element", element="standards"),
    link("REMEDY-16-3", "16.3", "element", element="remedy"),
    link("WORKWEAR-6-3", "6.3", "category", category="workwear"),
    link("ICT-8-7", "8.7", "category", category="ict_workplace"),
    link("ICT-12-5", "12.5", "category", category="ict_workplace"),
    link("DATACENTERS-12-5", "12.5", "category", category="datacenters"),
)
APPLIED = {"8.7": ["APPLIED-8-7"], "8.10": ["APPLIED-8-10"], "8.a": ["APPLIED-8-A"], "12.7": ["APPLIED-12-7"]}
ELEMENTS = ("due_diligence", "standards", "risk_analysis", "action_plan", "reporting", "remedy")


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return dataclasses.replace(cached_ruleset(), sdg=LINKS)


def by_target(result: dict[str, tuple[SdgLink, ...]]) -> dict[str, list[str]]:
    return {target: [link.id for link in links] for target, links in result.items()}


@pytest.mark.parametrize(
    ("applied", "elements", "categories", "expected"),
    [
        pytest.param(False, ELEMENTS, ("workwear", "ict_workplace"), {}, id="nothing-without-isv"),
        pytest.param(True, (), (), APPLIED, id="isv-alone"),
        pytest.param(True, ("standards",), (), {**APPLIED, "10.3": ["STANDARDS-10-3"]}, id="element-stated"),
        pytest.param(
            True, ("due_diligence", "risk_analysis", "action_plan", "reporting"), (), APPLIED, id="other-elements"
        ),
        pytest.param(
            True, ELEMENTS, (), {**APPLIED, "10.3": ["STANDARDS-10-3"], "16.3": ["REMEDY-16-3"]}, id="every-element"
        ),
        pytest.param(True, (), ("workwear",), {**APPLIED, "6.3": ["WORKWEAR-6-3"]}, id="category"),
        pytest.param(True, (), ("catering",), APPLIED, id="category-without-links"),
        pytest.param(
            True,
            (),
            ("ict_workplace",),
            {**APPLIED, "8.7": ["APPLIED-8-7", "ICT-8-7"], "12.5": ["ICT-12-5"]},
            id="target-reached-twice-in-file-order",
        ),
        pytest.param(
            True,
            (),
            ("datacenters", "ict_workplace"),
            {**APPLIED, "8.7": ["APPLIED-8-7", "ICT-8-7"], "12.5": ["ICT-12-5", "DATACENTERS-12-5"]},
            id="two-categories-one-target",
        ),
    ],
)
def test_reached(
    applied: bool, elements: tuple[str, ...], categories: tuple[str, ...], expected: dict[str, list[str]]
) -> None:
    result = reached(LINKS, Conditions(applied, frozenset(elements), frozenset(categories)))
    assert by_target(result) == expected
    assert list(result) == sorted(expected, key=target_key)


def test_targets_in_the_uns_order() -> None:
    assert sorted(["12.7", "8.a", "8.10", "10.3", "8.7", "6.3"], key=target_key) == [
        "6.3",
        "8.7",
        "8.10",
        "8.a",
        "10.3",
        "12.7",
    ]


@pytest.mark.parametrize(
    ("categories", "clause_present", "applied"),
    [(("workwear",), False, True), ((), True, True), (("workwear", "catering"), True, True), ((), False, False)],
)
def test_fully_applied(ruleset: Ruleset, categories: tuple[str, ...], clause_present: bool, applied: bool) -> None:
    """Once ISV is fully applied, a contract ISV concerns states every element of the ruleset."""
    conditions = Conditions.fully_applied(iter(categories), clause_present, ruleset)
    assert conditions == Conditions(applied, frozenset(ELEMENTS), frozenset(categories))


def clause(present: bool, found: tuple[str, ...]) -> Clause:
    return Clause(
        present=present,
        location=None,
        elements=tuple(
            ElementResult(id=e, rule=e, name_nl=e, name_en=e, found=present and e in found) for e in ELEMENTS
        ),
    )


def categories_of(ids: tuple[str, ...]) -> tuple[CategoryResult, ...]:
    return tuple(
        CategoryResult(id=c, rule=c, name_nl=c, name_en=c, group=c, group_name_nl=c, group_name_en=c, evidence=())
        for c in ids
    )


@pytest.mark.parametrize(
    ("present", "found", "categories", "expected"),
    [
        pytest.param(False, (), ("workwear",), [], id="no-clause-no-targets"),
        pytest.param(
            True,
            (),
            (),
            [("8.7", "APPLIED-8-7"), ("8.10", "APPLIED-8-10"), ("8.a", "APPLIED-8-A"), ("12.7", "APPLIED-12-7")],
            id="clause-alone",
        ),
        pytest.param(
            True,
            ("standards",),
            ("ict_workplace",),
            [
                ("8.7", "APPLIED-8-7"),
                ("8.10", "APPLIED-8-10"),
                ("8.a", "APPLIED-8-A"),
                ("10.3", "STANDARDS-10-3"),
                ("12.5", "ICT-12-5"),
                ("12.7", "APPLIED-12-7"),
            ],
            id="first-link-names-the-target",
        ),
    ],
)
def test_a_reports_targets(
    ruleset: Ruleset,
    present: bool,
    found: tuple[str, ...],
    categories: tuple[str, ...],
    expected: list[tuple[str, str]],
) -> None:
    """What the clause gives today: an element counts only where the clause states it."""
    for language in ("nl", "en"):
        targets = sdg_targets(ruleset, clause(present, found), categories_of(categories), language)
        assert [(t.target, t.rule) for t in targets] == expected
        assert all(t.title == f"{'target' if language == 'en' else 'doel'} {t.target}" for t in targets)
        assert all(t.goal == int(t.target.split(".")[0]) for t in targets)


@pytest.mark.parametrize(
    ("categories", "clause_present", "expected"),
    [
        pytest.param((), False, {}, id="outside-isv"),
        pytest.param(
            (),
            True,
            {t: [(t, NO_CATEGORY)] for t in ("8.7", "8.10", "8.a", "10.3", "12.7", "16.3")},
            id="clause-no-category",
        ),
        pytest.param(
            ("ict_workplace", "workwear"),
            False,
            {
                **{t: [(t, "ict_workplace"), (t, "workwear")] for t in ("8.10", "8.a", "10.3", "12.7", "16.3")},
                "8.7": [("8.7", "ict_workplace"), ("8.7", "workwear"), ("8.7", "ict_workplace")],
                "6.3": [("6.3", "workwear")],
                "12.5": [("12.5", "ict_workplace")],
            },
            id="category-links-in-their-own-row",
        ),
    ],
)
def test_the_tables_links(
    ruleset: Ruleset, categories: tuple[str, ...], clause_present: bool, expected: dict[str, list[tuple[str, str]]]
) -> None:
    """What the table counts: every element as stated, each link in the category rows it reaches."""
    result = contract_links(categories, clause_present, ruleset)
    assert {t: [(link.target, row) for link, row in pairs] for t, pairs in result.items()} == expected


@pytest.mark.parametrize(
    "categories", [(), ("workwear",), ("ict_workplace", "datacenters"), ("catering", "energy", "waste")]
)
def test_a_complete_clause_reaches_what_the_table_counts(categories: tuple[str, ...]) -> None:
    """With the real links: a report whose clause is complete names exactly the targets the table counts it under."""
    ruleset = cached_ruleset()
    targets = sdg_targets(ruleset, clause(True, ELEMENTS), categories_of(categories), "nl")
    assert [t.target for t in targets] == list(contract_links(categories, True, ruleset))


def test_every_link_says_why_in_dutch_and_in_english() -> None:
    """Regression (issue 18): the Dutch SDG table showed each link's rationale in English, because
    sdg.yaml held it in English only. Every link now holds both, each its own sentence."""
    for link in cached_ruleset().sdg:
        assert link.rationale_nl.strip() and link.rationale_en.strip(), link.id
        assert link.rationale_nl != link.rationale_en, link.id
        dutch = set(link.rationale_nl.lower().split())
        assert dutch & {"de", "het", "een", "van", "en"}, f"{link.id}: rationale_nl reads as Dutch"
        assert not dutch & {"the", "of", "and", "supply"}, f"{link.id}: rationale_nl holds English words"
