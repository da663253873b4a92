"""Runs every rule's terms over a document's blocks with spaCy's matchers, once per document.

Matching is on tokens from spaCy's blank Dutch or English tokenizer (no model, nothing downloaded),
case-insensitive. A trailing `*` on a word matches any token starting so, which is how Dutch
compounds and inflections ("risico*" → risico's, risicoanalyse, risico-inventarisatie) are written
down once. Matchers are built once per process and language, never per document.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .document import Block
from .ruleset.models import Matcher as MatchSpec
from .ruleset.models import Rule

_KEY_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule fired in block `block` at text[start:end] of that block. For a `near` match the span covers
    every group; `focus_start:focus_end` is the first group's words (e.g. the authority's name)."""

    rule: str
    block: int
    start: int
    end: int
    focus_start: int = -1
    focus_end: int = -1

    @property
    def focus(self) -> tuple[int, int]:
        return (self.start, self.end) if self.focus_start < 0 else (self.focus_start, self.focus_end)


class _Compiled:
    def __init__(self, language: str, specs: Sequence[tuple[str, MatchSpec]]) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = spacy.blank(language)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.patterns = Matcher(self.nlp.vocab)
        self.specs: dict[str, MatchSpec] = {}
        for name, spec in specs:
            self.add(name, spec)

    def add(self, name: str, spec: MatchSpec) -> None:
        self.specs[name] = spec
        self._add_terms(f"{name}{_KEY_SEP}t", spec.terms)
        self._add_terms(f"{name}{_KEY_SEP}u", spec.unless)
        for i, near in enumerate(spec.near):
            for j, group in enumerate(near.groups):
                self._add_terms(f"{name}{_KEY_SEP}n{i}.{j}", group)

    def _add_terms(self, key: str, terms: Iterable[str]) -> None:
        plain, wild = [], []
        for term in terms:
            words = term.split()
            if any(w.endswith("*") and len(w) > 1 for w in words):
                wild.append(self._pattern(words))
            else:
                plain.append(self.nlp.make_doc(term))
        if plain:
            self.phrases.add(key, plain)
        if wild:
            self.patterns.add(key, wild)

    def _pattern(self, words: list[str]) -> list[dict[str, Any]]:
        pattern: list[dict[str, Any]] = []
        for word in words:
            if word.endswith("*") and len(word) > 1:
                pattern.append({"LOWER": {"REGEX": "^" + re.escape(word[:-1].lower())}})
            else:
                pattern.extend({"LOWER": token.lower_} for token in self.nlp.make_doc(word))
        return pattern


class RuleMatcher:
    """All rules of one ruleset, compiled for Dutch and English on first use of each language."""

    def __init__(self, rules: Sequence[Rule | tuple[str, MatchSpec]]) -> None:
        """`rules`: rules (matched by their `match`), or (name, spec) pairs for extra term lists."""
        self._specs = tuple(r if isinstance(r, tuple) else (r.id, r.match) for r in rules)
        self._lock = threading.Lock()
        self._by_language: dict[str, _Compiled] = {}

    def _compiled(self, language: str) -> _Compiled:
        with self._lock:
            if language not in self._by_language:
                self._by_language[language] = _Compiled(language, self._specs)
            return self._by_language[language]

    def run(self, blocks: Sequence[Block], language: str | None) -> list[Hit]:
        """Every hit of every rule in every block, in block order."""
        compiled = self._compiled(language or "nl")
        hits: list[Hit] = []
        texts = [b.text for b in blocks]
        for block, doc in zip(blocks, compiled.nlp.tokenizer.pipe(texts, batch_size=256)):
            hits.extend(_block_hits(compiled, block.index, doc))
        return hits

    def matches(self, text: str, rule_id: str, language: str = "nl") -> list[tuple[int, int]]:
        """Spans where one rule fires in a text; used for rule examples and `isv-check explain`."""
        compiled = self._compiled(language)
        doc = compiled.nlp.make_doc(text)
        return [(h.start, h.end) for h in _block_hits(compiled, 0, doc) if h.rule == rule_id]


def _block_hits(compiled: _Compiled, block_index: int, doc: Any) -> list[Hit]:
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    strings = compiled.nlp.vocab.strings
    for match_id, start, end in compiled.phrases(doc):
        found[strings[match_id]].append((start, end))
    for match_id, start, end in compiled.patterns(doc):
        found[strings[match_id]].append((start, end))
    if not found:
        return []
    by_rule: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(dict)
    for key, spans in found.items():
        rule, part = key.split(_KEY_SEP)
        by_rule[rule][part] = spans
    hits: list[Hit] = []
    for rule, parts in by_rule.items():
        if "u" in parts:
            continue
        spec = compiled.specs[rule]
        spans: list[tuple[int, int, int, int]] = [(s, e, s, e) for s, e in parts.get("t", ())]
        for i, near in enumerate(spec.near):
            groups = [parts.get(f"n{i}.{j}") for j in range(len(near.groups))]
            if all(groups):
                spans.extend(_near_spans(groups, near.window))  # type: ignore[arg-type]
        for start, end, focus_start, focus_end in _longest_first(spans):
            span, focus = doc[start:end], doc[focus_start:focus_end]
            hits.append(Hit(rule, block_index, span.start_char, span.end_char, focus.start_char, focus.end_char))
    return hits


def _near_spans(groups: list[list[tuple[int, int]]], window: int) -> list[tuple[int, int, int, int]]:
    """Spans covering one occurrence of every group, each within `window` tokens of the first group's,
    with the first group's own span as the focus."""
    out = []
    for pivot_start, pivot_end in groups[0]:
        chosen = [(pivot_start, pivot_end)]
        for spans in groups[1:]:
            near = [s for s in spans if abs(s[0] - pivot_start) <= window]
            if not near:
                break
            chosen.append(min(near, key=lambda s: abs(s[0] - pivot_start)))
        else:
            out.append((min(s for s, _ in chosen), max(e for _, e in chosen), pivot_start, pivot_end))
    return out


def _longest_first(spans: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Drop spans inside other spans of the same rule, so one phrase is one hit."""
    kept: list[tuple[int, int, int, int]] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and span[0] >= kept[-1][0] and span[1] <= kept[-1][1]:
            continue
        kept.append(span)
    return kept
