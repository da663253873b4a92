"""The shape of the rule files in `rules/`, checked on load so a bad edit fails with a clear message.

Rules are data: a rule has a stable id (`ISV-...`), a one-line description, what it matches, and
examples that must and must not match (run as tests and shown by `isv-check explain`). The engine
reads these records; adding a category, a decoy or a phrasing needs no Python change.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RULE_ID = re.compile(r"^ISV-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
ELEMENT_IDS = ("due_diligence", "standards", "risk_analysis", "action_plan", "reporting", "remedy")
CATEGORY_IDS = (
    "workwear", "catering", "paper_print", "energy", "waste",
    "office_supplies", "laboratory", "ict_workplace", "datacenters", "data_connections",
)


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
    category: Literal[CATEGORY_IDS]  # type: ignore[valid-type]
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
    categories: tuple[Literal[CATEGORY_IDS], ...] = Field(min_length=1)  # type: ignore[valid-type]


class AuthorityRule(Rule):
    central_government: bool


class ElementRule(Rule):
    element: Literal[ELEMENT_IDS]  # type: ignore[valid-type]
    name_nl: str
    name_en: str
    model_wording_nl: str = Field(min_length=40)
    model_wording_en: str = Field(min_length=40)


class AnchorRule(Rule):
    strength: Literal["name", "substance", "obligation"] = Field(
        description="name: the clause's name; substance: its content words; obligation: words that make a passage binding"
    )


class DecoyRule(Rule):
    decoy: str
    reason_nl: str
    reason_en: str
    scope: Literal["block", "anchor"] = Field(
        default="block",
        description="block: a decoy passage that cannot count as the clause; anchor: it cancels a clause anchor in the same block",
    )
    sections: tuple[str, ...] = Field(
        default=(), description="only fires in blocks under a heading containing one of these words (e.g. 'inhoudsopgave')"
    )


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
    role: Literal["estimate", "not_value"]


class ProcedureRule(Rule):
    above_threshold: bool | None
    works: bool = False


class SdgLink(_Strict):
    id: str
    target: str = Field(pattern=r"^\d{1,2}\.[0-9a-z]{1,2}$")
    goal: int = Field(ge=1, le=17)
    title_nl: str
    title_en: str
    when: Literal["isv_applied", "element", "category"]
    element: str | None = None
    category: str | None = None
    rationale: str = Field(min_length=20)

    @model_validator(mode="after")
    def _condition(self) -> SdgLink:
        if self.when == "element" and self.element not in ELEMENT_IDS:
            raise ValueError(f"{self.id}: `when: element` needs `element:` one of {', '.join(ELEMENT_IDS)}")
        if self.when == "category" and self.category not in CATEGORY_IDS:
            raise ValueError(f"{self.id}: `when: category` needs `category:` one of {', '.join(CATEGORY_IDS)}")
        if int(self.target.split(".")[0]) != self.goal:
            raise ValueError(f"{self.id}: target {self.target} is not under goal {self.goal}")
        return self


class RulesetInfo(_Strict):
    id: str
    version: str
    effective: dt.date
    description: str
