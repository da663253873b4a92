"""Finds the ISV clause, the elements it states, and the look-alikes set aside on the way.

A clause is found from anchors: its name (ISV, Internationale Sociale Voorwaarden) or its substance
(due diligence in the supply chain, the OECD Guidelines / UNGPs). Around each anchor a region is
taken: the section under an anchor heading, an annex the anchor refers to, the row of a Q&A table,
or the anchor's paragraph with the list items and paragraphs that follow it. Elements count only
inside those regions. Decoys cancel anchors (a negation, "ISV" as a software vendor, a table of
contents) or rule a passage out (Social Return, exclusion grounds), and are reported with the reason;
which of these a decoy does is its rule's `effect`, so a new decoy needs no code here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..document import Block, BlockKind, Document
from ..report import Clause, DecoyResult, ElementResult, Evidence
from ..ruleset.load import Ruleset
from ..ruleset.models import DecoyRule
from .evidence import evidence
from .hits import HitIndex
from .matching import Hit

FOLLOWING_BLOCKS = 14
TABLE_ROWS = 10
LABEL_CELL_WORDS = 6  # a table cell this short that holds an anchor labels its row ("Toelichting": "ISV")
ANNEX_WORDS = ("bijlage", "annex", "appendix", "schedule")
ANNEX_REF = re.compile(rf"\b({'|'.join(ANNEX_WORDS)})\s+([0-9]{{1,2}}|[A-Z])\b", re.IGNORECASE)
ANNEX_REACH = 200  # characters between a name of the clause and an annex it is said to be in
TOC_LINE = re.compile(r"(\.{4,}|…{2,}|\t)\s*\d{1,3}\s*$")
_TOC_TAIL = 200  # TOC_LINE is searched in a block's last characters: it ends the text, and is short
SENTENCE_END = re.compile(r"[.!?;](?=\s+[A-Z0-9(\"'‘“])")


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: an obligation binds an anchor only within one sentence."""
    ends = _sentence_ends(text)
    at = bisect_right(ends, start)
    left = ends[at - 1] if at else 0
    after = bisect_left(ends, end + 1)
    return left, (ends[after] if after < len(ends) else len(text))


@lru_cache(maxsize=256)
def _sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence end, found once per block text however many anchors it holds."""
    return [m.end() for m in SENTENCE_END.finditer(text)]


def _same_sentence(text: str, anchor: Hit, decoy_starts: list[int] | tuple[()]) -> bool:
    """A passage decoy ("Social Return", "UEA") rules out a substance anchor only in its own sentence."""
    if not decoy_starts:
        return False
    lo, hi = sentence_of(text, anchor.start, anchor.end)
    return any(lo <= start < hi for start in decoy_starts)


def _binding(text: str, anchors: list[Hit], obligations: list[Hit]) -> bool:
    for anchor in anchors:
        lo, hi = sentence_of(text, anchor.start, anchor.end)
        if any(lo <= o.start and o.end <= hi for o in obligations):
            return True
    return False


@dataclass(frozen=True, slots=True)
class AnnexRef:
    """A reference from the clause to an annex this document does not hold ("de ISV, zie Bijlage 6"):
    the clause's text is in another file, which a tender check can find by `key`."""

    key: tuple[str, str]  # ("bijlage", "6"): the annex word and its number or letter, lower case
    label: str  # as written: "Bijlage 6"
    evidence: Evidence


@dataclass(frozen=True)
class ClauseOutcome:
    clause: Clause
    decoys: tuple[DecoyResult, ...]
    regions: frozenset[int]
    annex_refs: tuple[AnnexRef, ...] = ()


