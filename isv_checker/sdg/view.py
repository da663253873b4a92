"""The SDG table as people read it, in one language: `sdg_view(table, ruleset, lang)`.

One view model for every format, so a .docx, .html, .md, .csv and .xlsx of the same results hold the
same tables: the category rows with a cell per SDG target and their total, the rows per target (with
the target's title, so they are the legend of the first table too), per ministry and per year, and the
method note with the links and their rationale, all in `lang`. Each row keeps its plain numbers
beside the formatted ones: the spreadsheet and the CSV write numbers, the documents write text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n.catalogue import messages
from ..i18n.notation import format_number, format_share
from ..ruleset.load import Ruleset
from .table import NO_AUTHORITY, NO_DATE, Counts, Row, SdgTable

COUNT_FIELDS = ("contracts", "required", "complete", "incomplete", "missing")
LISTED_FILES = 10
NOT_LINKED = "\u00b7"


def millions(amount: float, lang: str) -> str:
    """EUR as millions with one decimal, as the annual report prints amounts ('1.059,3')."""
    return format_number(amount / 1_000_000, lang, 1)


def _phrases(table: SdgTable, ruleset: Ruleset, lang: str) -> dict[str, str]:
    """The phrases for `table`: a table of tenders says so in its subtitle, its count column and its sheet."""
    t = messages(lang, ruleset.vocabulary)
    if table.unit == "tenders":
        t = {
            **t,
            "sdg_subtitle": t["sdg_subtitle_tenders"],
            "col_contracts": t["col_tenders"],
            "sheet_contracts": t["sheet_tenders"],
            "m_counting": t["m_counting_tenders"],
            "m_duplicates": t["m_duplicates_tenders"],
        }
    return t


def _numbers(row: Row, lang: str) -> dict[str, Any]:
    counts = row.counts
    return {
        "total": row.total,
        **{name: getattr(counts, name) for name in COUNT_FIELDS},
        "share_complete": counts.share_complete,
        "share": format_share(counts.share_complete, lang),
        "value_eur": counts.value_eur,
        "value_mln": millions(counts.value_eur, lang),
        "complete_value_eur": counts.complete_value_eur,
        "complete_value_mln": millions(counts.complete_value_eur, lang),
    }


def _category_rows(table: SdgTable, ruleset: Ruleset, lang: str, t: dict[str, str]) -> list[dict[str, Any]]:
    """The rows per category and their total, each with its group and a cell per target: the number of
    its contracts with ISV applied completely, or NOT_LINKED where the category is not linked."""
    rules = {c.category: c for c in ruleset.categories}
    groups = {g.id: (g.name_en if lang == "en" else g.name_nl) for g in ruleset.groups}
    out = []
    for row in table.by_category:
        rule = rules.get(row.key or "")
        label = (rule.name_en if lang == "en" else rule.name_nl) if rule else t["total"]
        group = groups.get(rule.group, "") if rule else ""
        cells = []
        for target in table.targets:
            counts = row.cell(target.target)
            complete = counts.complete if counts is not None else None
            cells.append(
                {
                    "target": target.target,
                    "complete": complete,
                    "text": NOT_LINKED if complete is None else str(complete),
                }
            )
        out.append(
            {
                **_numbers(row, lang),
                "key": row.key or "",
                "label": label,
                "group": group,
                # the group under the name where it says more than the name (most groups hold one category)
                "group_note": group if group and group != label else "",
                "cells": cells,
            }
        )
    return out


def _target_rows(table: SdgTable, lang: str) -> list[dict[str, Any]]:
    """Per target, every contract that reaches it, once: the total row's cells, with the target's title."""
    total = table.by_category[-1]
    out = []
    for target in table.targets:
        counts = total.cell(target.target) or Counts()
        row = Row(target.target, counts)
        title = target.title_en if lang == "en" else target.title_nl
        out.append({**_numbers(row, lang), "key": target.target, "target": target.target, "label": title})
    return out


def _rows(rows: tuple[Row, ...], lang: str, t: dict[str, str], unknown: str, key: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if row.total:
            label = t["total"]
        elif row.key == key:
            label = t[unknown]
        else:
            label = row.key or ""
        out.append({**_numbers(row, lang), "key": row.key or "", "label": label})
    return out


def _files(files: tuple[str, ...], t: dict[str, str]) -> str:
    shown = [Path(f).name for f in files[:LISTED_FILES]]
    if len(files) > LISTED_FILES:
        shown.append(t["more_files"].format(n=len(files) - LISTED_FILES))
    return ", ".join(shown)


def _method(table: SdgTable, t: dict[str, str]) -> list[str]:
    """What is counted, how and from which data, with the ruleset's version: the note under the tables."""
    ex = table.exclusions
    total = table.total
    lines = [t["m_counting"]]
    if ex.duplicates:
        lines.append(t["m_duplicates"].format(n=ex.duplicates))
    lines += [t["m_population"], t["m_cells"], t["m_targets"], t["m_rows"], t["m_columns"]]
    lines.append(t["m_value"].format(n=total.without_value) if total.without_value else t["m_value_all"])
    lines.append(t["m_ministry"])
    if table.year is None:
        lines.append(t["m_by_year"])
    if total.voluntary:
        lines.append(t["m_voluntary"].format(n=total.voluntary))
    if table.year is not None:
        lines.append(t["m_year"].format(year=table.year, other=ex.other_year))
        lines.append(
            t["m_undated"].format(n=len(ex.undated), files=_files(ex.undated, t)) if ex.undated else t["m_undated_none"]
        )
    elif ex.undated_counted:
        lines.append(t["m_undated_all_years"].format(n=ex.undated_counted))
    if table.unit == "tenders" and not ex.unreadable:
        lines.append(t["m_not_counted_tenders"].format(review=len(ex.needs_review)))
    else:
        lines.append(t["m_not_counted"].format(unreadable=len(ex.unreadable), review=len(ex.needs_review)))
    if ex.outside:
        lines.append(t["m_outside"].format(n=ex.outside))
    lines.append(t["m_inputs"].format(n=table.reports, files=table.sources, ruleset=table.ruleset))
    return lines


