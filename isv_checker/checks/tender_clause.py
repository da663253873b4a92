"""The clause of a tender, gathered across its files and amended by its notes of information.

The files that do not amend hold the clause between them: the clause is present when one of them holds
it (an annex "Bijlage 6 Internationale Sociale Voorwaarden" as much as the contract's own article), and
an element counts when any of them states it, quoted from the file that states most of the clause. Then the
notes are applied in order (`tender_parts.in_order`): a note that withdraws the clause (a `withdraws` decoy,
decoys.yaml) removes it; a sentence that names an element of the clause with a deleting word
(rules/tender.yaml `deletes`) removes that element; wording that states the clause or an element adds
it. Each change is an `Amendment`.

An annex the clause is said to be in ("zie Bijlage 6") is looked for among the tender's files by its
name or title; one that is not there is reported, since the clause's text may be in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..document import BlockKind
from ..report import Clause, DecoyResult, ElementResult, Evidence
from ..ruleset.load import Ruleset
from ..tender.report import Amendment, with_file
from .clause import ANNEX_REF, ANNEX_WORDS, SENTENCE_END, AnnexRef, sentence_of
from .evidence import evidence
from .tender_parts import Part
from .tender_roles import any_of

MAX_ANCHORS = 3
_NOWHERE = Evidence(block=0, start=0, end=0, quote="", location="")


@dataclass(frozen=True, slots=True)
class AbsentAnnex:
    file: str  # the file that refers to the annex
    ref: AnnexRef


@dataclass(frozen=True, slots=True)
class GatheredClause:
    clause: Clause
    decoys: tuple[DecoyResult, ...]
    amendments: tuple[Amendment, ...]
    absent_annexes: tuple[AbsentAnnex, ...]


def gather_clause(parts: Sequence[Part], ruleset: Ruleset) -> GatheredClause:
    readable = [p for p in parts if p.assessment is not None]
    # the file that states most of the clause is quoted first (the ISV annex, not a requirements annex
    # that names a norm), then by rank and order
    base = sorted((p for p in readable if not p.role.amends), key=lambda p: (-_stated(p), p.role.rank, p.order))
    notes = sorted((p for p in readable if p.role.amends), key=lambda p: p.order)
    present = False
    anchors: list[Evidence] = []
    held: dict[str, tuple[Evidence, ...]] = {}  # element id -> its quotes
    richest: tuple[int, str] | None = None  # (elements stated, location) of the file that says most
    for part in base:
        clause = part.assessment.outcome.clause if part.assessment else None
        if clause is None or not clause.present:
            continue
        present = True
        anchors.extend(clause.evidence[: MAX_ANCHORS - len(anchors)])
        found = [e for e in clause.elements if e.found]
        for element in found:
            held.setdefault(element.id, element.evidence)
        if richest is None or len(found) > richest[0]:
            richest = (len(found), f"{part.file}: {clause.location}")
    amendments: list[Amendment] = []
    withdrawing = {r.id for r in ruleset.decoys if r.effect == "withdraws"}
    clause_files = [p for p in base if p.assessment is not None and p.assessment.outcome.clause.present]
    sections = _clause_sections(clause_files, held, anchors)
    by_file = {p.file: p for p in readable}
    for note in notes:
        assert note.assessment is not None
        change = _note_changes(note, ruleset, sections, clause_files)
        withdrawn = [
            d for d in note.assessment.outcome.decoys if d.rule in withdrawing and not _names_element(note, d, ruleset)
        ]
        if withdrawn and (present or held):
            present, held = False, {}
            amendments.append(Amendment(file=note.file, change="removes_clause", evidence=(withdrawn[-1].evidence,)))
        for ref, quote in change.cut.items():
            if present and anchors and all(_in_section(e, ref, by_file) for e in anchors):
                present, held = False, {}
                amendments.append(Amendment(file=note.file, change="removes_clause", evidence=(quote,)))
                break
            for element_id in list(held):
                kept = tuple(e for e in held[element_id] if not _in_section(e, ref, by_file))
                if kept:
                    held[element_id] = kept
                elif element_id not in change.deleted:
                    change.deleted[element_id] = quote
        for element_id, quote in change.deleted.items():
            if held.pop(element_id, None) is not None:
                amendments.append(
                    Amendment(file=note.file, change="removes_element", element=element_id, evidence=(quote,))
                )
        clause = note.assessment.outcome.clause
        added = dict(change.added)
        if clause.present:
            for element in clause.elements:
                if element.found:
                    added.setdefault(element.id, element.evidence)
        added = {k: v for k, v in added.items() if k not in change.deleted}
        if (clause.present or added) and not present:
            present = True
            first = clause.evidence[:1] if clause.present else next(iter(added.values()))[:1]
            amendments.append(Amendment(file=note.file, change="adds_clause", evidence=first))
            if richest is None:
                richest = (0, f"{note.file}: {clause.location}" if clause.location else note.file)
        for element_id, quotes in added.items():
            if element_id not in held:
                held[element_id] = quotes
                amendments.append(
                    Amendment(file=note.file, change="adds_element", element=element_id, evidence=quotes[:1])
                )
    elements = tuple(
        ElementResult(
            id=rule.element,
            rule=rule.id,
            name_nl=rule.name_nl,
            name_en=rule.name_en,
            found=present and rule.element in held,
            evidence=held.get(rule.element, ()) if present else (),
        )
        for rule in ruleset.elements
    )
    decoys = tuple(d for p in readable for d in p.assessment.outcome.decoys) if readable else ()  # type: ignore[union-attr]
    return GatheredClause(
        clause=Clause(
            present=present,
            location=richest[1] if present and richest else None,
            evidence=tuple(anchors) if present else (),
            elements=elements,
        ),
        decoys=decoys,
        amendments=tuple(amendments),
        absent_annexes=_absent_annexes(base, parts),
    )


@dataclass(slots=True)
class _NoteChanges:
    deleted: dict[str, Evidence] = field(default_factory=dict)  # element id -> the deleting sentence
    cut: dict[str, Evidence] = field(default_factory=dict)  # section number -> the sentence deleting it
    added: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)  # element id -> where it is stated


_SECTION_WORDS = r"(?:paragraaf|par\.|artikel|art\.|hoofdstuk|lid|bepaling|section|clause|article|chapter|§)"
_SECTION_IN_TEXT = re.compile(rf"{_SECTION_WORDS}\s*(\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})[a-z]?\b", re.IGNORECASE)
_SECTION_CELL = re.compile(r"^\D{0,20}?(\d{1,2}(?:\.\d{1,2}){0,3})[a-z]?\s*$")
_LEADING_NUMBER = re.compile(rf"^\s*(?:{_SECTION_WORDS}\s*)?(\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})(?![\d,])", re.IGNORECASE)


def _stated(part: Part) -> int:
    """How many elements a file's own clause states (0 without a clause)."""
    clause = part.assessment.outcome.clause if part.assessment else None
    return sum(e.found for e in clause.elements) if clause is not None and clause.present else 0


