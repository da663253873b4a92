"""Who buys: the contracting authority, by its canonical name, and whether it is central government.

The authority rules (rules/authorities.yaml `authorities`) say what kind of body a name is; the names
table (`names`) says which body it is: "RWS", "Rijkswaterstaat" and "the Directorate-General for Public
Works" are one authority, and "vertegenwoordigd door de Minister van Sociale Zaken" names the ministry.
A formula that names the State's representative ("de Staat der Nederlanden, vertegenwoordigd door de
Minister van ...") says who signs, not which service buys: an agency named as well is the buyer.
A body of the names table in the title area or a header (a letterhead: "UWV", "Kadaster") is taken as
the authority even where no buyer-role word stands beside it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..document import Block, BlockKind, Document
from ..report import Authority, Evidence
from ..ruleset.load import Ruleset
from ..ruleset.models import AuthorityName
from .categories import outside_purchase
from .evidence import evidence
from .hits import HitIndex
from .title import title_blocks

TOP_BLOCKS = 15
LETTERHEAD_LINE = 120  # characters: longer blocks of the title area are sentences, not a letterhead
# ... unless the document's first block opens with a name and no verb, as a joined letterhead does: no
# sentence starts "Belastingdienst/Douane Inkoop Douane, Postbus"
_LETTERHEAD_START = re.compile(r"[A-Z][\w'./-]*(?:\s+[A-Z][\w'./-]*){0,5}\s*(?:[,·|/-]|\s+(?:Postbus|P\.O\.|Inkoop))")
PROMINENT, PASSING, REPRESENTATIVE, OWNER = 3.0, 1.0, 0.5, 0.4
_CONNECTORS = ("en", "van", "voor", "and", "of", "the")
_REPRESENTED = re.compile(
    r"^(?:de\s+staat\s+der\s+nederlanden,?\s*)?(?:vertegenwoordigd\s+door|represented\s+by|namens)\s+(?:de|het|the)?\s*",
    re.IGNORECASE,
)
_THE_STATE = re.compile(
    r"^(?:de\s+|the\s+)?(?:staat\s+der\s+nederlanden|state\s+of\s+the\s+netherlands)\b", re.IGNORECASE
)
# "het programma VANG van het Ministerie van IenW", "a subsidy of the ministry": named in passing
# ("in opdracht van het Ministerie", "on behalf of the Ministry" name the buyer)
_OF_THE = re.compile(
    r"(?<!opdracht\s)(?<!rekening\s)(?<!behalf\s)\b(?:van\s+het|van\s+de|uit\s+het|of\s+the|from\s+the)\s+$",
    re.IGNORECASE,
)
# "gevestigd in de gemeente Den Haag", "installed in the municipality of Lelystad": where, not who
_LOCATED = re.compile(r"\b(?:in|binnen|within)\s+(?:(?:de|het|the)\s+)?$", re.IGNORECASE)
_MINISTER = re.compile(r"^(?:minister|staatssecretaris|state\s+secretary)\s+(van|of|voor|for)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: str
    name: str
    canonical: AuthorityName | None
    block: int
    start: int
    end: int


def authority_name(text: str, start: int, end: int) -> str:
    """The authority's name at text[start:end], with the capitalised words that complete it
    ("gemeente" + "Zwolle", "Ministerie van" + "Economische Zaken")."""
    words = text[end:].split()
    taken = []
    for word in words[:4]:
        bare = word.strip(",.;:()")
        if (
            bare
            and (bare[0].isupper() or bare in ("en", "van", "voor", "and", "of"))
            and not bare.isupper()
            or bare in ("IenW", "JenV")
        ):
            taken.append(bare)
            if bare != word:
                break
        else:
            break
    while taken and taken[-1] in _CONNECTORS:
        taken.pop()
    name = " ".join([text[start:end].strip(), *taken]).strip()
    return name[:1].upper() + name[1:]


def plain(name: str) -> str:
    """A name as the names table compares it: lower case, words only, the representative formula
    taken off and a minister turned into the ministry ("Minister van Defensie" -> "ministerie van defensie")."""
    text = _REPRESENTED.sub("", name.strip())
    minister = _MINISTER.match(text)
    if minister:
        ministry = "ministry of " if minister.group(1).lower() in ("of", "for") else "ministerie van "
        text = ministry + text[minister.end() :]
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def canonical(name: str, ruleset: Ruleset) -> AuthorityName | None:
    """The entry of the names table this name starts with (longest alias first), if any: the name
    itself, then each of its beginnings that ends before a space, longest first, looked up (a
    document names a few dozen bodies; the table has hundreds of aliases)."""
    key = plain(name)
    aliases = _aliases(ruleset)
    entry = aliases.get(key)
    if entry is not None:
        return entry
    end = key.rfind(" ")
    while end >= 0:
        entry = aliases.get(key[:end])
        if entry is not None:
            return entry
        end = key.rfind(" ", 0, end)
    return None


@lru_cache(maxsize=4)
def _aliases(ruleset: Ruleset) -> dict[str, AuthorityName]:
    """Each alias as `plain` has it, with the first entry of the table that has it."""
    aliases: dict[str, AuthorityName] = {}
    for entry in ruleset.authority_names:
        for alias in (entry.name, *entry.aliases):
            aliases.setdefault(plain(alias), entry)
    return aliases


@lru_cache(maxsize=4)
def _letterhead_pattern(ruleset: Ruleset) -> re.Pattern[str] | None:
    """Every alias of the names table as one pattern for the title area and headers. Short
    abbreviations ("UWV", "DJI") only in capitals, so that "coa" or "ind" in a sentence is no name."""
    alternatives = []
    for entry in ruleset.authority_names:
        for alias in (entry.name, *entry.aliases):
            if len(alias) <= 5:
                alternatives.append(re.escape(alias.upper()))
            else:
                alternatives.append("(?i:" + re.escape(alias) + ")")
    if not alternatives:
        return None
    # a reference number counts: "Kenmerk: DJI-2022-BK-031"
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)")


def find_authority(document: Document, ruleset: Ruleset, hits: HitIndex) -> Authority:
    scores: dict[tuple[str, str], float] = defaultdict(float)
    shown: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    rules = {r.id: r for r in ruleset.authorities}

    def add(candidate: _Candidate, score: float) -> None:
        key = (candidate.rule, candidate.canonical.name if candidate.canonical else candidate.name.lower())
        scores[key] += score
        shown[key].append(candidate)

    for rule in ruleset.authorities:
        seen: set[tuple[int, int, int]] = set()
        for hit in hits.by_rule.get(rule.id, ()):
            if (hit.block, hit.start, hit.end) in seen:
                continue  # one name that two of the rule's patterns find counts once
            seen.add((hit.block, hit.start, hit.end))
            block = document.blocks[hit.block]
            name = authority_name(block.text, *hit.focus)
            entry = canonical(name, ruleset)
            represented = bool(_REPRESENTED.match(name) or _THE_STATE.match(name))
            if _LOCATED.search(block.text[max(0, hit.start - 16) : hit.start]):
                continue  # "installed in the municipality of Lelystad": a place, not a party
            if outside_purchase(document, hit.block, hit.start, ruleset.out_of_scope):
                continue  # "valt onder het contract van Rijkswaterstaat en niet onder deze opdracht"
            possessed = _in_passing(block.text, hit.start)
            # a body named as the owner of something ("het programma VANG van het Ministerie") weighs less
            # than one named anywhere as an actor: it is there because of what it owns, not what it buys
            score = (
                REPRESENTATIVE
                if represented
                else OWNER
                if possessed
                else PASSING
                if not _prominent(block)
                else PROMINENT
            )
            add(_Candidate(rule.id, name, entry, hit.block, hit.start, hit.end), score)

    def add_named(block: Block, named: re.Match[str], score: float = PROMINENT) -> None:
        """A body of the names table where a buyer names itself (PROMINENT), unless named in passing."""
        entry = canonical(named.group(), ruleset)
        if entry is not None and entry.rule in rules and not _in_passing(block.text, named.start()):
            add(_Candidate(entry.rule, named.group(), entry, block.index, named.start(), named.end()), score)

    # the title area and the running headers and footers: where a document names its own buyer
    prominent = title_blocks(document) | {b.index for b in document.blocks if b.kind in _PAGE_FURNITURE}
    pattern = _letterhead_pattern(ruleset)
    if pattern is not None:
        for index in sorted(prominent):
            block = document.blocks[index]
            head = block.text
            if len(head) > LETTERHEAD_LINE and block.kind not in _PAGE_FURNITURE:
                if index > 0 or not _LETTERHEAD_START.match(head):
                    continue  # a sentence of the introduction, not a letterhead or title line
                # a letter's first lines that a PDF joined into one block ("Belastingdienst/Douane Inkoop
                # Douane, Postbus 3070 ... Geachte ..."): the letterhead is its start
                head = head[:LETTERHEAD_LINE]
            whose_from = len(head)
            for rule_id, opening in _letterhead_openings(ruleset):
                opened = opening.match(head)
                if opened is not None:  # "Gemeente Rotterdam Cluster Dienstverlening": a local authority's letterhead
                    name = " ".join(opened.group(1).split())
                    add(_Candidate(rule_id, name, None, block.index, opened.start(1), opened.end(1)), PROMINENT)
            for m in pattern.finditer(head):
                if m.start() >= whose_from:
                    continue  # "Douane, onderdeel van de Belastingdienst (Ministerie van Financiën)": whose it is
                if whose_from == len(head) and _PART_OF.match(block.text, m.end()):
                    whose_from = m.end()
                add_named(block, m)
        for block in document.blocks:
            # the names pattern is costly; it runs only where a block says whose service something is
            for m in pattern.finditer(block.text) if _names_part(block.text) else ():
                if _PART_OF.match(block.text, m.end()):
                    # "Het KNMI, agentschap van het Ministerie van IenW": the service is the party,
                    # its ministry only whose it is
                    add_named(block, m, PROMINENT if _prominent(block) else PASSING)
            if block.index in prominent or not block.heading_path or not _BUYER_HEADING.search(block.heading_path[-1]):
                continue
            named = pattern.search(block.text)  # "1 De aanbestedende dienst" / "Staatsbosbeheer beheert ..."
            if named:
                add_named(block, named)
    for key in _in_other_roles(document, ruleset, shown):
        del scores[key]  # the document says this body is not the buyer
    if not scores:
        return Authority(name=None, central_government=None)
    # on a tie, the body that heads the document (a title line, a running header) is the buyer
    best = max(
        scores, key=lambda key: (scores[key], any(c.block in prominent for c in shown[key]), -shown[key][0].block)
    )
    found = shown[best]
    first = found[0]
    rule = rules[first.rule]
    name = first.canonical.name if first.canonical else _authority_of_board(first.name, rule.governing_bodies)
    return Authority(
        name=name,
        central_government=rule.central_government,
        rule=rule.id,
        evidence=tuple(_evidence(document, c) for c in found[:3]),
    )


@lru_cache(maxsize=4)
def _letterhead_openings(ruleset: Ruleset) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per authority rule with `letterhead` words: a line that opens with one of them and a place's name
    ("Gemeente Rotterdam", "Gemeente Den Haag", "Waterschap Rivierenland")."""
    out = []
    for rule in ruleset.authorities:
        if rule.letterhead:
            words = "|".join(re.escape(w) for w in rule.letterhead)
            out.append(
                (
                    rule.id,
                    re.compile(
                        rf"\s*((?i:{words})\s+(?:(?:Den|De|Het|Sint|'s)[\s-]+)?[A-Z][\w'-]+(?:\s+(?:aan|op|in)\s+(?:den\s+|de\s+)?[A-Z][\w'-]+)?)"
                    ),
                )
            )
    return tuple(out)


