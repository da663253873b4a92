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
from typing import Any, NamedTuple

from ..document import Block
from ..ruleset.models import Matcher as MatchSpec
from ..ruleset.models import Rule

_KEY_SEP = "\x1f"
_UNLESS_BIT = 2  # a rule's "u" part: its `unless` terms cancel its hits in the block
_ATTRS = ("LOWER", "IDX", "LENGTH")


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
    def __init__(self, language: str, specs: Sequence[tuple[str, MatchSpec]]) -> None:
        import numpy as np
        from spacy.matcher import PhraseMatcher

        self.nlp = _blank_without_exceptions(language)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.prefixes = _PrefixTerms()
        self.specs: dict[str, MatchSpec] = {}
        # Each (rule, part of its spec) has a code; matches give it as the key's hash (phrases) or
        # the key (prefix terms). Per code: its rule's number, its part, and its bit in the rule's mask.
        self.rule_names: list[str] = []
        self.code_of_id: dict[int, int] = {}
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
                key = f"{name}{_KEY_SEP}{part}"
                self.code_of_id[self.nlp.vocab.strings.add(key)] = self.code_of_key[key] = len(self.code_part)
                self.code_part.append(part)
                rules.append(len(self.rule_names))
                bits.append(bit)
            requirements.append([bit_of["t"], *(sum(bit_of[p] for p in parts) for parts in near_parts)])
            self.rule_names.append(name)
            self.add(name, spec)
        can_start = self.prefixes.firsts
        self.attrs = (*_ATTRS, self.nlp.vocab.add_flag(lambda text: bool(can_start(text.lower()))))
        self.code_rule = np.array(rules, dtype=np.int64)
        self.code_bit = np.array(bits, dtype=np.int64)
        # Per rule, the masks that make a hit possible: its terms, or all groups of one `near`
        # (padded with -1, a mask no block reaches).
        width = max((len(r) for r in requirements), default=1)
        self.requirements = np.array([r + [-1] * (width - len(r)) for r in requirements], dtype=np.int64).reshape(
            -1, width
        )

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


def _blank_without_exceptions(language: str) -> Any:
    """spaCy's blank pipeline for `language` with no tokenizer exceptions ("art.", "bijv.", ":)").

    Terms and documents are split by the same prefix/suffix/infix rules either way, so matches are
    the same; without exceptions spaCy keeps caching words for the whole text (measured: 45 ms -> 9 ms
    for a 107-page tender). The exceptions are left out of the language's defaults rather than
    cleared after `spacy.blank`, because loading them is most of a worker's start-up (measured: 0.32 s
    -> 0.06 s for Dutch)."""
    from spacy.attrs import LOWER
    from spacy.util import get_lang_class

    base = get_lang_class(language)
    defaults = type("Defaults", (base.Defaults,), {"tokenizer_exceptions": {}})
    nlp = type(f"{base.__name__}WithoutExceptions", (base,), {"Defaults": defaults})()
    # Matching reads only LOWER, so a new word need not have its shape, number-likeness, stop-word
    # status and a dozen other attributes worked out (measured: 15% of tokenising unseen text).
    nlp.vocab.lex_attr_getters = {LOWER: str.lower}
    return nlp


