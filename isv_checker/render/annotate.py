"""The marked-up copy: the buyer's draft with Word comments on the evidence of the report.

A copy of the DOCX gets a comment on the clause's words, on the sentence that states each element found,
on each decoy set aside, and, for the missing elements, on the heading of the clause (or, without a
clause, of the contract conditions) with the model wording to insert; a first comment on the first
paragraph states the verdict. Findings that would cover the same words share one comment (two elements
stated in one sentence, the missing elements under one heading), so no words carry two comments.
Nothing else changes: the copy is python-docx's round trip of the original package plus the comments
part and the comment markers in the body.

Evidence is found again by its paragraph number, counted exactly as the reader counts it
(`readers.docx.counted_paragraphs`), and by its quoted words inside that paragraph (a table cell's
block may hold several paragraphs of the cell). Where the quote is found, the runs are split so the
comment covers just those words (or their sentence); where it is not, the comment covers the paragraph
and says so. Evidence in headers, footers and notes cannot carry a body comment: it goes on the first
paragraph and names where the words are. The document is never read or judged again.
"""

from __future__ import annotations

import copy
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..document import DocFormat
from ..i18n.catalogue import messages
from ..i18n.notation import location_label
from ..readers.wordml import (
    ALTERNATE_CONTENT,
    INLINE_SKIP,
    PPR,
    RPR,
    SDT,
    TC,
    TXBX_CONTENT,
    P,
    R,
    T,
    W,
    alternate_branch,
    printed,
    run_text,
    sdt_content,
)
from ..report import Evidence, Report
from ..ruleset.load import Ruleset
from .memo import advice_elements, short_quote, verdict_sentence, wording_language

AUTHOR = "isv-checker"
INITIALS = "ISV"
QUOTE_CHARS = 200

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SPLITTABLE = frozenset(
    (T, RPR, W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "lastRenderedPageBreak", W + "softHyphen")
)

# Headings under which a missing clause belongs, best first (matched in lower case, anywhere in the heading).
CONDITIONS_HEADINGS = (
    "uitvoeringsvoorwaarden",
    "contractvoorwaarden",
    "bijzondere voorwaarden",
    "voorwaarden",
    "contract performance conditions",
    "contract conditions",
    "conditions of contract",
    "special conditions",
    "conditions",
    "overeenkomst",
    "agreement",
    "contract",
)


class AnnotateError(Exception):
    """The draft cannot be marked up (not a DOCX, or a package python-docx cannot open)."""


@dataclass(frozen=True)
class Placed:
    """One comment in the copy: what it is about, the paragraph it sits on, and whether it covers just
    the words it was meant for. Findings that would cover the same words share one comment, so a
    comment can be about several (`kinds`, in the order of its text)."""

    comment_id: int
    kinds: tuple[str, ...]  # summary, clause, element, decoy, missing
    paragraph: int | None
    exact: bool
    text: str

    @property
    def kind(self) -> str:
        return self.kinds[0]


@dataclass(frozen=True)
class Annotated:
    data: bytes
    comments: tuple[Placed, ...]


@dataclass(frozen=True)
class _Segment:
    top: Any  # the paragraph's child that holds the run (the run itself, or a hyperlink, w:ins, ...)
    run: Any
    text: str


@dataclass(frozen=True)
class _Anchor:
    first: Any
    last: Any
    paragraph: int | None
    exact: bool


