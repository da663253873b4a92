"""The facts that decide whether ISV is mandatory, each with where it came from.

A document states some facts itself (found by `applicability.read_facts`, with evidence); others are
given from outside: a row of a notices CSV today, a procurement notice or another document of the
same tender later. `merge` lays given facts over found ones, so `applicability.decide` judges from one
`Facts` record whatever its sources, and every fact taken from outside is named in a finding.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from ..document import Block, BlockKind
from ..report import Authority, CategoryResult, Finding, Param, Reason, Source, Value
from ..ruleset.load import Ruleset
from .categories import category_result
from .findings import finding

# A name given as the buyer's is matched as a document would state that role: the authority rules take
# names that documents mention in passing (RIVM, Logius, "gemeente") only beside a buyer-role word.
BUYER_ROLE = "aanbestedende dienst: "


@dataclass(frozen=True, slots=True)
class Facts:
    """What the applicability decision is made from; `date_source` is None for the document's own date.
    `date_origin` says how the document gave its date (`dates.ORIGINS`); None when the date was given."""

    authority: Authority
    value: Value
    date: str | None
    categories: tuple[CategoryResult, ...]
    works: bool
    procedure: str | None
    date_source: Source | None = None
    date_origin: str | None = None
    authority_reason: Reason | None = None  # why, where the source says more than the name (a notice's legal type)
    subject_outside: str | None = None  # the subject's words naming a purchase outside the ten categories


@dataclass(frozen=True, slots=True)
class GivenFacts:
    """Facts from outside the document, all optional. Small and picklable: batch hands them to workers."""

    source: Source
    authority: str | None = None
    central_government: bool | None = None
    estimated_value: float | None = None
    cpv: tuple[str, ...] = ()
    publication_date: str | None = None

    @property
    def key(self) -> str:
        """A digest of the facts (not of their source): a stored result made with other facts is checked again."""
        facts = {
            "authority": self.authority,
            "central_government": self.central_government,
            "estimated_value": self.estimated_value,
            "cpv": list(self.cpv),
            "publication_date": self.publication_date,
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def merge(found: Facts, given: GivenFacts, ruleset: Ruleset) -> tuple[Facts, tuple[Finding, ...]]:
    """`found` with `given` laid over it: authority, value and date replace what the document says (a
    notice is the formal record); CPV codes add the categories they fall in to those the text gave.
    Each fact taken is named in a finding that says what the document said."""
    source = given.source
    notes: list[Finding] = []

    def note(fact: str, **params: Param) -> None:
        notes.append(finding(f"metadata.{fact}", "info", {"fact": fact, **params}, source=source))

    facts = found
    if given.authority is not None:
        central, rule = given.central_government, None
        if central is None:
            central, rule = recognise_authority(given.authority, ruleset)
        facts = replace(
            facts, authority=Authority(name=given.authority, central_government=central, rule=rule, source=source)
        )
        note(
            "authority",
            name=given.authority,
            central_government=central,
            document=found.authority.name,
        )
    elif given.central_government is not None:
        facts = replace(
            facts,
            authority=found.authority.model_copy(
                update={"central_government": given.central_government, "source": source}
            ),
        )
        note("central_government", central_government=given.central_government)
    if given.estimated_value is not None:
        facts = replace(facts, value=Value(amount=given.estimated_value, source=source))
        note("estimated_value", value=given.estimated_value, document=found.value.amount)
    if given.publication_date is not None:
        facts = replace(facts, date=given.publication_date, date_source=source, date_origin=None)
        note("publication_date", date=given.publication_date, document=found.date)
    if given.cpv:
        added = cpv_categories(given.cpv, ruleset, {c.id for c in facts.categories}, source)
        facts = replace(facts, categories=(*facts.categories, *added))
        note("cpv", cpv=given.cpv, categories=tuple(c.id for c in added))
    return facts, tuple(notes)


def recognise_authority(name: str, ruleset: Ruleset, *, notice: bool = False) -> tuple[bool | None, str | None]:
    """Whether a buyer's name, given as such, is central government, and by which authority rule.
    The name is matched with the rules that find authorities in documents; the longest match wins.
    `notice`: with the matcher a notice's buyers are recognised with (the same authority rules, built
    smaller)."""
    from .engine import (
        names_matcher,
        rules_matcher,
    )  # the engine's matchers, not others; imported here: engine imports this module

    authorities = {r.id: r for r in ruleset.authorities}
    text = BUYER_ROLE + name
    matcher = names_matcher(ruleset) if notice else rules_matcher(ruleset)
    hits = matcher.run([Block(index=0, kind=BlockKind.PARAGRAPH, text=text)], "nl")
    for hit in sorted((h for h in hits if h.rule in authorities), key=lambda h: -(h.end - h.start)):
        rule = authorities[hit.rule]
        return rule.central_government, rule.id
    return None, None


def cpv_categories(
    codes: tuple[str, ...], ruleset: Ruleset, present: set[str], source: Source
) -> tuple[CategoryResult, ...]:
    """The ISV categories CPV codes fall in, other than those `present`."""
    groups = {c: g for g in ruleset.groups for c in g.categories}
    out: list[CategoryResult] = []
    for rule in ruleset.categories:
        if rule.category in present or not any(code.startswith(p) for code in codes for p in rule.cpv):
            continue
        out.append(category_result(rule, groups.get(rule.category), source=source))
        present.add(rule.category)
    return tuple(out)