class _Structure:
    """The blocks a heading's section and a table hold, worked out once per document: the same annex
    is referred to from many anchors, and a long section or table is costly to walk for each."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._sections: dict[int, tuple[int, ...]] = {}
        self._tables: dict[int, list[Block]] | None = None

    def section(self, heading_index: int) -> tuple[int, ...]:
        found = self._sections.get(heading_index)
        if found is None:
            found = self._sections[heading_index] = tuple(_section(self.document, heading_index))
        return found

    def table(self, table: int | None) -> list[Block]:
        if self._tables is None:
            self._tables = {}
            for block in self.document.blocks:
                if block.table is not None:
                    self._tables.setdefault(block.table, []).append(block)
        return self._tables.get(table, []) if table is not None else []


def _section(document: Document, heading_index: int) -> list[int]:
    blocks = document.blocks
    level = blocks[heading_index].level or 1
    out = [heading_index]
    for i in range(heading_index + 1, len(blocks)):
        block = blocks[i]
        if block.kind is BlockKind.HEADING and (block.level or 1) <= level:
            break
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        out.append(block.index)
    return out


def _following(document: Document, index: int, structure: _Structure, named: set[int]) -> list[int]:
    block = document.blocks[index]
    if block.kind is BlockKind.TABLE_CELL:
        return _following_rows(block, structure, named)
    out = [index]
    for other in document.blocks[index + 1 : index + 1 + FOLLOWING_BLOCKS]:
        if other.kind is BlockKind.HEADING:
            break
        if other.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.FOOTNOTE):
            continue
        out.append(other.index)
    return out


# A negation right before an element's words: "geen boete", "niet om een afzonderlijke risicoanalyse",
# "no action plan", "without a risk analysis"; and what is joined to it ("... of een plan van maatregelen")
NEGATION_REACH = 40
_NEGATED = re.compile(
    r"\b(?:geen|zonder|no|without|niet\s+om|not\s+(?:ask\s+for|require))\s+(?:(?:een|an?|the|de|het|afzonderlijke?|"
    r"aparte?|separate|nadere?|further|specifieke?|specific|formele?|formal|eigen|own|andere?|other|enige|any)\s+)*$",
    re.IGNORECASE,
)
_COORDINATED = re.compile(
    r"\s*(?:,\s*)?(?:of|en|noch|or|and|nor)\s+(?:(?:een|an?|the|de|het|andere?|other|enige|any)\s+)*", re.IGNORECASE
)


def _following_rows(block: Block, structure: _Structure, named: set[int]) -> list[int]:
    """A clause split over a requirements table goes on in the rows below the anchor's row. Where a short
    cell of the anchor's row names the clause by its name (a "Toelichting" or topic column saying "ISV"), that column
    labels the rows: a row below it labelled otherwise in as few words ("Leverbetrouwbaarheid") is another
    requirement, and ends the clause. In the header row a short cell names a column, not a row, and labels nothing."""
    if block.row is None:
        return [block.index]
    table = structure.table(block.table)
    cells = [b for b in table if b.row is not None and block.row <= b.row]
    last_row = block.row + TABLE_ROWS
    first_row = min((b.row for b in table if b.row is not None), default=0)
    labels = {
        b.column: " ".join(b.text.lower().split())
        for b in cells
        if b.row == block.row
        and b.row > first_row
        and b.column is not None
        and b.index in named
        and len(b.text.split()) <= LABEL_CELL_WORDS
    }
    for cell in cells:
        label = labels.get(cell.column) if cell.column is not None else None
        row = cell.row or 0
        if (
            label is not None
            and row > block.row
            and 0 < len(cell.text.split()) <= LABEL_CELL_WORDS  # a label of its own; a sentence explains the row
            and " ".join(cell.text.lower().split()) != label
        ):
            last_row = min(last_row, row - 1)
    return [b.index for b in cells if (b.row or 0) <= last_row]


# "Bijlage 4 wordt als volgt gewijzigd", "Bijlage 4 nog van toepassing?": a sentence about the annex (a
# line of a question, or OCR taking a table's cell for a heading), not the annex's own title
_NOT_A_TITLE = re.compile(
    r"\s*(?:(?:wordt|worden|blijft|blijven|nog|is|zijn|geldt|gelden|vervalt|vervallen|komt|luidt|remains|are|will|shall|does)\b|.*\?\s*$)",
    re.IGNORECASE,
)


def _annex_headings(document: Document) -> dict[tuple[str, str], list[int]]:
    """Headings such as "Bijlage 5 ..." by (word, number), so references to them resolve cheaply."""
    found: dict[tuple[str, str], list[int]] = {}
    for block in document.blocks:
        if block.kind is BlockKind.HEADING:
            head = block.text.lower().split()
            ref = ANNEX_REF.match(block.text)
            if len(head) >= 2 and ref and not _NOT_A_TITLE.match(block.text, ref.end()):
                found.setdefault((head[0], head[1].rstrip(".:")), []).append(block.index)
    return found


def _annex_sections(
    document: Document, index: int, annexes: dict[tuple[str, str], list[int]], structure: _Structure
) -> list[int]:
    """Sections of annexes the block refers to ("zie Bijlage 5"), found by their headings."""
    out: list[int] = []
    text = document.blocks[index].text
    lower = text.lower()
    if not any(word in lower for word in ANNEX_WORDS):
        return out  # the common case, told without the pattern
    for m in ANNEX_REF.finditer(text):
        for heading in annexes.get(_annex_key(m), ()):
            if heading != index:
                out.extend(structure.section(heading))
    return out


def _annex_refs(
    document: Document,
    blocks: list[int],
    annexes: dict[tuple[str, str], list[int]],
    hits: HitIndex,
    name_rules: set[str],
) -> tuple[AnnexRef, ...]:
    """Annexes the clause is said to be in that this document does not hold: for each name of the clause,
    the annex named closest to it in its sentence ("de ISV (Bijlage 4)"), not every annex of a list."""
    out: dict[tuple[str, str], AnnexRef] = {}
    for index in blocks:
        text = document.blocks[index].text
        if not any(word in text.lower() for word in ANNEX_WORDS):
            continue
        refs = list(ANNEX_REF.finditer(text))
        for name in hits.in_block(index, name_rules):
            lo, hi = sentence_of(text, name.start, name.end)
            if _REFERS_BACK.match(text, hi):
                # "The ISV apply. Their full text is set out in Annex 7": the next sentence says where
                hi = sentence_of(text, hi + 1, hi + 1)[1]
            near = [m for m in refs if lo <= m.start() < hi and _gap(m, name) <= ANNEX_REACH]
            if not near:
                continue
            m = min(near, key=lambda m: _gap(m, name))
            key = _annex_key(m)
            if key not in annexes and key not in out:
                label = f"{m.group(1).capitalize()} {m.group(2)}"
                out[key] = AnnexRef(key=key, label=label, evidence=evidence(document, index, m.start(), m.end()))
    return tuple(out.values())


def _pointers(text: str, names: list[Hit], elsewhere: set[tuple[str, str]]) -> list[tuple[int, int]]:
    """Sentences that name the clause and an annex this document does not hold: what they list is the
    annex's content ("the ISV, including the risk analysis and the plan of action, are set out in Annex 7"),
    not stated here."""
    out = []
    for name in names:
        lo, hi = sentence_of(text, name.start, name.end)
        for m in ANNEX_REF.finditer(text, lo, hi):
            if _annex_key(m) in elsewhere and _HELD_IN.search(text, max(lo, m.start() - 40), m.start()):
                out.append((lo, hi))
                break
    return out


# "is set out in Annex 7", "zijn opgenomen in Bijlage 4": what stands in the annex (not "reports required
# under Annex 4", nor "de overige paragrafen van Bijlage 7 blijven ongewijzigd")
_HELD_IN = re.compile(
    r"\b(?:set\s+out|laid\s+down|contained|described|included|found|stated|given|opgenomen|vermeld|beschreven|"
    r"vastgelegd|uitgewerkt|te\s+vinden|staat|staan|is|are)\s+(?:in|under)\s+(?:the\s+|de\s+|het\s+)?$",
    re.IGNORECASE,
)


def _annex_key(ref: re.Match[str]) -> tuple[str, str]:
    """An `ANNEX_REF` match as the (word, number) its heading is found by: ("bijlage", "5")."""
    return (ref.group(1).lower(), ref.group(2).lower())


def _gap(ref: re.Match[str], name: Hit) -> int:
    """Characters between an annex reference and a name of the clause (0 when they touch)."""
    return max(ref.start() - name.end, name.start - ref.end(), 0)


def _in_sections(document: Document, index: int, words: tuple[str, ...]) -> bool:
    path = _path_text(document.blocks[index].heading_path)
    return any(word in path for word in words)


@lru_cache(maxsize=1024)
def _path_text(heading_path: tuple[str, ...]) -> str:
    """A heading path as one lower-case string; the blocks of a section share it."""
    return " ".join(heading_path).lower()


def _statements(document: Document, hits: HitIndex, rules: set[str], elements: set[str]) -> HitIndex:
    """`hits` without the anchors and elements of `rules` that state nothing of the clause:
    - those in a question ("Moeten wij een risicoanalyse aanleveren?"); its answer may state it;
    - those inside a longer phrase of another of these rules, as the longest match wins: "human rights"
      in "UN Guiding Principles on Business and Human Rights" (a due-diligence phrase) names a framework,
      not the norms. Only elements shadow elements: anchors share their words by design."""
    kept = []
    for block, found in hits.by_block.items():
        text = document.blocks[block].text
        phrases = sorted(
            (h for h in found if h.rule in elements and h.focus_start == h.start and h.focus_end == h.end),
            key=lambda h: h.start,
        )
        starts = [h.start for h in phrases]
        longest = max((h.end - h.start for h in phrases), default=0)
        for hit in found:
            if hit.rule in rules:
                if "?" in text and text[: sentence_of(text, hit.start, hit.end)[1]].rstrip().endswith("?"):
                    continue
                # only a phrase that starts at most `longest` before the hit can hold it: linear in long blocks
                near = phrases[bisect_left(starts, hit.end - longest) : bisect_right(starts, hit.start)]
                if hit.rule in elements and any(
                    p.rule != hit.rule and hit.end <= p.end and p.end - p.start > hit.end - hit.start for p in near
                ):
                    continue
            kept.append(hit)
    return HitIndex.of(kept)


def find_clause(document: Document, ruleset: Ruleset, hits: HitIndex, language: str) -> ClauseOutcome:
    element_ids = {r.id for r in ruleset.elements}
    hits = _statements(
        document, hits, {r.id for r in ruleset.anchors if r.strength != "obligation"} | element_ids, element_ids
    )
    name_rules = {r.id for r in ruleset.anchors if r.strength == "name"}
    substance_rules = {r.id for r in ruleset.anchors if r.strength == "substance"}
    obligation_rules = {r.id for r in ruleset.anchors if r.strength == "obligation"}
    decoys: list[DecoyResult] = []
    decoy_blocks: dict[int, list[int]] = {}  # block -> start offsets of passage decoys in it

    def record(rule: DecoyRule, hit: Hit) -> None:
        reason = rule.reason_en if language == "en" else rule.reason_nl
        decoys.append(
            DecoyResult(
                rule=rule.id,
                decoy=rule.decoy,
                reason=reason,
                evidence=evidence(document, hit.block, hit.start, hit.end),
            )
        )

    # Passage decoys: Social Return, exclusion grounds and the like rule their block out as substance.
    for rule in ruleset.decoys:
        if rule.cancels_anchors:
            continue
        for hit in hits.by_rule.get(rule.id, ()):
            if rule.sections and not _in_sections(document, hit.block, rule.sections):
                continue
            decoy_blocks.setdefault(hit.block, []).append(hit.start)
            record(rule, hit)

    anchor_decoys = [r for r in ruleset.decoys if r.cancels_anchors and r.effect != "withdraws"]
    withdrawn = _withdrawal(ruleset, hits, name_rules)
    redefined = _abbreviation_defined(document, ruleset, hits, name_rules)
    anchors: list[int] = []
    referring: list[int] = []  # blocks naming the clause that may say where its text is
    candidates = sorted({h.block for rule in name_rules | substance_rules for h in hits.by_rule.get(rule, ())})
    for block in (document.blocks[i] for i in candidates):
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        names = hits.in_block(block.index, name_rules)
        substance = [
            h
            for h in hits.in_block(block.index, substance_rules)
            if not _same_sentence(block.text, h, decoy_blocks.get(block.index, ()))
        ]
        if not names and not substance:
            continue
        if withdrawn is not None and block.index <= withdrawn[1].block:
            if block.index == withdrawn[1].block:
                record(*withdrawn)
            continue
        if redefined is not None and not substance:
            names = [h for h in names if not _bare_abbreviation(block.text, h)]
            if not names:
                record(redefined[0], redefined[1])
                continue
        cancelled = _cancelling_decoy(document, block.index, names, substance, anchor_decoys, hits, obligation_rules)
        if names and (cancelled is None or cancelled[0].refers_elsewhere):
            referring.append(block.index)
        if cancelled is not None:
            rule, hit = cancelled
            record(rule, hit)
            if rule.effect == "near_anchor" and not rule.refers_elsewhere and block.table is not None:
                # a Q&A row whose answer says the ISV do not apply: its question holds no clause either
                anchors = [i for i in anchors if not _earlier_in_row(document.blocks[i], block)]
            continue
        anchors.append(block.index)

    live = set(anchors)
    # anchors that name the clause: in a short table cell such a name labels its row ("Toelichting": "ISV")
    named = {i for i in live if hits.in_block(i, name_rules)}
    region: list[int] = []
    in_region: set[int] = set()
    clause_anchors: list[int] = []
    areas: dict[int, list[int]] = {}
    annexes = _annex_headings(document) if anchors or referring else {}
    annex_refs = _annex_refs(document, referring, annexes, hits, name_rules)
    structure = _Structure(document)
    for index in anchors:
        block = document.blocks[index]
        area = (
            list(structure.section(index))
            if block.kind is BlockKind.HEADING
            else _following(document, index, structure, named)
        )
        if annexes:
            area += _annex_sections(document, index, annexes, structure)
        anchor_hits = hits.in_block(index, name_rules | substance_rules)
        if block.kind is BlockKind.HEADING:
            # A heading names the clause; its section must state it: another anchor that stands, or an
            # element ("6.3 ISV: zie de afzonderlijk gepubliceerde Bijlage 6" states nothing).
            binding = any(i in live for i in area if i != index) or _has_elements(area, ruleset, hits, decoy_blocks)
        else:
            binding = _binding(block.text, anchor_hits, hits.in_block(index, obligation_rules))
        if not binding and not _has_elements(area, ruleset, hits, decoy_blocks):
            continue
        clause_anchors.append(index)
        areas[index] = area
        for i in area:
            if i not in in_region:
                in_region.add(i)
                region.append(i)

    element_hits: dict[str, list[Hit]] = {r.id: [] for r in ruleset.elements}
    stated_negatively = {r.id for r in ruleset.elements if r.stated_negatively}
    elsewhere = {ref.key for ref in annex_refs}
    for index in region:
        text = document.blocks[index].text
        pointers = _pointers(text, hits.in_block(index, name_rules), elsewhere) if elsewhere else []
        negated_until = -1  # "geen risicoanalyse of plan van maatregelen": the negation reaches on
        for hit in sorted(hits.by_block.get(index, ()), key=lambda h: h.start):
            shown = element_hits.get(hit.rule)
            if shown is None:
                continue
            if any(lo <= hit.start < hi for lo, hi in pointers):
                continue  # "the full text of the ISV, including the risk analysis, is in Annex 7": not here
            if hit.rule not in stated_negatively and (
                _NEGATED.search(text, max(0, hit.start - NEGATION_REACH), hit.start)
                or (0 <= negated_until <= hit.start and _COORDINATED.fullmatch(text, negated_until, hit.start))
            ):
                negated_until = hit.end
                continue  # "verbindt aan deze voorwaarde geen boete": the clause says it does not ask this
            if len(shown) < 3:
                shown.append(hit)
    elements: list[ElementResult] = []
    for element in ruleset.elements:
        found = [evidence(document, hit.block, hit.start, hit.end) for hit in element_hits[element.id]]
        elements.append(
            ElementResult(
                id=element.element,
                rule=element.id,
                name_nl=element.name_nl,
                name_en=element.name_en,
                found=bool(found),
                evidence=tuple(found),
            )
        )

    present = bool(clause_anchors)
    anchor_evidence: list[Evidence] = []
    for index in clause_anchors[:3]:
        hit = next(iter(hits.in_block(index, name_rules | substance_rules)))
        anchor_evidence.append(evidence(document, index, hit.start, hit.end))
    location = None
    if present:
        # Name the clause where it says most: an annex that states the elements, not a reference to it.
        element_rules = {r.id for r in ruleset.elements}
        kinds_in: dict[int, set[str]] = {}  # block -> element rules hit there; anchors' areas overlap
        richest = max(
            clause_anchors,
            key=lambda i: (
                len(_element_kinds(areas[i], hits, element_rules, kinds_in)),
                document.blocks[i].kind is BlockKind.HEADING,
                -i,
            ),
        )
        first = document.blocks[richest]
        where = " > ".join(first.heading_path + ((first.text,) if first.kind is BlockKind.HEADING else ()))
        location = f"{where} ({first.location()})" if where else first.location()
    return ClauseOutcome(
        clause=Clause(
            present=present,
            location=location,
            evidence=tuple(anchor_evidence),
            elements=tuple(
                elements
                if present
                else (
                    ElementResult(id=e.element, rule=e.id, name_nl=e.name_nl, name_en=e.name_en, found=False)
                    for e in ruleset.elements
                )
            ),
        ),
        decoys=tuple(decoys),
        regions=frozenset(region),
        annex_refs=annex_refs,
    )


def _element_kinds(area: list[int], hits: HitIndex, element_rules: set[str], kinds_in: dict[int, set[str]]) -> set[str]:
    kinds: set[str] = set()
    for i in area:
        here = kinds_in.get(i)
        if here is None:
            here = kinds_in[i] = {h.rule for h in hits.in_block(i, element_rules)}
        kinds |= here
        if len(kinds) == len(element_rules):
            break  # every element is there: a bigger area cannot say more
    return kinds


def _has_elements(area: list[int], ruleset: Ruleset, hits: HitIndex, decoy_blocks: dict[int, list[int]]) -> bool:
    element_rules = {r.id for r in ruleset.elements}
    return any(hits.in_block(i, element_rules) for i in area if i not in decoy_blocks)


# what may stand between an abbreviation and the words that define it: "ISV: ...", "ISV (...", "ISV | ...",
# "ISV staat voor een ...", "Met ISV wordt een ... bedoeld", "ISV means an ..."
_DEFINES = re.compile(
    r"[\s:=(|–-]*(?:(?:means|stands\s+for|staat\s+voor|voor|betekent|wordt|is)\s+)?(?:an?\s+|een\s+|de\s+|the\s+)?",
    re.IGNORECASE,
)


def _earlier_in_row(block: Block, answer: Block) -> bool:
    """Whether `block` is a cell before `answer` in its table row: the question an answer that says "the
    ISV do not apply" answers ("Artikel 12.4 verklaart de ISV van toepassing. Geldt dit ook ...?")."""
    return block.table == answer.table and block.row == answer.row and block.index < answer.index