def _segments(paragraph: Any) -> list[_Segment]:
    """The runs of a paragraph in reading order with the text the reader reads in them; text boxes are
    paragraphs of their own."""
    out: list[_Segment] = []

    def visit(element: Any, top: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in INLINE_SKIP or tag == PPR:
                continue
            holder = top if top is not None else child
            if tag == R:
                out.append(_Segment(holder, child, run_text(child)))
            elif tag == SDT:
                content = sdt_content(child)
                if content is not None:
                    visit(content, holder)
            elif tag == ALTERNATE_CONTENT:
                branch = alternate_branch(child)
                if branch is not None:
                    visit(branch, holder)
            else:
                visit(child, holder)

    visit(paragraph, None)
    return out


def _normalised(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs as one space, and the original index of each character."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace() or char == "\u00a0":
            if chars and chars[-1] == " ":
                continue
            char = " "
        else:
            lowered = char.lower()
            char = lowered if len(lowered) == 1 else char
        chars.append(char)
        where.append(index)
    return "".join(chars), where


def _find(text: str, quote: str, near: int) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, ignoring case and spacing; of several, the one nearest `near`."""
    wanted = " ".join(quote.split())
    if wanted.endswith("…") and len(quote) >= 290:  # the report cut a long quote
        wanted = wanted[:-1].rstrip()
    if not wanted:
        return None
    hay, where = _normalised(text)
    needle, _ = _normalised(wanted)
    best: tuple[int, int] | None = None
    position = hay.find(needle)
    while position != -1:
        start, end = where[position], where[position + len(needle) - 1] + 1
        if best is None or abs(start - near) < abs(best[0] - near):
            best = (start, end)
        position = hay.find(needle, position + 1)
    return best


def _split(run: Any, offset: int) -> Any | None:
    """Split a plain run at a character offset; the run keeps the left part, the returned copy (placed
    after it) the right part. None for runs with fields, drawings or other content that cannot be split."""
    children = [c for c in run if c.tag != RPR]
    if any(not isinstance(c.tag, str) or c.tag not in _SPLITTABLE for c in children) or run_text(run) == "":
        return None
    right = copy.deepcopy(run)
    right_children = [c for c in right if c.tag != RPR]
    position = 0
    for left_child, right_child in zip(children, right_children, strict=True):
        length = len(printed(left_child) or "")
        if position + length <= offset:
            right.remove(right_child)
        elif position >= offset:
            run.remove(left_child)
        else:
            cut = offset - position
            text = left_child.text or ""
            left_child.text, right_child.text = text[:cut], text[cut:]
            left_child.set(_XML_SPACE, "preserve")
            right_child.set(_XML_SPACE, "preserve")
        position += length
    run.addnext(right)
    return right


def _host(paragraph: Any) -> Any:
    """The body paragraph that holds a text box's paragraph (the paragraph itself outside text boxes)."""
    host = paragraph
    node = paragraph.getparent()
    inside_box = False
    while node is not None:
        if node.tag == TXBX_CONTENT:
            inside_box = True
        elif node.tag == P and inside_box:
            host, inside_box = node, False
        node = node.getparent()
    return host


def _top_child(paragraph: Any, element: Any) -> Any:
    node = element
    while node.getparent() is not None and node.getparent() is not paragraph:
        node = node.getparent()
    return node


# Words before a full stop that do not end a sentence (lower case, without the stop): "art. 5", "o.a. De".
_ABBREVIATIONS = frozenset({
    "art", "artt", "nr", "nrs", "lid", "par", "blz", "p", "pp", "hfdst", "hst", "bijl", "bijv", "bv", "ca",
    "cf", "dhr", "mevr", "mr", "dr", "drs", "ir", "ing", "incl", "excl", "etc", "jo", "resp", "vgl", "zgn",
    "e.g", "i.e", "vs", "no", "nos", "para", "sect", "fig",
})  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)\]]*\s+|\s*\n\s*")


def _sentence_starts(text: str) -> list[int]:
    """Where the sentences of a paragraph's text begin: after a line break, or after a stop followed by
    a capital or a digit, unless the word before the stop is an abbreviation."""
    starts = [0]
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] in ".!?":
            after = text[match.end() : match.end() + 2].lstrip('"“‘([')
            if not after or not (after[0].isupper() or after[0].isdigit()):
                continue
            before = text[: match.start()].split()
            word = before[-1].lstrip('"“‘([').lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if "." in word and not word[:1].isdigit():  # o.a., m.b.t., t.a.v.
                continue
        starts.append(match.end())
    return starts


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence, or run of sentences, of `text` that holds text[start:end]: a found
    element's comment covers the sentence that states it, so elements stated apart sit apart."""
    starts = _sentence_starts(text)
    first = max(s for s in starts if s <= start)
    last = min((s for s in starts if s >= end), default=len(text))
    while first < start and text[first].isspace():
        first += 1
    while last > end and text[last - 1].isspace():
        last -= 1
    return first, last


@dataclass(frozen=True)
class _Span:
    """Where a comment goes, as characters of a counted paragraph's text (all of it when `start` is
    None), with why it is not on the quoted words. Spans are worked out before the copy is changed,
    so that comments landing on the same words can be made one."""

    paragraph: int
    start: int | None
    end: int | None
    note: str = ""


