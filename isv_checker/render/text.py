"""The short human summary `isv-check scan` prints: a few lines per document, readable in a terminal."""

from __future__ import annotations

from ..document import BlockKind
from ..report import Report

_KIND_NAMES = {
    BlockKind.HEADING.value: "headings",
    BlockKind.PARAGRAPH.value: "paragraphs",
    BlockKind.LIST_ITEM.value: "list items",
    BlockKind.TABLE_CELL.value: "table cells",
    BlockKind.HEADER.value: "header lines",
    BlockKind.FOOTER.value: "footer lines",
    BlockKind.FOOTNOTE.value: "footnotes",
    BlockKind.TEXT_BOX.value: "text boxes",
}


def summary_lines(report: Report) -> list[str]:
    facts = report.document
    head = f"{report.file}: {report.status.value}"
    if not report.readable:
        lines = [head, f"  {report.status_message}"]
    else:
        parts = [facts.format.value]
        if report.pages is not None:
            parts.append(f"{report.pages} page{'s' if report.pages != 1 else ''}")
        parts.append({"nl": "Dutch", "en": "English", None: "language unknown"}[report.language])
        parts.append(f"{facts.block_count} blocks, {facts.characters:,} characters")
        lines = [f"{head} ({', '.join(parts)})"]
        kinds = ", ".join(
            f"{count} {_KIND_NAMES.get(kind, kind)}" for kind, count in sorted(facts.block_kinds.items(), key=lambda kv: -kv[1])
        )
        if kinds:
            lines.append(f"  {kinds}")
        if report.status_message:
            lines.append(f"  {report.status_message}")
    lines.extend(f"  warning: {w}" for w in facts.warnings)
    return lines
