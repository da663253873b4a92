"""Builds the bundled sample documents from their plain-text sources.

Each file in `samples/source/*.sample` is one sample: YAML front matter (title, language, outputs, label)
and a body in a small line-based markup (see `samples/README.md`). This script renders every sample
to the formats its front matter names: DOCX (python-docx, real heading, list and table styles),
PDF (LibreOffice from that DOCX), a simulated scan (the PDF's pages as slightly rotated, noisy,
JPEG-compressed images in an image-only PDF) and plain UTF-8 text. It also writes `manifest.json`
(which source hash each output was built from) and `labels.yaml` (the ground-truth label of every
output file, taken from the front matter), so a new sample needs a new source file and nothing else.

    python samples/build_samples.py              # build everything
    python samples/build_samples.py --only NAME  # build one sample (NAME = source file stem)
    python samples/build_samples.py --check      # rebuild in a temp dir, report missing or stale outputs

`--source-dir DIR` and `--out-dir DIR` build another set of samples (default `samples/source` and
`samples`), e.g. the held-out evaluation set in `benchmarks/heldout/`; `labels.yaml` and
`manifest.json` are written into the out dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SAMPLES_DIR = Path(__file__).resolve().parent
SOURCE_DIR = SAMPLES_DIR / "source"
REPO_ROOT = SAMPLES_DIR.parent
MANIFEST = "manifest.json"
LABELS = "labels.yaml"

OUTPUT_SUFFIXES = {"docx": ".docx", "pdf": ".pdf", "scan": ".scan.pdf", "txt": ".txt"}
LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}
CATEGORIES = (
    "workwear",
    "catering",
    "paper_print",
    "energy",
    "waste",
    "office_supplies",
    "laboratory",
    "ict_workplace",
    "datacenters",
    "data_connections",
)
ELEMENTS = ("due_diligence", "standards", "risk_analysis", "action_plan", "reporting", "remedy")
VERDICTS = ("compliant", "incomplete", "missing", "not_required", "needs_review")
# The decoys of ISV.md section 5; a closed list so a typo in a label fails the build. The three
# kinds of mention without obligation have their own ids; 'mention_only' is the older catch-all,
# still accepted but not used in the corpus.
DECOYS = (
    "sroi",
    "env_criteria",
    "exclusion_grounds",
    "art_2_81",
    "code_of_conduct",
    "fairtrade",
    "independent_software_vendor",
    "negation",
    "toc_mention",
    "definition_mention",
    "policy_mention",
    "mention_only",
)
# EU thresholds in EUR excl. VAT (ISV.md section 3), by the first year of each two-year period:
# (supplies and services of central authorities, works). Used to check `isv_required`.
THRESHOLDS = {
    2016: (135_000, 5_225_000),
    2018: (144_000, 5_548_000),
    2020: (139_000, 5_350_000),
    2022: (140_000, 5_382_000),
    2024: (143_000, 5_538_000),
    2026: (140_000, 5_404_000),
}
FRONT_KEYS = {"title", "language", "outputs", "date", "author", "header", "footer", "label"}
LABEL_KEYS = {
    "authority",
    "central_government",
    "categories",
    "value_eur",
    "date",
    "works",
    "isv_required",
    "verdict",
    "clause_present",
    "elements_present",
    "decoys",
    "annex_elsewhere",
    "note",
}
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# House style: Verdana is what Rijksoverheid templates use; where it is missing LibreOffice falls
# back to DejaVu Sans, which has nearly the same metrics.
FONT = "Verdana"
BODY_PT = 9.5
HEADING_PT = {1: 14.0, 2: 11.5, 3: 10.0}
HEADING_RGB = {1: RGBColor(0x15, 0x42, 0x73), 2: RGBColor(0x15, 0x42, 0x73), 3: RGBColor(0, 0, 0)}
TEXT_WIDTH_CM = 16.0

SCAN_DPI = 150
SCAN_JPEG_QUALITY = 55
SOFFICE_TIMEOUT_S = 600


class SourceError(ValueError):
    """A source file that cannot be built; the message names the file and, where known, the line."""


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    numbered: bool
    text: str
    number: int  # as it will print: numbered lists count on from their first item's number


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Node = Heading | Paragraph | ListItem | Table | PageBreak


@dataclass
class Sample:
    name: str
    source: Path
    sha256: str
    title: str
    language: str
    outputs: tuple[str, ...]
    date: dt.date
    author: str
    header: str
    footer: str
    label: dict
    body: list[Node] = field(default_factory=list)

    def output_name(self, fmt: str) -> str:
        return self.name + OUTPUT_SUFFIXES[fmt]


_HEADING_RE = re.compile(r"^(#+) (.+)$")
_BULLET_RE = re.compile(r"^- (.+)$")
_NUMBER_RE = re.compile(r"^(\d{1,3})\. (.+)$")
_SEPARATOR_RE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def parse_source(path: Path) -> Sample:
    """Read one source file into a `Sample`, or raise `SourceError` saying what is wrong and where."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(f"{path}:1: the file must start with a '---' line opening the front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(f"{path}: the front matter has no closing '---' line") from None
    try:
        front = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: the front matter is not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise SourceError(f"{path}: the front matter must be a mapping of keys to values")
    name = path.stem
    if not NAME_RE.match(name):
        raise SourceError(
            f"{path}: the file name must be lowercase words joined by '-', e.g. 'rws-kleding-2024.sample'"
        )
    sample = _sample_from_front(path, name, hashlib.sha256(raw).hexdigest(), front)
    sample.body = parse_body(lines[end + 1 :], first_line=end + 2, where=str(path))
    if not sample.body:
        raise SourceError(f"{path}: the body is empty")
    return sample