class _Locator:
    """Finds where a piece of evidence sits in the copy's body, numbering paragraphs as the reader does."""

    def __init__(self, document: Any, lang: str, t: dict[str, str]) -> None:
        from ..readers.docx import counted_paragraphs

        numbering = None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        self.lang = lang
        self.t = t
        self.paragraphs = {
            c.number: c for c in counted_paragraphs(document.element.body, document.styles.element, numbering)
        }
        if not self.paragraphs:
            raise AnnotateError(t["annotate.no_paragraph"])
        self.first_number = min(self.paragraphs)

    def text_of(self, number: int) -> str:
        return "".join(s.text for s in _segments(self.paragraphs[number].element))

    # --- where a comment goes (the copy is not changed) ---

    def place(self, kind: str, evidence: Evidence | None) -> _Span:
        """The span of a comment: the summary on the first paragraph, a found element on the sentence
        that states it, missing elements on the heading over the clause, anything else on its words."""
        if evidence is None:
            return self.conditions() if kind == "missing" else self.first_paragraph()
        if kind == "missing":
            heading = self.heading_over(evidence)
            if heading is not None:
                return self.whole(heading)
        return self.evidence(evidence, sentence=kind == "element")

    def whole(self, number: int, note: str = "") -> _Span:
        in_box = _host(self.paragraphs[number].element) is not self.paragraphs[number].element
        return _Span(number, None, None, note or (self.t["c_text_box"] if in_box else ""))

    def first_paragraph(self, note: str = "") -> _Span:
        return self.whole(self.first_number, note)

    def evidence(self, evidence: Evidence, sentence: bool = False) -> _Span:
        if evidence.paragraph is None:
            where = location_label(evidence.location, self.lang)
            return self.first_paragraph(self.t["c_elsewhere"].format(location=where))
        if evidence.paragraph not in self.paragraphs:
            return self.first_paragraph(self.t["c_paragraph_missing"].format(paragraph=evidence.paragraph))
        number = evidence.paragraph
        element = self.paragraphs[number].element
        if _host(element) is not element:
            return self.whole(number)
        offset = 0
        for candidate in self._cell_paragraphs(number):
            text = self.text_of(candidate)
            lead = len(text) - len(text.lstrip())
            span = _find(text, evidence.quote, evidence.start - offset + lead)
            if span is not None:
                return _Span(candidate, *(_sentence(text, *span) if sentence else span))
            offset += len(text.strip()) + 1
        return self.whole(number, self.t["c_not_located"])

    def heading_over(self, evidence: Evidence) -> int | None:
        """The heading nearest above the quoted words (the words' own paragraph when it is a heading)."""
        if evidence.paragraph is None or evidence.paragraph not in self.paragraphs:
            return None
        headings = [n for n, c in self.paragraphs.items() if c.heading_level is not None and n <= evidence.paragraph]
        return max(headings, default=None)

    def _cell_paragraphs(self, number: int) -> Iterator[int]:
        """The paragraph and, in a table cell, the cell's later paragraphs (its block joins them)."""
        yield number
        cell = next((a for a in self.paragraphs[number].element.iterancestors(TC)), None)
        if cell is None:
            return
        following = number + 1
        while following in self.paragraphs:
            ancestors = list(self.paragraphs[following].element.iterancestors(TC))
            if not ancestors or ancestors[0] is not cell:
                return
            yield following
            following += 1

    def conditions(self) -> _Span:
        """Where a missing clause belongs: the contract-conditions heading, else the first paragraph."""
        headings = [
            (n, " ".join(self.text_of(n).lower().split()))
            for n, c in sorted(self.paragraphs.items())
            if c.heading_level
        ]
        for word in CONDITIONS_HEADINGS:
            for number, text in headings:
                if word in text:
                    return self.whole(number)
        return self.first_paragraph()

    def reach(self, span: _Span) -> tuple[Any, float, float]:
        """The body paragraph a span's markers go in and the characters they cover there (all of a
        paragraph that holds a text box, since the box is one piece of it)."""
        element = self.paragraphs[span.paragraph].element
        host = _host(element)
        if host is not element or span.start is None or span.end is None:
            return host, 0, math.inf
        return element, span.start, span.end

    def union(self, spans: list[_Span]) -> _Span:
        """One span over spans whose reaches overlap: the words from the first to the last, or the
        whole paragraph (the one that holds the others, for a text box and its host)."""
        first = spans[0]
        if all(s.paragraph == first.paragraph and s.start is not None and s.end is not None for s in spans):
            return _Span(first.paragraph, min(s.start or 0 for s in spans), max(s.end or 0 for s in spans))
        outer = next(
            (s for s in spans if _host(self.paragraphs[s.paragraph].element) is self.paragraphs[s.paragraph].element),
            first,
        )
        return _Span(outer.paragraph, None, None)

    # --- putting the markers in the copy ---

    def anchor(self, span: _Span) -> _Anchor:
        """The first and last element of the comment's range, splitting runs so it covers just the span."""
        element = self.paragraphs[span.paragraph].element
        host = _host(element)
        if host is not element:
            top = _top_child(host, element)
            return _Anchor(top, top, span.paragraph, False)
        segments = _segments(element)
        if span.start is None or span.end is None:
            if not segments:  # text only in math or similar: the markers go inside the paragraph
                return _Anchor(element, element, span.paragraph, False)
            return _Anchor(segments[0].top, segments[-1].top, span.paragraph, False)
        return self._exact(span.paragraph, segments, span.start, span.end)

    def _exact(self, number: int, segments: list[_Segment], start: int, end: int) -> _Anchor:
        bounds = []
        position = 0
        for segment in segments:
            bounds.append((position, position + len(segment.text)))
            position += len(segment.text)
        first = next(i for i, (a, b) in enumerate(bounds) if a <= start < b)
        last = next(i for i, (a, b) in enumerate(bounds) if a < end <= b)
        first_seg, last_seg = segments[first], segments[last]
        first_el, last_el = first_seg.top, last_seg.top
        exact = True
        # split the last run first, so offsets in the first run stay valid when both are the same run
        if last_seg.top is last_seg.run and end < bounds[last][1]:
            if _split(last_seg.run, end - bounds[last][0]) is None:
                exact = False
        elif last_seg.top is not last_seg.run and end < bounds[last][1]:
            exact = False
        if first_seg.top is first_seg.run and start > bounds[first][0]:
            right = _split(first_seg.run, start - bounds[first][0])
            if right is None:
                exact = False
            else:
                first_el = right
                if first == last:
                    last_el = right
        elif first_seg.top is not first_seg.run and start > bounds[first][0]:
            exact = False
        return _Anchor(first_el, last_el, number, exact)


