"""Facts from outside the document: a CSV of tender notices (an export of TenderNed or of the
authority's own records) that completes or overrides what a document says about itself.

A row names its document by `file` (a file name or a path ending; the most specific match wins) or by
`reference` (a tender reference such as "2024-123456" found in the file's path, e.g. in a folder
name). Its facts: `authority` (and optionally `central_government`), `estimated_value` (euros),
`cpv` (one or more CPV codes) and `publication_date`. Dutch headers (bestand, kenmerk, aanbestedende
dienst, geraamde waarde, publicatiedatum, ...) are accepted too; `,`, `;` and tab separators alike.

How facts are applied to a report (`apply_metadata`): authority, value and date replace what the
document says (a notice is the formal record); CPV codes add the ISV categories they fall in to those
the text gave (the text may name more). Applicability, the verdict, the verdict's findings and the SDG
targets are then decided again from the merged facts, and every fact taken from the CSV is named in a
finding `ISV-METADATA` (severity info) with the CSV file, its line and what the document said.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ..checks.applicability import decide_from_facts
from ..report import Applicability, Authority, CategoryResult, Finding, Report, Value
from ..ruleset.load import Ruleset

METADATA_RULE = "ISV-METADATA"

_HEADERS: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "file_name", "bestand", "bestandsnaam", "document", "path", "pad"),
    "reference": ("reference", "document_reference", "ref", "kenmerk", "referentie", "referentienummer",
                  "tenderned_kenmerk", "notice", "notice_id", "publicatienummer", "id"),
    "authority": ("authority", "contracting_authority", "aanbestedende_dienst", "opdrachtgever", "buyer",
                  "naam_aanbestedende_dienst"),
    "central_government": ("central_government", "rijksoverheid", "central"),
    "estimated_value": ("estimated_value", "estimated_value_eur", "value", "value_eur", "geraamde_waarde",
                        "geraamde_waarde_eur", "waarde", "geschatte_waarde"),
    "cpv": ("cpv", "cpv_codes", "cpv_code", "cpv_code_hoofdopdracht", "cpv_hoofdopdracht"),
    "publication_date": ("publication_date", "publicatiedatum", "publication", "date", "datum"),
}
_FACTS = ("authority", "central_government", "estimated_value", "cpv", "publication_date")
_TRUE = {"ja", "yes", "true", "waar", "1", "j", "y"}
_FALSE = {"nee", "no", "false", "onwaar", "0", "n"}


class MetadataError(ValueError):
    """A metadata CSV that cannot be used; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class MetadataFacts:
    """The facts of one CSV row, as handed to a worker (small and picklable)."""

    csv: str
    line: int
    authority: str | None = None
    central_government: bool | None = None
    estimated_value: float | None = None
    cpv: tuple[str, ...] = ()
    publication_date: str | None = None

    @property
    def key(self) -> str:
        """A digest of the facts: a stored result made with other facts (or none) is checked again."""
        facts = {k: v for k, v in asdict(self).items() if k in _FACTS}
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Row:
    file: str | None
    reference: str | None
    facts: MetadataFacts


