"""Runs every rule's terms over a document's blocks, once per document.

Matching is on the tokens of spaCy's blank Dutch or English tokenizer (no model, nothing downloaded),
case-insensitive, made by `tokenizer.py` without importing spaCy. A term is a sequence of tokens'
lower-case texts, as spaCy's PhraseMatcher matched them on LOWER. A trailing `*` on a word matches any
token starting so, which is how Dutch compounds and inflections ("risico*" -> risico's, risicoanalyse,
risico-inventarisatie) are written down once. The terms are looked up by their first word, which is
worked out once per distinct token (spaCy's Matcher with a REGEX predicate per wildcard evaluated
every predicate on every token: 3.5 s for a 100-page PDF, against 0.1 s for reading it). The matcher
is built once per process and language, never per document, and kept on disk between processes
(`matcher_cache.py`).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, NamedTuple

from ..document import Block
from ..ruleset.models import Matcher as MatchSpec
from ..ruleset.models import Rule
from . import matcher_cache
from .tokenizer import Tokenizer, TokenRules

_KEY_SEP = "\x1f"
_UNLESS_BIT = 2  # a rule's "u" part: its `unless` terms cancel its hits in the block


class Hit(NamedTuple):
    """A rule fired in block `block` at text[start:end] of that block. For a `near` match the span covers
    every group; `focus_start:focus_end` is the first group's words (e.g. the authority's name).
    A named tuple, not a frozen dataclass: a long tender makes thousands, and a tuple is made about 3x faster."""

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
    """One ruleset's matcher for one language: the rules' codes, the tokenizer and the term tables."""

    def __init__(self, language: str, specs: Sequence[tuple[str, MatchSpec]]) -> None:
        self.specs: dict[str, MatchSpec] = {}
        # Each (rule, part of its spec) has a code; the term tables give codes. Per code: its rule's
        # number, its part, and its bit in the rule's mask.
        self.rule_names: list[str] = []
        self.code_of_key: dict[str, int] = {}
        self.code_part: list[str] = []
        rules: list[int] = []
        bits: list[int] = []
        requirements: list[list[int]] = []
        for name, spec in specs:
            near_parts = [[f"n{i}.{j}" for j in range(len(near.groups))] for i, near in enumerate(spec.near)]
            flat = [part for parts in near_parts for part in parts]
            if len(flat) > 60:
                raise ValueError(f"{name}: at most 60 near groups in all")
            bit_of = {part: 1 << n for n, part in enumerate(("t", "u", *flat))}
            for part, bit in bit_of.items():
                self.code_of_key[f"{name}{_KEY_SEP}{part}"] = len(self.code_part)
                self.code_part.append(part)
                rules.append(len(self.rule_names))
                bits.append(bit)
            requirements.append([bit_of["t"], *(sum(bit_of[p] for p in parts) for parts in near_parts)])
            self.rule_names.append(name)
            self.specs[name] = spec
        self.tokenizer, self.terms = _tables(language, specs, self.code_of_key)
        self.code_rule = rules
        self.code_bit = bits
        # Per rule, the masks that make a hit possible: its terms, or all groups of one `near`.
        self.requirements = requirements


def _term_lists(name: str, spec: MatchSpec) -> list[tuple[str, tuple[str, ...]]]:
    """A rule's term lists by key: its terms, its `unless` terms and each `near` group."""
    lists = [(f"{name}{_KEY_SEP}t", spec.terms), (f"{name}{_KEY_SEP}u", spec.unless)]
    for i, near in enumerate(spec.near):
        lists.extend((f"{name}{_KEY_SEP}n{i}.{j}", group) for j, group in enumerate(near.groups))
    return lists


def _tables(
    language: str, specs: Sequence[tuple[str, MatchSpec]], code_of_key: dict[str, int]
) -> tuple[Tokenizer, _Terms]:
    """The tokenizer and the term tables, from the matcher cache when it has them for exactly these
    terms, else built (which imports spaCy) and stored there."""
    lists = [entry for name, spec in specs for entry in _term_lists(name, spec)]
    key = matcher_cache.key_of(language, lists)
    name = f"matchers-{language}"
    kept = matcher_cache.load(name, key)
    if kept is not None:
        try:
            prefix, suffix, infix, url, token_match = kept["rules"]
            rules = TokenRules(
                prefix=matcher_cache.thaw_pattern(prefix),
                suffix=matcher_cache.thaw_pattern(suffix),
                infix=matcher_cache.thaw_pattern(infix),
                url=None if url is None else matcher_cache.thaw_pattern(url),
                token_match=None if token_match is None else matcher_cache.thaw_pattern(token_match),
            )
            return Tokenizer(rules), _Terms.thaw(kept["terms"])
        except (KeyError, TypeError, ValueError, re.error):
            pass  # a file of another shape under the same key: build again
    rules = TokenRules.from_spacy(language)
    tokenizer = Tokenizer(rules)
    terms = _Terms()
    for key_name, words in lists:
        code = code_of_key[key_name]
        for term in words:
            terms.add(code, term, tokenizer)
    patterns = (rules.prefix, rules.suffix, rules.infix, rules.url, rules.token_match)
    frozen = [None if p is None else matcher_cache.freeze_pattern(p) for p in patterns]
    matcher_cache.store(name, key, {"rules": frozen, "terms": terms.freeze()})
    return tokenizer, terms


