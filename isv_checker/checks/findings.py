"""The findings the checks give, each a code with parameters, and their texts in English and Dutch.

Every `Finding` is made by `finding` here, which writes its English `message` from the code's template,
so a message is never prose of its own and every finding renders in any language from its code,
parameters and source (`finding_text`). A code names what the finding is about before the dot
('metadata.cpv'), as the reasons' codes in `reasons.py` do; the rule id a finding is filed under is the
code's own (`RULES`) except for the element findings, which name the data rule of the element.

Parameters hold raw values (euros as numbers, ids and names as strings, booleans, None for "not
stated"). Some texts quote the rest of the report instead of copying it into their parameters: the
applicability's reasons, the names of the clause's elements, the reader's status message and the pages
read by OCR; `Context` carries those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter

from ..document import page_ranges
from ..report import ElementResult, Evidence, Finding, Param, Reason, Report, Severity, Source
from ..tender.report import TenderReport
from .reasons import amount, sentence

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

TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "read.failed": "the document could not be checked: {status}: {detail}",
        "read.ocr": "text of page(s) {pages} was read by OCR; check quotes against the scan",
        "metadata.unchecked": "{origin} matched this file, but it could not be checked",
        "metadata.authority": "authority {name!r} ({central_government}) from {origin}; the document: {document}",
        "metadata.central_government": "central government: {central_government} from {origin}",
        "metadata.estimated_value": "estimated value EUR {value} from {origin}; the document: {document}",
        "metadata.publication_date": "publication date {date} from {origin}; the document: {document}",
        "metadata.cpv": "CPV {cpv} from {origin}: {categories}",
        "verdict.missing": "ISV is mandatory for this tender, but no ISV clause was found",
        "verdict.needs_review": "{reasons}",
        "clause.not_required": "an ISV clause is present although ISV is not mandatory here (allowed and encouraged)",
        "element.missing": "the clause does not state: {element}",
        "clause.elsewhere": "the ISV text is said to be in {annexes}, which is not in this document and was not "
        "checked; check the tender as a whole (isv-check tender) before adding wording",
        "tender.conflict": "the files disagree on {fact}: {chosen} in {chosen_file}, {other} in {other_file}; "
        "{chosen_file} counts, as the source that weighs more",
        "tender.value_corrected": "{file} corrects the estimated value to EUR {value}",
        "tender.removes_clause": "{file} withdraws the ISV clause",
        "tender.removes_element": "{file} deletes from the clause: {element}",
        "tender.adds_clause": "{file} adds the ISV clause",
        "tender.adds_element": "{file} adds to the clause: {element}",
        "tender.unreadable": "{file} could not be read ({status}); what it holds (the clause, facts) was not checked",
        "tender.annex_absent": "{file} says the ISV text is in {annex}, which is not among the tender's files",
        "tender.duplicate": "{file} has the same content as {same_as}; it was read once",
        "notice.no_clause": "a procurement notice does not carry the ISV clause: check the clause in the tender's "
        "documents (the contract or its ISV annex), for example with isv-check tender on the notice and the documents",
        "notice.lots": "ISV applies to lot(s) {lots} of {of}: the lots in an ISV risk category",
        "notice.currency": "the notice states amounts in {currency}; they are not converted, so the value is not known in euros",
        "notice.value_partial": "only {lots} of the {of} lots state a value and the notice states no total: their sum, "
        "EUR {value}, is taken as the value only where it alone reaches every threshold",
    },
    "nl": {
        "read.failed": "het document kon niet worden gecontroleerd: {status}: {detail}",
        "read.ocr": "de tekst van pagina('s) {pages} is met OCR gelezen; controleer citaten aan de hand van de scan",
        "metadata.unchecked": "{origin} hoort bij dit bestand, maar het kon niet worden gecontroleerd",
        "metadata.authority": "aanbestedende dienst {name!r} ({central_government}) uit {origin}; het document: {document}",
        "metadata.central_government": "rijksoverheid of niet: {central_government}, uit {origin}",
        "metadata.estimated_value": "geraamde waarde EUR {value} uit {origin}; het document: {document}",
        "metadata.publication_date": "publicatiedatum {date} uit {origin}; het document: {document}",
        "metadata.cpv": "CPV {cpv} uit {origin}: {categories}",
        "verdict.missing": "de ISV zijn verplicht voor deze aanbesteding, maar er is geen ISV-clausule gevonden",
        "verdict.needs_review": "{reasons}",
        "clause.not_required": "er staat een ISV-clausule in, hoewel de ISV hier niet verplicht zijn (toegestaan en aangemoedigd)",
        "element.missing": "de clausule vermeldt niet: {element}",
        "clause.elsewhere": "de ISV-tekst staat volgens het document in {annexes}, die niet in dit document staat "
        "en niet is gecontroleerd; controleer de aanbesteding als geheel (isv-check tender) voordat u tekst toevoegt",
        "tender.conflict": "de bestanden verschillen over {fact}: {chosen} in {chosen_file}, {other} in {other_file}; "
        "{chosen_file} telt, als de bron die zwaarder weegt",
        "tender.value_corrected": "{file} wijzigt de geraamde waarde in EUR {value}",
        "tender.removes_clause": "{file} schrapt de ISV-clausule",
        "tender.removes_element": "{file} schrapt uit de clausule: {element}",
        "tender.adds_clause": "{file} voegt de ISV-clausule toe",
        "tender.adds_element": "{file} voegt toe aan de clausule: {element}",
        "tender.unreadable": "{file} kon niet worden gelezen ({status}); wat erin staat (de clausule, feiten) is niet gecontroleerd",
        "tender.annex_absent": "{file} zegt dat de ISV-tekst in {annex} staat, maar die zit niet bij de bestanden van de aanbesteding",
        "tender.duplicate": "{file} heeft dezelfde inhoud als {same_as} en is één keer gelezen",
        "notice.no_clause": "een aankondiging bevat de ISV-clausule niet: controleer de clausule in de "
        "aanbestedingsstukken (de overeenkomst of de ISV-bijlage), bijvoorbeeld met isv-check tender op de aankondiging en de stukken",
        "notice.lots": "de ISV gelden voor perce(e)l(en) {lots} van de {of}: de percelen in een ISV-risicocategorie",
        "notice.currency": "de aankondiging noemt bedragen in {currency}; die worden niet omgerekend, dus de waarde in euro is niet bekend",
        "notice.value_partial": "maar {lots} van de {of} percelen noemen een waarde en de aankondiging noemt geen totaal: hun som, "
        "EUR {value}, telt alleen als waarde waar die alleen al elke drempel haalt",
    },
}

# the words parameters are shown in, where a value is not shown as itself
WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "central.yes": "central government",
        "central.no": "not central government",
        "central.unknown": "not recognised",
        "nothing.authority": "no authority",
        "nothing.estimated_value": "no value",
        "nothing.publication_date": "no date",
        "categories.none": "no further ISV category",
        "source.document": "document",
        "source.metadata": "metadata",
        "source.notice": "notice",
        "source.tender": "tender",
        "fact.authority": "the contracting authority",
        "fact.value": "the estimated value",
        "fact.date": "the date (the threshold period)",
    },
    "nl": {
        "central.yes": "rijksoverheid",
        "central.no": "niet de rijksoverheid",
        "central.unknown": "niet herkend",
        "nothing.authority": "geen aanbestedende dienst",
        "nothing.estimated_value": "geen waarde",
        "nothing.publication_date": "geen datum",
        "categories.none": "geen verdere ISV-categorie",
        "source.document": "document",
        "source.metadata": "metadata",
        "source.notice": "aankondiging",
        "source.tender": "aanbesteding",
        "fact.authority": "de aanbestedende dienst",
        "fact.value": "de geraamde waarde",
        "fact.date": "de datum (de drempelperiode)",
    },
}


@dataclass(frozen=True, slots=True)
class Context:
    """What finding texts quote from the rest of their report: the applicability's reasons (a finding
    to review repeats them), the clause's elements (a missing one is named in the reader's language),
    the reader's status message and the pages read by OCR. Empty for findings that quote nothing."""

    explanation: tuple[Reason, ...] = ()
    elements: tuple[ElementResult, ...] = ()
    status_message: str = ""
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
    template = TEXTS[lang][code]
    fields = _placeholders(template)
    shown = {name: _shown(name, value, params, lang, context) for name, value in params.items() if name in fields}
    if "origin" in fields and source is not None:
        shown["origin"] = source.reference or WORDS[lang][f"source.{source.kind}"]
    if "detail" in fields:
        shown["detail"] = context.status_message
    if "pages" in fields:
        shown["pages"] = page_ranges(context.ocr_pages)
    if "reasons" in fields:
        shown["reasons"] = "; ".join(sentence(reason, lang) for reason in context.explanation)
    return template.format(**shown)


def _placeholders(template: str) -> frozenset[str]:
    """The names a template fills in ('{name!r}' fills in 'name')."""
    return frozenset(field for _, field, _, _ in Formatter().parse(template) if field)


def _shown(name: str, value: Param, params: Mapping[str, Param], lang: str, context: Context) -> str:
    words = WORDS[lang]
    if name == "central_government" and (value is None or isinstance(value, bool)):
        return words[{True: "central.yes", False: "central.no", None: "central.unknown"}[value]]
    if name == "document":
        if value is None or value == "":
            return words[f"nothing.{params['fact']}"]
        return f"EUR {amount(value, lang)}" if isinstance(value, int | float) else str(value)
    if name == "value" and isinstance(value, int | float):
        return amount(value, lang)
    if name == "categories" and value == ():
        return words["categories.none"]
    if name == "fact" and isinstance(value, str):
        return words[f"fact.{value}"]
    if name == "element":
        element = {e.id: e for e in context.elements}[str(value)]
        return element.name_en if lang == "en" else element.name_nl
    if isinstance(value, tuple):
        return ", ".join(value)
    return "" if value is None else str(value)
