"""Runs every rule's terms over a document's blocks with spaCy's matchers, once per document.

Matching is on tokens from spaCy's blank Dutch or English tokenizer (no model, nothing downloaded),
case-insensitive. Plain terms go to spaCy's PhraseMatcher. A trailing `*` on a word matches any token
starting so, which is how Dutch compounds and inflections ("risico*" → risico's, risicoanalyse,
risico-inventarisatie) are written down once; those terms are looked up in an index of the document's
own tokens, because spaCy's Matcher with a REGEX predicate per wildcard evaluates every predicate on
every token (measured: 3.5 s for a 100-page PDF, against 0.1 s for reading it). Everything is built
once per process and language, never per document.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .document import Block
from .ruleset.models import Matcher as MatchSpec
from .ruleset.models import Rule

_KEY_SEP = "\x1f"
_ATTRS = ("LOWER", "IDX", "LENGTH")


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
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank(language)
        # No tokenizer exceptions ("art.", "bijv.", ":)"): terms and documents are split by the same
        # prefix/suffix/infix rules either way, so matches are the same, and without exceptions spaCy
        # keeps caching words for the whole text (measured: 45 ms -> 9 ms for a 107-page tender).
        self.nlp.tokenizer.rules = {}
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.prefixes = _PrefixTerms()
        self.specs: dict[str, MatchSpec] = {}
        self.parts: dict[str, tuple[str, str]] = {}  # matcher key -> (rule, part of its spec)
        self.parts_by_id: dict[int, tuple[str, str]] = {}  # the same by the key's hash, as matches give it
        for name, spec in specs:
            self.add(name, spec)

    def add(self, name: str, spec: MatchSpec) -> None:
        self.specs[name] = spec
        for part in ("t", "u", *(f"n{i}.{j}" for i, near in enumerate(spec.near) for j in range(len(near.groups)))):
            key = f"{name}{_KEY_SEP}{part}"
            self.parts[key] = (name, part)
            self.parts_by_id[self.nlp.vocab.strings.add(key)] = (name, part)
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
        for pattern in wild:
            self.prefixes.add(key, pattern)

    def _pattern(self, words: list[str]) -> tuple[tuple[str, bool], ...]:
        """A wildcard term as (lower-case token, is a prefix) pairs."""
        pattern: list[tuple[str, bool]] = []
        for word in words:
            if word.endswith("*") and len(word) > 1:
                pattern.append((word[:-1].lower(), True))
            else:
                pattern.extend((token.lower_, False) for token in self.nlp.make_doc(word))
        return tuple(pattern)


class _PrefixTerms:
    """Terms with `stem*` words, found by one pass over the document's token hashes.

    Only tokens that can start a term are remembered (a cache maps each token hash to the first words
    it satisfies), so a long document allocates little: that keeps the pass fast and the garbage
    collector out of it.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bool], list[tuple[str, tuple[tuple[str, bool], ...]]]] = defaultdict(list)
        self._firsts_of: dict[int, tuple[tuple[str, bool], ...]] = {}
        self._stem_lengths: list[int] = []

    def add(self, key: str, pattern: tuple[tuple[str, bool], ...]) -> None:
        self._terms[pattern[0]].append((key, pattern[1:]))
        self._firsts_of.clear()
        self._stem_lengths = sorted({len(word) for word, is_prefix in self._terms if is_prefix})

    def _firsts(self, text: str) -> tuple[tuple[str, bool], ...]:
        """The first words of terms that `text` can start: itself, and each stem it begins with (only
        the stems' own lengths are tried, so a 200,000-character token costs no more than a word)."""
        out = [(text, False)] if (text, False) in self._terms else []
        out.extend((text[:n], True) for n in self._stem_lengths if n <= len(text) and (text[:n], True) in self._terms)
        return tuple(out)

    def find(self, docs: Sequence[Any], hashes: list[list[int]]) -> list[dict[str, list[tuple[int, int]]]]:
        """Per doc, the token spans of each key's terms; `hashes`: each doc's LOWER hashes."""
        found: list[dict[str, list[tuple[int, int]]]] = [{} for _ in docs]
        if not self._terms or not docs:
            return found
        strings = docs[0].vocab.strings
        firsts_of = self._firsts_of
        if len(firsts_of) > self._CACHE_LIMIT:
            firsts_of.clear()
        for d, row in enumerate(hashes):
            for i, h in enumerate(row):
                firsts = firsts_of.get(h)
                if firsts is None:
                    firsts = firsts_of[h] = self._firsts(strings[h])
                for first in firsts:
                    for key, rest in self._terms[first]:
                        end = _rest_matches(strings, row, i + 1, rest)
                        if end is not None:
                            found[d].setdefault(key, []).append((i, end))
        return found


def _rest_matches(strings: Any, row: list[int], at: int, rest: tuple[tuple[str, bool], ...]) -> int | None:
    for word, is_prefix in rest:
        if at >= len(row):
            return None
        token = strings[row[at]]
        if not (token.startswith(word) if is_prefix else token == word):
            return None
        at += 1
    return at


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
        for chunk in _chunks(blocks):
            hits.extend(_chunk_hits(compiled, [b.index for b in chunk], [b.text for b in chunk]))
        return hits

    def matches(self, text: str, rule_id: str, language: str = "nl") -> list[tuple[int, int]]:
        """Spans where one rule fires in a text; used for rule examples and `isv-check explain`."""
        hits = _chunk_hits(self._compiled(language), [0], [text])
        return [(h.start, h.end) for h in hits if h.rule == rule_id]