class _Terms:
    """Every term as the words it is made of, by its first word, matched on a block's lower-case
    tokens. A term is a sequence of tokens' lower-case texts (the way spaCy's PhraseMatcher matched
    on LOWER); a trailing `*` on a word matches any token starting so.

    Plain terms are kept once per (code, words), as the PhraseMatcher kept them; wildcard terms once
    per term. Which terms a token can start is worked out once per distinct word and kept, so a block's
    tokens are visited with one dictionary look-up each."""

    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        # first word -> rest of the words -> codes
        self._plain: dict[str, dict[tuple[str, ...], list[int]]] = defaultdict(dict)
        # (first word, is a stem) -> (code, rest as (word, is a stem) pairs)
        self._wild: dict[tuple[str, bool], list[tuple[int, tuple[tuple[str, bool], ...]]]] = defaultdict(list)
        self._stem_lengths: list[int] = []
        self._starts: dict[str, _Start | None] = {}
        # runs (as they stand after another run) that hold a token that can start a term, and those that do not
        self._start_runs: set[str] = set()
        self._other_runs: set[str] = set()

    def add(self, code: int, term: str, tokenizer: Tokenizer) -> None:
        words = term.split()
        if any(w.endswith("*") and len(w) > 1 for w in words):
            pattern: list[tuple[str, bool]] = []
            for word in words:
                if word.endswith("*") and len(word) > 1:
                    pattern.append((word[:-1].lower(), True))
                else:
                    pattern.extend((token, False) for token in tokenizer.words(word))
            self._wild[pattern[0]].append((code, tuple(pattern[1:])))
            self._stem_lengths = sorted({len(word) for word, is_prefix in self._wild if is_prefix})
        else:
            tokens = tokenizer.words(term)
            if tokens:  # spaCy's PhraseMatcher skipped an empty term too
                codes = self._plain[tokens[0]].setdefault(tuple(tokens[1:]), [])
                if code not in codes:
                    codes.append(code)
        self._starts.clear()
        self._start_runs.clear()
        self._other_runs.clear()

    def freeze(self) -> tuple[Any, ...]:
        plain = [(first, rest, codes) for first, rests in self._plain.items() for rest, codes in rests.items()]
        wild = [(first, entries) for first, entries in self._wild.items()]
        return (plain, wild)

    @classmethod
    def thaw(cls, frozen: tuple[Any, ...]) -> _Terms:
        plain, wild = frozen
        terms = cls()
        for first, rest, codes in plain:
            terms._plain[first][tuple(rest)] = list(codes)
        for first, entries in wild:
            terms._wild[tuple(first)] = [(code, tuple(tuple(p) for p in rest)) for code, rest in entries]
        terms._stem_lengths = sorted({len(word) for word, is_prefix in terms._wild if is_prefix})
        return terms

    def _starting(self, text: str) -> _Start | None:
        """The terms lower-case token `text` can start: plain terms by their first word, wildcard
        terms by it or by each stem it begins with (only the stems' own lengths are tried, so a
        200,000-character token costs no more than a word). None when it starts none."""
        codes: list[int] = []
        by_next: dict[str, list[tuple[tuple[int, ...], tuple[str, ...]]]] = defaultdict(list)
        for rest, plain_codes in self._plain.get(text, {}).items():
            if rest:
                by_next[rest[0]].append((tuple(plain_codes), rest[1:]))
            else:
                codes.extend(plain_codes)
        firsts = [(text, False)] if (text, False) in self._wild else []
        firsts.extend((text[:n], True) for n in self._stem_lengths if n <= len(text) and (text[:n], True) in self._wild)
        wild: list[tuple[int, tuple[tuple[str, bool], ...]]] = []
        for first in firsts:
            for code, pattern in self._wild[first]:
                if pattern:
                    wild.append((code, pattern))
                else:
                    codes.append(code)
        if not codes and not by_next and not wild:
            return None
        return _Start(tuple(codes), dict(by_next), tuple(wild))

    def starting(self, runs: list[str], entries: list[tuple[tuple[int, int, str], ...]]) -> list[int]:
        """Which runs hold a token that can start a term, by number (most blocks have none, and
        most runs of those that do have none either). Runs are sorted into the two kinds once each,
        so a block is mostly two set operations in C."""
        # whitespace at the very start is split on its own (`Tokenizer.runs`), not as the same run elsewhere
        first_apart = bool(runs) and runs[0][0] == " "
        skip = 1 if first_apart else 0
        distinct = set(runs[skip:])
        unknown = distinct - self._start_runs - self._other_runs
        if len(self._start_runs) + len(self._other_runs) + len(unknown) > self._CACHE_LIMIT:
            self._start_runs.clear()
            self._other_runs.clear()
        for run in unknown:
            entry = entries[runs.index(run, skip)]
            (self._start_runs if self._starts_any(entry) else self._other_runs).add(run)
        wanted = distinct & self._start_runs
        numbers = [i for i, run in enumerate(runs) if run in wanted] if wanted else []
        if first_apart:
            numbers = [0] * self._starts_any(entries[0]) + [n for n in numbers if n]
        return numbers

    def _starts_any(self, entry: tuple[tuple[int, int, str], ...]) -> bool:
        return any(self._start_entry(lower) is not None for _, _, lower in entry)

    def _start_entry(self, word: str) -> _Start | None:
        starts = self._starts
        if word in starts:
            return starts[word]
        if len(starts) > self._CACHE_LIMIT:
            starts.clear()
        entry = starts[word] = self._starting(word)
        return entry

    def find(
        self,
        entries: list[tuple[tuple[int, int, str], ...]],
        numbers: list[int],
        token_base: list[int],
        char_base: list[int],
    ) -> tuple[list[tuple[int, int, int]], dict[int, int], dict[int, int]]:
        """(code, start token, end token) of each term starting in the runs `numbers`, with the
        character offset where each such start token begins and each end token (exclusive) ends.
        `token_base`/`char_base`: the number of tokens/characters before each run. A term of several
        words is looked up by its second word first: most candidates end there."""
        found: list[tuple[int, int, int]] = []
        char_start: dict[int, int] = {}
        char_end: dict[int, int] = {}
        for number in numbers:
            entry = entries[number]
            for position, (offset, length, word) in enumerate(entry):
                candidates = self._start_entry(word)
                if candidates is None:
                    continue
                start = token_base[number] + position
                char_start[start] = char_base[number] + offset
                if candidates.codes:
                    char_end[start + 1] = char_base[number] + offset + length
                    found.extend((code, start, start + 1) for code in candidates.codes)
                if candidates.by_next:
                    # the next token: in this run, or the first of the next run that has one
                    next_run, next_position = number, position + 1
                    while next_run < len(entries) and next_position >= len(entries[next_run]):
                        next_run += 1
                        next_position = 0
                    if next_run < len(entries):
                        next_offset, next_length, next_word = entries[next_run][next_position]
                        after = candidates.by_next.get(next_word)
                        if after is not None:
                            for codes, more in after:
                                if not more:
                                    end_char = char_base[next_run] + next_offset + next_length
                                else:
                                    rest = _following(entries, number, position + 1, 1 + len(more))
                                    if rest is None or tuple(rest[0][1:]) != more:
                                        continue
                                    end_char = char_base[rest[1]] + rest[2][0] + rest[2][1]
                                end = start + 2 + len(more)
                                char_end[end] = end_char
                                found.extend((code, start, end) for code in codes)
                for code, pattern in candidates.wild:
                    rest = _following(entries, number, position + 1, len(pattern))
                    if rest is None or not all(
                        token.startswith(stem) if is_prefix else token == stem
                        for token, (stem, is_prefix) in zip(rest[0], pattern, strict=True)
                    ):
                        continue
                    end = start + 1 + len(pattern)
                    char_end[end] = char_base[rest[1]] + rest[2][0] + rest[2][1]
                    found.append((code, start, end))
        return found, char_start, char_end


