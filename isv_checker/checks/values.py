"""Which amount is the contract's estimated value: every amount is a candidate, scored by the words
around it (rules/applicability.yaml `value_contexts`), and the value is worked out from the best.

The estimated value is the total over the full term including options (ISV.md section 3). Tenders
state smaller amounts beside it that must never be taken for it: a share of the value ("5% van de
opdrachtwaarde (EUR 180.000)"), a per-year value beside the total, one lot of several, a penalty,
an insurance sum, a turnover requirement. So a labelled total wins over a labelled yearly amount; a
yearly amount alone is multiplied by the term the document gives; lot values in a table column
labelled as estimates are summed when no total is stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..document import Block, BlockKind, Document
from ..report import Evidence, Value
from ..ruleset.load import Ruleset
from .amounts import Amount, find_amounts, parse_number
from .categories import outside_purchase
from .evidence import evidence
from .hits import HitIndex
from .matching import Hit
from .tender_roles import any_of
from .title import document_kinds

ESTIMATE_REACH = 160  # characters between an estimate phrase and its amount
NOT_VALUE_REACH = 40  # a price, penalty or insurance word this close makes an amount something else
SHARE_REACH = 40  # "5% van de opdrachtwaarde (EUR 180.000)": the share stands just before its amount
YEARLY_AFTER = 30  # "EUR 120,000 per year, excluding VAT"
YEARLY_BEFORE = 40  # "de jaarlijkse waarde bedraagt € 80.000"
YEARLY_BESIDE = 12  # "raamt de jaarlijkse afname ... op EUR 62.500": a yearly word beside the estimate words
LABELLED = 2.0  # a candidate scored at least this has its estimate words right beside it
CLOSE = 0.5  # runners-up within this score of the best are reported with it
CORRECTION = 1.0  # "De juiste geraamde waarde bedraagt ...": a correction outweighs what it corrects
TOTAL = 0.5  # "estimated total contract value (... including all options)": outweighs the initial term's estimate

_CLAUSE_BREAK = re.compile(r"[;:]|[,.](?:\s|$)")
_PERCENT_RE = re.compile(r"\d\s?(?:%|procent\b|percent\b|per\s+cent\b)", re.IGNORECASE)
_CURRENCY_WORD = re.compile(r"€|\bEUR\b|\beuro", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.;:](?:\s|$)")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One amount that may be the estimated value, with why."""

    euros: Decimal
    score: float
    block: int
    amount: Amount
    yearly: bool
    column: tuple[int, int] | None  # (table, column) when the estimate words are the column's header
    with_vat: bool = False  # "EUR 169.400 inclusief 21% btw"
    without_vat: bool = False  # "€ 138.500 exclusief btw"


def find_value(document: Document, ruleset: Ruleset, hits: HitIndex) -> Value:
    roles: dict[str, set[str]] = {}
    kinds = document_kinds(document) if any(r.in_documents for r in ruleset.value_contexts) else ""
    for rule in ruleset.value_contexts:
        if rule.in_documents and not any(kind in kinds for kind in rule.in_documents):
            continue
        roles.setdefault(rule.role, set()).add(rule.id)
        if rule.role == "own":  # the document's own contract's value is an estimate that outweighs others
            roles.setdefault("estimate", set()).add(rule.id)
    tables = _tables(document, hits, roles.get("estimate", set()), ruleset)
    floor = ruleset.smallest_value
    candidates = [
        c
        for block in document.blocks
        for c in _candidates(document, tables, block, hits, roles)
        if c.euros >= floor  # a unit price or a rate, never a contract's value
        # "De netbeheerkosten (circa EUR 9.000 per jaar) maken geen deel uit van deze opdracht"
        and not outside_purchase(document, c.block, c.amount.start, ruleset.out_of_scope)
    ]
    if not candidates:
        return Value(amount=None)
    best = _best(candidates)
    close = [
        c
        for c in candidates
        if c is not best
        and c.score >= best.score - CLOSE
        and c.euros != best.euros
        and not (best.without_vat and c.with_vat)  # a restatement with VAT, or a ceiling on prices with it
    ]
    runners_up = tuple(sorted({float(c.euros) for c in close}, reverse=True)[:3])
    lots = _lots(document, tables, candidates, best, ruleset) or _lots_in_prose(document, candidates, best)
    if lots:
        total = sum((c.euros for c in lots), Decimal(0))
        return Value(
            amount=float(total),
            evidence=tuple(_evidence(document, c) for c in lots),
            basis="lots_summed",
            runners_up=runners_up,
            confidence=_confidence(best),
        )
    parts = _options_beside(document, candidates, best, ruleset)
    if parts:
        return Value(
            amount=float(sum((c.euros for c in parts), Decimal(0))),
            evidence=tuple(_evidence(document, c) for c in parts),
            basis="parts_summed",
            runners_up=runners_up,
            confidence=_confidence(best),
        )
    if best.yearly:
        years = contract_years(document)
        if years is not None:
            return Value(
                amount=float(best.euros * years),
                evidence=(_evidence(document, best),),
                basis="yearly_times_term",
                years=float(years),
                runners_up=runners_up,
                confidence=_confidence(best),
            )
        return Value(  # a year's value and no term: the value is at least this, so it decides only upwards
            amount=float(best.euros),
            evidence=(_evidence(document, best),),
            basis="yearly",
            runners_up=runners_up,
            confidence=_confidence(best),
        )
    rate = _vat_rate(document.blocks[best.block].text, best.amount) if best.with_vat else None
    if rate is not None:
        return Value(
            amount=float((best.euros / (1 + rate / 100)).quantize(Decimal("0.01"))),
            evidence=(_evidence(document, best),),
            basis="vat_removed",
            runners_up=runners_up,
            confidence=_confidence(best),
        )
    return Value(
        amount=float(best.euros),
        evidence=(_evidence(document, best),),
        basis="stated",
        runners_up=runners_up,
        confidence=_confidence(best),
    )