def _authority_of_board(name: str, boards: dict[str, str]) -> str:
    """ "Gedeputeerde Staten van Noord-Holland" -> "Provincie Noord-Holland": the authority its board acts for."""
    lower = name.lower()
    for board, authority in boards.items():
        if lower.startswith(board) and name[len(board) :].strip():
            return f"{authority} {name[len(board) :].strip()}"
    return name


_PAGE_FURNITURE = (BlockKind.HEADER, BlockKind.FOOTER)
# what follows a service's name when the document says whose service it is ("agentschap van het ...")
# "Logius, Ministerie van BZK" in a letterhead: the ministry right after a service's name is whose it is
_PART_NOUN = (
    r"(?:(?:agentschap|onderdeel|uitvoeringsorganisatie|uitvoeringsdienst|dienstonderdeel|directoraat-generaal|"
    r"agency|executive\s+agency|part|directorate(?:-general)?|division)\s+(?:van|of|binnen|within)\b"
    r"|(?=(?:ministerie|ministry)\s+(?:van|of)\b))"
)
_PART_WORDS = re.compile(rf"\b{_PART_NOUN}", re.IGNORECASE)  # anywhere in a block: a cheap test first
# a word each of _PART_NOUN's alternatives contains, in lower case; "ı" and "ſ" stand for "i" and "s" in
# an IGNORECASE pattern but are their own lower case, so a block with them is searched whatever it holds
_PART_LITERALS = re.compile(
    "agentschap|onderdeel|uitvoerings|directoraat|agency|part|directorate|division|ministerie|ministry"
)


