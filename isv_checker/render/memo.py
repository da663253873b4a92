"""The compliance memo for the government buyer: one view model, shared by every memo format.

`memo_view(report, ruleset, lang)` turns a `Report`, or a tender's `TenderReport`, into plain dicts and lists in the memo's
language: the verdict in one sentence, why (categories, authority, value against the threshold),
the elements with their quoted words, the decoys set aside and why, what to do (model wording
from `rules/elements.yaml` for each missing element), and the SDG targets. The Markdown and HTML
memos render it through `templates/memo.*.j2`; `memo_docx` builds a Word document from it.
Nothing here reads the document: only the report and the rules.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..checks.findings import finding_text
from ..checks.reasons import sentence
from ..i18n.catalogue import messages
from ..i18n.notation import format_date, format_eur, location_label, number_word
from ..i18n.reading import message_texts
from ..report import Applicability, Evidence, Report
from ..ruleset.load import Ruleset
from ..tender.report import TenderReport
from .templates import render_template

QUOTE_CHARS = 160
EVIDENCE_PER_CATEGORY = 2
DECOY_PLACES = 3
MEMO_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}

TONES = {
    "compliant": "ok",
    "not_required": "ok",
    "incomplete": "warn",
    "needs_review": "warn",
    "required": "warn",
    "missing": "bad",
    "unreadable": "bad",
}


def short_quote(quote: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(quote.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


Judged = Report | TenderReport
# findings that say the clause may be in a file that was not checked: the clause cannot be judged here
CLAUSE_OPEN = ("clause.elsewhere", "tender.annex_absent", "tender.unreadable")


def where(evidence: Evidence, lang: str) -> str:
    """An evidence item's place in the memo's words; in a tender, with the file it is in."""
    place = location_label(evidence.location, lang)
    return f"{evidence.file}, {place}" if evidence.file else place


def evidence_view(evidence: Evidence, lang: str) -> dict[str, str]:
    return {"quote": short_quote(evidence.quote), "location": where(evidence, lang)}


def wording_language(report: Judged, lang: str) -> str:
    """Model wording goes into the document, so it is in the document's language (else the memo's);
    for a tender, the language most of its files are in."""
    if isinstance(report, TenderReport):
        languages = [d.language for d in report.documents if d.language]
        return max(set(languages), key=languages.count) if languages else lang
    return report.language or lang


def clause_open(report: Judged, lang: str) -> list[str]:
    """Why the clause cannot be judged here although ISV is mandatory (the ISV text is in an annex that
    was not checked, a file could not be read), as the findings say it; empty when it can be."""
    app = report.applicability
    if report.verdict != "needs_review" or app is None or app.isv_required is not True:
        return []
    return [finding_text(f, lang, report) for f in report.findings if f.code in CLAUSE_OPEN]


# Value reasons that say why a value that is there does not decide (a contradiction, a doubt): the memo
# quotes them rather than say the value is missing.
DOUBTS = (
    "value.contradicts_procedure",
    "value.below_but_other_above",
    "value.below_loosely_labelled",
    "value.yearly_term_unknown",
    "value.near_uncertain_date",
)


def needs_review_gap(report: Judged, t: dict[str, str], lang: str) -> str:
    """Which fact keeps the checker from deciding, in the memo's words: the first fact the decision's
    `decision.undecided` reason names, or, for a value read but in doubt, the reason for the doubt."""
    app = report.applicability
    undecided = app.reason("decision") if app is not None else None
    missing = undecided.params.get("missing") if undecided is not None else None
    if isinstance(missing, tuple) and missing:
        doubt = next((r for r in app.explanation if r.code in DOUBTS), None) if app is not None else None
        if doubt is not None and missing[0] in ("value", "date"):
            return sentence(doubt, lang)
        return t.get(f"gap_{missing[0]}", t["gap_other"])
    return t["gap_other"]


def verdict_sentence(report: Judged, ruleset: Ruleset, lang: str) -> str:
    """The verdict in one sentence, as the memo and the marked-up copy state it."""
    t = messages(lang, ruleset.vocabulary)
    open_because = clause_open(report, lang)
    if open_because:
        return t["sentence_clause_open"].format(why="; ".join(open_because))
    verdict = report.verdict or "unreadable"
    clause = report.clause
    elements = clause.elements if clause else ()
    found = sum(e.found for e in elements)
    if verdict == "incomplete":
        missing = len(elements) - found
        if missing == 1:
            return t["sentence_incomplete_one"]
        if found == 0:
            return t["sentence_incomplete_all"]
        return t["sentence_incomplete"].format(missing=number_word(missing, lang))
    if verdict == "not_required" and clause is not None and clause.present:
        return t["sentence_not_required_clause"].format(found=found)
    if verdict == "needs_review":
        return t["sentence_needs_review"].format(gap=needs_review_gap(report, t, lang))
    if verdict == "unreadable":
        if isinstance(report, TenderReport):
            return t["tender_sentence_unreadable"]
        return t["sentence_unreadable"].format(status=t[f"status.{report.status.value}"])
    return t[f"sentence_{verdict}"]


def advice_elements(report: Judged) -> list[str]:
    """Ids of the elements to add: for a required (or possibly required) ISV, and for an incomplete clause;
    none while the clause may be in a file that was not checked (the wording may well be there)."""
    clause = report.clause
    if clause is None or report.verdict in (None, "unreadable", "compliant") or clause_open(report, "en"):
        return []
    missing = [e.id for e in clause.elements if not e.found]
    if report.verdict in ("missing", "incomplete", "needs_review", "required"):
        return missing
    return missing if clause.present else []  # not_required: only to complete a clause that is there


def _sdg_view(report: Judged, ruleset: Ruleset, lang: str) -> dict[str, Any]:
    """The targets the contract reaches once ISV is fully applied (the links the SDG table counts),
    each marked `current` when the report already gives it."""
    from ..sdg.links import target_key
    from ..sdg.table import contract_links

    t = messages(lang, ruleset.vocabulary)
    current = {s.target for s in report.sdg_targets}
    clause = report.clause
    clause_present = bool(clause and clause.present)
    applies = report.verdict in ("compliant", "incomplete", "missing", "required", "needs_review") or clause_present
    links = contract_links((c.id for c in report.categories), clause_present, ruleset) if applies else {}
    if not links:
        return {"intro": t["sdg_none"], "targets": [], "mixed": False, "note": ""}
    ordered = []
    for target in sorted(links, key=target_key):
        link = links[target][0][0]
        ordered.append(
            {
                "target": target,
                "goal": link.goal,
                "title": link.title_en if lang == "en" else link.title_nl,
                "rationale": link.rationale_en if lang == "en" else link.rationale_nl,
                "current": target in current,
            }
        )
    complete = clause_present and clause is not None and all(e.found for e in clause.elements)
    return {
        "intro": t["sdg_intro"] if complete else t["sdg_intro_after"],
        "targets": ordered,
        "mixed": any(v["current"] for v in ordered) and not all(v["current"] for v in ordered),
        "note": t["sdg_rationale_note"],
    }


def value_text(app: Applicability, t: dict[str, str], lang: str, none: str) -> str:
    """The value against the threshold in the memo's words; `none` when no value was read."""
    threshold = format_eur(app.threshold_eur, lang) if app.threshold_eur else None
    if app.value_eur.amount is None:
        return none
    if threshold is None:
        return t["value_no_threshold"].format(value=format_eur(app.value_eur.amount, lang))
    compared = app.reason("value")
    key = "value_below" if compared is not None and compared.code == "value.below" else "value_above"
    return t[key].format(value=format_eur(app.value_eur.amount, lang), threshold=threshold)


