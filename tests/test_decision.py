"""The decision from facts as a table: authority, categories, value, date, works and procedure in;
whether ISV is mandatory, the reasons' codes and, when undecided, the missing facts out. Every row
goes through `checks.applicability.decide`, the one place that decides, whatever the facts' source."""

from __future__ import annotations

import pytest

from isv_checker.checks.applicability import decide
from isv_checker.checks.facts import Facts
from isv_checker.checks.reasons import sentence
from isv_checker.i18n.catalogue import catalogue
from isv_checker.report import Authority, CategoryResult, Reason, Source, Value
from isv_checker.ruleset.load import cached_ruleset

RIJK = Authority(name="Rijkswaterstaat", central_government=True, rule="ISV-AUTH-AGENCY")
GEMEENTE = Authority(name="Gemeente Zwolle", central_government=False, rule="ISV-AUTH-MUNICIPALITY")
UNKNOWN = Authority(name=None, central_government=None)
WORKWEAR = CategoryResult(
    id="workwear",
    rule="ISV-CAT-WORKWEAR",
    name_nl="Bedrijfskleding",
    name_en="Workwear",
    group="textiles",
    group_name_nl="Textiel",
    group_name_en="Textiles",
    evidence=(),
)
ENERGY = WORKWEAR.model_copy(update={"id": "energy", "rule": "ISV-CAT-ENERGY"})
EU = "ISV-PROC-EU"
BELOW = "ISV-PROC-BELOW"

# authority, categories, value, date, works, procedure -> required, value code, missing
TABLE = [
    ("all facts, above", RIJK, (WORKWEAR,), 500_000, "2024-03-01", False, None, True, "value.at_or_above", None),
    ("at the threshold itself", RIJK, (WORKWEAR,), 143_000, "2024-03-01", False, None, True, "value.at_or_above", None),
    ("one euro below", RIJK, (WORKWEAR,), 142_999, "2024-03-01", False, None, False, "value.below", None),
    (
        "threshold of the period: 2018-2019",
        RIJK,
        (WORKWEAR,),
        145_000,
        "2019-06-01",
        False,
        None,
        True,
        "value.at_or_above",
        None,
    ),
    (
        "threshold of the period: 2020-2021",
        RIJK,
        (WORKWEAR,),
        145_000,
        "2021-06-01",
        False,
        None,
        True,
        "value.at_or_above",
        None,
    ),
    (
        "period 2020-2021 threshold 139,000",
        RIJK,
        (WORKWEAR,),
        139_500,
        "2020-06-01",
        False,
        None,
        True,
        "value.at_or_above",
        None,
    ),
    (
        "not central government",
        GEMEENTE,
        (WORKWEAR,),
        5_000_000,
        "2024-03-01",
        False,
        None,
        False,
        "value.at_or_above",
        None,
    ),
    ("no risk category", RIJK, (), 5_000_000, "2024-03-01", False, None, False, "value.at_or_above", None),
    ("two categories", RIJK, (WORKWEAR, ENERGY), 5_000_000, "2024-03-01", False, None, True, "value.at_or_above", None),
    (
        "works: its own, higher threshold",
        RIJK,
        (ENERGY,),
        1_000_000,
        "2024-03-01",
        True,
        None,
        False,
        "value.below",
        None,
    ),
    ("works above it", RIJK, (ENERGY,), 6_000_000, "2024-03-01", True, None, True, "value.at_or_above", None),
    (
        "no date, above every threshold",
        RIJK,
        (WORKWEAR,),
        5_000_000,
        None,
        False,
        None,
        True,
        "value.above_every",
        None,
    ),
    ("no date, below every threshold", RIJK, (WORKWEAR,), 50_000, None, False, None, False, "value.below_every", None),
    (
        "no date, near the thresholds",
        RIJK,
        (WORKWEAR,),
        140_000,
        None,
        False,
        None,
        None,
        "value.near_undated",
        ("date",),
    ),
    (
        "no value, European procedure",
        RIJK,
        (WORKWEAR,),
        None,
        "2024-03-01",
        False,
        EU,
        True,
        "value.procedure_above",
        None,
    ),
    (
        "no value, procedure below",
        RIJK,
        (WORKWEAR,),
        None,
        "2024-03-01",
        False,
        BELOW,
        False,
        "value.procedure_below",
        None,
    ),
    ("no value, no procedure", RIJK, (WORKWEAR,), None, "2024-03-01", False, None, None, "value.none", ("value",)),
    (
        "unknown authority",
        UNKNOWN,
        (WORKWEAR,),
        500_000,
        "2024-03-01",
        False,
        None,
        None,
        "value.at_or_above",
        ("authority",),
    ),
    (
        "unknown authority and value",
        UNKNOWN,
        (WORKWEAR,),
        None,
        None,
        False,
        None,
        None,
        "value.none",
        ("authority", "value"),
    ),
    (
        "unknown authority, but below",
        UNKNOWN,
        (WORKWEAR,),
        50_000,
        "2024-03-01",
        False,
        None,
        False,
        "value.below",
        None,
    ),
    ("unknown authority, no category", UNKNOWN, (), None, None, False, None, False, "value.none", None),
]