class _Start(NamedTuple):
    """The terms a word can start: those of that one word (`codes`, one per term), plain terms of
    several words by their second word (codes, the words after the second), and wildcard terms of
    several words (code, the words after the first as (word, is a stem))."""

    codes: tuple[int, ...]
    by_next: dict[str, list[tuple[tuple[int, ...], tuple[str, ...]]]]
    wild: tuple[tuple[int, tuple[tuple[str, bool], ...]], ...]


def _following(
    entries: list[tuple[tuple[int, int, str], ...]], number: int, position: int, count: int
) -> tuple[list[str], int, tuple[int, int, str]] | None:
    """The lower-case texts of the `count` tokens from token `position` of run `number` on (across
    runs), the run the last of them is in, and that token; None when the text ends first."""
    words: list[str] = []
    while number < len(entries):
        entry = entries[number]
        while position < len(entry):
            last = entry[position]
            words.append(last[2])
            if len(words) == count:
                return words, number, last
            position += 1
        number += 1
        position = 0
    return None


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
        for block in blocks:
            hits.extend(_block_hits(compiled, block.index, block.text))
        return hits

    def matches(self, text: str, rule_id: str, language: str = "nl") -> list[tuple[int, int]]:
        """Spans where one rule fires in a text; used for rule examples and `isv-check explain`."""
        hits = _block_hits(self._compiled(language), 0, text)
        return [(h.start, h.end) for h in hits if h.rule == rule_id]


