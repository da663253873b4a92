"""Which ISV risk categories a purchase falls in, from CPV codes and from where category words occur.

A word counts for much in the subject of the contract (title, scope, lots, the CPV table) and for
little in passing: "energiezuinig" in a building contract or "white paper" in an IT tender must not
make a category. CPV codes are the strongest evidence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..document import BlockKind, Document
from ..records import trusted_maker
from ..report import CategoryResult, Evidence, Source
from ..ruleset.load import Ruleset
from ..ruleset.models import CategoryRule, Group
from .evidence import evidence
from .hits import HitIndex
from .title import document_kinds, title_blocks
from .whole_words import WholeWords

_EIGHT_DIGITS = re.compile("[0-9]" * 8)  # spelled out: 3x faster than \d{8} in re, and every block is searched
CPV_RE = re.compile(r"(?<![\d.,])(\d{8})(?:\s?-\s?\d)?(?![\d.,]\d)")
SUBJECT_HIT, PASSING_HIT, ACCEPT = 2.0, 0.5, 2.0
DOMINANCE = 0.4  # a category far weaker than the document's main one is a side remark, not a purchase


def category_result(
    rule: CategoryRule, group: Group | None, shown: tuple[Evidence, ...] = (), source: Source | None = None
) -> CategoryResult:
    """The report's record of a category the purchase falls in, named in both groupings (a category
    in no group keeps its rule's `group` id as the group's names). Its strings are the ruleset's
    (validated when it was loaded) and its evidence records already made, so it is not validated again
    (`records.trusted_maker`): every part of every notice that falls in a category makes one."""
    return _make_category(
        {
            "id": rule.category,
            "rule": rule.id,
            "name_nl": rule.name_nl,
            "name_en": rule.name_en,
            "group": group.id if group else rule.group,
            "group_name_nl": group.name_nl if group else rule.group,
            "group_name_en": group.name_en if group else rule.group,
            "evidence": tuple(shown),
            "source": source,
        }
    )


_make_category = trusted_maker(
    CategoryResult,
    {
        "id": "ict_hardware",
        "rule": "category.ict_hardware",
        "name_nl": "ICT-hardware",
        "name_en": "ICT hardware",
        "group": "ict",
        "group_name_nl": "ICT",
        "group_name_en": "ICT",
        "evidence": (),
        "source": Source(kind="notice", reference="00123456-2024"),
    },
)


def weak_key(rule_id: str) -> str:
    return f"{rule_id}#weak"


@dataclass(frozen=True)
class CpvCode:
    code: str
    block: int
    start: int
    end: int


def find_cpv_codes(document: Document) -> list[CpvCode]:
    """8-digit CPV codes, with a check digit ("30213100-6") or in a block or table that says CPV."""
    codes: list[CpvCode] = []
    cpv_tables: set[int] | None = None
    for block in document.blocks:
        if not _EIGHT_DIGITS.search(block.text):
            continue
        for m in CPV_RE.finditer(block.text):
            has_check_digit = m.end() - m.start() > 8
            if not has_check_digit:
                if cpv_tables is None:
                    cpv_tables = {b.table for b in document.blocks if b.table is not None and "cpv" in b.text.lower()}
                if "cpv" not in block.text.lower() and block.table not in cpv_tables:
                    continue
            codes.append(CpvCode(m.group(1), block.index, m.start(), m.end()))
    return codes


def subject_blocks(document: Document, ruleset: Ruleset) -> set[int]:
    """Blocks that describe what is bought: the title area, a letter's subject line ("Betreft: ..."),
    sections named like the subject (`subject_sections`), and blocks that say what the purchase is ("De
    opdracht omvat:", `subject_statements`) with the list that such a block opens. All of a document
    of a kind that is about what it lists (an order, `subject_documents`)."""
    if ruleset.subject_documents:
        kinds = document_kinds(document)
        if any(kind in kinds for kind in ruleset.subject_documents):
            return {b.index for b in document.blocks}
    subject: set[int] = title_blocks(document)
    names_subject = _subject_pattern(ruleset.subject_sections).search
    statements = ruleset.subject_statements
    subject.update(b.index for b in document.blocks[:SUBJECT_LINE_BLOCKS] if _SUBJECT_LINE.match(b.text))
    if statements:
        subject.update(_stated_subject(document, _subject_pattern(statements).search))
    path_is_subject: dict[tuple[str, ...], bool] = {}
    for block in document.blocks:
        kind = block.kind
        if kind is BlockKind.HEADER or kind is BlockKind.FOOTER:
            continue
        if kind is BlockKind.HEADING and (
            ((block.level or 1) <= 1 and block.index < 40) or names_subject(block.text.lower())
        ):
            subject.add(block.index)
            continue
        under = path_is_subject.get(block.heading_path)
        if under is None:
            under = path_is_subject[block.heading_path] = bool(names_subject(" ".join(block.heading_path).lower()))
        if under:
            subject.add(block.index)
    return subject


def _stated_subject(document: Document, states_subject: Callable[[str], re.Match[str] | None]) -> list[int]:
    blocks = document.blocks
    out: list[int] = []
    for block in blocks:
        if block.kind is BlockKind.HEADER or block.kind is BlockKind.FOOTER or not states_subject(block.text.lower()):
            continue
        out.append(block.index)
        if block.text.rstrip().endswith(":"):
            following = blocks[block.index + 1 :]
            out.extend(b.index for b in itertools.takewhile(lambda b: b.kind is BlockKind.LIST_ITEM, following))
    return out


@lru_cache(maxsize=8)
def _subject_pattern(subject_words: tuple[str, ...]) -> WholeWords:
    """The subject words as one alternation of whole words ("opdracht", not "opdrachtnemer"): one
    search per heading instead of one per word."""
    return WholeWords(subject_words)


SUBJECT_LINE_BLOCKS = 30
_SUBJECT_LINE = re.compile(r"\s*(?:betreft|onderwerp|inzake|subject|re|concerning)\s*:", re.IGNORECASE)


def find_categories(
    document: Document, ruleset: Ruleset, hits: HitIndex, subject: set[int]
) -> tuple[CategoryResult, ...]:
    """`subject`: the blocks that describe what is bought (`subject_blocks`), worked out once per document."""
    codes = find_cpv_codes(document)
    title = title_blocks(document)
    groups = {c: g for g in ruleset.groups for c in g.categories}
    not_bought = ruleset.out_of_scope + ruleset.study_topics
    scored: list[tuple[float, CategoryResult]] = []
    for rule in ruleset.categories:
        # (block, start, end) of what counted, best first; evidence is made for the few shown only
        found: list[tuple[int, int, int]] = []
        score = 0.0
        prefixes = tuple(rule.cpv)
        for code in codes:
            if code.code.startswith(prefixes):
                found.append((code.block, code.start, code.end))
                score += ACCEPT
        # Where the document states its CPV codes and none is of this category, its words count only
        # in the title: the codes are the buyer's own statement of what is bought.
        cpv_says_otherwise = bool(codes) and not found
        strong = title if cpv_says_otherwise else subject | _sections_named_by(document, hits, rule.id)
        passing = 0.0
        for hit in hits.by_rule.get(rule.id, ()):
            if outside_purchase(document, hit.block, hit.start, not_bought):
                continue
            if hit.block in strong:
                score += SUBJECT_HIT
                found.append((hit.block, hit.start, hit.end))
            else:
                passing += PASSING_HIT
                if len(found) < 8:
                    found.append((hit.block, hit.start, hit.end))
        for hit in hits.by_rule.get(weak_key(rule.id), ()):
            if hit.block in strong and not outside_purchase(document, hit.block, hit.start, not_bought):
                score += SUBJECT_HIT / 2
                found.append((hit.block, hit.start, hit.end))
        score += min(passing, ACCEPT - PASSING_HIT)  # passing mentions alone never make a category
        if score >= ACCEPT:
            shown = tuple(evidence(document, *span) for span in list(dict.fromkeys(found))[:6])
            scored.append((score, category_result(rule, groups.get(rule.category), shown)))
    if not scored and not codes:
        scored = _dominant_in_running_text(document, ruleset, hits, groups)
    top = max((score for score, _ in scored), default=0.0)
    return tuple(result for score, result in scored if score >= DOMINANCE * top)


def outside_subject(document: Document, ruleset: Ruleset, hits: HitIndex, subject: set[int]) -> str | None:
    """The words where the document's subject names a purchase outside the ten categories ("Adviesdiensten
    organisatieontwikkeling"), when no category word, and at most one weak one, stands in its subject: then no
    category is a fact of the purchase, not a gap in the checker's words (rules/applicability.yaml
    `outside_subjects`)."""
    if not ruleset.outside_subjects:
        return None
    not_bought = ruleset.out_of_scope + ruleset.study_topics

    def in_subject(key: str) -> int:
        return sum(
            1
            for hit in hits.by_rule.get(key, ())
            if hit.block in subject and not outside_purchase(document, hit.block, hit.start, not_bought)
        )

    # a category word in the subject keeps the question open; one weak word ("a secure werkplek") does not
    if any(in_subject(rule.id) for rule in ruleset.categories):
        return None
    if sum(in_subject(weak_key(rule.id)) for rule in ruleset.categories) > 1:
        return None
    names = _subject_pattern(ruleset.outside_subjects).search
    for index in sorted(subject):
        found = names(document.blocks[index].text.lower())
        if found:
            return found.group()
    return None


def outside_purchase(document: Document, block: int, at: int, phrases: tuple[str, ...]) -> bool:
    """Whether the sentence around text[at] puts what it names outside the purchase."""
    if not phrases:
        return False
    text = document.blocks[block].text
    start = max(text.rfind(". ", 0, at), text.rfind("; ", 0, at)) + 1
    ends = [i for i in (text.find(". ", at), text.find("; ", at)) if i >= 0]
    sentence = text[start : min(ends) if ends else len(text)].lower()
    return _any_of(phrases).search(sentence) is not None


@lru_cache(maxsize=8)
def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A search for any of the phrases: one pass over the sentence instead of one per phrase (a
    ruleset lists some forty, and every category word of every notice is looked at)."""
    return re.compile("|".join(re.escape(phrase) for phrase in phrases))