# "EUR 169.400 inclusief 21% btw", "€ 1.210.000 (incl. btw)", "EUR 242,000 including VAT": the thresholds
# are without VAT, so the VAT is taken off (at the rate stated, else the standard Dutch rate)
STANDARD_VAT = Decimal(21)
_VAT_EXCLUDED_RE = re.compile(
    r"\s*[,(]?\s*(?:excl\.?|exclusief|exclusive\s+of|excluding|zonder)\s*(?:btw|vat|b\.t\.w\.)\b", re.IGNORECASE
)
_INCLUDING = r"(?:incl\.?|inclusief|inclusive\s+of|including)"
_RATE = r"(?:(\d{1,2}(?:[.,]\d)?)\s*%\s*)?"  # "21%", its number the group
_VAT_INCLUDED_RE = re.compile(rf"\s*[,(]?\s*{_INCLUDING}\s*{_RATE}(?:btw|vat|b\.t\.w\.)\b", re.IGNORECASE)


def _confidence(candidate: Candidate) -> float:
    """The candidate's score as a share of the best a labelled amount can get (3: estimate words
    right beside it; 2: at the edge of their reach; a correction adds to it)."""
    return round(min(1.0, max(0.0, candidate.score / 3.0)), 2)


# "Inclusief 9% btw op voedingsmiddelen ... komt de raming op circa EUR 1,36 mln": the VAT named first
_VAT_INCLUDED_BEFORE = re.compile(rf"\b{_INCLUDING}\s+{_RATE}(?:btw|vat)\b", re.IGNORECASE)
VAT_BEFORE_REACH = 120


def _vat_before(text: str, amount: Amount) -> re.Match[str] | None:
    """Where the amount's sentence says, before it, that it includes VAT (the last place it says so)."""
    start = max(0, amount.start - VAT_BEFORE_REACH)
    found = None
    for m in _VAT_INCLUDED_BEFORE.finditer(text, start, amount.start):
        if not _STATEMENT_END.search(_unabbreviated(text[m.end() : amount.start])):
            found = m
    return found


def _vat_rate(text: str, amount: Amount) -> Decimal | None:
    """The VAT rate an amount includes, said after it ("EUR 169.400 incl. 21% btw") or before it
    ("Total including 21% VAT: EUR 176,660"); the standard rate where none is given, None where no VAT is."""
    said = _VAT_INCLUDED_RE.match(text, amount.end) or _vat_before(text, amount)
    if said is None:
        return None
    return Decimal(said.group(1).replace(",", ".")) if said.group(1) else STANDARD_VAT


def _best(candidates: list[Candidate]) -> Candidate:
    """The highest score, larger amount on a tie; a total labelled as the estimate beats a labelled
    yearly amount whatever their scores (the total over the term is the value), and a labelled amount
    without VAT beats one with VAT."""
    totals = [c for c in candidates if not c.yearly and c.score >= LABELLED]
    pool = totals if totals and any(c.yearly for c in candidates if c.score >= LABELLED) else candidates
    best = max(pool, key=lambda c: (c.score, c.euros))
    if best.with_vat:  # the thresholds are without VAT: an estimate stated so is exact, one with VAT a derivation
        without = [c for c in pool if c.without_vat and c.score >= LABELLED]
        if without:
            return max(without, key=lambda c: (c.score, c.euros))
    return best