def _block_hits(compiled: _Compiled, index: int, text: str) -> list[Hit]:
    """One block's hits, by rule in the rules' order: tokenise it, find every term, and keep the
    rules whose parts can make a hit (terms, or every group of a `near`, and no `unless`).

    Terms match far more often than rules fire (a long tender has thousands of "aanbestedende
    dienst" that only matter next to an authority's name). A rule whose term spans do not overlap
    and that has no complete `near` has those spans as its hits (the common case: a word once or a
    few times in a paragraph); only the others go through `_rule_spans`."""
    runs, entries = compiled.tokenizer.runs(text)
    numbers = compiled.terms.starting(runs, entries)
    if not numbers:
        return []
    token_base = [0, *accumulate(map(len, entries))]
    char_base = [0, *accumulate(map(len, runs))]
    found, starts, ends = compiled.terms.find(entries, numbers, token_base, char_base)
    if not found:
        return []
    code_rule, code_bit = compiled.code_rule, compiled.code_bit
    by_rule: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in found:
        by_rule[code_rule[row[0]]].append(row)
    hits: list[Hit] = []
    for rule in sorted(by_rule):
        rows = by_rule[rule]
        mask = 0
        for row in rows:
            mask |= code_bit[row[0]]
        if mask & _UNLESS_BIT:
            continue
        terms_bit, *nears = compiled.requirements[rule]
        near_done = any(mask & near == near for near in nears)
        if not near_done and not mask & terms_bit:
            continue
        spans: list[tuple[int, int, int, int]] | None = None
        if not near_done:
            term_spans = sorted((start, end) for code, start, end in rows if code_bit[code] == terms_bit)
            if all(term_spans[k + 1][0] >= term_spans[k][1] for k in range(len(term_spans) - 1)):
                spans = [(start, end, start, end) for start, end in term_spans]
        if spans is None:
            parts: dict[str, list[tuple[int, int]]] = {}
            for code, start, end in sorted(rows):
                parts.setdefault(compiled.code_part[code], []).append((start, end))
            name = compiled.rule_names[rule]
            spans = _rule_spans(compiled.specs[name], parts)
        name = compiled.rule_names[rule]
        hits.extend(
            Hit(name, index, starts[start], ends[end], starts[focus_start], ends[focus_end])
            for start, end, focus_start, focus_end in spans
        )
    return hits


def _rule_spans(spec: MatchSpec, parts: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int, int, int]]:
    """One rule's hits in one block, as token spans (start, end, focus start, focus end), from its term
    spans by part ("t" terms, "n0.1" near group)."""
    spans: list[tuple[int, int, int, int]] = [(s, e, s, e) for s, e in parts.get("t", ())]
    for i, near in enumerate(spec.near):
        groups = [parts.get(f"n{i}.{j}") for j in range(len(near.groups))]
        if all(groups):
            spans.extend(_near_spans(groups, near.window))  # type: ignore[arg-type]
    return _longest_first(spans)


def _near_spans(groups: list[list[tuple[int, int]]], window: int) -> list[tuple[int, int, int, int]]:
    """Spans covering one occurrence of every group, each within `window` tokens of the first group's,
    with the first group's own span as the focus."""
    out = []
    ordered = [sorted(spans) for spans in groups[1:]]
    starts = [[start for start, _ in spans] for spans in ordered]
    for pivot_start, pivot_end in groups[0]:
        chosen = [(pivot_start, pivot_end)]
        for spans, span_starts in zip(ordered, starts, strict=True):
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
