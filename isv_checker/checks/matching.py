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
from itertools import accumulate, chain, compress, count
from operator import itemgetter
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
        # Per code, its near group's bit among all rules' near groups (0 for terms and `unless`), and
        # per `near` of any rule, the bits of its groups: what `_Terms.find` prunes by.
        code_group: list[int] = []
        near_masks: list[int] = []
        groups_before: list[str] = []
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
            group_of = {part: 1 << (len(groups_before) + n) for n, part in enumerate(flat)}
            groups_before.extend(flat)
            code_group.extend(group_of.get(part, 0) for part in bit_of)
            near_masks.extend(sum(group_of[part] for part in parts) for parts in near_parts)
            requirements.append([bit_of["t"], *(sum(bit_of[p] for p in parts) for parts in near_parts)])
            self.rule_names.append(name)
            self.specs[name] = spec
        self.tokenizer, self.terms = _tables(language, specs, self.code_of_key)
        self.terms.know_nears(code_group, near_masks)
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
    terms.index()
    patterns = (rules.prefix, rules.suffix, rules.infix, rules.url, rules.token_match)
    frozen = [None if p is None else matcher_cache.freeze_pattern(p) for p in patterns]
    matcher_cache.store(name, key, {"rules": frozen, "terms": terms.freeze()})
    return tokenizer, terms