def _lots(
    document: Document, tables: _Tables, candidates: list[Candidate], best: Candidate, ruleset: Ruleset
) -> list[Candidate]:
    """The lot values to add up: amounts in two or more rows of the column whose header holds the
    estimate words, when the best candidate is one of them and no row is the total; with the options'
    values of those rows where another column holds them (or, where a column's header says the options
    are included, that column's amounts instead)."""
    if best.column is None:
        return []
    table = best.column[0]
    columns: dict[tuple[int, int], list[Candidate]] = {}
    for c in candidates:
        if c.column is not None and c.column[0] == table and not c.yearly:
            columns.setdefault(c.column, []).append(c)
    same = columns.get(best.column, [])
    rows = {document.blocks[c.block].row for c in same}
    if len(rows) < 2 or len(same) != len(rows):
        return []
    for block in document.blocks:
        if block.table == table and block.row in rows and _TOTAL_RE.search(block.text):
            return []
    kinds = {column: _option_kind(document, tables, found[0], ruleset) for column, found in columns.items()}
    in_rows = {
        column: found
        for column, found in columns.items()
        if {document.blocks[c.block].row for c in found} == rows and len(found) == len(rows)
    }
    included = [found for column, found in in_rows.items() if kinds[column] == "included"]
    if included:
        return sorted(included[0], key=lambda c: c.block)
    if kinds[best.column] == "options":  # the best amounts are the options'; the lots' own come first
        base = [found for column, found in in_rows.items() if kinds[column] is None]
        if len(base) != 1:
            return sorted(same, key=lambda c: c.block)
        same = base[0]
    extra = [c for column, found in in_rows.items() if kinds[column] == "options" for c in found]
    return sorted([*same, *extra], key=lambda c: c.block)


# "Perceel 2 ...", "lot B", "kavel 3": the lot an amount is stated for
def _sentence_start(text: str, at: int) -> int:
    ends = list(_SENTENCE_BREAK.finditer(_unabbreviated(text[:at])))
    return ends[-1].end() if ends else 0


_LOT_RE = re.compile(r"\b(?:perceel|percelen|lot|lots|kavel)\s+(\d{1,2}|[A-H])\b", re.IGNORECASE)


def _lots_in_prose(document: Document, candidates: list[Candidate], best: Candidate) -> list[Candidate]:
    """ "Perceel 1 ... raamt dit perceel op EUR 90.000" / "Voor perceel 2 ... EUR 65.000": each lot's
    labelled estimate, one per lot, added up when the best candidate is one of them (no labelled total
    beats them) and two or more lots state one."""
    if best.column is not None or best.yearly:
        return []
    per_lot: dict[str, Candidate] = {}
    for c in candidates:
        if c.score < LABELLED or c.yearly or c.column is not None or c.with_vat:
            continue
        lot = _lot_of(document, c)
        if lot is None:
            continue
        if lot not in per_lot or (c.score, c.euros) > (per_lot[lot].score, per_lot[lot].euros):
            per_lot[lot] = c
    if len(per_lot) < 2 or best not in per_lot.values():
        return []
    return sorted(per_lot.values(), key=lambda c: (c.block, c.amount.start))


def _lot_of(document: Document, candidate: Candidate) -> str | None:
    """The lot named last before the amount in its block, else by the heading it stands under; None
    for an amount of several lots together."""
    block = document.blocks[candidate.block]
    named = list(_LOT_RE.finditer(block.text, 0, candidate.amount.start))
    if named:
        last = named[-1]
        sentence = _sentence_start(block.text, candidate.amount.start)
        if last.group(0).lower().startswith(("percelen", "lots")) or _TOTAL_RE.search(
            block.text, sentence, candidate.amount.start
        ):
            return None  # "de percelen 1 en 2 samen", "in totaal": not one lot's amount
        return last.group(1).upper()
    for heading in reversed(block.heading_path):
        m = _LOT_RE.match(heading) or _LOT_RE.match(heading.split(" ", 1)[-1])
        if m:
            return m.group(1).upper()
    return None


def _options_beside(
    document: Document, candidates: list[Candidate], best: Candidate, ruleset: Ruleset
) -> list[Candidate]:
    """ "EUR 98.000 voor de initiële looptijd en EUR 49.000 voor de twee optiejaren": an amount the same
    sentence states for the options, added to the best (the value is over the full term, options
    included), when the best itself is not the options' or a total with them."""
    if not ruleset.option_columns or best.yearly or best.column is not None:
        return []
    text = document.blocks[best.block].text
    options = any_of(ruleset.option_columns)
    included = any_of(ruleset.options_included) if ruleset.options_included else None

    def for_options(c: Candidate) -> bool:
        after = text[c.amount.end : c.amount.end + OPTION_AFTER]
        stop = _SENTENCE_BREAK.search(_unabbreviated(after))
        after = after[: stop.start()] if stop else after
        return bool(options.search(after)) and not (included and included.search(after))

    if for_options(best):
        return []
    smaller = [
        c
        for c in candidates
        if c.block == best.block
        and c is not best
        and c.euros < best.euros
        and not _sentence_break(text, min(c.amount.end, best.amount.end), max(c.amount.start, best.amount.start))
    ]
    extra = [c for c in smaller if not c.with_vat and for_options(c)]
    # "EUR 2,400,000, consisting of EUR 1,800,000 for the initial term and EUR 600,000 for the option
    # year": parts that add up to the best are its breakdown, not more to add
    if not extra or sum((c.euros for c in smaller), Decimal(0)) == best.euros:
        return []
    return [best, *extra]