def _sample_from_front(path: Path, name: str, sha256: str, front: dict) -> Sample:
    def fail(message: str) -> SourceError:
        return SourceError(f"{path}: front matter: {message}")

    unknown = set(front) - FRONT_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(FRONT_KEYS)}")
    for key in ("title", "language", "outputs", "date", "label"):
        if key not in front:
            raise fail(f"'{key}' is required")
    title = front["title"]
    if not isinstance(title, str) or not title.strip():
        raise fail("'title' must be a non-empty string")
    language = front["language"]
    if language not in LANGUAGES:
        raise fail(f"'language' must be one of {sorted(LANGUAGES)}, not {language!r}")
    outputs = front["outputs"]
    if not isinstance(outputs, list) or not outputs or any(o not in OUTPUT_SUFFIXES for o in outputs):
        raise fail(f"'outputs' must be a non-empty list drawn from {list(OUTPUT_SUFFIXES)}, not {outputs!r}")
    if len(set(outputs)) != len(outputs):
        raise fail(f"'outputs' names a format twice: {outputs!r}")
    date = _as_date(front["date"])
    if date is None:
        raise fail(f"'date' must be a date written YYYY-MM-DD, not {front['date']!r}")
    label = _check_label(front["label"], date, fail)
    for key in ("author", "header", "footer"):
        if key in front and not isinstance(front[key], str):
            raise fail(f"'{key}' must be a string")
    return Sample(
        name=name,
        source=path,
        sha256=sha256,
        title=title.strip(),
        language=language,
        outputs=tuple(o for o in OUTPUT_SUFFIXES if o in outputs),
        date=date,
        author=str(front.get("author") or label["authority"] or ""),
        header=str(front.get("header") or "").strip(),
        footer=str(front.get("footer") or "").strip(),
        label=label,
    )


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_label(label: object, date: dt.date, fail) -> dict:
    """Validate the ground-truth label; its invariants catch a label that contradicts itself."""
    if not isinstance(label, dict):
        raise fail("'label' must be a mapping")
    unknown = set(label) - LABEL_KEYS
    if unknown:
        raise fail(f"label: unknown key(s) {sorted(unknown)}; allowed: {sorted(LABEL_KEYS)}")
    for key in (
        "authority",
        "central_government",
        "categories",
        "value_eur",
        "isv_required",
        "verdict",
        "clause_present",
        "elements_present",
        "decoys",
    ):
        if key not in label:
            raise fail(f"label: '{key}' is required")
    authority = label["authority"]
    if authority is not None and (not isinstance(authority, str) or not authority.strip()):
        raise fail("label: 'authority' must be a non-empty string, or null when no authority can be identified")
    central = label["central_government"]
    if central is not None and not isinstance(central, bool):
        raise fail("label: 'central_government' must be true or false (null only when 'authority' is null)")
    if central is None and authority is not None:
        raise fail("label: 'central_government' may be null only when the authority cannot be identified")
    if authority is None and central is not None:
        raise fail("label: 'authority' is null, so 'central_government' must be null too")
    value = label["value_eur"]
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
        raise fail(f"label: 'value_eur' must be a number of euros (or null when unknown), not {value!r}")
    for key, allowed in (("categories", CATEGORIES), ("elements_present", ELEMENTS), ("decoys", DECOYS)):
        items = label[key]
        if not isinstance(items, list) or any(i not in allowed for i in items):
            raise fail(f"label: '{key}' must be a list drawn from {list(allowed)}, not {items!r}")
        if len(set(items)) != len(items):
            raise fail(f"label: '{key}' names an item twice: {items!r}")
    works = label.get("works", False)
    if not isinstance(works, bool):
        raise fail("label: 'works' must be true or false")
    required = label["isv_required"]
    if required is not None and not isinstance(required, bool):
        raise fail("label: 'isv_required' must be true, false or null")
    clause = label["clause_present"]
    if not isinstance(clause, bool):
        raise fail("label: 'clause_present' must be true or false")
    verdict = label["verdict"]
    if verdict not in VERDICTS:
        raise fail(f"label: 'verdict' must be one of {list(VERDICTS)}, not {verdict!r}")
    label_date = _as_date(label.get("date", date))
    if label_date is None:
        raise fail(f"label: 'date' must be YYYY-MM-DD, not {label.get('date')!r}")
    present = set(label["elements_present"])
    if present and not clause:
        raise fail("label: elements are listed but 'clause_present' is false")
    elsewhere = label.get("annex_elsewhere")
    if elsewhere is not None and (not isinstance(elsewhere, str) or not elsewhere.strip()):
        raise fail("label: 'annex_elsewhere' names the annex the ISV text is said to be in, e.g. 'Bijlage 6'")
    expected_verdict = {None: ("needs_review",), False: ("not_required",)}.get(
        required, ("compliant", "incomplete", "missing")
    )
    if elsewhere and required and not (clause and present == set(ELEMENTS)):
        # the clause is said to be in an annex that is not in the document: it cannot be judged alone
        expected_verdict = ("needs_review",)
    if verdict not in expected_verdict:
        raise fail(f"label: isv_required {required!r} gives verdict {' or '.join(expected_verdict)}, not {verdict!r}")
    if verdict == "compliant" and (not clause or present != set(ELEMENTS)):
        raise fail(
            f"label: a compliant clause is present with all six elements; missing {sorted(set(ELEMENTS) - present)}"
        )
    if verdict == "incomplete" and (not clause or len(present) == len(ELEMENTS)):
        raise fail("label: an incomplete clause is present and lacks at least one of the six elements")
    if verdict == "missing" and clause:
        raise fail("label: verdict 'missing' means no clause, but 'clause_present' is true")
    derived = _derive_required(central, bool(label["categories"]), value, label_date, works)
    if derived is not None and required != derived:
        raise fail(
            f"label: the facts (central {central}, categories {label['categories']}, value {value}, "
            f"date {label_date}, works {works}) make isv_required {derived}, not {required!r}"
        )
    if derived is None and required is True and (value is not None or central is not True):
        raise fail(
            "label: isv_required is true without a known value; only an EU procedure with "
            "central government and a category can make it so"
        )
    checked = {
        "authority": authority.strip() if authority is not None else None,
        "central_government": central,
        "categories": list(label["categories"]),
        "value_eur": value,
        "date": label_date.isoformat(),
        "works": works,
        "isv_required": required,
        "verdict": verdict,
        "clause_present": clause,
        "elements_present": [e for e in ELEMENTS if e in present],
        "decoys": list(label["decoys"]),
    }
    if elsewhere:
        checked["annex_elsewhere"] = elsewhere.strip()
    if label.get("note"):
        checked["note"] = " ".join(str(label["note"]).split())
    return checked