def _note_changes(note: Part, ruleset: Ruleset, sections: frozenset[str], clause_files: Sequence[Part]) -> _NoteChanges:
    """What a note says about the clause, passage by passage (a Q&A table's row, else a block): in a
    passage about the clause, a statement with a deleting word removes the elements it names and the
    sections it numbers ("Paragraaf 7.4.5 vervalt"); other statements add the elements they state. A
    question (a cell or sentence ending in "?") changes nothing."""
    assert note.assessment is not None
    hits, document = note.assessment.hits, note.document
    deleting = any_of(ruleset.tender.deletes)
    names = {r.id for r in ruleset.anchors if r.strength == "name"}
    elements = {r.id: r.element for r in ruleset.elements}
    out = _NoteChanges()
    for unit in _passages(note):
        if not _about_clause(note, unit, names, sections, clause_files):
            continue
        for index in unit:
            text = document.blocks[index].text
            if text.rstrip().endswith("?"):
                continue
            block_hits = [h for h in hits.by_block.get(index, ()) if h.rule in elements]
            for lo, hi in _sentences(text):
                sentence = text[lo:hi]
                if not sentence.strip() or sentence.rstrip().endswith("?"):
                    continue
                quote = with_file(evidence(document, index, lo, hi), note.file)
                stated = [h for h in block_hits if lo <= h.start < hi]
                if deleting.search(sentence):
                    for hit in stated:
                        out.deleted.setdefault(elements[hit.rule], quote)
                    for ref in _section_refs(sentence):
                        out.cut.setdefault(ref, quote)
                else:
                    for hit in stated:
                        found = with_file(evidence(document, index, hit.start, hit.end), note.file)
                        out.added.setdefault(elements[hit.rule], (found,))
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; "7.4.5" and "art. 3" do not end one (the clause's sentence ends)."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    starts = [0, *ends]
    return [(lo, hi) for lo, hi in zip(starts, [*ends, len(text)], strict=True) if hi > lo]


def _passages(note: Part) -> list[list[int]]:
    """A note's passages: the cells of one table row together, every other block alone."""
    rows: dict[tuple[int, int], list[int]] = {}
    out: list[list[int]] = []
    for block in note.document.blocks:
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if block.kind is BlockKind.TABLE_CELL and block.table is not None and block.row is not None:
            key = (block.table, block.row)
            if key not in rows:
                rows[key] = []
                out.append(rows[key])
            rows[key].append(block.index)
        else:
            out.append([block.index])
    return out


def _about_clause(
    note: Part, unit: list[int], names: set[str], sections: frozenset[str], clause_files: Sequence[Part]
) -> bool:
    """Whether a passage is about the clause: it names it, lies in the note's own clause, refers to a
    section the clause is in ("6", "paragraaf 7.4.5"), or to the annex file that holds it ("Bijlage 6")."""
    assert note.assessment is not None
    hits, blocks = note.assessment.hits, note.document.blocks
    if any(hits.in_block(i, names) or i in note.assessment.outcome.regions for i in unit):
        return True
    for index in unit:
        text = blocks[index].text
        refs = set(_section_refs(text))
        cell = _SECTION_CELL.match(text) if len(text) <= 30 else None
        if cell:
            refs.add(cell.group(1))
        if any(_within(ref, section) for ref in refs for section in sections):
            return True
        for m in ANNEX_REF.finditer(text):
            ref = AnnexRef(key=(m.group(1).lower(), m.group(2).lower()), label=m.group(), evidence=_NOWHERE)
            if any(_is_annex(part, ref) for part in clause_files):
                return True
    return False


def _section_refs(text: str) -> list[str]:
    return [m.group(1) for m in _SECTION_IN_TEXT.finditer(text)]


def _within(ref: str, section: str) -> bool:
    """Whether section number `ref` lies in `section` ("7.4.5" in "7.4", "6.2" in "6")."""
    return ref == section or ref.startswith(section + ".")


def _clause_sections(
    holders: Sequence[Part], held: dict[str, tuple[Evidence, ...]], anchors: list[Evidence]
) -> frozenset[str]:
    """The section numbers the clause stands in, in the files that hold it: the number of the heading
    over each quote of the clause ("7.4 Internationale Sociale Voorwaarden"), else of its paragraph."""
    by_file = {p.file: p for p in holders}
    out: set[str] = set()
    for quote in (*anchors, *(e for quotes in held.values() for e in quotes)):
        number = _section_of(quote, by_file)
        if number:
            out.add(number)
    return frozenset(out)


def _section_of(quote: Evidence, by_file: dict[str, Part]) -> str | None:
    for heading in reversed(quote.heading_path):
        m = _LEADING_NUMBER.match(heading)
        if m:
            return m.group(1)
    part = by_file.get(quote.file or "")
    if part is not None and quote.block < len(part.document.blocks):
        m = _LEADING_NUMBER.match(part.document.blocks[quote.block].text)
        if m:
            return m.group(1).rsplit(".", 1)[0] if "." in m.group(1) else m.group(1)
    return None


def _in_section(quote: Evidence, ref: str, by_file: dict[str, Part]) -> bool:
    """Whether a quote lies in section `ref`: under a heading so numbered, or in a paragraph that starts so."""
    if any((m := _LEADING_NUMBER.match(h)) and _within(m.group(1), ref) for h in quote.heading_path):
        return True
    part = by_file.get(quote.file or "")
    if part is None or quote.block >= len(part.document.blocks):
        return False
    m = _LEADING_NUMBER.match(part.document.blocks[quote.block].text)
    return bool(m and _within(m.group(1), ref))


def _names_element(note: Part, decoy: DecoyResult, ruleset: Ruleset) -> bool:
    """Whether a withdrawing sentence is about one element rather than the whole clause."""
    assert note.assessment is not None
    text = note.document.blocks[decoy.evidence.block].text
    lo, hi = sentence_of(text, decoy.evidence.start, decoy.evidence.end)
    elements = {r.id for r in ruleset.elements}
    return any(lo <= h.start < hi for h in note.assessment.hits.in_block(decoy.evidence.block, elements))


def _absent_annexes(base: Sequence[Part], parts: Sequence[Part]) -> tuple[AbsentAnnex, ...]:
    out: list[AbsentAnnex] = []
    for part in base:
        assert part.assessment is not None
        for ref in part.assessment.outcome.annex_refs:
            if not any(other is not part and _is_annex(other, ref) for other in parts):
                out.append(AbsentAnnex(file=part.file, ref=ref))
    return tuple(out)


# the annex words of a reference, and "attachment", which names a file ("Attachment 6 ISV.pdf")
_ANNEX_WORDS = "(?:" + "|".join((*ANNEX_WORDS, "attachment")) + ")"


def _is_annex(part: Part, ref: AnnexRef) -> bool:
    """Whether a file is the annex `ref` names, by its name or its opening headings: "Bijlage 6", "Bijlage_06",
    "Annex 6" all name annex 6 (the word is the writer's, the number is the annex's)."""
    number = ref.key[1].lstrip("0") or "0"
    pattern = re.compile(rf"\b{_ANNEX_WORDS}[\s_\-.]*0*{re.escape(number)}\b", re.IGNORECASE)
    if pattern.search(part.file):
        return True
    headings = [b.text for b in part.document.blocks[:20] if b.kind is BlockKind.HEADING][:3]
    return any(pattern.search(h) for h in headings) or bool(pattern.search(part.document.properties.get("title", "")))
