"""The findings the checks give, each a code with parameters, rendered in English and Dutch.

Every `Finding` is made by `finding` here, which writes its English `message` from the code's text in
the catalogue (`finding.<code>`, in `i18n/`), so a message is never prose of its own and every
finding renders in any language from its code, parameters and source (`finding_text`). A code names
what the finding is about before the dot ('metadata.cpv'), as the reasons' codes do; the rule id a
finding is filed under is the code's own (`RULES`) except for the element findings, which name the
data rule of the element.

Parameters hold raw values (euros as numbers, ids and names as strings, booleans, None for "not
stated"). Some texts quote the rest of the report instead of copying it into their parameters: the
applicability's reasons, the names of the clause's elements, the reader's status message (by its code
where it has one) and the pages read by OCR; `Context` carries those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..document import ReadMessage, page_ranges
from ..i18n.catalogue import catalogue, placeholders
from ..i18n.notation import amount
from ..i18n.reading import message_text
from ..report import ElementResult, Evidence, Finding, Param, Reason, Report, Severity, Source
from ..tender.report import TenderReport
from .reasons import sentence

GIVEN_RULE = "ISV-METADATA"

RULES: Mapping[str, str] = {
    "read.failed": "ISV-READ",
    "read.ocr": "ISV-READ-OCR",
    "metadata.unchecked": GIVEN_RULE,
    "metadata.authority": GIVEN_RULE,
    "metadata.central_government": GIVEN_RULE,
    "metadata.estimated_value": GIVEN_RULE,
    "metadata.publication_date": GIVEN_RULE,
    "metadata.cpv": GIVEN_RULE,
    "verdict.missing": "ISV-VERDICT-MISSING",
    "verdict.needs_review": "ISV-VERDICT-NEEDS-REVIEW",
    "clause.not_required": "ISV-CLAUSE-NOT-REQUIRED",
    "clause.elsewhere": "ISV-CLAUSE-ELSEWHERE",
    "tender.conflict": "ISV-TENDER",
    "tender.value_corrected": "ISV-TENDER",
    "tender.removes_clause": "ISV-TENDER",
    "tender.removes_element": "ISV-TENDER",
    "tender.adds_clause": "ISV-TENDER",
    "tender.adds_element": "ISV-TENDER",
    "tender.unreadable": "ISV-TENDER",
    "tender.annex_absent": "ISV-TENDER",
    "tender.duplicate": "ISV-TENDER",
    "notice.no_clause": "ISV-NOTICE",
    "notice.lots": "ISV-NOTICE",
    "notice.currency": "ISV-NOTICE",
    "notice.value_partial": "ISV-NOTICE",
}


@dataclass(frozen=True, slots=True)
class Context:
    """What finding texts quote from the rest of their report: the applicability's reasons (a finding
    to review repeats them), the clause's elements (a missing one is named in the reader's language),
    the reader's status message and the pages read by OCR. Empty for findings that quote nothing."""

    explanation: tuple[Reason, ...] = ()
    elements: tuple[ElementResult, ...] = ()
    status_message: str = ""
    coded_status_message: ReadMessage | None = None
    ocr_pages: tuple[int, ...] = ()

    @classmethod
    def of(cls, report: Report | TenderReport) -> Context:
        """The context of a document's report, or of a tender's (which has no reading of its own)."""
        if isinstance(report, TenderReport):
            return cls(
                explanation=report.applicability.explanation if report.applicability else (),
                elements=report.clause.elements if report.clause else (),
            )
        return cls(
            explanation=report.applicability.explanation if report.applicability else (),
            elements=report.clause.elements if report.clause else (),
            status_message=report.status_message,
            coded_status_message=report.coded_status_message,
            ocr_pages=report.document.ocr_pages,
        )


NO_CONTEXT = Context()


def finding(
    code: str,
    severity: Severity,
    params: Mapping[str, Param] | None = None,
    *,
    context: Context = NO_CONTEXT,
    rule: str | None = None,
    evidence: tuple[Evidence, ...] = (),
    source: Source | None = None,
) -> Finding:
    """The finding `code` with its English message; `rule` only where the code has no rule of its own
    (an element's finding is filed under the element's rule)."""
    values = dict(params or {})
    return Finding(
        rule=rule if rule is not None else RULES[code],
        code=code,
        severity=severity,
        message=_text(code, values, "en", source, context),
        evidence=evidence,
        params=values,
        source=source,
    )


def finding_text(finding: Finding, lang: str, report: Report | TenderReport) -> str:
    """A finding of `report` in `lang` ('nl' or 'en'); in English it is the finding's `message`. A
    finding without a code (a report written before findings had codes) has only its English text."""
    if finding.code is None:
        return finding.message
    return _text(finding.code, finding.params, lang, finding.source, Context.of(report))


def _text(
    code: str, params: Mapping[str, Param], lang: str, source: Source | None = None, context: Context = NO_CONTEXT
) -> str:
    """The text of `code` with `params` in `lang`, quoting `source` and `context` where it says so."""
    lang = "en" if lang == "en" else "nl"
    words = catalogue(lang)
    template = words[f"finding.{code}"]
    fields = placeholders(template)
    shown = {name: _shown(name, value, params, lang, context) for name, value in params.items() if name in fields}
    if "origin" in fields and source is not None:
        shown["origin"] = source.reference or words[f"param.source.{source.kind}"]
    if "detail" in fields:
        shown["detail"] = message_text(context.status_message, context.coded_status_message, lang)
    if "pages" in fields:
        shown["pages"] = page_ranges(context.ocr_pages)
    if "reasons" in fields:
        shown["reasons"] = "; ".join(sentence(reason, lang) for reason in context.explanation)
    text = template.format(**shown)
    return text.removesuffix(": ") if shown.get("detail") == "" else text


def _shown(name: str, value: Param, params: Mapping[str, Param], lang: str, context: Context) -> str:
    words = catalogue(lang)
    if name == "central_government" and (value is None or isinstance(value, bool)):
        return words[{True: "param.central.yes", False: "param.central.no", None: "param.central.unknown"}[value]]
    if name == "document":
        if value is None or value == "":
            return words[f"param.nothing.{params['fact']}"]
        return f"EUR {amount(value, lang)}" if isinstance(value, int | float) else str(value)
    if name == "value" and isinstance(value, int | float):
        return amount(value, lang)
    if name == "categories" and value == ():
        return words["param.categories.none"]
    if name == "fact" and isinstance(value, str):
        return words[f"param.fact.{value}"]
    if name == "status" and isinstance(value, str):
        return words.get(f"status.{value}", value)
    if name == "element":
        element = {e.id: e for e in context.elements}[str(value)]
        return element.name_en if lang == "en" else element.name_nl
    if isinstance(value, tuple):
        return ", ".join(value)
    return "" if value is None else str(value)