@pytest.mark.parametrize(
    "authority, categories, value, date, works, procedure, required, value_code, missing",
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_decision_table(authority, categories, value, date, works, procedure, required, value_code, missing):
    facts = Facts(
        authority=authority,
        value=Value(amount=value),
        date=date,
        categories=categories,
        works=works,
        procedure=procedure,
    )
    applicability = decide(cached_ruleset(), facts)
    assert applicability.isv_required is required
    assert applicability.reason("value").code == value_code
    undecided = applicability.reason("decision")
    assert (undecided.params["missing"] if undecided else None) == missing
    assert applicability.reasons == tuple(sentence(r) for r in applicability.explanation)


def test_each_reason_names_the_source_of_its_fact():
    given = Source(kind="metadata", reference="notices.csv line 4")
    facts = Facts(
        authority=RIJK.model_copy(update={"source": given}),
        value=Value(amount=200_000, source=given),
        date="2024-05-01",
        date_source=given,
        categories=(WORKWEAR,),
        works=False,
        procedure=None,
    )
    applicability = decide(cached_ruleset(), facts)
    assert {fact: applicability.reason(fact).source for fact in ("authority", "value", "date")} == dict.fromkeys(
        ("authority", "value", "date"), given
    )
    assert applicability.reason("categories").source is None


def test_the_category_count_comes_from_the_rules():
    applicability = decide(
        cached_ruleset(),
        Facts(authority=RIJK, value=Value(amount=None), date=None, categories=(), works=False, procedure=None),
    )
    known = len({c.category for c in cached_ruleset().categories})
    assert applicability.reason("categories").params == {"known": known}
    assert "none of the ten ISV risk categories" in applicability.reasons[1]


def test_every_code_reads_in_both_languages():
    samples = {
        "authority.central": {"name": "DICTU", "rule": "ISV-AUTH-AGENCY"},
        "authority.not_central": {"name": "Gemeente Ede"},
        "authority.foreign": {"name": "Bundesamt für Ausrüstung", "country": "DEU", "legal_type": "cga"},
        "authority.legal_type_conflict": {"name": "UWV", "legal_type": "cga", "rule": "ISV-NOTICE-LT-CENTRAL"},
        "authority.vague_legal_type": {"name": "Stichting X", "legal_type": "NATIONAL_AGENCY", "rule": None},
        "categories.found": {"count": 2, "categories": ("energy", "waste")},
        "categories.none": {"known": 10},
        "categories.subject_outside": {"subject": "adviesdiensten"},
        "date.period": {"date": "2024-01-02", "period": "2024-2025"},
        "date.no_period": {"date": "2010-01-01"},
        "date.period_uncertain": {"date": "2024-01-02", "origin": "metadata", "period": "2024-2025"},
        "value.near_uncertain_date": {"value": 141_000.0, "date": "2024-01-02", "origin": "forward"},
        "value.at_or_above": {"value": 1_500_000.0, "kind": "central", "threshold": 143_000},
        "value.below": {"value": 10_000.0, "kind": "works", "threshold": 5_538_000},
        "value.above_every": {"value": 9e6, "kind": "central"},
        "value.below_every": {"value": 1e4, "kind": "works"},
        "value.near_undated": {"value": 140_000.0},
        "value.procedure_above": {"procedure": "European open procedure"},
        "value.contradicts_procedure": {"value": 120_000.0, "rule": "ISV-PROC-EU"},
        "value.below_but_other_above": {"value": 120_000.0, "threshold": 143_000, "other": 480_000.0},
        "value.below_loosely_labelled": {"value": 120_000.0, "threshold": 143_000},
        "value.yearly_term_unknown": {"value": 45_000.0, "threshold": 143_000, "other": None},
        "value.procedure_below": {"procedure": "national"},
        "decision.undecided": {"missing": ("authority", "date")},
        "decision.conflict": {
            "fact": "value",
            "chosen": "EUR 1,280,000",
            "chosen_file": "aankondiging.pdf",
            "other": "EUR 128,000",
            "other_file": "leidraad.docx",
        },
        "decision.unreadable": {"files": ("aankondiging.pdf",)},
    }
    codes = [k.removeprefix("reason.") for k in catalogue("en") if k.startswith("reason.") and not k.endswith(".one")]
    for code in codes:
        for lang in ("en", "nl"):
            text = sentence(Reason(code=code, params=samples.get(code, {})), lang)
            assert text and "{" not in text, (code, lang, text)
    assert sentence(Reason(code="value.at_or_above", params=samples["value.at_or_above"]), "nl") == (
        "geraamde waarde EUR 1.500.000 ligt op of boven de drempel voor de rijksoverheid van EUR 143.000"
    )
    assert sentence(Reason(code="decision.undecided", params=samples["decision.undecided"]), "en").startswith(
        "undecided: the contracting authority (central government or not) and the estimated contract value against the threshold cannot"
    )