OPTION_AFTER = 48  # "EUR 49.000 excl. btw voor de twee optiejaren"


def _option_kind(document: Document, tables: _Tables, candidate: Candidate, ruleset: Ruleset) -> str | None:
    """'options' for a column of the options' values, 'included' for one of values with the options
    included, None for any other (rules/applicability.yaml `option_columns`, `options_included`)."""
    block = document.blocks[candidate.block]
    start = tables.run_start[block.index]
    header = " ".join(document.blocks[i].text for i in tables.header_cells.get((start, block.column or 0), ())).lower()
    if not ruleset.option_columns or not any_of(ruleset.option_columns).search(header):
        return None
    return "included" if ruleset.options_included and any_of(ruleset.options_included).search(header) else "options"


_TOTAL_RE = re.compile(r"\b(?:totaal|total|samen|together|som)\b", re.IGNORECASE)


def _candidates(
    document: Document, tables: _Tables, block: Block, hits: HitIndex, roles: dict[str, set[str]]
) -> list[Candidate]:
    amounts = find_amounts(block.text) or _bare_amount(document, tables, block, hits, roles.get("estimate", set()))
    if not amounts:
        return []
    text = block.text
    # "Is dit de totale waarde?": estimate words in a question ask about an amount, they do not state it
    estimates = [h for h in hits.in_block(block.index, roles.get("estimate", set())) if not _asked(text, h.end)]
    not_values = hits.in_block(block.index, roles.get("not_value", set()))
    # the share words of the rules, and a percentage ("5%", one token to the matcher)
    shares = [h.end for h in hits.in_block(block.index, roles.get("share", set()))]
    shares += [m.end() for m in _PERCENT_RE.finditer(text)]
    yearly = hits.in_block(block.index, roles.get("yearly", set()))
    corrected = hits.in_block(block.index, roles.get("corrected", set()))
    # "the value of this call-off" also outweighs another contract's value beside it (the framework's)
    totals = hits.in_block(block.index, roles.get("total", set()) | roles.get("own", set()))
    previous = hits.in_block(block.index, roles.get("previous", set()) | roles.get("part", set()))
    row_label = not estimates and (
        _row_label(document, block, hits, roles.get("estimate", set()))
        or _label_ends_previous(document, block, hits, roles.get("estimate", set()))
        or _total_line(document, block, hits, roles.get("estimate", set()))
    )
    column = (
        None if estimates or row_label else _column_label(document, tables, block, hits, roles.get("estimate", set()))
    )
    found: list[Candidate] = []
    row_vat = _row_vat(document, block)
    for amount in amounts:
        score = 0.0
        if (row_label or column) and amount.start <= ESTIMATE_REACH:
            score = 3.0 - amount.start / ESTIMATE_REACH
        for hit in estimates:
            distance = amount.start - hit.end if hit.end <= amount.start else hit.start - amount.end
            if hit.start >= amount.end and (
                _STATEMENT_END.search(_unabbreviated(text[amount.end : hit.start]))  # the next sentence's label
                # "EUR 8.074,50 Totaal incl. btw: EUR 46.524,50": the label introduces the next amount
                or any(hit.end <= a.start <= hit.end + ESTIMATE_REACH for a in amounts)
            ):
                continue
            if -1 <= distance <= ESTIMATE_REACH:
                score = max(score, 3.0 - distance / ESTIMATE_REACH)
        for hit in not_values:
            if _governs(text, hit.start, hit.end, amount, NOT_VALUE_REACH):
                score -= 4.0
        if any(_share_of_value(text, end, amount) for end in shares):
            continue  # a share of the value, never the value
        if any(h.end <= amount.start and not _sentence_break(text, h.end, amount.start) for h in previous):
            continue  # the amount of the contract that runs now or ran before, or of one call-off
        if score > 0 and any(
            0 <= amount.start - h.end <= ESTIMATE_REACH and not _sentence_break(text, h.end, amount.start)
            for h in corrected
        ):
            score += CORRECTION
        if score > 0 and any(
            0 <= amount.start - h.end <= ESTIMATE_REACH and not _sentence_break(text, h.end, amount.start)
            for h in totals
        ):
            score += TOTAL
        if score <= 0:
            continue
        per_year = any(
            0 <= h.start - amount.end <= YEARLY_AFTER
            and not _broken(text, amount.end, h.start)
            or 0 <= amount.start - h.end <= YEARLY_BEFORE
            and not _broken(text, h.end, amount.start)
            for h in yearly
        ) or _yearly_estimate(text, estimates, yearly, amount)
        found.append(
            Candidate(
                euros=amount.euros,
                score=score,
                block=block.index,
                amount=amount,
                yearly=per_year,
                with_vat=bool(_VAT_INCLUDED_RE.match(text, amount.end))
                or _vat_before(text, amount) is not None
                or row_vat == "incl",
                without_vat=bool(_VAT_EXCLUDED_RE.match(text, amount.end)) or row_vat == "excl",
                column=(block.table, block.column) if column and block.table is not None and block.column else None,
            )
        )
    return found