def _links(table: SdgTable, ruleset: Ruleset, lang: str, t: dict[str, str]) -> list[dict[str, str]]:
    """Every link of the rules, per target: its condition and its rationale, in `lang`."""
    names = {c.category: (c.name_en if lang == "en" else c.name_nl) for c in ruleset.categories}
    elements = {e.element: (e.name_en if lang == "en" else e.name_nl) for e in ruleset.elements}
    out = []
    for target in table.targets:
        for link in target.links:
            if link.when == "isv_applied":
                condition = t["m_link_isv"]
            elif link.when == "element":
                condition = t["m_link_element"].format(element=elements.get(link.element or "", link.element))
            else:
                condition = t["m_link_category"].format(category=names.get(link.category or "", link.category))
            rationale = link.rationale_en if lang == "en" else link.rationale_nl
            out.append({"target": target.target, "rule": link.id, "condition": condition, "rationale": rationale})
    return out


def sdg_view(table: SdgTable, ruleset: Ruleset, lang: str = "nl") -> dict[str, Any]:
    """Everything the table outputs show, in `lang`.

    `by_year` is empty when the table is of one year (`--year`): its one row would repeat the total.
    """
    t = _phrases(table, ruleset, lang)
    return {
        "lang": lang,
        "t": t,
        "title": t["sdg_title_year"].format(year=table.year) if table.year is not None else t["sdg_title"],
        "subtitle": t["sdg_subtitle"],
        "year": table.year,
        "targets": [{"target": x.target, "title": x.title_en if lang == "en" else x.title_nl} for x in table.targets],
        "by_category": _category_rows(table, ruleset, lang, t),
        "by_target": _target_rows(table, lang),
        "by_ministry": _rows(table.by_ministry, lang, t, "no_authority_row", NO_AUTHORITY),
        "by_year": _rows(table.by_year, lang, t, "no_date_row", NO_DATE) if table.year is None else [],
        "method": _method(table, t),
        "links": _links(table, ruleset, lang, t),
        "not_linked": NOT_LINKED,
    }
