"""The tender page's view model: one verdict for a dossier of files, and where each part of it came from.

A buyer who drops a tender's files (or its ZIP) wants the tender's verdict, not one per file, and for
every fact and every quoted element the file it is in, since that is the file to open or amend. So
each quote here carries its file and links to the marked words on that file's own page; the tender's
own findings (files that disagree, notes of information that amend the clause, files that could not be
read, annexes that are not there) are grouped by what they mean; and each file's own verdict follows
as a short list, each linking to its page. The sentences are the memo's where they fit a tender
(`render.memo`), and the tender's own where a file-by-file sentence would mislead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..checks.findings import finding_text
from ..checks.reasons import sentence
from ..i18n.notation import location_label
from ..render.memo import TONES, date_text, short_quote, value_text
from ..render.memo import verdict_sentence as memo_verdict_sentence
from ..report import Evidence, Finding
from ..ruleset.load import Ruleset
from ..tender.report import TenderReport
from .highlight import Highlights
from .outputs import OUTPUTS, download_key, is_zip
from .page import marks_of
from .results import TenderResult

FileUrl = Callable[[int, str | None], str | None]  # (index into report.files, mark id) -> the file page's URL

EVIDENCE_SHOWN = 4
QUOTE_CHARS = 160

# The tender's findings, grouped by what they tell the buyer, in the order the page shows them.
FINDING_GROUPS = (
    ("conflicts", ("tender.conflict",)),
    (
        "amendments",
        (
            "tender.removes_clause",
            "tender.removes_element",
            "tender.adds_clause",
            "tender.adds_element",
            "tender.value_corrected",
        ),
    ),
    ("unreadable", ("tender.unreadable",)),
    ("annexes", ("tender.annex_absent",)),
    ("duplicates", ("tender.duplicate",)),
)


class _Places:
    """Quotes as the page shows them: words, file, place, and a link to the marked words on the file's page."""

    def __init__(self, result: TenderResult, lang: str, t: dict[str, str], file_url: FileUrl) -> None:
        self._result = result
        self._lang = lang
        self._t = t
        self._file_url = file_url
        self._index = {entry.file: i for i, entry in enumerate(result.report.files)}
        self._marks: dict[int, Highlights] = {}

    def index(self, file: str | None) -> int | None:
        index = self._index.get(file or "")
        return index if index is not None and index in self._result.files else None

    def place(self, evidence: Evidence) -> dict[str, Any]:
        index = self.index(evidence.file)
        anchor = None
        if index is not None:
            if index not in self._marks:
                self._marks[index] = marks_of(self._result.files[index], self._lang, self._t)
            anchor = self._marks[index].anchor(evidence)
        return {
            "quote": short_quote(evidence.quote, QUOTE_CHARS),
            "file": evidence.file or "",
            "location": location_label(evidence.location, self._lang),
            "heading": evidence.heading_path[-1] if evidence.heading_path else "",
            "url": self._file_url(index, anchor) if index is not None else None,
        }

    def places(self, evidence: Iterable[Evidence], limit: int = EVIDENCE_SHOWN) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item in evidence:
            place = self.place(item)
            if place not in out:
                out.append(place)
        return out[:limit]


def _name(element: Any, lang: str) -> str:
    return str(element.name_en if lang == "en" else element.name_nl)


def verdict_sentence(report: TenderReport, ruleset: Ruleset, lang: str, t: dict[str, str]) -> str:
    """The tender's verdict in one plain sentence, the memo's own except where the files leave open whether
    ISV is mandatory or no file holds a clause, which the page says of the files."""
    app = report.applicability
    if report.verdict == "needs_review" and (app is None or app.isv_required is None):
        return t["tender_sentence_undecided"]
    if report.verdict == "missing":
        return t["tender_sentence_missing"]
    return memo_verdict_sentence(report, ruleset, lang)