class MetadataTable:
    """The rows of a metadata CSV, matched to sources by file name or by reference."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self._by_name: dict[str, list[_Row]] = {}
        for row in rows:
            if row.file:
                self._by_name.setdefault(_basename(row.file), []).append(row)
        refs = sorted({r.reference.lower() for r in rows if r.reference}, key=len, reverse=True)
        self._by_ref = {r.reference.lower(): r for r in rows if r.reference}
        self._ref_re = (
            re.compile("(?<![0-9a-z])(" + "|".join(re.escape(r) for r in refs) + ")(?![0-9a-z])") if refs else None
        )

    def __len__(self) -> int:
        return len(self.rows)

    def match(self, source: str) -> MetadataFacts | None:
        """The facts for a source: by file name (longest matching path ending), else by reference."""
        normal = source.replace("\\", "/").lower()
        candidates = [
            row for row in self._by_name.get(_basename(normal), ())
            if normal == _norm(row.file) or normal.endswith(("/" + _norm(row.file), "!" + _norm(row.file)))
        ]
        if candidates:
            return max(candidates, key=lambda r: len(r.file or "")).facts
        if self._ref_re is not None:
            found = self._ref_re.search(normal)
            if found:
                return self._by_ref[found.group(1)].facts
        return None


def _norm(path: str | None) -> str:
    return (path or "").replace("\\", "/").strip().lstrip("./").lower()


def _basename(path: str) -> str:
    return re.split(r"[/!\\]", path.strip())[-1].lower()


def _header_key(raw: str) -> str | None:
    name = re.sub(r"[^0-9a-z]+", "_", raw.strip().lower().replace("€", "eur")).strip("_")
    for key, aliases in _HEADERS.items():
        if name in aliases:
            return key
    return None


def load_metadata(path: str | Path) -> MetadataTable:
    """Read a metadata CSV; raise MetadataError naming the line for anything that cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MetadataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise MetadataError(f"{path}: the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader)
    columns = {i: _header_key(h) for i, h in enumerate(header)}
    known = set(columns.values()) - {None}
    if not known & {"file", "reference"}:
        raise MetadataError(
            f"{path}: needs a `file` or `reference` column to match rows to documents (found: {', '.join(header)})"
        )
    if not known & set(_FACTS):
        raise MetadataError(
            f"{path}: has no fact columns (authority, estimated_value, cpv, publication_date) (found: {', '.join(header)})"
        )
    rows: list[_Row] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = {columns[i]: c.strip() for i, c in enumerate(cells) if i in columns and columns[i] and c.strip()}
        if not values.get("file") and not values.get("reference"):
            raise MetadataError(f"{path}, line {line}: neither a file nor a reference")
        try:
            facts = MetadataFacts(
                csv=path.name,
                line=line,
                authority=values.get("authority"),
                central_government=_bool(values.get("central_government")),
                estimated_value=_money(values.get("estimated_value")),
                cpv=tuple(dict.fromkeys(re.findall(r"(?<!\d)\d{8}(?!\d)", values.get("cpv", "")))),
                publication_date=_date(values.get("publication_date")),
            )
        except ValueError as exc:
            raise MetadataError(f"{path}, line {line}: {exc}") from None
        rows.append(_Row(values.get("file"), values.get("reference"), facts))
    return MetadataTable(rows)


def _bool(raw: str | None) -> bool | None:
    if raw is None:
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(f"central_government must be yes/no (ja/nee, true/false), not {raw!r}")


def _money(raw: str | None) -> float | None:
    if raw is None:
        return None
    plain = raw.replace(" ", "").replace("\u00a0", "")
    try:
        return float(plain)
    except ValueError:
        pass
    from ..checks.amounts import find_amounts

    found = find_amounts(raw if re.search(r"€|eur", raw, re.IGNORECASE) else f"€ {raw}")
    if not found:
        raise ValueError(f"estimated value {raw!r} is not an amount")
    return float(found[0].euros)


def _date(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = raw.strip()[:10] if re.match(r"\d{4}-\d{2}-\d{2}", raw.strip()) else raw.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"publication date {raw!r} is not a date (use 2024-03-01 or 01-03-2024)")


# --------------------------------------------------------------------------------------------------
# applying facts to a report


def apply_metadata(report: Report, facts: MetadataFacts, ruleset: Ruleset) -> Report:
    """The report with the CSV's facts merged in and applicability and verdict decided again."""
    before = report.applicability
    if before is None or report.clause is None:
        note = Finding(rule=METADATA_RULE, severity="info",
                       message=f"{facts.csv} line {facts.line} matched this file, but it could not be checked")
        return report.model_copy(update={"findings": (*report.findings, note)})
    origin = f"{facts.csv} line {facts.line}"
    notes: list[str] = []
    authority, value, date = before.authority, before.value_eur, before.document_date
    if facts.authority is not None:
        central, rule = facts.central_government, None
        if central is None:
            central, rule = _recognise_authority(facts.authority, ruleset)
        authority = Authority(name=facts.authority, central_government=central, rule=rule)
        said = before.authority.name or "no authority"
        notes.append(f"authority {facts.authority!r} ({_central_text(central)}) from {origin}; the document: {said}")
    elif facts.central_government is not None:
        authority = before.authority.model_copy(update={"central_government": facts.central_government})
        notes.append(f"central government: {_central_text(facts.central_government)} from {origin}")
    if facts.estimated_value is not None:
        value = Value(amount=facts.estimated_value)
        said = f"EUR {before.value_eur.amount:,.0f}" if before.value_eur.amount is not None else "no value"
        notes.append(f"estimated value EUR {facts.estimated_value:,.0f} from {origin}; the document: {said}")
    if facts.publication_date is not None:
        date = facts.publication_date
        notes.append(f"publication date {date} from {origin}; the document: {before.document_date or 'no date'}")
    categories = report.categories
    if facts.cpv:
        added = _cpv_categories(facts.cpv, ruleset, {c.id for c in categories})
        categories = (*categories, *added)
        named = ", ".join(c.id for c in added) if added else "no further ISV category"
        notes.append(f"CPV {', '.join(facts.cpv)} from {origin}: {named}")
    applicability = decide_from_facts(
        ruleset, authority=authority, value=value, document_date=date, categories=categories,
        works=before.works, procedure_id=before.procedure,
    )
    return _rejudged(report, ruleset, applicability, categories, notes)


def _central_text(central: bool | None) -> str:
    return {True: "central government", False: "not central government", None: "not recognised"}[central]


@lru_cache(maxsize=4)
def _authority_matcher(ruleset: Ruleset):  # type: ignore[no-untyped-def]
    from ..checks.matching import RuleMatcher

    return RuleMatcher(list(ruleset.authorities))


def _recognise_authority(name: str, ruleset: Ruleset) -> tuple[bool | None, str | None]:
    """Which authority rule the name falls under; the CSV column says the name is the buyer."""
    from ..document import Block, BlockKind

    text = f"aanbestedende dienst: {name}"
    hits = _authority_matcher(ruleset).run([Block(index=0, kind=BlockKind.PARAGRAPH, text=text)], "nl")
    for hit in sorted(hits, key=lambda h: -(h.end - h.start)):
        rule = next(r for r in ruleset.authorities if r.id == hit.rule)
        return rule.central_government, rule.id
    return None, None


def _cpv_categories(codes: tuple[str, ...], ruleset: Ruleset, present: set[str]) -> tuple[CategoryResult, ...]:
    groups = {c: g for g in ruleset.groups for c in g.categories}
    out: list[CategoryResult] = []
    for rule in ruleset.categories:
        if rule.category in present or not any(code.startswith(p) for code in codes for p in rule.cpv):
            continue
        group = groups.get(rule.category)
        out.append(CategoryResult(
            id=rule.category, rule=rule.id, name_nl=rule.name_nl, name_en=rule.name_en,
            group=group.id if group else rule.group,
            group_name_nl=group.name_nl if group else rule.group,
            group_name_en=group.name_en if group else rule.group,
            evidence=(),
        ))
        present.add(rule.category)
    return tuple(out)


def _rejudged(
    report: Report, ruleset: Ruleset, applicability: Applicability, categories: tuple[CategoryResult, ...], notes: list[str]
) -> Report:
    """Verdict, findings and SDG targets again, exactly as `checks.engine.judge` makes them."""
    from ..checks.engine import VERDICT_FINDING_RULES, conclude

    clause = report.clause
    assert clause is not None
    element_rules = {e.rule for e in clause.elements}
    kept = tuple(f for f in report.findings if f.rule not in VERDICT_FINDING_RULES and f.rule not in element_rules)
    noted = tuple(Finding(rule=METADATA_RULE, severity="info", message=note) for note in notes)
    return report.model_copy(
        update=conclude(ruleset, applicability, clause, categories, report.language or "nl", kept + noted)
    )


def metadata_facts_used(report: Report) -> list[str]:
    """Which facts of a report came from metadata, read back from its ISV-METADATA findings."""
    used = []
    for finding in report.findings:
        if finding.rule != METADATA_RULE:
            continue
        for fact, prefix in (("authority", "authority "), ("central_government", "central government"),
                             ("estimated_value", "estimated value"), ("publication_date", "publication date"), ("cpv", "CPV ")):
            if finding.message.startswith(prefix):
                used.append(fact)
    return used