# "4% van de opdrachtwaarde van toepassing, zijnde EUR 112.000": the amount restates the share
_APPOSITION_RE = re.compile(
    r"[,(]?\s*\b(?:zijnde|namelijk|oftewel|ofwel|te\s+weten|d\.w\.z\.|dat\s+wil\s+zeggen|dat\s+is|dit\s+is|"
    r"(?:wat|hetgeen)\s+neerkomt\s+op|neerkomend\s+op|i\.e\.|that\s+is|which\s+is|being|amounting\s+to|"
    r"equal\s+to|equivalent\s+to)\s*[:(]?\s*$",
    re.IGNORECASE,
)
APPOSITION_REACH = 100
_SHARE_THEN_AMOUNT = re.compile(
    r"\s*[:=]\s*$"  # "Btw 21%: EUR 8.074,50"
    r"|\s*(?:van|of)\s+(?:de\s+|het\s+|the\s+)?[\w-]+(?:\s+[\w-]+)?\s*[,(]\s*"
    r"(?:naar\s+raming|circa|ca\.|ongeveer|approximately|about|roughly)?\s*$",
    re.IGNORECASE,
)


def _share_of_value(text: str, end: int, amount: Amount) -> bool:
    """Whether the share (its words or percentage ending at `end`) governs `amount`: right before it in
    the same clause, or further in the same sentence when the amount restates it ("..., zijnde EUR ...")."""
    gap = amount.start - end
    if 0 <= gap <= SHARE_REACH and not _broken(text, end, amount.start):
        return True
    if 0 <= gap <= APPOSITION_REACH and _SHARE_THEN_AMOUNT.match(text[end : amount.start]):
        return True  # "5% van de opdrachtwaarde, € 42.500, ...": the amount after a comma restates the share
    return (
        0 <= gap <= APPOSITION_REACH
        and not _sentence_break(text, end, amount.start)
        and _APPOSITION_RE.search(text, end, amount.start) is not None
    )


_YEARLY_SUBJECT = re.compile(
    r"\b(?:(?:jaarlijkse|annual|yearly)\s+(?:geraamde\s+|geschatte\s+|estimated\s+)?"
    r"(?:waarde|afname|omvang|opdrachtwaarde|contractwaarde|uitgaven|value|spend|contract\s+value)"
    r"|jaarwaarde|jaarbedrag|jaarbudget)\b",
    re.IGNORECASE,
)


def _yearly_estimate(text: str, estimates: list[Hit], yearly: list[Hit], amount: Amount) -> bool:
    """Whether the estimate words that introduce `amount` are themselves yearly ("raamt de jaarlijkse
    afname, inclusief huur en onderhoud, op circa EUR 62.500"): in the amount's sentence, a yearly word
    stands right beside the estimate words, between them and the amount, however many commas follow."""
    for e in estimates:
        if e.end > amount.start or amount.start - e.end > ESTIMATE_REACH or _sentence_break(text, e.end, amount.start):
            continue
        # "De jaarlijkse waarde van de levering wordt geraamd op EUR 46.000": what is estimated is yearly
        subject = _YEARLY_SUBJECT.search(text, max(0, e.start - ESTIMATE_REACH), amount.start)
        if subject is not None and not _sentence_break(text, subject.end(), amount.start):
            return True
        for y in yearly:
            beside = e.end <= y.start <= e.end + YEARLY_BESIDE or e.start - YEARLY_BESIDE <= y.end <= e.start
            if beside and y.end <= amount.start and not _sentence_break(text, min(e.start, y.start), amount.start):
                return True
    return False


# the end of a sentence: a full stop (not a decimal point), "?" or "!" before a space; abbreviations'
# full stops are taken out first (_unabbreviated)
_STATEMENT_END = re.compile(r"[.?!][\"'”’)]?(?=\s|$)")


def _asked(text: str, at: int) -> bool:
    """Whether the sentence going on at text[at] is a question: it ends in "?"."""
    end = _STATEMENT_END.search(_unabbreviated(text[at:]))
    return end is not None and end.group().startswith("?")


def _governs(text: str, start: int, end: int, amount: Amount, reach: int) -> bool:
    """Whether a price, penalty or insurance word at text[start:end] is about `amount`: before it, or
    after it in the same clause ("€ 250 per kalenderdag", not "350.000 euro, waarbij de omzet ...")."""
    if end <= amount.start:
        return amount.start - end <= reach
    if start >= amount.end:
        return start - amount.end <= reach and not _broken(text, amount.end, start)
    return True