def _defined_from(text: str, at: int = 0) -> int:
    """Where the words defining an abbreviation start, after what may stand between (`_DEFINES`)."""
    gap = _DEFINES.match(text, at)
    return gap.end() if gap is not None else at


def _bare_abbreviation(text: str, hit: Hit) -> bool:
    """A name hit that is one word ("ISV", "ISV's", "ISV-partner"), not the clause's full name."""
    return not any(c.isspace() for c in text[hit.start : hit.end])


def _abbreviation_defined(
    document: Document, ruleset: Ruleset, hits: HitIndex, name_rules: set[str]
) -> tuple[DecoyRule, Hit] | None:
    """The decoy that defines the clause's abbreviation as something else in this document ("ISV:
    Independent Software Vendor"), with its hit: then the document means that by it everywhere,
    headings included."""
    for rule in ruleset.decoys:
        if not rule.defines_abbreviation:
            continue
        for hit in hits.by_rule.get(rule.id, ()):
            block = document.blocks[hit.block]
            for name in hits.in_block(hit.block, name_rules):
                if (
                    name.end <= hit.start
                    and _bare_abbreviation(block.text, name)
                    and _defined_from(block.text, name.end) == hit.start
                ):
                    return rule, hit
            # "ISV | Independent Software Vendor": the abbreviation's own cell, and its meaning in the next
            before = document.blocks[hit.block - 1] if hit.block else None
            if (
                before is not None
                and block.table is not None
                and (before.table, before.row) == (block.table, block.row)
                and _defined_from(block.text) == hit.start
                and any(
                    _bare_abbreviation(before.text, name) and not before.text[name.end :].strip(" :")
                    for name in hits.in_block(before.index, name_rules)
                )
            ):
                return rule, hit
    return None


