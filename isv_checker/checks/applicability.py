"""Is the ISV mandatory for this document? Central government, a risk category, and a value at or
above the EU threshold of the period in force on the document's date (ISV.md section 3).

When a needed fact is absent the answer is None, and the reasons say which fact and what the answer
would be either way.
"""

from __future__ import annotations

import datetime as dt

from ..document import Document
from ..records import trusted_maker
from ..report import Applicability, Authority, CategoryResult, Param, Reason, Source, Value
from ..ruleset.load import Ruleset
from ..ruleset.models import Threshold
from .authorities import find_authority
from .categories import outside_subject
from .dates import STATED, document_date
from .facts import Facts
from .hits import HitIndex
from .reasons import make_reason, sentence
from .values import find_value

SURE = 0.85  # a value read with less confidence (its estimate words farther off) does not decide "not required"


def _doubt_below(value: Value, threshold: int) -> str | None:
    """Why a value read below the threshold does not settle it, as a reason code, or None."""
    if value.source is not None:
        return None  # given from outside: the formal record
    if value.basis == "yearly":
        return "value.yearly_term_unknown"
    if any(other >= threshold for other in value.runners_up):
        return "value.below_but_other_above"
    if value.confidence is not None and value.confidence < SURE:
        return "value.below_loosely_labelled"
    return None


def threshold_for(ruleset: Ruleset, when: dt.date | None) -> Threshold | None:
    if when is None:
        return None
    for period in ruleset.thresholds:
        if period.start <= when <= period.end:
            return period
    periods = sorted(ruleset.thresholds, key=lambda t: t.start)
    if periods and when > periods[-1].end:
        return periods[-1]
    return None


# How far from a date that the document does not state as its own its real date may lie, by origin.
_UNCERTAINTY = {"text": dt.timedelta(days=366), "forward": dt.timedelta(days=2 * 366)}


def _possible_thresholds(ruleset: Ruleset, date: dt.date | None, origin: str | None, kind: str) -> tuple[int, ...]:
    """The thresholds of every period an uncertain date could be in: a year around an unmarked date,
    two around a start or deadline, any period for the file's own dates."""
    if date is None:
        return ()
    reach = _UNCERTAINTY.get(origin or "")
    periods = [t for t in ruleset.thresholds if reach is None or (t.start <= date + reach and date - reach <= t.end)]
    return tuple(getattr(t, kind) for t in periods)


def read_facts(
    document: Document, ruleset: Ruleset, hits: HitIndex, categories: tuple[CategoryResult, ...], subject: set[int]
) -> Facts:
    """The facts the document states about itself; `subject`: the blocks that describe what is bought."""
    date = document_date(document)
    works_rules = {r.id for r in ruleset.procedures if r.works}
    procedure = next((r for r in ruleset.procedures if not r.works and hits.by_rule.get(r.id)), None)
    return Facts(
        authority=find_authority(document, ruleset, hits),
        value=find_value(document, ruleset, hits),
        date=date.date.isoformat() if date else None,
        date_origin=date.origin if date else None,
        categories=categories,
        works=any(hits.by_rule.get(rule_id) for rule_id in works_rules),
        procedure=procedure.id if procedure else None,
        subject_outside=None if categories else outside_subject(document, ruleset, hits, subject),
    )