def threshold_eur(day: dt.date, works: bool = False) -> int:
    """The central-government EU threshold in force on `day` (supplies and services, or works)."""
    year = max(y for y in THRESHOLDS if y <= max(day.year, min(THRESHOLDS)))
    return THRESHOLDS[year][1 if works else 0]


def _derive_required(central: bool | None, has_category: bool, value, day: dt.date, works: bool) -> bool | None:
    """The isv_required that the labelled facts imply, in three-valued logic: False as soon as one
    condition fails, True when all hold, None when a fact is unknown (null authority or value); a
    null value with an EU procedure makes it True, which the label states but this cannot see."""
    value_ok = None if value is None else value >= threshold_eur(day, works)
    conditions = (central, has_category, value_ok)
    if False in conditions:
        return False
    if None in conditions:
        return None
    return True


def parse_body(lines: list[str], first_line: int = 1, where: str = "<body>") -> list[Node]:
    """Turn markup lines into nodes. Text lines accumulate into the open paragraph or list item until
    a blank line or a line that starts another block; see README.md for the markup."""
    nodes: list[Node] = []
    open_text: list[str] = []
    open_kind: tuple | None = None  # ("para",) or ("item", numbered, number)
    table_rows: list[tuple[str, ...]] = []
    table_line = 0
    next_number: int | None = None  # the number the next item of an open numbered list will print

    def flush_text() -> None:
        nonlocal open_kind
        if open_kind is not None:
            text = " ".join(open_text)
            if open_kind[0] == "para":
                nodes.append(Paragraph(text))
            else:
                nodes.append(ListItem(numbered=open_kind[1], text=text, number=open_kind[2]))
        open_text.clear()
        open_kind = None

    def flush_table() -> None:
        if table_rows:
            widths = {len(r) for r in table_rows}
            if len(widths) != 1:
                raise SourceError(f"{where}:{table_line}: table rows have different numbers of cells {sorted(widths)}")
            nodes.append(Table(tuple(table_rows)))
            table_rows.clear()

    for offset, raw in enumerate(lines):
        lineno = first_line + offset
        line = raw.strip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            flush_text()
            if not table_rows:
                table_line = lineno
            if not _SEPARATOR_RE.match(line):
                table_rows.append(tuple(cell.strip() for cell in line[1:-1].split("|")))
            next_number = None
            continue
        flush_table()
        if not line:
            flush_text()
            continue
        if line == "[pagebreak]":
            flush_text()
            nodes.append(PageBreak())
            next_number = None
            continue
        if line.startswith("\\"):
            line = line[1:]
            if open_kind is None:
                open_kind = ("para",)
                next_number = None
            open_text.append(line)
            continue
        m = _HEADING_RE.match(line)
        if m:
            level = len(m.group(1))
            if level > 3:
                raise SourceError(f"{where}:{lineno}: only heading levels 1 to 3 ('#' to '###') exist")
            flush_text()
            nodes.append(Heading(level, m.group(2).strip()))
            next_number = None
            continue
        m = _BULLET_RE.match(line)
        if m:
            flush_text()
            open_kind = ("item", False, 0)
            open_text.append(m.group(1).strip())
            next_number = None
            continue
        m = _NUMBER_RE.match(line)
        if m:
            flush_text()
            number = next_number if next_number is not None else int(m.group(1))
            open_kind = ("item", True, number)
            open_text.append(m.group(2).strip())
            next_number = number + 1
            continue
        if open_kind is None:
            open_kind = ("para",)
            next_number = None
        open_text.append(line)
    flush_table()
    flush_text()
    return nodes