def date_text(app: Applicability, t: dict[str, str], lang: str, none: str) -> str:
    """The date and the threshold period it falls in, in the memo's words; `none` when no date was read."""
    if app.document_date is None:
        return none
    if app.period is None or not app.threshold_eur:
        return t["date_no_period"].format(date=format_date(app.document_date, lang))
    return t["date_period"].format(
        date=format_date(app.document_date, lang),
        period=app.period,
        threshold=format_eur(app.threshold_eur, lang),
        kind=t["threshold_works"] if app.works else t["threshold_central"],
    )


def _why(report: Judged, ruleset: Ruleset, lang: str) -> list[dict[str, Any]]:
    t = messages(lang, ruleset.vocabulary)
    app = report.applicability
    rows: list[dict[str, Any]] = []
    if app is None:
        return rows
    if report.categories:
        for category in report.categories:
            name = category.name_en if lang == "en" else category.name_nl
            group = category.group_name_en if lang == "en" else category.group_name_nl
            if group and group != name:
                name = f"{name} ({group})"
            rows.append(
                {
                    "label": t["why_category"],
                    "text": name,
                    "evidence": [evidence_view(e, lang) for e in category.evidence[:EVIDENCE_PER_CATEGORY]],
                }
            )
    else:
        rows.append({"label": t["why_category"], "text": t["no_category"], "evidence": []})
    authority = app.authority
    if authority.name:
        kind = t["central"] if authority.central_government else t["not_central"]
        rows.append(
            {
                "label": t["why_authority"],
                "text": f"{authority.name} ({kind})",
                "evidence": [evidence_view(e, lang) for e in authority.evidence[:1]],
            }
        )
    else:
        rows.append({"label": t["why_authority"], "text": t["authority_unknown"], "evidence": []})
    rows.append(
        {
            "label": t["why_value"],
            "text": value_text(app, t, lang, t["value_none"]),
            "evidence": [evidence_view(e, lang) for e in app.value_eur.evidence[:1]],
        }
    )
    rows.append({"label": t["why_date"], "text": date_text(app, t, lang, t["date_none"]), "evidence": []})
    if app.procedure:
        rule = next((p for p in ruleset.procedures if p.id == app.procedure), None)
        procedure = (rule.name_en if lang == "en" else rule.name_nl) if rule is not None else app.procedure
        rows.append({"label": t["why_procedure"], "text": procedure, "evidence": []})
    clause = report.clause
    if clause is not None:
        text = (
            t["clause_at"].format(location=location_label(clause.location or "", lang))
            if clause.present
            else t["clause_none"]
        )
        rows.append(
            {"label": t["why_clause"], "text": text, "evidence": [evidence_view(e, lang) for e in clause.evidence[:1]]}
        )
    return rows


