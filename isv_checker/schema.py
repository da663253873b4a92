"""The reports' JSON Schemas, generated from the pydantic models so they can never drift from them.

    python -m isv_checker.schema > schema/report.schema.json          # the document report
    python -m isv_checker.schema tender > schema/tender.schema.json   # the tender report

regenerate the published copies; a test fails when they differ.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import BaseModel

from .report import SCHEMA_ID, Report
from .tender.report import TENDER_SCHEMA_ID, TenderReport

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "report": (Report, SCHEMA_ID),
    "tender": (TenderReport, TENDER_SCHEMA_ID),
}


def report_schema(kind: str = "report") -> dict[str, Any]:
    model, schema_id = SCHEMAS[kind]
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = f"https://isv-checker.invalid/schema/{schema_id}.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text(kind: str = "report") -> str:
    return json.dumps(report_schema(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(sys.argv[1] if len(sys.argv) > 1 else "report"), end="")