class _PrefixTerms:
    """Terms with `stem*` words, found from the tokens that can start one.

    Which tokens can is a lexeme flag in spaCy's vocabulary (`Vocab.add_flag`): computed once per
    distinct word when spaCy first sees it, then read for a whole Doc by `to_array` in C. Only those
    positions are visited in Python, and a small cache maps each such word to the first words it
    satisfies. Terms are added before the flag is made and never after.
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

    def firsts(self, text: str) -> tuple[tuple[str, bool], ...]:
        """The first words of terms that lower-case `text` can start: itself, and each stem it begins
        with (only the stems' own lengths are tried, so a 200,000-character token costs no more than a
        word)."""
        out = [(text, False)] if (text, False) in self._terms else []
        out.extend((text[:n], True) for n in self._stem_lengths if n <= len(text) and (text[:n], True) in self._terms)
        return tuple(out)

    def find(self, strings: Any, hashes: Any, flags: Any) -> list[tuple[str, int, int]]:
        """(key, start token, end token) of each term; `hashes`: the doc's LOWER hashes and `flags`
        whether each token can start a term (numpy columns of `to_array`)."""
        import numpy as np

        positions = np.flatnonzero(flags).tolist()
        if not positions:
            return []
        firsts_of = self._firsts_of
        if len(firsts_of) > self._CACHE_LIMIT:
            firsts_of.clear()
        row = hashes.tolist()
        found: list[tuple[str, int, int]] = []
        for i in positions:
            h = row[i]
            firsts = firsts_of.get(h)
            if firsts is None:
                firsts = firsts_of[h] = self.firsts(strings[h])
            for first in firsts:
                for key, rest in self._terms[first]:
                    end = _rest_matches(strings, row, i + 1, rest)
                    if end is not None:
                        found.append((key, i, end))
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

    def run_each(self, documents: Sequence[Sequence[Block]], language: str | None) -> list[list[Hit]]:
        """`run` for each of many short documents (the words of a chunk of notices), tokenised together:
        a block's hits do not depend on the blocks around it, and one spaCy Doc for many notices costs a
        fraction of one per notice (making a Doc and sorting its spans cost more than tokenising a title).
        The hits' spans are `run`'s; where a rule's term and its `near` cover the same words, which one
        the hit keeps (its focus) follows the tokens' place in the Doc, here as in `run`."""
        compiled = self._compiled(language or "nl")
        owners = [(k, block.index) for k, blocks in enumerate(documents) for block in blocks]
        texts = [block.text for blocks in documents for block in blocks]
        out: list[list[Hit]] = [[] for _ in documents]
        first, size = 0, 0
        for i, text in enumerate(texts):
            size += len(text) + len(_SEPARATOR)
            if size >= _CHUNK_CHARS or i == len(texts) - 1:
                for hit in _chunk_hits(compiled, list(range(first, i + 1)), texts[first : i + 1]):
                    document, block = owners[hit.block]
                    out[document].append(hit._replace(block=block))
                first, size = i + 1, 0
        return out

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
    A span that crosses from one block into the next is dropped: blocks are matched on their own.

    Terms match far more often than rules fire (a long tender has thousands of "aanbestedende
    dienst" that only matter next to an authority's name), so the spans are sorted into (block, rule)
    groups with numpy, and only groups whose parts can make a hit (terms, or every group of a `near`,
    and no `unless`) are kept. A group of term spans that do not overlap is its hits as it is; only
    the others (a complete `near`, overlapping spans) go through Python, and character offsets are
    computed for all at once."""
    import numpy as np

    starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum([len(text) + len(_SEPARATOR) for text in texts[:-1]], out=starts[1:])
    doc = compiled.nlp.tokenizer(_SEPARATOR.join(texts))
    raw = doc.to_array(compiled.attrs)
    if not len(raw):
        return []
    array = raw.astype(np.int64)  # uint64 + int64 would make floats
    phrase = compiled.phrases(doc)
    prefix = compiled.prefixes.find(doc.vocab.strings, raw[:, 0], raw[:, 3])
    if not phrase and not prefix:
        return []
    found = np.empty((len(phrase) + len(prefix), 3), dtype=np.int64)
    if phrase:
        matched = np.array(phrase, dtype=np.uint64).reshape(-1, 3)
        ids, inverse = np.unique(matched[:, 0], return_inverse=True)
        found[: len(phrase), 0] = np.array([compiled.code_of_id[int(i)] for i in ids], dtype=np.int64)[inverse]
        found[: len(phrase), 1:] = matched[:, 1:]
    if prefix:
        found[len(phrase) :] = np.array([(compiled.code_of_key[k], b, e) for k, b, e in prefix], dtype=np.int64)
    token_start = array[:, 1]
    token_end = token_start + array[:, 2]
    block_of = np.searchsorted(starts, token_start, side="right") - 1
    found = found[block_of[found[:, 1]] == block_of[found[:, 2] - 1]]
    if not len(found):
        return []
    group = block_of[found[:, 1]] * len(compiled.rule_names) + compiled.code_rule[found[:, 0]]
    order = np.lexsort((found[:, 2], found[:, 1], found[:, 0], group))
    found, group = found[order], group[order]
    heads = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    masks = np.bitwise_or.reduceat(compiled.code_bit[found[:, 0]], heads)
    rules = compiled.code_rule[found[heads, 0]]
    requirements = compiled.requirements[rules]
    fires = ((masks[:, None] & requirements) == requirements).any(axis=1) & ((masks & _UNLESS_BIT) == 0)
    sizes = np.diff(np.r_[heads, len(found)])
    # Token spans of every hit as rows (group, start, end, focus start, focus end), in group order.
    # A group with no complete `near` whose term spans do not overlap is its term spans as they are
    # (the common case: a word once or a few times in a paragraph); the rest go through Python.
    near_done = ((masks[:, None] & requirements[:, 1:]) == requirements[:, 1:]).any(axis=1)
    plain = fires & ~near_done
    group_of_row = np.repeat(np.arange(len(heads)), sizes)
    term_rows = np.flatnonzero(plain[group_of_row] & (compiled.code_bit[found[:, 0]] == 1))
    term_groups = group_of_row[term_rows]
    overlapping = term_groups[1:][
        (term_groups[1:] == term_groups[:-1]) & (found[term_rows[1:], 1] < found[term_rows[:-1], 2])
    ]
    plain[overlapping] = False
    term_rows = term_rows[plain[term_groups]]
    spans = [np.column_stack([group_of_row[term_rows], found[term_rows, 1:], found[term_rows, 1:]])]
    generic: list[tuple[int, int, int, int, int]] = []
    for g in np.flatnonzero(fires & ~plain).tolist():
        head = int(heads[g])
        parts: dict[str, list[tuple[int, int]]] = {}
        for code, span_start, span_end in found[head : head + int(sizes[g])].tolist():
            parts.setdefault(compiled.code_part[code], []).append((span_start, span_end))
        generic.extend((g, *span) for span in _rule_spans(compiled.specs[compiled.rule_names[int(rules[g])]], parts))
    if generic:
        spans.append(np.array(generic, dtype=np.int64))
    rows = np.concatenate(spans)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    group_of = rows[:, 0]
    position = block_of[found[heads[group_of], 1]]
    offset = starts[position]
    names = compiled.rule_names
    return [
        Hit(names[rule], indexes[block], start, end, focus_start, focus_end)
        for rule, block, start, end, focus_start, focus_end in zip(  # noqa: B905 - columns of one table
            rules[group_of].tolist(),
            position.tolist(),
            (token_start[rows[:, 1]] - offset).tolist(),
            (token_end[rows[:, 2] - 1] - offset).tolist(),
            (token_start[rows[:, 3]] - offset).tolist(),
            (token_end[rows[:, 4] - 1] - offset).tolist(),
        )
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
