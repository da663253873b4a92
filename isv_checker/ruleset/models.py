"""The shape of the rule files in `rules/`, checked on load so a bad edit fails with a clear message.

Rules are data: a rule has a stable id (`ISV-...`), a one-line description, what it matches, and
examples that must and must not match (run as tests and shown by `isv-check explain`). The engine
reads these records; adding a category, an element, a decoy or a phrasing needs no Python change.
Which element and category ids exist is data too (`Vocabulary`, in `ruleset.yaml`): the loader checks
every rule, group and SDG link against it, so no id is spelled out in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RULE_ID = re.compile(r"^ISV-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
VOCABULARY_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Examples(_Strict):
    """Texts the rule must match and texts it must not; each list needs at least one entry."""

    match: tuple[str, ...] = Field(min_length=1)
    no_match: tuple[str, ...] = Field(min_length=1)


class Near(_Strict):
    """All groups must occur within `window` tokens of each other, in any order, inside one block."""

    groups: tuple[tuple[str, ...], ...] = Field(min_length=2)
    window: int = Field(default=8, ge=1, le=60)


class Matcher(_Strict):
    """What a rule looks for. `terms`: phrases, one of which must occur (a trailing `*` on a word
    matches any word starting so: `risico*` matches "risico's" and "risicoanalyse"). `near`: groups of
    terms that must occur close together. A rule fires when any of its terms or any `near` fires."""

    terms: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()
    unless: tuple[str, ...] = Field(default=(), description="terms that, in the same block, cancel a match")

    @model_validator(mode="after")
    def _not_empty(self) -> Matcher:
        if not self.terms and not self.near:
            raise ValueError("give `terms`, `near`, or both")
        return self


class Rule(_Strict):
    id: str
    description: str = Field(min_length=8)
    match: Matcher
    examples: Examples

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(f"rule id {value!r} must look like ISV-WORD-WORD (capitals, digits, hyphens)")
        return value

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("the description must be one line")
        return value.strip()


class CategoryRule(Rule):
    category: str = Field(description="an id from `vocabulary.categories` in ruleset.yaml")
    name_nl: str
    name_en: str
    group: str
    cpv: tuple[str, ...] = Field(min_length=1, description="CPV code prefixes (digits only) of this category")
    weak: tuple[str, ...] = Field(
        default=(), description="terms that count only in the subject of the contract, never in passing"
    )

    @field_validator("cpv")
    @classmethod
    def _digits(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not prefix.isdigit() or not 2 <= len(prefix) <= 8:
                raise ValueError(f"CPV prefix {prefix!r} must be 2 to 8 digits")
        return value


class Group(_Strict):
    id: str
    name_nl: str
    name_en: str
    categories: tuple[str, ...] = Field(min_length=1, description="ids from `vocabulary.categories`")


class AuthorityRule(Rule):
    central_government: bool
    letterhead: tuple[str, ...] = Field(
        default=(),
        description="words that, with a capitalised name after them, open a line of the title area or a page "
        "header ('Gemeente Rotterdam'): a letterhead names the authority without a buyer-role word beside it",
    )
    governing_bodies: dict[str, str] = Field(
        default_factory=dict,
        description="the body that acts for the authority, as a name starts, and how the authority is named "
        "instead ('gedeputeerde staten van' -> 'Provincie'): the report names the authority, not its board",
    )


class AuthorityName(_Strict):
    """One authority by its canonical name, the other names documents give it, and the rule (kind of
    body) it belongs to. Names are compared in lower case, on words only."""

    name: str = Field(min_length=2)
    rule: str = Field(description="the id of the authority rule whose kind of body this is")
    aliases: tuple[str, ...] = ()


class ElementRule(Rule):
    element: str = Field(description="an id from `vocabulary.elements` in ruleset.yaml")
    name_nl: str
    name_en: str
    model_wording_nl: str = Field(min_length=40)
    model_wording_en: str = Field(min_length=40)
    stated_negatively: bool = Field(
        default=False,
        description="the element is often stated as what must not happen ('geen kinderarbeid'), so a 'geen' or "
        "'no' before its words still states it; for the other elements 'geen boete' says the clause has none",
    )


class AnchorRule(Rule):
    strength: Literal["name", "substance", "obligation"] = Field(
        description="name: the clause's name; substance: its content words; obligation: words that make a passage binding"
    )


DecoyEffect = Literal["passage", "always", "near_anchor", "unless_binding", "without_substance", "withdraws"]


class DecoyRule(Rule):
    """A look-alike of the clause. What it does is its `effect`, never its name:

    - passage: its passage cannot be the clause (Social Return, exclusion grounds): a substance anchor
      in the same sentence does not count, and its block lends no elements to an anchor not made binding;
    - always: it cancels the clause anchors in its block (a table of contents, a definitions list);
    - near_anchor: it cancels them when it stands within `reach` characters of one (a negation);
    - unless_binding: it cancels them unless an obligation binds an anchor in its sentence (a policy mention);
    - without_substance: it cancels a block that names the clause but has none of its substance (ISV as
      Independent Software Vendor).
    - withdraws: in a block that names the clause, it withdraws the clause (a note of information that
      deletes the article): the anchors of that block and of every block before it are cancelled; a
      clause stated after it still counts.

    `toc_lines: true` makes it cancel, too, a name anchor in any block shaped like a table-of-contents
    line (text, dot leader or tab, page number), under whatever heading it stands.
    """

    decoy: str
    reason_nl: str
    reason_en: str
    effect: DecoyEffect = Field(description="what a hit does; see the class docstring")
    reach: int | None = Field(
        default=None, ge=1, le=2000, description="near_anchor only: the most characters between the decoy and an anchor"
    )
    toc_lines: bool = Field(
        default=False, description="also cancels a name anchor in a block shaped like a table-of-contents line"
    )
    sections: tuple[str, ...] = Field(
        default=(),
        description="only fires in blocks under a heading containing one of these words (e.g. 'inhoudsopgave')",
    )
    defines_abbreviation: bool = Field(
        default=False,
        description="right after a bare abbreviation of the clause's name ('ISV: Independent Software Vendor', "
        "'ISV (independent software vendor)'), it defines the abbreviation: the document means this by it "
        "everywhere, and a bare abbreviation elsewhere is no anchor unless its block states the clause's substance",
    )
    refers_elsewhere: bool = Field(
        default=False,
        description="the clause it cancels is in another document: an annex named beside it ('Bijlage 6') is "
        "where the clause's text is, and a tender check looks for that file",
    )

    @property
    def cancels_anchors(self) -> bool:
        return self.effect != "passage"

    @model_validator(mode="after")
    def _fields_fit_effect(self) -> DecoyRule:
        if self.effect == "near_anchor" and self.reach is None:
            raise ValueError("`effect: near_anchor` needs `reach:` (characters between the decoy and an anchor)")
        if self.effect != "near_anchor" and self.reach is not None:
            raise ValueError("`reach:` applies only to `effect: near_anchor`")
        if self.toc_lines and not self.cancels_anchors:
            raise ValueError("`toc_lines: true` needs an effect that cancels anchors, not `passage`")
        return self


class Threshold(_Strict):
    id: str
    description: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    central: int = Field(gt=0)
    sub_central: int = Field(gt=0)
    works: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.end < self.start:
            raise ValueError(f"period {self.id} ends before it starts")
        return self


class ValueContext(Rule):
    """Words around an amount that say what it is: the estimated value (`estimate`), something else
    (`not_value`: a price, penalty, insurance sum), a share of another amount (`share`, just before
    it), an amount per year (`yearly`, beside it), a corrected amount (`corrected`, just before it: the
    correction outweighs what it corrects), the contract that runs now or ran before, or the programme this one is
    part of (`previous`, earlier in the amount's sentence), or a part of this contract that is a contract of its own (`part`:
    a call-off or an order under a framework, earlier in the amount's sentence), or the total over the full term with
    its options (`total`, earlier in the amount's sentence: it outweighs an estimate of the initial term or a year),
    or the document's own contract (`own`: "the value of this call-off", an estimate that outweighs the framework's
    value)."""

    role: Literal["estimate", "not_value", "share", "yearly", "corrected", "previous", "part", "total", "own"]
    in_documents: tuple[str, ...] = Field(
        default=(),
        description="counts only in a document whose title area or page header names one of these kinds "
        "(lowercase words: 'inkooporder', 'purchase order'): an order's total is its value, a price sheet's is not",
    )


class ProcedureRule(Rule):
    above_threshold: bool | None
    works: bool = False
    name_nl: str = Field(min_length=3, description="what the memo says the procedure implies, in Dutch")
    name_en: str = Field(min_length=3, description="the same in English")


class SdgLink(_Strict):
    id: str
    target: str = Field(pattern=r"^\d{1,2}\.[0-9a-z]{1,2}$")
    goal: int = Field(ge=1, le=17)
    title_nl: str
    title_en: str
    when: Literal["isv_applied", "element", "category"]
    element: str | None = None
    category: str | None = None
    rationale_nl: str = Field(min_length=20)
    rationale_en: str = Field(min_length=20)

    @model_validator(mode="after")
    def _condition(self) -> SdgLink:
        if self.when == "element" and not self.element:
            raise ValueError(f"{self.id}: `when: element` needs `element:` (an id from `vocabulary.elements`)")
        if self.when == "category" and not self.category:
            raise ValueError(f"{self.id}: `when: category` needs `category:` (an id from `vocabulary.categories`)")
        if int(self.target.split(".")[0]) != self.goal:
            raise ValueError(f"{self.id}: target {self.target} is not under goal {self.goal}")
        return self


class Ministry(_Strict):
    """A ministry and the authorities of the Rijk whose contracts it reports: the SDG table's rows per
    ministry. Names are entries of the authority names table."""

    ministry: str
    authorities: tuple[str, ...] = ()


class RulesetInfo(_Strict):
    id: str
    version: str
    effective: dt.date
    description: str


class Vocabulary(_Strict):
    """The clause elements and risk categories this ruleset knows, in `ruleset.yaml`: the ids its rules,
    groups and SDG links may name, and the counts its messages state ("the six elements")."""

    elements: tuple[str, ...] = Field(min_length=1)
    categories: tuple[str, ...] = Field(min_length=1)

    @field_validator("elements", "categories")
    @classmethod
    def _ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ident in value:
            if not VOCABULARY_ID.match(ident):
                raise ValueError(f"id {ident!r} must be lower-case words joined by underscores (e.g. action_plan)")
        repeated = sorted({i for i in value if value.count(i) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} declared twice")
        return value


class TenderRole(_Strict):
    """The part a file plays in a tender dossier (rules/tender.yaml): how it is told, how much its facts
    weigh against the other files', and whether it amends them."""

    id: str = Field(pattern=r"^[a-z_]+$")
    rank: int = Field(ge=1, description="1 wins: when files disagree on a fact, the file of the lowest rank")
    amends: bool = False
    holds_clause: bool = Field(default=True, description="false: a file that cannot hold the clause (a price form)")
    xml_notices: bool = Field(default=False, description="procurement notices read as data (XML) play this role")
    name_nl: str
    name_en: str
    words: tuple[str, ...] = Field(description="in the file name or, failing that, the document's title")


class TenderRules(_Strict):
    """How a tender dossier is judged as one: its files' roles, and an amendment's words."""

    roles: tuple[TenderRole, ...] = Field(min_length=1)
    deletes: tuple[str, ...] = Field(min_length=1)
    corrects: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_fallback(self) -> TenderRules:
        if self.roles[-1].words:
            raise ValueError("the last role takes every file no other role names: give it `words: []`")
        if len({r.id for r in self.roles}) != len(self.roles):
            raise ValueError("role ids must be unique")
        return self


class OtherRoles(_Strict):
    """Words that put a named body in another part than the buyer's (rules/authorities.yaml)."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


class LegalTypeRule(_Strict):
    """What a buyer's legal type in a notice says about being bound by ISV (rules/notices.yaml)."""

    id: str
    description: str = Field(min_length=8)
    codes: tuple[str, ...] = Field(min_length=1, description="eForms buyer-legal-type codes, R2.0.9 CA_TYPE values")
    bound: bool | None
    by_name: bool = Field(description="the authorities rules decide by the buyer's name (see notices.yaml)")
    unknown_name: bool | None = Field(default=None, description="for a vague type: a name no rule knows means this")


class NoticeRules(_Strict):
    """How a procurement notice is judged (rules/notices.yaml)."""

    countries: tuple[str, ...] = Field(min_length=1, description="buyer countries ISV binds, as notices write them")
    legal_types: tuple[LegalTypeRule, ...] = Field(min_length=1)
    kinds: tuple[str, ...] = Field(description="notice kinds whose legal basis implies the value")
    eu_legal_bases: tuple[str, ...] = Field(min_length=1)
    eu_procedure: str = Field(description="the procedure rule (applicability.yaml) a European notice counts as")

    @model_validator(mode="after")
    def _codes_once(self) -> NoticeRules:
        codes = [c for rule in self.legal_types for c in rule.codes]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"legal type code(s) {', '.join(repeated)} under more than one rule")
        return self

    def legal_type(self, code: str | None) -> LegalTypeRule | None:
        wanted = code or "none"
        return next((r for r in self.legal_types if wanted in r.codes), None)