def _sections_named_by(document: Document, hits: HitIndex, rule_id: str) -> set[int]:
    """The blocks of sections whose heading names the category ("3 Afvalstromen en frequenties"):
    such a section describes that part of the purchase."""
    headings = {
        document.blocks[h.block].text
        for key in (rule_id, weak_key(rule_id))
        for h in hits.by_rule.get(key, ())
        if document.blocks[h.block].kind is BlockKind.HEADING
    }
    if not headings:
        return set()
    return {b.index for b in document.blocks if headings.intersection(b.heading_path)}


RUNNING_ACCEPT = 1.5  # e.g. two strong words and two weak ones, or six weak ones
RUNNING_LEAD = 3.0  # ... and three times the evidence of any other category


def _dominant_in_running_text(
    document: Document, ruleset: Ruleset, hits: HitIndex, groups: dict[str, Group]
) -> list[tuple[float, CategoryResult]]:
    """A document that names its subject nowhere a reader would look for it (no CPV code, no title, no
    subject section: a letter's later pages, an OCR'd contract without headings) still buys something:
    the one category its running text talks about, far more than about any other."""
    running: list[tuple[float, CategoryRule, list[tuple[int, int, int]]]] = []
    for rule in ruleset.categories:
        strong = hits.by_rule.get(rule.id, [])
        weak = hits.by_rule.get(weak_key(rule.id), [])
        score = PASSING_HIT * len(strong) + PASSING_HIT / 2 * len(weak)
        if score:
            running.append((score, rule, [(h.block, h.start, h.end) for h in [*strong, *weak]]))
    running.sort(key=lambda r: -r[0])
    if not running or running[0][0] < RUNNING_ACCEPT:
        return []
    if len(running) > 1 and running[0][0] < RUNNING_LEAD * running[1][0]:
        return []
    _, rule, found = running[0]
    shown = tuple(evidence(document, *span) for span in sorted(found)[:6])
    return [(ACCEPT, category_result(rule, groups.get(rule.category), shown))]
