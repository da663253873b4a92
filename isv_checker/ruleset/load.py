"""Loads and validates a rules folder; every error names the file and the rule it is about.

The default folder is `rules/` beside the package; `--rules DIR` points at a user's modified copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..resources import data_dir
from .models import (
    AnchorRule,
    AuthorityName,
    AuthorityRule,
    CategoryRule,
    DecoyRule,
    ElementRule,
    Group,
    Ministry,
    NoticeRules,
    OtherRoles,
    ProcedureRule,
    Rule,
    RulesetInfo,
    SdgLink,
    TenderRules,
    Threshold,
    ValueContext,
    Vocabulary,
)

DEFAULT_RULES_DIR = data_dir("rules")

M = TypeVar("M", bound=BaseModel)


class RulesError(Exception):
    """A rules folder that cannot be used; the message says which file, which rule, what is wrong."""


@dataclass(frozen=True, eq=False)
class Ruleset:
    info: RulesetInfo
    vocabulary: Vocabulary
    directory: Path
    categories: tuple[CategoryRule, ...]
    groups: tuple[Group, ...]
    authorities: tuple[AuthorityRule, ...]
    thresholds: tuple[Threshold, ...]
    value_contexts: tuple[ValueContext, ...]
    procedures: tuple[ProcedureRule, ...]
    anchors: tuple[AnchorRule, ...]
    elements: tuple[ElementRule, ...]
    decoys: tuple[DecoyRule, ...]
    sdg: tuple[SdgLink, ...]
    tender: TenderRules
    notices: NoticeRules
    other_roles: OtherRoles = OtherRoles()
    subject_sections: tuple[str, ...] = ()
    authority_names: tuple[AuthorityName, ...] = ()
    ministries: tuple[Ministry, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    smallest_value: int = 0
    option_columns: tuple[str, ...] = ()
    options_included: tuple[str, ...] = ()
    table_references: tuple[str, ...] = ()
    subject_statements: tuple[str, ...] = ()
    study_topics: tuple[str, ...] = ()
    outside_subjects: tuple[str, ...] = ()
    subject_documents: tuple[str, ...] = ()

    def rule_groups(self) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
        """The rules with a matcher by kind, in the order `isv-check rules` and the web page list them."""
        return (
            ("categories", self.categories),
            ("authorities", self.authorities),
            ("value", self.value_contexts),
            ("procedures", self.procedures),
            ("anchors", self.anchors),
            ("elements", self.elements),
            ("decoys", self.decoys),
        )

    def rules(self) -> tuple[Rule, ...]:
        """Every rule with a matcher, in a stable order (the order `isv-check rules` lists them)."""
        return tuple(rule for _, group in self.rule_groups() for rule in group)

    def rule(self, rule_id: str) -> Rule | None:
        wanted = rule_id.upper()
        return next((r for r in self.rules() if r.id == wanted), None)

    def category(self, name: str) -> str | None:
        """The category id that `name` means: the id itself or the category's Dutch or English name
        (what the web page and the memo show), in any case; None when it names no category."""
        wanted = " ".join(name.split()).casefold()
        for rule in self.categories:
            if wanted in (rule.category.casefold(), rule.name_nl.casefold(), rule.name_en.casefold()):
                return rule.category
        return None


# libyaml's parser under PyYAML's safe constructor: the same data, read about ten times faster, which
# is most of loading the rules (every CLI start and every batch worker pays it once).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        raise RulesError(f"{path}: missing (every rules folder needs it)") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{path}: must hold a mapping at the top")
    return data


def _records(path: Path, data: dict[str, Any], key: str, model: type[M]) -> tuple[M, ...]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise RulesError(f"{path}: needs a non-empty list under `{key}:`")
    out: list[M] = []
    for position, item in enumerate(raw, start=1):
        name = item.get("id", f"entry {position}") if isinstance(item, dict) else f"entry {position}"
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(rule)'}: {err['msg']}" for err in exc.errors()
            )
            raise RulesError(f"{path}: rule {name}: {problems}") from None
    return tuple(out)


def _section(path: Path, data: dict[str, Any], key: str, model: type[M]) -> M:
    try:
        return model.model_validate(data.get(key))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RulesError(f"{path}: `{key}:` {first['loc']}: {first['msg']}") from None


def _whole(path: Path, data: dict[str, Any], model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise RulesError(f"{path}: {where}: {first['msg']}") from None


def _amount(path: Path, data: dict[str, Any], key: str) -> int:
    raw = data.get(key, 0)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise RulesError(f"{path}: `{key}:` must be a whole number of euros (0 or more)")
    return raw


def _words(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w.strip() for w in raw):
        raise RulesError(f"{path}: needs a non-empty list of words under `{key}:`")
    return tuple(w.strip().lower() for w in raw)


def load_ruleset(directory: str | os.PathLike[str] | None = None) -> Ruleset:
    """Load and validate the rules in `directory` (default: the bundled `rules/`)."""
    root = Path(directory) if directory is not None else DEFAULT_RULES_DIR
    if not root.is_dir():
        raise RulesError(f"{root}: not a folder of rule files")
    files = {
        name: root / f"{name}.yaml"
        for name in (
            "ruleset",
            "categories",
            "authorities",
            "thresholds",
            "applicability",
            "clause",
            "elements",
            "decoys",
            "sdg",
            "tender",
            "notices",
        )
    }
    data = {name: _read_yaml(path) for name, path in files.items()}
    ruleset = Ruleset(
        info=_section(files["ruleset"], data["ruleset"], "ruleset", RulesetInfo),
        vocabulary=_section(files["ruleset"], data["ruleset"], "vocabulary", Vocabulary),
        directory=root,
        categories=_records(files["categories"], data["categories"], "categories", CategoryRule),
        groups=_records(files["categories"], data["categories"], "groups", Group),
        authorities=_records(files["authorities"], data["authorities"], "authorities", AuthorityRule),
        other_roles=_whole(files["authorities"], data["authorities"].get("other_roles") or {}, OtherRoles),
        authority_names=(
            _records(files["authorities"], data["authorities"], "names", AuthorityName)
            if "names" in data["authorities"]
            else ()
        ),
        thresholds=_records(files["thresholds"], data["thresholds"], "thresholds", Threshold),
        value_contexts=_records(files["applicability"], data["applicability"], "value_contexts", ValueContext),
        procedures=_records(files["applicability"], data["applicability"], "procedures", ProcedureRule),
        anchors=_records(files["clause"], data["clause"], "anchors", AnchorRule),
        elements=_records(files["elements"], data["elements"], "elements", ElementRule),
        decoys=_records(files["decoys"], data["decoys"], "decoys", DecoyRule),
        sdg=_records(files["sdg"], data["sdg"], "links", SdgLink),
        ministries=_records(files["sdg"], data["sdg"], "ministries", Ministry) if "ministries" in data["sdg"] else (),
        tender=_whole(files["tender"], data["tender"], TenderRules),
        notices=_whole(files["notices"], data["notices"], NoticeRules),
        subject_sections=_words(files["applicability"], data["applicability"], "subject_sections"),
        smallest_value=_amount(files["applicability"], data["applicability"], "smallest_value"),
        option_columns=_words(files["applicability"], data["applicability"], "option_columns"),
        options_included=_words(files["applicability"], data["applicability"], "options_included"),
        table_references=_words(files["applicability"], data["applicability"], "table_references"),
        subject_statements=_words(files["applicability"], data["applicability"], "subject_statements"),
        study_topics=_words(files["applicability"], data["applicability"], "study_topics"),
        outside_subjects=_words(files["applicability"], data["applicability"], "outside_subjects"),
        subject_documents=_words(files["applicability"], data["applicability"], "subject_documents"),
        out_of_scope=(
            _words(files["applicability"], data["applicability"], "out_of_scope")
            if "out_of_scope" in data["applicability"]
            else ()
        ),
    )
    _check_consistency(ruleset, files)
    return ruleset


def _check_consistency(ruleset: Ruleset, files: dict[str, Path]) -> None:
    seen: dict[str, str] = {}
    for rule in ruleset.rules():
        if rule.id in seen:
            raise RulesError(f"rule id {rule.id} is used twice ({seen[rule.id]} and {type(rule).__name__})")
        seen[rule.id] = type(rule).__name__
    _check_vocabulary(ruleset, files)
    kinds = {rule.id for rule in ruleset.authorities}
    for entry in ruleset.authority_names:
        if entry.rule not in kinds:
            raise RulesError(
                f"{files['authorities']}: `names:` {entry.name!r} names an unknown authority rule {entry.rule}"
            )
    if not any(p.id == ruleset.notices.eu_procedure for p in ruleset.procedures):
        raise RulesError(
            f"{files['notices']}: `eu_procedure:` {ruleset.notices.eu_procedure} is not a procedure rule of applicability.yaml"
        )
    _check_ministries(ruleset, files)
    periods = sorted(ruleset.thresholds, key=lambda t: t.start)
    for before, after in pairwise(periods):
        if after.start <= before.end:
            raise RulesError(f"{files['thresholds']}: periods {before.id} and {after.id} overlap")


def _check_ministries(ruleset: Ruleset, files: dict[str, Path]) -> None:
    """Every ministry and authority in sdg.yaml's `ministries:` is a name of the authority names table,
    and each authority reports under one ministry."""
    names = {entry.name for entry in ruleset.authority_names}
    under: dict[str, str] = {}
    for ministry in ruleset.ministries:
        for name in (ministry.ministry, *ministry.authorities):
            if name not in names:
                raise RulesError(
                    f"{files['sdg']}: `ministries:` {name!r} is not a `name:` of the `names:` table in {files['authorities']}"
                )
        for name in (ministry.ministry, *ministry.authorities):
            if name in under:
                raise RulesError(f"{files['sdg']}: `ministries:` {name!r} is listed twice ({under[name]})")
            under[name] = ministry.ministry


def _check_vocabulary(ruleset: Ruleset, files: dict[str, Path]) -> None:
    """Every element, category, group and SDG link names a declared id, and each declared element and
    category has exactly one rule: the vocabulary is what the messages count ("the six elements")."""
    declared = files["ruleset"]
    vocabulary = {
        "element": ("elements", ruleset.vocabulary.elements),
        "category": ("categories", ruleset.vocabulary.categories),
    }

    def unknown(path: Path, owner: str, kind: str, ident: str | None) -> RulesError:
        key, known = vocabulary[kind]
        return RulesError(
            f"{path}: {owner}: {kind} {ident!r} is not declared in {declared} (`vocabulary: {key}:` {', '.join(known)})"
        )

    for kind, path, claims in (
        ("element", files["elements"], [(r.id, r.element) for r in ruleset.elements]),
        ("category", files["categories"], [(r.id, r.category) for r in ruleset.categories]),
    ):
        known = vocabulary[kind][1]
        owners: dict[str, str] = {}
        for rule_id, ident in claims:
            if ident not in known:
                raise unknown(path, f"rule {rule_id}", kind, ident)
            if ident in owners:
                raise RulesError(f"{path}: rule {rule_id}: {kind} {ident!r} already has rule {owners[ident]}")
            owners[ident] = rule_id
        ruleless = [i for i in known if i not in owners]
        if ruleless:
            raise RulesError(f"{path}: no rule for the {kind} {', '.join(ruleless)} declared in {declared}")
    groups = {g.id: g for g in ruleset.groups}
    for group in ruleset.groups:
        for category in group.categories:
            if category not in ruleset.vocabulary.categories:
                raise unknown(files["categories"], f"group {group.id}", "category", category)
    for rule in ruleset.categories:
        listed = groups.get(rule.group)
        if listed is None or rule.category not in listed.categories:
            raise RulesError(
                f"{files['categories']}: rule {rule.id}: group {rule.group!r} is not a group under `groups:` that lists {rule.category}"
            )
    for link in ruleset.sdg:
        if link.when == "element" and link.element not in ruleset.vocabulary.elements:
            raise unknown(files["sdg"], f"rule {link.id}", "element", link.element)
        if link.when == "category" and link.category not in ruleset.vocabulary.categories:
            raise unknown(files["sdg"], f"rule {link.id}", "category", link.category)


@lru_cache(maxsize=4)
def cached_ruleset(directory: str | None = None) -> Ruleset:
    """One ruleset per process and folder: loading and validating it once is enough."""
    return load_ruleset(directory)
