"""Facts from outside the document: a CSV of tender notices (an export of TenderNed or of the
authority's own records) that completes or overrides what a document says about itself.

A row names its document by `file` (a file name or a path ending; the most specific match wins) or by
`reference` (a tender reference such as "2024-123456" found in the file's path, e.g. in a folder
name). Its facts: `authority` (and optionally `central_government`), `estimated_value` (euros),
`cpv` (one or more CPV codes) and `publication_date`. Dutch headers (bestand, kenmerk, aanbestedende
dienst, geraamde waarde, publicatiedatum, ...) are accepted too; `,`, `;` and tab separators alike.

A row becomes `GivenFacts` with its CSV file and line as their source; the checks lay them over what
the document says (`checks.facts.merge`) before deciding anything, and name every fact taken from the
CSV in a finding `ISV-METADATA`. This module only reads the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..checks.facts import GivenFacts
from ..checks.findings import GIVEN_RULE
from ..report import Report, Source
from ..tender.report import TenderReport

_HEADERS: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "file_name", "bestand", "bestandsnaam", "document", "path", "pad"),
    "reference": (
        "reference",
        "document_reference",
        "ref",
        "kenmerk",
        "referentie",
        "referentienummer",
        "tenderned_kenmerk",
        "notice",
        "notice_id",
        "publicatienummer",
        "id",
    ),
    "authority": (
        "authority",
        "contracting_authority",
        "aanbestedende_dienst",
        "opdrachtgever",
        "buyer",
        "naam_aanbestedende_dienst",
    ),
    "central_government": ("central_government", "rijksoverheid", "central"),
    "estimated_value": (
        "estimated_value",
        "estimated_value_eur",
        "value",
        "value_eur",
        "geraamde_waarde",
        "geraamde_waarde_eur",
        "waarde",
        "geschatte_waarde",
    ),
    "cpv": ("cpv", "cpv_codes", "cpv_code", "cpv_code_hoofdopdracht", "cpv_hoofdopdracht"),
    "publication_date": ("publication_date", "publicatiedatum", "publication", "date", "datum"),
}
_FACTS = ("authority", "central_government", "estimated_value", "cpv", "publication_date")
_TRUE = {"ja", "yes", "true", "waar", "1", "j", "y"}
_FALSE = {"nee", "no", "false", "onwaar", "0", "n"}


class MetadataError(ValueError):
    """A metadata CSV that cannot be used; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class _Row:
    file: str | None
    reference: str | None
    facts: GivenFacts

    def describe(self) -> str:
        """The row as a person finds it in the CSV: its file and line, and what it names."""
        names = ", ".join(f"{k} {v!r}" for k, v in (("file", self.file), ("reference", self.reference)) if v)
        return f"{self.facts.source.reference or '?'} ({names})"


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

    def match(self, source: str) -> GivenFacts | None:
        """The facts for a source: by file name (longest matching path ending), else by reference."""
        row = self.row_for(source)
        return row.facts if row is not None else None

    def unmatched(self, sources: Iterable[str]) -> list[_Row]:
        """The rows that give their facts to none of `sources` (a misspelt file name, a reference no
        path contains, a row shadowed by a more specific one), in CSV order."""
        used = {id(row) for row in map(self.row_for, sources) if row is not None}
        return [row for row in self.rows if id(row) not in used]

    def row_for(self, source: str) -> _Row | None:
        normal = source.replace("\\", "/").lower()
        candidates = [
            row
            for row in self._by_name.get(_basename(normal), ())
            if normal == _norm(row.file) or normal.endswith(("/" + _norm(row.file), "!" + _norm(row.file)))
        ]
        if candidates:
            return max(candidates, key=lambda r: len(r.file or ""))
        if self._ref_re is not None:
            found = self._ref_re.search(normal)
            if found:
                return self._by_ref[found.group(1)]
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
        dialect = csv.excel
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
            facts = GivenFacts(
                source=Source(kind="metadata", reference=f"{path.name} line {line}"),
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


def facts_used(report: Report | TenderReport) -> list[str]:
    """Which facts of a report were given by metadata, from its ISV-METADATA findings' parameters."""
    return [str(f.params["fact"]) for f in report.findings if f.rule == GIVEN_RULE and "fact" in f.params]