def _why(report: TenderReport, ruleset: Ruleset, lang: str, t: dict[str, str], places: _Places) -> list[dict[str, Any]]:
    """The facts that decide whether ISV is mandatory, each with the file it was read from."""
    app = report.applicability
    rows: list[dict[str, Any]] = []
    if app is None:
        return rows
    for category in report.categories:
        rows.append(
            {"label": t["why_category"], "text": _name(category, lang), "evidence": places.places(category.evidence, 2)}
        )
    if not report.categories:
        rows.append({"label": t["why_category"], "text": t["no_category"], "evidence": []})
    authority = app.authority
    if authority.name:
        kind = t["central"] if authority.central_government else t["not_central"]
        rows.append(
            {
                "label": t["why_authority"],
                "text": f"{authority.name} ({kind})",
                "evidence": places.places(authority.evidence, 1),
            }
        )
    else:
        rows.append({"label": t["why_authority"], "text": t["tender_authority_unknown"], "evidence": []})
    value = value_text(app, t, lang, t["tender_value_none"])
    rows.append({"label": t["why_value"], "text": value, "evidence": places.places(app.value_eur.evidence, 1)})
    rows.append({"label": t["why_date"], "text": date_text(app, t, lang, t["tender_date_none"]), "evidence": []})
    if app.procedure:
        rule = next((p for p in ruleset.procedures if p.id == app.procedure), None)
        rows.append({"label": t["why_procedure"], "text": _name(rule, lang) if rule else app.procedure, "evidence": []})
    for reason in app.explanation:
        if reason.code.startswith("decision."):
            rows.append({"label": t["why_decision"], "text": sentence(reason, lang), "evidence": []})
    clause = report.clause
    if clause is not None:
        if clause.present and clause.evidence:
            first = places.place(clause.evidence[0])
            text = t["tender_clause_at"].format(file=first["file"])
            rows.append({"label": t["why_clause"], "text": text, "evidence": [first]})
        else:
            rows.append({"label": t["why_clause"], "text": t["tender_clause_none"], "evidence": []})
    return rows


def _findings(report: TenderReport, lang: str, t: dict[str, str], places: _Places) -> list[dict[str, Any]]:
    by_code: dict[str, list[Finding]] = {}
    for item in report.findings:
        by_code.setdefault(item.code or "", []).append(item)
    groups = []
    for key, codes in FINDING_GROUPS:
        items = [
            {"text": finding_text(f, lang, report), "evidence": places.places(f.evidence, 2)}
            for code in codes
            for f in by_code.get(code, ())
        ]
        if items:
            groups.append({"id": key, "title": t[f"tender_group_{key}"], "items": items})
    return groups


def _checklist(report: TenderReport, lang: str, t: dict[str, str], places: _Places) -> list[dict[str, Any]]:
    clause = report.clause
    if clause is None or (report.verdict == "not_required" and not clause.present):
        return []
    changes: dict[str, list[str]] = {}
    for amendment in report.amendments:
        if amendment.element is not None:
            key = "tender_element_removed" if amendment.change.startswith("removes") else "tender_element_added"
            changes.setdefault(amendment.element, []).append(t[key].format(file=amendment.file))
    rows = []
    for element in clause.elements:
        shown = places.places(element.evidence, len(element.evidence))
        rows.append(
            {
                "id": element.id,
                "name": _name(element, lang),
                "found": element.found,
                "places": shown[:EVIDENCE_SHOWN],
                "more": max(0, len(shown) - EVIDENCE_SHOWN),
                "changes": changes.get(element.id, []),
            }
        )
    return rows


def _decoys(report: TenderReport, ruleset: Ruleset, lang: str, places: _Places) -> list[dict[str, Any]]:
    reasons = {d.id: (d.reason_en if lang == "en" else d.reason_nl) for d in ruleset.decoys}
    groups: dict[str, dict[str, Any]] = {}
    for decoy in report.decoys:
        group = groups.setdefault(decoy.rule, {"reason": reasons.get(decoy.rule, decoy.reason), "evidence": []})
        group["evidence"].append(decoy.evidence)
    return [{"reason": g["reason"], "places": places.places(g["evidence"], 3)} for g in groups.values()]


def _actions(report: TenderReport, ruleset: Ruleset, lang: str, t: dict[str, str]) -> dict[str, Any]:
    """What the buyer does next, with the model wording of each missing element in the dossier's language."""
    verdict = report.verdict
    clause = report.clause
    app = report.applicability
    missing = [e.id for e in clause.elements if not e.found] if clause is not None else []
    then = ""
    if verdict == "compliant":
        return {"intro": t["actions_compliant"], "then": "", "where": "", "steps": []}
    if verdict == "not_required":
        return {"intro": t["actions_not_required"], "then": "", "where": "", "steps": []}
    if verdict == "needs_review":
        undecided = app is None or app.isv_required is None
        intro = t["tender_actions_undecided"] if undecided else t["tender_actions_open"]
        then = t["actions_needs_review_then"]
        if not undecided:
            missing = []  # as the memo: the wording may well be in the file that was not checked
    elif verdict == "missing" or clause is None or not clause.present:
        intro = t["tender_actions_missing"]
    elif verdict == "incomplete":
        intro = t["actions_incomplete"]
    else:
        intro, missing = t["tender_actions_unreadable"], []
    where = ""
    if clause is not None and clause.present and clause.evidence and missing:
        where = t["tender_where_clause"].format(file=clause.evidence[0].file or "")
    languages = [d.language for d in report.documents if d.language]
    wording_lang = max(set(languages), key=languages.count) if languages else lang
    rules = {e.element: e for e in ruleset.elements}
    steps = [
        {
            "name": _name(rules[i], lang),
            "wording": rules[i].model_wording_en if wording_lang == "en" else rules[i].model_wording_nl,
            "wording_lang": wording_lang,
        }
        for i in missing
        if i in rules
    ]
    return {"intro": intro, "then": then, "where": where, "steps": steps}