def _broken(text: str, start: int, end: int) -> bool:
    return bool(_CLAUSE_BREAK.search(_unabbreviated(text[start:end])))


def _sentence_break(text: str, start: int, end: int) -> bool:
    return bool(_SENTENCE_BREAK.search(_unabbreviated(text[start:end])))


# "(ca. € 8.900)", "excl. btw": an abbreviation's full stop ends no clause
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:ca|circa|approx|resp|bijv|incl|excl|max|min|nr|no|o\.a|i\.e|e\.g|d\.w\.z)\.(?=\s)", re.IGNORECASE
)


def _unabbreviated(segment: str) -> str:
    if "." not in segment:
        return segment
    return _ABBREVIATION.sub(lambda m: m.group().replace(".", " "), segment)


def _row_label(document: Document, block: Block, hits: HitIndex, estimate_rules: set[str]) -> bool:
    """ "Geraamde waarde | 4,85 mln euro": the estimate words in the row's label cell."""
    return block.row is not None and any(
        hits.in_block(other.index, estimate_rules)
        for other in document.blocks[max(0, block.index - 4) : block.index]
        if other.table == block.table and other.row == block.row
    )


_BARE_NUMBER = re.compile(r"^\s*(\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?)\s*(?:,-)?\s*$")


def _bare_amount(
    document: Document, tables: _Tables, block: Block, hits: HitIndex, estimate_rules: set[str]
) -> list[Amount]:
    """A cell holding only a number ("2,600,000") under a header that names the estimate and the
    currency ("Estimated value (EUR, excl. VAT)"), or in a row labelled as the estimate under a header
    that names the currency ("Total | 146,000" under "Amount (EUR excl. VAT)")."""
    if block.table is None or block.column is None:
        return []
    m = _BARE_NUMBER.match(block.text)
    if m is None or not (
        _column_label(document, tables, block, hits, estimate_rules, currency=True)
        or (_row_label(document, block, hits, estimate_rules) and _column_names_currency(document, tables, block))
    ):
        return []
    euros = parse_number(m.group(1))
    return [] if euros is None else [Amount(euros=euros, start=m.start(1), end=m.end(1), text=m.group(1))]


_ROW_VAT = re.compile(
    r"\b(?:(incl\.?|inclusief|including)|(excl\.?|exclusief|excluding))\s*(?:\d{1,2}\s*%\s*)?(?:btw|vat)\b", re.I
)


def _row_vat(document: Document, block: Block) -> str | None:
    """ "Totaal incl. btw | | EUR 173.514": whether the row's label says its amount is with VAT ("incl")
    or without ("excl"), for a cell whose own text does not say."""
    if block.row is None:
        return None
    for other in document.blocks[max(0, block.index - 4) : block.index]:
        if other.table == block.table and other.row == block.row:
            said = _ROW_VAT.search(other.text)
            if said is not None:
                return "incl" if said.group(1) else "excl"
    return None


def _column_names_currency(document: Document, tables: _Tables, block: Block) -> bool:
    found = _header_of(document, tables, block)
    return found is not None and any(_CURRENCY_WORD.search(document.blocks[i].text) is not None for i in found[1])


def _header_of(document: Document, tables: _Tables, block: Block) -> tuple[int, tuple[int, ...]] | None:
    """The first block of the table run a cell below its header row stands in, and the header cells of
    its column; None for a block that is no such cell."""
    if block.table is None or block.row is None or block.column is None:
        return None
    start = tables.run_start[block.index]
    if start == block.index or document.blocks[start].row == block.row:
        return None
    return start, tables.header_cells.get((start, block.column), ())


def _label_ends_previous(document: Document, block: Block, hits: HitIndex, estimate_rules: set[str]) -> bool:
    """ "... Geraamde waarde" / "4,85 mln euro ...": a table read as lines (a PDF without ruling) puts
    the row's label at the very end of the line before its amount."""
    if block.index == 0:
        return False
    previous = document.blocks[block.index - 1]
    if previous.page != block.page:
        return False
    tail = len(previous.text.rstrip(" :"))
    return any(h.end >= tail for h in hits.in_block(previous.index, estimate_rules))


_TOTAL_LINE = re.compile(r"^\s*(?:totaal|total|totale\s+waarde|grand\s+total)\b", re.IGNORECASE)
TOTAL_LINE_REACH = 6  # lines of a table read as text between its header line and its total line