def _names_part(text: str) -> bool:
    """Whether `_PART_WORDS` finds a part noun in `text` ("agentschap van", "ministerie van"). Most
    blocks hold none of its words, and `_PART_WORDS` fails slowly (an IGNORECASE alternation behind
    `\b` is tried at every character: 12 of the 68 ms a 100-page document's rules took); the
    literal words in the lower-cased text fail about five times faster, so `_PART_WORDS` runs only
    on a block that holds one."""
    if _PART_LITERALS.search(text.lower()) is None and "ı" not in text and "ſ" not in text:
        return False
    return _PART_WORDS.search(text) is not None


_PART_OF = re.compile(
    rf"(?:\s+Nederland)?\s*(?:\([^)]{{1,60}}\))?\s*,?\s*(?:een\s+|het\s+|de\s+|an?\s+|the\s+)?{_PART_NOUN}",
    re.IGNORECASE,
)
# where a buyer names itself: the buyer's section, or the parties' (the supplier there is a company,
# not a body of the names table)
_BUYER_HEADING = re.compile(
    r"\b(?:aanbestedende dienst|opdrachtgever|contracting authority|the buyer|de koper"
    r"|partijen|de ondergetekenden|ondergetekenden|parties|the undersigned)\b",
    re.IGNORECASE,
)