def decide(ruleset: Ruleset, facts: Facts, clause_present: bool = False) -> Applicability:
    """Applicability from facts, whether the document stated them or they were given from outside.
    Each step is recorded as a `Reason`; the English `reasons` are rendered from them.

    `clause_present`: the documents impose the ISV clause. A buyer imposes it on a purchase in a risk
    category, so where none was recognised the absence is less likely the purchase's than the
    checker's: it then leaves the decision open instead of saying "not required". Callers whose
    categories come from a formal record (a notice's CPV codes) leave it False."""
    date = dt.date.fromisoformat(facts.date) if facts.date else None
    procedure = next((p for p in ruleset.procedures if p.id == facts.procedure), None)
    period = threshold_for(ruleset, date)
    kind = "works" if facts.works else "central"
    threshold: int | None = getattr(period, kind) if period else None
    authority, value, categories = facts.authority, facts.value, facts.categories
    explanation: list[Reason] = []

    def because(code: str, source: Source | None = None, **params: Param) -> None:
        explanation.append(make_reason(code, params, source))

    if facts.authority_reason is not None:
        explanation.append(facts.authority_reason)
    elif authority.central_government is None:
        because("authority.unknown", authority.source)
    elif authority.central_government:
        because("authority.central", authority.source, name=authority.name, rule=authority.rule)
    else:
        because("authority.not_central", authority.source, name=authority.name)
    if categories:
        because("categories.found", count=len(categories), categories=tuple(c.id for c in categories))
    else:
        because("categories.none", known=len(ruleset.vocabulary.categories))
    # A date the document does not state as its own (an unmarked or forward date, the file's
    # properties) may lie in another threshold period than the document: it fixes the threshold only
    # where every period it could be in agrees.
    uncertain_date = date is not None and facts.date_origin is not None and facts.date_origin not in STATED
    if date:
        if period and uncertain_date:
            because(
                "date.period_uncertain",
                facts.date_source,
                date=date.isoformat(),
                origin=facts.date_origin,
                period=f"{period.start.year}-{period.end.year}",
            )
        elif period:
            because(
                "date.period", facts.date_source, date=date.isoformat(), period=f"{period.start.year}-{period.end.year}"
            )
        else:
            because("date.no_period", facts.date_source, date=date.isoformat())
    else:
        because("date.none")

    value_decides: bool | None
    missing_value = "value"  # or "date", when the value is known but the threshold is not
    possible = _possible_thresholds(ruleset, date, facts.date_origin, kind) if uncertain_date else ()
    if value.amount is not None:
        if threshold is not None and possible and len({value.amount >= t for t in possible}) > 1:
            value_decides = None
            missing_value = "date"
            because(
                "value.near_uncertain_date",
                value.source,
                value=value.amount,
                date=date.isoformat() if date else None,
                origin=facts.date_origin,
            )
        elif threshold is not None:
            value_decides = value.amount >= threshold
            because(
                "value.at_or_above" if value_decides else "value.below",
                value.source,
                value=value.amount,
                kind=kind,
                threshold=threshold,
            )
            doubt = _doubt_below(value, threshold) if not value_decides else None
            if doubt is not None:
                # "not required" only where the value clearly decides it: an amount whose words
                # label it only loosely, or with an amount nearly as likely at or above the threshold.
                value_decides = None
                because(doubt, value=value.amount, threshold=threshold, other=max(value.runners_up, default=None))
            elif not value_decides and procedure is not None and procedure.above_threshold and value.source is None:
                # A European procedure is used at or above the threshold: a lower amount read from the
                # text is more likely a part of the value (a lot, a year, a fee) than the value.
                value_decides = None
                because("value.contradicts_procedure", value=value.amount, rule=procedure.id)
        else:
            all_thresholds = [getattr(t, kind) for t in ruleset.thresholds]
            if value.amount >= max(all_thresholds):
                value_decides = True
                because("value.above_every", value.source, value=value.amount, kind=kind)
            elif value.amount < min(all_thresholds):
                value_decides = False
                because("value.below_every", value.source, value=value.amount, kind=kind)
            else:
                value_decides = None
                missing_value = "date"
                because("value.near_undated", value.source, value=value.amount)
    elif procedure is not None and procedure.above_threshold is not None:
        value_decides = procedure.above_threshold
        because(
            "value.procedure_above" if value_decides else "value.procedure_below",
            procedure=procedure.description,
            rule=procedure.id,
        )
    else:
        value_decides = None
        because("value.none")

    required: bool | None
    # works are in none of the ten categories; a clause there is for a product such as natural stone; nor
    # is a purchase whose subject names what it is, outside the ten ("adviesdiensten")
    category_open = not categories and clause_present and not facts.works and facts.subject_outside is None
    if not categories and clause_present and facts.subject_outside is not None:
        because("categories.subject_outside", subject=facts.subject_outside)
    if authority.central_government is False or value_decides is False or (not categories and not category_open):
        required = False
    elif authority.central_government is None or value_decides is None or category_open:
        required = None
        missing: list[str] = []
        if category_open:
            because("categories.none_but_clause")
            missing.append("category")
        if authority.central_government is None:
            missing.append("authority")
        if value_decides is None:
            missing.append(missing_value)
        because("decision.undecided", missing=tuple(missing))
    else:
        required = True
    return _make_applicability(
        {
            "isv_required": required,
            "authority": authority,
            "value_eur": value,
            "threshold_eur": threshold,
            "period": f"{period.start.year}-{period.end.year}" if period else None,
            "document_date": date.isoformat() if date else None,
            "date_origin": facts.date_origin if date else None,
            "works": bool(facts.works),
            "procedure": procedure.id if procedure else None,
            "reasons": tuple(sentence(r) for r in explanation),
            "explanation": tuple(explanation),
        }
    )


# Every document and notice is decided here once, from records already made (the authority, the
# value, the reasons) and values of the fields' own types (a threshold is the ruleset's int): the
# decision is not validated again (`records.trusted_maker`; tests hold it to a validated one).
_make_applicability = trusted_maker(
    Applicability,
    {
        "isv_required": None,
        "authority": Authority(name="Belastingdienst", central_government=True, rule="authority.belastingdienst"),
        "value_eur": Value(amount=250000.0, basis="stated", confidence=1.0),
        "threshold_eur": 143000,
        "period": "2024-2025",
        "document_date": "2024-03-01",
        "date_origin": "notice",
        "works": False,
        "procedure": None,
        "reasons": ("The buyer is central government.",),
        "explanation": (Reason(code="authority.central", params={"name": "Belastingdienst"}),),
    },
)