def list_groups(nodes: list[Node]) -> list[list[Node] | Node]:
    """Group consecutive list items of one kind, so renderers know where a list starts and ends."""
    groups: list[list[Node] | Node] = []
    for node in nodes:
        if isinstance(node, ListItem):
            last = groups[-1] if groups else None
            if (
                isinstance(last, list)
                and last[0].numbered == node.numbered
                and (not node.numbered or node.number == last[-1].number + 1)
            ):
                last.append(node)
                continue
            groups.append([node])
        else:
            groups.append(node)
    return groups


# ---------------------------------------------------------------------------------------------
# Plain text


def render_txt(sample: Sample) -> str:
    """The body as a person would paste it from the document: one line per paragraph, blank lines
    between blocks, list items with '- ' or '1. ', table rows with cells joined by ' | '."""
    chunks: list[str] = []
    for group in list_groups(sample.body):
        if isinstance(group, list):
            chunks.append("\n".join((f"{i.number}. " if i.numbered else "- ") + i.text for i in group))
        elif isinstance(group, (Heading, Paragraph)):
            chunks.append(group.text)
        elif isinstance(group, Table):
            chunks.append("\n".join(" | ".join(row) for row in group.rows))
    return "\n\n".join(chunks) + "\n"


# ---------------------------------------------------------------------------------------------
# DOCX

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def render_docx(sample: Sample) -> bytes:
    """A Word document with real styles: 'Heading 1-3', 'List Bullet', 'List Number' (each list
    restarting), 'Table Grid' with a repeating header row, header and footer with PAGE/NUMPAGES."""
    doc = new_docx()
    _set_house_style(doc, LANGUAGES[sample.language])
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    if sample.header:
        _fill_story(section.header, sample.header, WD_ALIGN_PARAGRAPH.LEFT)
    if sample.footer:
        _fill_story(section.footer, sample.footer, WD_ALIGN_PARAGRAPH.CENTER)

    for group in list_groups(sample.body):
        if isinstance(group, Heading):
            doc.add_heading(group.text, level=group.level)
        elif isinstance(group, Paragraph):
            doc.add_paragraph(group.text)
        elif isinstance(group, list):
            num_id = _restarted_list(doc, group[0].number) if group[0].numbered else None
            for item in group:
                para = doc.add_paragraph(item.text, style="List Number" if item.numbered else "List Bullet")
                if num_id is not None:
                    _set_num(para, num_id)
        elif isinstance(group, Table):
            _add_table(doc, group)
        elif isinstance(group, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    props = doc.core_properties
    stamp = dt.datetime.combine(sample.date, dt.time(9, 0))
    props.title = sample.title
    props.author = sample.author
    props.last_modified_by = sample.author
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.language = LANGUAGES[sample.language]
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.category = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member timestamps so the same source gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def _set_fonts(rpr, size_pt: float | None) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size_pt * 2)))