def _in_other_roles(
    document: Document, ruleset: Ruleset, shown: dict[tuple[str, str], list[_Candidate]]
) -> list[tuple[str, str]]:
    """The bodies the document names, at least once, in another part than the buyer's (a research
    partner, a co-funder, "is not a party to the contract"): rules/authorities.yaml `other_roles`."""
    before, after = _role_patterns(ruleset.other_roles.before, ruleset.other_roles.after)
    if before is None and after is None:
        return []
    out = []
    for key, candidates in shown.items():
        for c in candidates:
            text = document.blocks[c.block].text
            head = text[max(0, c.start - ROLE_REACH) : c.start]
            tail = text[c.end : c.end + ROLE_REACH]
            if (before is not None and before.search(head)) or (after is not None and after.match(tail)):
                out.append(key)
                break
    return out


ROLE_REACH = 48  # characters: the rest of a name ("Wageningen University & Research") and a comma


@lru_cache(maxsize=4)
def _role_patterns(
    before: tuple[str, ...], after: tuple[str, ...]
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """`before` ends right before the name, a few capitalised words of it between ("research partner,
    Wageningen"); `after` follows the name, a few words of it between ("Overijssel co-funds")."""

    def words(terms: tuple[str, ...]) -> str:
        return "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))

    name_words = r"(?:[\s,]+(?:de|het|the|[A-Z][\w&.'-]*))*[\s,]*"
    head = re.compile(rf"\b(?:{words(before)}){name_words}$", re.IGNORECASE) if before else None
    tail = re.compile(rf"^[\w&' -]{{0,40}}?\s(?:{words(after)})\b", re.IGNORECASE) if after else None
    return head, tail


def _in_passing(text: str, at: int) -> bool:
    """Whether the name at text[at] is named as the owner of something ("van het Ministerie"), not as
    the body whose official represents the State ("vertegenwoordigd door de directeur van het CFD")."""
    return bool(_OF_THE.search(text[max(0, at - 24) : at])) and not _REPRESENTED_BY_OFFICIAL.search(
        text[max(0, at - 90) : at]
    )


# "te dezen vertegenwoordigd door de directeur Bedrijfsvoering van het", "represented by the director of the"
_REPRESENTED_BY_OFFICIAL = re.compile(
    r"\b(?:vertegenwoordigd\s+door|represented\s+by)\s+(?:de|het|the)\s+[\w\s-]{0,40}?\s(?:van|of)\s+(?:de|het|the)\s+$",
    re.IGNORECASE,
)


def _prominent(block: Block) -> bool:
    return block.index < TOP_BLOCKS or block.kind in _PAGE_FURNITURE


def _evidence(document: Document, candidate: _Candidate) -> Evidence:
    return evidence(document, candidate.block, candidate.start, candidate.end)
