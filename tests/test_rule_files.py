"""Checks rules/categories.yaml, rules/authorities.yaml and rules/sdg.yaml on their own.

Every record must validate against its pydantic model (a failure names the record), the categories
and groups must be consistent with each other and with the vocabulary in rules/ruleset.yaml, CPV prefixes must not overlap between categories, a few real CPV
codes must map to the expected category, and every rule's examples must behave with both the Dutch
and the English blank tokenizer.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from isv_checker.ruleset.models import (
    AuthorityRule,
    CategoryRule,
    Group,
    Rule,
    SdgLink,
    Vocabulary,
)

# spaCy warns (W036) when a rule has no wildcard pattern and its Matcher stays empty; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:\\[W036\\]:UserWarning")

RULES = Path(__file__).resolve().parent.parent / "rules"
LANGUAGES = ("nl", "en")


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((RULES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name}: must hold a mapping at the top"
    return data


VOCABULARY = Vocabulary.model_validate(_load("ruleset.yaml")["vocabulary"])
CATEGORY_IDS, ELEMENT_IDS = VOCABULARY.categories, VOCABULARY.elements


def _validate(name: str, key: str, model: type[BaseModel]) -> list[Any]:
    raw = _load(name).get(key)
    assert isinstance(raw, list) and raw, f"{name}: needs a non-empty list under `{key}:`"
    out = []
    for position, item in enumerate(raw, start=1):
        ident = item.get("id", f"entry {position}") if isinstance(item, dict) else f"entry {position}"
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            pytest.fail(f"{name}: {key} record {ident} is invalid:\n{exc}")
    return out


@pytest.fixture(scope="module")
def categories() -> list[CategoryRule]:
    return _validate("categories.yaml", "categories", CategoryRule)


@pytest.fixture(scope="module")
def groups() -> list[Group]:
    return _validate("categories.yaml", "groups", Group)


@pytest.fixture(scope="module")
def authorities() -> list[AuthorityRule]:
    return _validate("authorities.yaml", "authorities", AuthorityRule)


@pytest.fixture(scope="module")
def sdg_links() -> list[SdgLink]:
    return _validate("sdg.yaml", "links", SdgLink)


# --- categories and groups ----------------------------------------------------------------------


def test_each_category_exactly_once(categories: list[CategoryRule]) -> None:
    counts = Counter(c.category for c in categories)
    assert set(counts) == set(CATEGORY_IDS), f"missing: {set(CATEGORY_IDS) - set(counts)}"
    assert all(n == 1 for n in counts.values()), f"repeated: {[c for c, n in counts.items() if n > 1]}"


def test_category_ids_follow_category(categories: list[CategoryRule]) -> None:
    for rule in categories:
        assert rule.id == "ISV-CAT-" + rule.category.upper().replace("_", "-"), rule.id


def test_groups_partition_categories(categories: list[CategoryRule], groups: list[Group]) -> None:
    assert len(groups) == 8, "the recalibrated naming has eight groups"
    assert len({g.id for g in groups}) == len(groups), "group ids must be unique"
    membership = Counter(c for g in groups for c in g.categories)
    for category in CATEGORY_IDS:
        assert membership[category] == 1, f"{category} is in {membership[category]} groups, must be in exactly one"
    group_of = {c: g.id for g in groups for c in g.categories}
    for rule in categories:
        assert rule.group == group_of[rule.category], (
            f"{rule.id}: group {rule.group!r}, expected {group_of[rule.category]!r}"
        )


def test_cpv_prefixes_do_not_overlap_between_categories(categories: list[CategoryRule]) -> None:
    owned = [(prefix, rule.category) for rule in categories for prefix in rule.cpv]
    for rule in categories:
        assert len(set(rule.cpv)) == len(rule.cpv), f"{rule.id}: repeated CPV prefix"
    clashes = [
        (a, ca, b, cb)
        for i, (a, ca) in enumerate(owned)
        for b, cb in owned[i + 1 :]
        if ca != cb and (a.startswith(b) or b.startswith(a))
    ]
    assert not clashes, f"CPV prefixes overlap between categories: {clashes}"


def _category_of(code: str, categories: list[CategoryRule]) -> set[str]:
    return {rule.category for rule in categories for prefix in rule.cpv if code.startswith(prefix)}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("30213100", "ict_workplace"),  # portable computers
        ("30213300", "ict_workplace"),  # desktop computer
        ("32250000", "ict_workplace"),  # mobile telephones
        ("18830000", "workwear"),  # protective footwear
        ("18143000", "workwear"),  # protective gear
        ("35113400", "workwear"),  # protective and safety clothing
        ("09310000", "energy"),  # electricity
        ("09123000", "energy"),  # natural gas
        ("90511000", "waste"),  # refuse collection services
        ("90514000", "waste"),  # refuse recycling services
        ("64212000", "data_connections"),  # mobile-telephone services
        ("72720000", "data_connections"),  # wide area network services
        ("48820000", "datacenters"),  # servers
        ("30233100", "datacenters"),  # computer storage units
        ("30192000", "office_supplies"),  # office supplies
        ("30125100", "office_supplies"),  # toner cartridges
        ("55520000", "catering"),  # catering services
        ("15861000", "catering"),  # coffee
        ("79810000", "paper_print"),  # printing services
        ("30197630", "paper_print"),  # printing paper
        ("38430000", "laboratory"),  # detection and analysis apparatus
        ("33696500", "laboratory"),  # laboratory reagents
    ],
)
def test_cpv_spot_checks(categories: list[CategoryRule], code: str, expected: str) -> None:
    assert _category_of(code, categories) == {expected}


@pytest.mark.parametrize(
    "code",
    [
        "30000000",  # office and computing machinery as a whole
        "72000000",  # IT services as a whole
        "48000000",  # software packages
        "90911200",  # building-cleaning services
        "90523200",  # bomb-disposal services
        "38431200",  # smoke-detection apparatus
        "18500000",  # jewellery
        "22113000",  # library books
        "09134200",  # diesel fuel
    ],
)
def test_cpv_codes_outside_the_categories(categories: list[CategoryRule], code: str) -> None:
    assert _category_of(code, categories) == set()


# --- authorities ------------------------------------------------------------------------------


def test_authorities_have_both_kinds(authorities: list[AuthorityRule]) -> None:
    assert any(a.central_government for a in authorities)
    assert any(not a.central_government for a in authorities)
    assert len({a.id for a in authorities}) == len(authorities), "authority rule ids must be unique"
    assert all(a.id.startswith("ISV-AUTH-") for a in authorities)


# --- SDG links --------------------------------------------------------------------------------


def test_sdg_links(sdg_links: list[SdgLink]) -> None:
    ids = [link.id for link in sdg_links]
    assert len(set(ids)) == len(ids), "SDG link ids must be unique"
    applied = {link.target for link in sdg_links if link.when == "isv_applied"}
    assert {"8.7", "8.8", "12.7"} <= applied
    for link in sdg_links:
        assert link.id.startswith("ISV-SDG-"), link.id
        if link.when == "element":
            assert link.element in ELEMENT_IDS and link.category is None, link.id
        elif link.when == "category":
            assert link.category in CATEGORY_IDS and link.element is None, link.id
        else:
            assert link.element is None and link.category is None, link.id
        for rationale in (link.rationale_nl, link.rationale_en):
            assert "\n" not in rationale.strip(), f"{link.id}: rationale must be one line"
    by_category = {(link.category, link.target) for link in sdg_links if link.when == "category"}
    for expected in [
        ("energy", "7.2"),
        ("waste", "12.5"),
        ("ict_workplace", "12.5"),
        ("ict_workplace", "8.7"),
        ("datacenters", "12.5"),
        ("datacenters", "8.7"),
        ("catering", "2.4"),
        ("catering", "12.3"),
        ("workwear", "8.8"),
        ("workwear", "6.3"),
        ("paper_print", "15.2"),
    ]:
        assert expected in by_category, f"missing category link {expected}"


# --- examples, run through the real matcher -----------------------------------------------------


def _all_rules() -> list[Rule]:
    rules: list[Rule] = []
    for name, key, model in (
        ("categories.yaml", "categories", CategoryRule),
        ("authorities.yaml", "authorities", AuthorityRule),
    ):
        for item in _load(name)[key]:
            try:
                rules.append(model.model_validate(item))
            except ValidationError:
                continue  # reported by the validation tests above
    return rules


ALL_RULES = _all_rules()
