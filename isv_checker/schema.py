"""The report's JSON Schema, generated from the pydantic models so it can never drift from them.

`python -m isv_checker.schema > schema/report.schema.json` regenerates the published copy; a test fails
when the two differ.
"""

from __future__ import annotations

import json
from typing import Any

from .report import SCHEMA_ID, Report


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = f"https://isv-checker.invalid/schema/{SCHEMA_ID}.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