def _total_line(document: Document, block: Block, hits: HitIndex, estimate_rules: set[str]) -> bool:
    """ "Perceel | Omschrijving Geraamde waarde" / lot lines / "Totaal Beide percelen € 310.000": a table
    that OCR or a PDF without ruling gives as lines. The total line under a header line naming the
    estimate is the estimate, as the total row of a table is; the lines between hold the parts."""
    if block.table is not None or not _TOTAL_LINE.match(block.text) or len(find_amounts(block.text)) != 1:
        return False
    parts = 0
    for other in reversed(document.blocks[max(0, block.index - TOTAL_LINE_REACH) : block.index]):
        if other.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if find_amounts(other.text):
            parts += 1
        elif hits.in_block(other.index, estimate_rules):
            return parts > 0 and len(other.text) <= 120
    return False


def _column_label(
    document: Document, tables: _Tables, block: Block, hits: HitIndex, estimate_rules: set[str], currency: bool = False
) -> bool:
    """ "Perceel | ... | Geraamde waarde" over rows of lots: the estimate words in the column's header
    cell, the cell of this column in the first row of the table's run of blocks (at most 200 back), or
    in the caption or introducing paragraph of the whole table."""
    found = _header_of(document, tables, block)
    if found is None:
        return False
    start, header = found
    if start in tables.labelled:
        return not currency or any(
            _CURRENCY_WORD.search(text) is not None
            for text in (*(document.blocks[i].text for i in header), tables.labelled[start])
        )
    return any(
        block.index - 200 <= index < block.index
        and hits.in_block(index, estimate_rules)
        and (not currency or _CURRENCY_WORD.search(document.blocks[index].text) is not None)
        for index in header
    )


@dataclass(frozen=True, slots=True)
class _Tables:
    """Where each table's header row is, found once per document: looking back from every cell of a
    long price list would be quadratic."""

    run_start: tuple[int, ...]  # per block: the first block of its run of blocks of the same table
    header_cells: dict[tuple[int, int], tuple[int, ...]]  # (run start, column) -> the header row's cells
    labelled: dict[int, str]  # run start -> the caption or introduction that names the table's amounts as estimates


def _tables(document: Document, hits: HitIndex, estimate_rules: set[str], ruleset: Ruleset) -> _Tables:
    run_start: list[int] = []
    header: dict[tuple[int, int], list[int]] = {}
    for block in document.blocks:
        same = block.index > 0 and block.table is not None and document.blocks[block.index - 1].table == block.table
        start = run_start[-1] if same else block.index
        run_start.append(start)
        if block.column is not None and block.row is not None and block.row == document.blocks[start].row:
            header.setdefault((start, block.column), []).append(block.index)
    labelled: dict[int, str] = {}
    blocks = document.blocks
    for start in sorted(set(run_start)):
        if blocks[start].table is None:
            continue
        end = start
        while end + 1 < len(blocks) and run_start[end + 1] == start:
            end += 1
        label = _table_label(blocks, start, end, hits, estimate_rules, ruleset)
        if label is not None:
            labelled[start] = label
    return _Tables(tuple(run_start), {key: tuple(cells) for key, cells in header.items()}, labelled)


CAPTION_LENGTH = 160  # "Tabel 1: geraamde waarde per perceel, bedragen exclusief btw"


def _table_label(
    blocks: tuple[Block, ...] | list[Block],
    start: int,
    end: int,
    hits: HitIndex,
    estimate_rules: set[str],
    ruleset: Ruleset,
) -> str | None:
    """The caption right after a table, or the paragraph right before it, when it names the table's
    amounts as estimates and states no amount itself (then the value is in the table, not in it)."""
    after = blocks[end + 1] if end + 1 < len(blocks) else None
    if (
        after is not None
        and after.table is None
        and len(after.text) <= CAPTION_LENGTH
        and hits.in_block(after.index, estimate_rules)
        and not find_amounts(after.text)
    ):
        return after.text
    before = blocks[start - 1] if start > 0 else None
    if (
        before is not None
        and before.table is None
        and hits.in_block(before.index, estimate_rules)
        and not find_amounts(before.text)
        and (
            before.text.rstrip().endswith(":")
            or bool(ruleset.table_references and any_of(ruleset.table_references).search(before.text.lower()))
        )
    ):
        return before.text
    return None


def _evidence(document: Document, candidate: Candidate) -> Evidence:
    return evidence(document, candidate.block, candidate.amount.start, candidate.amount.end)


# --- the term of the contract, for a value stated per year -------------------------------------------