class _Terms:
    """Every term as the lower-case tokens it is made of, matched on a block's tokens (the way spaCy's
    PhraseMatcher matched on LOWER); a trailing `*` on a word matches any token starting so.

    A plain term is found from its longest word, its anchor, and then compared in place: anchored
    on its first word, "de Nederlandsche Bank" would be tried at every "de". Plain terms are kept
    once per (code, words), as the PhraseMatcher kept them; wildcard terms once per term, found from
    their first word or stem. What a word can anchor or start is worked out once per distinct word."""

    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self._plain: dict[tuple[str, ...], list[int]] = {}
        # (first word, is a stem) -> (code, rest as (word, is a stem) pairs)
        self._wild: dict[tuple[str, bool], list[tuple[int, tuple[tuple[str, bool], ...]]]] = defaultdict(list)
        self._anchors: dict[str, list[tuple[int, tuple[str, ...], tuple[int, ...]]]] = defaultdict(list)
        self._stem_lengths: list[int] = []
        # the words that anchor or start a term, with what they anchor or start, and those that do not
        self._starts: dict[str, _Start] = {}
        self._start_words: set[str] = set()
        self._other_words: set[str] = set()
        # near groups (`know_nears`): each code's group bit (0: not a near group's), each near's bits,
        # and by the bits of the groups a block's words could make, those of nears it cannot complete
        self._code_group: list[int] = []
        self._near_masks: tuple[int, ...] = ()
        self._dead: dict[int, int] = {}

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
        else:
            tokens = tuple(tokenizer.words(term))
            if tokens:  # spaCy's PhraseMatcher skipped an empty term too
                codes = self._plain.setdefault(tokens, [])
                if code not in codes:
                    codes.append(code)

    def index(self) -> None:
        """Work out each plain term's anchor; after the last `add`."""
        self._anchors.clear()
        for words, codes in self._plain.items():
            anchor = max(range(len(words)), key=lambda i: len(words[i]))
            self._anchors[words[anchor]].append((anchor, words, tuple(codes)))
        self._stem_lengths = sorted({len(word) for word, is_prefix in self._wild if is_prefix})
        self._starts.clear()
        self._start_words.clear()
        self._other_words.clear()

    def know_nears(self, code_group: list[int], near_masks: list[int]) -> None:
        """Which codes are a `near`'s groups (`_Compiled`), so that `find` leaves out the terms of a
        near that cannot be complete in a block: most terms found in a tender are such (a
        municipality's "van" with no "gemeente" near), and a near without all its groups is no hit."""
        self._code_group = list(code_group)
        self._near_masks = tuple(near_masks)
        self._starts.clear()
        self._start_words.clear()
        self._other_words.clear()
        self._dead.clear()

    def _dead_groups(self, possible: int) -> int:
        """The group bits of the nears that are not complete in `possible`, the bits of the groups a
        block's words could make."""
        dead = 0
        for mask in self._near_masks:
            if possible & mask != mask:
                dead |= mask
        return dead

    def freeze(self) -> tuple[Any, ...]:
        return (list(self._plain.items()), list(self._wild.items()))

    @classmethod
    def thaw(cls, frozen: tuple[Any, ...]) -> _Terms:
        plain, wild = frozen
        terms = cls()
        for words, codes in plain:
            terms._plain[tuple(words)] = list(codes)
        for first, entries in wild:
            terms._wild[tuple(first)] = [(code, tuple(tuple(p) for p in rest)) for code, rest in entries]
        terms.index()
        return terms

    def _starting(self, text: str) -> _Start | None:
        """The plain terms lower-case token `text` anchors and the wildcard terms it can start (by it
        or by each stem it begins with: only the stems' own lengths are tried, so a 200,000-character
        token costs no more than a word). None when there are none."""
        group = self._code_group
        plain = tuple(
            (anchor, words, codes, sum(group[code] for code in codes))
            for anchor, words, codes in self._anchors.get(text, ())
        )
        firsts = [(text, False)] if (text, False) in self._wild else []
        firsts.extend((text[:n], True) for n in self._stem_lengths if n <= len(text) and (text[:n], True) in self._wild)
        wild = tuple((code, rest, group[code]) for first in firsts for code, rest in self._wild[first])
        if not plain and not wild:
            return None
        all_codes = [code for *_, codes, _ in plain for code in codes] + [code for code, _, _ in wild]
        single = tuple((codes, groups) for _, words, codes, groups in plain if len(words) == 1)
        after: dict[str, list[_Longer]] = defaultdict(list)
        before: dict[str, list[_Longer]] = defaultdict(list)
        for term in plain:
            anchor, words = term[0], term[1]
            if anchor + 1 < len(words):
                after[words[anchor + 1]].append(term)
            elif anchor:
                before[words[anchor - 1]].append(term)
        return _Start(
            single,
            {word: tuple(terms) for word, terms in after.items()},
            {word: tuple(terms) for word, terms in before.items()},
            wild,
            sum(set(map(group.__getitem__, all_codes))),
            not all(map(group.__getitem__, all_codes)),
        )

    def find(self, words: list[str]) -> list[tuple[int, int, int]]:
        """(code, start token, end token) of each term in a block's lower-case tokens `words`. Words
        are sorted into those that anchor or start a term and those that do not once each, so a block
        without any is two set operations in C.

        This is the prefilter, exact because it is on tokens. A literal prefilter on a block's text
        before tokenising it was measured and left out (benchmarks/prefilter.py): over the 4 x 100-page
        corpus of benchmarks/check_speed.py (1,556 Dutch literals, a term's anchor each), one compiled
        regex alternation costs 0.18 ms/page and pyahocorasick 0.007 ms/page against the matcher's
        0.27, but both let 2,170 of 2,856 blocks through, 99% of the characters: words such as "of",
        "in" or "5" are terms, and as substrings they are everywhere. Even a perfect prefilter, which
        passes only the blocks with a hit, would save 9% of the matcher there and 22% on short PDFs."""
        distinct = set(words)
        unknown = distinct.difference(self._start_words, self._other_words)
        if len(self._start_words) + len(self._other_words) + len(unknown) > self._CACHE_LIMIT:
            self._start_words.clear()
            self._other_words.clear()
            self._starts.clear()
        for word in unknown:
            entry = self._starting(word)
            if entry is None:
                self._other_words.add(word)
            else:
                self._starts[word] = entry
                self._start_words.add(word)
        wanted = distinct & self._start_words
        if not wanted:
            return []
        # what each word starts (another thread may have cleared the cache since)
        starts = {word: self._starts.get(word) or self._starting(word) for word in wanted}
        possible = 0
        for entry in starts.values():
            possible |= entry.groups if entry is not None else 0
        dead = self._dead.get(possible)
        if dead is None:
            if len(self._dead) > self._CACHE_LIMIT:
                self._dead.clear()
            dead = self._dead[possible] = self._dead_groups(possible)
        if dead:
            # words that start nothing but the groups of nears that cannot be complete are passed over
            wanted = {word for word, e in starts.items() if e is not None and (e.always or e.groups & ~dead)}
            if not wanted:
                return []
        group = self._code_group
        found: list[tuple[int, int, int]] = []
        size = len(words)
        for at in list(compress(count(), map(wanted.__contains__, words))):
            candidates = starts[words[at]]
            if candidates is None:
                continue
            for codes, groups in candidates.single:
                if groups & dead:
                    codes = tuple(code for code in codes if not group[code] & dead)
                if len(codes) == 1:
                    found.append((codes[0], at, at + 1))
                else:
                    found.extend((code, at, at + 1) for code in codes)
            # a longer term only where the word beside its anchor stands beside this one
            longer = candidates.after.get(words[at + 1], ()) if at + 1 < size else ()
            if at and candidates.before:
                longer += candidates.before.get(words[at - 1], ())
            for anchor, term, codes, groups in longer:
                if groups & dead:
                    codes = tuple(code for code in codes if not group[code] & dead)
                    if not codes:
                        continue
                start = at - anchor
                end = start + len(term)
                if start < 0 or end > size or tuple(words[start:end]) != term:
                    continue
                if len(codes) == 1:
                    found.append((codes[0], start, end))
                else:
                    found.extend((code, start, end) for code in codes)
            for code, rest, groups in candidates.wild:
                if groups & dead:
                    continue
                end = at + 1 + len(rest)
                if end > size:
                    continue
                if all(
                    token.startswith(stem) if is_prefix else token == stem
                    for token, (stem, is_prefix) in zip(words[at + 1 : end], rest, strict=True)
                ):
                    found.append((code, at, end))
        return found


