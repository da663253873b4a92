"""Is the ISV mandatory for this document? Central government, a risk category, and a value at or
above the EU threshold of the period in force on the document's date (ISV.md section 3).

When a needed fact is absent the answer is None, and the reasons say which fact and what the answer
would be either way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from .amounts import find_amounts
from ..document import BlockKind, Document
from ..report import Applicability, Authority, CategoryResult, Evidence, Value
from ..ruleset.load import Ruleset
from ..ruleset.models import Threshold
from .dates import document_date
from .evidence import evidence
from .hits import HitIndex

TOP_BLOCKS = 15
ESTIMATE_REACH = 160  # characters between an estimate phrase and its amount
NOT_VALUE_REACH = 40


def authority_name(text: str, start: int, end: int) -> str:
    """The authority's name at text[start:end], with the capitalised words that complete it
    ("gemeente" + "Zwolle", "Ministerie van" + "Economische Zaken")."""
    words = text[end:].split()
    taken = []
    for word in words[:4]:
        bare = word.strip(",.;:()")
        if bare and (bare[0].isupper() or bare in ("en", "van", "voor", "and", "of")) and not bare.isupper() or bare in ("IenW", "JenV"):
            taken.append(bare)
            if bare != word:
                break
        else:
            break
    while taken and taken[-1] in ("en", "van", "voor", "and", "of"):
        taken.pop()
    name = " ".join([text[start:end].strip(), *taken]).strip()
    return name[:1].upper() + name[1:]


def find_authority(document: Document, ruleset: Ruleset, hits: HitIndex) -> Authority:
    scores: dict[tuple[str, str], float] = defaultdict(float)
    first_evidence: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for rule in ruleset.authorities:
        for hit in hits.by_rule.get(rule.id, ()):
            block = document.blocks[hit.block]
            name = authority_name(block.text, *hit.focus)
            key = (rule.id, name.lower())
            names.setdefault(key, name)
            prominent = hit.block < TOP_BLOCKS or block.kind in (BlockKind.HEADER, BlockKind.FOOTER)
            scores[key] += 3.0 if prominent else 1.0
            if len(first_evidence[key]) < 3:
                first_evidence[key].append(evidence(document, hit.block, hit.start, hit.end))
    if not scores:
        return Authority(name=None, central_government=None)
    (rule_id, _), _ = max(scores.items(), key=lambda kv: (kv[1], -first_evidence[kv[0]][0].block))
    best = max((k for k in scores if k[0] == rule_id), key=lambda k: scores[k])
    rule = next(r for r in ruleset.authorities if r.id == rule_id)
    found = first_evidence[best]
    return Authority(name=names[best], central_government=rule.central_government, rule=rule.id, evidence=tuple(found))


def find_value(document: Document, ruleset: Ruleset, hits: HitIndex) -> Value:
    estimate_rules = {r.id for r in ruleset.value_contexts if r.role == "estimate"}
    not_value_rules = {r.id for r in ruleset.value_contexts if r.role == "not_value"}
    best: tuple[float, Decimal, Evidence] | None = None
    for block in document.blocks:
        amounts = find_amounts(block.text)
        if not amounts:
            continue
        estimates = hits.in_block(block.index, estimate_rules)
        not_values = hits.in_block(block.index, not_value_rules)
        # "Geraamde waarde | 4,85 mln euro": the words sit in the row's label cell, read as ending
        # where this cell starts.
        row_label = not estimates and block.row is not None and any(
            hits.in_block(other.index, estimate_rules)
            for other in document.blocks[max(0, block.index - 4) : block.index]
            if other.table == block.table and other.row == block.row
        )
        for amount in amounts:
            score = 0.0
            if row_label and amount.start <= ESTIMATE_REACH:
                score = 3.0 - amount.start / ESTIMATE_REACH
            for hit in estimates:
                distance = amount.start - hit.end if hit.end <= amount.start else hit.start - amount.end
                if -1 <= distance <= ESTIMATE_REACH:
                    score = max(score, 3.0 - distance / ESTIMATE_REACH)
            for hit in not_values:
                distance = amount.start - hit.end if hit.end <= amount.start else hit.start - amount.end
                if -1 <= distance <= NOT_VALUE_REACH:
                    score -= 4.0
            if score <= 0:
                continue
            candidate = (score, amount.euros, evidence(document, block.index, amount.start, amount.end))
            if best is None or (candidate[0], candidate[1]) > (best[0], best[1]):
                best = candidate
    if best is None:
        return Value(amount=None)
    return Value(amount=float(best[1]), evidence=(best[2],))


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


def decide(
    document: Document, ruleset: Ruleset, hits: HitIndex, categories: tuple[CategoryResult, ...]
) -> Applicability:
    """Gather the facts from the document, then decide from them."""
    date = document_date(document)
    works_rules = {r.id for r in ruleset.procedures if r.works}
    procedure = next((r for r in ruleset.procedures if not r.works and hits.by_rule.get(r.id)), None)
    return decide_from_facts(
        ruleset,
        authority=find_authority(document, ruleset, hits),
        value=find_value(document, ruleset, hits),
        document_date=date.date.isoformat() if date else None,
        categories=categories,
        works=any(hits.by_rule.get(rule_id) for rule_id in works_rules),
        procedure_id=procedure.id if procedure else None,
    )


def decide_from_facts(
    ruleset: Ruleset,
    *,
    authority: Authority,
    value: Value,
    document_date: str | None,
    categories: tuple[CategoryResult, ...],
    works: bool,
    procedure_id: str | None,
) -> Applicability:
    """Applicability from facts, whether the document stated them or tender metadata supplied them."""
    date = dt.date.fromisoformat(document_date) if document_date else None
    procedure = next((p for p in ruleset.procedures if p.id == procedure_id), None)
    period = threshold_for(ruleset, date)
    kind = "works" if works else "central"
    threshold = getattr(period, kind) if period else None
    reasons: list[str] = []
    required: bool | None

    if authority.central_government is None:
        reasons.append("no contracting authority was recognised; if it is central government, the other facts decide, otherwise ISV is not mandatory")
    elif authority.central_government:
        reasons.append(f"{authority.name} is part of the central government (rule {authority.rule})")
    else:
        reasons.append(f"{authority.name} is not part of the central government, so ISV is allowed but not mandatory")
    if categories:
        reasons.append("the purchase falls in ISV risk categor" + ("ies " if len(categories) > 1 else "y ") + ", ".join(c.id for c in categories))
    else:
        reasons.append("the purchase falls in none of the ten ISV risk categories")
    if date:
        reasons.append(f"document date {date.isoformat()}" + (f": threshold period {period.start.year}-{period.end.year}" if period else ": no threshold period known for it"))
    else:
        reasons.append("the document states no date")

    value_decides: bool | None
    if value.amount is not None:
        if threshold is not None:
            value_decides = value.amount >= threshold
            reasons.append(f"estimated value EUR {value.amount:,.0f} is {'at or above' if value_decides else 'below'} the {kind} threshold of EUR {threshold:,}")
        else:
            all_thresholds = [getattr(t, kind) for t in ruleset.thresholds]
            if value.amount >= max(all_thresholds):
                value_decides = True
                reasons.append(f"estimated value EUR {value.amount:,.0f} is above every {kind} threshold, whatever the date")
            elif value.amount < min(all_thresholds):
                value_decides = False
                reasons.append(f"estimated value EUR {value.amount:,.0f} is below every {kind} threshold, whatever the date")
            else:
                value_decides = None
                reasons.append(f"estimated value EUR {value.amount:,.0f} is near the threshold and the document's date, which fixes the threshold, is unknown")
    elif procedure is not None and procedure.above_threshold is not None:
        value_decides = procedure.above_threshold
        reasons.append(f"no value stated, but the procedure ({procedure.description}) implies a value {'at or above' if value_decides else 'below'} the threshold")
    else:
        value_decides = None
        reasons.append("no estimated contract value and no procedure that implies one: ISV is mandatory if the value is at or above the threshold, not otherwise")

    if authority.central_government is False or not categories or value_decides is False:
        required = False
    elif authority.central_government is None or value_decides is None:
        required = None
        missing = []
        if authority.central_government is None:
            missing.append("the contracting authority (central government or not)")
        if value_decides is None:
            missing.append("the estimated contract value against the threshold")
        reasons.append(
            "undecided: " + " and ".join(missing) + " cannot be read from the document; ISV is mandatory if the "
            "authority is central government and the value is at or above the threshold, and not mandatory otherwise"
        )
    else:
        required = True
    return Applicability(
        isv_required=required,
        authority=authority,
        value_eur=value,
        threshold_eur=threshold,
        period=f"{period.start.year}-{period.end.year}" if period else None,
        document_date=date.isoformat() if date else None,
        works=works,
        procedure=procedure.id if procedure else None,
        reasons=tuple(reasons),
    )