def _files(
    result: TenderResult, ruleset: Ruleset, lang: str, t: dict[str, str], file_url: FileUrl
) -> list[dict[str, Any]]:
    """Each file with its part in the tender and its own verdict, judged alone, linking to its page."""
    roles = {r.id: _name(r, lang) for r in ruleset.tender.roles}
    rows = []
    for index, entry in enumerate(result.report.files):
        readable = entry.status.readable
        notes = []
        if entry.amends_order:
            notes.append(t["tender_file_note_order"].format(n=entry.amends_order))
        if entry.same_as:
            notes.append(t["tender_file_same_as"].format(file=entry.same_as))
        own = result.files.get(index)
        if readable and entry.verdict is not None:
            verdict = t[f"verdict_{entry.verdict}"]
            tone = TONES.get(entry.verdict, "warn")
        else:
            verdict = f"{t['verdict_unreadable']} ({t[f'status.{entry.status.value}']})"
            tone = "bad"
            notes.append(t.get(f"status_{entry.status.value}", t["status_error"]))
        url = file_url(index, None) if own is not None and own.report.readable else None
        if url is None and entry.same_as is not None:
            first = next((i for i, e in enumerate(result.report.files) if e.file == entry.same_as), None)
            url = file_url(first, None) if first is not None and first in result.files else None
        rows.append(
            {
                "index": index,
                "file": entry.file,
                "role": roles.get(entry.role, entry.role),
                "verdict": verdict,
                "tone": tone,
                "notes": notes,
                "url": url,
            }
        )
    return rows


def tender_view(
    result: TenderResult, ruleset: Ruleset, lang: str, t: dict[str, str], file_url: FileUrl
) -> dict[str, Any]:
    """Everything the tender page shows, in `lang`; `file_url` links a file's page (None: not kept)."""
    report = result.report
    places = _Places(result, lang, t, file_url)
    zipped = is_zip(report.tender)
    unreadable = len(report.unreadable)
    files_text = t["tender_n_files"].format(n=len(report.files))
    if unreadable:
        files_text += " " + t["tender_files_unreadable"].format(n=unreadable)
    ruleset_text = f"{report.ruleset.id} {report.ruleset.version}" if report.ruleset else t["unknown"]
    downloads = [
        {
            "output": output,
            "label": t["dl_tender_json"] if output == "report-json" else t[f"dl_{output.replace('-', '_')}"],
            "filename": result.downloads[key].filename,
        }
        for output in OUTPUTS
        if (key := download_key(output, lang)) in result.downloads
    ]
    return {
        "report": report,
        "name": report.tender if zipped else t["tender_n_files"].format(n=len(report.files)),
        "lead": t["tender_lead_zip"] if zipped else t["tender_lead_files"],
        "verdict_label": t[f"verdict_{report.verdict}"],
        "verdict_sentence": verdict_sentence(report, ruleset, lang, t),
        "tone": TONES.get(report.verdict, "warn"),
        "facts": [
            {"label": t["tender_fact_files"], "value": files_text},
            {"label": t["fact_ruleset"], "value": ruleset_text},
        ],
        "why": _why(report, ruleset, lang, t, places),
        "findings": _findings(report, lang, t, places),
        "checklist": _checklist(report, lang, t, places),
        "no_clause_note": t["no_clause_elements"]
        if report.clause is not None and not report.clause.present and report.verdict != "not_required"
        else "",
        "actions": _actions(report, ruleset, lang, t),
        "decoys": _decoys(report, ruleset, lang, places),
        "files": _files(result, ruleset, lang, t, file_url),
        "downloads": downloads,
    }
