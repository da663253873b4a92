"""The published JSON Schema is the one generated from the models, and reports validate against it.

Set ISV_UPDATE_GOLDEN=1 to rewrite schema/report.schema.json after a deliberate model change.
"""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from isv_checker.pipeline import check
from isv_checker.render.json import report_json
from isv_checker.schema import report_schema, schema_text

from .conftest import ROOT, SAMPLES

PUBLISHED = ROOT / "schema" / "report.schema.json"
PUBLISHED_TENDER = ROOT / "schema" / "tender.schema.json"


@pytest.mark.parametrize(("kind", "published"), [("report", PUBLISHED), ("tender", PUBLISHED_TENDER)])
def test_published_schema_is_generated(kind, published):
    if os.environ.get("ISV_UPDATE_GOLDEN"):
        published.write_text(schema_text(kind), encoding="utf-8")
    assert published.read_text(encoding="utf-8") == schema_text(kind), (
        f"{published.name} is stale: run `python -m isv_checker.schema {kind} > schema/{published.name}`"
    )


def test_reports_validate(tmp_path):
    validator = jsonschema.Draft202012Validator(report_schema())
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 garbage")
    text = tmp_path / "tekst.txt"
    text.write_text("Artikel 1\nDe Opdrachtnemer rapporteert jaarlijks.\n")
    paths = [broken, text, *sorted(p for p in SAMPLES.glob("*") if p.suffix in (".pdf", ".docx", ".txt", ".odt"))]
    for path in paths:
        report = check(path, include_blocks=True)
        validator.validate(json.loads(report_json(report)))
        validator.validate(json.loads(report_json(report.model_copy(update={"blocks": None}))))