_Longer = tuple[int, tuple[str, ...], tuple[int, ...], int]  # a plain term of more than one word (`_Start`)


class _Start(NamedTuple):
    """The terms a word is found from: plain terms it anchors, and wildcard terms it can start (code,
    the words after the first as (word, is a stem), its near group's bit); the bits of all the near
    groups it can make, and whether it can make any code that is not a near group's.

    A plain term of one word is its codes and their near groups' bits; a longer one is (the anchor's
    place in the term, the term's words, its codes, their bits), kept under the word that follows
    its anchor in it (or, for a term that ends with its anchor, the word before), so that a place
    where the anchor stands is compared only with the terms whose neighbour stands beside it: a
    long word anchors dozens of terms ("opdracht" in "de opdracht omvat", "opdracht tot levering
    van", ...), and comparing each in place was most of the matcher's time on long documents."""

    single: tuple[tuple[tuple[int, ...], int], ...]
    after: dict[str, tuple[_Longer, ...]]
    before: dict[str, tuple[_Longer, ...]]
    wild: tuple[tuple[int, tuple[tuple[str, bool], ...], int], ...]
    groups: int
    always: bool


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

    def run_each(self, documents: Sequence[Sequence[Block]], language: str | None) -> list[list[Hit]]:
        """`run` for each of many short documents (the words of a chunk of notices)."""
        return [self.run(blocks, language) for blocks in documents]

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
    runs, entries, between = compiled.tokenizer.runs(text)
    found = compiled.terms.find(list(map(itemgetter(2), chain.from_iterable(entries))))
    if not found:
        return []
    code_rule, code_bit = compiled.code_rule, compiled.code_bit
    groups: dict[int, list[Any]] = {}  # rule -> [mask of its parts found, its rows]
    for row in found:
        code = row[0]
        group = groups.get(code_rule[code])
        if group is None:
            groups[code_rule[code]] = [code_bit[code], [row]]
        else:
            group[0] |= code_bit[code]
            group[1].append(row)
    spans: list[tuple[str, int, int, int, int]] = []  # rule, token span, focus token span
    for rule in sorted(groups):
        mask, rows = groups[rule]
        if mask & _UNLESS_BIT:
            continue
        terms_bit, *nears = compiled.requirements[rule]
        if mask == terms_bit and len(rows) == 1 and 0 not in nears:
            # one of its terms once and nothing else (the commonest): its span is its hit
            _, start, end = rows[0]
            spans.append((compiled.rule_names[rule], start, end, start, end))
            continue
        near_done = any(mask & near == near for near in nears) if nears else False
        if not near_done and not mask & terms_bit:
            continue
        name = compiled.rule_names[rule]
        if not near_done:
            term_spans = sorted((start, end) for code, start, end in rows if code_bit[code] == terms_bit)
            if all(term_spans[k + 1][0] >= term_spans[k][1] for k in range(len(term_spans) - 1)):
                spans.extend((name, start, end, start, end) for start, end in term_spans)
                continue
        parts: dict[str, list[tuple[int, int]]] = {}
        for code, start, end in sorted(rows):
            parts.setdefault(compiled.code_part[code], []).append((start, end))
        spans.extend((name, *span) for span in _rule_spans(compiled.specs[name], parts))
    if not spans:
        return []
    # character offsets of the tokens the hits begin and end at: the run each is in, by bisection
    # (run k starts after k gaps of `between` characters)
    tokens = list(chain.from_iterable(entries))
    token_base = list(accumulate(map(len, entries), initial=0))
    char_base = list(accumulate(map(len, runs), initial=0))
    begins: dict[int, int] = {}
    ends: dict[int, int] = {}
    for _, start, end, focus_start, focus_end in spans:
        for token in (start, focus_start):
            if token not in begins:
                run = bisect_right(token_base, token) - 1
                begins[token] = char_base[run] + run * between + tokens[token][0]
        for token in (end, focus_end):
            if token not in ends:
                offset, length, _ = tokens[token - 1]
                run = bisect_right(token_base, token - 1) - 1
                ends[token] = char_base[run] + run * between + offset + length
    return [
        Hit(name, index, begins[start], ends[end], begins[focus_start], ends[focus_end])
        for name, start, end, focus_start, focus_end in spans
    ]


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