_NUMBERS = {
    "een": 1,
    "één": 1,
    "one": 1,
    "twee": 2,
    "two": 2,
    "drie": 3,
    "three": 3,
    "vier": 4,
    "four": 4,
    "vijf": 5,
    "five": 5,
    "zes": 6,
    "six": 6,
    "zeven": 7,
    "seven": 7,
    "acht": 8,
    "eight": 8,
    "negen": 9,
    "nine": 9,
    "tien": 10,
    "ten": 10,
    "twaalf": 12,
    "twelve": 12,
    "achttien": 18,
    "eighteen": 18,
    "vierentwintig": 24,
    "zesendertig": 36,
    "eenmaal": 1,
    "tweemaal": 2,
    "driemaal": 3,
    "once": 1,
    "twice": 2,
}
_NUM = r"(\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
# a number as contracts write it, in figures or words, with the other in brackets: "2 (twee) jaar"
_NUM_WRITTEN = _NUM + r"(?:\s*\(\s*[\w-]+\s*\))?"
_UNIT = r"(jaar|jaren|years?|maanden|months?)"
_MAXIMUM_RE = re.compile(
    rf"\b(?:maximale|totale|gehele|volledige|maximum|total|full|entire|overall)\s+(?:looptijd|duur|term|period)"
    rf"\W+(?:\w+\W+){{0,4}}?{_NUM_WRITTEN}\s+{_UNIT}",
    re.IGNORECASE,
)
_INITIAL_RE = re.compile(
    rf"\b(?:looptijd|duur|term|periode|period|runs?\s+for|loopt|geldt|aangegaan\s+voor)\b\W+(?:\w+\W+){{0,5}}?{_NUM_WRITTEN}\s+{_UNIT}",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(rf"\b{_NUM_WRITTEN}\s+{_UNIT}\b", re.IGNORECASE)
_EXTENSION_RE = re.compile(r"\b(?:verleng\w*|extension\w*|extend\w*|renew\w*|optie\w*|option\w*)", re.IGNORECASE)
# how many times an extension may be used, just before its length: "tweemaal (met) een jaar",
# "twee keer één jaar", "2 x 1 jaar", "two optional extensions of one year each"
_TIMES_RE = re.compile(
    rf"\b{_NUM}\s*(?:x|keer|maal|times)?\s*(?:optionele\s+|optional\s+|mogelijke\s+|further\s+)?"
    rf"(?:extensions?|verlengingen|verlengingsopties|opties|options|periods?)?\s*(?:van|of|met|by|with)?\s*"
    rf"(?:ten\s+hoogste\s+|maximaal\s+|telkens\s+|up\s+to\s+)?$",
    re.IGNORECASE,
)
# how many times, further back in the extension's sentence: "heeft het recht de Overeenkomst tweemaal te
# verlengen met een periode van telkens 1 (één) jaar", "may be extended twice by one year"
_TIMES_WORD_RE = re.compile(
    r"\b(?:(eenmaal|tweemaal|driemaal|once|twice)|(\d|twee|drie|vier|two|three|four)\s*(?:x|keer|maal|times))\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.;]+(?:[.;](?=\s|$)|$)")
_NOTICE_PERIOD_RE = re.compile(r"\s+(?:voor|vóór|voorafgaand|before|prior)\b", re.IGNORECASE)
_NOTICE_PERIOD_BEFORE_RE = re.compile(
    r"\b(?:uiterlijk|opzegtermijn\s+van|no\s+later\s+than|at\s+least)\s+$", re.IGNORECASE
)
_TIMES_REACH = 50


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _years(count: str, unit: str) -> Decimal:
    value = Decimal(_number(count))
    return value / 12 if unit.lower().startswith(("maand", "month")) else value


def contract_years(document: Document) -> Decimal | None:
    """The full term in years, options included: a stated maximum term, else the initial term plus
    the extensions ("tweemaal met een jaar", "two optional extensions of one year each")."""
    initial: Decimal | None = None
    options = Decimal(0)
    for block in document.blocks:
        text = block.text
        lower = text.lower()
        if not any(word in lower for word in ("jaar", "year", "maand", "month")):
            continue
        maximum = _MAXIMUM_RE.search(text)
        if maximum:
            return _years(maximum.group(1), maximum.group(2))
        first = _INITIAL_RE.search(text) if initial is None else None
        if first:
            initial = _years(first.group(1), first.group(2))
        for sentence in _SENTENCE_RE.finditer(text):
            if not _EXTENSION_RE.search(sentence.group()):
                continue
            for duration in _DURATION_RE.finditer(text, sentence.start(), sentence.end()):
                if first and duration.start() < first.end() <= duration.end():
                    continue  # the initial term itself
                if _NOTICE_PERIOD_RE.match(text, duration.end()) or _NOTICE_PERIOD_BEFORE_RE.search(
                    text, max(0, duration.start() - 20), duration.start()
                ):
                    continue  # "uiterlijk drie maanden voor het verstrijken": when to say so, not how long
                times = _TIMES_RE.search(
                    text[max(sentence.start(), duration.start() - _TIMES_REACH) : duration.start()]
                )
                count = _number(times.group(1)) if times and times.group(1).lower() not in ("een", "one") else 1
                if not times:
                    earlier = _TIMES_WORD_RE.search(text, sentence.start(), duration.start())
                    if earlier:
                        count = _number(earlier.group(1) or earlier.group(2))
                options += count * _years(duration.group(1), duration.group(2))
    if initial is None:
        return None
    return initial + options