def _withdrawal(ruleset: Ruleset, hits: HitIndex, name_rules: set[str]) -> tuple[DecoyRule, Hit] | None:
    """The last place where the document withdraws the clause: a `withdraws` decoy in a block that
    names it. Everything said about the clause up to there no longer holds."""
    last: tuple[DecoyRule, Hit] | None = None
    for rule in ruleset.decoys:
        if rule.effect != "withdraws":
            continue
        for hit in hits.by_rule.get(rule.id, ()):
            if hits.in_block(hit.block, name_rules) and (last is None or hit.block > last[1].block):
                last = (rule, hit)
    return last


def _cancelling_decoy(
    document: Document,
    index: int,
    names: list[Hit],
    substance: list[Hit],
    decoys: list[DecoyRule],
    hits: HitIndex,
    obligation_rules: set[str],
) -> tuple[DecoyRule, Hit] | None:
    """The decoy that cancels this block's anchors, with the hit to report: the first in file order whose
    `effect` holds here, else, for a block shaped like a table-of-contents line, the first `toc_lines` decoy
    (such a line often stands under no heading a decoy's `sections` could name)."""
    block = document.blocks[index]
    anchors = names + substance
    decoy_ids = {rule.id for rule in decoys}
    here = [hit for hit in hits.by_block.get(index, ()) if hit.rule in decoy_ids]
    for rule in decoys:
        for hit in here:
            if hit.rule != rule.id:
                continue
            if rule.sections and not _in_sections(document, index, rule.sections):
                continue
            if rule.effect == "always":
                return rule, hit
            if rule.effect == "without_substance" and not substance:
                return rule, hit
            if rule.effect == "near_anchor" and any(_within(block.text, hit, a, rule.reach or 0) for a in anchors):
                return rule, hit
            if rule.effect == "unless_binding" and not _binding(
                block.text, anchors, hits.in_block(index, obligation_rules)
            ):
                return rule, hit
    if names and block.text.rstrip()[-1:].isdigit() and TOC_LINE.search(block.text[-_TOC_TAIL:]):
        toc = next((r for r in decoys if r.toc_lines), None)
        if toc is not None:
            return toc, names[0]
    return None


def _within(text: str, decoy: Hit, anchor: Hit, reach: int) -> bool:
    """Whether a near-anchor decoy is about this anchor: close to it, and in its sentence or in a
    sentence that refers back to it ("... de ISV. Deze zijn niet van toepassing"), not in a sentence
    about something else ("Artikel 12 van de ARVODI is niet van toepassing")."""
    if not (abs(decoy.start - anchor.end) <= reach or abs(anchor.start - decoy.end) <= reach):
        return False
    lo, hi = sentence_of(text, anchor.start, anchor.end)
    if lo <= decoy.start < hi:
        return True
    d_lo, _ = sentence_of(text, decoy.start, decoy.end)
    return bool(_REFERS_BACK.match(text, d_lo)) if d_lo >= hi else False


_REFERS_BACK = re.compile(
    r"\s*(?:deze|die|zij|ze|dit|dat|hiervan|hun|de\s+tekst|de\s+volledige\s+tekst|they|these|this|it|those|their|its"
    r"|the\s+text|the\s+full\s+text)\b",
    re.IGNORECASE,
)
