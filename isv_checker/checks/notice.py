"""Judges a procurement notice from its facts as data (docs/notices.md).

A notice states the facts that decide whether ISV is mandatory (the buyer and its legal type, CPV codes
per lot, the estimated value, the procedure, the dates) in elements, not prose, so they are taken as
stated: no amount is guessed, no date is inferred. What the elements mean for ISV is rules data
(`rules/notices.yaml`); the category words still run on the title and the descriptions, lot by lot,
because buyers often pick a generic CPV code. A notice never carries the clause itself: its verdict is
`required`, `not_required` or `needs_review`, and the clause is checked in the tender's documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..document import Document
from ..notice import Amount, Notice, NoticeBuyer, NoticeLot
from ..records import trusted_maker
from ..report import (
    Authority,
    CategoryResult,
    Clause,
    ElementResult,
    Evidence,
    Finding,
    LotResult,
    Param,
    Reason,
    Source,
    Value,
)
from ..ruleset.load import Ruleset
from .categories import ACCEPT, DOMINANCE, PASSING_HIT, SUBJECT_HIT, category_result, outside_purchase, weak_key
from .evidence import evidence, whole_block, whole_span
from .facts import Facts, recognise_authority
from .findings import finding
from .hits import HitIndex
from .reasons import make_reason


def notice_text_blocks(notice: Notice) -> tuple[int, ...]:
    """The blocks of a notice's words: its title and description, each lot's title and description.

    All of them are matched, with the category rules alone (`engine.notice_matcher`): a word that starts
    no term is passed over as cheaply as a filter on the first words of the terms could have (one
    was measured: it let 83-91% of these blocks through, and cost more than matching those it held back)."""
    found = [notice.where.get("title"), notice.where.get("description")]
    for lot in notice.lots:
        found.extend((lot.title_block, lot.description_block))
    return tuple(sorted({i for i in found if i is not None}))


def notice_source(notice: Notice) -> Source:
    return _make_source({"kind": "notice", "reference": notice.publication_number or notice.notice_id})


@dataclass(frozen=True, slots=True)
class Bound:
    """Whether a buyer is bound by ISV, by which rule, and the reason code that says why."""

    central: bool | None
    rule: str | None
    reason: str  # authority.central / not_central / foreign / legal_type_conflict / vague_legal_type


def buyer_bound(buyer: NoticeBuyer, ruleset: Ruleset) -> Bound:
    """The legal type decides where it is clear; the authorities rules decide by name where it is vague,
    and a name that contradicts a clear type leaves it undecided."""
    rules = ruleset.notices
    if buyer.country is not None and buyer.country.upper() not in rules.countries:
        return Bound(False, None, "authority.foreign")
    legal = rules.legal_type(buyer.legal_type)
    by_name: bool | None = None
    name_rule: str | None = None
    if legal is None or legal.by_name:
        by_name, name_rule = _recognised(buyer.name, ruleset)
        if by_name is None and buyer.legal_type_text:  # CA_TYPE_OTHER in words: "Zelfstandig bestuursorgaan"
            by_name, name_rule = _recognised(buyer.legal_type_text, ruleset)
    if legal is None:  # a code the rules do not list: the name alone
        return Bound(by_name, name_rule, _reason(by_name))
    if legal.bound is None:
        if by_name is not None:
            return Bound(by_name, name_rule, _reason(by_name))
        return Bound(legal.unknown_name, legal.id, _reason(legal.unknown_name, vague=True))
    if by_name is not None and by_name != legal.bound:
        return Bound(None, legal.id, "authority.legal_type_conflict")
    return Bound(legal.bound, legal.id, _reason(legal.bound))


@lru_cache(maxsize=4096)
def _recognised(name: str, ruleset: Ruleset) -> tuple[bool | None, str | None]:
    """`recognise_authority`, remembered: a bulk package names the same few hundred buyers again and again."""
    return recognise_authority(name, ruleset, notice=True)


def _reason(central: bool | None, vague: bool = False) -> str:
    if central is None:
        return "authority.vague_legal_type" if vague else "authority.unknown"
    return "authority.central" if central else "authority.not_central"


def notice_authority(
    document: Document, notice: Notice, ruleset: Ruleset, source: Source
) -> tuple[Authority, Reason | None]:
    """The buyer that decides, and the reason that says why it is bound or not (with its legal type, and
    a foreign buyer's country): a bound buyer of a joint procurement binds it; otherwise an undecided
    one keeps it undecided; otherwise the lead buyer, not bound. `source`: the notice's."""
    judged = [(buyer, buyer_bound(buyer, ruleset)) for buyer in notice.buyers]
    if not judged:
        return Authority(name=None, central_government=None, source=source), None
    chosen = next(
        (pair for pair in judged if pair[1].central),
        next((pair for pair in judged if pair[1].central is None), judged[0]),
    )
    buyer, bound = chosen
    shown = [whole_block(document, buyer.block)]
    if buyer.legal_type_block is not None:
        shown.append(whole_block(document, buyer.legal_type_block))
    authority = _make_authority(
        {
            "name": buyer.name,
            "central_government": bound.central,
            "rule": bound.rule,
            "evidence": tuple(shown),
            "source": source,
        }
    )
    params: dict[str, Param] = {"name": buyer.name, "rule": bound.rule, "legal_type": buyer.legal_type}
    if bound.reason == "authority.foreign":
        params["country"] = buyer.country
    return authority, make_reason(bound.reason, params, source)


def _euros(amount: Amount | None) -> float | None:
    return amount.amount if amount is not None and amount.currency == "EUR" else None


def notice_value(
    document: Document, notice: Notice, ruleset: Ruleset, source: Source
) -> tuple[Value, tuple[Finding, ...]]:
    """The estimated value as the notice states it: the overall estimate, else the lots' estimates
    added up, else (an award notice) the value awarded. Amounts in another currency are not converted.
    When only some lots state a value, their sum is a lower bound: taken only where it is at or above
    every threshold, and so decides whatever the rest add. `source`: the notice's."""
    foreign = [a for a in (notice.estimated, notice.awarded, *(lot.estimated for lot in notice.lots)) if a]
    notes = tuple(
        finding("notice.currency", "warning", {"currency": a.currency}, evidence=(whole_block(document, a.block),))
        for a in foreign[:1]
        if a.currency != "EUR"
    )
    for total in (notice.estimated, notice.awarded if not _lot_amounts(notice.lots, "estimated") else None):
        amount = _euros(total)
        if total is not None and amount is not None:
            return _stated(amount, (whole_block(document, total.block),), "stated", source), notes
    for field in ("estimated", "awarded"):
        amounts = _lot_amounts(notice.lots, field)
        if amounts and len(amounts) == len(notice.lots):
            return _stated(
                sum(a.amount for a in amounts),
                tuple(whole_block(document, a.block) for a in amounts[:6]),
                "lots_summed" if len(amounts) > 1 else "stated",
                source,
            ), notes
        if amounts:
            floor = sum(a.amount for a in amounts)
            kind = "works" if notice.contract_type == "works" else "central"
            partial = finding(
                "notice.value_partial", "info", {"lots": len(amounts), "of": len(notice.lots), "value": floor}
            )
            if floor >= max(getattr(t, kind) for t in ruleset.thresholds):
                shown = tuple(whole_block(document, a.block) for a in amounts[:6])
                return _stated(floor, shown, "lots_summed", source), (*notes, partial)
            return Value(amount=None, source=source), (*notes, partial)
    return Value(amount=None, source=source), notes


def _stated(
    amount: float, shown: tuple[Evidence, ...], basis: Literal["stated", "lots_summed"], source: Source
) -> Value:
    """A value the notice states (its amounts are floats, as read)."""
    return _make_value(
        {
            "amount": float(amount),
            "evidence": shown,
            "basis": basis,
            "years": None,
            "runners_up": (),
            "confidence": 1.0,
            "source": source,
        }
    )


def _lot_amounts(lots: tuple[NoticeLot, ...], field: str) -> list[Amount]:
    return [a for lot in lots if (a := getattr(lot, field)) is not None and a.currency == "EUR"]


def _categories_of(
    document: Document,
    ruleset: Ruleset,
    hits: HitIndex,
    title_blocks: set[int],
    text_blocks: set[int],
    codes: list[tuple[str, int]],
    source: Source,
) -> tuple[CategoryResult, ...]:
    """One part's categories (a lot, or the procedure as a whole), as `categories.find_categories`
    weighs them: CPV codes most; words in the title as the subject; words in a description as the
    subject only where no CPV code of the part falls in any category (the code chosen was generic).
    A category of a CPV code the buyer chose stays, however much more the words say of another.

    What a category shows is gathered as spans (block, start, end) and made into `Evidence` only for
    a category that is accepted, its first six distinct ones: equal spans make equal evidence, and
    most evidence found (a rejected weak word, a seventh code) is never shown. `source`: the notice's."""
    index = category_codes(ruleset)
    coded = [(block, index.rules_of(code)) for code, block in codes]
    by_code = {rule for _, rules in coded for rule in rules}
    strong = title_blocks | (set() if by_code else text_blocks)
    part_hits = [h for block in sorted(title_blocks | text_blocks) for h in hits.by_block.get(block, ())]
    if not by_code and not part_hits:
        return ()
    groups = index.groups
    named = {hit.rule for hit in part_hits}
    scored: list[tuple[float, bool, CategoryResult]] = []
    for rule, weak in index.rules:
        if rule.id not in by_code and rule.id not in named and weak not in named:
            continue  # no code and no words of it: no score
        found: list[tuple[int, int, int]] = []
        score = 0.0
        for block, rules in coded:
            if rule.id in rules:
                score += ACCEPT
                found.append(whole_span(document, block))
        passing = 0.0
        for hit in part_hits:
            if hit.rule == rule.id and not outside_purchase(document, hit.block, hit.start, ruleset.out_of_scope):
                if hit.block in strong:
                    score += SUBJECT_HIT
                    found.append((hit.block, hit.start, hit.end))
                else:
                    passing += PASSING_HIT
            elif hit.rule == weak and hit.block in title_blocks:
                score += SUBJECT_HIT / 2
                found.append((hit.block, hit.start, hit.end))
        score += min(passing, ACCEPT - PASSING_HIT)
        if score >= ACCEPT:
            shown = tuple(evidence(document, *span) for span in list(dict.fromkeys(found))[:6])
            scored.append((score, rule.id in by_code, category_result(rule, groups.get(rule.category), shown, source)))
    top = max((score for score, _, _ in scored), default=0.0)
    return tuple(result for score, coded, result in scored if coded or score >= DOMINANCE * top)


class CategoryCodes:
    """Which category rules a CPV code falls in (by their code prefixes), and each category's group: a
    bulk package names the same few hundred codes again and again, in every lot."""

    _LIMIT = 100_000

    def __init__(self, ruleset: Ruleset) -> None:
        self.groups = {c: g for g in ruleset.groups for c in g.categories}
        self.rules = tuple((rule, weak_key(rule.id)) for rule in ruleset.categories)  # in the rules' order
        self._prefixes = [(rule.id, tuple(rule.cpv)) for rule in ruleset.categories]
        self._of: dict[str, frozenset[str]] = {}

    def rules_of(self, code: str) -> frozenset[str]:
        found = self._of.get(code)
        if found is None:
            found = frozenset(rule for rule, prefixes in self._prefixes if code.startswith(prefixes))
            if len(self._of) < self._LIMIT:
                self._of[code] = found
        return found


@lru_cache(maxsize=4)
def category_codes(ruleset: Ruleset) -> CategoryCodes:
    return CategoryCodes(ruleset)


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    facts: Facts
    lots: tuple[tuple[NoticeLot, tuple[CategoryResult, ...]], ...]
    findings: tuple[Finding, ...]


def notice_facts(document: Document, notice: Notice, ruleset: Ruleset, hits: HitIndex) -> NoticeFacts:
    """The facts the notice states, in the record `applicability.decide` judges from."""
    where = notice.where
    procedure_titles = {where["title"]} if "title" in where else set()
    procedure_texts = {where["description"]} if "description" in where else set()
    procedure_codes = _codes(document, notice.cpv_blocks)
    source = notice_source(notice)
    lots: list[tuple[NoticeLot, tuple[CategoryResult, ...]]] = []
    for lot in notice.lots:
        titles = {lot.title_block} if lot.title_block is not None else set()
        texts = {lot.description_block} if lot.description_block is not None else set()
        codes = list(zip(lot.cpv, lot.cpv_blocks, strict=False))
        lots.append((lot, _categories_of(document, ruleset, hits, titles, texts, codes, source)))
    overall = _categories_of(document, ruleset, hits, procedure_titles, procedure_texts, procedure_codes, source)
    categories: dict[str, CategoryResult] = {c.id: c for c in overall}
    for _, found in lots:
        for category in found:
            categories.setdefault(category.id, category)
    authority, authority_reason = notice_authority(document, notice, ruleset, source)
    value, notes = notice_value(document, notice, ruleset, source)
    date = notice.dispatch_date or notice.publication_date
    date_block = where.get("dispatch_date" if notice.dispatch_date else "publication_date")
    rules = ruleset.notices
    european = notice.kind in rules.kinds and (notice.legal_basis or "") in rules.eu_legal_bases
    facts = Facts(
        authority=authority,
        value=value,
        date=date,
        categories=tuple(categories.values()),
        works=notice.contract_type == "works",
        procedure=rules.eu_procedure if european else None,
        date_source=source if date_block is not None else None,
        date_origin="notice" if date else None,
        authority_reason=authority_reason,
    )
    return NoticeFacts(facts=facts, lots=tuple(lots), findings=notes)


def _codes(document: Document, blocks: tuple[int, ...]) -> list[tuple[str, int]]:
    """The CPV codes stated in `blocks` (as the reader wrote them: the code first), with their block."""
    return [(document.blocks[b].text[:8], b) for b in blocks]


def lot_results(
    document: Document,
    lots: tuple[tuple[NoticeLot, tuple[CategoryResult, ...]], ...],
    required: bool | None,
) -> tuple[LotResult, ...]:
    """Each lot with its categories: a lot in a category is an ISV lot when the procedure needs ISV."""
    out: list[LotResult] = []
    for lot, categories in lots:
        amount = lot.estimated or lot.awarded
        out.append(
            _make_lot(
                {
                    "id": lot.id,
                    "title": lot.title,
                    "cpv": lot.cpv,
                    "value_eur": _euros(amount),
                    "categories": tuple(c.id for c in categories),
                    "isv_required": required if categories else False,
                    "evidence": tuple(e for c in categories for e in c.evidence)[:6],
                }
            )
        )
    return tuple(out)


@lru_cache(maxsize=4)
def absent_clause(ruleset: Ruleset) -> Clause:
    """A notice's clause: not there, with each element not found, as any document without a clause (the
    same for every notice of a ruleset, and frozen, so made once)."""
    return Clause(
        present=False,
        location=None,
        elements=tuple(
            ElementResult(id=e.element, rule=e.id, name_nl=e.name_nl, name_en=e.name_en, found=False)
            for e in ruleset.elements
        ),
    )


# The records a notice's judgement is made of, from the notice's own records (read and checked by the
# reader: its amounts floats, its names and codes strings, its lots' codes tuples) and the evidence
# made from them: every notice of a bulk package makes them, so they are not validated again
# (`records.trusted_maker`; tests hold each to a validated one). Each maker takes every field, in order.
_make_source = trusted_maker(Source, {"kind": "notice", "reference": "00123456-2024"})
_make_authority = trusted_maker(
    Authority,
    {
        "name": "Belastingdienst",
        "central_government": True,
        "rule": "legal_type.cga",
        "evidence": (),
        "source": Source(kind="notice", reference="00123456-2024"),
    },
)
_make_value = trusted_maker(
    Value,
    {
        "amount": 250000.0,
        "evidence": (),
        "basis": "stated",
        "years": None,
        "runners_up": (),
        "confidence": 1.0,
        "source": Source(kind="notice", reference="00123456-2024"),
    },
)
_make_lot = trusted_maker(
    LotResult,
    {
        "id": "LOT-0001",
        "title": "Laptops",
        "cpv": ("30213100",),
        "value_eur": 250000.0,
        "categories": ("ict_hardware",),
        "isv_required": True,
        "evidence": (),
    },
)
