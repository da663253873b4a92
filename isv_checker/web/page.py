"""The result page's view model: the memo's view, plus links from every quote to its marked words.

The sentences (verdict, why, what to do) are the memo's own, from `render.memo.memo_view`, so the page
and the memo never disagree. This module adds what only a page can do: the document's text with the
evidence marked (`highlight`), the checklist and the decoys with a link from each quote to its mark,
and the downloads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..document import BlockKind
from ..i18n.notation import location_label
from ..render.memo import memo_view, short_quote
from ..report import Evidence, Report
from ..ruleset.load import Ruleset
from .highlight import Highlights, Tagged, highlight
from .outputs import OUTPUTS, download_key
from .results import Result

EVIDENCE_SHOWN = 4
QUOTE_CHARS = 160


def _tagged(report: Report, lang: str, t: dict[str, str]) -> Iterator[Tagged]:
    clause = report.clause
    if clause is not None:
        for element in clause.elements:
            name = element.name_en if lang == "en" else element.name_nl
            for evidence in element.evidence:
                yield Tagged("element", t["mark_element"].format(name=name), evidence)
        for evidence in clause.evidence:
            yield Tagged("clause", t["mark_clause"], evidence)
    for category in report.categories:
        for evidence in category.evidence:
            yield Tagged("context", category.name_en if lang == "en" else category.name_nl, evidence)
    app = report.applicability
    if app is not None:
        for evidence in (*app.authority.evidence, *app.value_eur.evidence):
            yield Tagged("context", t["mark_context"], evidence)
    for decoy in report.decoys:
        yield Tagged("decoy", t["mark_decoy"], decoy.evidence)


def _place(evidence: Evidence, marks: Highlights, lang: str) -> dict[str, Any]:
    return {
        "quote": short_quote(evidence.quote, QUOTE_CHARS),
        "location": location_label(evidence.location, lang),
        "heading": evidence.heading_path[-1] if evidence.heading_path else "",
        "anchor": marks.anchor(evidence),
    }


def _checklist(report: Report, marks: Highlights, lang: str, shown: bool) -> list[dict[str, Any]]:
    if report.clause is None or not shown:
        return []
    rows = []
    for element in report.clause.elements:
        places = [_place(e, marks, lang) for e in element.evidence]
        rows.append(
            {
                "id": element.id,
                "name": element.name_en if lang == "en" else element.name_nl,
                "found": element.found,
                "places": places[:EVIDENCE_SHOWN],
                "more": max(0, len(places) - EVIDENCE_SHOWN),
            }
        )
    return rows


def _decoys(report: Report, ruleset: Ruleset, marks: Highlights, lang: str) -> list[dict[str, Any]]:
    reasons = {d.id: (d.reason_en if lang == "en" else d.reason_nl) for d in ruleset.decoys}
    groups: dict[str, dict[str, Any]] = {}
    for decoy in report.decoys:
        group = groups.setdefault(
            decoy.rule, {"rule": decoy.rule, "reason": reasons.get(decoy.rule, decoy.reason), "places": []}
        )
        place = _place(decoy.evidence, marks, lang)
        if all(p["anchor"] != place["anchor"] or p["quote"] != place["quote"] for p in group["places"]):
            group["places"].append(place)
    return list(groups.values())


def _why(rows: list[dict[str, Any]], report: Report, marks: Highlights, lang: str) -> list[dict[str, Any]]:
    """The memo's why-rows, each quote with a link to its mark (found by its location and quoted words)."""
    pool: list[Evidence] = [e for c in report.categories for e in c.evidence]
    if report.applicability is not None:
        pool += [*report.applicability.authority.evidence, *report.applicability.value_eur.evidence]
    if report.clause is not None:
        pool += list(report.clause.evidence)
    anchors: dict[tuple[str, str], str | None] = {}
    for evidence in pool:
        key = (location_label(evidence.location, lang), short_quote(evidence.quote))
        anchors.setdefault(key, marks.anchor(evidence))
    return [
        {**row, "evidence": [{**e, "anchor": anchors.get((e["location"], e["quote"]))} for e in row["evidence"]]}
        for row in rows
    ]


def _blocks(result: Result, marks: Highlights, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "index": block.index,
            "kind": block.kind.value,
            "heading": block.kind is BlockKind.HEADING,
            "level": block.level,
            "label": block.label if block.label and not block.text.lstrip().startswith(block.label) else "",
            "location": location_label(block.location(), lang),
            "pieces": marks.pieces(block),
        }
        for block in result.document.blocks
    ]


def marks_of(result: Result, lang: str, t: dict[str, str]) -> Highlights:
    """The marks of a document's page, so another page (a tender's) can link to the same words."""
    return highlight(result.document.blocks, _tagged(result.report, lang, t))


def result_view(result: Result, ruleset: Ruleset, lang: str, t: dict[str, str]) -> dict[str, Any]:
    """Everything the result page shows, in `lang`."""
    report = result.report
    memo = memo_view(report, ruleset, lang)
    marks = marks_of(result, lang, t)
    downloads = [
        {"output": output, "label": t[f"dl_{output.replace('-', '_')}"], "filename": result.downloads[key].filename}
        for output in OUTPUTS
        if (key := download_key(output, lang)) in result.downloads
    ]
    failed = result.notes.get(download_key("annotated-docx", lang))
    if failed is not None:
        annotated_note = t["dl_annotated_failed"].format(reason=failed)
    elif report.readable and report.document.format.value != "docx":
        annotated_note = t["dl_annotated_not_docx"].format(file_kind=t[f"format.{report.document.format.value}"])
    else:
        annotated_note = ""
    return {
        "memo": memo,
        "report": report,
        "file": memo["file"],
        "why": _why(memo["why"], report, marks, lang),
        "checklist": _checklist(report, marks, lang, bool(memo["elements"])),
        "decoys": _decoys(report, ruleset, marks, lang),
        "blocks": _blocks(result, marks, lang),
        "mark_count": marks.count,
        "downloads": downloads,
        "annotated_note": annotated_note,
    }