def _elements(report: Judged, ruleset: Ruleset, lang: str) -> list[dict[str, Any]]:
    t = messages(lang, ruleset.vocabulary)
    clause = report.clause
    if clause is None or (report.verdict == "not_required" and not clause.present):
        return []  # nothing to complete: no clause, and none needed
    rows = []
    for element in clause.elements:
        first = element.evidence[0] if element.evidence else None
        places = list(dict.fromkeys(where(e, lang) for e in element.evidence))
        rows.append(
            {
                "id": element.id,
                "name": element.name_en if lang == "en" else element.name_nl,
                "found": element.found,
                "status": t["found"] if element.found else t["missing"],
                "where": ", ".join(places) if places else "—",
                "quote": short_quote(first.quote, 120) if first else "—",
            }
        )
    return rows


def _decoys(report: Judged, ruleset: Ruleset, lang: str) -> list[dict[str, Any]]:
    """Decoys grouped by rule, with the reason in the memo's language and the first few places."""
    t = messages(lang, ruleset.vocabulary)
    rules = {d.id: d for d in ruleset.decoys}
    groups: dict[str, dict[str, Any]] = {}
    for decoy in report.decoys:
        rule = rules.get(decoy.rule)
        reason = (rule.reason_en if lang == "en" else rule.reason_nl) if rule is not None else decoy.reason
        group = groups.setdefault(
            decoy.rule, {"rule": decoy.rule, "decoy": decoy.decoy, "reason": reason, "places": [], "more": 0}
        )
        place = {
            "quote": short_quote(decoy.evidence.quote, 80),
            "location": where(decoy.evidence, lang),
        }
        if place in group["places"]:
            continue
        if len(group["places"]) < DECOY_PLACES:
            group["places"].append(place)
        else:
            group["more"] += 1
    for group in groups.values():
        group["more_text"] = t["more_places"].format(n=group["more"]) if group["more"] else ""
    return list(groups.values())


def _actions(report: Judged, ruleset: Ruleset, lang: str) -> dict[str, Any]:
    t = messages(lang, ruleset.vocabulary)
    verdict = report.verdict or "unreadable"
    clause = report.clause
    wording_lang = wording_language(report, lang)
    elements = {e.element: e for e in ruleset.elements}
    todo = advice_elements(report)
    if clause_open(report, lang):
        intro, then = t["actions_clause_open"], ""
    elif verdict == "unreadable":
        intro, then = t["actions_unreadable"], ""
    elif verdict == "compliant":
        intro, then = t["actions_compliant"], ""
    elif verdict == "not_required":
        intro, then = (t["actions_not_required_incomplete"] if todo else t["actions_not_required"]), ""
    elif verdict == "needs_review":
        intro, then = (
            t["actions_needs_review"].format(gap=needs_review_gap(report, t, lang)),
            t["actions_needs_review_then"],
        )
    elif verdict == "required":
        intro, then = t["actions_required"], ""
    elif verdict == "missing" or clause is None or not clause.present:
        intro, then = t["actions_missing"], ""
    else:
        intro, then = t["actions_incomplete"], ""
    if clause is not None and clause.present:
        put = t["where_clause"].format(location=location_label(clause.location or "", lang))
    elif verdict == "missing":
        put = ""  # the intro already says where
    else:
        put = t["where_conditions"]
    steps = []
    for element_id in todo:
        rule = elements.get(element_id)
        if rule is None:
            continue
        steps.append(
            {
                "id": element_id,
                "name": rule.name_en if lang == "en" else rule.name_nl,
                "wording": rule.model_wording_en if wording_lang == "en" else rule.model_wording_nl,
                "wording_lang": wording_lang,
            }
        )
    return {
        "intro": intro,
        "then": then if steps else "",
        "where": put if steps else "",
        "steps": steps,
        "wording_note": t["wording_language"] if wording_lang != lang else "",
    }