def _mark(first: Any, last: Any, comment_id: int) -> None:
    """Put the comment's range around first..last (children of one paragraph) and its reference after it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): str(comment_id)})
    end = OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): str(comment_id)})
    reference = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    properties.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    reference.append(properties)
    reference.append(OxmlElement("w:commentReference", attrs={qn("w:id"): str(comment_id)}))
    if first.tag == P:  # a paragraph without runs: mark inside it
        first.append(start)
        first.append(end)
        first.append(reference)
        return
    first.addprevious(start)
    while _is_comment_end(last.getnext()):  # after the ends of earlier comments, so comments keep their order
        last = last.getnext()
    last.addnext(end)
    end.addnext(reference)


def _is_comment_end(element: Any) -> bool:
    if element is None:
        return False
    if element.tag == W + "commentRangeEnd":
        return True
    return element.tag == R and element.find(W + "commentReference") is not None


def _quote_line(t: dict[str, str], evidence: Evidence, lang: str) -> str:
    return t["c_quote"].format(
        quote=short_quote(evidence.quote, QUOTE_CHARS), location=location_label(evidence.location, lang)
    )


def _plan(report: Report, ruleset: Ruleset, lang: str) -> Iterator[tuple[str, Evidence | None, str]]:
    """(kind, evidence to anchor on or None, comment text) for every comment, in the order they are added."""
    t = messages(lang, ruleset.vocabulary)
    clause = report.clause
    summary = t["c_summary"].format(sentence=verdict_sentence(report, ruleset, lang))
    ruleset_text = f"{report.ruleset.id} {report.ruleset.version}" if report.ruleset else t["unknown"]
    yield (
        "summary",
        None,
        summary + "\n" + t["c_summary_rules"].format(ruleset=ruleset_text, version=report.checker.version),
    )
    clause_evidence = clause.evidence[0] if clause is not None and clause.present and clause.evidence else None
    if clause is not None and clause.present:
        found = [e for e in clause.elements if e.found]
        lines = [t["c_clause"].format(found=len(found))]
        missing = [(e.name_en if lang == "en" else e.name_nl) for e in clause.elements if not e.found]
        if missing:
            lines.append(t["c_clause_missing_list"].format(names="; ".join(missing)))
        if clause_evidence is not None:
            lines.append(_quote_line(t, clause_evidence, lang))
        yield "clause", clause_evidence, "\n".join(lines)
        for element in found:
            name = element.name_en if lang == "en" else element.name_nl
            text = t["c_element"].format(name=name)
            if element.evidence:
                text += "\n" + _quote_line(t, element.evidence[0], lang)
            yield "element", element.evidence[0] if element.evidence else clause_evidence, text
    reasons = {d.id: (d.reason_en if lang == "en" else d.reason_nl) for d in ruleset.decoys}
    seen: set[tuple[str, int]] = set()
    for decoy in report.decoys:
        key = (decoy.rule, decoy.evidence.block)
        if key in seen:
            continue
        seen.add(key)
        reason = reasons.get(decoy.rule, decoy.reason)
        yield "decoy", decoy.evidence, t["c_decoy"].format(reason=reason) + "\n" + _quote_line(t, decoy.evidence, lang)
    elements = {e.element: e for e in ruleset.elements}
    wording_lang = wording_language(report, lang)
    where = t["c_where_clause"] if clause_evidence is not None else t["c_where_conditions"]
    for element_id in advice_elements(report):
        rule = elements.get(element_id)
        if rule is None:
            continue
        name = rule.name_en if lang == "en" else rule.name_nl
        wording = rule.model_wording_en if wording_lang == "en" else rule.model_wording_nl
        yield "missing", clause_evidence, t["c_missing_element"].format(name=name, where=where) + "\n" + wording


def _merged(
    locator: _Locator, plan: list[tuple[str, Evidence | None, str]], t: dict[str, str]
) -> list[tuple[_Span, list[tuple[str, str]]]]:
    """The planned comments as the copy gets them: those whose words overlap made one comment over all
    their words (two elements stated in one sentence, the missing elements under one heading), in the
    order of their first comment. Each text carries the note of where its own words are."""
    groups: list[tuple[list[_Span], list[tuple[str, str]]]] = []
    for kind, evidence, text in plan:
        try:
            span = locator.place(kind, evidence)
        except Exception:  # noqa: BLE001 - a comment in a slightly wrong place beats no copy at all
            span = locator.first_paragraph(t["c_not_located"])
        entry = (kind, text + ("\n" + span.note if span.note else ""))
        touching = [g for g in groups if any(_overlap(locator.reach(span), locator.reach(s)) for s in g[0])]
        if not touching:
            groups.append(([span], [entry]))
            continue
        keep = touching[0]
        for other in touching[1:]:
            keep[0].extend(other[0])
            keep[1].extend(other[1])
            groups.remove(other)
        keep[0].append(span)
        keep[1].append(entry)
    return [(locator.union(spans), entries) for spans, entries in groups]


def _overlap(one: tuple[Any, float, float], other: tuple[Any, float, float]) -> bool:
    return one[0] is other[0] and one[1] < other[2] and other[1] < one[2]


def annotate_docx(
    data: bytes,
    report: Report,
    ruleset: Ruleset,
    lang: str = "nl",
    *,
    author: str = AUTHOR,
    initials: str = INITIALS,
) -> Annotated:
    """A marked-up copy of the DOCX `data`, whose report is `report`; `data` itself is not touched."""
    t = messages(lang, ruleset.vocabulary)
    if report.document.format is not DocFormat.DOCX:
        raise AnnotateError(t["annotate.not_docx"].format(file_kind=t[f"format.{report.document.format.value}"]))
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for packages it refuses
        raise AnnotateError(t["annotate.cannot_open"].format(error=f"{type(exc).__name__}: {exc}")) from None
    locator = _Locator(document, lang, t)
    placed: list[Placed] = []
    for span, group in _merged(locator, list(_plan(report, ruleset, lang)), t):
        try:
            anchor = locator.anchor(span)
        except Exception:  # noqa: BLE001 - a comment in a slightly wrong place beats no copy at all
            anchor = locator.anchor(locator.first_paragraph())
            group = [(kind, text + "\n" + t["c_not_located"]) for kind, text in group]
        body = "\n\n".join(text for _, text in group)
        comment = document.comments.add_comment(text=body, author=author, initials=initials)
        _mark(anchor.first, anchor.last, comment.comment_id)
        placed.append(
            Placed(comment.comment_id, tuple(kind for kind, _ in group), anchor.paragraph, anchor.exact, body)
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return Annotated(buffer.getvalue(), tuple(placed))


def comment_ranges(data: bytes) -> dict[int, str]:
    """The text each comment covers in a DOCX, by comment id (for tests and for checking a copy by hand)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    open_ranges: dict[int, list[str]] = {}
    done: dict[int, str] = {}
    for element in root.iter():
        if element.tag == W + "commentRangeStart":
            open_ranges[int(element.get(W + "id"))] = []
        elif element.tag == W + "commentRangeEnd":
            number = int(element.get(W + "id"))
            done[number] = "".join(open_ranges.pop(number, []))
        elif element.tag == T:
            for parts in open_ranges.values():
                parts.append(element.text or "")
    return done