def _set_house_style(doc: DocxDocument, lang: str) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_PT)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    normal.line_spacing = 1.2
    for level, size in HEADING_PT.items():
        style = doc.styles[f"Heading {level}"]
        _set_fonts(style.element.get_or_add_rPr(), size)
        color = style.element.rPr.find(qn("w:color"))
        if color is not None:
            style.element.rPr.remove(color)
        style.font.color.rgb = HEADING_RGB[level]
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
    for name in ("Header", "Footer"):
        _set_fonts(doc.styles[name].element.get_or_add_rPr(), 7.5)
    for name in ("List Bullet", "List Number"):
        doc.styles[name].paragraph_format.space_after = Pt(3)


def _fill_story(story, text: str, align) -> None:
    """Header or footer text, one paragraph per line; {PAGE} and {PAGES} become Word fields."""
    for i, line in enumerate(text.split("\n")):
        para = story.paragraphs[0] if i == 0 else story.add_paragraph(style=story.paragraphs[0].style)
        para.alignment = align
        for part in re.split(r"(\{PAGES?\})", line):
            if part == "{PAGE}":
                _add_field(para, "PAGE")
            elif part == "{PAGES}":
                _add_field(para, "NUMPAGES")
            elif part:
                para.add_run(part)


def _add_field(paragraph, instruction: str) -> None:
    def fld_char(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    paragraph.add_run()._r.append(fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(fld_char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(fld_char("end"))


def _restarted_list(doc: DocxDocument, start: int) -> int:
    """A new w:num on the 'List Number' style's abstract numbering, starting at `start`: without it
    every numbered list in the document would continue the previous one's count."""
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = next(
        n.find(qn("w:abstractNumId")).get(qn("w:val"))
        for n in numbering.findall(qn("w:num"))
        if n.get(qn("w:numId")) == str(style_num)
    )
    nums = numbering.findall(qn("w:num"))
    new_id = max(int(n.get(qn("w:numId"))) for n in nums) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(new_id))
    abstract = OxmlElement("w:abstractNumId")
    abstract.set(qn("w:val"), abstract_id)
    num.append(abstract)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start_el = OxmlElement("w:startOverride")
    start_el.set(qn("w:val"), str(start))
    override.append(start_el)
    num.append(override)
    nums[-1].addnext(num)
    return new_id


def _set_num(paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _add_table(doc: DocxDocument, table_node: Table) -> None:
    rows = table_node.rows
    cols = len(rows[0])
    table = doc.add_table(rows=len(rows), cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = [Cm(w) for w in _column_widths_cm(rows)]
    for c, width in enumerate(widths):
        table.columns[c].width = width
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.width = widths[c]
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(0)
            run = para.add_run(text)
            if r == 0:
                run.bold = True
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:color"), "auto")
                shading.set(qn("w:fill"), "DCE3EC")
                cell._tc.get_or_add_tcPr().append(shading)
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


# ---------------------------------------------------------------------------------------------
# PDF and scan


def _column_widths_cm(rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Auto-layout as a word processor would: every column gets room for its longest word, and the
    rest of the text width goes to the columns whose text would otherwise wrap most."""
    char_cm, padding_cm = 0.19, 0.45
    cols = len(rows[0])
    natural = [padding_cm + char_cm * max(len(r[c]) for r in rows) for c in range(cols)]
    minimum = [padding_cm + char_cm * max((len(w) for r in rows for w in r[c].split()), default=1) for c in range(cols)]
    if sum(natural) <= TEXT_WIDTH_CM:
        return [TEXT_WIDTH_CM * n / sum(natural) for n in natural]
    spare = max(0.0, TEXT_WIDTH_CM - sum(minimum))
    excess = [(n - m) ** 0.8 for n, m in zip(natural, minimum, strict=True)]
    total = sum(excess) or 1.0
    widths = [m + spare * e / total for m, e in zip(minimum, excess, strict=True)]
    return [w * TEXT_WIDTH_CM / sum(widths) for w in widths]


def convert_to_pdf(docx_paths: list[Path], out_dir: Path) -> None:
    """One LibreOffice run for all files: start-up dominates the cost. A private profile directory
    keeps it from colliding with another LibreOffice on the machine."""
    if not docx_paths:
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed for pdf and scan outputs but is not on PATH")
    with tempfile.TemporaryDirectory(prefix="isv-soffice-") as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docx_paths),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S)
    missing = [p.name for p in docx_paths if not (out_dir / (p.stem + ".pdf")).exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(f"soffice did not convert {missing or 'all files'}: {result.stderr.strip()[-500:]}")


def render_scan(pdf: Path, sample: Sample, work: Path) -> bytes:
    """An image-only PDF that looks scanned: grey paper, soft focus, grain, a few specks, and each
    page turned by a few tenths of a degree. Seeded from the sample name, so rebuilds match."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("poppler's pdftoppm is needed for scan outputs but is not on PATH")
    prefix = work / f"{sample.name}-scan"
    subprocess.run(
        ["pdftoppm", "-r", str(SCAN_DPI), "-gray", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    page_files = sorted(work.glob(f"{prefix.name}-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    rng = random.Random(int(hashlib.sha256(sample.name.encode()).hexdigest()[:16], 16))
    pages = [_age_page(Image.open(p).convert("L"), rng) for p in page_files]
    stamp = time.strptime(sample.date.isoformat() + " 10:00:00", "%Y-%m-%d %H:%M:%S")
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(SCAN_DPI),
        quality=SCAN_JPEG_QUALITY,
        title=sample.title,
        creator="build_samples.py (simulated scan)",
        producer="Pillow",
        creationDate=stamp,
        modDate=stamp,
    )
    return out.getvalue()


def _age_page(page: Image.Image, rng: random.Random) -> Image.Image:
    paper, ink = 238, 34
    page = page.point(lambda v: ink + v * (paper - ink) // 255)
    page = page.filter(ImageFilter.GaussianBlur(0.45))
    width, height = page.size
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    grain = grain.point(lambda v: v * 16 // 255).filter(ImageFilter.GaussianBlur(0.7))
    page = ImageChops.subtract(page, grain)
    draw = ImageDraw.Draw(page)
    for _ in range(rng.randint(12, 30)):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.choice((1, 1, 1, 2))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(90, 170))
    angle = rng.choice((-1, 1)) * rng.uniform(0.3, 0.5)
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=paper)


# ---------------------------------------------------------------------------------------------
# Building


def load_sources(only: str | None = None, source_dir: Path = SOURCE_DIR) -> list[Sample]:
    if not source_dir.is_dir():
        raise SourceError(f"no source folder {source_dir}")
    paths = sorted(source_dir.glob("*.sample"))
    if only is not None:
        paths = [p for p in paths if p.stem == only]
        if not paths:
            raise SourceError(f"no source named {only!r} in {source_dir}")
    return [parse_source(p) for p in paths]


def build(samples: list[Sample], out_dir: Path) -> dict[str, list[str]]:
    """Write every declared output of `samples` into `out_dir`; return sample name -> output files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="isv-samples-") as tmp:
        work = Path(tmp)
        needs_pdf: list[Path] = []
        for sample in samples:
            docx_path = work / f"{sample.name}.docx"
            docx_path.write_bytes(render_docx(sample))
            if "pdf" in sample.outputs or "scan" in sample.outputs:
                needs_pdf.append(docx_path)
        convert_to_pdf(needs_pdf, work)
        for sample in samples:
            files: list[str] = []
            for fmt in sample.outputs:
                target = out_dir / sample.output_name(fmt)
                if fmt == "docx":
                    shutil.copyfile(work / f"{sample.name}.docx", target)
                elif fmt == "pdf":
                    shutil.copyfile(work / f"{sample.name}.pdf", target)
                elif fmt == "scan":
                    target.write_bytes(render_scan(work / f"{sample.name}.pdf", sample, work))
                elif fmt == "txt":
                    target.write_text(render_txt(sample), encoding="utf-8", newline="\n")
                files.append(target.name)
            written[sample.name] = files
    return written


def remove_undeclared(sample: Sample, out_dir: Path) -> list[str]:
    """Delete outputs of this sample whose format its front matter no longer names."""
    removed = []
    for fmt, suffix in OUTPUT_SUFFIXES.items():
        path = out_dir / (sample.name + suffix)
        if fmt not in sample.outputs and path.exists():
            path.unlink()
            removed.append(path.name)
    return removed


def manifest_entry(sample: Sample) -> dict:
    return {"sha256": sample.sha256, "outputs": [sample.output_name(f) for f in sample.outputs]}


def _display_path(path: Path, base: Path) -> str:
    """`path` relative to `base` when it lies inside it, else relative to the repository, else absolute."""
    for root in (base, REPO_ROOT):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return path.resolve().as_posix()


def source_key(sample: Sample, out_dir: Path = SAMPLES_DIR) -> str:
    """The manifest key of a source: its path relative to the out dir (`source/<name>.sample`)."""
    return _display_path(sample.source, out_dir)


def read_manifest(out_dir: Path) -> dict:
    path = out_dir / MANIFEST
    if not path.exists():
        return {"sources": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(out_dir: Path, manifest: dict) -> None:
    content = {"generator": "samples/build_samples.py", "sources": dict(sorted(manifest["sources"].items()))}
    text = json.dumps(content, indent=2, ensure_ascii=False)
    (out_dir / MANIFEST).write_text(text + "\n", encoding="utf-8")


def labels_text(samples: list[Sample], source_dir: Path = SOURCE_DIR) -> str:
    entries: dict[str, dict] = {}
    for sample in sorted(samples, key=lambda s: s.name):
        for fmt in sample.outputs:
            label = {k: list(v) if isinstance(v, list) else v for k, v in sample.label.items()}
            entries[sample.output_name(fmt)] = {"sample": sample.name, "format": fmt, **label}
    head = (
        "# Ground-truth labels of the sample documents, one entry per output file.\n"
        f"# Generated by samples/build_samples.py from the 'label' blocks in {_display_path(source_dir, REPO_ROOT)}/*.sample;"
        " do not edit.\n"
    )
    return head + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)


def run_build(only: str | None, source_dir: Path = SOURCE_DIR, out_dir: Path = SAMPLES_DIR) -> int:
    started = time.monotonic()
    samples = load_sources(only, source_dir)
    all_samples = samples if only is None else load_sources(None, source_dir)
    written = build(samples, out_dir)
    for sample in samples:
        for name in remove_undeclared(sample, out_dir):
            print(f"removed {name} (no longer in its outputs)")
    manifest = read_manifest(out_dir)
    if only is None:
        manifest["sources"] = {}
    for sample in samples:
        manifest["sources"][source_key(sample, out_dir)] = manifest_entry(sample)
    write_manifest(out_dir, manifest)
    (out_dir / LABELS).write_text(labels_text(all_samples, source_dir), encoding="utf-8", newline="\n")
    for name, files in written.items():
        sizes = ", ".join(f"{f} ({(out_dir / f).stat().st_size / 1024:.0f} KB)" for f in files)
        print(f"{name}: {sizes}")
    print(
        f"built {sum(len(f) for f in written.values())} files from {len(samples)} sources "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


def run_check(only: str | None, source_dir: Path = SOURCE_DIR, out_dir: Path = SAMPLES_DIR) -> int:
    """Rebuild into a temp dir (which proves the sources still build) and compare with the out dir."""
    samples = load_sources(only, source_dir)
    all_samples = load_sources(None, source_dir)
    manifest = read_manifest(out_dir).get("sources", {})
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="isv-samples-check-") as tmp:
        fresh = Path(tmp)
        build(samples, fresh)
        for sample in samples:
            entry = manifest.get(source_key(sample, out_dir))
            if entry is None:
                problems.append(f"{sample.name}: never built (no entry in {MANIFEST})")
            elif entry.get("sha256") != sample.sha256:
                problems.append(f"{sample.name}: stale, the source changed since the last build")
            elif entry.get("outputs") != manifest_entry(sample)["outputs"]:
                problems.append(f"{sample.name}: stale, its outputs list changed since the last build")
            for fmt in sample.outputs:
                name = sample.output_name(fmt)
                built = out_dir / name
                if not built.exists():
                    problems.append(f"{name}: missing")
                elif (
                    fmt == "txt"
                    and built.read_bytes() != (fresh / name).read_bytes()
                    or fmt == "docx"
                    and _zip_parts(built) != _zip_parts(fresh / name)
                ):
                    problems.append(f"{name}: differs from a fresh build")
            for fmt, suffix in OUTPUT_SUFFIXES.items():
                if fmt not in sample.outputs and (out_dir / (sample.name + suffix)).exists():
                    problems.append(f"{sample.name + suffix}: not in the sample's outputs any more")
    if only is None:
        known = {source_key(s, out_dir) for s in all_samples}
        for key in sorted(set(manifest) - known):
            problems.append(f"{key}: in {MANIFEST} but the source is gone")
    labels_path = out_dir / LABELS
    if not labels_path.exists() or labels_path.read_text(encoding="utf-8") != labels_text(all_samples, source_dir):
        problems.append(f"{LABELS}: out of date with the sources' labels")
    for line in problems:
        print(line)
    outputs = sum(len(s.outputs) for s in samples)
    print(
        f"checked {outputs} outputs of {len(samples)} sources: "
        + ("all up to date" if not problems else f"{len(problems)} problem(s); run build_samples.py")
    )
    return 1 if problems else 0


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME", help="build or check only this sample (its source file stem)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temp dir and report outputs that are missing or stale; exit 1 if any",
    )
    parser.add_argument(
        "--source-dir",
        metavar="DIR",
        type=Path,
        default=SOURCE_DIR,
        help="folder with the *.sample sources (default: samples/source)",
    )
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        type=Path,
        default=SAMPLES_DIR,
        help="folder for the outputs, labels.yaml and manifest.json (default: samples)",
    )
    args = parser.parse_args(argv)
    source_dir, out_dir = args.source_dir.resolve(), args.out_dir.resolve()
    try:
        if args.check:
            return run_check(args.only, source_dir, out_dir)
        return run_build(args.only, source_dir, out_dir)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