def memo_view(
    report: Judged, ruleset: Ruleset, lang: str = "nl", *, memo_date: dt.date | None = None
) -> dict[str, Any]:
    """Everything a memo shows, in `lang`, as plain data for the templates and the DOCX builder.

    `memo_date` is printed when given (the CLI gives today); leave it out for reproducible output.
    A tender's memo speaks of the tender, names the file of every quote and lists the files.
    """
    t = messages(lang, ruleset.vocabulary)
    app = report.applicability
    verdict = report.verdict or "unreadable"
    tender = isinstance(report, TenderReport)
    name = Path(report.tender).name if isinstance(report, TenderReport) else Path(report.file).name
    ruleset_text = f"{report.ruleset.id} {report.ruleset.version}" if report.ruleset else t["unknown"]
    authority = app.authority.name if app is not None and app.authority.name else t["not_recognised"]
    facts = [(t["fact_tender"] if tender else t["fact_document"], name)]
    if isinstance(report, TenderReport):
        count = t["files_count"].format(n=len(report.files))
        unreadable = len(report.unreadable)
        facts.append(
            (t["fact_files"], count + (f", {t['files_unreadable'].format(n=unreadable)}" if unreadable else ""))
        )
    facts += [
        (t["fact_authority"], authority),
        (
            t["fact_date"],
            format_date(app.document_date, lang) if app is not None and app.document_date else t["unknown"],
        ),
        (t["fact_ruleset"], ruleset_text),
        (t["fact_checker"], f"{report.checker.name} {report.checker.version}"),
    ]
    if memo_date is not None:
        facts.append((t["fact_memo_date"], format_date(memo_date, lang)))
    notes: list[str] = []
    files: list[str] = []
    if isinstance(report, TenderReport):
        title = f"{t['memo_title_tender']}: {name}"
        open_because = set(clause_open(report, lang))
        notes += [
            text
            for f in report.findings
            if f.code and f.code.startswith("tender.") and (text := finding_text(f, lang, report)) not in open_because
        ]
        roles = {r.id: (r.name_en if lang == "en" else r.name_nl) for r in ruleset.tender.roles}
        for entry in report.files:
            own = t[f"verdict_{entry.verdict}"] if entry.verdict else t[f"status.{entry.status.value}"]
            files.append(
                t["tender_file_line"].format(file=entry.file, role=roles.get(entry.role, entry.role), verdict=own)
            )
    else:
        title = f"{t['memo_title']}: {report.document.properties.get('title') or name}"
        if report.document.ocr_pages:
            notes.append(t["note_ocr"])
        warnings = message_texts(report.document.warnings, report.document.coded_warnings, lang)
        notes += [t["note_warning"].format(warning=w) for w in warnings]
    clause = report.clause
    return {
        "lang": lang,
        "t": t,
        "title": title,
        "subtitle": t["memo_subtitle"],
        "file": name,
        "facts": [{"label": label, "value": value} for label, value in facts],
        "verdict": verdict,
        "verdict_label": t[f"verdict_{verdict}"],
        "verdict_sentence": verdict_sentence(report, ruleset, lang),
        "tone": TONES.get(verdict, "warn"),
        "why": _why(report, ruleset, lang),
        "clause_present": bool(clause and clause.present),
        "elements": _elements(report, ruleset, lang),
        "elements_note": t["no_clause_elements"]
        if clause is not None and not clause.present and verdict != "not_required"
        else "",
        "decoys": _decoys(report, ruleset, lang),
        "actions": _actions(report, ruleset, lang),
        "sdg": _sdg_view(report, ruleset, lang),
        "files": files,
        "notes": notes,
        "footer": t["footer"].format(version=report.checker.version, ruleset=ruleset_text),
    }


def memo_format(path: str | os.PathLike[str]) -> str | None:
    """'md', 'html' or 'docx' from the output's extension; None for any other."""
    return MEMO_FORMATS.get(Path(path).suffix.lower())


def render_memo(
    report: Judged,
    ruleset: Ruleset,
    fmt: str,
    lang: str = "nl",
    *,
    template: str | os.PathLike[str] | None = None,
    memo_date: dt.date | None = None,
) -> bytes:
    """The memo in `fmt` ('md', 'html' or 'docx') as bytes, ready to write."""
    view = memo_view(report, ruleset, lang, memo_date=memo_date)
    if fmt == "docx":
        from .memo_docx import memo_docx

        return memo_docx(view)
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown memo format {fmt!r}")
    return render_template(f"memo.{fmt}.j2", view, template=template).encode("utf-8")