_CHUNK_CHARS = 64_000
_SEPARATOR = "\n\n"


def _chunks(blocks: Sequence[Block]) -> list[Sequence[Block]]:
    """Blocks in runs of about 64k characters: one spaCy Doc per run, not per block, because making
    a Doc costs more than tokenising a paragraph (measured: 35% of the rules stage on a 100-page PDF)."""
    chunks: list[Sequence[Block]] = []
    first, size = 0, 0
    for i, block in enumerate(blocks):
        size += len(block.text) + len(_SEPARATOR)
        if size >= _CHUNK_CHARS:
            chunks.append(blocks[first : i + 1])
            first, size = i + 1, 0
    if first < len(blocks):
        chunks.append(blocks[first:])
    return chunks


def _chunk_hits(compiled: _Compiled, indexes: list[int], texts: list[str]) -> list[Hit]:
    """Tokenise texts joined by blank lines as one Doc, match once, and hand each block its spans.
    A span that crosses from one block into the next is dropped: blocks are matched on their own."""
    import numpy as np

    starts = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(_SEPARATOR)
    doc = compiled.nlp.tokenizer(_SEPARATOR.join(texts))
    array = doc.to_array(_ATTRS)
    if not len(array):
        return []
    block_of = (np.searchsorted(np.asarray(starts), array[:, 1], side="right") - 1).tolist()
    token_start = array[:, 1].tolist()
    token_end = (array[:, 1] + array[:, 2]).tolist()
    parts_of = compiled.parts
    parts_by_id = compiled.parts_by_id
    # block position -> rule -> part of the rule's spec ("t" terms, "u" unless, "n0.1" near group) -> spans
    found: dict[int, dict[str, dict[str, list[tuple[int, int]]]]] = {}
    located: list[tuple[tuple[str, str], int, int]] = [(parts_by_id[m], b, e) for m, b, e in compiled.phrases(doc)]
    for key, spans in compiled.prefixes.find([doc], [array[:, 0].tolist()])[0].items():
        part = parts_of[key]
        located.extend((part, b, e) for b, e in spans)
    for (rule, part), start, end in located:
        position = block_of[start]
        if position != block_of[end - 1]:
            continue
        rules = found.get(position)
        if rules is None:
            rules = found[position] = {}
        parts = rules.get(rule)
        if parts is None:
            parts = rules[rule] = {}
        spans_of = parts.get(part)
        if spans_of is None:
            parts[part] = [(start, end)]
        else:
            spans_of.append((start, end))
    hits: list[Hit] = []
    for position in sorted(found):
        hits.extend(_block_hits(compiled, indexes[position], starts[position], token_start, token_end, found[position]))
    return hits


def _block_hits(
    compiled: _Compiled,
    block_index: int,
    offset: int,
    token_start: list[int],
    token_end: list[int],
    by_rule: dict[str, dict[str, list[tuple[int, int]]]],
) -> list[Hit]:
    """Turn one block's term spans, by rule and part, into rule hits. `token_start`/`token_end` are
    the tokens' character offsets in the joined text, and `offset` the block's first character there."""
    hits: list[Hit] = []
    for rule, parts in by_rule.items():
        if "u" in parts or ("t" not in parts and len(parts) < 2):
            continue  # cancelled, or a lone near-group word that cannot complete a match
        spec = compiled.specs[rule]
        spans: list[tuple[int, int, int, int]] = [(s, e, s, e) for s, e in parts.get("t", ())]
        for i, near in enumerate(spec.near):
            groups = [parts.get(f"n{i}.{j}") for j in range(len(near.groups))]
            if all(groups):
                spans.extend(_near_spans(groups, near.window))  # type: ignore[arg-type]
        for start, end, focus_start, focus_end in _longest_first(spans):
            hits.append(Hit(
                rule, block_index, token_start[start] - offset, token_end[end - 1] - offset,
                token_start[focus_start] - offset, token_end[focus_end - 1] - offset,
            ))
    return hits


def _near_spans(groups: list[list[tuple[int, int]]], window: int) -> list[tuple[int, int, int, int]]:
    """Spans covering one occurrence of every group, each within `window` tokens of the first group's,
    with the first group's own span as the focus."""
    out = []
    ordered = [sorted(spans) for spans in groups[1:]]
    starts = [[start for start, _ in spans] for spans in ordered]
    for pivot_start, pivot_end in groups[0]:
        chosen = [(pivot_start, pivot_end)]
        for spans, span_starts in zip(ordered, starts):
            # Only spans starting within the window can qualify: find them by bisection, not a scan.
            lo = bisect_left(span_starts, pivot_start - window)
            hi = bisect_right(span_starts, pivot_start + window)
            if lo == hi:
                break
            chosen.append(min(spans[lo:hi], key=lambda s: abs(s[0] - pivot_start)))
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
